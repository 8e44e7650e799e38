"""Runs a spec (runtime.py) with SciPy and reports: the method, the KKT residuals at its point, what
is known of convexity, the solution by name. NumPy and SciPy only, no matcalc import: copied into
the modules `codegen --solver` writes, whose `main` is the command line `python module.py --data …`.

Methods ("auto", see _method): with bounds at most, Newton's method on the exact Hessian for small
problems (newton.py; L-BFGS-B where it gives up) and L-BFGS-B for larger ones; with linear
constraints and the dense Hessian the interior point method of interior.py; trust-constr for small
problems with nonlinear constraints; else the augmented Lagrangian over L-BFGS-B (augmented.py). A
run that stops short of the tolerances is polished by trust-constr from its point.

Residuals: stationarity ‖∇ₓL‖∞ with the method's multipliers (projected on the bounds), the largest
constraint violation, and the largest |λᵢ · slackᵢ| over inequalities and bounds. Convexity is
claimed only when it is certain (a constant positive semidefinite Hessian and linear constraints).
"""
import sys
import time
import warnings

import numpy as np

from .augmented import augmented_lagrangian, finite  # (package only)
from .interior import interior_point  # (package only)
from .newton import projected_newton  # (package only)
from .runtime import Problem, bind, load  # (package only)

TOLERANCES = {"stationarity": 1e-6, "primal": 1e-8, "complementarity": 1e-6}
SPARSE_FROM = 50           # packed variables from which trust-constr's Jacobians are sparse
AUGMENTED_FROM = 200       # packed variables from which nonlinear constraints go to the augmented Lagrangian
NEWTON_UP_TO = 250         # packed variables up to which bounds-only problems get Newton's method


class Progress:
    """Lines on standard error, at most one a second."""

    def __init__(self, enabled, every=1.0):
        self.enabled, self.every, self.last = enabled, every, time.perf_counter()

    def __call__(self, text):
        if self.enabled and time.perf_counter() - self.last >= self.every:
            self.last = time.perf_counter()
            print("  " + text(), file=sys.stderr, flush=True)


def run(spec, data, sizes=None, *, x0=None, maxiter=3000, progress=False, method="auto", hessian_exact=True,
        prob=None):
    """(solution: name → array or float, report: dict). `data` is name → array, an .npz / .json path,
    JSON text or a directory of NAME.npy files; with `sizes`, it is already bound (runtime.bind);
    `prob`: the runtime.Problem of the spec on these data, when the caller has made it already."""
    import scipy.optimize as so
    if sizes is None:
        data, sizes = bind(spec, load(data))
    prob = Problem(spec, data, sizes) if prob is None else prob
    hess, constant = prob.hessian() if hessian_exact else (None, False)
    start = prob.start() if x0 is None else np.asarray(x0, dtype=float)
    say = Progress(progress)
    if method == "auto":
        method = _method(prob, hess is not None, constant)
    t0, runs, failed = time.perf_counter(), [], None
    while True:
        try:
            out = _run(so, method, prob, start, hess, maxiter, say)
        except ValueError as e:     # trust-constr on constraints no point meets (x == 1, x == 2): its SQP
            if not runs:            # step has no projection; the first run's point and residuals stand
                raise
            failed, method = str(e), runs[-1]
            break
        if out is None:         # Newton's method gave up (a Hessian not positive definite): L-BFGS-B
            method = "L-BFGS-B"
            continue
        res, residuals, iterations = out
        met = _met(prob, res, residuals)
        runs.append(method)
        if met or method == "trust-constr":
            break
        if np.all(np.isfinite(res.x)):          # else trust-constr starts where the first run did
            start = np.clip(res.x, prob.lb, prob.ub)
        method = "trust-constr"
    elapsed = time.perf_counter() - t0
    notes = list(spec.get("notes", []))
    if "domain" in prob.notes:
        notes.append("the objective is not finite on a bound: L-BFGS-B kept 1e-12 inside it")
    if len(runs) > 1:
        notes.append(f"{runs[0]} stopped short of the tolerances; trust-constr went on from its point")
    if failed:
        notes.append(f"{runs[0]} stopped short of the tolerances and trust-constr could not go on from its point "
                     f"(the constraints may contradict each other): {failed.split('. ')[0]}")
    z = res.x
    report = {"status": "optimal" if met else "stopped without meeting the tolerances", "message": str(res.message),
              "scipy_status": int(res.status), "method": method, "iterations": iterations,
              "evaluations": prob.evaluations, "time": elapsed,
              "objective": float(res.fun) if spec["sense"] == "min" else -float(res.fun),
              "kkt_residuals": residuals, "tolerances": TOLERANCES,
              "convexity": _convexity(constant, z, hess, all(c.linear for c in prob.constraints), met),
              "hessian": "exact (matcalc)" if hess is not None else
              "exact Hessian-vector products (matcalc)" if spec.get("hvp") is not None else "BFGS",
              "variables": {name: list(prob.pack.shapes[name]) for name in prob.names}, "notes": notes}
    return solution(spec, prob.pack, z), report


