"""Immutable, hash-consed expression nodes.

Every node is interned: building the same node twice gives the same object, so structural
equality is identity and hashing is O(1). A node's children are `args`; `type(e)(*e.args) is e`.
Each node type carries its own shape rule (`shape_of`, built from the helpers in `shapes`), computed
once, at construction. Every subclass of Expr registers itself in NODE_TYPES (name → class) when it
is defined, extension operations in `matcalc.ops` included; the structure tests walk that registry.
"""
from fractions import Fraction
from weakref import WeakValueDictionary

from . import shapes as S

_interned = WeakValueDictionary()


# The order of node types in sort keys (so in printed sums and products); a type not listed ranks 50.
# Differentials come last: sᵀ dx, tr(A dX).
_RANK_ORDER = ("Num", "Literal", "Var", "Identity", "Ones", "Zero", "Commutation", "Transpose", "Inverse",
               "MatPow", "Apply", "Softmax", "Pow", "Norm", "Trace", "Det", "LogDet", "Sum", "DiagVec",
               "DiagMat", "Vec", "LogSumExp", "Hadamard", "Kron", "Mul", "Add", "Call", "CallJacobian",
               "ElementCall", "Differential")
MAX_KEY = 256   # characters of a sort key; see Expr.sort_key
Q_ONE, Q_ZERO = Fraction(1), Fraction(0)   # Fractions are immutable: built once, not in every rewrite


_NODE_TYPES = {}   # name → node class, filled by Expr.__init_subclass__; read it as NODE_TYPES


