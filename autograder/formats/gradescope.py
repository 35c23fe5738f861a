"""The report as Gradescope's ``results.json``.

Gradescope reads the file ``/autograder/results/results.json`` that its ``run_autograder`` script
writes. Fields used (Gradescope's documented autograder specification): top level ``score``,
``output``, ``output_format``, ``visibility``, ``stdout_visibility`` and ``tests``; each test has
``name``, ``score``, ``max_score``, ``status`` (``passed`` or ``failed``), ``output``,
``output_format`` and ``visibility``. One test per exercise; its output is the exercise's Markdown
details (group subtotals, every failing check, notes).
"""

from __future__ import annotations

import json

from autograder.render import markdown_details
from autograder.report import ExerciseResult, Report

VISIBILITY = "visible"  # students see every test and its message at once


def results_json(report: Report) -> str:
    """The text of ``results.json`` for ``report``."""
    results = {
        "score": report.score,
        "output": f"ml4p grade: {report.score:g} / {report.max_score:g} (seed {report.seed})",
        "output_format": "md",
        "visibility": VISIBILITY,
        "stdout_visibility": "hidden",
        "tests": [_test(exercise) for exercise in report.exercises],
    }
    return json.dumps(results, indent=2) + "\n"


def _test(exercise: ExerciseResult) -> dict:
    return {
        "name": exercise.id,
        "score": exercise.score,
        "max_score": exercise.max_score,
        "status": "passed" if exercise.status == "passed" else "failed",
        "output": "\n".join([f"status: {exercise.status}", "", *markdown_details(exercise)]),
        "output_format": "md",
        "visibility": VISIBILITY,
    }
