"""Beyond derivatives: Taylor models, Newton and gradient steps, a point's curvature, implicit derivatives.

Everything here is built from matcalc's own results (grad, hessian, hvp, jacobian) and its one
simplifier, and every closed form is checked numerically, like a derivative:

- `taylor`: f(x) + ∇f(x)ᵀh + ½ hᵀH(x)h as an expression in x and a new variable h. Checked by the
  error ratio of f(x + t h) − model(t h) when t is halved: 2^(order+1) for a correct model.
- `newton_step`: −H⁻¹∇f (simplified, with products distributed over sums when that cancels
  something: −A⁻¹(A x − b) = A⁻¹ b − x) and the gradient step −η ∇f. Checked against a linear
  solve with the numerical Hessian and gradient.
- `at`: f, ∇f and the Hessian at a given point, its eigenvalues, the classification of the point,
  ρ(H), κ(H) and the step size 1/ρ(H) (the global 1/L when the Hessian does not depend on x).
- `implicit`: dy/dx = −(∂F/∂y)⁻¹ ∂F/∂x for F(x, y) = 0. Checked by solving F = 0 with Newton's
  method at perturbed x and comparing finite differences of the solution.

Matrix variables: a Jacobian or Hessian w.r.t. X acts on vec(X) (column-major), so the Newton step
for a matrix variable is vec(ΔX), and `at` reports the Hessian on vec(X).
"""
import re
from fractions import Fraction

from . import expr as E
from .api import Checked, Result, _parse, find_var
from .errors import DiffError, MatcalcError, ParseError, ShapeError
from .simplify import simplify

HALF = E.Num(Fraction(1, 2))

#: Defaults of `at`: the point is critical when ‖∇f(x)‖ ≤ GRAD_TOL (Frobenius norm, absolute), and
#: an eigenvalue λ of the Hessian counts as zero when |λ| ≤ EIG_TOL · max(1, ρ(H)).
GRAD_TOL = 1e-8
EIG_TOL = 1e-8
AT_LIMIT = 2000         # entries of the variable: `at` forms the dense Hessian (AT_LIMIT² numbers)

EXPAND_LIMIT = 400      # nodes: `expand` leaves larger expressions as the simplifier gives them

_MODES = ["plain"] * 15 + ["positive"] * 15 + ["spd"] * 10


class ValuesError(MatcalcError):
    """The values given for a point (`at`) are missing, malformed or of the wrong shape."""
    kind = "values error"


# ---- algebra the core simplifier does not do by itself ----------------------------------------
def _size(e):
    return 1 + sum(_size(c) for c in e.children)


def expand(e):
    """Distribute products over sums wherever that makes the expression smaller.

    Sound (distributivity, then matcalc's simplifier on each term) and only kept when it pays:
    −A⁻¹ (A x − b) → −A⁻¹ A x + A⁻¹ b → A⁻¹ b − x. matcalc's simplifier factors sums but never
    distributes, so it cannot cancel A⁻¹ against a factor inside a sum; once distributed, the
    simplifier cancels it ((A B)⁻¹ A B = I included).
    """
    e = simplify(e)
    if _size(e) > EXPAND_LIMIT:          # distributing nested sums multiplies terms: leave big expressions be
        return e
    if isinstance(e, E.Add):
        new = simplify(E.Add(*(expand(t) for t in e.terms)))
        return new if _size(new) < _size(e) else e
    if isinstance(e, E.Mul):
        factors = e.factors
        best = e
        for i, f in enumerate(factors):
            if isinstance(f, E.Add):
                terms = [expand(E.product(*factors[:i], t, *factors[i + 1:])) for t in f.terms]
                new = simplify(E.Add(*terms))
                if _size(new) < _size(best):
                    best = new
        return best
    return e


def _zero_expr(e):
    return e is E.Num(0) or isinstance(e, E.Zero)


def _fresh(f, candidates):
    taken = {v.name for v in f.free if isinstance(v, E.Var)}
    return next((c for c in candidates if c not in taken), candidates[0])


