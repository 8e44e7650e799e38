"""Primary matrix functions of a square matrix: expm(X), logm(X), sqrtm(X) = X^{1/2} and real powers X^p.

Each is f(X) for a scalar function f applied to the spectrum (Higham, "Functions of Matrices", 2008,
Def. 1.2): the principal branch for log, √ and x^p, which needs X to have no eigenvalue on the closed
negative real axis (stated as a condition unless X is declared spd). They are not element-wise:
`exp(X)` stays the element-wise exponential, `expm(X)` (and `e^X` of a square matrix, with a note)
is the matrix exponential.

Their differential is the Fréchet derivative, a node of its own, d f(X) = L_f(X, dX): that row is in
ops/frechet.py, beside the node it builds. The rows here: the refusals of the adjoint and vec tables
(f is not linear), reading, text, LaTeX, evaluation and SymPy. Code is in ops/matrix_function_code.py,
the simplification identities in ops/matrix_function_identities.py.
"""
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..errors import ShapeError
from ..parse.calls import BUILT
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, FUNC_NAMES, POST, POW, TEXT, t_func, wrap
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec

HIGHAM = "Higham, Functions of Matrices (2008)"
PRINCIPAL = "{x} has no eigenvalue on the closed negative real axis (the principal {f})"


class ExpM(E.Expr):
    """The matrix exponential e^X = Σ Xᵏ/k!."""
    __slots__ = ()
    fields = ("arg",)
    symmetric_if_arg = True      # f(S) is symmetric for S symmetric (simplify/properties.is_symmetric)

    @classmethod
    def shape_of(cls, arg):
        S.square("expm", arg.shape)
        return arg.shape


class LogM(E.Expr):
    """The principal matrix logarithm: the log with eigenvalues in the strip |Im λ| < π."""
    __slots__ = ()
    fields = ("arg",)
    symmetric_if_arg = True

    @classmethod
    def shape_of(cls, arg):
        S.square("logm", arg.shape)
        return arg.shape


class SqrtM(E.Expr):
    """The principal square root X^{1/2}: the square root whose eigenvalues have positive real part."""
    __slots__ = ()
    fields = ("arg",)
    symmetric_if_arg = True

    @classmethod
    def shape_of(cls, arg):
        S.square("sqrtm", arg.shape)
        return arg.shape


class PowM(E.Expr):
    """The principal real power X^p = e^{p log X} for a rational p that is not an integer and not 1/2
    (integers are MatPow and Inverse, 1/2 is SqrtM: `power` builds the right one)."""
    __slots__ = ()
    fields = ("arg", "p")
    symmetric_if_arg = True

    @classmethod
    def shape_of(cls, arg, p):
        S.square("a matrix power", arg.shape)
        return arg.shape


NAMES = {ExpM: "expm", LogM: "logm", SqrtM: "sqrtm", PowM: "powm"}
NODES = {name: node for node, name in NAMES.items()}
MATRIX_FUNCTIONS = (ExpM, LogM, SqrtM, PowM)


def power(x, p):
    """X^p for a rational p, as the node that reads simplest: I, X, Xᵏ, X⁻¹, (X⁻¹)ᵏ, sqrtm(X) or PowM."""
    p = Fraction(p)
    if p.denominator == 1:
        k = int(p)
        base = x if k > 0 else E.Inverse(x)
        return E.Identity(x.shape[0]) if k == 0 else base if abs(k) == 1 else E.MatPow(base, abs(k))
    if p == Fraction(1, 2):
        return SqrtM(x)
    return PowM(x, p)


def function_of(fn, p, x):
    """f(X) for the function named `fn` (p: the exponent of powm, else None)."""
    return power(x, p) if fn == "powm" else NODES[fn](x)


def derivative_of(fn, p, x):
    """f′(X): the matrix function of the scalar derivative (exp → exp, log → 1/x, x^p → p x^(p−1))."""
    if fn == "expm":
        return ExpM(x)
    if fn == "logm":
        return E.Inverse(x)
    p = Fraction(1, 2) if fn == "sqrtm" else p
    return E.product(E.Num(p), power(x, p - 1))


def parts(e):
    """(fn, p) of a matrix-function node."""
    return NAMES[type(e)], (e.p if isinstance(e, PowM) else None)


