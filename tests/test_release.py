"""The student repository: ``ml4p release`` of week 4, installed in a fresh virtual environment.

The fresh environment sees the installed release and the test environment's third-party packages
(torch, pytest...) through a ``.pth`` file, never this repository: ``ml4p_ref`` and ``solutions``
cannot be imported there, so the release grades in public mode, against its recorded outputs.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest
import torch
import yaml
from helpers import ROOT, known_wrong_submission

from autograder.case import cast_inputs
from autograder.cli import main
from autograder.grade import build_cases, grade
from autograder.recorded import PUBLIC_SEED, recorded_observations
from autograder.registry import exercise_by_id, select
from autograder.release import release

pytestmark = pytest.mark.slow

WEEK = "week04_symmetry"
ORBIT = exercise_by_id(f"{WEEK}.lattice_orbit")
KNOWN_WRONG = ROOT / "tests" / "known_wrong" / WEEK / "orbit_axis_flips_only.py"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(release folder, its fresh environment's bin folder)."""
    base = tmp_path_factory.mktemp("release")
    out, environment = base / "student-repo", base / "venv"
    release(out, ROOT, [WEEK])
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", environment], check=True)
    python = environment / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (environment / "lib" / site.split("/lib/", 1)[1] / "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    install = [python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", out]
    subprocess.run(install, check=True, env=_clean_environment(), cwd=base)
    return out, environment / "bin"


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_STEP_SUMMARY")}