def _named_var(f, name, shape, props, what):
    """A new variable `name` of the given shape, refusing a name the expression already uses."""
    from .vocabulary import NAME as _NAME
    if isinstance(name, E.Var):
        return name
    if not isinstance(name, str) or not _NAME.match(name):
        raise DiffError(f"the {what} must be a variable name, not '{name}'")
    if any(isinstance(v, E.Var) and v.name == name for v in f.free):
        raise DiffError(f"'{name}' is already a variable of the expression; choose another name for the {what}")
    return E.Var(name, shape, frozenset(props))


# ---- numerical helpers --------------------------------------------------------------------------
def _np():
    import numpy as np
    return np


def _finite(a):
    np = _np()
    return a is not None and bool(np.all(np.isfinite(a)))


def _variables(exprs, skip=()):
    found = {v for e in exprs for v in e.free if isinstance(v, E.Var)}
    return sorted((v for v in found if v not in skip), key=lambda v: v.name)


def _sampler(exprs, seed):
    """(rng, sizes) for a check: distinct small sizes per dimension symbol, as matcalc's check does."""
    from .check import dim_symbols, sample_sizes
    rng = _np().random.default_rng(0 if seed is None else int(seed))
    return rng, sample_sizes(dim_symbols(exprs), rng)


def _sample_env(variables, sizes, rng, mode):
    from .check import sample_value
    return {v: sample_value(v, sizes, rng, mode) for v in variables}


def _vec(a):
    return a.reshape(-1, order="F")


class Report:
    """Outcome of a numerical check of an analysis result: status 'passed', 'failed' or 'inconclusive'."""

    def __init__(self, status, summary, sizes=None, seed=None, message="", **details):
        self.status, self.summary, self.sizes, self.seed, self.message = status, summary, sizes or {}, seed, message
        self.details = details

    @property
    def passed(self):
        return self.status == "passed"

    def as_dict(self):
        return {"status": self.status, "passed": self.passed, "summary": self.summary, "sizes": self.sizes,
                "seed": self.seed, "message": self.message, **self.details}

    def __str__(self):
        sizes = ", ".join(f"{k}={v}" for k, v in self.sizes.items()) or "fixed sizes"
        head = f"numerical check {self.status} ({self.summary + ', ' if self.summary else ''}{sizes}, seed {self.seed})"
        return head + (f": {self.message}" if self.message else "")

    def __repr__(self):
        return f"<Report {self}>"


def _combine(reports):
    """The worst of several reports (a failed one wins, then an inconclusive one)."""
    for status in ("failed", "inconclusive"):
        for r in reports:
            if r.status == status:
                return r
    return reports[-1]


def _from_core(report, what):
    """A matcalc CheckReport as a Report."""
    summary = f"{what}: max relative error {report.max_rel_error:.1e}" if report.max_rel_error is not None else what
    return Report(report.status, summary, report.sizes, report.seed, report.message)


