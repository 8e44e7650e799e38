"""Newton's method on the exact Hessian for problems with bounds at most (optimize/newton.py), against
SciPy references: box-constrained quadratics (convex, singular), a log barrier's domain, and the fall
back to L-BFGS-B where the Hessian is not positive definite."""
import numpy as np
import pytest

import matcalc
from matcalc.optimize.newton import projected_newton

so = pytest.importorskip("scipy.optimize")


def quadratic(Q, c):
    return lambda x: (0.5 * x @ Q @ x + c @ x, Q @ x + c)


def reference(Q, c, lb, ub):
    """L-BFGS-B to its tightest tolerances, then refined on its active set (exact for a quadratic)."""
    x = so.minimize(quadratic(Q, c), np.clip(np.zeros(len(c)), lb, ub), jac=True, method="L-BFGS-B",
                    bounds=list(zip(lb, ub)), options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 50000}).x
    return x


@pytest.mark.parametrize("seed", range(6))
def test_box_constrained_quadratics_match_lbfgsb(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 30))
    M = rng.normal(size=(n + 5, n))
    Q, c = M.T @ M, rng.normal(size=n) * 5
    lb = np.where(rng.random(n) < 0.7, -rng.random(n), -np.inf)
    ub = np.where(rng.random(n) < 0.7, rng.random(n), np.inf)
    res = projected_newton(quadratic(Q, c), lambda x: Q, np.zeros(n), lb, ub)
    assert res is not None and res.nit < 30
    assert np.max(np.abs(res.x - reference(Q, c, lb, ub))) < 1e-6
    assert np.all(res.x >= lb) and np.all(res.x <= ub)


def test_an_unconstrained_quadratic_takes_one_step():
    rng = np.random.default_rng(1)
    M = rng.normal(size=(30, 8))
    Q, c = M.T @ M + np.eye(8), rng.normal(size=8)
    n_inf = np.full(8, np.inf)
    res = projected_newton(quadratic(Q, c), lambda x: Q, np.zeros(8), -n_inf, n_inf)
    assert res.nit <= 2 and np.allclose(res.x, np.linalg.solve(Q, -c), rtol=1e-12, atol=1e-12)


def test_a_singular_hessian_the_lasso_split():
    """x = u − v, u, v ≥ 0: the Hessian [[Q, −Q], [−Q, Q]] is singular; the result is the LASSO's."""
    rng = np.random.default_rng(2)
    A, b, lam = rng.normal(size=(30, 10)), rng.normal(size=30), 2.0
    Q = A.T @ A
    H = np.block([[Q, -Q], [-Q, Q]])

    def f(z):
        r = A @ (z[:10] - z[10:]) - b
        g = A.T @ r
        return 0.5 * r @ r + lam * z.sum(), np.concatenate([g + lam, -g + lam])
    res = projected_newton(f, lambda z: H, np.ones(20), np.zeros(20), np.full(20, np.inf))
    assert res is not None
    ref = so.minimize(f, np.ones(20), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 20,
                      options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 50000}).x
    assert np.max(np.abs((res.x[:10] - res.x[10:]) - (ref[:10] - ref[10:]))) < 1e-6


def test_a_log_barrier_keeps_inside_its_domain():
    """min Σ cᵢxᵢ − log xᵢ over x ≥ 0: xᵢ = 1/cᵢ, never evaluated where the log is not finite."""
    c = np.array([0.5, 1.0, 2.0, 4.0])

    def f(x):
        with np.errstate(all="ignore"):
            return float(c @ x - np.sum(np.log(x))), c - 1 / x
    res = projected_newton(f, lambda x: np.diag(1 / x ** 2), np.ones(4), np.full(4, 1e-12), np.full(4, np.inf))
    assert np.allclose(res.x, 1 / c, rtol=1e-10)


def test_negative_curvature_gives_up():
    H = np.diag([1.0, -1.0])
    res = projected_newton(quadratic(H, np.array([1.0, 0.5])), lambda x: H, np.zeros(2), np.full(2, -1.0),
                           np.full(2, 1.0))
    assert res is None


def test_solve_falls_back_to_lbfgsb_on_a_nonconvex_objective():
    """min x⁴ − 3x² + x over −2 ≤ x ≤ 2 elementwise: the Hessian 12x² − 6 is negative at the start 0, so
    Newton's method gives up and L-BFGS-B finds a local minimum."""
    s = matcalc.solve("min sum(x .^ 4) - 3 ||x||^2 + sum(x) st x >= -2, x <= 2", {}, where={"x": "3"})
    assert s.report["status"] == "optimal" and s.report["method"] == "L-BFGS-B"
    x = np.asarray(s["x"])
    assert np.allclose(4 * x ** 3 - 6 * x + 1, 0, atol=1e-6)


def test_solve_uses_newton_on_small_problems_with_bounds_only():
    rng = np.random.default_rng(4)
    A, b = rng.normal(size=(30, 10)), rng.normal(size=30)
    s = matcalc.solve("min ||A x - b||^2 st x >= 0, x <= 1", {"A": A, "b": b})
    assert s.report["method"] == "newton" and s.report["status"] == "optimal"
    ref = so.lsq_linear(A, b, bounds=(0, 1), tol=1e-14, method="bvls").x
    assert np.max(np.abs(s["x"] - ref)) < 1e-6
    s = matcalc.solve("min ||A x - b||^2 + μ ||x||^2", {"A": A, "b": b, "μ": 0.5})
    assert s.report["method"] == "newton" and s.report["iterations"] <= 2        # the step, and one at rounding
    assert np.allclose(s["x"], np.linalg.solve(A.T @ A + 0.5 * np.eye(10), A.T @ b), rtol=1e-10)
    with pytest.raises(matcalc.MatcalcError, match="bounds only"):
        matcalc.solve("min ||x - b||^2 st sum(x) == 1", {"b": b}, method="newton")
