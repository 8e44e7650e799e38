"""Conditions that always hold are not printed (issue 15): positivity of σ, 1 − σ, softmax, exp, and
invertibility / a positive determinant of a matrix declared spd. Conditions that can fail stay."""
import matcalc

LOGISTIC = "sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))"


def test_positivity_of_sigmoid_and_its_complement_is_not_a_condition():
    assert matcalc.grad(LOGISTIC, "w").conditions == []
    assert matcalc.grad("log(1 - sigmoid(a))", "a").conditions == []


def test_positivity_of_softmax_is_not_a_condition():
    r = matcalc.grad("-(y^T log(softmax(W x)))", "W", where={"W": "k x n", "y": "k"})
    assert r.conditions == []


def test_an_spd_matrix_is_invertible_with_a_positive_determinant():
    r = matcalc.grad("log det S + (x - m)^T S^-1 (x - m)", "S", where={"S": "n x n spd", "m": "n"})
    assert r.conditions == []
    r = matcalc.grad("det(S)", "S", where={"S": "n x n spd"})
    assert r.conditions == []


def test_conditions_that_can_fail_stay():
    assert matcalc.grad("log(1 - a)", "a").conditions == ["1 - a > 0"]
    assert matcalc.grad("log det X", "X").conditions == ["det(X) > 0"]
    assert matcalc.grad("tr(X^-1)", "X").conditions == ["X is invertible"]
    assert any("> 0" in c for c in matcalc.grad("sum(log(x))", "x").conditions)


def test_sums_print_in_the_order_they_were_typed():
    """det(A + x xᵀ) stays A + x xᵀ in the printed result and its condition; the tree keeps its canonical
    order (the str() that parses back is unchanged)."""
    r = matcalc.grad("log det(A + x x^T)", "x", check=False)
    assert r.pretty() == "((A + x x^T)^-1 + (A + x x^T)^-T) x"
    assert r.conditions == ["det(A + x x^T) > 0"]
    assert str(r) == "((x x^T + A)^-1 + (x x^T + A)^-T) x"
    assert r"\left(A + x x^{\top}\right)^{-1}" in r.pretty(latex=True)
    assert matcalc.grad("log(1 - a - b) + log det(C - B)", "a", check=False).conditions == ["1 - a - b > 0"]
