"""Batched models (issue 20): row-wise softmax and logsumexp of a matrix, checked against independent
NumPy implementations (written here, not matcalc's) and finite differences, in the generated NumPy,
JAX and PyTorch code as well as through matcalc's own numerical check."""
import re

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.parse import parse_full

rng = np.random.default_rng(20)


def softmax_rows(Z):
    W = np.exp(Z - Z.max(axis=1, keepdims=True))
    return W / W.sum(axis=1, keepdims=True)


def logsumexp_rows(Z):
    return np.log(np.exp(Z).sum(axis=1))


def finite_difference(f, X, D, t=1e-6):
    return (f(X + t * D) - f(X - t * D)) / (2 * t)


def gradient_matches(text, wrt, where, values, reference):
    """matcalc's gradient: its own check passes, and the generated NumPy code agrees with a finite
    difference of the independent `reference` along a random direction."""
    result = matcalc.grad(text, wrt, where=where)
    assert result.check().status == "passed", result
    G = result.to_numpy()(**values)
    D = rng.standard_normal(values[wrt].shape)
    fd = finite_difference(lambda V: reference(**{**values, wrt: V}), values[wrt], D)
    assert np.isclose(np.sum(G * D), fd, rtol=1e-6, atol=1e-8), (str(result), np.sum(G * D), fd)
    return result


# ---- reading --------------------------------------------------------------------------------------
def test_softmax_of_a_matrix_is_row_wise_with_a_note():
    parsed = parse_full("softmax(X W)")
    assert type(parsed.expr) is E.SoftmaxRows
    assert any("row-wise" in n and "softmax_cols" in n for n in parsed.notes), parsed.notes
    assert type(matcalc.parse("logsumexp(X W)")) is E.LogSumExpRows
    assert matcalc.parse("logsumexp(X W)").shape[1] == 1


def test_softmax_of_a_vector_is_unchanged():
    assert type(matcalc.parse("softmax(W x)")) is E.Softmax
    assert type(matcalc.parse("logsumexp(x)")) is E.LogSumExp
    assert not [n for n in parse_full("softmax(W x)").notes if "row-wise" in n]


def test_column_wise_spellings_are_the_transposes():
    Z = matcalc.parse("softmax_cols(Z)")
    assert Z == E.Transpose(E.SoftmaxRows(E.Transpose(Z.arg.arg.arg)))
    assert matcalc.parse("logsumexp_cols(Z)") == E.LogSumExpRows(E.Transpose(Z.arg.arg.arg))
    assert str(matcalc.parse("softmax_rows(Z)")) == "softmax_rows(Z)"


# ---- values ---------------------------------------------------------------------------------------
def test_values_agree_with_numpy_and_are_stable():
    from matcalc import numeric
    Z = E.Var("Z", ("n", "c"), ())
    big = rng.standard_normal((4, 3)) * 400          # exp overflows without the max shift
    S = numeric.evaluate(E.SoftmaxRows(Z), {Z: big}, {"n": 4, "c": 3})
    assert np.allclose(S, softmax_rows(big)) and np.all(np.isfinite(S))
    L = numeric.evaluate(E.LogSumExpRows(Z), {Z: big}, {"n": 4, "c": 3})
    m = big.max(axis=1)
    assert np.allclose(L[:, 0], m + np.log(np.exp(big - m[:, None]).sum(axis=1)))
    small = rng.standard_normal((4, 3))
    assert np.allclose(numeric.evaluate(E.LogSumExpRows(Z), {Z: small}, {"n": 4, "c": 3})[:, 0],
                       logsumexp_rows(small))


# ---- gradients ------------------------------------------------------------------------------------
N, P, C, D = 6, 4, 3, 5
X, W = rng.standard_normal((N, P)), rng.standard_normal((P, C))
Y = np.eye(C)[rng.integers(0, C, N)]                      # one-hot labels, a row per sample
LOSS_WHERE = {"X": "n x p", "W": "p x c", "Y": "n x c"}