# ---- Taylor models ------------------------------------------------------------------------------
class Taylor(Checked):
    """f(x + h) ≈ model: `.expr` (in x and h), `.terms`, `str()`, `.latex()`, `.check()`."""

    def __init__(self, function, wrt, direction, order, terms, conditions, gradient, hessian, seed):
        self.function, self.wrt, self.direction, self.order = function, wrt, direction, order
        self.terms, self.conditions = terms, conditions
        self.gradient, self.hessian = gradient, hessian
        flat = []
        for t in terms:
            flat.extend(t.terms if isinstance(t, E.Add) else (t,))
        flat = [t for t in flat if not _zero_expr(t)]
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
        from .printers.latex import latex_name, to_latex
        x, h = self.wrt.name, self.direction.name
        if latex:
            return rf"f({latex_name(x)} + {latex_name(h)}) \approx {to_latex(self.expr)}"
        return f"f({x} + {h}) ≈ {self.expr}"

    def _repr_latex_(self):
        return f"${self.latex()}$"

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
    from . import api
    if order not in (1, 2):
        raise DiffError(f"the Taylor model is available to order 1 or 2, not {order}")
    f, named = _parse(expr, where)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"a Taylor model needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    props = {"diagonal"} if var.has("diagonal") else {"symmetric"} if var.has("symmetric") else set()
    if direction == "h":         # the default: H for a matrix (so the model parses back the same), a fresh name if taken
        matrix = not (var.is_scalar or var.is_vector)
        direction = _fresh(f, ["H", "D", "V", "H_1"] if matrix else ["h", "d", "v", "h_1"])
    h = _named_var(f, direction, var.shape, props, "direction")
    if h.shape != var.shape:
        raise DiffError(f"the direction {h.name} must have the shape of {var.name}")
    g = api.grad(f, var, check=False, seed=seed)
    from .diff import inner
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
    np = _np()
    f, var, h, order = model.function, model.wrt, model.direction, model.order
    exprs = [f, model.expr, var, h]
    rng, sizes = _sampler(exprs, seed)
    from .numeric import evaluate
    from .check import direction
    eps = np.finfo(float).eps
    worst = None
    usable_points = 0
    for mode in _MODES:
        if usable_points >= 3:
            break
        env = _sample_env(_variables(exprs, skip=(h,)), sizes, rng, mode)
        d = direction(var, sizes, rng)        # symmetric / diagonal when x is, like h
        x0 = env[var]
        if not _finite(evaluate(f, env, sizes)):
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
        return Report("inconclusive", "", sizes, seed,
                      "no point in the function's domain could be sampled (declare properties such as "
                      "'positive' or 'spd' to help)", expected_ratio=expected, ratio=None, observed_order=None)
    if worst[0] == "exact":
        return Report("passed", "the model is exact to rounding error", sizes, seed, "",
                      expected_ratio=expected, ratio=None, observed_order=None)
    ratio = worst[1]
    observed = float(np.log2(ratio))
    passed = observed >= order + 1 - 0.3
    summary = f"error ratio {ratio:.2f} when halving t, expected ≥ 2^{order + 1} = {expected}"
    message = "" if passed else (f"the model's error shrinks like t^{observed:.2f}, not t^{order + 1}: "
                                 f"it does not match f to order {order}")
    return Report("passed" if passed else "failed", summary, sizes, seed, message,
                  expected_ratio=expected, ratio=ratio, observed_order=observed)


# ---- Newton and gradient steps ------------------------------------------------------------------
class Steps(Checked):
    """The Newton step −H⁻¹∇f (`.newton`) and the gradient step −η ∇f (`.gradient_step`), in closed form."""

    def __init__(self, function, wrt, newton, gradient_step, eta, gradient, hessian, conditions, seed):
        self.function, self.wrt, self.newton, self.gradient_step, self.eta = function, wrt, newton, gradient_step, eta
        self.gradient, self.hessian, self.conditions = gradient, hessian, conditions
        self.seed, self._report = seed, None

    @property
    def expr(self):
        return self.newton

    @property
    def on_vec(self):
        """True for a matrix variable: the Newton step is vec(ΔX)."""
        return not (self.wrt.is_scalar or self.wrt.is_vector)

    def labels(self, latex=False):
        from .printers.latex import latex_name
        x = latex_name(self.wrt.name) if latex else self.wrt.name
        if latex:
            lhs = rf"\operatorname{{vec}}(\Delta {x})" if self.on_vec else rf"\Delta {x}"
            gd = rf"\Delta {x}"
            return (rf"{lhs}_{{\text{{Newton}}}} = -H^{{-1}} \nabla f",
                    rf"{gd}_{{\text{{GD}}}} = -{latex_name(self.eta.name)} \nabla f")
        lhs = f"vec(Δ{x})" if self.on_vec else f"Δ{x}"
        return f"Newton step {lhs} = -H^-1 ∇f", f"gradient step Δ{x} = -{self.eta.name} ∇f"

    def __str__(self):
        n, g = self.labels()
        return f"{n} = {self.newton}\n{g} = {self.gradient_step}"

    def latex(self, **options):
        return self.newton.latex(**options)

    def __repr__(self):
        return f"<Steps newton {self.newton}; gradient {self.gradient_step}>"

    def _run_check(self, seed):
        """matcalc's checks of ∇f and H, then the steps against a numerical solve at random points."""
        return _combine([_from_core(self.gradient.check(seed), "gradient"),
                         _from_core(self.hessian.check(seed), "Hessian"), _check_steps(self, seed)])


