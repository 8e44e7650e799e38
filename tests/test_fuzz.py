"""Fuzzing: properties over random well-typed expressions, and a grammar fuzzer over random text.

The number of examples per property comes from MATCALC_FUZZ_EXAMPLES (default 100, what CI runs:
the `ci` Hypothesis profile of tests/conftest.py draws the same 100 every run). A long run, with
random examples (the `fuzz` profile), is started by hand, e.g.

    MATCALC_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

(docs/fuzzing.md records the runs made so far and what they found).

1. Derivatives of random expressions (tests/strategies.py): every gradient of a scalar, Jacobian of a
   vector, Hessian and mixed second derivative of a scalar passes the numerical check (never
   'failed', at most MAX_INCONCLUSIVE of the checks inconclusive); Hessians are symmetric.
2. simplify preserves the value and is idempotent: simplify(simplify(e)) is simplify(e); derivatives
   come out simplified.
3. Printing then parsing (under declarations built from the variables' shapes) gives an
   expression with the same value -- for random expressions and for their derivatives, printed as
   text and as LaTeX.
4. Nothing raises anything but a matcalc.MatcalcError subclass: random expressions through the
   whole pipeline, random text, mutations of valid text and random declarations through
   `matcalc.parse` (within a 2 s deadline: no hangs), and the CLI (`matcalc parse TEXT` exits 0 or 2
   and never prints a traceback).

Bugs the fuzzers found are pinned by regression tests at the end of the module. While a bug is
open, the properties skip exactly its inputs with a narrow predicate (so that they keep looking for
new ones) and its regression test is a strict xfail; none is open now.
"""
import os
from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, note, settings, strategies as st

import matcalc
from matcalc import expr as E
from matcalc.check import dim_symbols, sample_sizes, sample_value
from matcalc.cli import main as cli_main
from matcalc.numeric import evaluate
from matcalc.simplify import simplify
from strategies import others, scalars, squares, variables_of, vectors
from test_parse import FORMS

EXAMPLES = int(os.environ.get("MATCALC_FUZZ_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Text fuzzing: every input must be answered quickly (a hang is a failure, not a slow test).
TEXT_SETTINGS = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=2),
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])



def any_expression():
    return st.one_of(scalars(), vectors(), squares(), others())


# ---- helpers --------------------------------------------------------------------------------
def declarations(*exprs):
    """where= for the variables of the expressions: {"A": "n x n", "x": "n", "S": "n x n spd", "c": "scalar"}."""
    out = {}
    for e in exprs:
        for v in e.free:
            if not isinstance(v, E.Var) or any(isinstance(d, tuple) for d in v.shape):
                continue        # n·n rows (B in kron(a A, A) B) cannot be declared: left to inference
            r, c = v.shape
            shape = "scalar" if v.shape == (1, 1) else f"{r}" if c == 1 else f"{r} x {c}"
            out[v.name] = " ".join([shape, *sorted(v.props)])
    return out


def sample(exprs, seed, mode="plain"):
    """A point (Var → array) honouring the declarations, and sizes for every dimension symbol."""
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    variables = sorted({v for e in exprs for v in e.free if isinstance(v, E.Var)}, key=lambda v: v.name)
    return {v: sample_value(v, sizes, rng, mode) for v in variables}, sizes


def by_name(env, expr):
    """The same point for another tree over the same variable names."""
    named = {v.name: a for v, a in env.items()}
    return {v: named[v.name] for v in expr.free if isinstance(v, E.Var)}


def close(a, b, rtol=1e-7):
    scale = 1 + max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= rtol * scale))


def derivative_of(kind, f, wrt, wrt2=None):
    if kind == "gradient":
        return matcalc.grad(f, wrt, check=False)
    if kind == "jacobian":
        return matcalc.jacobian(f, wrt, check=False)
    return matcalc.hessian(f, wrt, wrt2=wrt2, check=False)


KINDS = ["gradient", "jacobian", "hessian", "mixed"]


