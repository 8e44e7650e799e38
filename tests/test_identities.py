"""The seeds' identity tables (../shared/seeds), every row: printed closed form and numbers.

The seeds mix layouts: deck 001 writes gradients as rows (∂(aᵀx)/∂x = aᵀ, ∇‖Ax−b‖² = 2(Ax−b)ᵀA);
matcalc's layout gives the gradient the variable's shape, so those rows are tested transposed.
Deck 001 also misprints the symmetric case of xᵀAx as `2A xᵀ`; the correct gradient is 2 A x.
Each row's numbers are compared with an independent NumPy transcription of the closed form.
"""
import numpy as np
import pytest

import matcalc
from matcalc.check import sample_sizes, sample_value
from matcalc.numeric import evaluate

inv = np.linalg.inv
# (expression, wrt, declarations, expected text, NumPy closed form over the sampled values, source)
ROWS = [
    ("a^T x", "x", None, "a", lambda v: v["a"], "seed 000, 001 (row layout there: aᵀ)"),
    ("x^T A x", "x", None, "(A + A^T) x", lambda v: (v["A"] + v["A"].T) @ v["x"], "seed 000, 001"),
    ("x^T A x", "x", {"A": "n x n symmetric"}, "2 A x", lambda v: 2 * v["A"] @ v["x"],
     "seed 000; 001 misprints it as 2A xᵀ"),
    ("x^T x", "x", None, "2 x", lambda v: 2 * v["x"], "seed 000 (‖x‖²)"),
    ("||x||^2", "x", None, "2 x", lambda v: 2 * v["x"], "seed 000"),
    ("||A x - b||^2", "x", None, "2 A^T (A x - b)", lambda v: 2 * v["A"].T @ (v["A"] @ v["x"] - v["b"]),
     "seed 000; 001 row layout 2(Ax − b)ᵀA"),
    ("log det A", "A", None, "A^-T", lambda v: inv(v["A"]).T, "seed 001, (A⁻¹)ᵀ"),
    ("log det A", "A", {"A": "n x n spd"}, "A^-1", lambda v: inv(v["A"]), "seed 001 (A ≻ 0)"),
    ("tr(A B)", "A", None, "B^T", lambda v: v["B"].T, "seed 001"),
    ("x^T Σ^-1 x", "x", None, "(Σ^-1 + Σ^-T) x", lambda v: (inv(v["Σ"]) + inv(v["Σ"]).T) @ v["x"],
     "seed 001 (Gaussians)"),
    ("x^T Σ^-1 x", "x", {"Σ": "n x n spd"}, "2 Σ^-1 x", lambda v: 2 * inv(v["Σ"]) @ v["x"], "seed 001"),
    ("logsumexp(x)", "x", None, "softmax(x)", lambda v: np.exp(v["x"]) / np.exp(v["x"]).sum(), "seed 001"),
    # METHOD.md §2 worked examples
    ("tr(A X B)", "X", None, "A^T B^T", lambda v: v["A"].T @ v["B"].T, "METHOD §2"),
    ("log det X", "X", None, "X^-T", lambda v: inv(v["X"]).T, "METHOD §2"),
    ("tr(X^-1 A)", "X", None, "-X^-T A^T X^-T", lambda v: -inv(v["X"]).T @ v["A"].T @ inv(v["X"]).T,
     "METHOD §2"),
    ("sum(log(1 + exp(-y .* (X w))))", "w", None, "-X^T (y .* sigmoid(-(y .* (X w))))",
     lambda v: -v["X"].T @ (v["y"] / (1 + np.exp(v["y"] * (v["X"] @ v["w"])))), "METHOD §2, logistic"),
    ("sum(log(1 + exp(X w))) - y^T X w", "w", None, "X^T (sigmoid(X w) - y)",
     lambda v: v["X"].T @ (1 / (1 + np.exp(-v["X"] @ v["w"])) - v["y"]), "logistic, 0/1 labels"),
    ("1/2 x^T A x - b^T x", "x", None, "1/2 (A + A^T) x - b", lambda v: (v["A"] + v["A"].T) @ v["x"] / 2 - v["b"],
     "quadratic model"),
    ("||X - U V^T||_F^2", "U", None, "-2 (X - U V^T) V", lambda v: -2 * (v["X"] - v["U"] @ v["V"].T) @ v["V"],
     "matrix factorization"),
]


def sample(f, seed=1):
    rng = np.random.default_rng(seed)
    from matcalc.check import dim_symbols
    sizes = sample_sizes(dim_symbols([f]), rng)
    variables = {v for v in f.free}
    env = {v: sample_value(v, sizes, rng, "plain") for v in variables}
    return env, sizes


@pytest.mark.parametrize("text, wrt, where, expected, closed_form, source", ROWS, ids=[f"{r[0]} d{r[1]}" for r in ROWS])
def test_identity(text, wrt, where, expected, closed_form, source):
    result = matcalc.grad(text, wrt, where=where)
    assert str(result) == expected
    assert result.check().passed, result.check()
    assert result.shape == result.wrt.shape
    env, sizes = sample(result.function)
    got = evaluate(result.expr, env, sizes)
    want = closed_form({v.name: a for v, a in env.items()})
    assert np.allclose(got, want, rtol=1e-9, atol=1e-12)
    again = matcalc.parse(str(result), where)
    assert np.allclose(evaluate(again, {v: env[w] for v in again.free for w in env if w.name == v.name}, sizes), want)


def test_to_numpy_contract():
    f = matcalc.grad("||A x - b||^2 + lambda ||x||^2", "x").to_numpy()
    rng = np.random.default_rng(0)
    A, b, x = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)
    g = f(A=A, b=b, x=x, **{"lambda": 0.5}, unused=1.0)
    assert g.shape == (3,)
    assert np.allclose(g, 2 * A.T @ (A @ x - b) + x)
    assert isinstance(matcalc.grad("c^2", "c").to_numpy()(c=3.0), float)


def test_scalar_factor_out_of_an_inverse():
    from matcalc.simplify import simplify
    where = {"c": "scalar"}
    assert str(simplify(matcalc.parse("(c A)^-1 (c A)", where))) == "I"
    r = matcalc.grad("tr((c X)^-1)", "X", where=where)
    assert str(r) == "-(X^-2)^T / c" and r.check().passed
