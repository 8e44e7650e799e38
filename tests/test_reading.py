"""Reading what people write (issue 13): each convention is checked against an independent NumPy
function — its value at a random point, and the derivative against central finite differences of it."""
import numpy as np
import pytest

import matcalc
from matcalc.numeric import evaluate, shape_of
from matcalc.parse import parse_full

SIZES = {"n": 4, "m": 5, "p": 3, "k": 2, "N": 6, "d": 3, "K": 3}


def values_for(expr, sizes, rng, positive=()):
    """{Var: 2-D array} for the evaluator and {name: array or float} for the NumPy function."""
    env, named = {}, {}
    for v in sorted(expr.free, key=lambda v: getattr(v, "name", "")):
        if not isinstance(v, matcalc.expr.Var):
            continue
        shape = shape_of(v, sizes)
        a = rng.standard_normal(shape)
        if "spd" in v.props:
            a = a @ a.T + shape[0] * np.eye(shape[0])
        elif "symmetric" in v.props:
            a = a + a.T
        if v.name in positive or "positive" in v.props:
            a = np.abs(a) + 0.5
        env[v] = a
        named[v.name] = float(a[0, 0]) if shape == (1, 1) else a[:, 0] if shape[1] == 1 else a
    return env, named


def with_sizes(fn, expr, named, sizes):
    """named, and the value of every dimension used as a number (ops/size.py) that fn takes: the size
    itself (mean's n is not an argument of np.mean)."""
    import inspect
    params = inspect.signature(fn).parameters
    used = {d for e in matcalc.expr.nodes(expr) for d in getattr(e, "named_dims", ())}
    return {**named, **{d: float(sizes[d]) for d in used if d in params}}


def reads_as(text, wrt, fn, where=None, sizes=SIZES, positive=(), seed=0):
    """matcalc's reading of `text` equals `fn` (NumPy, keyword arguments by name) at a random point, and
    its gradient with respect to `wrt` equals central differences of `fn`. Returns the parse notes."""
    parsed = parse_full(text, where)
    f = parsed.expr
    rng = np.random.default_rng(seed)
    env, named = values_for(f, sizes, rng, positive)
    named = with_sizes(fn, f, named, sizes)
    assert np.allclose(evaluate(f, env, sizes), fn(**named)), f"{text}: not the value of the NumPy function"
    g = matcalc.grad(text, wrt, where=where, check=False)
    var = next(v for v in env if v.name == wrt)
    got = evaluate(g.expr, env, sizes)
    x0, h = np.array(named[wrt], dtype=float), 1e-6
    fd = np.zeros(np.shape(x0))
    for i in np.ndindex(*np.shape(x0)):
        up, down = x0.copy(), x0.copy()
        up[i] += h
        down[i] -= h
        fd[i] = (fn(**{**named, wrt: up}) - fn(**{**named, wrt: down})) / (2 * h)
    assert np.allclose(np.reshape(got, np.shape(fd)), fd, rtol=1e-5, atol=1e-6), f"{text}: wrong derivative"
    del var
    return parsed.notes


def test_a_unary_plus_changes_nothing():
    assert matcalc.parse("+x") is matcalc.parse("x")
    reads_as("+x^T x - +2 a", "x", lambda x, a: x @ x - 2 * a)


# ---- a/b c: the factor right after '/' divides, the rest multiplies ---------------------------------
def sq(v):
    return float(np.sum(np.asarray(v) ** 2))


@pytest.mark.parametrize("text, wrt, where, fn", [
    ("λ/2 ||w||^2", "w", None, lambda λ, w: λ / 2 * sq(w)),
    ("1/n ||X w - y||^2", "w", {"X": "m x p"}, lambda n, X, w, y: sq(X @ w - y) / n),
    ("1/n ||X w - y||^2", "w", {"X": "n x p"}, lambda n, X, w, y: sq(X @ w - y) / n),
    ("1/(2N) ||X W - Y||_F^2", "W", None, lambda N, X, W, Y: sq(X @ W - Y) / (2 * N)),
    ("1/(2N) ||X W - Y||_F^2", "W", {"X": "N x d"}, lambda N, X, W, Y: sq(X @ W - Y) / (2 * N)),
    ("ρ/2 ||A x - b||^2", "x", None, lambda ρ, A, x, b: ρ / 2 * sq(A @ x - b)),
    ("N/2 log det Σ", "Σ", {"Σ": "n x n spd"}, lambda N, Σ: N / 2 * np.linalg.slogdet(Σ)[1]),
    ("ε/K sum(x)", "x", {"W": "K x n"}, lambda ε, K, x: ε / K * np.sum(x)),
    ("(ν + p)/2 log(1 + x^T x/ν)", "x", {"x": "p"}, lambda ν, p, x: (ν + p) / 2 * np.log(1 + x @ x / ν)),
    ("a/2 x^T x", "x", None, lambda a, x: a / 2 * (x @ x)),
])
def test_a_coefficient_divides_and_the_rest_multiplies(text, wrt, where, fn):
    notes = reads_as(text, wrt, fn, where, positive=("ν", "N", "n", "K", "ρ", "λ"))
    assert any("is read as (" in note and "for the other reading write" in note for note in notes), notes


