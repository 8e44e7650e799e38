"""The text and LaTeX printers, node type by node type (matcalc/printers/text.py and latex.py).

Every node type has a row in the TEXT and the LATEX table, and a sample here whose root is that type.
Each sample prints something that parses back: the text to the very same node (`parse(str(e)) is e`,
the round trip test_parse and test_fuzz rely on), the LaTeX to the same node too, except for the
cases listed in LATEX_READS_OTHERWISE (strict xfails, each with its reason). The LaTeX of every
sample renders with KaTeX. Removing a row fails the structure test and the sample's own test, with a
MissingRuleError naming the node and the pass.
"""
import pytest

import matcalc
from matcalc import expr as E
from matcalc.errors import MissingRuleError
from matcalc.printers.latex import LATEX
from matcalc.printers.text import TEXT

WHERE = {"A": "n x n", "B": "n x n", "X": "n x n", "x": "n", "y": "n", "a": "scalar", "b": "scalar",
         "g": "function n -> m", "f": "function n -> scalar", "h": "function scalar -> scalar"}

# node type -> texts whose parse has that node type at the root; together they take every branch of the rule
SAMPLES = {
    E.Var: ["x", "X", "a", "W1", "Σ"],
    E.Num: ["2", "1/2", "-3"],
    E.Const: ["π", "pi"],
    E.Literal: ["[1, 2; 3, 4]", "[1, 2]", "[1/2, -1]"],
    E.Identity: ["I"],
    E.Zero: ["zeros(n, m)", "vector(0)", "zeros(3)", "zeros(n)^T"],
    E.Ones: ["vector(1)", "matrix(1)"],
    E.Commutation: ["commutation(m, n)"],
    E.Add: ["x + y", "a - 2 b", "x + 1", "A - A^T"],
    E.Mul: ["A B", "x^T A x", "a / b", "-2 A x", "1/2 x^T x", "x^T A x / x^T x"],
    E.Hadamard: ["x .* y", "x ./ y", "2 .* x", "(A x) .* y"],
    E.Kron: ["A ⊗ B", "I ⊗ A", "eye(3) ⊗ A"],
    E.Pow: ["x .^ 2", "a^2", "1 ./ x", "1 / a", "a^b", "a^(1/2)", "a^(-2)"],
    E.Transpose: ["X^T", "X^-T", "vector(1)^T", "(A B)^T"],
    E.Inverse: ["X^-1", "(A + B)^-1"],
    E.MatPow: ["A^3", "X^-2"],
    E.Trace: ["tr(X)"],
    E.Det: ["det(X)"],
    E.LogDet: ["logdet(X)"],
    E.Sum: ["sum(x)"],
    E.DiagVec: ["diag(X)"],
    E.DiagMat: ["diag(x)"],
    E.Vec: ["vec(X)"],
    E.Norm: ["||x||", "||x||_1", "||X||_F", "norm1(X)", "norm(2 ||x|| x)"],
    E.Apply: ["exp(x)", "sqrt(x)", "sqrt(a)", "abs(x)", "sigmoid(x)", "log(a)", "softplus(x)", "relu(x)"],
    E.Softmax: ["softmax(x)"],
    E.Size: ["n", "m"],     # dimensions of the declarations (WHERE): the sizes, not variables
    E.LogSumExp: ["logsumexp(x)"],
    E.SoftmaxRows: ["softmax_rows(A B)", "softmax(X)"],
    E.LogSumExpRows: ["logsumexp_rows(A)", "logsumexp(X + A)"],
    E.Eigenvalue: ["lambda_max(A)", "lambda_min(A + B)", "lambda_2(X)"],
    E.Eigenvector: ["v_max(A)", "v_min(A B)", "v_3(X)"],
    E.SpectralNorm: ["||X||_2", "||A B||_2", "sigma_max(A ||X||_2)"],
    E.NuclearNorm: ["||X||_*", "norm_nuc(X ||A||_*)"],
    E.Polar: ["polar(X)", "polar(A + B)"],
    E.StdRows: ["sqrt(var_rows(X))", "sqrt(var_rows(A B) + a)", "sqrt(1/2 + var_rows(X))"],
    E.StdCols: ["sqrt(var_cols(X) + 1)"],
    E.NormalizeRows: ["(X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + a) 1^T)", "(A + B - mean_rows(A + B) 1^T) ./ (x 1^T)"],
    E.NormalizeCols: ["(X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X)))"],
    E.RmsRows: ["sqrt(mean_rows(X .* X))", "sqrt(mean_rows((A B).^2) + a)", "sqrt(1/2 + mean_rows(X.^2))"],
    E.RmsCols: ["sqrt(mean_cols(X .* X) + 1)"],
    E.RmsNormalizeRows: ["X ./ (sqrt(mean_rows(X .* X) + a) 1^T)", "(A + B) ./ (sqrt(mean_rows((A + B).^2)) 1^T)"],
    E.RmsNormalizeCols: ["X ./ (1 sqrt(mean_cols(X .* X)))"],
    E.Call: ["g(x)", "f(x)"],
    E.CallJacobian: ["J_g(x)"],
    E.ElementCall: ["h(x)", "h'(x)", "h''(x)"],
    E.ExpM: ["expm(X)", "e^X", "expm(A^T B)"],
    E.LogM: ["logm(X)", "logm(A B)"],
    E.SqrtM: ["sqrtm(X)", "X^(1/2)", "(A + B)^(1/2)"],
    E.PowM: ["X^(1/3)", "X^(-1/2)", "powm(X, 2/3)"],
    E.Frechet: ["expm_frechet(X, A)", "logm_frechet(X, A B)", "sqrtm_frechet(X, A)", "powm_frechet(X, 1/3, A)"],
    E.KronForm: ["expm_kron(X)", "sqrtm_kron(A B)", "powm_kron(X, -1/2)"],
    E.Frechet2: ["expm_frechet2(X, A, B)", "powm_frechet2(X, 1/3, A, B^T)"],
    E.KronForm2: ["logm_kron2(X, A)", "powm_kron2(X, -1/2, A)"],
}

