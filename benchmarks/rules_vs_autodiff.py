"""Framework rules (`matcalc codegen --rule jax|torch`) against the framework's own autodiff of the
same function written by hand: what the backward pass keeps in memory and how long value + gradient
take, side by side, with the ratios (rule / autodiff) printed in the same run.

- memory: the bytes saved between the forward and the backward pass. JAX: the residual arrays held
  by `jax.vjp`'s backward function (its pytree leaves, inputs included as JAX holds them); PyTorch:
  every tensor autograd saves (torch.autograd.graph.saved_tensors_hooks), counted once per storage.
  Both are exact counts, not sampled, so they do not move with the machine's load.
- time: value and gradients w.r.t. the parameters. JAX: `jax.jit(jax.value_and_grad(f))`, compiled
  first; PyTorch: the forward and `.backward()`. --repeat runs of --number calls each, the rule's
  and autodiff's runs alternating; printed: the ratio of the minima and the median of the per-run
  ratios. On a shared machine (the load is printed), repeat the script and compare, or time by the
  process's CPU time (`--clock cpu`, pinned to one CPU with taskset and `--threads 1`).

    python benchmarks/rules_vs_autodiff.py [--repeat 15] [--number 3] [--only softmax] [--frameworks torch]
                                           [--threads 1] [--clock cpu]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import matcalc  # noqa: E402


def cases():
    """(name, expression, wrt, declarations, sizes, hand-written f for (module, *args) in argument order)."""
    def softmax_ce(m, W, X, Y, b):
        z = X @ W + b
        return m.sum(_logsumexp(m, z)) - m.sum(Y * z)

    def mlp(m, W1, W2, X, Y):
        r = m.tanh(X @ W1) @ W2 - Y
        return m.sum(r * r)

    def gaussian(m, C, S):
        return _slogdet(m, S) + m.sum(_solve(m, S, C).diagonal())

    def logdet(m, X):
        return _slogdet(m, X)

    return [
        ("softmax cross-entropy", "sum(logsumexp(X W + 1 b^T)) - sum(Y .* (X W + 1 b^T))", ["W", "b"], None,
         {"W": (256, 64), "X": (4096, 256), "Y": (4096, 64), "b": (64,)}, softmax_ce),
        ("2-layer MLP loss", "||tanh(X W1) W2 - Y||^2", ["W1", "W2"], None,
         {"W1": (128, 128), "W2": (128, 16), "X": (4096, 128), "Y": (4096, 16)}, mlp),
        ("Gaussian NLL (spd S)", "log det S + tr(S^-1 C)", ["S"], {"S": "n x n spd", "C": "n x n symmetric"},
         {"C": (300, 300), "S": (300, 300)}, gaussian),
        ("log-det layer", "log det X", ["X"], None, {"X": (400, 400)}, logdet),
    ]


def _logsumexp(m, z):
    if m.__name__ == "torch":
        return m.logsumexp(z, 1)
    import jax
    return jax.scipy.special.logsumexp(z, axis=1)


def _slogdet(m, a):
    return m.linalg.slogdet(a)[1]


def _solve(m, a, b):
    return m.linalg.solve(a, b)


def data(names, sizes, seed=0):
    """Random inputs by name: spd for S, symmetric for C, a one-hot Y, a well-conditioned X."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in names:
        shape = sizes[name]
        if name == "S":
            a = rng.standard_normal(shape)
            out[name] = a @ a.T / shape[0] + np.eye(shape[0])
        elif name == "C":
            a = rng.standard_normal(shape)
            out[name] = a @ a.T / shape[0]
        elif name == "Y" and "b" in sizes:
            out[name] = np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
        elif name == "X" and len(sizes) == 1:
            out[name] = rng.standard_normal(shape) / np.sqrt(shape[0]) + np.eye(shape[0]) * 2
        else:
            out[name] = rng.standard_normal(shape) / np.sqrt(shape[0])
    return out


def load(text, wrt, where, rule):
    namespace = {}
    source = matcalc.codegen(text, wrt, where=where, rule=rule, check=False)
    exec(compile(source, f"<rule {rule}>", "exec"), namespace)
    return namespace


def timed(fns, repeat, number, clock=time.perf_counter):
    """Per function, the seconds per call of each run; the functions alternate run by run, so that a
    burst of load from elsewhere falls on both. `clock` time.process_time: the CPU time of the process
    (all its threads), which the time other processes hold the CPU does not add to."""
    runs = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, runs):
            start = clock()
            for _ in range(number):
                fn()
            times.append((clock() - start) / number)
    return [np.array(t) for t in runs]


