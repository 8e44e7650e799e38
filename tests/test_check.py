"""The numerical check neither misses real errors nor cries wolf.

Wrong rules are injected into a copy of the rule table and the check must fail on each. Every
identity is checked with many seeds and must never fail: 50 seeds in CI, 1,000 in the long run
(MATCALC_CHECK_SEEDS=1000 python -m pytest tests/test_check.py).
"""
import os

import pytest

import matcalc
from matcalc import diff
from matcalc import expr as E
from matcalc import simplify as simplifier
from test_cookbook import ROWS as COOKBOOK
from test_identities import ROWS as IDENTITIES
from test_jacobians import HESSIANS, JACOBIANS


def wrong_inverse(d, e):            # sign flipped: +X⁻¹ dX X⁻¹
    return E.product(e, d(e.arg), e)


def wrong_logdet(d, e):             # transposed: tr(X⁻ᵀ dX)
    return E.Trace(E.product(E.Transpose(E.Inverse(e.arg)), d(e.arg)))


def wrong_mul(d, e):                # product rule without the last term
    fs = e.factors
    terms = [E.product(*fs[:i], df, *fs[i + 1:]) for i, f in enumerate(fs[:-1]) if (df := d(f)) is not None]
    return terms[0] if len(terms) == 1 else E.Add(*terms) if terms else None


def wrong_transpose(d, e):          # forgets the transpose
    return d(e.arg)


def wrong_norm(d, e):               # forgets the 1/‖x‖
    return diff.inner(e.arg, d(e.arg))


def wrong_softmax(d, e):            # forgets the rank-one term
    return E.Hadamard(e, d(e.arg))


def wrong_det(d, e):                # forgets the det X factor
    return E.Trace(E.product(E.Inverse(e.arg), d(e.arg)))


def wrong_matpow(d, e):             # only A^{k-1} dA
    return E.product(E.MatPow(e.arg, e.k - 1) if e.k > 2 else e.arg, d(e.arg))


def wrong_trace(d, e):              # tr dX replaced by sum dX
    return E.Sum(d(e.arg))


MUTANTS = [
    ("Inverse", wrong_inverse, "tr(X^-1 A)", "X"),
    ("LogDet", wrong_logdet, "log det X", "X"),
    ("Mul", wrong_mul, "x^T A x", "x"),
    ("Transpose", wrong_transpose, "a^T X^T b", "X", {"X": "n x n"}),
    ("Norm", wrong_norm, "||A x - b||", "x"),
    ("Softmax", wrong_softmax, "y^T softmax(x)", "x"),
    ("Det", wrong_det, "det(X)", "X"),
    ("MatPow", wrong_matpow, "tr(A X^3)", "X"),
    ("Trace", wrong_trace, "tr(A X)", "X"),
]
ELEMENTWISE_MUTANTS = [
    ("tanh", lambda u: diff.one_minus(E.Apply("tanh", u)), "sum(tanh(A x))"),          # 1 − tanh, not 1 − tanh²
    ("sigmoid", lambda u: E.Apply("sigmoid", u), "sum(sigmoid(A x))"),                  # σ, not σ(1 − σ)
    ("log", lambda u: E.Pow(u, E.Num(-2)), "sum(log(exp(x) + 1))"),                     # 1/u², not 1/u
    ("sqrt", lambda u: E.Pow(E.Apply("sqrt", u), E.Num(-1)), "sqrt(x^T x)"),            # missing the ½
    ("exp", lambda u: E.product(E.Num(2), E.Apply("exp", u)), "sum(exp(A x))"),
    ("sin", lambda u: E.negate(E.Apply("cos", u)), "sum(sin(x))"),
]


@pytest.fixture(autouse=True)
def fresh_simplifier():
    simplifier._memo.clear()
    yield
    simplifier._memo.clear()


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_a_wrong_rule_fails_the_check(monkeypatch, mutant):
    node, rule, text, wrt, *where = mutant
    monkeypatch.setitem(diff.DIFF_RULES, getattr(E, node), rule)
    result = matcalc.grad(text, wrt, where=where[0] if where else None, check=False)
    assert result.check().status == "failed", f"{text}: the wrong rule gave {result} and the check passed"


@pytest.mark.parametrize("fn, deriv, text", ELEMENTWISE_MUTANTS, ids=[m[0] for m in ELEMENTWISE_MUTANTS])
def test_a_wrong_elementwise_derivative_fails_the_check(monkeypatch, fn, deriv, text):
    monkeypatch.setitem(diff.ELEMENTWISE, fn, (deriv, None))
    result = matcalc.grad(text, "x", check=False)
    assert result.check().status == "failed", f"{text}: {result}"


def test_a_wrong_jacobian_and_hessian_fail(monkeypatch):
    monkeypatch.setitem(diff.DIFF_RULES, E.Softmax, wrong_softmax)
    assert matcalc.jacobian("softmax(x)", "x", check=False).check().status == "failed"
    assert matcalc.hessian("logsumexp(x)", "x", check=False).check().status == "failed"


def test_the_check_catches_a_transposed_result():
    r = matcalc.grad("tr(A X)", "X", check=False)
    wrong = matcalc.Result("gradient", r.function, r.wrt, E.Transpose(r.expr))
    assert wrong.check().status == "failed"


SEEDS = int(os.environ.get("MATCALC_CHECK_SEEDS", "50"))
IDENTITY_CASES = [("grad", r[0], r[1], r[2]) for r in IDENTITIES] + \
    [("jacobian", r[0], r[1], None) for r in JACOBIANS] + [("hessian", r[0], r[1], r[2]) for r in HESSIANS] + \
    [("grad", r.expr, r.wrt, r.decl) for r in COOKBOOK if r.domain is None and r.xfail is None]


@pytest.mark.parametrize("kind, text, wrt, where", IDENTITY_CASES, ids=[f"{c[0]}:{c[1]}:d{c[2]}" for c in IDENTITY_CASES])
def test_no_false_failures(kind, text, wrt, where):
    result = getattr(matcalc, {"grad": "grad", "jacobian": "jacobian", "hessian": "hessian"}[kind])(
        text, wrt, where=where, check=False)
    bad = [(seed, r) for seed in range(SEEDS) if (r := result.check(seed=seed)).status == "failed"]
    assert not bad, f"{len(bad)} of {SEEDS} seeds failed, e.g. {bad[0][1]}"


def test_norms_of_huge_derivatives_do_not_overflow():
    """‖g‖ of entries near 1e200 is finite: an infinite norm would make every error look relatively small."""
    import numpy as np
    from matcalc.check import _norm
    assert _norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    assert _norm(np.zeros(3)) == 0.0
    assert _norm(np.array([1.0, np.inf])) == np.inf
