"""What the numerical check evaluates at: sizes, values, directions, stand-in functions, and the
limits on them (a budget for fixed sizes, ill-conditioned points left out).

Sizes: every symbolic dimension gets a distinct small size (2–7), so a transposed or misplaced
factor changes the shape or the value and cannot pass by accident. Values honour the declared
properties; square matrices are drawn with singular values in [0.5, 2] so inverses are tame.
The analysis commands (taylor, newton, implicit, at) sample through the same functions.
"""
import numpy as np

from . import expr as E
from .draws import Draws
from .errors import LimitError
from .numeric import dim_size, evaluate

#: The sampling modes tried in turn: plain values first, then positive entries (for logs and square
#: roots), then spd square matrices (for log det and Cholesky-like domains).
MODES = ["plain"] * 15 + ["positive"] * 15 + ["spd"] * 10
_SIZES = (3, 4, 2, 5, 6, 7)
# A point where a matrix that is inverted (or whose determinant is taken) has a condition number
# past this is not used: finite differences there measure rounding and curvature, not the
# derivative, and a correct answer would be blamed for the sample.
COND_MAX = 1e6
# What one check may cost at the sizes it evaluates at (fixed, declared sizes are used as they are):
# every node of f and of the derivative is held at once, and the check evaluates f ~100 times.
MEMORY_BUDGET = 256 * 2 ** 20      # bytes of float64 intermediates
FLOP_BUDGET = 2e8                  # floating-point operations per evaluation
INVERTING = ("Inverse", "LogDet", "Det")   # nodes whose argument must be well-conditioned


def dim_symbols(exprs):
    """Every dimension symbol in the expressions, in order of appearance (walking all nodes)."""
    found, seen, known = [], set(), set()     # known: `found` as a set (8,000 symbols: a list was quadratic)

    def add(d):
        if isinstance(d, tuple):
            for f in d:
                add(f)
        elif isinstance(d, str) and d not in known:
            known.add(d)
            found.append(d)

    def walk(e):
        if e in seen:
            return
        seen.add(e)
        add(e.shape[0])
        add(e.shape[1])
        for d in getattr(e, "named_dims", ()):     # the n of a size node (ops/size.py)
            add(d)
        for c in e.children:
            walk(c)
    for e in exprs:
        walk(e)
    return found


def sampler(exprs, seed):
    """(rng, sizes) for a check: the seeded generator and a distinct small size per dimension symbol."""
    rng = Draws(0 if seed is None else int(seed))
    return rng, sample_sizes(dim_symbols(exprs), rng)


def variables(exprs, skip=()):
    """The variables of the expressions, sorted by name (the order values are drawn in)."""
    found = {v for e in exprs for v in e.free if isinstance(v, E.Var)}
    return sorted((v for v in found if v not in skip), key=lambda v: v.name)


def sample_env(vs, sizes, rng, mode):
    """A value for every variable, honouring its declared properties."""
    return {v: sample_value(v, sizes, rng, mode) for v in vs}


def sample_sizes(symbols, rng):
    sizes = list(_SIZES)
    rng.shuffle(sizes)
    out = {}
    for i, s in enumerate(symbols):
        out[s] = sizes[i] if i < len(sizes) else int(rng.integers(2, 7))
    return out


def _square(n, rng):
    """A square matrix with singular values in [0.5, 2]."""
    q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q1 @ np.diag(rng.uniform(0.5, 2.0, n)) @ q2


def sample_value(var, sizes, rng, mode):
    r, c = (dim_size(var.shape[0], sizes), dim_size(var.shape[1], sizes))
    props = var.props
    if "onehot" in props:                 # a label per row: its rows sum to 1
        return np.eye(c)[rng.integers(0, c, r)]
    if "diagonal" in props:
        positive = "positive" in props or "spd" in props or mode != "plain"
        d = np.exp(rng.standard_normal(r) / 2) if positive else rng.standard_normal(r)
        return np.diag(d)
    if "spd" in props or (mode == "spd" and r == c and r > 1):
        b = rng.standard_normal((r, r))
        return b @ b.T / r + np.eye(r) * rng.uniform(0.5, 1.5)
    if "symmetric" in props:
        a = rng.standard_normal((r, r))
        return (a + a.T) / 2
    if "positive" in props or mode in ("positive", "spd"):
        return np.exp(rng.standard_normal((r, c)) / 2)
    if r == c and r > 1:
        return _square(r, rng)
    return rng.standard_normal((r, c))


def direction(var, sizes, rng):
    r, c = (dim_size(var.shape[0], sizes), dim_size(var.shape[1], sizes))
    e = rng.standard_normal((r, c))
    if var.has("diagonal"):
        return np.diag(np.diag(e))
    if var.has("symmetric"):
        return (e + e.T) / 2
    if var.has("onehot"):                 # along the labels' constraint: rows that sum to 0
        return e - e.mean(axis=1, keepdims=True)
    return e