def newton_step(expr, wrt, where=None, *, eta="eta", check=True, seed=None):
    """The Newton step −H⁻¹∇f and the gradient-descent step −η ∇f of a scalar f, simplified.

    >>> s = newton_step("1/2 x^T A x - b^T x", "x", where={"A": "n x n spd"}, check=False)
    >>> str(s.newton)
    'A^-1 b - x'
    """
    from . import api
    f, named = _parse(expr, where)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"a Newton step needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    if eta == "eta":
        eta = _fresh(f, ["eta", "alpha", "eta_1"])
    step_size = _named_var(f, eta, (1, 1), set(), "step size")
    g = api.grad(f, var, check=False, seed=seed)
    H = api.hessian(f, var, check=False, seed=seed)
    if _zero_expr(H.expr):
        raise DiffError(f"the Hessian of this function w.r.t. {var.name} is zero (f is linear in {var.name}): "
                        "the Newton step -H^-1 ∇f is undefined")
    if var.is_scalar:
        newton = E.product(E.Num(-1), g.expr, E.Pow(H.expr, E.Num(-1)))
    elif var.is_vector:
        newton = E.product(E.Num(-1), E.Inverse(H.expr), g.expr)
    else:
        newton = E.product(E.Num(-1), E.Inverse(H.expr), E.Vec(g.expr))
    newton = expand(simplify(newton))
    gd = simplify(E.product(E.Num(-1), step_size, g.expr))
    conditions = list(g.conditions) + [c for c in H.conditions if c not in g.conditions]
    conditions.append(f"the Hessian {H.expr} is invertible" if not var.is_scalar else f"{H.expr} ≠ 0")
    result = Steps(f, var, newton, gd, step_size, g, H, conditions, seed)
    if check:
        result.check()
    return result


def _check_steps(steps, seed):
    np = _np()
    from .numeric import evaluate
    var = steps.wrt
    exprs = [steps.function, steps.newton, steps.gradient_step, steps.gradient.expr, steps.hessian.expr, var]
    rng, sizes = _sampler(exprs, seed)
    worst, usable = 0.0, 0
    for mode in _MODES:
        if usable >= 3:
            break
        env = _sample_env(_variables(exprs, skip=(steps.eta,)), sizes, rng, mode)
        env[steps.eta] = np.array([[rng.uniform(0.1, 1.0)]])
        g = evaluate(steps.gradient.expr, env, sizes)
        H = evaluate(steps.hessian.expr, env, sizes)
        if not (_finite(g) and _finite(H)) or np.linalg.cond(H) > 1e8:
            continue
        expected = -np.linalg.solve(H, _vec(g))
        got = _vec(evaluate(steps.newton, env, sizes))
        gd = _vec(evaluate(steps.gradient_step, env, sizes))
        if not (_finite(got) and _finite(gd)):
            continue
        usable += 1
        err = np.linalg.norm(got - expected) / max(np.linalg.norm(expected), 1e-300)
        err_gd = np.linalg.norm(gd + env[steps.eta][0, 0] * _vec(g)) / max(np.linalg.norm(_vec(g)), 1e-300)
        worst = max(worst, float(err), float(err_gd))
    if not usable:
        return Report("inconclusive", "steps", sizes, seed, "no point with a finite, invertible Hessian was found")
    passed = worst <= 1e-8
    return Report("passed" if passed else "failed", f"steps vs a numerical solve: max relative error {worst:.1e}",
                  sizes, seed, "" if passed else "the closed-form step does not match -solve(H, ∇f)",
                  max_rel_error=worst)


