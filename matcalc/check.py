"""The numerical check: central differences along random directions (METHOD.md §7).

Sizes: every symbolic dimension gets a distinct small size (2–6), so a transposed or misplaced
factor changes the shape or the value and cannot pass by accident. Values honour the declared
properties; square matrices are drawn with singular values in [0.5, 2] so inverses are tame.
Step: Richardson extrapolation of two central differences (t and t/2) cancels the t² term, so the
truncation error is O(t⁴ f⁽⁵⁾) while rounding stays near eps·|f|/t. A steep function (softplus
of an argument that moves 100× faster than the variable) needs a smaller t than a flat one, so
three steps are tried (1e-3, 1e-4, 1e-5 times the variable's scale) and the best agreement counts;
a wrong rule is wrong at every step.
Tolerance: the error is measured relative to ‖D‖·‖E‖ (and |fd|), not per entry, which would
blow up where the derivative is near zero; 1e-6 leaves six orders of margin above the noise and
sits far below the O(1) error of a wrong rule.
"""
import itertools
import math

import numpy as np

from . import expr as E
from .errors import LimitError
from .numeric import dim_size, evaluate

RTOL = 1e-6
ATTEMPTS = 40
#: The sampling modes tried in turn: plain values first, then positive entries (for logs and square
#: roots), then spd square matrices (for log det and Cholesky-like domains).
MODES = ["plain"] * 15 + ["positive"] * 15 + ["spd"] * 10
DIRECTIONS = 3
STEPS = (1e-3, 1e-4, 1e-5)
# Second differences lose twice the digits to rounding (eps/t² instead of eps/t): larger steps.
SECOND_STEPS = (1e-2, 3e-3, 1e-3)
_SIZES = (3, 4, 2, 5, 6, 7)
# A point where a matrix that is inverted (or whose determinant is taken) has a condition number
# past this is not used: finite differences there measure rounding and curvature, not the
# derivative, and a correct answer would be blamed for the sample.
COND_MAX = 1e6
SIZE_DRAWS = 8          # orders of the sizes tried when every point at the drawn ones is ill-conditioned
ILL_PER_DRAW = 6        # ill-conditioned points in a row before the sizes are drawn again
# What one check may cost at the sizes it evaluates at (fixed, declared sizes are used as they are):
# every node of f and of the derivative is held at once, and the check evaluates f ~100 times.
MEMORY_BUDGET = 256 * 2 ** 20      # bytes of float64 intermediates
FLOP_BUDGET = 2e8                  # floating-point operations per evaluation
_INVERTING = ("Inverse", "LogDet", "Det")


class CheckReport:
    """Outcome of a numerical check: status is 'passed', 'failed' or 'inconclusive'.

    The one report of every check: a derivative's (max_rel_error, the summary derived from it) and
    the analysis commands' (a summary such as "error ratio 8.00 when halving t", extra `details`).
    The dictionary keeps each its own keys: the derivative check's has max_rel_error, an analysis
    check's has the summary, then its details.
    """

    def __init__(self, status, max_rel_error=None, sizes=None, seed=None, message="", *, summary=None, **details):
        self.status, self.max_rel_error, self.sizes, self.seed, self.message = \
            status, max_rel_error, sizes or {}, seed, message
        self.summary, self.details = summary, details

    @property
    def passed(self):
        return self.status == "passed"

    def labelled(self, what):
        """This report as one part of an analysis check ("gradient: max relative error 1e-10")."""
        err = self.max_rel_error
        return CheckReport(self.status, None, self.sizes, self.seed, self.message,
                           summary=f"{what}: max relative error {err:.1e}" if err is not None else what)

    def as_dict(self):
        head = {"max_rel_error": self.max_rel_error} if self.summary is None else {"summary": self.summary}
        tail = {"max_rel_error": self.max_rel_error} if self.summary is not None and self.max_rel_error is not None \
            else {}
        return {"status": self.status, "passed": self.passed, **head, "sizes": self.sizes, "seed": self.seed,
                "message": self.message, **tail, **self.details}

    def __str__(self):
        sizes = ", ".join(f"{k}={v}" for k, v in self.sizes.items()) or "fixed sizes"
        summary = self.summary
        if summary is None:
            summary = f"max relative error {self.max_rel_error:.1e}" if self.max_rel_error is not None else ""
        tail = f": {self.message}" if self.message else ""
        return f"numerical check {self.status} ({summary + ', ' if summary else ''}{sizes}, seed {self.seed}){tail}"

    def __repr__(self):
        return f"<CheckReport {self}>"


def worst_of(reports):
    """The worst of several reports (a failed one wins, then an inconclusive one)."""
    for status in ("failed", "inconclusive"):
        for r in reports:
            if r.status == status:
                return r
    return reports[-1]


