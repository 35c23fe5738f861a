"""``ml4p grade-class``: a small class graded locally (twice, with one and two jobs, resumed) and on a
Dask LocalCluster, with a broken, a hostile and a wrong submission among the students."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from helpers import ROOT, known_wrong_submission

from autograder.cli import main
from autograder.notebook import load_jupytext
from autograder.registry import select

WEEK = "week01_practices"
# three of the week's exercises keep the runs short: one to fail, a loss, a stochastic one
EXERCISES = select(ids=[f"{WEEK}.{name}" for name in ("softmax", "logsumexp", "metropolis_step")])
SELECTION = [option for exercise in EXERCISES for option in ("--exercise", exercise.id)]
COPIES_ANOTHER = """

_copied = {{}}
exec(open({path!r}).read(), _copied)
softmax = _copied["softmax"]
"""


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    """A class of six: a solution, a stub, a known-wrong softmax, a file that does not parse, a
    copy of the solution that execs another student's file, and the solution as a notebook in
    nbgrader's layout (``<student>/<week>/<week>.ipynb``)."""
    root = tmp_path_factory.mktemp("class")
    students = root / "submissions"
    for name in ("ada", "bo", "cy", "dee", "eli", f"fay/{WEEK}"):
        (students / name).mkdir(parents=True)
    solution = ROOT / "solutions" / f"{WEEK}.py"
    shutil.copy(solution, students / "ada" / f"{WEEK}.py")
    shutil.copy(ROOT / "assignments" / f"{WEEK}.py", students / "bo" / f"{WEEK}.py")
    wrong = ROOT / "tests" / "known_wrong" / WEEK / "softmax_no_max_shift.py"
    known_wrong_submission(wrong, students / "cy")
    (students / "dee" / f"{WEEK}.py").write_text("def softmax(z:\n")
    other = str(students / "ada" / f"{WEEK}.py")
    copier = solution.read_text() + COPIES_ANOTHER.format(path=other)
    (students / "eli" / f"{WEEK}.py").write_text(copier)
    notebook = load_jupytext().reads(solution.read_text(), fmt="py:percent")
    load_jupytext().write(notebook, students / "fay" / WEEK / f"{WEEK}.ipynb", fmt="ipynb")
    return root


def grade_class(school: Path, out: str, *options: str) -> int:
    """``ml4p grade-class submissions --out OUT/grades.csv`` run in ``school`` (the reports name
    each submission's folder as the command line does)."""
    here = Path.cwd()
    os.chdir(school)
    try:
        return main(["grade-class", "submissions", "--out", f"{out}/grades.csv", *options])
    finally:
        os.chdir(here)


def rows(csv: Path) -> dict[str, list[str]]:
    lines = csv.read_text().splitlines()
    return {line.split(",")[0]: line.split(",")[1:] for line in lines}


