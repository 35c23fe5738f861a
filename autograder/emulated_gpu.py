"""A GPU emulated on the CPU: does the code follow its input's device and dtype?

On a CPU-only machine every tensor is on the CPU, so code that makes a tensor without
``device=x.device``, or copies its input to numpy and back, passes every check, then fails on the
student's first GPU run. Here a case's inputs are moved to an emulated device instead. Each is an
``OnDevice`` tensor: ``x.device`` is torch's ``meta`` device type (so ``device=x.device``,
``x.new_zeros``, ``torch.zeros_like(x)`` and ``.to(x.device)`` follow it), while its values live
in an ordinary CPU tensor (``host``) on which every operation is computed, in the same order and
precision as on the CPU. Each operation applies CUDA's placement rule: the tensors it meets are all
on the device, except zero-dimensional CPU tensors (Python-scalar-like) and CPU index tensors in
indexing.

``emulated(student_file)`` switches the emulation on around a probe and collects what the code
under test did that works on the CPU but not on a GPU or not in float64 (``Finding``):

- an operation meets a tensor made on the CPU: raises ``DeviceError``, as CUDA would;
- ``.numpy()`` (or ``np.asarray``) of a device tensor: raises ``TypeError``, as CUDA would;
- ``.cpu()`` or ``.to("cpu")`` of a device tensor: a silent copy to the host (noted);
- a float32 tensor made from values float32 cannot hold (``torch.tensor([0.1])``,
  ``torch.linspace``) meets float64 values (noted);
- an operation turns float64 values into float32 (noted).

Only what the code under test does counts: an operation counts when the student's file is on the
stack and the innermost frame outside torch is not the grader's (a trusted net it was given).
"""

from __future__ import annotations

import contextlib
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

from autograder import forbidden
from autograder.forbidden import called_by_grader, student_line

DEVICE = torch.device("meta")
"""What ``x.device`` is for an emulated device tensor."""

FIX = "make it on the input's device: device=x.device, x.new_zeros(...) or torch.zeros_like(x)"
DTYPE_FIX = "make it in the input's dtype: dtype=x.dtype, x.new_tensor(...) or x.new_zeros(...)"
HOST_COPY = (
    "copies a GPU tensor to the CPU (.cpu(), .to('cpu')): a device-to-host copy on every call, "
    "and what follows runs on the CPU; keep the computation on the input's device"
)
_aten = torch.ops.aten
_INDEXING = {_aten.index.Tensor, _aten.index_put.default, _aten.index_put_.default}
_INDEXING |= {_aten._index_put_impl_.default, _aten._unsafe_index.Tensor}
_COPIES = {_aten.copy_.default, _aten._to_copy.default}  # cross-device copies are legal
_VALUE_FACTORIES = {
    torch.tensor,
    torch.as_tensor,
    torch.full,
    torch.linspace,
    torch.logspace,
    torch.arange,
}
_PRECISION = {torch.float16: 0, torch.bfloat16: 0, torch.float32: 1, torch.float64: 2}


class DeviceError(RuntimeError):
    """What CUDA raises where one operation meets tensors on two devices."""


