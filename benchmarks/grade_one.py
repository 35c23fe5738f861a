"""Wall time to grade one full submission, interpreter start included.

Runs ``ml4p grade <submission> --format json`` in a fresh process REPEATS times and prints every time
and the median. Usage: ``python benchmarks/grade_one.py [SUBMISSION] [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_once(submission: str) -> float:
    command = [sys.executable, "-m", "autograder.cli", "grade", submission, "--format", "json"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grading failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default="solutions")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    times = [time_once(args.submission) for _ in range(args.repeats)]
    print("runs (s):", " ".join(f"{t:.2f}" for t in times))
    print(f"median wall time to grade {args.submission}: {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
