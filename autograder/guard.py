"""Around student code in the worker: what it may not call, and what it may not keep changing.

``CallGuard`` wraps every call into student code (``ProbeContext.call``): the forbidden-API watches
record what the call reaches, and global state is put back before and after it. ``StateKeeper``
does the putting back (``autograder.state``), stops threads left running (``autograder.threads``)
and words what it found, and what the sandbox refused, as notes on the exercise. Nothing here fails
a case: only the outputs do.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from autograder.exercise import Exercise
from autograder.forbidden import ForbiddenWatch, OperationWatch
from autograder.state import GlobalState
from autograder.threads import stop_new_threads


class StateKeeper:
    """Puts global state back after student code ran, stops its threads, and words the notes."""

    def __init__(self, refused: list[str]):
        self.pristine = GlobalState()
        self.threads = set(threading.enumerate())
        self.refused = refused  # appended to by the sandbox; drained here

    def settle(self, when: str) -> list[str]:
        """After student code ran (``when``: "at import", "in a call"): what it changed, now undone."""
        stopped = stop_new_threads(self.threads)
        self.threads |= set(threading.enumerate())  # one that could not be stopped is not retried
        notes = [f"{when}: {phrase}" for phrase in stopped]
        notes += [f"{when}: {change} (undone)" for change in self.pristine.restore()]
        notes += [f"{when}: refused: {message}" for message in self.refused]
        self.refused.clear()
        return notes


class CallGuard:
    """Around each call into student code: the forbidden-API watches, and global state put back.

    Before the call the state is put back to the pristine one (anything a surviving thread changed
    in between is noted), then the call's own ``conditions`` (e.g. ``np.errstate``) are entered; after
    it, whatever the call changed is noted and undone.
    """

    def __init__(self, exercise: Exercise, student_file: str, keeper: StateKeeper):
        self.functions = ForbiddenWatch(exercise.forbidden, student_file)
        self.operations = OperationWatch(exercise.forbidden_ops, student_file)
        self.keeper = keeper
        self.notes: list[str] = []

    @contextlib.contextmanager
    def __call__(self, conditions: Callable[[], contextlib.AbstractContextManager]):
        self._note(self.keeper.settle("between calls"))
        try:
            with conditions(), self.functions, self.operations:
                yield
        finally:
            self._note(self.keeper.settle("in a call"))

    def _note(self, notes: list[str]) -> None:
        self.notes += [note for note in notes if note not in self.notes]

    def violations(self) -> list[list]:
        found = sorted(self.functions.violations | self.operations.violations)
        return [[violation.line, violation.name] for violation in found]
