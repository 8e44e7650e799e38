"""What the command line prints: user text never reaches the terminal raw, errors in JSON when JSON
is asked for, tolerances that are numbers, standard input with a byte-order mark (issue 14)."""
import json

import pytest
from click.testing import CliRunner

from matcalc.cli import main

ESC = "\x1b]0;pwned\x07\x1b[31m"          # sets the terminal title, then turns the text red
C1 = "\x9b31m"                             # the one-byte CSI


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def raw_escapes(r):
    return [s for s in (r.stdout, r.stderr) if "\x1b" in s or "\x07" in s or "\x9b" in s]


SEED = "1/2 x^T [1, 0; 0, 10] x"


@pytest.mark.parametrize("args", [
    ["parse", "x", "--let", f"x{ESC}"],
    ["parse", "x", "--let", f"x: n {ESC}"],
    ["directional", "x^T x", "--wrt", "x", "--along", f"v{ESC}"],
    ["hessian", "x^T x", "--wrt", "x", "--times", f"v{C1}"],
    ["taylor", "x^T x", "--wrt", "x", "--direction", f"h{ESC}"],
    ["newton", "x^T x", "--wrt", "x", "--eta", f"e{ESC}"],
    ["grad", "x^T x", "--wrt", f"x{ESC}"],
    ["at", SEED, "--wrt", "x", "--values", f"data{ESC}.csv"],
    ["at", SEED, "--wrt", "x", "--values", f"/nonexistent/{ESC}.json"],
    ["at", SEED, "--wrt", "x", "--values", json.dumps({"x": [1, 1], ESC: "no"})],
    ["at", SEED, "--wrt", "x", "--values", json.dumps({"x": [1, 1], ESC: 1}), "--no-check"],      # a successful run
    ["at", SEED, "--wrt", "x", "--values", json.dumps({"x": [1, 1], C1: 1}), "--no-check", "--format", "json"],
    ["grad", f"x^T x {ESC}", "--wrt", "x"],
])
def test_no_raw_terminal_escape_reaches_the_terminal(args):
    r = run(*args)
    assert not raw_escapes(r), (r.stdout, r.stderr)
    assert "Traceback" not in r.output


def test_escaped_user_text_is_shown_as_code_points():
    r = run("at", SEED, "--wrt", "x", "--values", json.dumps({"x": [1, 1], ESC: 1}), "--no-check")
    assert r.exit_code == 0 and "<U+001B>]0;pwned<U+0007>" in r.stdout
    r = run("at", SEED, "--wrt", "x", "--values", json.dumps({"x": [1, 1], C1: 1}), "--no-check", "--format", "json")
    assert r.exit_code == 0 and "\\u009b" in r.stdout
    assert "ignored values for \x9b31m" in json.loads(r.stdout)["notes"][0]      # the JSON itself is unchanged


def test_click_s_own_messages_are_sanitised_too():
    r = run("grad", "x^T x", "--wrt", "x", f"extra{ESC}")
    assert r.exit_code == 2 and not raw_escapes(r) and "unexpected extra argument" in r.output


# ---- --format json: errors as a JSON object on standard output, same exit code --------------------
@pytest.mark.parametrize("args, kind", [
    (["grad", "x + * y", "--wrt", "x"], "syntax error"),
    (["grad", "A x", "--wrt", "x"], "cannot differentiate"),
    (["parse", "x", "--let", "x: m by n"], "declaration error"),
    (["at", SEED, "--wrt", "x", "--values", "{bad"], "values error"),
    (["hessian", "x^T A y", "--wrt", "x", "--wrt", "y"], "usage error"),
    (["grad", "x^T x", "--wrt", "x", "--seed", "-1"], "usage error"),
])
def test_json_errors_are_a_json_object_on_standard_output(args, kind):
    text = run(*args)
    r = run(*args, "--format", "json")
    assert r.exit_code == text.exit_code == 2
    error = json.loads(r.stdout)["error"]
    assert error["kind"] == kind and error["message"]
    assert "Traceback" not in r.output
    r = run(*args[:1], "--format=json", *args[1:])
    assert json.loads(r.stdout)["error"]["kind"] == kind


