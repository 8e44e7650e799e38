"""A Kronecker product with an identity in generated code (issue 19): (A ⊗ I) M, (I ⊗ B) M, M (A ⊗ I)
and M (I ⊗ B) for a matrix M are reshapes and one (batched) product, never the dense Kronecker
product: O(n⁵) for the n²×n² factors of a Hessian w.r.t. an n×n matrix, where the dense product
costs n⁶ (the Hessian of tr(XᵀXXᵀX) at n = 60). Checked against matcalc's evaluator on every target
with rectangular factors, and Hessians against central differences of an independent NumPy gradient."""
import re

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.codegen import generate
from matcalc.numeric import evaluate, shape_of
from test_codegen_fuzz import argument, as_array, available, close, compiled
from test_kronecker_hessians import matmul_costs

P = E.Var("P", ("m", "n"), frozenset())
IK = E.Identity("k")
PK, KP = E.Kron(P, IK), E.Kron(IK, P)
q = "q"


def var(name, rows, cols):
    return E.Var(name, (rows, cols), frozenset())


PRODUCTS = {   # the product, and whether the Kronecker product is built
    "(P ⊗ I) M": (E.Mul(PK, var("M", PK.shape[1], q)), False),
    "(I ⊗ P) M": (E.Mul(KP, var("M", KP.shape[1], q)), False),
    "N (P ⊗ I)": (E.Mul(var("N", q, PK.shape[0]), PK), False),
    "N (I ⊗ P)": (E.Mul(var("N", q, KP.shape[0]), KP), False),
    "(P ⊗ I) v": (E.Mul(PK, var("v", PK.shape[1], 1)), True),    # a vector: the product is built (O(size))
    "(P ⊗ I) M R": (E.Mul(PK, var("M", PK.shape[1], q), var("R", q, q)), False),
    "Mᵀ (I ⊗ P)ᵀ": (E.Mul(E.Transpose(var("M", KP.shape[1], q)), E.Transpose(KP)), True),   # not rewritten
}


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products_with_a_kronecker_identity_agree_with_the_evaluator(name, target):
    available(target)
    out, dense = PRODUCTS[name]
    outputs = [E.Add(E.Sum(P), E.Sum(var("Z", "k", q))), out]     # P and Z give the sizes m, n, k, q to the code
    code = generate(outputs, ["value", "product"], "test", target)
    assert ("kron(" in code.source) == dense, code.source
    fn = compiled(code.source, target)
    rng = np.random.default_rng(0)
    sizes = {"m": 3, "n": 4, "k": 2, "q": 5}
    env = {var: rng.standard_normal(shape_of(var, sizes)) for var in code.variables}
    got = fn(*[argument(var, env[var], target) for var in code.variables])[1]
    assert close(as_array(got), evaluate(out, env, sizes), 1e-12), code.source


def fd_hessian(grad, X, t=1e-6):
    """Central differences of a gradient, on column-major vec: column j moves vec(X)[j]."""
    n = X.size
    H = np.zeros((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = t
        d = e.reshape(X.shape, order="F")
        H[:, j] = ((grad(X + d) - grad(X - d)) / (2 * t)).reshape(-1, order="F")
    return H


HESSIANS = {   # expression, an independent NumPy gradient (X, A), shape of X
    "tr(X^T X X^T X)": (lambda X, A: 4.0 * X @ X.T @ X, (4, 3)),
    "||X^T X - A||_F^2": (lambda X, A: 2.0 * X @ ((X.T @ X - A) + (X.T @ X - A).T), (4, 3)),
}


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("text", list(HESSIANS))
def test_matrix_hessians_with_kronecker_identities_match_finite_differences(text, target):
    available(target)
    grad, shape = HESSIANS[text]
    source = matcalc.codegen(text, "X", target=target, hessian=True, check=False)
    body = source[source.index("def f_and_"):]
    assert not re.search(r"kron\([\w.]+(\.contiguous\(\))?, [\w.]+(\.contiguous\(\))?\) @", body), body
    rng = np.random.default_rng(19)
    X = rng.standard_normal(shape)
    A = rng.standard_normal((shape[1], shape[1]))
    compiled(source, target)     # (sets JAX's float64)
    args = {"X": X, "A": A}
    names = body.split("(", 1)[1].split(")", 1)[0].split(", ")
    outputs, costs = matmul_costs(source, [argument(E.Var(k, args[k].shape, frozenset()), args[k], target)
                                           for k in names])
    value, g, H = (as_array(o) for o in outputs)
    # No Kronecker factor multiplied, dense or as reshapes: the simplifier contracts them (simplify/kronecker.py),
    # 4 ((Xᵀ ⊗ X) K + I ⊗ XXᵀ + XᵀX ⊗ I); no product costs more multiply-adds than the Hessian has entries
    # ((Xᵀ ⊗ I) M as a reshape did n⁵ for an n×n X)
    assert max(costs) <= H.size, (costs, body)
    assert np.allclose(g, grad(X, A), rtol=1e-10), source
    assert np.allclose(H, fd_hessian(lambda Y: grad(Y, A), X), rtol=1e-6, atol=1e-6), source
