"""Kronecker products that contract only after a rewrite (matcalc/simplify/kronecker.py, issue 19).

The Hessian of tr(XᵀXXᵀX) came out as (I ⊗ X)((Xᵀ ⊗ I) K + I ⊗ Xᵀ) + …, whose generated code
multiplies an n²×n² factor by an n²×n² matrix (O(n⁵)); with K_{p,m} (A ⊗ B) = (B ⊗ A) K_{q,n}
(Magnus & Neudecker, ch. 3, Theorem 3.9) and the product distributed over the sum where a mixed
product (A ⊗ B)(C ⊗ D) = AC ⊗ BD then fires, it is 4 (XᵀX ⊗ I + (Xᵀ ⊗ X) K + I ⊗ XXᵀ), O(n⁴).

Checked here: each identity in NumPy with a commutation matrix built from its definition
(K vec(A) = vec(Aᵀ)), on rectangular shapes; each rewrite's result against NumPy's value of the
expression before it; that a rewrite which would not contract anything is not made; Hessians
w.r.t. matrices (square and not) against central differences of independent NumPy gradients; and
that the generated code of the tr(XᵀXXᵀX) Hessian does no product costlier than the Hessian's own
n⁴ entries (it did one of n⁵ before).
"""
import ast

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc import simplify as S
from matcalc.numeric import evaluate
from matcalc.shapes import mul_dims

SIZES = [   # rectangular throughout, then square (the Hessian's K_{n,n}), then a mix
    {"m": 2, "n": 3, "p": 4, "q": 5, "r": 3, "s": 2},
    {"m": 3, "n": 3, "p": 3, "q": 3, "r": 3, "s": 3},
    {"m": 4, "n": 2, "p": 3, "q": 2, "r": 5, "s": 4},
]


def vec(A):
    return A.reshape(-1, order="F")


def commutation(m, n):
    """K_{m,n} from its definition: K vec(A) = vec(Aᵀ) for A m×n (column-major vec)."""
    K = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            K[i * n + j, j * m + i] = 1.0      # vec(Aᵀ)[i n + j] = Aᵀ[j, i] = A[i, j] = vec(A)[j m + i]
    return K


@pytest.mark.parametrize("sizes", SIZES)
def test_the_identities_hold_in_numpy_with_matcalcs_commutation_matrix(sizes):
    m, n, p, q = (sizes[k] for k in "mnpq")
    rng = np.random.default_rng(0)
    A, B, M = rng.standard_normal((m, n)), rng.standard_normal((p, q)), rng.standard_normal((m, n))
    assert np.array_equal(commutation(m, n) @ vec(M), vec(M.T))
    assert np.array_equal(evaluate(E.Commutation("m", "n"), {}, sizes), commutation(m, n))   # matcalc's K is this K
    # Magnus & Neudecker, Theorem 3.9: K_{pm} (A ⊗ B) K_{nq} = B ⊗ A, so K_{pm} (A ⊗ B) = (B ⊗ A) K_{qn}
    assert np.allclose(commutation(p, m) @ np.kron(A, B) @ commutation(n, q), np.kron(B, A))
    assert np.allclose(commutation(p, m) @ np.kron(A, B), np.kron(B, A) @ commutation(q, n))
    C, D = rng.standard_normal((3, m)), rng.standard_normal((2, p))   # Matrix Cookbook §10.2.1, the mixed product
    E_, F = rng.standard_normal((m, 4)), rng.standard_normal((p, 5))
    assert np.allclose(np.kron(C, D) @ np.kron(E_, F), np.kron(C @ E_, D @ F))


def var(name, rows, cols):
    return E.Var(name, (rows, cols), frozenset())


# A m×n, B p×q; C r×p and D s×m line up with B ⊗ A (C B, D A); G r×m, H s×p with A ⊗ B (G A, H B)
A, B, C, D, G, H = var("A", "m", "n"), var("B", "p", "q"), var("C", "r", "p"), var("D", "s", "m"), \
    var("G", "r", "m"), var("H", "s", "p")
K_pm, K_nq = E.Commutation("p", "m"), E.Commutation("n", "q")
Z = var("Z", mul_dims("m", "p"), mul_dims("n", "q"))         # a term of A ⊗ B's shape that contracts with nothing
W = var("W", mul_dims("r", "s"), mul_dims("m", "p"))         # … and one of G ⊗ H's shape
Y = var("Y", mul_dims("m", "p"), mul_dims("n", "q"))
k = commutation

