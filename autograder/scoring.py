"""Points: from the verdicts of an exercise's checks to points per check, per group and in all.

The exercise's points are shared among its property groups by the weights it declares (``groups``),
normalised over the groups that have checks (the "devices" group, the checks on the emulated GPU
and on a real one, gets ``DEVICES_SHARE`` unless declared). A group's points are shared among its
checks by their weights. Every group other than "values" is gated: it scores only when every
"values" check passed, so an answer that is wrong on ordinary inputs collects nothing for edge
cases it happens to satisfy. The "devices" group asks the code that is right on the CPU to stay right on another device (a GPU,
or the emulated one): it scores only when every other check passed, so device points never lift a
wrong answer (the lesson's bug keeps at most half of the points on every machine).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograder.compare import Verdict
from autograder.report import CheckResult

GATE = "values"
DEVICES_SHARE = 0.2  # of the exercise's points, for the second device's checks, unless declared
DEVICES = "devices"
GATED_NOTE = f"passed; counts once every check of the {GATE!r} group passes"
DEVICES_GATED_NOTE = "passed; counts once every check on the CPU passes"


def group_weights(declared: Mapping[str, float], verdicts: Sequence[Verdict]) -> dict[str, float]:
    """Each used group's share of the exercise (summing to 1); unknown groups are an error."""
    used = list(dict.fromkeys(v.group for v in verdicts if v.weight > 0))
    weights = {}
    for group in used:
        if group in declared:
            weights[group] = float(declared[group])
        elif group != DEVICES:
            raise ValueError(f"check group {group!r} has no weight (declared: {sorted(declared)})")
    total = sum(weights.values())
    shares = {group: weight / total for group, weight in weights.items()} if total else {}
    if DEVICES in used and DEVICES not in declared:
        shares = {group: share * (1 - DEVICES_SHARE) for group, share in shares.items()}
        shares[DEVICES] = DEVICES_SHARE
    return shares


def score_checks(
    points: float, declared: Mapping[str, float], verdicts: Sequence[Verdict]
) -> list[CheckResult]:
    """One ``CheckResult`` per verdict, with its points after group weights and the gate (not
    rounded: ``round_points`` rounds them once the score is summed)."""
    shares = group_weights(declared, verdicts)
    weight_of_group = {group: 0.0 for group in shares}
    for verdict in verdicts:
        if verdict.group in weight_of_group:
            weight_of_group[verdict.group] += verdict.weight
    gate_open = all(v.problem is None for v in verdicts if v.group == GATE)
    others_pass = all(v.problem is None for v in verdicts if v.group != DEVICES)
    checks = []
    for verdict in verdicts:
        share = shares.get(verdict.group, 0.0)
        total = weight_of_group.get(verdict.group, 0.0)
        maximum = points * share * verdict.weight / total if total else 0.0
        passed = verdict.problem is None
        if verdict.group == DEVICES:
            counts, closed = passed and others_pass, DEVICES_GATED_NOTE
        else:
            counts, closed = passed and (gate_open or verdict.group == GATE), GATED_NOTE
        message = verdict.problem or ("" if counts or maximum == 0 else closed)
        earned = maximum if counts else 0.0
        checks.append(CheckResult(verdict.name, passed, earned, maximum, message, verdict.group))
    return checks


def round_points(checks: Sequence[CheckResult], digits: int = 6) -> None:
    """Round every check's points for the report (after the exercise's score was summed)."""
    for check in checks:
        check.points, check.max_points = (
            round(check.points, digits),
            round(check.max_points, digits),
        )


def subtotals(
    checks: Sequence[CheckResult], order: Sequence[str] = ()
) -> dict[str, tuple[float, float]]:
    """Points and maximum per group: the groups of ``order`` first (an exercise's declared order),
    then the others in the order they first appear."""
    totals: dict[str, tuple[float, float]] = {group: (0.0, 0.0) for group in order}
    for check in checks:
        if check.max_points == 0:
            continue
        earned, maximum = totals.get(check.group, (0.0, 0.0))
        totals[check.group] = (earned + check.points, maximum + check.max_points)
    return {group: (round(a, 6), round(b, 6)) for group, (a, b) in totals.items() if b > 0}


def status_of(
    checks: Sequence[CheckResult],
    *,
    load_status: str | None,
    banned: bool,
    error: bool,
    timed_out: bool,
    not_implemented: bool,
) -> str:
    """The exercise's status (one of ``report.STATUSES``), most serious reason first."""
    if load_status is not None:
        return load_status
    if banned:
        return "banned"
    if error:
        return "error"
    if timed_out:
        return "timeout"
    if not_implemented:
        return "not_implemented"
    graded = [check for check in checks if check.max_points > 0]
    if all(check.passed for check in graded):
        return "passed"
    return "failed" if sum(check.points for check in graded) == 0 else "partial"