def dim_symbols(exprs):
    """Every dimension symbol in the expressions, in order of appearance (walking all nodes)."""
    found, seen = [], set()

    def add(d):
        if isinstance(d, tuple):
            for f in d:
                add(f)
        elif isinstance(d, str) and d not in found:
            found.append(d)

    def walk(e):
        if e in seen:
            return
        seen.add(e)
        add(e.shape[0])
        add(e.shape[1])
        for c in e.children:
            walk(c)
    for e in exprs:
        walk(e)
    return found


def sampler(exprs, seed):
    """(rng, sizes) for a check: the seeded generator and a distinct small size per dimension symbol."""
    rng = np.random.default_rng(0 if seed is None else int(seed))
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


def run_check(function, derivative, wrt, kind, seed=0, extra=(), along=None, first=None):
    """Check `derivative` of `function` w.r.t. `wrt`.

    kind 'gradient': ⟨G, E⟩ ≈ (f(X+tE) − f(X−tE))/2t; 'jacobian': J vec(E) ≈ the same for vec f.
    For a Hessian, pass the gradient as `function` and kind 'jacobian' — and, because a Hessian that
    is the exact Jacobian of a wrong gradient passes that test, also kind 'hessian' with f itself as
    `function` and the first variable as `first`: vec(U)ᵀ H vec(W) ≈ mixed second differences of f.
    Kind 'directional': the derivative already contains the direction, the variable `along`, which
    is the E used.
    """
    seed = 0 if seed is None else int(seed)
    exprs = (function, derivative, wrt) + tuple(extra) + ((first,) if first is not None else ())
    rng, sizes = sampler(exprs, seed)
    symbols = dim_symbols(exprs)
    sampled = variables(exprs, skip=(along,))
    within_budget(exprs, sizes)
    functions = user_functions(exprs, sizes, rng)
    inverted = [n.arg for n in E.nodes(function, derivative) if type(n).__name__ in _INVERTING]
    worst_ill = None
    draws, ill_run = 1, 0
    orders = itertools.islice(itertools.permutations(list(sizes.values())), 1, SIZE_DRAWS)
    attempts = iter(MODES[:ATTEMPTS])
    while True:
        mode = next(attempts, None)
        if mode is None or ill_run >= ILL_PER_DRAW:
            if ill_run < ILL_PER_DRAW or draws >= min(SIZE_DRAWS, math.factorial(len(sizes))):
                break
            # every recent point was ill-conditioned: these sizes may make a product singular (AᵀA
            # with m < n, A X B with k past m or n). Later draws put the same sizes in other orders.
            sizes = dict(zip(sizes, next(orders)))
            draws, ill_run = draws + 1, 0
            functions = user_functions(exprs, sizes, rng)
            attempts = iter(MODES[:ATTEMPTS])
            continue
        env = sample_env(sampled, sizes, rng, mode)
        env.update(functions)
        memo = {}
        value = evaluate(function, env, sizes, memo)
        if along is not None:
            env[along] = direction(wrt, sizes, rng)
        dmemo = {}
        deriv = evaluate(derivative, env, sizes, dmemo)
        ill = _ill_conditioned(inverted, env, sizes, {**memo, **dmemo})
        if ill is not None:
            ill_run += 1
            worst_ill = ill
            continue
        ill_run = 0
        if not (finite(value) and finite(deriv)):
            continue
        # the size of the numbers f is computed from: rounding noise scales with it, not with |f|
        magnitude = max(float(np.max(np.abs(v))) for v in memo.values() if v.size and finite(v)) if memo else 0.0
        x0 = env[wrt]
        expected = x0.shape if kind == "gradient" else (value.size, x0.size) if kind == "jacobian" else \
            (env[first].size, x0.size) if kind == "hessian" else None
        if expected is not None and deriv.shape != expected:
            return CheckReport("failed", None, sizes, seed, f"the derivative has shape {deriv.shape}, expected "
                               f"{expected}")
        scale = max(1.0, float(np.sqrt(np.mean(x0 ** 2))))
        # a derivative that is exactly zero has no size to be relative to: measure the differences
        # of f against the size a derivative of f could have, |intermediates| · ‖E‖ / scale
        zero = not np.any(deriv)
        worst, ok, usable = 0.0, True, True
        for _ in range(DIRECTIONS):
            d = direction(wrt, sizes, rng)
            if not np.any(d):
                continue
            if kind == "hessian":
                u = direction(first, sizes, rng)
                analytic = np.array([float(u.reshape(-1, order="F") @ deriv @ d.reshape(-1, order="F"))])
                fd, steps, norm_d = _second_difference(function, env, sizes, first, u, wrt, d), SECOND_STEPS, \
                    _norm(d) * _norm(u)
                noise_power = 2
            else:
                if along is not None:
                    deriv = evaluate(derivative, {**env, along: d}, sizes)
                    if not finite(deriv):
                        usable = False
                        break
                analytic = _apply(deriv, d, kind)
                fd, steps, norm_d, noise_power = _first_difference(function, env, sizes, wrt, d), STEPS, _norm(d), 1
            best = None
            for t in steps:   # the best of three step sizes: steep functions need a smaller one
                t = t * scale
                d1, d2 = fd(t), fd(t / 2)
                if not (finite(d1) and finite(d2)):
                    continue
                numeric = ((4 * d2 - d1) / 3).reshape(-1, order="F")
                err = float(np.max(np.abs(numeric - analytic)))
                # rounding inside f (1 + e⁻²⁴ loses digits that f itself does not show) makes the two
                # differences disagree; their gap bounds that noise, and is tiny next to a wrong rule's error
                spread = float(np.max(np.abs(d1 - d2)))
                norm = _norm(deriv) * norm_d
                floor = magnitude * norm_d / scale ** noise_power if zero else 0.0
                denom = max(norm, float(np.max(np.abs(numeric))), floor, 1e-300)
                noise = 1e2 * np.finfo(float).eps * magnitude / t ** noise_power
                margin = (err - noise - spread) / (RTOL * denom)
                if best is None or margin < best[0]:
                    best = (margin, err / denom, (noise + spread) / denom)
            if best is None or best[0] <= 1 and best[2] > 1e-2:
                usable = False      # no step size, or rounding noise too large to tell right from wrong here
                break
            worst = max(worst, best[1])
            if best[0] > 1:
                ok = False
        if not usable:
            continue
        structure = _structure_problem(deriv, wrt, kind)
        if structure:
            return CheckReport("failed", worst, sizes, seed, structure)
        what = "second differences of the function" if kind == "hessian" else "finite differences"
        return CheckReport("passed" if ok else "failed", worst, sizes, seed,
                           "" if ok else f"the derivative does not match {what}")
    if worst_ill is not None:
        from .printers.text import to_text
        return CheckReport("inconclusive", None, sizes, seed,
                           f"every point sampled made {to_text(worst_ill[0])} ill-conditioned (condition number "
                           f"{worst_ill[1]:.1e}), at {draws} draw(s) of sizes; finite differences cannot judge the "
                           "derivative there. This is not a failure of the formula: the sampled sizes or values "
                           "make that matrix (nearly) singular — declare sizes or properties (spd) that make it "
                           "invertible, or check at your own values with `matcalc at`")
    return CheckReport("inconclusive", None, sizes, seed,
                       "no point could be sampled where the function is defined and finite differences are "
                       "accurate (declare properties such as 'positive' or 'spd' to help)")


