"""Chain rule through declared functions: g: Rⁿ → Rᵐ gets its Jacobian J_g, h: scalar → scalar gets h′."""
import numpy as np
import pytest

import matcalc

G = {"g": "function n -> m"}
H = {"h": "function scalar -> scalar"}


def test_vector_function():
    r = matcalc.grad("||g(x) - y||^2", "x", where=G)
    assert str(r) == "2 J_g(x)^T (g(x) - y)" and r.check().passed
    assert r.latex() == r"2 J_{g}\mathopen{}\left(x\right)\mathclose{}^{\top} \left(g\mathopen{}\left(x\right)\mathclose{} - y\right)"
    assert matcalc.parse(str(r), G) is r.expr                                   # prints back


def test_scalar_function_element_wise():
    r = matcalc.grad("sum(h(A x))", "x", where=H)
    assert str(r) == "A^T h'(A x)" and r.check().passed
    hess = matcalc.hessian("sum(h(x))", "x", where=H)
    assert str(hess) == "diag(h''(x))" and hess.check().passed
    assert matcalc.parse("h''(x)", H) is hess.expr.arg


def test_jacobian_through_a_function():
    r = matcalc.jacobian("A g(x)", "x", where=G)
    assert str(r) == "A J_g(x)" and r.check().passed


def test_a_function_of_a_scalar_result():
    r = matcalc.grad("f(W x)", "W", where={"f": "function m -> scalar"})
    assert str(r) == "J_f(W x)^T x^T" and r.check().passed


def test_generated_code_takes_the_function_and_its_jacobian():
    f = matcalc.grad("||g(x) - y||^2", "x", where=G, check=False).to_numpy()
    rng = np.random.default_rng(0)
    M, x, y = rng.standard_normal((2, 3)), rng.standard_normal(3), rng.standard_normal(2)
    got = f(x=x, y=y, g=lambda u: np.tanh(M @ u), J_g=lambda u: (1 - np.tanh(M @ u) ** 2)[:, None] * M)
    J = (1 - np.tanh(M @ x) ** 2)[:, None] * M
    assert np.allclose(got, 2 * J.T @ (np.tanh(M @ x) - y))


def test_errors():
    with pytest.raises(matcalc.ParseError, match="declared function"):
        matcalc.parse("g + x", G)
    with pytest.raises(matcalc.ShapeError):
        matcalc.parse("g(x) + g(A x)", {**G, "A": "p x q"})
    with pytest.raises(matcalc.DeclarationError, match="function n -> m"):
        matcalc.parse("g(x)", {"g": "function n to m"})
    with pytest.raises(matcalc.DiffError, match="second derivative"):
        matcalc.hessian("||g(x)||^2", "x", where=G)
