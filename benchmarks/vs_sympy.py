"""Derivation speed and correctness against SymPy's matrix calculus (MatrixSymbol, `expr.diff(X)`).

    python benchmarks/vs_sympy.py                 # the whole corpus (about a minute)
    python benchmarks/vs_sympy.py --only det      # cases whose text contains 'det'
    python benchmarks/vs_sympy.py --repeat 30 --sympy-repeat 7

Each case is a textbook gradient or Hessian, written once in matcalc syntax and, where SymPy can
express it, once as a SymPy expression over MatrixSymbols whose symbolic sizes are the ones matcalc
inferred (A: m×n becomes MatrixSymbol('A', m, n)).

Timings (median of repeated runs of CPU time of this process, `time.process_time`, so that other
work on the machine does not stretch them; both libraries warmed up once per case beforehand):
  matcalc  parse + derive + simplify: `matcalc.grad(text, wrt, check=False)` / `matcalc.hessian`,
           with `matcalc.simplify._memo` cleared before every run, so each run pays the full cost.
  SymPy    build the expression from its MatrixSymbols + `expr.diff(X)` (twice for a Hessian),
           with SymPy's cache cleared (`sympy.core.cache.clear_cache()`) before every run, for the
           same reason. Building is SymPy's counterpart of parsing.
The ratio is SymPy's time over matcalc's: above 1, matcalc is faster.

Correctness: both results are evaluated at a random point (matcalc's own sampler: distinct random
sizes per dimension symbol, values honouring the domain) and compared entry by entry with central
finite differences of the function (Richardson-extrapolated; full gradient, and the full Hessian
from mixed second differences). A result is wrong when its error exceeds 1e-5 relative to the
larger of the two (or to the differences' rounding noise, when both are near zero). SymPy's
status is one of
  ok       evaluated and matches the finite differences;
  WRONG    evaluated but does not match (e.g. the 0 it returns for ∂ log det X / ∂X);
  FAILED   raised, timed out, returned an unevaluated Derivative, or returned an array
           expression that neither `lambdify` nor `.doit()` could evaluate;
  n/a      not expressible as a SymPy matrix expression (softmax, logsumexp, 1-norms).
The SymPy translation of the function itself is checked against matcalc's value at the same point
(column 'f'), so a transcription mistake in this file cannot pass as a SymPy bug.

Targets: matcalc's median at most 1/10 of SymPy's (on the cases both get right), no matcalc case
over 50 ms.
"""
import argparse
import os
import signal
import subprocess
import statistics
import sys
import time
import types
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402
from sympy import Determinant, OneMatrix, Trace  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import matcalc  # noqa: E402
from matcalc import expr as E  # noqa: E402
from matcalc import simplify as simplifier  # noqa: E402
from matcalc.check import dim_symbols, sample_sizes, sample_value  # noqa: E402
from matcalc.numeric import dim_size, evaluate  # noqa: E402

warnings.filterwarnings("ignore")   # SymPy's deprecation warnings from inside its own array code

RTOL = 1e-5
SYMPY_TIMEOUT = 60.0  # seconds per SymPy call
half = sp.S.Half


def ew(fn):
    """An element-wise function for SymPy: M ↦ M.applyfunc(fn)."""
    return lambda M: M.applyfunc(fn)


exp, log, tanh, sqrt, Abs = ew(sp.exp), ew(sp.log), ew(sp.tanh), ew(sp.sqrt), ew(sp.Abs)


def ones_row(v):
    """1ᵀ of v's length, for sum(v) = 1ᵀ v."""
    return OneMatrix(1, v.shape[0])


def ones_col(v):
    return OneMatrix(v.shape[0], 1)


class Case:
    def __init__(self, topic, kind, text, wrt, build, where=None):
        self.topic, self.kind, self.text, self.wrt, self.build, self.where = topic, kind, text, wrt, build, where


SQ = {"X": "n x n"}   # a square X where matcalc would otherwise infer a rectangle