def _first_difference(function, env, sizes, wrt, d):
    x0 = env[wrt]

    def fd(h):
        plus = evaluate(function, {**env, wrt: x0 + h * d}, sizes)
        minus = evaluate(function, {**env, wrt: x0 - h * d}, sizes)
        return (plus - minus) / (2 * h)
    return fd


def _second_difference(function, env, sizes, first, u, second, w):
    """h ↦ [f(+u,+w) − f(+u,−w) − f(−u,+w) + f(−u,−w)] / 4h², steps h·u on `first`, h·w on `second`."""
    def at(h, a, b):
        point = dict(env)
        point[first] = env[first] + a * h * u
        point[second] = point[second] + b * h * w    # the same variable twice: both steps add up
        return evaluate(function, point, sizes)

    def fd(h):
        return (at(h, 1, 1) - at(h, 1, -1) - at(h, -1, 1) + at(h, -1, -1)) / (4 * h * h)
    return fd


def _ill_conditioned(arguments, env, sizes, memo):
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
        elif type(n).__name__ in _INVERTING:
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


def _apply(deriv, d, kind):
    if kind == "gradient":
        return np.array([np.sum(deriv * d)])
    if kind == "directional":
        return deriv.reshape(-1, order="F")
    return (deriv @ d.reshape(-1, 1, order="F")).reshape(-1)


def _structure_problem(deriv, wrt, kind):
    if kind != "gradient" or wrt.is_scalar or wrt.is_vector:
        return ""
    tol = 1e-9 * max(1.0, float(np.max(np.abs(deriv))))
    if wrt.has("diagonal") and np.max(np.abs(deriv - np.diag(np.diag(deriv)))) > tol:
        return "the gradient w.r.t. a diagonal variable is not diagonal"
    if wrt.has("symmetric") and np.max(np.abs(deriv - deriv.T)) > tol:
        return "the gradient w.r.t. a symmetric variable is not symmetric"
    return ""
