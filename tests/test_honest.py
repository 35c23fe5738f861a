"""Honest habits cost nothing: each habit of ``tests/honest/`` (one file each) is added to the full
solutions of every week module, and the exercises keep full marks. The exercise's notes say what
the habit changed (``EXPECT["notes"]``, regexes each matched by a note of every exercise), and
nothing else: a note no regex explains is a false note.

To keep the suite within its time, a habit grades the first exercise of every week (so it is
imported with every week module) and one in ``ROTATION`` of the others, a different share for
each habit: over the habits, every exercise is graded under at least ``len(HABITS) // ROTATION``
of them (a test says so)."""

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
ROTATION = 3


def exercises_for(habit_index: int) -> list:
    """The first exercise of every week, and every ``ROTATION``-th of the others from
    ``habit_index`` on."""
    firsts = {next(e.id for e in all_exercises() if e.module == m) for m in MODULES}
    return [
        exercise
        for index, exercise in enumerate(all_exercises())
        if exercise.id in firsts or index % ROTATION == habit_index % ROTATION
    ]


def test_there_are_at_least_fifteen_habits():
    assert len(HABITS) >= 15


def test_every_exercise_meets_several_habits():
    graded = [exercise.id for index in range(len(HABITS)) for exercise in exercises_for(index)]
    assert min(graded.count(exercise.id) for exercise in all_exercises()) >= len(HABITS) // ROTATION


@pytest.mark.parametrize("habit", HABITS, ids=[path.stem for path in HABITS])
def test_honest_habit_keeps_full_marks_and_is_noted(habit, tmp_path):
    expected_notes = expectation(habit)["notes"]
    submission = honest_submission(habit, MODULES, tmp_path)
    report = grade(submission, exercises_for(HABITS.index(habit)), device="cpu")
    for result in report.exercises:
        failures = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
        assert (result.id, result.status, failures) == (result.id, "passed", [])
        assert result.score == pytest.approx(result.max_score)
        for pattern in expected_notes:
            assert any(re.search(pattern, note) for note in result.notes), (result.id, result.notes)
        unexplained = [n for n in result.notes if not any(re.search(p, n) for p in expected_notes)]
        assert unexplained == [], result.id