@pytest.mark.parametrize("text, wrt, fn", [
    ("x^T A x / x^T x", "x", lambda x, A: (x @ A @ x) / (x @ x)),      # the Rayleigh quotient
    ("x^T A x / (x^T x)", "x", lambda x, A: (x @ A @ x) / (x @ x)),
    ("1/2 x^T A x", "x", lambda x, A: x @ A @ x / 2),                  # number/number: one coefficient
    ("λ/(2 ||w||^2) + x^T x", "x", lambda λ, w, x: λ / (2 * sq(w)) + x @ x),   # the other reading, written
])
def test_a_quotient_stays_a_quotient(text, wrt, fn):
    notes = reads_as(text, wrt, fn, positive=("λ",))
    assert not any("for the other reading" in note for note in notes)


def test_the_other_reading_is_what_the_note_says_to_write():
    note = parse_full("λ/2 ||w||^2").notes[0]
    other = note.split("for the other reading write ")[1]
    assert other == "λ/(2 ||w||^2)"
    reads_as(other, "w", lambda λ, w: λ / (2 * sq(w)), positive=("λ",))


# A number written together with the names after it divides as one: the inline RBF kernel
# exp(-||x - y||^2/2σ^2) (Rasmussen & Williams eq. 2.31 typed without \frac), /2π, 1/2σ^2 ||r||^2.
@pytest.mark.parametrize("text, wrt, fn", [
    ("exp(-||x - y||^2/2σ^2)", "x", lambda x, y, σ: np.exp(-sq(x - y) / (2 * σ ** 2))),
    ("x^T x/2π", "x", lambda x: (x @ x) / (2 * np.pi)),
    ("1/2σ^2 ||A x - b||^2", "x", lambda σ, A, x, b: sq(A @ x - b) / (2 * σ ** 2)),
    ("λ/2σ^2 ||w||^2 + x^T w", "w", lambda λ, σ, w, x: λ / (2 * σ ** 2) * sq(w) + x @ w),
    ("1/2x^T A x", "x", lambda x, A: x @ A @ x / 2),          # 2 touches x^T, a transpose: a coefficient
])
def test_a_number_glued_to_names_divides_as_one(text, wrt, fn):
    notes = reads_as(text, wrt, fn, positive=("σ", "λ"))
    if "2x^T" not in text:
        assert any("divides as one" in note and "for the other reading write" in note for note in notes), notes


@pytest.mark.parametrize("text", ["||w||^2/2 λ", "-||x - y||^2/2 σ^2", "x^T x/n p", "sum(x)/2 λ"])
def test_after_a_term_a_divisor_with_more_factors_is_asked_about(text):
    with pytest.raises(matcalc.ParseError) as info:
        matcalc.parse(text)
    message = str(info.value)
    assert "could mean" in message and "write one of them with parentheses" in message
    assert info.value.pos == text.index("/")
    readings = message.split("could mean ")[1].split(": write")[0].split(" or ")
    for reading in readings:                      # both readings the message offers parse as written
        matcalc.parse(reading, where={"n": "scalar", "p": "scalar"} if "n p" in text else None)
    from click.testing import CliRunner

    from matcalc.cli import main
    r = CliRunner().invoke(main, ["grad", text, "--wrt", "x" if "x" in text else "w"])
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_a_count_used_as_a_matrix_stays_a_matrix():
    assert matcalc.parse("N x").shape[1] == 1 and not matcalc.parse("N x").is_scalar
    assert matcalc.parse("K^T x / 2").shape[1] == 1
    assert matcalc.parse("X/2").shape[0] != 1


