"""``ml4p build``: stubs are generated from the solutions and committed up to date."""

from __future__ import annotations

import ast
import re
import textwrap

import pytest

from autograder.build import BuildError, build, stub_source, week_files
from autograder.registry import all_exercises


def test_committed_stubs_are_up_to_date(root):
    stale = build(root / "solutions", root / "assignments", check=True)
    assert stale == [], "run `ml4p build` and commit assignments/"


def test_every_solution_has_a_stub(root):
    solutions = {path.name for path in week_files(root / "solutions")}
    assignments = {path.name for path in week_files(root / "assignments")}
    assert solutions == assignments


def test_stubs_hide_every_solution_line(root):
    for stub in week_files(root / "assignments"):
        text = stub.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda exercise: exercise.id)
def test_a_markdown_cell_introduces_every_exercise(root, exercise):
    """The cell just before the exercise's code cell is Markdown (the notebook reads as a text)."""
    cells = (root / "solutions" / f"{exercise.module}.py").read_text().split("\n# %%")
    definition = re.compile(rf"^(class|def) {exercise.name}\b", re.MULTILINE)
    code = [i for i, cell in enumerate(cells) if definition.search(cell)]
    assert len(code) == 1, f"{exercise.id} is not defined in exactly one cell"
    assert cells[code[0] - 1].startswith(" [markdown]"), f"no Markdown cell before {exercise.id}"


def test_stubs_keep_signatures_and_docstrings(root):
    for solution in week_files(root / "solutions"):
        stub = root / "assignments" / solution.name
        assert _signatures(solution.read_text()) == _signatures(stub.read_text())


def _signatures(source: str) -> dict[str, tuple[str, str | None]]:
    """Top-level functions, classes and methods (helpers nested in a solution may vanish)."""
    found = {}
    tree = ast.parse(source)
    methods = [node for cls in tree.body if isinstance(cls, ast.ClassDef) for node in cls.body]
    for node in tree.body + methods:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            arguments = ast.unparse(node.args) if isinstance(node, ast.FunctionDef) else ""
            found[node.name] = (arguments, ast.get_docstring(node))
    return found


SOLUTION = textwrap.dedent('''
    class Layer:
        def __init__(self, w):
            self.w = w

        def forward(self, x):
            """Multiply by w."""
            ### BEGIN SOLUTION
            y = x * self.w
            return y
            ### END SOLUTION


    def double(x):
        """Double x."""
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION
''')


def test_regions_become_not_implemented_errors_naming_the_exercise():
    stub = stub_source(SOLUTION, "week09_demo")
    assert 'raise NotImplementedError("week09_demo.Layer.forward: Multiply by w.")' in stub
    assert 'raise NotImplementedError("week09_demo.double: Double x.")' in stub
    assert "self.w = w" in stub  # given code is kept
    assert "2 * x" not in stub and "x * self.w" not in stub
    namespace = {}
    exec(compile(stub, "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match=r"^week09_demo\.double: Double x\.$"):
        namespace["double"](1)


@pytest.mark.parametrize(
    "source, problem",
    [
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "inside a function"),
        ('def f():\n    """Task."""\n    ### BEGIN SOLUTION\n    return 1\n', "never closed"),
        ('def f():\n    """Task."""\n    return 1\n    ### END SOLUTION\n', "without"),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n", "docstring"),
    ],
)
def test_malformed_regions_are_refused(source, problem):
    with pytest.raises(BuildError, match=problem):
        stub_source(source, "week09_demo")


def test_build_check_reports_stale_stubs_without_writing(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "week09_demo.py").write_text(SOLUTION)
    assignments = tmp_path / "assignments"
    assert build(tmp_path / "solutions", assignments, check=True) == [
        assignments / "week09_demo.py"
    ]
    assert not assignments.exists()
    assert build(tmp_path / "solutions", assignments) == [assignments / "week09_demo.py"]
    assert build(tmp_path / "solutions", assignments, check=True) == []


def test_every_module_with_a_module_fixture_runs_whole_in_one_test_process(root):
    """A module-scoped fixture split over two test processes would be built twice."""
    from conftest import WHOLE_MODULES

    declares = re.compile(r"^@pytest\.fixture\(scope=.module.", re.MULTILINE)
    with_module_fixtures = {
        path.relative_to(root).as_posix()
        for path in (root / "tests").glob("test_*.py")
        if declares.search(path.read_text())
    }
    assert with_module_fixtures == WHOLE_MODULES