@pytest.fixture(scope="module")
def graded(school) -> Path:
    """The class graded once by the command (a process of its own), with two jobs."""
    command = [sys.executable, "-m", "autograder.cli", "grade-class", "submissions"]
    command += ["--out", "first/grades.csv", *SELECTION, "--jobs", "2"]
    done = subprocess.run(command, cwd=school, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "graded 6 students" in done.stdout
    return school / "first"


def test_the_csv_has_a_row_per_student_a_column_per_exercise_and_the_total(graded):
    table = rows(graded / "grades.csv")
    points = [f"{exercise.points:g}" for exercise in EXERCISES]
    total = f"{sum(exercise.points for exercise in EXERCISES):g}"
    assert table["student"] == [exercise.id for exercise in EXERCISES] + ["total"]
    assert table["ada"] == table["fay"] == [*points, total]
    zeros = ["0"] * (len(EXERCISES) + 1)
    assert table["bo"] == table["dee"] == table["eli"] == zeros
    assert float(table["cy"][0]) < EXERCISES[0].points / 2  # the lesson keeps at most half
    assert table["cy"][1:-1] == points[1:]


def test_each_student_has_a_json_report_and_the_class_a_histogram(graded):
    report = json.loads((graded / "grades-reports" / "cy.json").read_text())
    assert report["student"] == "cy" and report["score"] < report["max_score"]
    softmax = report["exercises"][0]
    assert softmax["status"] == "partial"
    assert any("subtract the maximum" in check["message"] for check in softmax["checks"])
    broken = json.loads((graded / "grades-reports" / "dee.json").read_text())
    assert {exercise["status"] for exercise in broken["exercises"]} == {"error"}
    assert (graded / "grades.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_student_cannot_read_another_students_files(graded):
    report = json.loads((graded / "grades-reports" / "eli.json").read_text())
    messages = [check["message"] for check in report["exercises"][0]["checks"]]
    assert any("reading other submissions is not allowed" in message for message in messages)


def test_grading_again_with_one_job_or_two_gives_the_same_csv_and_reports(school, graded, capsys):
    assert grade_class(school, "one-job", *SELECTION, "--jobs", "1") == 0
    assert grade_class(school, "two-jobs", *SELECTION, "--jobs", "2") == 0
    for out in ("one-job", "two-jobs"):
        assert (school / out / "grades.csv").read_bytes() == (graded / "grades.csv").read_bytes()
        for report in (graded / "grades-reports").iterdir():
            again = json.loads((school / out / "grades-reports" / report.name).read_text())
            first = json.loads(report.read_text())
            assert again == first, report.name


def test_a_second_run_grades_only_the_students_whose_files_changed(school, tmp_path, capsys):
    students = tmp_path / "submissions"
    shutil.copytree(school / "submissions", students)
    assert grade_class(tmp_path, "out", *SELECTION) == 0
    assert "graded 6 students" in capsys.readouterr().out
    stub = ROOT / "assignments" / f"{WEEK}.py"
    shutil.copy(ROOT / "solutions" / f"{WEEK}.py", students / "bo" / stub.name)
    assert grade_class(tmp_path, "out", *SELECTION) == 0
    assert "graded 1 students" in capsys.readouterr().out
    assert (
        rows(tmp_path / "out" / "grades.csv")["bo"] == rows(tmp_path / "out" / "grades.csv")["ada"]
    )
    assert grade_class(tmp_path, "out", *SELECTION, "--force") == 0
    assert "graded 6 students" in capsys.readouterr().out


def test_a_fault_of_the_grader_costs_only_the_student_it_comes_from(
    school, tmp_path, monkeypatch, capsys
):
    from autograder import grade

    scan = grade._static_violations

    def fails_for_dee(path, exercise):
        if path.parent.name == "dee":
            raise RuntimeError("the grader broke")
        return scan(path, exercise)

    monkeypatch.setattr(grade, "_static_violations", fails_for_dee)
    assert grade_class(school, "fault", "--exercise", EXERCISES[0].id) == 1
    assert "grading dee failed (a fault of the grader): RuntimeError" in capsys.readouterr().err
    table = rows(school / "fault" / "grades.csv")
    assert table["dee"] == ["", ""]
    assert table["ada"] == [f"{EXERCISES[0].points:g}"] * 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing-folder"], "is not a directory"),
        (
            ["submissions", "--scheduler", "tcp://127.0.0.1:1"],
            "--scheduler goes with --executor dask",
        ),
        (["submissions", "--timeout", "0"], "--timeout must be positive"),
        pytest.param(
            ["submissions", "--device", "cuda"],
            "no CUDA device is available",
            marks=pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present"),
        ),
    ],
)
def test_usage_errors_are_one_line_and_status_2(school, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(school)
    with pytest.raises(SystemExit) as stopped:
        main(["grade-class", *arguments, "--out", "usage/grades.csv"])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_a_dask_cluster_grades_the_class_to_the_same_csv(school, graded):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        options = [*SELECTION, "--executor", "dask", "--scheduler", cluster.scheduler_address]
        assert grade_class(school, "dask", *options) == 0
    assert (school / "dask" / "grades.csv").read_bytes() == (graded / "grades.csv").read_bytes()
    for report in (graded / "grades-reports").iterdir():
        on_dask = json.loads((school / "dask" / "grades-reports" / report.name).read_text())
        assert on_dask == json.loads(report.read_text()), report.name