@pytest.mark.parametrize("args", [
    ["parse"], ["grad", "--wrt", "w"], ["hessian", "--wrt", "w"], ["jacobian", "--wrt", "w"],
    ["diff", "--wrt", "w"], ["directional", "--wrt", "w", "--along", "v"], ["codegen", "--wrt", "w"],
    ["taylor", "--wrt", "w"], ["newton", "--wrt", "w"], ["at", "--wrt", "w", "--values", '{"w": [1, 2], "λ": 2}'],
    ["grad", "--wrt", "w", "--format", "json"], ["taylor", "--wrt", "w", "--format", "json"],
    ["newton", "--wrt", "w", "--format", "json"], ["parse", "--format", "latex"],
    ["grad", "--wrt", "w", "--format", "latex"], ["diff", "--wrt", "w", "--format", "latex"],
    ["taylor", "--wrt", "w", "--format", "latex"], ["newton", "--wrt", "w", "--format", "latex"], ["at", "--wrt", "w", "--format", "json", "--values", '{"w": [1, 2], "λ": 2}'],
])
def test_every_command_says_how_a_slash_was_read(args):
    from click.testing import CliRunner

    from matcalc.cli import main
    r = CliRunner().invoke(main, [args[0], "λ/2 ||w||^2", *args[1:]])
    assert r.exit_code == 0, r.output
    assert "is read as (λ/2) ||w||^2" in r.output and "λ/(2 ||w||^2)" in r.output


def test_implicit_says_how_a_slash_was_read():
    from click.testing import CliRunner

    from matcalc.cli import main
    r = CliRunner().invoke(main, ["implicit", "λ/2 w - y", "--solve-for", "w", "--wrt", "y"])
    assert r.exit_code == 0, r.output
    assert "is read as (λ/2) w" in r.output


# ---- function application is never a product -----------------------------------------------------
def sigmoid(u):
    return 1 / (1 + np.exp(-u))


@pytest.mark.parametrize("text, wrt, fn", [
    ("sum(sigma(W x))", "x", lambda W, x: np.sum(sigmoid(W @ x))),
    ("sum(σ(W x))", "x", lambda W, x: np.sum(sigmoid(W @ x))),
    ("y^T log(sigma(X w))", "w", lambda X, w, y: y @ np.log(sigmoid(X @ w))),
    ("sum(max(0, W x))", "x", lambda W, x: np.sum(np.maximum(0, W @ x))),
    ("sum(max(W x, 0))", "x", lambda W, x: np.sum(np.maximum(0, W @ x))),
    ("sum(ReLU(W x))", "x", lambda W, x: np.sum(np.maximum(0, W @ x))),
    ("a(b + c) + x^T x", "x", lambda a, b, c, x: a * (b + c) + x @ x),       # a lone letter: a product
    ("x^T W_1(x + y)", "x", lambda W_1, x, y: x @ W_1 @ (x + y)),            # a matrix name: a product
])
def test_a_known_function_name_before_a_parenthesis_applies_it(text, wrt, fn):
    reads_as(text, wrt, fn)


def test_a_declaration_wins_over_a_known_function_and_says_so():
    notes = reads_as("x^T σ(W x)", "x", lambda σ, W, x: x @ σ @ W @ x, where={"σ": "n x n"})
    assert any("σ is declared" in n and "not the function sigmoid" in n for n in notes)
    notes = reads_as("sigma(x^T x) + x^T x", "x", lambda sigma, x: sigma * (x @ x) + x @ x,
                     where={"sigma": "scalar"})
    assert any("sigma is declared" in n for n in notes)


@pytest.mark.parametrize("text, name", [("f(x)", "f"), ("g(W x)", "g"), ("λ_k(A)", "λ_k"),
                                        ("sum(g_1(x))", "g_1")])
def test_an_undeclared_function_is_an_error_that_suggests_declaring_it(text, name):
    with pytest.raises(matcalc.ParseError, match=f"'{name}\\(' reads as applying a function {name}, which is "
                                                 f"not declared: declare it"):
        matcalc.parse(text)


def test_the_normal_cdf_is_built_in_or_declared_never_a_matrix():
    """Φ(x), Phi(x), normcdf(x) and LaTeX \\Phi(x) are the standard normal CDF, whose derivative is the
    density e^(−u²/2)/√(2π); a declared Φ is the user's function; φ( is refused (not built in)."""
    for text in ("sum(Φ(X w))", "sum(Phi(X w))", "sum(normcdf(X w))"):
        r = matcalc.grad(text, "w")
        assert "exp(-1/2 (X w).^2)" in str(r) and "π" in str(r) and r.check().passed, str(r)
    assert str(matcalc.parse(r"\Phi\left(w^\top x\right)", latex=True)) == "normcdf(w^T x)"
    assert str(matcalc.parse(r"\Phi^\top \Phi", latex=True)) == "Phi^T Phi"
    r = matcalc.grad("sum(Φ(X w))", "w", where={"Φ": "function scalar -> scalar"})
    assert str(r) == "X^T Φ'(X w)" and r.check().passed
    with pytest.raises(matcalc.ParseError, match="standard normal density"):
        matcalc.parse("sum(φ(X w))")
    assert matcalc.hessian("normcdf(a^T x)", "x").check().passed


