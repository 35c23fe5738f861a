"""Week 5 checks, part 1: forward and reverse automatic differentiation by hand (curriculum 5.1).

``Dual`` and ``Var`` are graded through their behaviour: the probe builds expressions with the
student's class and the module's ``sin, cos, exp, log, tanh`` (``autodiff_programs``), then reads
values and tangents (``Dual``) or values and the inputs' ``grad`` after ``backward()`` (``Var``).
The reference (``ml4p_ref.week05_diffprog``) wraps float64 torch scalars and takes every derivative
from ``torch.autograd``; comparisons are in float64 at rtol 1e-12.

- ``Dual``: single operations, ``1.5 + x``, ``2 * x``, the functions on plain numbers, the slide
  function and random expression trees ("values"); constants on the left of ``-`` and ``/``, alone
  and in random trees ("constants", the lesson: ``2 - x`` is not ``x - 2``); one dual number used
  twice ("edge cases").
- ``Var``: the same expressions ("values"); variables used twice, diamonds, ``backward()`` on an
  input, two ``backward()`` calls accumulating ("edge cases"); a 20000-node chain ("deep graphs",
  the lesson: a recursive topological sort hits Python's recursion limit).
- ``slide_traces``: the slide's table ("golden") and random points (``autodiff_traces``).
Forbidden everywhere: torch, jax, autograd.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from autograder.case import Case, CaseRng
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.autodiff_programs import (
    as_floats,
    describe,
    evaluate,
    module_functions,
    random_program,
)
from autograder.exercises.week05_diffprog.autodiff_traces import TRACES
from autograder.hints import Evidence, Hint, all_of, explained_by, in_group, raised, scaled
from autograder.probe import ProbeContext

MODULE = "week05_diffprog"
FORBIDDEN = ("torch", "jax", "autograd")
CHAIN_LENGTH = 20_000
TWICE = "backward called twice"


# ----------------------------------------------------------------------------------------- probes
def _number(result: Any, attribute: str) -> float:
    """``result.value``/``.tangent``/``.grad`` as a float; a plain number is a constant."""
    if isinstance(result, (int, float)):
        return 0.0 if attribute != "value" else float(result)
    return float(getattr(result, attribute))


def _run_dual(dual: type, functions: dict, x: list, tangent: list, program: tuple) -> tuple:
    slots = [dual(value, direction) for value, direction in zip(x, tangent, strict=True)]
    out = evaluate(program, slots, functions)
    return _number(out, "value"), _number(out, "tangent")


def dual_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """Evaluate the case's program on ``Dual(x_i, tangent_i)``: its value and tangent."""
    functions = module_functions(impl)
    x, tangent = inputs["x"].tolist(), inputs["tangent"].tolist()
    value, derivative = ctx.call(_run_dual, impl, functions, x, tangent, inputs["program"])
    return {"value": as_floats([value]), "tangent": as_floats([derivative])}


def _run_var(var: type, functions: dict, x: list, program: tuple, calls: int) -> tuple:
    leaves = [var(value) for value in x]
    out = evaluate(program, list(leaves), functions)
    for _ in range(calls):
        out.backward()
    return _number(out, "value"), [_number(leaf, "grad") for leaf in leaves]


def var_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """Evaluate the case's program on ``Var(x_i)``, call ``backward()`` (``calls`` times): the value
    and the ``grad`` of every input."""
    functions = module_functions(impl)
    calls = inputs.get("calls", 1)
    value, grads = ctx.call(
        _run_var, impl, functions, inputs["x"].tolist(), inputs["program"], calls
    )
    return {"value": as_floats([value]), "grad:x": as_floats(grads)}


# ----------------------------------------------------------------------------------------- cases
SLIDE = (("mul", 2.0, 0), ("sin", 1), ("mul", 0, 3), ("pow", 1, 3.0), ("add", 2, 4), ("add", 6, 5))
"""y = 2 x0 + x0 sin x1 + x1**3, as the slide writes it."""

