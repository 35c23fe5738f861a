"""Null answers score 0 on every exercise: zeros, ones, the input, a constant, a uniform
distribution, random numbers, None, a zero per sample (a zero residual, a zero log-determinant), a
zero scalar (a zero loss), an identity flow with zero log-determinant, a zero loss with zero
gradients, the input with nothing accepted (a Metropolis step that never moves); an exercise that turns a
function into a function gets the function itself, or one that gives these answers. Each is generated
from the stubs' signatures (``helpers.null_submission``), so a new exercise is covered without
writing anything."""

from __future__ import annotations

import pytest
from helpers import NULL_KINDS, null_submission

from autograder.grade import grade
from autograder.registry import WEEK_MODULES, all_exercises

MODULES = [m for m in WEEK_MODULES if any(e.module == m for e in all_exercises())]


@pytest.mark.parametrize("kind", NULL_KINDS)
@pytest.mark.parametrize("module", MODULES)
def test_null_answer_scores_zero(module, kind, tmp_path):
    null_submission(module, kind, tmp_path)
    exercises = [exercise for exercise in all_exercises() if exercise.module == module]
    report = grade(tmp_path, exercises, device="cpu")
    earned = {
        result.id: [(c.name, c.points) for c in result.checks if c.points > 0]
        for result in report.exercises
        if result.score > 0
    }
    assert earned == {}
