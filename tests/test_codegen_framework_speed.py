"""Generated JAX and PyTorch code no slower than the framework's autodiff (issue 19;
benchmarks/codegen_vs_autodiff.py, workers matcalc-jax and matcalc-torch). Each rule's emitted code
is run on every target and compared with central finite differences of the function written
independently in NumPy, and its text is checked.

- A transposed matrix times a vector, Aᵀ v, is printed as `v @ A` (v 1-D) in JAX and PyTorch: XLA
  copies the transpose of `A.T @ v` before the product (8.7× slower at n = 1000 on one CPU). NumPy
  keeps `A.T @ v`: BLAS's gemv takes the transpose as a flag.
- logsumexp and softmax of the same vector (or rows) come from one exp in JAX, as in NumPy
  (`_logsumexp_softmax`): `jax.scipy.special.logsumexp` and `jax.nn.softmax` each take the max and
  the exp, which XLA does not merge (the softmax cross-entropy gradient 7.0 → 4.4 ms at 4096×256×64).
"""
import re

import numpy as np
import pytest

import matcalc
from test_codegen import target_available, to_numpy, to_target

RNG_SEED = 19


def _logistic(X, w, y):
    u = X @ w
    return np.sum(np.logaddexp(0.0, u)) - y @ u


# expression, wrt, variables (alphabetical: the generated function's parameters), NumPy f, shapes
CASES = {
    "least squares": ("||A x - b||^2", "x", lambda A, b, x: np.sum((A @ x - b) ** 2),
                      {"A": (7, 5), "b": (7,), "x": (5,)}),
    "logistic": ("sum(log(1 + exp(X w))) - y^T X w", "w", _logistic, {"X": (7, 5), "w": (5,), "y": (7,)}),
    "chain": ("u^T B^T C^T x", "x", lambda B, C, u, x: u @ B.T @ C.T @ x,    # (C B u)ᵀ x: C B u, no transpose
              {"B": (4, 3), "C": (5, 4), "u": (3,), "x": (5,)}),
    "transposed chain": ("||B^T C^T x||^2", "x", lambda B, C, x: np.sum((B.T @ (C.T @ x)) ** 2),
                         {"B": (4, 3), "C": (5, 4), "x": (5,)}),
    # logits in the hundreds: the shared exp is max-subtracted
    "logsumexp": ("logsumexp(A x) - y^T softmax(A x)", "x",
                  lambda A, x, y: _lse(A @ x) - y @ np.exp(A @ x - _lse(A @ x)),
                  {"A": (6, 4), "x": (4,), "y": (6,)}, 100.0),
    "softmax rows": ("sum(logsumexp_rows(X W)) - sum(Y .* softmax_rows(X W))", "W",
                     lambda W, X, Y: np.sum(_lse_rows(X @ W)) - np.sum(Y * np.exp(X @ W - _lse_rows(X @ W)[:, None])),
                     {"W": (3, 4), "X": (5, 3), "Y": (5, 4)}, 100.0),
}


def _lse(u):
    m = u.max()
    return m + np.log(np.exp(u - m).sum())


def _lse_rows(z):
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


def inputs(shapes, scale=1.0):
    rng = np.random.default_rng(RNG_SEED)
    return {k: rng.standard_normal(s) * (scale if k in "AX" else 1.0) for k, s in shapes.items()}


def finite_difference_gradient(f, env, wrt, t=1e-6):
    x0 = env[wrt]
    g = np.zeros_like(x0)
    for i in range(x0.size):
        e = np.zeros_like(x0)
        e.flat[i] = t
        g.flat[i] = (f(**{**env, wrt: x0 + e}) - f(**{**env, wrt: x0 - e})) / (2 * t)
    return g


def run(text, wrt, target, env):
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    source = matcalc.codegen(text, wrt, target=target, check=False)
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    fn = next(v for k, v in namespace.items() if k.startswith("f_and_"))
    names = re.search(r"^def f_and_\w+\(([^)]*)\)", source, re.M).group(1).split(", ")
    value, grad = fn(*[to_target(env[n], target) for n in names])
    return float(to_numpy(value)), to_numpy(grad), source


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("name", list(CASES))
def test_transposed_products_with_vectors_match_finite_differences(name, target):
    target_available(target)
    text, wrt, f, shapes, *scale = CASES[name]
    env = inputs(shapes, *scale)
    value, grad, source = run(text, wrt, target, env)
    assert np.isclose(value, f(**env), rtol=1e-10), source
    fd = finite_difference_gradient(f, env, wrt)
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-7 * np.abs(fd).max()), source


def body(source):
    return source[source.index("def f_and_"):]


@pytest.mark.parametrize("target", ["jax", "torch"])
def test_frameworks_multiply_the_vector_by_the_matrix(target):
    lsq = body(matcalc.codegen("||A x - b||^2", "x", target=target, check=False))
    assert "2.0 * (t1 @ A)" in lsq and "A.T" not in lsq, lsq
    logistic = body(matcalc.codegen("sum(log(1 + exp(X w))) - y^T X w", "w", target=target, check=False))
    assert "- y) @ X)" in logistic and "X.T" not in logistic, logistic
    chain = body(matcalc.codegen("||B^T C^T x||^2", "x", target=target, check=False))
    assert ".T @" not in chain and "(x @ C) @ B" in chain, chain


def test_numpy_keeps_the_transpose_flag_of_gemv():
    lsq = body(matcalc.codegen("||A x - b||^2", "x", check=False))
    assert "2.0 * (A.T @ t1)" in lsq, lsq


def test_matrix_products_keep_their_transposes():
    """Only a product with a 1-D vector turns around: Aᵀ M stays a matrix product."""
    code = body(matcalc.codegen("tr(A^T X B)", "B", target="jax", check=False))
    assert "X.T @ A" in code or "A.T @ X" in code, code


@pytest.mark.parametrize("hessian", [False, True])
def test_jax_takes_logsumexp_and_softmax_from_one_exp(hessian):
    code = matcalc.codegen("logsumexp(x)", "x", target="jax", hessian=hessian, check=False)
    assert code.count("jnp.exp(") == 1 and "_logsumexp_softmax(x)" in body(code), code
    assert "jax.nn.softmax" not in body(code) and "jax.scipy.special.logsumexp" not in body(code), code
    rows = matcalc.codegen("sum(logsumexp_rows(X W)) - sum(Y .* (X W))", "W", target="jax", check=False)
    assert "_logsumexp_softmax_rows(t1)" in body(rows) and "jax.nn.softmax" not in body(rows), rows


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_logsumexp_hessian_matches_finite_differences_of_the_gradient(target):
    """The Hessian from the shared exp against central differences of an independent NumPy gradient."""
    target_available(target)
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    x = 50.0 * np.random.default_rng(RNG_SEED).standard_normal(5)
    source = matcalc.codegen("logsumexp(x)", "x", target=target, hessian=True, check=False)
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    value, grad, hess = (to_numpy(o) for o in namespace["f_and_derivatives"](to_target(x, target)))

    def softmax(u):
        return np.exp(u - _lse(u))
    t = 1e-6
    fd = np.stack([(softmax(x + t * e) - softmax(x - t * e)) / (2 * t) for e in np.eye(5)], axis=1)
    assert np.isclose(value, _lse(x)) and np.allclose(grad, softmax(x), rtol=1e-10), source
    assert np.allclose(hess, fd, rtol=1e-5, atol=1e-8), source