def test_max_of_two_expressions_is_refused_not_guessed():
    with pytest.raises(matcalc.ParseError, match=r"max is read only as max\(0, u\)"):
        matcalc.parse("max(x, y)")


# ---- the ones vector -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, wrt, fn, where", [
    ("1^T x", "x", lambda x: np.sum(x), None),
    ("1^T exp(X w) - y^T X w", "w", lambda X, w, y: np.sum(np.exp(X @ w)) - y @ X @ w, None),
    ("log(1^T exp(x))", "x", lambda x: np.log(np.sum(np.exp(x))), None),
    ("-1^T log(1 + exp(A x))", "x", lambda A, x: -np.sum(np.log(1 + np.exp(A @ x))), None),
    ("y^T 1 1^T x", "x", lambda y, x: np.sum(y) * np.sum(x), None),
    ("1^T X 1", "X", lambda X: np.sum(X), None),
    ("||X W + 1 b^T - Y||_F^2", "b", lambda X, W, b, Y: sq(X @ W + np.outer(np.ones(len(X)), b) - Y), None),
    ("||X - 1 μ^T||_F^2", "μ", lambda X, μ: sq(X - np.outer(np.ones(len(X)), μ)), None),
    ("||y - X w - b 1||^2", "b", lambda y, X, w, b: sq(y - X @ w - b), {"b": "scalar"}),
    ("x^T (I - 1 1^T/n) x", "x", lambda x, n: x @ x - np.sum(x) ** 2 / n, None),
    ("1_n^T x", "x", lambda x: np.sum(x), None),
    ("𝟙^T x", "x", lambda x: np.sum(x), None),
    ("ones(n)^T x", "x", lambda x: np.sum(x), None),
    ("x^T x + 1", "x", lambda x: x @ x + 1, None),                    # a scalar 1 stays the number
])
def test_the_literal_1_is_the_ones_vector_where_a_vector_is_needed(text, wrt, fn, where):
    reads_as(text, wrt, fn, where, positive=("b", "n"))


def test_the_ones_vector_is_shown_with_its_length():
    notes = parse_full("1^T x", {"x": "p"}).notes
    assert "'1' at column 1 is read as the ones vector of length p" in notes
    assert parse_full("1 x").expr is matcalc.parse("x")              # 1 x: the number 1


def test_a_count_divides_as_a_number():
    notes = reads_as("x^T x / n", "x", lambda x, n: x @ x / n, positive=("n",))
    assert any(note.startswith("n is read as the size n") for note in notes)
    reads_as("sum(1/x)", "x", lambda x: np.sum(1 / x), positive=("x",))   # other letters: element-wise


# ---- e, π, √ ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, wrt, fn, where", [
    ("sum(e^x)", "x", lambda x: np.sum(np.exp(x)), None),
    ("e^{-x^T x/2}", "x", lambda x: np.exp(-x @ x / 2), None),
    ("sum(e.^(A x))", "x", lambda A, x: np.sum(np.exp(A @ x)), None),
    ("1/2 log det(2 π e Σ)", "Σ", lambda Σ: 0.5 * np.linalg.slogdet(2 * np.pi * np.e * Σ)[1], {"Σ": "n x n spd"}),
    ("e^2 x^T x", "x", lambda e, x: e ** 2 * (x @ x), {"e": "scalar"}),           # a declared e is a variable
    ("√(x^T x)", "x", lambda x: np.sqrt(x @ x), None),
    ("x^T y / √d", "x", lambda x, y, d: x @ y / np.sqrt(d), None),
    ("n/2 log(2π) + x^T x", "x", lambda n, x: n / 2 * np.log(2 * np.pi) + x @ x, None),
    ("x^T x / π", "x", lambda x: x @ x / np.pi, None),
    ("pi^2 x^T x", "x", lambda pi, x: pi ** 2 * (x @ x), {"pi": "scalar"}),      # a declared pi is a variable
])
def test_euler_pi_and_roots(text, wrt, fn, where):
    notes = reads_as(text, wrt, fn, where, positive=("d", "n"))
    if "π" in text:
        assert any(n.startswith("π is read as the number π") for n in notes)


