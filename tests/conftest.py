"""Shared fixtures: the repository's paths and graded reports that several tests read.

Hints and properties that raise are grader bugs: ``ML4P_STRICT=1`` makes them fail the tests instead
of costing only the hint (``autograder.hints``).

Under ``pytest -n N`` (pytest-xdist) the tests are spread over the processes one by one, except the
modules of ``WHOLE_MODULES``: each shares an expensive module-scoped fixture (a graded nbgrader
course, an installed release...) and runs whole in one process, so that it is built once.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
import torch

from autograder.grade import grade
from autograder.registry import all_exercises

ROOT = Path(__file__).resolve().parents[1]
os.environ["ML4P_STRICT"] = "1"
WHOLE_MODULES = {
    "tests/test_failure_plots.py",
    "tests/test_grade_class.py",
    "tests/test_formats.py",
    "tests/test_gradescope_bundle.py",
    "tests/test_nbgrader.py",
    "tests/test_release.py",
}


def _whole_module_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class WholeModulesScheduling(LoadScopeScheduling):
        """Load scheduling test by test; the tests of ``WHOLE_MODULES`` go together."""

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in WHOLE_MODULES else nodeid

    return WholeModulesScheduling(config, log)


if importlib.util.find_spec("xdist") is not None:  # the hook exists only with pytest-xdist
    pytest_xdist_make_scheduler = _whole_module_scheduler


NO_CUDA = "no CUDA device on this machine: GPU parity is checked where one is (docs/gpu.md)"
DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            pytest.mark.gpu,
            pytest.mark.skipif(not torch.cuda.is_available(), reason=NO_CUDA),
        ],
    ),
]


@pytest.fixture(params=DEVICES)
def device(request) -> str:
    """Each device a test runs on: the CPU, and CUDA (marked ``gpu``; skipped, with its reason
    shown, on a machine without one)."""
    return request.param


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
