"""``ml4p nbgrader export``: the gradebook as a CSV with one column per exercise.

nbgrader's own export gives one total per assignment. Here a row is a student; a column is a graded
cell, named ``<assignment>.<grade id>`` (for the course's test cells that is the exercise id, e.g.
``week01_practices.softmax``), then ``total``. A score is the manual one where a TA set it, else the
autograder's; an assignment a student never submitted counts 0, as in nbgrader's export.

``verify`` grades every submitted notebook again with ``ml4p grade``, outside nbgrader's kernel, and
lists where the autograder's score differs: code that ran in the kernel before a test cell can
change what that cell shows, but not what a fresh grading process finds.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.registry import all_exercises, select


def gradebook_rows(db_url: str) -> tuple[list[str], list[dict[str, object]]]:
    """The CSV's columns and one row per student, from the gradebook at ``db_url``."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        columns = _columns(gradebook)
        rows = {
            student.id: {"student_id": student.id} | dict.fromkeys(columns, 0.0)
            for student in sorted(gradebook.students, key=lambda s: s.id)
        }
        for student, assignment, grade in _submitted_grades(gradebook):
            score = grade.score or 0.0  # None: waiting for a manual grade
            rows[student][f"{assignment}.{grade.name}"] = round(float(score), 6)
    for row in rows.values():
        row["total"] = round(sum(float(row[column]) for column in columns), 6)
    return ["student_id", *columns, "total"], list(rows.values())


def _submitted_grades(gradebook):
    """(student id, assignment name, grade) of every graded cell of every submission."""
    for assignment in gradebook.assignments:
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    yield submission.student.id, assignment.name, grade


def _columns(gradebook) -> list[str]:
    """Every graded cell of every assignment: the course's exercises in course order, then others."""
    found = {
        f"{assignment.name}.{cell.name}"
        for assignment in gradebook.assignments
        for notebook in assignment.notebooks
        for cell in notebook.grade_cells
    }
    known = [exercise.id for exercise in all_exercises() if exercise.id in found]
    return known + sorted(found - set(known))


def export(db_url: str, output: Path) -> int:
    """Write the CSV to ``output``; return the number of students."""
    columns, rows = gradebook_rows(db_url)
    with output.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def verify(course: Path, autograded: dict, on_graded=lambda item: None) -> list[str]:
    """Grade each submitted notebook of ``autograded`` (see ``autograded_scores``) outside nbgrader;
    one line per score that differs from the autograder's."""
    from autograder.grade import grade

    differences = []
    for (student, assignment), scores in sorted(autograded.items()):
        submission = course / "submitted" / student / assignment
        report = grade(submission, select(weeks=[assignment]))
        for exercise in report.exercises:
            recorded = scores.get(exercise.id.split(".", 1)[1])
            if recorded is not None and abs(recorded - exercise.score) > 1e-6:
                differences.append(
                    f"{student}, {exercise.id}: autograded {recorded:g}, ml4p grade "
                    f"{exercise.score:g} ({submission})"
                )
        on_graded((student, assignment))
    return differences


def autograded_scores(db_url: str) -> dict[tuple[str, str], dict[str, float]]:
    """(student, assignment) -> grade id -> the autograder's score, for the course's weeks."""
    from nbgrader.api import Gradebook

    modules = {exercise.module for exercise in all_exercises()}
    found: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(db_url) as gradebook:
        for student, assignment, grade in _submitted_grades(gradebook):
            if assignment in modules:
                scores = found.setdefault((student, assignment), {})
                if grade.auto_score is not None:
                    scores[grade.name] = float(grade.auto_score)
    return found
