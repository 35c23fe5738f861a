"""Device parity: the solutions keep full marks on every device, and code that is right on the CPU
but breaks on a GPU loses the "devices" share, with the fix in the message, even where there is no
GPU (the emulated one, ``autograder.emulated_gpu``).

Each test runs on the ``device`` fixture's devices: the CPU, and CUDA where a machine has one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from helpers import expectation, known_wrong_submission

from autograder.case import EMULATED_GPU
from autograder.grade import build_cases, emulated_gpu_case, grade, grade_exercise
from autograder.registry import all_exercises, exercise_by_id
from autograder.runner import limits_for
from autograder.sandbox import Limits
from autograder.scoring import DEVICES_SHARE

KNOWN_WRONG = Path(__file__).parent / "known_wrong"
RIGHT_ON_THE_CPU_ONLY = {  # known-wrong files whose every CPU check passes
    "week02_mlp_cnn/conv_matrix_indices_on_cpu.py": "torch.arange at line",
    "week01_practices/metropolis_numpy_round_trip.py": r"\.numpy\(\) fails",
    "week01_practices/softmax_shift_on_host.py": r"copies a GPU tensor to the CPU",
}


def test_solutions_keep_full_marks(device, solutions_report, root):
    report = solutions_report
    if device == "cuda":
        report = grade(root / "solutions", list(all_exercises()), seed=0, device="cuda")
    failing = [
        f"{exercise.id}: {check.name}: {check.message}"
        for exercise in report.exercises
        for check in exercise.checks
        if not check.passed
    ]
    assert failing == []
    on_a_device = [e for e in report.exercises if any(c.group == "devices" for c in e.checks)]
    torch_exercises = [e for e in all_exercises() if "cuda" in e.devices]
    assert len(on_a_device) == len(torch_exercises)


@pytest.mark.parametrize("name", sorted(RIGHT_ON_THE_CPU_ONLY))
def test_code_right_on_the_cpu_only_loses_the_devices_share(name, device, tmp_path):
    path = KNOWN_WRONG / name
    known_wrong_submission(path, tmp_path)
    exercise = exercise_by_id(expectation(path)["exercise"])
    result = grade_exercise(exercise, tmp_path, devices=(device,))
    if device == "cuda":  # every case runs on the GPU (a host copy works there, slowly)
        assert result.score < result.max_score
        return
    failing = [check for check in result.checks if not check.passed]
    assert failing and all(check.group == "devices" for check in failing)
    assert result.score == pytest.approx((1 - DEVICES_SHARE) * result.max_score)
    assert all(re.search(RIGHT_ON_THE_CPU_ONLY[name], check.message) for check in failing)


def test_the_emulated_gpu_keeps_the_workers_memory_limit_which_only_cuda_lifts():
    exercise = exercise_by_id("week01_practices.softmax")
    cases = build_cases(exercise, seed=0)
    assert any(case.device == EMULATED_GPU for case in cases)
    assert limits_for(exercise, cases).memory_bytes == Limits.memory_bytes
    on_cuda = [case.on("cuda") for case in cases]
    assert limits_for(exercise, on_cuda).memory_bytes is None


def test_the_gpu_parity_script_grades_and_reports(root):
    """The script for CUDA machines (docs/gpu.md), run on the CPU for one exercise."""
    command = [sys.executable, "benchmarks/gpu_parity.py", "--device", "cpu", "--repeats", "1"]
    command += ["--exercise", "week01_practices.log_softmax"]
    run = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "- **Solutions** on cpu: 1/1 exercises passed" in run.stdout
    known_wrong = len(list((root / "tests/known_wrong").glob("week01_practices/log_softmax_*.py")))
    assert f"on cpu: {known_wrong}/{known_wrong} lose points" in run.stdout


def test_the_emulated_gpu_runs_the_smallest_float64_values_case_of_each_torch_exercise():
    for exercise in all_exercises():
        cases = build_cases(exercise, seed=0)
        emulated = [case for case in cases if case.device == EMULATED_GPU]
        if "cuda" not in exercise.devices:
            assert emulated == [], exercise.id
            continue
        assert len(emulated) == 1, exercise.id
        (case,) = emulated
        assert (case.group, case.dtype, case.primary) == ("values", torch.float64, False)
        cpu_cases = [case for case in cases if case.device == "cpu"]
        assert emulated_gpu_case(cpu_cases) == emulated
        assert case.on("cpu").name in {cpu.name for cpu in cpu_cases}