@dataclass(frozen=True)
class Finding:
    """Something the code did that a GPU or float64 would punish: ``text`` says what and how to fix."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}" if self.line else self.text


class OnDevice(torch.Tensor):
    """A tensor on the emulated device: reports ``DEVICE``, computes on ``host`` (a CPU tensor)."""

    host: torch.Tensor

    @staticmethod
    def __new__(cls, host: torch.Tensor, requires_grad: bool = False) -> OnDevice:
        strided = host.layout == torch.strided
        tensor = torch.Tensor._make_wrapper_subclass(
            cls,
            host.shape,
            strides=host.stride() if strided else None,
            storage_offset=host.storage_offset() if strided else None,
            dtype=host.dtype,
            layout=host.layout,
            device=DEVICE,
            requires_grad=requires_grad,
            dispatch_layout=not strided,  # torch asks ``prim.layout`` of a sparse compressed one
        )
        tensor.host = host
        return tensor

    __torch_function__ = torch._C._disabled_torch_function_impl

    def __repr__(self) -> str:
        return f"OnDevice({self.host!r})"

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.ops.prim.layout.default:
            return args[0].host.layout
        flat, _ = tree_flatten((args, kwargs))
        _check_placement(func, args, flat)
        _check_precision(func, flat)
        result = func(*tree_map(host_of, args), **_on_host(tree_map(host_of, kwargs)))
        if func is _aten._to_copy.default and kwargs.get("device") is not None:
            if not _to_device(kwargs["device"]):
                return result  # to the CPU
        if func._schema.is_mutable:
            return args[0]  # in place: args[0] already stands for the changed tensor
        return tree_map(_wrap, result)


DISTRIBUTED = "torch.distributed.tensor"


def warm_up() -> None:
    """Run one operation on the emulated device, in the process workers are forked from.

    On the first operation of any tensor subclass, torch looks up its distributed tensor class
    (``torch.distributed.tensor.DTensor``, whose operations it sends another way), importing that
    package and sympy with it: 0.7 s, which every worker would pay again. No exercise uses
    distributed tensors: a placeholder module answers that one lookup, and is gone afterwards
    (the real package can still be imported)."""
    placeholder = DISTRIBUTED not in sys.modules
    if placeholder:
        sys.modules[DISTRIBUTED] = types.ModuleType(DISTRIBUTED)
        sys.modules[DISTRIBUTED].DTensor = type("NotADistributedTensor", (), {})
    try:
        OnDevice(torch.zeros(1)).add_(1)
    finally:
        if placeholder:
            del sys.modules[DISTRIBUTED]


def to_device(value: Any) -> Any:
    """``value`` with every tensor in it (dicts, lists, tuples) moved to the emulated device."""
    return tree_map(_wrap, value)


def host_of(value: Any) -> Any:
    """The CPU tensor that holds a device tensor's values (anything else itself)."""
    return value.host if isinstance(value, OnDevice) else value


def to_host(value: Any) -> tuple[Any, set[int]]:
    """``value`` with every device tensor replaced by its host tensor, and the ids of those host
    tensors (what was on the device); only called by the grader, after the code under test ran."""
    on_device: set[int] = set()

    def lower(item: Any) -> Any:
        if isinstance(item, OnDevice):
            host = item.host.detach().requires_grad_(item.requires_grad)
            on_device.add(id(host))
            return host
        return item

    return tree_map(lower, value), on_device


@contextlib.contextmanager
def emulated(student_file: str) -> Iterator[list[Finding]]:
    """Emulate the device around the block; yields the list the findings are appended to."""
    global _session
    findings: list[Finding] = []
    outer, _session = _session, _Session(student_file, findings)
    try:
        with _DeviceFactories(), _Creations():
            yield findings
    finally:
        _session = outer


@dataclass
class _Session:
    student_file: str
    findings: list[Finding]

    def note(self, text: str, at_line: bool = True) -> None:
        """Record ``text`` when the code under test did it (first finding of each text only),
        after the line that did it unless ``at_line`` is false (the text names its line)."""
        frame = sys._getframe(1)
        line = student_line(frame, self.student_file)
        if line and not called_by_grader(frame, WATCHES):
            finding = Finding(line if at_line else 0, text)
            if finding not in self.findings:
                self.findings.append(finding)


_session: _Session | None = None
WATCHES = (forbidden.THIS_FILE, __file__)  # files of the code watching a call, never the caller


