"""`matcalc codegen` refuses contradictory options with a usage error naming them (exit 2, no
traceback), and a general error reads 'error: …' once (issue 19's acceptance audit)."""
import pytest
from click.testing import CliRunner

from matcalc.cli import main as cli_main

EXPR = "||tanh(W x + b) - y||^2"


def codegen(*args):
    out = CliRunner().invoke(cli_main, ["codegen", EXPR, "--wrt", "W", "--no-check", *args])
    assert "Traceback" not in out.output and out.stdout == "", out.output
    return out.exit_code, out.stderr


@pytest.mark.parametrize("args, words", [
    (["--rule", "jax", "--target", "torch"], "--target torch contradicts"),
    (["--rule", "jax", "--target", "numpy"], "--target numpy contradicts"),    # numpy given, not the default
    (["--rule", "torch", "--standalone"], "no --standalone"),
    (["--rule", "torch", "--hessian"], "no --hessian"),
    (["--rule", "torch", "--times", "V"], "no --times"),
    (["--times", "V", "--hessian"], "no --hessian"),
    (["--times", "V", "--standalone"], "no --standalone"),
    (["--times", "V", "--wrt", "b"], "no second --wrt"),
])
def test_contradictory_options_are_usage_errors(args, words):
    code, err = codegen(*args)
    assert code == 2 and words in err, err


def test_the_rule_may_repeat_its_target():
    out = CliRunner().invoke(cli_main, ["codegen", EXPR, "--wrt", "W", "--rule", "jax", "--target", "jax",
                                        "--no-check"])
    assert out.exit_code == 0 and "@jax.custom_vjp" in out.stdout


def test_a_general_error_is_not_labelled_error_twice():
    out = CliRunner().invoke(cli_main, ["codegen", "||g(x) - y||^2", "--wrt", "x", "--let", "g: function n -> m",
                                        "--standalone"])
    assert out.exit_code == 2 and out.stderr.startswith("error: a standalone module cannot") \
        and "error: error" not in out.stderr, out.stderr


@pytest.mark.parametrize("args, words", [(["--hessian"], "a Hessian needs a scalar"),
                                         (["--times", "v"], "a Hessian-vector product needs a scalar")])
def test_second_derivatives_of_a_vector_are_refused(args, words):
    out = CliRunner().invoke(cli_main, ["codegen", "softmax(A x)", "--wrt", "x", "--no-check", *args])
    assert out.exit_code == 2 and words in out.stderr and "Traceback" not in out.output, out.output
