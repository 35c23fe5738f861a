"""The terminal table, the plain list and Markdown: every label shown as it is, sized to the terminal."""

from __future__ import annotations

from autograder import render
from autograder.grade import build_cases, exercise_check_names
from autograder.registry import all_exercises
from autograder.report import CheckResult, ExerciseResult, GroupTotal, Report


def _failing_report() -> Report:
    """Every check of every exercise failing, with the notes and groups a real report has."""
    results = []
    for exercise in all_exercises():
        names = exercise_check_names(exercise, build_cases(exercise, 0))
        checks = [CheckResult(name, False, 0.0, 1.0, "wrong [really]", "values") for name in names]
        notes = ["at import: default dtype torch.float32 -> torch.float64 (undone)"]
        groups = [GroupTotal("values", 0.0, 1.0)]
        results.append(ExerciseResult(exercise.id, 0.0, 1.0, "failed", checks, notes, groups))
    return Report("submission", 0, results)


def test_every_check_name_appears_in_the_verbose_table_brackets_included():
    report = _failing_report()
    text = render.table(report, verbose=True, width=400)
    missing = [c.name for e in report.exercises for c in e.checks if c.name not in text]
    assert missing == []
    assert "wrong [really]" in text and "note: at import: default dtype" in text


def test_the_table_fits_its_width_and_narrow_terminals_get_a_plain_list():
    report = _failing_report()
    for width in (80, 100, 140):
        lines = render.for_terminal(report, verbose=False, width=width).splitlines()
        assert max(len(line) for line in lines) <= width
        assert lines[1].startswith("┏")  # a table
    narrow = render.for_terminal(report, verbose=True, width=60).splitlines()
    assert max(len(line) for line in narrow) <= 60
    assert not any(line.startswith("┏") for line in narrow)
    piped = render.for_terminal(report, verbose=True, width=None)
    assert all(c.name in piped for e in report.exercises for c in e.checks)


def test_a_not_implemented_exercise_takes_one_line_with_its_task():
    task = "week01_practices.softmax: Compute the softmax of ``z`` along ``dim``."
    checks = [
        CheckResult(f"case {i}", False, 0.0, 0.5, f"not implemented yet ({task})") for i in range(9)
    ]
    exercise = ExerciseResult("week01_practices.softmax", 0.0, 2.0, "not_implemented", checks)
    text = render.plain(Report("assignments", 0, [exercise]))
    assert text.splitlines()[2:] == [
        "week01_practices.softmax: not_implemented, 0.00 / 2",
        f"  to do: {task}",
    ]


def test_markdown_lists_groups_failures_and_notes():
    text = render.markdown(_failing_report())
    assert "| `week01_practices.softmax` | failed | 0.00 / 1 |" in text
    assert "- groups: values 0.00/1.00" in text and "- note: at import:" in text
