"""The commutation matrix in generated code (issue 19): K_{m,n} is applied as a permutation (a
reshape and an axis swap), never built densely in a Python loop; K alone is the identity's rows
permuted. Checked against the evaluator on every target, and for what a product with K compiles to."""
import re

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.codegen import generate
from matcalc.codegen.targets import TARGETS, prelude_for
from matcalc.numeric import evaluate, shape_of
from test_codegen_fuzz import argument, as_array, available, close, compiled

A = E.Var("A", ("m", "n"), frozenset())                     # gives the sizes m and n to the code
MN = E.Commutation("m", "n").shape[0]
M = E.Var("M", (MN, "p"), frozenset())
N = E.Var("N", ("p", MN), frozenset())
v = E.Var("v", (MN, 1), frozenset())
w = E.Var("w", (MN, 1), frozenset())
P = E.Var("P", ("p", "m"), frozenset())
K, K2 = E.Commutation("m", "n"), E.Commutation("n", "m")
P2 = E.Var("Q", ("p", "m"), frozenset())
A2 = E.Var("B", ("m", "n"), frozenset())
PRODUCTS = {
    "K M": E.Mul(K, M), "N K": E.Mul(N, K), "K v": E.Mul(K, v), "w^T K": E.Mul(E.Transpose(w), K),
    "K": K, "K K'": E.Mul(K, K2), "K diag(v)": E.Mul(K, E.DiagMat(v)), "(P ⊗ A) K'": E.Mul(E.Kron(P, A), K2),
    # K's blocks are the second factor's: broadcast products straight into the permuted layout (no kron)
    "(P ⊗ A) K": E.Mul(E.Kron(P, A), K),
    "K_{p,m} (A ⊗ P)": E.Mul(E.Commutation("p", "m"), E.Kron(A, P)),
    "(P ⊗ A - 3 Q ⊗ B) K": E.Mul(E.Add(E.Kron(P, A), E.Mul(E.Num(-3), E.Kron(P2, A2))), K),
    "K_{p,m} (2 A ⊗ P + B ⊗ Q)": E.Mul(E.Commutation("p", "m"),
                                       E.Add(E.Mul(E.Num(2), E.Kron(A, P)), E.Kron(A2, P2))),
}
BROADCAST = {"(P ⊗ A) K", "K_{p,m} (A ⊗ P)", "(P ⊗ A - 3 Q ⊗ B) K", "K_{p,m} (2 A ⊗ P + B ⊗ Q)"}


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products_with_k_agree_with_the_evaluator(name, target):
    available(target)
    out = PRODUCTS[name]
    outputs = [E.Sum(A), out]
    code = generate(outputs, ["value", "product"], "test", target)
    if name not in ("K", "K K'"):      # K_{m,n} K_{n,m}: one K permuted, the other built
        assert "_commutation" not in code.source, code.source
    if name in BROADCAST:               # K (P ⊗ Q), (P ⊗ Q) K: written once, in the permuted order
        assert "kron(" not in code.source and "[:, None, None, :]" in code.source, code.source
    fn = compiled(code.source, target)
    rng = np.random.default_rng(0)
    sizes = {"m": 3, "n": 4, "p": 2}
    env = {var: rng.standard_normal(shape_of(var, sizes)) for var in code.variables}
    got = fn(*[argument(var, env[var], target) for var in code.variables])[1]
    assert close(as_array(got), evaluate(out, env, sizes), 1e-12), code.source


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_no_prelude_builds_k_in_a_loop(target):
    block = prelude_for(TARGETS[target], "_commutation(2, 3)")
    assert "_commutation" in block and not re.search(r"^\s*for\b", block, re.M), block


def test_matrix_hessians_permute_instead_of_multiplying_by_k():
    for text in ["tr(A X B X)", "tr(X A X)", "tr(X^T A X^T B)"]:
        code = matcalc.grad(text, "X", check=False).to_code(hessian=True)
        assert "_commutation" not in code and (".transpose(0, 2, 1)" in code or "[:, None, None, :]" in code), code


def test_a_permuted_kronecker_sum_is_written_once():
    """The Hessian of tr(X A X B), (A ⊗ Bᵀ + B ⊗ Aᵀ) K: two broadcast products in K's order and their
    sum; np.kron twice, the sum and its permuted copy wrote the n⁴ array four times."""
    code = matcalc.grad("tr(X A X B)", "X", check=False).to_code(hessian=True)
    assert "kron(" not in body(code) and ".transpose(" not in body(code), code
    assert body(code).count("[:, None, None, :]") == 2, code


def body(code):
    return code.split('"""')[-1]


# ---- the evaluator (matcalc/numeric.py), which the numerical check runs ------------------------------
def dense_commutation(m, n):
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k


def test_the_evaluator_applies_k_as_a_permutation(monkeypatch):
    from matcalc import numeric
    for m, n in [(2, 3), (3, 2), (4, 4), (1, 3)]:
        assert np.array_equal(numeric.commutation(m, n), dense_commutation(m, n))
    sizes = {"m": 3, "n": 4, "p": 2}
    rng = np.random.default_rng(0)
    env = {var: rng.standard_normal(shape_of(var, sizes)) for var in (M, N, v, w, P, A)}
    Kd, K2d = dense_commutation(3, 4), dense_commutation(4, 3)
    Dv = np.diag(env[v][:, 0])
    want = {"K M": Kd @ env[M], "N K": env[N] @ Kd, "K v": Kd @ env[v], "w^T K": env[w].T @ Kd,
            "K K'": Kd @ K2d, "K diag(v)": Kd @ Dv, "(P ⊗ A) K'": np.kron(env[P], env[A]) @ K2d}
    monkeypatch.setattr(numeric, "commutation", None)      # a product never builds K
    for name, value in want.items():
        assert np.allclose(evaluate(PRODUCTS[name], env, sizes), value), name
    chain = E.Mul(E.Num(3), E.DiagMat(v), K, M)
    assert np.allclose(evaluate(chain, env, sizes), 3 * Dv @ Kd @ env[M])