# ----------------------------------------------------------------------------- placement and dtype
def _check_placement(func, args, flat: list) -> None:
    """Raise ``DeviceError`` where CUDA would: a device tensor meets a CPU tensor of one or more
    dimensions (CPU index tensors may index a device tensor; copies may cross devices)."""
    if func in _COPIES or not any(isinstance(item, OnDevice) for item in flat):
        return
    if func in _INDEXING and isinstance(args[0], OnDevice):
        flat = [args[0]] + tree_flatten(args[2:])[0]  # indices (args[1]) may stay on the CPU
    for item in flat:
        if isinstance(item, torch.Tensor) and not isinstance(item, OnDevice):
            if item.device.type == "meta":
                raise DeviceError(
                    f"the emulated GPU cannot run {_op_name(func)} here (it met a tensor without "
                    "values): a limit of the grader's emulation, not necessarily of your code; "
                    "tell your TA"
                )
            if item.dim() > 0 or item.layout != torch.strided:
                raise DeviceError(_mixed_message(func, item))


def _mixed_message(func, item: torch.Tensor) -> str:
    made = getattr(item, "_ml4p_made", None) or "a tensor"
    return (
        f"on a GPU this fails: {_op_name(func)} meets the input's device and {made}, on the CPU "
        f"(shape {list(item.shape)}); {FIX}"
    )


def _op_name(func) -> str:
    """The operation as the code wrote it, where torch's name for it is internal."""
    name = getattr(func, "__name__", str(func)).split(".")[0]
    return _WRITTEN_AS.get(name, name)


_WRITTEN_AS = {
    "_to_copy": ".to() (or .float())",
    "copy_": "copy_ (or x[...] = ...)",
    "index_put_": "x[...] = ...",
    "_index_put_impl_": "x[...] = ...",
    "_sparse_coo_tensor_with_dims_and_tensors": "torch.sparse_coo_tensor",
}


def _check_precision(func, flat: list) -> None:
    """Note a float32 constant that lost float64's digits meeting float64 values, and an
    operation whose float32 result came from float64 values."""
    if _session is None or func in (_aten.detach.default, _aten.alias.default):
        return
    tensors = [item for item in flat if isinstance(item, torch.Tensor) and item.is_floating_point()]
    if not any(item.dtype == torch.float64 for item in tensors):
        return
    for item in tensors:
        lossy = getattr(item, "_ml4p_lossy", None)
        if lossy and item.dtype != torch.float64:
            text = f"{lossy} makes float32 values that float64 cannot get back; {DTYPE_FIX}"
            _session.note(text, at_line=False)
    result_dtype = _result_dtype(func, flat)
    if result_dtype is not None and _PRECISION.get(result_dtype, 2) < 2:
        _session.note(
            f"{_op_name(func)} turns float64 values into {str(result_dtype)[6:]}; {DTYPE_FIX}"
        )


def _result_dtype(func, flat: list) -> torch.dtype | None:
    """The floating dtype an operation makes, where known before it runs: a cast's target, an
    in-place operation's destination, otherwise None (the result is checked by type promotion,
    which never lowers float64 met with a tensor of as many dimensions)."""
    if func is _aten._to_copy.default:
        return next((item for item in flat if isinstance(item, torch.dtype)), None)
    if func._schema.is_mutable and isinstance(flat[0], torch.Tensor):
        return flat[0].dtype if flat[0].is_floating_point() else None
    tensors = [item for item in flat if isinstance(item, torch.Tensor)]
    shaped = [item for item in tensors if item.dim() > 0 and item.is_floating_point()]
    if shaped and all(item.dtype != torch.float64 for item in shaped):
        return shaped[0].dtype  # a float64 scalar tensor met only float32 tensors: float32 wins
    return None


def _on_host(kwargs: dict) -> dict:
    if _to_device(kwargs.get("device")):
        return {**kwargs, "device": torch.device("cpu")}
    return kwargs


def _to_device(device: Any) -> bool:
    """Whether ``device`` names the emulated device."""
    return isinstance(device, (str, torch.device)) and str(device).startswith("meta")


def _wrap(item: Any) -> Any:
    if isinstance(item, OnDevice) or not isinstance(item, torch.Tensor):
        return item
    return OnDevice(item.detach(), requires_grad=item.requires_grad and item.is_leaf)


