"""matcalc's generated NumPy code against hand-written NumPy, JAX and HIPS autograd.

    python benchmarks/codegen_vs_autodiff.py                    # everything (about 10 min on 2 cores)
    python benchmarks/codegen_vs_autodiff.py --sizes 100,300 --threads 1 --only lse
    python benchmarks/codegen_vs_autodiff.py --threads 1 --frameworks matcalc-jax,matcalc-torch
    python benchmarks/codegen_vs_autodiff.py --show-code        # print the generated functions too

Cases (all variables dense float64; vectors are 1-D arrays; X is n x n, i.e. m = n):

  quad      x^T A x                              w.r.t. x   gradient, Hessian
  lsq       ||A x - b||^2                        w.r.t. x   gradient, Hessian
  logistic  sum(log(1 + exp(X w))) - y^T X w     w.r.t. w   gradient, Hessian
  lse       logsumexp(x)                         w.r.t. x   gradient, Hessian
  logdet    log det X, X declared spd            w.r.t. X   gradient
  mlp       ||tanh(X W1) W2 - Y||_F^2            w.r.t. W1 and W2, one joint function (matcalc.codegen(expr,
            wrt=["W1", "W2"]) returns (value, grads)); X n x 100, W1 100 x 100, W2 100 x 10, Y n x 10
  gauss     log det S + tr(S^-1 C), S spd        w.r.t. S   gradient (n = 100, 300, 1000)
  logdetgen log det X, X general                 w.r.t. X   gradient (n = 100, 300, 1000)
  kronhess  tr(X A X B)                          w.r.t. X   Hessian, n^2 x n^2 on column-major vec, with the
            commutation matrix (applied as a permutation) (n = 20, 40, 60: --matrix-hessian-sizes)
  quartic   tr(X^T X X^T X)                      w.r.t. X   Hessian 4 ((Xᵀ ⊗ X) K + I ⊗ XXᵀ + XᵀX ⊗ I), O(n⁴)

Contenders, each in its own worker process (this script re-run with --worker), once with one thread
and once with every thread (--threads):

  hand      the closed form written by hand in NumPy: the textbook formulas (A + Aᵀ) x, 2 Aᵀ(A x − b),
            Xᵀ(σ(X w) − y), Xᵀ diag(d) X as X.T @ (d[:, None] * X), diag(s) − s sᵀ, and X⁻¹ by
            Cholesky (LAPACK potrf + potri, log det from the same factor). It returns what the
            generated function returns: the value too, sharing subexpressions the obvious way.
  matcalc   matcalc.grad(expr, wrt, check=False).to_code("numpy", hessian=...) exec'd once (the
            source is generated once by the driver and sent to the worker; generation is not timed).
            Returns (value, gradient) or (value, gradient, Hessian).
  jax       jax.jit(jax.grad(f)) / jax.jit(jax.hessian(f)), float64 enabled, CPU, inputs already on
            the device, jax.block_until_ready on the result. Returns the derivative only. The worker
            also times the generated NumPy code, alternately with these two: jax/mc is direct.
  autograd  HIPS autograd: autograd.grad(f) / autograd.hessian(f). Returns the derivative only.
            Its Hessian is one reverse pass per entry of the gradient, in Python: it is skipped
            above --autograd-hessian-max-n (default 1000; at n = 2000 one call takes minutes).
  forms     not a contender: generated lines against faster hand forms of the same function
            (the "Generated code: faster forms" table, see FORMS below).
  matcalc-jax    the generated JAX code (matcalc.codegen(..., target="jax"), exec'd, jax.jit) against
            jax.jit(jax.value_and_grad(f)) / jax.jit(jax.hessian(f)) of the same f, alternately in
            one process: mcj/jax, at most 1 = no slower than JAX's own autodiff.
  matcalc-torch  the generated PyTorch code against the forward pass + torch.autograd.grad (what
            .backward() computes) / torch.func.hessian(f), alternately in one process: mct/tch.

Threads: "1" sets OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = MKL_NUM_THREADS = 1 and
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" in the worker's
environment, and pins the worker to one CPU (`taskset -c CPU`, or os.sched_setaffinity where
taskset is missing; --pin-cpu, default the lowest CPU this script may run on): JAX 0.10's CPU
client keeps a thread pool of its own that those flags do not reach, so without the pin its "one
thread" used two cores. Each worker reports its CPUs and its process CPU time per wall-clock second
while timing (1.0 or below: one core). "all" sets the first three to `nproc`, drops those XLA flags
and does not pin. OPENBLAS_CORETYPE is passed through untouched when it is set (some processors
need it).

Timing: each worker builds its inputs from a fixed seed (the same arrays in every worker) and calls
each function once to check it (JAX also gets one more warm-up call: its first call compiles). It
then takes samples for about --budget seconds (at least 3, at most 41 per function); a sample
times enough back-to-back calls to last 2 ms and is divided by their number. The figure is the
median sample. Workers run one at a time. The matcalc, jax and autograd workers time their
function and the hand-written closed form *alternately* (A B A B ...) in the same process, and the
ratios are taken through that pairing: mc/hand = matcalc / hand-written in the matcalc worker, and
ag/mc = (autograd / hand-written in the autograd worker) / (mc/hand); jax/mc = jax / the generated
NumPy code, both in the jax worker (through the hand-written form, a 10 us function read 2x slower
beside a 300 us XLA call than in the matcalc worker). jax/mc, mcj/jax and mct/tch are the median
over rounds of the two samples' ratio within a round (taken one after the other), which a burst of
load moves far less than the ratio of two medians. On a shared machine the load changes
from one worker to the next; the paired ratio cancels most of that, the ratio of two absolute
columns does not (it is in the --json output as `seconds`). A time marked * has a median more
than twice its fastest sample: other load disturbed it. The faster-forms table is measured the
same way (generated and faster form alternately, one thread by default: --forms-threads).

Numerics: every worker also evaluates the hand-written closed form on its own inputs and reports
the relative error ||got − ref||_F / ||ref||_F of each output (value, gradient, Hessian); any
error above 1e-8 is printed as a failure.

Targets: a gradient within 1.2x of the hand-written closed form and no slower than jax.jit(jax.grad);
Hessians at least 20x faster than jax.jit(jax.hessian) for x^T A x, at least 2x for least squares and
logistic regression, no slower for logsumexp and tr(X A X B); the log det gradient no slower than JAX;
the generated JAX and PyTorch code no slower than that framework's autodiff (mcj/jax, mct/tch <= 1).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (100, 300, 1000, 2000)
MATRIX_HESSIAN_SIZES = (20, 40, 60)      # the Hessian of a function of an n x n matrix is n^2 x n^2
FRAMEWORKS = ("hand", "matcalc", "jax", "autograd")
TARGET_WORKERS = ("matcalc-jax", "matcalc-torch")    # generated JAX / PyTorch code against that framework's autodiff
TOLERANCE = 1e-8
SEED = 20261122

# key, expression, wrt (one name or a tuple: one joint function), declarations, derivatives, variables in
# alphabetical order (matcalc's argument order), default sizes (None: --sizes)
CASES = [
    ("quad", "x^T A x", "x", None, ("grad", "hess"), ("A", "x"), None),
    ("lsq", "||A x - b||^2", "x", None, ("grad", "hess"), ("A", "b", "x"), None),
    ("logistic", "sum(log(1 + exp(X w))) - y^T X w", "w", None, ("grad", "hess"), ("X", "w", "y"), None),
    ("lse", "logsumexp(x)", "x", None, ("grad", "hess"), ("x",), None),
    ("logdet", "log det X", "X", {"X": "n x n spd"}, ("grad",), ("X",), None),
    # X n x 100, W1 100 x 100, W2 100 x 10, Y n x 10 (n = the batch); both gradients from one function
    ("mlp", "||tanh(X W1) W2 - Y||_F^2", ("W1", "W2"), None, ("grad",), ("W1", "W2", "X", "Y"), None),
    ("gauss", "log det S + tr(S^-1 C)", "S", {"S": "n x n spd", "C": "n x n symmetric"}, ("grad",), ("C", "S"),
     (100, 300, 1000)),
    ("logdetgen", "log det X", "X", None, ("grad",), ("X",), (100, 300, 1000)),   # X general (not symmetric)
    ("kronhess", "tr(X A X B)", "X", None, ("hess",), ("A", "B", "X"), MATRIX_HESSIAN_SIZES),  # K as a permutation
    ("quartic", "tr(X^T X X^T X)", "X", None, ("hess",), ("X",), MATRIX_HESSIAN_SIZES),   # Kronecker products contracted
]
CASE = {c[0]: c for c in CASES}
MLP_HIDDEN, MLP_OUT = 100, 10


def wrts(key):
    w = CASE[key][2]
    return (w,) if isinstance(w, str) else w


def case_sizes(key, args):
    """The sizes a case runs at: its own (the matrix Hessian: n^2 x n^2 outputs), else --sizes;
    --sizes given explicitly limits a case with sizes of its own to those it lists too."""
    own = CASE[key][6]
    given = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    if own is None:
        return given
    if key in ("kronhess", "quartic"):
        return [int(s) for s in args.matrix_hessian_sizes.split(",")]
    return [n for n in own if not args.sizes or n in given] or list(own)


# (case, derivative) -> (minimum jax/matcalc ratio, text); gradients also need matcalc/hand <= 1.2
TARGETS = {
    ("quad", "hess"): (20.0, ">= 20x faster than jax.hessian"),
    ("lsq", "hess"): (2.0, ">= 2x faster than jax.hessian"),
    ("logistic", "hess"): (2.0, ">= 2x faster than jax.hessian"),
    ("lse", "hess"): (1.0, "no slower than jax.hessian"),
    ("kronhess", "hess"): (1.0, "no slower than jax.hessian"),
    ("quartic", "hess"): (1.0, "no slower than jax.hessian"),
}
GRAD_HAND_MAX = 1.2


# ---- inputs ------------------------------------------------------------------------------------
def make_inputs(key, n):
    """The case's variables at size n, from a fixed seed (identical in every worker)."""
    import numpy as np
    rng = np.random.default_rng([SEED, n, sum(map(ord, key))])
    vec = lambda: rng.standard_normal(n)   # noqa: E731
    if key == "quad":
        return {"A": rng.standard_normal((n, n)), "x": vec()}
    if key == "lsq":
        return {"A": rng.standard_normal((n, n)), "b": vec(), "x": vec()}
    if key == "logistic":   # X w is O(1): sigmoid neither saturated nor trivial
        return {"X": rng.standard_normal((n, n)) / np.sqrt(n), "w": vec(), "y": (rng.random(n) < 0.5) * 1.0}
    if key == "lse":
        return {"x": 3.0 * vec()}
    if key == "logdet":     # spd, condition number about 5
        B = rng.standard_normal((n, n))
        return {"X": B @ B.T / n + np.eye(n)}
    if key == "mlp":
        return {"W1": rng.standard_normal((MLP_HIDDEN, MLP_HIDDEN)) / np.sqrt(MLP_HIDDEN),
                "W2": rng.standard_normal((MLP_HIDDEN, MLP_OUT)) / np.sqrt(MLP_HIDDEN),
                "X": rng.standard_normal((n, MLP_HIDDEN)), "Y": rng.standard_normal((n, MLP_OUT))}
    if key == "gauss":      # S spd (condition number about 5), C a sample covariance
        B, Z = rng.standard_normal((n, n)), rng.standard_normal((n, 2 * n))
        return {"C": Z @ Z.T / (2 * n), "S": B @ B.T / n + np.eye(n)}
    if key == "logdetgen":  # general: eigenvalues in the disc of radius about 1 around 2
        return {"X": rng.standard_normal((n, n)) / np.sqrt(n) + 2.0 * np.eye(n)}
    if key == "kronhess":
        return {"A": rng.standard_normal((n, n)), "B": rng.standard_normal((n, n)), "X": rng.standard_normal((n, n))}
    if key == "quartic":
        return {"X": rng.standard_normal((n, n)) / np.sqrt(n)}
    raise KeyError(key)


