"""Plain data: how values cross from the worker to the trusted parent.

The worker describes whatever the student's code returned as nested dicts and lists of str, int, float,
bool and plain CPU tensors (``encode``), serialised with ``torch.save``. The parent reads them back with
``torch.load(weights_only=True)`` (``loads``), which refuses every other kind of object, and turns the
description into an ``Observed`` value (``decode``). No student object is ever unpickled in the parent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

MAX_PAYLOAD_ELEMENTS = 4_000_000
"""Tensors larger than this cross back with their metadata only (shape, dtype, device, layout)."""

DETACHED = "autograd:detached"
"""Marker a probe stores in place of a gradient when the output is not connected to the graph."""


def dumps(message: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    torch.save(message, buffer)
    return buffer.getvalue()


def loads(payload: bytes) -> dict[str, Any]:
    return torch.load(io.BytesIO(payload), weights_only=True)


# ----------------------------------------------------------------------------------------- worker side
def encode(value: Any) -> dict[str, Any]:
    """Describe ``value`` as plain data (runs in the worker, on untrusted values)."""
    if isinstance(value, str) and value == DETACHED:
        return {"kind": "detached", "type": "detached"}
    value_type = type(value)
    if value_type is torch.Tensor or value_type is torch.nn.Parameter:
        return _encode_tensor(value)
    if value_type is np.ndarray:
        return _encode_ndarray(value)
    if value is None:
        return {"kind": "none", "type": "NoneType"}
    if value_type in (bool, np.bool_):
        return {"kind": "scalar", "type": value_type.__name__, "value": float(bool(value))}
    if value_type in (int, float) or isinstance(value, (np.integer, np.floating)):
        return {"kind": "scalar", "type": value_type.__name__, "value": float(value)}
    if value_type in (tuple, list):
        return {
            "kind": "sequence",
            "type": value_type.__name__,
            "items": [encode(v) for v in value],
        }
    if value_type is dict and all(type(k) is str for k in value):
        return {
            "kind": "mapping",
            "type": "dict",
            "items": {k: encode(v) for k, v in value.items()},
        }
    return {"kind": "other", "type": f"{value_type.__module__}.{value_type.__qualname__}"}


COMPRESSED_INDICES = {
    torch.sparse_csr: ("crow_indices", "col_indices"),
    torch.sparse_csc: ("ccol_indices", "row_indices"),
    torch.sparse_bsr: ("crow_indices", "col_indices"),
    torch.sparse_bsc: ("ccol_indices", "row_indices"),
}


def validate_sparse(tensor: torch.Tensor, what: str = "the tensor") -> None:
    """Raise ValueError, describing ``tensor``, when it is sparse and breaks torch's invariants
    (indices outside its shape: torch checks them only where it is built with
    ``check_invariants=True``, and reading such a tensor fails or reads out of bounds)."""
    layout = str(tensor.layout).removeprefix("torch.")
    try:
        if tensor.layout == torch.sparse_coo:
            torch._validate_sparse_coo_tensor_args(
                tensor._indices(), tensor._values(), tensor.shape
            )
        elif tensor.layout in COMPRESSED_INDICES:
            compressed, plain = (
                getattr(tensor, name)() for name in COMPRESSED_INDICES[tensor.layout]
            )
            torch._validate_sparse_compressed_tensor_args(
                compressed, plain, tensor.values(), tensor.shape, tensor.layout
            )
        elif tensor.layout != torch.strided:
            raise ValueError(f"{what} has layout {layout}, which the grader cannot read")
    except RuntimeError as error:
        raise ValueError(
            f"{what} is an invalid {layout} tensor of shape {list(tensor.shape)} "
            f"({str(error).strip()}); torch checks its indices only where it is built with "
            "check_invariants=True"
        ) from None


def _encode_tensor(tensor: torch.Tensor) -> dict[str, Any]:
    description = {
        "kind": "tensor",
        "type": "torch.Tensor",
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "device": tensor.device.type,
        "layout": str(tensor.layout).removeprefix("torch."),
        "shape": list(tensor.shape),
        "requires_grad": bool(tensor.requires_grad),
    }
    if tensor.numel() <= MAX_PAYLOAD_ELEMENTS:
        data = tensor.detach()
        if data.layout != torch.strided:
            validate_sparse(data, "a sparse tensor your code returned")
            data = data.to_dense()
        description["data"] = data.cpu().clone().contiguous()
    return description


def _encode_ndarray(array: np.ndarray) -> dict[str, Any]:
    description = {
        "kind": "ndarray",
        "type": "numpy.ndarray",
        "dtype": str(array.dtype),
        "device": "cpu",
        "layout": "strided",
        "shape": list(array.shape),
        "requires_grad": False,
    }
    if array.dtype.kind in "biuf" and array.size <= MAX_PAYLOAD_ELEMENTS:
        description["data"] = torch.from_numpy(np.array(array, copy=True))
    return description


# ----------------------------------------------------------------------------------------- parent side
@dataclass
class Observed:
    """One value the code under test produced, as seen by the parent."""

    kind: str  # tensor | ndarray | scalar | sequence | mapping | none | detached | other
    type_name: str
    dtype: str | None = None
    device: str | None = None
    layout: str | None = None
    shape: tuple[int, ...] | None = None
    data: torch.Tensor | None = None
    items: list[Observed] | dict[str, Observed] = field(default_factory=list)

    @property
    def is_array(self) -> bool:
        return self.kind in ("tensor", "ndarray", "scalar")

    def describe(self) -> str:
        if self.kind in ("tensor", "ndarray"):
            return f"{self.type_name} of shape {list(self.shape or ())}, {self.dtype}"
        if self.kind == "sequence":
            return f"{self.type_name} of length {len(self.items)}"
        return self.type_name


def decode(description: dict[str, Any]) -> Observed:
    kind = description["kind"]
    if kind == "sequence":
        items = [decode(item) for item in description["items"]]
        return Observed(kind, description["type"], items=items)
    if kind == "mapping":
        items = {key: decode(item) for key, item in description["items"].items()}
        return Observed(kind, description["type"], items=items)
    if kind == "scalar":
        data = torch.tensor(description["value"], dtype=torch.float64)
        return Observed(kind, description["type"], dtype="float64", shape=(), data=data)
    if kind in ("tensor", "ndarray"):
        data = description.get("data")
        if data is not None and type(data) is not torch.Tensor:
            data = None
        return Observed(
            kind,
            description["type"],
            dtype=description["dtype"],
            device=description["device"],
            layout=description["layout"],
            shape=tuple(description["shape"]),
            data=data,
        )
    return Observed(kind, description["type"])


def observe(value: Any) -> Observed:
    """Encode and decode in one go: how the parent sees values it computed itself (the reference)."""
    return decode(encode(value))