CASES = [
    # ---- linear and quadratic forms ----------------------------------------------------------
    Case("quadratic", "grad", "a^T x", "x", lambda s: s.a.T * s.x),
    Case("quadratic", "grad", "x^T A x", "x", lambda s: s.x.T * s.A * s.x),
    Case("quadratic", "grad", "x^T x", "x", lambda s: s.x.T * s.x),
    Case("quadratic", "grad", "1/2 x^T A x - b^T x", "x", lambda s: half * s.x.T * s.A * s.x - s.b.T * s.x),
    Case("quadratic", "grad", "x^T A^T A x", "x", lambda s: s.x.T * s.A.T * s.A * s.x),
    Case("quadratic", "grad", "(x - mu)^T Σ^-1 (x - mu)", "x", lambda s: (s.x - s.mu).T * s.Σ.I * (s.x - s.mu)),
    Case("quadratic", "grad", "(x - mu)^T Σ^-1 (x - mu)", "mu", lambda s: (s.x - s.mu).T * s.Σ.I * (s.x - s.mu)),
    Case("quadratic", "grad", "(a^T x)^2", "x", lambda s: (s.a.T * s.x) ** 2),
    Case("quadratic", "grad", "x^T A x / x^T x", "x", lambda s: (s.x.T * s.A * s.x) * (s.x.T * s.x) ** -1),
    Case("quadratic", "grad", "a^T X b", "X", lambda s: s.a.T * s.X * s.b),
    Case("quadratic", "grad", "a^T X^T X b", "X", lambda s: s.a.T * s.X.T * s.X * s.b),
    # ---- traces ------------------------------------------------------------------------------
    Case("trace", "grad", "tr(X)", "X", lambda s: Trace(s.X)),
    Case("trace", "grad", "tr(A X)", "X", lambda s: Trace(s.A * s.X)),
    Case("trace", "grad", "tr(A X B)", "X", lambda s: Trace(s.A * s.X * s.B)),
    Case("trace", "grad", "tr(A X^T)", "X", lambda s: Trace(s.A * s.X.T)),
    Case("trace", "grad", "tr(X^T X)", "X", lambda s: Trace(s.X.T * s.X)),
    Case("trace", "grad", "tr(X A X^T)", "X", lambda s: Trace(s.X * s.A * s.X.T)),
    Case("trace", "grad", "tr(X^T A X)", "X", lambda s: Trace(s.X.T * s.A * s.X)),
    Case("trace", "grad", "tr(A X^T B X C)", "X", lambda s: Trace(s.A * s.X.T * s.B * s.X * s.C)),
    Case("trace", "grad", "tr(X^T A X B)", "X", lambda s: Trace(s.X.T * s.A * s.X * s.B)),
    Case("trace", "grad", "tr(X X)", "X", lambda s: Trace(s.X * s.X)),
    Case("trace", "grad", "tr(X^3)", "X", lambda s: Trace(s.X ** 3)),
    Case("trace", "grad", "tr(A^T A) + tr(B^T B)", "A", lambda s: Trace(s.A.T * s.A) + Trace(s.B.T * s.B)),
    Case("trace", "grad", "tr(X^T A X) / tr(X^T X)", "X", lambda s: Trace(s.X.T * s.A * s.X) / Trace(s.X.T * s.X)),
    # ---- inverses ----------------------------------------------------------------------------
    Case("inverse", "grad", "tr(X^-1)", "X", lambda s: Trace(s.X.I)),
    Case("inverse", "grad", "tr(X^-1 A)", "X", lambda s: Trace(s.X.I * s.A)),
    Case("inverse", "grad", "tr(A X^-1 B)", "X", lambda s: Trace(s.A * s.X.I * s.B)),
    Case("inverse", "grad", "a^T X^-1 b", "X", lambda s: s.a.T * s.X.I * s.b),
    Case("inverse", "grad", "tr((X^T X)^-1)", "X", lambda s: Trace((s.X.T * s.X).I), SQ),
    # ---- determinants ------------------------------------------------------------------------
    Case("det", "grad", "det X", "X", lambda s: Determinant(s.X)),
    Case("det", "grad", "log det X", "X", lambda s: sp.log(Determinant(s.X))),
    Case("det", "grad", "det(X)^2", "X", lambda s: Determinant(s.X) ** 2),
    Case("det", "grad", "log det(X^T X)", "X", lambda s: sp.log(Determinant(s.X.T * s.X)), SQ),
    Case("det", "grad", "det(A X B)", "X", lambda s: Determinant(s.A * s.X * s.B),
         {"A": "n x n", "X": "n x n", "B": "n x n"}),   # rectangular: det(A X B) ≡ 0 for most sizes
    Case("det", "grad", "tr(Σ^-1 S) + log det Σ", "Σ", lambda s: Trace(s.Σ.I * s.S) + sp.log(Determinant(s.Σ))),
    Case("det", "grad", "1/2 (x - mu)^T Σ^-1 (x - mu) + 1/2 log det Σ", "Σ",
         lambda s: half * Trace((s.x - s.mu).T * s.Σ.I * (s.x - s.mu)) + half * sp.log(Determinant(s.Σ))),
    Case("det", "grad", "1/2 (x - mu)^T Σ^-1 (x - mu) + 1/2 log det Σ", "mu",
         lambda s: half * Trace((s.x - s.mu).T * s.Σ.I * (s.x - s.mu)) + half * sp.log(Determinant(s.Σ))),
    # ---- norms -------------------------------------------------------------------------------
    Case("norm", "grad", "||A x - b||^2", "x", lambda s: (s.A * s.x - s.b).T * (s.A * s.x - s.b)),
    Case("norm", "grad", "||x||", "x", lambda s: (s.x.T * s.x) ** half),
    Case("norm", "grad", "||A x - b||", "x", lambda s: ((s.A * s.x - s.b).T * (s.A * s.x - s.b)) ** half),
    Case("norm", "grad", "||X||_F^2", "X", lambda s: Trace(s.X.T * s.X)),
    Case("norm", "grad", "||X||_F", "X", lambda s: sp.sqrt(Trace(s.X.T * s.X))),
    Case("norm", "grad", "||A X - B||_F^2", "X", lambda s: Trace((s.A * s.X - s.B).T * (s.A * s.X - s.B))),
    Case("norm", "grad", "||X A - B||_F^2", "X", lambda s: Trace((s.X * s.A - s.B).T * (s.X * s.A - s.B))),
    Case("norm", "grad", "||X - U V^T||_F^2", "U", lambda s: Trace((s.X - s.U * s.V.T).T * (s.X - s.U * s.V.T))),
    Case("norm", "grad", "||X - U V^T||_F^2", "V", lambda s: Trace((s.X - s.U * s.V.T).T * (s.X - s.U * s.V.T))),
    Case("norm", "grad", "||x - y||_1", "x", lambda s: ones_row(s.x) * Abs(s.x - s.y)),
    # ---- ML losses ---------------------------------------------------------------------------
    Case("ML", "grad", "||A x - b||^2 + lambda ||x||^2", "x",
         lambda s: (s.A * s.x - s.b).T * (s.A * s.x - s.b) + s.lam * s.x.T * s.x),
    Case("ML", "grad", "1/2 ||X w - y||^2 + 1/2 lambda ||w||^2", "w",
         lambda s: half * (s.X * s.w - s.y).T * (s.X * s.w - s.y) + half * s.lam * s.w.T * s.w),
    Case("ML", "grad", "||X - U V^T||_F^2 + lambda ||U||_F^2 + lambda ||V||_F^2", "U",
         lambda s: Trace((s.X - s.U * s.V.T).T * (s.X - s.U * s.V.T)) + s.lam * Trace(s.U.T * s.U)
         + s.lam * Trace(s.V.T * s.V)),
    Case("ML", "grad", "sum(log(1 + exp(-y .* (X w))))", "w",
         lambda s: ones_row(s.y) * log(ones_col(s.y) + exp(sp.HadamardProduct(-s.y, s.X * s.w)))),
    Case("ML", "grad", "-y^T log(softmax(W x))", "W", None),
    Case("ML", "grad", "logsumexp(x)", "x", None),
    Case("ML", "grad", "sum(exp(A x))", "x", lambda s: ones_row(s.A) * exp(s.A * s.x)),
    Case("ML", "grad", "sum(log(x))", "x", lambda s: ones_row(s.x) * log(s.x)),
    Case("ML", "grad", "||tanh(W x + b) - y||^2", "W",
         lambda s: (tanh(s.W * s.x + s.b) - s.y).T * (tanh(s.W * s.x + s.b) - s.y)),
    Case("ML", "grad", "1/2 ||W2 tanh(W1 x + b1) - y||^2", "W1",
         lambda s: half * (s.W2 * tanh(s.W1 * s.x + s.b1) - s.y).T * (s.W2 * tanh(s.W1 * s.x + s.b1) - s.y)),
    # ---- Hessians ----------------------------------------------------------------------------
    Case("quadratic", "hessian", "x^T A x", "x", lambda s: s.x.T * s.A * s.x),
    Case("quadratic", "hessian", "1/2 x^T A x - b^T x", "x", lambda s: half * s.x.T * s.A * s.x - s.b.T * s.x),
    Case("quadratic", "hessian", "(x - mu)^T Σ^-1 (x - mu)", "x", lambda s: (s.x - s.mu).T * s.Σ.I * (s.x - s.mu)),
    Case("quadratic", "hessian", "(a^T x)^2", "x", lambda s: (s.a.T * s.x) ** 2),
    Case("quadratic", "hessian", "(x^T x)^2", "x", lambda s: (s.x.T * s.x) ** 2),
    Case("quadratic", "hessian", "x^T A x / x^T x", "x", lambda s: (s.x.T * s.A * s.x) * (s.x.T * s.x) ** -1),
    Case("norm", "hessian", "||A x - b||^2", "x", lambda s: (s.A * s.x - s.b).T * (s.A * s.x - s.b)),
    Case("norm", "hessian", "||x||", "x", lambda s: (s.x.T * s.x) ** half),
    Case("norm", "hessian", "||X w - y||^2", "w", lambda s: (s.X * s.w - s.y).T * (s.X * s.w - s.y)),
    Case("ML", "hessian", "||A x - b||^2 + lambda ||x||^2", "x",
         lambda s: (s.A * s.x - s.b).T * (s.A * s.x - s.b) + s.lam * s.x.T * s.x),
    Case("ML", "hessian", "logsumexp(x)", "x", None),
    Case("ML", "hessian", "sum(log(1 + exp(X w))) - y^T X w", "w",
         lambda s: ones_row(s.y) * log(ones_col(s.y) + exp(s.X * s.w)) - s.y.T * s.X * s.w),
    Case("ML", "hessian", "sum(exp(A x))", "x", lambda s: ones_row(s.A) * exp(s.A * s.x)),
    Case("ML", "hessian", "sum(log(x))", "x", lambda s: ones_row(s.x) * log(s.x)),
    Case("ML", "hessian", "||tanh(W x + b) - y||^2", "x",
         lambda s: (tanh(s.W * s.x + s.b) - s.y).T * (tanh(s.W * s.x + s.b) - s.y)),
    Case("trace", "hessian", "tr(A X B)", "X", lambda s: Trace(s.A * s.X * s.B)),
    Case("trace", "hessian", "tr(X^T A X)", "X", lambda s: Trace(s.X.T * s.A * s.X)),
    Case("norm", "hessian", "||A X - B||_F^2", "X", lambda s: Trace((s.A * s.X - s.B).T * (s.A * s.X - s.B))),
    Case("inverse", "hessian", "tr(X^-1)", "X", lambda s: Trace(s.X.I)),
    Case("det", "hessian", "log det X", "X", lambda s: sp.log(Determinant(s.X))),
]

