"""Cases: the named, seeded inputs an exercise is graded on.

An exercise declares each case once: its inputs, drawn once as float64 tensors on the CPU, the
property group it belongs to and the dtypes it runs in. The engine expands it into one concrete case
per dtype and device (``Case.expand``). Before a run the inputs are cast to the concrete case's dtype
and moved to its device (what the student sees); the reference sees the same values cast back to
float64 on the CPU, so any difference comes from the student's arithmetic, never from the inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from autograder.tolerance import Tolerance, tolerance_for

if TYPE_CHECKING:
    from autograder.plain import Observed

EMULATED_GPU = "emulated GPU"
"""A case's device when it runs on the GPU emulated on the CPU (``autograder.emulated_gpu``)."""

DTYPE_NAMES = {torch.float16: "float16", torch.float32: "float32", torch.float64: "float64"}
BOTH = (torch.float32, torch.float64)
"""The dtypes most torch cases run in."""


@dataclass(frozen=True)
class Property:
    """A property of the student's observations checked without the reference (its own check).

    ``check(observed, case)`` receives the decoded observations of one case and returns ``None`` when
    the property holds, otherwise a message that says what is wrong.
    """

    name: str
    check: Callable[[Mapping[str, Observed], Case], str | None]
    group: str = "properties"


class Unfit(Exception):
    """Raised by a property that finds an observation missing or malformed; its text is the message."""


def observed_array(
    observed: Mapping[str, Observed], key: str, shape: tuple[int, ...] | None = None
) -> torch.Tensor:
    """Observation ``key`` as a float64 tensor (of ``shape``, when given), or ``Unfit``."""
    item = observed.get(key)
    if item is None or not item.is_array or item.data is None or item.data.is_complex():
        got = "nothing" if item is None else item.describe()
        raise Unfit(f"{key}: expected a real tensor, got {got}")
    data = item.data.double()
    if shape is not None and tuple(data.shape) != tuple(shape):
        raise Unfit(f"{key}: expected shape {list(shape)}, got {list(data.shape)}")
    return data


@dataclass(frozen=True)
class Case:
    """One named input to an exercise, as declared (several dtypes) or expanded (one dtype, a device).

    ``inputs`` are the named values the exercise's probe receives; floating tensors among them are
    cast to the case's dtype, ints, bools and Python numbers are passed as they are. The case's values
    check belongs to ``group``; its gradients (w.r.t. the inputs named in ``grad``) are a check of the
    "gradients" group and each of its ``properties`` a check of the property's own group.
    ``compare=False``: no comparison with the reference, only the properties. ``scale``: the size of
    the terms the outputs are computed from, a floor under the comparison's scale where an output can
    be much smaller than they are by cancellation (a mean of terms of order one that nearly cancel).
    """

    label: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    group: str = "values"
    dtypes: tuple[torch.dtype, ...] = (torch.float64,)
    device: str = "cpu"
    tolerance: str = "reduction"
    grad: tuple[str, ...] = ()
    weight: float = 1.0
    compare: bool = True
    properties: tuple[Property, ...] = ()
    numpy: bool = False  # inputs are handed over as float64 numpy arrays
    primary: bool = True  # False on a second device: every check then belongs to "devices"
    scale: float = 0.0

    @property
    def dtype(self) -> torch.dtype:
        """The dtype of an expanded case."""
        if len(self.dtypes) != 1:
            raise ValueError(f"case {self.label!r} runs in several dtypes: expand it first")
        return self.dtypes[0]

    @property
    def name(self) -> str:
        """``label, float32`` (plus the device when it is not the CPU)."""
        parts = [self.label]
        if not self.numpy:
            parts.append(DTYPE_NAMES[self.dtype])
        if self.device != "cpu":
            parts.append(self.device)
        return ", ".join(parts)

    def expand(self, devices: tuple[str, ...] = ("cpu",)) -> list[Case]:
        """One case per device and dtype (numpy cases run on the CPU only)."""
        devices = ("cpu",) if self.numpy else devices
        return [
            replace(self, dtypes=(dtype,), device=device, primary=device == devices[0])
            for device in devices
            for dtype in self.dtypes
        ]

    def tolerance_of(self, kind: str | None = None) -> Tolerance:
        """The tolerance of ``kind`` (default: the case's own) in this case's dtype and device
        (the emulated GPU computes on the CPU)."""
        dtype = str(self.dtype).removeprefix("torch.")
        device = "cpu" if self.device == EMULATED_GPU else self.device
        return tolerance_for(kind or self.tolerance, dtype, device)

    def on(self, device: str) -> Case:
        return replace(self, device=device)

    def on_emulated_gpu(self) -> Case:
        """This case again, on the emulated GPU: its checks belong to the "devices" group."""
        return replace(self, device=EMULATED_GPU, primary=False)

    def seen(self, name: str) -> Any:
        """Input ``name`` as the student received it (cast to the case's dtype), in float64."""
        return _cast(
            _cast(self.inputs[name], self.dtype, "cpu", False), torch.float64, "cpu", False
        )


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
    as_student = cast_inputs(case.inputs, case.dtype, "cpu")
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
