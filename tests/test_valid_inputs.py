"""Valid input that was refused with a false shape error (issue 14), each a class of its own.

- A zero (or any node) of non-square shape was read as symmetric, so the transpose of `exp(y − y)`
  was dropped and `grad "x^T exp(y - y)"` failed to multiply two column vectors.
- A 1×1 product inside a chain is a scalar (README: "a 1×1 result is a scalar"): `x^T x x` is
  (xᵀx) x, not a shape error.
- diag of a row vector is the diagonal matrix of its entries, as of a column.
Every answer is checked numerically.
"""
import pytest

import matcalc
from matcalc import expr as E
from matcalc.errors import ShapeError
from matcalc.simplify import is_symmetric


class TestOnlySquareMatricesAreSymmetric:
    @pytest.mark.parametrize("node", [E.Zero(("n", 1)), E.Zero((1, "n")), E.Zero(("m", "n")),
                                      E.Apply("exp", E.Zero(("n", 1))), E.Ones(("n", 1)),
                                      E.Apply("exp", E.Var("y", ("n", 1), frozenset()))])
    def test_a_non_square_node_is_not_symmetric(self, node):
        assert not is_symmetric(node)

    def test_square_zeros_and_functions_of_symmetric_matrices_still_are(self):
        assert is_symmetric(E.Zero(("n", "n")))
        assert is_symmetric(E.Apply("exp", E.Var("S", ("n", "n"), frozenset({"symmetric"}))))

    @pytest.mark.parametrize("f", ["x^T exp(y - y)", "exp(y - y)^T x", "x^T sin(y - y)",
                                   "x^T (y - y) + x^T y", "x^T exp(A - A) z"])
    def test_a_row_times_a_function_of_a_zero_vector(self, f):
        r = matcalc.grad(f, "x")
        assert r.check().passed, r


class TestAOneByOneProductInsideAChainIsAScalar:
    @pytest.mark.parametrize("f, shown", [("x^T x x", "(x^T x) x"), ("x^T y x", "(x^T y) x"),
                                          ("x^T A x y", "(x^T A x) y"),
                                          ("((A ⊙ B) C x)^T x x", None), ("x^T x x^T x x", None)])
    def test_the_jacobian_of_the_chain(self, f, shown):
        if shown is not None:
            assert str(matcalc.parse(f)) == shown
        r = matcalc.jacobian(f, "x")
        assert r.check().passed, r

    def test_a_gradient_through_it(self):
        r = matcalc.grad("sum(x^T x x)", "x")
        assert r.check().passed, r

    def test_a_chain_that_chains_already_is_unchanged(self):
        assert str(matcalc.parse("y^T x x^T")) == "y^T x x^T"
        assert matcalc.parse("y^T x x^T").shape == (1, "n")

    @pytest.mark.parametrize("f", ["x x^T x x", "A x x", "x x"])
    def test_a_chain_that_cannot_be_read_so_is_still_refused(self, f):
        with pytest.raises(ShapeError):
            matcalc.parse(f)


class TestDiagOfARowVector:
    @pytest.mark.parametrize("f", ["sum(diag(x^T B^T A A))", "tr(diag(x^T A) C)", "sum(diag(x^T))"])
    def test_diag_of_a_row_vector_is_the_diagonal_matrix_of_its_entries(self, f):
        r = matcalc.grad(f, "x")
        assert r.check().passed, r

    def test_it_has_the_shape_of_the_diagonal_matrix(self):
        assert matcalc.parse("diag(x^T A)").shape == ("m", "m")
