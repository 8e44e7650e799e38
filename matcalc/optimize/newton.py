"""Newton's method with the exact Hessian for a small problem with bounds at most (no other
constraints): ridge and logistic regression, NNLS, the LASSO's split form.

NumPy and SciPy (LAPACK's Cholesky) only, no matcalc import: `codegen --solver` copies this file into
the module it writes. Why not L-BFGS-B there: its iterations are cheap, but each is a round trip
through SciPy's Python driver (~50-70 µs at n = 20), and it needs 16-35 of them at n = 20
(benchmarks/README.md), where the exact Hessian matcalc derives anyway (for the convexity verdict)
gives Newton's method its answer in a handful: one step for an unconstrained quadratic, a few more
while the bounds that hold are found.

The method (Bertsekas, "Projected Newton methods for optimization problems with simple
constraints", SIAM J. Control Optim. 20, 1982): at x, a variable within ε of a bound with its
gradient pushing against the bound is held; the others (free) take the Newton step −H_FF⁻¹ g_F, the
held ones a gradient step scaled by their Hessian diagonal; the step is projected on the bounds and
halved until f(P(x + αd)) ≤ f(x) + σ gᵀ(P(x + αd) − x) (the decrease measured on the projected
step: a step that only runs into bounds is not asked for the decrease of the full one). Without
bounds this is Newton's method with Armijo backtracking.

It gives up — returns None, and the caller runs L-BFGS-B — where it would need more than Newton's
method: H_FF not positive definite (a nonconvex objective away from its minimum), or no step found
that decreases f.
"""
import numpy as np

SIGMA = 1e-4           # the Armijo fraction
FINAL = 1e-12          # a predicted decrease below FINAL·max(1, |f|): the last step (f cannot confirm it)


class Newton:
    """The point, the objective's value and gradient there, the iteration count and a message."""

    def __init__(self, x, fun, jac, nit, message):
        self.x, self.fun, self.jac, self.nit, self.message = x, fun, jac, nit, message
        self.status, self.success = 0, True


def projected_newton(fun, hess, x0, lb, ub, *, maxiter=100, tol=1e-12, progress=None):
    """Minimize fun (value, gradient) with Hessian hess(x) over lb <= x <= ub; None when it gives up.
    Stops when the projected gradient ‖x − P(x − g)‖∞ is at most tol·max(1, |f|), or after a step whose
    predicted decrease is below f's rounding. `progress(iteration, objective, stationarity)` after
    each step."""
    x = np.clip(np.asarray(x0, dtype=float), lb, ub)
    bounded = bool(np.isfinite(lb).any() or np.isfinite(ub).any())
    f, g = fun(x)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        return None
    for it in range(1, maxiter + 1):
        pg = x - np.clip(x - g, lb, ub) if bounded else g
        stationarity = float(np.max(np.abs(pg), initial=0.0))
        if stationarity <= tol * max(1.0, abs(f)):
            return Newton(x, f, g, it - 1, "projected gradient below the tolerance")
        d = _direction(hess(x), g, x, lb, ub, bounded, stationarity)
        if d is None:
            return None
        x_new = np.clip(x + d, lb, ub) if bounded else x + d
        decrease = -float(g @ (x_new - x))
        if 0 <= decrease <= FINAL * max(1.0, abs(f)):
            # a decrease f's rounding cannot confirm: the Newton step (Hᶠᶠ positive definite) is taken
            # whole, without a line search, and is the last
            with np.errstate(all="ignore"):
                f_new, g_new = fun(x_new)
            if progress is not None:
                progress(it, f_new, stationarity)
            if np.isfinite(f_new) and np.all(np.isfinite(g_new)):
                return Newton(x_new, f_new, g_new, it, "the Newton decrement is below rounding")
            return Newton(x, f, g, it - 1, "the Newton decrement is below rounding")
        step = _armijo(fun, x, f, g, d, lb, ub, bounded)
        if step is None:
            return None
        x, f, g = step
        if progress is not None:
            progress(it, f, stationarity)
    return Newton(x, f, g, maxiter, "maximum number of iterations")


