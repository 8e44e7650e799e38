"""The derivation shown step by step is what the engine did: both sides of every step are equal at a
random point (a `df = …` step equals the directional derivative, by finite differences)."""
import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.check import dim_symbols, direction, sample_sizes, sample_value
from matcalc.derive import DF, Label
from matcalc.numeric import evaluate
from test_cookbook import ROWS as COOKBOOK
from test_identities import ROWS as IDENTITIES
from test_jacobians import HESSIANS, JACOBIANS

CASES = [("grad", r[0], r[1], r[2]) for r in IDENTITIES] + [("jacobian", r[0], r[1], None) for r in JACOBIANS] \
    + [("hessian", r[0], r[1], r[2]) for r in HESSIANS] \
    + [("grad", r.expr, r.wrt, r.decl) for r in COOKBOOK if r.domain is None and r.xfail is None]


def valid_point(exprs, wrt, seed=5):
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    variables = sorted({v for e in exprs for v in e.free if isinstance(v, E.Var)} | {wrt}, key=lambda v: v.name)
    for mode in ["plain"] * 10 + ["spd"] * 10:
        env = {v: sample_value(v, sizes, rng, mode) for v in variables}
        if all(np.all(np.isfinite(evaluate(e, env, sizes))) for e in exprs):
            return env, sizes, rng
    pytest.fail("no point where every side of the steps is finite: the case tests nothing")


@pytest.mark.parametrize("kind, text, wrt, where", CASES, ids=[f"{c[0]}:{c[1]}:d{c[2]}" for c in CASES])
def test_both_sides_of_every_step_are_equal(kind, text, wrt, where):
    result = getattr(matcalc, kind)(text, wrt, where=where, check=False)
    assert result.steps, "no steps recorded"
    var = result.first if kind == "hessian" else result.wrt
    grad = result.gradient if kind == "hessian" else None
    exprs = [result.function, result.expr] + ([grad] if grad is not None else [])
    env, sizes, rng = valid_point(exprs, var)
    d = direction(var, sizes, rng)
    env[E.Differential(var)] = d
    x0 = env[var]

    def along(function, t=1e-4):
        def at(h):
            return evaluate(function, {**env, var: x0 + h * d}, sizes)
        return (8 * (at(t / 2) - at(-t / 2)) - (at(t) - at(-t))) / (6 * t)   # Richardson
    in_hessian_part = False
    for step in result.steps:
        rhs = evaluate(step.rhs, env, sizes)
        if isinstance(step.lhs, Label):
            if step.lhs == DF and not in_hessian_part:
                lhs = along(result.function)
            elif step.lhs.text.startswith("d(∂f"):
                in_hessian_part = True
                lhs = along(grad)
            else:
                continue                      # ∂f/∂X = projection onto structured matrices
        else:
            lhs = evaluate(step.lhs, env, sizes)
        lhs, rhs = np.asarray(lhs).reshape(-1, order="F"), np.asarray(rhs).reshape(-1, order="F")
        scale = 1 + np.max(np.abs(lhs))
        assert np.allclose(lhs, rhs, rtol=1e-6, atol=1e-6 * scale), f"{step.text}  [{step.rule}]"


def test_steps_name_the_rules_a_student_would():
    rules = " | ".join(s.rule for s in matcalc.grad("tr(X^-1 A)", "X").steps)
    assert "product rule" in rules and "d(X⁻¹) = −X⁻¹ dX X⁻¹" in rules
    assert "cyclic property of the trace" in rules and "identification" in rules
    rules = " | ".join(s.rule for s in matcalc.grad("sum(log(1 + exp(-y .* (X w))))", "w").steps)
    assert "chain rule" in rules and "Hadamard–trace swap" in rules
    rules = " | ".join(s.rule for s in matcalc.grad("a^T X^T b", "X").steps)
    assert "transpose" in rules
    hess = [s.rule for s in matcalc.hessian("x^T A x", "x").steps]
    assert any(r.startswith("the gradient's differential") for r in hess)
    block = matcalc.grad("x^T A x", "x").steps_latex()
    assert block.startswith("\\begin{aligned}") and block.endswith("\\end{aligned}") and "&=" in block