def test_a_json_syntax_error_points_at_the_column():
    r = run("parse", "x + * y", "--format", "json")
    error = json.loads(r.stdout)["error"]
    assert error["column"] == 5 and error["caret"] == "x + * y\n    ^"


# ---- tolerances and step sizes are numbers -----------------------------------------------------------
@pytest.mark.parametrize("option, value", [("--tol", "nan"), ("--tol", "-1e-3"), ("--eig-tol", "-inf"),
                                           ("--eig-tol", "inf"), ("--eta", "nan"), ("--eta", "0"), ("--eta", "-0.1")])
def test_at_refuses_a_tolerance_or_step_that_is_not_a_number_in_range(option, value):
    r = run("at", SEED, "--wrt", "x", "--values", '{"x": [1, 1]}', option, value, "--no-check")
    assert r.exit_code == 2 and option in r.output and "Traceback" not in r.output, r.output


def test_the_api_refuses_them_too():
    import matcalc.analysis as A
    from matcalc.errors import MatcalcError
    for kw in ({"tol": float("nan")}, {"eig_tol": -float("inf")}, {"eta": float("inf")}, {"tol": -1.0}):
        with pytest.raises(MatcalcError, match="finite"):
            A.at(SEED, "x", {"x": [1, 1]}, check=False, **kw)


# ---- what is read: a byte-order mark is skipped, JSON's own limits are JSON's --------------------------
def test_a_byte_order_mark_on_standard_input_is_skipped():
    r = run("grad", "-", "--wrt", "x", "--no-check", input="\ufeffx^T x\n".encode("utf-8"))
    assert r.exit_code == 0 and r.stdout == "∂f/∂x = 2 x\n", r.output


def test_a_byte_order_mark_in_values_is_skipped(tmp_path):
    path = tmp_path / "point.json"
    path.write_text('\ufeff{"x": [1, 1]}', encoding="utf-8")
    for values in (str(path), '\ufeff{"x": [1, 1]}'):
        r = run("at", SEED, "--wrt", "x", "--values", values, "--no-check")
        assert r.exit_code == 0 and "f = 5.5" in r.stdout, r.output


def test_json_nested_too_deeply_is_a_message_about_the_json():
    deep = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = run("at", SEED, "--wrt", "x", "--values", deep)
    assert r.exit_code == 2 and "values error" in r.stderr and "JSON" in r.stderr, r.output
    assert "expression" not in r.stderr


@pytest.mark.parametrize("value", ["1" * 5000, "1" + "0" * 400])
def test_numbers_json_or_floats_cannot_hold_are_values_errors(value):
    r = run("at", SEED, "--wrt", "x", "--values", '{"x": [1, ' + value + "]}")
    assert r.exit_code == 2 and "values error" in r.stderr and "Traceback" not in r.output, r.output


def test_endless_standard_input_is_refused_not_read_forever():
    """`matcalc parse - < /dev/zero` read until memory ran out (issue 14)."""
    import subprocess
    import sys
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-m", "matcalc", "parse", "-"], stdin=zero, capture_output=True,
                              text=True, timeout=60)
    assert proc.returncode == 2 and "longer than the input limit" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_unknown_function_far_from_every_known_one_gets_no_suggestion():
    """getattr(x) was 'did you mean vector?' (issue 14); a near miss still gets one."""
    import pytest
    import matcalc
    with pytest.raises(matcalc.ParseError) as far:
        matcalc.parse("getattr(x)")
    assert "did you mean" not in far.value.message
    with pytest.raises(matcalc.ParseError, match="did you mean 'softmax'"):
        matcalc.parse("sotfmax(x)")


def test_matcalc_alone_prints_its_help_with_real_newlines():
    # click 8.2+ raises the help of a bare `matcalc` as a usage error; the sanitiser of usage errors
    # (which quote user input) printed every newline of the help as <U+000A>
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 2
    assert "<U+000A>" not in result.output
    assert result.output.startswith("Usage: ")
    assert "\n  grad " in result.output