def draw_derivative(data, kind):
    """A random function for `kind`, variables to differentiate by, and the Result.

    Jacobians are of vectors, the rest of scalars; Jacobians and Hessians w.r.t. a structured (spd)
    variable are on its symmetric directions (structured.py), checked along symmetric directions; a
    mixed second derivative is w.r.t. two distinct variables.
    """
    f = data.draw(vectors() if kind == "jacobian" else scalars(), label="f")
    # the second derivative of the nuclear norm (d polar(X), a Sylvester equation) is refused by design
    assume(kind in ("gradient", "jacobian") or not any(type(n).__name__ == "NuclearNorm" for n in E.nodes(f)))
    names = variables_of(f)
    assume(len(names) >= (2 if kind == "mixed" else 1))
    wrt = data.draw(st.sampled_from(names), label="wrt")
    wrt2 = data.draw(st.sampled_from([n for n in names if n != wrt]), label="wrt2") if kind == "mixed" else None
    r = derivative_of("hessian" if kind == "mixed" else kind, f, wrt, wrt2)
    note(f"{kind} of {f} w.r.t. {wrt}{', ' + wrt2 if wrt2 else ''}: {r}")
    return f, r


# ---- 1. every derivative passes the numerical check -----------------------------------------
# An inconclusive check (no sampled point where the function is defined and finite differences are
# accurate) proves nothing, so a property whose checks are mostly inconclusive would pass without
# testing anything: each property counts its statuses and fails past MAX_INCONCLUSIVE of the checked
# examples. Measured with the `ci` profile at 100 and 200 examples: none (before the check settled zero
# derivatives against f, 37% of the Hessians were inconclusive, and the property passed).
MAX_INCONCLUSIVE = 0.10


def assert_mostly_conclusive(statuses, what):
    checked = sum(statuses[s] for s in ("passed", "inconclusive"))
    assert checked >= min(EXAMPLES, 100) // 2, f"{what}: only {checked} examples reached the check: {dict(statuses)}"
    assert statuses["inconclusive"] <= MAX_INCONCLUSIVE * checked, \
        f"{what}: {statuses['inconclusive']} of {checked} checks were inconclusive (bound {MAX_INCONCLUSIVE:.0%})"


@pytest.mark.parametrize("kind", KINDS)
def test_every_derivative_passes_the_check(kind):
    """The single home of the derivative-check property (gradients, Jacobians, Hessians, mixed second
    derivatives); a Hessian that passes is also symmetric at a sampled point."""
    statuses = Counter()

    @SETTINGS
    @given(data=st.data())
    def check_one(data):
        f, r = draw_derivative(data, kind)
        report = r.check(seed=data.draw(st.integers(0, 10**6), label="seed"))
        statuses[report.status] += 1
        assert report.status != "failed", f"{kind} of {f} = {r}: {report}"
        if kind == "hessian" and report.passed:
            env, sizes = sample([r.function, r.expr], report.seed)
            H = evaluate(r.expr, env, sizes)
            if np.all(np.isfinite(H)):
                statuses["symmetry checked"] += 1
                assert np.allclose(H, H.T, rtol=1e-7, atol=1e-7 * (1 + np.abs(H).max())), f"{f}: {r} is not symmetric"

    check_one()
    assert_mostly_conclusive(statuses, f"{kind} checks")
    if kind == "hessian":
        assert statuses["symmetry checked"] >= statuses["passed"] // 2, dict(statuses)


# ---- 2. simplify preserves the value and is idempotent -----------------------------------------
@SETTINGS
@given(any_expression(), st.integers(0, 10**6))
def test_simplify_preserves_value_and_is_idempotent(e, seed):
    s = simplify(e)
    assert simplify(s) is s, f"not idempotent: {e} → {s} → {simplify(s)}"
    env, sizes = sample([e], seed)
    before, after = evaluate(e, env, sizes), evaluate(s, env, sizes)
    assume(np.all(np.isfinite(before)) and np.max(np.abs(before)) < 1e12)
    assert close(before, after, 1e-8), f"{e} → {s}"


@SETTINGS
@given(scalars(), st.data())
def test_simplified_derivatives_are_fixed_points(f, data):
    names = variables_of(f)
    assume(names)
    r = matcalc.grad(f, data.draw(st.sampled_from(names)), check=False)
    assert simplify(r.expr) is r.expr, f"the gradient {r} of {f} simplifies further to {simplify(r.expr)}"


