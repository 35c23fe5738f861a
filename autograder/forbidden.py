"""Forbidden APIs: found statically in the source and caught at run time, by name and by operation.

An exercise lists dotted names (``torch.softmax``, ``torch.Tensor.softmax``, ``torch.nn.functional``);
``torch`` alone forbids every torch call (numpy exercises). It may also list ATen operators
(``aten._softmax``): a ban on the operation, whichever name reaches it (``torch.ops.aten``, private
``torch._*`` functions, ``torch.sparse``, ``torch.distributions``, ``torch._C._VariableFunctions``).

- ``scan_source`` reads the exercise's ``def``/``class`` in the submitted file with ``ast``,
  resolving import aliases;
- ``ForbiddenWatch`` (a ``TorchFunctionMode``) records every forbidden torch function the student's
  call reaches, so helpers, aliases and ``getattr`` tricks are caught too;
- ``OperationWatch`` (a ``TorchDispatchMode``) records every forbidden ATen operator dispatched
  while the student's code runs, unless the grader's own code (a net or field handed to the
  student) dispatched it.

Each violation carries the line of the student's file that reached it.
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import sys
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

# the torch calls that draw random numbers: forbidden wherever an exercise is handed its randomness
RANDOM_DRAWS = (
    "torch.randn",
    "torch.randn_like",
    "torch.rand",
    "torch.rand_like",
    "torch.normal",
    "torch.Tensor.normal_",
    "torch.Tensor.uniform_",
)

THIS_FILE = __file__
GRADER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
TORCH_DIR = os.path.dirname(os.path.abspath(torch.__file__)) + os.sep


@dataclass(frozen=True, order=True)
class Violation:
    line: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} (line {self.line})" if self.line else self.name


# ----------------------------------------------------------------------------------------- static scan
def scan_source(source: str, target: str, forbidden: Iterable[str]) -> list[Violation]:
    """Forbidden names used inside the top-level ``def`` or ``class`` called ``target``."""
    forbidden = tuple(forbidden)
    if not forbidden:
        return []
    parsed = _parsed(source)
    if parsed is None:
        return []
    tree, aliases = parsed
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == target:
            for inner in ast.walk(node):
                name = _dotted(inner, aliases)
                if name and _matches(name, forbidden):
                    found.add(Violation(inner.lineno, _matching_rule(name, forbidden)))
    return sorted(found)


@functools.lru_cache(maxsize=4)
def _parsed(source: str) -> tuple[ast.Module, dict[str, str]] | None:
    """The syntax tree of ``source`` and its import aliases (None: a syntax error).

    Cached: every exercise of a week module scans the same file, and parsing it is most of a scan.
    A str cannot change and ``scan_source`` only reads the tree, so a cached tree is the one a new
    parse would give.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    return tree, _import_aliases(tree)


def _import_aliases(tree: ast.Module) -> dict[str, str]:
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``F.softmax`` -> ``torch.nn.functional.softmax``; ``x.softmax`` -> ``<object>.softmax``."""
    if isinstance(node, ast.Name) and node.id in aliases:
        return aliases[node.id]
    if not isinstance(node, ast.Attribute):
        return None
    parts = [node.attr]
    base = node.value
    while isinstance(base, ast.Attribute):
        parts.append(base.attr)
        base = base.value
    if isinstance(base, ast.Name) and base.id in aliases:
        parts.append(aliases[base.id])
    else:
        parts.append("<object>")
    return ".".join(reversed(parts))


def _matches(name: str, forbidden: tuple[str, ...]) -> bool:
    return _matching_rule(name, forbidden) is not None


def _matching_rule(name: str, forbidden: tuple[str, ...]) -> str | None:
    for rule in forbidden:
        if name == rule or name.startswith(rule + "."):
            return rule
        if rule.startswith("torch.Tensor.") and name.startswith("<object>."):
            # a method call on some object: x.softmax(...) matches torch.Tensor.softmax
            if name.split(".", 1)[1] == rule.removeprefix("torch.Tensor."):
                return rule
    return None


# ----------------------------------------------------------------------------------------- run time
def resolve(dotted: str) -> object | None:
    """The object a dotted name refers to, or None."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            obj = getattr(obj, attribute, None)
        return obj
    return None


