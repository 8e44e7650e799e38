"""Batched models, issue 20's later items: implicit broadcasts stated in a note, the printed lengths
against the textbook forms (benchmarks/batched_forms.py), the Kronecker-structured second derivatives."""
import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.parse import parse_full

rng = np.random.default_rng(2020)


# ---- implicit broadcasts -------------------------------------------------------------------------
def test_a_row_added_to_a_matrix_is_broadcast_with_a_note():
    parsed = parse_full("X W + b^T")
    assert str(parsed.expr) == str(matcalc.parse("X W + 1 b^T"))
    assert any(n.startswith("broadcast: the row b^T goes with every row") for n in parsed.notes), parsed.notes


def test_a_column_subtracted_from_a_matrix_is_broadcast_with_a_note():
    parsed = parse_full("X - mean_rows(X)")
    assert str(parsed.expr) == str(matcalc.parse("X - mean_rows(X) 1^T"))
    assert any(n.startswith("broadcast: the column mean_rows(X) goes with every column") for n in parsed.notes)


def test_an_explicit_ones_vector_needs_no_broadcast_note():
    assert not [n for n in parse_full("X W + 1 b^T").notes if n.startswith("broadcast")]
    assert not [n for n in parse_full("x + y").notes if n.startswith("broadcast")]


def test_the_broadcast_note_reaches_the_result_and_the_gradient_is_right():
    r = matcalc.grad("sum(tanh(X W + b^T))", "b")
    assert any(n.startswith("broadcast") for n in r.notes), r.notes
    assert r.check().status == "passed"
    X, W, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    expected = (1 - np.tanh(X @ W + b) ** 2).sum(axis=0)        # NumPy broadcasts the same way
    assert np.allclose(r.to_numpy()(X=X, W=W, b=b), expected)


def test_vectors_of_different_lengths_are_still_refused():
    with pytest.raises(matcalc.errors.ShapeError):
        matcalc.parse("x + y^T")