# f is not linear: the differential never passes through it, so neither table has a rule.
ADJOINT.register(*MATRIX_FUNCTIONS)(no_adjoint)
VEC.register(*MATRIX_FUNCTIONS)(no_vec)


# ---- reading: expm(X), logm(X), sqrtm(X), powm(X, p); X^(1/2), X^p and e^X in parse/build.py --------
SCALAR_FUNCTION = {"expm": "exp", "logm": "log", "sqrtm": "sqrt"}   # of a 1×1 argument: the scalar function


def square_matrix(name):
    def build(b, n, a, euler=False):
        """euler: e^X as written, the matrix exponential when X can be square (else None: element-wise)."""
        if euler:
            try:
                b.at(n, S.square, "expm", a.shape)
            except ShapeError:
                return None
            b.note("e^X of a square matrix is read as the matrix exponential expm(X), e being Euler's number; "
                   "for the element-wise exponential write exp(X)")
        if a.is_scalar:
            return E.Apply(SCALAR_FUNCTION[name], a)
        if a.shape[1] == 1 or a.shape[0] == 1:
            raise ShapeError(f"{name} needs a square matrix, got {S.fmt_shape(a.shape)}; for the element-wise "
                             f"function write {SCALAR_FUNCTION[name]}(…)", n.start, end=n.end)
        return b.at(n, NODES[name], a)
    return build


def build_powm(b, n, a, p, written=False):
    """powm(X, p); written: X^(p) as written, noted."""
    if not isinstance(p, E.Num):
        raise ShapeError("powm(X, p) needs a number p", n.start, end=n.end)
    if a.is_scalar:
        return E.Pow(a, p)
    b.at(n, S.square, "a matrix power", a.shape)
    if written:
        b.note(f"{b.text[n.start:n.end]} is the principal matrix power (X^(1/2) = sqrtm(X)); for the "
               f"element-wise power write .^")
    return power(a, p.value)


BUILT.update({name: (1, square_matrix(name)) for name in SCALAR_FUNCTION})
BUILT["powm"] = (2, build_powm)
CALL_KINDS.update({name: (lambda k, arg: arg) for name in ("expm", "logm", "sqrtm", "powm")})


# ---- printers: expm(X), logm(X), sqrtm(X), X^(p) ---------------------------------------------------
FUNC_NAMES.update({ExpM: "expm", LogM: "logm", SqrtM: "sqrtm"})
TEXT.register(ExpM, LogM, SqrtM)(t_func)


@TEXT.register(PowM)
def t_powm(e, memo):
    """X^(1/3), X^(-1/2): a rational exponent of a square matrix reads back as the principal power."""
    return f"{wrap(e.arg, POST, memo)}^({e.p.numerator}/{e.p.denominator})", POW


@LATEX.register(ExpM)
def l_expm(printer, e):
    """e^{X}: e^X of a square matrix reads back as the matrix exponential."""
    return "e^{" + printer.p(e.arg)[0] + "}", POW


@LATEX.register(LogM)
def l_logm(printer, e):
    return r"\operatorname{logm}" + printer.arg(e.arg), ATOM


@LATEX.register(SqrtM, PowM)
def l_power(printer, e):
    p = Fraction(1, 2) if isinstance(e, SqrtM) else e.p
    return f"{printer.base(e.arg)}^{{{p.numerator}/{p.denominator}}}", POW


# ---- values (numeric.EVAL): SciPy where it is installed, else NumPy alone (ops/matrix_function_values.py)
@register("evaluate", *MATRIX_FUNCTIONS)
def ev_matrix_function(e, ev):
    from .matrix_function_values import function_value
    fn, p = parts(e)
    return function_value(fn, p, ev(e.arg))


# ---- SymPy: X^p is sympy's MatPow with a rational exponent; expm and logm have no SymPy node -----------
@register("to_sympy", SqrtM, PowM)
def c_power(c, e):
    p = Fraction(1, 2) if isinstance(e, SqrtM) else e.p
    return c.sp.MatPow(c.matrix(e.arg), c.sp.Rational(p.numerator, p.denominator))


@register("to_sympy", ExpM, LogM)
def c_expm(c, e):
    c.unsupported(e, f"SymPy has no {NAMES[type(e)]} of a symbolic matrix (its exp and log are element-wise)")
