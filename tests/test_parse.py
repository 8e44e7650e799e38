"""The language: every documented form parses, equivalent notations give equal trees, types are inferred."""
import pytest
from hypothesis import assume, given, settings, strategies as st

import matcalc
from matcalc import expr as E
from matcalc.parse import parse_full

FORMS = [
    "x^T A x", "x^{T} A x", "x'Ax", "x' A x", "a^T x", "1/2 x^T A x", "||Ax - b||^2", "||A x - b||_2^2",
    "||X - U V^T||_F^2", "||x||_1", "|a|", "tr(A X B)", "trace(X)", "det(X)", "log det(X)", "log(det(X))",
    "logdet(X)", "log det X", "tr X", "X^{-1}", "X^-1", "X^(-1)", "inv(X)", "A^2", "X^{-T}", "(A + A^T) x",
    "x .* y", "x ⊙ y", "x ./ y", "x .^ 2", "A ⊗ B", "kron(A, B)", "diag(x)", "diag(X)", "vec(X)", "sum(x)",
    "exp(x)", "log(1 + exp(-y .* (X w)))", "sigmoid(x)", "softmax(x)", "logsumexp(x)", "tanh(W x + b)",
    "relu(x)", "softplus(x)", "sqrt(x)", "abs(x)", "sin(x)", "cos(x)", "tan(x)", "-x", "2", "0.5", "1e-3",
    "I", "eye", "A + I", "⟨x, y⟩", "xᵀ A x", "X⁻¹", "‖x‖", "x − y", "‖x‖²", "Σ", "μ", "λ", "σ(x)",
    "x'*A*x", "0.5*x'*A*x", "norm2(A*x-b)^2", "norm1(x)", "sum(log(exp(-y.*(X*w)) + vector(1)))",
    "tr(A*X'*B*X*C)", "log(det(inv(X)))", "A*exp(x)", "(y.*v)'*x", "a^b", "1./(1+exp(-x))", "matrix(1)",
    "W1 x_0 + b_2", "UV'", "x^T A x / x^T x", "(x - mu)^T Σ^{-1} (x - mu)",
]

SAME = [
    ("x^T A x", "x^{T} A x", "x'Ax", "x' A x", "xᵀ A x", "x'*A*x", "x^T*A*x"),
    ("1/2 x^T A x", "0.5*x'*A*x", "0.5 x^T A x"),
    ("||Ax - b||^2", "||A x - b||_2^2", "norm2(A*x-b)^2", "‖Ax − b‖²", "norm(A x - b)^2"),
    ("||X - U V^T||_F^2", "||X - UV'||^2", "norm2(X - U*V')^2"),
    ("||x||_1", "norm1(x)"),
    ("|a|", "abs(a)"),
    ("tr(X)", "trace(X)", "tr X"),
    ("log det(X)", "log(det(X))", "logdet(X)", "log det X"),
    ("X^{-1}", "X^-1", "X^(-1)", "inv(X)", "X⁻¹"),
    ("X^{-T}", "X^-T", "(X^-1)^T", "inv(X)'", "X⁻ᵀ"),
    ("x .* y", "x ⊙ y", "x.*y"),
    ("A ⊗ B", "kron(A, B)"),
    ("sigmoid(x)", "σ(x)"),
    ("⟨x, y⟩", "x^T y"),
    ("1./(1+exp(-x))", "1 ./ (1 + exp(-x))"),
    ("A^2", "A²"),
    ("x^T A x / x^T x", "(x^T A x) / (x^T x)"),
    ("x ⊙ A y", "x .* (A y)"),
    ("-x^T x", "-(x^T x)"),
]


@pytest.mark.parametrize("text", FORMS)
def test_every_form_parses_and_prints_back(text):
    e = matcalc.parse(text)
    assert matcalc.parse(str(e)) is e, str(e)
    assert "$" not in e.latex()
    # the LaTeX reads back to an expression of the same kind over as many variables (Greek letters come
    # back spelled, Σ as Sigma, and W1 as W_1: the same tree up to names)
    again = matcalc.parse(e.latex(), {v.name: "scalar" for v in e.free if v.is_scalar} or None, latex=True)
    assert (again.is_scalar, again.is_vector, len(again.free)) == (e.is_scalar, e.is_vector, len(e.free)), e.latex()


@pytest.mark.parametrize("group", SAME, ids=lambda g: g[0])
def test_equivalent_notations_give_the_same_tree(group):
    trees = {matcalc.parse(t) for t in group}
    assert len(trees) == 1, [str(t) for t in trees]


