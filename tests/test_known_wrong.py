"""Every known-wrong implementation loses points, with a message that names the broken property.

``tests/known_wrong/<week module>/<bug>.py`` describes one realistic wrong implementation of one
exercise as a small change to the solution (``helpers.known_wrong_submission``): replacements of
solution text (``EXPECT["replace"]``) and/or code appended after ``EXPECT`` (a new ``def`` wins).
``EXPECT`` also holds ``exercise`` (the id), ``message`` (a regex one failing check's message must
match), and optionally ``check`` (the name of the check that must fail), ``status``, and
``lesson: True`` for the mistake the exercise exists to teach, which keeps at most half the points.
Every exercise has at least three known-wrong files (the six core exercises of the brief five).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import expectation, known_wrong_submission

from autograder.grade import grade_exercise
from autograder.registry import all_exercises, exercise_by_id

KNOWN_WRONG = Path(__file__).parent / "known_wrong"
FILES = sorted(KNOWN_WRONG.glob("week*/*.py"))
EXPECTATIONS = {path: expectation(path) for path in FILES}
CORE_EXERCISES = {
    "week01_practices.softmax": 5,
    "week02_mlp_cnn.conv2d_sparse_matrix": 5,
    "week02_mlp_cnn.mlp_loss_and_grads": 5,
    "week07_generative2.AffineCoupling": 5,
    "week07_generative2.dsm_loss": 5,
    "week08_pinn.burgers_residual": 5,
}
MINIMUM_PER_EXERCISE = 3
LESSON_SHARE = 0.5


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_known_wrong_loses_points_with_the_intended_message(path, tmp_path):
    expect = EXPECTATIONS[path]
    known_wrong_submission(path, tmp_path)
    result = grade_exercise(exercise_by_id(expect["exercise"]), tmp_path)
    assert result.score < result.max_score
    failing = [c for c in result.checks if not c.passed]
    if "check" in expect:
        failing = [c for c in failing if c.name == expect["check"]]
        assert failing, f"check {expect['check']!r} did not fail"
    messages = [c.message for c in failing]
    assert any(re.search(expect["message"], m) for m in messages), messages
    if "status" in expect:
        assert result.status == expect["status"]
    if expect.get("lesson"):
        assert result.score <= LESSON_SHARE * result.max_score + 1e-9, result.groups


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda exercise: exercise.id)
def test_every_exercise_has_enough_known_wrong_implementations(exercise):
    minimum = CORE_EXERCISES.get(exercise.id, MINIMUM_PER_EXERCISE)
    count = sum(expect["exercise"] == exercise.id for expect in EXPECTATIONS.values())
    assert count >= minimum


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda exercise: exercise.id)
def test_every_exercise_names_its_lesson_and_has_a_known_wrong_case_for_it(exercise):
    assert exercise.lesson, f"{exercise.id} names no lesson"
    lessons = [e for e in EXPECTATIONS.values() if e["exercise"] == exercise.id and e.get("lesson")]
    assert lessons, f"no known-wrong file of {exercise.id} has 'lesson': True"
