"""Rewrites of products the simplifier knows: each printed form pinned, and each value compared with
the unsimplified expression at random points (a rule that is not an identity fails here)."""
import numpy as np
import pytest

import matcalc
from matcalc.check import dim_symbols, sample_sizes, sample_value
from matcalc.numeric import evaluate
from matcalc.simplify import simplify

SQUARE = {"A": "n x n", "B": "n x n", "C": "n x n", "X": "n x n", "R": "n x m", "x": "n"}

RULES = [
    # (A B)⁻¹ next to A B cancels, on either side and transposed
    ("(A B)^-1 A B C", "C"),
    ("C A B (A B)^-1", "C"),
    ("C (A B)^-1 A B", "C"),
    ("(A B)^-T B^T A^T", "I"),
    ("B^T A^T (A B)^-T x", "x"),
    # powers gather across transposes and written-out bases
    ("X^T (X^3)^T", "(X^4)^T"),
    ("A X (A X)^3", "(A X)^4"),
    ("(A X)^2 A X A X", "(A X)^4"),
    ("X^2 X^-1", "X"),
    ("X^-2 X^3 A", "X A"),
    ("(A B)^-2 A B", "(A B)^-1"),
    ("X^T (X^T)^-2", "X^-T"),
    # Kronecker products and vec
    ("(A ⊗ B)^-1", "A^-1 ⊗ B^-1"),
    ("(A^-1 ⊗ B^-T)^-1", "A ⊗ B^T"),
    ("(A ⊗ B) (C ⊗ X)", "A C ⊗ B X"),
    ("(A ⊗ B) vec(C)", "vec(B C A^T)"),
    ("(A ⊗ B)^-1 vec(C)", "vec(B^-1 C A^-T)"),
    ("(R^T ⊗ A) vec(B)", "vec(A B R)"),
    ("commutation(n, n) vec(C)", "vec(C^T)"),
    ("commutation(n, m) vec(R)", "vec(R^T)"),
    ("commutation(m, n) commutation(n, m) vec(R^T)", "vec(R^T)"),
    ("(commutation(n, n) (A ⊗ B))^-1 vec(C)", "vec(B^-1 C^T A^-T)"),
]


def values(exprs, seed):
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    free = sorted(set().union(*(e.free for e in exprs)), key=lambda v: v.name)
    env = {v: sample_value(v, sizes, rng, "plain") for v in free}
    return [evaluate(e, env, sizes) for e in exprs]


@pytest.mark.parametrize("text, expected", RULES, ids=[t for t, _ in RULES])
def test_rule(text, expected):
    e = matcalc.parse(text, where={k: v for k, v in SQUARE.items() if k in text})
    s = simplify(e)
    assert str(s) == expected
    for seed in range(3):
        before, after = values([e, s], seed)
        assert np.allclose(before, after, rtol=1e-9, atol=1e-9 * (1 + np.abs(before).max())), (text, seed)


def test_newton_step_of_log_det_reads_as_a_product():
    """−H⁻¹∇f for log det X − tr(A X): the Kronecker inverse and the commutation matrix are gone."""
    from matcalc.analysis import newton_step
    step = newton_step("log det X - tr(A X)", "X")
    assert "⊗" not in str(step.newton) and "commutation" not in str(step.newton)
    assert step.check().status == "passed"