# ---- a point: values, eigenvalues, classification ----------------------------------------------
def load_values(values):
    """name → array from a dict, a .json or .npz file, or JSON text ('{"x": [1, 1]}')."""
    import json
    import os
    np = _np()
    if isinstance(values, (str, os.PathLike)):
        text = os.fspath(values)
        if isinstance(values, str) and text.lstrip().startswith("{"):
            try:
                values = json.loads(text)
            except json.JSONDecodeError as e:
                raise ValuesError(f"the values are not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})")
        elif text.lower().endswith(".npz"):
            try:
                with np.load(text, allow_pickle=False) as data:
                    values = {k: data[k] for k in data.files}
            except (OSError, ValueError) as e:
                raise ValuesError(f"cannot read values from {text}: {e}")
        elif text.lower().endswith(".json"):
            try:
                with open(text, encoding="utf-8") as fh:
                    values = json.load(fh)
            except OSError as e:
                raise ValuesError(f"cannot read values from {text}: {e.strerror or e}")
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise ValuesError(f"{text} is not valid JSON: {e}")
        else:
            raise ValuesError(f"values must be a .json or .npz file (or JSON text), not '{text}'")
    if not isinstance(values, dict):
        raise ValuesError(f"the values must map variable names to numbers or arrays, got {type(values).__name__}")
    out = {}
    for name, value in values.items():
        try:
            a = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValuesError(f"the value of {name} is not a number or a rectangular array of numbers")
        if a.ndim > 2:
            raise ValuesError(f"the value of {name} has {a.ndim} dimensions; give a number, a vector or a matrix")
        if not np.all(np.isfinite(a)):
            raise ValuesError(f"the value of {name} contains inf or nan")
        out[str(name)] = a
    return out


def _bind(variables, arrays):
    """(env, sizes): every variable's value as a 2-D array, and every dimension symbol's size."""
    from .shapes import fmt_shape
    missing = [v.name for v in variables if v.name not in arrays]
    if missing:
        raise ValuesError(f"no value for {', '.join(missing)} (values given for: {', '.join(sorted(arrays)) or 'none'})")
    env, sizes, origin = {}, {}, {}
    for v in variables:
        a = arrays[v.name]
        r, c = v.shape
        if v.is_scalar:
            if a.size != 1:
                raise ValuesError(f"{v.name} is a scalar, but its value has shape {a.shape}")
            a = a.reshape(1, 1)
        elif c == 1:
            if a.ndim == 2 and a.shape[1] == 1:
                a = a.reshape(-1, 1)
            elif a.ndim == 1:
                a = a.reshape(-1, 1)
            else:
                raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
        else:
            if a.ndim != 2:
                raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
        for dim, k in zip(v.shape, a.shape):
            if isinstance(dim, int):
                if dim != k:
                    raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
            elif isinstance(dim, str):
                if dim in sizes and sizes[dim] != k:
                    raise ValuesError(f"dimension {dim} is {sizes[dim]} (from {origin[dim]}) but {k} (from {v.name})")
                if k == 1:
                    raise ValuesError(f"dimension {dim} of {v.name} is 1 in the values, but a symbolic dimension is "
                                      f"never 1; declare {v.name} with a size of 1 or as a scalar")
                sizes.setdefault(dim, k)
                origin.setdefault(dim, v.name)
        env[v] = a
    return env, sizes


CLASSIFICATIONS = {
    "not critical": "not a critical point",
    "minimum": "local minimum",
    "maximum": "local maximum",
    "saddle": "saddle point",
    "degenerate": "degenerate, the second-order test is inconclusive",
}


