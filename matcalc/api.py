"""The public API: parse → differentiate → simplify → identify → print → check."""
from . import expr as E
from .errors import DiffError, MatcalcError
from .parse import parse

SYMMETRIC_NOTE = ("{name} is symmetric: the result is the gradient on symmetric matrices, "
                  "sym(G) = (G + Gᵀ)/2 with G the unconstrained gradient (the Matrix Cookbook's "
                  "G + Gᵀ − G ⊙ I is not a gradient; see docs/symmetric.md)")
DIAGONAL_NOTE = "{name} is diagonal: the result is the gradient on diagonal matrices, G ⊙ I"


def find_var(expr, wrt):
    if isinstance(wrt, E.Var):
        return wrt
    if not isinstance(wrt, str):
        raise DiffError(f"wrt must be a variable name, got {type(wrt).__name__}")
    for v in expr.free:
        if isinstance(v, E.Var) and v.name == wrt:
            return v
    names = sorted(v.name for v in expr.free if isinstance(v, E.Var))
    if not wrt.strip() or not wrt.replace("_", "").isalnum():
        raise DiffError(f"can only differentiate with respect to a variable name, not '{wrt}'"
                        f" (variables: {', '.join(names) or 'none'})")
    raise DiffError(f"'{wrt}' does not occur in the expression (its variables: {', '.join(names) or 'none'})")


class Result:
    """A derivative: `str()` in matcalc syntax, `.latex()`, `.expr`, `.shape`, `.check()`, `.to_numpy()`."""

    def __init__(self, kind, function, wrt, expr, *, differential=None, conditions=(), notes=(),
                 check_function=None, check_kind="gradient", seed=None):
        self.kind, self.function, self.wrt, self.expr = kind, function, wrt, expr
        self.differential = differential
        self.conditions, self.notes = list(conditions), list(notes)
        self._check_function, self._check_kind = check_function or function, check_kind
        self.seed, self._report = seed, None

    @property
    def shape(self):
        return self.expr.shape

    def __str__(self):
        return str(self.expr)

    def __repr__(self):
        report = f", check {self._report.status}" if self._report is not None else ""
        return f"<Result {self.kind} of {self.function} w.r.t. {self.wrt.name}: {self.expr}{report}>"

    def latex(self, **options):
        return self.expr.latex(**options)

    def _repr_latex_(self):
        return f"${self.latex()}$"

    def check(self, seed=None):
        """Compare with central finite differences; returns a CheckReport (cached per seed)."""
        from .check import run_check
        seed = self.seed if seed is None else seed
        if self._report is None or self._report.seed != (seed or 0):
            self._report = run_check(self._check_function, self.expr, self.wrt, self._check_kind, seed)
        return self._report

    @property
    def report(self):
        return self._report

    def to_numpy(self):
        """A callable taking every variable as a keyword argument (vectors 1-D) and returning the derivative."""
        from .codegen import numpy_callable
        return numpy_callable(self)


def _gradient(f, wrt):
    from .derive import gradient_of
    from .simplify import simplify
    grad, df, conditions = gradient_of(f, wrt)
    notes = []
    if wrt.has("diagonal"):
        grad = simplify(E.Hadamard(grad, E.Identity(wrt.shape[0])))
        notes.append(DIAGONAL_NOTE.format(name=wrt.name))
    elif wrt.has("symmetric"):
        grad = simplify(E.product(E.Num(E.Fraction(1, 2)), E.Add(grad, E.Transpose(grad))))
        notes.append(SYMMETRIC_NOTE.format(name=wrt.name))
    return grad, df, conditions, notes


def grad(expr, wrt, *, where=None, check=True, seed=None):
    """The gradient of a scalar expression, in the shape of the variable.

    >>> str(grad("x^T A x", "x", check=False))
    '(A + A^T) x'
    """
    f = parse(expr, where)
    if isinstance(wrt, (list, tuple)):
        return {name: grad(f, name, check=check, seed=seed) for name in wrt}
    var = find_var(f, wrt)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the gradient needs a scalar expression, but this one is a {fmt_shape(f.shape)}; "
                        f"use jacobian for vector- or matrix-valued functions")
    g, df, conditions, notes = _gradient(f, var)
    result = Result("gradient", f, var, g, differential=df, conditions=conditions, notes=notes, seed=seed)
    if check:
        result.check()
    return result


__all__ = ["grad", "Result", "MatcalcError"]