# ------------------------------------------------------------------ tensors made, and numpy views
class _Creations(TorchFunctionMode):
    """What the code asks of torch's Python API: ``.numpy()`` of a device tensor fails, ``.cpu()``
    of one is noted, a tensor made from values alone for the device is made on the CPU and moved
    there (``torch.tensor(..., device=x.device)`` builds its tensor where no operation sees it);
    each tensor made from values alone is labelled with its line, and marked when float32 lost
    digits of the values."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.Tensor.numpy, torch.Tensor.__array__) and isinstance(args[0], OnDevice):
            raise TypeError(
                "on a GPU, .numpy() fails: a GPU tensor has no numpy view; compute with torch "
                "on the input's device instead of a numpy round trip"
            )
        if _copies_to_host(func, args, kwargs) and _session is not None:
            _session.note(HOST_COPY)
        if any(isinstance(item, torch.Tensor) for item in tree_flatten((args, kwargs))[0]):
            return func(*args, **kwargs)
        to_device = _to_device(kwargs.get("device"))
        if to_device:
            kwargs = {**kwargs, "device": torch.device("cpu")}
        result = func(*args, **kwargs)
        if to_device:
            result = _wrap(result)
        if isinstance(result, torch.Tensor):
            _label(func, args, kwargs, result)
        return result


def _copies_to_host(func, args: tuple, kwargs: dict) -> bool:
    """``x.cpu()``, ``x.to("cpu")`` of a device tensor ``x``, and ``cpu_tensor.copy_(x)``."""
    if func is torch.Tensor.cpu:
        return isinstance(args[0], OnDevice)
    if func is torch.Tensor.to and isinstance(args[0], OnDevice):
        with contextlib.suppress(Exception):  # torch raises its own error for bad arguments
            device = torch._C._nn._parse_to(*args[1:], **kwargs)[0]
            return device is not None and device.type == "cpu"
    if func is torch.Tensor.copy_:
        return not isinstance(args[0], OnDevice) and isinstance(args[1], OnDevice)
    return False


class _DeviceFactories(TorchDispatchMode):
    """Operations asked to make a tensor on the emulated device (``device=x.device``,
    ``.to(x.device)``, and torch's own zeros and wrapped scalars for a device tensor) run on the
    CPU, and their results move to the device; operations on device tensors go to ``OnDevice``."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # no torch.compile here: keeps torch._dynamo (a second to import) unloaded

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        flat = tree_flatten(args)[0]
        if any(isinstance(item, OnDevice) for item in flat):
            return func(*args, **kwargs)
        if _to_device(kwargs.get("device")):
            return tree_map(_wrap, func(*args, **{**kwargs, "device": torch.device("cpu")}))
        result = func(*args, **kwargs)
        _pass_label(flat, result)
        return result


def _label(func, args: tuple, kwargs: dict, result: torch.Tensor) -> None:
    """Mark ``result``, a tensor the code under test made from values alone: where (for
    messages), and whether float32 lost digits of the values it was given."""
    if _session is None:
        return
    line = student_line(sys._getframe(1), _session.student_file)
    if not line or called_by_grader(sys._getframe(1), WATCHES):
        return
    name = f"{_name(func)} at line {line}"
    result._ml4p_made = name
    if result.dtype == torch.float32 and func in _VALUE_FACTORIES:
        exact = func(*args, **{**kwargs, "dtype": torch.float64})  # on the CPU, like the host
        made = host_of(result)
        if exact.shape != made.shape or not torch.equal(made.double(), exact):
            result._ml4p_lossy = name


def _pass_label(args: list, result: Any) -> None:
    """A CPU tensor computed from a labelled one keeps its label (the line that made the first)."""
    if isinstance(result, torch.Tensor) and not hasattr(result, "_ml4p_made"):
        for item in args:
            made = getattr(item, "_ml4p_made", None) if isinstance(item, torch.Tensor) else None
            if made:
                result._ml4p_made = made
                return


def _name(func) -> str:
    """``torch.zeros``, or ``x.new_zeros`` for a tensor method."""
    name = getattr(func, "__name__", str(func))
    return f"x.{name}" if getattr(torch.Tensor, name, None) is func else f"torch.{name}"
