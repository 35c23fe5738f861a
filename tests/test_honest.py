"""Honest habits cost nothing: each habit of ``tests/honest/`` (one file each) is added to the full
solutions of every week module, and every exercise keeps full marks. The exercise's notes say what
the habit changed (``EXPECT["notes"]``, regexes each matched by a note of every exercise), and
nothing else: a note no regex explains is a false note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import expectation, honest_submission

from autograder.grade import grade
from autograder.registry import WEEK_MODULES, all_exercises

HONEST = Path(__file__).parent / "honest"
HABITS = sorted(HONEST.glob("*.py"))
MODULES = [m for m in WEEK_MODULES if any(e.module == m for e in all_exercises())]


def test_there_are_at_least_fifteen_habits():
    assert len(HABITS) >= 15


@pytest.mark.parametrize("habit", HABITS, ids=[path.stem for path in HABITS])
def test_honest_habit_keeps_full_marks_and_is_noted(habit, tmp_path):
    expected_notes = expectation(habit)["notes"]
    submission = honest_submission(habit, MODULES, tmp_path)
    report = grade(submission, list(all_exercises()), device="cpu")
    for result in report.exercises:
        failures = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
        assert (result.id, result.status, failures) == (result.id, "passed", [])
        assert result.score == pytest.approx(result.max_score)
        for pattern in expected_notes:
            assert any(re.search(pattern, note) for note in result.notes), (result.id, result.notes)
        unexplained = [n for n in result.notes if not any(re.search(p, n) for p in expected_notes)]
        assert unexplained == [], result.id
