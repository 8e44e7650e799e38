"""A primal-dual interior point method for a smooth convex objective with its exact Hessian under
linear constraints and bounds: the SVM dual, the simplex MLE, any QP that has more than bounds.

NumPy and SciPy only, no matcalc import: `codegen --solver` copies this file into the module it
writes. Why not SciPy's trust-constr: it is an interior point method too, but a general one in
Python, with a trust region and a projected CG on every barrier subproblem; for these problems each
of its iterations cost ~2 ms at n = 20 and its iteration counts were 50-130 (benchmarks/README.md),
where Mehrotra's predictor-corrector takes ~15-30 Newton steps of one dense factorization each.

The problem: min f(x) st A_eq x = b_eq, A_in x + s = b_in with s ≥ 0, lb ≤ x ≤ ub. Bounds stay
strictly satisfied at every iterate (x − lb > 0, ub − x > 0: log h is never evaluated at h ≤ 0); the
equalities and inequalities are met at the limit. Each iteration solves one symmetric system

    [ H + Σ + A_inᵀ (Z/S) A_in   A_eqᵀ ] [Δx]
    [ A_eq                       −δI   ] [Δy] = r

(Σ the bounds' z/(x − lb) and z/(ub − x), δ a tiny regularization for a rank-deficient H) for the
predictor and the corrector (Nocedal & Wright, Numerical Optimization §16.6, Algorithm 16.4).
"""
import numpy as np


class Result:
    """The point, the multipliers (y per equality row, z per inequality row), counts and a message."""

    def __init__(self, x, fun, y, z, nit, success, message, residuals):
        self.x, self.fun, self.y, self.z, self.nit = x, fun, y, z, nit
        self.success, self.message, self.residuals = success, message, residuals
        self.status = 0 if success else 1


def interior_point(fun, hess, x0, lb, ub, A_eq, b_eq, A_in, b_in, *, maxiter=200, tol=1e-10, progress=None):
    """Minimize fun (value, gradient) with Hessian hess(x) subject to A_eq x = b_eq, A_in x <= b_in
    and lb <= x <= ub. `progress(iteration, objective, μ)` after each step.

    The positive quantities — the slacks s, the distances to the bounds x − lb and ub − x — are one
    vector P, their multipliers (z, zl, zu) one vector W, so that each product, ratio and step-length
    test is one NumPy operation (at n = 20 an iteration is ~100 of them: their count is its cost)."""
    n, m, k = x0.size, b_eq.size, b_in.size
    ilo, ihi = np.flatnonzero(np.isfinite(lb)), np.flatnonzero(np.isfinite(ub))
    nl = ilo.size
    x = _interior_start(np.asarray(x0, dtype=float), lb, ub)
    s = np.maximum(b_in - A_in @ x, 1.0)
    y, W = np.zeros(m), np.ones(k + nl + ihi.size)
    count = W.size
    message, success, it = "maximum number of iterations", False, 0

    def state(x, y, s, W):
        f, g = fun(x)
        P = np.concatenate((s, x[ilo] - lb[ilo], ub[ihi] - x[ihi]))
        rd = g + A_eq.T @ y if m else g.copy()
        if k:
            rd += A_in.T @ W[:k]
        rd[ilo] -= W[k:k + nl]
        rd[ihi] += W[k + nl:]
        re = A_eq @ x - b_eq
        gap = A_in @ x - b_in
        comp = np.concatenate((gap, P[k:])) * W        # complementarity: the inequalities' gaps, the bounds'
        return f, g, P, rd, re, gap + s, _ipm_residuals(rd, re, gap, comp)

    for it in range(1, maxiter + 1):
        f, g, P, rd, re, ri, residuals = state(x, y, s, W)
        mu = P @ W / count if count else 0.0
        if progress is not None:
            progress(it, f, mu)
        if residuals["stationarity"] <= tol * max(1.0, np.max(np.abs(g), initial=0.0)) and \
                residuals["primal_violation"] <= tol and mu <= tol:
            message, success = "KKT conditions met to the tolerance", True
            break
        H = np.asarray(hess(x), dtype=float)
        ratio = W / P
        sigma_x = np.zeros(n)                  # the bounds' part of the system: diagonal
        sigma_x[ilo] += ratio[k:k + nl]
        sigma_x[ihi] += ratio[k + nl:]
        hd = np.diagonal(H)
        # the regularization scales with H, not with Σ (whose entries grow like 1/μ near the solution)
        delta = 1e-12 * max(1.0, float(np.max(np.abs(hd), initial=1.0)))
        diagonal = k == 0 and np.count_nonzero(H) == np.count_nonzero(hd)
        if diagonal:
            # H diagonal (the simplex MLE's c/h²): Δx = K⁻¹(r − A_eqᵀΔy) and the m×m Schur complement
            # A_eq K⁻¹ A_eqᵀ for Δy, O(n m²) instead of a dense (n + m)³ factorization
            kd = hd + sigma_x + delta
            schur = _lu((A_eq / kd) @ A_eq.T + delta * np.eye(m)) if m else None
        else:
            K = np.empty((n + m, n + m))
            K[:n, :n] = H
            if k:
                K[:n, :n] += A_in.T @ (ratio[:k, None] * A_in)
            K[:n, n:], K[n:, :n], K[n:, n:] = A_eq.T, A_eq, -delta * np.eye(m)
            K[np.arange(n), np.arange(n)] += sigma_x + delta
            factor = _lu(K)

        def solve(rx, ry):
            if not diagonal:
                sol = _lu_solve(factor, np.concatenate([rx, ry]))
                return sol[:n], sol[n:]
            if not m:
                return rx / kd, np.zeros(0)
            dy = _lu_solve(schur, A_eq @ (rx / kd) - ry)
            return (rx - A_eq.T @ dy) / kd, dy

        def step(C):
            """(Δx, Δy, ΔP, ΔW) for the complementarity targets C (by how much P∘W should move)."""
            CP = C / P
            rhs_x = -rd
            if k:
                rhs_x -= A_in.T @ (CP[:k] + ratio[:k] * ri)
            rhs_x[ilo] += CP[k:k + nl]
            rhs_x[ihi] -= CP[k + nl:]
            dx, dy = solve(rhs_x, -re)
            dP = np.concatenate((-ri - A_in @ dx, dx[ilo], -dx[ihi]))
            return dx, dy, dP, CP - ratio * dP

        # predictor: the affine (pure Newton) step, then the centering it suggests, then the corrector
        PW = P * W
        dx, dy, dP, dW = step(-PW)
        alpha = _longest(P, dP, W, dW, 1.0)
        mu_aff = (P + alpha * dP) @ (W + alpha * dW) / count if count else 0.0
        sigma = (mu_aff / mu) ** 3 if mu > 0 else 0.0
        dx, dy, dP, dW = step(sigma * mu - PW - dP * dW)
        alpha = _longest(P, dP, W, dW, 0.995)
        x, y, s, W = x + alpha * dx, y + alpha * dy, s + alpha * dP[:k], W + alpha * dW
        if not np.all(np.isfinite(x)):
            message = "the iterates left the finite numbers"
            break
    f, residuals = state(x, y, s, W)[::6]
    return Result(x, f, y, W[:k], it, success, message, residuals)


