"""matcalc's generated gradients of batched models against a careful hand-written NumPy version and
`jax.jit(jax.value_and_grad)` (issue 20): attention, layer norm and a two-layer MLP loss on a batch,
at batch sizes 64 to 4096, every gradient of each model from one generated function.

    taskset -c 1 python benchmarks/batched_code.py       # n = 64, 256, 1024, 4096 (a few minutes)
    python benchmarks/batched_code.py --sizes 64,256 --only layernorm --budget 0.3 --repeat 3

Cases (float64; d the feature width):
  attention  tr(G^T softmax(Q K^T / s) V)                         w.r.t. Q, K, V   (n queries = n keys, d = 64)
  layernorm  Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T);
             L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))                  w.r.t. X, g, b   (d = 256)
  mlp        H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T;
             L = sum(logsumexp(Z)) - sum(Y .* Z)                     w.r.t. W1, b1, W2, b2 (128 → 256 → 10)

Contenders (each returns the value and every gradient):
  hand     the backward pass written by hand in NumPy (max-subtracted softmax, the layer-norm backward
           of Ba et al. in terms of X̂ and σ, the MLP's δ's), sharing the forward pass.
  mc-np    matcalc.codegen(..., target="numpy"), exec'd once (generation is not timed).
  mc-jax   matcalc.codegen(..., target="jax") under jax.jit.
  mc-torch matcalc.codegen(..., target="torch") on CPU tensors.
  jax      jax.jit(jax.value_and_grad(f, argnums=…)) of the forward pass written in jax.numpy.
  torch    PyTorch's own autograd (eager, like mc-torch): the forward pass written in torch, then
           torch.autograd.grad of the value w.r.t. the differentiated inputs.

Timing: one thread everywhere, set below before NumPy loads (the machine is shared): the BLAS and
XLA flags, torch.set_num_threads(1), and the process pinned to one CPU (--pin-cpu, default the
lowest CPU it may run on; `taskset -c 1 python …` picks CPU 1), because JAX's CPU client keeps a
thread pool of its own that the flags do not reach; JAX dispatches synchronously (on the calling
thread; asynchronous dispatch waits for a thread wake-up that costs a scheduler slice on a loaded
CPU). Each function is called once to check it against `hand` and once more to warm up (JAX
compiles). Then all contenders of a size are timed round-robin in one process, in a new random
order each round (hand, mc-np, mc-jax, jax, mc-torch, torch), for about --budget seconds per
contender; a figure is the median. The clock (--clock) is by default the process's CPU time per
call (time.process_time): on the shared machine other processes take the CPU in the middle of a
call, and elapsed time counts those slices against whichever contender they fell in (at load 10 one
core gave this process 0.3 s per second); CPU time counts what the call computed, page faults and
allocation included. The work is single-threaded and synchronous (the pin, the flags above), so on
an idle machine the two clocks agree; --clock wall measures elapsed time. Ratios are paired: a / b
is the median of the per-round ratios of a and b timed side by side, so load that comes and goes
cancels; mc-jax/jax and mc-torch/torch are such direct pairs (matcalc's code against the same
framework's own autodiff). The load average is
printed before and after each case, with the CPUs the process runs on and its CPU time per wall-clock
second (1.0: it had its core). --repeat k measures everything k times and ends with the spread
(median [min–max] over the repeats) of the ratios the targets are about.
"""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def _pin(argv):
    """Pin this process to one CPU before NumPy, JAX or torch start their threads (--pin-cpu N)."""
    if not hasattr(os, "sched_setaffinity"):
        return
    cpu = min(os.sched_getaffinity(0))
    if "--pin-cpu" in argv[:-1]:
        cpu = int(argv[argv.index("--pin-cpu") + 1])
    os.sched_setaffinity(0, {cpu})


_pin(sys.argv)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import matcalc  # noqa: E402

ATTENTION = "tr(G^T softmax(Q K^T / s) V)"
LAYERNORM = ("Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); "
             "L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))")
MLP = "H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)"