# ---- the hand-written closed forms (also the numerical reference) ------------------------------
def hand_functions():
    import numpy as np
    from scipy.linalg import lapack
    from scipy.special import expit

    def quad_grad(A, x):
        return x @ (A @ x), (A + A.T) @ x

    def quad_hess(A, x):
        H = A + A.T
        return x @ (A @ x), H @ x, H

    def lsq_grad(A, b, x):
        r = A @ x - b
        return r @ r, 2.0 * (A.T @ r)

    def lsq_hess(A, b, x):
        r = A @ x - b
        return r @ r, 2.0 * (A.T @ r), 2.0 * (A.T @ A)

    def logistic_grad(X, w, y):
        u = X @ w
        return np.sum(np.logaddexp(0.0, u)) - y @ u, X.T @ (expit(u) - y)

    def logistic_hess(X, w, y):
        u = X @ w
        s = expit(u)
        d = s * (1.0 - s)
        return np.sum(np.logaddexp(0.0, u)) - y @ u, X.T @ (s - y), X.T @ (d[:, None] * X)

    def lse_grad(x):
        m = np.max(x)
        e = np.exp(x - m)
        total = np.sum(e)
        return m + np.log(total), e / total

    def lse_hess(x):
        m = np.max(x)
        e = np.exp(x - m)
        total = np.sum(e)
        s = e / total
        return m + np.log(total), s, np.diag(s) - np.outer(s, s)

    def logdet_grad(X):
        c, info = lapack.dpotrf(X, lower=1)
        if info:
            raise np.linalg.LinAlgError("not positive definite")
        inv, info = lapack.dpotri(c, lower=1)
        inv = np.tril(inv)
        inv += np.tril(inv, -1).T
        return 2.0 * np.sum(np.log(np.diagonal(c))), inv

    def mlp_grad(W1, W2, X, Y):               # one forward pass, then both gradients (backpropagation)
        H = np.tanh(X @ W1)
        R = H @ W2 - Y
        D = (R @ W2.T) * (1.0 - H * H)
        return np.sum(R * R), 2.0 * (X.T @ D), 2.0 * (H.T @ R)

    def gauss_grad(C, S):                     # one Cholesky factor: log det, S^-1, then a product
        c, info = lapack.dpotrf(S, lower=1)
        if info:
            raise np.linalg.LinAlgError("not positive definite")
        inv, info = lapack.dpotri(c, lower=1)
        inv = np.tril(inv)
        inv += np.tril(inv, -1).T
        P = inv @ C
        return 2.0 * np.sum(np.log(np.diagonal(c))) + np.trace(P), inv - P @ inv

    def logdetgen_grad(X):                    # one LU factorization: log |det X| and X^-1
        lu, piv, info = lapack.dgetrf(X)
        inv, info = lapack.dgetri(lu, piv)
        return np.sum(np.log(np.abs(np.diagonal(lu)))), inv.T

    def kronhess_hess(A, B, X):               # H = K (Bᵀ ⊗ A) + (B ⊗ Aᵀ) K on column-major vec, K a permutation
        n = X.shape[0]
        XA = X @ A
        M = np.kron(B.T, A)                   # d vec(A dX B) = (Bᵀ ⊗ A) d vec(X)
        KM = M.reshape(n, n, n * n).transpose(1, 0, 2).reshape(n * n, n * n)    # K_{n,n} M: rows permuted
        return np.sum((XA @ X) * B.T), XA.T @ B.T + B.T @ X.T @ A.T, KM + KM.T

    def quartic_hess(X):                      # H = (XᵀX ⊗ I) + (I ⊗ X Xᵀ) + (Xᵀ ⊗ X) K, times 4
        n = X.shape[0]
        G, XXt, I = X.T @ X, X @ X.T, np.eye(n)
        XK = np.kron(X.T, X).reshape(n * n, n, n).transpose(0, 2, 1).reshape(n * n, n * n)   # M K: columns permuted
        return np.sum(G * G), 4.0 * (X @ G), 4.0 * (np.kron(G, I) + np.kron(I, XXt) + XK)

    return {("quad", "grad"): quad_grad, ("quartic", "hess"): quartic_hess, ("quad", "hess"): quad_hess, ("lsq", "grad"): lsq_grad,
            ("mlp", "grad"): mlp_grad, ("gauss", "grad"): gauss_grad, ("logdetgen", "grad"): logdetgen_grad,
            ("kronhess", "hess"): kronhess_hess,
            ("lsq", "hess"): lsq_hess, ("logistic", "grad"): logistic_grad,
            ("logistic", "hess"): logistic_hess, ("lse", "grad"): lse_grad, ("lse", "hess"): lse_hess,
            ("logdet", "grad"): logdet_grad}


