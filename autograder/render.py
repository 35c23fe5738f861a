"""Human-readable forms of a report: a terminal table (rich) and Markdown."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from autograder.report import ExerciseResult, Report

STATUS_STYLE = {
    "passed": "green",
    "partial": "yellow",
    "failed": "red",
    "not_implemented": "dim",
    "error": "bold red",
    "timeout": "bold red",
    "banned": "bold magenta",
    "missing": "dim",
}


def failed_checks(exercise: ExerciseResult):
    return [check for check in exercise.checks if not check.passed]


def first_problem(exercise: ExerciseResult) -> str:
    """The message to show for an exercise in a one-line summary."""
    failed = failed_checks(exercise)
    if not failed:
        return ""
    messages = {check.message for check in failed}
    if len(messages) == 1 and len(failed) > 1:
        return f"all {len(failed)} failing checks: {failed[0].message}"
    return f"{failed[0].name}: {failed[0].message}"


def table(report: Report, verbose: bool = False, width: int | None = None) -> str:
    """The score table; with ``verbose``, one row per failing check under each exercise."""
    grid = Table(title=f"ml4p grade {report.submission} (seed {report.seed})", show_lines=False)
    grid.add_column("exercise", no_wrap=True)
    grid.add_column("status", no_wrap=True)
    grid.add_column("score", justify="right", no_wrap=True)
    grid.add_column("first problem" if not verbose else "failing checks", overflow="fold")
    for exercise in report.exercises:
        style = STATUS_STYLE.get(exercise.status, "")
        score = f"{exercise.score:.2f} / {exercise.max_score:g}"
        if verbose:
            details = "\n".join(f"[{c.name}] {c.message}" for c in failed_checks(exercise))
        else:
            details = first_problem(exercise)
        grid.add_row(exercise.id, f"[{style}]{exercise.status}[/]", score, details)
    grid.add_section()
    grid.add_row("total", "", f"{report.score:.2f} / {report.max_score:g}", "")
    console = Console(file=io.StringIO(), width=width or 140, force_terminal=False)
    console.print(grid)
    return console.file.getvalue()


def markdown(report: Report) -> str:
    """A Markdown score table with the failing checks, for job summaries and feedback files."""
    lines = [
        f"## ml4p grade: {report.score:.2f} / {report.max_score:g}",
        "",
        "| exercise | status | score |",
        "|---|---|---:|",
    ]
    for exercise in report.exercises:
        lines.append(
            f"| `{exercise.id}` | {exercise.status} | {exercise.score:.2f} / {exercise.max_score:g} |"
        )
    for exercise in report.exercises:
        failed = failed_checks(exercise)
        if failed:
            lines += ["", f"### `{exercise.id}`", ""]
            lines += [f"- **{check.name}**: {check.message}" for check in failed]
    return "\n".join(lines) + "\n"
