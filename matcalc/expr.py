"""Expression nodes: the leaves, sums and products (here), the matrix operators and functions
(operators.py), on the interned base class of node.py; the constants ONE and ZERO; the light
constructors shared by the parser and the engine (product, negate, coefficient, zero_like).

Every node type registers itself when defined: `NODE_TYPES` lists them all, the extension
operations of `matcalc.ops` included (loaded by `import matcalc`, and readable here by name).
"""
from fractions import Fraction

from . import shapes as S
from .node import _NODE_TYPES, MAX_KEY, PRINTERS, Q_ONE, Q_ZERO, Expr, nodes  # noqa: F401 (the names of expr)
from .operators import (Apply, Call, CallJacobian, DiagMat, DiagVec, Det, ElementCall, Inverse,  # noqa: F401
                        LogDet, MatPow, Norm, Sum, Trace, Transpose, Vec)


# ---- leaves -------------------------------------------------------------------------------
class Var(Expr):
    """A named variable: name, shape, and properties ('symmetric', 'spd', 'diagonal', 'positive')."""
    __slots__ = ()
    fields = ("name", "dims", "props")
    _free_leaf = True

    @classmethod
    def shape_of(cls, name, dims, props):
        return dims

    def has(self, prop):
        return prop in self.props or (prop == "symmetric" and ("spd" in self.props or "diagonal" in self.props))

    def describe(self):
        r, c = self.shape
        props = " ".join(sorted(self.props))
        if self.shape == S.SCALAR:
            base = "scalar"
        elif c == 1:
            base = f"vector {S.fmt_dim(r)}"
        else:
            base = f"matrix {S.fmt_dim(r)} x {S.fmt_dim(c)}"
        return f"{base} {props}".strip()


class Differential(Expr):
    """d(var): the differential of a variable, a formal symbol of the variable's shape."""
    __slots__ = ()
    fields = ("var",)
    _free_leaf = True

    @classmethod
    def shape_of(cls, var):
        return var.shape


class Num(Expr):
    """An exact rational constant (a scalar)."""
    __slots__ = ()
    fields = ("value",)

    def __new__(cls, value):
        # The engine builds numbers all the time (coefficients, exponents, -1): an int or a Fraction finds
        # its node by (numerator, denominator), two ints, without building a Fraction and hashing it in
        # Python first (the node is the interned one either way).
        t = type(value)
        if cls is Num and (t is int or t is Fraction):
            key = (value, 1) if t is int else (value.numerator, value.denominator)
            node = _NUMBERS.get(key)
            if node is None:
                node = super().__new__(cls, Fraction(value) if t is int else value)
                if len(_NUMBERS) < MAX_NUMBERS:
                    _NUMBERS[key] = node
            return node
        return super().__new__(cls, Fraction(value))

    @classmethod
    def shape_of(cls, value):
        return S.SCALAR


_NUMBERS = {}          # (numerator, denominator) → Num: kept alive, so a number is a dictionary hit
MAX_NUMBERS = 4096     # past this many distinct numbers the rest are found through the interning table


class Const(Expr):
    """A named irrational constant (a scalar): π. Its value is CONSTANTS[name]."""
    __slots__ = ()
    fields = ("name",)

    @classmethod
    def shape_of(cls, name):
        return S.SCALAR


CONSTANTS = {"π": 3.141592653589793}


class Identity(Expr):
    __slots__ = ()
    fields = ("n",)

    @classmethod
    def shape_of(cls, n):
        return (n, n)


class Zero(Expr):
    __slots__ = ()
    fields = ("dims",)

    @classmethod
    def shape_of(cls, dims):
        return dims


class Ones(Expr):
    """The all-ones matrix or vector; c * Ones(shape) is how a scalar is broadcast."""
    __slots__ = ()
    fields = ("dims",)

    @classmethod
    def shape_of(cls, dims):
        return dims


class Literal(Expr):
    """A numeric vector or matrix written inline: rows of exact rationals."""
    __slots__ = ()
    fields = ("rows",)

    def __new__(cls, rows):
        return super().__new__(cls, tuple(tuple(Fraction(v) for v in r) for r in rows))

    @classmethod
    def shape_of(cls, rows):
        return (len(rows), len(rows[0]))


class Commutation(Expr):
    """K_{m,n}: K vec(A) = vec(A^T) for A of shape m×n."""
    __slots__ = ()
    fields = ("m", "n")

    @classmethod
    def shape_of(cls, m, n):
        d = S.mul_dims(m, n)
        return (d, d)


# ---- sums and products ----------------------------------------------------------------------
class Add(Expr):
    __slots__ = ()

    @classmethod
    def shape_of(cls, *terms):
        return S.elementwise("+", [t.shape for t in terms])

    @property
    def terms(self):
        return self.args