def _interior_start(x, lb, ub):
    """x moved strictly inside the bounds (a hundredth of the box, or 1 from a one-sided bound)."""
    width = np.where(np.isfinite(ub - lb), (ub - lb) / 100, 1.0)
    lo_gap, hi_gap = np.minimum(width, 1.0), np.minimum(width, 1.0)
    return np.clip(x, np.where(np.isfinite(lb), lb + lo_gap, -np.inf), np.where(np.isfinite(ub), ub - hi_gap, np.inf))


def _lu(K):
    """LAPACK's LU factors of K (dgetrf directly: scipy.linalg.lu_factor and lu_solve wrap each call in
    ~35 µs of Python, two thirds of an iteration's linear algebra at n = 20)."""
    from scipy.linalg.lapack import dgetrf
    lu, piv, _ = dgetrf(K, overwrite_a=1)
    return lu, piv


def _lu_solve(factor, b):
    from scipy.linalg.lapack import dgetrs
    return dgetrs(*factor, b)[0]


def _longest(P, dP, W, dW, fraction):
    """The largest α ≤ 1 keeping P + α·ΔP and W + α·ΔW positive, times the fraction to the boundary."""
    v, dv = np.concatenate((P, W)), np.concatenate((dP, dW))
    neg = dv < 0
    if not neg.any():
        return 1.0
    return min(1.0, float(np.min(v[neg] / -dv[neg])) * fraction)


def _ipm_residuals(rd, re, gap, comp):
    """KKT residuals with the method's multipliers: the Lagrangian's gradient, the largest violation of
    the equalities and inequalities (the bounds hold strictly), the largest complementarity product."""
    violation = max(float(np.max(np.abs(re), initial=0.0)), float(np.max(gap, initial=0.0)))
    return {"stationarity": float(np.max(np.abs(rd), initial=0.0)), "primal_violation": violation,
            "complementary_slackness": float(np.max(np.abs(comp), initial=0.0))}
