"""Implicit derivatives: dy/dx = −(∂F/∂y)⁻¹ ∂F/∂x for F(x, y) = 0 (the implicit function theorem).

Checked by solving F = 0 with Newton's method at perturbed x and comparing finite differences of
the solution with the closed form.
"""
import re

from .. import expr as E
from ..api import Result, _parse, find_var
from ..errors import DiffError, ParseError, ShapeError
from ..simplify import simplify
from .common import is_zero
from .expand import expand

_EQUALS_ZERO = re.compile(r"\s*=\s*0+(?:\.0*)?\s*$")


def strip_equals_zero(text):
    """'F = 0' → 'F'; any other '=' is an error pointing at it."""
    if not isinstance(text, str):
        return text
    m = _EQUALS_ZERO.search(text)
    if m:
        text = text[:m.start()]
    pos = text.find("=")
    if pos >= 0:
        raise ParseError("write the equation as F = 0 (move every term to the left side)", pos, text)
    return text


class Implicit(Result):
    """dy/dx = −(∂F/∂y)⁻¹ ∂F/∂x for F(x, y) = 0: a Result whose check solves F = 0 numerically."""

    def __init__(self, F, solve_for, wrt, expr, Fy, Fx, conditions, seed):
        super().__init__("implicit derivative", F, wrt, expr, conditions=conditions, seed=seed)
        self.solve_for, self.Fy, self.Fx = solve_for, Fy, Fx

    def symbol(self, latex=False):
        from ..printers.latex import latex_name
        y, x = self.solve_for, self.wrt
        if latex:
            num = latex_name(y.name) if y.is_scalar or y.is_vector else rf"\operatorname{{vec}} {latex_name(y.name)}"
            den = latex_name(x.name) if x.is_scalar or x.is_vector else rf"\operatorname{{vec}} {latex_name(x.name)}"
            return rf"\frac{{\partial {num}}}{{\partial {den}}}"
        num = y.name if y.is_scalar or y.is_vector else f"vec({y.name})"
        den = x.name if x.is_scalar or x.is_vector else f"vec({x.name})"
        return f"∂{num}/∂{den}"

    def _run_check(self, seed):
        """Solve F = 0 for y numerically near random points and compare dy/dx with differences."""
        return _check_implicit(self, seed)


def implicit(F, solve_for, wrt, where=None, *, check=True, seed=None):
    """dy/dx for F(x, y) = 0 by the implicit function theorem, in closed form.

    >>> str(implicit("X^T (X w - y) + lambda w = 0", "w", "y", check=False))
    '(X^T X + lambda I)^-1 X^T'
    """
    from .. import api
    F = strip_equals_zero(F)
    F, named = _parse(F, where, wrt=[solve_for, wrt])
    y = find_var(F, solve_for, named)
    x = find_var(F, wrt, named)
    if x is y:
        raise DiffError(f"solve for one variable as a function of another: both are {x.name}")
    from ..derive import numel
    if numel(F) != numel(y):
        from ..shapes import fmt_shape
        raise ShapeError(f"F = 0 must have one equation per unknown: F is a {fmt_shape(F.shape)} but "
                         f"{y.name} is a {fmt_shape(y.shape)}")
    Jy = api.jacobian(F, y, check=False, seed=seed)
    Jx = api.jacobian(F, x, check=False, seed=seed)
    if is_zero(Jy.expr):
        raise DiffError(f"∂F/∂{y.name} is zero: F does not determine {y.name}, so {y.name}({x.name}) is not "
                        "defined by the implicit function theorem")
    inv = E.Pow(Jy.expr, E.Num(-1)) if Jy.expr.is_scalar else E.Inverse(Jy.expr)
    d = expand(simplify(E.product(E.Num(-1), inv, Jx.expr))) if not is_zero(Jx.expr) else \
        E.Zero((numel(y), numel(x)))
    conditions = list(Jy.conditions) + [c for c in Jx.conditions if c not in Jy.conditions]
    conditions.append(f"∂F/∂{y.name} = {Jy.expr} is invertible" if not Jy.expr.is_scalar
                      else f"∂F/∂{y.name} = {Jy.expr} ≠ 0")
    result = Implicit(F, y, x, d, Jy.expr, Jx.expr, conditions, seed)
    if check:
        result.check()
    return result


