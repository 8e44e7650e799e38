"""An augmented Lagrangian method over L-BFGS-B: constraints other than bounds for problems too large
for trust-constr's interior point method (which forms and factors the constraints' Jacobian in
Python at every iteration).

NumPy and SciPy only, no matcalc import: `codegen --solver` copies this file into the module it
writes, beside runtime.py.

The method (Powell–Hestenes–Rockafellar, as in Nocedal & Wright, Numerical Optimization §17.4 and
Birgin & Martínez's ALGENCAN): with equality constraints c(x) = 0 and inequalities d(x) ≤ 0,

    L_ρ(x, λ, μ) = f(x) + λᵀc + ρ/2 ‖c‖² + 1/(2ρ) Σ (max(0, μᵢ + ρ dᵢ)² − μᵢ²)

is minimized over the bounds by L-BFGS-B; then λ ← λ + ρc, μ ← max(0, μ + ρd), and ρ grows tenfold
when the violation did not fall to a quarter. Each constraint gives its values and the product of
its transposed Jacobian with a vector, never the Jacobian itself.
"""
import numpy as np


class Outcome:
    """What the method returns: the point, the multipliers, counts and SciPy's last message."""

    def __init__(self, x, fun, lam, mu, nit, inner, message, success):
        self.x, self.fun, self.lam, self.mu = x, fun, lam, mu
        self.nit, self.inner, self.message, self.success = nit, inner, message, success
        self.status = 0 if success else 1


def augmented_lagrangian(so, fun, x0, lb, ub, eqs, ineqs, *, maxiter=3000, tol=1e-9, gtol=1e-10, progress=None):
    """Minimize fun (value, gradient) over lb ≤ x ≤ ub subject to eqs (value(x), vjp(x, w)) == 0 and
    ineqs <= 0. `progress(outer, objective, violation)` is called after every outer iteration."""
    x = np.clip(np.asarray(x0, dtype=float), lb, ub)
    lam = [np.zeros(np.size(c[0](x))) for c in eqs]
    mu = [np.zeros(np.size(d[0](x))) for d in ineqs]
    bounds = list(zip(np.where(np.isfinite(lb), lb, None), np.where(np.isfinite(ub), ub, None)))
    f0, g0 = fun(x)
    rho = 10.0 * max(1.0, abs(f0)) / max(1.0, _violation(x, eqs, ineqs) ** 2)
    rho = min(max(rho, 10.0), 1e4)
    previous, inner, res, message = np.inf, 0, None, "maximum number of outer iterations"
    omega = 1e-3

    def merit(z):
        with np.errstate(all="ignore"):
            value, g = fun(z)
        g = np.array(g, dtype=float)
        for (val, vjp), l in zip(eqs, lam):
            c = val(z)
            w = l + rho * c
            value += float(l @ c) + rho / 2 * float(c @ c)
            g += vjp(z, w)
        for (val, vjp), m in zip(ineqs, mu):
            d = val(z)
            w = np.maximum(0.0, m + rho * d)
            value += float(w @ w - m @ m) / (2 * rho)
            g += vjp(z, w)
        return finite(value, g)

    success = False
    for outer in range(1, 60):
        left = maxiter - inner
        if left <= 0:
            message = "maximum number of inner iterations"
            break
        res = so.minimize(merit, x, jac=True, method="L-BFGS-B", bounds=bounds,
                          options={"ftol": 1e-16, "gtol": max(omega, gtol), "maxiter": left, "maxcor": 20})
        inner += int(res.nit)
        x = res.x
        cs = [val(x) for val, _ in eqs]
        ds = [val(x) for val, _ in ineqs]
        lam = [l + rho * c for l, c in zip(lam, cs)]
        mu = [np.maximum(0.0, m + rho * d) for m, d in zip(mu, ds)]
        violation = _violation(x, eqs, ineqs)
        if progress is not None:
            progress(outer, fun(x)[0], violation)
        if violation <= tol and omega <= gtol:
            success = True
            message = "violation and projected gradient below tolerance"
            break
        if violation > 0.25 * previous and violation > tol:
            rho = min(rho * 10, 1e10)
        previous = violation
        omega = max(omega * 0.1, gtol)
    return Outcome(x, fun(x)[0], lam, mu, outer, inner, message, success)


def finite(value, g):
    """An infinite value outside the objective's domain (log h at h = 0, a bound L-BFGS-B's projection
    reaches): L-BFGS-B's line search then shortens the step, where a NaN would stop it."""
    if not np.isfinite(value) or not np.all(np.isfinite(g)):
        return np.inf, np.zeros_like(g)
    return value, g


def _violation(x, eqs, ineqs):
    """The largest violation; infinite at a point that is not finite (NaN must not pass for 0)."""
    parts = [np.abs(val(x)) for val, _ in eqs] + [np.maximum(val(x), 0.0) for val, _ in ineqs]
    parts = np.concatenate([np.ravel(p) for p in parts]) if parts else np.zeros(0)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(parts))):
        return np.inf
    return float(np.max(parts, initial=0.0))