# ---- the same functions for the autodiff frameworks ---------------------------------------------
def scalar_functions(np, logsumexp):
    """f(*variables in alphabetical order) -> scalar, written with the framework's NumPy."""
    def quad(A, x):
        return x @ (A @ x)

    def lsq(A, b, x):
        r = A @ x - b
        return r @ r

    def logistic(X, w, y):
        u = X @ w
        return np.sum(np.logaddexp(0.0, u)) - y @ u

    def lse(x):
        return logsumexp(x)

    def logdet(X):
        return np.linalg.slogdet(X)[1]

    def mlp(W1, W2, X, Y):
        r = np.tanh(X @ W1) @ W2 - Y
        return np.sum(r * r)

    def gauss(C, S):
        return np.linalg.slogdet(S)[1] + np.trace(np.linalg.solve(S, C))

    def kronhess(A, B, X):
        return np.trace(X @ A @ X @ B)

    def quartic(X):
        G = X.T @ X
        return np.sum(G * G)

    return {"quad": quad, "lsq": lsq, "logistic": logistic, "lse": lse, "logdet": logdet, "mlp": mlp,
            "gauss": gauss, "logdetgen": logdet, "kronhess": kronhess, "quartic": quartic}


def torch_functions():
    """The same scalar functions in PyTorch (its names differ from NumPy's in a few places)."""
    import torch
    fns = scalar_functions(torch, lambda x: torch.logsumexp(x, 0))

    def logistic(X, w, y):
        u = X @ w
        return torch.sum(torch.nn.functional.softplus(u)) - y @ u
    return dict(fns, logistic=logistic)


# ---- generated code -----------------------------------------------------------------------------
def generate_sources(targets=("numpy",)):
    """{"case/deriv" (NumPy) or "case/deriv/target": (source, function name)}, generated in the driver by
    matcalc.codegen (one joint function for several wrt)."""
    import matcalc
    out = {}
    for key, text, wrt, where, derivs, _, _ in CASES:
        for target in targets:
            for d in derivs:
                src = matcalc.codegen(text, list(wrt) if not isinstance(wrt, str) else wrt, where=where,
                                      target=target, hessian=(d == "hess"), check=False)
                fname = re.findall(r"^def (f_and_\w+)\(", src, re.M)[-1]     # the generated function (after the prelude)
                out[f"{key}/{d}" + ("" if target == "numpy" else f"/{target}")] = (src, fname)
    return out


