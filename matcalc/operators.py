"""The node types of matrix operators and functions (transpose, inverse, powers, trace, det, sum,
diag, vec, norms, element-wise and declared functions), each with its shape rule.

Importable from expr as before (E.Trace); the leaves, sums and products are in expr.py.
"""
from . import shapes as S
from .node import Expr


class Transpose(Expr):
    __slots__ = ()
    fields = ("arg",)
    _sorts_after_arg = True

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
