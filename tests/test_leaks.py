"""The leak check finds a hidden function body however it is renamed or reformatted, and only then."""

from __future__ import annotations

import ast

from helpers import ROOT

from autograder.leaks import find_leaks


def _function(path, name) -> ast.FunctionDef:
    tree = ast.parse(path.read_text())
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


class _RenameLocals(ast.NodeTransformer):
    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=f"my_{node.id}", ctx=node.ctx), node)

    def visit_arg(self, node):
        return ast.copy_location(ast.arg(arg=f"my_{node.arg}", annotation=None), node)


def _disguised(function: ast.FunctionDef, name: str) -> str:
    """The function renamed, its arguments and locals renamed, unparsed in another layout with a
    comment on every line and the docstring gone."""
    function = _RenameLocals().visit(function)
    function.name, function.returns = name, None
    if isinstance(function.body[0], ast.Expr):
        function.body = function.body[1:]
    lines = ast.unparse(function).splitlines()
    return "\n".join(f"{line}  # mine" for line in lines) + "\n"


def test_the_stubs_and_the_grader_tests_tools_leak_nothing_of_the_solutions():
    assert find_leaks(ROOT / "assignments", ROOT) == []
    assert find_leaks(ROOT / "benchmarks", ROOT) == []


def test_a_solution_planted_renamed_and_reformatted_is_found(tmp_path):
    solution = ROOT / "solutions" / "week01_practices.py"
    planted = _disguised(_function(solution, "coulomb_energy"), "helper")
    (tmp_path / "util.py").write_text("import torch\n\n\n" + planted)
    leaks = find_leaks(tmp_path, ROOT)
    line = _function(solution, "coulomb_energy").lineno
    assert [(leak.found_in, leak.secret) for leak in leaks] == [
        ("util.py:4", f"solutions/week01_practices.py:{line}")
    ]


def test_a_reference_function_planted_in_a_subfolder_is_found(tmp_path):
    reference = ROOT / "ml4p_ref" / "week08_pinn.py"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "x.py").write_text(
        _disguised(_function(reference, "burgers_residual"), "f")
    )
    leaks = find_leaks(tmp_path, ROOT)
    assert len(leaks) == 1 and leaks[0].secret.startswith("ml4p_ref/week08_pinn.py:")
    assert find_leaks(tmp_path, ROOT, sources=("solutions",)) == []


def test_what_the_stubs_show_and_tiny_bodies_are_not_leaks(tmp_path):
    stub = ROOT / "assignments" / "week02_mlp_cnn.py"
    given = ast.unparse(_function(stub, "_pair"))  # a helper the stub gives, also in ml4p_ref
    (tmp_path / "ok.py").write_text(given + "\n\ndef f(x):\n    return x\n")
    assert find_leaks(tmp_path, ROOT) == []
