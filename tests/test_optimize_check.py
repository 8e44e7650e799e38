"""solve's one check of its generated functions (optimize/check.py), and read_problem's reuse of the
differences it has parsed: a wrong derivative must be refused, a right one on a log domain accepted."""
import types

import numpy as np
import pytest

from matcalc import expr as E
from matcalc.errors import CheckError
from matcalc.optimize import read_problem, solve
from matcalc.optimize import plan, solver
from matcalc.optimize.problem import split_relations, split_top
from matcalc.parse import parse
from matcalc.simplify import simplify

pytest.importorskip("scipy.optimize")

RNG = np.random.default_rng(3)
A, B = RNG.normal(size=(12, 5)), RNG.normal(size=12)


@pytest.fixture(autouse=True)
def fresh_cache():
    solver._cache.clear()
    yield
    solver._cache.clear()


def wrong(real, change):
    """A derivation whose expression is changed (the rest of its result kept)."""
    def derive(*args, **kwargs):
        r = real(*args, **kwargs)
        return types.SimpleNamespace(expr=change(r.expr, args), conditions=getattr(r, "conditions", ()))
    return derive


def test_a_wrong_gradient_is_refused_before_anything_is_solved(monkeypatch):
    # the gradient plus x: ridge's stationary point moves, and L-BFGS-B alone may well report it
    monkeypatch.setattr(plan, "grad", wrong(plan.grad, lambda e, args: E.Add(e, args[1])))
    with pytest.raises(CheckError, match="objective's gradient"):
        solve("min ||A x - b||^2 + μ ||x||^2", {"A": A, "b": B, "μ": 0.5})


def test_a_gradient_wrong_by_a_factor_is_refused(monkeypatch):
    # 2∇f has the same zero: the solution would even be right, but the code is not what it says
    monkeypatch.setattr(plan, "grad", wrong(plan.grad, lambda e, args: E.product(E.Num(2), e)))
    with pytest.raises(CheckError, match="gradient"):
        solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": B})


def test_a_wrong_hessian_is_refused(monkeypatch):
    # the interior point method runs on the Hessian: half of it would still converge, slower, to the
    # right point, with the wrong curvature in the convexity verdict
    monkeypatch.setattr(plan, "hessian", wrong(plan.hessian, lambda e, args: E.product(E.Num(2), e)))
    K = RNG.normal(size=(6, 3))
    K = K @ K.T
    y = np.array([1.0, -1, 1, -1, 1, -1])
    with pytest.raises(CheckError, match="Hessian"):
        solve("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": K, "y": y, "c": 1.0},
              where={"K": "n x n symmetric", "c": "scalar"})


def test_a_wrong_constraint_jacobian_is_refused(monkeypatch):
    real = plan.grad

    def derive(f, v, check=False):
        r = real(f, v, check=check)
        if f.free == {v} and f.is_scalar and "sum" in str(f) and "log" not in str(f):    # ∇ sum(h) = 1 → 1 + h
            return types.SimpleNamespace(expr=E.Add(r.expr, v), conditions=r.conditions)
        return r
    monkeypatch.setattr(plan, "grad", derive)
    with pytest.raises(CheckError, match="constraint 'sum\\(h\\) == 1'"):
        solve("max c^T log(h) st h >= 0, sum(h) == 1", {"c": np.array([1.0, 2, 3, 4])})


def test_right_derivatives_pass_on_a_log_domain_and_a_rewrite():
    s = solve("max c^T log(h) st h >= 0, sum(h) == 1", {"c": np.array([1.0, 2, 3, 4])})
    assert np.allclose(s["h"], [0.1, 0.2, 0.3, 0.4], atol=1e-6)
    s = solve("min 1/2 ||A x - b||^2 + λ ||x||_1", {"A": A, "b": B, "λ": 0.1})
    assert s.report["status"] == "optimal"