def flatten(out, names=None):
    """Outputs as a flat list: (value, {name: gradient}) in `names` order, nested tuples spliced."""
    flat = []
    for o in (out if isinstance(out, (tuple, list)) else (out,)):
        if isinstance(o, dict):
            flat += [o[k] for k in names]
        elif isinstance(o, (tuple, list)):
            flat += flatten(o, names)
        else:
            flat.append(o)
    return flat


def on_vec(h, n):
    """A framework's Hessian w.r.t. an n x n matrix, H[i, j, k, l] = d2f/dX_ij dX_kl, on column-major vec."""
    import numpy as np
    h = np.asarray(h)
    return h.transpose(1, 0, 3, 2).reshape(n * n, n * n) if h.ndim == 4 else h


def load_generated(src, fname):
    namespace = {}
    exec(compile(src, f"<matcalc {fname}>", "exec"), namespace)
    return namespace[fname]


def generated_body(src):
    """The lines of the generated function after its docstring."""
    lines = src.split("\n")
    start = max(i for i, ln in enumerate(lines) if ln.strip() == '"""') + 1
    return [ln.strip() for ln in lines[start:] if ln.strip()]


# ---- faster forms of generated functions (the "forms" worker) ----------------------------------
def faster_forms():
    """(case, deriv, what differs, faster form of the whole function) for generated code found slow."""
    import numpy as np
    from scipy.linalg import lapack
    from scipy.special import expit

    def quad_grad(A, x):                    # A x once, for the value and the gradient; no A + Aᵀ
        t = A @ x
        return x @ t, t + x @ A

    def quad_hess(A, x):                    # the value from the gradient: x^T A x = x^T g / 2, no A x
        H = A + A.T
        g = H @ x
        return 0.5 * (x @ g), g, H

    def logdet_grad(X):                     # one Cholesky factor for the value and the inverse
        c, info = lapack.dpotrf(X, lower=1)
        inv, info = lapack.dpotri(c, lower=1)
        inv = np.tril(inv)
        inv += np.tril(inv, -1).T
        return 2.0 * np.sum(np.log(np.diagonal(c))), inv

    def logistic_grad(X, w, y):             # sigmoid: one ufunc call, not nine array operations
        u = X @ w
        return np.sum(np.logaddexp(0.0, u)) - y @ u, X.T @ (expit(u) - y)

    def lse_grad(x):                        # one exp for the value and the softmax
        m = np.max(x)
        e = np.exp(x - m)
        total = np.sum(e)
        return m + np.log(total), e / total

    def lse_hess(x):                        # one exp; one n x n array (no negated copy of the outer)
        m = np.max(x)
        e = np.exp(x - m)
        total = np.sum(e)
        s = e / total
        h = np.multiply.outer(-s, s)
        h.flat[::len(s) + 1] += s
        return m + np.log(total), s, h

    return [
        ("quad", "grad", "(A + A.T) @ x  ->  t = A @ x; value x @ t; gradient t + x @ A", quad_grad),
        ("quad", "hess", "value x @ (A @ x) beside t1 @ x  ->  0.5 * (x @ g) with g = t1 @ x", quad_hess),
        ("logdet", "grad", "slogdet(X) (LU) + _spd_inv(X) (Cholesky)  ->  one Cholesky for both", logdet_grad),
        ("logistic", "grad", "_sigmoid(t1) (9 array operations)  ->  scipy.special.expit(t1) (one)",
         logistic_grad),
        ("lse", "grad", "_logsumexp(x) and _softmax(x): exp twice  ->  once", lse_grad),
        ("lse", "hess", "_add_diag(-(np.outer(t1, t1)), t1): two n x n arrays  ->  np.multiply.outer(-s, s), one exp",
         lse_hess),
    ]


# ---- worker -------------------------------------------------------------------------------------
def rel_err(got, ref):
    import numpy as np
    got, ref = np.asarray(got, dtype=float), np.asarray(ref, dtype=float)
    if got.shape != ref.shape:
        return float("inf")
    scale = np.linalg.norm(ref)
    return float(np.linalg.norm(got - ref) / (scale if scale else 1.0))


def measure(calls, budget, warm):
    """Time the zero-argument `calls` alternately (A B A B ...): `warm` warm-up calls each, then samples
    of >= 2 ms (back-to-back calls divided by their number) for about `budget` seconds, at least 3 and
    at most 41 per call. Returns, per call, (median seconds, samples, calls per sample, fastest sample, the
    samples: sample i of each call was taken in the same round, one after the other)."""
    import gc
    singles = []
    for call in calls:
        single = None
        for _ in range(max(warm, 1)):
            t = time.perf_counter()
            call()
            single = time.perf_counter() - t
        singles.append(single)
    reps = [max(1, int(2e-3 / max(s, 1e-7))) for s in singles]
    samples = [[] for _ in calls]
    gc.collect()
    deadline = time.perf_counter() + budget
    while len(samples[0]) < 3 or (time.perf_counter() < deadline and len(samples[0]) < 41):
        for call, k, out in zip(calls, reps, samples):
            t = time.perf_counter()
            for _ in range(k):
                call()
            out.append((time.perf_counter() - t) / k)
    return [(statistics.median(s), len(s), k, min(s), s) for s, k in zip(samples, reps)]


def sample_ratio(a, b):
    """The median over rounds of a's sample over b's from the same round: on a loaded machine a burst of
    load falls on both samples of a round, so this moves far less than the ratio of the two medians."""
    return statistics.median(x / y for x, y in zip(a[4], b[4]))


