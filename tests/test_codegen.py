"""Generated code (NumPy always; JAX and PyTorch when installed, always in CI): executed and compared
with finite differences of its own value and with matcalc's evaluator, for every identity table."""
import importlib.util
import os
import re
import sys

import numpy as np
import pytest

import matcalc
from matcalc.check import dim_symbols, direction, sample_sizes, sample_value
from matcalc import numeric
from matcalc.numeric import evaluate
from test_cookbook import ROWS as COOKBOOK
from test_identities import ROWS as IDENTITIES
from test_jacobians import HESSIANS, JACOBIANS

REQUIRE_ALL = os.environ.get("MATCALC_REQUIRE_ALL") == "1"


def target_available(name):
    module = {"numpy": "numpy", "jax": "jax", "torch": "torch"}[name]
    if importlib.util.find_spec(module) is None:
        if REQUIRE_ALL:
            pytest.fail(f"{module} is required in CI (MATCALC_REQUIRE_ALL=1) but not installed")
        pytest.skip(f"{module} is not installed")


CASES = [("grad", r[0], r[1], r[2]) for r in IDENTITIES]
CASES += [("jacobian", r[0], r[1], None) for r in JACOBIANS]
CASES += [("hessian", r[0], r[1], r[2]) for r in HESSIANS]
CASES += [("grad", r.expr, r.wrt, r.decl) for r in COOKBOOK if r.domain is None and r.xfail is None]
SPD = {"S": "n x n spd"}
# the evaluation plan's rules (matcalc/codegen/plan.py) and the NumPy helpers, on every target
PLAN = [
    ("grad", "x^T (A + B^T) x", "x", None),                 # a sum times a vector, distributed
    ("grad", "y^T (A - 2 B) x", "x", None),                  # ... with a coefficient, row on the left
    ("grad", "x^T (A + I) x", "x", None),                    # I x = x
    ("hessian", "1/2 x^T A x", "x", None),                   # the value from the gradient
    ("hessian", "x^T A x + b^T x", "x", None),
    ("hessian", "z^T (W + W^T) z", "z", None),
    ("grad", "x^T A B C x", "x", None),                      # chain order
    ("grad", "x^T u v^T M x", "x", None),
    ("grad", "x^T diag(a) diag(b) x", "x", {"a": "n", "b": "n"}),
    ("jacobian", "a .* (A x)", "x", None),
    ("grad", "tr(A X B X^T)", "X", None),
    ("grad", "(x - mu)^T S^-1 (x - mu)", "x", SPD),          # Cholesky: solves
    ("hessian", "(x - mu)^T S^-1 (x - mu)", "x", SPD),       # ... and the inverse from the same factor
    ("grad", "tr(A S^-1 B)", "A", SPD),                      # M S⁻¹ = (S⁻¹ Mᵀ)ᵀ
    ("grad", "log det S + tr(S^-1 A)", "S", SPD),            # log det, inverse and solves: one factor
    ("grad", "log det X + tr(X^-1 C)", "X", None),           # ... one LU for a general X (factors.py)
    ("hessian", "log det X", "X", None),
    ("grad", "det X", "X", None),
    ("grad", "x^T X^-1 x + log det X", "x", None),           # X⁻ᵀ x: a transposed solve, no inverse
    ("grad", "logsumexp(A x)", "x", None),                   # logsumexp and softmax: one exp
    ("hessian", "logsumexp(A x + b)", "x", None),
    ("grad", "logsumexp(x) - y^T softmax(x)", "x", None),
    ("grad", "sum(sigmoid(X w))", "w", None),
    ("grad", "(x ⊗ y)^T z", "z", None),                      # a Kronecker product of vectors is 1-D
    ("jacobian", "(x ⊗ y) w^T", "w", None),
]
CASES += PLAN


def to_target(a, target):
    if target == "jax":
        import jax.numpy as jnp
        return jnp.asarray(a)
    if target == "torch":
        import torch
        return torch.tensor(a, dtype=torch.float64)
    return a


