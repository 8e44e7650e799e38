"""How derivation time grows with the size of the expression.

    python benchmarks/scaling.py                      # every family, k up to 200 (a few minutes)
    python benchmarks/scaling.py --family chain --max 100
    python benchmarks/scaling.py --profile            # cProfile the families that grow faster than k^1.3
    python benchmarks/scaling.py --recursion-limit 50000   # see past the RecursionError (diagnosis only)

Families (k terms, factors or layers; every name A1..Ak, W1..WL is upper-case, so a distinct matrix):
  quad     x^T A1 x + ... + x^T Ak x                     w.r.t. x
  chain    tr(A1 A2 ... Ak X)                           w.r.t. X
  vchain   a^T A1 A2 ... Ak x                           w.r.t. x
  xprod    tr(A1 X A2 X ... Ak X)                       w.r.t. X   (k copies of X: the gradient has
                                                                    k terms of 2k-1 factors, so its
                                                                    size alone is quadratic in k: this
                                                                    family is judged against the size
                                                                    of its answer)
  xpow     tr((A X)^k)                                  w.r.t. X   (the answer k Aᵀ ((A X)^(k-1))ᵀ)
  net      ||tanh(WL tanh(... tanh(W1 x + b1) ...) + bL)||^2   w.r.t. W1, written as text; the
           parser's nesting limit (64 brackets) caps L at 62
  netbuilt the same network built node by node (no text, no parse), for L past the nesting limit

Each point is parse + derive + simplify through `matcalc.grad(text, wrt, check=False)` (netbuilt:
derive + simplify through `matcalc.grad(tree, wrt, check=False)`, which takes a built tree too), the fastest of a few
runs with the simplifier memo cleared and a garbage collection before each, in CPU time of this
process (`time.process_time`: other processes on a shared machine stretch wall time, not this,
and growth is what is measured here). The output size is
the length of the printed result. The growth exponent is the least-squares slope of log(time)
against log(k) over the upper half of the k values that ran; the exponent against the output size
tells whether a family is slow or merely has a big answer. Target: exponent ≤ 1.3.

A family stops at its first error (the error is printed) or once one run takes longer than
--budget seconds.
"""
import argparse
import cProfile
import gc
import io
import math
import os
import pstats
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matcalc  # noqa: E402
from matcalc import expr as E  # noqa: E402
from matcalc import simplify as simplifier  # noqa: E402

KS = (10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 100, 120, 140, 160, 180, 200)
TARGET = 1.3
QUADRATIC_ANSWER = {"xprod"}   # judged by the exponent against the output size, which is Θ(k²)


def quad(k):
    return " + ".join(f"x^T A{i} x" for i in range(1, k + 1)), "x"


def chain(k):
    return "tr(" + " ".join(f"A{i}" for i in range(1, k + 1)) + " X)", "X"


def vchain(k):
    return "a^T " + " ".join(f"A{i}" for i in range(1, k + 1)) + " x", "x"


def xprod(k):
    return "tr(" + " ".join(f"A{i} X" for i in range(1, k + 1)) + ")", "X"


def xpow(k):
    return f"tr((A X)^{k})", "X"


def net(L):
    s = "x"
    for i in range(1, L + 1):
        s = f"tanh(W{i} {s} + b{i})"
    return f"||{s}||^2", "W1"


FAMILIES = {
    "quad": (quad, "x^T A1 x + ... + x^T Ak x  (x)"),
    "chain": (chain, "tr(A1 A2 ... Ak X)  (X)"),
    "vchain": (vchain, "a^T A1 ... Ak x  (x)"),
    "xprod": (xprod, "tr(A1 X A2 X ... Ak X)  (X)"),
    "xpow": (xpow, "tr((A X)^k)  (X)"),
    "net": (net, "||tanh(WL ... tanh(W1 x + b1) ... + bL)||^2  (W1), text"),
    "netbuilt": (None, "the same network built node by node, no parse  (W1)"),
}


def text_runner(builder, k):
    text, wrt = builder(k)
    return lambda: matcalc.grad(text, wrt, check=False)


def built_network(L):
    """The L-layer network as an expression tree, from one parsed layer and substitution."""
    from matcalc.derive import substitute
    dims = {"W": "n x n", "x": "n", "b": "n", "h": "n"}
    layer = matcalc.parse("tanh(W x + b)", where=dims)
    names = {v.name: v for v in layer.free}
    h = names["x"]
    w1 = None
    for i in range(1, L + 1):
        W = E.Var(f"W{i}", names["W"].shape, frozenset())
        b = E.Var(f"b{i}", names["b"].shape, frozenset())
        w1 = w1 or W
        h = substitute(layer, {names["W"]: W, names["b"]: b, names["x"]: h})
    top = matcalc.parse("||h||^2", where=dims)
    f = substitute(top, {next(iter(top.free)): h})
    return f, w1


def built_runner(L):
    f, w1 = built_network(L)
    return lambda: matcalc.grad(f, w1.name, check=False)


def measure(fn, budget):
    """The fastest of up to 7 runs (fewer for slow points), in ms; the last result.

    The minimum, not the median: it is the run least disturbed by other work on the machine, and
    what is fitted here is growth, not typical latency."""
    times, result = [], None
    for i in range(7):
        simplifier._memo.clear()
        gc.collect()
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
        total = sum(times)
        if total > budget / 4 or (i >= 2 and total > 1.0):
            break
    return 1e3 * min(times), result


