"""The reports other systems read: JUnit XML, Gradescope's results.json, GitHub annotations and job
summary, checked on the graded solutions and on a known-wrong softmax (one failing exercise)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from helpers import ROOT, known_wrong_submission

from autograder.cli import main
from autograder.formats import github, gradescope, junit
from autograder.grade import grade
from autograder.registry import select
from autograder.report import CheckResult, ExerciseResult, Report

KNOWN_WRONG = ROOT / "tests" / "known_wrong" / "week01_practices" / "softmax_no_max_shift.py"
SOFTMAX = "week01_practices.softmax"
GRADESCOPE_VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def wrong_softmax(tmp_path_factory):
    """Week 1 with softmax's lesson bug, graded: one exercise loses points, the others keep them."""
    submission = tmp_path_factory.mktemp("submission")
    known_wrong_submission(KNOWN_WRONG, submission)
    return grade(submission, select(ids=[SOFTMAX, "week01_practices.logsumexp"]), seed=0)


def _failing(report: Report) -> int:
    return sum(not check.passed for exercise in report.exercises for check in exercise.checks)


@pytest.mark.parametrize("which", ["solutions", "wrong softmax"])
def test_junit_counts_every_check_and_every_failure(which, solutions_report, wrong_softmax):
    report = solutions_report if which == "solutions" else wrong_softmax
    root = ET.fromstring(junit.junit_xml(report).encode())
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases) == sum(len(e.checks) for e in report.exercises)
    assert int(root.get("failures")) == len(root.findall(".//failure")) == _failing(report)
    assert (_failing(report) == 0) == (which == "solutions")
    for suite, exercise in zip(root.findall("testsuite"), report.exercises, strict=True):
        assert suite.get("name") == exercise.id
        assert int(suite.get("failures")) == sum(not c.passed for c in exercise.checks)


def test_junit_is_valid_xml_whatever_a_message_holds():
    check = CheckResult("case \x00", False, 0.0, 1.0, message="raised: \x1b[31mboom\x07 <&>")
    exercise = ExerciseResult(SOFTMAX, 0.0, 1.0, "error", checks=[check], notes=["\x0c"])
    failure = ET.fromstring(junit.junit_xml(Report("s", 0, [exercise])).encode()).find(".//failure")
    assert failure.get("message") == "raised: \\x1b[31mboom\\x07 <&>"


@pytest.mark.parametrize("which", ["solutions", "wrong softmax"])
def test_gradescope_results_have_the_documented_fields(which, solutions_report, wrong_softmax):
    report = solutions_report if which == "solutions" else wrong_softmax
    results = json.loads(gradescope.results_json(report))
    assert results["score"] == pytest.approx(report.score)
    assert results["output_format"] == "md" and results["visibility"] in GRADESCOPE_VISIBILITY
    assert len(results["tests"]) == len(report.exercises)
    for test, exercise in zip(results["tests"], report.exercises, strict=True):
        assert set(test) == {
            "name",
            "score",
            "max_score",
            "status",
            "output",
            "output_format",
            "visibility",
        }
        assert test["name"] == exercise.id and test["visibility"] in GRADESCOPE_VISIBILITY
        assert 0 <= test["score"] <= test["max_score"] == exercise.max_score
        assert test["status"] == ("passed" if exercise.status == "passed" else "failed")
        for check in exercise.checks:
            assert check.passed or check.message.replace("<", "&lt;") in test["output"]
    assert sum(test["score"] for test in results["tests"]) == pytest.approx(results["score"])


def test_github_annotates_the_line_of_the_failing_function(wrong_softmax):
    lines = github.annotations(wrong_softmax).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 1  # logsumexp passed: no annotation
    source = (ROOT / wrong_softmax.submission / "week01_practices.py").read_text().splitlines()
    def_lines = [n for n, text in enumerate(source, 1) if text.startswith("def softmax(")]
    properties, message = errors[0].removeprefix("::error ").split("::", 1)
    fields = dict(field.split("=", 1) for field in properties.split(","))
    assert fields["file"] == f"{wrong_softmax.submission}/week01_practices.py"
    assert fields["line"] == str(def_lines[-1])
    assert fields["title"].startswith("week01_practices.softmax%3A ")
    assert "subtract the maximum" in message and "\n" not in message
    assert lines[-1] == f"ml4p grade: {wrong_softmax.score:.2f} / {wrong_softmax.max_score:g}"


def test_github_escapes_what_would_end_a_workflow_command():
    check = CheckResult("c", False, 0.0, 1.0, message="100% wrong\nsecond line: a, b")
    exercise = ExerciseResult(SOFTMAX, 0.0, 1.0, "failed", checks=[check])
    (error, _) = github.annotations(Report("missing-dir", 0, [exercise])).splitlines()
    assert error.endswith("::failed: c: 100%25 wrong%0Asecond line: a, b")
    assert "line=" not in error  # the file does not exist: no line to point at


def test_stubs_still_to_do_are_not_annotated(assignments_report):
    assert not github.annotations(assignments_report).startswith("::")


def test_github_format_appends_the_summary(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    only = ["--exercise", "week01_practices.logsumexp", "--format", "github"]
    assert main(["grade", str(ROOT / "solutions"), *only]) == 0
    out = capsys.readouterr().out
    assert out == "ml4p grade: 1.00 / 1\n"
    text = summary.read_text()
    assert text.startswith("earlier step\n## ml4p grade: 1.00 / 1\n")
    assert "| `week01_practices.logsumexp` | passed | 1.00 / 1 |" in text
