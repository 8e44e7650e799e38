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
    and lb <= x <= ub. `progress(iteration, objective, μ)` after each step."""
    from scipy.linalg import lu_factor, lu_solve
    n = x0.size
    lo, hi = np.isfinite(lb), np.isfinite(ub)
    x = _interior_start(np.asarray(x0, dtype=float), lb, ub)
    s = np.maximum(b_in - A_in @ x, 1.0)
    y, z = np.zeros(b_eq.size), np.ones(b_in.size)
    zl, zu = np.ones(int(lo.sum())), np.ones(int(hi.sum()))
    count = b_in.size + zl.size + zu.size
    message, success, it = "maximum number of iterations", False, 0

    def state(x, y, s, z, zl, zu):
        f, g = fun(x)
        dl, du = x[lo] - lb[lo], ub[hi] - x[hi]
        rd = g + A_eq.T @ y + A_in.T @ z
        rd[lo] -= zl
        rd[hi] += zu
        gap, re = A_in @ x - b_in, A_eq @ x - b_eq
        return f, g, dl, du, rd, re, gap + s, _ipm_residuals(rd, re, gap, gap * z, dl * zl, du * zu)

    for it in range(1, maxiter + 1):
        f, g, dl, du, rd, re, ri, residuals = state(x, y, s, z, zl, zu)
        mu = (s @ z + dl @ zl + du @ zu) / count if count else 0.0
        if progress is not None:
            progress(it, f, mu)
        if residuals["stationarity"] <= tol * max(1.0, np.max(np.abs(g), initial=0.0)) and \
                residuals["primal_violation"] <= tol and mu <= tol:
            message, success = "KKT conditions met to the tolerance", True
            break
        H = np.asarray(hess(x), dtype=float)
        sigma_x = np.zeros(n)                  # the bounds' part of the system: diagonal
        sigma_x[lo] += zl / dl
        sigma_x[hi] += zu / du
        hd = np.diagonal(H)
        # the regularization scales with H, not with Σ (whose entries grow like 1/μ near the solution)
        delta = 1e-12 * max(1.0, float(np.max(np.abs(hd), initial=1.0)))
        m = b_eq.size
        diagonal = b_in.size == 0 and np.count_nonzero(H) == np.count_nonzero(hd)
        if diagonal:
            # H diagonal (the simplex MLE's c/h²): Δx = K⁻¹(r − A_eqᵀΔy) and the m×m Schur complement
            # A_eq K⁻¹ A_eqᵀ for Δy, O(n m²) instead of a dense (n + m)³ factorization
            kd = hd + sigma_x + delta
            schur = lu_factor((A_eq / kd) @ A_eq.T + delta * np.eye(m), check_finite=False) if m else None
        else:
            K = np.empty((n + m, n + m))
            K[:n, :n] = H
            if b_in.size:
                K[:n, :n] += A_in.T @ ((z / s)[:, None] * A_in)
            K[:n, n:], K[n:, :n], K[n:, n:] = A_eq.T, A_eq, -delta * np.eye(m)
            K[np.arange(n), np.arange(n)] += sigma_x + delta
            factor = lu_factor(K, check_finite=False, overwrite_a=True)

        def solve(rx, ry):
            if not diagonal:
                sol = lu_solve(factor, np.concatenate([rx, ry]), check_finite=False)
                return sol[:n], sol[n:]
            if not m:
                return rx / kd, np.zeros(0)
            dy = lu_solve(schur, A_eq @ (rx / kd) - ry, check_finite=False)
            return (rx - A_eq.T @ dy) / kd, dy

        def step(cs, cl, cu):
            """(Δx, Δy, Δs, Δz, Δzl, Δzu) for complementarity targets cs, cl, cu (s∘z, dl∘zl, du∘zu
            should move by them)."""
            rhs_x = -rd - A_in.T @ ((cs + z * ri) / s)
            rhs_x[lo] += cl / dl
            rhs_x[hi] -= cu / du
            dx, dy = solve(rhs_x, -re)
            ds = -ri - A_in @ dx
            dz = (cs - z * ds) / s
            dzl = (cl - zl * dx[lo]) / dl
            dzu = (cu + zu * dx[hi]) / du
            return dx, dy, ds, dz, dzl, dzu

        # predictor: the affine (pure Newton) step, then the centering it suggests, then the corrector
        a = step(-s * z, -dl * zl, -du * zu)
        alpha = _longest(s, a[2], z, a[3], dl, a[0][lo], zl, a[4], du, -a[0][hi], zu, a[5], 1.0)
        mu_aff = ((s + alpha * a[2]) @ (z + alpha * a[3]) + (dl + alpha * a[0][lo]) @ (zl + alpha * a[4]) +
                  (du - alpha * a[0][hi]) @ (zu + alpha * a[5])) / count if count else 0.0
        sigma = (mu_aff / mu) ** 3 if mu > 0 else 0.0
        d = step(-s * z - a[2] * a[3] + sigma * mu, -dl * zl - a[0][lo] * a[4] + sigma * mu,
                 -du * zu + a[0][hi] * a[5] + sigma * mu)
        alpha = _longest(s, d[2], z, d[3], dl, d[0][lo], zl, d[4], du, -d[0][hi], zu, d[5], 0.995)
        x, y, s, z = x + alpha * d[0], y + alpha * d[1], s + alpha * d[2], z + alpha * d[3]
        zl, zu = zl + alpha * d[4], zu + alpha * d[5]
        if not np.all(np.isfinite(x)):
            message = "the iterates left the finite numbers"
            break
    f, residuals = state(x, y, s, z, zl, zu)[::7]
    return Result(x, f, y, z, it, success, message, residuals)


def _interior_start(x, lb, ub):
    """x moved strictly inside the bounds (a hundredth of the box, or 1 from a one-sided bound)."""
    width = np.where(np.isfinite(ub - lb), (ub - lb) / 100, 1.0)
    lo_gap, hi_gap = np.minimum(width, 1.0), np.minimum(width, 1.0)
    return np.clip(x, np.where(np.isfinite(lb), lb + lo_gap, -np.inf), np.where(np.isfinite(ub), ub - hi_gap, np.inf))


def _longest(*pairs_and_fraction):
    """The largest α ≤ 1 keeping every (value + α·change) positive, times the fraction to the boundary."""
    *pairs, fraction = pairs_and_fraction
    alpha = 1.0
    for v, dv in zip(pairs[::2], pairs[1::2]):
        neg = dv < 0
        if np.any(neg):
            alpha = min(alpha, float(np.min(-v[neg] / dv[neg])) * fraction)
    return min(alpha, 1.0)


def _ipm_residuals(rd, re, gap, sz, lz, uz):
    """KKT residuals with the method's multipliers: the Lagrangian's gradient, the largest violation of
    the equalities and inequalities (the bounds hold strictly), the largest complementarity product."""
    violation = max(float(np.max(np.abs(re), initial=0.0)), float(np.max(gap, initial=0.0)))
    comp = max(float(np.max(np.abs(sz), initial=0.0)), float(np.max(np.abs(lz), initial=0.0)),
               float(np.max(np.abs(uz), initial=0.0)))
    return {"stationarity": float(np.max(np.abs(rd), initial=0.0)), "primal_violation": violation,
            "complementary_slackness": comp}
