"""Process-wide state around student code: noticed when changed, always put back, never a failure.

Student code may change what the grader relies on, at import or in a call: torch's default dtype,
grad mode, anomaly detection, deterministic algorithms, matmul precision and TF32, thread counts,
print options, numpy's error state, random generator states, warning filters, logging, the
recursion limit, the working directory, or attributes of torch, numpy, math and builtins. A
``GlobalState`` remembers the state as it was; ``restore()`` puts it back and says, in plain words,
what had changed. The worker turns those words into notes on the exercise; they cost no points.

Settings are read and written through functions captured when this module is imported (before any
student code runs), so a student who replaces ``torch.set_default_dtype`` cannot stop its restoring.
Settings are restored before attributes, so that attributes torch derives from a setting (such as
``torch.Storage``, which follows the default dtype) are back before they are compared.
"""

from __future__ import annotations

import builtins
import logging
import math
import operator
import os
import random
import sys
import types
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch._tensor_str
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
_MISSING = object()


@dataclass(frozen=True)
class Setting:
    """One piece of global state: how to read it, write it, and say how it changed."""

    name: str
    get: Callable[[], Any]
    set: Callable[[Any], None]
    same: Callable[[Any, Any], bool] = lambda a, b: a == b
    phrase: str | None = None  # fixed wording instead of "name before -> after"

    def describe(self, before: Any, after: Any) -> str:
        return self.phrase or f"{self.name} {before} -> {after}"


def _attribute(owner: Any, name: str) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    return (lambda: getattr(owner, name)), (lambda value: setattr(owner, name, value))


def _options(obj: Any) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    def set_all(values: dict) -> None:
        for key, value in values.items():
            setattr(obj, key, value)

    return (lambda: dict(vars(obj))), set_all


def _logging_state() -> tuple:
    root = logging.getLogger()
    return root.level, tuple(root.handlers), logging.root.manager.disable


def _set_logging(state: tuple) -> None:
    level, handlers, disabled = state
    root = logging.getLogger()
    root.setLevel(level)
    root.handlers[:] = list(handlers)
    logging.disable(disabled)


def _set_warning_filters(filters: list) -> None:
    warnings.filters[:] = filters
    warnings._filters_mutated()


