"""The Unicode printer (`--format unicode`, issue 15): ᵀ, ⁻¹, ‖·‖, ², ⊙, ⊘, ⊗ and −, and every printer
sample parses back to the very same node, as the plain text does (tests/test_printers.py)."""
import pytest
from click.testing import CliRunner

import matcalc
from matcalc.cli import main as cli_main
from matcalc.printers.text import TEXT
from matcalc.printers.unicode import UNICODE, to_unicode
from test_printers import CASES, WHERE, parsed


@pytest.mark.parametrize("node, text", CASES)
def test_unicode_parses_back_to_the_same_node(node, text):
    e = parsed(text)
    again = matcalc.parse(to_unicode(e), WHERE)
    assert again is e, f"{text!r} prints as {to_unicode(e)!r}, which parses to {again!r}"


@pytest.mark.parametrize("text, expected", [
    ("x^T A x", "xᵀ A x"), ("X^-1 + X^-T", "X⁻¹ + X⁻ᵀ"), ("||A x - y||^2", "‖A x − y‖²"),
    ("x .* y - x ./ y", "x ⊙ y − x ⊘ y"), ("A ⊗ B", "A ⊗ B"), ("a^2 b^3", "a² b³"), ("A^3", "A³"),
    ("||x||_1", "‖x‖_1"), ("x .^ 2", "x.^2"), ("1 ./ x", "1 ⊘ x"), ("(A B)^T x", "(A B)ᵀ x"),
])
def test_unicode_symbols(text, expected):
    assert to_unicode(parsed(text)) == expected


def test_every_node_type_has_a_row():
    assert set(UNICODE.keys()) == set(TEXT.keys())


def test_results_and_the_command_line():
    r = matcalc.hessian("sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))", "w", check=False)
    assert r.pretty(unicode=True) == "Xᵀ diag(s ⊙ (1 − s)) X  where s = sigmoid(X w)"
    out = CliRunner().invoke(cli_main, ["grad", "x^T S^-1 x", "--wrt", "x", "--let", "S: n x n spd",
                                        "--format", "unicode"]).output
    assert out.startswith("∂f/∂x = 2 S⁻¹ x\n") and "numerical check passed" in out