def types(text, where=None):
    return matcalc.parse(text, where).variables


@pytest.mark.parametrize("text, expected", [
    ("x^T A x", {"A": "matrix n x n", "x": "vector n"}),
    ("a^T x", {"a": "vector n", "x": "vector n"}),                 # transposed → vector
    ("||Ax - b||^2", {"A": "matrix m x n", "b": "vector m", "x": "vector n"}),  # added to a vector
    ("(x - mu)^T Σ^{-1} (x - mu)", {"mu": "vector n", "x": "vector n", "Σ": "matrix n x n"}),
    ("A c", {"A": "matrix m x n", "c": "vector n"}),               # right of a matrix → vector
    ("c x", {"c": "scalar", "x": "vector n"}),                     # letter convention
    ("a b", {"a": "scalar", "b": "scalar"}),
    ("lambda x", {"lambda": "scalar", "x": "vector n"}),
    ("-y .* (X w)", {"X": "matrix m x n", "w": "vector n", "y": "vector m"}),
    ("exp(a)", {"a": "scalar"}),
    ("softmax(a)", {"a": "vector n"}),
    ("tanh(W x + b)", {"W": "matrix m x n", "b": "vector m", "x": "vector n"}),
])
def test_type_inference(text, expected):
    assert types(text) == expected


def test_notes_name_what_the_letter_convention_gets_wrong():
    notes = parse_full("a^T x").notes
    assert len(notes) == 1 and notes[0].startswith("a is read as a vector")
    assert parse_full("x^T A x").notes == []


def test_declarations():
    e = matcalc.parse("x^T S x + c", {"S": "n x n spd", "c": "scalar", "x": "n"})
    assert e.variables == {"S": "matrix n x n spd", "c": "scalar", "x": "vector n"}
    assert matcalc.parse("A x", {"A": "3 x 4"}).shape == (3, 1)
    assert matcalc.parse("x + c", {"c": "scalar"}).shape == ("n", 1)   # declared scalars broadcast
    assert matcalc.parse("y", {"y": "3", "unused": "m x n"}).shape == (3, 1)


def test_dimensions_unify_and_never_become_one():
    assert matcalc.parse("A B C").shape == ("m", "q")
    with pytest.raises(matcalc.ShapeError):
        matcalc.parse("A x + b", {"A": "m x n", "b": "n"})
    with pytest.raises(matcalc.ShapeError):
        matcalc.parse("x + A")
    with pytest.raises(matcalc.ShapeError):
        matcalc.parse("det(x)")
    with pytest.raises(matcalc.ShapeError, match="broadcast"):
        matcalc.parse("x + y^T y")


def test_precedence():
    quotient = matcalc.parse("x^T A x / x^T x")
    assert quotient.is_scalar and isinstance(quotient, E.Mul)
    half = matcalc.parse("1/2 x^T A x")
    assert half.factors[0] is E.Num(E.Fraction(1, 2))
    assert matcalc.parse("-x^T x") is matcalc.parse("-(x^T x)")
    scaled = matcalc.parse("tr(A) B")                     # tr applies to A only
    assert isinstance(scaled.factors[0], E.Trace) and not scaled.is_scalar


def test_errors_carry_positions():
    with pytest.raises(matcalc.ParseError) as err:
        matcalc.parse("x + * y")
    assert err.value.pos == 4 and "^" in err.value.caret()
    with pytest.raises(matcalc.ParseError, match="did you mean 'sigmoid'"):
        matcalc.parse("sigmod(x)")
    with pytest.raises(matcalc.ShapeError, match="matrix 1-norm"):
        matcalc.parse("||X||_1")


def test_bars_pair_inside_brackets():
    w = {"x": "n", "y": "n"}
    nested = matcalc.parse("norm(2 norm(x) x)", w)
    assert nested.is_scalar
    assert matcalc.parse("||(2 ||x|| x)||", w) is nested          # a bar inside ( ) cannot close one outside
    assert matcalc.parse("||2 ||x|| x||", w) is matcalc.parse("||2|| ||x|| x", w)     # a bar after an operand closes
    assert matcalc.parse("|(a |b| c)|") is matcalc.parse("abs(a abs(b) c)")
    assert matcalc.parse("|⟨x, y⟩|", w) is matcalc.parse("abs(x^T y)", w)            # ⟩ ends an operand
    with pytest.raises(matcalc.ParseError, match="bar opened inside the parentheses is not closed"):
        matcalc.parse("|(x|)")