def to_numpy(a):
    if hasattr(a, "detach"):
        a = a.detach().numpy()
    return np.asarray(a, dtype=float)


def run_generated(result, target, hessian=False):
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    source = result.to_code(target, hessian=hessian)
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return next(v for k, v in namespace.items() if k.startswith("f_and_")), source


def point(result, seed=3):
    rng = np.random.default_rng(seed)
    exprs = [result.function, result.expr]
    sizes = sample_sizes(dim_symbols(exprs), rng)
    variables = sorted({v for e in exprs for v in e.free}, key=lambda v: v.name)
    for mode in ["plain"] * 10 + ["spd"] * 10:
        env = {v: sample_value(v, sizes, rng, mode) for v in variables}
        if np.all(np.isfinite(evaluate(result.function, env, sizes))) and \
                np.all(np.isfinite(evaluate(result.expr, env, sizes))):
            return env, sizes, rng
    pytest.fail(f"no point where {result.function} and its derivative are finite: the case tests nothing")


def args_for(variables, env, target):
    return [to_target(env[v].reshape(()) if v.is_scalar else env[v].reshape(-1) if v.is_vector else env[v], target)
            for v in variables]


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("kind, text, wrt, where", CASES, ids=[f"{c[0]}:{c[1]}:d{c[2]}" for c in CASES])
def test_generated_code(kind, text, wrt, where, target):
    target_available(target)
    fn = {"grad": matcalc.grad, "jacobian": matcalc.jacobian, "hessian": matcalc.hessian}[kind]
    result = fn(text, wrt, where=where, check=False)
    if kind == "hessian":   # the Hessian's code is generated from the function, with the gradient
        base = matcalc.grad(text, wrt, where=where, check=False)
        generated, source = run_generated(base, target, hessian=True)
    else:
        generated, source = run_generated(result, target)
    from matcalc.codegen import variables_of
    variables = variables_of(*([result.function, result.expr] if kind != "hessian"
                               else [result.function, result.gradient, result.expr]))
    env, sizes, rng = point(result)
    out = [to_numpy(o) for o in generated(*args_for(variables, env, target))]
    value, deriv = out[0], out[-1]
    assert np.allclose(value, evaluate(result.function, env, sizes).reshape(value.shape)), source
    want = evaluate(result.expr, env, sizes)
    assert np.allclose(deriv.reshape(want.shape), want, rtol=1e-8, atol=1e-10), source
    # finite differences of the generated value (or gradient) along a random direction
    x0, d = env[result.wrt], direction(result.wrt, sizes, rng)

    def f_at(x):
        vals = generated(*args_for(variables, {**env, result.wrt: x}, target))
        return to_numpy(vals[1] if kind == "hessian" else vals[0]).reshape(-1, order="F")   # column-major vec
    t = 1e-5
    fd = (f_at(x0 + t * d) - f_at(x0 - t * d)) / (2 * t)
    if kind == "grad":
        analytic = np.array([np.sum(want * d)])
    else:
        analytic = (want @ d.reshape(-1, 1, order="F")).reshape(-1)
    scale = np.linalg.norm(want) * np.linalg.norm(d) + np.max(np.abs(fd)) + 1e-12
    assert np.max(np.abs(fd - analytic)) <= 1e-5 * scale, source


def test_python_keywords_and_builtins_as_names():
    where = {"lambda": "scalar", "class": "n", "len": "n x n", "in": "n"}
    r = matcalc.grad("class^T len class + lambda in^T in", "class", where=where)
    assert r.check().passed
    source = r.to_code("numpy")
    assert "def f_and_gradient(class_, in_, lambda_, len_)" in source
    f = r.to_numpy()
    rng = np.random.default_rng(0)
    c, L, i = rng.standard_normal(3), rng.standard_normal((3, 3)), rng.standard_normal(3)
    assert np.allclose(f(**{"class": c, "len": L, "in": i, "lambda": 2.0}), (L + L.T) @ c)


