"""One BLAS thread while `solve` runs a small problem.

A solve of a few hundred variables makes thousands of BLAS calls on small arrays (A x with A 800×400,
a 20×20 Cholesky factor). OpenBLAS splits such calls over its threads and its idle threads spin
waiting for the next; with as many threads as cores and the cores shared (other processes, or the
user's own threads), every call waits for a core: on the 2-CPU benchmark machine under load, the
default threads made whole solves 10-500x slower, at n = 20 as at n = 400 (benchmarks/README.md,
solve_vs_cvxpy.py). One thread costs nothing measurable on these sizes: their work per call is far
below what a second thread could win back.

So, for fewer than SMALL packed variables, solve sets the OpenBLAS libraries loaded in the process
(NumPy's and SciPy's wheels each bring one) to one thread and restores their count afterwards —
the two calls threadpoolctl would make, without depending on it. Nothing is changed when the user
chose the threads (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS or GOTO_NUM_THREADS set),
when no OpenBLAS is found (other BLAS, or no /proc/self/maps: not Linux), or for larger problems,
where dense factorizations can use the threads. Another thread of the user's process calling BLAS
during a solve runs on one thread too.
"""
import contextlib
import ctypes
import os

SMALL = 1000       # packed variables below which solve runs BLAS on one thread
CHOSEN = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "GOTO_NUM_THREADS")
# (get, set) by build: plain OpenBLAS, its 64-bit-integer build, and the scipy-openblas wheels NumPy
# (64-bit integers) and SciPy bring
SYMBOLS = [("openblas_get_num_threads", "openblas_set_num_threads"),
           ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
           ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
           ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_")]
_found = None


def openblas():
    """[(get, set)] of each OpenBLAS loaded in the process, once per process (solve has imported
    NumPy and SciPy by then)."""
    global _found
    if _found is None:
        _found = _scan()
    return _found


def _scan():
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = sorted({line.split(None, 5)[-1].strip() for line in fh
                            if "openblas" in line.lower() and "/" in line})
    except OSError:
        return []
    out, seen = [], set()
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get, set_ in SYMBOLS:
            if hasattr(lib, get) and hasattr(lib, set_):
                g, s = getattr(lib, get), getattr(lib, set_)
                address = ctypes.cast(s, ctypes.c_void_p).value
                if address not in seen:
                    seen.add(address)
                    g.restype, g.argtypes, s.restype, s.argtypes = ctypes.c_int, [], None, [ctypes.c_int]
                    out.append((g, s))
    return out


@contextlib.contextmanager
def one_blas_thread(variables):
    """One OpenBLAS thread inside the block when `variables` (packed) is below SMALL and the user
    did not choose the threads; the previous counts afterwards."""
    if variables >= SMALL or any(k in os.environ for k in CHOSEN):
        yield
        return
    changed = []
    try:
        for get, set_ in openblas():
            k = get()
            if k > 1:
                set_(1)
                changed.append((set_, k))
        yield
    finally:
        for set_, k in changed:
            set_(k)