def worker(args):
    info = {"framework": args.worker, "pid": os.getpid(), "blas": blas_runtime(),
            "cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None}
    clock = (time.perf_counter(), time.process_time())
    hand = hand_functions()
    sources = json.loads(Path(args.sources).read_text()) if args.sources else {}
    todo = [(key, d) for key, *_ in CASES for d in CASE[key][4] if not args.only or args.only in key]
    rows = []

    if args.worker == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from jax.scipy.special import logsumexp
        info["jax"] = jax.__version__
        info["jax_devices"] = [str(d) for d in jax.devices()]
        fns = scalar_functions(jnp, logsumexp)
    elif args.worker == "autograd":
        import autograd
        import autograd.numpy as anp
        from autograd.scipy.special import logsumexp
        fns = scalar_functions(anp, logsumexp)
    elif args.worker in TARGET_WORKERS:
        return target_worker(args, info, clock, sources, todo, hand)

    forms = faster_forms() if args.worker == "forms" else []
    for key, d in todo:
        names, wrt = CASE[key][5], wrts(key)
        argnums = tuple(names.index(w) for w in wrt)
        argnum = argnums[0] if len(argnums) == 1 else argnums
        for n in case_sizes(key, args):
            inputs = make_inputs(key, n)
            args_np = [inputs[v] for v in names]
            href = hand[(key, d)]
            ref = href(*args_np)              # also the warm-up call of the hand-written function
            row = {"case": key, "deriv": d, "n": n}
            if args.worker == "forms":
                gen = load_generated(*sources[f"{key}/{d}"])
                for ck, cd, what, fast in forms:
                    if (ck, cd) != (key, d):
                        continue
                    out = fast(*args_np)
                    err = max(rel_err(o, r) for o, r in zip(out, ref))
                    gen(*args_np)
                    (tg, *_), (tf, *_) = measure([lambda: gen(*args_np), lambda: fast(*args_np)], args.budget, 0)
                    rows.append(dict(row, what=what, generated=tg, faster=tf, errors=[err]))
                continue
            warm = 0                              # the checking call below is the warm-up ...
            if args.worker in ("hand", "matcalc"):
                fn = href if args.worker == "hand" else load_generated(*sources[f"{key}/{d}"])
                call_args = args_np
                sync = lambda out: out   # noqa: E731
                full = True
            elif args.worker == "jax":
                deriv = jax.grad if d == "grad" else jax.hessian
                fn = jax.jit(deriv(fns[key], argnums=argnum))
                call_args = [jax.device_put(a) for a in args_np]
                sync = jax.block_until_ready
                full = False
                warm = 1                          # ... except for JAX, whose first call compiles
            else:
                if d == "hess" and n > args.autograd_hessian_max_n:
                    rows.append(dict(row, skipped=f"n > --autograd-hessian-max-n={args.autograd_hessian_max_n}"))
                    continue
                deriv = autograd.grad if d == "grad" else autograd.hessian
                fn = deriv(fns[key], argnum)
                call_args = args_np
                sync = lambda out: out   # noqa: E731
                full = False
            t = time.perf_counter()
            got = sync(fn(*call_args))
            first = time.perf_counter() - t
            outs = flatten(got, wrt) if full else flatten(got)
            refs = list(ref) if full else list(ref)[-len(outs):]
            if d == "hess" and not full:
                outs = [on_vec(o, n) for o in outs]
            errors = [rel_err(o, r) for o, r in zip(outs, refs)]
            calls = [lambda: sync(fn(*call_args))]
            if args.worker != "hand":             # paired: the hand-written closed form, alternately
                calls.append(lambda: href(*args_np))
            if args.worker == "jax":              # ... and the generated NumPy code: jax/mc directly
                gen = load_generated(*sources[f"{key}/{d}"])
                calls.append(lambda: gen(*args_np))
            timed = measure(calls, args.budget, warm)
            seconds, samples, reps, fastest, _ = timed[0]
            row.update(seconds=seconds, samples=samples, reps=reps, fastest=fastest, first_call=first, errors=errors)
            if len(timed) > 1:
                row.update(hand_seconds=timed[1][0], hand_fastest=timed[1][3])
            if len(timed) > 2:
                row.update(mc_seconds=timed[2][0], mc_fastest=timed[2][3], over_mc=sample_ratio(timed[0], timed[2]))
            rows.append(row)
            print(f"  [{args.worker}] {key} {d} n={n}: {1e3 * seconds:.3f} ms"
                  + (f" (hand alongside {1e3 * timed[1][0]:.3f} ms)" if len(timed) > 1 else ""),
                  file=sys.stderr, flush=True)
    wall, cpu = time.perf_counter() - clock[0], time.process_time() - clock[1]
    info["cpu_per_wall"] = cpu / wall if wall > 0 else None     # above 1: more than one core was busy
    Path(args.out).write_text(json.dumps({"info": info, "rows": rows}))


def target_worker(args, info, clock, sources, todo, hand):
    """matcalc-jax / matcalc-torch: the generated JAX (jitted) or PyTorch function against that framework's
    own autodiff of the same function, alternately in one process. JAX: jax.jit(jax.value_and_grad(f)) or
    jax.jit(jax.hessian(f)); PyTorch: the forward pass and torch.autograd.grad (what .backward() computes)
    or torch.func.hessian(f). The generated function returns the value too (and the gradient beside the
    Hessian); autodiff's Hessian returns the Hessian only."""
    import numpy as np
    framework = args.worker.split("-")[1]
    if framework == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        from jax.scipy.special import logsumexp
        info["jax"] = jax.__version__
        fns = scalar_functions(jnp, logsumexp)
        put, sync = jax.device_put, jax.block_until_ready
    else:
        import torch
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        fns = torch_functions()
        put, sync = (lambda a: torch.from_numpy(a)), (lambda out: out)   # noqa: E731
    rows = []
    for key, d in todo:
        names, wrt = CASE[key][5], wrts(key)
        argnums = tuple(names.index(w) for w in wrt)
        f = fns[key]
        gen = load_generated(*sources[f"{key}/{d}/{framework}"])
        if framework == "jax":
            gen = jax.jit(gen)
            if d == "hess":
                ad = jax.jit(jax.hessian(f, argnums=argnums[0]))
            else:
                ad = jax.jit(jax.value_and_grad(f, argnums=argnums if len(argnums) > 1 else argnums[0]))
        elif d == "hess":
            ad = torch.func.hessian(f, argnums=argnums[0])
        else:
            def ad(*a, f=f, argnums=argnums):
                params = [a[i].detach().requires_grad_() if i in argnums else a[i] for i in range(len(a))]
                value = f(*params)
                return value.detach(), torch.autograd.grad(value, [params[i] for i in argnums])
        for n in case_sizes(key, args):
            inputs = make_inputs(key, n)
            call_args = [put(inputs[v]) for v in names]
            ref = list(hand[(key, d)](*[inputs[v] for v in names]))
            row = {"case": key, "deriv": d, "n": n}
            t = time.perf_counter()
            got = flatten(sync(gen(*call_args)), wrt)
            first = time.perf_counter() - t
            auto = flatten(sync(ad(*call_args)))
            if d == "hess":
                auto = [on_vec(np.asarray(a), n) for a in auto]
            errors = [rel_err(np.asarray(o), r) for o, r in zip(got, ref)] + \
                [rel_err(np.asarray(o), r) for o, r in zip(auto, ref[-len(auto):])]
            timed = measure([lambda: sync(gen(*call_args)), lambda: sync(ad(*call_args))], args.budget, 1)
            (seconds, samples, reps, fastest, _), (ad_seconds, _, _, ad_fastest, _) = timed
            row.update(seconds=seconds, samples=samples, reps=reps, fastest=fastest, first_call=first, errors=errors,
                       ad_seconds=ad_seconds, ad_fastest=ad_fastest, over_ad=sample_ratio(*timed))
            rows.append(row)
            print(f"  [{args.worker}] {key} {d} n={n}: {1e3 * seconds:.3f} ms (autodiff alongside "
                  f"{1e3 * ad_seconds:.3f} ms)", file=sys.stderr, flush=True)
    wall, cpu = time.perf_counter() - clock[0], time.process_time() - clock[1]
    info["cpu_per_wall"] = cpu / wall if wall > 0 else None
    Path(args.out).write_text(json.dumps({"info": info, "rows": rows}))


def blas_runtime():
    """OpenBLAS core type and thread count in effect for NumPy (and SciPy), by ctypes; {} if unknown."""
    import ctypes
    import glob
    out = {}
    for mod in ("numpy", "scipy"):
        try:
            pkg = __import__(mod)
            libs = glob.glob(os.path.join(os.path.dirname(pkg.__file__), "..", f"{mod}.libs", "libscipy_openblas*"))
            if not libs:
                continue
            lib = ctypes.CDLL(libs[0])
            suffix = "64_" if "openblas64" in libs[0] else ""
            core = getattr(lib, f"scipy_openblas_get_corename{suffix}")
            core.restype = ctypes.c_char_p
            threads = getattr(lib, f"scipy_openblas_get_num_threads{suffix}")
            threads.restype = ctypes.c_int
            config = getattr(lib, f"scipy_openblas_get_config{suffix}")
            config.restype = ctypes.c_char_p
            out[mod] = {"core": core().decode(), "threads": threads(), "config": config().decode().strip()}
        except Exception as err:     # informational only
            out[mod] = {"error": f"{type(err).__name__}: {err}"}
    return out


# ---- driver -------------------------------------------------------------------------------------
def worker_env(threads, nproc):
    env = dict(os.environ)        # OPENBLAS_CORETYPE, if set, is passed through as it is
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    flags = [f for f in env.get("XLA_FLAGS", "").split()
             if not f.lstrip("-").startswith(("xla_cpu_multi_thread_eigen", "intra_op_parallelism_threads"))]
    count = "1" if threads == "1" else str(nproc)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = count
    if threads == "1":
        flags += ["--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1"]
    if flags:
        env["XLA_FLAGS"] = " ".join(flags)
    else:
        env.pop("XLA_FLAGS", None)
    env["JAX_PLATFORMS"] = "cpu"
    return env


def run_worker(framework, threads, args, sources_path, nproc):
    with tempfile.NamedTemporaryFile("r", suffix=".json", prefix=f"mc-{framework}-") as out:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", framework, "--out", out.name,
               "--budget", str(args.budget), "--sources", sources_path,
               "--autograd-hessian-max-n", str(args.autograd_hessian_max_n),
               "--matrix-hessian-sizes", args.matrix_hessian_sizes] + (["--sizes", args.sizes] if args.sizes else [])
        if args.only:
            cmd += ["--only", args.only]
        pin = None
        if threads == "1":      # XLA's own thread pool ignores the flags: one CPU, by affinity
            pin = args.pin_cpu if args.pin_cpu is not None else min(os.sched_getaffinity(0))
            cmd = ["taskset", "-c", str(pin)] + cmd if shutil.which("taskset") else cmd
        t = time.perf_counter()
        proc = subprocess.run(cmd, env=worker_env(threads, nproc), stdout=subprocess.PIPE,
                              stderr=None if args.verbose else subprocess.PIPE, text=True,
                              preexec_fn=None if pin is None or shutil.which("taskset")
                              else (lambda: os.sched_setaffinity(0, {pin})))
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            tail = (proc.stderr or "")[-3000:]
            print(f"worker {framework} (threads {threads}) FAILED with exit code {proc.returncode}:\n{tail}")
            return None, wall
        return json.loads(Path(out.name).read_text()), wall