def _direction(H, g, x, lb, ub, bounded, stationarity):
    """The Newton step on the free variables, a scaled gradient step on the held ones; None when the
    free block of the Hessian is not positive definite. A variable within ε of a bound is held when
    its gradient pushes against the bound (Bertsekas), and also when the Newton step would carry it
    across (a gradient that rounding left at −1e-12 at x = 0: free, its step crossed the bound, was
    cut by the projection and spoiled the others' steps, and the NNLS at n = 400 crawled for 54
    iterations); the step is then taken again without it, at most twice."""
    H = np.asarray(H, dtype=float)
    n = x.size
    if not bounded:
        factor = _cholesky(H)
        if factor is None:
            return None
        d = -_solve(factor, g)
        return d if np.all(np.isfinite(d)) else None
    eps = min(1e-3, stationarity)
    low, high = x <= lb + eps, x >= ub - eps
    held = (low & (g > 0)) | (high & (g < 0))
    scale = np.diagonal(H)
    scale = np.where(scale > 0, scale, 1.0)
    for _ in range(3):
        d = -g / scale                        # the held variables' step; the free ones' comes next
        free = ~held
        if free.any():
            factor = _cholesky(H[np.ix_(free, free)] if held.any() else H)
            if factor is None:
                return None
            d[free] = -_solve(factor, g[free])
        crossing = free & ((low & (d < 0)) | (high & (d > 0)))
        if not crossing.any() or crossing.sum() == free.sum() or n == 0:
            break
        held = held | crossing
    return d if np.all(np.isfinite(d)) else None


def _cholesky(H):
    """The Cholesky factor (LAPACK's, lower) of H, or of H + δI (δ = 1e-9·max(1, max Hᵢᵢ)) when H is
    singular or nearly (a factor's diagonal ratio below 1e-6: condition above 1e12; the LASSO's split
    x = u − v has Hessian [[Q, −Q], [−Q, Q]]): the step along the null directions is then bounded by
    |g|/δ, and the bounds cut it. None when even H + δI is not positive definite (a negative
    curvature). LAPACK directly: NumPy's cholesky and solve cost ~45 µs a step at n = 40, most of it
    Python around the call, and raise where a failed factorization is an answer here."""
    from scipy.linalg.lapack import dpotrf
    factor, info = dpotrf(H, lower=1, clean=0)
    if info == 0:
        diagonal = np.diagonal(factor)
        if np.min(diagonal) > 1e-6 * np.max(diagonal):
            return factor
    delta = 1e-9 * max(1.0, float(np.max(np.abs(np.diagonal(H)))))
    factor, info = dpotrf(H + delta * np.eye(H.shape[0]), lower=1, clean=0)
    return factor if info == 0 else None


def _solve(factor, b):
    """H⁻¹b from H's Cholesky factor."""
    from scipy.linalg.lapack import dpotrs
    return dpotrs(factor, b, lower=1)[0]


def _armijo(fun, x, f, g, d, lb, ub, bounded, halvings=40):
    """(x, f, g) at the first step that decreases f enough, or None: the projected step P(x + αd) for
    α = 1; else the step along d to the first bound it meets, where that variable lands exactly (so
    that it is held from the next iteration: halving alone only approaches a bound, and with a
    variable near its bound whose Newton step crosses it, the iterations crawled, 54 of them for the
    NNLS at n = 400); else α = 1/2, 1/4, …"""
    trials = [1.0]
    if bounded:
        with np.errstate(divide="ignore", invalid="ignore"):      # variables on a bound already are cut anyway
            room = np.where((d < 0) & (x > lb), (lb - x) / d, np.where((d > 0) & (x < ub), (ub - x) / d, np.inf))
        first = float(np.min(room, initial=np.inf))
        if 0 < first < 1:
            trials.append(first)
    trials += [0.5 ** k for k in range(1, halvings)]
    for alpha in trials:
        x_new = np.clip(x + alpha * d, lb, ub) if bounded else x + alpha * d
        slope = float(g @ (x_new - x))
        if slope < 0:
            with np.errstate(all="ignore"):
                f_new, g_new = fun(x_new)
            if np.isfinite(f_new) and np.all(np.isfinite(g_new)) and f_new <= f + SIGMA * slope:
                return x_new, f_new, g_new
    return None
