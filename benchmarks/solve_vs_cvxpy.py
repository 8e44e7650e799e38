"""matcalc solve against CVXPY (its default solver) on the problem families of issue 17, at three sizes.

For the SVM dual the last column is the difference of the objective values (K has rank 10, so the
dual's solution is not unique). On a loaded machine run it with OPENBLAS_NUM_THREADS=1 as well:
multithreaded BLAS waiting for busy cores cost 10-50x here (see benchmarks/README.md).

    python benchmarks/solve_vs_cvxpy.py [--sizes 20,100,400] [--repeat 3] [--firsts 5] [--clock cpu]

CVXPY is not a dependency: install it anywhere on the path (e.g. `pip install --target /tmp/cvx cvxpy`
then `PYTHONPATH=/tmp/cvx`); without it only matcalc's times are printed. Times are wall-clock medians
(`--clock cpu`: CPU time, both sides): matcalc's "first" is the first solve of a problem text (reading
it, deriving, generating, compiling and checking code, solving; `--firsts N`: the median of N such
first solves, the solve cache and the simplifier's memo cleared before each); "total" the median of the repeats, where solve reuses the derivation and
code of the same text (its cache; the data are the same, nothing of the solution is kept); "solver" is
the SciPy run alone (the report's time). CVXPY's time includes building the problem (canonicalization)
and solving. "ratio" is CVXPY / matcalc total, "first" CVXPY / matcalc first (above 1: matcalc faster).
The last column is the largest difference of the two solutions.

What is counted, for both sides alike: no imports. NumPy, scipy.optimize (which CVXPY imports too) and
CVXPY are imported before any timing, and each library solves one unrelated small problem first, so
that the lazy imports of matcalc (code generation, the parser's name tables) and of CVXPY (its solver
interfaces) fall on neither side's figures. "first" also starts with the simplifier's memo cleared, so
the n = 100 and 400 rows do not reuse the n = 20 derivations. `--cold` times what the table leaves out:
fresh processes importing each library and solving NNLS at n = 20 once (`python -c`), interleaved.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import scipy.optimize  # noqa: E402,F401  (CVXPY imports it too: neither side's times count it)

import matcalc  # noqa: E402
from matcalc.optimize.solver import _cache  # noqa: E402
from matcalc.simplify import _memo  # noqa: E402

try:
    import cvxpy as cp
except ImportError:
    cp = None


def problems(n, rng):
    m = 2 * n
    A, b = rng.normal(size=(m, n)), rng.normal(size=m)
    counts = rng.integers(1, 10, size=n).astype(float)
    y = np.where(A[:, 0] + 0.5 * rng.normal(size=m) > 0, 1.0, -1.0)
    lam = 0.1 * np.max(np.abs(A.T @ b))
    points = rng.normal(size=(n, 10))                   # the SVM dual: n points with 10 features
    ys = np.where(points[:, 0] + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
    K = points @ points.T

    def nnls():
        x = cp.Variable(n)
        cp.Problem(cp.Minimize(cp.sum_squares(A @ x - b)), [x >= 0]).solve()
        return {"x": x.value}

    def lasso():
        x = cp.Variable(n)
        cp.Problem(cp.Minimize(0.5 * cp.sum_squares(A @ x - b) + lam * cp.norm1(x))).solve()
        return {"x": x.value}

    def svm():
        a = cp.Variable(n)
        Q = cp.psd_wrap((ys[:, None] * K) * ys[None, :])
        cp.Problem(cp.Minimize(0.5 * cp.quad_form(a, Q) - cp.sum(a)), [a >= 0, a <= 1, ys @ a == 0]).solve()
        return {"a": a.value}

    def mle():
        h = cp.Variable(n)
        cp.Problem(cp.Maximize(counts @ cp.log(h)), [h >= 0, cp.sum(h) == 1]).solve()
        return {"h": h.value}

    def ridge():
        w = cp.Variable(n)
        cp.Problem(cp.Minimize(cp.sum_squares(A @ w - b) + 0.5 * cp.sum_squares(w))).solve()
        return {"w": w.value}

    def logistic():
        w = cp.Variable(n)
        cp.Problem(cp.Minimize(cp.sum(cp.logistic(-cp.multiply(y, A @ w))) + 0.5 * cp.sum_squares(w))).solve()
        return {"w": w.value}

    return [
        ("NNLS", "min ||A x - b||^2 st x >= 0", {"A": A, "b": b}, nnls),
        ("LASSO", "min 1/2 ||A x - b||^2 + λ ||x||_1", {"A": A, "b": b, "λ": lam}, lasso),
        ("SVM dual", "min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0",
         {"K": K, "y": ys, "c": 1.0}, svm),
        ("simplex MLE", "max c^T log(h) st h >= 0, sum(h) == 1", {"c": counts}, mle),
        ("ridge", "min ||A w - b||^2 + μ ||w||^2", {"A": A, "b": b, "μ": 0.5}, ridge),
        ("logistic", "min sum(log(1 + exp(-y .* (X w)))) + 1/2 ||w||^2", {"X": A, "y": y}, logistic),
    ]


def ys_of(data):
    return np.asarray(data["y"])


CLOCK = time.perf_counter       # --clock cpu: time.process_time (CPU time, for both sides alike)


def timed(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = CLOCK()
        out = fn()
        times.append(CLOCK() - t)
    return statistics.median(times), out


def first_solve(text, data, where):
    """One first solve: the solve cache and the simplifier's memo cleared, then timed."""
    _cache.clear()
    _memo.clear()
    t = CLOCK()
    matcalc.solve(text, data, where=where)
    return CLOCK() - t


