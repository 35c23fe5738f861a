"""What the grader knows about one exercise: where it lives, its cases and probe, how its checks are
weighted, what is forbidden and which hints it gives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograder.case import Case, CaseRng
from autograder.hints import Hint

Probe = Callable[[Any, dict[str, Any], "ProbeContext"], dict[str, Any]]  # noqa: F821
"""``probe(impl, inputs, ctx) -> observations``: runs the implementation on one case.

The same probe runs the student's code in the worker and the reference in the parent, so both are
observed in exactly the same way. ``impl`` is the function or class under test."""


@dataclass(frozen=True)
class Exercise:
    """An exercise: ``module.name`` in a submission, graded on ``cases`` against ``reference``.

    ``groups`` weighs the property groups of its checks (relative weights: "values" for ordinary
    inputs, and e.g. "stability", "edge cases", "gradients", "properties", "devices"); every group a
    check uses must be listed. Groups other than "values" score only when every "values" check
    passes. ``lesson`` names the mistake the exercise exists to teach: the implementation that makes
    it keeps at most half of the points (``tests/known_wrong`` holds it).
    """

    module: str  # week module, e.g. "week01_practices"
    name: str  # function or class name, e.g. "softmax"
    points: float
    cases: Callable[[CaseRng], list[Case]]
    probe: Probe
    groups: Mapping[str, float] = field(default_factory=lambda: {"values": 1.0})
    lesson: str = ""
    forbidden: tuple[str, ...] = ()  # dotted names; "torch" alone forbids every torch call
    forbidden_ops: tuple[str, ...] = ()  # ATen operators, e.g. "aten._softmax", whatever the name
    hints: tuple[Hint, ...] = ()
    timeout: float = 20.0  # CPU seconds for all cases together (wall clock: twice that plus 10 s)
    devices: tuple[str, ...] = ("cpu", "cuda")  # devices the exercise runs on when available
    # draws a failure (``ml4p grade --plots``): picture(figure, case, key, yours, expected) -> bool
    picture: Callable[..., None] | None = None

    @property
    def id(self) -> str:
        return f"{self.module}.{self.name}"

    def reference(self) -> Any:
        """The hidden reference implementation (imported only in the trusted parent)."""
        import importlib

        return getattr(importlib.import_module(f"ml4p_ref.{self.module}"), self.name)
