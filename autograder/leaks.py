"""Hidden code must not leak: find function bodies of ``solutions/`` and ``ml4p_ref/`` elsewhere.

A body is compared as a normalized AST: its docstring removed, every local name, argument and
function name replaced by its order of first appearance (``_0``, ``_1``...), so a planted body is
found whatever it is renamed to and however it is formatted or commented. Attribute names and
constants stay, so ``torch.exp`` is not ``torch.log``. From ``solutions/`` only what lies between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` is secret (the rest is the stub students get); from
``ml4p_ref/`` every function body. A body the stubs of ``assignments/`` show (a given helper, a
constructor) is public whatever else holds it. Bodies of fewer than ``MIN_NODES`` AST nodes, not
counting load and store markers (``return x``, ``f(a, b)``, ``pass``), say nothing and are not
compared.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIN_NODES = 8
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Leak:
    """A function body of ``found_in`` that is the secret body of ``secret``."""

    found_in: str  # path:line of the function in the checked directory
    secret: str  # path:line of the hidden function it repeats


SECRET_SOURCES = ("ml4p_ref", "solutions")


def find_leaks(
    checked: Path, repository: Path, sources: tuple[str, ...] = SECRET_SOURCES
) -> list[Leak]:
    """Every function in ``checked`` (.py files, recursively) whose body is a hidden one of
    ``sources`` (``ml4p_ref``, ``solutions`` or both) of ``repository``."""
    public = {key for path in (repository / "assignments").glob("*.py") for _, key in _bodies(path)}
    secrets = {
        key: where for key, where in _secret_bodies(repository, sources) if key not in public
    }
    leaks = []
    for path in sorted(checked.rglob("*.py")):
        for line, key in _bodies(path):
            if key in secrets:
                leaks.append(Leak(f"{path.relative_to(checked)}:{line}", secrets[key]))
    return leaks


def _secret_bodies(repository: Path, sources: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for path in sorted((repository / "ml4p_ref").rglob("*.py")) if "ml4p_ref" in sources else []:
        for line, key in _bodies(path):
            yield key, f"{path.relative_to(repository)}:{line}"
    for path in sorted((repository / "solutions").glob("*.py")) if "solutions" in sources else []:
        regions = _solution_regions(path.read_text(encoding="utf-8"))
        for line, key in _bodies(
            path, lambda tree, regions=regions: _functions_holding(tree, regions)
        ):
            yield key, f"{path.relative_to(repository)}:{line}"


def _bodies(path: Path, functions=None) -> Iterator[tuple[int, str]]:
    """(line, normalized body) of the functions ``functions(tree)`` picks in ``path`` (default:
    all of them)."""
    functions = functions or _all_functions
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return
    for node in functions(tree):
        key = normalized_body(node)
        if key is not None:
            yield node.lineno, key


def _all_functions(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if isinstance(node, FUNCTIONS)]


def _functions_holding(tree: ast.AST, regions: list[tuple[int, int]]) -> list[ast.AST]:
    """The innermost functions that contain a solution region."""
    holding = [
        node
        for node in _all_functions(tree)
        if any(node.lineno < begin <= node.end_lineno for begin, _ in regions)
    ]
    return [
        node
        for node in holding
        if not any(other is not node and _inside(other, node) for other in holding)
    ]


def _inside(inner: ast.AST, outer: ast.AST) -> bool:
    return outer.lineno <= inner.lineno and inner.end_lineno <= outer.end_lineno


def _solution_regions(source: str) -> list[tuple[int, int]]:
    """(begin line, end line) of each solution region, 1-based."""
    regions, begin = [], None
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip() == BEGIN:
            begin = number
        elif line.strip() == END and begin is not None:
            regions.append((begin, number))
            begin = None
    return regions


def normalized_body(function: ast.AST) -> str | None:
    """The body of ``function`` as a string that ignores names, layout, comments and docstring;
    None when the body is too small to say anything."""
    body = function.body if isinstance(function.body, list) else [function.body]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    module = ast.Module(body=copy.deepcopy(body), type_ignores=[])
    if sum(not isinstance(node, ast.expr_context) for node in ast.walk(module)) < MIN_NODES:
        return None
    arguments = [arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg)]
    return ast.dump(_Renamer(arguments).visit(module), annotate_fields=False)


class _Renamer(ast.NodeTransformer):
    """Replaces every name (variables, arguments, nested functions) by its order of appearance."""

    def __init__(self, arguments: list[str]):
        self.names: dict[str, str] = {}
        for name in arguments:
            self._rename(name)

    def _rename(self, name: str) -> str:
        return self.names.setdefault(name, f"_{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(id=self._rename(node.id), ctx=node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.copy_location(ast.arg(arg=self._rename(node.arg)), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self._rename(node.name)
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