def machine_info():
    import numpy
    lines = [f"nproc = {os.cpu_count()}"]
    model = "?"
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines.append(f"CPU: {model}; {platform.system()} {platform.release()}; Python {platform.python_version()}")
    versions = [f"NumPy {numpy.__version__}"]
    for mod in ("scipy", "jax", "jaxlib", "autograd"):
        try:
            from importlib.metadata import version
            versions.append(f"{mod} {version(mod)}")
        except Exception:
            versions.append(f"{mod} not installed")
    lines.append(", ".join(versions))
    try:
        cfg = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        lines.append(f"NumPy BLAS (numpy.show_config): {cfg.get('name')} {cfg.get('version')}; "
                     f"{' '.join(str(cfg.get('openblas configuration', '')).split())}")
    except Exception as err:
        lines.append(f"NumPy BLAS: unknown ({err})")
    rt = blas_runtime()
    for mod, d in rt.items():
        if "core" in d:
            lines.append(f"{mod}'s OpenBLAS at run time: core {d['core']}, {d['threads']} threads by default")
    core = os.environ.get("OPENBLAS_CORETYPE")
    lines.append(f"OPENBLAS_CORETYPE={core} (passed through to the workers unchanged)" if core is not None
                 else "OPENBLAS_CORETYPE not set")
    try:
        import threadpoolctl
        for p in threadpoolctl.threadpool_info():
            lines.append(f"threadpoolctl: {p.get('internal_api')} {p.get('version')} {p.get('architecture')} "
                         f"threads={p.get('num_threads')} ({os.path.basename(p.get('filepath', ''))})")
    except ImportError:
        lines.append("threadpoolctl not installed")
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "matcalc"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        lines.append(f"matcalc: {ROOT} at {rev or '?'}" + (" (matcalc/ has uncommitted changes)" if dirty else ""))
    except Exception:
        pass
    lines.append("load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    return lines


def fmt_ms(row):
    if row is None:
        return "-"
    if "skipped" in row:
        return "skipped"
    ms = 1e3 * row["seconds"]
    mark = "*" if row["seconds"] > 2 * row["fastest"] else ""
    return (f"{ms:.4f}" if ms < 0.1 else f"{ms:.3f}" if ms < 10 else f"{ms:.1f}") + mark


def paired(row):
    """A contender's time over the hand-written closed form's, timed alternately in the same worker."""
    if row is None or "seconds" not in row or "hand_seconds" not in row:
        return None
    return row["seconds"] / row["hand_seconds"]


def stalled(row, one):
    """More threads, yet over 2x slower than with one thread (itself or its paired hand-written time)."""
    if not row or not one or "seconds" not in row or "seconds" not in one:
        return False
    if row["seconds"] > 2 * one["seconds"]:
        return True
    return "hand_seconds" in row and "hand_seconds" in one and row["hand_seconds"] > 2 * one["hand_seconds"]


def direct(row):
    """JAX over the generated NumPy code, both timed alternately in the jax worker (with the hand-written
    form): for a 10 us function the pairing through the hand-written form's time is biased, because
    that time depends on what it alternates with (a 300 us XLA call evicts its caches)."""
    if row is None or "seconds" not in row or "mc_seconds" not in row:
        return None
    return row.get("over_mc", row["seconds"] / row["mc_seconds"])


def against_autodiff(row):
    """Generated framework code over that framework's autodiff, timed alternately in the same worker."""
    if row is None or "seconds" not in row or "ad_seconds" not in row:
        return None
    return row.get("over_ad", row["seconds"] / row["ad_seconds"])


def over(a, b):
    return None if a is None or b is None else a / b


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}" if r < 100 else f"{r:.0f}"


