"""Generated code of fuzzed gradients, executed: it runs and agrees with matcalc's own evaluator.

Random scalar functions come from tests/strategies.py; some of their scalar subterms are wrapped in
a shape operation that is the identity on a 1×1 value (ᵀ, tr, vec, diag, det, sum, ⊗ a number …),
the way people write `(riskless)'` for a declared scalar. The gradient (and, for unstructured
variables, sometimes the Hessian) is generated for a target, executed at a random point, and
compared with `matcalc.numeric.evaluate` of the same outputs. Scalar variables are passed as plain
Python floats to NumPy and JAX (what a user passes), as 0-d tensors to PyTorch.

The runs are derandomized; MATCALC_FUZZ_EXAMPLES sets the NumPy example count (default 60, what CI
runs); JAX and PyTorch run a quarter of it (they are slower to call). A long run:

    MATCALC_FUZZ_EXAMPLES=5000 python -m pytest tests/test_codegen_fuzz.py
"""
import importlib.util
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings, strategies as st

import matcalc
from matcalc import expr as E
from matcalc.codegen import variables_of
from matcalc.errors import MatcalcError
from matcalc.numeric import evaluate
from matcalc.sampling import dim_symbols, sample_sizes, sample_value
from strategies import scalars

EXAMPLES = int(os.environ.get("MATCALC_FUZZ_EXAMPLES", "60"))
STRUCTURED = {"symmetric", "spd", "diagonal"}

# shape operations that leave a 1×1 value as it is (the scalar must stay positive for log det)
ON_SCALARS = [
    lambda s: E.Transpose(s), lambda s: E.Trace(s), lambda s: E.Vec(s), lambda s: E.Sum(s),
    lambda s: E.DiagVec(s), lambda s: E.DiagMat(s), lambda s: E.Det(s), lambda s: E.Kron(E.Num(2), s),
    lambda s: E.MatPow(s, 2), lambda s: E.Inverse(E.Add(E.Num(3), E.Apply("tanh", s))),
    lambda s: E.Softmax(s), lambda s: E.LogSumExp(s), lambda s: E.Norm(s, 1),
]


@st.composite
def functions(draw):
    """A random scalar function with some scalar subterms under a shape operation."""
    f = draw(scalars())
    chosen = {}
    for e in E.nodes(f):
        if e.is_scalar and draw(st.integers(0, 4)) == 0:
            chosen[e] = draw(st.sampled_from(range(len(ON_SCALARS))))
    memo = {}

    def go(e):
        if e not in memo:
            out = e.rebuild([go(c) for c in e.children]) if e.children else e
            memo[e] = ON_SCALARS[chosen[e]](out) if e in chosen else out
        return memo[e]
    return go(f)


