"""Seconds per notebook: ``nbgrader autograde`` with the course's test cells against ``ml4p grade``.

Builds the nbgrader course in a temporary directory (``ml4p nbgrader build``), releases WEEK, and
submits the solution notebook for STUDENTS students. Then, in one run and alternating the two so that
a slow spell of the machine affects both alike, it times for each student:
- ``nbgrader autograde WEEK --student S --force`` (a whole nbgrader process for one notebook);
- ``ml4p grade submitted/S/WEEK --week WEEK --format json`` on the same notebook file.
It prints every time, the medians and the median of the pairwise ratios, and finally the time of one
``nbgrader autograde`` of the whole class divided by the number of students (nbgrader's batch mode).

Usage: ``python benchmarks/nbgrader_autograde.py [--week week01_practices] [--students 5]``.
Every Jupyter, IPython and matplotlib directory is a temporary one: ``$HOME`` is not written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def jupyter_environment(base: Path) -> dict[str, str]:
    names = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
    env = os.environ | {name: str(base / name.lower()) for name in names}
    return env | {"MPLCONFIGDIR": str(base / "matplotlib")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default="week01_practices")
    parser.add_argument("--students", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="ml4p-nbgrader-bench-"))
    try:
        measure(base, args.week, args.students)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def measure(base: Path, week: str, students: int) -> None:
    env, course = jupyter_environment(base), base / "course"
    nbgrader, ml4p = [sys.executable, "-m", "nbgrader"], [sys.executable, "-m", "autograder.cli"]
    run([*ml4p, "nbgrader", "build", "--course", str(course)], ROOT, env)
    run([*nbgrader, "generate_assignment", week, "--force"], course, env)
    names = [f"student{index:02d}" for index in range(students)]
    for name in names:
        folder = course / "submitted" / name / week
        folder.mkdir(parents=True)
        shutil.copy(course / "source" / week / f"{week}.ipynb", folder)
    pairs = []
    for name in names:
        autograde = run([*nbgrader, "autograde", week, "--student", name, "--force"], course, env)
        submission = str(course / "submitted" / name / week)
        grade = run([*ml4p, "grade", submission, "--week", week, "--format", "json"], ROOT, env)
        pairs.append((autograde, grade))
        print(f"{name}: nbgrader autograde {autograde:.2f} s, ml4p grade {grade:.2f} s", flush=True)
    batch = run([*nbgrader, "autograde", week, "--force"], course, env) / students
    autograde_median = statistics.median(a for a, _ in pairs)
    grade_median = statistics.median(g for _, g in pairs)
    ratio = statistics.median(a / g for a, g in pairs)
    print(f"median per notebook: nbgrader autograde {autograde_median:.2f} s (alone), ", end="")
    print(f"ml4p grade {grade_median:.2f} s; median ratio {ratio:.2f}")
    print(f"nbgrader autograde of all {students} at once: {batch:.2f} s per notebook")


if __name__ == "__main__":
    main()
