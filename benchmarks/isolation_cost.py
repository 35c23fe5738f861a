"""What the hardened worker costs: grade the solutions with and without it, in one process.

Alternates the two settings REPEATS times each (after one warm-up run of each) and prints the
median wall time of each and their ratio. Usage:
``python benchmarks/isolation_cost.py [SUBMISSION] [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from autograder import zygote
from autograder.grade import grade
from autograder.registry import all_exercises

ROOT = Path(__file__).resolve().parents[1]


def time_once(submission: Path, sandboxed: bool) -> float:
    start = time.perf_counter()
    report = grade(submission, list(all_exercises()), device="cpu", sandboxed=sandboxed)
    elapsed = time.perf_counter() - start
    if report.score != report.max_score:
        raise SystemExit(
            f"unexpected score {report.score} / {report.max_score} (sandboxed={sandboxed})"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default=str(ROOT / "solutions"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    zygote.warm_up()
    submission = Path(args.submission)
    times: dict[bool, list[float]] = {True: [], False: []}
    for sandboxed in (True, False):
        time_once(submission, sandboxed)  # warm-up: zygote, lazy imports, caches
    for _ in range(args.repeats):
        for sandboxed in (False, True):
            times[sandboxed].append(time_once(submission, sandboxed))
    plain, hardened = statistics.median(times[False]), statistics.median(times[True])
    print("plain worker    (s):", " ".join(f"{t:.2f}" for t in times[False]))
    print("hardened worker (s):", " ".join(f"{t:.2f}" for t in times[True]))
    print(f"median plain {plain:.2f} s, hardened {hardened:.2f} s, ratio {hardened / plain:.2f}x")


if __name__ == "__main__":
    main()
