"""Generated code for the batched models without materialised transposes (issue 20's benchmark,
benchmarks/batched_code.py): JAX and PyTorch write M 1 and 1ᵀ M as sums along an axis, and the sum of
a transposed matrix (Gᵀ 1, (Gᵀ ⊙ X̂ᵀ) 1) along the other axis of the matrix itself; every target writes
tr(Aᵀ Y) as sum(A ⊙ Y). XLA copies a transposed operand of a reduction or of an element-wise product
before it reduces: layer norm's gradient took 3× JAX's own at n = 1024 because of those copies.

Each case runs the emitted code in every target against an independent NumPy computation, and checks
the shape of the code (what it must and must not contain)."""
import re

import numpy as np
import pytest

import matcalc

rng = np.random.default_rng(20)
TARGETS = ["numpy", "jax", "torch"]

LAYERNORM = ("Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); "
             "L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))")
MLP = "H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)"


def run(source, target, fname, **args):
    """The emitted function called on NumPy inputs converted for its target; outputs as NumPy."""
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    if target == "torch":
        torch = pytest.importorskip("torch")
        args = {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, np.ndarray) else v for k, v in args.items()}
    elif target == "jax":
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
    value, grads = namespace[fname](**args)

    def as_numpy(a):
        return np.asarray(a.detach() if hasattr(a, "detach") else a)
    return float(as_numpy(value)), ({k: as_numpy(v) for k, v in grads.items()} if isinstance(grads, dict)
                                    else as_numpy(grads))


def body(source):
    """The function's code after its docstring."""
    return source.split('"""')[-1]


def layer_norm_reference(G, X, b, eps, g):
    """Ba et al.'s backward pass, written independently: the value and the gradients w.r.t. X, g, b."""
    mu = X.mean(axis=1, keepdims=True)
    sigma = np.sqrt(((X - mu) ** 2).mean(axis=1, keepdims=True) + eps)
    Xh = (X - mu) / sigma
    D = G * g
    dX = (D - D.mean(axis=1, keepdims=True) - Xh * (D * Xh).mean(axis=1, keepdims=True)) / sigma
    return np.sum(G * (Xh * g + b)), {"X": dX, "g": (G * Xh).sum(axis=0), "b": G.sum(axis=0)}


@pytest.mark.parametrize("target", TARGETS)
def test_layer_norm_gradients_without_transposes(target):
    source = matcalc.codegen(LAYERNORM, wrt=["X", "g", "b"], where={"eps": "scalar"}, target=target)
    code = body(source)
    if target != "numpy":
        assert ".T" not in code, code                           # no transposed operand anywhere
        sum_ = {"jax": "jnp.sum", "torch": "torch.sum"}[target]
        axis = {"jax": ", axis=", "torch": ", "}[target]
        assert f"{sum_}(G{axis}0)" in code, code               # ∂/∂b = Gᵀ 1: G's column sums
        assert re.search(rf"{re.escape(sum_)}\(G \* t\d+{axis}0\)", code), code    # ∂/∂g = (Gᵀ ⊙ X̂ᵀ) 1
        assert "ones(" not in code, code                        # no ones vector is built
    assert re.search(r"sum\(G \* \(|\(G \* \(.*\)\.sum\(\)", code), code          # tr(Gᵀ M) = sum(G ⊙ M)
    n, d = 6, 5
    args = {"G": rng.standard_normal((n, d)), "X": rng.standard_normal((n, d)) * 3 + 1e4,
            "b": rng.standard_normal(d), "eps": 1e-3, "g": rng.standard_normal(d)}
    value, grads = run(source, target, "f_and_gradients", **args)
    want_value, want = layer_norm_reference(**args)
    assert np.isclose(value, want_value, rtol=1e-8)
    for k in want:
        assert grads[k].shape == want[k].shape, k
        assert np.allclose(grads[k], want[k], rtol=1e-6, atol=1e-8), k


