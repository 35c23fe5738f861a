"""The Gradescope autograder bundle, and what it runs for each submission.

``build_bundle`` writes the zip that an instructor uploads to a Gradescope "programming assignment":
``setup.sh`` (installs torch and this package, with its hidden reference, into a virtual
environment at image build time), ``run_autograder`` (run for every submission) and the package
source under ``ml4p-course/``: ``pyproject.toml``, ``README.md``, ``autograder/``, ``ml4p_ref/``.
It holds no ``solutions/``. ``run_autograder`` calls ``grade_upload``: the week files are found
wherever the student put them in the upload (a GitHub repository, a folder, loose files), graded,
and Gradescope's ``results.json`` is written (``autograder.formats.gradescope``).
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
import zipfile
from pathlib import Path

SOURCE = "ml4p-course"
PACKAGES = ("autograder", "ml4p_ref")
PROJECT_FILES = ("pyproject.toml", "README.md")
SKIPPED = ("__pycache__", ".pyc")
EXECUTABLE = 0o755 << 16  # zip external attribute: -rwxr-xr-x
SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image.
set -euo pipefail
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet "torch>=2.2,<2.14" \\
    --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/pip install --quiet /autograder/source/ml4p-course
"""
RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission, write results.json.
set -uo pipefail
ROOT="${{ML4P_AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{ML4P_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
exec "$PYTHON" -m autograder.cli gradescope run "$ROOT/submission" \\
    --results "$ROOT/results/results.json"{weeks}
"""


def build_bundle(out_zip: Path, repository: Path, weeks: list[str]) -> list[str]:
    """Write the bundle grading ``weeks`` (all when empty); the names it holds, sorted."""
    week_args = "".join(f" --week {shlex.quote(week)}" for week in weeks)
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as bundle:
        _add_script(bundle, "setup.sh", SETUP_SH)
        _add_script(bundle, "run_autograder", RUN_AUTOGRADER.format(weeks=week_args))
        for name in PROJECT_FILES:
            bundle.write(repository / name, f"{SOURCE}/{name}")
        for package in PACKAGES:
            for path in sorted((repository / package).rglob("*")):
                if path.is_file() and not any(part in str(path) for part in SKIPPED):
                    bundle.write(path, f"{SOURCE}/{path.relative_to(repository).as_posix()}")
        return sorted(bundle.namelist())


def _add_script(bundle: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = EXECUTABLE
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, text)


def find_week_files(upload: Path, modules) -> dict[str, Path]:
    """Each week module's file in the upload: ``<module>.py`` (or ``.ipynb``) at any depth, the
    shallowest first, hidden folders and ``__MACOSX`` skipped."""
    found: dict[str, Path] = {}
    for path in sorted(upload.rglob("week*"), key=lambda path: _preference(upload, path)):
        folders = path.relative_to(upload).parts[:-1]
        hidden = any(part.startswith(".") or part == "__MACOSX" for part in folders)
        if path.suffix in (".py", ".ipynb") and path.is_file() and not hidden:
            if path.stem in modules:
                found.setdefault(path.stem, path)
    return found


def _preference(upload: Path, path: Path) -> tuple:
    """Shallower first; at the same depth the .py before the .ipynb (as ``ml4p grade``)."""
    return len(path.relative_to(upload).parts), path.suffix != ".py", str(path)


def grade_upload(upload: Path, results: Path, weeks: list[str], seed: int = 0) -> float:
    """Grade the week files found in ``upload``, write ``results``; the score."""
    from autograder.formats.gradescope import results_json
    from autograder.grade import grade
    from autograder.registry import WEEK_MODULES, select

    exercises = select(weeks=weeks)
    with tempfile.TemporaryDirectory(prefix="ml4p-upload-") as folder:
        for module, path in find_week_files(upload, WEEK_MODULES).items():
            shutil.copyfile(path, Path(folder) / f"{module}{path.suffix}")
        report = grade(Path(folder), exercises, seed=seed)
    report.submission = upload.name
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(results_json(report))
    return report.score
