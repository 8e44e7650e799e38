"""Evaluate expressions with NumPy: the EVAL table. Every value is a 2-D array (scalars 1×1, vectors n×1).

`evaluate(e, env, sizes)` with env: Var or Differential → array, sizes: dimension symbol → int.
Domain violations (log of a negative, a singular inverse) give NaN, never an exception, so the
numerical check can tell "no valid point here" from a wrong derivative.
"""
import numpy as np

from . import expr as E
from .elementwise import Column, one_plus_exp
from .tables import Table


def dim_size(d, sizes):
    if isinstance(d, int):
        return d
    if isinstance(d, tuple):
        out = 1
        for f in d:
            out *= dim_size(f, sizes)
        return out
    return sizes[d]


def shape_of(e, sizes):
    return (dim_size(e.shape[0], sizes), dim_size(e.shape[1], sizes))


def _sigmoid(u):
    """Accurate in both tails (0.5 (1 + tanh(u/2)) rounds σ(−40) to 0)."""
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _normcdf(u):
    """Φ(u), as the NumPy prelude computes it: SciPy's ndtr (one ufunc, accurate in both tails), else
    math.erfc entry by entry (NumPy has no erf; erfc(−u/√2)/2 keeps the lower tail, 1 + erf cancels)."""
    try:
        from scipy.special import ndtr
    except ImportError:
        import math
        return np.vectorize(lambda t: 0.5 * math.erfc(-t / math.sqrt(2.0)), otypes=[float])(u)
    return ndtr(u)


def _softmax(u):
    z = np.exp(u - np.max(u))
    return z / np.sum(z)


def _logsumexp(u):
    m = np.max(u)
    return np.array([[m + np.log(np.sum(np.exp(u - m)))]])


def _inv(a):
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return np.full_like(a, np.nan)


def _logdet(a):
    sign, value = np.linalg.slogdet(a)
    return np.array([[value if sign > 0 else np.nan]])


def commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted."""
    return permute_rows(np.eye(m * n), m, n)


def permute_rows(a, m, n):
    """K_{m,n} a without K: each column of a, the vec of an m×n matrix, becomes the vec of its transpose."""
    return a.reshape(n, m, -1).transpose(1, 0, 2).reshape(m * n, -1)


def permute_columns(a, m, n):
    """a K_{m,n} without K: (Kᵀ aᵀ)ᵀ, the columns of a permuted."""
    return a.reshape(-1, m, n).transpose(0, 2, 1).reshape(a.shape[0], m * n)


# Element-wise functions evaluate by their NumPy code template (elementwise.FUNCTIONS[name].code),
# so the evaluator and the generated NumPy code compute the same thing; _sigmoid and _normcdf are in
# the prelude.
UFUNCS = Column(lambda f: eval("lambda u: " + f.code["numpy"].format("u"),
                               {"np": np, "_sigmoid": _sigmoid, "_normcdf": _normcdf}))

EVAL = Table("evaluate", "the NumPy value of a node (2-D arrays), from its children's values")


class Evaluator:
    """Memoized values of the nodes of one expression; a row is `rule(e, ev)`, ev(child) its value."""
    __slots__ = ("env", "sizes", "memo", "rows")

    def __init__(self, env, sizes, memo):
        self.env, self.sizes, self.memo, self.rows = env, sizes, memo, EVAL.rows

    def __call__(self, e):
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        row = self.rows.get(type(e)) or EVAL.rule(type(e))
        out = self.memo[e] = row.fn(e, self)
        return out


def evaluate(e, env, sizes, memo=None):
    memo = {} if memo is None else memo
    with np.errstate(all="ignore"):
        return Evaluator(env, sizes, memo)(e)


def _values(fn):
    """A row that needs only its children's values: fn(e, values, sizes)."""
    return lambda e, ev: fn(e, [ev(c) for c in e.children], ev.sizes)


def _register(node_type, fn, identity=None):
    EVAL.register(node_type, identity=identity)(_values(fn))


# ---- leaves and declared functions: their values come from env ---------------------------------
@EVAL.register(E.Var, E.Differential)
def ev_variable(e, ev):
    return ev.env[e]


@EVAL.register(E.Num)
def ev_num(e, ev):
    return np.array([[float(e.value)]])


@EVAL.register(E.Const)
def ev_const(e, ev):
    return np.array([[E.CONSTANTS[e.name]]])


