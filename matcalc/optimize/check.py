"""One numerical check of the functions `solve` generated, before their solution is shown.

solve derives with `check=False`: until this module it checked nothing, so a wrong rule gave a
wrong solution reported optimal whenever the solver's own tests (its residuals use the same gradient)
were satisfied. `check=True` on each derivation would evaluate every gradient, Hessian block and
Jacobian block through matcalc's evaluator at its own point. Instead the compiled functions are
checked against each other, once per derivation (the first solve of a problem text), at one point
strictly inside the bounds along one random direction d:

    value      →  gradient · d                    (the objective)
    gradient   →  Hessian d, Hessian-vector product (the objective's second derivatives)
    constraint →  Jacobian d, and wᵀJ d for its transposed-Jacobian product ∇ₓ(wᵀg)

each by central differences with one Richardson step (error O(t⁴)), against a tolerance of 1e-5
relative plus the rounding of the differences. This checks what is run — the generated code, not
only the expressions — and a wrong rule in any derivative shows as a disagreement; it cannot be
fooled by a gradient that is wrong everywhere in a consistent way, which a KKT residual computed with
that same gradient would accept. Where the functions are not finite at the points (a log at its
domain's edge), the step is shortened, then the item is left unchecked.
"""
import numpy as np

from ..errors import CheckError
from .runtime import Problem

RTOL = 1e-5
EPS = np.finfo(float).eps


def check_spec(spec, data, sizes, seed=0):
    """Raise CheckError naming the first generated function that disagrees with the one it derives."""
    check_problem(Problem(spec, data, sizes), seed)


def check_problem(prob, seed=0):
    """check_spec on the spec's functions bound to the data already (runtime.Problem)."""
    spec = prob.spec
    if prob.pack.n == 0:
        return
    rng = np.random.default_rng(seed)
    z = _inside(prob, rng)
    d = rng.standard_normal(prob.pack.n)
    seen = {}

    def fun(x):             # value and gradient come from one function: each point evaluated once
        key = x.tobytes()
        if key not in seen:
            seen[key] = prob.fun(x)
        return seen[key]
    value = lambda x: np.atleast_1d(fun(x)[0])
    gradient = lambda x: fun(x)[1]
    g = gradient(z)
    _agree("the objective's gradient", value, z, d, np.atleast_1d(g @ d), np.linalg.norm(g) * np.linalg.norm(d))
    hess, _ = prob.hessian()
    if hess is not None:
        H = hess(z)
        Hd = H @ d
        _agree("the objective's Hessian", gradient, z, d, Hd,
               np.max(np.abs(Hd), initial=0.0) + np.max(np.abs(H), initial=0.0) * np.max(np.abs(d)))
    if spec.get("hvp") is not None:
        p = prob.hessp(z, d)
        _agree("the objective's Hessian-vector product", gradient, z, d, p, np.max(np.abs(p), initial=0.0))
    for c in prob.constraints:
        Jd = c.jacobian(z) @ d
        _agree(f"the Jacobian of the constraint '{c.text}'", c.value, z, d, Jd, np.max(np.abs(Jd), initial=0.0))
        if c.vjp_spec is not None:
            w = rng.standard_normal(c.rows)
            _agree(f"the transposed-Jacobian product of the constraint '{c.text}'",
                   lambda x: np.atleast_1d(w @ c.value(x)), z, d, np.atleast_1d(c.vjp(z, w) @ d), abs(w @ Jd))


def _inside(prob, rng):
    """The start point moved a little at random, strictly inside the bounds."""
    lb, ub = prob.lb, prob.ub
    z = prob.start() + 0.1 * rng.uniform(-1, 1, prob.pack.n)
    width = np.where(np.isfinite(ub - lb), (ub - lb) / 4, 0.25)
    return np.clip(z, np.where(np.isfinite(lb), lb + width, -np.inf), np.where(np.isfinite(ub), ub - width, np.inf))


def _agree(what, f, z, d, expected, scale):
    """Central differences of f along d (t and t/2, Richardson) against `expected` = f'(z) d; left
    unchecked where the derivative itself is not finite at z (√x at 0: a domain's edge, not a wrong rule)."""
    if not (np.all(np.isfinite(expected)) and np.isfinite(scale)):
        return
    t = 1e-3 * (1 + np.max(np.abs(z))) / max(np.max(np.abs(d)), 1e-300)
    for _ in range(4):
        with np.errstate(all="ignore"):
            values = [np.asarray(f(z + s * t * d), dtype=float) for s in (1, -1, 0.5, -0.5)]
        if all(np.all(np.isfinite(v)) for v in values):
            break
        t /= 10
    else:
        return                   # not finite near z: left unchecked
    d1 = (values[0] - values[1]) / (2 * t)
    d2 = (values[2] - values[3]) / t
    estimate = (4 * d2 - d1) / 3
    rounding = 10 * EPS * max(np.max(np.abs(v), initial=0.0) for v in values) / t
    error = float(np.max(np.abs(estimate - expected), initial=0.0))
    if not np.isfinite(error) or error > RTOL * scale + rounding:
        raise CheckError(f"{what} disagrees with finite differences of what it derives "
                         f"(error {error:.1e} against a scale of {scale:.1e}): the generated code is wrong; "
                         "this is a matcalc bug, nothing was solved")

