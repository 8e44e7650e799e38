"""LaTeX as pasted from notes and papers reads as the plain notation does (matcalc/parse/latex.py).

Each row: LaTeX as people paste it, and the plain form it must mean — the two must parse to the same
tree. A form that cannot be read must be refused with a message that says what to write instead.
"""
import numpy as np
import pytest

import matcalc
from matcalc.errors import ParseError

SAME = [
    # \left\| followed directly by a letter: the bar, then the name
    (r"\frac{1}{2}\left\|X w - y\right\|^2", "1/2 ||X w - y||^2"),
    (r"\left\|W\right\|_F^2", "||W||_F^2"),
    # a subscript ends a name: Σ₂Σ₁ is a product of two matrices
    (r"\operatorname{tr}(\Sigma_2\Sigma_1)", "tr(Sigma_2 Sigma_1)"),
    (r"x_{10}^\top W_{hh} x_{10}", "x_10^T W_hh x_10"),
    # superscript before subscript on a norm
    (r"\|w\|^2_2", "||w||_2^2"),
    (r"\left\lVert A x - b \right\rVert^{2}_{2}", "||A x - b||_2^2"),
    # \left[ … \right] groups like parentheses; around a matrix environment it is the literal's bracket
    (r"\left[ A x - b \right]^\top \left[ A x - b \right]", "(A x - b)^T (A x - b)"),
    (r"x^\top \left[\begin{matrix} 1 & 0 \\ 0 & 2 \end{matrix}\right] x", "x^T [1, 0; 0, 2] x"),
    # accents make names; \ell is a name
    (r"\|\hat{y} - y\|^2", "||y_hat - y||^2"),
    (r"\bar{x}^\top \tilde{w}", "x_bar^T w_tilde"),
    (r"\ell \cdot x^\top x", "ell * x^T x"),
    # the ones vector
    (r"\mathbb{1}^\top \exp(x)", "vector(1)^T exp(x)"),
    (r"\mathbf{1}^\top x", "vector(1)^T x"),
    # operator names and transposes as they are typed
    (r"\operatorname{diag}(x)^\top y", "diag(x)^T y"),
    (r"x^{\mathsf T} A x", "x^T A x"),
    (r"x^\intercal A x", "x^T A x"),
    (r"\tfrac{1}{2} x^\top x + \dfrac{1}{3} x^\top x", "1/2 x^T x + 1/3 x^T x"),
    # calligraphic letters are names
    (r"\mathcal{L} \cdot x^\top x", "L * x^T x"),
]


@pytest.mark.parametrize("latex, plain", SAME, ids=[s[0] for s in SAME])
def test_latex_reads_as_the_plain_form(latex, plain):
    assert matcalc.parse(latex) is matcalc.parse(plain)


LOG_DET = [r"\log|\Sigma|", "log|Σ|", "ln|K|", r"-\frac{N}{2}\log|\Sigma|"]


@pytest.mark.parametrize("text", LOG_DET)
def test_bars_around_a_matrix_under_a_log_are_the_determinant_and_say_so(text):
    from matcalc.parse import parse_full
    parsed = parse_full(text)
    assert "logdet" in str(parsed.expr)
    assert any("read as log det" in n for n in parsed.notes), parsed.notes


def test_log_det_from_bars_has_the_gradient_of_log_det():
    """Against finite differences of NumPy's slogdet at a random invertible Σ."""
    g = matcalc.grad(r"\log|\Sigma| + x^\top \Sigma^{-1} x", "Sigma", check=False).to_numpy()
    rng = np.random.default_rng(1)
    S = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    x = rng.standard_normal(4)

    def f(S):
        return np.linalg.slogdet(S)[1] + x @ np.linalg.solve(S, x)
    E = rng.standard_normal((4, 4))
    t = 1e-6
    fd = (f(S + t * E) - f(S - t * E)) / (2 * t)
    assert np.isclose(np.sum(g(Sigma=S, x=x) * E), fd, rtol=1e-6)


@pytest.mark.parametrize("text", ["log(abs(X))", "log|x|", "sum(log|x|)"])
def test_bars_elsewhere_stay_the_absolute_value(text):
    assert "logdet" not in str(matcalc.parse(text))


@pytest.mark.parametrize("latex, says", [
    (r"\sum_{i=1}^n (x_i^\top w - y_i)^2", "||X w - y||^2"),
    (r"\prod_i p_i", "sum(log"),
    (r"\nabla f(x)", "matcalc grad"),
    (r"x \in \mathbb{R}^n", "--let"),
    (r"\hat{y}_i^2", "cannot take a subscript"),
])
def test_forms_without_a_matrix_reading_say_what_to_write(latex, says):
    with pytest.raises(ParseError) as err:
        matcalc.parse(latex)
    assert says in err.value.message


def test_the_cli_refuses_index_notation_with_exit_2_and_the_matrix_form():
    from click.testing import CliRunner
    from matcalc.cli import main
    out = CliRunner().invoke(main, ["grad", r"\sum_{i=1}^n (x_i^\top w - y_i)^2", "--wrt", "w"])
    assert out.exit_code == 2
    assert "||X w - y||^2" in out.output and "Traceback" not in out.output


@pytest.mark.parametrize("latex, plain", [
    (r"(\mathbf{y} - \mathbf{X}\beta)^\top(\mathbf{y} - \mathbf{X}\beta)", "(y - X beta)^T (y - X beta)"),
    (r"\operatorname{tr}(B\Omega)", "tr(B Omega)"),
    (r"\mathbf{1}^\top W\mathbf{1}", "vector(1)^T W vector(1)"),
    (r"\mathbf{W}\mathbf{x}", "W x"),
])
def test_a_name_from_a_command_never_joins_the_name_before_it(latex, plain):
    """\\mathbf{X}\\beta is X β: joined as the run Xbeta it was read X·b·e·t·a, and checked as that."""
    assert matcalc.parse(latex) is matcalc.parse(plain)


def test_an_accent_over_a_bold_name_is_that_vector():
    """\\tilde{\\mathbf{w}} is the vector w_tilde (the corpus's RBF and ridge forms write it so)."""
    from matcalc.parse import parse_full
    names = parse_full(r"\tilde{\mathbf{w}}^\top \bar{\mathbf{x}}").names
    assert set(names) == {"w_tilde", "x_bar"} and all(v.is_vector for v in names.values())


def test_notes_about_bold_names_come_in_one_order_whatever_the_string_hashing():
    """The bold names were a set: their notes came out in an order that changed with PYTHONHASHSEED."""
    import os
    import subprocess
    import sys
    code = ("import matcalc; r = matcalc.grad(r'\\mathbf{q}^T \\mathbf{k} + \\mathbf{a}^T \\mathbf{b}', wrt='q', "
            "check=False); print(r.notes)")
    outs = set()
    for seed in range(8):
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
        assert ran.returncode == 0, ran.stderr
        outs.add(ran.stdout)
    assert len(outs) == 1, outs
    assert "a is read as a vector" in outs.pop()