def test_generated_code_shares_subexpressions_and_avoids_diag():
    src = matcalc.grad("||A x - b||^2", "x", check=False).to_code()
    assert src.count("A @ x") == 1                       # A x - b computed once for value and gradient
    src = matcalc.hessian("sum(log(1 + exp(X w))) - y^T X w", "w", check=False)
    code = matcalc.grad("sum(log(1 + exp(X w))) - y^T X w", "w", check=False).to_code(hessian=True)
    assert "np.diag" not in code and "np.sqrt(" in code and re.search(r"(t\d+)\.T @ \1", code)  # syrk form
    code = matcalc.grad("logsumexp(x)", "x", check=False).to_code(hessian=True)
    assert "_add_diag(" in code and "np.diag(" not in code.split("def f_and")[1]   # diagonal added in place
    code = matcalc.grad("log det X", "X", where={"X": "n x n spd"}, check=False).to_code()
    assert "_cholesky(X)" in code and "np.linalg.inv(X)" not in body(code)        # Cholesky, not inv
    assert "trace" not in matcalc.grad("tr(A X B X)", "X", check=False).to_code()


def body(code):
    """The generated function after its docstring (the prelude holds only the helpers it calls)."""
    return code.split('"""')[-1]


def numpy_outputs_match(text, wrt, where=None, hessian=False, env=None, seed=5, **exec_kw):
    """Run the generated NumPy function; compare value, derivative(s) with matcalc's evaluator."""
    result = matcalc.grad(text, wrt, where=where, check=False)
    code = result.to_code(hessian=hessian)
    namespace = {}
    exec(compile(code, "<generated>", "exec"), namespace)
    fn = next(v for k, v in namespace.items() if k.startswith("f_and_"))
    exprs = [result.function, result.expr]
    if hessian:
        exprs.append(matcalc.hessian(text, wrt, where=where, check=False).expr)
    from matcalc.codegen import variables_of
    variables = variables_of(*exprs)
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    env = {v: (env or {}).get(v.name, None) for v in variables}
    env = {v: a if a is not None else sample_value(v, sizes, rng, "plain") for v, a in env.items()}
    got = fn(*args_for(variables, env, "numpy"))
    for out, e in zip(got, exprs):
        want = evaluate(e, env, sizes)
        assert np.allclose(np.reshape(out, want.shape), want, rtol=1e-9, atol=1e-11), code
    return code, namespace


def test_matrix_sum_times_vector_is_distributed():
    # (A + Aᵀ) x = A x + Aᵀ x: no n×n sum; A x is shared with the value xᵀ A x
    code, _ = numpy_outputs_match("x^T A x", "x")
    assert "A + A.T" not in body(code) and body(code).count("A @ x") == 1
    code, _ = numpy_outputs_match("p^T (M + N^T) q", "q")        # row times a sum: Mᵀp + N p
    assert not re.search(r"\bM \+ N\b|\bM\.T \+ N\b", body(code)) and "np.eye" not in body(code)
    code, _ = numpy_outputs_match("z^T (W + W^T + I) z", "z")
    assert "W + W.T" not in body(code) and "np.eye" not in body(code)


def test_matrix_sum_needed_whole_is_formed_once():
    # the Hessian A + Aᵀ is computed anyway: the gradient multiplies it, the value is ½ xᵀ g
    code, _ = numpy_outputs_match("x^T A x", "x", hessian=True)
    assert body(code).count("A + A.T") == 1 and "A @ x" not in body(code)
    code, _ = numpy_outputs_match("1/2 x^T A x + c^T x", "x", hessian=True)
    assert body(code).count("A + A.T") == 1 and "A @ x" not in body(code)