class Point:
    """f, ∇f and the Hessian at a point, with the Hessian's spectrum, the point's classification and step sizes."""

    fields = ("function", "wrt", "point", "value", "gradient", "gradient_norm", "critical", "tol", "hessian",
              "hessian_on_vec", "eigenvalues", "eigen_tol", "curvature", "classification", "spectral_radius",
              "condition_number", "step_size", "step_kind", "step_note", "hessian_constant", "eta",
              "gradient_step", "newton_point", "gradient_expr", "hessian_expr", "conditions", "notes", "checks")

    def __init__(self, **kw):
        for k in self.fields:
            setattr(self, k, kw.get(k))

    def as_dict(self):
        """JSON-ready: arrays as (nested) lists, infinities and NaN as None."""
        out = {}
        for k in self.fields:
            out[k] = _jsonable(getattr(self, k))
        return out

    def __str__(self):
        return self.text()

    def __repr__(self):
        return f"<Point {self.wrt} = {_fmt(self.point)}: {self.classification}>"

    def text(self):
        x = self.wrt
        lines = [f"at {x} = {_fmt(self.point)}:",
                 f"  f = {_fmt(self.value)}",
                 f"  ∇f = {self.gradient_expr} = {_fmt(self.gradient)}",
                 f"  H = {self.hessian_expr} = {_fmt(self.hessian)}" + ("  (on vec)" if self.hessian_on_vec else ""),
                 f"  eigenvalues of H: {', '.join(_fmt(v) for v in self.eigenvalues)}",
                 f"  critical point: {'yes' if self.critical else 'no'} (‖∇f‖ = {_fmt(self.gradient_norm)}, "
                 f"tolerance {self.tol:g})",
                 f"  classification: {CLASSIFICATIONS[self.classification]} (the Hessian is {self.curvature})",
                 f"  spectral radius ρ(H) = {_fmt(self.spectral_radius)}",
                 f"  condition number κ(H) = {_fmt(self.condition_number)}",
                 f"  step size 1/ρ(H) = {_fmt(self.step_size)}: {self.step_note}" if self.step_size is not None
                 else f"  step size 1/ρ(H): {self.step_note}"]
        if self.gradient_step is not None:
            lines.append(f"  gradient step {x} - {_fmt(self.eta)} ∇f = {_fmt(self.gradient_step)}")
        if self.newton_point is not None:
            lines.append(f"  Newton step {x} - H^-1 ∇f = {_fmt(self.newton_point)}")
        for c in self.conditions or ():
            lines.append(f"  where {c}")
        for n in self.notes or ():
            lines.append(f"  note: {n}")
        for r in self.checks or ():
            lines.append(f"  {r}")
        return "\n".join(lines)


def _clean(v):
    return 0.0 if v == 0 else float(v)


def _fmt(v):
    np = _np()
    if v is None:
        return "undefined"
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        x = float(a)
        return "∞" if np.isinf(x) else f"{_clean(x):.6g}"
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    a = np.where(np.abs(a) <= 1e-12 * scale, 0.0, a)     # rounding residue next to the other entries
    if a.ndim == 1:
        return "[" + ", ".join(_fmt(x) for x in a) + "]"
    return "[" + "; ".join(", ".join(_fmt(x) for x in row) for row in a) + "]"


def _jsonable(v):
    np = _np()
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v]
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.floating, float)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if hasattr(v, "as_dict"):
        return v.as_dict()
    return v


def _shaped(a, var):
    """A value in the variable's natural form: a float, a 1-D vector, or a matrix."""
    if var.is_scalar:
        return float(a.reshape(-1)[0])
    if var.is_vector:
        return a.reshape(-1)
    return a


