"""Code from every kind of Result (issue 19's acceptance audit): a Hessian-vector product's and a
directional derivative's function is valid Python and right, a mixed second derivative's docstring
names both variables, a module that could not test itself is refused rather than written to fail,
and several gradients (`grad(f, [...])`, a dict of Results) give one joint function."""
import numpy as np
import pytest

import matcalc
from matcalc.errors import MatcalcError

RNG = np.random.default_rng(7)


def run(source, fname):
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return namespace[fname]


def test_a_hessian_vector_product_is_a_function_with_a_python_name():
    r = matcalc.hvp("x^T A x + sum(exp(x))", "x", "v")
    f = run(r.to_code(), "f_and_hessian_vector_product")
    A, v, x = RNG.standard_normal((4, 4)), RNG.standard_normal(4), RNG.standard_normal(4)
    value, hv = f(A, v, x)
    assert np.isclose(value, x @ A @ x + np.exp(x).sum())
    assert np.allclose(hv, (A + A.T) @ v + np.exp(x) * v)
    assert np.allclose(r.to_numpy()(A=A, v=v, x=x), hv)         # to_numpy used the same name


def test_a_directional_derivative_returns_the_value_and_the_slope():
    r = matcalc.directional("x^T A x", "x", "v")
    f = run(r.to_code("numpy"), "f_and_directional_derivative")
    A, v, x = RNG.standard_normal((3, 3)), RNG.standard_normal(3), RNG.standard_normal(3)
    assert np.allclose(f(A, v, x), (x @ A @ x, v @ (A + A.T) @ x))


def test_the_docstring_of_a_mixed_second_derivative_names_both_variables():
    source = matcalc.hessian("x^T A y", "x", wrt2="y").to_code()
    assert "w.r.t. x and y" in source and "∂²f/∂x∂y" in source
    assert "hessian: ∂²f/∂x², shape (n, n)" in matcalc.hessian("x^T A x", "x").to_code()


@pytest.mark.parametrize("make", [lambda: matcalc.hessian("x^T A x + sum(exp(x))", "x"),
                                  lambda: matcalc.hvp("x^T A x", "x", "v"),
                                  lambda: matcalc.directional("x^T A x", "x", "v")])
def test_a_module_that_could_not_check_itself_is_refused(make):
    # its self-test compares the output with differences of the value: it would fail a correct derivative
    with pytest.raises(MatcalcError, match="hessian=True"):
        make().to_code(standalone=True)


def test_several_gradients_from_the_results_dict_give_one_joint_function():
    text = "||tanh(W x + b) - y||^2"
    results = matcalc.grad(text, ["W", "b"])
    assert results.to_code("torch") == matcalc.codegen(text, ["W", "b"], target="torch", check=False)
    f = run(results.to_code(), "f_and_gradients")
    W, b, x, y = RNG.standard_normal((3, 2)), RNG.standard_normal(3), RNG.standard_normal(2), RNG.standard_normal(3)
    value, grads = f(W, b, x, y)
    expected = {name: r.to_numpy()(W=W, b=b, x=x, y=y) for name, r in results.items()}
    assert sorted(grads) == ["W", "b"] and all(np.allclose(grads[k], expected[k]) for k in grads)
    assert results["W"].to_code(rule="torch") == matcalc.codegen(text, "W", rule="torch", check=False)
    assert "def test_f" in results.to_code(rule="jax") and "def check_derivatives" in results.to_code(standalone=True)
    from matcalc.display import Results
    with pytest.raises(MatcalcError, match="rule of a layer"):      # Jacobians cannot make a layer's rule
        Results({"W": matcalc.jacobian("softmax(W x)", "W")}).to_code(rule="torch")


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_several_variables_with_the_hessian_return_its_blocks(target):
    from test_codegen_fuzz import available
    available(target)
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)       # second differences need double precision
    text = "||tanh(W x + b) - y||^2"
    f = run(matcalc.codegen(text, ["W", "b"], target=target, hessian=True), "f_and_gradients")
    m, n = 3, 2
    P = {"W": RNG.standard_normal((m, n)), "b": RNG.standard_normal(m), "x": RNG.standard_normal(n),
         "y": RNG.standard_normal(m)}
    convert = {"numpy": np.asarray, "jax": lambda a: __import__("jax.numpy").numpy.asarray(a),
               "torch": lambda a: __import__("torch").as_tensor(a, dtype=__import__("torch").float64)}[target]

    def value(z):      # f at z = [vec(W) column-major, b]
        W, b = z[:m * n].reshape((m, n), order="F"), z[m * n:]
        return float(np.asarray(f(*map(convert, (W, b, P["x"], P["y"])))[0]))
    out = f(*map(convert, (P["W"], P["b"], P["x"], P["y"])))
    assert len(out) == 3 and sorted(out[1]) == ["W", "b"] and sorted(out[2]) == [("W", "W"), ("W", "b"), ("b", "b")]
    H = {k: np.asarray(v) for k, v in out[2].items()}
    full = np.block([[H["W", "W"], H["W", "b"]], [H["W", "b"].T, H["b", "b"]]])
    z, h, N = np.concatenate([P["W"].reshape(-1, order="F"), P["b"]]), 1e-4, m * n + m
    E = np.eye(N) * h
    second = np.array([[(value(z + E[i] + E[j]) - value(z + E[i] - E[j]) - value(z - E[i] + E[j])
                         + value(z - E[i] - E[j])) / (4 * h * h) for j in range(N)] for i in range(N)])
    assert np.allclose(full, second, atol=1e-6)


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_times_v_returns_the_hessian_vector_product(target):
    from test_codegen_fuzz import available
    available(target)
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    source = matcalc.codegen("||tanh(W x + b) - y||^2", "W", target=target, times="V")
    assert "Returns (value, gradient, hvp)" in source
    f = run(source, "f_and_derivatives")
    convert = {"numpy": np.asarray, "jax": lambda a: __import__("jax.numpy").numpy.asarray(a),
               "torch": lambda a: __import__("torch").as_tensor(a, dtype=__import__("torch").float64)}[target]
    V, W, b, x, y = (RNG.standard_normal(s) for s in [(3, 2), (3, 2), 3, 2, 3])
    value, g, hv = (np.asarray(o) for o in f(*map(convert, (V, W, b, x, y))))
    h = 1e-6           # the gradient's central difference along V, independently of matcalc

    def gradient(W):
        t = np.tanh(W @ x + b)
        return np.outer(2 * (1 - t ** 2) * (t - y), x)
    assert np.allclose(g, gradient(W)) and np.allclose(hv, (gradient(W + h * V) - gradient(W - h * V)) / (2 * h),
                                                       atol=1e-7)


def test_a_notebook_shows_generated_code_as_a_code_block():
    for source in (matcalc.codegen("||A x - b||^2", "x", check=False), matcalc.grad("x^T x", "x").to_code("jax"),
                   matcalc.grad("x^T A y", ["x", "y"]).to_code()):
        assert isinstance(source, str) and source._repr_markdown_() == f"```python\n{source}\n```"
