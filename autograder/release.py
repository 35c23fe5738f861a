"""The student repository: ``ml4p release OUT_DIR`` writes it, ``ml4p release --check DIR`` checks it.

The release holds the stubs (``assignments/``), the grader (``autograder/``, with the checks of the
released weeks only), the reference outputs of the public cases recorded for those weeks
(``autograder/recorded/``, see ``autograder.recorded``), a ``pyproject.toml`` whose pytest runs
the grading, a student README and a GitHub workflow that grades every push. It holds no
``ml4p_ref/`` and no ``solutions/``, and the leak check (``autograder.leaks``) must find no hidden
function body in it: ``release`` refuses to finish otherwise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.leaks import Leak, find_leaks
from autograder.recorded import record_module
from autograder.registry import WEEK_MODULES, week_exercises

TEMPLATES = Path(__file__).parent / "release_files"
NOT_RELEASED = ("__pycache__", "recorded", "release_files")  # in autograder/: made afresh or ours
PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "ml4p-course-assignments"
version = "{version}"
description = "Exercises of the course Machine Learning for Physicists, with their public checks"
readme = "README.md"
requires-python = "{python}"
dependencies = [
{dependencies}
]

[project.scripts]
ml4p = "autograder.cli:run"

[project.entry-points.pytest11]
ml4p = "autograder.pytest_plugin"

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["recorded/*.pt"]

[tool.pytest.ini_options]
ml4p_submission = "assignments"
addopts = ["-ra"]
"""


class ReleaseError(Exception):
    """The release cannot be written (or did not pass its checks); the text says why."""


def release(out: Path, repository: Path, modules: list[str] | None = None) -> list[Path]:
    """Write the student repository of ``modules`` (default: every week) into the new folder
    ``out``; the files written. Raises ``ReleaseError`` when ``out`` is not empty or leaks."""
    modules = list(modules or WEEK_MODULES)
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty: release into a new folder")
    (out / "assignments").mkdir(parents=True, exist_ok=True)
    for module in modules:
        shutil.copyfile(
            repository / "assignments" / f"{module}.py", out / "assignments" / f"{module}.py"
        )
    _copy_grader(repository / "autograder", out / "autograder", modules)
    for module in modules:
        record_module(module, week_exercises(module), out / "autograder" / "recorded")
    (out / "pyproject.toml").write_text(student_pyproject(repository / "pyproject.toml"))
    shutil.copyfile(TEMPLATES / "README.md", out / "README.md")
    (out / ".github" / "workflows").mkdir(parents=True)
    shutil.copyfile(TEMPLATES / "feedback.yml", out / ".github" / "workflows" / "feedback.yml")
    leaks = check_release(out, repository)
    if leaks:
        raise ReleaseError("hidden code in the release:\n" + "\n".join(_describe(leaks)))
    return sorted(path for path in out.rglob("*") if path.is_file())


def _copy_grader(source: Path, target: Path, modules: list[str]) -> None:
    other_weeks = {module for module in WEEK_MODULES if module not in modules}

    def ignored(folder: str, names: list[str]) -> list[str]:
        inside_exercises = Path(folder).name == "exercises"
        return [
            name
            for name in names
            if name in NOT_RELEASED
            or name.endswith(".pyc")
            or (inside_exercises and name in other_weeks)
        ]

    shutil.copytree(source, target, ignore=ignored)


def student_pyproject(pyproject: Path) -> str:
    """The release's ``pyproject.toml``: the course's version and dependencies, no reference."""
    try:
        import tomllib
    except ImportError as error:  # Python 3.10
        raise ReleaseError("ml4p release needs Python 3.11 or later (tomllib)") from error
    project = tomllib.loads(pyproject.read_text())["project"]
    dependencies = "\n".join(f'    "{spec}",' for spec in project["dependencies"])
    return PYPROJECT.format(
        version=project["version"],
        python=project["requires-python"],
        dependencies=dependencies,
    )


def check_release(folder: Path, repository: Path) -> list[Leak]:
    """Hidden function bodies found in ``folder``, and the hidden folders themselves."""
    leaks = [
        Leak(str(path.relative_to(folder)), f"{path.name}/ is hidden")
        for name in ("ml4p_ref", "solutions")
        for path in folder.rglob(name)
    ]
    return leaks + find_leaks(folder, repository)


def _describe(leaks: list[Leak]) -> list[str]:
    return [f"  {leak.found_in}: {leak.secret}" for leak in leaks]
