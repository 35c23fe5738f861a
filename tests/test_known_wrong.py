"""Every known-wrong implementation loses points, with a message that names the broken property.

``tests/known_wrong/<week module>/<bug>.py`` holds one realistic wrong implementation of one exercise,
written as a submission of that week module would be, and a literal ``EXPECT`` dict:
``exercise`` (the id), ``message`` (a regex one failing check's message must match), and optionally
``check`` (the name of the check that must fail) and ``status``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from autograder.grade import grade_exercise
from autograder.registry import exercise_by_id
from autograder.testing import expectation

KNOWN_WRONG = Path(__file__).parent / "known_wrong"
FILES = sorted(KNOWN_WRONG.glob("week*/*.py"))
CORE_EXERCISES = {
    "week01_practices.softmax": 5,
    "week02_mlp_cnn.conv2d_sparse_matrix": 5,
    "week02_mlp_cnn.mlp_loss_and_grads": 5,
    "week07_generative2.AffineCoupling": 5,
    "week07_generative2.dsm_loss": 5,
    "week08_pinn.burgers_residual": 5,
}


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_known_wrong_loses_points_with_the_intended_message(path, tmp_path):
    expect = expectation(path)
    shutil.copy(path, tmp_path / f"{path.parent.name}.py")
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


@pytest.mark.parametrize("exercise_id, minimum", sorted(CORE_EXERCISES.items()))
def test_core_exercises_have_enough_known_wrong_implementations(exercise_id, minimum):
    count = sum(expectation(path)["exercise"] == exercise_id for path in FILES)
    assert count >= minimum