def _newton_solve(F, Jy, y, env, sizes, y0, iterations=60):
    """Solve F(·, y) = 0 for y from y0 with Newton's method and matcalc's Jacobian; None if it fails."""
    import numpy as np
    from ..sampling import finite, vec
    from ..numeric import evaluate
    cur = y0.copy()
    for _ in range(iterations):
        e = {**env, y: cur}
        r = vec(evaluate(F, e, sizes))
        J = evaluate(Jy, e, sizes)
        if not (finite(r) and finite(J)):
            return None
        try:
            step = np.linalg.solve(J, r)
        except np.linalg.LinAlgError:
            return None
        cur = cur - step.reshape(cur.shape, order="F")
        if np.linalg.norm(step) <= 1e-15 * max(1.0, float(np.linalg.norm(cur))):
            break
    e = {**env, y: cur}
    r = vec(evaluate(F, e, sizes))
    J = evaluate(Jy, e, sizes)
    if not (finite(r) and finite(J)):
        return None
    if np.linalg.norm(r) > 1e-10 * max(1.0, float(np.linalg.norm(J)) * float(np.linalg.norm(cur))):
        return None
    return cur


def _check_implicit(res, seed):
    import numpy as np
    from ..check import CheckReport
    from ..sampling import MODES, direction, finite, sample_env, sampler, variables, vec
    from ..numeric import evaluate
    F, y, x = res.function, res.solve_for, res.wrt
    exprs = [F, res.expr, res.Fy, y, x]
    rng, sizes = sampler(exprs, seed)
    worst, usable = 0.0, 0
    for mode in MODES:
        if usable >= 2:
            break
        env = sample_env(variables(exprs), sizes, rng, mode)
        y_start = env.pop(y)
        y0 = _newton_solve(F, res.Fy, y, env, sizes, y_start)
        if y0 is None or np.linalg.cond(evaluate(res.Fy, {**env, y: y0}, sizes)) > 1e8:
            continue
        analytic_matrix = evaluate(res.expr, {**env, y: y0}, sizes)
        if not finite(analytic_matrix):
            continue
        x0 = env[x]
        scale = max(1.0, float(np.sqrt(np.mean(x0 ** 2))))
        ok = True
        errs = []
        for _ in range(3):
            d = direction(x, sizes, rng)        # symmetric / diagonal when x is

            def solved(t):
                return _newton_solve(F, res.Fy, y, {**env, x: x0 + t * d}, sizes, y0)

            diffs = []
            for t in (1e-3 * scale, 5e-4 * scale):
                plus, minus = solved(t), solved(-t)
                if plus is None or minus is None:
                    ok = False
                    break
                diffs.append(vec(plus - minus) / (2 * t))
            if not ok:
                break
            numeric = (4 * diffs[1] - diffs[0]) / 3
            analytic = analytic_matrix @ vec(d)
            denom = max(float(np.linalg.norm(analytic_matrix) * np.linalg.norm(d)), float(np.linalg.norm(numeric)),
                        1e-300)
            errs.append(float(np.linalg.norm(numeric - analytic)) / denom)
        if not ok:
            continue
        usable += 1
        worst = max(worst, *errs)
    if not usable:
        return CheckReport("inconclusive", None, sizes, seed,
                           f"F = 0 could not be solved for {y.name} by Newton's method at the sampled points", summary="")
    passed = worst <= 1e-6
    return CheckReport("passed" if passed else "failed", worst, sizes, seed,
                       "" if passed else "the closed form does not match finite differences of the solution",
                       summary=f"finite differences of the solution of F = 0: max relative error {worst:.1e}")
