"""How long a student waits for ``ml4p check week01``, against ``python -c "import torch"``.

Both commands run REPEATS times each, alternating one of each, after one untimed run of each (which
also writes Python's bytecode caches, as any first run on a student's machine does). Each runs with
Python's default of writing bytecode caches (``PYTHONDONTWRITEBYTECODE`` removed from the
environment). Prints every time, the two medians and their ratio; the target is a ratio of at most
1.3: grading a week costs little beyond the unavoidable import of torch.

Usage: ``python benchmarks/check_latency.py [--week week01] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.3


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default="week01")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    check = [
        sys.executable,
        "-m",
        "autograder.cli",
        "check",
        args.week,
        "--submission",
        "solutions",
    ]
    torch = [sys.executable, "-c", "import torch"]
    timed(check, env), timed(torch, env)  # untimed: bytecode caches, file system caches
    pairs = []
    for run in range(args.repeats):
        pair = (timed(check, env), timed(torch, env))
        pairs.append(pair)
        print(
            f"run {run + 1}: ml4p check {pair[0]:.2f} s, import torch {pair[1]:.2f} s", flush=True
        )
    check_median = statistics.median(c for c, _ in pairs)
    torch_median = statistics.median(t for _, t in pairs)
    ratio = check_median / torch_median
    print(f"median: ml4p check {args.week} {check_median:.2f} s, import torch {torch_median:.2f} s")
    verdict = "within" if ratio <= TARGET else "above"
    print(f"ratio {ratio:.2f} ({verdict} the target of {TARGET})")


if __name__ == "__main__":
    main()