def test_latex_bars_that_say_their_side_nest():
    w = {"x": "n"}
    nested = matcalc.parse("norm(2 norm(x) x)", w)
    for tex in [r"\left\lVert 2 \left\lVert x \right\rVert x \right\rVert", r"\lVert 2 \lVert x \rVert x \rVert",
                r"\left\| 2 \left\| x \right\| x \right\|"]:
        assert matcalc.parse(tex, w) is nested, tex
    assert matcalc.parse(r"\left| 2 \left| x \right| \odot x \right|", w) is matcalc.parse("abs(2 abs(x) .* x)", w)
    assert matcalc.parse(r"\|A x - b\|_2^2") is matcalc.parse("||A x - b||^2")       # bare bars pair as in text
    assert matcalc.parse(r"\left\lVert x \right\rVert_1", w) is matcalc.parse("||x||_1", w)
    # what the LaTeX printer writes around function arguments
    assert matcalc.parse(r"\operatorname{tr}\mathopen{}\left(X\right)\mathclose{}") is matcalc.parse("tr(X)")
    with pytest.raises(matcalc.ParseError, match=r"'\\left\\\|' is not closed") as err:
        matcalc.parse(r"\left\| x")
    assert err.value.pos == 0


def test_fractions_in_matrix_literals():
    # [1/2, -1/3] raised AttributeError (the fraction rule read the '/' token as the numerator)
    w = {"x": "2"}
    e = matcalc.parse("[1/2, -1/3] .* x", w)
    assert e is matcalc.parse("[0.5, -1/3] .* x", w)
    assert matcalc.parse(str(e), w) is e and matcalc.parse(e.latex(), w) is e
    m = matcalc.parse("[1, 2; -3/4, 5]")
    assert m.shape == (2, 2) and matcalc.parse(m.latex()) is m      # \frac{3}{4} inside bmatrix
    with pytest.raises(matcalc.ParseError, match="division by zero"):
        matcalc.parse("[1/0, 1]")
    with pytest.raises(matcalc.ParseError, match="unexpected '3'"):
        matcalc.parse(r"\begin{bmatrix} \frac{1}{2}3 \\ 1 \end{bmatrix}")      # not 1/23


def test_latex_of_rows_zero_matrices_and_entrywise_norms_reads_back():
    row = matcalc.parse("vector(1)^T x")
    assert row.latex() == r"\mathbf{1}^{\top} x" and matcalc.parse(row.latex()) is row
    zero_row = matcalc.hessian("c^2 + x^T x", "c", wrt2="x", where={"c": "scalar", "x": "n"})
    assert zero_row.latex() == r"\mathbf{0}^{\top}"
    zero = matcalc.parse("zeros(m, n)")
    assert zero.latex() == r"\mathbf{0}_{m \times n}" and matcalc.parse(zero.latex()) is zero
    assert matcalc.parse("X .^ -1").latex() == r"1 \oslash X"
    assert matcalc.parse(r"1 \oslash X") is matcalc.parse("X .^ -1")
    ones = matcalc.parse("matrix(1) X")
    assert ones.latex().startswith(r"\left(\mathbf{1} \mathbf{1}^{\top}\right)")
    entrywise = matcalc.parse("norm1(X)")             # sum |X_ij|: not the induced norm ||X||_1, refused as input
    assert entrywise.latex() == r"\left\lVert \operatorname{vec}\mathopen{}\left(X\right)\mathclose{} \right\rVert_1"
    k = matcalc.parse("commutation(m, n) vec(X)", {"X": "m x n"})
    assert matcalc.parse(k.latex(), {"X": "m x n"}) is k                        # K_{m,n}
    assert matcalc.parse("2 K_{n,n}", latex=True) is matcalc.parse("2 commutation(n, n)")
    # identities inside ⊗ carry their size, as the text printer writes eye(n): I ⊗ A + B ⊗ I alone leaves
    # n·p = m·q to solve (found by the LaTeX round trip of a mixed Hessian)
    h = matcalc.hessian("(x + C z)^T A (C (C^T x))", "A", wrt2="C", where={"x": "n", "z": "m", "C": "n x m"},
                        check=False)
    # (the Kronecker contractions of simplify/kronecker.py left I_n ⊗ … and … ⊗ I_n in it, where it had I_m ⊗ …)
    assert r"I_{n} \otimes" in h.latex() and matcalc.parse(h.latex(), {"x": "n", "z": "m", "C": "n x m"}) is h.expr
    assert matcalc.parse(r"I_n \otimes A") is matcalc.parse("eye(n) ⊗ A")
    assert matcalc.parse(r"I_1 + A \otimes B").variables["I_1"].startswith("matrix")   # I_1 stays a name