# ---- 3. printing then parsing keeps the value ---------------------------------------------------
def _factors(d):
    return [] if d == 1 else list(d) if isinstance(d, tuple) else [d]


def solve_fresh_dims(again, e, sizes):
    """Sizes for the dimensions of `again` (a parse of str(e)), or None when the text leaves one open.

    A bare `I`, `vector(1)` or `matrix(0)` carries no size: parsing gives it a fresh dimension symbol
    that only the original's shape determines. Solve again.shape = e.shape position by position
    (one unknown at a time; `vec(I)` has n·n rows, so an unknown may appear squared).
    """
    declared = {d for v in e.free if isinstance(v, E.Var) for d in v.shape if isinstance(d, str)}
    out = {d: sizes[d] for d in declared if d in sizes}
    target = [int(np.prod([sizes[f] if isinstance(f, str) else f for f in _factors(d)])) for d in e.shape]
    progress = True
    while progress:
        progress = False
        for d, n in zip(again.shape, target):
            fs = _factors(d)
            unknown = [f for f in fs if isinstance(f, str) and f not in out]
            if not unknown or len(set(unknown)) > 1:
                continue
            known = int(np.prod([out[f] if isinstance(f, str) else f for f in fs if f not in unknown]))
            k = len(unknown)
            root = round((n / known) ** (1 / k)) if n % known == 0 else 0
            assert root >= 2 and known * root ** k == n, \
                f"{str(e)!r} parses to the shape {again.shape}, which cannot be {e.shape}"
            out[unknown[0]] = root
            progress = True
    if set(dim_symbols([again])) - set(out):
        return None
    return out


def _round_trip(e, seed, latex=False):
    where = declarations(e)
    text = e.latex() if latex else str(e)
    note(f"text: {text!r}, where: {where}")
    again = matcalc.parse(text, where, latex=latex or None)     # LaTeX without a backslash (2 K_{n,n}) too
    env, sizes = sample([e], seed)
    again_sizes = solve_fresh_dims(again, e, sizes)
    if again_sizes is None:      # e.g. `I ⊗ I` alone: the printed text does not fix the sizes
        event("print/parse: sizes left open by the text")
        assume(False)
    want = evaluate(e, env, sizes)
    got = evaluate(again, by_name(env, again), again_sizes)
    assert got.shape == want.shape, f"{text!r} parses to a {got.shape} value, not {want.shape} (sizes {sizes})"
    assume(np.all(np.isfinite(want)) and np.max(np.abs(want)) < 1e12)
    assert close(got, want), f"{e!r} printed as {text!r} parses to {again!r}, with another value"


@SETTINGS
@given(any_expression(), st.integers(0, 10**6))
def test_print_then_parse_keeps_the_value(e, seed):
    _round_trip(e, seed)


@SETTINGS
@given(any_expression(), st.integers(0, 10**6))
def test_printed_latex_parses_back_to_the_same_value(e, seed):
    _round_trip(e, seed, latex=True)


@pytest.mark.parametrize("printer", ["text", "latex"])
@SETTINGS
@given(st.sampled_from(KINDS), st.data())
def test_printed_derivatives_parse_back_to_the_same_value(printer, kind, data):
    f, r = draw_derivative(data, kind)
    _round_trip(r.expr, data.draw(st.integers(0, 10**6), label="seed"), latex=printer == "latex")


# ---- 4a. random expressions through the whole pipeline: only MatcalcErrors --------------------
def _whole_pipeline(e, seed):
    """Every public step on e; a MatcalcError is an acceptable answer, anything else is a bug."""
    steps = [lambda: str(e), lambda: e.latex(), lambda: matcalc.parse(str(e), declarations(e)),
             lambda: simplify(e)]
    for name in variables_of(e):
        for kind, other in [("gradient", None), ("jacobian", None), ("hessian", None)] + \
                [("hessian", other) for other in variables_of(e) if other != name]:
            def derive(kind=kind, name=name, other=other):
                r = derivative_of(kind, e, name, other)
                str(r), r.latex(), r.pretty(), r.pretty(latex=True)
                r.check(seed=seed)
                matcalc.parse(str(r), declarations(e))
            steps.append(derive)
        steps.append(lambda name=name: str(matcalc.differential(e, name)))
    for step in steps:
        try:
            step()
        except matcalc.MatcalcError:
            pass


