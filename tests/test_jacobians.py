"""Jacobians, Hessians, mixed second derivatives, differentials, directional derivatives, HVPs."""
import numpy as np
import pytest

import matcalc
from matcalc.numeric import evaluate
from test_identities import sample

inv = np.linalg.inv


def sig(u):
    return 1 / (1 + np.exp(-u))


def kron(a, b):
    return np.kron(a, b)


def sm(x):
    e = np.exp(x - x.max())
    return e / e.sum()


JACOBIANS = [
    ("A x", "x", "A", lambda v: v["A"]),
    ("x .* x", "x", "diag(2 x)", lambda v: np.diag(2 * v["x"][:, 0])),
    ("sigmoid(x)", "x", "diag(sigmoid(x) .* (1 - sigmoid(x)))",
     lambda v: np.diag((sig(v["x"]) * (1 - sig(v["x"])))[:, 0])),
    ("softmax(x)", "x", "diag(softmax(x)) - softmax(x) softmax(x)^T",
     lambda v: np.diag(sm(v["x"])[:, 0]) - sm(v["x"]) @ sm(v["x"]).T),
    ("A tanh(x)", "x", "A diag(1 - tanh(x).^2)", lambda v: v["A"] @ np.diag(1 - np.tanh(v["x"][:, 0]) ** 2)),
    ("exp(x) / sum(exp(x))", "x", None, lambda v: np.diag(sm(v["x"])[:, 0]) - sm(v["x"]) @ sm(v["x"]).T),
    ("W2 tanh(W1 x + b1)", "x", "W2 diag(1 - tanh(W1 x + b1).^2) W1",
     lambda v: v["W2"] @ np.diag(1 - np.tanh(v["W1"] @ v["x"] + v["b1"])[:, 0] ** 2) @ v["W1"]),
    ("W2 tanh(W1 x + b1)", "b1", "W2 diag(1 - tanh(W1 x + b1).^2)",
     lambda v: v["W2"] @ np.diag(1 - np.tanh(v["W1"] @ v["x"] + v["b1"])[:, 0] ** 2)),
    ("A X B", "X", "B^T ⊗ A", lambda v: kron(v["B"].T, v["A"])),
    ("X^{-1}", "X", "-(X^-T ⊗ X^-1)", lambda v: -kron(inv(v["X"]).T, inv(v["X"]))),
    ("W x", "W", "x^T ⊗ eye(m)", lambda v: kron(v["x"].T, np.eye(v["W"].shape[0]))),
    ("(x^T x) x", "x", "2 x x^T + (x^T x) I", lambda v: 2 * v["x"] @ v["x"].T + (v["x"].T @ v["x"]) * np.eye(len(v["x"]))),
    ("X^T X", "X", None, None),
]


@pytest.mark.parametrize("text, wrt, expected, closed", JACOBIANS, ids=[f"{r[0]} d{r[1]}" for r in JACOBIANS])
def test_jacobian(text, wrt, expected, closed):
    r = matcalc.jacobian(text, wrt)
    assert r.check().passed, r.check()
    if expected is not None:
        assert str(r) == expected
    env, sizes = sample(r.function)
    got = evaluate(r.expr, env, sizes)
    f_size = evaluate(r.function, env, sizes).size
    assert got.shape == (f_size, env[r.wrt].size)
    if closed is not None:
        assert np.allclose(got, closed({v.name: a for v, a in env.items()}))


def test_softmax_jacobian_names_s():
    r = matcalc.jacobian("softmax(x)", "x")
    assert r.pretty() == "diag(s) - s s^T  where s = softmax(x)"
    assert r.pretty(latex=True).startswith(r"\operatorname{diag}\mathopen{}\left(s\right)\mathclose{} - s s^{\top}")
    assert matcalc.parse(str(r)) is not None          # str() stays one parseable expression