# (name, expression, its value in NumPy from the factors, the printed result, the identity that fires)
REWRITES = [
    ("K moves right to contract", E.Mul(E.Kron(C, D), K_pm, E.Kron(A, B)),
     lambda v, z: np.kron(v["C"], v["D"]) @ k(z["p"], z["m"]) @ np.kron(v["A"], v["B"]),
     "(C B ⊗ D A) commutation(q, n)", "kron_commutation"),
    ("K moves right to cancel", E.Mul(K_pm, E.Kron(A, B), K_nq),
     lambda v, z: k(z["p"], z["m"]) @ np.kron(v["A"], v["B"]) @ k(z["n"], z["q"]), "B ⊗ A", "kron_commutation"),
    ("distributed from the left", E.Mul(E.Kron(G, H), E.Add(E.Kron(A, B), Z)),
     lambda v, z: np.kron(v["G"], v["H"]) @ (np.kron(v["A"], v["B"]) + v["Z"]),
     "(G ⊗ H) Z + G A ⊗ H B", "kron_distribute"),
    ("distributed from the right", E.Mul(E.Add(E.Kron(G, H), W), E.Kron(A, B)),
     lambda v, z: (np.kron(v["G"], v["H"]) + v["W"]) @ np.kron(v["A"], v["B"]),
     "W (A ⊗ B) + G A ⊗ H B", "kron_distribute"),
    ("distributed into a sum in the sum", E.Mul(E.Kron(G, H), E.Add(Y, E.Mul(E.Num(-1), E.Add(E.Kron(A, B), Z)))),
     lambda v, z: np.kron(v["G"], v["H"]) @ (v["Y"] - np.kron(v["A"], v["B"]) - v["Z"]),
     "(G ⊗ H) Y - ((G ⊗ H) Z + G A ⊗ H B)", "kron_distribute"),
    ("distributed through K", E.Mul(E.Kron(C, D), E.Add(E.Mul(K_pm, E.Kron(A, B)), Z)),
     lambda v, z: np.kron(v["C"], v["D"]) @ (k(z["p"], z["m"]) @ np.kron(v["A"], v["B"]) + v["Z"]),
     "(C ⊗ D) Z + (C B ⊗ D A) commutation(q, n)", "kron_distribute"),
]
KEPT = [   # nothing would contract: the product keeps its shape
    ("K alone", E.Mul(K_pm, E.Kron(A, B))),
    ("factors that do not line up with B ⊗ A", E.Mul(E.Kron(G, H), K_pm, E.Kron(A, B))),
    ("a sum without a Kronecker term", E.Mul(E.Kron(G, H), E.Add(Z, Y))),
    ("a Kronecker term that does not line up", E.Mul(E.Kron(C, D), E.Add(E.Kron(A, B), Z))),
]


