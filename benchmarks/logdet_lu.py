"""The generated NumPy gradient of `log det X` for a general X (one LU: getrf, then getri) against
`jax.jit(jax.grad(lambda X: jnp.linalg.slogdet(X)[1]))` and against the code generated before
(`slogdet(X)[1], inv(X).T`: two LU factorizations), in one process, alternately.

    taskset -c 1 python benchmarks/logdet_lu.py --sizes 100,300,1000,2000

One BLAS / XLA thread (set here, before NumPy and JAX load; pin the process with taskset, since JAX's
CPU client keeps a thread pool of its own). Per size, rounds of one timed block per contender, in
turn (A B C, B C A, C A B, …), each block at least --min-ms long; printed: ms per call (minimum over
the rounds) and, per contender, the median over rounds of (its time / the generated code's time in
the same round), once by the wall clock and once by the process's CPU time (the figure to trust on a
loaded machine: another process holding the CPU adds to the wall clock only). Values and gradients
are asserted equal first.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))     # this checkout's matcalc

import numpy as np  # noqa: E402

import matcalc  # noqa: E402


def contenders():
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    namespace = {}
    source = matcalc.grad("log det X", "X", check=False).to_code("numpy")
    exec(compile(source, "<generated>", "exec"), namespace)
    generated = namespace["f_and_gradient"]
    generated.source = source

    def before(X):      # what matcalc generated before one LU
        return np.linalg.slogdet(X)[1], np.linalg.inv(X).T
    grad = jax.jit(jax.grad(lambda X: jnp.linalg.slogdet(X)[1]))

    def jax_grad(X):
        return jax.block_until_ready(grad(X))
    return {"matcalc": generated, "before": before, "jax.jit(grad)": jax_grad}, jnp


def _body(fn):
    """The generated function's statements after its docstring (its source is kept by contenders())."""
    return [line.strip() for line in fn.source.split('"""')[-1].strip().splitlines()]


def block(fn, x, min_s):
    """(wall-clock seconds, CPU seconds of the process) per call over one block of calls at least
    min_s long. On a loaded machine the wall clock counts the time other processes held the CPU; the
    process's CPU time (all its threads: XLA's pool too) does not."""
    calls, start, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        fn(x)
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_s:
            return elapsed / calls, (time.process_time() - cpu) / calls


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100,300,1000,2000")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--min-ms", type=float, default=50.0)
    a = p.parse_args()
    fns, jnp = contenders()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, affinity {sorted(os.sched_getaffinity(0))}, "
          f"{a.rounds} rounds, blocks ≥ {a.min_ms:g} ms")
    print(f"matcalc from {os.path.dirname(matcalc.__file__)}; generated body: "
          f"{fns['matcalc'].__doc__ and ' '.join(_body(fns['matcalc']))}")
    names = list(fns)
    print(f"{'n':>5} " + " ".join(f"{n + ' ms':>18}" for n in names) + "   " +
          " ".join(f"{n + '/mc':>18}" for n in names[1:]))
    for n in [int(s) for s in a.sizes.split(",")]:
        rng = np.random.default_rng(0)
        x = rng.standard_normal((n, n)) / np.sqrt(n) + 2.0 * np.eye(n)
        inputs = {"matcalc": x, "before": x, "jax.jit(grad)": jnp.asarray(x)}
        value, grad = fns["matcalc"](x)
        assert np.isclose(value, np.linalg.slogdet(x)[1], rtol=1e-10)
        for name in names[1:]:
            out = fns[name](inputs[name])
            assert np.allclose(grad, np.asarray(out[1] if isinstance(out, tuple) else out), rtol=1e-8, atol=1e-12)
        times = {name: [] for name in names}
        for r in range(a.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:     # each goes first in turn
                times[name].append(block(fns[name], inputs[name], a.min_ms / 1e3))
        for clock, label in ((0, "wall"), (1, "cpu")):
            t = {name: np.array(v)[:, clock] for name, v in times.items()}
            print(f"{n:>5} " + " ".join(f"{t[name].min() * 1e3:>18.3f}" for name in names) + "   " +
                  " ".join(f"{np.median(t[name] / t['matcalc']):>18.2f}" for name in names[1:]) + f"   ({label})")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