@SETTINGS
@given(any_expression(), st.integers(0, 10**6))
def test_the_pipeline_raises_only_matcalc_errors(e, seed):
    _whole_pipeline(e, seed)


# ---- 4b. the grammar fuzzer ---------------------------------------------------------------------
ALPHABET = ("abcxyzABCXSIWvwnmT0123456789 "        # letters (scalars, vectors, matrices, I), digits, space
            "^'.*/+-,;()[]{}|_"                     # operators, brackets, bars, subscripts
            "ᵀ⁻¹²‖⊙⊗⟨⟩σΣμ−")                         # unicode notation
WORDS = ["tr", "det", "log", "exp", "sum", "diag", "vec", "inv", "kron", "sigmoid", "softmax", "logsumexp",
         "norm1", "norm2", "sqrt", "abs", "relu", "eye", "lambda", "^T", "^-1", "^{-T}", ".^", "./", ".*",
         "||", "|", "_F", "_1", "_2", "(", ")", "x", "A", "x^T A x", "1e-3", "1/2", "0.5", "1e999", "\\top",
         "\\|", "\\frac{1}{2}", "\\operatorname{tr}", "\\left(", "\\right)"]


def texts():
    """Random text from the language's characters and words."""
    return st.one_of(st.text(alphabet=ALPHABET, max_size=30),
                     st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=ALPHABET, max_size=3)),
                              max_size=12).map("".join))


@st.composite
def mutations(draw):
    """A valid form from test_parse.FORMS with characters inserted, deleted, replaced or duplicated."""
    text = draw(st.sampled_from(FORMS))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap"]))
        i = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(list(ALPHABET) + WORDS)) + text[i:]
        elif op == "delete" and text:
            text = text[:i] + text[i + 1:]
        elif op == "replace" and i < len(text):
            text = text[:i] + draw(st.sampled_from(list(ALPHABET))) + text[i + 1:]
        elif op == "duplicate":
            j = draw(st.integers(i, len(text)))
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text


def _parse_or_matcalc_error(text):
    try:
        e = matcalc.parse(text)
    except matcalc.MatcalcError as err:
        str(err), err.caret()          # the CLI prints both
        return None
    # what parses prints as text that parses again (under declarations of what the parser inferred) to
    # an expression of the same kind; the value round trip is test_print_then_parse_keeps_the_value's
    again = matcalc.parse(str(e), declarations(e))
    assert (again.is_scalar, again.is_vector) == (e.is_scalar, e.is_vector), f"{text!r} → {str(e)!r} → {str(again)!r}"
    return e


def _parsed_pipeline(e):
    """A parsed text goes on: printing, parsing back, a gradient or Jacobian of its first variable."""
    try:
        str(e), e.latex()
        matcalc.parse(str(e), declarations(e))
        names = variables_of(e)
        if names:
            if e.is_scalar:
                matcalc.grad(e, names[0], check=False)
            else:
                matcalc.jacobian(e, names[0], check=False)
    except matcalc.MatcalcError:
        pass


@TEXT_SETTINGS
@given(texts())
def test_random_text_parses_or_raises_a_matcalc_error(text):
    e = _parse_or_matcalc_error(text)
    if e is not None:
        _parsed_pipeline(e)


@TEXT_SETTINGS
@given(mutations())
def test_mutated_forms_parse_or_raise_a_matcalc_error(text):
    e = _parse_or_matcalc_error(text)
    if e is not None:
        _parsed_pipeline(e)


DECLARATION_WORDS = ["n", "m", "3", "1", "0", "x", "×", "*", ",", " ", "scalar", "symmetric", "spd", "diagonal",
                     "positive", "n x n", "m x n", "-> ", "function", "A", "x_0", "1000000", "2.5"]


@TEXT_SETTINGS
@given(st.sampled_from(["x^T A x", "A x", "tr(X)", "c x", "||A x - b||^2", "x"]),
       st.dictionaries(st.one_of(st.sampled_from(["A", "x", "b", "X", "c", "lambda"]), st.text(ALPHABET, max_size=4)),
                       st.lists(st.sampled_from(DECLARATION_WORDS), max_size=5).map(" ".join), max_size=3))
