"""RMS norm (Zhang & Sennrich 2019) read as its own nodes (ops/rms_norm.py): r = sqrt(mean_rows(X .* X) + eps)
and X̂ = X ./ (r 1^T). Checked against an independent NumPy RMS norm and its backward pass written from the
paper, by finite differences, in every code target, and in print (text and LaTeX read back)."""
import numpy as np
import pytest

import matcalc
from matcalc import expr as E

rng = np.random.default_rng(2019)
EPS = {"eps": "scalar"}
RMS = "r = sqrt(mean_rows(X .* X) + eps); L = tr(G^T ((X ./ (r 1^T)) .* (1 g^T)))"
WHERE = {"X": "n x p", "G": "n x p", "eps": "scalar", "g": "p"}


def rms_norm(X, G, eps, g):
    """The layer's output paired with G: sum(G ⊙ (X / rms(X) · g)), rows are samples."""
    r = np.sqrt(np.mean(X ** 2, axis=1, keepdims=True) + eps)
    return np.sum(G * (X / r * g))


def rms_norm_backward(X, G, eps, g):
    """The paper's backward pass, written independently: D = G g, ∂L/∂X = (D − X̂ mean(D X̂)) / r."""
    r = np.sqrt(np.mean(X ** 2, axis=1, keepdims=True) + eps)
    Xh, D = X / r, G * g
    return (D - Xh * np.mean(D * Xh, axis=1, keepdims=True)) / r


def finite_difference(f, x, d, h=1e-5):
    return (f(x + h * d) - f(x - h * d)) / (2 * h)


# ---- reading and printing ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind", [
    ("sqrt(mean_rows(X .* X) + eps)", "RmsRows"),
    ("sqrt(mean_rows(X.^2) + eps)", "RmsRows"),
    ("sqrt(mean_rows(X .* X))", "RmsRows"),
    ("sqrt(mean_cols(X .* X) + eps)", "RmsCols"),
    ("X ./ (sqrt(mean_rows(X .* X) + eps) 1^T)", "RmsNormalizeRows"),
    ("X ./ (sqrt(mean_rows(X.^2) + eps) * 1^T)", "RmsNormalizeRows"),
    ("X ./ (1 sqrt(mean_cols(X .* X) + eps))", "RmsNormalizeCols"),
    ("(X W + 1 b^T) ./ (sqrt(mean_rows((X W + 1 b^T).^2) + eps) 1^T)", "RmsNormalizeRows"),
])
def test_the_spellings_of_rms_norm_are_read_as_its_nodes_and_print_back(text, kind):
    e = matcalc.parse(text, where=EPS)
    assert type(e).__name__ == kind, (text, e)
    assert matcalc.parse(str(e), where=EPS) is e
    assert matcalc.parse(e.latex(), where=EPS) is e
    assert "mean_rows" in str(e) or "mean_cols" in str(e)


def test_the_definition_is_substituted_and_read():
    e = matcalc.parse("r = sqrt(mean_rows(X .* X) + eps); L = X ./ (r 1^T)", where=EPS)
    assert type(e) is E.RmsNormalizeRows and type(e.scale) is E.RmsRows and e.scale.arg is e.arg


def test_what_is_not_rms_norm_stays_as_written():
    """Another X, a variance (layer norm's σ, read first), a vector (the mean of all entries), a scale
    that is not an RMS: no RMS node."""
    for text in ["sqrt(var_rows(X) + eps)", "x / sqrt(mean(x.^2) + eps)", "X ./ (s 1^T)",
                 "sqrt(mean_rows(X .* Y) + eps)"]:
        e = matcalc.parse(text, where=EPS)
        assert not any(type(n).__name__.startswith("Rms") for n in E.nodes(e)), (text, e)
    other = matcalc.parse("Y ./ (sqrt(mean_rows(X .* X) + eps) 1^T)", where=EPS)     # r of X, but Y scaled
    assert type(other) is E.Hadamard and type(other.factors[1].base.factors[0]) is E.RmsRows
    assert type(matcalc.parse("sqrt(var_rows(X) + eps)", where=EPS)) is E.StdRows