@functools.cache
def banned_table(forbidden: tuple[str, ...]) -> tuple[Mapping[object, str], tuple[str, ...]]:
    """What ``ForbiddenWatch`` looks calls up in: each forbidden callable -> its name, and
    ``"<name>."`` for each name that is not a callable (a module, or a name that does not resolve).

    Cached per tuple of names, because resolving imports modules (and tries to import every prefix
    of a name such as ``torch.Tensor.softmax``) and a watch is made for every case. Resolution
    happens before any student code runs (``worker.prepare`` in the zygote, ``worker.main`` before
    the import of the submission), when the names are bound to torch's own objects, and a module's
    functions stay the same objects; so the table is the one a later resolution would give, except
    that student code cannot redirect it (what it rebinds in the watched namespaces is put back).
    """
    banned = {}
    prefixes = []
    for name in forbidden:
        obj = resolve(name)
        if obj is not None and callable(obj):
            banned[obj] = name
        else:
            prefixes.append(name + ".")
    return types.MappingProxyType(banned), tuple(prefixes)


class ForbiddenWatch(TorchFunctionMode):
    """Records forbidden torch calls made while active, with the student's line that made them;
    calls the grader makes itself (a probe differentiating the student's output) are not the
    student's."""

    def __init__(self, forbidden: Iterable[str], student_file: str):
        super().__init__()
        forbidden = tuple(forbidden)
        self.everything = "torch" in forbidden
        self.banned, self.prefixes = banned_table(forbidden)
        self.student_file = student_file
        self.violations: set[Violation] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = self._forbidden_name(func)
        if name is not None and not called_by_grader(sys._getframe(1)):
            self.violations.add(Violation(self._student_line(), name))
        return func(*args, **(kwargs or {}))

    def _forbidden_name(self, func) -> str | None:
        try:
            if func in self.banned:
                return self.banned[func]
        except TypeError:  # unhashable callables
            pass
        qualified = f"{getattr(func, '__module__', None) or 'torch'}.{_name_of(func)}"
        if self.everything:
            return f"torch ({qualified})"
        if any(qualified.startswith(prefix) for prefix in self.prefixes):
            return qualified
        return None

    def _student_line(self) -> int:
        return student_line(sys._getframe(1), self.student_file)


def student_line(frame, student_file: str) -> int:
    """The line of ``student_file`` in the innermost of its frames on the stack (0: none)."""
    while frame is not None:
        if frame.f_code.co_filename == student_file:
            return frame.f_lineno
        frame = frame.f_back
    return 0


class OperationWatch(TorchDispatchMode):
    """Records the forbidden ATen operators (``aten._softmax``) dispatched while active."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # no torch.compile here: keeps torch._dynamo (a second to import) unloaded

    def __init__(self, operators: Iterable[str], student_file: str):
        super().__init__()
        self.operators = {name.removeprefix("aten.") for name in operators}
        self.student_file = student_file
        self.violations: set[Violation] = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = getattr(getattr(func, "overloadpacket", func), "__name__", "")
        if name in self.operators:
            frame = sys._getframe(1)
            if not called_by_grader(frame):
                line = student_line(frame, self.student_file)
                self.violations.add(Violation(line, f"operation aten.{name}"))
        return func(*args, **(kwargs or {}))


def called_by_grader(frame, watches: tuple[str, ...] = (THIS_FILE,)) -> bool:
    """The innermost frame outside torch (and outside the files of ``watches``, those watching the
    call) belongs to the grader: a trusted net, field or layer handed to the student's code."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(TORCH_DIR) and filename not in watches:
            return filename.startswith(GRADER_DIR)
        frame = frame.f_back
    return False


def _name_of(func) -> str:
    return getattr(func, "__name__", None) or type(func).__name__
