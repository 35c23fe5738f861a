"""A submitted notebook as the module the grader imports.

A week module may be submitted as ``weekNN_<topic>.ipynb`` instead of ``weekNN_<topic>.py``. The grader
runs the notebook's jupytext percent form (what ``jupytext --to py:percent`` writes), so line numbers
in messages are those of that form. Two kinds of cells and lines are left out:

- nbgrader's autograded test cells (they call the grader itself);
- IPython magics (``%matplotlib inline``, ``%%time``) and shell escapes (``!pip install ...``), which
  are not Python: jupytext turns them into comments, and each one becomes a note.
"""

from __future__ import annotations

import re

import jupytext

MAGIC = re.compile(r"^\s*(%%?|!)\S")


class NotebookError(ValueError):
    """A submitted file that cannot be read as a notebook."""


def is_test_cell(cell) -> bool:
    """nbgrader's autograded test cell: graded, not a solution."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and meta.get("grade", False) and not meta.get("solution")


def notebook_module(text: str, filename: str) -> tuple[str, list[str]]:
    """The Python source the grader imports for the notebook ``text``, and the notes it leaves."""
    try:
        notebook = jupytext.reads(text, fmt="ipynb")
    except Exception as error:  # nbformat raises several unrelated types on bad JSON or schema
        raise NotebookError(f"{filename} is not a readable notebook ({_short(error)})") from error
    notebook.cells = [cell for cell in notebook.cells if not is_test_cell(cell)]
    notes = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            notes += [
                f"{filename}, cell {number}: {_kind(line)} `{line.strip()}` skipped (not Python)"
                for line in cell.source.splitlines()
                if MAGIC.match(line)
            ]
    return jupytext.writes(notebook, fmt="py:percent"), notes


def _kind(line: str) -> str:
    return "shell escape" if line.lstrip().startswith("!") else "IPython magic"


def _short(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text if len(text) <= 200 else text[:200] + "..."