ALIASES = {"lambda": "lam"}   # matcalc name → attribute on the SymPy namespace (lambda is a keyword)


# ---- timing ------------------------------------------------------------------------------------
class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def with_timeout(fn, seconds):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def median_ms(fn, repeat, before):
    """Median CPU time of this process (time.process_time), in ms: other processes on a shared
    machine stretch wall time but not this, and both libraries are single-threaded Python."""
    times = []
    for _ in range(repeat):
        before()
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return 1e3 * statistics.median(times)


def matcalc_run(case):
    fn = matcalc.grad if case.kind == "grad" else matcalc.hessian
    return fn(case.text, case.wrt, where=case.where, check=False)


def sympy_spec(function):
    """(name, rows, cols) of every variable, dimension symbols as matcalc inferred them."""
    return sorted((v.name, v.shape[0], v.shape[1]) for v in function.free if isinstance(v, E.Var))


def sympy_symbols(spec):
    ns = {}
    for name, r, c in spec:
        if (r, c) == (1, 1):
            sym = sp.Symbol(name)
        else:
            sym = sp.MatrixSymbol(name, sp.Symbol(r) if isinstance(r, str) else r,
                                  sp.Symbol(c) if isinstance(c, str) else c)
        ns[ALIASES.get(name, name)] = sym
    return types.SimpleNamespace(**ns)


