"""Inputs within the documented limits are answered or refused quickly and cleanly (issue 14).

Each case was a hang, a quadratic blow-up or a crash before: a chain of 10,008 distinct matrices
(StopIteration after 13 s: dimension naming was quadratic and ran out of names), an 8,000-matrix
chain (13 s), a 99,000-letter run of an undeclared name (8 s: 99,000 tokens), Greek capitals that
look like Latin letters (silently distinct names), names ending in a newline, and exact constants
past double precision (an OverflowError traceback)."""
import time

import pytest

import matcalc
from matcalc.errors import DeclarationError, LimitError, ParseError

SECONDS = 5     # the issue asks for 3 s; the margin is for a loaded 2-core CI machine


def timed(fn, clock=time.perf_counter):
    start = clock()
    out = fn()
    assert clock() - start < SECONDS
    return out


def cpu_timed(fn):
    """timed in processor time (every thread of this process): a machine shared by ten busy processes
    stretches the wall clock of a 0.6 s derivation to 6 s, not its processor time; a hang is caught."""
    return timed(fn, time.process_time)


def test_a_chain_of_ten_thousand_distinct_matrices_parses_in_linear_time():
    e = cpu_timed(lambda: matcalc.parse(" ".join(f"A{i}" for i in range(10_008))))
    assert len(set(e.shape)) == 2 and e.shape[0] == "m"


def test_an_eight_thousand_matrix_chain_times_a_vector():
    assert cpu_timed(lambda: matcalc.parse(" ".join(f"A{i}" for i in range(8_000)) + " x")).shape[1] == 1


def test_a_huge_undeclared_letter_run_is_refused_at_once():
    with pytest.raises(ParseError, match="separate the factors with spaces, or declare the name"):
        cpu_timed(lambda: matcalc.parse("x" + "ab" * 49_500))


def test_a_letter_run_up_to_the_limit_is_still_a_product():
    assert str(matcalc.parse("ABCD")) == "A B C D"


@pytest.mark.parametrize("text, twin", [("x^T Ι x", "I"), ("Α x", "A"), ("tr(Χ)", "X"), ("ο^T x", "o")])
def test_greek_letters_that_look_latin_are_refused_with_their_code_point(text, twin):
    with pytest.raises(ParseError) as err:
        matcalc.parse(text)
    assert "U+03" in err.value.message and f"looks like the Latin '{twin}'" in err.value.message


def test_declaring_a_lookalike_is_refused_too():
    with pytest.raises(DeclarationError, match="looks like the Latin 'K'"):
        matcalc.parse("K x", where={"Κ": "n x n"})


def test_greek_letters_that_do_not_look_latin_stay_names():
    assert matcalc.parse("x^T Σ x").variables["Σ"].startswith("matrix")


@pytest.mark.parametrize("name", ["x\n", "A\n", "x_0\n"])
def test_a_name_ending_in_a_newline_is_not_a_name(name):
    with pytest.raises(DeclarationError, match="not a valid variable name"):
        matcalc.parse("x", where={name: "n"})


def test_a_constant_past_double_precision_is_a_limit_error_not_an_overflow():
    with pytest.raises(LimitError, match="beyond double precision"):
        matcalc.grad("1e300 * 1e300 * x^T x", "x")


def test_the_cli_reports_it_with_exit_2():
    from click.testing import CliRunner
    from matcalc.cli import main
    out = CliRunner().invoke(main, ["grad", "1e300 * 1e300 * x^T x", "--wrt", "x"])
    assert out.exit_code == 2 and "Traceback" not in out.output


