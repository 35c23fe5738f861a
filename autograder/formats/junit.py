"""The report as JUnit XML, for CI systems that show test results from it.

One ``<testsuite>`` per exercise (its id), one ``<testcase>`` per check (classname the exercise id,
name the check's name), as the pytest plugin runs them: a check that did not pass is a
``<failure>`` whose message is the check's message. Each suite carries the exercise's score, status
and notes as properties; the root ``<testsuites>`` carries the totals.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autograder.report import ExerciseResult, Report

# characters XML 1.0 cannot hold (a student's exception text may carry them): shown as \xNN
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_xml(report: Report) -> str:
    """The JUnit XML document of ``report``."""
    suites = [_suite(exercise) for exercise in report.exercises]
    root = ET.Element(
        "testsuites",
        name=f"ml4p grade {report.submission}",
        tests=str(sum(int(suite.get("tests")) for suite in suites)),
        failures=str(sum(int(suite.get("failures")) for suite in suites)),
        errors="0",
    )
    root.extend(suites)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(exercise: ExerciseResult) -> ET.Element:
    failed = [check for check in exercise.checks if not check.passed]
    suite = ET.Element(
        "testsuite",
        name=exercise.id,
        tests=str(len(exercise.checks)),
        failures=str(len(failed)),
        errors="0",
        skipped="0",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("score", f"{exercise.score:g}"),
        ("max_score", f"{exercise.max_score:g}"),
        ("status", exercise.status),
        *(("note", note) for note in exercise.notes),
    ):
        ET.SubElement(properties, "property", name=name, value=_xml_text(value))
    for check in exercise.checks:
        case = ET.SubElement(suite, "testcase", classname=exercise.id, name=_xml_text(check.name))
        if not check.passed:
            message = _xml_text(check.message)
            failure = ET.SubElement(case, "failure", message=message, type=exercise.status)
            failure.text = f"{check.group}: {check.points:g} / {check.max_points:g} points"
    return suite


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
