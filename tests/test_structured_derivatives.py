"""Jacobians, Hessians and Newton steps w.r.t. symmetric, spd and diagonal variables (matcalc/structured.py).

The convention (docs/symmetric.md): on vec X, the derivative is restricted by the projector P onto the
variable's space — P = (I + K)/2 for symmetric X, diag(vec I) for diagonal X — so J P acts as J on the
variable's directions and is zero on the others, and the Hessian P H P is the bilinear form d²f[H, K] on
symmetric (diagonal) H, K. Each is compared here with differences of an independent NumPy function along
directions of the variable's space, and on a basis of its free entries (vech) for the Newton step.
"""
import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc import structured
from matcalc.analysis import newton_step
from matcalc.numeric import evaluate

RNG = np.random.default_rng(11)
GAUSSIAN = "-1/2 log det Σ - 1/2 (x - μ)^T Σ^{-1} (x - μ)"
WHERE = {"Σ": "n x n spd", "x": "n", "μ": "n"}


def spd(n, rng=RNG):
    b = rng.standard_normal((n, n))
    return b @ b.T / n + np.eye(n)


def sym(n, rng=RNG):
    a = rng.standard_normal((n, n))
    return (a + a.T) / 2


def vec(a):
    return a.reshape(-1, order="F")


def value_of(expr, values, sizes):
    return evaluate(expr, {v: values[v.name] for v in expr.free if isinstance(v, E.Var)}, sizes)


def gaussian(S, x, mu):
    """Independent: the log-likelihood of one sample, up to a constant."""
    r = x - mu
    return -0.5 * np.linalg.slogdet(S)[1] - 0.5 * float(r @ np.linalg.solve(S, r))


def symmetric_basis(n):
    """E_ij + E_ji (i < j) and E_ii: a basis of the symmetric matrices, one per free entry (vech)."""
    out = []
    for j in range(n):
        for i in range(j, n):
            e = np.zeros((n, n))
            e[i, j] = e[j, i] = 1.0
            out.append(e)
    return out


def second_difference(f, x, h, k, t=1e-3):
    return (f(x + t * h + t * k) - f(x + t * h - t * k) - f(x - t * h + t * k) + f(x - t * h - t * k)) / (4 * t * t)


# ---- the Hessian on symmetric directions -----------------------------------------------------------
def test_gaussian_hessian_wrt_covariance_is_the_bilinear_form_on_symmetric_directions():
    r = matcalc.hessian(GAUSSIAN, "Σ", where=WHERE)
    assert r.report.passed, r.report
    # (Σ⁻¹ ⊗ Σ⁻¹)(I − (I ⊗ R + R ⊗ I)) contracted (simplify/kronecker.py): one n²×n² by n²×n² product fewer
    assert str(r) == ("1/4 (Σ^-1 ⊗ Σ^-1 - (Σ^-1 ⊗ Σ^-1 (x - μ) (x - μ)^T Σ^-1 + Σ^-1 (x - μ) (x - μ)^T Σ^-1 ⊗ Σ^-1)) "
                      "(I + commutation(n, n))")
    assert any("bilinear form d²f[H, K] on symmetric directions" in note for note in r.notes)
    n = 4
    S, x, mu = spd(n), RNG.standard_normal(n), RNG.standard_normal(n)
    H = value_of(r.expr, {"Σ": S, "x": x[:, None], "μ": mu[:, None]}, {"n": n})
    assert np.allclose(H, H.T)                                     # a symmetric bilinear form
    P = (np.eye(n * n) + np.eye(n * n).reshape(n, n, n * n).transpose(1, 0, 2).reshape(n * n, n * n)) / 2
    assert np.allclose(P @ H @ P, H)                               # zero on antisymmetric directions
    f = lambda s: gaussian(s, x, mu)   # noqa: E731
    for _ in range(3):
        h, k = sym(n), sym(n)
        assert np.isclose(vec(h) @ H @ vec(k), second_difference(f, S, h, k), rtol=1e-5, atol=1e-7)


def test_the_duplication_form_is_the_hessian_of_the_free_entries():
    """Dᵀ H D, with D the duplication matrix (vec X = D vech X), is the Hessian w.r.t. the n(n+1)/2
    free entries: the docs' recipe for people who optimise over vech."""
    n = 3
    r = matcalc.hessian(GAUSSIAN, "Σ", where=WHERE)
    S, x, mu = spd(n), RNG.standard_normal(n), RNG.standard_normal(n)
    H = value_of(r.expr, {"Σ": S, "x": x[:, None], "μ": mu[:, None]}, {"n": n})
    basis = symmetric_basis(n)
    D = np.stack([vec(b) for b in basis], axis=1)
    f = lambda s: gaussian(s, x, mu)   # noqa: E731
    numeric = np.array([[second_difference(f, S, a, b) for b in basis] for a in basis])
    assert np.allclose(D.T @ H @ D, numeric, rtol=1e-5, atol=1e-6)


def test_diagonal_hessian():
    r = matcalc.hessian("tr(X X X) + x^T X^2 x", "X", where={"X": "n x n diagonal", "x": "n"})
    assert r.report.passed
    n = 4
    X, x = np.diag(RNG.standard_normal(n)), RNG.standard_normal(n)
    H = value_of(r.expr, {"X": X, "x": x[:, None]}, {"n": n})
    f = lambda d: np.trace(d @ d @ d) + x @ d @ d @ x   # noqa: E731
    for _ in range(3):
        h, k = np.diag(RNG.standard_normal(n)), np.diag(RNG.standard_normal(n))
        assert np.isclose(vec(h) @ H @ vec(k), second_difference(f, X, h, k), rtol=1e-5, atol=1e-7)
    off = np.ones((n, n)) - np.eye(n)
    assert np.allclose(H @ vec(off), 0) and np.allclose(vec(off) @ H, 0)


