"""The grader end to end: solutions score full marks, stubs score zero, reports are deterministic."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from autograder.grade import build_cases, exercise_check_names, grade_exercise
from autograder.registry import all_exercises, exercise_by_id, select
from autograder.report import STATUSES

EXERCISE_IDS = [exercise.id for exercise in all_exercises()]


def test_every_core_exercise_is_registered():
    core = {
        "week01_practices.softmax",
        "week01_practices.logsumexp",
        "week01_practices.log_softmax",
        "week01_practices.cross_entropy_from_logits",
        "week02_mlp_cnn.Linear",
        "week02_mlp_cnn.Tanh",
        "week02_mlp_cnn.SoftmaxCrossEntropy",
        "week02_mlp_cnn.Sequential",
        "week02_mlp_cnn.mlp_loss_and_grads",
        "week02_mlp_cnn.conv2d_sparse_matrix",
        "week02_mlp_cnn.conv2d_via_matrix",
        "week07_generative2.AffineCoupling",
        "week07_generative2.dsm_loss",
        "week08_pinn.burgers_residual",
    }
    assert core <= set(EXERCISE_IDS)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_solution_scores_full_marks(solutions_report, exercise_id):
    result = next(e for e in solutions_report.exercises if e.id == exercise_id)
    failures = [f"{c.name}: {c.message}" for c in result.checks if not c.passed]
    assert failures == []
    assert result.status == "passed"
    assert result.score == pytest.approx(result.max_score)


def test_solutions_total_is_the_maximum(solutions_report):
    assert solutions_report.score == pytest.approx(solutions_report.max_score)
    assert solutions_report.max_score > 0


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_stub_is_not_implemented(assignments_report, exercise_id):
    result = next(e for e in assignments_report.exercises if e.id == exercise_id)
    assert result.status == "not_implemented"
    assert result.score == 0
    assert all("not implemented yet" in c.message for c in result.checks if c.max_points > 0)


def test_statuses_are_the_contract(solutions_report, assignments_report):
    for report in (solutions_report, assignments_report):
        assert {e.status for e in report.exercises} <= set(STATUSES)


def test_missing_module_is_reported_missing(tmp_path):
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "missing"
    assert result.score == 0
    assert "not found" in result.checks[0].message


def test_missing_function_is_reported_missing(tmp_path):
    (tmp_path / "week01_practices.py").write_text("import torch\n")
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "missing"
    assert "defines no 'softmax'" in result.checks[0].message


def test_syntax_error_is_an_error_of_that_module_only(tmp_path):
    (tmp_path / "week01_practices.py").write_text("def softmax(z, dim=-1):\n    return (\n")
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "error"
    assert "SyntaxError" in result.checks[0].message


def test_exception_is_reported_with_its_line(tmp_path):
    source = "def softmax(z, dim=-1):\n    x = 1\n    raise ValueError('boom')\n"
    (tmp_path / "week01_practices.py").write_text(source)
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "failed"
    assert "raised ValueError: boom (line 3)" in result.checks[0].message


def test_a_missing_package_is_named(tmp_path):
    (tmp_path / "week01_practices.py").write_text("import seaborn\n")
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "error"
    assert "it imports 'seaborn', which the course environment does not have" in (
        result.checks[0].message
    )


def test_an_output_the_grader_cannot_handle_reads_as_a_message_about_that_output(tmp_path):
    source = (
        "import torch\n\ndef softmax(z, dim=-1):\n    return torch.empty(z.shape, device='meta')\n"
    )
    (tmp_path / "week01_practices.py").write_text(source)
    result = grade_exercise(exercise_by_id("week01_practices.softmax"), tmp_path)
    assert result.status == "failed"
    assert result.checks[0].message.startswith("what your code returned could not be used: ")


def test_the_report_carries_groups_notes_and_a_group_per_check(solutions_report):
    data = solutions_report.to_dict()
    for exercise in data["exercises"]:
        assert isinstance(exercise["notes"], list)
        assert {group["name"] for group in exercise["groups"]} >= {"values"}
        assert all(isinstance(check["group"], str) for check in exercise["checks"])


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "autograder.cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


DRAWS_ITS_OWN = """
import random