ELEMENTARY = (
    (("add", 0, 1),),
    (("sub", 0, 1),),
    (("mul", 0, 1),),
    (("div", 0, 1),),
    (("pow", 0, 3.0),),
    (("pow", 0, -1.5),),
    (("neg", 0),),
    (("sin", 0),),
    (("cos", 0),),
    (("exp", 0),),
    (("log", 0),),
    (("tanh", 0),),
)
LEFT_CONSTANTS = (
    (("sub", 2.0, 0),),
    (("div", 3.0, 0),),
    (("sub", 2.0, 0), ("div", 3.0, 1), ("mul", 0.5, 2), ("add", 1.0, 3)),
)
PLAIN_FUNCTIONS = tuple(
    ((name, 0.7), ("mul", 1, 0)) for name in ("sin", "cos", "exp", "log", "tanh")
)
COMMUTING_CONSTANTS = ((("add", 1.5, 0),), (("mul", 2.0, 0),))
USED_TWICE = ((("add", 0, 0),), (("mul", 0, 0),), (("mul", 0, 0), ("sub", 1, 0), ("mul", 2, 0)))
DIAMONDS = (
    (("mul", 0, 1), ("sin", 2), ("cos", 2), ("mul", 3, 4), ("add", 5, 2)),
    (("exp", 0), ("tanh", 1), ("mul", 2, 3), ("div", 2, 3), ("sub", 4, 5), ("mul", 6, 4)),
)


def _inputs(rng: CaseRng, count: int) -> list[float]:
    """``count`` inputs in [0.5, 2] (so that log and fractional powers are defined), the second
    one of random sign."""
    x = rng.uniform(count, low=0.5, high=2.0)
    if count > 1 and rng.choice(0, 1):
        x[1] = -x[1]
    return [round(float(value), 6) for value in x]


def _program_case(rng: CaseRng, program: tuple, x: list[float], dual: bool, **kwargs: Any) -> Case:
    label = kwargs.pop("label", None) or describe(program, len(x))
    inputs = {"x": as_floats(x), "program": program, **kwargs.pop("inputs", {})}
    if dual:
        inputs["tangent"] = rng.normal(len(x))
    else:
        kwargs.setdefault("grad", ("x",))
    return Case(label, inputs, **kwargs)


def _reflected(step: tuple) -> bool:
    """A constant on the left of ``-`` or ``/`` (what ``__rsub__``/``__rtruediv__`` compute)."""
    return step[0] in ("sub", "div") and type(step[1]) is not int


def _random_cases(rng: CaseRng, dual: bool, count: int, left: bool = False, **kwargs) -> list[Case]:
    cases = []
    for index in range(count):
        x = _inputs(rng, 3)
        program = random_program(rng, x, 10, left_constants=left)
        while left and not any(map(_reflected, program)):
            program = random_program(rng, x, 10, left_constants=left)
        kind = "with constants on the left" if left else "tree"
        label = f"random expression {kind} {index + 1}: {describe(program, 3)}"
        cases.append(_program_case(rng, program, x, dual, label=label, **kwargs))
    return cases


def _shared_cases(rng: CaseRng, dual: bool) -> list[Case]:
    """Elementary operations, the slide function and random trees (the "values" group)."""
    cases = [_program_case(rng, program, _inputs(rng, 2), dual) for program in ELEMENTARY]
    slide = "slide function 2*x0 + x0*sin(x1) + x1**3"
    cases.append(_program_case(rng, SLIDE, [1.0, 2.0], dual, label=f"{slide} at (1, 2)"))
    cases.append(_program_case(rng, SLIDE, _inputs(rng, 2), dual, label=f"{slide}, random point"))
    return cases + _random_cases(rng, dual, 3)


def dual_cases(rng: CaseRng) -> list[Case]:
    commuting = [
        _program_case(rng, program, _inputs(rng, 1), True)
        for program in COMMUTING_CONSTANTS + PLAIN_FUNCTIONS
    ]
    constants = [
        _program_case(rng, program, _inputs(rng, 1), True, group="constants")
        for program in LEFT_CONSTANTS
    ]
    constants += _random_cases(rng, True, 2, left=True, group="constants")
    twice = [
        _program_case(rng, program, _inputs(rng, 1), True, group="edge cases")
        for program in USED_TWICE
    ]
    return _shared_cases(rng, True) + commuting + constants + twice


