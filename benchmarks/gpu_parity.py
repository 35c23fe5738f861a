"""GPU parity: the solutions and the known-wrong implementations, graded on one device, timed.

Grades the shipped solutions with ``ml4p grade solutions --device DEVICE`` (every exercise must
pass; the same command with ``--device cpu`` alternates with it, for the ratio) and every
known-wrong implementation of ``tests/known_wrong`` on DEVICE (each must lose points), then prints
a Markdown section for ``docs/gpu.md``: the machine (device name, torch and CUDA versions), the
counts, the timings (medians of ``--repeats``) and every exception, named.

On a CUDA machine: ``python benchmarks/gpu_parity.py --device cuda >> docs/gpu.md``.
Usage: ``python benchmarks/gpu_parity.py [--device cuda] [--exercise ID ...] [--repeats 3]``.
Exit status 1 when a solution loses points or a known-wrong file keeps full marks.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import expectation, known_wrong_submission  # noqa: E402

from autograder.grade import grade_submissions  # noqa: E402
from autograder.registry import exercise_by_id  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", choices=("cpu", "cuda"))
    parser.add_argument("--exercise", action="append", default=[], metavar="ID")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"## GPU parity run, {datetime.date.today()} ({machine(args.device)})\n")
    solutions_ok = grade_solutions(args.device, args.exercise, args.repeats)
    known_wrong_ok = grade_known_wrong(args.device, args.exercise, args.jobs)
    return 0 if solutions_ok and known_wrong_ok else 1


def machine(device: str) -> str:
    name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    cuda = f", CUDA {torch.version.cuda}" if device == "cuda" else ""
    return f"{name}; torch {torch.__version__}{cuda}"


def grade_solutions(device: str, exercises: list[str], repeats: int) -> bool:
    """Time ``ml4p grade solutions`` on ``device`` and on the CPU, alternating; print the result."""
    times: dict[str, list[float]] = defaultdict(list)
    devices = [device] if device == "cpu" else [device, "cpu"]
    report = {}
    for _ in range(repeats):
        for each in devices:
            seconds, graded = grade_solutions_once(each, exercises)
            times[each].append(seconds)
            report = graded if each == device else report
    failing = [
        f"{exercise['id']}: {check['name']}: {check['message']}"
        for exercise in report["exercises"]
        for check in exercise["checks"]
        if not check["passed"]
    ]
    passed = sum(exercise["status"] == "passed" for exercise in report["exercises"])
    print(
        f"- **Solutions** on {device}: {passed}/{len(report['exercises'])} exercises passed, "
        f"{report['score']:g}/{report['max_score']:g} points."
    )
    for each in devices:
        runs = ", ".join(f"{seconds:.1f}" for seconds in times[each])
        median = statistics.median(times[each])
        print(f"  `ml4p grade solutions --device {each}`: median {median:.1f} s ({runs} s).")
    if device != "cpu":
        ratio = statistics.median(times[device]) / statistics.median(times["cpu"])
        print(f"  Ratio {device} / cpu: {ratio:.2f}.")
    for line in failing:
        print(f"  - FAILED {line}")
    return not failing


def grade_solutions_once(device: str, exercises: list[str]) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [sys.executable, "-m", "autograder.cli", "grade", "solutions", "--device", device]
        command += ["--format", "json", "--output", str(output)]
        for exercise in exercises:
            command += ["--exercise", exercise]
        start = time.perf_counter()
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{run.stderr}")
        return seconds, json.loads(output.read_text())


def grade_known_wrong(device: str, exercises: list[str], jobs: int) -> bool:
    """Grade every known-wrong file on ``device``, one pipeline per exercise; print the result."""
    by_exercise: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((ROOT / "tests" / "known_wrong").glob("week*/*.py")):
        exercise = expectation(path)["exercise"]
        if not exercises or exercise in exercises:
            by_exercise[exercise].append(path)
    kept_full_marks = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for exercise, paths in by_exercise.items():
            folders = [Path(folder) / exercise / path.stem for path in paths]
            for path, submission in zip(paths, folders, strict=True):
                known_wrong_submission(path, submission)
            options = dict(device=device, jobs=jobs)
            for report in grade_submissions(folders, [exercise_by_id(exercise)], **options):
                (result,) = report.exercises
                if result.score >= result.max_score:
                    kept_full_marks.append(Path(report.submission).name)
    seconds = time.perf_counter() - start
    count = sum(len(paths) for paths in by_exercise.values())
    print(
        f"- **Known-wrong implementations** on {device}: {count - len(kept_full_marks)}/{count} "
        f"lose points; graded in {seconds:.1f} s."
    )
    for name in kept_full_marks:
        print(f"  - KEPT FULL MARKS {name}")
    return not kept_full_marks


if __name__ == "__main__":
    sys.exit(main())
