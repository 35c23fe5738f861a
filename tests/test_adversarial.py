"""Hostile submissions: each costs only its own exercise, and changes nothing outside the worker.

``tests/adversarial/<attack>.py`` redefines one exercise of week 1 with an attack on the grader,
inside the call or at import (changing global state, patching torch, printing, starting threads),
and declares ``EXPECT = {"exercise": id, "status": ..., "message": regex}``, optionally with
``note`` (a regex one of the exercise's notes must match) and ``timeout`` (the attacked exercise's
CPU-time limit, for attacks that never end). The test appends it to the week 1 solution (so the
other exercises of the module stay correct), grades the whole week, and checks: the report is
complete; the attacked exercise scores 0 with the expected status, message and note; every other
exercise keeps full marks; no file outside the worker's temporary directory changed and no process
was left behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import expectation, solution_source

from autograder.grade import grade
from autograder.registry import select

ADVERSARIAL = Path(__file__).parent / "adversarial"
FILES = sorted(ADVERSARIAL.glob("*.py"))
ROOT = Path(__file__).resolve().parents[1]
SHORT_TIMEOUT = 3.0  # seconds of CPU time, for attacks that never end
WATCHED_TREES = ("ml4p_ref", "solutions", "autograder", "assignments")


def hostile_submission(directory: Path, *attacks: Path) -> Path:
    """The week 1 solution followed by the attacks (later definitions win)."""
    directory.mkdir()
    parts = [solution_source("week01_practices")]
    parts += [attack.read_text() for attack in attacks]
    (directory / "week01_practices.py").write_text("\n\n".join(parts))
    return directory


def fingerprint(submission: Path) -> dict[str, str]:
    """Hashes of every file that a submission must not be able to change or add."""
    files = [path for path in submission.rglob("*") if path.is_file()]
    for tree in WATCHED_TREES:
        files += [
            p for p in (ROOT / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    digests = {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    for entry in Path("/tmp").iterdir():  # new files in /tmp, other than the grader's own
        if not entry.name.startswith(("ml4p-", "pytest-", "pymp-", "tmp")):
            digests[str(entry)] = "present"
    return digests


def stray_processes() -> list[str]:
    """Processes started by the attacks (they all sleep for 600 s)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().split(b"\0")
        except OSError:
            continue
        if command[:2] == [b"sleep", b"600"]:
            found.append(status.parent.name)
    return found


@pytest.mark.parametrize("attack", FILES, ids=[path.stem for path in FILES])
def test_attack_costs_only_its_own_exercise(attack, tmp_path):
    expect = expectation(attack)
    submission = hostile_submission(tmp_path / "submission", attack)
    before = fingerprint(submission)
    exercises = [
        dataclasses.replace(e, timeout=expect["timeout"])
        if e.id == expect["exercise"] and "timeout" in expect
        else e
        for e in select(weeks=["1"])
    ]
    report = grade(submission, exercises, device="cpu")

    assert [e.id for e in report.exercises] == [e.id for e in exercises]
    for result in report.exercises:
        if result.id == expect["exercise"]:
            messages = [check.message for check in result.checks if not check.passed]
            assert (result.status, result.score) == (expect["status"], 0), messages
            assert any(re.search(expect["message"], m) for m in messages), messages
            if "note" in expect:
                assert any(re.search(expect["note"], note) for note in result.notes), result.notes
        else:
            assert result.status == "passed", [c.message for c in result.checks if not c.passed]
            assert result.score == pytest.approx(result.max_score)
    assert fingerprint(submission) == before
    assert stray_processes() == []


def test_cli_survives_several_attacks_at_once_and_exits_0(tmp_path):
    attacks = ["infinite_loop", "segfault", "huge_tensor", "always_equal_object"]
    renamed = {
        "segfault": "logsumexp",
        "huge_tensor": "log_softmax",
        "always_equal_object": "cross_entropy_from_logits",
    }
    sources = []
    for name in attacks:
        text = (ADVERSARIAL / f"{name}.py").read_text()
        if name in renamed:  # aim the attack at another exercise of the module
            text = text.replace("def softmax(z, dim=-1):", f"def {renamed[name]}(*args, **kwargs):")
        sources.append(text)
    submission = tmp_path / "submission"
    submission.mkdir()
    solution = solution_source("week01_practices")
    (submission / "week01_practices.py").write_text("\n\n".join([solution, *sources]))
    command = [
        sys.executable,
        "-m",
        "autograder.cli",
        "grade",
        str(submission),
        "--week",
        "1",
        "--timeout",
        str(SHORT_TIMEOUT),
        "--format",
        "json",
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    statuses = {e["id"]: e["status"] for e in json.loads(done.stdout)["exercises"]}
    assert statuses == {
        "week01_practices.softmax": "timeout",
        "week01_practices.logsumexp": "error",
        "week01_practices.log_softmax": "error",
        "week01_practices.cross_entropy_from_logits": "error",
        "week01_practices.bce_with_logits": "passed",  # the attacks cost their neighbours nothing
        "week01_practices.coulomb_energy": "passed",
        "week01_practices.metropolis_step": "passed",
    }