def at(expr, wrt, values, where=None, *, tol=GRAD_TOL, eig_tol=EIG_TOL, eta=None, check=True, seed=None):
    """Evaluate f, ∇f and the Hessian at a point and classify it.

    values: name → number / nested lists / array, or a path to a .json or .npz file (vectors may be
    1-D; sizes of the dimension symbols are read off the arrays). The point is critical when
    ‖∇f‖ ≤ tol (absolute, Frobenius norm); an eigenvalue counts as zero when |λ| ≤ eig_tol·max(1, ρ(H)).
    `classification` at a critical point: "minimum" (all eigenvalues positive), "maximum" (all
    negative), "saddle" (both signs), "degenerate" (some zero, the others of one sign); elsewhere
    "not critical" (`curvature` still says whether H is definite). The step size is 1/ρ(H):
    the global safe step 1/L when the Hessian does not contain x, a local estimate otherwise.
    eta: the gradient step's size (default 1/ρ(H)).
    """
    from . import api
    from .numeric import evaluate
    np = _np()
    f, named = _parse(expr, where)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"classifying a point needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    g = api.grad(f, var, check=False, seed=seed)
    H = api.hessian(f, var, check=False, seed=seed)
    arrays = load_values(values)
    variables = _variables([f, g.expr, H.expr, var])
    env, sizes = _bind(variables, arrays)
    notes = []
    extra = sorted(set(arrays) - {v.name for v in variables})
    if extra:
        notes.append(f"ignored values for {', '.join(extra)} (not variables of the expression)")
    for v in variables:
        a = env[v]
        if v.has("symmetric") and a.shape[0] == a.shape[1] and not np.allclose(a, a.T):
            notes.append(f"{v.name} is declared symmetric but its value is not")
        if v.has("spd") and np.allclose(a, a.T) and np.min(np.linalg.eigvalsh((a + a.T) / 2)) <= 0:
            notes.append(f"{v.name} is declared spd but its value is not positive definite")
    if env[var].size > AT_LIMIT:
        from .errors import LimitError
        raise LimitError(f"{var.name} has {env[var].size} entries; `at` forms the dense Hessian and its "
                         f"eigenvalues, so it takes at most {AT_LIMIT} (use hvp for larger problems)")
    value = evaluate(f, env, sizes)[0, 0]
    gv = evaluate(g.expr, env, sizes)
    Hv = evaluate(H.expr, env, sizes)
    if not (np.isfinite(value) and _finite(gv) and _finite(Hv)):
        raise ValuesError(f"f, its gradient or its Hessian is not defined at this point"
                          f"{' (' + '; '.join(H.conditions) + ')' if H.conditions else ''}")
    asym = float(np.max(np.abs(Hv - Hv.T))) if Hv.size else 0.0
    if asym > 1e-9 * max(1.0, float(np.max(np.abs(Hv)))):
        notes.append(f"the Hessian is not symmetric at this point (max |H - Hᵀ| = {asym:.1e}); "
                     "eigenvalues are those of (H + Hᵀ)/2")
    eig = np.linalg.eigvalsh((Hv + Hv.T) / 2)
    rho = float(np.max(np.abs(eig)))
    zero = eig_tol * max(1.0, rho)
    pos, neg = int(np.sum(eig > zero)), int(np.sum(eig < -zero))
    nzero = len(eig) - pos - neg
    if pos and neg:
        curvature = "indefinite"
    elif nzero:
        curvature = ("zero" if nzero == len(eig) else
                     "positive semidefinite, singular" if pos else "negative semidefinite, singular")
    else:
        curvature = "positive definite" if pos else "negative definite"
    gnorm = float(np.linalg.norm(gv))
    critical = gnorm <= tol
    if not critical:
        classification = "not critical"
    elif pos and neg:
        classification = "saddle"
    elif nzero:
        classification = "degenerate"
    else:
        classification = "minimum" if pos else "maximum"
    smallest = float(np.min(np.abs(eig)))
    cond = rho / smallest if smallest > zero else float("inf")
    constant = var not in H.expr.free
    step = 1.0 / rho if rho > zero else None
    if step is None:
        step_kind, step_note = None, "undefined (the Hessian is zero)"
    elif constant:
        step_kind = "global"
        step_note = (f"the global safe step 1/L (the Hessian does not depend on {var.name}, "
                     f"so L = ρ(H) everywhere)")
    else:
        step_kind = "local"
        step_note = (f"a local estimate (the Hessian depends on {var.name}; the global step 1/L needs "
                     f"a bound L ≥ ρ(H) over the whole region)")
    x0 = env[var]
    eta_used = step if eta is None else float(eta)
    gd = x0 - eta_used * gv if eta_used is not None else None
    newton_point = None
    if smallest > zero:
        newton_point = x0 - np.linalg.solve(Hv, _vec(gv)).reshape(x0.shape, order="F")
    checks = []
    if check:
        checks = [_from_core(g.check(seed), "gradient"), _from_core(H.check(seed), "Hessian")]
    conditions = list(g.conditions) + [c for c in H.conditions if c not in g.conditions]
    result = Point(function=str(f), wrt=var.name, point=_shaped(x0, var), value=float(value),
                   gradient=_shaped(gv, var), gradient_norm=gnorm, critical=bool(critical), tol=tol,
                   hessian=Hv, hessian_on_vec=not (var.is_scalar or var.is_vector), eigenvalues=eig,
                   eigen_tol=zero, curvature=curvature, classification=classification, spectral_radius=rho,
                   condition_number=cond, step_size=step, step_kind=step_kind, step_note=step_note,
                   hessian_constant=constant, eta=eta_used,
                   gradient_step=_shaped(gd, var) if gd is not None else None,
                   newton_point=_shaped(newton_point, var) if newton_point is not None else None,
                   gradient_expr=str(g.expr), hessian_expr=str(H.expr), conditions=conditions, notes=notes,
                   checks=checks)
    return result


