"""Generated code (NumPy always; JAX and PyTorch when installed, always in CI): executed and compared
with finite differences of its own value and with matcalc's evaluator, for every identity table."""
import importlib.util
import os
import re

import numpy as np
import pytest

import matcalc
from matcalc.check import dim_symbols, direction, sample_sizes, sample_value
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
    pytest.skip("no valid point")


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
    assert "_spd_inv(X)" in code                                                   # Cholesky, not inv
    assert "trace" not in matcalc.grad("tr(A X B X)", "X", check=False).to_code()
