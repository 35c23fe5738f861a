"""What a class grading leaves besides the reports: the CSV of scores and the histogram of totals.

The CSV has one row per student (sorted by name) and one column per exercise, then ``total``; a
student without a report (their grading failed) has empty cells. Scores are written with at most
six decimals and no trailing zeros, so that the same reports always give the same bytes.
"""

from __future__ import annotations

import csv
import io
import statistics
from pathlib import Path

from autograder.exercise import Exercise


def class_csv(exercises: list[Exercise], reports: dict[str, dict | None]) -> str:
    """The CSV text: ``student``, one column per exercise id, ``total``."""
    ids = [exercise.id for exercise in exercises]
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["student", *ids, "total"])
    for student in sorted(reports):
        report = reports[student]
        if report is None:
            writer.writerow([student, *[""] * (len(ids) + 1)])
            continue
        scores = {exercise["id"]: exercise["score"] for exercise in report["exercises"]}
        cells = [_number(scores[i]) if i in scores else "" for i in ids]
        writer.writerow([student, *cells, _number(_total(report, ids))])
    return table.getvalue()


def _number(value: float) -> str:
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def totals(exercises: list[Exercise], reports: dict[str, dict | None]) -> list[float]:
    """The total score of every student with a report."""
    ids = [exercise.id for exercise in exercises]
    return [_total(report, ids) for report in reports.values() if report is not None]


def _total(report: dict, ids: list[str]) -> float:
    """The sum of the report's scores on the exercises ``ids``, in their order."""
    scores = {exercise["id"]: exercise["score"] for exercise in report["exercises"]}
    return round(sum(scores.get(exercise_id, 0.0) for exercise_id in ids), 6)


def summary(scores: list[float], max_score: float) -> str:
    """One line: how the totals are spread."""
    if not scores:
        return "no totals"
    return (
        f"totals of {len(scores)} students (out of {max_score:g}): mean "
        f"{statistics.fmean(scores):.2f}, median {statistics.median(scores):g}, min "
        f"{min(scores):g}, max {max(scores):g}"
    )


def draw_histogram(scores: list[float], max_score: float, path: Path) -> None:
    """A PNG histogram of the totals, from 0 to the maximum score."""
    import matplotlib

    matplotlib.use("agg")  # a file only, whatever the display
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    bins = max(1, min(20, round(max_score))) if max_score > 0 else 1
    axes.hist(
        scores, bins=bins, range=(0, max(max_score, 1e-9)), color="tab:blue", edgecolor="white"
    )
    axes.set_xlabel(f"total score (out of {max_score:g})")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"Totals of {len(scores)} students")
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)
