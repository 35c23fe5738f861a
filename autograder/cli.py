"""The ``ml4p`` command. Its subcommands live in ``autograder.commands``:

- ``grading``: ``grade`` (a submission), ``grade-class`` (a class), ``check`` (one's own work);
- ``course``: ``build`` (the stubs), ``list``, ``release`` (the student repository), ``record``;
- ``platforms``: ``nbgrader`` (build a course, export grades), ``gradescope`` (the autograder zip).

Exit status: 0 whenever grading completed (whatever the score), 2 for usage errors, 1 for a fault of
the grader itself (and for ``nbgrader export --verify``, when a gradebook score differs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
from collections.abc import Sequence

from autograder.commands import course, grading, platforms
from autograder.commands.common import UsageError

__all__ = ["UsageError", "main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except UsageError as error:
        parser.exit(2, f"ml4p {args.command}: error: {error}\n")
    except BrokenPipeError:  # the reader left (``ml4p list | head``): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def run() -> None:
    """The ``ml4p`` command: ``main``, then a prompt exit with its status.

    Python's own shutdown after a grading takes most of a second (torch's modules and the grader's
    objects torn down one by one). The command skips it: it flushes its output, runs the exit
    handlers (which stop the zygote and remove temporary files), and ends the process.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ml4p",
        description="Exercises and autograder of the course Machine Learning for Physicists.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (grading, course, platforms):
        group.add_parsers(commands)
    return parser


if __name__ == "__main__":
    run()