def var_cases(rng: CaseRng) -> list[Case]:
    edge = [
        _program_case(rng, program, _inputs(rng, inputs), False, group="edge cases")
        for program, inputs in [(p, 1) for p in USED_TWICE] + [(p, 2) for p in DIAMONDS]
    ]
    edge.append(
        _program_case(
            rng, (), _inputs(rng, 1), False, label="backward() on an input x0", group="edge cases"
        )
    )
    edge.append(
        _program_case(
            rng,
            DIAMONDS[0],
            _inputs(rng, 2),
            False,
            label=TWICE,
            group="edge cases",
            inputs={"calls": 2},
        )
    )
    left = _random_cases(rng, False, 1, left=True)
    return _shared_cases(rng, False) + left + edge + [_chain_case(rng)]


def _chain_case(rng: CaseRng) -> Case:
    """x <- x + 1e-4 sin(x), three nodes a step, 20000 nodes deep (dy/dx0 stays of order 1)."""
    program = []
    for step in range(CHAIN_LENGTH // 3):
        previous = 0 if step == 0 else 1 + 3 * step - 1
        program += [
            ("sin", previous),
            ("mul", 1e-4, len(program) + 1),
            ("add", previous, len(program) + 2),
        ]
    label = f"chain of {CHAIN_LENGTH} nodes, x <- x + 1e-4*sin(x)"
    return _program_case(
        rng, tuple(program), _inputs(rng, 1), False, label=label, group="deep graphs"
    )


# ----------------------------------------------------------------------------------------- hints
def _reference_module():
    return importlib.import_module(f"ml4p_ref.{MODULE}")


def _swap_constant(step: tuple) -> tuple:
    """``(op, c, x) -> (op, x, c)`` for a constant ``c`` on the left of ``-`` or ``/``."""
    return (step[0], step[2], step[1]) if _reflected(step) else step


def _swapped_constants(evidence: Evidence) -> Any:
    """The reference's output when ``c - x`` and ``c / x`` are computed as ``x - c`` and ``x / c``."""
    original = tuple(evidence.case.inputs["program"])
    program = tuple(_swap_constant(step) for step in original)
    if program == original:
        return None
    ref = _reference_module()
    x, tangent = evidence.case.inputs["x"].tolist(), evidence.case.inputs["tangent"].tolist()
    value, derivative = _run_dual(ref.Dual, module_functions(ref.Dual), x, tangent, program)
    return as_floats([value if evidence.key == "value" else derivative])


DUAL_HINTS = (
    Hint(
        "a constant on the left is a dual number with tangent 0: c - x is Dual(c) - x, not x - c "
        "(and c / x is not x / c): __rsub__ and __rtruediv__ must swap the operands back",
        all_of(in_group("constants"), explained_by(_swapped_constants)),
    ),
)

VAR_HINTS = (
    Hint(
        "the graph is deeper than Python's recursion limit (about 1000 nested calls): build the "
        "topological order with an explicit stack instead of a recursive function",
        raised("RecursionError"),
    ),
    Hint(
        "backward() accumulates like torch: a second call adds the same gradients again, so "
        "add to .grad (+=) instead of setting it",
        all_of(lambda evidence: evidence.case.label == TWICE, scaled(0.5)),
    ),
    Hint(
        "a variable used twice must receive the sum of both contributions: accumulate adjoints "
        "(+=), never overwrite them",
        all_of(in_group("edge cases"), scaled(0.5)),
    ),
)


def _exercise(name: str, cases: Callable, probe: Callable, **kwargs: Any) -> Exercise:
    return Exercise(
        module=MODULE,
        name=name,
        cases=cases,
        probe=probe,
        forbidden=FORBIDDEN,
        devices=("cpu",),
        **kwargs,
    )


DUAL = _exercise(
    "Dual",
    dual_cases,
    dual_probe,
    points=2.0,
    groups={"values": 2.0, "edge cases": 0.5, "properties": 0.5, "constants": 3.0},
    lesson="a Python constant on the left (2 - x, 3 / x) is a dual number with tangent 0: the "
    "reflected operators must not swap the operands",
    hints=DUAL_HINTS,
)
VAR = _exercise(
    "Var",
    var_cases,
    var_probe,
    points=3.0,
    groups={
        "values": 2.0,
        "gradients": 2.0,
        "edge cases": 1.5,
        "properties": 0.5,
        "deep graphs": 6.0,
    },
    lesson="backward() must sort the graph without recursion: a 20000-node chain is deeper than "
    "Python's recursion limit",
    hints=VAR_HINTS,
)

EXERCISES = [DUAL, VAR, TRACES]