def profile(which, sizes, first=False):
    """cProfile one solve of `which`: a repeated one, or with `first` the first (after warm_up, with the
    solve cache and the simplifier's memo cleared: what the "first" column times)."""
    import cProfile
    import pstats
    if first:
        warm_up()
    for n in sizes:
        for name, text, data, _ in problems(n, np.random.default_rng(n)):
            if name != which:
                continue
            where = {"K": "n x n symmetric", "c": "scalar"} if "K" in data else None
            if first:
                _cache.clear()
                _memo.clear()
            else:
                matcalc.solve(text, data, where=where)
            p = cProfile.Profile()
            p.enable()
            s = matcalc.solve(text, data, where=where)
            p.disable()
            print(f"{name} n = {n}: {s.report['method']}, {s.report['iterations']} iterations")
            pstats.Stats(p).sort_stats("cumulative").print_stats(20)


def warm_up():
    """One unrelated small problem through each library: their lazy imports before any timing. matcalc's
    has a declaration (where=), as the SVM dual's has: reading one imports the parser's name and LaTeX
    modules (~8 ms), which the SVM dual's first row at n = 20 paid before."""
    z = np.ones(3)
    matcalc.solve("min sum(exp(u)) - q^T u st u <= 1", {"q": z}, where={"q": "n"})
    if cp is not None:
        u = cp.Variable(3)
        cp.Problem(cp.Minimize(cp.sum(cp.exp(u)) - z @ u), [u <= 1]).solve()


COLD = {
    "matcalc": "import numpy as np, matcalc; rng = np.random.default_rng(20); A, b = rng.normal(size=(40, 20)), "
               "rng.normal(size=40); matcalc.solve('min ||A x - b||^2 st x >= 0', {'A': A, 'b': b})",
    "CVXPY": "import numpy as np, cvxpy as cp; rng = np.random.default_rng(20); A, b = rng.normal(size=(40, 20)), "
             "rng.normal(size=40); x = cp.Variable(20); "
             "cp.Problem(cp.Minimize(cp.sum_squares(A @ x - b)), [x >= 0]).solve()",
}


def cold(repeat):
    """Fresh processes: import + the first solve of NNLS at n = 20, each library in turn. Both with
    bytecode cached alike (a temporary PYTHONPYCACHEPREFIX, filled by one untimed run each), as for
    installed packages: with PYTHONDONTWRITEBYTECODE=1 and a prefix without CVXPY's bytecode, one side
    or the other would recompile its modules at every start."""
    import subprocess
    import tempfile
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="solve-cold-")
    times = {k: [] for k in COLD if k == "matcalc" or cp is not None}
    for name in times:
        subprocess.run([sys.executable, "-c", COLD[name]], check=True, cwd=root, env=env)
    for _ in range(repeat):
        for name in times:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", COLD[name]], check=True, cwd=root, env=env)
            times[name].append(time.perf_counter() - t)
    print(f"cold start (python -c: import, first NNLS solve at n = 20), median of {repeat}, "
          f"load average {os.getloadavg()[0]:.1f}:")
    for name, ts in times.items():
        print(f"  {name:8} {statistics.median(ts):6.2f} s  (min {min(ts):.2f} s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20,100,400")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", metavar="PROBLEM", help="cProfile one matcalc.solve of this problem (its name in "
                    "the table) at each size, after a first solve (--first: the first), instead of the table")
    ap.add_argument("--first", action="store_true", help="with --profile: profile the first solve instead")
    ap.add_argument("--firsts", type=int, default=1, metavar="N", help="the first solve's time is the median of N "
                    "first solves of the text (each after clearing the solve cache and the simplifier's memo)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="wall clock (perf_counter) or CPU "
                    "time (process_time) for both sides")
    ap.add_argument("--cold", type=int, metavar="N", help="instead of the table: N fresh processes per library, "
                    "import and one first solve")
    args = ap.parse_args()
    if args.cold:
        return cold(args.cold)
    if args.profile:
        return profile(args.profile, [int(s) for s in args.sizes.split(",")], args.first)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    warm_up()
    threads = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
               if k in os.environ}
    print(f"load average {os.getloadavg()[0]:.1f}; CVXPY {cp.__version__ if cp else 'not installed'}; "
          f"BLAS threads {threads or 'default'}; {args.clock} clock; first: median of {args.firsts}")
    print(f"{'problem':12} {'n':>5} {'first':>9} {'matcalc total':>14} {'solver':>8} {'iters':>6} {'status':>8} "
          f"{'CVXPY':>9} {'ratio':>6} {'first':>6} {'max |Δ|':>9}")
    for n in [int(s) for s in args.sizes.split(",")]:
        for name, text, data, ref in problems(n, np.random.default_rng(n)):
            where = {"K": "n x n symmetric", "c": "scalar"} if "K" in data else None
            first = statistics.median(first_solve(text, data, where) for _ in range(max(1, args.firsts)))
            t, s = timed(lambda: matcalc.solve(text, data, where=where), args.repeat)
            line = (f"{name:12} {n:5d} {1000 * first:7.2f}ms {t:13.4f}s {s.report['time']:7.4f}s {s.report['iterations']:6d} "
                    f"{'ok' if s.report['status'] == 'optimal' else 'STOPPED':>8}")
            if cp is not None:
                tc, r = timed(ref, args.repeat)
                if name == "SVM dual":       # K has rank 10: the dual's solution is not unique, its value is
                    Q = (ys_of(data)[:, None] * data["K"]) * ys_of(data)[None, :]
                    value = lambda a: 0.5 * a @ Q @ a - a.sum()
                    diff = abs(value(np.asarray(s["a"])) - value(r["a"]))
                else:
                    diff = max(float(np.max(np.abs(np.asarray(s[k]) - r[k]))) for k in r)
                line += f" {1000 * tc:7.2f}ms {tc / t:6.2f} {tc / first:6.2f} {diff:9.1e}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
