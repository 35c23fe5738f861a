"""Which file of a submission holds a week module: ``weekNN_<topic>.py``, else ``weekNN_<topic>.ipynb``,
in the submission's folder or else in its ``weekNN_<topic>/`` subfolder (nbgrader's layout).

A notebook is converted to its Python form (see ``autograder.notebook``) in a private directory of
this process, under the module's own file name, so that messages read the same as for a ``.py``.
Conversions are kept per notebook content for as long as the process lives.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.notebook import NotebookError, notebook_module
from autograder.scratch import scratch_folder

_CONVERTED: dict[str, SubmittedFile] = {}


@dataclass(frozen=True)
class SubmittedFile:
    """The file the worker imports for one week module, and what the grader has to say about it."""

    path: Path  # the .py to import; it does not exist when the module was not submitted
    notes: tuple[str, ...] = field(default=())
    problem: str | None = None  # why the submitted file cannot be imported at all


def submitted_path(submission: Path, module: str) -> Path:
    """The submitted file of ``module``: its .py, or its .ipynb when only that exists, in the
    submission's folder or else in a subfolder named after the module (as nbgrader's ``submitted/
    <student>/<assignment>/`` holds it). When there is none: where its .py would be."""
    for folder in (submission, submission / module):
        script, notebook = folder / f"{module}.py", folder / f"{module}.ipynb"
        if script.is_file():
            return script
        if notebook.is_file():
            return notebook
    return submission / f"{module}.py"


def week_file(submission: Path, module: str) -> SubmittedFile:
    """The file the worker imports for ``module`` in the ``submission`` directory."""
    path = submitted_path(submission, module)
    return _converted(path, module) if path.suffix == ".ipynb" else SubmittedFile(path)


def week_files(submission: Path, modules) -> list[Path]:
    """The submitted files of ``modules`` that exist, as submitted (for a look at what they use)."""
    found = [submitted_path(submission, module) for module in modules]
    return [path for path in found if path.is_file()]


def _converted(notebook: Path, module: str) -> SubmittedFile:
    try:
        content = notebook.read_bytes()
    except OSError as error:
        return SubmittedFile(notebook, problem=f"{notebook.name} cannot be read ({error.strerror})")
    key = f"{module}-{hashlib.sha256(content).hexdigest()}"
    if key not in _CONVERTED:
        _CONVERTED[key] = _convert(
            content, notebook.name, scratch_folder("notebooks") / key / f"{module}.py"
        )
    return _CONVERTED[key]


def _convert(content: bytes, filename: str, target: Path) -> SubmittedFile:
    try:
        source, notes = notebook_module(content.decode("utf-8", errors="replace"), filename)
    except NotebookError as error:
        return SubmittedFile(target, problem=str(error))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    return SubmittedFile(target, tuple(notes))