def cross_entropy(X, W, Y):
    return -np.sum(Y * np.log(softmax_rows(X @ W)))


def test_softmax_cross_entropy():
    r = gradient_matches("-sum(Y .* log(softmax(X W)))", "W", LOSS_WHERE, {"X": X, "W": W, "Y": Y}, cross_entropy)
    # Y's rows are not known to sum to 1, so the row sums Y 1 stay: Xᵀ((Y 1 1ᵀ) ⊙ S − Y)
    assert str(r.expr).startswith("X^T (") and "softmax_rows(X W)" in str(r)


def test_softmax_cross_entropy_with_one_hot_labels_is_the_textbook_form():
    """Y declared onehot: its rows sum to 1, Y 1 = 1, and the gradient is Xᵀ(S − Y)."""
    where = {**LOSS_WHERE, "Y": "n x c onehot"}
    r = gradient_matches("-sum(Y .* log(softmax(X W)))", "W", where, {"X": X, "W": W, "Y": Y}, cross_entropy)
    assert str(r.expr) == "X^T (softmax_rows(X W) - Y)"
    r = gradient_matches("-sum(Y .* log(softmax(X W)))", "X", where, {"X": X, "W": W, "Y": Y}, cross_entropy)
    assert str(r.expr) == "(softmax_rows(X W) - Y) W^T"
    assert matcalc.grad("-sum(Y .* log(softmax(X W)))", "Y", where=where).check().status == "passed"


def test_onehot_is_a_matrix_property():
    from matcalc.errors import DeclarationError
    with pytest.raises(DeclarationError, match="onehot needs a matrix"):
        matcalc.parse("y", where={"y": "n onehot"})


def test_cross_entropy_through_logsumexp_is_the_textbook_form():
    r = gradient_matches("sum(logsumexp(X W)) - sum(Y .* (X W))", "W", LOSS_WHERE, {"X": X, "W": W, "Y": Y},
                         lambda X, W, Y: np.sum(logsumexp_rows(X @ W)) - np.sum(Y * (X @ W)))
    assert str(r.expr) == "X^T (softmax_rows(X W) - Y)"


Q, K, V, G = (rng.standard_normal((N, D)), rng.standard_normal((N + 1, D)), rng.standard_normal((N + 1, C)),
              rng.standard_normal((N, C)))
ATT_WHERE = {"Q": "n x d", "K": "m x d", "V": "m x c", "G": "n x c", "s": "scalar"}


def attention(Q, K, V, G, s):
    return np.sum(G * (softmax_rows(Q @ K.T / s) @ V))


@pytest.mark.parametrize("wrt", ["Q", "K", "V"])
def test_attention_gradients(wrt):
    r = gradient_matches("tr(G^T softmax(Q K^T / s) V)", wrt, ATT_WHERE,
                         {"Q": Q, "K": K, "V": V, "G": G, "s": np.sqrt(D)}, attention)
    assert "where A = softmax_rows(Q K^T / s)" in r.pretty()      # the attention matrix, named A


@pytest.mark.parametrize("wrt", ["Wq", "Wk", "Wv"])
def test_attention_projections(wrt):
    Xa = rng.standard_normal((N, P))
    values = {"X": Xa, "Wq": rng.standard_normal((P, D)), "Wk": rng.standard_normal((P, D)),
              "Wv": rng.standard_normal((P, C)), "G": G, "s": np.sqrt(D)}

    def reference(X, Wq, Wk, Wv, G, s):
        return np.sum(G * (softmax_rows(X @ Wq @ (X @ Wk).T / s) @ X @ Wv))
    gradient_matches("tr(G^T softmax(X Wq Wk^T X^T / s) X Wv)", wrt,
                     {"X": "n x p", "Wq": "p x d", "Wk": "p x d", "Wv": "p x c", "G": "n x c", "s": "scalar"},
                     values, reference)


