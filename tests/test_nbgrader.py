"""The nbgrader workflow on the course's notebooks, from ``ml4p nbgrader build`` to the exports.

The cycle runs once for the module (weeks 1 and 8, three students): ``generate_assignment``,
``autograde``, ``generate_feedback`` and ``export``, with every Jupyter, IPython and matplotlib
directory in a temporary folder.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from helpers import ROOT, solution_source, write_notebook

from autograder.build import BEGIN, END
from autograder.grade import grade
from autograder.nbgrader_bridge.cell import GRADE_TIMEOUT, grade_cell
from autograder.nbgrader_bridge.course import CELL_TIMEOUT, CONFIG_FILE, build_course
from autograder.notebook import is_test_cell
from autograder.registry import exercise_by_id, select, week_exercises

pytestmark = pytest.mark.slow

WEEKS = ("week01_practices", "week08_pinn")
STUDENTS = ("ada", "ben", "cyd")  # the solution; partly wrong, with warnings and prints; the stub
# eve leaves week 1's stubs and, in the kernel, replaces the function the test cells call
EVE_ATTACK = """\
import autograder.nbgrader_bridge.cell as cell
from autograder.registry import exercise_by_id

cell.grade_cell = lambda exercise_id, *args, **kwargs: float(exercise_by_id(exercise_id).points)
"""
HOME_PATHS = (
    ".jupyter",
    ".ipython",
    ".local/share/jupyter",
    ".cache/matplotlib",
    ".config/matplotlib",
)
# ben's changes to the solution cells: (grade id, text of the solution, its replacement)
BEN_CHANGES = {
    "week01_practices": [
        (  # the lesson of softmax: no max shift
            "softmax-solution",
            "    shifted = z - z.amax(dim=dim, keepdim=True)\n    weights = shifted.exp()\n",
            "    weights = z.exp()\n",
        ),
        (  # correct, but warns (torch and Python) and prints a lot in every call
            "log_softmax-solution",
            "    ### BEGIN SOLUTION\n",
            "    ### BEGIN SOLUTION\n    import warnings\n\n    torch.tensor(torch.ones(1))\n"
            "    warnings.warn('student warning', UserWarning)\n    print('x' * 100_000)\n",
        ),
    ],
    "week08_pinn": [
        (
            "burgers_residual-solution",
            "create_graph=True, allow_unused=True",
            "allow_unused=True",
        )
    ],
}


def _jupyter_environment(base: Path) -> dict[str, str]:
    folders = {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "TMPDIR": "tmp",  # the kernels' own temporary files (ipykernel_<pid>) stay in the test's folder
    }
    (base / "tmp").mkdir(exist_ok=True)
    return os.environ | {name: str(base / folder) for name, folder in folders.items()}


def _home_state() -> dict[str, float]:
    """Every file and folder below the places Jupyter, IPython and matplotlib write to by default."""
    home, state = Path.home(), {}
    for name in HOME_PATHS:
        top = home / name
        for path in [top, *top.rglob("*")] if top.exists() else []:
            state[str(path)] = path.lstat().st_mtime
    return state


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def _nbgrader(step: str, week: str, course: Path, env: dict[str, str]) -> str:
    return _run([sys.executable, "-m", "nbgrader", step, week, "--force"], course, env)


def _cells_by_grade_id(notebook) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in notebook.cells
        if "nbgrader" in cell.metadata
    }


def _student_notebook(course: Path, week: str, student: str):
    """The released notebook with the student's answers in its solution cells."""
    notebook = nbformat.read(course / "release" / week / f"{week}.ipynb", as_version=4)
    if student in ("cyd", "eve"):
        if student == "eve":
            notebook.cells.insert(1, nbformat.v4.new_code_cell(EVE_ATTACK))
        return notebook
    source = _cells_by_grade_id(
        nbformat.read(course / "source" / week / f"{week}.ipynb", as_version=4)
    )
    for grade_id, cell in _cells_by_grade_id(notebook).items():
        if cell.metadata["nbgrader"]["solution"]:
            cell.source = source[grade_id].source
    if student == "ben":
        cells = _cells_by_grade_id(notebook)
        for grade_id, old, new in BEN_CHANGES[week]:
            assert cells[grade_id].source.count(old) == 1, (grade_id, old)
            cells[grade_id].source = cells[grade_id].source.replace(old, new)
        notebook.cells.insert(
            1, nbformat.v4.new_code_cell("%matplotlib inline\nprint('-' * 10**5)")
        )
    return notebook


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Build the course, release weeks 1 and 8, let three students submit, grade and export."""
    base = tmp_path_factory.mktemp("nbgrader")
    course, env, home_before = base / "course", _jupyter_environment(base), _home_state()
    build_course(course, ROOT / "solutions")
    for week in WEEKS:
        _nbgrader("generate_assignment", week, course, env)
        for student in STUDENTS:
            target = course / "submitted" / student / week / f"{week}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(_student_notebook(course, week, student), target)
    eve = course / "submitted" / "eve" / WEEKS[0] / f"{WEEKS[0]}.ipynb"
    eve.parent.mkdir(parents=True)
    nbformat.write(_student_notebook(course, WEEKS[0], "eve"), eve)
    for week in WEEKS:
        _nbgrader("autograde", week, course, env)
        _nbgrader("generate_feedback", week, course, env)
    _run([sys.executable, "-m", "nbgrader", "export"], course, env)
    command = [sys.executable, "-m", "autograder.cli", "nbgrader", "export", "--course", "course"]
    _run([*command, "--output", str(base / "exercises.csv")], base, env)
    command += ["--output", str(base / "verified.csv"), "--verify"]
    verified = subprocess.run(command, cwd=base, env=env, capture_output=True, text=True)
    return {"course": course, "base": base, "home_before": home_before, "verified": verified}


def _exported(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as file:
        return {row["student_id"]: row for row in csv.DictReader(file)}


def test_each_exercise_scores_as_ml4p_grade_on_the_same_notebook(cycle):
    exported = _exported(cycle["base"] / "exercises.csv")
    assert sorted(exported) == [*STUDENTS, "eve"]
    exercises = select(weeks=WEEKS)
    for student in STUDENTS:
        report = grade(cycle["course"] / "submitted" / student / WEEKS[0], select(weeks=WEEKS[:1]))
        report8 = grade(cycle["course"] / "submitted" / student / WEEKS[1], select(weeks=WEEKS[1:]))
        graded = {e.id: e.score for e in [*report.exercises, *report8.exercises]}
        assert {e.id: float(exported[student][e.id]) for e in exercises} == graded, student
    total = sum(exercise.points for exercise in exercises)
    assert float(exported["ada"]["total"]) == total
    assert float(exported["cyd"]["total"]) == 0.0
    ben = exported["ben"]
    assert (
        float(ben["week01_practices.softmax"])
        <= exercise_by_id("week01_practices.softmax").points / 2
    )
    assert float(ben["week08_pinn.burgers_residual"]) <= 1.5
    # warnings and a flood of output in every call cost nothing
    assert float(ben["week01_practices.log_softmax"]) == 1.0


def test_nbgraders_own_export_has_the_same_totals(cycle):
    ours = _exported(cycle["base"] / "exercises.csv")
    with (cycle["course"] / "grades.csv").open() as file:
        theirs: dict[str, float] = {}
        for row in csv.DictReader(file):
            theirs[row["student_id"]] = theirs.get(row["student_id"], 0.0) + float(row["score"])
    assert {student: float(row["total"]) for student, row in ours.items()} == pytest.approx(theirs)


def test_the_release_holds_no_solution_and_no_hidden_check(cycle):
    for week in WEEKS:
        released = list((cycle["course"] / "release" / week).iterdir())
        assert [path.name for path in released] == [f"{week}.ipynb"]
        text = released[0].read_text()
        code = "\n".join(
            cell.source
            for cell in nbformat.reads(text, as_version=4).cells
            if cell.cell_type == "code"
        )
        for line in _solution_lines(week):
            assert line not in code, f"{week}: solution line {line!r} released"
        for secret in ("grade_cell", "HIDDEN TESTS", "autograder", BEGIN):
            assert secret not in text, f"{week}: {secret!r} released"


def _solution_lines(week: str) -> list[str]:
    lines, inside = [], False
    for line in (ROOT / "solutions" / f"{week}.py").read_text().splitlines():
        inside = (inside or line.strip() == BEGIN) and line.strip() != END
        code = line.strip()
        if inside and any(c.isalnum() for c in code) and not code.startswith("#"):
            lines.append(code)  # a bracket alone also closes the signatures the stub keeps
    assert len(lines) > 5
    return lines


def test_feedback_shows_the_graders_messages_and_not_the_hidden_code(cycle):
    feedback = cycle["course"] / "feedback" / "ben" / WEEKS[0] / f"{WEEKS[0]}.html"
    html = feedback.read_text()
    assert "week01_practices.softmax: partial" in html
    assert "subtract the maximum" in html  # the lesson's hint
    assert "grade_cell" not in html and "HIDDEN TESTS" not in html


def test_a_test_cell_never_writes_to_stderr(cycle):
    for week in WEEKS:
        for student in STUDENTS:
            path = cycle["course"] / "autograded" / student / week / f"{week}.ipynb"
            for cell in nbformat.read(path, as_version=4).cells:
                if is_test_cell(cell):
                    kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
                    assert ("stream", "stderr") not in kinds and ("error", None) not in kinds
                    assert kinds[-1] == ("execute_result", None), (student, week, kinds)


def test_home_is_untouched(cycle):
    assert _home_state() == cycle["home_before"]


def test_the_course_sources_hold_one_notebook_per_week_with_a_test_cell_per_exercise(tmp_path):
    build_course(tmp_path, ROOT / "solutions")
    # the cell's own limit comes first, so that a slow grading still prints why it gives 0
    assert f"c.Execute.timeout = {CELL_TIMEOUT}\n" in (tmp_path / CONFIG_FILE).read_text()
    assert GRADE_TIMEOUT < CELL_TIMEOUT
    weeks = sorted(path.name for path in (tmp_path / "source").iterdir())
    graded = [p.stem for p in (ROOT / "solutions").glob("week*.py") if week_exercises(p.stem)]
    assert weeks == sorted(graded)  # a week without exercises yet has no notebook
    for week in weeks:
        folder = tmp_path / "source" / week
        assert [path.name for path in folder.iterdir()] == [f"{week}.ipynb"]
        notebook = nbformat.read(folder / f"{week}.ipynb", as_version=4)
        tests = [cell for cell in notebook.cells if is_test_cell(cell)]
        points = {
            cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
            for cell in tests
        }
        assert points == {exercise.name: exercise.points for exercise in week_exercises(week)}
        assert all(cell.metadata["nbgrader"]["locked"] for cell in tests)
        assert "jupytext" not in notebook.metadata  # no paired .py appears when a student saves


def test_the_cell_grades_the_saved_file_and_reports_a_float(tmp_path, capsys):
    notebook = write_notebook(solution_source("week08_pinn"), tmp_path / "week08_pinn.ipynb")
    score = grade_cell("week08_pinn.burgers_residual", notebook)
    missing = grade_cell("week08_pinn.burgers_residual", tmp_path / "elsewhere.ipynb")

    out, err = capsys.readouterr()
    assert (score, missing) == (3.0, 0.0)
    assert "week08_pinn.burgers_residual: passed, 3 / 3" in out
    assert "not graded, 0 points: cannot read" in out
    assert err == ""


def test_verify_finds_the_scores_a_kernel_attack_forged(cycle):
    # in nbgrader's kernel, eve's cell replaced the grading function: the gradebook gives full marks
    exported = _exported(cycle["base"] / "exercises.csv")
    assert float(exported["eve"]["total"]) == sum(e.points for e in week_exercises(WEEKS[0]))
    # a fresh grading process finds the stubs
    verified = cycle["verified"]
    assert verified.returncode == 1, verified.stdout + verified.stderr
    differing = [line for line in verified.stdout.splitlines() if line.startswith("differs:")]
    assert len(differing) == len(week_exercises(WEEKS[0]))
    assert all(line.startswith("differs: eve, week01_practices.") for line in differing)
    assert "autograded 2, ml4p grade 0" in verified.stdout


def test_the_cli_builds_a_course_and_export_asks_for_a_gradebook(tmp_path):
    command = [sys.executable, "-m", "autograder.cli", "nbgrader"]
    built = subprocess.run(
        [*command, "build", "--course", str(tmp_path / "course")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "course" / CONFIG_FILE).is_file()
    assert "week01_practices.ipynb" in built.stdout
    export = subprocess.run(
        [*command, "export", "--course", str(tmp_path / "course")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert export.returncode == 2
    assert "gradebook.db not found: run nbgrader" in export.stderr
