"""Generated code people read and ship (issue 19): the user's names (Greek included) where Python
allows them, docstrings that say what is returned and what inputs are trusted, nothing computed
twice."""
import re

import numpy as np
import pytest

import matcalc
from test_codegen_snapshots import CASES as SNAPSHOT_CASES, TARGETS, generated


def body(source):
    return source.split('"""')[-1]


def docstring(source):
    return source.split("def f_and")[1].split('"""')[1]


def test_greek_names_stay_as_written():
    src = matcalc.codegen("(x - μ)^T Σ^-1 (x - μ) + λ ||μ||^2", "μ", where={"Σ": "n x n spd", "λ": "scalar"},
                          check=False)
    assert "def f_and_gradient(x, Σ, λ, μ):" in src and "u03a3" not in src
    namespace = {}
    exec(compile(src, "<generated>", "exec"), namespace)
    rng = np.random.default_rng(0)
    b = rng.standard_normal((3, 3))
    S, x, mu = b @ b.T + np.eye(3), rng.standard_normal(3), rng.standard_normal(3)
    value, grad = namespace["f_and_gradient"](x, S, 0.5, mu)
    assert np.allclose(grad, -2 * np.linalg.solve(S, x - mu) + mu)


def test_names_python_would_read_differently_are_spelled_in_ascii():
    # Python reads identifiers under NFKC: ℓ would be l and the ohm sign Ω the Greek Ω, other names
    from matcalc.codegen.names import sanitize
    taken = set()
    assert [sanitize(n, taken) for n in ["Ω", "\u2126", "ℓ", "l", "x'", "lambda"]] == \
        ["Ω", "u2126", "u2113", "l", "x_", "lambda_"]


def test_docstrings_say_what_is_returned():
    src = matcalc.grad("x^T A x", "x", check=False).to_code("torch", hessian=True)
    doc = docstring(src)
    assert doc.startswith("gradient and Hessian of x^T A x w.r.t. x")
    assert "Returns (value, gradient, hessian):" in doc and "hessian: ∂²f/∂x², shape (n, n)" in doc
    doc = docstring(matcalc.codegen("||tanh(W x + b) - y||^2", ["W", "b"], check=False))
    assert "grads['W'] = ∂f/∂W, shape (m, n) like W" in doc and "grads['b'] = ∂f/∂b, shape (m,) like b" in doc
    doc = docstring(matcalc.jacobian("A X B", "X", check=False).to_code())
    assert "(on column-major vec(X))" in doc


def test_trusted_inputs_are_documented():
    doc = docstring(matcalc.grad("log det S", "S", where={"S": "n x n spd"}, check=False).to_code())
    assert "only its lower triangle" in doc
    doc = docstring(matcalc.grad("x^T D x + sum(log(p))", "x", where={"D": "n x n diagonal", "p": "n positive"},
                                 check=False).to_code())
    assert "D is diagonal" in doc and "p is positive" in doc


def calls(text):
    """Every call `name(...)` in the text, with balanced brackets."""
    out = []
    for m in re.finditer(r"[\w.]+\(", text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        out.append(text[m.start():i])
    return out


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", list(SNAPSHOT_CASES))
def test_nothing_is_computed_twice(name, target):
    found = calls(body(generated(name, target)))
    cheap = ("np.eye(", "jnp.eye(", "torch.eye(")       # and .contiguous(), a view of a contiguous tensor
    twice = {c for c in found if found.count(c) > 1 and not c.startswith(cheap) and not c.endswith(".contiguous()")}
    assert not twice, f"computed twice in {name} ({target}): {twice}"


def test_to_numpy_computes_the_derivative_alone_and_still_asks_for_every_variable():
    """Issue 19: to_numpy() computed the value and threw it away (1.1–1.3× the time, 2–3× at n = 100)."""
    gradient = matcalc.grad("sum(log(x)) + a^T x", "x").to_numpy()
    body = gradient.source.split('"""')[-1]
    assert "log" not in body and "return" in body
    assert np.allclose(gradient(x=np.array([1.0, 2.0]), a=np.array([3.0, 4.0])), [4.0, 4.5])
    constant = matcalc.grad("a^T x", "x").to_numpy()        # the gradient a has no x, the function does
    with pytest.raises(TypeError, match="x"):
        constant(a=np.ones(2))
