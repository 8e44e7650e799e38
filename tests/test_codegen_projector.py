"""Products with I + K (the projector (I + K)/2 of a symmetric variable's Hessian) in generated code:
M (I + K) = M + M K and (I + K) M = M + K M, a copy and a permutation, never the dense n²×n² sum
(whose product with an n²×n² Hessian was O(n⁶)). Checked against the evaluator on every target, and the
symmetric Hessian of tr(S A S B) against central differences of an independent NumPy function."""
from fractions import Fraction

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.codegen import generate
from matcalc.numeric import evaluate, shape_of
from test_codegen_fuzz import argument, as_array, available, close, compiled

A = E.Var("A", ("m", "n"), frozenset())                     # gives the sizes m and n to the code
K = E.Commutation("m", "n")
MN = K.shape[0]
I = E.Identity(MN)
M = E.Var("M", (MN, "p"), frozenset())
N = E.Var("N", ("p", MN), frozenset())
v = E.Var("v", (MN, 1), frozenset())
w = E.Var("w", (MN, 1), frozenset())
HALF = E.Num(Fraction(1, 2))
PRODUCTS = {
    "N (I + K)": E.Mul(N, E.Add(I, K)),
    "(I + K) M": E.Mul(E.Add(I, K), M),
    "(I - K)/2 M": E.Mul(E.Add(E.Mul(HALF, I), E.Mul(E.Num(-Fraction(1, 2)), K)), M),
    "3 N (I + K)": E.Mul(E.Num(3), N, E.Add(I, K)),
    "(I + K) v": E.Mul(E.Add(I, K), v),
    "w^T (I + K)": E.Mul(E.Transpose(w), E.Add(I, K)),
    "N (I + K) M": E.Mul(N, E.Add(I, K), M),
}


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products_with_i_plus_k_agree_with_the_evaluator_and_build_neither(name, target):
    available(target)
    out = PRODUCTS[name]
    code = generate([E.Sum(A), out], ["value", "product"], "test", target)
    assert "_commutation" not in code.source and "eye(" not in code.source, code.source
    fn = compiled(code.source, target)
    rng = np.random.default_rng(1)
    sizes = {"m": 3, "n": 4, "p": 2}
    env = {var: rng.standard_normal(shape_of(var, sizes)) for var in code.variables}
    got = fn(*[argument(var, env[var], target) for var in code.variables])[1]
    assert close(as_array(got), evaluate(out, env, sizes), 1e-12), code.source


def _trace_sasb(S, A, B):
    return float(np.trace(S @ A @ S @ B))


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_the_symmetric_hessian_of_tr_sasb_against_finite_differences(target):
    """On symmetric directions U, V: vec(U)ᵀ H vec(V) = ∂²/∂s∂t f(S + sU + tV); H is zero on
    antisymmetric directions (the docstring's P H_f P)."""
    available(target)
    source = matcalc.codegen("tr(S A S B)", wrt="S", hessian=True, target=target,
                             where={"S": "n x n symmetric", "A": "n x n", "B": "n x n"})
    assert "_commutation" not in source and "eye(" not in source, source
    fn = compiled(source, target)
    rng = np.random.default_rng(2)
    n = 5
    S = rng.standard_normal((n, n))
    S = S + S.T
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    names = [line.split("(", 1)[1].split(")")[0] for line in source.splitlines() if line.startswith("def f_")][0]
    env = {"A": A, "B": B, "S": S}
    square = E.Var("X", ("n", "n"), frozenset())           # argument() asks only whether it is a scalar
    H = as_array(fn(*[argument(square, env[x.strip()], target) for x in names.split(",")])[2])
    vec = lambda X: X.reshape(-1, order="F")
    h = 1e-4
    for _ in range(3):
        U, V = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        U, V = U + U.T, V + V.T
        f = lambda s, t: _trace_sasb(S + s * U + t * V, A, B)
        fd = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h)
        assert abs(vec(U) @ H @ vec(V) - fd) <= 1e-6 * max(1.0, abs(fd))
    W = rng.standard_normal((n, n))
    assert np.allclose(H @ vec(W - W.T), 0, atol=1e-10)
