"""Matrices factored once in generated code (issue 19, codegen/factors.py): one LU for a general X whose
log det, det, inverse or solves appear together (NumPy: getrf/getri/getrs; JAX: lu_factor/lu_solve;
PyTorch: lu_factor_ex/lu_solve), and the Cholesky path of spd variables in JAX and PyTorch. Each path
is run against independent NumPy functions (slogdet, det, inv, solve) and finite differences, on every
target; the shape of the code (one factorization, no slogdet or inv beside it) is asserted; a singular
or non-finite X gives what slogdet and inv give."""
import importlib
import re

import numpy as np
import pytest

import matcalc
from test_codegen import body, numpy_outputs_match, run_generated, scipy_available, to_numpy, without_scipy
from test_codegen_fuzz import available
from test_codegen_standalone import run_files

TARGETS = ["numpy", "jax", "torch"]


def compiled(text, wrt, target, where=None, hessian=False):
    fn, source = run_generated(matcalc.grad(text, wrt, where=where, check=False), target, hessian=hessian)
    return fn, source


def as_target(a, target):
    if target == "jax":
        import jax.numpy as jnp
        return jnp.asarray(a)
    if target == "torch":
        import torch
        return torch.tensor(a, dtype=torch.float64)
    return a


def general(n=5, seed=0, sign=1.0):
    """A well-conditioned general (non-symmetric) matrix; sign −1 flips one row: det < 0."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n)) / np.sqrt(n) + 2.0 * np.eye(n)
    x[0] *= sign
    return x


def spd(n=5, seed=1):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    return a @ a.T / n + np.eye(n)


def fd_gradient(f, x, t=1e-6):
    """Central differences of a scalar function of a matrix, entry by entry (independent of matcalc)."""
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = t
        g[idx] = (f(x + e) - f(x - e)) / (2 * t)
    return g


# ---- the shape of the code ---------------------------------------------------------------------
@pytest.mark.parametrize("target", TARGETS)
def test_log_det_gradient_factors_once(target):
    code = matcalc.grad("log det X", "X", check=False).to_code(target)
    b = body(code)
    assert b.count("_lu(") == 1 and "slogdet" not in b and "inv(" not in b.replace("_lu_inv(", "")
    call = {"numpy": "dgetrf(", "jax": "lu_factor(", "torch": "lu_factor_ex("}[target]
    assert code.count(call) == 1      # the prelude factors X in one place
    assert "_cholesky" not in code and "_cho_" not in code            # only the helpers it calls


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("text, wrt, hessian", [
    ("log det X + tr(X^-1 C)", "X", False),          # the Gaussian form: log det, inverse, products
    ("log det X + tr(X^-1 C)", "X", True),           # ... with its Hessian
    ("log det X", "X", True),
    ("det X", "X", False),                            # det from the same factor as X⁻ᵀ
    ("x^T X^-1 x + log det X", "x", False),           # X⁻¹ x and X⁻ᵀ x: solves, no inverse
])
def test_a_general_matrix_is_factored_once(target, text, wrt, hessian):
    b = body(matcalc.grad(text, wrt, check=False).to_code(target, hessian=hessian))
    assert b.count("_lu(") == 1, b
    for call in ("slogdet", "linalg.det", "linalg.inv", "linalg.solve"):
        assert call not in b, b
    if text.startswith("x^T"):
        assert "_lu_inv" not in b and "_lu_solve(t1, x, 1)" in b, b


def test_a_matrix_factored_once_keeps_the_targets_call():
    b = body(matcalc.grad("y^T X^-1 b", "y", check=False).to_code())     # one solve, value and gradient
    assert "_lu" not in b and b.count("np.linalg.solve(X, b)") == 1
    value_only = matcalc.codegen("log det X + sum(y)", "y", check=False)   # log det alone: slogdet
    assert "slogdet" in body(value_only) and "_lu" not in value_only


@pytest.mark.parametrize("target", ["jax", "torch"])
def test_spd_variables_use_cholesky_in_jax_and_torch(target):
    for text, where, wrt in [("log det S", {"S": "n x n spd"}, "S"), ("det S", {"S": "n x n spd"}, "S"),
                             ("log det S + tr(S^-1 C)", {"S": "n x n spd"}, "S"),
                             ("log det S + (x - mu)^T S^-1 (x - mu)", {"S": "n x n spd"}, "S")]:
        b = body(matcalc.grad(text, wrt, where=where, check=False).to_code(target))
        assert b.count("_cholesky(S)") == 1 and "linalg" not in b, b


def test_the_jax_docstring_says_what_happens_when_not_positive_definite():
    code = matcalc.grad("log det S", "S", where={"S": "n x n spd"}, check=False).to_code("jax")
    assert "where S is not positive definite, the results are NaN (no fallback under jit)" in code
    code = matcalc.grad("log det S", "S", where={"S": "n x n spd"}, check=False).to_code("torch")
    assert "where that factorization fails, all of S is used" in code


# ---- values against independent NumPy functions and finite differences ------------------------
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_log_det_and_det_against_numpy(target, sign):
    available(target)
    x = general(sign=sign)
    fn, _ = compiled("log det X", "X", target)
    value, grad = (to_numpy(o) for o in fn(as_target(x, target)))
    assert np.isclose(value, np.linalg.slogdet(x)[1], rtol=1e-12)
    assert np.allclose(grad, np.linalg.inv(x).T, rtol=1e-10, atol=1e-12)
    assert np.allclose(grad, fd_gradient(lambda a: np.linalg.slogdet(a)[1], x), rtol=1e-6, atol=1e-8)
    fn, _ = compiled("det X", "X", target)
    value, grad = (to_numpy(o) for o in fn(as_target(x, target)))
    assert np.isclose(value, np.linalg.det(x), rtol=1e-12) and np.sign(value) == sign
    assert np.allclose(grad, fd_gradient(np.linalg.det, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("target", TARGETS)
def test_gaussian_form_and_its_hessian_against_finite_differences(target):
    available(target)
    x, c = general(4), spd(4, seed=3)
    fn, _ = compiled("log det X + tr(X^-1 C)", "X", target, hessian=True)
    value, grad, hess = (to_numpy(o) for o in fn(as_target(c, target), as_target(x, target)))

    def f(a):
        return np.linalg.slogdet(a)[1] + np.trace(np.linalg.solve(a, c))
    assert np.isclose(value, f(x), rtol=1e-12)
    assert np.allclose(grad, fd_gradient(f, x), rtol=1e-6, atol=1e-8)
    # the Hessian on column-major vec(X): finite differences of the (independent) gradient
    def g(a):
        t = np.linalg.inv(a).T
        return (t - t @ c.T @ t).reshape(-1, order="F")
    n, t = x.shape[0], 1e-6
    fd = np.column_stack([(g(x + t * e) - g(x - t * e)) / (2 * t)
                          for e in (np.eye(n * n)[:, j].reshape(n, n, order="F") for j in range(n * n))])
    assert np.allclose(hess, fd, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("target", TARGETS)
def test_transposed_solves_against_numpy(target):
    available(target)
    x, v = general(5, seed=4), np.random.default_rng(5).standard_normal(5)
    fn, _ = compiled("x^T X^-1 x + log det X", "x", target)
    value, grad = (to_numpy(o) for o in fn(as_target(x, target), as_target(v, target)))
    assert np.isclose(value, v @ np.linalg.solve(x, v) + np.linalg.slogdet(x)[1], rtol=1e-12)
    assert np.allclose(grad, np.linalg.solve(x, v) + np.linalg.solve(x.T, v), rtol=1e-10)
    a, b = np.random.default_rng(6).standard_normal((2, 5, 3))
    fn, _ = compiled("log det X + tr(A^T X^-1 B)", "X", target)     # M X⁻¹ as (X⁻ᵀ Mᵀ)ᵀ
    value, grad = (to_numpy(o) for o in fn(*(as_target(m, target) for m in (a, b, x))))
    def f(m):
        return np.linalg.slogdet(m)[1] + np.trace(a.T @ np.linalg.solve(m, b))
    assert np.isclose(value, f(x), rtol=1e-12)
    assert np.allclose(grad, fd_gradient(f, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("target", TARGETS)
def test_spd_cholesky_path_against_numpy(target):
    available(target)
    s, c = spd(5), spd(5, seed=7)
    fn, _ = compiled("det S", "S", target, where={"S": "n x n spd"})
    value, grad = (to_numpy(o) for o in fn(as_target(s, target)))
    assert np.isclose(value, np.linalg.det(s), rtol=1e-12)
    assert np.allclose(grad, fd_gradient(np.linalg.det, s), rtol=1e-6, atol=1e-8)
    fn, _ = compiled("log det S + tr(S^-1 C)", "S", target, where={"S": "n x n spd", "C": "n x n symmetric"})
    value, grad = (to_numpy(o) for o in fn(as_target(c, target), as_target(s, target)))
    si = np.linalg.inv(s)
    assert np.isclose(value, np.linalg.slogdet(s)[1] + np.trace(si @ c), rtol=1e-12)
    assert np.allclose(grad, si - si @ c @ si, rtol=1e-10)
    v, mu = np.random.default_rng(8).standard_normal((2, 5))
    fn, _ = compiled("log det S + (x - mu)^T S^-1 (x - mu)", "S", target, where={"S": "n x n spd"})
    value, grad = (to_numpy(o) for o in fn(*(as_target(m, target) for m in (s, mu, v))))
    r = np.linalg.solve(s, v - mu)
    assert np.isclose(value, np.linalg.slogdet(s)[1] + (v - mu) @ r, rtol=1e-12)
    assert np.allclose(grad, si - np.outer(r, r), rtol=1e-10)


def test_jax_code_jits():
    available("jax")
    import jax
    for text, where, wrt, args in [("log det X + tr(X^-1 C)", None, "X", (spd(4, 2), general(4))),
                                   ("det X", None, "X", (general(4, sign=-1.0),)),
                                   ("log det S + tr(S^-1 C)", {"S": "n x n spd"}, "S", (spd(4, 2), spd(4)))]:
        fn, _ = compiled(text, wrt, "jax", where=where)
        eager = [to_numpy(o) for o in fn(*args)]
        jitted = [to_numpy(o) for o in jax.jit(fn)(*args)]
        for a, b in zip(eager, jitted):
            assert np.allclose(a, b, rtol=1e-12)


# ---- singular, non-finite, not positive definite ------------------------------------------------
SINGULAR = np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.0, 0.0, 1.0]])


def test_numpy_singular_matrix_as_slogdet_and_inv():
    scipy_available("scipy.linalg")
    fn, _ = compiled("log det X", "X", "numpy")
    with pytest.raises(np.linalg.LinAlgError):          # np.linalg.inv(X) raised this before
        fn(SINGULAR)
    ns = {}
    exec(compile(matcalc.grad("log det X", "X", check=False).to_code(), "<generated>", "exec"), ns)
    f = ns["_lu"](SINGULAR)
    assert ns["_lu_logdet"](f) == np.linalg.slogdet(SINGULAR)[1] == -np.inf
    fn, _ = compiled("det X", "X", "numpy")
    with pytest.raises(np.linalg.LinAlgError):
        fn(SINGULAR)
    fn, _ = compiled("x^T X^-1 x + log det X", "x", "numpy")
    with pytest.raises(np.linalg.LinAlgError):
        fn(SINGULAR, np.ones(3))


def test_numpy_non_finite_matrix_as_slogdet_and_inv():
    scipy_available("scipy.linalg")
    fn, _ = compiled("log det X", "X", "numpy")
    x = general(3)
    x[1, 2] = np.nan
    value, grad = fn(x)
    assert np.isnan(value) and np.isnan(grad).all()
    with np.errstate(invalid="ignore"):
        assert np.isnan(np.linalg.slogdet(x)[1]) and np.isnan(np.linalg.inv(x)).all()


def test_torch_singular_matrix_raises_as_inv():
    available("torch")
    import torch
    fn, _ = compiled("log det X", "X", "torch")
    with pytest.raises(torch.linalg.LinAlgError):
        fn(torch.tensor(SINGULAR))
    ns = {}
    exec(compile(matcalc.grad("log det X", "X", check=False).to_code("torch"), "<generated>", "exec"), ns)
    assert ns["_lu_logdet"](ns["_lu"](torch.tensor(SINGULAR))) == -float("inf")


def test_jax_singular_matrix_as_slogdet_and_inv():
    available("jax")
    import jax.numpy as jnp
    fn, _ = compiled("log det X", "X", "jax")
    value, grad = fn(jnp.asarray(SINGULAR))
    assert float(value) == float(jnp.linalg.slogdet(jnp.asarray(SINGULAR))[1]) == -np.inf
    assert not np.isfinite(np.asarray(grad)).all()             # as jnp.linalg.inv: no exception under jit


def test_not_positive_definite_spd_input():
    # a symmetric matrix with two negative eigenvalues: NumPy and PyTorch fall back to LU, JAX gives NaN
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    x = q @ np.diag([-1.0, -2.0, 0.5, 3.0]) @ q.T
    for target in TARGETS:
        if importlib.util.find_spec(target) is None:
            continue
        fn, _ = compiled("log det S", "S", target, where={"S": "n x n spd"})
        value, grad = (to_numpy(o) for o in fn(as_target(x, target)))
        if target == "jax":
            assert np.isnan(value) and np.isnan(grad).any()
        else:
            assert np.isclose(value, np.log(3.0)) and np.allclose(grad, np.linalg.inv(x))


@pytest.mark.parametrize("text, wrt, hessian", [("log det X", "X", False), ("log det X + tr(X^-1 C)", "X", True),
                                                ("det X", "X", False), ("x^T X^-1 x + log det X", "x", False)])
def test_numpy_lu_path_without_scipy(monkeypatch, text, wrt, hessian):
    without_scipy(monkeypatch)
    code, ns = numpy_outputs_match(text, wrt, hessian=hessian)
    assert "_lu(" in body(code) and ns["_lapack"] is None


def test_numpy_lu_helpers_match_linalg():
    scipy_available("scipy.linalg")
    p = importlib.import_module("matcalc.codegen.prelude.numpy")
    for sign in (1.0, -1.0):
        x = general(6, seed=9, sign=sign)
        b = np.random.default_rng(1).standard_normal((6, 2))
        f = p._lu(x)
        assert np.isclose(p._lu_logdet(f), np.linalg.slogdet(x)[1]) and np.isclose(p._lu_det(f), np.linalg.det(x))
        assert np.allclose(p._lu_inv(f), np.linalg.inv(x)) and np.allclose(p._lu_inv(f, 1), np.linalg.inv(x).T)
        assert np.allclose(p._lu_solve(f, b), np.linalg.solve(x, b))
        assert np.allclose(p._lu_solve(f, b[:, 0], 1), np.linalg.solve(x.T, b[:, 0]))
    assert p._lu_det(p._lu(SINGULAR)) == 0.0
    assert p._lu_logdet(p._lu(np.zeros((0, 0)))) == 0.0          # empty: np.linalg, as slogdet


# ---- emitted modules: standalone self-tests and framework rules --------------------------------
@pytest.mark.parametrize("target", TARGETS)
def test_standalone_log_det_modules_pass_their_check(target, tmp_path):
    available(target)
    paths = []
    for i, (text, wrt, hessian) in enumerate([("log det X", ["X"], False),
                                             ("log det X + tr(X^-1 C)", ["X"], True)]):
        source = matcalc.codegen(text, wrt, target=target, hessian=hessian, standalone=True, check=False)
        assert source.count("_lu(X)") == 1 and "slogdet(" not in source.split("def f_and_")[1].split("\ndef ")[0]
        path = tmp_path / f"logdet{i}_{target}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    for path, (code, output) in zip(paths, run_files(paths)):
        assert code == 0, f"exit {code}\n{output}\n{path.read_text()}"


@pytest.mark.parametrize("framework", ["jax", "torch"])
def test_framework_rules_factor_once_and_pass_their_check(framework, tmp_path):
    available(framework)
    paths = []
    for i, (text, wrt, where) in enumerate([("log det X + tr(X^-1 C)", ["X"], None),
                                           ("det X", ["X"], None),
                                           ("log det S + tr(S^-1 C)", ["S"], {"S": "n x n spd"})]):
        source = matcalc.codegen(text, wrt, where=where, rule=framework, check=False)
        joint = source.split("def f_and_gradients")[1].split("\ndef ")[0]
        assert joint.count("_lu(X)") + joint.count("_cholesky(S)") == 1 and "linalg" not in joint, joint
        path = tmp_path / f"rule{i}_{framework}.py"
        path.write_text(source, encoding="utf-8")
        paths.append(path)
    for path, (code, output) in zip(paths, run_files(paths)):
        assert code == 0 and output.rstrip().endswith(": ok"), f"exit {code}\n{output}\n{path.read_text()}"


# ---- one BLAS per function ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, wrt, where, hessian", [
    ("log det S + tr(S^-1 C)", "S", {"S": "n x n spd", "C": "n x n symmetric"}, False),
    ("log det X + tr(X^-1 C)", "X", None, False),
    ("x^T X^-1 x + log det X", "x", None, True),
])
def test_a_function_factoring_with_scipy_multiplies_with_scipy(text, wrt, where, hessian):
    """NumPy's and SciPy's wheels each bundle an OpenBLAS with its own thread pool: a function that
    factors with SciPy's LAPACK and multiplies with NumPy's `@` alternates between them, and on 2 cores
    each pool's spinning threads starve the other's (the Gaussian NLL gradient at n = 100: 8 ms with
    default threads, 0.15 ms with one). Its products go through SciPy's BLAS (`_mm`); a dot of two
    vectors stays `@`. Values against matcalc's evaluator."""
    code, ns = numpy_outputs_match(text, wrt, where=where, hessian=hessian)
    products = re.findall(r"[\w.)\]]+ @ [\w.(]+", body(code))
    assert "_mm(" in body(code) and all(p.split(" @ ")[0] in ("x", "(x") for p in products), code
    plain = body(matcalc.grad("tr(A X B X)", "X", check=False).to_code())     # no factor: NumPy's `@`
    assert "_mm(" not in plain and " @ " in plain
