"""Plain data: how values cross from the worker to the trusted parent.

The worker describes whatever the student's code returned as nested dicts and lists of str, int, float,
bool and plain CPU tensors (``encode``), serialised by ``dumps``. The parent reads them back with
``loads``, which refuses every other kind of object, and turns the description into an ``Observed``
value (``decode``). No student object is ever unpickled in the parent.

``dumps`` is a pickle in which each tensor is a persistent id made of plain values only (dtype name,
size, stride, storage offset, requires_grad and the bytes of its storage); ``loads`` unpickles with an
unpickler that refuses every global (no class or function can be named, so no object other than
str, bytes, numbers, None, tuples, lists, sets and dicts can be built); each tensor stays a
checked tuple until the whole message is read (pickle's BUILD cannot reach a tensor), then is
rebuilt from its bytes on a storage of its own.
Both run at C speed: ``torch.save`` with ``torch.load(weights_only=True)`` took ten times as long for
the small messages of a case.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

MAX_PAYLOAD_ELEMENTS = 4_000_000
"""Tensors larger than this cross back with their metadata only (shape, dtype, device, layout)."""

DETACHED = "autograd:detached"
"""Marker a probe stores in place of a gradient when the output is not connected to the graph."""


def dumps(message: dict[str, Any]) -> bytes:
    """``message`` as bytes for ``loads`` (objects other than plain data and tensors are written
    too, but ``loads`` refuses them)."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
    return buffer.getvalue()


def loads(payload: bytes) -> dict[str, Any]:
    """What ``dumps`` wrote; an error (``pickle.UnpicklingError`` mostly) for anything but plain
    data and tensors."""
    return _with_tensors(_Unpickler(io.BytesIO(payload)).load())


class _Pickler(pickle.Pickler):
    """Writes each tensor as a persistent id of plain values (``_tensor_id``)."""

    def persistent_id(self, obj: Any) -> tuple | None:
        return _tensor_id(obj) if type(obj) is torch.Tensor else None


class _Unpickler(pickle.Unpickler):
    """Builds nothing but plain data, and tensors from their persistent ids."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")

    def persistent_load(self, pid: Any) -> _TensorId:
        _check_tensor_id(pid)
        return _TensorId(pid)


class _TensorId(tuple):
    """A checked tensor id, made a tensor only once the whole message is read: while it is read,
    pickle's BUILD may be applied to what a persistent id gave, and this tuple has nothing BUILD
    can set (no ``__setstate__``, no ``__dict__``), where a tensor's ``__setstate__`` would let the
    message change it."""

    __slots__ = ()


def _with_tensors(value: Any) -> Any:
    """``value`` with every ``_TensorId`` in its dicts, lists and tuples made a tensor."""
    kind = type(value)
    if kind is _TensorId:
        return _tensor_from_id(value)
    if kind is dict:
        return {key: _with_tensors(item) for key, item in value.items()}
    if kind in (list, tuple):
        return kind(_with_tensors(item) for item in value)
    return value


_DTYPES = {name: dtype for name, dtype in vars(torch).items() if isinstance(dtype, torch.dtype)}


def _tensor_id(tensor: torch.Tensor) -> tuple:
    """(dtype, size, stride, storage offset, requires_grad, storage bytes) of a dense CPU tensor,
    kept as ``torch.save`` keeps them (a view keeps its strides and its whole storage)."""
    if tensor.device.type != "cpu" or tensor.layout != torch.strided or tensor.is_quantized:
        raise pickle.PicklingError(
            f"only dense CPU tensors cross as plain data, not {tensor.type()}"
        )
    tensor = tensor.resolve_conj().resolve_neg()
    storage = torch.empty(0, dtype=torch.uint8).set_(tensor.untyped_storage())
    return (
        str(tensor.dtype).removeprefix("torch."),
        tuple(tensor.size()),
        tuple(tensor.stride()),
        tensor.storage_offset(),
        tensor.requires_grad,
        storage.numpy().tobytes(),
    )


def _check_tensor_id(pid: Any) -> None:
    """``UnpicklingError`` unless ``pid`` is a well-formed tensor id whose tensor fits in its
    storage bytes (so that reading it never allocates more than the message holds)."""
    if type(pid) is not tuple or len(pid) != 6:
        raise pickle.UnpicklingError("malformed tensor")
    dtype, size, stride, offset, requires_grad, data = pid
    if dtype not in _DTYPES or type(data) is not bytes or type(requires_grad) is not bool:
        raise pickle.UnpicklingError("malformed tensor")
    if _storage_bytes(size, stride, offset, _DTYPES[dtype].itemsize) > len(data):
        raise pickle.UnpicklingError("tensor larger than its storage")


def _tensor_from_id(pid: _TensorId) -> torch.Tensor:
    """The tensor of a checked id: on a storage that holds the id's bytes (at least one byte,
    ``frombuffer``'s minimum)."""
    dtype, size, stride, offset, requires_grad, data = pid
    storage = torch.frombuffer(bytearray(data or b"\0"), dtype=torch.uint8).untyped_storage()
    tensor = torch.empty(0, dtype=_DTYPES[dtype]).set_(storage, offset, size, stride)
    return tensor.requires_grad_(True) if requires_grad else tensor


def _storage_bytes(size: Any, stride: Any, offset: Any, itemsize: int) -> int:
    """Bytes of storage a tensor of this layout reads (``UnpicklingError`` when malformed)."""
    numbers = (*size, *stride, offset) if type(size) is type(stride) is tuple else (None,)
    if len(size) != len(stride) or any(type(n) is not int or n < 0 for n in numbers):
        raise pickle.UnpicklingError("malformed tensor")
    if 0 in size:
        return 0
    return (
        offset + sum((n - 1) * step for n, step in zip(size, stride, strict=True)) + 1
    ) * itemsize


# ----------------------------------------------------------------------------------------- worker side
def encode(value: Any, on_device: Collection[int] = (), device: str = "") -> dict[str, Any]:
    """Describe ``value`` as plain data (runs in the worker, on untrusted values); the tensors
    whose ids are in ``on_device`` are described as on ``device`` (an emulated one)."""
    if isinstance(value, str) and value == DETACHED:
        return {"kind": "detached", "type": "detached"}
    value_type = type(value)
    if value_type is torch.Tensor or value_type is torch.nn.Parameter:
        return _encode_tensor(value, device if id(value) in on_device else "")
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
            "items": [encode(v, on_device, device) for v in value],
        }
    if value_type is dict and all(type(k) is str for k in value):
        return {
            "kind": "mapping",
            "type": "dict",
            "items": {k: encode(v, on_device, device) for k, v in value.items()},
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


def _encode_tensor(tensor: torch.Tensor, device: str = "") -> dict[str, Any]:
    description = {
        "kind": "tensor",
        "type": "torch.Tensor",
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "device": device or tensor.device.type,
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
