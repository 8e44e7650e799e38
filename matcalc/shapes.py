"""Dimensions, and the checks the shape rules are built from (each node type's rule is its
`shape_of`, next to the node in expr.py, operators.py or its file in ops/).

A dimension is an int, a symbol (str), or a product of those (a sorted tuple, from Kronecker
products and vec). A symbolic dimension is never 1, so a matrix never silently becomes a vector or
a scalar. While parsing, dimensions are union-find cells and `same` unifies them; elsewhere it
compares.
"""
from contextvars import ContextVar

from .errors import ShapeError

SCALAR = (1, 1)
_unifier = ContextVar("unifier", default=None)
_renderer = ContextVar("renderer", default=None)


def same(a, b):
    unify = _unifier.get()
    return unify(a, b) if unify is not None else a == b


def mul_dims(a, b):
    """The product of two dimensions, as a canonical value."""
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if a == 1:
        return b
    if b == 1:
        return a
    fa = a if isinstance(a, tuple) else (a,)
    fb = b if isinstance(b, tuple) else (b,)
    ints = [f for f in fa + fb if isinstance(f, int)]
    syms = [f for f in fa + fb if not isinstance(f, int)]
    k = 1
    for i in ints:
        k *= i
    return tuple(([k] if k != 1 else []) + sorted(syms, key=str))


def fmt_dim(d):
    render = _renderer.get()
    if render is not None:
        d = render(d)
    if isinstance(d, tuple):
        return "·".join(fmt_dim(f) for f in d)
    return str(d)


def fmt_shape(shape):
    r, c = shape
    if shape == SCALAR:
        return "scalar"
    if c == 1:
        return f"vector of length {fmt_dim(r)}"
    if r == 1:
        return f"row vector 1×{fmt_dim(c)}"
    return f"{fmt_dim(r)}×{fmt_dim(c)} matrix"


def is_scalar(shape):
    return same(shape[0], 1) and same(shape[1], 1) if _unifier.get() else shape == SCALAR


def _fail(message):
    raise ShapeError(message)


# elementwise and matmul run for every sum and product built: they read the unifier once per call, not
# once per comparison (`same`), and compare directly outside parsing.
def elementwise(op, shapes):
    first = shapes[0]
    unify = _unifier.get()
    for s in shapes[1:]:
        if not (unify(first[0], s[0]) and unify(first[1], s[1]) if unify is not None else first == s):
            _fail(f"'{op}' needs operands of the same shape, got {fmt_shape(first)} and {fmt_shape(s)}")
    return first


def matmul(shapes):
    """Scalar factors commute; the others must chain (inner dimensions equal)."""
    chain = [s for s in shapes if s != SCALAR]
    if not chain:
        return SCALAR
    rows, cols = chain[0]
    unify = _unifier.get()
    for s in chain[1:]:
        if not (unify(cols, s[0]) if unify is not None else cols == s[0]):
            _fail(f"matrix product of {fmt_shape((rows, cols))} and {fmt_shape(s)}: "
                  f"inner dimensions {fmt_dim(cols)} and {fmt_dim(s[0])} differ")
        cols = s[1]
    return (rows, cols)


def square(op, shape):
    if not same(shape[0], shape[1]):
        _fail(f"{op} needs a square matrix, got {fmt_shape(shape)}")
    return shape[0]


def vector(op, shape):
    if not same(shape[1], 1) or same(shape[0], 1) and shape[0] != 1:
        _fail(f"{op} needs a column vector, got {fmt_shape(shape)}")
    return shape[0]


def scalar(op, shape):
    if not (same(shape[0], 1) and same(shape[1], 1)):
        _fail(f"{op} needs a scalar, got {fmt_shape(shape)}")
    return SCALAR