def test_e_is_eulers_number_and_says_so():
    parsed = parse_full("sum(e^x)")
    assert str(parsed.expr) == "sum(exp(x))" and any("Euler's number" in n for n in parsed.notes)
    assert str(matcalc.parse("2 e")) == "2 exp(1)"
    reads_as("(A x + b)^T C (D x + e)", "x", lambda A, x, b, C, D, e: (A @ x + b) @ C @ (D @ x + e))  # a vector e


def test_names_in_a_divisor_and_under_an_elementwise_power():
    reads_as("1/(2n) ||y - X β||^2", "β", lambda n, y, X, β: sq(y - X @ β) / (2 * n), positive=("n",))
    reads_as("1/(2m) ||X θ - y||^2", "θ", lambda m, X, θ, y: sq(X @ θ - y) / (2 * m), positive=("m",))
    # σ.^2: the element-wise power is written for arrays, so σ and μ are vectors (not the Greek scalars)
    reads_as("-1/2 sum(1 + log(σ.^2) - μ.^2 - σ.^2)", "μ",
             lambda σ, μ: -0.5 * np.sum(1 + np.log(σ ** 2) - μ ** 2 - σ ** 2))


@pytest.mark.parametrize("text, wrt, fn", [
    ("sum(x^2)", "x", lambda x: np.sum(x ** 2)),
    ("sum((X w - y)^2)", "w", lambda X, w, y: np.sum((X @ w - y) ** 2)),
    ("1/2 ||w||^2 + c sum(max(0, 1 - y .* (X w))^2)", "w",
     lambda w, c, y, X: sq(w) / 2 + c * np.sum(np.maximum(0, 1 - y * (X @ w)) ** 2)),
])
def test_a_power_of_a_vector_is_element_wise_and_noted(text, wrt, fn):
    notes = reads_as(text, wrt, fn)
    assert any("is a power of a vector, read element-wise" in n for n in notes)
    with pytest.raises(matcalc.ShapeError, match="a power of a row vector"):
        matcalc.parse("x^T^2")


@pytest.mark.parametrize("text, wrt, fn, where", [
    ("mean(x)", "x", lambda x: np.mean(x), None),
    ("mean((X w - y)^2)", "w", lambda X, w, y: np.mean((X @ w - y) ** 2), None),
    ("var(X w)", "w", lambda X, w: np.var(X @ w), None),
    ("mean(X)", "X", lambda X: np.mean(X), None),
    ("y^T ((x - mean(x)) / sqrt(var(x) + ε))", "x",
     lambda y, x, ε: y @ ((x - np.mean(x)) / np.sqrt(np.var(x) + ε)), {"ε": "scalar positive"}),
])
def test_mean_and_var_over_all_entries(text, wrt, fn, where):
    notes = reads_as(text, wrt, fn, where)
    assert any("over all entries" in n for n in notes)


@pytest.mark.parametrize("text, wrt, fn, where", [
    ("x^T x - n/2 log 2π", "x", lambda x, n: x @ x - n / 2 * np.log(2 * np.pi), None),
    ("N/2 log 2πσ^2 + x^T x", "x", lambda N, σ, x: N / 2 * np.log(2 * np.pi * σ ** 2) + x @ x, None),
    ("-1/2 y^T K^{-1} y - 1/2 log|K| - n/2 log 2π", "y",
     lambda y, K, n: -0.5 * y @ np.linalg.solve(K, y) - 0.5 * np.linalg.slogdet(K)[1] - n / 2 * np.log(2 * np.pi),
     {"K": "n x n spd"}),
    ("log|K| + a x^T x", "x", lambda K, a, x: np.linalg.slogdet(K)[1] + a * (x @ x), {"K": "n x n spd"}),
])
def test_a_function_before_a_glued_number_takes_the_glued_factors(text, wrt, fn, where):
    reads_as(text, wrt, fn, where, positive=("n", "N", "π", "σ"))
    assert str(matcalc.parse("log 2 π")) == "log(2) π"                 # with a space: the atom only


def test_unicode_transpose_and_ell():
    assert matcalc.parse("x^⊤ A x") is matcalc.parse("x^T A x")
    assert matcalc.parse("X^{-⊤}") is matcalc.parse("X^{-T}")
    # (a Python name ℓ would be NFKC-normalised to l: the value comes by keyword)
    reads_as("exp(-||x - y||^2 / (2 ℓ^2))", "x", lambda x, y, **k: np.exp(-sq(x - y) / (2 * k["ℓ"] ** 2)),
             positive=("ℓ",))
