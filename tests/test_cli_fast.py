"""The console command's fast path (matcalc/cli/fast.py) and fast exit (matcalc/console.py), issue 19:
the same output, errors and exit codes as the click application, and none of the imports it avoids."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcalc.cli import main
from matcalc.cli.fast import fast_arguments

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)}

FAST = [
    ["grad", "x^T A x", "--wrt", "x", "--no-check"],
    ["grad", "x^T A x", "--wrt", "x"],
    ["grad", "--wrt", "x", "x^T A x"],
    ["grad", "||tanh(W x + b) - y||^2", "--wrt", "W", "--wrt=b", "--no-check"],
    ["grad", "||A x - b||^2", "--wrt", "x", "--let", "A: m x n", "--let=b: m", "--no-check", "--no-check"],
    ["grad", "log det X", "--wrt", "X", "--let", "X: n x n spd"],
    ["grad", "sum(σ(x))", "--wrt", "x", "--no-check"],
    ["grad", "", "--wrt", "x"],
    ["grad", "x^T A x +", "--wrt", "x"],                     # a syntax error: caret, message, exit 2
    ["grad", "A x", "--wrt", "x", "--no-check"],              # not a scalar: exit 2
    ["grad", "x^T A x", "--wrt", "y"],                        # no such variable
    ["grad", "x^T A x", "--wrt", "x", "--let", "A: 3 x"],     # a bad declaration
    ["grad", "x\x1b[31m", "--wrt", "x"],                      # control characters are escaped
    ["grad", "||x||", "--wrt", "x"],                          # conditions
]

CLICK = [
    ["grad", "x^T A x", "--wrt", "x", "--seed", "3"],
    ["grad", "x^T A x", "--wrt", "x", "--format", "json"],
    ["grad", "-x^T x", "--wrt", "x"],
    ["grad", "x^T A x", "--wrt"],
    ["grad", "x^T A x", "--wrt", "-x"],
    ["grad", "x^T A x", "y", "--wrt", "x"],
    ["grad", "x^T A x", "--wrt", "x", "--"],
    ["grad", "-", "--wrt", "x"],
    ["grad", "x^T A x", "--wrt", "x", "--help"],
    ["grad", "x^T A x", "--wrt", "x", "--no-chek"],
    ["grad", "x^T A x"],
    ["hessian", "x^T A x", "--wrt", "x"],
    ["--version"],
]


def _console(argv, **kw):
    return subprocess.run([sys.executable, "-m", "matcalc", *argv], capture_output=True, text=True, env=ENV,
                          cwd=ROOT, timeout=120, **kw)


@pytest.mark.parametrize("argv", FAST + CLICK[:3], ids=repr)
def test_the_console_command_prints_what_the_click_application_prints(argv):
    assert (fast_arguments(argv) is not None) == (argv in FAST)
    ran = _console(argv)
    ref = CliRunner().invoke(main, argv)
    assert (ran.returncode, ran.stdout, ran.stderr) == (ref.exit_code, ref.stdout, ref.stderr)


@pytest.mark.parametrize("argv", CLICK, ids=repr)
def test_anything_else_goes_to_click(argv):
    assert fast_arguments(argv) is None


def test_no_fast_path_for_shell_completion_or_a_stream_that_is_not_utf8(monkeypatch):
    argv = FAST[0]
    assert fast_arguments(argv) is not None
    monkeypatch.setenv("_MATCALC_COMPLETE", "bash_source")
    assert fast_arguments(argv) is None
    monkeypatch.delenv("_MATCALC_COMPLETE")

    class Latin1:
        encoding = "latin-1"
    monkeypatch.setattr(sys, "stdout", Latin1())
    assert fast_arguments(argv) is None


_IMPORTS = """
import atexit, json, sys
where, before = sys.argv[1], set(sys.modules)      # (an editable install's finder imports pathlib at start-up)
def report():
    with open(where, "w") as f:
        json.dump(sorted(m for m in ("click", "lark", "numpy", "numpy.random", "sympy", "scipy", "pathlib",
                                     "hashlib", "logging", "inspect", "tempfile") if m in set(sys.modules) - before), f)
atexit.register(report)
sys.argv = ["matcalc"] + sys.argv[2:]
from matcalc.console import run
run()
"""


def _imports(tmp_path, *argv):
    out = tmp_path / "modules.json"
    ran = subprocess.run([sys.executable, "-c", _IMPORTS, str(out), *argv], capture_output=True, text=True,
                         env=ENV, cwd=ROOT, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("∂f/∂x = (A + A^T) x")
    return json.loads(out.read_text())


def test_the_no_check_path_imports_only_what_it_needs(tmp_path):
    """Kept off the start of `matcalc grad --no-check`: click and Lark (~40 ms with the standard-library
    modules they pull in: logging, inspect, tempfile, hashlib), NumPy, SymPy, SciPy and pathlib."""
    assert _imports(tmp_path, "grad", "x^T A x", "--wrt", "x", "--no-check") == []


def test_the_check_path_imports_numpy_and_nothing_else_heavy(tmp_path):
    """The check evaluates with NumPy; it needs no SymPy or SciPy, and draws its random values through
    matcalc/draws.py, not numpy.random (8.5 ms to import: a tenth of the checked command)."""
    found = _imports(tmp_path, "grad", "x^T A x", "--wrt", "x")
    assert "numpy" in found
    assert not {"numpy.random", "click", "lark", "sympy", "scipy", "logging", "tempfile"} & set(found)
