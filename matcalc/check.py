"""The numerical check: central differences along random directions (METHOD.md §7).

Sizes, values and directions come from sampling.py (distinct small sizes per dimension symbol,
values honouring the declared properties, ill-conditioned points left out, a budget for fixed sizes).
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
import time

import numpy as np

from . import expr as E
from .numeric import evaluate
from .sampling import (INVERTING, MODES, _norm, direction, finite, ill_conditioned, near_crossing, sample_env, sampler,
                       user_functions, variables, within_budget)
from .sampling import dim_symbols, sample_sizes, sample_value  # noqa: F401  (re-exported for the tests)

RTOL = 1e-6
# Seconds of points that could not be used before the check gives up (a chain of 8,000 random
# matrices overflows at every point: 40 points took 4 s, 21 s on a loaded machine). A usable point
# ends the check at once, so this only shortens a check that would end inconclusive anyway.
CHECK_SECONDS = 2.0
ATTEMPTS = 40
DIRECTIONS = 3
STEPS = (1e-3, 1e-4, 1e-5)
# Second differences lose twice the digits to rounding (eps/t² instead of eps/t): larger steps.
SECOND_STEPS = (1e-2, 3e-3, 1e-3)
# Neighbouring steps whose estimates agree this closely have converged: a wrong formula is O(1) off.
CONVERGED = 1e-3
# sin, cos, tan of an argument past PHASE_MAX: 100 eps |a| > 2e-6 rad of rounding in the phase.
PERIODIC = ("sin", "cos", "tan")
PHASE_MAX = 1e8
SIZE_DRAWS = 8          # orders of the sizes tried when every point at the drawn ones is ill-conditioned
ILL_PER_DRAW = 6        # ill-conditioned points in a row before the sizes are drawn again
UNUSABLE_DRAWS = 3      # orders of the sizes tried when no point at the drawn ones is usable


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
    sampled = variables(exprs, skip=(along,))
    within_budget(exprs, sizes)
    functions = user_functions(exprs, sizes, rng)
    inverted = [n.arg for n in E.nodes(function, derivative) if type(n).__name__ in INVERTING]
    periodic = [n.arg for n in E.nodes(function) if isinstance(n, E.Apply) and n.fn in PERIODIC]
    spectral = [n for n in E.nodes(function, derivative) if hasattr(type(n), "spectral_gap")]
    worst_ill = None
    draws, ill_run = 1, 0
    orders = itertools.islice(itertools.permutations(list(sizes.values())), 1, SIZE_DRAWS)
    attempts = iter(MODES[:ATTEMPTS])
    start, tried = time.perf_counter(), 0
    while True:
        mode = next(attempts, None)
        if tried and time.perf_counter() - start > CHECK_SECONDS:
            return CheckReport("inconclusive", None, sizes, seed,
                               f"no usable point in the check's time budget of {CHECK_SECONDS:g} s ({tried} "
                               "point(s) tried, none where the function and the derivative are finite and "
                               "well-conditioned); check at your own values with `matcalc at`")
        tried += 1
        if mode is None or ill_run >= ILL_PER_DRAW:
            all_ill = ill_run >= ILL_PER_DRAW
            if draws >= min(SIZE_DRAWS if all_ill else UNUSABLE_DRAWS, math.factorial(len(sizes))):
                break
            # every recent point was ill-conditioned: these sizes may make a product singular (AᵀA
            # with m < n, A X B with k past m or n). Or no point at all was usable: the sizes may make
            # f degenerate (standardising 2 samples gives ±1 whatever X is, so f is flat and the
            # differences are noise). Later draws put the same sizes in other orders.
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
        ill = ill_conditioned(inverted, env, sizes, {**memo, **dmemo}) or \
            near_crossing(spectral, env, sizes, {**memo, **dmemo})
        if ill is not None:
            ill_run += 1
            worst_ill = ill
            continue
        ill_run = 0
        if not (finite(value) and finite(deriv)) or _lost_phase(periodic, memo):
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
            best, estimates = None, []
            for t in steps:   # the best of three step sizes: steep functions need a smaller one
                t = t * scale
                d1, d2 = fd(t), fd(t / 2)
                if not (finite(d1) and finite(d2)):
                    continue
                numeric = ((4 * d2 - d1) / 3).reshape(-1, order="F")
                estimates.append((numeric, 1e2 * np.finfo(float).eps * magnitude / t ** noise_power))
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
            if best[0] > 1 and not _converged(estimates):
                usable = False      # f varies faster than every step resolves (sin(exp(xᵀSx)) at xᵀSx = 16
                break               # oscillates on a scale of 1e-8): the differences judge nothing here
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
                           f"every point sampled made {_shortened(to_text(worst_ill[0]))} ill-conditioned (condition number "
                           f"{worst_ill[1]:.1e}), at {draws} draw(s) of sizes; finite differences cannot judge the "
                           "derivative there. This is not a failure of the formula: the sampled sizes or values "
                           "make that matrix (nearly) singular — declare sizes or properties (spd) that make it "
                           "invertible, or check at your own values with `matcalc at`")
    return CheckReport("inconclusive", None, sizes, seed,
                       "no point could be sampled where the function is defined and finite differences are "
                       "accurate (declare properties such as 'positive' or 'spd' to help)")


def _shortened(text, limit=80):
    """A matrix named in a message, cut short (X X ⋯ X with 5,000 factors is not read in full)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _lost_phase(arguments, memo):
    """Is a sin/cos/tan argument so large that its rounding alone moves the phase (sin(exp(xᵀSx)) at
    xᵀSx = 43: an argument of 4e18, known to ±800 rad)? f is rounding there, not a function of x, and
    a difference of it says 0 ± noise however large the true derivative is."""
    return any(float(np.max(np.abs(memo[a]), initial=0.0)) > PHASE_MAX for a in arguments if a in memo)