HESSIANS = [
    ("x^T A x", "x", None, "A + A^T", lambda v: v["A"] + v["A"].T),
    ("x^T A x", "x", {"A": "n x n symmetric"}, "2 A", lambda v: 2 * v["A"]),
    ("||A x - b||^2", "x", None, "2 A^T A", lambda v: 2 * v["A"].T @ v["A"]),
    ("sum(log(1 + exp(X w))) - y^T X w", "w", None, "X^T diag(sigmoid(X w) .* (1 - sigmoid(X w))) X",
     lambda v: v["X"].T @ np.diag((sig(v["X"] @ v["w"]) * (1 - sig(v["X"] @ v["w"])))[:, 0]) @ v["X"]),
    ("sum(log(1 + exp(-y .* (X w))))", "w", None, None,
     lambda v: v["X"].T @ np.diag((v["y"] ** 2 * sig(-v["y"] * (v["X"] @ v["w"]))
                                   * (1 - sig(-v["y"] * (v["X"] @ v["w"]))))[:, 0]) @ v["X"]),
    ("logsumexp(x)", "x", None, "diag(softmax(x)) - softmax(x) softmax(x)^T",
     lambda v: np.diag(sm(v["x"])[:, 0]) - sm(v["x"]) @ sm(v["x"]).T),
    ("x^T A x / x^T x", "x", None, None, None),
    ("1/2 (x - mu)^T Σ^-1 (x - mu) + 1/2 log det Σ", "mu", {"Σ": "n x n spd"}, "Σ^-1", lambda v: inv(v["Σ"])),
    ("tr(X^T A X)", "X", None, "eye(n) ⊗ (A + A^T)", lambda v: kron(np.eye(v["X"].shape[1]), v["A"] + v["A"].T)),
    ("||X - U V^T||_F^2", "U", None, "2 (V^T V ⊗ eye(m))", lambda v: 2 * kron(v["V"].T @ v["V"], np.eye(v["U"].shape[0]))),
]


@pytest.mark.parametrize("text, wrt, where, expected, closed", HESSIANS, ids=[f"{r[0]} d{r[1]}" for r in HESSIANS])
def test_hessian(text, wrt, where, expected, closed):
    r = matcalc.hessian(text, wrt, where=where)
    assert r.check().passed, r.check()
    if expected is not None:
        assert str(r) == expected
    env, sizes = sample(r.function)
    H = evaluate(r.expr, env, sizes)
    assert np.allclose(H, H.T, atol=1e-9 * (1 + np.abs(H).max()))
    if closed is not None:
        assert np.allclose(H, closed({v.name: a for v, a in env.items()}))


def test_logistic_pm1_labels_keep_y_squared():
    # y ⊙ y drops out only when y really is ±1 (METHOD §5); for general y it must stay
    r = matcalc.hessian("sum(log(1 + exp(-y .* (X w))))", "w")
    assert "y.^2" in str(r) and r.check().passed


def test_mixed_second_derivative():
    r = matcalc.hessian("x^T A y", "x", wrt2="y")
    assert str(r) == "A" and r.check().passed
    r = matcalc.hessian("x^T A y + (a^T x)^2 (b^T y)", "x", wrt2="y")
    assert r.check().passed


def test_structured_variables_act_on_their_directions():
    """Issue 16: J P and P H P with P the projector onto the variable's space (tests/test_structured_derivatives.py)."""
    J = matcalc.jacobian("X a", "X", where={"X": "n x n symmetric"})
    assert str(J) == "1/2 (a^T ⊗ eye(n)) (I + commutation(n, n))" and J.report.passed
    assert any("symmetric" in note for note in J.notes)
    H = matcalc.hessian("tr(X^T X)", "X", where={"X": "n x n diagonal"})
    assert H.report.passed and any("diagonal" in note for note in H.notes)


def test_differential_directional_hvp():
    assert str(matcalc.differential("||A x - b||^2", "x")) == "df = tr((2 A^T (A x - b))^T dx)"
    assert str(matcalc.differential("A X B", "X")) == "d vec F = (B^T ⊗ A) d vec(X)"
    d = matcalc.directional("x^T A x", "x", "v")
    assert str(d) == "v^T (A + A^T) x" and d.check().passed
    h = matcalc.hvp("x^T A x", "x", "v")
    assert str(h) == "(A + A^T) v" and h.check().passed
    h = matcalc.hvp("||A x - b||^2", "x", "v")
    assert str(h) == "2 A^T A v" and h.check().passed


def test_diag_is_not_materialized_in_products(monkeypatch):
    r = matcalc.hessian("sum(log(1 + exp(X w))) - y^T X w", "w")
    calls = []
    real = np.diag
    monkeypatch.setattr(np, "diag", lambda *a, **k: calls.append(a) or real(*a, **k))
    env, sizes = sample(r.function)
    evaluate(r.expr, env, sizes)
    assert calls == []
