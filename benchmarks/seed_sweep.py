"""The solutions keep full marks whatever the seed: grade them with seeds 0, 1, ..., N-1.

Every case of every exercise is drawn from the seed (random inputs, and the noise of the
statistical checks), so a check whose tolerance or statistical bound is too tight fails for some
seed. Prints each failing check with its seed, then the number of gradings, the failures and the
wall time (a progress line on stderr every ten seeds); exits 1 when any check failed. Usage:
``python benchmarks/seed_sweep.py [--seeds N] [--week W ...] [--exercise ID ...] [--jobs J]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograder import zygote
from autograder.grade import grade
from autograder.registry import select

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_EVERY = 10  # seeds between two progress lines on stderr


def failures_for_seed(exercises, seed: int, jobs: int) -> list[str]:
    """``<seed> <exercise>: <check>: <message>`` for every check the solutions fail."""
    report = grade(ROOT / "solutions", exercises, seed=seed, device="cpu", jobs=jobs)
    return [
        f"seed {seed} {result.id}: {check.name}: {check.message}"
        for result in report.exercises
        for check in result.checks
        if not check.passed
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="how many seeds (default 200)")
    parser.add_argument("--week", action="append", default=[], help="only these weeks")
    parser.add_argument("--exercise", action="append", default=[], help="only these exercises")
    parser.add_argument("--jobs", type=int, default=2, help="exercises graded at once")
    args = parser.parse_args()
    exercises = select(args.week, args.exercise)
    zygote.warm_up()
    start, failed = time.perf_counter(), 0
    for seed in range(args.seeds):
        for line in failures_for_seed(exercises, seed, args.jobs):
            failed += 1
            print(line, flush=True)
        if (seed + 1) % PROGRESS_EVERY == 0:
            elapsed = time.perf_counter() - start
            print(
                f"{seed + 1}/{args.seeds} seeds, {failed} failing, {elapsed:.0f} s", file=sys.stderr
            )
    elapsed = time.perf_counter() - start
    print(
        f"{len(exercises)} exercises x {args.seeds} seeds: {failed} failing check(s), "
        f"{elapsed:.0f} s ({elapsed / args.seeds:.2f} s per seed)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
