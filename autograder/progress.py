"""A progress bar on stderr for long grading runs, shown only in an interactive terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextlib.contextmanager
def progress_bar(total: int, label: str = "grading") -> Iterator[Callable[[object], None]]:
    """Yields ``advance(result)``, to call once per finished exercise."""
    if not sys.stderr.isatty():
        yield lambda result: None
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(result: object) -> None:
            progress.update(task, advance=1, description=getattr(result, "id", ""))

        yield advance
