"""Hints: one line of advice for a classic mistake, shown only when that mistake explains the output.

An exercise's hints are a table of ``Hint(text, applies)``, tried in order when a check fails; the
first that applies is appended to the check's message. ``applies`` receives the ``Evidence`` of the
failure. Most hints say "your output is what this mistaken variant of the computation gives":
``explained_by(variant)``, where ``variant(evidence)`` returns the mistaken value in float64 (often
the reference run on changed inputs) and the hint applies when the student's value matches the
variant while the right value does not. ``near`` is the one loose comparison used to recognise a
mistake; it is not the grading tolerance.

A hint that raises is a bug in the grader: under the repository's tests (``ML4P_STRICT=1``) the error
propagates; when grading it only costs the hint. A hint that needs the hidden reference where it is
not installed (a student repository, ``autograder.recorded``) is not given.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from autograder.case import Case
from autograder.plain import Observed
from autograder.recorded import reference_installed

STRICT_VARIABLE = "ML4P_STRICT"


@dataclass(frozen=True)
class Evidence:
    """What a hint may look at: the case, both sides' observations and how the check failed."""

    case: Case
    student: Mapping[str, Observed]  # empty when the code raised
    reference: Mapping[str, Observed]  # empty for cases not compared with the reference
    stage: str  # raised | type | shape | dtype | device | layout | nonfinite | values | property
    key: str = "out"  # the observation (or property) that failed first
    raised: str = ""  # "ValueError: ..." when the code under test raised
    extra: Mapping[str, Any] = field(default_factory=dict)

    def student_value(self, key: str | None = None) -> torch.Tensor | None:
        """The student's observation ``key`` (default: the failing one) as float64, if it is data."""
        return _data(self.student.get(key or self.key))

    def reference_value(self, key: str | None = None) -> torch.Tensor | None:
        return _data(self.reference.get(key or self.key))

    def seen(self, name: str) -> Any:
        """Input ``name`` as the student received it, in float64."""
        return self.case.seen(name)


def _data(observed: Observed | None) -> torch.Tensor | None:
    if observed is None or not observed.is_array or observed.data is None:
        return None
    if observed.data.is_complex():
        return None
    return observed.data.double()


@dataclass(frozen=True)
class Hint:
    """Advice shown when ``applies(evidence)`` is true."""

    text: str
    applies: Callable[[Evidence], bool]


def first_hint(hints: Iterable[Hint], evidence: Evidence) -> str | None:
    """The text of the first hint that applies, or None."""
    for hint in hints:
        try:
            if hint.applies(evidence):
                return hint.text
        except ReferenceUnavailable:
            continue
        except Exception:
            if os.environ.get(STRICT_VARIABLE) == "1":
                raise
    return None


def reference(module: str, name: str) -> Callable[..., Any]:
    """The hidden reference ``ml4p_ref.<module>.<name>``, imported at its first call.

    Hints run in the parent only; importing lazily keeps the reference out of the worker, which
    loads the exercise definitions before it runs student code.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        if not reference_installed():
            raise ReferenceUnavailable(f"ml4p_ref.{module}.{name}")
        return getattr(importlib.import_module(f"ml4p_ref.{module}"), name)(*args, **kwargs)

    return call


class ReferenceUnavailable(Exception):
    """A hint asked for the hidden reference where it is not installed."""


# ----------------------------------------------------------------------------------------- matching
def near(yours: Any, expected: Any, rtol: float = 1e-4) -> bool:
    """Equal up to ``rtol`` of the largest entry of ``expected``; shapes and non-finite entries must
    agree. For recognising a mistake, not for grading."""
    if yours is None or expected is None:
        return False
    yours, expected = torch.as_tensor(yours).double(), torch.as_tensor(expected).double()
    if yours.shape != expected.shape:
        return False
    finite = expected.isfinite()
    same_special = (yours == expected) | (yours.isnan() & expected.isnan())
    if not bool(torch.where(finite, yours.isfinite(), same_special).all()):
        return False
    if not bool(finite.any()):
        return True
    scale = max(float(expected[finite].abs().max()), 1e-30)
    return bool(((yours[finite] - expected[finite]).abs() <= rtol * scale).all())


def explained_by(
    variant: Callable[[Evidence], Any], key: str | None = None, rtol: float = 1e-4
) -> Callable[[Evidence], bool]:
    """Applies when the student's ``key`` matches ``variant(evidence)`` and the right value does not.

    The right value is the reference's observation ``key``; for cases not compared with the reference
    a variant may compare against any value it likes by returning ``(mistake, right)``.
    """

    def applies(evidence: Evidence) -> bool:
        mistake = variant(evidence)
        right = evidence.reference_value(key)
        if isinstance(mistake, tuple):
            mistake, right = mistake
        if mistake is None:
            return False
        yours = evidence.student_value(key)
        return near(yours, mistake, rtol) and not near(right, mistake, rtol)

    return applies


def scaled(factor: Callable[[Evidence], float] | float, key: str | None = None):
    """Applies when the student's ``key`` is ``factor`` times the reference's (``factor`` != 1)."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        value = factor(evidence) if callable(factor) else factor
        reference = evidence.reference_value(key)
        return None if reference is None or value == 1 else value * reference

    return explained_by(variant, key)


def at_stage(*stages: str) -> Callable[[Evidence], bool]:
    """Applies when the check failed at one of ``stages`` (e.g. "nonfinite", "raised")."""
    return lambda evidence: evidence.stage in stages


def raised(*names: str) -> Callable[[Evidence], bool]:
    """Applies when the code raised one of the exception types ``names``."""
    return lambda evidence: evidence.raised.split(":", 1)[0] in names


def in_group(*groups: str) -> Callable[[Evidence], bool]:
    return lambda evidence: evidence.case.group in groups


def failed_on(*keys: str) -> Callable[[Evidence], bool]:
    """Applies when the first failing observation (or property) is one of ``keys``."""
    return lambda evidence: evidence.key in keys


def all_of(*predicates: Callable[[Evidence], bool]) -> Callable[[Evidence], bool]:
    return lambda evidence: all(predicate(evidence) for predicate in predicates)


def any_of(*predicates: Callable[[Evidence], bool]) -> Callable[[Evidence], bool]:
    return lambda evidence: any(predicate(evidence) for predicate in predicates)
