"""A week module submitted as a notebook is graded exactly as the same code in a ``.py``."""

from __future__ import annotations

import json
import subprocess
import sys

import jupytext
import nbformat
from helpers import ROOT, solution_source, write_notebook

from autograder.grade import grade
from autograder.registry import exercise_by_id, select

WEEK1 = "week01_practices"
# softmax calls the built-in, logsumexp raises, and the module prints as it loads: messages that
# name lines and notes
CHANGES = """

# %%
print("loading week 1" * 1000)


# %%
def softmax(z, dim=-1):
    return torch.softmax(z, dim=dim)


def logsumexp(z, dim=-1, keepdim=False):
    raise ValueError("not today")
"""


def _report(directory, weeks=("1",)):
    report = grade(directory, select(weeks=weeks), seed=0, device="cpu").to_dict()
    report.pop("submission")
    return report


def test_a_notebook_and_its_python_form_give_the_same_report(tmp_path):
    notebook = write_notebook(solution_source(WEEK1) + CHANGES, tmp_path / "nb" / f"{WEEK1}.ipynb")
    script = tmp_path / "py" / f"{WEEK1}.py"
    script.parent.mkdir()
    script.write_text(jupytext.writes(jupytext.read(notebook), fmt="py:percent"))

    from_notebook, from_script = _report(notebook.parent), _report(script.parent)

    assert json.dumps(from_notebook) == json.dumps(from_script)
    by_id = {exercise["id"]: exercise for exercise in from_notebook["exercises"]}
    assert by_id["week01_practices.softmax"]["status"] == "banned"
    assert "(line " in by_id["week01_practices.logsumexp"]["checks"][0]["message"]


def test_magics_and_shell_escapes_are_skipped_and_noted(tmp_path):
    source = solution_source(WEEK1).replace(
        "import torch\n", "import torch\n\n# %%\n%matplotlib inline\n!pip install nothing\n", 1
    )
    write_notebook(source, tmp_path / f"{WEEK1}.ipynb")

    report = grade(tmp_path, select(weeks=["1"]), seed=0, device="cpu")

    assert report.score == report.max_score
    notes = report.exercises[0].notes
    assert any("cell 3: IPython magic `%matplotlib inline` skipped" in note for note in notes)
    assert any("shell escape `!pip install nothing` skipped" in note for note in notes)


def test_nbgrader_test_cells_are_not_run(tmp_path):
    notebook = jupytext.reads(solution_source(WEEK1), fmt="py:percent")
    test_cell = nbformat.v4.new_code_cell("raise SystemExit('a test cell ran')")
    test_cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "grade_id": "t",
        "points": 1,
    }
    notebook.cells.append(test_cell)
    jupytext.write(notebook, tmp_path / f"{WEEK1}.ipynb", fmt="ipynb")

    report = grade(tmp_path, select(weeks=["1"]), seed=0, device="cpu")

    assert report.score == report.max_score


def test_a_broken_notebook_costs_its_own_week_only(tmp_path):
    (tmp_path / f"{WEEK1}.ipynb").write_text('{"cells": [')
    (tmp_path / "week08_pinn.py").write_text(solution_source("week08_pinn"))

    report = grade(tmp_path, select(weeks=["1", "8"]), seed=0, device="cpu")

    statuses = {exercise.id: exercise.status for exercise in report.exercises}
    assert statuses == {
        exercise.id: "passed" if exercise.id.startswith("week08_pinn.") else "error"
        for exercise in report.exercises
    }
    message = report.exercises[0].checks[0].message
    assert "week01_practices.ipynb is not a readable notebook" in message


def test_a_python_file_wins_over_a_notebook(tmp_path):
    (tmp_path / f"{WEEK1}.py").write_text(solution_source(WEEK1))
    (tmp_path / f"{WEEK1}.ipynb").write_text("not a notebook")

    report = grade(tmp_path, [exercise_by_id("week01_practices.softmax")], seed=0, device="cpu")

    assert report.exercises[0].status == "passed"


def test_the_stubs_as_notebooks_are_not_implemented(tmp_path):
    source = (ROOT / "assignments" / f"{WEEK1}.py").read_text()
    write_notebook(source, tmp_path / f"{WEEK1}.ipynb")

    report = grade(tmp_path, select(weeks=["1"]), seed=0, device="cpu")

    assert {exercise.status for exercise in report.exercises} == {"not_implemented"}


def test_a_scratch_cell_above_the_imports_costs_nothing(tmp_path):
    # in a notebook, `from __future__ import annotations` may follow other cells
    notebook = jupytext.reads(solution_source(WEEK1), fmt="py:percent")
    notebook.cells.insert(0, nbformat.v4.new_code_cell("print('trying things out')"))
    jupytext.write(notebook, tmp_path / f"{WEEK1}.ipynb", fmt="ipynb")

    report = grade(tmp_path, select(weeks=["1"]), seed=0, device="cpu")

    assert report.score == report.max_score
    note = "week01_practices.ipynb: `from __future__ import annotations` moved to the top"
    assert any(note in text for text in report.exercises[0].notes)


def test_the_pytest_plugin_grades_a_notebook(tmp_path):
    write_notebook(solution_source("week08_pinn"), tmp_path / "week08_pinn.ipynb")
    command = [sys.executable, "-m", "pytest", "--submission", str(tmp_path), "-m", "week08"]
    command += ["-q", "-p", "no:cacheprovider"]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stdout
    assert "ml4p score" in done.stdout