def _met(prob, res, residuals):
    """Whether the residuals meet TOLERANCES; stationarity relative to the objective's gradient,
    max(1, ‖∇f‖∞), as interior.py stops. (Relative to |f| it was met by any run that diverged: on
    `min -sum(x) st x >= 0` L-BFGS-B reached f = -4.9e50 with a residual of 1 and was reported
    optimal.) A point where f is not finite meets nothing."""
    if not np.all(np.isfinite(res.x)):
        return False
    with np.errstate(all="ignore"):
        value, g = prob.fun(res.x)
    if not (np.isfinite(value) and np.all(np.isfinite(g))):
        return False
    scale = {"stationarity": max(1.0, float(np.max(np.abs(g), initial=0.0)))}
    return all(residuals[k] <= TOLERANCES[t] * scale.get(t, 1.0)
               for k, t in (("stationarity", "stationarity"), ("primal_violation", "primal"),
                            ("complementary_slackness", "complementarity")))


def _method(prob, dense, constant=False):
    """With only bounds, Newton's method on the dense exact Hessian up to NEWTON_UP_TO variables (a
    handful of steps where L-BFGS-B took 16-35 at n = 20, each a round trip through SciPy's Python
    driver; past that, NNLS with many bounds active took more of them than L-BFGS-B's time, and a
    Hessian that varies costs a product per step), and for any size without bounds when the Hessian
    is constant (one step: ridge regression); else L-BFGS-B. With other constraints, all linear, and
    the dense exact Hessian:
    the interior point method of interior.py (the SVM dual, the simplex MLE: 5-50x faster than
    trust-constr, benchmarks/README.md). Nonlinear constraints: trust-constr below AUGMENTED_FROM
    variables. The rest (no dense Hessian, or large and nonlinear): the augmented Lagrangian."""
    if not prob.constraints:
        bounded = np.isfinite(prob.lb).any() or np.isfinite(prob.ub).any()
        small = prob.pack.n <= NEWTON_UP_TO or constant and not bounded
        return "newton" if dense and small else "L-BFGS-B"
    linear = all(c.linear for c in prob.constraints)
    if linear and dense:
        return "interior-point"
    if not linear and prob.pack.n < AUGMENTED_FROM:
        return "trust-constr"
    return "augmented-lagrangian"


def solution(spec, pack, z):
    """The variables by name, with those a rewrite replaced recovered (x = x_p − x_m)."""
    out = {name: _shaped(pack.value(name, z)) for name in pack.slices}
    for name, fn, params, replaced in spec.get("recover", []):
        for r in replaced:
            out.pop(r, None)
        out[name] = _shaped(fn(*pack.args(params, z)))
    return out


def _shaped(a):
    a = np.asarray(a, dtype=float)
    if a.ndim == 2 and a.shape[1] == 1:
        return a.reshape(-1)
    return a if a.size > 1 else float(a.reshape(()))