class Mul(Expr):
    """Matrix product; factors of shape 1×1 are scalars and commute, the others chain."""
    __slots__ = ()

    @classmethod
    def shape_of(cls, *factors):
        return S.matmul([f.shape for f in factors])

    @property
    def factors(self):
        return self.args


class Hadamard(Expr):
    """Element-wise product ⊙."""
    __slots__ = ()

    @classmethod
    def shape_of(cls, *factors):
        return S.elementwise("⊙", [f.shape for f in factors])

    @property
    def factors(self):
        return self.args


class Kron(Expr):
    __slots__ = ()
    fields = ("left", "right")

    @classmethod
    def shape_of(cls, left, right):
        (a, b), (c, d) = left.shape, right.shape
        return (S.mul_dims(a, c), S.mul_dims(b, d))


class Pow(Expr):
    """Element-wise power base .^ exponent (ordinary power for scalars); exponent is a scalar."""
    __slots__ = ()
    fields = ("base", "exponent")

    @classmethod
    def shape_of(cls, base, exponent):
        S.scalar("the exponent of a power", exponent.shape)
        return base.shape


ONE = Num(1)
ZERO = Num(0)   # kept alive, so E.Num(0) is a dictionary hit rather than a new node each time


# ---- light constructors shared by the parser and the engine ---------------------------------
def product(*factors):
    """A canonical product: one rational coefficient first, then scalar factors, then the chain.

    Nested products are flattened, except a scalar-valued product inside a product that has a
    matrix chain: (x^T y) A cannot become the chain x^T y A.
    """
    # coef stays the object Q_ONE until a number is met (then it is that number, unmultiplied): most
    # products have no number or one, and Fraction's arithmetic and comparisons are Python code
    coef, scalars, chain = Q_ONE, [], []
    has_chain = any(not f.is_scalar for f in factors)
    for f in factors:
        parts = f.factors if isinstance(f, Mul) and (not f.is_scalar or not has_chain) else (f,)
        for p in parts:
            if isinstance(p, Num):
                coef = p.value if coef is Q_ONE else coef * p.value
            elif p.is_scalar:
                scalars.append(p)
            else:
                chain.append(p)
    if coef is not Q_ONE and coef == 0 or any(isinstance(f, Zero) for f in factors):
        shape = S.matmul([f.shape for f in factors])
        return Num(0) if shape == S.SCALAR else Zero(shape)
    head = [Num(coef)] if coef is not Q_ONE and coef != 1 or not (scalars or chain) else []
    if len(scalars) > 1:
        scalars.sort(key=_is_reciprocal)   # stable: divisions last, as they are printed
    items = head + scalars + chain
    return items[0] if len(items) == 1 else Mul(*items)


def _is_reciprocal(f):
    return isinstance(f, Pow) and isinstance(f.exponent, Num) and f.exponent.value < 0


def negate(e):
    return product(Num(-1), e)


def coefficient(e):
    """(c, rest) with e = c * rest and c rational."""
    if isinstance(e, Num):
        return e.value, ONE
    if isinstance(e, Mul) and isinstance(e.factors[0], Num):
        rest = e.factors[1:]
        return e.factors[0].value, rest[0] if len(rest) == 1 else Mul(*rest)
    return Q_ONE, e


def zero_like(e):
    """The zero of e's shape: the one representation of zero (0 for scalars, Zero(shape) otherwise)."""
    return ZERO if e.shape == S.SCALAR else Zero(e.shape)


def is_zero(e):
    return e is ZERO or type(e) is Zero


def transpose_chain(factors):
    """(P Q … R)ᵀ = Rᵀ … Qᵀ Pᵀ, as the list of factors (each transposed, order reversed)."""
    return [Transpose(f) for f in reversed(factors)]


# ---- printing: the one back-edge from the nodes to the printers (they import the node types) -----
def _text(e):
    from .printers.text import to_text
    from .stack import call
    return call(to_text, e)


def _latex(e, **options):
    from .printers.latex import to_latex
    from .stack import call
    return call(to_latex, e, **options)


PRINTERS.update(text=_text, latex=_latex)


# ---- the registry of node types ---------------------------------------------------------------
def __getattr__(name):
    """NODE_TYPES, and the node types of matcalc.ops by name (E.<class name>): `import matcalc` loads the
    operations, so their classes are registered before anything reads them."""
    if name == "NODE_TYPES":
        return tuple(_NODE_TYPES.values())
    if name in _NODE_TYPES:
        globals()[name] = _NODE_TYPES[name]   # found directly from now on
        return _NODE_TYPES[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
