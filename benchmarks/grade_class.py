"""Time to grade a class of synthetic students with ``ml4p grade-class``, against nbgrader.

The class: every student submits ``week01_practices.py`` made from the solution, where each
exercise, drawn independently with a fixed seed, is correct (60 %), changed as one of the week's
known-wrong files says (25 %; those that edit the solution in place) or left a stub (15 %: its
solution region raises NotImplementedError).

1. ``ml4p grade-class CLASS --week week01 --force`` in a fresh process, REPEATS times: the wall
   time divided by the number of students is the time per submission (median over the repeats).
2. nbgrader on a SAMPLE of the same submissions, as notebooks holding the same code (the course of
   ``ml4p nbgrader build``, whose test cells run the same checks): ``nbgrader autograde WEEK
   --student S --force`` per student (what a TA runs for one submission; the median), then the
   whole sample in one ``nbgrader autograde`` (its batch mode), divided by the sample size. The
   totals nbgrader writes to its gradebook must equal those of the class CSV.

Prints the times, the medians and their ratios, and whether the targets hold: the class graded in
under 120 s (for 200 students) and at least 20 times less time per submission than nbgrader.
Every Jupyter, IPython and matplotlib directory is a temporary one: ``$HOME`` is not written.

Usage: ``python benchmarks/grade_class.py [--students 200] [--sample 5] [--repeats 3] [--jobs N]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_autograde import jupyter_environment, run

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from helpers import expectation  # noqa: E402

from autograder.build import solution_regions  # noqa: E402
from autograder.nbgrader_bridge.course import course_notebook  # noqa: E402
from autograder.notebook import load_jupytext  # noqa: E402
from autograder.registry import week_exercises  # noqa: E402

WEEK = "week01_practices"
CHOICES = (("correct", 0.60), ("known-wrong", 0.25), ("stub", 0.15))
CLASS_TARGET_S, CLASS_SIZE, SPEEDUP_TARGET = 120.0, 200, 20.0


# ----------------------------------------------------------------------------------------- class
def in_place_changes() -> dict[str, list[dict[str, str]]]:
    """Per exercise name, the ``replace`` dicts of its known-wrong files that only edit in place."""
    changes: dict[str, list[dict[str, str]]] = {}
    for path in sorted((ROOT / "tests" / "known_wrong" / WEEK).glob("*.py")):
        expect = expectation(path)
        if expect.get("replace") and _only_expect(path):
            name = expect["exercise"].split(".", 1)[1]
            changes.setdefault(name, []).append(expect["replace"])
    return changes


def _only_expect(path: Path) -> bool:
    import ast

    body = ast.parse(path.read_text()).body
    return all(isinstance(node, (ast.Assign, ast.Expr)) for node in body)


def stubbed(source: str, name: str) -> str:
    """``source`` with the solution regions of ``name`` (a function, or a class's methods) replaced
    by a ``raise NotImplementedError`` between the markers (a student who has not started yet)."""
    lines = source.splitlines(keepends=True)
    for region in reversed(solution_regions(source, WEEK)):
        if region.qualname == name or region.qualname.startswith(name + "."):
            raise_line = f'{region.indent}raise NotImplementedError("{WEEK}.{name}")\n'
            lines[region.begin + 1 : region.end] = [raise_line]
    return "".join(lines)


def student_source(solution: str, names: list[str], changes: dict, draw: random.Random) -> str:
    source = solution
    for name in names:
        kind = draw.choices([k for k, _ in CHOICES], [w for _, w in CHOICES])[0]
        if kind == "known-wrong" and changes.get(name):
            for old, new in draw.choice(changes[name]).items():
                source = source.replace(old, new) if source.count(old) == 1 else source
        elif kind == "stub":
            source = stubbed(source, name)
    return source


def build_class(folder: Path, students: int) -> list[str]:
    """Write ``folder/<student>/week01_practices.py`` for each student; return their names."""
    solution = (ROOT / "solutions" / f"{WEEK}.py").read_text()
    names = [exercise.name for exercise in week_exercises(WEEK)]
    changes, draw = in_place_changes(), random.Random(0)
    students_names = [f"student{index:03d}" for index in range(students)]
    for student in students_names:
        (folder / student).mkdir(parents=True)
        source = student_source(solution, names, changes, draw)
        (folder / student / f"{WEEK}.py").write_text(source)
    return students_names


# ----------------------------------------------------------------------------------------- timing
def time_class(base: Path, students: int, repeats: int, jobs: int | None) -> tuple[float, Path]:
    command = [sys.executable, "-m", "autograder.cli", "grade-class", "class", "--week", WEEK]
    command += ["--out", "grades.csv", "--force"] + (["--jobs", str(jobs)] if jobs else [])
    times = []
    for repeat in range(repeats):
        elapsed = run(command, base, dict(os.environ))
        times.append(elapsed)
        print(
            f"ml4p grade-class, {students} students, run {repeat + 1}: {elapsed:.1f} s "
            f"({elapsed / students:.3f} s per submission)",
            flush=True,
        )
    return statistics.median(times), base / "grades.csv"


def time_nbgrader(base: Path, sample: list[str]) -> tuple[list[float], float, dict]:
    env, course = jupyter_environment(base), base / "course"
    nbgrader = [sys.executable, "-m", "nbgrader"]
    run(
        [sys.executable, "-m", "autograder.cli", "nbgrader", "build", "--course", str(course)],
        ROOT,
        env,
    )
    run([*nbgrader, "generate_assignment", WEEK, "--force"], course, env)
    exercises, jupytext = week_exercises(WEEK), load_jupytext()
    for student in sample:
        source = (base / "class" / student / f"{WEEK}.py").read_text()
        target = course / "submitted" / student / WEEK / f"{WEEK}.ipynb"
        target.parent.mkdir(parents=True)
        jupytext.write(course_notebook(source, exercises), target, fmt="ipynb")
    alone = []
    for student in sample:
        elapsed = run([*nbgrader, "autograde", WEEK, "--student", student, "--force"], course, env)
        alone.append(elapsed)
        print(f"nbgrader autograde {student}: {elapsed:.1f} s", flush=True)
    batch = run([*nbgrader, "autograde", WEEK, "--force"], course, env) / len(sample)
    from autograder.nbgrader_bridge.export import autograded_scores

    scores = autograded_scores(f"sqlite:///{course / 'gradebook.db'}")
    totals = {student: sum(grades.values()) for (student, _week), grades in scores.items()}
    return alone, batch, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=CLASS_SIZE)
    parser.add_argument("--sample", type=int, default=5, help="students graded by nbgrader")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, help="ml4p grade-class --jobs (default: its own)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="ml4p-class-bench-"))
    try:
        names = build_class(base / "class", args.students)
        class_median, grades = time_class(base, args.students, args.repeats, args.jobs)
        sample = random.Random(1).sample(names, min(args.sample, len(names)))
        alone, batch, nbgrader_totals = time_nbgrader(base, sample)
        report(args.students, class_median, alone, batch, nbgrader_totals, grades)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def report(students, class_median, alone, batch, nbgrader_totals, grades: Path) -> None:
    per_submission = class_median / students
    with grades.open() as file:
        ours = {row["student"]: float(row["total"]) for row in csv.DictReader(file)}
    differ = {s: (t, ours[s]) for s, t in nbgrader_totals.items() if abs(t - ours[s]) > 1e-6}
    alone_median = statistics.median(alone)
    print(
        f"ml4p grade-class: {class_median:.1f} s for {students} students (median), "
        f"{per_submission:.3f} s per submission"
    )
    print(
        f"nbgrader autograde, one student at a time: median {alone_median:.2f} s per submission"
        f"; ratio {alone_median / per_submission:.1f}"
    )
    print(
        f"nbgrader autograde, the sample at once: {batch:.2f} s per submission; "
        f"ratio {batch / per_submission:.1f}"
    )
    print(
        f"same totals in nbgrader's gradebook and the class CSV: {not differ} "
        f"({len(nbgrader_totals)} students{'; differ: ' + json.dumps(differ) if differ else ''})"
    )
    scaled = per_submission * CLASS_SIZE
    print(
        f"targets: {CLASS_SIZE} students in {scaled:.1f} s (under {CLASS_TARGET_S:g} s: "
        f"{scaled < CLASS_TARGET_S}); speed-up over nbgrader's batch {batch / per_submission:.1f}"
        f" (at least {SPEEDUP_TARGET:g}: {batch / per_submission >= SPEEDUP_TARGET})"
    )


if __name__ == "__main__":
    main()
