"""A submitted notebook as the module the grader imports.

A week module may be submitted as ``weekNN_<topic>.ipynb`` instead of ``weekNN_<topic>.py``. The grader
runs the notebook's jupytext percent form (what ``jupytext --to py:percent`` writes), so line numbers
in messages are those of that form. Two kinds of cells and lines are left out:

- nbgrader's autograded test cells (they call the grader itself);
- IPython magics (``%matplotlib inline``, ``%%time``) and shell escapes (``!pip install ...``), which
  are not Python: jupytext turns them into comments, and each one becomes a note.

A ``from __future__`` import below other code (legal in a notebook cell, not in a module) is moved to
the first line, also with a note.
"""

from __future__ import annotations

import importlib
import re
import sys

MAGIC = re.compile(r"^\s*(%%?|!)\S")
FUTURE_IMPORT = re.compile(r"^from __future__ import [\w ,()]+$")


class NotebookError(ValueError):
    """A submitted file that cannot be read as a notebook."""


def is_test_cell(cell) -> bool:
    """nbgrader's autograded test cell: graded, not a solution."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and meta.get("grade", False) and not meta.get("solution")


def notebook_module(text: str, filename: str) -> tuple[str, list[str]]:
    """The Python source the grader imports for the notebook ``text``, and the notes it leaves."""
    jupytext = load_jupytext()
    try:
        notebook = jupytext.reads(text, fmt="ipynb")
    except Exception as error:  # nbformat raises several unrelated types on bad JSON or schema
        raise NotebookError(f"{filename} is not a readable notebook ({_short(error)})") from error
    notes = []
    for number, cell in enumerate(notebook.cells, start=1):  # numbered as Jupyter shows them
        if cell.cell_type == "code" and not is_test_cell(cell):
            notes += [
                f"{filename}, cell {number}: {_kind(line)} `{line.strip()}` skipped (not Python)"
                for line in cell.source.splitlines()
                if MAGIC.match(line)
            ]
    notebook.cells = [cell for cell in notebook.cells if not is_test_cell(cell)]
    source = jupytext.writes(notebook, fmt="py:percent")
    if _misplaced_future_import(source):
        source, moved = _hoist_future_imports(source)
        notes += [f"{filename}: `{line}` moved to the top of the module" for line in moved]
    return source, notes


def _misplaced_future_import(source: str) -> bool:
    try:
        compile(source, "<notebook>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return "from __future__ imports must occur at the beginning" in str(error.msg)
    return False


def _hoist_future_imports(source: str) -> tuple[str, list[str]]:
    """A notebook may import from ``__future__`` in any cell (IPython compiles cell by cell), a module
    only at its top: each such line becomes a comment where it stands, and the imports go on the
    first line (the header's ``# ---``), so that no line number changes."""
    lines = source.splitlines(keepends=True)
    moved = []
    for index, line in enumerate(lines):
        if FUTURE_IMPORT.match(line):
            moved.append(line.strip())
            lines[index] = "# " + line
    lines[0] = "; ".join(dict.fromkeys(moved)) + "  " + lines[0]
    return "".join(lines), list(dict.fromkeys(moved))


def load_jupytext():
    """jupytext, imported on the first notebook only.

    Through nbformat it imports jsonschema, whose optional IRI format check (``rfc3987_syntax``,
    installed with JupyterLab) builds a grammar for about 1.5 s as it loads. Nothing here validates
    IRIs, so that module is kept out of jsonschema's reach while jupytext loads.
    """
    if "jupytext" in sys.modules or "rfc3987_syntax" in sys.modules:
        return importlib.import_module("jupytext")
    sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        return importlib.import_module("jupytext")
    finally:
        del sys.modules["rfc3987_syntax"]


def _kind(line: str) -> str:
    return "shell escape" if line.lstrip().startswith("!") else "IPython magic"


def _short(error: Exception) -> str:
    text = f"{type(error).__name__}: {error}".splitlines()[0]
    return text if len(text) <= 200 else text[:200] + "..."