@EVAL.register(E.Call)
def ev_call(e, ev):
    """g(u): the implementation is supplied in env under ("fn", name)."""
    return np.asarray(ev.env[("fn", e.name)](ev(e.arg)), dtype=float).reshape(-1, 1)


@EVAL.register(E.CallJacobian)
def ev_call_jacobian(e, ev):
    jac = ev.env[("jac", e.name)](ev(e.arg))
    return np.asarray(jac, dtype=float).reshape(dim_size(e.shape[0], ev.sizes), -1)


@EVAL.register(E.ElementCall)
def ev_element_call(e, ev):
    return ev.env[("el", e.name, e.order)](ev(e.arg))


@EVAL.register(E.Apply)
def ev_apply(e, ev):
    """f(U) entry-wise by the function's row in elementwise.FUNCTIONS; log(1 + eᵘ) stably."""
    if e.fn == "log" and one_plus_exp(e.arg):
        return np.logaddexp(0.0, ev(e.arg.terms[1].arg))
    return UFUNCS[e.fn](ev(e.arg))


@EVAL.register(E.Mul)
def ev_mul(e, ev):
    """Scalars scale; diag(v) in a chain scales rows or columns and K_{m,n} permutes them: neither is
    built (a dense K times an n²×n² matrix is O(n⁶); the permutation is a copy)."""
    acc, scale, pending = None, 1.0, []      # operations on the rows of the first matrix to come
    for f in e.factors:
        if f.is_scalar:
            scale = scale * ev(f)[0, 0]
        elif type(f) is E.DiagMat:
            v = ev(f.arg)
            if acc is None:
                pending.append(lambda a, v=v: v * a)
            else:
                acc = acc * v.T
        elif type(f) is E.Commutation:
            m, n = dim_size(f.m, ev.sizes), dim_size(f.n, ev.sizes)
            if acc is None:
                pending.append(lambda a, m=m, n=n: permute_rows(a, m, n))
            else:
                acc = permute_columns(acc, m, n)
        else:
            a = ev(f)
            for op in reversed(pending):
                a = op(a)
            pending = []
            acc = a if acc is None else acc @ a
    if acc is None:
        if not pending:
            return np.array([[scale]])
        acc = np.eye(dim_size(e.factors[-1].shape[1], ev.sizes))      # a chain of diagonals and Ks only
        for op in reversed(pending):
            acc = op(acc)
    return acc * scale


def _prod(values):
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


# ---- the rest from their children's values -----------------------------------------------------
for _node, _fn in {
    E.Literal: lambda e, k, s: np.array([[float(v) for v in r] for r in e.rows]),
    E.Identity: lambda e, k, s: np.eye(dim_size(e.n, s)),
    E.Zero: lambda e, k, s: np.zeros(shape_of(e, s)),
    E.Ones: lambda e, k, s: np.ones(shape_of(e, s)),
    E.Commutation: lambda e, k, s: commutation(dim_size(e.m, s), dim_size(e.n, s)),
    E.Add: lambda e, k, s: sum(k[1:], k[0]),
    E.Hadamard: lambda e, k, s: _prod(k),
    E.Kron: lambda e, k, s: np.kron(k[0], k[1]),
    E.Pow: lambda e, k, s: np.power(k[0], k[1][0, 0]),
    E.Transpose: lambda e, k, s: k[0].T,
    E.Inverse: lambda e, k, s: _inv(k[0]),
    E.MatPow: lambda e, k, s: np.linalg.matrix_power(k[0], e.k),
    E.Trace: lambda e, k, s: np.array([[np.trace(k[0])]]),
    E.Det: lambda e, k, s: np.array([[np.linalg.det(k[0])]]),
    E.LogDet: lambda e, k, s: _logdet(k[0]),
    E.Sum: lambda e, k, s: np.array([[np.sum(k[0])]]),
    E.DiagVec: lambda e, k, s: np.diag(k[0]).reshape(-1, 1).copy(),
    E.DiagMat: lambda e, k, s: np.diag(k[0][:, 0]),
    E.Vec: lambda e, k, s: k[0].reshape(-1, 1, order="F"),
    E.Norm: lambda e, k, s: np.array([[np.sqrt(np.sum(k[0] ** 2)) if e.p == 2 else np.sum(np.abs(k[0]))]]),
}.items():
    _register(_node, _fn)