def user_functions(exprs, sizes, rng):
    """Concrete random smooth stand-ins for declared functions: g(u) = tanh(M u), h(u) = sin(u) + u²/2."""
    impls = {}
    for e in E.nodes(*exprs):
        if isinstance(e, (E.Call, E.CallJacobian)) and ("fn", e.name) not in impls:
            n, m = dim_size(e.arg.shape[0], sizes), dim_size(e.out, sizes)
            M = rng.standard_normal((m, n)) / np.sqrt(n)
            impls[("fn", e.name)] = lambda u, M=M: np.tanh(M @ u)
            impls[("jac", e.name)] = lambda u, M=M: (1 - np.tanh(M @ u) ** 2) * M
        elif isinstance(e, E.ElementCall):
            k = e.order
            poly = (lambda u: u ** 2 / 2, lambda u: u, lambda u: np.ones_like(u))
            impls[("el", e.name, k)] = lambda u, k=k: np.sin(u + k * np.pi / 2) + (
                poly[k](u) if k < 3 else np.zeros_like(u))
    return impls


def finite(a):
    return a is not None and bool(np.all(np.isfinite(a)))


def vec(a):
    """Column-major vec, as the Jacobians and Hessians on matrices use it."""
    return a.reshape(-1, order="F")


def _norm(a):
    """‖a‖ without overflow: entries past 1e154 square to inf, which would make every error look small."""
    a = np.asarray(a, dtype=float)
    top = float(np.max(np.abs(a))) if a.size else 0.0
    return top * float(np.linalg.norm(a / top)) if 0 < top < np.inf else top


def ill_conditioned(arguments, env, sizes, memo):
    """(argument, condition number) of the worst-conditioned inverted matrix past COND_MAX, else None."""
    worst = None
    for arg in arguments:
        value = memo.get(arg)
        if value is None:
            value = evaluate(arg, env, sizes, memo)
        if value.shape[0] != value.shape[1] or value.size == 0:
            continue
        with np.errstate(all="ignore"):
            try:
                cond = float(np.linalg.cond(value)) if finite(value) else np.inf
            except np.linalg.LinAlgError:
                cond = np.inf
        if not cond <= COND_MAX and (worst is None or cond > worst[1]):
            worst = (arg, cond)
    return worst


# An eigenvalue closer than this (relative to the spectrum) to another, or a singular value this close
# to 0 for the nuclear norm, is nearly a crossing: the derivative's condition fails within a few steps
# of the finite differences, which then measure the crossing (matcalc/ops: `spectral_gap`).
GAP_MIN = 1e-3


def near_crossing(spectral, env, sizes, memo):
    """(node, 1/gap) for the first spectral node whose `spectral_gap` at its argument is below GAP_MIN."""
    for node in spectral:
        value = memo.get(node.arg)
        if value is None:
            value = evaluate(node.arg, env, sizes, memo)
        if not finite(value):
            continue
        g = type(node).spectral_gap(node, value)
        if not g >= GAP_MIN:
            return node, (1 / g if g > 0 else np.inf)
    return None


def within_budget(exprs, sizes):
    """Refuse, before anything is allocated, a check that would exceed MEMORY_BUDGET or FLOP_BUDGET.

    Symbolic sizes are drawn small (2–7), so this only bites when sizes are fixed by declarations
    (`A: 50000 x 50000`) or by the formula (a Hessian w.r.t. a 300×300 X is 90000×90000)."""
    entries = flops = 0
    largest = None
    for n in E.nodes(*exprs):
        r, c = dim_size(n.shape[0], sizes), dim_size(n.shape[1], sizes)
        entries += r * c
        if largest is None or r * c > largest[1] * largest[2]:
            largest = (n, r, c)
        if isinstance(n, E.Mul):       # left to right, as numeric does; a 1×1 factor scales
            ar, ac = (dim_size(d, sizes) for d in n.args[0].shape)
            for f in n.args[1:]:
                fr, fc = (dim_size(d, sizes) for d in f.shape)
                if ar * ac == 1 or fr * fc == 1:
                    flops += max(ar * ac, fr * fc)
                    ar, ac = (fr, fc) if ar * ac == 1 else (ar, ac)
                else:
                    flops += ar * ac * fc
                    ac = fc
        elif type(n).__name__ in INVERTING:
            flops += r ** 3
    if entries * 8 > MEMORY_BUDGET or flops > FLOP_BUDGET:
        from .printers.text import to_text
        node, r, c = largest
        need = f"{entries * 8 / 2 ** 30:.1f} GiB" if entries * 8 > MEMORY_BUDGET else f"{flops:.1e} operations per evaluation"
        budget = f"{MEMORY_BUDGET // 2 ** 20} MiB" if entries * 8 > MEMORY_BUDGET else f"{FLOP_BUDGET:.0e}"
        fixed = ", ".join(f"{k}={v}" for k, v in sizes.items())
        raise LimitError(f"the numerical check would need {need} at these sizes (the largest intermediate, "
                         f"{_short(to_text(node))}, is {r}×{c}{'; ' + fixed if fixed else ''}): more than its "
                         f"budget of {budget}. Skip the check with --no-check (check=False in Python), or "
                         "declare sizes as symbols (A: m x n) so the formula is checked at small sizes")


def _short(text, width=60):
    return text if len(text) <= width else text[:width - 1] + "…"