def _converged(estimates):
    """Do the extrapolated differences at two neighbouring steps agree (to CONVERGED of their size,
    beyond rounding noise)? Then they measure the derivative, and a disagreement with it is a wrong
    formula. Where f changes faster than every step resolves, they scatter (each bounded by |f|/t,
    or |f|/t² for second differences, whatever the derivative is) and prove nothing either way."""
    for (a, noise_a), (b, noise_b) in zip(estimates, estimates[1:]):
        size = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
        if float(np.max(np.abs(a - b))) <= CONVERGED * size + 2 * (noise_a + noise_b):
            return True
    return False


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


def _apply(deriv, d, kind):
    if kind == "gradient":
        return np.array([np.sum(deriv * d)])
    if kind == "directional":
        return deriv.reshape(-1, order="F")
    return (deriv @ d.reshape(-1, 1, order="F")).reshape(-1)


def _structure_problem(deriv, wrt, kind):
    if kind == "jacobian" and not (wrt.is_scalar or wrt.is_vector) and (wrt.has("symmetric") or wrt.has("diagonal")):
        return _restriction_problem(deriv, wrt)
    if kind != "gradient" or wrt.is_scalar or wrt.is_vector:
        return ""
    tol = 1e-9 * max(1.0, float(np.max(np.abs(deriv))))
    if wrt.has("diagonal") and np.max(np.abs(deriv - np.diag(np.diag(deriv)))) > tol:
        return "the gradient w.r.t. a diagonal variable is not diagonal"
    if wrt.has("symmetric") and np.max(np.abs(deriv - deriv.T)) > tol:
        return "the gradient w.r.t. a symmetric variable is not symmetric"
    return ""


def _restriction_problem(J, wrt):
    """A Jacobian (or Hessian) w.r.t. a symmetric or diagonal variable acts on its directions only: it is
    zero on the others (antisymmetric, off-diagonal), which finite differences along its directions
    cannot see (structured.restricted)."""
    n = int(round(np.sqrt(J.shape[1])))
    tol = 1e-9 * max(1.0, float(np.max(np.abs(J))))
    basis = np.eye(n * n).reshape(n * n, n, n, order="F")
    other = [b - b.T for b in basis] if not wrt.has("diagonal") else [b for b in basis if not np.any(np.diag(b))]
    if other and np.max(np.abs(J @ np.stack([b.reshape(-1, order="F") for b in other], axis=1))) > tol:
        what = "diagonal" if wrt.has("diagonal") else "symmetric"
        return f"the derivative w.r.t. a {what} variable is not zero on the directions the variable does not have"
    return ""
