"""``ml4p build``: generate the student stubs in ``assignments/`` from ``solutions/``.

Every region between a ``### BEGIN SOLUTION`` and a ``### END SOLUTION`` line (inside a function or
method body) becomes one ``raise NotImplementedError("<exercise id>.<method>: <task>")`` at the
region's indentation, where the task is the first line of the function's docstring. Everything else,
signatures and docstrings included, is kept as it is.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
LINE_LENGTH = 100  # as the project's formatter


class BuildError(ValueError):
    """A solution file whose solution regions cannot be turned into a stub."""


@dataclass(frozen=True)
class Region:
    begin: int  # 0-based line index of the BEGIN marker
    end: int  # 0-based line index of the END marker
    indent: str
    qualname: str  # Class.method or function
    task: str


def week_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("week[0-9][0-9]_*.py"))


def stub_source(source: str, module: str) -> str:
    """The student version of one solution module."""
    lines = source.splitlines(keepends=True)
    regions = solution_regions(source, module)
    for region in reversed(regions):
        message = json.dumps(f"{module}.{region.qualname}: {region.task}", ensure_ascii=False)
        lines[region.begin : region.end + 1] = [_raise_statement(region.indent, message)]
    stub = "".join(lines)
    try:
        ast.parse(stub)
    except SyntaxError as error:
        raise BuildError(f"{module}: the stub is not valid Python ({error})") from error
    return stub


def _raise_statement(indent: str, message: str) -> str:
    """``raise NotImplementedError(message)``, wrapped as the formatter would past 100 columns."""
    one_line = f"{indent}raise NotImplementedError({message})\n"
    if len(one_line) <= LINE_LENGTH + 1:
        return one_line
    return f"{indent}raise NotImplementedError(\n{indent}    {message}\n{indent})\n"


def solution_regions(source: str, module: str) -> list[Region]:
    """Every solution region of a module, in order, with the function (or method) it is in."""
    lines = source.splitlines()
    functions = _functions(ast.parse(source))
    regions, begin = [], None
    for index, line in enumerate(lines):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise BuildError(f"{module}:{index + 1}: nested {BEGIN}")
            begin = index
        elif marker == END:
            if begin is None:
                raise BuildError(f"{module}:{index + 1}: {END} without {BEGIN}")
            regions.append(_region(lines, begin, index, functions, module))
            begin = None
    if begin is not None:
        raise BuildError(f"{module}:{begin + 1}: {BEGIN} is never closed")
    return regions


def _region(lines, begin, end, functions, module) -> Region:
    # a function's last AST line is its last statement: the END marker comment may follow it
    enclosing = [f for f in functions if f[1] < begin + 1 <= f[2]]
    if not enclosing:
        raise BuildError(f"{module}:{begin + 1}: a solution region must be inside a function")
    qualname, _, _, task = max(enclosing, key=lambda f: f[1])
    if not task:
        raise BuildError(f"{module}: {qualname} needs a docstring (its first line is the task)")
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    return Region(begin, end, indent, qualname, task)


def _functions(tree: ast.Module) -> list[tuple[str, int, int, str]]:
    """(qualified name, first line, last line, first docstring line) of every function and method."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = (ast.get_docstring(child) or "").strip().splitlines()
                found.append(
                    (prefix + child.name, child.lineno, child.end_lineno, doc[0] if doc else "")
                )
                visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")

    visit(tree, "")
    return found


def build(solutions: Path, assignments: Path, check: bool = False) -> list[Path]:
    """Write (or with ``check``, only compare) every stub; returns the stubs that changed."""
    changed = []
    for solution in week_files(solutions):
        target = assignments / solution.name
        stub = stub_source(solution.read_text(), solution.stem)
        if not target.exists() or target.read_text() != stub:
            changed.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(stub)
    return changed