def values(sizes, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for v in (A, B, C, D, G, H, Z, W, Y):   # Z, W, Y: shapes with products of dimensions
        rows, cols = (np.prod([sizes[d] for d in (x if isinstance(x, tuple) else (x,))]) for x in v.shape)
        out[v.name] = rng.standard_normal((int(rows), int(cols)))
    return out


def env_of(e, vals):
    return {v: vals[v.name] for v in e.free if isinstance(v, E.Var)}


@pytest.mark.parametrize("name, e, numpy_value, expected, identity", REWRITES, ids=[r[0] for r in REWRITES])
def test_each_rewrite_keeps_the_value(name, e, numpy_value, expected, identity):
    s, rewrites = S.simplify_traced(e)
    assert str(s) == expected
    assert s is S.simplify(e)
    assert identity in {n for r in rewrites for n in r.identity.split(" + ")}, [r.identity for r in rewrites]
    for seed, sizes in enumerate(SIZES):
        vals = values(sizes, seed)
        want = numpy_value(vals, sizes)
        assert np.allclose(evaluate(s, env_of(s, vals), sizes), want, rtol=1e-10, atol=1e-10 * np.abs(want).max())


@pytest.mark.parametrize("name, e", KEPT, ids=[r[0] for r in KEPT])
def test_a_product_that_would_not_contract_is_kept(name, e):
    s, rewrites = S.simplify_traced(e)
    fired = {n for r in rewrites for n in r.identity.split(" + ")}
    assert not fired & {"kron_commutation", "kron_distribute"}, str(s)
    assert "⊗" in str(s)


# ---- Hessians w.r.t. a matrix against central differences of an independent NumPy gradient -----------
def fd_hessian(grad, X, t=1e-5):
    """Central differences of a gradient (any matrix function of X) on column-major vec: column j moves
    vec(X)[j]."""
    H = np.zeros((grad(X).size, X.size))
    for j in range(X.size):
        d = np.zeros(X.size)
        d[j] = t
        d = d.reshape(X.shape, order="F")
        H[:, j] = vec((grad(X + d) - grad(X - d)) / (2 * t))
    return H


HESSIANS = {   # text: (declarations, an independent NumPy gradient of X and the other variables v)
    "tr(X^T X X^T X)": ({"X": "n x m"}, lambda X, v: 4 * X @ X.T @ X),
    "tr(X^T X X^T X X^T X)": ({"X": "n x m"}, lambda X, v: 6 * X @ (X.T @ X) @ (X.T @ X)),
    "tr(X A X B)": ({"X": "n x m", "A": "m x n", "B": "m x n"},
                    lambda X, v: v["B"].T @ X.T @ v["A"].T + v["A"].T @ X.T @ v["B"].T),
    "tr(X^T A X)": ({"X": "n x m", "A": "n x n"}, lambda X, v: (v["A"] + v["A"].T) @ X),
    "||X||_F^2": ({"X": "n x m"}, lambda X, v: 2 * X),
    "||X^T X - A||_F^2": ({"X": "n x m", "A": "m x m"},
                          lambda X, v: 2 * X @ ((X.T @ X - v["A"]) + (X.T @ X - v["A"]).T)),
    "tr(X^T X A X^T X)": ({"X": "n x m", "A": "m x m"}, lambda X, v: X @ (
        v["A"] @ X.T @ X + X.T @ X @ v["A"] + v["A"].T @ X.T @ X + X.T @ X @ v["A"].T)),
    # the two Hessians the distribution changed besides tr(XᵀXXᵀX) (behaviour record): square X
    "tr(X^-1 A)": ({"X": "n x n", "A": "n x n"}, lambda X, v: -np.linalg.inv(X).T @ v["A"].T @ np.linalg.inv(X).T),
    "a^T X^-1 b": ({"X": "n x n", "a": "n", "b": "n"},
                   lambda X, v: -np.linalg.inv(X).T @ np.outer(v["a"], v["b"]) @ np.linalg.inv(X).T),
    # a sum inside the sum (I − (…)), and longer chains: O(n⁵) or O(n⁶) code before
    "log det(X^T X)": ({"X": "n x m"}, lambda X, v: 2 * X @ np.linalg.inv(X.T @ X)),
    "tr((X^T X)^-1)": ({"X": "n x m"}, lambda X, v: -2 * X @ np.linalg.matrix_power(np.linalg.inv(X.T @ X), 2)),
    "||X^T A X||_F^2": ({"X": "n x m", "A": "n x n"}, lambda X, v: 2 * (
        v["A"] @ X @ (X.T @ v["A"] @ X).T + v["A"].T @ X @ (X.T @ v["A"] @ X))),
    "tr(X A X^T B X C)": ({"X": "n x m", "A": "m x m", "B": "n x n", "C": "m x n"}, lambda X, v: (
        (v["A"] @ X.T @ v["B"] @ X @ v["C"]).T + v["B"] @ X @ v["C"] @ X @ v["A"]
        + (v["C"] @ X @ v["A"] @ X.T @ v["B"]).T)),
}
TALL = {"log det(X^T X)", "tr((X^T X)^-1)"}    # XᵀX invertible: n ≥ m
SHAPES = [(3, 3), (4, 3), (2, 3)]


def draw(where, sizes, rng):
    """Values of the declared variables: X well conditioned (X + 3I when square), vectors 1-D."""
    vals = {}
    for name, decl in where.items():
        dims = [sizes[d] for d in decl.split(" x ")]
        vals[name] = rng.standard_normal(dims)
    if vals["X"].shape[0] == vals["X"].shape[1]:
        vals["X"] = vals["X"] + 3 * np.eye(vals["X"].shape[0])
    return vals


def evaluated(e, vals, sizes):
    env = {v: vals[v.name].reshape(-1, 1) if vals[v.name].ndim == 1 else vals[v.name]
           for v in e.free if isinstance(v, E.Var)}
    return evaluate(e, env, sizes)


def _applies(text, shape):
    """A square X where the formula needs one; XᵀX invertible (X tall) where it is inverted."""
    return not (HESSIANS[text][0]["X"] == "n x n" and shape[0] != shape[1] or text in TALL and shape[0] < shape[1])


@pytest.mark.parametrize("text, shape", [(t, s) for t in HESSIANS for s in SHAPES if _applies(t, s)])
def test_matrix_hessians_match_finite_differences(text, shape):
    where, grad = HESSIANS[text]
    r = matcalc.hessian(text, "X", where=where, check=False)
    sizes = {"n": shape[0], "m": shape[1]}
    vals = draw(where, sizes, np.random.default_rng(19))
    got = evaluated(r.expr, vals, sizes)
    want = fd_hessian(lambda Y: grad(Y, vals), vals["X"])
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6 * np.abs(want).max()), str(r)