def test_jacobian_of_row_softmax():
    r = matcalc.jacobian("softmax(Z)", "Z", where={"Z": "n x c"})
    assert r.check().status == "passed"


# ---- generated code in every target ---------------------------------------------------------------
@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_generated_code_is_stable_in_every_target(target):
    r = matcalc.grad("sum(logsumexp(X W)) - sum(Y .* (X W))", "W", where=LOSS_WHERE, check=False)
    source = r.to_code(target)
    namespace = {}
    exec(source, namespace)
    big = W * 300                                          # logits in the hundreds: exp overflows unshifted
    args = {"X": X, "W": big, "Y": Y}
    if target == "torch":
        import torch
        args = {k: torch.tensor(v, dtype=torch.float64) for k, v in args.items()}
    elif target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    value, grad = namespace["f_and_gradient"](**args)
    grad = np.asarray(grad)
    Z = X @ big
    m = Z.max(axis=1)
    want = np.sum(m + np.log(np.exp(Z - m[:, None]).sum(axis=1))) - np.sum(Y * Z)
    assert np.isclose(float(value), want, rtol=1e-10)
    assert np.allclose(grad, X.T @ (softmax_rows(Z) - Y), atol=1e-9) and np.all(np.isfinite(grad))


# ---- LaTeX ----------------------------------------------------------------------------------------
def test_latex_is_explicit_and_reads_back():
    e = matcalc.parse("softmax(X W) + exp(Z)")
    from matcalc.printers.latex import to_latex
    tex = to_latex(e)
    assert r"\operatorname{softmax}_{\text{row}}" in tex
    assert matcalc.parse(tex) is e
    lse = matcalc.parse("logsumexp(X W)")
    assert matcalc.parse(to_latex(lse)) is lse


# ---- means and variances --------------------------------------------------------------------------
def test_a_count_is_the_sum_of_the_ones_vector():
    """1ᵀ1 = sum(1) = n, the count as mean(x) writes it (the size n); the check samples the true size."""
    r = matcalc.grad("mean(x)", "x")
    assert str(r.expr) == "vector(1) / n" and r.check().status == "passed"
    r = matcalc.grad("tr(G^T (X - 1 mean_cols(X)))", "X", where={"X": "n x c", "G": "n x c"})
    assert str(r.expr) == "G - vector(1) vector(1)^T G / n" and r.check().status == "passed"


@pytest.mark.parametrize("text, reference", [
    ("mean(x)", lambda x: np.mean(x)),
    ("var(x)", lambda x: np.var(x)),
    ("mean(X)", lambda X: np.mean(X)),
    ("var(X)", lambda X: np.var(X)),
    ("sum(mean_rows(X) .* mean_rows(X))", lambda X: np.sum(X.mean(axis=1) ** 2)),
    ("sum(var_rows(X))", lambda X: np.sum(X.var(axis=1))),
    ("sum(exp(mean_cols(X)))", lambda X: np.sum(np.exp(X.mean(axis=0)))),
    ("sum(var_cols(X) .* var_cols(X))", lambda X: np.sum(X.var(axis=0) ** 2)),
])
def test_means_and_variances_agree_with_numpy(text, reference):
    wrt = "x" if re.search(r"\bx\b", text) else "X"
    value = rng.standard_normal((5, 1) if wrt == "x" else (5, 3))
    where = {"x": "n"} if wrt == "x" else {"X": "n x c"}
    args = {wrt: value[:, 0] if wrt == "x" else value}
    r = gradient_matches(text, wrt, where, args, lambda **kw: reference(kw[wrt]))
    source = r.to_code("numpy")
    namespace = {}
    exec(source, namespace)
    assert np.isclose(namespace["f_and_gradient"](**args)[0], reference(args[wrt]))


def test_mean_cols_is_a_row_that_centres_the_data():
    e = matcalc.parse("X - 1 mean_cols(X)", where={"X": "n x c"})
    assert matcalc.parse("mean_cols(X)", where={"X": "n x c"}).shape == (1, "c") and e.shape == ("n", "c")