def out_size(result):
    """Length of the printed result, or None when printing it fails."""
    expr = result.expr if hasattr(result, "expr") else result[0]
    try:
        return len(str(expr))
    except RecursionError:
        return None


def fit(points):
    """Slope of log y against log x by least squares."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else float("nan")


def run_family(name, ks, budget):
    builder, label = FAMILIES[name]
    print(f"\n{name}: {label}")
    print(f"  {'k':>4} {'ms':>9} {'ms/k':>7} {'output chars':>13}")
    rows, error = [], None
    for k in ks:
        if name == "net" and k > 62:
            error = ("limit", f"L > 62 cannot be written: the parser refuses nesting deeper than 64 brackets")
            break
        try:
            fn = built_runner(k) if name == "netbuilt" else text_runner(builder, k)
            ms, result = measure(fn, budget)
        except RecursionError as err:
            error = ("crash", f"k={k}: RecursionError ({err}), an uncaught crash, not a MatcalcError")
            break
        except Exception as err:
            error = ("crash", f"k={k}: {type(err).__name__}: {err}")
            break
        size = out_size(result)
        rows.append((k, ms, size))
        shown = f"{size:13d}" if size is not None else "  print: RecursionError"
        print(f"  {k:4d} {ms:9.1f} {ms / k:7.2f} {shown}", flush=True)
        if ms > 1e3 * budget:
            error = ("budget", f"stopped after k={k}: one run took more than the budget of {budget:.0f} s")
            break
    if error:
        print(f"  {error[1]}")
    return rows, error


def exponents(rows):
    upper = rows[len(rows) // 2:] if len(rows) >= 4 else rows
    if len(upper) < 2:
        return float("nan"), float("nan"), upper
    sized = [(size, ms) for _, ms, size in upper if size is not None]
    return fit([(k, ms) for k, ms, _ in upper]), (fit(sized) if len(sized) >= 2 else float("nan")), upper


def profile(name, k):
    fn = built_runner(k) if name == "netbuilt" else text_runner(FAMILIES[name][0], k)
    simplifier._memo.clear()
    gc.collect()
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(12)
    stats.sort_stats("cumulative").print_stats(r"matcalc", 14)
    text = out.getvalue().replace(str(ROOT) + "/", "")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("   Ordered", "   List"))]
    print(f"\ncProfile of {name} at k={k}:")
    print("\n".join("  " + ln for ln in lines))


def describe():
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except Exception:
        rev = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"matcalc at {ROOT} ({rev or 'not a git checkout'}), Python {sys.version.split()[0]}, load average {load}"


def main():
    ap = argparse.ArgumentParser(description="derivation time against expression size")
    ap.add_argument("--family", action="append", choices=list(FAMILIES), help="only these families (repeatable)")
    ap.add_argument("--max", type=int, default=200, help="largest k")
    ap.add_argument("--budget", type=float, default=30.0, help="stop a family once one run exceeds this (s)")
    ap.add_argument("--profile", action="store_true", help="cProfile families whose exponent exceeds 1.3")
    ap.add_argument("--profile-k", type=int, default=None, help="k for the profile (default: a mid-size k)")
    ap.add_argument("--recursion-limit", type=int, default=None,
                    help="raise Python's recursion limit (and run on a 1 GiB thread stack) to look past the crash")
    args = ap.parse_args()
    if args.recursion_limit:
        sys.setrecursionlimit(args.recursion_limit)
        threading.stack_size(1 << 30)
        worker = threading.Thread(target=run, args=(args,))
        worker.start()
        worker.join()
    else:
        run(args)


def run(args):
    matcalc.parse("x")   # the grammar is built once per process, outside the timings
    print(describe())
    print(f"recursion limit {sys.getrecursionlimit()}")
    ks = [k for k in KS if k <= args.max]
    results = {}
    for name in args.family or list(FAMILIES):
        results[name] = run_family(name, ks, args.budget)
    print(f"\n{'family':9} {'k range fitted':>15} {'exp. vs k':>10} {'vs output':>10} {'largest k':>10} {'ms there':>9}  target ≤ {TARGET}")
    slow = []
    for name, (rows, error) in results.items():
        e_k, e_out, upper = exponents(rows)
        if not rows:
            print(f"{name:9} {'-':>15} {'-':>10} {'-':>10} {'-':>10} {'-':>9}  FAILED: {error[1]}")
            continue
        judged = e_out if name in QUADRATIC_ANSWER else e_k
        verdict = ("met" if judged <= TARGET else "MISSED") + (" (vs output)" if name in QUADRATIC_ANSWER else "")
        if error:
            verdict += {"crash": f"; CRASH at {error[1].split(':')[0]}", "limit": "; L ≤ 62 (nesting limit)",
                        "budget": "; stopped (time budget)"}[error[0]]
        rng = f"{upper[0][0]}-{upper[-1][0]}"
        print(f"{name:9} {rng:>15} {e_k:10.2f} {e_out:10.2f} {rows[-1][0]:10d} {rows[-1][1]:9.0f}  {verdict}")
        if judged > TARGET:
            slow.append((name, rows))
    if args.profile:
        for name, rows in slow:
            k = args.profile_k or max((k for k, ms, _ in rows if ms < 3000), default=rows[0][0])
            profile(name, k)


if __name__ == "__main__":
    main()