class Expr:
    __slots__ = ("args", "shape", "_key", "_vars", "__weakref__")
    fields = ()
    _rank = 50   # the type's place in sort keys (see _RANK_ORDER)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__name__ in _NODE_TYPES:
            raise TypeError(f"a node type named {cls.__name__} already exists")
        _NODE_TYPES[cls.__name__] = cls
        if cls.__name__ in _RANK_ORDER:
            cls._rank = _RANK_ORDER.index(cls.__name__)

    def __new__(cls, *args):
        key = (cls, args)
        node = _interned.get(key)
        if node is None:
            node = object.__new__(cls)
            shape = cls.shape_of(*args)
            object.__setattr__(node, "args", args)
            object.__setattr__(node, "shape", shape)
            object.__setattr__(node, "_key", None)
            object.__setattr__(node, "_vars", None)
            _interned[key] = node
        return node

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self):
        return (type(self), self.args)

    def __getattr__(self, name):
        try:
            return self.args[type(self).fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    @classmethod
    def shape_of(cls, *args):
        raise NotImplementedError

    @property
    def children(self):
        return tuple(a for a in self.args if isinstance(a, Expr))

    @property
    def is_scalar(self):
        return self.shape == S.SCALAR

    @property
    def is_vector(self):
        return self.shape[1] == 1 and self.shape[0] != 1

    def rebuild(self, children):
        """The same node over new children (in the order of `children`)."""
        it = iter(children)
        return type(self)(*(next(it) if isinstance(a, Expr) else a for a in self.args))

    @property
    def free(self):
        """The set of Var and Differential leaves."""
        if self._vars is None:
            if isinstance(self, (Var, Differential)):
                found = frozenset((self,))
            else:
                found = frozenset().union(*(c.free for c in self.children))
            object.__setattr__(self, "_vars", found)
        return self._vars

    @property
    def sort_key(self):
        """A total order used to put commutative operands in canonical order.

        A flat string, compared at C speed: the type's rank, the node's own fields, then the keys of
        its children. Aᵀ sorts right after A. A key longer than MAX_KEY keeps its head and ends in a
        digest of the rest, so a tree k levels deep has keys of bounded length, not of length k.
        """
        if self._key is None:
            if isinstance(self, Transpose):
                key = self.arg.sort_key + "~"   # after any sibling separator
            else:
                own = "|".join(str(a) for a in self.args if not isinstance(a, Expr))
                kids = ",".join(c.sort_key for c in self.children)
                key = f"{self._rank:02d}{own}({kids})"
                if len(key) > MAX_KEY:
                    from hashlib import blake2b
                    key = key[:MAX_KEY - 17] + "#" + blake2b(key.encode(), digest_size=8).hexdigest()
            object.__setattr__(self, "_key", key)
        return self._key

    def __str__(self):
        from .printers.text import to_text
        from .stack import call
        return call(to_text, self)

    def __repr__(self):
        return f"<{type(self).__name__} {self}>"

    def latex(self, **options):
        from .printers.latex import to_latex
        from .stack import call
        return call(to_latex, self, **options)

    def _repr_latex_(self):
        return f"${self.latex()}$"

    @property
    def variables(self):
        """Name → declared or inferred type of every variable, as text."""
        out = {}
        for v in sorted((v for v in self.free if isinstance(v, Var)), key=lambda v: v.name):
            out[v.name] = v.describe()
        return out


def nodes(*roots):
    """Every distinct node under the roots, each once (iterative: deep trees are fine)."""
    seen, stack = set(), list(roots)
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        stack.extend(e.children)
        yield e


# ---- leaves -------------------------------------------------------------------------------
class Var(Expr):
    """A named variable: name, shape, and properties ('symmetric', 'spd', 'diagonal', 'positive')."""
    __slots__ = ()
    fields = ("name", "dims", "props")

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

    @classmethod
    def shape_of(cls, var):
        return var.shape


class Num(Expr):
    """An exact rational constant (a scalar)."""
    __slots__ = ()
    fields = ("value",)

    def __new__(cls, value):
        return super().__new__(cls, Fraction(value))

    @classmethod
    def shape_of(cls, value):
        return S.SCALAR


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


# ---- matrix operators -----------------------------------------------------------------------
class Transpose(Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        return (arg.shape[1], arg.shape[0])


class Inverse(Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.square("the inverse", arg.shape)
        return arg.shape


class MatPow(Expr):
    """A^k for an integer k ≥ 2 (negative powers are powers of the inverse)."""
    __slots__ = ()
    fields = ("arg", "k")

    @classmethod
    def shape_of(cls, arg, k):
        S.square("a matrix power", arg.shape)
        return arg.shape


class Trace(Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.square("tr", arg.shape)
        return S.SCALAR


class Det(Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.square("det", arg.shape)
        return S.SCALAR


class LogDet(Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.square("log det", arg.shape)
        return S.SCALAR


class Sum(Expr):
    """The sum of all entries."""
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        return S.SCALAR


class DiagVec(Expr):
    """diag(X): the diagonal of a square matrix, as a vector."""
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        n = S.square("diag", arg.shape)
        return (n, 1)


class DiagMat(Expr):
    """diag(x): the diagonal matrix with x on its diagonal."""
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        n = S.vector("diag", arg.shape)
        return (n, n)


class Vec(Expr):
    """Column-major vectorization."""
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        return (S.mul_dims(*arg.shape), 1)


class Norm(Expr):
    """p = 2: Euclidean (vector) or Frobenius (matrix); p = 1: sum of absolute values."""
    __slots__ = ()
    fields = ("arg", "p")

    @classmethod
    def shape_of(cls, arg, p):
        return S.SCALAR


class Apply(Expr):
    """An element-wise scalar function, named by `fn` (a row of elementwise.FUNCTIONS)."""
    __slots__ = ()
    fields = ("fn", "arg")

    @classmethod
    def shape_of(cls, fn, arg):
        return arg.shape


class Call(Expr):
    """g(u) for a declared function g: Rⁿ → Rᵐ (out = m, 1 for a scalar result)."""
    __slots__ = ()
    fields = ("name", "arg", "out")

    @classmethod
    def shape_of(cls, name, arg, out):
        S.vector(f"the function {name}", arg.shape)
        return (out, 1)


class CallJacobian(Expr):
    """J_g(u): the m×n Jacobian of a declared function g at u."""
    __slots__ = ()
    fields = ("name", "arg", "out")

    @classmethod
    def shape_of(cls, name, arg, out):
        n = S.vector(f"the Jacobian of {name}", arg.shape)
        return (out, n)


class ElementCall(Expr):
    """h⁽ᵏ⁾(U) for a declared scalar function h applied element-wise (order k = 0, 1, 2, …)."""
    __slots__ = ()
    fields = ("name", "arg", "order")

    @classmethod
    def shape_of(cls, name, arg, order):
        return arg.shape


ONE = Num(1)
ZERO = Num(0)   # kept alive, so E.Num(0) is a dictionary hit rather than a new node each time


# ---- light constructors shared by the parser and the engine ---------------------------------
def product(*factors):
    """A canonical product: one rational coefficient first, then scalar factors, then the chain.

    Nested products are flattened, except a scalar-valued product inside a product that has a
    matrix chain: (x^T y) A cannot become the chain x^T y A.
    """
    coef, scalars, chain = Q_ONE, [], []
    has_chain = any(not f.is_scalar for f in factors)
    for f in factors:
        parts = f.factors if isinstance(f, Mul) and (not f.is_scalar or not has_chain) else (f,)
        for p in parts:
            if isinstance(p, Num):
                coef *= p.value
            elif p.is_scalar:
                scalars.append(p)
            else:
                chain.append(p)
    if coef == 0 or any(isinstance(f, Zero) for f in factors):
        shape = S.matmul([f.shape for f in factors])
        return Num(0) if shape == S.SCALAR else Zero(shape)
    head = [Num(coef)] if coef != 1 or not (scalars or chain) else []
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


# ---- the registry of node types; extension operations (matcalc.ops) load on first use -----------
_OPS_LOADED = False


def _load_ops():
    global _OPS_LOADED
    if not _OPS_LOADED:
        _OPS_LOADED = True
        from . import ops  # noqa: F401  (each module defines its node types and registers their rows)


def __getattr__(name):
    """NODE_TYPES, and the node types of matcalc.ops (E.Softmax), importing the ops on first use."""
    if name == "NODE_TYPES":
        _load_ops()
        return tuple(_NODE_TYPES.values())
    _load_ops()
    if name in _NODE_TYPES:
        return _NODE_TYPES[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
