"""Taylor models: f(x) + ∇f(x)ᵀh (+ ½ hᵀH(x)h) as an expression in x and a new variable h.

Checked by the error ratio of f(x + t h) − model(t h) when t is halved: 2^(order+1) for a correct
model (or an error at rounding level, when f is a polynomial of degree ≤ order).
"""
from fractions import Fraction

from .. import expr as E
from ..api import Checked, _parse, find_var
from ..display import Display, RichDisplay, verdict
from ..errors import DiffError
from ..simplify import simplify
from .common import fresh_name, is_zero, new_variable

HALF = E.Num(Fraction(1, 2))


class Taylor(Checked, RichDisplay):
    """f(x + h) ≈ model: `.expr` (in x and h), `.terms`, `str()`, `.latex()`, `.check()`."""

    def __init__(self, function, wrt, direction, order, terms, conditions, gradient, hessian, seed):
        self.function, self.wrt, self.direction, self.order = function, wrt, direction, order
        self.terms, self.conditions = terms, conditions
        self.gradient, self.hessian = gradient, hessian
        flat = []
        for t in terms:
            flat.extend(t.terms if isinstance(t, E.Add) else (t,))
        flat = [t for t in flat if not is_zero(t)]
        self.expr = flat[0] if len(flat) == 1 else E.Add(*flat) if flat else E.Num(0)
        self.seed, self._report = seed, None

    def __str__(self):
        return str(self.expr)

    def __repr__(self):
        return f"<Taylor order {self.order} of {self.function} at {self.wrt.name} + {self.direction.name}: {self.expr}>"

    def latex(self, **options):
        return self.expr.latex(**options)

    def equation(self, latex=False):
        """'f(x + h) ≈ model', or its LaTeX."""
        from ..printers.latex import latex_name, to_latex
        x, h = self.wrt.name, self.direction.name
        if latex:
            return rf"f({latex_name(x)} + {latex_name(h)}) \approx {to_latex(self.expr)}"
        return f"f({x} + {h}) ≈ {self.expr}"

    def _display(self):
        return Display([self.equation(latex=True)], self.conditions, verdict=verdict(self.report))

    def _run_check(self, seed):
        """Halve t: |f(x + t h) − model(t h)| must shrink by 2^(order+1) (or be at rounding level)."""
        return _check_taylor(self, seed)


