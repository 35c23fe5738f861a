"""``ml4p nbgrader build``: an nbgrader course directory made from ``solutions/``.

For each week module with exercises, ``source/<module>/<module>.ipynb`` is the solution file as a
notebook (jupytext): markdown cells as they are; a code cell holding ``### BEGIN SOLUTION`` regions
becomes an nbgrader solution cell; after the cell that defines an exercise comes one locked,
autograded test cell worth the exercise's points, whose hidden part calls ``grade_cell``. nbgrader
clears the solution regions and the hidden part when it releases the notebook, and puts the hidden
part back when it grades. A source folder holds the notebook alone: nbgrader releases all of it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from autograder.build import BEGIN, BuildError, week_files
from autograder.exercise import Exercise
from autograder.notebook import load_jupytext
from autograder.registry import week_exercises

CONFIG_FILE = "nbgrader_config.py"
CONFIG = '''\
"""nbgrader configuration of the ml4p course (written by `ml4p nbgrader build`)."""

import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "ml4p"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# Every notebook runs on the kernel of the environment where the course is installed.
c.ExecutePreprocessor.kernel_name = "python3"
# The first test cell of a notebook grades the whole week (each exercise has its own CPU-time limit).
c.Execute.timeout = {timeout}

# Feedback shows the grader's messages, not the code of the hidden test cells.
c.GenerateFeedback.preprocessors = [ClearHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
'''
CELL_TIMEOUT = 900  # seconds: nbgrader's limit for one cell
TEST_CELL = """\
# Autograded: {id} ({points:g} points). Hidden checks run on the code of this notebook when it
# is graded: the same checks as `ml4p grade`.
### BEGIN HIDDEN TESTS
from autograder.nbgrader_bridge.cell import grade_cell

grade_cell({id!r})
### END HIDDEN TESTS"""


def build_course(course: Path, solutions: Path) -> list[Path]:
    """Write the configuration and every week's source notebook under ``course``; return them."""
    course.mkdir(parents=True, exist_ok=True)
    written = [course / CONFIG_FILE]
    written[0].write_text(CONFIG.format(timeout=CELL_TIMEOUT))
    for solution in week_files(solutions):
        exercises = week_exercises(solution.stem)
        if not exercises:
            continue
        target = course / "source" / solution.stem / f"{solution.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = course_notebook(solution.read_text(), exercises)
        load_jupytext().write(notebook, target, fmt="ipynb")
        written.append(target)
    return written


def course_notebook(solution_source: str, exercises: tuple[Exercise, ...]):
    """The source notebook of one week: solution cells, and a test cell after each exercise."""
    notebook = load_jupytext().reads(solution_source, fmt="py:percent")
    notebook.metadata.pop("jupytext", None)  # the .ipynb stands alone: no paired .py on save
    by_name = {exercise.name: exercise for exercise in exercises}
    cells = []
    for index, cell in enumerate(notebook.cells):
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        defined = [name for name in _defined_names(cell.source) if name in by_name]
        if BEGIN in cell.source:
            grade_id = f"{defined[0]}-solution" if defined else f"solution-{index}"
            cell.metadata["nbgrader"] = _metadata(grade_id, solution=True)
        cells += [_test_cell(by_name.pop(name)) for name in defined]
    if by_name:
        raise BuildError(f"no code cell defines {', '.join(sorted(by_name))} at top level")
    notebook.cells = cells
    return notebook


def _test_cell(exercise: Exercise):
    from nbformat.v4 import new_code_cell  # loaded with jupytext (see load_jupytext)

    cell = new_code_cell(TEST_CELL.format(id=exercise.id, points=exercise.points))
    cell.metadata["nbgrader"] = _metadata(exercise.name, grade=True, points=exercise.points)
    return cell


def _metadata(grade_id: str, *, solution=False, grade=False, points=None) -> dict:
    metadata = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": grade,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        metadata["points"] = points
    return metadata


def _defined_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.name for node in tree.body if isinstance(node, kinds)]