def test_subscripts_and_greek_names():
    # x_{0} was a variable other than x_0; mu_0 was m u_0; LaTeX \mu_0 did not parse (mu _0)
    assert matcalc.parse("x_{0} + x_0").variables == {"x_0": "vector n"}
    assert matcalc.parse("x_{0}^T x_{0}", {"x_{0}": "n"}) is matcalc.parse("x_0^T x_0", {"x_0": "n"})
    with pytest.raises(matcalc.DeclarationError, match="the same name"):
        matcalc.parse("x_0", {"x_{0}": "n", "x_0": "m"})
    assert matcalc.parse("mu_0").variables == {"mu_0": "scalar"}                 # lower-case Greek: a scalar
    assert matcalc.parse("alpha2 x").variables == {"alpha2": "scalar", "x": "vector n"}
    assert matcalc.parse("x - mu_0").variables == {"mu_0": "vector n", "x": "vector n"}
    assert matcalc.parse(r"x - \mu_0") is matcalc.parse(r"x - \mu_{0}") is matcalc.parse("x - mu_0")
    assert matcalc.parse(r"\Sigma_1^{-1}") is matcalc.parse("Sigma_1^-1")
    e = matcalc.parse("(x - mu_0)^T Sigma_1^-1 (x - mu_0)")
    assert matcalc.parse(e.latex()) is e and matcalc.parse(str(e)) is e
    assert matcalc.parse("Ax_{0}") is matcalc.parse("A x_0")


# ---- print → parse is the identity, on random expressions ------------------------------------
VEC = st.sampled_from(["x", "y", "z", "A x", "exp(x)", "x .* y", "x ./ y", "-x", "2 x", "1/2 y", "x - y",
                       "tanh(A y)", "softmax(x)", "diag(B)", "X^-1 y", "abs(x)", "x.^2"])
MAT = st.sampled_from(["A", "B", "X", "A^T", "X^-1", "A B", "A + B", "X^-T", "diag(x)", "x y^T", "A .* B",
                       "B^2", "2 A", "-A", "I", "exp(A)"])
SCA = st.sampled_from(["c", "x^T y", "tr(A)", "log det(X)", "||x||", "||x - y||^2", "sum(x)", "det(X)",
                       "logsumexp(x)", "x^T A x", "2", "1/2", "a^2", "||x||_1", "sqrt(c)"])


@st.composite
def expressions(draw, depth=3):
    kind = draw(st.sampled_from(["v", "m", "s"]))
    return _expr(draw, kind, depth)


def _expr(draw, kind, depth):
    base = {"v": VEC, "m": MAT, "s": SCA}[kind]
    if depth == 0 or draw(st.booleans()):
        return draw(base)
    op = draw(st.integers(0, 5))
    a, b = _expr(draw, kind, depth - 1), _expr(draw, kind, depth - 1)
    if op == 0:
        return f"({a}) + ({b})"
    if op == 1:
        return f"({a}) - ({b})"
    if op == 2 and kind != "s":
        return f"({a}) .* ({b})"
    if op == 3:
        return f"({_expr(draw, 's', depth - 1)}) ({a})"
    if op == 4 and kind == "m":
        return f"({a}) ({b})"
    if op == 4 and kind == "v":
        return f"({_expr(draw, 'm', depth - 1)}) ({a})"
    if op == 5 and kind == "s":
        return f"({a}) / ({b})"
    return f"exp({a})"


WHERE = {"A": "n x n", "B": "n x n", "X": "n x n", "c": "scalar", "a": "scalar", "x": "n", "y": "n", "z": "n"}


@settings(max_examples=300, deadline=None)
@given(expressions())
def test_print_then_parse_is_the_identity(text):
    try:
        e = matcalc.parse(text, WHERE)
    except matcalc.ParseError as err:       # a quotient by a constant zero, such as (c) / ((2) - (2))
        assert err.message == "division by zero" and "/" in text, (text, err)
        assume(False)
    again = matcalc.parse(str(e), WHERE)
    assert again is e, f"{text!r} printed as {str(e)!r}, which parses to {str(again)!r}"
