"""The week 5 references of part 1 (``Dual``, ``Var``, ``slide_traces``) against closed-form
derivatives, central finite differences and the golden values of curriculum 5.1."""

from __future__ import annotations

import math

import pytest

from autograder.case import CaseRng
from autograder.exercises.week05_diffprog.autodiff_programs import (
    evaluate,
    plain_value,
    random_program,
)
from ml4p_ref import week05_diffprog as ref

pytestmark = pytest.mark.week05

FUNCTIONS = {name: getattr(ref, name) for name in ("sin", "cos", "exp", "log", "tanh")}
# f, f' in closed form, at a point where both are defined
CLOSED_FORMS = {
    "sin": (math.sin, math.cos),
    "cos": (math.cos, lambda a: -math.sin(a)),
    "exp": (math.exp, math.exp),
    "log": (math.log, lambda a: 1 / a),
    "tanh": (math.tanh, lambda a: 1 - math.tanh(a) ** 2),
}


@pytest.mark.parametrize("name", CLOSED_FORMS)
def test_functions_of_dual_and_var_give_the_closed_form_derivative(name):
    f, derivative = CLOSED_FORMS[name]
    a, direction = 0.7, -1.3
    dual = FUNCTIONS[name](ref.Dual(a, direction))
    assert dual.value == pytest.approx(f(a), rel=1e-15)
    assert dual.tangent == pytest.approx(derivative(a) * direction, rel=1e-14)
    x = ref.Var(a)
    FUNCTIONS[name](x).backward()
    assert x.grad == pytest.approx(derivative(a), rel=1e-14)
    assert FUNCTIONS[name](a) == pytest.approx(f(a), rel=1e-15)


def test_operators_with_constants_on_either_side():
    u, v = ref.Dual(1.5, 1.0), ref.Var(1.5)
    for x in (u, v):
        outs = [2 - x, 3 / x, 2 * x, 1 + x, x - 2, x / 4, x**3, -x]
        values = [0.5, 2.0, 3.0, 2.5, -0.5, 0.375, 3.375, -1.5]
        assert [out.value for out in outs] == pytest.approx(values, rel=1e-15)
    derivatives = [-1.0, -3 / 1.5**2, 2.0, 1.0, 1.0, 0.25, 3 * 1.5**2, -1.0]
    tangents = [out.tangent for out in [2 - u, 3 / u, 2 * u, 1 + u, u - 2, u / 4, u**3, -u]]
    assert tangents == pytest.approx(derivatives, rel=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_random_programs_agree_with_central_differences(seed):
    rng = CaseRng(seed)
    x = [1.1, -0.8, 1.6]
    program = random_program(rng, x, 10, left_constants=seed % 2 == 1)
    leaves = [ref.Var(a) for a in x]
    out = evaluate(program, list(leaves), FUNCTIONS)
    out.backward()
    h = 1e-5
    for index in range(3):
        up, down = list(x), list(x)
        up[index] += h
        down[index] -= h
        central = (plain_value(program, up)[-1] - plain_value(program, down)[-1]) / (2 * h)
        assert leaves[index].grad == pytest.approx(central, rel=1e-6, abs=1e-8)
        tangent = [1.0 if k == index else 0.0 for k in range(3)]
        duals = [ref.Dual(a, t) for a, t in zip(x, tangent, strict=True)]
        assert evaluate(program, duals, FUNCTIONS).tangent == pytest.approx(
            leaves[index].grad, rel=1e-12, abs=1e-14
        )
    assert out.value == pytest.approx(plain_value(program, x)[-1], rel=1e-13)


def test_backward_accumulates_and_counts_a_variable_used_twice():
    x = ref.Var(1.5)
    y = x * x + x
    y.backward()
    assert x.grad == pytest.approx(2 * 1.5 + 1, rel=1e-15)
    y.backward()
    assert x.grad == pytest.approx(2 * (2 * 1.5 + 1), rel=1e-15)


def test_a_chain_deeper_than_the_recursion_limit():
    x0, steps = 0.3, 7000
    x = ref.Var(x0)
    y, values = x, [x0]
    for _ in range(steps):
        y = y + 1e-4 * ref.sin(y)
        values.append(values[-1] + 1e-4 * math.sin(values[-1]))
    y.backward()
    assert y.value == pytest.approx(values[-1], rel=1e-13)
    product = math.prod(1 + 1e-4 * math.cos(v) for v in values[:-1])
    assert x.grad == pytest.approx(product, rel=1e-12)


def test_slide_traces_golden_values():
    traces = ref.slide_traces()
    primal = [1, 2, 2, 0.909297, 0.909297, 8, 10.909297]
    tangent = [1, 0, 2, 0, 0.909297, 0, 2.909297]
    adjoint = [2.909297, 11.583853, 1, 1, 1, 1, 1]
    assert traces["primal"] == pytest.approx(primal, abs=5e-7)
    assert traces["tangent_dx0"] == pytest.approx(tangent, abs=5e-7)
    assert traces["adjoint"] == pytest.approx(adjoint, abs=5e-7)
    assert traces["adjoint"][0] == pytest.approx(2 + math.sin(2), rel=1e-15)
    assert traces["adjoint"][1] == pytest.approx(12 + math.cos(2), rel=1e-15)


def test_slide_traces_at_a_random_point_match_the_hand_chain_rule():
    x0, x1 = -0.4, 1.3
    traces = ref.slide_traces(x0, x1)
    v3 = math.sin(x1)
    assert traces["primal"][6] == pytest.approx(2 * x0 + x0 * v3 + x1**3, rel=1e-15)
    assert traces["tangent_dx0"][6] == pytest.approx(2 + v3, rel=1e-15)
    expected = [2 + v3, 3 * x1**2 + x0 * math.cos(x1), 1, x0, 1, 1, 1]
    assert traces["adjoint"] == pytest.approx(expected, rel=1e-15)
