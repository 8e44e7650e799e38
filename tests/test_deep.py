"""Large and deep expressions: factoring sums of long products, trace rotations, and recursion past
Python's default limit (a deep stack, then a LimitError). Speed itself is measured in
benchmarks/scaling.py, not here; these tests pin the results the faster algorithms must keep."""
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import matcalc
from matcalc import expr as E
from matcalc import simplify as S
from matcalc import stack
from matcalc.check import dim_symbols, sample_sizes, sample_value
from matcalc.errors import LimitError
from matcalc.numeric import evaluate

N = "n"
SQUARE = {name: E.Var(name, (N, N), frozenset()) for name in "ABCX"}
ALPHABET = list(SQUARE.values()) + [E.Transpose(SQUARE["A"]), E.Inverse(SQUARE["X"])]


def values(exprs, seed=0):
    """The expressions' values at one random point (variables that simplified away are still drawn)."""
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    env = {v: sample_value(v, sizes, rng, "plain") for v in sorted(exprs[0].free, key=lambda v: v.name)}
    return [evaluate(e, env, sizes) for e in exprs]


@st.composite
def sums_of_chains(draw):
    """Σ cᵢ Pᵢ with Pᵢ products of 1–6 square factors from a small alphabet, so ends and runs repeat."""
    terms = []
    for _ in range(draw(st.integers(2, 7))):
        chain = draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=6))
        coef = draw(st.sampled_from([1, 1, 1, -1, 2, -3]))
        terms.append(E.Mul(E.Num(coef), *chain) if coef != 1 or len(chain) > 1 else chain[0])
    return E.Add(*terms)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sums_of_chains(), st.integers(0, 1000))
def test_factoring_sums_of_products_keeps_the_value(e, seed):
    s = S.simplify(e)
    assert S.simplify(s) is s
    before, after = values([e, s], seed)
    assert np.allclose(before, after, rtol=1e-8, atol=1e-8 * (1 + np.abs(before).max())), f"{e} → {s}"


def test_shared_runs_come_out_in_one_piece():
    A, B, C, X = (SQUARE[k] for k in "ABCX")
    s = S.simplify(E.Add(E.Mul(A, B, C, X), E.Mul(A, B, C, B)))
    assert str(s) == "A B C (B + X)"
    s = S.simplify(E.Add(E.Mul(X, A, B), E.Mul(C, A, B), E.Mul(B, A, B)))
    assert str(s) == "(B + C + X) A B"


def _brute_rotation(chain):
    """The reference: every rotation of the chain and of its transpose, smallest key first."""
    cands = [chain[i:] + chain[:i] for i in range(len(chain))]
    flipped = [S.transpose(f) for f in reversed(chain)]
    if not any(isinstance(f, (E.Mul, E.Add)) for f in flipped):
        cands += [flipped[i:] + flipped[:i] for i in range(len(flipped))]
    return min(cands, key=lambda ch: tuple(f.sort_key for f in ch))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), min_size=2, max_size=9))
def test_trace_rotation_is_the_smallest_of_all_rotations(chain):
    best = S._canonical_rotation(chain)
    assert (chain if best is None else best) == _brute_rotation(chain)


def test_periodic_chains_rotate_to_one_form():
    A, B = SQUARE["A"], SQUARE["B"]
    forms = {str(S.simplify(E.Trace(E.Mul(*(ch[i:] + ch[:i]))))) for ch in ([A, B, A, B, B],) for i in range(5)}
    assert len(forms) == 1


def xprod(k):
    return "tr(" + " ".join(f"A{i} X" for i in range(1, k + 1)) + ")"


def test_long_trace_product_passes_the_check():
    """k = 120 copies of X: the differential nests 120 levels deep (past the default recursion limit)."""
    result = matcalc.grad(xprod(120), "X")
    assert result.check().status == "passed"
    assert str(result).count(" + ") == 119
    assert len(result.latex()) > len(str(result)) > 100_000
    assert "X^T" in result.pretty()