def _run(so, method, prob, start, hess, maxiter, say):
    """One run: (SciPy's result or the augmented Lagrangian's, the KKT residuals, iterations); None when
    Newton's method gives up."""
    pack = prob.pack
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lb, ub = _inside(prob, start)
        if method == "L-BFGS-B":
            bounds = so.Bounds(lb, ub) if np.isfinite(lb).any() or np.isfinite(ub).any() else None
            def fun(z):
                with np.errstate(all="ignore"):
                    return finite(*prob.fun(z))
            count = [0]

            def line(xk):           # as trust-constr's: the iteration, the objective, the stationarity
                value, g = prob.fun(xk)
                step = np.abs(xk - np.clip(xk - g, prob.lb, prob.ub))       # the projected gradient
                return f"L-BFGS-B iteration {count[0]}: objective {value:.6g}, stationarity {np.max(step, initial=0):.1e}"

            def callback(xk):
                count[0] += 1
                say(lambda: line(xk))
            res = so.minimize(fun, start, jac=True, method="L-BFGS-B", bounds=bounds, callback=callback,
                              options={"ftol": 1e-16, "gtol": 1e-11, "maxiter": maxiter, "maxcor": 30})
            return res, _residuals_at(prob, res.x, [], []), int(res.nit)
        if method == "newton":
            if hess is None or prob.constraints:
                raise ValueError("Newton's method takes bounds only and needs the exact Hessian (n at most "
                                 "DENSE_HESSIAN)")

            def fun(z):
                with np.errstate(all="ignore"):
                    return prob.fun(z)
            res = projected_newton(fun, hess, start, lb, ub, maxiter=min(maxiter, 200), progress=lambda k, f, s: say(
                lambda: f"Newton iteration {k}: objective {f:.6g}, stationarity {s:.1e}"))
            return None if res is None else (res, _residuals_at(prob, res.x, [], []), res.nit)
        if method == "interior-point":
            if hess is None:
                raise ValueError("the interior point method needs the exact Hessian (n at most DENSE_HESSIAN)")
            eqs = [c for c in prob.constraints if c.kind == "eq"]
            ineqs = [c for c in prob.constraints if c.kind == "ineq"]
            if not all(c.linear for c in prob.constraints):
                raise ValueError("the interior point method takes linear constraints only")
            rows = lambda cs: (np.vstack([c.A for c in cs]) if cs else np.zeros((0, pack.n)),
                               np.concatenate([-c.g0 for c in cs]) if cs else np.zeros(0))
            res = interior_point(prob.fun, hess, start, prob.lb, prob.ub, *rows(eqs), *rows(ineqs),
                                 maxiter=min(maxiter, 500), progress=lambda k, f, mu: say(
                                     lambda: f"interior point {k}: objective {f:.6g}, complementarity {mu:.1e}"))
            return res, res.residuals, res.nit
        if method == "augmented-lagrangian":
            eqs = [(c.value, c.vjp) for c in prob.constraints if c.kind == "eq"]
            ineqs = [(c.value, c.vjp) for c in prob.constraints if c.kind == "ineq"]
            res = augmented_lagrangian(so, prob.fun, start, lb, ub, eqs, ineqs, maxiter=maxiter,
                                       tol=TOLERANCES["primal"] / 10, progress=lambda k, f, v: say(
                                           lambda: f"augmented Lagrangian {k}: objective {f:.6g}, violation {v:.1e}"))
            return res, _residuals_at(prob, res.x, res.lam, res.mu), res.inner
        bounds = so.Bounds(prob.lb, prob.ub, keep_feasible=True) \
            if np.isfinite(prob.lb).any() or np.isfinite(prob.ub).any() else None
        constraints = [c.scipy(so) for c in prob.constraints]
        exact = {"hess": hess} if hess is not None else \
            {"hessp": prob.hessp} if prob.spec.get("hvp") is not None else {"hess": so.BFGS()}
        res = so.minimize(prob.fun, start, jac=True, **exact, method="trust-constr",
                          bounds=bounds, constraints=constraints,
                          callback=lambda xk, state: say(lambda: (
                              f"iteration {state.nit}: objective {state.fun:.6g}, stationarity {state.optimality:.1e}, "
                              f"violation {state.constr_violation:.1e}")),
                          options={"gtol": 1e-12, "xtol": 1e-14, "barrier_tol": 1e-12,
                                   "initial_barrier_parameter": 1e-6, "maxiter": maxiter,
                                   "sparse_jacobian": pack.n > SPARSE_FROM or None})
        return res, _trust_residuals(res, prob), int(res.nit)


