"""Steps without detours (issue 15): on a set of derivations, no step that changes nothing visible, no two
equal lines, no A = B followed by B = A, and the abbreviations the steps use are defined once."""
import pytest

import matcalc
from matcalc.steps import DF, Label, Step, without_detours
from matcalc import expr as E

DERIVATIONS = [
    ("grad", "log det X", "X", None),
    ("grad", "tr(X^-1 A)", "X", None),
    ("grad", "tr(A X B X^T)", "X", None),
    ("grad", "tr(X)", "X", None),
    ("grad", "tr(X^T X)", "X", None),
    ("grad", "x^T A x", "x", None),
    ("grad", "||A x - b||^2", "x", None),
    ("grad", "sum(log(sigmoid(X w)))", "w", None),
    ("grad", "-sum(y .* log(softmax(W x + b)))", "W", None),
    ("grad", "log det(A + x x^T)", "x", None),
    ("grad", "tr(S A S)", "S", {"S": "n x n symmetric"}),
    ("grad", "a^T X^-1 b", "X", None),
    ("grad", "det(X)", "X", None),
    ("grad", "tr(X A X^T B)", "X", None),
    ("grad", "sum(exp(X w))", "w", None),
    ("jacobian", "softmax(x)", "x", None),
    ("jacobian", "A X B", "X", None),
    ("jacobian", "X^T", "X", None),
    ("hessian", "x^T A x", "x", None),
    ("hessian", "sum(log(1 + exp(X w)))", "w", None),
]


@pytest.mark.parametrize("kind, f, wrt, where", DERIVATIONS, ids=[d[1] for d in DERIVATIONS])
def test_steps_go_nowhere_twice(kind, f, wrt, where):
    assert_no_detours(getattr(matcalc, kind)(f, wrt, where=where, check=False).steps)


def assert_no_detours(steps):
    lines = [(s.show(steps.names), s.rule) for s in steps]
    assert len(set(lines)) == len(lines), lines                      # no two equal lines
    for s in steps:
        if not isinstance(s.lhs, Label):
            lhs, rhs = s.show(steps.names).split(" = ", 1)
            assert lhs != rhs, s                                       # every step changes something visible
    sides = [tuple(s.show(steps.names).split(" = ", 1)) for s in steps]
    for (a, b), (c, d) in zip(sides, sides[1:]):
        assert not (c == b and d == a), (a, b)                         # no A = B, then B = A
    assert not any("I X^-1" in s.show() for s in steps)               # tr(L) is not written tr(I L)


def test_a_circle_and_a_step_that_changes_nothing_are_dropped():
    X = E.Var("X", ("n", "n"), frozenset())
    A, B = E.Trace(X), E.Trace(E.product(E.Identity("n"), X))
    circle = [Step("differential", DF, A), Step("a scalar is its own trace", A, B), Step("cyclic", B, A),
              Step("identification: df = tr(Mᵀ dX) ⇒ M", DF, A)]
    kept = without_detours(circle)
    assert [s.rule for s in kept] == ["differential", "identification: df = tr(Mᵀ dX) ⇒ M"]
    nothing = [Step("differential", DF, A), Step("simplify", DF, A)]
    assert [s.rule for s in without_detours(nothing)] == ["differential"]


def test_softmax_cross_entropy_steps_name_the_softmax():
    r = matcalc.grad("-sum(y .* log(softmax(W x + b)))", "W", check=False)
    text = r.steps_text()
    assert text.splitlines()[0] == "with s = softmax(W x + b)"
    equations = [line.split("    [")[0] for line in text.splitlines()[1:]]    # the rules name softmax too
    assert not any("softmax" in eq for eq in equations), equations
    rows = [row.split("&&")[0] for row in r.steps_latex().split("\\\\")[1:]
            if not row.strip().startswith("&\\text")]           # a rule on its own row above its equation
    assert not any("softmax" in row for row in rows), rows
