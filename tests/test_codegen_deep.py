"""Generated code for deep compositions (issue 19): a 120-layer gradient's code hit Python's parser
limit ("too many nested parentheses", 200 levels). The generator makes the inner parts temporaries,
so no line nests brackets deeper than its bound, whatever the depth of the expression."""
import io
import tokenize

import numpy as np
import pytest

import matcalc
from matcalc.codegen.code_text import MAX_NESTING
from test_codegen_fuzz import available
from test_deep import backprop_W1, network

L = 200


@pytest.fixture(scope="module")
def deep():
    return matcalc.grad(network(L), "W1", check=False)


def deepest_brackets(source):
    """The deepest bracket nesting of the code, by Python's own tokenizer (strings do not count)."""
    depth = deepest = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
    return deepest


def test_to_numpy_of_a_200_layer_gradient_runs_and_matches_backpropagation(deep):
    rng = np.random.default_rng(0)
    n = 4
    W = [1.5 * rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(L)]
    b = [0.5 * rng.standard_normal(n) for _ in range(L)]
    x = rng.standard_normal(n)
    gradient = deep.to_numpy()
    got = gradient(x=x, **{f"W{i + 1}": W[i] for i in range(L)}, **{f"b{i + 1}": b[i] for i in range(L)})
    want = backprop_W1(W, b, x)
    assert np.max(np.abs(want)) > 0
    assert np.max(np.abs(got - want)) <= 1e-8 * np.max(np.abs(want))
    assert deepest_brackets(gradient.source) <= MAX_NESTING + 2


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_the_code_of_a_200_layer_gradient_compiles_for_every_target(deep, target):
    source = deep.to_code(target)
    compile(source, f"<{target}>", "exec")
    assert deepest_brackets(source) <= MAX_NESTING + 2


def test_a_joint_function_of_a_200_layer_network_runs_in_jax():
    available("jax")
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    source = matcalc.codegen(network(L), ["W1", f"b{L}"], target="jax", check=False)
    namespace = {}
    exec(compile(source, "<jax>", "exec"), namespace)
    rng = np.random.default_rng(1)
    n = 3
    values = {"x": rng.standard_normal(n),
              **{f"W{i}": rng.standard_normal((n, n)) / np.sqrt(n) for i in range(1, L + 1)},
              **{f"b{i}": rng.standard_normal(n) for i in range(1, L + 1)}}
    names = sorted(values)
    value, grads = namespace["f_and_gradients"](*[jnp.asarray(values[k]) for k in names])
    W = [values[f"W{i}"] for i in range(1, L + 1)]
    b = [values[f"b{i}"] for i in range(1, L + 1)]
    assert np.allclose(grads["W1"], backprop_W1(W, b, values["x"]), atol=1e-12)
