"""pytest plugin: ``pytest --submission PATH`` grades PATH with one test per check.

Test ids are ``<exercise id>[<check>]``, e.g. ``week01_practices.softmax[large logits-float32]``, and
every test carries its week's marker, so ``pytest --submission assignments -m week01`` or
``-k softmax`` select as usual. Each exercise is graded once (in a worker, like ``ml4p grade``), the
first time one of its tests runs. A repository can set the default submission with the ini option
``ml4p_submission`` (a student repository sets it to ``assignments``). With a submission, only the
grading tests are collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.commands.common import DEVICE_HELP, DEVICES
from autograder.report import ExerciseResult

_RESULTS = pytest.StashKey[dict]()
_SEED = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ml4p", "ml4p grading")
    group.addoption("--submission", metavar="PATH", help="grade the week modules in PATH")
    group.addoption(
        "--ml4p-seed",
        type=int,
        help="seed of the random cases (default 0; without the hidden reference: the public seed)",
    )
    group.addoption(
        "--ml4p-device", default="auto", choices=DEVICES, help=f"devices to grade on; {DEVICE_HELP}"
    )
    parser.addini("ml4p_submission", "default submission directory to grade", default="")


def pytest_configure(config: pytest.Config) -> None:
    from autograder.registry import WEEK_MODULES

    for module in WEEK_MODULES:
        week = module.split("_", 1)[0]
        config.addinivalue_line("markers", f"{week}: exercises of {module}")
    config.stash[_RESULTS] = {}


def _submission(config: pytest.Config) -> str | None:
    return config.getoption("--submission") or config.getini("ml4p_submission") or None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With a submission, no test file is imported: the grading tests are the whole session."""
    return True if _submission(config) is not None else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items) -> None:
    submission = _submission(config)
    if submission is None:
        return
    from autograder import recorded, zygote
    from autograder.grade import build_cases, exercise_check_names, resolve_devices
    from autograder.registry import all_exercises

    zygote.running()  # a fresh interpreter: this session may have run student code already
    devices = resolve_devices(config.getoption("--ml4p-device"))
    try:
        seed = recorded.grading_seed(config.getoption("--ml4p-seed"))
    except recorded.RecordingError as error:
        raise pytest.UsageError(str(error)) from error
    config.stash[_SEED] = seed
    graded = []
    for exercise in all_exercises():
        for check in exercise_check_names(exercise, build_cases(exercise, seed, devices)):
            test_id = f"{exercise.id}[{check.replace(', ', '-')}]"
            item = GradedCheck.from_parent(
                session,
                name=test_id,
                nodeid=test_id,
                exercise=exercise,
                check=check,
                submission=submission,
            )
            item.add_marker(exercise.module.split("_", 1)[0])
            graded.append(item)
    items[:] = graded


class CheckFailed(Exception):
    """A grading check did not pass; its message is the whole failure report."""


class GradedCheck(pytest.Item):
    def __init__(self, *, exercise, check: str, submission: str, **kwargs):
        super().__init__(**kwargs)
        self.exercise = exercise
        self.check = check
        self.submission = submission

    def runtest(self) -> None:
        result = self._exercise_result()
        for check in result.checks:
            if check.name == self.check:
                if not check.passed:
                    raise CheckFailed(
                        f"{self.exercise.id} [{check.name}] ({result.status}): {check.message}"
                    )
                return
        raise CheckFailed(f"{self.exercise.id}: no check named {self.check!r} was reported")

    def _exercise_result(self) -> ExerciseResult:
        from autograder.grade import grade_exercise, resolve_devices
        from autograder.recorded import RecordingError

        results = self.config.stash[_RESULTS]
        if self.exercise.id not in results:
            devices = resolve_devices(self.config.getoption("--ml4p-device"))
            seed = self.config.stash[_SEED]
            try:
                results[self.exercise.id] = grade_exercise(
                    self.exercise, self.submission, seed, devices
                )
            except RecordingError as error:
                raise CheckFailed(f"{self.exercise.id}: {error}") from None
        return results[self.exercise.id]

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        from autograder.submission import submitted_path

        return str(submitted_path(Path(self.submission), self.exercise.module)), None, self.name


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    results: dict[str, ExerciseResult] = config.stash.get(_RESULTS, {})
    if not results:
        return
    terminalreporter.section("ml4p score")
    for result in results.values():
        terminalreporter.write_line(
            f"{result.id:50s} {result.status:16s} {result.score:6.2f} / {result.max_score:g}"
        )
        for note in result.notes:
            terminalreporter.write_line(f"    note: {note}")
    total = sum(r.score for r in results.values())
    maximum = sum(r.max_score for r in results.values())
    terminalreporter.write_line(
        f"{'total of the exercises run':50s} {'':16s} {total:6.2f} / {maximum:g}"
    )
