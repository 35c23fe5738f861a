"""How long a student waits for ``ml4p check week01``, against ``python -c "import torch"``.

``ml4p check`` runs on the stubs (``assignments/``, what a student starts from: every exercise
not implemented) and on the solutions (finished work: every check runs). The three commands run
REPEATS times each, alternating one of each, after one untimed run of each (which also writes
Python's bytecode caches, as any first run on a student's machine does). Each runs with Python's
default of writing bytecode caches (``PYTHONDONTWRITEBYTECODE`` removed from the environment).
Prints every time, the medians and the ratio of each check's to torch's; the target is a ratio of
at most 1.3: grading a week costs little beyond the unavoidable import of torch.

Usage: ``python benchmarks/check_latency.py [--week week01] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_autograde import run

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.3


def timed(command: list[str], env: dict[str, str]) -> float:
    return run(command, ROOT, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default="week01")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    check = [sys.executable, "-m", "autograder.cli", "check", args.week, "--submission"]
    commands = {
        f"ml4p check {args.week} (the stubs)": [*check, "assignments"],
        f"ml4p check {args.week} (the solutions)": [*check, "solutions"],
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
    }
    for command in commands.values():  # untimed: bytecode caches, file system caches
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for repeat in range(args.repeats):
        for name, command in commands.items():
            times[name].append(timed(command, env))
        print(f"run {repeat + 1}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
    medians = {name: statistics.median(values) for name, values in times.items()}
    *checks, torch = medians
    for name in checks:
        ratio = medians[name] / medians[torch]
        verdict = "within" if ratio <= TARGET else "above"
        print(
            f"median {name}: {medians[name]:.2f} s, against {medians[torch]:.2f} s for "
            f"{torch}: ratio {ratio:.2f} ({verdict} the target of {TARGET})"
        )


if __name__ == "__main__":
    main()