@pytest.mark.parametrize("shape", [s for s in SHAPES if s[1] <= s[0]])     # XᵀX invertible: X not wide
def test_the_jacobian_of_the_inverse_gram_matrix_matches_finite_differences(shape):
    """d vec (XᵀX)⁻¹ = −(((XᵀX)⁻¹Xᵀ ⊗ (XᵀX)⁻¹) K + (XᵀX)⁻¹ ⊗ (XᵀX)⁻¹Xᵀ) d vec X: distributed (behaviour record)."""
    n, m = shape
    r = matcalc.jacobian("(X^T X)^-1", "X", where={"X": "n x m"}, check=False)
    assert str(r) == "-(((X^T X)^-1 X^T ⊗ (X^T X)^-1) commutation(n, m) + (X^T X)^-1 ⊗ (X^T X)^-1 X^T)"
    X = np.random.default_rng(5).standard_normal(shape)
    got = evaluated(r.expr, {"X": X}, {"n": n, "m": m})
    want = fd_hessian(lambda Y: np.linalg.inv(Y.T @ Y), X)    # the Jacobian of F(X) by central differences
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6 * np.abs(want).max()), str(r)


def test_the_quartic_hessian_reads_as_the_hand_written_form():
    r = matcalc.hessian("tr(X^T X X^T X)", "X", check=False)
    assert str(r) == "4 ((X^T ⊗ X) commutation(m, n) + eye(n) ⊗ X X^T + X^T X ⊗ eye(m))"


# ---- the generated code: no product dearer than the Hessian's n⁴ entries ------------------------------
def matmul_costs(source, args):
    """Run the generated function with every `a @ b` counted: the multiply-adds of each product
    (entries of the result times the inner dimension, batches included)."""
    tree = ast.parse(source)

    class Counted(ast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.MatMult):
                return ast.copy_location(ast.Call(ast.Name("_counted_matmul", ast.Load()), [node.left, node.right], []),
                                         node)
            return node

        def visit_Call(self, node):     # _mm(a, b) is a @ b in SciPy's BLAS; einsum("i,j->ij", u, v) is u vᵀ
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "_mm":
                return ast.copy_location(ast.Call(ast.Name("_counted_matmul", ast.Load()), node.args, []), node)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "einsum" and \
                    isinstance(node.args[0], ast.Constant) and node.args[0].value == "i,j->ij":
                return ast.copy_location(ast.Call(ast.Name("_counted_outer", ast.Load()), node.args[1:], []), node)
            return node
    tree = ast.fix_missing_locations(Counted().visit(tree))
    costs = []

    def counted(a, b):
        out = a @ b
        costs.append(int(np.prod(tuple(out.shape))) * int(tuple(a.shape)[-1]))   # NumPy, JAX and PyTorch arrays
        return out

    def outer(u, v):
        out = np.multiply.outer(u, v)
        costs.append(int(np.prod(out.shape)))
        return out
    namespace = {"_counted_matmul": counted, "_counted_outer": outer}
    exec(compile(tree, "<generated>", "exec"), namespace)
    fn = next(v for name, v in namespace.items() if name.startswith("f_and_"))
    return fn(*args), costs


CHEAP = ["tr(X^T X X^T X)", "tr(X^-1 A)", "a^T X^-1 b", "log det(X^T X)", "||X^T A X||_F^2", "tr(X A X^T B X C)"]


@pytest.mark.parametrize("text", CHEAP)
def test_matrix_hessians_code_does_no_product_dearer_than_the_hessian(text):
    """Every `@` of the generated Hessian costs at most as many multiply-adds as the Hessian has entries
    ((n m)² for X n×m): before, a Kronecker factor times an n²×n² matrix, n⁵ as reshapes (tr(XᵀXXᵀX))
    or n⁶ dense, for an n×n X."""
    where, grad = HESSIANS[text]
    source = matcalc.codegen(text, "X", target="numpy", hessian=True, check=False, where=where)
    assert "np.matmul" not in source and "np.dot" not in source and \
        "einsum" not in source.replace('np.einsum("i,j->ij", ', ""), source     # every product is counted
    vals = draw(where, {"n": 7, "m": 5}, np.random.default_rng(0))
    names = source[source.index("def f_and_"):].split("(", 1)[1].split(")", 1)[0].split(", ")
    (value, gradient, hess), costs = matmul_costs(source, [vals[k] for k in names])
    assert costs, source
    assert max(costs) <= hess.size, (costs, source)
    want = fd_hessian(lambda Y: grad(Y, vals), vals["X"])
    assert np.allclose(hess, want, rtol=1e-6, atol=1e-6 * np.abs(want).max())
