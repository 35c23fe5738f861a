"""Every choice a docstring allows gets full marks.

``tests/known_right/<week module>/<variant>.py`` describes one allowed alternative to the solution
(another sparse layout, an int where a pair is allowed, an optional argument used or not, another
algorithm) as a small change to it, in the form of the known-wrong files
(``helpers.known_wrong_submission``): ``EXPECT["replace"]`` and/or code appended after ``EXPECT``.
``EXPECT["exercise"]`` is the id of the exercise that must keep full marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import expectation, known_wrong_submission

from autograder.grade import grade_exercise
from autograder.registry import exercise_by_id

KNOWN_RIGHT = Path(__file__).parent / "known_right"
FILES = sorted(KNOWN_RIGHT.glob("week*/*.py"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_allowed_variant_keeps_full_marks(path, tmp_path):
    expect = expectation(path)
    known_wrong_submission(path, tmp_path)
    result = grade_exercise(exercise_by_id(expect["exercise"]), tmp_path)
    failures = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
    assert (result.status, failures) == ("passed", [])
    assert result.score == pytest.approx(result.max_score)