@pytest.mark.parametrize("target", TARGETS)
def test_mlp_bias_gradients_are_column_sums(target):
    source = matcalc.codegen(MLP, wrt=["W1", "b1", "W2", "b2"], target=target)
    code = body(source)
    if target != "numpy":
        sum_ = {"jax": "jnp.sum", "torch": "torch.sum"}[target]
        axis = {"jax": ", axis=", "torch": ", "}[target]
        assert len(re.findall(rf"'b[12]': \({re.escape(sum_)}\(t\d+{axis}0\)\)", code)) == 2, code
        assert "ones(" not in code and not re.search(r"sum\(t\d+\.T", code), code
    n, p, h, c = 7, 4, 5, 3
    X, W1, W2 = rng.standard_normal((n, p)), rng.standard_normal((p, h)), rng.standard_normal((h, c))
    b1, b2, Y = rng.standard_normal(h), rng.standard_normal(c), np.eye(c)[rng.integers(0, c, n)]
    value, grads = run(source, target, "f_and_gradients", W1=W1, W2=W2, X=X, Y=Y, b1=b1, b2=b2)
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    d2 = E / E.sum(axis=1, keepdims=True) - Y
    d1 = (d2 @ W2.T) * (1 - H ** 2)
    assert np.isclose(value, np.sum(m[:, 0] + np.log(E.sum(axis=1))) - np.sum(Y * Z), rtol=1e-10)
    want = {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": H.T @ d2, "b2": d2.sum(axis=0)}
    for k in want:
        assert grads[k].shape == want[k].shape, k
        assert np.allclose(grads[k], want[k], rtol=1e-8, atol=1e-10), k


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("text, reference", [
    # M 1 and 1ᵀ M of a transposed element-wise product, and of a plain one
    ("sum((A^T .* B^T) vector(1))", lambda A, B: np.sum(A * B)),
    ("vector(1)^T (A^T .* B^T) x", lambda A, B: (A * B).sum(axis=1) @ XV),
    ("y^T ((A^T .* B^T) vector(1))", lambda A, B: YV @ (A * B).sum(axis=0)),
    ("x^T ((A .* B) vector(1))", lambda A, B: XV @ (A * B).sum(axis=1)),
    ("tr(A^T B)", lambda A, B: np.trace(A.T @ B)),
    ("tr(A^T (B .* B))", lambda A, B: np.trace(A.T @ (B * B))),
])
def test_reductions_of_transposes_agree_with_numpy(target, text, reference):
    """The value, and the gradient w.r.t. A against central differences of the NumPy reference, of sums
    that contain transposes, at a non-square A (a sum along the wrong axis has the wrong shape)."""
    where = {"A": "m x n", "B": "m x n", "x": "m", "y": "n"}
    r = matcalc.grad(text, "A", where=where)
    assert r.check().status == "passed", r
    A, B = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    args = {k: v for k, v in {"A": A, "B": B, "x": XV, "y": YV}.items()
            if re.search(rf"\b{k}\b", text)}
    value, grad = run(r.to_code(target), target, "f_and_gradient", **args)
    assert np.isclose(value, reference(A, B), rtol=1e-10)
    assert grad.shape == A.shape
    assert np.allclose(grad, central_differences(lambda a: reference(a, B), A), rtol=1e-6, atol=1e-8)
    if target != "numpy":
        assert not re.search(r"sum\([^)]*\.T", body(r.to_code(target))), body(r.to_code(target))


XV, YV = rng.standard_normal(4), rng.standard_normal(3)


def central_differences(f, A, h=1e-6):
    out = np.zeros_like(A)
    for i in np.ndindex(A.shape):
        e = np.zeros_like(A)
        e[i] = h
        out[i] = (f(A + e) - f(A - e)) / (2 * h)
    return out


# ---- logsumexp and softmax of the same logits from one exp (NumPy and JAX) -----------------------
@pytest.mark.parametrize("target", TARGETS)
def test_softmax_cross_entropy_shares_one_exp(target):
    """A loss with logsumexp and its gradient with softmax of the same logits: NumPy and JAX compute both
    from one exp (a prelude helper; jax.grad's own backward pass reuses the exp the same way), stably
    for logits in the hundreds; PyTorch calls its own fused kernels."""
    r = matcalc.grad("sum(logsumexp(X W)) - sum(Y .* (X W))", "W",
                     where={"X": "n x p", "W": "p x c", "Y": "n x c onehot"}, check=False)
    source = r.to_code(target)
    if target in ("numpy", "jax"):
        assert re.search(r"t\d+, t\d+ = _logsumexp_softmax_rows\(", body(source)), source
        assert source.count("exp(") == 1, source                 # the helper's exp, none in the body
    X, W = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)) * 300
    Y = np.eye(3)[rng.integers(0, 3, 6)]
    value, grad = run(source, target, "f_and_gradient", X=X, W=W, Y=Y)
    Z = X @ W
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    assert np.isclose(value, np.sum(m[:, 0] + np.log(E.sum(axis=1))) - np.sum(Y * Z), rtol=1e-12)
    assert np.allclose(grad, X.T @ (E / E.sum(axis=1, keepdims=True) - Y), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
def test_vector_logsumexp_and_softmax_share_one_exp(target):
    r = matcalc.grad("logsumexp(A x + b) - y^T softmax(A x + b)", "x", check=False)
    source = r.to_code(target)
    if target in ("numpy", "jax"):
        assert re.search(r"t\d+, t\d+ = _logsumexp_softmax\(", body(source)), source
    A, x = rng.standard_normal((5, 3)), rng.standard_normal(3)
    b, y = rng.standard_normal(5) + 700.0, rng.standard_normal(5)       # e^700 overflows unshifted
    value, grad = run(source, target, "f_and_gradient", A=A, b=b, x=x, y=y)
    u = A @ x + b
    s = np.exp(u - u.max()) / np.exp(u - u.max()).sum()
    assert np.isclose(value, u.max() + np.log(np.exp(u - u.max()).sum()) - y @ s, rtol=1e-12)
    assert np.allclose(grad, A.T @ (s - s * y + s * (y @ s)), rtol=1e-8, atol=1e-10)


# ---- PyTorch: tanh's derivative times the error in one kernel -------------------------------------
@pytest.mark.parametrize("target", TARGETS)
def test_tanh_derivative_times_the_error(target):
    """M ⊙ (1 − tanh(u)²) is PyTorch's fused tanh_backward (the kernel its autograd runs; eager PyTorch
    would make three passes and three temporaries); the others write the product (XLA fuses it)."""
    r = matcalc.grad("||tanh(W x + b) - y||^2", "W", check=False)
    source = r.to_code(target)
    assert ("torch.ops.aten.tanh_backward(" in source) == (target == "torch"), source
    W, x, b, y = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal(4), rng.standard_normal(4)
    value, grad = run(source, target, "f_and_gradient", W=W, b=b, x=x, y=y)
    t = np.tanh(W @ x + b)
    assert np.isclose(value, np.sum((t - y) ** 2), rtol=1e-12)
    assert np.allclose(grad, np.outer(2 * (t - y) * (1 - t ** 2), x), rtol=1e-12, atol=1e-14)


def test_tanh_derivative_needed_twice_is_computed_once():
    """With the Hessian, 1 − tanh² is a shared temporary: it is computed once, not fused into one use."""
    source = body(matcalc.grad("||tanh(W x + b) - y||^2", "b", check=False).to_code("torch", hessian=True))
    assert "tanh_backward" not in source and source.count("1.0 - (t1 ** 2.0)") == 1, source


# ---- attention: the returned gradient keeps its orientation ---------------------------------------
@pytest.mark.parametrize("target", TARGETS)
def test_attention_returns_its_gradients_without_transposes(target):
    """∂/∂V = Aᵀ G is computed in that orientation and the value reads it (tr(Gᵀ A V) = sum((Aᵀ G) ⊙ V)):
    no gradient is returned as a transposed view (XLA would copy it), and V is not transposed for the value."""
    source = matcalc.codegen("tr(G^T softmax(Q K^T / s) V)", wrt=["Q", "K", "V"], where={"s": "scalar"},
                             target=target)
    code = body(source)
    returned = code[code.index("return"):]
    assert re.search(r"sum\(t\d+ \* V\)|\(t\d+ \* V\)\.sum\(\)", returned), code     # the value: sum((Aᵀ G) ⊙ V)
    assert re.search(r"'V': t\d+\}", returned), code                                  # ∂/∂V: that product itself
    n, m, d = 5, 6, 3
    G, Q = rng.standard_normal((n, d)), rng.standard_normal((n, d))
    K, V = rng.standard_normal((m, d)), rng.standard_normal((m, d))
    value, grads = run(source, target, "f_and_gradients", G=G, K=K, Q=Q, V=V, s=1.7)
    S = Q @ K.T / 1.7
    A = np.exp(S - S.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    dA = G @ V.T
    dS = A * (dA - (A * dA).sum(axis=1, keepdims=True)) / 1.7
    assert np.isclose(value, np.sum(G * (A @ V)), rtol=1e-12)
    want = {"Q": dS @ K, "K": dS.T @ Q, "V": A.T @ G}
    for k in want:
        assert grads[k].shape == want[k].shape and np.allclose(grads[k], want[k], rtol=1e-10, atol=1e-12), k
