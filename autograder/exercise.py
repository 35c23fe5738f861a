"""What the grader knows about one exercise: where it lives, how to probe it, what is forbidden."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autograder.case import Case, CaseRng

Probe = Callable[[Any, dict[str, Any], "ProbeContext"], dict[str, Any]]  # noqa: F821
"""``probe(impl, inputs, ctx) -> observations``: runs the implementation on one case.

The same probe runs the student's code in the worker and the reference in the parent, so both are
observed in exactly the same way. ``impl`` is the function or class under test."""


@dataclass(frozen=True)
class Hint:
    """A one-line hint for a classic mistake, shown when ``applies(student, reference, case)``."""

    text: str
    applies: Callable[[Mapping[str, Any], Mapping[str, Any], Case], bool]


@dataclass(frozen=True)
class Exercise:
    """An exercise: ``module.name`` in a submission, graded on ``cases`` against ``reference``."""

    module: str  # week module, e.g. "week01_practices"
    name: str  # function or class name, e.g. "softmax"
    points: float
    cases: Callable[[CaseRng], list[Case]]
    probe: Probe
    forbidden: tuple[str, ...] = ()  # dotted names; "torch" alone forbids every torch call
    hints: tuple[Hint, ...] = ()
    timeout: float = 20.0  # seconds of wall clock for all cases together
    devices: tuple[str, ...] = ("cpu", "cuda")  # devices the exercise runs on when available

    @property
    def id(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def week(self) -> str:
        return self.module.split("_", 1)[0]

    def reference(self) -> Any:
        """The hidden reference implementation (imported only in the trusted parent)."""
        import importlib

        return getattr(importlib.import_module(f"ml4p_ref.{self.module}"), self.name)
