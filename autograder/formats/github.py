"""The report for GitHub Actions: error annotations on the failing functions and a job summary.

Annotations are workflow commands printed on standard output, one per exercise that lost points
through its code (status partial, failed, error, timeout or banned; not the stubs still to do):
``::error file=assignments/week01_practices.py,line=42,title=week01_practices.softmax::...``, the
line being the one of the exercise's ``def`` or ``class`` in the submitted file (none for a
notebook). The job summary is the Markdown score table, appended to the file that
``$GITHUB_STEP_SUMMARY`` names.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from autograder.render import first_problem, markdown
from autograder.report import ExerciseResult, Report
from autograder.submission import submitted_path

ANNOTATED = ("partial", "failed", "error", "timeout", "banned")
SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def annotations(report: Report) -> str:
    """One ``::error`` workflow command per exercise that lost points through its code."""
    lines = [
        _annotation(Path(report.submission), exercise)
        for exercise in report.exercises
        if exercise.status in ANNOTATED
    ]
    lines.append(f"ml4p grade: {report.score:.2f} / {report.max_score:g}")
    return "\n".join(lines) + "\n"


def write_summary(report: Report) -> bool:
    """Append the Markdown score table to ``$GITHUB_STEP_SUMMARY``; False when it is not set."""
    summary = os.environ.get(SUMMARY_VARIABLE)
    if not summary:
        return False
    with open(summary, "a", encoding="utf-8") as file:
        file.write(markdown(report))
    return True


def _annotation(submission: Path, exercise: ExerciseResult) -> str:
    module, name = exercise.id.split(".", 1)
    path = submitted_path(submission, module)
    properties = {"file": path.as_posix()}
    line = definition_line(path, name)
    if line is not None:
        properties["line"] = str(line)
    properties["title"] = f"{exercise.id}: {exercise.score:.2f} / {exercise.max_score:g}"
    fields = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    message = f"{exercise.status}: {first_problem(exercise)}"
    return f"::error {fields}::{_escape_data(message)}"


def definition_line(path: Path, name: str) -> int | None:
    """The line of the top-level ``def name`` or ``class name`` in the Python file ``path`` (the
    last one, which is the one Python keeps)."""
    if path.suffix != ".py":
        return None
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    lines = [
        node.lineno for node in tree.body if isinstance(node, definitions) and node.name == name
    ]
    return lines[-1] if lines else None


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