def _inside(prob, start):
    """The bounds L-BFGS-B gets: 1e-12 inside a bound where the objective is not finite (log h at
    h = 0), where its projected steps would otherwise land and its line search stall."""
    lb, ub = prob.lb, prob.ub
    if not (np.isfinite(lb).any() or np.isfinite(ub).any()):
        return lb, ub
    z = np.where(np.isfinite(lb), lb, np.where(np.isfinite(ub), ub, start))
    with np.errstate(all="ignore"):
        value, g = prob.fun(z)
    prob.evaluations -= 1
    if np.isfinite(value) and np.all(np.isfinite(g)):
        return lb, ub
    if "domain" not in prob.notes:
        prob.notes.append("domain")
    with np.errstate(invalid="ignore"):
        return (np.where(np.isfinite(lb), lb + 1e-12 * np.maximum(1, np.abs(lb)), lb),
                np.where(np.isfinite(ub), ub - 1e-12 * np.maximum(1, np.abs(ub)), ub))


def _residuals_at(prob, z, lam, mu):
    """Residuals from the multipliers of the constraints (eq then ineq in order): the Lagrangian's
    gradient projected on the bounds (a bound's multiplier is that gradient's entry where the bound
    is active), the largest violation, and the largest |multiplier × slack|."""
    lb, ub = prob.lb, prob.ub
    g = prob.fun(z)[1]
    eqs = [c for c in prob.constraints if c.kind == "eq"]
    ineqs = [c for c in prob.constraints if c.kind == "ineq"]
    violation, comp = float(np.max(np.maximum(np.maximum(lb - z, z - ub), 0), initial=0.0)), 0.0
    for c, w in zip(eqs, lam):
        g = g + c.vjp(z, w)
        violation = max(violation, float(np.max(np.abs(c.value(z)), initial=0.0)))
    for c, w in zip(ineqs, mu):
        d = c.value(z)
        g = g + c.vjp(z, w)
        violation = max(violation, float(np.max(d, initial=0.0)))
        comp = max(comp, float(np.max(np.abs(w * d), initial=0.0)))
    at_lo, at_hi = z <= lb + 1e-12 * (1 + np.abs(lb)), z >= ub - 1e-12 * (1 + np.abs(ub))
    pg = np.where(at_lo, np.minimum(g, 0), np.where(at_hi, np.maximum(g, 0), g))
    slack = np.minimum(np.where(np.isfinite(lb), z - lb, np.inf), np.where(np.isfinite(ub), ub - z, np.inf))
    bound = np.where(at_lo | at_hi | ~np.isfinite(slack), 0.0, np.abs(g) * np.where(np.isfinite(slack), slack, 0.0))
    return {"stationarity": float(np.max(np.abs(pg), initial=0.0)), "primal_violation": violation,
            "complementary_slackness": max(comp, float(np.max(bound, initial=0.0)))}


def _trust_residuals(res, prob):
    """Residuals at trust-constr's solution with its multipliers (the bounds' multipliers last)."""
    z = res.x
    stationarity = float(np.max(np.abs(res.lagrangian_grad))) if res.lagrangian_grad.size else 0.0
    comp = 0.0
    for c, v in zip(prob.constraints, res.v):
        if c.kind == "eq":
            continue
        val = c.value(z)
        comp = max(comp, float(np.max(np.abs(np.asarray(v) * val), initial=0.0)))
    if len(res.v) > len(prob.constraints):
        v = np.asarray(res.v[-1])
        slack = np.minimum(np.abs(z - prob.lb), np.abs(prob.ub - z))
        comp = max(comp, float(np.max(np.abs(v * slack), initial=0.0)))
    return {"stationarity": stationarity, "primal_violation": float(res.constr_violation),
            "complementary_slackness": comp}