def settings_for(target):
    n = EXAMPLES if target == "numpy" else max(EXAMPLES // 4, 10)
    return settings(max_examples=n, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def available(target):
    if importlib.util.find_spec(target) is None:
        if os.environ.get("MATCALC_REQUIRE_ALL") == "1":
            pytest.fail(f"{target} is required in CI (MATCALC_REQUIRE_ALL=1) but not installed")
        pytest.skip(f"{target} is not installed")


def compiled(source, target):
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return next(v for k, v in namespace.items() if k.startswith("f_and_"))


def argument(v, a, target):
    if v.is_scalar:
        a = float(a.reshape(()))
        if target == "torch":
            import torch
            return torch.tensor(a, dtype=torch.float64)
        return a
    a = a.reshape(-1) if v.is_vector else a
    if target == "jax":
        import jax.numpy as jnp
        return jnp.asarray(a)
    if target == "torch":
        import torch
        return torch.tensor(a, dtype=torch.float64)
    return a


def as_array(a):
    if hasattr(a, "detach"):
        a = a.detach().numpy()
    return np.asarray(a, dtype=float)


def close(got, want, rtol=1e-7):
    scale = 1 + float(np.max(np.abs(want)))
    return got.size == want.size and bool(np.all(np.abs(got.reshape(want.shape) - want) <= rtol * scale))


def generated_code_agrees(target, data):
    f = data.draw(functions(), label="f")
    names = sorted(v.name for v in f.free if isinstance(v, E.Var))
    assume(names)
    wrt = data.draw(st.sampled_from(names), label="wrt")
    var = next(v for v in f.free if isinstance(v, E.Var) and v.name == wrt)
    hessian = not (var.props & STRUCTURED) and data.draw(st.booleans(), label="hessian")
    try:
        r = matcalc.grad(f, wrt, check=False)
        outputs = [r.function, r.expr]
        if hessian:
            outputs.append(matcalc.hessian(f, wrt, check=False).expr)
    except MatcalcError as err:         # refused derivations are the other fuzzers' business
        note(f"refused: {err}")
        assume(False)
    source = r.to_code(target, hessian=hessian)
    note(f"{f} w.r.t. {wrt}{' with the Hessian' if hessian else ''}:\n{source}")
    fn = compiled(source, target)
    variables = variables_of(*outputs)
    rng = np.random.default_rng(data.draw(st.integers(0, 10**6), label="seed"))
    sizes = sample_sizes(dim_symbols(outputs), rng)
    env = {v: sample_value(v, sizes, rng, "plain") for v in variables}
    wants = [evaluate(o, env, sizes) for o in outputs]
    assume(all(np.all(np.isfinite(w)) and np.max(np.abs(w)) < 1e8 for w in wants))
    with np.errstate(all="ignore"):
        got = fn(*[argument(v, env[v], target) for v in variables])
    assert len(got) == len(outputs)
    for label, g, w in zip(["value", "gradient", "hessian"], got, wants):
        g = as_array(g)
        assert close(g, w), f"{label} of {f} w.r.t. {wrt} ({target}): {g} != {w}\n{source}"


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_generated_code_of_fuzzed_gradients_runs_and_agrees(target):
    available(target)

    @settings_for(target)
    @given(data=st.data())
    def run(data):
        generated_code_agrees(target, data)
    run()


# ---- what the fuzzer found, pinned --------------------------------------------------------------
REGRESSIONS = [
    ("||a x||^4", "x", {"a": "scalar"}),                     # `a * x @ a * x`: an operand without ( )
    ("(riskless)' * x^T x", "x", {"riskless": "scalar"}),     # `riskless.T` on a float
    ("tr(c) + det(c) + vec(c)^T vec(c) + c^-1 + logdet(c)", "c", {"c": "scalar"}),
    ("(2 ⊗ x)^T x + sum(c) + tr(c^2)", "x", {"c": "scalar"}),
    ("tr(S^-1 S^-1)", "S", {"S": "n x n spd"}),               # two inverses meeting in a chain
    ("x^T S^-1 diag(v) x + x^T diag(v) A^-1 x", "x", {"S": "n x n spd"}),   # an inverse meeting a diagonal
    ("x^T x * log(1 + softmax(c))", "x", {"c": "scalar"}),    # softmax of a 1×1 value is 1
    ("x^T x * exp(1/2) + sum(x) * tanh(3)", "x", None),        # torch.exp(0.5): a float, not a tensor
]


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("text, wrt, where", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_generated_code_found_broken_by_the_fuzzer(text, wrt, where, target):
    available(target)
    r = matcalc.grad(text, wrt, where=where, check=False)
    outputs = [r.function, r.expr]
    fn = compiled(r.to_code(target), target)
    variables = variables_of(*outputs)
    rng = np.random.default_rng(1)
    sizes = sample_sizes(dim_symbols(outputs), rng)
    env = {v: sample_value(v, sizes, rng, "spd") for v in variables}
    env = {v: np.abs(a) + 0.5 if v.is_scalar else a for v, a in env.items()}     # logdet(c), c^-1: c > 0
    got = fn(*[argument(v, env[v], target) for v in variables])
    for g, o in zip(got, outputs):
        assert close(as_array(g), evaluate(o, env, sizes)), r.to_code(target)
