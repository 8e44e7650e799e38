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
