"""Global state around every call into student code: noticed when changed, always put back.

A submission that changes torch's default dtype, turns off gradients globally, monkeypatches
``torch.allclose`` or ``torch.Tensor.__eq__``, or leaves threads running has that reported as a
failure of the case, and the state is restored so that the next case starts clean. Random number
generator states are restored silently (drawing random numbers is not itself an error).
"""

from __future__ import annotations

import builtins
import math
import threading
import types
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

WATCHED_NAMESPACES = {
    "builtins": builtins,
    "math": math,
    "numpy": np,
    "torch": torch,
    "torch.Tensor": torch.Tensor,
    "torch.autograd": torch.autograd,
    "torch.linalg": torch.linalg,
    "torch.nn.functional": F,
    "torch.testing": torch.testing,
}

CACHE_ATTRIBUTES = {"__slotnames__"}  # set by copy/pickle on first use


def _flags() -> dict[str, Any]:
    return {
        "default dtype": torch.get_default_dtype(),
        "grad mode": torch.is_grad_enabled(),
        "inference mode": torch.is_inference_mode_enabled(),
        "anomaly detection": torch.is_anomaly_enabled(),
        "deterministic algorithms": torch.are_deterministic_algorithms_enabled(),
        "matmul TF32": torch.backends.cuda.matmul.allow_tf32,
        "cuDNN TF32": torch.backends.cudnn.allow_tf32,
        "number of threads": torch.get_num_threads(),
    }


def _set_flags(flags: dict[str, Any]) -> None:
    torch.set_default_dtype(flags["default dtype"])
    torch.set_grad_enabled(flags["grad mode"])
    torch.autograd.set_detect_anomaly(flags["anomaly detection"])
    torch.use_deterministic_algorithms(flags["deterministic algorithms"])
    torch.backends.cuda.matmul.allow_tf32 = flags["matmul TF32"]
    torch.backends.cudnn.allow_tf32 = flags["cuDNN TF32"]
    torch.set_num_threads(flags["number of threads"])


class GlobalState:
    """The state as it was when created; ``restore()`` reports what changed and puts it back."""

    def __init__(self) -> None:
        self.attributes = {name: dict(vars(space)) for name, space in WATCHED_NAMESPACES.items()}
        self.flags = _flags()
        self.threads = set(threading.enumerate())

    def restore(self) -> list[str]:
        """What differs from the saved state (now restored), as readable phrases."""
        changes = self._restore_attributes()
        flags = _flags()
        changed_flags = [key for key, value in self.flags.items() if flags[key] != value]
        for key in changed_flags:
            changes.append(f"{key} {self.flags[key]} -> {flags[key]}")
        if changed_flags:
            _set_flags(self.flags)
        running = [
            t
            for t in threading.enumerate()
            if t not in self.threads and t.is_alive() and not isinstance(t, threading._DummyThread)
        ]
        if running:
            changes.append(f"{len(running)} thread(s) left running")
        return changes

    def _restore_attributes(self) -> list[str]:
        changes = []
        for name, saved in self.attributes.items():
            space = WATCHED_NAMESPACES[name]
            current = dict(vars(space))
            for key in sorted(set(saved) | set(current)):
                before, now = saved.get(key, _MISSING), current.get(key, _MISSING)
                if before is now or key in CACHE_ATTRIBUTES:
                    continue
                if before is _MISSING and isinstance(now, types.ModuleType):
                    continue  # a submodule imported lazily
                changes.append(f"{name}.{key} {'replaced' if key in saved else 'added'}")
                try:
                    if key in saved:
                        setattr(space, key, saved[key])
                    else:
                        delattr(space, key)
                except (AttributeError, TypeError):
                    changes.append(f"{name}.{key} could not be restored")
        return changes


_MISSING = object()


class RandomState:
    """Random generator states, restored silently after each call."""

    def __init__(self) -> None:
        self.torch = torch.random.get_rng_state()
        self.numpy = np.random.get_state()

    def restore(self) -> None:
        torch.random.set_rng_state(self.torch)
        np.random.set_state(self.numpy)