def _convexity(constant, z, hess, linear_all, met=True):
    """What is known of convexity, from the Hessian at the solution: positive semidefinite when
    H + 1e-9·max|H|·I has a Cholesky factor (a third of eigvalsh's work, and no eigenvector
    iterations), else a negative eigenvalue below that tolerance. A run that did not meet the
    tolerances says what it knows of the problem, not of a solution it did not reach."""
    verdict = _curvature(constant, z, hess, linear_all)
    return verdict if met else verdict.split(": the solution")[0] + ": the run stopped short of a solution"


def _curvature(constant, z, hess, linear_all):
    if not callable(hess):
        return "not established (no exact Hessian): the solution is a local one"
    H = hess(z)
    psd = True
    if H.size:
        scale = max(1.0, float(np.max(np.abs(H))))
        try:
            np.linalg.cholesky((H + H.T) / 2 + 1e-9 * scale * np.eye(H.shape[0]))
        except np.linalg.LinAlgError:
            psd = False
    if constant and psd and linear_all:
        return "convex (constant positive semidefinite Hessian, linear constraints): the solution is global"
    if not psd:
        return ("not convex (the Hessian has a negative eigenvalue at the solution): the solution is a KKT point, "
                "a local minimum or a saddle (the second-order conditions are not checked)")
    return ("not established (the Hessian is positive semidefinite at the solution but depends on the variables, "
            "or a constraint is nonlinear): the solution is a local one, global if the problem is convex")


def describe(solution, report):
    """The solution and the report as text."""
    lines = []
    with np.printoptions(precision=8, suppress=True, threshold=50):
        for k, v in solution.items():
            lines.append(f"{k} = {np.array2string(np.asarray(v), prefix=k + ' = ')}")
    r = report
    lines.append(f"status: {r['status']} ({r['message']})")
    lines.append(f"objective: {r['objective']:.10g}   iterations: {r['iterations']}   time: {r['time']:.3f} s")
    res = r["kkt_residuals"]
    lines.append(f"KKT residuals: stationarity {res['stationarity']:.1e}, primal violation "
                 f"{res['primal_violation']:.1e}, complementary slackness {res['complementary_slackness']:.1e}")
    lines.append(f"convexity: {r['convexity']}")
    lines += [f"note: {n}" for n in r["notes"]]
    return "\n".join(lines)


def main(spec, argv=None):
    """The emitted module's command line: python module.py --data data.npz [--format json]."""
    import argparse
    import json
    ap = argparse.ArgumentParser(description=f"Solve {spec['problem']} (generated by matcalc codegen --solver).")
    ap.add_argument("--data", required=True, action="append", help="an .npz file, a .json file or JSON text, a NAME.npy "
                    "file or a directory of them (repeat for several)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--maxiter", type=int, default=3000)
    ap.add_argument("--method", choices=("auto", "newton", "L-BFGS-B", "trust-constr", "augmented-lagrangian",
                                         "interior-point"),
                    default="auto")
    ap.add_argument("--progress", action="store_true", help="a line on standard error every second")
    args = ap.parse_args(argv)
    try:
        sol, report = run(spec, args.data if len(args.data) > 1 else args.data[0], maxiter=args.maxiter, progress=args.progress, method=args.method)
    except (ValueError, OSError) as e:          # the data: a missing name, a wrong shape, no such file
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"solution": {k: np.asarray(v).tolist() for k, v in sol.items()}, "report": report}))
    else:
        print(describe(sol, report))
    return 0 if report["status"] == "optimal" else 1
