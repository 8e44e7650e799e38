"""NumPy's and SciPy's OpenBLAS thread pools in one function: the Gaussian NLL gradient three ways.

    python benchmarks/blas_pools.py                          # default threads (the stall shows here)
    OPENBLAS_NUM_THREADS=1 taskset -c 1 python benchmarks/blas_pools.py

NumPy's and SciPy's wheels each bundle an OpenBLAS with a thread pool of its own, whose idle threads
spin for a while after a call. The gradient of log det S + tr(S⁻¹ C) (S spd) factors S with SciPy's
LAPACK (potrf, potri) and multiplies with NumPy's `@`: the two pools alternate, and on a 2-core
machine each one's spinning threads starve the other's (8 ms at n = 100 with default threads, 0.15 ms
with one: /work/bench6/NOTES.md). Timed here, alternately in rounds (min and median over rounds):
main's generated form; the products in SciPy's BLAS (`dgemm`, what generated code does now: `_mm`);
everything in NumPy (`np.linalg.inv`, an LU: 2.7× the flops of potrf + potri); and each library's
part alone. Run it on a quiet machine: with other load every two-thread call waits for a core.
"""
import argparse
import os
import timeit

import numpy as np
from scipy.linalg import blas, lapack


def forms():
    def cho_inv(S):
        c, info = lapack.dpotrf(S, lower=1)
        inv, info = lapack.dpotri(c, lower=1)
        inv = inv + inv.T
        np.einsum("ii->i", inv)[:] *= 0.5
        return c, inv

    def mixed(C, S):                     # SciPy's LAPACK, NumPy's matmul (main's generated code)
        c, t2 = cho_inv(S)
        t3 = t2 @ C
        return 2.0 * np.log(np.diagonal(c)).sum() + (t2 * C.T).sum(), t2 - (t3 @ t2)

    def mm(a, b):                        # a @ b in SciPy's BLAS: C-order a, b are the F-order a.T, b.T
        return blas.dgemm(1.0, b.T, a.T).T

    def scipy_only(C, S):
        c, t2 = cho_inv(S)
        t3 = mm(t2, C)
        return 2.0 * np.log(np.diagonal(c)).sum() + (t2 * C.T).sum(), t2 - mm(t3, t2)

    def numpy_only(C, S):
        t2 = np.linalg.inv(S)
        t3 = t2 @ C
        return np.linalg.slogdet(S)[1] + (t2 * C.T).sum(), t2 - (t3 @ t2)

    return {"main: SciPy's LAPACK, NumPy's @": mixed, "all in SciPy's pool (dgemm)": scipy_only,
            "all in NumPy's pool (inv)": numpy_only, "SciPy's part alone (potrf+potri)": lambda C, S: cho_inv(S),
            "NumPy's part alone (two gemm)": lambda C, S: (S @ C) @ S}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,300,1000")
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args()
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    for n in map(int, args.sizes.split(",")):
        rng = np.random.default_rng(7)
        B, Z = rng.standard_normal((n, n)), rng.standard_normal((n, 2 * n))
        S, C = B @ B.T / n + np.eye(n), Z @ Z.T / (2 * n)
        fns = forms()
        ref = fns["main: SciPy's LAPACK, NumPy's @"](C, S)
        for name in ("all in SciPy's pool (dgemm)", "all in NumPy's pool (inv)"):
            out = fns[name](C, S)
            assert np.isclose(out[0], ref[0]) and np.allclose(out[1], ref[1]), name
        timers = {k: timeit.Timer(lambda f=f: f(C, S)) for k, f in fns.items()}
        reps = {k: max(1, int(t.autorange()[0] / 4)) for k, t in timers.items()}
        res = {k: [] for k in fns}
        for _ in range(args.rounds):
            for k, t in timers.items():
                res[k].append(t.timeit(reps[k]) / reps[k])
        for k, v in res.items():
            v = sorted(v)
            print(f"n={n:5d} {k:36s} min {1e3 * v[0]:9.3f} ms  median {1e3 * v[len(v) // 2]:9.3f} ms")


if __name__ == "__main__":
    main()
