"""Shared fixtures: the repository's paths and graded reports that several tests read.

Hints and properties that raise are grader bugs: ``ML4P_STRICT=1`` makes them fail the tests instead
of costing only the hint (``autograder.hints``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.grade import grade
from autograder.registry import all_exercises

ROOT = Path(__file__).resolve().parents[1]
os.environ["ML4P_STRICT"] = "1"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def solutions_report():
    """The shipped solutions, graded once for the whole session."""
    return grade(ROOT / "solutions", list(all_exercises()), seed=0, device="cpu")


@pytest.fixture(scope="session")
def assignments_report():
    """The generated stubs, graded once for the whole session."""
    return grade(ROOT / "assignments", list(all_exercises()), seed=0, device="cpu")