# ---- the layers -----------------------------------------------------------------------------------
EPS = 1e-3
XN = rng.standard_normal((N, P))
GN = rng.standard_normal((N, P))
NORM_WHERE = {"X": "n x p", "G": "n x p", "eps": "scalar", "g": "p", "b": "p"}


def layer_norm(X, G, eps, g, b):
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return np.sum(G * ((X - mu) / np.sqrt(var + eps) * g + b))


def batch_norm(X, G, eps, g, b):
    mu = X.mean(axis=0, keepdims=True)
    var = X.var(axis=0, keepdims=True)
    return np.sum(G * ((X - mu) / np.sqrt(var + eps) * g + b))


def rms_norm(X, G, eps, g, b):
    return np.sum(G * (X / np.sqrt((X ** 2).mean(axis=1, keepdims=True) + eps) * g))


LAYERS = {
    "layer norm": ("Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); "
                   "L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))", layer_norm),
    "batch norm": ("Xh = (X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X) + eps)); "
                   "L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))", batch_norm),
    "rms norm": ("r = sqrt(mean_rows(X .* X) + eps); L = tr(G^T ((X ./ (r 1^T)) .* (1 g^T)))", rms_norm),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("wrt", ["X", "g"])
def test_normalisation_layers(layer, wrt):
    text, reference = LAYERS[layer]
    values = {"X": XN, "G": GN, "eps": EPS, "g": rng.standard_normal(P), "b": rng.standard_normal(P)}
    if "b^T" not in text:
        values.pop("b")
        ref = reference
        reference = lambda **kw: ref(b=0.0, **kw)            # noqa: E731
    gradient_matches(text, wrt, {k: v for k, v in NORM_WHERE.items() if k in values}, values, reference)


def test_mlp_on_a_batch_with_biases():
    values = {"X": XN, "W1": rng.standard_normal((P, D)), "b1": rng.standard_normal(D),
              "W2": rng.standard_normal((D, C)), "b2": rng.standard_normal(C), "Y": Y}

    def reference(X, W1, b1, W2, b2, Y):
        H = np.tanh(X @ W1 + b1)
        return np.sum(logsumexp_rows(H @ W2 + b2)) - np.sum(Y * (H @ W2 + b2))
    where = {"X": "n x p", "W1": "p x d", "b1": "d", "W2": "d x c", "b2": "c", "Y": "n x c"}
    text = "H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)"
    for wrt in ("W1", "b1", "W2", "b2"):
        gradient_matches(text, wrt, where, values, reference)


def test_multiclass_logistic_regression_hessian():
    """The Hessian of the softmax cross-entropy w.r.t. W, against a finite difference of the gradient."""
    r = matcalc.hessian("sum(logsumexp(X W)) - sum(Y .* (X W))", "W", where=LOSS_WHERE)
    assert r.check().status == "passed", r


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_generated_code_of_a_variance_in_every_target(target):
    """The variance is computed with the mean subtracted (its definition), the size read from a shape."""
    r = matcalc.grad("sum(var_rows(X W))", "W", where={"X": "n x p", "W": "p x c"}, check=False)
    namespace = {}
    exec(r.to_code(target), namespace)
    Xv, Wv = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)) + 1e4     # a large common offset
    args = {"X": Xv, "W": Wv}
    if target == "torch":
        import torch
        args = {k: torch.tensor(v, dtype=torch.float64) for k, v in args.items()}
    elif target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    value, grad = namespace["f_and_gradient"](**args)
    Z = Xv @ Wv
    assert np.isclose(float(value), np.sum(Z.var(axis=1)), rtol=1e-8)
    want = 2 * Xv.T @ (Z - Z.mean(axis=1, keepdims=True)) / 3
    assert np.allclose(np.asarray(grad), want, rtol=1e-6, atol=1e-6 * np.abs(want).max())