def sympy_run(case, spec):
    s = sympy_symbols(spec)
    f = case.build(s)
    X = getattr(s, ALIASES.get(case.wrt, case.wrt))
    g = f.diff(X)
    return f, (g if case.kind == "grad" else g.diff(X))


# ---- numbers -------------------------------------------------------------------------------------
def sample_point(function, derivative, wrt, seed):
    """sizes and env (Var → array) where f and matcalc's derivative are finite."""
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols([function, derivative, wrt]), rng)
    variables = sorted({v for v in function.free if isinstance(v, E.Var)} | {wrt}, key=lambda v: v.name)
    for mode in ["plain"] * 5 + ["positive"] * 5 + ["spd"] * 5:
        env = {v: sample_value(v, sizes, rng, mode) for v in variables}
        if np.all(np.isfinite(evaluate(function, env, sizes))) and \
                np.all(np.isfinite(evaluate(derivative, env, sizes))):
            return sizes, env
    raise RuntimeError("no point in the domain")


def fd_gradient(function, env, sizes, wrt):
    x0 = env[wrt]
    h0 = 1e-3 * max(1.0, float(np.sqrt(np.mean(x0 ** 2))))
    out = np.zeros(x0.shape)

    def f(x):
        return evaluate(function, {**env, wrt: x}, sizes)[0, 0]
    for idx in np.ndindex(*x0.shape):
        e = np.zeros(x0.shape)
        e[idx] = 1.0

        def d(h):
            return (f(x0 + h * e) - f(x0 - h * e)) / (2 * h)
        out[idx] = (4 * d(h0 / 2) - d(h0)) / 3
    return out