def _same_numpy_random(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


_set_default_dtype, _set_grad_enabled = torch.set_default_dtype, torch.set_grad_enabled
_set_detect_anomaly = torch.autograd.set_detect_anomaly
_use_deterministic = torch.use_deterministic_algorithms
_set_matmul_precision, _set_num_threads = torch.set_float32_matmul_precision, torch.set_num_threads
_set_torch_rng, _set_numpy_rng = torch.random.set_rng_state, np.random.set_state
_set_numpy_print, _seterr = np.set_printoptions, np.seterr
_setrecursionlimit, _chdir = sys.setrecursionlimit, os.chdir

SETTINGS = (
    Setting("default dtype", torch.get_default_dtype, _set_default_dtype),
    Setting("grad mode", torch.is_grad_enabled, _set_grad_enabled),
    Setting(
        "anomaly detection",
        lambda: (torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()),
        lambda state: _set_detect_anomaly(*state),
    ),
    Setting(
        "deterministic algorithms",
        lambda: (
            torch.are_deterministic_algorithms_enabled(),
            torch.is_deterministic_algorithms_warn_only_enabled(),
        ),
        lambda state: _use_deterministic(state[0], warn_only=state[1]),
    ),
    Setting("float32 matmul precision", torch.get_float32_matmul_precision, _set_matmul_precision),
    Setting("matmul TF32", *_attribute(torch.backends.cuda.matmul, "allow_tf32")),
    Setting("cuDNN TF32", *_attribute(torch.backends.cudnn, "allow_tf32")),
    Setting("cuDNN benchmark", *_attribute(torch.backends.cudnn, "benchmark")),
    Setting("cuDNN deterministic", *_attribute(torch.backends.cudnn, "deterministic")),
    Setting("number of torch threads", torch.get_num_threads, _set_num_threads),
    Setting(
        "torch print options",
        *_options(torch._tensor_str.PRINT_OPTS),
        phrase="torch print options changed",
    ),
    Setting(
        "numpy print options",
        np.get_printoptions,
        lambda options: _set_numpy_print(**options),
        phrase="numpy print options changed",
    ),
    Setting("numpy error state", np.geterr, lambda state: _seterr(**state)),
    Setting(
        "torch random state",
        torch.random.get_rng_state,
        _set_torch_rng,
        torch.equal,
        "torch's global random state changed (a seed or a draw)",
    ),
    Setting(
        "numpy random state",
        np.random.get_state,
        _set_numpy_rng,
        _same_numpy_random,
        "numpy's global random state changed (a seed or a draw)",
    ),
    Setting(
        "Python random state",
        random.getstate,
        random.setstate,
        phrase="Python's random state changed (a seed or a draw)",
    ),
    Setting(
        "warning filters",
        lambda: list(warnings.filters),
        _set_warning_filters,
        phrase="warning filters changed",
    ),
    Setting("logging", _logging_state, _set_logging, phrase="logging configuration changed"),
    Setting("recursion limit", sys.getrecursionlimit, _setrecursionlimit),
    Setting("working directory", os.getcwd, _chdir),
    Setting("sys.stdout", *_attribute(sys, "stdout"), lambda a, b: a is b, "sys.stdout replaced"),
    Setting("sys.stderr", *_attribute(sys, "stderr"), lambda a, b: a is b, "sys.stderr replaced"),
)


class GlobalState:
    """The state as it was when created; ``restore()`` puts it back and says what had changed."""

    def __init__(self) -> None:
        self.values = {setting.name: setting.get() for setting in SETTINGS}
        self.attributes = {name: dict(vars(space)) for name, space in WATCHED_NAMESPACES.items()}

    def restore(self) -> list[str]:
        """What differed from the saved state (now put back), as readable phrases."""
        return self._restore_settings() + self._restore_attributes()

    def _restore_settings(self) -> list[str]:
        changes = []
        for setting in SETTINGS:
            before = self.values[setting.name]
            try:
                now = setting.get()
                if setting.same(before, now):
                    continue
                changes.append(setting.describe(before, now))
                setting.set(before)
            except Exception as error:  # state mangled beyond reading or writing
                changes.append(f"{setting.name} could not be restored ({type(error).__name__})")
        return changes

    def _restore_attributes(self) -> list[str]:
        changes = []
        for name, saved in self.attributes.items():
            space = WATCHED_NAMESPACES[name]
            current = vars(space)
            for key in _changed_keys(saved, current):
                before, now = saved.get(key, _MISSING), current.get(key, _MISSING)
                if key in CACHE_ATTRIBUTES:
                    continue
                if before is _MISSING and isinstance(now, types.ModuleType):
                    continue  # a submodule imported lazily
                if not _wraps(now, before):  # torch wraps some of its functions on first use
                    changes.append(f"{name}.{key} {'replaced' if key in saved else 'added'}")
                try:
                    if key in saved:
                        setattr(space, key, saved[key])
                    else:
                        delattr(space, key)
                except (AttributeError, TypeError):
                    changes.append(f"{name}.{key} could not be restored")
        return changes


def _changed_keys(saved: dict[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The names bound to another object, added or removed, sorted (one pass over each side: the
    namespaces hold thousands of names and this runs after every call of student code)."""
    if len(saved) == len(current) and all(map(operator.is_, saved, current)):
        if all(map(operator.is_, saved.values(), current.values())):
            return []  # the same names in the same order, bound to the same objects
    changed = {key for key, value in current.items() if saved.get(key, _MISSING) is not value}
    return sorted(changed | {key for key in saved if key not in current})


def _wraps(now: Any, before: Any) -> bool:
    """``now`` is a wrapper of ``before`` made by torch itself (e.g. ``torch.manual_seed`` once
    ``torch._dynamo`` is imported)."""
    module = getattr(now, "__module__", "") or ""
    return getattr(now, "__wrapped__", None) is before and module.startswith("torch")