def test_random_declarations_raise_only_matcalc_errors(text, where):
    try:
        e = matcalc.parse(text, where)
    except matcalc.MatcalcError:
        return
    _parsed_pipeline(e)


def _cli(text):
    r = CliRunner().invoke(cli_main, ["parse", text])
    out = r.output                      # click ≥ 8.2: standard output and standard error together
    assert r.exit_code in (0, 2), f"exit code {r.exit_code} for {text!r}: {out!r} {r.exception!r}"
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in out, out


@TEXT_SETTINGS
@given(st.one_of(texts(), mutations()))
def test_the_cli_exits_0_or_2_without_a_traceback(text):
    _cli(text)


# ---- regression tests for the bugs the fuzzers found (open ones are strict xfails) ----------------
def test_nested_norm_prints_unambiguously():
    # BUG 1 (fixed): norm(2 norm(x) x) printed as '||2 ||x|| x||', which parses back as ||2|| ||x|| x
    w = {"x": "n"}
    e = matcalc.parse("norm(2 norm(x) x)", w)
    assert e.is_scalar
    assert str(e) == "norm(2 ||x|| x)"
    assert matcalc.parse(str(e), w) is e
    assert matcalc.parse(e.latex(), w) is e          # \left\lVert 2 \left\lVert x \right\rVert x \right\rVert
    e = matcalc.parse("||2 (||x||^2) x||^2", w)
    assert str(e) == "norm(2 ||x||^2 x)^2"          # was '||2 ||x||^2 x||^2', which does not parse
    assert matcalc.parse(str(e), w) is e
    assert matcalc.parse(e.latex(), w) is e
    e = matcalc.parse("norm1(x norm1(x))", w)
    assert str(e) == "norm1(||x||_1 x)"
    assert matcalc.parse(str(e), w) is e and matcalc.parse(e.latex(), w) is e


def test_nested_norms_that_already_round_trip():
    w = {"x": "n", "y": "n"}
    for text in ["norm(norm(x) x)", "norm(x + norm(y) x)", "norm(x norm(y))", "norm(x) norm(y)", "||(||x||^2 x) + y||",
                 "abs(2 abs(x) .* x)", "abs(norm(x) x)", "norm(norm(norm(x) x) y)"]:
        e = matcalc.parse(text, w)
        assert matcalc.parse(str(e), w) is e, (text, str(e))
        assert matcalc.parse(e.latex(), w) is e, (text, e.latex())


def test_zero_row_vector_round_trips():
    # BUG 2 (fixed): the zero row vector printed as 'matrix(0)', which parses as an m×n matrix
    w = {"c": "scalar", "x": "n"}
    r = matcalc.hessian("c^2 + x^T x", "c", wrt2="x", where=w)
    assert r.shape == (1, "n")
    assert str(r) == "zeros(n)^T"
    assert matcalc.parse(str(r), w).shape == (1, "n")
    assert matcalc.parse(str(r), w) is r.expr
    assert str(E.Zero((1, 3))) == "zeros(3)^T" and matcalc.parse("zeros(3)^T").shape == (1, 3)


def test_elementwise_power_of_an_inverse_round_trips():
    # BUG 3 (fixed): (X^-1).^2 printed as X^-1.^2, which did not parse (POSTOP's lookahead took '1.' for
    # the start of a decimal number)
    e = matcalc.parse("(X^-1) .^ 2")
    assert str(e) == "X^-1.^2"
    assert matcalc.parse(str(e)) is e
    assert matcalc.parse("X^-1 .^ 2") is e
    assert matcalc.parse("X^-1./Y") is matcalc.parse("X^-1 ./ Y") is matcalc.parse("inv(X) ./ Y")
    c = {"c": "scalar"}
    assert matcalc.parse("c^-1.5", c) is matcalc.parse("c^(-3/2)", c)    # still a decimal exponent
    assert matcalc.parse("c^-12", c) is matcalc.parse("c^(-12)", c)
    assert matcalc.parse("c^-1.0", c) is matcalc.parse("1/c", c)


