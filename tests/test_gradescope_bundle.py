"""The Gradescope bundle: what the zip holds, and its run_autograder on an upload as Gradescope
lays it out (``/autograder/submission``, here a temporary folder)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest
from helpers import ROOT, known_wrong_submission

from autograder.bundle import find_week_files
from autograder.cli import main

KNOWN_WRONG = ROOT / "tests" / "known_wrong" / "week01_practices" / "softmax_no_max_shift.py"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle")
    assert main(["gradescope", "build", str(folder / "autograder.zip"), "--week", "1"]) == 0
    with zipfile.ZipFile(folder / "autograder.zip") as archive:
        archive.extractall(folder / "source")
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    return folder / "source", modes


def test_the_bundle_holds_the_grader_and_reference_but_no_solution(bundle):
    source, modes = bundle
    names = set(modes)
    assert {"setup.sh", "run_autograder", "ml4p-course/pyproject.toml"} <= names
    assert "ml4p-course/ml4p_ref/week01_practices.py" in names
    assert "ml4p-course/autograder/cli.py" in names
    assert not [n for n in names if "solutions" in n or "assignments" in n or "__pycache__" in n]
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR
        subprocess.run(["bash", "-n", str(source / script)], check=True)


def test_run_autograder_writes_results_for_an_upload(bundle, tmp_path):
    source, _ = bundle
    upload = tmp_path / "submission"
    known_wrong_submission(KNOWN_WRONG, upload / "my-repo" / "assignments")
    (upload / "my-repo" / ".git").mkdir()  # a hidden folder is not searched
    (upload / "my-repo" / ".git" / "week01_practices.py").write_text("raise SystemExit\n")
    env = os.environ | {
        "ML4P_AUTOGRADER_ROOT": str(tmp_path),
        "ML4P_PYTHON": sys.executable,
        "PYTHONPATH": str(source / "ml4p-course"),  # the bundle's own grader and reference
    }
    done = subprocess.run(
        ["bash", str(source / "run_autograder")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    tests = {test["name"]: test for test in results["tests"]}
    assert len(tests) == 7  # week 1 only
    assert tests["week01_practices.softmax"]["status"] == "failed"
    assert "subtract the maximum" in tests["week01_practices.softmax"]["output"]
    others = [test for name, test in tests.items() if name != "week01_practices.softmax"]
    assert all(test["status"] == "passed" for test in others)


def test_week_files_are_found_shallowest_first_and_scripts_before_notebooks(tmp_path):
    for relative in (
        "deep/er/week01_practices.py",
        "week02_mlp_cnn.ipynb",
        "week02_mlp_cnn.py",
        "top/week01_practices.py",
        "__MACOSX/week03_gnn_transformer.py",
        "notes/week04_symmetry.txt",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    modules = ("week01_practices", "week02_mlp_cnn", "week03_gnn_transformer", "week04_symmetry")
    found = find_week_files(tmp_path, modules)
    assert {m: p.relative_to(tmp_path).as_posix() for m, p in found.items()} == {
        "week01_practices": "top/week01_practices.py",
        "week02_mlp_cnn": "week02_mlp_cnn.py",
    }


def test_build_refuses_an_unknown_week_and_a_name_that_is_not_a_zip(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["gradescope", "build", str(tmp_path / "a.zip"), "--week", "12"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["gradescope", "build", str(tmp_path / "a.tar")])
    assert "is a .zip file" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