def test_short_trace_product_reads_like_the_rotations():
    assert str(matcalc.grad(xprod(3), "X", check=False)) == \
        "A1^T X^T A3^T X^T A2^T + A2^T X^T A1^T X^T A3^T + A3^T X^T A2^T X^T A1^T"


@pytest.mark.parametrize("text, expected", [
    ("tr((A X)^4)", "4 A^T ((A X)^3)^T"),
    ("tr(X^3 X^T)", "X^T X X^T + X (X^2)^T + (X^2)^T X + X^3"),
])
def test_powers_gather_across_transposes_and_written_out_bases(text, expected):
    result = matcalc.grad(text, "X")
    assert result.check().status == "passed"
    assert str(result) == expected


def network(L):
    from matcalc.derive import substitute
    dims = {"W": "n x n", "x": "n", "b": "n"}
    layer = matcalc.parse("tanh(W x + b)", where=dims)
    names = {v.name: v for v in layer.free}
    h = names["x"]
    for i in range(1, L + 1):
        W = E.Var(f"W{i}", names["W"].shape, frozenset())
        b = E.Var(f"b{i}", names["b"].shape, frozenset())
        h = substitute(layer, {names["W"]: W, names["b"]: b, names["x"]: h})
    top = matcalc.parse("||h||^2", where={"h": "n"})
    return substitute(top, {next(iter(top.free)): h})


def backprop_W1(W, b, x):
    """∂‖h_L‖²/∂W1 for h_i = tanh(W_i h_{i-1} + b_i), h_0 = x: reverse mode by hand, without matcalc."""
    hs = [x]
    for Wi, bi in zip(W, b):
        hs.append(np.tanh(Wi @ hs[-1] + bi))
    g = 2 * hs[-1]
    for i in reversed(range(len(W))):
        gz = g * (1 - hs[i + 1] ** 2)
        g = W[i].T @ gz
    return np.outer(gz, hs[0])


def test_deep_network_through_the_api():
    """120 layers built through the API (no parser nesting limit): derived, printed, checked."""
    L = 120
    f = network(L)
    result = matcalc.grad(f, "b120")
    assert result.check().status == "passed"
    # through 120 tanh layers the gradient w.r.t. W1 nearly vanishes and the check finds no point where
    # finite differences can tell (inconclusive at seed 0): compare with backpropagation by hand instead
    deep = matcalc.grad(f, "W1", check=False)
    rng = np.random.default_rng(0)
    n = 4
    W = [1.5 * rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(L)]
    b = [0.5 * rng.standard_normal((n, 1)) for _ in range(L)]
    x = rng.standard_normal((n, 1))
    values = {"x": x, **{f"W{i + 1}": W[i] for i in range(L)}, **{f"b{i + 1}": b[i] for i in range(L)}}
    env = {v: values[v.name] for v in deep.expr.free if isinstance(v, E.Var)}
    got = stack.call(evaluate, deep.expr, env, {"n": n})
    want = backprop_W1(W, [bi[:, 0] for bi in b], x[:, 0])
    assert np.max(np.abs(want)) > 0
    assert np.max(np.abs(got - want)) <= 1e-8 * np.max(np.abs(want))
    # printed: every layer's weight appears transposed along the chain; pretty() names shared parts
    text, latex, pretty = str(deep), deep.latex(), deep.pretty()
    assert all(f"W{i}^T" in text and f"W_{{{i}}}^{{\\top}}" in latex for i in range(2, L + 1))
    assert " where " in pretty and len(pretty) < len(text) / 10


def tanh_tower(levels):
    x = matcalc.parse("exp(x)", where={"x": "n"})
    e = next(iter(x.free))
    for _ in range(levels):
        e = E.Apply("tanh", e)
    return E.Sum(e)


def test_runaway_input_is_a_limit_error_not_a_crash_or_a_hang():
    f = tanh_tower(stack.DEEP_RECURSION_LIMIT + 4_096)     # past even the deep stack's recursion limit
    started = time.monotonic()
    with pytest.raises(LimitError, match="nested too deeply"):
        matcalc.grad(f, "x", check=False)
    assert time.monotonic() - started < 10


