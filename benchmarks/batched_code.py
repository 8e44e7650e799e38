"""matcalc's generated gradients of batched models against a careful hand-written NumPy version and
`jax.jit(jax.value_and_grad)` (issue 20): attention, layer norm and a two-layer MLP loss on a batch,
at batch sizes 64 to 4096, every gradient of each model from one generated function.

    python benchmarks/batched_code.py                   # n = 64, 256, 1024, 4096 (a few minutes)
    python benchmarks/batched_code.py --sizes 64,256 --only layernorm --budget 0.3

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

Timing: one thread everywhere (set below, before NumPy loads: the machine is shared); each function
is called once to check it against `hand` and once more to warm up (JAX compiles), then timed in
alternation with `hand` (hand, f, hand, f, …) for about --budget seconds each; the figure is the
median. Ratios are paired: f / hand from the samples taken side by side.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
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
    except ImportError:
        pass
    return out


def as_numpy(v):
    return np.asarray(v.detach() if hasattr(v, "detach") else v)


def agrees(result, reference):
    (v, g), (v0, g0) = result, reference
    return np.isclose(float(as_numpy(v)), v0, rtol=1e-8, atol=1e-8) and all(
        np.allclose(as_numpy(g[k]).reshape(np.shape(g0[k])), g0[k], rtol=1e-7, atol=1e-9) for k in g0)


def paired(f, hand, budget):
    """Median seconds of f and f / hand, timed alternately."""
    fs, ratios, spent = [], [], 0.0
    while (spent < budget and len(fs) < 41) or len(fs) < 3:
        t0 = time.perf_counter()
        hand()
        t1 = time.perf_counter()
        f()
        t2 = time.perf_counter()
        fs.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
        spent += t2 - t0
    return statistics.median(fs), statistics.median(ratios)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="64,256,1024,4096")
    ap.add_argument("--only", default=",".join(CASES))
    ap.add_argument("--budget", type=float, default=1.0, help="seconds of timing per contender and size")
    opts = ap.parse_args(argv)
    sizes = [int(s) for s in opts.sizes.split(",")]
    rng = np.random.default_rng(0)
    print("times in ms (one thread); ratios are to the hand-written NumPy, paired; ≤ 1 is as fast or faster")
    for name in opts.only.split(","):
        hand = CASES[name][3]
        table = {}
        for n in sizes:
            args = inputs(name, n, rng)
            reference = hand(**args)
            table_row = {"hand": None}
            for who, (fn, convert, sync) in contenders(name, args).items():
                a = convert(args)
                result = sync(fn(**a))
                if not agrees(result, reference):
                    table_row[who] = ("wrong", None)
                    continue
                sync(fn(**a))
                seconds, ratio = paired(lambda: sync(fn(**a)), lambda: hand(**args), opts.budget)  # noqa: B023
                table_row[who] = (seconds, ratio)
            table[n] = table_row
        whos = [w for w in next(iter(table.values())) if w != "hand"]
        print(f"\n{name}: {CASES[name][0]}  w.r.t. {', '.join(CASES[name][1])}")
        print(f"{'n':>6} " + " ".join(f"{w + ' ms':>12} {w + '/hand':>14}" for w in whos)
              + f" {'mc-jax/jax':>11}")
        for n, row in table.items():
            cells = []
            for w in whos:
                s, r = row.get(w, ("-", None))
                cells.append(f"{'wrong':>12} {'':>14}" if s == "wrong" else f"{s * 1e3:12.3f} {r:14.2f}")
            mj, jx = row.get("mc-jax"), row.get("jax")
            vs = f"{mj[1] / jx[1]:11.2f}" if mj and jx and mj[1] and jx[1] else f"{'-':>11}"
            print(f"{n:>6} " + " ".join(cells) + " " + vs)


if __name__ == "__main__":
    main()