def taylor(expr, wrt, order=2, where=None, direction="h", *, check=True, seed=None):
    """The Taylor model of a scalar f around x in the direction h: f(x) + ∇f(x)ᵀh (+ ½ hᵀH(x)h).

    The direction h is a new variable of x's shape. By default it is called h (H for a matrix
    variable), or d, v, h_1 when the expression already uses that name; a name given explicitly
    must be new.
    For a matrix variable the terms are tr(Gᵀ H) and ½ tr(Hᵀ D²f[H]) with D²f[H] the Hessian
    applied to H (matcalc's hvp), which is ½ vec(H)ᵀ H vec(H) without forming the mn×mn Hessian.

    >>> str(taylor("x^T x", "x", check=False))
    'x^T x + 2 h^T x + h^T h'
    """
    from .. import api
    if order not in (1, 2):
        raise DiffError(f"the Taylor model is available to order 1 or 2, not {order}")
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from ..shapes import fmt_shape
        raise DiffError(f"a Taylor model needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    props = {"diagonal"} if var.has("diagonal") else {"symmetric"} if var.has("symmetric") else set()
    if direction == "h":         # the default: H for a matrix (so the model parses back the same), a fresh name if taken
        matrix = not (var.is_scalar or var.is_vector)
        direction = fresh_name(f, ["H", "D", "V", "H_1"] if matrix else ["h", "d", "v", "h_1"])
    h = new_variable(f, direction, var.shape, props, "direction")
    if h.shape != var.shape:
        raise DiffError(f"the direction {h.name} must have the shape of {var.name}")
    g = api.grad(f, var, check=False, seed=seed)
    from ..diff import inner
    first = simplify(inner(g.expr, h)) if not var.is_scalar else simplify(E.product(g.expr, h))
    terms, conditions, hess = [f, first], list(g.conditions), None
    if order == 2:
        if var.is_scalar or var.is_vector:
            hess = api.hessian(f, var, check=False, seed=seed)
            H = hess.expr
            quad = E.product(H, E.Pow(h, E.Num(2))) if var.is_scalar else E.product(E.Transpose(h), H, h)
        else:
            hess = api.hvp(f, var, h, check=False, seed=seed)      # D²f[H], the matrix H ↦ Hessian · H
            quad = inner(h, hess.expr)
        terms.append(simplify(E.product(HALF, quad)))
        conditions += [c for c in hess.conditions if c not in conditions]
    result = Taylor(f, var, h, order, terms, conditions, g, hess, seed)
    if check:
        result.check()
    return result


def _check_taylor(model, seed):
    import numpy as np
    from ..check import CheckReport
    from ..sampling import MODES, direction, finite, sample_env, sampler, variables
    f, var, h, order = model.function, model.wrt, model.direction, model.order
    exprs = [f, model.expr, var, h]
    rng, sizes = sampler(exprs, seed)
    from ..numeric import evaluate
    eps = np.finfo(float).eps
    worst = None
    usable_points = 0
    for mode in MODES:
        if usable_points >= 3:
            break
        env = sample_env(variables(exprs, skip=(h,)), sizes, rng, mode)
        d = direction(var, sizes, rng)        # symmetric / diagonal when x is, like h
        x0 = env[var]
        if not finite(evaluate(f, env, sizes)):
            continue
        scale = max(1.0, float(np.sqrt(np.mean(x0 ** 2))))
        errors, floors = [], []
        for k in range(12):
            t = 0.1 * scale / 2 ** k
            exact = evaluate(f, {**env, var: x0 + t * d}, sizes)[0, 0]
            memo_env = {**env, h: t * d}
            approx = evaluate(model.expr, memo_env, sizes)[0, 0]
            parts = [abs(evaluate(p, memo_env, sizes)[0, 0]) for p in model.terms]
            if not (np.isfinite(exact) and np.isfinite(approx) and np.all(np.isfinite(parts))):
                errors.append(None)          # x + t h left the domain: only smaller t count
                floors.append(None)
                continue
            errors.append(abs(exact - approx))
            floors.append(1e3 * eps * max(abs(exact), *parts, 1e-300))
        valid = [k for k in range(len(errors)) if errors[k] is not None]
        if len(valid) < 4 or valid[-1] != len(errors) - 1:
            continue
        usable_points += 1
        above = [k for k in range(len(errors) - 1) if errors[k] is not None and errors[k + 1] is not None
                 and errors[k + 1] > 100 * floors[k + 1]]
        if not above:
            if max(errors[k] / floors[k] for k in valid) <= 100:
                point = ("exact", None)      # the model is exact to rounding: f is a polynomial of degree ≤ order
            else:
                continue
        else:
            k = above[-1]                    # the smallest t still well above rounding: the most asymptotic pair
            point = ("ratio", errors[k] / errors[k + 1])
        if worst is None or (point[0] == "ratio" and (worst[0] == "exact" or point[1] < worst[1])):
            worst = point
    expected = 2 ** (order + 1)
    if worst is None:
        return CheckReport("inconclusive", None, sizes, seed,
                           "no point in the function's domain could be sampled (declare properties such as "
                           "'positive' or 'spd' to help)", summary="", expected_ratio=expected, ratio=None,
                           observed_order=None)
    if worst[0] == "exact":
        return CheckReport("passed", None, sizes, seed, "", summary="the model is exact to rounding error",
                           expected_ratio=expected, ratio=None, observed_order=None)
    ratio = worst[1]
    observed = float(np.log2(ratio))
    passed = observed >= order + 1 - 0.3
    summary = f"error ratio {ratio:.2f} when halving t, expected ≥ 2^{order + 1} = {expected}"
    message = "" if passed else (f"the model's error shrinks like t^{observed:.2f}, not t^{order + 1}: "
                                 f"it does not match f to order {order}")
    return CheckReport("passed" if passed else "failed", None, sizes, seed, message, summary=summary,
                       expected_ratio=expected, ratio=ratio, observed_order=observed)