def fd_hessian(function, env, sizes, wrt):
    """Mixed central second differences on vec X (column-major), Richardson-extrapolated."""
    x0 = env[wrt]
    h0 = 1e-3 * max(1.0, float(np.sqrt(np.mean(x0 ** 2))))
    n = x0.size
    basis = [np.eye(n)[:, k].reshape(x0.shape, order="F") for k in range(n)]

    def f(x):
        return evaluate(function, {**env, wrt: x}, sizes)[0, 0]

    def second(i, j, h):
        a, b = h * basis[i], h * basis[j]
        return (f(x0 + a + b) - f(x0 + a - b) - f(x0 - a + b) + f(x0 - a - b)) / (4 * h * h)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = (4 * second(i, j, h0 / 2) - second(i, j, h0)) / 3
    return H


def rel_error(value, reference, floor):
    """max |value − reference| relative to the larger of the two; `floor` is the rounding noise of
    the finite differences, so a derivative that is zero (or below the noise) compares absolutely."""
    if value is None or value.shape != reference.shape or not np.all(np.isfinite(value)):
        return float("inf")
    denom = max(float(np.max(np.abs(reference))), float(np.max(np.abs(value))), floor / RTOL, 1e-300)
    return float(np.max(np.abs(value - reference))) / denom


def noise_floor(function, env, sizes, wrt, order):
    """Rounding noise of the differences: ~eps |f| / h^order, with a wide margin (×1e4)."""
    h0 = 1e-3 * max(1.0, float(np.sqrt(np.mean(env[wrt] ** 2))))
    f0 = abs(float(evaluate(function, env, sizes)[0, 0]))
    return 1e4 * np.finfo(float).eps * max(1.0, f0) / h0 ** order


