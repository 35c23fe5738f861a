"""Human-readable forms of a report: a terminal table, a plain list and Markdown.

The table (rich) is for terminals at least ``TABLE_MIN_WIDTH`` columns wide and is drawn at the
terminal's width; narrower terminals, pipes and files get the plain list, which says the same. All
text from the report (case labels, messages) is shown as it is: nothing in it is read as markup.
"""

from __future__ import annotations

import io
import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from autograder.report import ExerciseResult, Report

TABLE_MIN_WIDTH = 80
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
NOT_IMPLEMENTED_PREFIX = "not implemented yet ("


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


def task(exercise: ExerciseResult) -> str:
    """The stub's task (its NotImplementedError message) for a not-implemented exercise."""
    for check in exercise.checks:
        if check.message.startswith(NOT_IMPLEMENTED_PREFIX):
            text = check.message.removeprefix(NOT_IMPLEMENTED_PREFIX).removesuffix(")")
            if text != "NotImplementedError":  # a bare raise (as nbgrader's stubs) names no task
                return text
    return exercise.id


def details(exercise: ExerciseResult, verbose: bool) -> list[str]:
    """The lines shown under an exercise: group subtotals, failing checks, notes."""
    if exercise.status == "not_implemented":
        return [f"to do: {task(exercise)}"]
    lines = []
    if exercise.groups and exercise.status not in ("missing", "banned"):
        lines.append(
            "groups: "
            + " · ".join(f"{g.name} {g.points:.2f}/{g.max_points:.2f}" for g in exercise.groups)
        )
    if verbose:
        lines += [f"✗ {check.name}: {check.message}" for check in failed_checks(exercise)]
    elif failed_checks(exercise):
        lines.append(f"✗ {first_problem(exercise)}")
    lines += [f"note: {note}" for note in exercise.notes]
    return lines


def _score(exercise: ExerciseResult) -> str:
    return f"{exercise.score:.2f} / {exercise.max_score:g}"


def _title(report: Report) -> str:
    return f"ml4p grade {report.submission} (seed {report.seed})"


def table(report: Report, verbose: bool = False, width: int = 120) -> str:
    """The score table drawn ``width`` columns wide (rich); one row per exercise."""
    grid = Table(title=Text(_title(report)), show_lines=True, expand=True)
    grid.add_column("exercise", no_wrap=True)
    grid.add_column("status", no_wrap=True)
    grid.add_column("score", justify="right", no_wrap=True)
    grid.add_column("details", overflow="fold", ratio=1)
    for exercise in report.exercises:
        style = STATUS_STYLE.get(exercise.status, "")
        grid.add_row(
            Text(exercise.id),
            Text(exercise.status, style=style),
            Text(_score(exercise)),
            Text("\n".join(details(exercise, verbose))),
        )
    grid.add_row(Text("total"), Text(""), Text(f"{report.score:.2f} / {report.max_score:g}"))
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    console.print(grid)
    return console.file.getvalue()


def plain(report: Report, verbose: bool = False, width: int | None = None) -> str:
    """The same content as a plain list; wrapped to ``width`` columns when given."""
    lines = [f"{_title(report)}: {report.score:.2f} / {report.max_score:g}", ""]
    for exercise in report.exercises:
        lines += _wrapped(f"{exercise.id}: {exercise.status}, {_score(exercise)}", width, "")
        for line in details(exercise, verbose):
            lines += _wrapped(line, width, "  ")
    return "\n".join(lines) + "\n"


def _wrapped(line: str, width: int | None, indent: str) -> list[str]:
    """``line`` indented by ``indent``, wrapped to ``width`` columns (continuations indented two
    more) when a width is given."""
    if not width:
        return [indent + line]
    return textwrap.wrap(
        line, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )


def for_terminal(report: Report, verbose: bool, width: int | None) -> str:
    """The table in a terminal at least ``TABLE_MIN_WIDTH`` wide; otherwise the plain list."""
    if width is not None and width >= TABLE_MIN_WIDTH:
        return table(report, verbose, width)
    return plain(report, verbose, width)


def markdown(report: Report) -> str:
    """A Markdown score table with group subtotals, failing checks and notes, for job summaries."""
    lines = [
        f"## ml4p grade: {report.score:.2f} / {report.max_score:g}",
        "",
        "| exercise | status | score |",
        "|---|---|---:|",
    ]
    for exercise in report.exercises:
        lines.append(f"| `{exercise.id}` | {exercise.status} | {_score(exercise)} |")
    for exercise in report.exercises:
        if failed_checks(exercise) or exercise.notes or exercise.plot:
            lines += ["", f"### `{exercise.id}`", "", *markdown_details(exercise)]
    return "\n".join(lines) + "\n"


def markdown_details(exercise: ExerciseResult) -> list[str]:
    """The lines under an exercise (every failing check listed) as Markdown list items, then its
    picture (``--plots``), if one was drawn."""
    lines = [f"- {_markdown_escape(line)}" for line in details(exercise, verbose=True)]
    if exercise.plot:
        lines += ["", f"![yours against the reference]({exercise.plot})"]
    return lines


def _markdown_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")