def test_products_in_the_cheap_order():
    code, _ = numpy_outputs_match("x^T A B C x", "x")              # only matrix-vector products
    assert not re.search(r"\b[ABC](\.T)? @ [ABC]\b", body(code))
    code, _ = numpy_outputs_match("||u v^T M x||^2", "x")         # u (vᵀ M x), no outer product
    assert "outer" not in body(code)
    code, _ = numpy_outputs_match("x^T diag(a) diag(b) x", "x", where={"a": "n", "b": "n"})
    assert "np.diag" not in body(code)


def scipy_available(module):
    """SciPy is optional at run time (the NumPy code falls back without it), but CI has it (JAX needs it)."""
    if importlib.util.find_spec("scipy") is None:
        if REQUIRE_ALL:
            pytest.fail("scipy is required in CI (MATCALC_REQUIRE_ALL=1) but not installed")
        pytest.skip("scipy is not installed")
    return importlib.import_module(module)


def test_spd_log_det_factors_once():
    scipy_available("scipy.linalg")
    code, ns = numpy_outputs_match("log det X", "X", where={"X": "n x n spd"})
    b = body(code)
    assert b.count("_cholesky(") == 1 and "slogdet" not in b and "inv(" not in b.replace("_cho_inv(", "")
    code, _ = numpy_outputs_match("log det S + tr(S^-1 A) + y^T S^-1 y", "S", where=SPD)
    assert body(code).count("_cholesky(") == 1 and "np.linalg" not in body(code)
    code, _ = numpy_outputs_match("(x - mu)^T S^-1 (x - mu)", "x", where=SPD, hessian=True)
    assert body(code).count("_cholesky(") == 1 and "np.linalg" not in body(code)


def test_spd_log_det_not_positive_definite_falls_back():
    # a symmetric matrix with two negative eigenvalues: log det is defined, Cholesky fails
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    x = q @ np.diag([-1.0, -2.0, 0.5, 3.0]) @ q.T
    code, ns = numpy_outputs_match("log det X", "X", where={"X": "n x n spd"}, env={"X": x})
    value, grad = ns["f_and_gradient"](x)
    assert np.isclose(value, np.log(6.0 * 0.5)) and np.allclose(grad, np.linalg.inv(x))


def without_scipy(monkeypatch):
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")] + ["scipy"]:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize("text, wrt, where, hessian", [
    ("log det X", "X", {"X": "n x n spd"}, False),
    ("log det S + tr(S^-1 A) + y^T S^-1 y", "S", SPD, False),
    ("(x - mu)^T S^-1 (x - mu)", "x", SPD, True),
    ("sum(log(1 + exp(X w))) - y^T X w", "w", None, True),
])
def test_numpy_alone_without_scipy(monkeypatch, text, wrt, where, hessian):
    without_scipy(monkeypatch)
    code, ns = numpy_outputs_match(text, wrt, where=where, hessian=hessian)
    assert "_lapack" not in ns or ns["_lapack"] is None
    assert "_sigmoid" not in ns or not hasattr(ns["_sigmoid"], "types")     # the NumPy σ, not a ufunc


def test_sigmoid_is_expit_when_scipy_is_importable():
    special = scipy_available("scipy.special")
    code, ns = numpy_outputs_match("sum(log(1 + exp(X w))) - y^T X w", "w")
    assert ns["_sigmoid"] is special.expit
    u = np.array([-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0])
    assert np.allclose(ns["_sigmoid"](u), numeric._sigmoid(u), rtol=1e-14, atol=0)   # both tails


def test_logsumexp_and_softmax_share_one_exp():
    for hessian in (False, True):
        code, _ = numpy_outputs_match("logsumexp(x)", "x", hessian=hessian)
        assert code.count("np.exp(") == 1 and "_logsumexp_softmax(x)" in body(code)
    # the Hessian diag(s) − s sᵀ: one n×n array (the negation scales s), the diagonal added in place
    assert "np.outer" not in code and not re.search(r"-\(?np\.", body(code))
    assert re.search(r"np\.einsum\(\"i,j->ij\", \(?-t\d+\)?, t\d+\)", body(code)) and "_add_diag(" in body(code)
