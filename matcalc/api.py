"""The public API: parse → differentiate → simplify → identify → print → check.

The functions here derive; what they return is in result.py (Result, Differential), and the context
every call runs in (its budget, deep stack and parse notes) in calling.py.
"""
from . import expr as E
from .calling import _parse, collecting_parse_notes, guarded, on_deep_stack, parse_notes  # noqa: F401
from .display import Results
from .errors import DiffError, MatcalcError
from .parse import parse  # noqa: F401
from .result import LAYOUTS, Checked, Differential, Result  # noqa: F401
from .structured import gradient as _gradient, jacobian as _jacobian, second_derivative
from .structured import structure as _structure

def find_var(expr, wrt, named=None):
    """The variable called `wrt`; `named` holds variables of the text that simplified away (x + 0 y)."""
    from .vocabulary import NAME as _NAME
    from .vocabulary import plain_name, show_text, spelling
    if isinstance(wrt, E.Var):
        return wrt
    if not isinstance(wrt, str):
        raise DiffError(f"wrt must be a variable name, got {type(wrt).__name__}")
    for v in expr.free:
        if isinstance(v, E.Var) and v.name == wrt:
            return v
    if named and wrt in named:
        return named[wrt]
    known = [v for v in expr.free if isinstance(v, E.Var)] + list((named or {}).values())
    same = next((v for v in known if spelling(v.name) == spelling(wrt)), None)     # σ, sigma, \sigma
    if same is not None:
        return same
    from .parse.names import read_name
    wrt = read_name(wrt)            # \Sigma, \tilde{w}, W^{(1)}, w^*: the name the text reads as
    same = next((v for v in known if spelling(v.name) == spelling(wrt)), None)
    if same is not None:
        return same
    names = sorted(v.name for v in expr.free if isinstance(v, E.Var))
    if not _NAME.match(wrt):
        raise DiffError(f"can only differentiate with respect to a variable name, not '{show_text(wrt)}'"
                        f" (variables: {', '.join(names) or 'none'})")
    raise DiffError(f"'{wrt}' does not occur in the expression (its variables: {', '.join(names) or 'none'})")


@guarded
def grad(expr, wrt, *, where=None, check=True, seed=None, layout="mixed"):
    """The gradient of a scalar expression, in the shape of the variable.

    >>> str(grad("x^T A x", "x", check=False))
    '(A + A^T) x'
    """
    f, named = _parse(expr, where, need="scalar", wrt=wrt)
    if isinstance(wrt, (list, tuple)):
        return Results({name: grad(f, find_var(f, name, named), check=check, seed=seed, layout=layout)
                        for name in wrt})
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the gradient needs a scalar expression, but this one is a {fmt_shape(f.shape)}; "
                        f"use jacobian for vector- or matrix-valued functions")
    g, df, conditions, notes = _gradient(f, var)
    from .ops.softmax_rows import onehot_hint
    notes = list(notes) + onehot_hint(f, g)          # Y 1 of labels not declared onehot: say how to shorten
    result = Result("gradient", f, var, g, differential=df, conditions=conditions, notes=notes, seed=seed)
    result._steps_factory = lambda: _recorded(_gradient, f, var)
    result.with_layout(layout)
    if check:
        result.check()
    return result


def _recorded(derivation, *args):
    """Run a derivation again, recording its steps (the simplifier's memo makes this cheap)."""
    steps = []
    derivation(*args, steps)
    return steps


def _hessian_steps(f, var, g, var2):
    from .derive import DF, Label, Step
    from .printers.latex import latex_name
    steps = _recorded(_gradient, f, var)
    dg_label = Label(f"d(∂f/∂{var.name})",
                     rf"\mathrm{{d}}\left(\frac{{\partial f}}{{\partial {latex_name(var.name)}}}\right)")
    for i, st in enumerate(_recorded(_jacobian, g, var2)):       # restricted to var2's space, if it has one
        rule = "the gradient's differential: " + st.rule.split(": ", 1)[-1] if i == 0 else st.rule
        steps.append(Step(rule, dg_label if st.lhs == DF else st.lhs, st.rhs))
    return steps