def report(results, args, sources):
    """results[threads][framework] = list of rows."""
    index = {}
    for threads, by_fw in results.items():
        for fw, rows in by_fw.items():
            for row in rows:
                index[(threads, fw, row["case"], row["deriv"], row["n"])] = row
    verdicts, failures, stalls = [], [], []
    print("\nTimes: median ms per call, each framework in its own process (* = median > 2x fastest sample).")
    print("Ratios: through the hand-written closed form timed alternately in the same worker:")
    print("  mc/hand = matcalc / hand-written; ag/mc = (autograd / hand) / (mc/hand). jax/mc = jax / the")
    print("  generated NumPy code, both timed alternately (with the hand-written form) in the jax worker.")
    print("  jax/mc, mcj/jax and mct/tch are medians of per-round ratios (the two samples of a round adjacent).")
    print("  mcj/jax = generated JAX code (jitted) / jax.jit(jax.value_and_grad) or jax.jit(jax.hessian), and")
    print("  mct/tch = generated PyTorch code / torch autograd (autograd.grad, torch.func.hessian), each timed")
    print("  alternately in one worker (matcalc-jax, matcalc-torch): at most 1 = no slower than autodiff.")
    print("! = with all threads, over 2x slower than with one thread (its own time or its paired hand-written")
    print("    time): a BLAS/XLA thread waited for a CPU taken by other load. Such rows are not judged.")
    for key, text, wrt, _, derivs, _, _ in CASES:
        if args.only and args.only not in key:
            continue
        wrt = wrt if isinstance(wrt, str) else ", ".join(wrt)
        for d in derivs:
            title = f"{'gradient' if d == 'grad' else 'Hessian'} of {text} w.r.t. {wrt}"
            print(f"\n{title}")
            if args.show_code:
                for tgt in ("numpy", "jax", "torch"):
                    src = sources.get(f"{key}/{d}" + ("" if tgt == "numpy" else f"/{tgt}"))
                    for ln in generated_body(src[0]) if src else []:
                        print(f"    {tgt:5}: {ln}")
            print(f"  {'thr':>3} {'n':>5} {'hand':>10} {'matcalc':>10} {'jax':>10} {'autograd':>10} "
                  f"{'mc/hand':>8} {'jax/mc':>8} {'ag/mc':>8} {'mc-jax':>10} {'mcj/jax':>8} {'mc-torch':>10} "
                  f"{'mct/tch':>8}")
            sizes = sorted({k[4] for k in index if k[2] == key and k[3] == d})
            for threads in results:
                for n in sizes:
                    r = {fw: index.get((threads, fw, key, d, n)) for fw in FRAMEWORKS + TARGET_WORKERS}
                    if all(v is None for v in r.values()):
                        continue
                    # a row with more threads but over 2x slower than with one thread: a thread waited for a CPU
                    bad = {fw for fw, row in r.items() if threads != "1"
                           and stalled(row, index.get(("1", fw, key, d, n)))}
                    mh = paired(r["matcalc"])        # ratios through the paired hand-written timings
                    jm, am = direct(r["jax"]) or over(paired(r["jax"]), mh), over(paired(r["autograd"]), mh)
                    tj, tt = (against_autodiff(r[fw]) for fw in TARGET_WORKERS)
                    if bad:
                        stalls.append(f"{key} {d} n={n} threads={threads}: {', '.join(sorted(bad))}")
                    mark = lambda fw: "!" if fw in bad else ""   # noqa: E731
                    print(f"  {threads:>3} {n:5d} {fmt_ms(r['hand']) + mark('hand'):>10} "
                          f"{fmt_ms(r['matcalc']) + mark('matcalc'):>10} {fmt_ms(r['jax']) + mark('jax'):>10} "
                          f"{fmt_ms(r['autograd']) + mark('autograd'):>10} "
                          f"{fmt_ratio(mh) + mark('matcalc'):>8} "
                          f"{fmt_ratio(jm) + ('!' if bad & {'matcalc', 'jax'} else ''):>8} "
                          f"{fmt_ratio(am) + ('!' if bad & {'matcalc', 'autograd'} else ''):>8} "
                          f"{fmt_ms(r['matcalc-jax']) + mark('matcalc-jax'):>10} "
                          f"{fmt_ratio(tj) + mark('matcalc-jax'):>8} "
                          f"{fmt_ms(r['matcalc-torch']) + mark('matcalc-torch'):>10} "
                          f"{fmt_ratio(tt) + mark('matcalc-torch'):>8}")
                    if "matcalc" in bad:
                        mh = None
                    if mh is None or "jax" in bad:
                        jm = None
                    for fw, row in r.items():
                        if row and "errors" in row and max(row["errors"]) > TOLERANCE:
                            failures.append(f"{fw} {key} {d} n={n} threads={threads}: relative errors "
                                            + ", ".join(f"{e:.1e}" for e in row["errors"]))
                    for fw, ratio, what in (("matcalc-jax", tj, "mc-jax/jax-autodiff <= 1"),
                                            ("matcalc-torch", tt, "mc-torch/torch-autodiff <= 1")):
                        if ratio is not None and fw not in bad:
                            verdicts.append((key, d, what, threads, n, ratio, ratio <= 1.0))
                    if d == "grad":
                        if mh is not None:
                            verdicts.append((key, d, "matcalc/hand <= 1.2", threads, n, mh, mh <= GRAD_HAND_MAX))
                        if jm is not None:
                            verdicts.append((key, d, "jax/matcalc >= 1", threads, n, jm, jm >= 1.0))
                    elif (key, d) in TARGETS and jm is not None:
                        need, _ = TARGETS[(key, d)]
                        verdicts.append((key, d, f"jax/matcalc >= {need:g}", threads, n, jm, jm >= need))
    print("\nTargets (per case and target: the sizes and thread settings that miss it)")
    if stalls:
        print(f"  not judged: {len(stalls)} rows with all threads (marked !), a thread waiting for a CPU; "
              "--json has the details")
    groups = {}
    for key, d, what, threads, n, value, ok in verdicts:
        groups.setdefault((key, d, what), []).append((threads, n, value, ok))
    for (key, d, what), items in groups.items():
        missed = [f"n={n}/{t}thr: {v:.2f}" for t, n, v, ok in items if not ok]
        worst = min(v for _, _, v, _ in items) if ">=" in what else max(v for _, _, v, _ in items)
        status = "met" if not missed else f"MISSED at {len(missed)}/{len(items)}: " + "; ".join(missed)
        print(f"  {key:9} {d:4} {what:28} worst {worst:7.2f}  {status}")
    forms = [(threads, row) for threads, by_fw in results.items() for row in by_fw.get("forms", [])
             if "what" in row]
    if forms:
        print("\nGenerated code: faster forms (same process, interleaved; ms per call; speed-up = generated / faster)")
        print(f"  {'case':8} {'deriv':5} {'thr':>3} {'n':>5} {'generated':>10} {'faster':>10} {'speed-up':>8}  change")
        for threads, row in sorted(forms, key=lambda tr: (tr[1]["case"], tr[1]["deriv"], tr[0], tr[1]["n"])):
            if max(row["errors"]) > TOLERANCE:
                failures.append(f"faster form {row['case']} {row['deriv']} n={row['n']}: {row['errors']}")
            print(f"  {row['case']:8} {row['deriv']:5} {threads:>3} {row['n']:5d} {1e3 * row['generated']:10.3f} "
                  f"{1e3 * row['faster']:10.3f} {row['generated'] / row['faster']:8.2f}  {row['what']}")
    print("\nNumerics: " + ("every output within relative error 1e-8 of the hand-written closed form"
                            if not failures else f"{len(failures)} FAILURES:\n  " + "\n  ".join(failures)))
    skipped = sorted({(row["case"], row["n"]) for by_fw in results.values() for row in by_fw.get("autograd", [])
                      if "skipped" in row})
    if skipped:
        print("Skipped: autograd's Hessian at " + ", ".join(f"{k} n={n}" for k, n in skipped)
              + f" (one reverse pass per gradient entry in Python; --autograd-hessian-max-n)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=None,
                    help=f"comma-separated n (default {','.join(map(str, SIZES))}; gauss and logdetgen: 100,300,1000)")
    ap.add_argument("--matrix-hessian-sizes", default=",".join(map(str, MATRIX_HESSIAN_SIZES)),
                    help="n of the Hessian w.r.t. an n x n matrix (kronhess; default %(default)s)")
    ap.add_argument("--threads", default="1,all", help="thread settings to run: 1, all, or both (default %(default)s)")
    ap.add_argument("--frameworks", default=",".join(FRAMEWORKS + ("forms",) + TARGET_WORKERS),
                    help="default %(default)s")
    ap.add_argument("--only", default=None, help="only cases whose key contains this (quad lsq logistic lse logdet)")
    ap.add_argument("--budget", type=float, default=0.4,
                    help="seconds of samples per measurement (default %(default)s)")
    ap.add_argument("--forms-threads", default="1",
                    help="thread settings for the faster-forms table (default %(default)s)")
    ap.add_argument("--autograd-hessian-max-n", type=int, default=1000, help="default %(default)s")
    ap.add_argument("--show-code", action="store_true", help="print the generated function bodies")
    ap.add_argument("--json", default=None, help="also write all rows to this file")
    ap.add_argument("--from-json", default=None, help="print the report of an earlier --json file, run nothing")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the workers' progress")
    ap.add_argument("--pin-cpu", type=int, default=None,
                    help="the CPU one-thread workers are pinned to (default: the lowest this script may use)")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--sources", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    if args.from_json:
        data = json.loads(Path(args.from_json).read_text())
        print("\n".join(data["machine"]))
        return report(data["results"], args, data["sources"])

    started = time.perf_counter()
    nproc = os.cpu_count() or 1
    machine = machine_info()
    for ln in machine:
        print(ln)
    frameworks = [f.strip() for f in args.frameworks.split(",")]
    sources = generate_sources(("numpy",) + tuple(f.split("-")[1] for f in TARGET_WORKERS if f in frameworks))
    settings = [t.strip() for t in args.threads.split(",")]
    results = {}
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="mc-sources-", delete=False) as fh:
        json.dump(sources, fh)
        sources_path = fh.name
    try:
        for threads in settings:
            results[threads] = {}
            for fw in frameworks:
                if fw == "forms" and threads not in args.forms_threads.split(","):
                    continue
                data, wall = run_worker(fw, threads, args, sources_path, nproc)
                blas = data["info"]["blas"].get("numpy", {}) if data else {}
                busy = data["info"].get("cpu_per_wall") if data else None
                print(f"worker {fw:8} threads={threads:3}: {wall:6.1f} s"
                      + (f"  CPUs {data['info'].get('cpus')}, CPU time per second {busy:.2f}" if busy else "")
                      + (f"  (NumPy's OpenBLAS: {blas.get('threads')} threads, core {blas.get('core')})"
                         if "threads" in blas else ""), flush=True)
                results[threads][fw] = data["rows"] if data else []
    finally:
        os.unlink(sources_path)
    report(results, args, sources)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "results": results, "sources": sources}, indent=1))
    print(f"\ntotal {time.perf_counter() - started:.0f} s; load average now "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