def test_the_check_runs_once_per_derivation(monkeypatch):
    from matcalc.optimize import check
    calls = []
    real = check.check_problem
    monkeypatch.setattr(check, "check_problem", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": B})
    assert len(calls) == 1


@pytest.mark.parametrize("text, where", [
    ("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": "n x n symmetric", "c": "scalar"}),
    ("max c^T log(h) st h >= 0, sum(h) == 1", None),
    ("min ||A x - b||^2 st x >= 0, 1 >= x, A x <= b", None),
    ("min ||x||^2 st A x == b", None),
])
def test_constraints_read_once_are_the_constraints_read_alone(text, where):
    # g is reused from the reading of the relation (R - L for >=): it must be the difference parsed on its own
    p = read_problem(text, where)
    expected = []
    for ctext in split_top(text.split(" st ", 1)[1], ",;"):
        chain = split_relations(ctext)
        for i in range(0, len(chain) - 2, 2):
            left, op, right = chain[i:i + 3]
            expected.append(simplify(parse(f"({right}) - ({left})" if op == ">=" else f"({left}) - ({right})",
                                           dict(p.where))))
    assert len(expected) == len(p.constraints)
    for c, e in zip(p.constraints, expected):
        assert c.expr == e, (c.text, str(c.expr), str(e))


def test_number_bounds_without_generated_code_are_the_numbers():
    # solve makes a bound that is a number (0, -1, 1/2) a Python function instead of generated code
    b = np.array([-3.0, 0.2, 4.0, -0.5])
    s = solve("min ||x - b||^2 st x >= -1, x <= 1/2", {"b": b})
    assert np.allclose(s["x"], np.clip(b, -1, 0.5), atol=1e-8)
    spec = next(v for k, v in solver._cache.items() if k[0] == "spec")
    assert [fn() for _, _, fn, params in spec["bounds"] if not params] == [-1.0, 0.5]


def test_functions_that_fail_the_check_are_not_kept(monkeypatch):
    monkeypatch.setattr(plan, "grad", wrong(plan.grad, lambda e, args: E.Add(e, args[1])))
    for _ in range(2):          # the second solve of the text checks again, it does not reuse the code
        with pytest.raises(CheckError):
            solve("min ||A x - b||^2 + μ ||x||^2", {"A": A, "b": B, "μ": 0.5})
    assert not [k for k in solver._cache if k[0] == "spec"]


def test_a_constant_hessian_is_evaluated_once_per_solve_and_a_varying_one_is_not_held():
    calls = []

    def counting(text, data):
        solver._cache.clear()
        solve(text, data)                    # makes and checks the functions
        spec = next(v for k, v in solver._cache.items() if k[0] == "spec")
        fn, params, blocks, constant = spec["hessian"]

        def counted(*args):
            calls.append(1)
            return fn(*args)
        spec["hessian"] = (counted, params, blocks, constant)
        calls.clear()
        s = solve(text, data)
        return s, constant, len(calls)
    s, constant, n = counting("min ||A x - b||^2 st x >= 0", {"A": A, "b": B})
    assert constant and n == 1 and s.report["convexity"].startswith("convex")
    # the simplex MLE's Hessian varies with h: the interior point method evaluates it at every step
    s, constant, n = counting("max c^T log(h) st h >= 0, sum(h) == 1", {"c": np.array([1.0, 2, 3, 4])})
    assert not constant and n == s.report["iterations"] > 2


def test_the_comparison_itself():
    from matcalc.optimize.check import _agree
    one = np.ones(1)
    _agree("x²", lambda x: x ** 2, one, one, np.array([2.0]), 2.0)                  # right: passes
    with pytest.raises(CheckError, match="x²"):
        _agree("x²", lambda x: x ** 2, one, one, np.array([3.0]), 3.0)              # wrong by a third
    _agree("√|x|", lambda x: np.sqrt(np.abs(x)), 0 * one, one, np.array([np.inf]), np.inf)   # not finite: unchecked
    _agree("log", np.log, -one, one, np.array([-1.0]), 1.0)                          # no finite values near z
