"""Probes: run an implementation on one case and record what it did.

A probe is exercise-specific glue (build the modules a case describes, call the function, take
gradients); the helpers here are what most probes share. Probes run in the worker for the student
and in the parent for the reference (``grade.reference_observations``).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

from autograder.emulated_gpu import OnDevice
from autograder.plain import DETACHED


class ProbeContext:
    """What a probe may use besides the implementation: the guarded call and seeded cotangents.

    Every call into the code under test goes through ``call`` (or ``call_under``), so that in the
    worker it runs inside the guard (forbidden-API watches, global state put back) and an exception
    it raises is told apart from a failure of the probe's own handling of its output.
    """

    def __init__(
        self,
        case_key: str,
        grad: tuple[str, ...] = (),
        guard: Callable[[Callable], contextlib.AbstractContextManager] | None = None,
    ):
        self.case_key = case_key  # the case's name on the CPU: seeds cotangents
        self.grad = grad  # the inputs this case differentiates with respect to
        self._guard = guard or (lambda conditions: conditions())
        self.student_error: BaseException | None = None  # the last exception the code raised

    def call(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        """Call code under test."""
        return self.call_under(contextlib.nullcontext, function, *args, **kwargs)

    def call_under(
        self,
        conditions: Callable[[], contextlib.AbstractContextManager],
        function: Callable,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """Call code under test with ``conditions()`` entered just around it (e.g. ``np.errstate``)."""
        with self._guard(conditions):
            try:
                return function(*args, **kwargs)
            except BaseException as error:
                self.student_error = error
                raise

    def cotangent(self, output: torch.Tensor, salt: str = "") -> torch.Tensor:
        """A fixed random direction for a vector-Jacobian product, the same for student and reference."""
        digest = hashlib.sha256(f"{self.case_key}:{salt}".encode()).digest()
        generator = torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") >> 1)
        draw = torch.randn(output.shape, generator=generator, dtype=torch.float64)
        return draw.to(dtype=output.dtype, device=output.device)


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a ``torch.Tensor`` and not a subclass of it (a tensor on the emulated
    GPU counts as one: it is what a plain tensor becomes there)."""
    return type(value) is torch.Tensor or type(value) is OnDevice


def vjp(
    output: Any, wrt: Mapping[str, torch.Tensor], ctx: ProbeContext, salt: str = ""
) -> dict[str, Any]:
    """Gradients of ``sum(output * cotangent)`` w.r.t. each tensor in ``wrt``, keyed ``grad:<name>``.

    A name maps to ``DETACHED`` when the output is not connected to the autograd graph, and to
    ``None`` when no gradient reaches that input.
    """
    keys = [f"grad:{name}" for name in wrt]
    if not keys or not is_tensor(output) or output.layout != torch.strided:
        return {}
    if not output.requires_grad:
        return dict.fromkeys(keys, DETACHED)
    if output.is_complex() or not output.is_floating_point():
        return {}
    cotangent = ctx.cotangent(output, salt)
    # retain the graph: a probe may take several vjps through outputs that share it
    # the backward pass runs the code under test's graph (its own autograd Functions included)
    inputs = list(wrt.values())
    grads = ctx.call(grad_along, output, cotangent, inputs, retain_graph=True, allow_unused=True)
    return dict(zip(keys, grads, strict=False))


def grad_along(output: torch.Tensor, cotangent: torch.Tensor, inputs, **options) -> tuple:
    """``torch.autograd.grad(output, inputs, cotangent, **options)``, taken as the gradient of
    ``sum(output * cotangent)``: the same backward pass, bit for bit (it starts from
    ``1.0 * cotangent``). Passing ``grad_outputs`` would import sympy on first use: a third of a
    second in each process, and warning filters changed inside student code."""
    return torch.autograd.grad((output * cotangent).sum(), inputs, **options)


def call_function(
    impl: Callable, inputs: dict[str, Any], ctx: ProbeContext, args: tuple[str, ...]
) -> dict[str, Any]:
    """The common probe: ``out = impl(*positional, **keywords)`` plus gradients w.r.t. ``ctx.grad``."""
    grad = ctx.grad
    for name in grad:
        inputs[name].requires_grad_(True)
    positional = [inputs[name] for name in args]
    keywords = {name: value for name, value in inputs.items() if name not in args}
    output = ctx.call(impl, *positional, **keywords)
    observations = {"out": output}
    observations.update(vjp(output, {name: inputs[name] for name in grad}, ctx))
    return observations


def function_probe(*args: str) -> Callable:
    """A probe that calls the implementation with the named positional ``args`` (others by keyword)."""

    def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
        return call_function(impl, inputs, ctx, args)

    return probe


def snapshot(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Copies of every tensor and array among the inputs (nested ones too), keyed by dotted name."""
    copies = {}
    for name, value in arrays_in(inputs):
        copies[name] = value.detach().clone() if isinstance(value, torch.Tensor) else value.copy()
    return copies


def modified_inputs(before: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
    """Names of the inputs whose values changed since ``before`` (NaNs compare equal)."""
    now = dict(arrays_in(inputs))
    return [name for name, original in before.items() if not _same(original, now[name])]


def arrays_in(value: Any, prefix: str = ""):
    """(dotted name, tensor or array) for every tensor and array inside nested dicts and lists."""
    if isinstance(value, (torch.Tensor, np.ndarray)):
        yield prefix, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from arrays_in(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from arrays_in(item, f"{prefix}[{index}]")


def _same(original: Any, current: Any) -> bool:
    if isinstance(original, np.ndarray):
        return np.array_equal(original, current, equal_nan=original.dtype.kind == "f")
    current = current.detach()
    if original.shape != current.shape:
        return False
    if original.is_floating_point():
        return bool(torch.isclose(original, current, rtol=0, atol=0, equal_nan=True).all())
    return torch.equal(original, current)
