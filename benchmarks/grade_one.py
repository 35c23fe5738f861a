"""Wall time to grade one full submission, interpreter start included.

Runs ``ml4p grade <submission> --format json`` in a fresh process REPEATS times and prints every time
and the median. With ``--baseline DIR`` (another checkout of this repository, e.g. made with
``git worktree add /tmp/before <commit>``), it alternates runs of this checkout and of DIR, one pair
at a time, and prints the median of the pairwise ratios, so that a slow spell of the machine
affects both sides alike.

Usage: ``python benchmarks/grade_one.py [SUBMISSION] [--repeats N] [--baseline DIR]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def time_once(submission: str, checkout: Path = ROOT) -> float:
    command = [sys.executable, "-m", "autograder.cli", "grade", submission, "--format", "json"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grading failed in {checkout}:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default="solutions")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    args = parser.parse_args()
    if args.baseline is None:
        times = [time_once(args.submission) for _ in range(args.repeats)]
        print("runs (s):", " ".join(f"{t:.2f}" for t in times))
        print(f"median wall time to grade {args.submission}: {statistics.median(times):.2f} s")
        return
    time_once(args.submission)  # warm-up of both: file caches
    time_once(args.submission, args.baseline)
    pairs = [
        (time_once(args.submission), time_once(args.submission, args.baseline))
        for _ in range(args.repeats)
    ]
    ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
    ratios = [a / b for a, b in pairs]
    print("this checkout (s):", " ".join(f"{t:.2f}" for t in ours))
    print("baseline      (s):", " ".join(f"{t:.2f}" for t in theirs))
    print(
        f"median {statistics.median(ours):.2f} s against {statistics.median(theirs):.2f} s; "
        f"median ratio {statistics.median(ratios):.3f} (min {min(ratios):.3f}, "
        f"max {max(ratios):.3f})"
    )


if __name__ == "__main__":
    main()