# ---- the hand-written NumPy versions ------------------------------------------------------------
def hand_attention(G, K, Q, V, s):
    S = Q @ K.T / s
    A = np.exp(S - S.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    dA = G @ V.T
    dS = A * (dA - (A * dA).sum(axis=1, keepdims=True)) / s
    return np.sum(G * (A @ V)), {"Q": dS @ K, "K": dS.T @ Q, "V": A.T @ G}


def hand_layernorm(G, X, b, eps, g):
    mu = X.mean(axis=1, keepdims=True)
    C = X - mu
    sigma = np.sqrt((C * C).mean(axis=1, keepdims=True) + eps)
    Xh = C / sigma
    D = G * g
    dX = (D - D.mean(axis=1, keepdims=True) - Xh * (D * Xh).mean(axis=1, keepdims=True)) / sigma
    return np.sum(G * (Xh * g + b)), {"X": dX, "g": (G * Xh).sum(axis=0), "b": G.sum(axis=0)}


def hand_mlp(W1, W2, X, Y, b1, b2):
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    se = E.sum(axis=1, keepdims=True)
    lse = m + np.log(se)
    delta2 = E / se - Y
    delta1 = (delta2 @ W2.T) * (1 - H * H)
    return np.sum(lse) - np.sum(Y * Z), {"W1": X.T @ delta1, "b1": delta1.sum(axis=0),
                                         "W2": H.T @ delta2, "b2": delta2.sum(axis=0)}


# ---- the same forward passes in jax.numpy, for jax.value_and_grad --------------------------------
def jax_forward(name):
    import jax
    import jax.numpy as jnp
    if name == "attention":
        def f(G, K, Q, V, s):
            return jnp.sum(G * (jax.nn.softmax(Q @ K.T / s, axis=1) @ V))
        return f, ("Q", "K", "V")
    if name == "layernorm":
        def f(G, X, b, eps, g):
            C = X - X.mean(axis=1, keepdims=True)
            Xh = C / jnp.sqrt((C * C).mean(axis=1, keepdims=True) + eps)
            return jnp.sum(G * (Xh * g + b))
        return f, ("X", "g", "b")

    def f(W1, W2, X, Y, b1, b2):
        H = jnp.tanh(X @ W1 + b1)
        Z = H @ W2 + b2
        return jnp.sum(jax.scipy.special.logsumexp(Z, axis=1)) - jnp.sum(Y * Z)
    return f, ("W1", "b1", "W2", "b2")


# ---- and in torch, for torch.autograd.grad --------------------------------------------------------
def torch_forward(name):
    import torch
    if name == "attention":
        def f(G, K, Q, V, s):
            return torch.sum(G * (torch.softmax(Q @ K.T / s, 1) @ V))
        return f, ("Q", "K", "V")
    if name == "layernorm":
        def f(G, X, b, eps, g):
            C = X - X.mean(1, keepdim=True)
            Xh = C / torch.sqrt((C * C).mean(1, keepdim=True) + eps)
            return torch.sum(G * (Xh * g + b))
        return f, ("X", "g", "b")

    def f(W1, W2, X, Y, b1, b2):
        H = torch.tanh(X @ W1 + b1)
        Z = H @ W2 + b2
        return torch.sum(torch.logsumexp(Z, 1)) - torch.sum(Y * Z)
    return f, ("W1", "b1", "W2", "b2")


def inputs(name, n, rng):
    if name == "attention":
        d = 64
        return {"G": rng.standard_normal((n, d)), "K": rng.standard_normal((n, d)),
                "Q": rng.standard_normal((n, d)), "V": rng.standard_normal((n, d)), "s": float(np.sqrt(d))}
    if name == "layernorm":
        d = 256
        return {"G": rng.standard_normal((n, d)), "X": rng.standard_normal((n, d)) * 3 + 5,
                "b": rng.standard_normal(d), "eps": 1e-5, "g": rng.standard_normal(d)}
    p, h, c = 128, 256, 10
    Y = np.eye(c)[rng.integers(0, c, n)]
    return {"W1": rng.standard_normal((p, h)) / np.sqrt(p), "W2": rng.standard_normal((h, c)) / np.sqrt(h),
            "X": rng.standard_normal((n, p)), "Y": Y, "b1": rng.standard_normal(h), "b2": rng.standard_normal(c)}


CASES = {
    "attention": (ATTENTION, ["Q", "K", "V"], {"s": "scalar"}, hand_attention),
    "layernorm": (LAYERNORM, ["X", "g", "b"], {"eps": "scalar"}, hand_layernorm),
    "mlp": (MLP, ["W1", "b1", "W2", "b2"], None, hand_mlp),
}


def generated(name, target):
    text, wrt, where, _ = CASES[name]
    source = matcalc.codegen(text, wrt=wrt, where=where, target=target)
    namespace = {}
    exec(compile(source, f"<matcalc {name} {target}>", "exec"), namespace)
    return namespace["f_and_gradients"], source


def contenders(name, args):
    """name → (function of the NumPy inputs returning (value, grads), converter of the inputs, sync)."""
    out = {}
    fn, _ = generated(name, "numpy")
    out["mc-np"] = (fn, lambda a: a, lambda r: r)
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        # on the calling thread: with async dispatch a call hands its work to JAX's thread and waits,
        # and on a loaded CPU that wake-up cost one contender or the other a scheduler slice (3 ms)
        jax.config.update("jax_cpu_enable_async_dispatch", False)
        import jax.numpy as jnp
        to_jax = lambda a: {k: jnp.asarray(v) if isinstance(v, np.ndarray) else v for k, v in a.items()}  # noqa: E731
        mc_jax = jax.jit(generated(name, "jax")[0])
        out["mc-jax"] = (lambda **a: mc_jax(**a), to_jax, jax.block_until_ready)
        f, wrt = jax_forward(name)
        names = sorted(inputs(name, 2, np.random.default_rng(0)))
        grad = jax.jit(jax.value_and_grad(lambda *xs: f(*xs), argnums=tuple(names.index(w) for w in wrt)))

        def autodiff(**a):
            value, grads = grad(*(a[k] for k in names))
            return value, dict(zip(wrt, grads))
        out["jax"] = (autodiff, to_jax, jax.block_until_ready)
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(1)
        to_torch = lambda a: {k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v for k, v in a.items()}  # noqa: E731
        out["mc-torch"] = (generated(name, "torch")[0], to_torch, lambda r: r)
        forward, wrt_t = torch_forward(name)

        def with_grad(a):
            a = to_torch(a)
            for w in wrt_t:
                a[w] = a[w].clone().requires_grad_(True)
            return a

        def autograd(**a):
            value = forward(**a)
            return value.detach(), dict(zip(wrt_t, torch.autograd.grad(value, [a[w] for w in wrt_t])))
        out["torch"] = (autograd, with_grad, lambda r: r)
    except ImportError:
        pass
    return out


def as_numpy(v):
    return np.asarray(v.detach() if hasattr(v, "detach") else v)


def agrees(result, reference):
    (v, g), (v0, g0) = result, reference
    return np.isclose(float(as_numpy(v)), v0, rtol=1e-8, atol=1e-8) and all(
        np.allclose(as_numpy(g[k]).reshape(np.shape(g0[k])), g0[k], rtol=1e-7, atol=1e-9) for k in g0)


def round_robin(fns, budget, clock="cpu"):
    """Time the functions in turn (one call each per round) for about budget seconds per function:
    the median seconds of each and, for each pair (a, b), the median of the per-round ratios a / b.
    clock "cpu" counts the process's CPU time (time.process_time: what the call computed, without the
    time other processes held the CPU), "wall" the elapsed time."""
    samples = {k: [] for k in fns}
    spent, rounds, order = 0.0, 0, list(fns)
    shuffle = random.Random(0).shuffle
    now = time.process_time if clock == "cpu" else time.perf_counter
    while (spent < budget * len(fns) and rounds < 41) or rounds < 3:
        shuffle(order)          # each contender in every position: no one always follows a long one
        for k in order:
            w0, t0 = time.perf_counter(), now()
            fns[k]()
            samples[k].append(now() - t0)
            spent += time.perf_counter() - w0
        rounds += 1
    med = {k: statistics.median(v) for k, v in samples.items()}
    ratio = {(a, b): statistics.median(x / y for x, y in zip(samples[a], samples[b]))
             for a in fns for b in fns if a != b}
    return med, ratio


PAIRS = [("mc-np", "hand"), ("mc-jax", "hand"), ("jax", "hand"), ("mc-torch", "hand"), ("torch", "hand"),
         ("mc-jax", "jax"), ("mc-torch", "torch")]
TARGETS = {("mc-np", "hand"): 1.2, ("mc-jax", "jax"): 1.0, ("mc-torch", "torch"): 1.0}


def load():
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(name, sizes, budget, only=None, clock="cpu", rng_seed=0):
    """{n: (medians, ratios)} for one case; prints its table."""
    rng = np.random.default_rng(rng_seed)
    hand = CASES[name][3]
    started = (time.perf_counter(), time.process_time())
    print(f"\n{name}: {CASES[name][0]}  w.r.t. {', '.join(CASES[name][1])}   [{load()}]")
    table = {}
    for n in sizes:
        args = inputs(name, n, rng)
        reference = hand(**args)
        fns, wrong = {"hand": lambda: hand(**args)}, []  # noqa: B023
        for who, (fn, convert, sync) in contenders(name, args).items():
            if only and who not in only:
                continue
            a = convert(args)
            if not agrees(sync(fn(**a)), reference):
                wrong.append(who)
                continue
            sync(fn(**a))
            fns[who] = (lambda fn, a, sync: lambda: sync(fn(**a)))(fn, a, sync)
        med, ratio = round_robin(fns, budget, clock)
        table[n] = (med, ratio, wrong)
    whos = [w for w in ("hand", "mc-np", "mc-jax", "jax", "mc-torch", "torch")
            if any(w in med for med, _, _ in table.values())]
    pairs = [p for p in PAIRS if all(any(w in med for med, _, _ in table.values()) for w in p)]
    print(f"{'n':>6} " + " ".join(f"{w + ' ms':>11}" for w in whos) + "  "
          + " ".join(f"{a + '/' + b:>14}" for a, b in pairs))
    for n, (med, ratio, wrong) in table.items():
        cells = [f"{med[w] * 1e3:11.3f}" if w in med else f"{'wrong' if w in wrong else '-':>11}" for w in whos]
        rs = [f"{ratio[p]:14.2f}" if p in ratio else f"{'-':>14}" for p in pairs]
        print(f"{n:>6} " + " ".join(cells) + "  " + " ".join(rs))
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"  [{load()}; CPUs {cpus}; CPU time per second {cpu / wall:.2f}]")
    return table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="64,256,1024,4096")
    ap.add_argument("--only", default=",".join(CASES))
    ap.add_argument("--budget", type=float, default=1.0, help="seconds of timing per contender and size")
    ap.add_argument("--repeat", type=int, default=1, help="measure everything this many times; print the spread")
    ap.add_argument("--contenders", default=None,
                    help="time only these besides hand (e.g. mc-jax,jax); default all")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="cpu: the process's CPU time per call (default; the machine is shared), wall: elapsed")
    ap.add_argument("--pin-cpu", type=int, default=None, help="the CPU to run on (default: the lowest allowed)")
    opts = ap.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",")]
    print(f"times in ms of {'CPU time' if opts.clock == 'cpu' else 'wall-clock time'} (one thread, median); "
          "ratios paired (median of per-round ratios); ≤ 1: as fast or faster")
    runs = {name: [] for name in opts.only.split(",")}
    for r in range(opts.repeat):
        if opts.repeat > 1:
            print(f"\n=== run {r + 1} of {opts.repeat}")
        for name in runs:
            runs[name].append(measure(name, sizes, opts.budget,
                                      opts.contenders.split(",") if opts.contenders else None, opts.clock))
    if opts.repeat > 1:
        print("\nspread over the runs: median [min–max]; "
              "target: mc-np/hand ≤ 1.2, mc-jax/jax ≤ 1, mc-torch/torch ≤ 1")
        for name, tables in runs.items():
            for n in sizes:
                cells = []
                for p in TARGETS:
                    xs = [t[n][1][p] for t in tables if p in t[n][1]]
                    if xs:
                        cells.append(f"{p[0]}/{p[1]} {statistics.median(xs):.2f} [{min(xs):.2f}–{max(xs):.2f}]")
                print(f"  {name:>9} n={n:<5} " + "   ".join(cells))


if __name__ == "__main__":
    main()