# ---- implicit derivatives -----------------------------------------------------------------------
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
        from .printers.latex import latex_name
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
    from . import api
    F = strip_equals_zero(F)
    F, named = _parse(F, where)
    y = find_var(F, solve_for, named)
    x = find_var(F, wrt, named)
    if x is y:
        raise DiffError(f"solve for one variable as a function of another: both are {x.name}")
    from .derive import numel
    if numel(F) != numel(y):
        from .shapes import fmt_shape
        raise ShapeError(f"F = 0 must have one equation per unknown: F is a {fmt_shape(F.shape)} but "
                         f"{y.name} is a {fmt_shape(y.shape)}")
    Jy = api.jacobian(F, y, check=False, seed=seed)
    Jx = api.jacobian(F, x, check=False, seed=seed)
    if _zero_expr(Jy.expr):
        raise DiffError(f"∂F/∂{y.name} is zero: F does not determine {y.name}, so {y.name}({x.name}) is not "
                        "defined by the implicit function theorem")
    inv = E.Pow(Jy.expr, E.Num(-1)) if Jy.expr.is_scalar else E.Inverse(Jy.expr)
    d = expand(simplify(E.product(E.Num(-1), inv, Jx.expr))) if not _zero_expr(Jx.expr) else \
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
    np = _np()
    from .numeric import evaluate
    cur = y0.copy()
    for _ in range(iterations):
        e = {**env, y: cur}
        r = _vec(evaluate(F, e, sizes))
        J = evaluate(Jy, e, sizes)
        if not (_finite(r) and _finite(J)):
            return None
        try:
            step = np.linalg.solve(J, r)
        except np.linalg.LinAlgError:
            return None
        cur = cur - step.reshape(cur.shape, order="F")
        if np.linalg.norm(step) <= 1e-15 * max(1.0, float(np.linalg.norm(cur))):
            break
    e = {**env, y: cur}
    r = _vec(evaluate(F, e, sizes))
    J = evaluate(Jy, e, sizes)
    if not (_finite(r) and _finite(J)):
        return None
    if np.linalg.norm(r) > 1e-10 * max(1.0, float(np.linalg.norm(J)) * float(np.linalg.norm(cur))):
        return None
    return cur


def _check_implicit(res, seed):
    np = _np()
    from .numeric import evaluate
    from .check import direction
    F, y, x = res.function, res.solve_for, res.wrt
    exprs = [F, res.expr, res.Fy, y, x]
    rng, sizes = _sampler(exprs, seed)
    worst, usable = 0.0, 0
    for mode in _MODES:
        if usable >= 2:
            break
        env = _sample_env(_variables(exprs), sizes, rng, mode)
        y_start = env.pop(y)
        y0 = _newton_solve(F, res.Fy, y, env, sizes, y_start)
        if y0 is None or np.linalg.cond(evaluate(res.Fy, {**env, y: y0}, sizes)) > 1e8:
            continue
        analytic_matrix = evaluate(res.expr, {**env, y: y0}, sizes)
        if not _finite(analytic_matrix):
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
                diffs.append(_vec(plus - minus) / (2 * t))
            if not ok:
                break
            numeric = (4 * diffs[1] - diffs[0]) / 3
            analytic = analytic_matrix @ _vec(d)
            denom = max(float(np.linalg.norm(analytic_matrix) * np.linalg.norm(d)), float(np.linalg.norm(numeric)),
                        1e-300)
            errs.append(float(np.linalg.norm(numeric - analytic)) / denom)
        if not ok:
            continue
        usable += 1
        worst = max(worst, *errs)
    if not usable:
        return Report("inconclusive", "", sizes, seed,
                      f"F = 0 could not be solved for {y.name} by Newton's method at the sampled points")
    passed = worst <= 1e-6
    return Report("passed" if passed else "failed",
                  f"finite differences of the solution of F = 0: max relative error {worst:.1e}", sizes, seed,
                  "" if passed else "the closed form does not match finite differences of the solution",
                  max_rel_error=worst)


__all__ = ["taylor", "newton_step", "at", "implicit", "expand", "load_values", "Taylor", "Steps", "Point",
           "Implicit", "Report", "ValuesError", "GRAD_TOL", "EIG_TOL"]