def test_runaway_work_is_stopped_by_the_budget(monkeypatch):
    """A tower that fits on the deep stack, but where gathering the factors level by level is quadratic:
    the width-counted work budget stops it. Shown with a tenth of the budget (50,000 rewrites) on 2,000
    levels, deeper than Python's default recursion limit (20,000 levels against the full budget took
    12–15 s); 200 levels still fit in that budget and derive correctly."""
    monkeypatch.setattr(S.engine, "MAX_WORK", 50_000)   # the engine reads its own global
    small = matcalc.grad(tanh_tower(200), "x", check=False)
    x = np.array([[0.3], [-1.2], [2.0]])
    y, slope = x, np.ones_like(x)                   # d/dx sum(tanh²⁰⁰(x)) = ∏ (1 − y_k²), y_k = tanhᵏ(x)
    for _ in range(200):
        y = np.tanh(y)
        slope = slope * (1 - y ** 2)
    assert np.allclose(evaluate(small.expr, {small.wrt: x}, {"n": 3}), slope, rtol=1e-10, atol=0)
    started = time.monotonic()
    with pytest.raises(LimitError, match="more than 50,000 rewrites"):
        matcalc.grad(tanh_tower(2_000), "x", check=False)
    assert time.monotonic() - started < 30


def test_a_product_rule_over_many_factors_stays_small():
    """x ⊙ x ⊙ … ⊙ x (1,000 copies) is simplified before it is differentiated: 1000 x.^999, not 1,000
    terms of 1,000 factors; a product of 30 exponentials has no quadratic search for σ patterns."""
    assert str(matcalc.grad("sum(" + " .* ".join(["x"] * 1000) + ")", "x")) == "1000 x.^999"
    result = matcalc.grad("sum(" + " .* ".join(f"exp(a{i} .* x)" for i in range(1, 31)) + ")", "x")
    assert result.check().status == "passed"


def _depth(n):
    return 0 if n == 0 else 1 + _depth(n - 1)


def test_stack_call_retries_deep_recursion_on_a_deep_stack():
    with pytest.raises(RecursionError):
        _depth(5_000)
    assert stack.call(_depth, 5_000) == 5_000
    assert stack.deep(_depth)(5_000) == 5_000
    with pytest.raises(RecursionError):       # past even the deep limit: the error comes back
        stack.call(_depth, 10 * stack.DEEP_RECURSION_LIMIT)
    import sys
    assert sys.getrecursionlimit() < stack.DEEP_RECURSION_LIMIT   # the limit is restored


def test_errors_raised_on_the_deep_stack_reach_the_caller():
    def fail(n):
        if n == 0:
            raise ValueError("at the bottom")
        return fail(n - 1)
    with pytest.raises(ValueError, match="at the bottom"):
        stack.call(fail, 3_000)


def test_the_deep_stack_sees_the_callers_context_variables():
    import contextvars
    var = contextvars.ContextVar("probe", default="unset")

    def read(n):
        return var.get() if n == 0 else read(n - 1)
    token = var.set("caller")
    try:
        assert stack.call(read, 3_000) == "caller"
    finally:
        var.reset(token)


class TestMethodsOfADeepResultRunOnTheDeepStack:
    """A 120-layer network's gradient derived with check=False: .check() raised RecursionError (issue 14);
    every method that walks the tree is retried on the deep stack, as the derivation is."""

    def test_check_of_a_deep_result(self):
        deep = matcalc.grad(network(120), "W1", check=False)
        assert deep.check().status in ("passed", "inconclusive")

    def test_a_method_past_even_the_deep_stack_is_a_limit_error(self, monkeypatch):
        from matcalc.api import on_deep_stack

        def endless(n):
            return endless(n + 1)
        with pytest.raises(LimitError, match="nested too deeply to check"):
            on_deep_stack("check")(endless)(0)