class TestWorkProportionalToALiteralIsBounded:
    """A rule whose output grows with a number in the text (the k terms of d(Xᵏ)) is bounded before the
    work is made: `grad "tr(X^99999999)"` built every term (770 MB at 25 s and growing), and superscript
    exponents bypassed the 40-digit literal limit (5,000 superscript digits: a ValueError traceback)."""

    @pytest.mark.parametrize("digits", [41, 5_000])
    def test_a_superscript_exponent_has_the_literal_limit(self, digits):
        with pytest.raises(ParseError, match=f"number literal too long \\({digits} digits\\)"):
            cpu_timed(lambda: matcalc.parse("X" + "⁹" * digits))

    def test_a_superscript_exponent_within_the_limit_is_a_power(self):
        assert str(matcalc.parse("X⁴²")) == "X^42"

    @pytest.mark.parametrize("text", ["tr(X^99999999)", "tr(X⁹⁹⁹⁹⁹⁹⁹⁹)"])
    def test_the_trace_of_a_huge_power_is_one_term(self, text):
        r = cpu_timed(lambda: matcalc.grad(text, "X", check=False))
        assert str(r) == "99999999 (X^99999998)^T"

    @pytest.mark.parametrize("call", [lambda: matcalc.grad("tr(A X^99999999)", "X", check=False),
                                      lambda: matcalc.jacobian("X^99999999", "X", check=False),
                                      lambda: matcalc.hessian("tr(X^99999999)", "X", check=False),
                                      lambda: matcalc.grad("sum(X^501 x)", "X", check=False)])
    def test_k_terms_past_the_bound_are_refused_before_they_are_made(self, call):
        with pytest.raises(LimitError, match="has k terms"):
            cpu_timed(call)

    @pytest.mark.parametrize("kind, text", [("grad", "tr(X^7)"), ("grad", "det(X^5)"), ("grad", "tr(A X^4)"),
                                            ("hessian", "tr(X^3)"), ("grad", "tr(X^1 X^2 X^3)")])
    def test_the_closed_forms_are_right(self, kind, text):
        r = getattr(matcalc, kind)(text, "X", check=False)
        assert r.check().passed, r

    def test_a_power_within_the_bound_still_expands(self):
        r = cpu_timed(lambda: matcalc.grad("tr(A X^500)", "X", check=False))
        assert str(r).count("A^T") >= 400


class TestInputsWithinTheLimitsAreAnsweredQuickly:
    """Each took 8–35 s before (issue 14): answered or refused within SECONDS."""

    def test_a_trace_of_a_product_of_299_powers(self):
        r = cpu_timed(lambda: matcalc.grad("tr(" + " ".join(f"X^{i}" for i in range(1, 300)) + ")", "X", check=False))
        assert str(r) == "44850 (X^44849)^T"

    def test_log_det_of_five_thousand_factors(self):
        r = cpu_timed(lambda: matcalc.grad("log det(" + " ".join(["X"] * 5_000) + ")", "X", check=False))
        assert str(r) == "5000 X^-T"

    def test_fourteen_nested_softmaxes(self):
        """d softmax(u) holds du twice: 2¹⁴ paths through the differential, pulled once per shared node."""
        f = "sum(" + "softmax(" * 14 + "x" + ")" * 14 + ")"
        r = cpu_timed(lambda: matcalc.grad(f, "x", check=False))
        assert cpu_timed(r.check).passed

    def test_a_shared_differential_gives_the_same_gradient_as_the_path_walk(self, monkeypatch):
        from matcalc import adjoint
        f = "y^T softmax(softmax(softmax(A x)))"
        walked = matcalc.grad(f, "x", check=False)
        monkeypatch.setattr(adjoint, "MAX_PATHS", 1)
        shared = matcalc.grad(f, "x", check=False)
        assert shared.check().passed and walked.check().passed
        import numpy as np
        from matcalc.numeric import evaluate
        rng = np.random.default_rng(1)
        env = {v: rng.standard_normal((5, 5) if v.name == "A" else (5, 1)) for v in walked.expr.free}
        same = {v: env[next(w for w in env if w.name == v.name)] for v in shared.expr.free}
        assert np.allclose(evaluate(walked.expr, env, {"n": 5, "m": 5}), evaluate(shared.expr, same, {"n": 5, "m": 5}))

    def test_an_eight_thousand_matrix_chain_derivative_and_its_check(self):
        """The check's dimension walk was quadratic in the symbols (3 s of 8,000 list lookups), and every
        point overflows (a product of 8,000 random matrices): the check gives up after its time budget."""
        f = "x^T " + " ".join(f"A{i}" for i in range(8_000)) + " y"
        r = cpu_timed(lambda: matcalc.grad(f, "x", check=False))
        report = cpu_timed(r.check)
        assert report.status == "inconclusive" and "time budget" in report.message