def test_fractional_broadcast_literal_round_trips():
    # BUG 4 (fixed): x + 0.5 printed as 'x + 1/2', which Builder.broadcastable refused (ShapeError)
    w = {"x": "n"}
    e = matcalc.parse("x + 0.5", w)
    assert str(e) == "x + 1/2"
    assert matcalc.parse(str(e), w) is e
    r = matcalc.grad("sum(x .* x + 1/2 x)", "x", where=w)
    assert str(r) == "1/2 + 2 x"
    assert matcalc.parse(str(r), w) is r.expr
    for text in ["x - 1/2", "x .* (-1/2)", "1/2 + x", "x + \\frac{1}{2}", "x + 1/2/3"]:
        again = matcalc.parse(text, w)
        assert again.shape == ("n", 1) and matcalc.parse(str(again), w) is again, text
    with pytest.raises(matcalc.ShapeError):
        matcalc.parse("x + 2*3", w)                  # a product of literals is not one literal


@pytest.mark.parametrize("text, at", [("0^-1 x^T x", "0^-1"), ("x^T x / 0^2", "0^2"), ("0.^-15*x'*A*x", "0.^-15"),
                                      ("0⁻¹ x^T x", "0⁻¹"), ("inv(0) x^T x", "inv(0)"), ("(1 - 1)^-1 x^T x", "(1 - 1)^-1"),
                                      ("x ./ 0 + x", "0"), ("x ./ zeros(n)", "zeros(n)"), ("0^(-1/2) x^T x", "0^(-1/2)"),
                                      ("inv(0 X) x", "inv(0 X)")])
def test_zero_to_a_negative_power_is_a_parse_error(text, at):
    # BUG 5 (fixed in the parser): 0^-1 was accepted (unlike 1/0) and simplify raised ZeroDivisionError
    with pytest.raises(matcalc.ParseError, match="division by zero") as info:
        matcalc.grad(text, "x", check=False)
    assert info.value.caret().split("\n")[1].index("^") == text.index(at)
    assert info.value.caret().split("\n")[1].count("^") == len(at)


def test_zero_to_a_power_that_is_not_negative_is_fine():
    assert str(matcalc.grad("0^2 x^T x + x^T x", "x", check=False)) == "2 x"
    assert str(matcalc.grad("0^0 x^T x", "x", check=False)) == "2 x"
    assert matcalc.parse("0^c", {"c": "scalar"}).is_scalar          # the sign of c is unknown


X_ = E.Var("x", ("n", 1), frozenset())


@pytest.mark.parametrize("make", [
    pytest.param(lambda: matcalc.grad("(a - a)^-1 x^T x", "x", check=False), id="(a-a)^-1"),
    pytest.param(lambda: matcalc.grad("x^T x / (tr(X) - tr(X^T))", "x", check=False), id="tr(X)-tr(X^T)"),
    pytest.param(lambda: simplify(E.Pow(E.Num(0), E.Num(-1))), id="Pow(0,-1)-simplify"),
    pytest.param(lambda: matcalc.grad(E.product(E.Pow(E.Num(0), E.Num(-1)), E.Mul(E.Transpose(X_), X_)), "x",
                                      check=False), id="Pow(0,-1)-grad"),
])
def test_a_negative_power_of_zero_after_simplifying_is_a_matcalc_error(make):
    """BUG 6 (fixed): simplify.r_pow computed Fraction(0) ** -k, a ZeroDivisionError."""
    with pytest.raises(matcalc.MatcalcError, match="division by zero"):
        make()


def test_zero_vectors_and_matrices_round_trip():
    # found by the fuzzers while writing them (parse('vector(0)') raised KeyError; the Hessian of c
    # w.r.t. c was a 1×1 Zero printed 'vector(0)'), fixed in the same session by the parser's authors
    for text, where in [("0 x", {"x": "n"}), ("0 A", {"A": "m x n"}), ("x - x", {"x": "n"})]:
        e = matcalc.parse(text, where)
        again = matcalc.parse(str(e), where)
        assert again.shape == e.shape
    assert str(matcalc.hessian("c + x^T x", "c", where={"c": "scalar"})) == "0"
