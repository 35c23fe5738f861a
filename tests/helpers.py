"""Helpers for the repository's own tests of the grader: submissions built from the solutions.

- ``expectation``: the literal ``EXPECT`` dict of a known-wrong, hostile or honest submission file;
- ``known_wrong_submission``: the solution module changed as a known-wrong file says (a small diff);
- ``null_submission``: a week module whose every exercise gives the same null answer.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def expectation(path: Path) -> dict:
    """The literal ``EXPECT`` dict of a submission file, read without running it."""
    for node in ast.parse(path.read_text()).body:
        targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if isinstance(node, ast.Assign) and targets == ["EXPECT"]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} has no EXPECT dict")


def solution_source(module: str) -> str:
    return (ROOT / "solutions" / f"{module}.py").read_text()


def known_wrong_submission(path: Path, directory: Path) -> Path:
    """``directory/<week module>.py``: the solution with the known-wrong file's change applied.

    A known-wrong file changes the solution in one of two ways (or both):
    - ``EXPECT["replace"]``, a dict of exact text of the solution -> its replacement (each text must
      occur exactly once in the solution);
    - code after ``EXPECT``, appended to the solution: later definitions win, so a new ``def`` (or
      ``Class.method = ...``) replaces the solution's.
    """
    expect = expectation(path)
    module = path.parent.name
    source = solution_source(module)
    for old, new in expect.get("replace", {}).items():
        count = source.count(old)
        assert count == 1, f"{path.name}: {old!r} occurs {count} times in the solution, not once"
        source = source.replace(old, new)
    source += "\n\n# ---- known-wrong change\n" + path.read_text()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{module}.py"
    target.write_text(source)
    return target


# ----------------------------------------------------------------------------------------- nulls
NULL_KINDS = (
    "zeros",
    "ones",
    "the input",
    "a constant",
    "uniform",
    "random",
    "None",
    "zero per sample",
    "zero scalar",
    "identity flow",
    "zero loss and zero gradients",
    "the input, nothing accepted",
)

NULL_LIBRARY = """
import numpy as _np
import torch as _torch


def _is_array(value):
    return isinstance(value, (_torch.Tensor, _np.ndarray))


def _first_array(args, kwargs):
    return next((v for v in (*args, *kwargs.values()) if _is_array(v)), None)


def _zeros_like(value):
    if _is_array(value):
        return _np.zeros_like(value) if isinstance(value, _np.ndarray) else _torch.zeros_like(value.detach())
    if isinstance(value, (list, tuple)):
        return type(value)(_zeros_like(item) for item in value)
    return 0.0


def _scalar_zero(x):
    if isinstance(x, _np.ndarray):
        return 0.0
    return x.detach().sum() * 0


def _per_sample_zero(x):
    if isinstance(x, _np.ndarray):
        return _np.zeros(x.shape[:1])
    return x.new_zeros(x.shape[:1])


def _null_function(kind, f):
    # an exercise that turns a function into a function: f itself, or a function that gives the
    # null answer of its own inputs
    if kind == "the input":
        return f
    return lambda *args, **kwargs: _null(kind, args, kwargs)


def _null(kind, args, kwargs):
    x = _first_array(args, kwargs)
    if kind != "None" and x is None and args and callable(args[0]):
        return _null_function(kind, args[0])
    if kind == "None" or x is None:
        return None
    numpy = isinstance(x, _np.ndarray)
    if kind == "zeros":
        return _zeros_like(x)
    if kind == "ones":
        return _np.ones_like(x) if numpy else _torch.ones_like(x.detach())
    if kind == "the input":
        return x
    if kind == "a constant":
        return _np.full_like(x, 0.5) if numpy else _torch.full_like(x.detach(), 0.5)
    if kind == "uniform":
        size = max(x.shape[-1], 1) if x.ndim else 1
        return (_np.ones_like(x) if numpy else _torch.ones_like(x.detach())) / size
    if kind == "random":
        return _np.random.rand(*x.shape) if numpy else _torch.rand_like(x.detach())
    if kind == "zero per sample":
        return _per_sample_zero(x)
    if kind == "zero scalar":
        return _scalar_zero(x)
    if kind == "identity flow":
        return x, _per_sample_zero(x)
    if kind == "zero loss and zero gradients":
        return _scalar_zero(x), _zeros_like(args[0] if args else x)
    if kind == "the input, nothing accepted":
        if numpy:
            return x, _np.zeros(x.shape[:1], dtype=bool)
        return x, _torch.zeros(x.shape[:1], dtype=_torch.bool, device=x.device)
    raise ValueError(kind)
"""


def null_submission(module: str, kind: str, directory: Path) -> Path:
    """``directory/<module>.py`` in which every function and method of the stub gives the null
    answer ``kind`` (one of ``NULL_KINDS``), derived from its first array argument; classes keep
    their methods and set ``self.grads`` to nulls of their constructor's arrays."""
    stub = ast.parse((ROOT / "assignments" / f"{module}.py").read_text())
    lines = [NULL_LIBRARY]
    for node in stub.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            lines += [
                f"def {node.name}(*args, **kwargs):",
                f"    return _null({kind!r}, args, kwargs)",
                "",
            ]
        elif isinstance(node, ast.ClassDef):
            lines += [f"class {node.name}:"]
            lines += [
                "    def __init__(self, *args, **kwargs):",
                f"        self.grads = [_null({kind!r}, (a,), {{}}) for a in args if _is_array(a)]",
                "",
            ]
            methods = [m.name for m in node.body if isinstance(m, ast.FunctionDef)]
            for method in methods:
                if method == "__init__":
                    continue
                lines += [
                    f"    def {method}(self, *args, **kwargs):",
                    f"        return _null({kind!r}, args, kwargs)",
                    "",
                ]
            if "forward" in methods:
                lines += ["    __call__ = forward", ""]
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{module}.py"
    target.write_text("\n".join(lines) + "\n")
    return target


# ----------------------------------------------------------------------------------------- habits
BEGIN_SOLUTION = "### BEGIN SOLUTION"


def honest_submission(path: Path, modules: list[str], directory: Path) -> Path:
    """The solutions of ``modules`` with the honest habit of ``path`` added to each.

    The habit file's text goes after the solution's ``from __future__`` line (at the top of the
    module); ``EXPECT["in_body"]`` is inserted as the first line of every solution region (inside
    every graded function and method); ``EXPECT["epilogue"]`` is appended at the end.
    """
    habit, expect = path.read_text(), expectation(path)
    directory.mkdir(parents=True, exist_ok=True)
    for module in modules:
        lines = solution_source(module).splitlines(keepends=True)
        future = next(i for i, line in enumerate(lines) if line.startswith("from __future__"))
        lines.insert(future + 1, "\n" + habit + "\n")
        if "in_body" in expect:
            for index in reversed(range(len(lines))):
                if lines[index].strip() == BEGIN_SOLUTION:
                    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
                    lines.insert(index + 1, f"{indent}{expect['in_body']}\n")
        source = "".join(lines) + "\n\n" + expect.get("epilogue", "")
        (directory / f"{module}.py").write_text(source)
    return directory


# ----------------------------------------------------------------------------------------- notebooks
def write_notebook(source: str, target: Path) -> Path:
    """``source`` (jupytext percent text) written as the notebook ``target``, as jupytext would."""
    import jupytext

    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(jupytext.reads(source, fmt="py:percent"), target, fmt="ipynb")
    return target