def bench_jax(case):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    name, text, wrt, where, sizes, hand = case
    rule = load(text, wrt, where, "jax")
    order = sorted(sizes)
    values = data(order, sizes)
    args = [jnp.asarray(values[n]) for n in order]
    argnums = tuple(order.index(w) for w in wrt)

    def plain(*a):
        return hand(jnp, *a)
    out = {}
    for label, f in (("autodiff", plain), ("rule", rule["f"])):
        fn = jax.jit(jax.value_and_grad(f, argnums=argnums))
        v, g = fn(*args)
        jax.block_until_ready(g)
        _, back = jax.vjp(lambda *p: f(*[p[argnums.index(i)] if i in argnums else a for i, a in enumerate(args)]),
                          *[args[i] for i in argnums])
        inputs = {id(a) for a in args}
        saved = sum(x.nbytes for x in jax.tree_util.tree_leaves(back) if hasattr(x, "nbytes") and id(x) not in inputs)
        out[label] = (float(v), saved, lambda fn=fn: jax.block_until_ready(fn(*args)), [np.asarray(x) for x in g])
    return out


def bench_torch(case):
    import torch
    name, text, wrt, where, sizes, hand = case
    rule = load(text, wrt, where, "torch")
    order = sorted(sizes)
    values = data(order, sizes)
    out = {}
    for label, f in (("autodiff", lambda *a: hand(torch, *a)), ("rule", rule["f"])):
        args = [torch.tensor(values[n], dtype=torch.float64, requires_grad=n in wrt) for n in order]
        inputs = {a.untyped_storage().data_ptr() for a in args}
        seen = {}

        def pack(t):
            ptr = t.untyped_storage().data_ptr()
            if ptr not in inputs:
                seen[ptr] = t.untyped_storage().nbytes()
            return t
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            v = f(*args)
        v.backward()
        grads = [args[order.index(w)].grad.numpy().copy() for w in wrt]

        def step(f=f, args=args):
            for a in args:
                a.grad = None
            f(*args).backward()
        out[label] = (float(v.detach()), sum(seen.values()), step, grads)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--number", type=int, default=3)
    p.add_argument("--only", default="")
    p.add_argument("--frameworks", default="jax,torch")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (JAX: pin with taskset)")
    p.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                   help="cpu: the process's CPU time, for a loaded machine (pin to one CPU with taskset)")
    a = p.parse_args()
    if a.threads:
        import torch
        torch.set_num_threads(a.threads)
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}, {os.cpu_count()} CPUs, "
          f"affinity {sorted(os.sched_getaffinity(0))}, repeat {a.repeat} × {a.number}, {a.clock} clock")
    print(f"{'':24} {'':6} {'saved':>10} {'saved':>9} {'':6}   {'time':>12} {'time':>10} {'ratio':>6} {'median':>8}")
    print(f"{'case':24} {'':6} {'autodiff':>10} {'rule':>9} {'ratio':>6}   {'autodiff':>12} {'rule':>10} {'of min':>6} "
          f"{'of run':>8}")
    for case in cases():
        if a.only not in case[0]:
            continue
        for fw in a.frameworks.split(","):
            out = (bench_jax if fw == "jax" else bench_torch)(case)
            (va, ma, fa, ga), (vr, mr, fr, gr) = out["autodiff"], out["rule"]
            ta, tr = timed([fa, fr], a.repeat, a.number, time.process_time if a.clock == "cpu" else time.perf_counter)
            assert abs(va - vr) <= 1e-8 * (1 + abs(va)), (case[0], fw, va, vr)
            for x, y in zip(ga, gr):
                assert np.allclose(x, y, rtol=1e-6, atol=1e-8 * np.abs(x).max()), (case[0], fw, "gradients differ")
            print(f"{case[0]:24} {fw:6} {_mb(ma):>10} {_mb(mr):>9} {mr / ma if ma else float('nan'):6.2f}   "
                  f"{ta.min() * 1e3:9.2f} ms {tr.min() * 1e3:7.2f} ms {tr.min() / ta.min():6.2f} "
                  f"{np.median(tr / ta):8.2f}")


def _mb(n):
    return f"{n / 2**20:.2f} MB"


if __name__ == "__main__":
    main()