@guarded
def jacobian(expr, wrt, *, where=None, check=True, seed=None, layout="mixed"):
    """The Jacobian J with vec(dF) = J vec(dX): m×n for F: Rⁿ → Rᵐ, column-major vec for matrices.

    >>> str(jacobian("A x", "x", check=False))
    'A'
    """
    F, named = _parse(expr, where, wrt=wrt)
    var = find_var(F, wrt, named)
    J, dF, conditions, notes = _jacobian(F, var)
    result = Result("jacobian", F, var, J, differential=dF, conditions=conditions, notes=notes,
                    check_kind="jacobian", seed=seed)
    result._steps_factory = lambda: _recorded(_jacobian, F, var)
    result.with_layout(layout)
    if check:
        result.check()
    return result


@guarded
def hessian(expr, wrt, *, where=None, wrt2=None, check=True, seed=None):
    """The Hessian: the Jacobian of the gradient (n×n for x ∈ Rⁿ, mn×mn on vec X for a matrix).

    With wrt2=y, the mixed second derivative: the n×p matrix of ∂²f/∂xᵢ∂yⱼ.

    >>> str(hessian("x^T A x", "x", check=False))
    'A + A^T'
    """
    f, named = _parse(expr, where, need="scalar", wrt=wrt)
    var = find_var(f, wrt, named)
    var2 = find_var(f, wrt2, named) if wrt2 is not None else var
    g, H, dg, conditions, notes = second_derivative(f, var, var2)
    result = Result("hessian", f, var2, H, differential=dg, conditions=conditions, notes=notes, check_function=g,
                    check_kind="jacobian", seed=seed)
    result.gradient, result.first = g, var
    result._steps_factory = lambda: _hessian_steps(f, var, g, var2)
    if check:
        result.check()
    return result


@guarded
def differential(expr, wrt, *, where=None):
    """The canonical differential: df = tr(Gᵀ dX) for scalar f, d vec F = J d vec X otherwise."""
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if f.is_scalar:
        g, df, conditions, notes = _gradient(f, var)
        return Differential(f, var, g, "gradient", conditions, parse_notes())
    J, dF, conditions, _ = _jacobian(f, var)
    return Differential(f, var, J, "jacobian", conditions, parse_notes())


@guarded
def directional(expr, wrt, along, *, where=None, check=True, seed=None):
    """The directional derivative ∇f(x)ᵀ v in closed form (v gets the shape of x)."""
    from .derive import directional_of
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    v = _direction_var(f, var, along)
    g, _, conditions, _ = _gradient(f, var)
    D = directional_of(g, var, v)
    result = Result("directional derivative", f, var, D, conditions=conditions, check_kind="directional",
                    seed=seed)
    result.along = v
    if check:
        result.check()
    return result


@guarded
def hvp(expr, wrt, v, *, where=None, check=True, seed=None):
    """The Hessian-vector product H v without forming H: d(∇f) with dx := v."""
    from .derive import differential as diff_of
    from .derive import substitute
    from .simplify import simplify
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    direction = _direction_var(f, var, v)
    g, _, conditions, _ = _gradient(f, var)
    dg, more = diff_of(g, var)
    Hv = E.Zero(var.shape) if dg is None else simplify(substitute(dg, {E.Differential(var): direction}))
    result = Result("Hessian-vector product", f, var, Hv, conditions=conditions, check_function=g,
                    check_kind="directional", seed=seed)
    result.along = direction
    if check:
        result.check()
    return result


def _direction_var(f, var, name):
    if isinstance(name, E.Var):
        return name
    from .vocabulary import NAME, plain_name, show_text, spelling
    existing = [v for v in f.free if isinstance(v, E.Var) and spelling(v.name) == spelling(name)]
    if existing:
        if existing[0].shape != var.shape:
            raise DiffError(f"the direction {name} must have the shape of {var.name}")
        return existing[0]
    name = plain_name(name)
    if not isinstance(name, str) or not NAME.match(name):
        raise DiffError(f"the direction must be a variable name, not '{show_text(name)}'")
    # a direction of a symmetric (spd) or diagonal variable is symmetric or diagonal: it stays in its space
    return E.Var(name, var.shape, frozenset({_structure(var)} - {None}))


__all__ = ["grad", "jacobian", "hessian", "differential", "directional", "hvp", "Result", "MatcalcError"]
