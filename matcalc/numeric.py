"""Evaluate expressions with NumPy. Every value is a 2-D array (scalars 1×1, vectors n×1).

`evaluate(e, env, sizes)` with env: Var or Differential → array, sizes: dimension symbol → int.
Domain violations (log of a negative, a singular inverse) give NaN, never an exception, so the
numerical check can tell "no valid point here" from a wrong derivative.
"""
import numpy as np

from . import expr as E


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
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec)."""
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k


UFUNCS = {
    "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh,
    "sinh": np.sinh, "cosh": np.cosh, "sigmoid": _sigmoid, "softplus": lambda u: np.logaddexp(0.0, u),
    "relu": lambda u: np.maximum(u, 0.0), "sqrt": np.sqrt, "abs": np.abs, "sign": np.sign,
    "step": lambda u: (u > 0).astype(float),
}


def evaluate(e, env, sizes, memo=None):
    memo = {} if memo is None else memo
    with np.errstate(all="ignore"):
        return _ev(e, env, sizes, memo)


def _ev(e, env, sizes, memo):
    hit = memo.get(e)
    if hit is not None:
        return hit
    t = type(e)
    if t is E.Var or t is E.Differential:
        out = env[e]
    elif t is E.Apply and e.fn == "log" and _one_plus_exp(e.arg):
        out = np.logaddexp(0.0, _ev(e.arg.terms[1].arg, env, sizes, memo))   # log(1 + eᵘ), stably
    elif t is E.Num:
        out = np.array([[float(e.value)]])
    elif t is E.Mul:
        out = _mul(e, env, sizes, memo)
    elif t is E.Call:        # declared functions: implementations are supplied in env
        out = np.asarray(env[("fn", e.name)](_ev(e.arg, env, sizes, memo)), dtype=float).reshape(-1, 1)
    elif t is E.CallJacobian:
        jac = env[("jac", e.name)](_ev(e.arg, env, sizes, memo))
        out = np.asarray(jac, dtype=float).reshape(dim_size(e.shape[0], sizes), -1)
    elif t is E.ElementCall:
        out = env[("el", e.name, e.order)](_ev(e.arg, env, sizes, memo))
    else:
        kids = [_ev(c, env, sizes, memo) for c in e.children]
        out = _OPS[t](e, kids, sizes)
    memo[e] = out
    return out


def _one_plus_exp(a):
    return isinstance(a, E.Add) and len(a.terms) == 2 and (a.terms[0] is E.ONE or isinstance(a.terms[0], E.Ones)) \
        and isinstance(a.terms[1], E.Apply) and a.terms[1].fn == "exp"


def _mul(e, env, sizes, memo):
    """Scalars scale; diag(v) in a chain scales rows or columns and is never built."""
    acc, scale, rows = None, 1.0, None
    for f in e.factors:
        if f.is_scalar:
            scale = scale * _ev(f, env, sizes, memo)[0, 0]
        elif type(f) is E.DiagMat:
            v = _ev(f.arg, env, sizes, memo)
            if acc is None:
                rows = v if rows is None else rows * v
            else:
                acc = acc * v.T
        else:
            m = _ev(f, env, sizes, memo)
            if rows is not None:
                m, rows = rows * m, None
            acc = m if acc is None else acc @ m
    if acc is None:
        return np.diag(rows[:, 0]) * scale if rows is not None else np.array([[scale]])
    return acc * scale


def _prod(values):
    out = values[0]
    for v in values[1:]:
        out = out * v
    return out


_OPS = {
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
    E.Apply: lambda e, k, s: UFUNCS[e.fn](k[0]),
    E.Softmax: lambda e, k, s: _softmax(k[0]),
    E.LogSumExp: lambda e, k, s: _logsumexp(k[0]),
}