class Unevaluable(Exception):
    pass


def sympy_numeric(expr, by_name, sizes):
    """Evaluate a SymPy result at the point: dimension symbols → sizes, symbols → arrays by name."""
    if expr.has(sp.Derivative) or expr.atoms(sp.Derivative):
        raise Unevaluable("returned an unevaluated Derivative")
    expr = expr.subs({sp.Symbol(d): v for d, v in sizes.items()})
    values = {}
    for sym in expr.free_symbols:
        if sym.name in by_name:
            values[sym] = by_name[sym.name]
    expr, extra = _precompute(expr, values)
    values.update(extra)
    args = list(values)
    try:
        out = sp.lambdify(args, expr, modules=["numpy"])(*[v if v.shape != (1, 1) or isinstance(a, sp.MatrixSymbol)
                                                          else v[0, 0] for a, v in values.items()])
        out = np.asarray(out, dtype=float)
    except Exception:
        try:   # explicit: every symbol becomes a numeric Matrix
            sub = {a: (sp.ImmutableMatrix(v) if isinstance(a, sp.MatrixSymbol) else sp.Float(v[0, 0]))
                   for a, v in values.items()}
            out = expr.xreplace(sub).doit()
            if hasattr(out, "as_explicit"):
                out = out.as_explicit()
            out = np.array(out.tolist() if hasattr(out, "tolist") else out, dtype=float)
        except Exception as err:
            raise Unevaluable(f"result could not be evaluated ({type(err).__name__})") from err
    return out


def _precompute(expr, values):
    """Replace element-wise applications and fractional powers of 1×1 matrices (which lambdify cannot
    print) by fresh symbols holding their numeric values, innermost first."""
    extra = {}
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

    def visit(e):
        if not isinstance(e, sp.Basic) or not e.args:
            return e
        new_args = [visit(a) for a in e.args]
        if any(a is not b for a, b in zip(new_args, e.args)):
            try:
                e = e.func(*new_args)
            except Exception:
                e = e.xreplace(dict(zip(e.args, new_args)))
        if isinstance(e, ElementwiseApplyFunction):
            inner = sympy_value(e.expr, {**values, **extra})
            fn = sp.lambdify(e.function.variables, e.function.expr, modules=["numpy"])
            return fresh(np.asarray(fn(inner), dtype=float).reshape(inner.shape))
        if isinstance(e, sp.MatPow) and e.shape == (1, 1) and not (e.exp.is_Integer):
            inner = sympy_value(e.base, {**values, **extra})
            return fresh(inner ** float(e.exp))
        return e

    def fresh(value):
        sym = sp.MatrixSymbol(f"_v{len(extra)}", *value.shape)
        extra[sym] = value
        return sym
    return visit(expr), extra


def sympy_value(expr, values):
    args = list(values)
    return np.asarray(sp.lambdify(args, expr, modules=["numpy"])(*values.values()), dtype=float)


def sympy_as_derivative(out, case, wrt_shape):
    """SymPy's layout → matcalc's: gradient in the variable's shape; Hessian on vec X."""
    r, c = wrt_shape
    if case.kind == "grad":
        if out.size != r * c:
            raise Unevaluable(f"result of shape {out.shape} for a variable of shape {wrt_shape}")
        return out.reshape(r, c)
    n = r * c
    if out.ndim == 4:   # T[k, l, i, j] = ∂G_ij/∂X_kl (X's indices first), onto column-major vec
        return out.transpose(2, 3, 0, 1).reshape(n, n, order="F")
    if out.size != n * n:
        raise Unevaluable(f"result of shape {out.shape} for a Hessian of size {n}")
    return out.reshape(n, n)