# Differentials appear only in derivations (steps, `matcalc.differential`): nothing parses to one
# ("dx" reads as d times x), so their rows are checked against the expected output instead.
_x = E.Var("x", ("n", 1), frozenset())
DIFFERENTIALS = [(E.Differential(_x), "dx", r"\mathrm{d}x")]

# LaTeX that parses to another node; the text of each parses back exactly
LATEX_READS_OTHERWISE = {
    "zeros(3)": "a lone zero vector's LaTeX, \\mathbf{0}, does not state its size",
    "zeros(n)^T": "a lone zero row's LaTeX, \\mathbf{0}^\\top, does not state its size",
    "matrix(1)": "the all-ones matrix is written as the outer product 1 1ᵀ, which reads as a product",
    "norm1(X)": "the entry-wise 1-norm of a matrix is written ‖vec(X)‖₁, which reads as the norm of vec(X)",
    "J_g(x)": "J_{g}(x) reads as the variable J_g times x, not as the Jacobian of g at x",
    "W1": "a name ending in digits is typeset with a subscript, W_{1}, which reads as the name W_1",
    "Σ": "a Greek letter is written as its macro, \\Sigma, which reads as the name Sigma",
    "a^(1/2)": "a scalar square root is written \\sqrt{a}, which reads as sqrt(a) (the same value)",
}


def node_types():
    """Every node type: expr.NODE_TYPES and every Expr subclass the module defines (in case one is missing)."""
    defined = {c for c in vars(E).values() if isinstance(c, type) and issubclass(c, E.Expr) and c is not E.Expr}
    return set(E.NODE_TYPES) | defined


def parsed(text):
    return matcalc.parse(text, WHERE)


CASES = [(t.__name__, text) for t, texts in SAMPLES.items() for text in texts]


# ---- structure: every node type, every table -----------------------------------------------------
@pytest.mark.parametrize("table", [TEXT, LATEX], ids=lambda t: t.name)
def test_every_node_type_has_a_row(table):
    missing = sorted(t.__name__ for t in node_types() if t not in table)
    assert not missing, f"the {table.name} printer has no row for {missing}"


def test_every_node_type_has_a_sample():
    covered = set(SAMPLES) | {type(e) for e, _, _ in DIFFERENTIALS}
    assert covered == node_types(), sorted(t.__name__ for t in node_types() ^ covered)


@pytest.mark.parametrize("node, text", CASES)
def test_the_sample_has_that_node_at_the_root(node, text):
    assert type(parsed(text)).__name__ == node, repr(parsed(text))


@pytest.mark.parametrize("table, printer", [(TEXT, str), (LATEX, lambda e: e.latex())], ids=["text", "latex"])
def test_a_missing_row_is_an_error_naming_the_node_and_the_pass(table, printer, monkeypatch):
    e = parsed("x^T A x + tr(X)")
    monkeypatch.delitem(table.rows, E.Trace)
    with pytest.raises(MissingRuleError, match=f"no {table.name} rule for Trace"):
        printer(e)


# ---- each row prints something that parses back ---------------------------------------------------
@pytest.mark.parametrize("node, text", CASES)
def test_text_parses_back_to_the_same_node(node, text):
    e = parsed(text)
    assert TEXT.rule(type(e))                     # the row exists (MissingRuleError otherwise)
    again = parsed(str(e))
    assert again is e, f"{text!r} prints as {str(e)!r}, which parses to {again!r}"


@pytest.mark.parametrize("node, text", [
    pytest.param(node, text, marks=pytest.mark.xfail(strict=True, raises=AssertionError,
                                                     reason=LATEX_READS_OTHERWISE[text]))
    if text in LATEX_READS_OTHERWISE else (node, text) for node, text in CASES])
def test_latex_parses_back_to_the_same_node(node, text):
    e = parsed(text)
    assert LATEX.rule(type(e))
    for options in ({}, {"transpose": "T"}, {"bold": True}):
        tex = e.latex(**options)
        again = matcalc.parse(tex, WHERE, latex=True)
        assert again is e, f"{text!r} prints as {tex!r} ({options}), which parses to {again!r}"


@pytest.mark.parametrize("e, text, tex", DIFFERENTIALS, ids=lambda v: str(v))
def test_differentials_print(e, text, tex):
    assert str(e) == text and e.latex() == tex
    assert str(E.Trace(E.Mul(E.Transpose(e), _x))) == f"tr({text}^T x)"


def test_sized_identities_inside_kron_only_when_asked():
    e = parsed("eye(n) ⊗ A")
    assert str(e) == "eye(n) ⊗ A"
    from matcalc.printers.text import to_text
    assert to_text(e, sized=False) == "I ⊗ A"
    assert e.latex() == r"I_{n} \otimes A"


def test_the_latex_of_every_sample_renders():
    from test_katex import failures, render_all, report
    labelled = {}
    for node, text in CASES:
        e = parsed(text)
        for options in ({}, {"transpose": "T"}, {"bold": True}):
            labelled.setdefault(e.latex(**options), []).append(f"{node} {text!r} {options}")
    for e, _, _ in DIFFERENTIALS:
        labelled.setdefault(e.latex(), []).append("Differential")
    bad = failures(labelled, render_all(labelled))
    assert not bad, report(bad)
