"""What the ``ml4p`` commands share: usage errors, the week and exercise selection, the seed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]  # holds autograder/, ml4p_ref/, solutions/

SEED_HELP = (
    "seed of the random cases (default: 0; in a student repository, without the hidden "
    "reference, the public seed 1, the only one there)"
)

FORMATS = ("table", "json", "markdown", "github", "gradescope", "junit")

DEVICES = ("auto", "cpu", "cuda")
DEVICE_HELP = (
    "auto: the CPU, plus CUDA when present; each torch exercise also runs one case on the "
    "emulated GPU, whatever the choice (default: auto)"
)


class UsageError(Exception):
    """Bad arguments: reported in one line, exit status 2."""


def add_weeks(parser, help: str) -> None:
    parser.add_argument("--week", "-w", action="append", default=[], metavar="W", help=help)


def add_selection(parser, jobs_help: str = "exercises graded at once (default: 2)") -> None:
    add_weeks(parser, "grade only week W (1, 01, week01 or week01_practices); repeatable")
    parser.add_argument(
        "--exercise",
        "-e",
        action="append",
        default=[],
        metavar="ID",
        help="grade only exercise ID, e.g. week01_practices.softmax; repeatable",
    )
    parser.add_argument("--device", choices=DEVICES, default="auto", help=DEVICE_HELP)
    parser.add_argument("--seed", type=int, help=SEED_HELP)
    parser.add_argument("--jobs", "-j", type=int, help=jobs_help)
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="CPU-time limit of each exercise (default: the exercise's own, usually 20 s); a "
        "worker that waits without computing is stopped after twice that plus 10 s",
    )


def selected(weeks, ids):
    from autograder.registry import select

    try:
        return select(weeks=weeks, ids=ids)
    except ValueError as error:
        raise UsageError(str(error)) from error


def check_device_and_timeout(device: str, timeout: float | None) -> None:
    """Usage errors for a device that is not there and a time limit that is not positive."""
    from autograder.grade import resolve_devices

    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be positive")
    try:
        resolve_devices(device)
    except ValueError as error:
        raise UsageError(str(error)) from error


def grading_seed(seed: int | None) -> int:
    from autograder import recorded

    try:
        return recorded.grading_seed(seed)
    except recorded.RecordingError as error:
        raise UsageError(str(error)) from error


def terminal_width() -> int | None:
    """The terminal's width when standard output is one; None when it is piped or a file."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns
