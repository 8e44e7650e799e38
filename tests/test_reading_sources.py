"""Reading forms as sources print them (issue 13, second round): each fix is checked against an
independent NumPy function — its value at a random point and its derivative against central finite
differences (tests/test_reading.py's `reads_as`), and each reading is said in a note."""
import re

import numpy as np
import pytest

import matcalc
from matcalc.parse import parse_full
from matcalc.parse.latex import to_plain
from test_reading import reads_as


def logdet(a):
    return np.linalg.slogdet(a)[1]


def sig(z):
    return 1 / (1 + np.exp(-z))


def grad_matches(text, wrt, fn, values, where=None, h=1e-6):
    """matcalc.grad (with the solver a command uses) against central differences of fn at `values`."""
    r = matcalc.grad(text, wrt, where=where, check=False)
    got = np.asarray(r.to_numpy()(**values), dtype=float)
    x0 = np.array(values[wrt], dtype=float)
    fd = np.zeros(x0.shape)
    for i in np.ndindex(*x0.shape):
        up, down = x0.copy(), x0.copy()
        up[i] += h
        down[i] -= h
        fd[i] = (fn(**{**values, wrt: up}) - fn(**{**values, wrt: down})) / (2 * h)
    assert np.allclose(got.reshape(fd.shape), fd, rtol=1e-5, atol=1e-6), f"{text}: wrong derivative"
    return r


# ---- LaTeX operator names are words: t\log σ(…) is t·log σ(…), D\ln 2π is D·log 2π --------------
def test_an_operator_name_after_a_letter_is_a_word():
    assert to_plain(r"t\log\sigma(x)")[0].startswith("t log")
    reads_as(r"-\left[t\log\sigma(\mathbf{w}^\top\mathbf{x}) + (1-t)\log(1-\sigma(\mathbf{w}^\top\mathbf{x}))\right]",
             "w", lambda t, w, x: -(t * np.log(sig(w @ x)) + (1 - t) * np.log(1 - sig(w @ x))),
             where={"t": "scalar"})


def test_log_2pi_in_latex_takes_2pi_as_its_argument():
    """\\log 2\\pi was log(2)·π: the constant term of every Gaussian log-likelihood, silently wrong."""
    notes = reads_as(r"\frac{n}{2}\log 2\pi + a x^\top x", "x",
                     lambda a, x, n: n / 2 * np.log(2 * np.pi) + a * x @ x, where={"n": "scalar"})
    assert to_plain(r"\log 2\pi\sigma^2")[0].replace(" ", "") == "log(2piσ^2)"
    del notes
    from matcalc.numeric import evaluate
    assert np.isclose(float(np.squeeze(evaluate(matcalc.parse(r"\log 2\pi"), {}, {}))), np.log(2 * np.pi))


# ---- \frac of atoms: \frac{N}{2} reads as N/2 does -------------------------------------------------
def test_frac_of_a_count_reads_as_the_plain_count():
    notes = reads_as(r"-\frac{N}{2}\log|\Sigma| - \frac{1}{2}\operatorname{tr}(S\Sigma^{-1})", "Sigma",
                     lambda Sigma, S, N: -N / 2 * logdet(Sigma) - 0.5 * np.trace(S @ np.linalg.inv(Sigma)),
                     where={"Sigma": "D x D spd", "S": "D x D spd"}, sizes={"D": 3, "N": 6})
    assert any("N is read" in n for n in notes)


def test_a_divisor_2n_is_a_number():
    """\\frac{1}{2n} → (1/(2n)): n a number, not the element-wise inverse of a vector n."""
    r = matcalc.grad(r"\frac{1}{2n}\|y - X\beta\|_2^2", r"\beta")
    assert "n" not in r.function.variables                      # the size n (parse/sizes.py), not a vector
    assert any("n is read as the size n" in note for note in r.notes), r.notes


# ---- names: w^*, k_*, W^{(1)}, \tilde{w}, \nabla f_k --------------------------------------------
def test_starred_names_are_names_in_latex_and_plain_text():
    for text in [r"(\mathbf{w} - \mathbf{w}^*)^\top H(\mathbf{w} - \mathbf{w}^*)", "(w - w^*)^T H (w - w^*)"]:
        notes = reads_as(text, "w", lambda w, w_star, H: (w - w_star) @ H @ (w - w_star), where={"H": "n x n"})
        assert any("w_star" in n for n in notes)
    reads_as("k_*^T (K + s I)^{-1} y", "y", lambda k_star, K, s, y: k_star @ np.linalg.solve(K + s * np.eye(len(y)), y),
             where={"K": "n x n spd", "s": "scalar positive"})
    with pytest.raises(matcalc.MatcalcError, match="subscript"):
        parse_full(r"\mathbf{w}_1^*")


def test_a_layer_index_is_a_name_never_a_power():
    """W^{(2)} was read as W²: Goodfellow's and Bishop's layer superscript."""
    notes = reads_as(r"\frac{1}{2}\left\|W^{(2)}\sigma(W^{(1)}\mathbf{x}) - \mathbf{y}\right\|^2", "W_1",
                     lambda W_1, W_2, x, y: 0.5 * np.sum((W_2 @ sig(W_1 @ x) - y) ** 2))
    assert any("never a power" in n for n in notes)
    r = matcalc.grad(r"\frac{1}{2}\left\|W^{(2)}\sigma(W^{(1)}\mathbf{x}) - \mathbf{y}\right\|^2", "W^{(1)}")
    assert r.wrt.name == "W_1"


def test_wrt_and_declarations_in_latex_name_what_the_text_reads():
    r = matcalc.grad(r"\frac{\lambda}{2}\tilde{\mathbf{w}}^\top\tilde{\mathbf{w}}", r"\tilde{w}")
    assert r.wrt.name == "w_tilde"


def test_nabla_of_a_subscripted_name_is_a_given_vector():
    notes = reads_as(r"f_k + \nabla f_k^T p + \tfrac{1}{2}p^T B_k p", "p",
                     lambda f_k, nablaf_k, p, B_k: f_k + nablaf_k @ p + 0.5 * p @ B_k @ p,
                     where={"B_k": "n x n symmetric", "f_k": "scalar"})
    assert any("nablaf_k" in n for n in notes)
    with pytest.raises(matcalc.MatcalcError, match="derivative"):
        parse_full(r"\nabla f(x)^T p")


# ---- ½, weighted norms, log(|A|/|B|), Tr, \max\{0, u\}, bare \sum ----------------------------------
def test_vulgar_fractions():
    reads_as("½‖Xw − y‖²", "w", lambda X, w, y: 0.5 * np.sum((X @ w - y) ** 2))


def test_weighted_norm_is_the_quadratic_form():
    notes = reads_as(r"\|\mathbf{x} - \boldsymbol\mu\|_{\Sigma^{-1}}^2", "x",
                     lambda x, mu, Sigma: (x - mu) @ np.linalg.solve(Sigma, x - mu), where={"Sigma": "n x n spd"})
    assert any("weighted" in n for n in notes)
    reads_as("||x - m||_{A}", "x", lambda x, m, A: np.sqrt((x - m) @ A @ (x - m)), where={"A": "n x n spd"})


def test_log_of_a_quotient_of_determinants():
    notes = reads_as(r"\ln\frac{|\Sigma_2|}{|\Sigma_1|} + \operatorname{tr}(\Sigma_2^{-1}\Sigma_1)", "Sigma_1",
                     lambda Sigma_1, Sigma_2: logdet(Sigma_2) - logdet(Sigma_1)
                     + np.trace(np.linalg.solve(Sigma_2, Sigma_1)),
                     where={"Sigma_1": "k x k spd", "Sigma_2": "k x k spd"})
    assert any("log det" in n for n in notes)
    assert parse_full("log(|x|)").expr.is_vector      # bars around a vector stay the absolute value


def test_tr_and_max_braces():
    reads_as(r"\frac{\nu}{2}\ln|\Lambda| - \frac{1}{2}\mathrm{Tr}(W^{-1}\Lambda)", "Lambda",
             lambda nu, Lambda, W: nu / 2 * logdet(Lambda) - 0.5 * np.trace(np.linalg.solve(W, Lambda)),
             where={"nu": "scalar", "Lambda": "n x n spd", "W": "n x n spd"})
    reads_as("Tr(A X)", "X", lambda A, X: np.trace(A @ X))
    reads_as(r"\left\|W_2\max\{0, W_1\mathbf{x}\} - \mathbf{y}\right\|^2", "W_1",
             lambda W_1, W_2, x, y: np.sum((W_2 @ np.maximum(0, W_1 @ x) - y) ** 2))


def test_a_bare_sum_sums_the_term_after_it():
    notes = reads_as(r"-\mathbf{y}^\top W\mathbf{x} + \log\sum\exp(W\mathbf{x})", "W",
                     lambda y, W, x: -y @ W @ x + np.log(np.sum(np.exp(W @ x))))
    assert any("\\sum" in n for n in notes)
    reads_as(r"\frac{1}{2}\|\mathbf{w}\|^2 + C\sum\max(0, 1 - \mathbf{y}\odot X\mathbf{w})^2 - \mathbf{w}^\top\mathbf{w}",
             "w", lambda w, C, y, X: 0.5 * w @ w + C * np.sum(np.maximum(0, 1 - y * (X @ w)) ** 2) - w @ w,
             where={"C": "scalar"})
    with pytest.raises(matcalc.MatcalcError, match="index notation"):
        parse_full(r"\sum_{i=1}^n \mathbf{x}_i^\top\mathbf{w}")


# ---- x' a point of its own when the transpose does not type -----------------------------------------
def test_prime_is_a_point_of_its_own_when_the_transpose_does_not_type():
    x, xp, ell = np.array([0.3, -0.2, 0.5]), np.array([0.1, 0.4, -0.3]), 1.3
    r = grad_matches(r"\exp\left(-\frac{\|\mathbf{x} - \mathbf{x}'\|^2}{2\ell^2}\right)", "x",
                     lambda x, x_prime, ell: np.exp(-np.sum((x - x_prime) ** 2) / (2 * ell ** 2)),
                     {"x": x, "x_prime": xp, "ell": ell})
    assert any("x_prime" in n and "transpose" in n for n in r.notes)
    assert matcalc.parse("x' A x").is_scalar          # where the transpose types, x' stays xᵀ


# ---- definitions: log p(y|X) = …, σ_B^2 = …, defined names broadcast -------------------------------
def test_a_log_density_left_side_names_the_function():
    notes = reads_as(r"\log p(\mathbf{y}|X) = -\frac{1}{2}\mathbf{y}^\top K^{-1}\mathbf{y} - \frac{1}{2}\log|K|", "K",
                     lambda y, K: -0.5 * y @ np.linalg.solve(K, y) - 0.5 * logdet(K), where={"K": "n x n spd"})
    assert any("left side" in n for n in notes)


def test_a_squared_left_side_defines_the_root():
    notes = reads_as(r"\mathbf{y}^\top\hat{\mathbf{x}} \quad \hat{\mathbf{x}} = \frac{\mathbf{x} - \mu_B}"
                     r"{\sqrt{\sigma_B^2 + \epsilon}}, \quad \mu_B = \mathrm{mean}(\mathbf{x}), \quad "
                     r"\sigma_B^2 = \mathrm{var}(\mathbf{x})", "x",
                     lambda y, x, epsilon: y @ ((x - x.mean()) / np.sqrt(x.var() + epsilon)),
                     where={"epsilon": "scalar positive"})
    assert any("square root" in n for n in notes)


# ---- declarations are never silently ignored -------------------------------------------------------
def test_epsilon_declares_the_texts_varepsilon_and_says_so():
    r = matcalc.grad(r"\varepsilon\mathbf{x}^\top\mathbf{x}", "x", where={"ε": "scalar"}, check=False)
    assert r.function.variables["varepsilon"] == "scalar"
    assert any("same letter" in n for n in r.notes)


def test_a_declaration_naming_nothing_in_the_text_is_said():
    r = matcalc.grad("x^T x", "x", where={"A": "n x n"}, check=False)
    assert any("declared but not in the text: A" in n for n in r.notes)


# ---- second round: forms from tests/corpus/sources2.py ---------------------------------------------
def test_a_power_of_a_prefix_functions_atom_is_in_its_argument():
    """log σ^2 was (log σ)^2: Kingma & Welling's 1 + log σ² − μ² − σ²."""
    reads_as(r"\mathbf{1}^\top(1 + \log\boldsymbol\sigma^2 - \boldsymbol\sigma^2)", "sigma",
             lambda sigma: np.sum(1 + np.log(sigma ** 2) - sigma ** 2), positive=("sigma",))
    reads_as("exp a^2 + x^T x", "a", lambda a, x: np.exp(a ** 2) + x @ x)
    reads_as("log(x)^2 + a", "x", lambda x, a: np.log(x) ** 2 + a, where={"x": "scalar"}, positive=("x",))


def test_cdot_between_two_vectors_is_the_dot_product():
    notes = reads_as(r"\log\sigma(\vec{c}\cdot\vec{w}) + k\log\sigma(-\vec{c}_N\cdot\vec{w})", "w",
                     lambda c, w, c_N, k: np.log(sig(c @ w)) + k * np.log(sig(-c_N @ w)), where={"k": "scalar"})
    assert any("dot product" in n for n in notes)
    reads_as(r"a \cdot \mathbf{x}^\top\mathbf{x}", "x", lambda a, x: a * (x @ x))


def test_a_vector_to_a_letter_is_an_iterate():
    notes = reads_as(r"\frac{\rho}{2}\|x - z^k + u^k\|_2^2", "x", lambda rho, x, z_k, u_k: rho / 2 * np.sum((x - z_k + u_k) ** 2),
                     where={"rho": "scalar"})
    assert any("z_k" in n and "z.^k" in n for n in notes)
    # a declared exponent is a number: the element-wise power
    reads_as("sum(x^p)", "x", lambda x, p: np.sum(x ** p), where={"p": "scalar"}, positive=("x",))
    with pytest.raises(matcalc.MatcalcError, match="integer exponent.*declare the name"):
        parse_full("X^a", {"X": "n x n"})
    reads_as("tr(A C^u)", "A", lambda A, C_u: np.trace(A @ C_u), where={"C^u": "n x n"})


def test_const_is_a_constant_term():
    notes = reads_as(r"\frac{1}{2}\|\mathbf{x} - \boldsymbol{\mu}\|^2 + \text{const}", "mu", lambda x, mu: 0.5 * np.sum((x - mu) ** 2))
    assert any("const" in n for n in notes)
    with pytest.raises(matcalc.MatcalcError, match="constant term"):
        parse_full("const x^T x")


def test_layer_and_set_superscripts_are_names():
    reads_as(r"\frac{1}{2}\|\boldsymbol{y} - \boldsymbol{W}^{(2)\top}\mathrm{ReLU}(\boldsymbol{W}^{(1)\top}\boldsymbol{x})\|^2",
             "W_1", lambda y, W_2, W_1, x: 0.5 * np.sum((y - W_2.T @ np.maximum(0, W_1.T @ x)) ** 2))
    reads_as(r"\|\boldsymbol{X}^{(\text{train})}\boldsymbol{w} - \boldsymbol{y}^{(\text{train})}\|_2^2", "w",
             lambda X_train, w, y_train: np.sum((X_train @ w - y_train) ** 2))


def test_positive_key_and_squared_definition():
    reads_as(r"-\mathbf{q}^\top\mathbf{k}_+ + \log\sum\exp(K\mathbf{q})", "q",
             lambda q, k_plus, K: -q @ k_plus + np.log(np.sum(np.exp(K @ q))))
    notes = reads_as("log(1 + Δ²/ν) where Δ² = x^T x", "x", lambda x, ν: np.log(1 + x @ x / ν), where={"ν": "scalar"},
                     positive=("ν",))
    assert any("square root" in n for n in notes)


def test_the_wrt_name_changes_kind_only_when_the_default_does_not_type():
    r = grad_matches("x^T x / y", "y", lambda x, y: x @ x / y, {"x": np.array([0.3, -1.2, 0.7]), "y": 1.7})
    assert r.function.variables["y"] == "scalar"
    with pytest.raises(matcalc.MatcalcError, match="needs a scalar"):
        matcalc.grad("x", "x")


def test_ellipses_are_refused_with_the_matrix_form():
    with pytest.raises(matcalc.MatcalcError, match="sum\\(exp\\(x\\)\\)"):
        parse_full(r"\log(e^{x_1} + \cdots + e^{x_n})")


# ---- index notation over entries of vectors (parse/index_sums.py) ---------------------------------
def test_index_sums_over_entries_are_element_wise_sums():
    notes = reads_as(r"\sum_{i=1}^n x_i \log x_i", "x", lambda x: np.sum(x * np.log(x)), positive=("x",))
    assert any("sum over i" in n for n in notes)
    reads_as(r"\log\sum_{i=1}^{n} e^{x_i}", "x", lambda x: np.log(np.sum(np.exp(x))))
    reads_as(r"-\frac{1}{2}\sum_{j=1}^{J}\left(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\right)", "mu",
             lambda σ, mu: -0.5 * np.sum(1 + np.log(σ ** 2) - mu ** 2 - σ ** 2), positive=("σ",))
    reads_as(r"\sum_{i=1}^{n} \frac{x_i^2}{d_i}", "x", lambda x, d: np.sum(x ** 2 / d), positive=("d",))
    reads_as(r"\sum_i \frac{x_i}{a} + \sum_{k} b\,y_k^2", "y", lambda x, a, b, y: np.sum(x / a) + b * np.sum(y ** 2),
             where={"a": "scalar", "b": "scalar"})


@pytest.mark.parametrize("text, says", [
    (r"\sum_{i=1}^m \log(b_i - a_i^\top x)", "sum(log(b - A x))"),          # a_i a row of A
    (r"\sum_{i=1}^n (y_i - \mathbf{w}^\top\mathbf{x}_i)^2", "||X w - y||^2"),
    (r"-\sum_{n=1}^N\sum_{k=1}^K t_{nk}\ln y_{nk}", "matrix form"),             # two indices
    (r"z_i - \log\sum_j\exp(z_j)", "entry"),                                 # an entry outside its sum
    (r"\sum_{i=1}^n c", "no entry"),
    (r"-\log\frac{\exp(q\cdot k_+/\tau)}{\sum_{i=0}^{K}\exp(q\cdot k_i/\tau)}", "operator ·"),   # MoCo: q, k_i vectors
])
def test_index_sums_over_anything_else_are_refused_with_the_matrix_form(text, says):
    with pytest.raises(matcalc.MatcalcError, match=re.escape(says)):
        matcalc.grad(text, "x" if "x" in text else "y" if "y" in text else "z" if "z" in text else
                     "q" if "q" in text else "c")


def test_index_sums_never_take_a_constant_or_a_name_for_an_entry():
    with pytest.raises(matcalc.MatcalcError, match="reads as a number"):
        matcalc.grad(r"\sum_{k=1}^K \pi_k x_k", "x")            # π_k: the mixing weights, not the number π
    reads_as(r"\sum_{k=1}^K \pi_k x_k", "x", lambda pi, x: np.sum(pi * x), where={"pi": "n"})
    reads_as(r"\sum_{i=1}^n (x_i - \bar{x})^2", "x", lambda x, x_bar: np.sum((x - x_bar) ** 2),
             where={r"\bar{x}": "scalar"})                      # x_bar is a name, not an entry of x
    with pytest.raises(matcalc.MatcalcError, match="entry"):
        matcalc.grad(r"x_0 + \sum_i x_i", "x")