# ---- one case ----------------------------------------------------------------------------------
def run_case(case, repeat, sympy_repeat, seed):
    row = {"case": case}
    result = matcalc_run(case)   # warm-up and the result checked below
    row["mc_ms"] = median_ms(lambda: matcalc_run(case), repeat, simplifier._memo.clear)
    row["mc_result"] = str(result)
    f, wrt = result.function, result.wrt
    sizes, env = sample_point(f, result.expr, wrt, seed)
    if case.kind == "grad":
        reference = fd_gradient(f, env, sizes, wrt)
    else:
        reference = fd_hessian(f, env, sizes, wrt)
    floor = noise_floor(f, env, sizes, wrt, 1 if case.kind == "grad" else 2)
    mine = evaluate(result.expr, env, sizes)
    row["mc_err"] = rel_error(mine, reference, floor)

    row["sp_status"], row["sp_ms"], row["sp_note"], row["f_ok"] = "n/a", None, "", None
    if case.build is None:
        return row
    spec = sympy_spec(f)
    try:
        clear_cache()
        sp_f, sp_d = with_timeout(lambda: sympy_run(case, spec), SYMPY_TIMEOUT)   # warm-up
        row["sp_ms"] = median_ms(lambda: with_timeout(lambda: sympy_run(case, spec), SYMPY_TIMEOUT),
                                 sympy_repeat, clear_cache)
    except Timeout:
        row["sp_status"], row["sp_note"] = "FAILED", f"timed out after {SYMPY_TIMEOUT:.0f} s"
        return row
    except Exception as err:
        row["sp_status"], row["sp_note"] = "FAILED", f"{type(err).__name__}: {str(err)[:60]}"
        return row
    by_name = {v.name: a for v, a in env.items()}
    try:   # the translation itself must agree with matcalc's function
        fv = sympy_numeric(sp_f, by_name, sizes).reshape(-1)[0]
        row["f_ok"] = bool(abs(fv - evaluate(f, env, sizes)[0, 0]) <= 1e-9 * max(1.0, abs(fv)))
    except Exception:
        row["f_ok"] = None
    row["sp_result"] = str(sp_d)
    try:
        wrt_shape = (dim_size(wrt.shape[0], sizes), dim_size(wrt.shape[1], sizes))
        theirs = sympy_as_derivative(sympy_numeric(sp_d, by_name, sizes), case, wrt_shape)
    except Unevaluable as err:
        row["sp_status"], row["sp_note"] = "FAILED", str(err)
        return row
    err = rel_error(theirs, reference, floor)
    row["sp_err"] = err
    if err <= RTOL:
        row["sp_status"] = "ok"
    else:
        row["sp_status"] = "WRONG"
        zero = not np.any(theirs)
        row["sp_note"] = f"returns {sp_d}" if zero or len(str(sp_d)) < 40 else f"rel. error {err:.1e}"
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="matcalc runs per case (median)")
    ap.add_argument("--sympy-repeat", type=int, default=5, help="SymPy runs per case (median)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=None, help="only cases whose text contains this")
    ap.add_argument("--verbose", "-v", action="store_true", help="print both results for every case")
    args = ap.parse_args()

    cases = [c for c in CASES if args.only is None or args.only in c.text]
    matcalc.parse("x")   # build the grammar outside the timings
    root = Path(__file__).resolve().parents[1]
    try:
        rev = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except Exception:
        rev = ""
    print(f"matcalc at {root} ({rev or 'not a git checkout'}), Python {sys.version.split()[0]}, "
          f"NumPy {np.__version__}, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"matcalc vs SymPy {sp.__version__}: {len(cases)} cases "
          f"({sum(c.kind == 'grad' for c in cases)} gradients, {sum(c.kind == 'hessian' for c in cases)} Hessians); "
          f"median of {args.repeat} (matcalc) / {args.sympy_repeat} (SymPy) runs, caches cleared before each")
    print(f"{'kind':4} {'expression':52} {'wrt':3} {'matcalc':>8} {'SymPy':>8} {'ratio':>7}  {'mc':3} {'SymPy':7} {'f':1}  note")
    print(f"{'':4} {'':52} {'':3} {'ms':>8} {'ms':>8}")
    rows = []
    for case in cases:
        row = run_case(case, args.repeat, args.sympy_repeat, args.seed)
        rows.append(row)
        sp_ms = f"{row['sp_ms']:8.2f}" if row["sp_ms"] is not None else f"{'-':>8}"
        ratio = f"{row['sp_ms'] / row['mc_ms']:6.1f}x" if row["sp_ms"] is not None else f"{'-':>7}"
        mc_ok = "ok" if row["mc_err"] <= RTOL else "BAD"
        f_ok = {True: "=", False: "≠", None: "?"}[row["f_ok"]] if case.build else " "
        kind = "grad" if case.kind == "grad" else "hess"
        print(f"{kind:4} {case.text[:52]:52} {case.wrt:3} {row['mc_ms']:8.2f} {sp_ms} {ratio}  {mc_ok:3} "
              f"{row['sp_status']:7} {f_ok}  {row['sp_note']}", flush=True)
        if args.verbose or mc_ok != "ok":
            print(f"       matcalc: {row['mc_result']}   (rel. error {row['mc_err']:.1e})")
            if "sp_result" in row:
                print(f"       SymPy:   {row['sp_result'][:200]}")
    summarize(rows)


def summarize(rows):
    mc = [r["mc_ms"] for r in rows]
    both = [r for r in rows if r["sp_status"] == "ok" and r["mc_err"] <= RTOL]
    timed = [r for r in rows if r["sp_ms"] is not None]
    count = {s: sum(r["sp_status"] == s for r in rows) for s in ("ok", "WRONG", "FAILED", "n/a")}
    mc_bad = [r for r in rows if r["mc_err"] > RTOL]
    slowest = max(rows, key=lambda r: r["mc_ms"])
    print()
    print(f"cases: {len(rows)}; matcalc correct on {len(rows) - len(mc_bad)}; SymPy ok {count['ok']}, "
          f"WRONG {count['WRONG']}, FAILED {count['FAILED']}, not expressible {count['n/a']} "
          f"(failed or wrong: {count['WRONG'] + count['FAILED']} of {len(rows) - count['n/a']} expressible; "
          f"{count['WRONG'] + count['FAILED'] + count['n/a']} of {len(rows)} with n/a)")
    print(f"matcalc median over all {len(rows)} cases: {statistics.median(mc):.2f} ms; "
          f"max {slowest['mc_ms']:.2f} ms ({slowest['case'].kind} {slowest['case'].text} w.r.t. {slowest['case'].wrt})")
    if both:
        m1 = statistics.median(r["mc_ms"] for r in both)
        m2 = statistics.median(r["sp_ms"] for r in both)
        per = statistics.median(r["sp_ms"] / r["mc_ms"] for r in both)
        print(f"on the {len(both)} cases both get right: matcalc median {m1:.2f} ms, SymPy median {m2:.2f} ms, "
              f"ratio of medians {m2 / m1:.1f}x (matcalc = {m1 / m2:.3f} of SymPy); median per-case ratio {per:.1f}x")
    if timed:
        m1 = statistics.median(r["mc_ms"] for r in timed)
        m2 = statistics.median(r["sp_ms"] for r in timed)
        print(f"on the {len(timed)} cases where SymPy returned (right, wrong or unevaluated): matcalc median {m1:.2f} ms, "
              f"SymPy median {m2:.2f} ms, ratio {m2 / m1:.1f}x")
    over = [r for r in rows if r["mc_ms"] > 50]
    ratio_ok = bool(both) and statistics.median(r["mc_ms"] for r in both) * 10 <= \
        statistics.median(r["sp_ms"] for r in both)
    print(f"target matcalc median ≤ 1/10 of SymPy's: {'met' if ratio_ok else 'MISSED'}; "
          f"no case over 50 ms: {'met' if not over else 'MISSED (' + ', '.join(r['case'].text for r in over) + ')'}")
    if mc_bad:
        print("matcalc WRONG on: " + "; ".join(f"{r['case'].text} w.r.t. {r['case'].wrt}" for r in mc_bad))
    for status in ("WRONG", "FAILED"):
        hit = [r for r in rows if r["sp_status"] == status]
        if hit:
            print(f"SymPy {status}: " + "; ".join(f"{r['case'].kind} {r['case'].text} w.r.t. {r['case'].wrt}"
                                                 for r in hit))


if __name__ == "__main__":
    main()