def _run(installed, command: list[str], **env: str) -> subprocess.CompletedProcess:
    out, bin_folder = installed
    command = [str(bin_folder / command[0]), *command[1:]]
    done = subprocess.run(
        command, cwd=out, env=_clean_environment() | env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _json_grade(installed, *options: str) -> dict:
    return json.loads(
        _run(installed, ["ml4p", "grade", "assignments", "--format", "json", *options]).stdout
    )


def test_the_release_holds_no_hidden_code_and_cannot_import_it(installed):
    out, _ = installed
    assert not (out / "ml4p_ref").exists() and not (out / "solutions").exists()
    assert sorted(path.name for path in (out / "autograder" / "exercises").iterdir()) == [
        "__init__.py",
        WEEK,
    ]
    probe = "import importlib.util as u; print(u.find_spec('ml4p_ref'), u.find_spec('solutions'))"
    assert _run(installed, ["python", "-c", probe]).stdout.strip() == "None None"
    assert main(["release", "--check", str(out)]) == 0


def test_the_leak_check_fails_on_a_planted_solution_renamed_and_reformatted(installed, tmp_path):
    out, _ = installed
    planted = tmp_path / "repo"
    shutil.copytree(out, planted, ignore=shutil.ignore_patterns("*.pt"))
    solution = (ROOT / "solutions" / f"{WEEK}.py").read_text()
    start = solution.index("def lattice_orbit(")
    body = solution[start : solution.index("### END SOLUTION", start)]
    renamed = body.replace("def lattice_orbit(", "def   helper_for_plots(").replace("    ", "  ")
    (planted / "autograder" / "plots.py").write_text("import torch\n\n\n" + renamed)
    assert main(["release", "--check", str(planted)]) == 1


def test_stubs_score_zero_as_not_implemented(installed):
    report = _json_grade(installed)
    assert report["seed"] == PUBLIC_SEED and report["score"] == 0
    assert {exercise["status"] for exercise in report["exercises"]} == {"not_implemented"}


def test_the_solutions_get_full_marks_in_public_mode_through_pytest(installed):
    out, _ = installed
    shutil.copyfile(ROOT / "solutions" / f"{WEEK}.py", out / "assignments" / f"{WEEK}.py")
    try:
        done = _run(installed, ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    finally:
        shutil.copyfile(ROOT / "assignments" / f"{WEEK}.py", out / "assignments" / f"{WEEK}.py")
    total = sum(exercise.points for exercise in select(weeks=[WEEK]))
    assert "total of the exercises run" in done.stdout
    assert f"{total:6.2f} / {total:g}" in done.stdout.split("total of the exercises run")[1]
    assert " failed" not in done.stdout


def test_the_workflow_commands_write_the_summary_and_the_annotations(installed, tmp_path):
    out, _ = installed
    workflow = yaml.safe_load((out / ".github" / "workflows" / "feedback.yml").read_text())
    steps = workflow["jobs"]["grade"]["steps"]
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML reads the key `on` as True
    assert any(step.get("with", {}).get("cache") == "pip" for step in steps)
    command = next(step["run"] for step in steps if step.get("name") == "Grade").split()
    known_wrong_submission(KNOWN_WRONG, out / "assignments")
    summary = tmp_path / "summary.md"
    try:
        done = _run(installed, command, GITHUB_STEP_SUMMARY=str(summary))
    finally:
        shutil.copyfile(ROOT / "assignments" / f"{WEEK}.py", out / "assignments" / f"{WEEK}.py")
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    source = (ROOT / "solutions" / f"{WEEK}.py").read_text().splitlines()
    solution_line = 1 + next(n for n, t in enumerate(source) if t.startswith("def lattice_orbit("))
    orbit = [line for line in errors if "title=week04_symmetry.lattice_orbit%3A" in line]
    assert len(orbit) == 1 and "file=assignments/week04_symmetry.py,line=" in orbit[0]
    assert int(orbit[0].split(",line=")[1].split(",")[0]) > solution_line  # the appended def
    assert "| `week04_symmetry.lattice_orbit` | failed | 0.00 / 1 |" in summary.read_text()
    picture = "ml4p-plots/week04_symmetry.lattice_orbit.png"
    assert (out / picture).read_bytes().startswith(b"\x89PNG")
    assert f"]({picture})" in summary.read_text()
    assert any(step.get("with", {}).get("path") == "ml4p-plots/" for step in steps)


def test_hard_coded_public_outputs_pass_public_mode_and_fail_the_hidden_grading(
    installed, tmp_path
):
    out, _ = installed
    cheat = _stub_with_a_lookup_table_of_the_public_outputs(out / "autograder" / "recorded")
    (out / "assignments" / f"{WEEK}.py").write_text(cheat)
    try:
        public = _json_grade(installed, "--exercise", ORBIT.id)["exercises"][0]
    finally:
        shutil.copyfile(ROOT / "assignments" / f"{WEEK}.py", out / "assignments" / f"{WEEK}.py")
    assert public["score"] == public["max_score"]
    (tmp_path / f"{WEEK}.py").write_text(cheat)
    hidden = grade(tmp_path, [ORBIT], seed=0, device="cpu").exercises[0]
    assert hidden.score == 0 and hidden.status == "failed"


def _stub_with_a_lookup_table_of_the_public_outputs(recordings) -> str:
    """The week's stub plus a ``lattice_orbit`` that returns, for each public input, the output
    recorded in the release (a student can read it there), and zeros for any other input, on the
    input's device."""
    cases = build_cases(ORBIT, PUBLIC_SEED)
    observed = recorded_observations(ORBIT, cases, PUBLIC_SEED, recordings)
    table = []
    for case in cases:
        seen = cast_inputs(case.inputs, case.dtype, "cpu")["s"]
        (orbit,) = observed[case.name].values()
        table.append((seen, orbit.data.to(case.dtype)))
    buffer = io.BytesIO()
    torch.save(table, buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return (
        (ROOT / "assignments" / f"{WEEK}.py").read_text()
        + f'''

import base64 as _base64
import io as _io

_TABLE = torch.load(_io.BytesIO(_base64.b64decode("{encoded}")), weights_only=True)


def lattice_orbit(s):
    for seen, orbit in _TABLE:
        if seen.shape == s.shape and seen.dtype == s.dtype and torch.equal(seen.to(s.device), s):
            return orbit.to(s.device)
    return torch.zeros(s.shape[0], 8, *s.shape[1:], dtype=s.dtype, device=s.device)
'''
    )
