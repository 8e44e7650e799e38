"""What a solve reports besides the solution: the KKT residuals at SciPy's point and what is known of
convexity.

Residuals: stationarity ‖∇ₓL‖∞ with the solver's multipliers, the largest constraint violation, and
the largest |λᵢ · slackᵢ| over inequalities and bounds. Convexity is claimed only when it is certain
(a constant positive semidefinite Hessian and linear constraints); otherwise the solution is local.
"""

TOLERANCES = {"stationarity": 1e-6, "primal": 1e-8, "complementarity": 1e-6}


def _residuals(res, p, pack, constraints, lb, ub):
    """KKT residuals at SciPy's solution with SciPy's multipliers (bounds' multipliers last)."""
    import numpy as np
    z = res.x
    stationarity = float(np.max(np.abs(res.lagrangian_grad))) if res.lagrangian_grad.size else 0.0
    comp = 0.0
    for c, v in zip(constraints, res.v):
        if getattr(c, "matcalc_kind", "eq") == "eq":
            continue
        val = c.A @ z if hasattr(c, "A") else c.fun(z)
        slack = np.minimum(np.abs(val - c.lb), np.abs(c.ub - val))
        comp = max(comp, float(np.max(np.abs(np.asarray(v) * slack), initial=0.0)))
    if len(res.v) > len(constraints):
        v = np.asarray(res.v[-1])
        slack = np.minimum(np.abs(z - lb), np.abs(ub - z))
        comp = max(comp, float(np.max(np.abs(v * slack), initial=0.0)))
    return {"stationarity": stationarity, "primal_violation": float(res.constr_violation),
            "complementary_slackness": comp}


def _bound_residuals(res, fun, lb, ub):
    """Residuals with only bounds: the projected gradient (the bounds' multipliers are the gradient's
    entries where a bound is active) and |gᵢ| times the distance to the nearer bound."""
    import numpy as np
    z = res.x
    g = fun(z)[1]
    at_lo, at_hi = z <= lb + 1e-12 * (1 + np.abs(lb)), z >= ub - 1e-12 * (1 + np.abs(ub))
    pg = np.where(at_lo, np.minimum(g, 0), np.where(at_hi, np.maximum(g, 0), g))
    slack = np.minimum(np.where(np.isfinite(lb), z - lb, np.inf), np.where(np.isfinite(ub), ub - z, np.inf))
    comp = np.abs(g) * np.where(np.isfinite(slack), slack, 0.0)
    comp = np.where(at_lo | at_hi | ~np.isfinite(slack), 0.0, comp)
    violation = float(np.max(np.maximum(np.maximum(lb - z, z - ub), 0), initial=0.0))
    return {"stationarity": float(np.max(np.abs(pg), initial=0.0)), "primal_violation": violation,
            "complementary_slackness": float(np.max(comp, initial=0.0))}


def _convexity(constant, z, hess, linear_all):
    import numpy as np
    if not callable(hess):
        return "not established (no exact Hessian): the solution is a local one"
    H = hess(z)
    low = float(np.min(np.linalg.eigvalsh((H + H.T) / 2))) if H.size else 0.0
    scale = max(1.0, float(np.max(np.abs(H)))) if H.size else 1.0
    if constant and low >= -1e-9 * scale and linear_all:
        return "convex (constant positive semidefinite Hessian, linear constraints): the solution is global"
    if low < -1e-9 * scale:
        return "not convex (the Hessian has a negative eigenvalue at the solution): the solution is a local one"
    return ("not established (the Hessian is positive semidefinite at the solution but depends on the variables, "
            "or a constraint is nonlinear): the solution is a local one, global if the problem is convex")