def test_the_backward_pass_is_the_papers():
    """(D − X̂ ⊙ (mean_rows(D ⊙ X̂) 1ᵀ)) ./ (r 1ᵀ) with r and X̂ named, no mean of squares expanded."""
    r = matcalc.grad(RMS, "X", where=WHERE)
    text = r.pretty()
    assert text.endswith("where r = sqrt(mean_rows(X.^2) + eps), Xh = X ./ (r 1^T)"), text
    assert text.count("sqrt") == 1 and text.count("X.^2") == 1, text
    assert r.check().status == "passed"
    latex = r.pretty(latex=True)
    assert r"\operatorname{mean}_{\text{row}}" in latex and r"\oslash" in latex
    from matcalc.simplify import simplify
    assert simplify(matcalc.parse(r.expr.latex(), where=WHERE)) is simplify(r.expr)    # the answer reads back
    assert simplify(matcalc.parse(str(r.expr), where=WHERE)) is simplify(r.expr)


@pytest.mark.parametrize("wrt", ["X", "g", "eps"])
def test_gradients_agree_with_an_independent_numpy_rms_norm(wrt):
    values = {"X": rng.standard_normal((6, 4)), "G": rng.standard_normal((6, 4)), "eps": 1e-2,
              "g": rng.standard_normal(4)}
    r = matcalc.grad(RMS, wrt, where=WHERE)
    assert r.check().status == "passed", r
    got = np.asarray(r.to_numpy()(**values), dtype=float)
    if wrt == "X":
        assert np.allclose(got, rms_norm_backward(**values), rtol=1e-10, atol=1e-12)
    D = rng.standard_normal(np.shape(values[wrt]))
    fd = finite_difference(lambda V: rms_norm(**{**values, wrt: V}), values[wrt], D)
    assert np.isclose(np.sum(got * D), fd, rtol=1e-6, atol=1e-8), (str(r), np.sum(got * D), fd)


def test_column_wise_rms_norm_agrees_with_numpy():
    X, G = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    r = matcalc.grad("tr(G^T (X ./ (1 sqrt(mean_cols(X .* X) + eps))))", "X", where=EPS)
    assert r.check().status == "passed"
    got = r.to_numpy()(X=X, G=G, eps=0.1)
    want = rms_norm_backward(X.T, G.T, 0.1, 1.0).T
    assert np.allclose(got, want, rtol=1e-10)


def test_the_hessian_through_rms_norm_is_checked():
    r = matcalc.hessian("sum(sqrt(mean_rows(X .* X) + eps))", "X", where=EPS)
    assert r.check().status == "passed", r


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_generated_code_in_every_target_agrees_with_numpy(target):
    """Large and tiny rows (1e4 and 1e-4 scales): the code divides by the per-row RMS, as the reference."""
    r = matcalc.grad(RMS, "X", where=WHERE, check=False)
    namespace = {}
    exec(r.to_code(target), namespace)
    X = rng.standard_normal((7, 5)) * np.array([[1e4], [1e-4], [1], [3], [1e4], [1], [2]])
    G, g = rng.standard_normal((7, 5)), rng.standard_normal(5)
    args = {"X": X, "G": G, "eps": 1e-6, "g": g}
    if target == "torch":
        import torch
        args = {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, np.ndarray) else v for k, v in args.items()}
    elif target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    value, grad = namespace["f_and_gradient"](**args)
    grad = np.asarray(grad.detach() if hasattr(grad, "detach") else grad)
    assert np.isclose(float(value), rms_norm(X, G, 1e-6, g), rtol=1e-10)
    want = rms_norm_backward(X, G, 1e-6, g)
    assert np.allclose(grad, want, rtol=1e-8, atol=1e-12 * np.abs(want).max())


def test_sympy_knows_the_definitions():
    """The SymPy matrix of X̂ is its definition, entry by entry (2×3, at a random point)."""
    from matcalc.sympy_bridge import to_sympy
    e = matcalc.parse("X ./ (sqrt(mean_rows(X .* X) + eps) 1^T)", where={"eps": "scalar", "X": "2 x 3"})
    got = to_sympy(e).as_explicit()
    X, eps = rng.standard_normal((2, 3)), 0.3
    import sympy as sp
    symbols = {str(s): s for s in got.free_symbols}
    point = got.subs({symbols["X"]: sp.Matrix(X), symbols["eps"]: eps}).doit()
    want = X / np.sqrt(np.mean(X ** 2, axis=1, keepdims=True) + eps)
    assert np.allclose(np.array(point, dtype=float), want, rtol=1e-12)
