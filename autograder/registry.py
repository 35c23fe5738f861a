"""Every exercise the grader knows, in course order, and how to select them."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from functools import cache

from autograder.exercise import Exercise

WEEK_MODULES = (
    "week01_practices",
    "week02_mlp_cnn",
    "week03_gnn_transformer",
    "week04_symmetry",
    "week05_diffprog",
    "week06_generative1",
    "week07_generative2",
    "week08_pinn",
)


@cache
def week_exercises(module: str) -> tuple[Exercise, ...]:
    """The ``EXERCISES`` of ``autograder.exercises.<module>`` (none when the week has no checks yet)."""
    name = f"autograder.exercises.{module}"
    if module not in WEEK_MODULES or importlib.util.find_spec(name) is None:
        return ()
    return tuple(importlib.import_module(name).EXERCISES)


def all_exercises() -> tuple[Exercise, ...]:
    """Every week's exercises, in course order."""
    return tuple(exercise for module in WEEK_MODULES for exercise in week_exercises(module))


def exercise_by_id(exercise_id: str) -> Exercise:
    """The exercise ``<module>.<name>`` (only its own week's definitions are imported)."""
    for exercise in week_exercises(exercise_id.split(".", 1)[0]):
        if exercise.id == exercise_id:
            return exercise
    raise KeyError(f"no exercise {exercise_id!r}")


def week_module(week: str) -> str:
    """``1``, ``01``, ``week01`` or ``week01_practices`` -> ``week01_practices``."""
    text = week.strip().lower().removeprefix("week")
    number = text.split("_", 1)[0]
    if not number.isdigit():
        raise ValueError(f"unknown week {week!r}: use a number 1-8 or a name like week01")
    for module in WEEK_MODULES:
        if int(module[4:6]) == int(number):
            return module
    raise ValueError(f"unknown week {week!r}: the course has weeks 1-{len(WEEK_MODULES)}")


def select(weeks: Iterable[str] = (), ids: Iterable[str] = ()) -> list[Exercise]:
    """Exercises of the given weeks and/or with the given ids (all of them when both are empty)."""
    modules = {week_module(week) for week in weeks}
    ids = set(ids)
    if not ids:  # only the weeks asked for are imported
        chosen = [module for module in WEEK_MODULES if not modules or module in modules]
        return [exercise for module in chosen for exercise in week_exercises(module)]
    unknown = ids - {exercise.id for exercise in all_exercises()}
    if unknown:
        raise ValueError(f"unknown exercise(s): {', '.join(sorted(unknown))}")
    return [
        exercise
        for exercise in all_exercises()
        if (not modules and not ids) or exercise.module in modules or exercise.id in ids
    ]
