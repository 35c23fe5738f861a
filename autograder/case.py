"""Cases: the named, seeded inputs an exercise is graded on.

A case holds float64 master inputs drawn on the CPU from a seeded generator. Before a run they are
cast to the case's dtype (what the student sees); the reference sees the same values cast back to
float64 on the CPU, so any difference comes from the student's arithmetic, never from the inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

DTYPE_NAMES = {torch.float16: "float16", torch.float32: "float32", torch.float64: "float64"}


@dataclass(frozen=True)
class Property:
    """A property of the student's observations checked without the reference.

    ``check(observed, case)`` receives the decoded observations of one case and returns ``None`` when
    the property holds, otherwise a message that says what is wrong.
    """

    name: str
    check: Callable[[Mapping[str, Any], Case], str | None]


@dataclass(frozen=True)
class Case:
    """One named input to an exercise.

    ``args`` are passed positionally and ``kwargs`` by keyword (for exercises with a custom probe,
    both are just named inputs). Floating tensors are cast to ``dtype``; ints, bools and Python
    numbers are passed as they are.
    """

    label: str
    args: Mapping[str, Any] = field(default_factory=dict)
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    dtype: torch.dtype = torch.float64
    device: str = "cpu"
    tolerance: str = "reduction"
    grad: tuple[str, ...] = ()  # inputs to differentiate the output with respect to
    weight: float = 1.0
    compare: bool = True  # compare with the reference; False: properties only
    properties: tuple[Property, ...] = ()
    hint: str | None = None
    numpy: bool = False  # inputs are handed over as float64 numpy arrays

    @property
    def name(self) -> str:
        parts = [self.label]
        if not self.numpy:
            parts.append(DTYPE_NAMES[self.dtype])
        if self.device != "cpu":
            parts.append(self.device)
        return ", ".join(parts)

    @property
    def test_id(self) -> str:
        return self.name.replace(", ", "-")

    def on(self, device: str) -> Case:
        return replace(self, device=device)

    def inputs(self) -> dict[str, Any]:
        return {**self.args, **self.kwargs}


def in_dtypes(
    make: Callable[[torch.dtype], Case],
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.float64),
) -> list[Case]:
    """The same case once per dtype."""
    return [make(dtype) for dtype in dtypes]


def cast_inputs(
    inputs: Mapping[str, Any], dtype: torch.dtype, device: str, as_numpy: bool = False
) -> dict[str, Any]:
    """Fresh copies of the inputs, floating tensors cast to ``dtype`` and moved to ``device``."""
    return {name: _cast(value, dtype, device, as_numpy) for name, value in inputs.items()}


def _cast(value: Any, dtype: torch.dtype, device: str, as_numpy: bool) -> Any:
    if isinstance(value, torch.Tensor):
        copy = value.to(dtype) if value.is_floating_point() else value
        copy = copy.to(device).clone()
        return copy.numpy() if as_numpy else copy
    if isinstance(value, dict):
        return {key: _cast(item, dtype, device, as_numpy) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(item, dtype, device, as_numpy) for item in value)
    return value


def reference_inputs(case: Case) -> dict[str, Any]:
    """What the reference sees: the student's values, cast back to float64 on the CPU."""
    as_student = cast_inputs(case.inputs(), case.dtype, "cpu")
    return cast_inputs(as_student, torch.float64, "cpu", as_numpy=case.numpy)


def case_seed(seed: int, exercise_id: str) -> int:
    """A per-exercise seed, so that adding an exercise never changes another one's cases."""
    digest = hashlib.sha256(f"{seed}:{exercise_id}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & (2**63 - 1)


class CaseRng:
    """Seeded float64 draws on the CPU for building cases."""

    def __init__(self, seed: int):
        self.generator = torch.Generator().manual_seed(seed)
        self.numpy = np.random.default_rng(seed)

    def normal(self, *shape: int, scale: float = 1.0) -> torch.Tensor:
        return scale * torch.randn(shape, generator=self.generator, dtype=torch.float64)

    def uniform(self, *shape: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
        unit = torch.rand(shape, generator=self.generator, dtype=torch.float64)
        return low + (high - low) * unit

    def integers(self, high: int, *shape: int) -> torch.Tensor:
        return torch.randint(high, shape, generator=self.generator)

    def choice(self, low: int, high: int) -> int:
        """A random integer in ``[low, high]``."""
        return int(torch.randint(low, high + 1, (), generator=self.generator))
