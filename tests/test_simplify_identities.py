"""The simplifier's identities as data (simplify.rules) and the trace that names them.

The golden rows that check each identity's value are in test_simplify_rules.py (IDENTITY_ROWS)."""
import pytest

import matcalc
from matcalc import expr as E
from matcalc.simplify import engine as S
from matcalc.errors import DiffError
from matcalc.simplify import rules
from matcalc.tables import TABLES, Table

WHERE = {"A": "n x n", "B": "n x n", "x": "n", "y": "n", "a": "scalar"}


def parse(text):
    return matcalc.parse(text, where={k: v for k, v in WHERE.items() if k in text})


def test_every_identity_is_named_and_stated():
    rows = rules.all_identities()
    assert len(rows) > 90
    names = [r.name for r in rows]
    assert len(names) == len(set(names)), "two identities share a name"
    for r in rows:
        assert r.name.isidentifier(), r
        assert r.identity and r.identity.strip() and "=" in r.identity or "refused" in r.identity, r
        assert r.kind in ("rewrite", "step", "engine"), r
        assert r.source is None or r.source.strip(), r
        assert (r.fn is not None) == (r.kind == "rewrite"), r      # a rewrite is a function; steps are named ifs
        assert isinstance(r.node, type) and issubclass(r.node, E.Expr), r


def test_the_dispatch_is_a_table_with_a_row_per_node_type_that_has_identities():
    assert isinstance(rules.RULES, Table) and TABLES["simplification"] is rules.RULES
    typed = {node for node in rules.IDENTITIES if node is not E.Expr}   # E.Expr: the engine's own identity
    assert set(rules.RULES.keys()) == typed
    for node in typed:
        kinds = {r.kind for r in rules.IDENTITIES[node]}
        assert len(kinds) == 1, (node, kinds)   # a node type has rewrites or a normal form, not both


def test_rewrites_are_tried_in_the_order_they_are_registered():
    order = [r.name for r in rules.IDENTITIES[E.Inverse]]
    assert order.index("inverse_of_multiple") < order.index("inverse_of_scaled")   # (2 A)⁻¹ before (s A)⁻¹
    s, trace = S.simplify_traced(parse("(2 a A)^-1"))
    assert [r.identity for r in trace][0] == "inverse_of_multiple"
    assert str(s) == "1/2 A^-1 / a"


def test_a_trace_names_each_rewrite_with_before_and_after():
    e = parse("(A B)^T")
    s, trace = S.simplify_traced(e)
    assert trace == [S.Rewrite("transpose_of_product", e, s, False)]
    assert str(trace[0].after) == "B^T A^T"


def test_a_trace_lists_inner_rewrites_first_and_ends_at_the_result():
    e = parse("tr((B A)^T + A^T)")
    s, trace = S.simplify_traced(e)
    on_path = [r for r in trace if not r.aside]
    assert [r.identity for r in on_path] == ["transpose_of_product", "trace_of_sum", "trace_rotation",
                                             "trace_of_transpose", "add_order"]
    assert on_path[0].before is parse("(B A)^T")
    assert str(s) == "tr(A) + tr(A B)"


def test_rewrites_a_rule_makes_on_the_side_are_marked_aside():
    """x^T y is compared with its transpose y^T x: the transpose of x^T is worked out, the result is x^T y."""
    e = parse("x^T y")
    s, trace = S.simplify_traced(e)
    assert s is e
    assert trace and all(r.aside for r in trace)
    assert {r.identity for r in trace} == {"transpose_of_transpose"}


def test_a_normal_form_names_every_step_that_fired():
    e = E.Mul(E.Mul(E.Num(2), parse("A")), parse("A^-1"), parse("B"))
    s, trace = S.simplify_traced(e)
    assert str(s) == "2 B"
    assert set(trace[-1].identity.split(" + ")) == {"mul_flatten", "mul_inverse_cancel"}


def test_tracing_does_not_touch_the_memo_or_the_result():
    e = parse("tr(B A) + tr(A B)")
    S._memo.clear()
    plain = S.simplify(e)                  # the memo now holds e: a trace must not be hidden by it
    memo = dict(S._memo)
    s, trace = S.simplify_traced(e)
    assert s is plain and trace
    assert S._memo == memo
    assert S._trace is None


def test_the_trace_is_off_again_after_an_error():
    with pytest.raises(DiffError):
        S.simplify_traced(E.Pow(E.Add(parse("a"), E.negate(parse("a"))), E.Num(-1)))
    assert S._trace is None and rules.NOTES[0] is None and S._in_rule[0] == 0
    assert S._ROWS is rules.RULES.rows and S._linear is S.ZERO_PRESERVING


def test_the_argument_types_a_rewrite_declares_never_hide_it():
    """`arg=(types)` lets dispatch skip a rewrite; with every declaration dropped (each rewrite tried
    on every node, as an if-chain would), the golden rows and some derivations come out the same."""
    from test_simplify_rules import IDENTITY_ROWS, RULES as PRODUCT_ROWS, SQUARE, _build

    inputs = [_build(source) for _, source, _ in IDENTITY_ROWS]
    inputs += [matcalc.parse(t, where={k: v for k, v in SQUARE.items() if k in t}) for t, _ in PRODUCT_ROWS]
    texts = [("x^T A x", "x"), ("tr(A X B X^T)", "X"), ("log det X + tr(X^-1)", "X"),
             ("sum(log(1 + exp(-y .* (X w))))", "w"), ("||tanh(W x + b) - y||^2", "W")]

    def run():
        S._memo.clear()
        out = [str(S.simplify(e)) for e in inputs]
        return out + [str(matcalc.grad(t, wrt, check=False)) for t, wrt in texts]

    hinted = run()
    saved = {node: list(rows) for node, rows in rules.IDENTITIES.items()}
    assert any(r.arg for rows in saved.values() for r in rows)
    try:
        for node, rows in rules.IDENTITIES.items():
            rows[:] = [r._replace(arg=None) for r in rows]
        for cache in rules._CANDIDATES.values():
            cache.clear()
        assert run() == hinted
    finally:
        for node, rows in rules.IDENTITIES.items():
            rows[:] = saved[node]
        for cache in rules._CANDIDATES.values():
            cache.clear()
        S._memo.clear()
