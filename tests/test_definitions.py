"""Definitions (matcalc/parse/definitions.py): `f where x = …`, `h = …; L = …`, `L(w) = …`, LaTeX
`\\quad C = …`. The derivative goes through every definition; each answer is compared with finite
differences of an independent NumPy function of the same inputs."""
import numpy as np
import pytest

import matcalc
from matcalc.errors import ParseError
from matcalc.parse import parse_full

rng = np.random.default_rng(7)
W1, b1, W2 = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal((2, 4))
x, y, z = rng.standard_normal(3), rng.standard_normal(2), rng.standard_normal(4)
S = rng.standard_normal((4, 4))
S = S @ S.T + np.eye(4)
V = rng.standard_normal((4, 2))


def mlp(W1):
    return np.sum((W2 @ np.tanh(W1 @ x + b1) - y) ** 2)


def softmax_loss(W1):
    u = W1 @ x
    s = np.exp(u - u.max()) / np.exp(u - u.max()).sum()
    return z @ s


def ppca(V):
    C = V @ V.T + 0.5 ** 2 * np.eye(4)
    return np.linalg.slogdet(C)[1] + np.trace(np.linalg.solve(C, S))


VALUES = dict(W1=W1, b1=b1, W2=W2, x=x, y=y, z=z, S=S, V=V, sigma=np.array(0.5))
CASES = [
    ("h = tanh(W1 x + b1); L = ||W2 h - y||^2", "W1", mlp),
    ("h = tanh(W1 x + b1)\nL = ||W2 h - y||^2", "W1", mlp),
    ("||W2 h - y||^2 where h = tanh(W1 x + b1)", "W1", mlp),
    ("L(W1) = ||W2 h - y||^2; h = tanh(W1 x + b1)", "W1", mlp),
    ("z^T s where s = softmax(u), u = W1 x", "W1", softmax_loss),
    (r"\|W2 h - y\|^2 \quad \text{where } h = \tanh(W1 x + b1)", "W1", mlp),
    (r"\mathcal{L}(V) = \log\det C + \operatorname{tr}(C^{-1} S) \quad C = V V^\top + \sigma^2 I", "V", ppca),
]


def finite_difference(f, X, E, t=1e-5):
    return (f(X + t * E) - f(X - t * E)) / (2 * t)


@pytest.mark.parametrize("text, wrt, reference", CASES, ids=[c[0] for c in CASES])
def test_the_derivative_goes_through_the_definitions(text, wrt, reference):
    result = matcalc.grad(text, wrt)
    assert result.check().status == "passed"
    names = {v: VALUES[v] for v in ("W1", "b1", "W2", "x", "y", "z", "S", "V") if v in text}
    if "sigma" in text:
        names["σ"] = VALUES["sigma"]      # \sigma is the name σ
    G = result.to_numpy()(**names)
    E = rng.standard_normal(VALUES[wrt].shape)
    assert np.isclose(np.sum(G * E), finite_difference(reference, VALUES[wrt], E), rtol=1e-6)


def test_definitions_are_stated_in_the_notes():
    parsed = parse_full("h = tanh(W1 x + b1); L = ||W2 h - y||^2")
    assert any(n.startswith("definitions: h = tanh(W1 x + b1)") for n in parsed.notes), parsed.notes


def test_a_long_expression_broken_over_lines_stays_one():
    assert matcalc.parse("||A x - b||^2\n  + ||x||^2") is matcalc.parse("||A x - b||^2 + ||x||^2")


@pytest.mark.parametrize("text, says", [
    ("a = a + x^T x; a", "uses a itself"),
    ("a = x^T x; b = x^T A x", "which is the function"),
    ("x^T x; x^T A x", "unexpected ';'"),
    ("h = W x; h = A x; h^T h", "defined twice"),
])
def test_ambiguous_or_circular_definitions_are_refused(text, says):
    with pytest.raises(ParseError) as err:
        matcalc.parse(text)
    assert says in err.value.message


def test_one_named_statement_is_the_function():
    assert matcalc.parse("L(w) = 1/2 ||X w - y||^2") is matcalc.parse("1/2 ||X w - y||^2")
    assert matcalc.parse("x = y") is matcalc.parse("y")


def test_a_declared_name_cannot_also_be_defined():
    with pytest.raises(matcalc.MatcalcError, match="both declared and defined"):
        matcalc.parse("h = W x; h^T h", where={"h": "n"})


def test_matrix_literals_keep_their_semicolons():
    assert str(matcalc.parse("x^T [1, 0; 0, 2] x")) == "x^T [1, 0; 0, 2] x"


def test_the_cli_derives_through_definitions():
    from click.testing import CliRunner
    from matcalc.cli import main
    out = CliRunner().invoke(main, ["grad", "h = tanh(W1 x + b1); L = ||W2 h - y||^2", "--wrt", "W1"])
    assert out.exit_code == 0, out.output
    assert "numerical check passed" in out.output


def test_the_answer_uses_the_defined_names_in_dependency_order():
    r = matcalc.grad("z^T s where s = softmax(u), u = W1 x", "W1")
    assert r.pretty() == "(z .* s - (z^T s) s) x^T  where u = W1 x, s = softmax(u)"
    r = matcalc.grad("h = tanh(W1 x + b1); L = ||W2 h - y||^2", "W1")
    # the back-propagated error named δ, as the textbooks' backpropagation equations (issue 20)
    assert r.pretty() == "2 δ x^T  where h = tanh(W1 x + b1), δ = (W2^T (W2 h - y)) .* (1 - h.^2)"
    assert "where" not in str(r)      # str() stays one expression that parses back on its own
    assert matcalc.parse(str(r)) is r.expr
