"""Kinds of undeclared names (matcalc/parse/kinds.py) from what the notation says about them: a name in
bold is a vector, the argument of a norm or of sum() is not a scalar. Each was a silent misreading in
the corpus (KL divergence p^T log(p/q), the triplet loss, the VAE's KL term)."""
import pytest

import matcalc
from matcalc.parse import parse_full


@pytest.mark.parametrize("text, vectors", [
    (r"\mathbf{p}^\top\log\frac{\mathbf{p}}{\mathbf{q}}", {"p", "q"}),
    (r"\boldsymbol{\mu}^\top \boldsymbol{\mu}", {"mu"}),
    (r"\|f_a - f_p\|_2^2 - \|f_a - f_n\|_2^2 + \alpha", {"f_a", "f_p", "f_n"}),
    ("-1/2 sum(1 + log(σ.^2) - μ.^2 - σ.^2)", {"σ", "μ"}),
])
def test_names_the_notation_makes_vectors(text, vectors):
    names = parse_full(text).names
    assert {n for n, v in names.items() if v.is_vector} == vectors


def test_a_declaration_still_wins_over_bold():
    assert parse_full(r"\mathbf{c} \cdot x^\top x", where={"c": "scalar"}).names["c"].is_scalar


def test_the_kl_divergence_in_bold_has_its_textbook_gradient():
    import numpy as np
    r = matcalc.grad(r"\mathbf{p}^\top\log\frac{\mathbf{p}}{\mathbf{q}}", "q")
    p, q = np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.4, 0.2])
    assert np.allclose(r.to_numpy()(p=p, q=q), -p / q)        # ∂/∂q Σ p log(p/q) = −p/q
