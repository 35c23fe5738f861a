"""``ml4p grade --plots``: a picture of each exercise that lost points, and none of the others."""

from __future__ import annotations

import json

import pytest
import torch
from helpers import ROOT, known_wrong_submission
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from autograder.case import Case
from autograder.cli import main
from autograder.exercises.week08_pinn.picture import residual_field
from autograder.render import markdown
from autograder.report import ExerciseResult, Report

KNOWN_WRONG = ROOT / "tests" / "known_wrong" / "week01_practices" / "softmax_no_max_shift.py"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A wrong softmax and a right logsumexp, graded with --plots into ``pictures/``."""
    base = tmp_path_factory.mktemp("plots")
    known_wrong_submission(KNOWN_WRONG, base / "submission")
    only = ["-e", "week01_practices.softmax", "-e", "week01_practices.logsumexp"]
    report = base / "report.json"
    arguments = ["grade", str(base / "submission"), *only, "--plots", str(base / "pictures")]
    assert main([*arguments, "--format", "json", "--output", str(report)]) == 0

    data = json.loads(report.read_text())
    exercises = [ExerciseResult.from_dict(e) for e in data["exercises"]]
    return base, Report(data["submission"], data["seed"], exercises)


def test_only_the_exercise_that_lost_points_gets_a_picture(graded):
    base, report = graded
    softmax, logsumexp = report.exercises
    assert softmax.status == "partial" and logsumexp.status == "passed"
    assert softmax.plot == (base / "pictures" / "week01_practices.softmax.png").as_posix()
    assert logsumexp.plot == ""
    assert [path.name for path in (base / "pictures").iterdir()] == ["week01_practices.softmax.png"]
    assert (base / "pictures" / "week01_practices.softmax.png").read_bytes()[:4] == b"\x89PNG"


def test_the_markdown_report_shows_the_picture_under_its_exercise(graded):
    _, report = graded
    text = markdown(report)
    section = text[text.index("### `week01_practices.softmax`") :]
    assert f"![yours against the reference]({report.exercises[0].plot})" in section
    assert "### `week01_practices.logsumexp`" not in text  # passed: no section, no picture


def test_the_pinn_residual_is_drawn_over_the_collocation_points():
    xt = torch.rand(30, 2, dtype=torch.float64)
    case = Case("field", {"xt": xt})
    expected = torch.sin(xt[:, 0])
    figure = Figure()
    assert residual_field(figure, case, "out", -expected, expected)
    scatters = [
        c for axes in figure.axes for c in axes.collections if isinstance(c, PathCollection)
    ]
    assert len(scatters) == 3
    assert torch.allclose(torch.as_tensor(scatters[0].get_offsets()), xt)
    assert not residual_field(Figure(), case, "grad:w", expected, expected)
