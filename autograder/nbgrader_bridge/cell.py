"""What a notebook's hidden test cell calls: ``grade_cell("week01_practices.softmax")``.

The checks do not run on the objects of the notebook's kernel, where student code has run and could
tamper with them (an always-true ``__eq__``, a patched ``torch.allclose``): the saved notebook file
is graded by ``ml4p grade`` in a fresh process, which runs the student's code in its sandboxed
workers, exactly as for a ``.py`` submission. The first test cell of a notebook grades the whole
week; the others reuse that report while the file is unchanged.

nbgrader reads the cell's last value as its score, and gives 0 to a cell that writes to stderr: this
function prints the grader's messages to stdout, returns the score as a float (0.0 when the grading
itself failed, with the reason printed) and never writes to stderr.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

# seconds of wall time for a whole week (each exercise has its own CPU-time limit); below nbgrader's
# limit for a cell (``course.CELL_TIMEOUT``), so that the cell still prints why it gives 0
GRADE_TIMEOUT = 840
_REPORTS: dict[tuple[str, str, int], dict] = {}


def grade_cell(exercise_id: str, notebook: str | os.PathLike | None = None, seed: int = 0) -> float:
    """Grade ``exercise_id`` on the saved notebook (default: ``<week module>.ipynb`` in the working
    directory, where nbgrader runs it); print the messages and return the score."""
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = _exercise_result(exercise_id, notebook, seed)
        except GradingFailed as error:
            print(f"{exercise_id}: not graded, 0 points: {error}")
            return 0.0
        print(_describe(result))
        return float(result["score"])


class GradingFailed(Exception):
    """The notebook could not be graded (not the student's code failing: that is scored)."""


def _exercise_result(exercise_id: str, notebook, seed: int) -> dict:
    module = exercise_id.split(".", 1)[0]
    path = Path(notebook) if notebook is not None else Path.cwd() / f"{module}.ipynb"
    try:
        content = path.read_bytes()
    except OSError as error:
        raise GradingFailed(f"cannot read {path} ({error.strerror})") from error
    key = (module, hashlib.sha256(content).hexdigest(), seed)
    if key not in _REPORTS:
        _REPORTS[key] = _grade_week(module, content, seed)
    for result in _REPORTS[key]["exercises"]:
        if result["id"] == exercise_id:
            return result
    raise GradingFailed(f"the grader has no exercise {exercise_id!r}")


def _grade_week(module: str, content: bytes, seed: int) -> dict:
    """``ml4p grade`` of the notebook alone, in a fresh interpreter, as a JSON report."""
    submission = Path(tempfile.mkdtemp(prefix="ml4p-cell-"))
    try:
        (submission / f"{module}.ipynb").write_bytes(content)
        command = [sys.executable, "-m", "autograder.cli", "grade", str(submission)]
        command += ["--week", module, "--format", "json", "--seed", str(seed)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=GRADE_TIMEOUT, cwd=submission
            )
        except subprocess.TimeoutExpired as error:
            raise GradingFailed(f"the grader took more than {GRADE_TIMEOUT} s") from error
        if done.returncode != 0:
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            raise GradingFailed(f"the grader failed with status {done.returncode}: {tail}")
        return json.loads(done.stdout)
    finally:
        shutil.rmtree(submission, ignore_errors=True)


def _describe(result: dict) -> str:
    from autograder.render import details
    from autograder.report import ExerciseResult

    exercise = ExerciseResult.from_dict(result)
    lines = [f"{exercise.id}: {exercise.status}, {exercise.score:g} / {exercise.max_score:g}"]
    lines += [f"  {line}" for line in details(exercise, verbose=True)]
    return "\n".join(lines)