import numpy as np
import torch


def softmax(z, dim=-1):
    noise = torch.rand_like(z) + float(np.random.rand()) + random.random()
    return torch.softmax(z, dim=dim) + noise
"""


def test_code_that_draws_from_the_global_generators_gets_the_same_report_every_time(tmp_path):
    (tmp_path / "week01_practices.py").write_text(DRAWS_ITS_OWN)
    reports = []
    for _ in range(2):
        done = _cli(
            "grade", ".", "-e", "week01_practices.softmax", "--format", "json", cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        reports.append(done.stdout)
    assert reports[0] == reports[1]
    assert "entries differ" in reports[0]


def test_json_is_byte_identical_for_the_same_seed(root, tmp_path):
    outputs = []
    for name in ("first.json", "second.json"):
        done = _cli(
            "grade",
            "solutions",
            "--format",
            "json",
            "--seed",
            "7",
            "--output",
            str(tmp_path / name),
            cwd=root,
        )
        assert done.returncode == 0, done.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert set(report) >= {"submission", "seed", "score", "max_score", "exercises"}
    assert report["seed"] == 7
    assert report["score"] == report["max_score"]
    assert {exercise["status"] for exercise in report["exercises"]} == {"passed"}
    check = report["exercises"][0]["checks"][0]
    assert set(check) >= {"name", "passed", "points", "max_points", "message"}


def test_a_different_seed_gives_different_cases(root):
    exercise = exercise_by_id("week01_practices.softmax")
    first, second = build_cases(exercise, 0), build_cases(exercise, 1)
    assert [c.name for c in first] == [c.name for c in second]
    assert not all(
        a.inputs["z"].shape == b.inputs["z"].shape and bool((a.inputs["z"] == b.inputs["z"]).all())
        for a, b in zip(first, second, strict=False)
    )


def test_cli_usage_errors_exit_2(root):
    assert _cli("grade", "no-such-dir", cwd=root).returncode == 2
    assert _cli("grade", "solutions", "--week", "42", cwd=root).returncode == 2
    assert (
        _cli("grade", "solutions", "--exercise", "week01_practices.nope", cwd=root).returncode == 2
    )


def test_cli_grades_stubs_to_zero_with_exit_0(root):
    done = _cli("grade", "assignments", "--week", "1", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == 0
    assert {e["status"] for e in report["exercises"]} == {"not_implemented"}


def test_table_and_markdown_render(root):
    table = _cli("grade", "solutions", "--week", "1", cwd=root)
    assert table.returncode == 0
    assert "week01_practices.softmax" in table.stdout and "passed" in table.stdout
    markdown = _cli(
        "grade", "assignments", "-e", "week01_practices.softmax", "--format", "markdown", cwd=root
    )
    assert "| `week01_practices.softmax` | not_implemented | 0.00 / 2 |" in markdown.stdout


def test_pytest_plugin_runs_one_test_per_check(root):
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--submission",
        "assignments",
        "-m",
        "week01",
        "-k",
        "softmax and large",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout
    assert "FAILED week01_practices.softmax[large logits-float32]" in done.stdout
    assert "not implemented yet" in done.stdout
    passing = [
        sys.executable,
        "-m",
        "pytest",
        "--submission",
        "solutions",
        "-m",
        "week01",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(passing, cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout
    assert "ml4p score" in done.stdout
    checks = sum(len(exercise_check_names(e, build_cases(e, 0))) for e in select(weeks=["1"]))
    assert f"{checks} passed" in done.stdout  # the grading checks, and none of the repo's own tests


def test_list_puts_every_exercises_points_in_one_column(capsys):
    from autograder.cli import main

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(EXERCISE_IDS)
    columns = {len(line) - len(line.split()[-2] + " points") for line in lines}
    assert len(columns) == 1 and all(" " not in line[: min(columns)].rstrip() for line in lines)
