"""Programs the grader runs on the student's ``Dual`` and ``Var`` (week 5, part 1).

A program is a tuple of steps ``(op, *operands)``; an operand is an ``int`` (a slot: the inputs
first, then the result of every earlier step) or a ``float`` (a Python constant, on whichever side
it stands). The same interpreter runs the student's classes in the worker and the reference's in the
parent, so both evaluate exactly the same expression.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import CaseRng

FUNCTIONS = ("sin", "cos", "exp", "log", "tanh")
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}
NEGATE = "neg"
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def module_functions(impl: Any) -> dict[str, Callable]:
    """The module-level ``sin, cos, exp, log, tanh`` next to the class ``impl``."""
    module = sys.modules[impl.__module__]
    missing = [name for name in FUNCTIONS if not callable(getattr(module, name, None))]
    if missing:
        raise AttributeError(f"the module defines no function {', '.join(missing)}")
    return {name: getattr(module, name) for name in FUNCTIONS}


def evaluate(program: tuple, slots: list, functions: Mapping[str, Callable]) -> Any:
    """Run ``program`` on the input ``slots`` (extended in place); the last step's result."""
    for op, *operands in program:
        args = [slots[a] if type(a) is int else a for a in operands]
        if op in BINARY:
            slots.append(BINARY[op](*args))
        else:
            slots.append(-args[0] if op == NEGATE else functions[op](*args))
    return slots[-1]


def describe(program: tuple, inputs: int) -> str:
    """The program as one expression, e.g. ``sin(x0) * 2.0 - x1``."""
    names = [f"x{index}" for index in range(inputs)]
    for op, *operands in program:
        args = [names[a] if type(a) is int else repr(a) for a in operands]
        if op in BINARY:
            names.append(f"({args[0]} {SYMBOLS[op]} {args[1]})")
        else:
            names.append(f"{'-' if op == 'neg' else op}({args[0]})")
    return names[-1]


def plain_value(program: tuple, x: list[float]) -> list[float]:
    """Every slot of ``program`` in plain floats (to draw programs whose values stay tame)."""
    functions = {name: getattr(math, name) for name in FUNCTIONS}
    slots = list(x)
    evaluate(program, slots, functions)
    return slots


def as_floats(values: list) -> torch.Tensor:
    return torch.tensor([float(value) for value in values], dtype=torch.float64)


# ----------------------------------------------------------------------------------------- drawing
OPS = (*BINARY, NEGATE, *FUNCTIONS)
POWERS = (2.0, 3.0, -1.0, 0.5, 1.5)


def random_program(rng: CaseRng, x: list[float], steps: int, left_constants: bool = False) -> tuple:
    """``steps`` random steps on the inputs ``x`` whose values all stay between 1e-2 and 50 in
    magnitude (no domain errors, no overflow), then the sum of the results nothing else uses;
    constants stand on the left when asked."""
    program: list[tuple] = []
    values = list(x)
    while len(program) < steps:
        step = _random_step(rng, len(values), left_constants)
        try:
            result = plain_value((step,), values)[-1]
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if isinstance(result, float) and 1e-2 <= abs(result) <= 50.0:
            program.append(step)
            values.append(result)
    return _gathered(program, len(x))


def _gathered(program: list[tuple], inputs: int) -> tuple:
    """``program`` followed by the sum of every result no later step uses, so that the output
    depends on every step."""
    used = {a for _, *operands in program for a in operands if type(a) is int}
    output = inputs + len(program) - 1
    dangling = [slot for slot in range(output) if slot not in used]
    for slot in dangling:
        program.append(("add", output, slot))
        output = inputs + len(program) - 1
    return tuple(program)


def _random_step(rng: CaseRng, slots: int, left_constants: bool) -> tuple:
    op = OPS[rng.choice(0, len(OPS) - 1)]
    recent = lambda: rng.choice(max(0, slots - 4), slots - 1)  # noqa: E731 (mostly deep trees)
    if op == "pow":
        return (op, recent(), POWERS[rng.choice(0, len(POWERS) - 1)])
    if op in BINARY:
        constant = round(float(rng.uniform(1, low=0.5, high=3.0)), 2)
        if rng.choice(0, 3) == 0:
            return (op, constant, recent()) if left_constants else (op, recent(), constant)
        return (op, recent(), rng.choice(0, slots - 1))
    return (op, recent())