def test_mixed_hessian_with_a_symmetric_first_variable():
    r = matcalc.hessian("x^T X y + x^T X^2 x", "X", wrt2="x", where={"X": "n x n symmetric", "x": "n", "y": "n"})
    assert r.report.passed


# ---- Jacobians -----------------------------------------------------------------------------------
def test_jacobian_wrt_a_symmetric_variable_is_restricted_to_symmetric_directions():
    r = matcalc.jacobian("X x + X^2 y", "X", where={"X": "n x n symmetric", "x": "n", "y": "n"})
    assert r.report.passed and "(I + commutation(n, n))" in str(r)
    n = 3
    X, x, y = sym(n), RNG.standard_normal(n), RNG.standard_normal(n)
    J = value_of(r.expr, {"X": X, "x": x[:, None], "y": y[:, None]}, {"n": n})
    F = lambda a: a @ x + a @ a @ y   # noqa: E731
    h = sym(n)
    assert np.allclose(J @ vec(h), (F(X + 1e-6 * h) - F(X - 1e-6 * h)) / 2e-6, atol=1e-7)
    a = RNG.standard_normal((n, n))
    antisymmetric = a - a.T
    assert np.allclose(J @ vec(antisymmetric), 0)


def test_the_check_fails_a_structured_jacobian_that_is_not_restricted(monkeypatch):
    """Finite differences along symmetric directions cannot tell J from J P; the check's restriction
    test does."""
    monkeypatch.setattr(structured, "restricted", lambda J, var: J)
    r = matcalc.jacobian("X x", "X", where={"X": "n x n symmetric", "x": "n"}, check=False)
    report = r.check()
    assert report.status == "failed" and "not zero on the directions" in report.message


def test_hvp_direction_of_a_symmetric_variable_is_symmetric():
    r = matcalc.hvp("x^T S^2 x + log det S", "S", "V", where={"S": "n x n spd", "x": "n"})
    assert r.report.passed
    assert r.along.has("symmetric")


# ---- Newton's method on a covariance ----------------------------------------------------------------
LIKELIHOOD = "-N/2 log det Σ - 1/2 tr(Σ^{-1} S)"
L_WHERE = {"Σ": "n x n spd", "S": "n x n spd", "N": "scalar"}


def test_newton_on_the_gaussian_log_likelihood_converges_to_the_mle():
    """ℓ(Σ) = −N/2 log det Σ − 1/2 tr(Σ⁻¹ S) is maximal at Σ = S/N: the closed-form Newton step, iterated from
    a point near it (20% of its smallest eigenvalue away), gets there quadratically. Σ is kept symmetric
    to rounding, as a caller does: the formulas read a declared-symmetric Σ as symmetric."""
    steps = newton_step(LIKELIHOOD, "Σ", where=L_WHERE)
    assert steps.report.passed, steps.report
    n, N = 4, 7.0
    data = RNG.standard_normal((n, int(N)))
    S = data @ data.T
    mle = S / N
    a = sym(n)
    sigma = mle + 0.2 * np.linalg.eigvalsh(mle)[0] * a / np.linalg.norm(a, 2)
    errors = [np.linalg.norm(sigma - mle)]
    for _ in range(4):
        step = value_of(steps.newton, {"Σ": sigma, "S": S, "N": np.array([[N]])}, {"n": n}).reshape(n, n, order="F")
        assert np.allclose(step, step.T, atol=1e-14 * np.abs(step).max())       # a step on symmetric matrices
        sigma = sigma + (step + step.T) / 2
        errors.append(np.linalg.norm(sigma - mle))
    assert errors[-1] < 1e-10 * np.linalg.norm(mle)
    scale = 10 * np.linalg.norm(np.linalg.inv(mle), 2)
    assert all(e1 < scale * e0 ** 2 + 1e-12 for e0, e1 in zip(errors, errors[1:3])), errors   # quadratic


def test_newton_step_equals_a_finite_difference_newton_step_on_the_free_entries():
    """The step from an independent Newton method on vech Σ, its gradient and Hessian by differences of
    NumPy's log-likelihood along the symmetric basis."""
    steps = newton_step(GAUSSIAN, "Σ", where=WHERE)
    n = 3
    S, x, mu = spd(n), RNG.standard_normal(n), RNG.standard_normal(n)
    f = lambda s: gaussian(s, x, mu)   # noqa: E731
    basis = symmetric_basis(n)
    g = np.array([(f(S + 1e-6 * b) - f(S - 1e-6 * b)) / 2e-6 for b in basis])
    H = np.array([[second_difference(f, S, a, b) for b in basis] for a in basis])
    delta = np.linalg.solve(H, -g)
    expected = sum(d * b for d, b in zip(delta, basis))
    got = value_of(steps.newton, {"Σ": S, "x": x[:, None], "μ": mu[:, None]}, {"n": n}).reshape(n, n, order="F")
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_newton_condition_says_on_which_matrices_the_hessian_is_invertible():
    steps = newton_step(LIKELIHOOD, "Σ", where=L_WHERE, check=False)
    assert steps.conditions[-1].endswith("is invertible on symmetric matrices")


@pytest.mark.parametrize("command", [["hessian", GAUSSIAN, "--wrt", "Σ"], ["newton", GAUSSIAN, "--wrt", "Σ"]])
def test_cli(command):
    from click.testing import CliRunner
    from matcalc.cli import main
    out = CliRunner().invoke(main, command + ["--let", "Σ: n x n spd", "--let", "μ: n"])
    assert out.exit_code == 0, out.output
    assert "passed" in out.output
