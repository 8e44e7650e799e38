"""Beyond derivatives: Taylor models, Newton and gradient steps, points, implicit derivatives.

Closed forms are compared with hand derivations, numbers with NumPy computations that do not go
through matcalc, and every command is run through click's CliRunner.
"""
import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import matcalc
from matcalc import analysis as A
from matcalc import expr as E
from matcalc.cli import main
from matcalc.errors import DiffError, ParseError, ShapeError
from matcalc.numeric import evaluate

SEED_F = "1/2 x^T [1, 0; 0, 10] x"          # ½(x₁² + 10 x₂²), the seeds' anisotropic quadratic
QUAD = "1/2 x^T A x - b^T x"
SPD = {"A": "n x n spd"}
RIDGE = "X^T (X w - y) + lambda w"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def var(expr, name):
    return next(v for v in expr.free if isinstance(v, E.Var) and v.name == name)


def col(*values):
    return np.array(values, dtype=float).reshape(-1, 1)


# ---- taylor -------------------------------------------------------------------------------------
def test_taylor_of_a_quadratic_is_the_quadratic_and_exact():
    t = A.taylor(QUAD, "x", where=SPD)
    assert str(t) == "1/2 x^T A x - b^T x + h^T (A x - b) + 1/2 h^T A h"
    assert t.equation() == "f(x + h) ≈ " + str(t)
    assert t.report.passed and t.report.summary == "the model is exact to rounding error"
    assert t.direction.name == "h" and t.direction.shape == t.wrt.shape


def test_taylor_matches_the_function_numerically():
    """The model at h equals f(x) + gᵀh + ½ hᵀHh computed by hand with NumPy."""
    t = A.taylor("sum(exp(A x))", "x")
    assert str(t) == "sum(exp(A x)) + h^T A^T exp(A x) + 1/2 h^T A^T diag(exp(A x)) A h"
    rng = np.random.default_rng(1)
    Am, x, h = rng.standard_normal((3, 2)), rng.standard_normal((2, 1)), rng.standard_normal((2, 1))
    u = np.exp(Am @ x)
    hand = u.sum() + (h.T @ Am.T @ u).item() + 0.5 * (h.T @ Am.T @ np.diag(u[:, 0]) @ Am @ h).item()
    f = t.function
    env = {var(f, "A"): Am, t.wrt: x, t.direction: h}
    assert evaluate(t.expr, env, {"m": 3, "n": 2})[0, 0] == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("order", [1, 2])
def test_taylor_error_ratio_when_halving_t(order):
    t = A.taylor("sum(exp(A x))", "x", order=order)
    r = t.report
    assert r.passed
    assert r.details["expected_ratio"] == 2 ** (order + 1)
    assert r.details["ratio"] == pytest.approx(2 ** (order + 1), rel=0.05)
    assert r.details["observed_order"] == pytest.approx(order + 1, abs=0.1)


def test_taylor_order_one_is_the_linear_model():
    t = A.taylor("||A x - b||^2", "x", order=1)
    assert str(t) == "||A x - b||^2 + 2 h^T A^T (A x - b)"
    assert t.report.passed and t.report.details["ratio"] == pytest.approx(4, rel=0.05)


def test_taylor_of_a_matrix_variable_uses_traces():
    t = A.taylor("log det X", "X")
    assert t.direction.name == "H"                           # a matrix direction, upper case
    assert str(t) == "logdet(X) + tr(H X^-1) - 1/2 tr(H X^-1 H X^-1)"
    assert t.report.passed and t.report.details["ratio"] == pytest.approx(8, rel=0.05)
    assert t.conditions == ["det(X) > 0"]


def test_taylor_of_a_scalar_variable():
    t = A.taylor("x^3", "x", where={"x": "scalar"})
    assert str(t) == "x^3 + 3 h x^2 + 3 x h^2"
    assert t.report.passed


def test_taylor_latex():
    t = A.taylor(QUAD, "x", where=SPD, check=False)
    assert t.latex() == r"\frac{1}{2} x^{\top} A x - b^{\top} x + h^{\top} \left(A x - b\right) + \frac{1}{2} h^{\top} A h"
    assert t.equation(latex=True).startswith(r"f(x + h) \approx ")


def test_taylor_check_catches_a_wrong_model():
    good = A.taylor("sum(exp(x))", "x", check=False)
    f, x, h = good.function, good.wrt, good.direction
    wrong = A.Taylor(f, x, h, 2, [f, good.terms[1], E.product(E.Transpose(h), h)], [], None, None, None)
    report = wrong.check()
    assert report.status == "failed" and report.details["observed_order"] < 2.5


def test_taylor_direction_names():
    assert A.taylor("h^T h", "h", check=False).direction.name == "d"    # the default h is taken: a fresh name
    with pytest.raises(DiffError, match="already a variable"):
        A.taylor("x^T A x", "x", direction="A")
    assert A.taylor("x^T x", "x", direction="v", check=False).direction.name == "v"


def test_taylor_refusals():
    with pytest.raises(DiffError, match="order 1 or 2"):
        A.taylor("x^T x", "x", order=3)
    with pytest.raises(DiffError, match="scalar expression"):
        A.taylor("A x", "x")
    assert A.taylor("log det X", "X", order=1, where={"X": "n x n spd"}).report.passed


def test_taylor_of_order_two_wrt_a_structured_variable():
    """Second derivatives w.r.t. symmetric and diagonal variables (issue 16): the model's direction has the
    variable's structure, its quadratic term is ½ d²f[H, H]."""
    t = A.taylor("log det X", "X", where={"X": "n x n spd"})
    assert str(t) == "logdet(X) + tr(H X^-1) - 1/2 tr(H X^-1 H X^-1)" and t.report.passed
    assert A.taylor("x^T X^2 x", "X", where={"X": "n x n diagonal"}).report.passed


# ---- newton -------------------------------------------------------------------------------------
def test_newton_step_of_the_spd_quadratic():
    s = A.newton_step(QUAD, "x", where=SPD)
    assert str(s.newton) == "A^-1 b - x"
    assert str(s.gradient_step) == "-eta (A x - b)"
    assert s.eta.name == "eta" and s.eta.is_scalar
    assert s.report.passed
    assert "the Hessian A is invertible" in s.conditions


def test_newton_step_without_symmetry_and_for_least_squares():
    assert str(A.newton_step(QUAD, "x").newton) == "2 (A + A^T)^-1 b - x"
    s = A.newton_step("||A x - b||^2", "x")
    assert str(s.newton) == "(A^T A)^-1 A^T b - x"           # x + Δx is the least-squares solution
    assert str(s.gradient_step) == "-2 eta A^T (A x - b)"
    assert s.report.passed


def test_newton_and_gradient_steps_on_the_seed_example():
    """x₀ = (1, 1): ∇f = (1, 10); GD with η = 0.1 gives (0.9, 0); one Newton step reaches (0, 0)."""
    s = A.newton_step(SEED_F, "x")
    assert str(s.newton) == "-x"
    assert str(s.gradient_step) == "-eta [1, 0; 0, 10] x"
    x0 = col(1, 1)
    env = {s.wrt: x0, s.eta: np.array([[0.1]])}
    assert evaluate(s.gradient.expr, env, {})[:, 0].tolist() == [1, 10]
    assert (x0 + evaluate(s.gradient_step, env, {}))[:, 0] == pytest.approx([0.9, 0.0], abs=1e-15)
    assert (x0 + evaluate(s.newton, env, {}))[:, 0] == pytest.approx([0.0, 0.0], abs=1e-15)


def test_newton_step_scalar_matrix_and_other_cases():
    assert str(A.newton_step("x^4", "x", where={"x": "scalar"}).newton) == "-1/3 x"
    assert str(A.newton_step("c x^T A x", "x", where={"c": "scalar", "A": "n x n spd"}).newton) == "-x"
    s = A.newton_step("log det X", "X")
    assert s.on_vec and s.labels()[0].startswith("Newton step vec(ΔX)")
    assert s.report.passed


def test_newton_step_check_catches_a_wrong_step():
    s = A.newton_step(QUAD, "x", where=SPD, check=False)
    wrong = A.Steps(s.function, s.wrt, E.negate(s.wrt), s.gradient_step, s.eta, s.gradient, s.hessian, [], None)
    assert wrong.check().status == "failed"


def test_newton_step_refuses_a_linear_function():
    with pytest.raises(DiffError, match="Hessian .* is zero"):
        A.newton_step("b^T x", "x")


def test_expand_distributes_only_when_it_pays():
    f = matcalc.parse("A x - b", {"A": "n x n"})
    Am = var(f, "A")
    assert str(A.expand(E.product(E.Num(-1), E.Inverse(Am), f))) == "A^-1 b - x"
    g = matcalc.parse("B x - b", {"B": "n x n"})
    assert str(A.expand(E.product(E.Inverse(Am), g))) == "A^-1 (B x - b)"    # nothing cancels: kept


def test_expand_sizes_a_shared_dag_once_per_node():
    """Regression: the size walk had no memo, so 60 levels of sharing (122 distinct nodes) meant 2^61 visits."""
    import time
    from matcalc.analysis.expand import tree_size
    x = E.Var("x", ("n", 1), frozenset())
    Am = E.Var("A", ("n", "n"), frozenset())
    e, small = x, x
    for k in range(60):
        e = E.Add(E.product(Am, e), e)
        if k == 3:
            small = e

    def naive(n):
        return 1 + sum(naive(c) for c in n.children)
    assert tree_size(small) == naive(small) == 61
    start = time.perf_counter()
    assert tree_size(e) == 2 ** 62 - 3
    assert time.perf_counter() - start < 0.5


# ---- at -----------------------------------------------------------------------------------------
def test_at_the_seed_example():
    p = A.at(SEED_F, "x", {"x": [1, 1]}, eta=0.1)
    assert p.value == pytest.approx(5.5)
    assert list(p.gradient) == [1, 10]
    assert list(p.eigenvalues) == pytest.approx([1, 10])
    assert not p.critical and p.classification == "not critical" and p.curvature == "positive definite"
    assert p.spectral_radius == pytest.approx(10) and p.condition_number == pytest.approx(10)
    assert p.step_size == pytest.approx(0.1) and p.step_kind == "global" and p.hessian_constant
    assert list(p.gradient_step) == pytest.approx([0.9, 0.0], abs=1e-15)
    assert list(p.newton_point) == pytest.approx([0.0, 0.0], abs=1e-15)
    assert all(r.passed for r in p.checks)


def test_at_default_eta_is_one_over_rho():
    p = A.at(SEED_F, "x", {"x": [1, 1]}, check=False)
    assert p.eta == pytest.approx(0.1) and list(p.gradient_step) == pytest.approx([0.9, 0.0], abs=1e-15)


@pytest.mark.parametrize("expr, values, where, kind, curvature", [
    ("x^T [1, 0; 0, -1] x", {"x": [0, 0]}, None, "saddle", "indefinite"),
    ("-x^T x", {"x": [0, 0, 0]}, None, "maximum", "negative definite"),
    ("sum(exp(x)) - 2 sum(x)", {"x": [np.log(2)] * 2}, None, "minimum", "positive definite"),
    ("x^4", {"x": 0}, {"x": "scalar"}, "degenerate", "zero"),
    ("x^T [1, 0; 0, 0] x", {"x": [0, 0]}, None, "degenerate", "positive semidefinite, singular"),
    ("x^T [1, 0; 0, 0] x - x^T [0, 0; 0, 1] x", {"x": [0, 0]}, None, "saddle", "indefinite"),
])
def test_at_classifies_critical_points(expr, values, where, kind, curvature):
    p = A.at(expr, "x", values, where=where, check=False)
    assert p.critical and p.classification == kind and p.curvature == curvature


def test_at_saddle_numbers():
    p = A.at("x^T [1, 0; 0, -1] x", "x", {"x": [0, 0]})
    assert list(p.eigenvalues) == pytest.approx([-2, 2])
    assert p.spectral_radius == pytest.approx(2) and p.step_size == pytest.approx(0.5)   # 1/max|λ|, not 1/λmax


def test_at_local_step_when_the_hessian_depends_on_x():
    p = A.at("sum(exp(x))", "x", {"x": [1, 2, 3]}, check=False)
    assert p.step_kind == "local" and not p.hessian_constant
    assert p.step_size == pytest.approx(np.exp(-3))
    assert list(p.newton_point) == pytest.approx([0, 1, 2])
    assert "local estimate" in p.step_note


def test_at_reads_sizes_from_the_values_and_checks_them():
    rng = np.random.default_rng(0)
    Am, b, x = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)
    p = A.at("||A x - b||^2", "x", {"A": Am, "b": b, "x": x}, check=False)
    assert p.value == pytest.approx(np.sum((Am @ x - b) ** 2))
    assert p.gradient == pytest.approx(2 * Am.T @ (Am @ x - b))
    assert p.hessian == pytest.approx(2 * Am.T @ Am)
    assert p.newton_point == pytest.approx(np.linalg.lstsq(Am, b, rcond=None)[0])
    assert p.condition_number == pytest.approx(np.linalg.cond(Am) ** 2)
    with pytest.raises(A.ValuesError, match="dimension"):
        A.at("||A x - b||^2", "x", {"A": Am, "b": b, "x": [1, 2]}, check=False)
    with pytest.raises(A.ValuesError, match="no value for b"):
        A.at("||A x - b||^2", "x", {"A": Am, "x": x}, check=False)
    with pytest.raises(A.ValuesError, match="shape"):
        A.at("||A x - b||^2", "x", {"A": Am, "b": b, "x": np.ones((3, 2))}, check=False)


def test_at_matrix_variable_hessian_on_vec():
    p = A.at("log det X", "X", {"X": [[2, 0], [0, 3]]}, check=False)
    assert p.hessian_on_vec and p.hessian.shape == (4, 4)
    assert sorted(p.eigenvalues) == pytest.approx(sorted([-1 / 4, -1 / 9, -1 / 6, 1 / 6]))
    assert p.newton_point == pytest.approx(np.array([[4, 0], [0, 6]]))     # Newton's ΔX = X for log det
    assert p.gradient == pytest.approx(np.array([[0.5, 0], [0, 1 / 3]]))


def test_at_values_from_files(tmp_path):
    js = tmp_path / "point.json"
    js.write_text(json.dumps({"x": [1, 1]}))
    npz = tmp_path / "point.npz"
    np.savez(npz, x=np.array([1.0, 1.0]), unused=np.zeros(2))
    for source in (js, str(js), str(npz), '{"x": [1, 1]}'):
        p = A.at(SEED_F, "x", source, check=False)
        assert list(p.gradient) == [1, 10]
    assert A.at(SEED_F, "x", str(npz), check=False).notes == ["ignored values for unused (not variables of the expression)"]
    with pytest.raises(A.ValuesError, match="cannot read"):
        A.at(SEED_F, "x", str(tmp_path / "missing.json"))
    with pytest.raises(A.ValuesError, match=r"\.json or \.npz"):
        A.at(SEED_F, "x", str(tmp_path / "point.txt"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(A.ValuesError, match="not valid JSON"):
        A.at(SEED_F, "x", bad)


def test_at_as_dict_is_json():
    d = A.at("x^4", "x", {"x": 0}, where={"x": "scalar"}).as_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["condition_number"] is None and d["step_size"] is None       # infinite / undefined → null
    assert d["classification"] == "degenerate" and d["checks"][0]["passed"]


def test_at_refuses_a_huge_dense_hessian():
    from matcalc.errors import LimitError
    with pytest.raises(LimitError, match="at most 2000"):
        A.at("x^T x", "x", {"x": np.ones(2001)}, check=False)


def test_at_rejects_malformed_values():
    for bad in ({"x": [[1, 2], [3]]}, {"x": "abc"}, {"x": {"a": 1}}, {"x": np.ones((2, 2, 2))}, {"x": [1, float("nan")]}):
        with pytest.raises(A.ValuesError):
            A.at("x^T x", "x", bad, check=False)
    with pytest.raises(A.ValuesError, match="symbolic dimension is never 1"):
        A.at("x^T x", "x", {"x": [1]}, check=False)


def test_at_outside_the_domain():
    with pytest.raises(A.ValuesError, match="not defined"):
        A.at("sum(log(x))", "x", {"x": [-1, 2]}, check=False)


# ---- implicit -----------------------------------------------------------------------------------
def test_implicit_ridge_wrt_y_and_lambda():
    r = A.implicit(RIDGE + " = 0", "w", "y")
    assert str(r) == "(X^T X + lambda I)^-1 X^T"
    assert r.report.passed and r.symbol() == "∂w/∂y"
    r = A.implicit(RIDGE, "w", "lambda")
    assert str(r) == "-(X^T X + lambda I)^-1 w"
    assert r.report.passed
    assert r.conditions == ["∂F/∂w = X^T X + lambda I is invertible"]


def test_implicit_ridge_against_the_explicit_solution():
    """w(y, λ) = (XᵀX + λI)⁻¹ Xᵀ y, differentiated with NumPy alone."""
    rng = np.random.default_rng(3)
    X, y, lam = rng.standard_normal((6, 3)), rng.standard_normal((6, 1)), 0.7

    def w_of(y, lam):
        return np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)
    w = w_of(y, lam)
    dy = A.implicit(RIDGE, "w", "y", check=False)
    dl = A.implicit(RIDGE, "w", "lambda", check=False)
    F = dy.function
    env = {var(F, "X"): X, var(F, "y"): y, var(F, "lambda"): np.array([[lam]]), var(F, "w"): w}
    sizes = {"m": 6, "n": 3}
    assert evaluate(dy.expr, env, sizes) == pytest.approx(np.linalg.solve(X.T @ X + lam * np.eye(3), X.T))
    t = 1e-6
    fd = (w_of(y, lam + t) - w_of(y, lam - t)) / (2 * t)
    assert evaluate(dl.expr, env, sizes) == pytest.approx(fd, rel=1e-6)


def test_implicit_scalar_circle_and_nonlinear_vector():
    r = A.implicit("x^2 + y^2 - 1 = 0", "y", "x", where={"x": "scalar", "y": "scalar"})
    assert str(r) == "-x / y" and r.report.passed
    r = A.implicit("y + tanh(W y) - x", "y", "x")
    assert str(r) == "(diag(1 - tanh(W y).^2) W + I)^-1" and r.report.passed


def test_implicit_matrix_unknown_on_vec():
    r = A.implicit("S Y + Y S - C", "Y", "C", where={"S": "n x n spd"})
    # the Sylvester operator's inverse, (S ⊗ I + I ⊗ S)⁻¹: the Jacobian of C is I ⊗ I, tidied to I and dropped
    assert isinstance(r.expr, E.Inverse) and isinstance(r.expr.arg, E.Add)
    assert sorted(type(t.left).__name__ + type(t.right).__name__ for t in r.expr.arg.terms) == ["IdentityVar", "VarIdentity"]
    assert r.symbol() == "∂vec(Y)/∂vec(C)" and r.report.passed


def test_implicit_check_catches_a_wrong_closed_form():
    r = A.implicit(RIDGE, "w", "y", check=False)
    wrong = A.Implicit(r.function, r.solve_for, r.wrt, E.negate(r.expr), r.Fy, r.Fx, [], None)
    assert wrong.check().status == "failed"


def test_implicit_errors():
    with pytest.raises(ParseError, match="F = 0") as e:
        A.implicit(RIDGE + " = y", "w", "y")
    assert e.value.pos == len(RIDGE) + 1
    with pytest.raises(ShapeError, match="one equation per unknown"):
        A.implicit("A y - x", "y", "x")
    with pytest.raises(DiffError, match="is zero"):
        A.implicit("x + 0 y", "y", "x")
    with pytest.raises(DiffError, match="does not occur"):
        A.implicit(RIDGE, "v", "y")
    with pytest.raises(DiffError, match="both are"):
        A.implicit(RIDGE, "w", "w")


# ---- command line -------------------------------------------------------------------------------
def test_cli_taylor():
    r = run("taylor", QUAD, "--wrt", "x", "--let", "A: n x n spd")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "f(x + h) ≈ 1/2 x^T A x - b^T x + h^T (A x - b) + 1/2 h^T A h"
    assert lines[1] == "  note: b is read as a vector (the letter convention alone would make it a scalar)"
    assert lines[2].startswith("  numerical check passed (the model is exact")
    r = run("taylor", "sum(exp(A x))", "--wrt", "x", "--order", "1", "--format", "json")
    out = json.loads(r.output)
    assert out["model"] == "sum(exp(A x)) + h^T A^T exp(A x)" and out["order"] == 1
    assert out["check"]["passed"] and out["check"]["ratio"] == pytest.approx(4, rel=0.05)
    r = run("taylor", "log det X", "--wrt", "X", "--format", "latex")
    assert r.exit_code == 0 and r.output.startswith(r"f(X + H) \approx \log\det")
    assert run("taylor", "x^T x", "--wrt", "x", "--order", "3").exit_code == 2


def test_cli_newton():
    r = run("newton", QUAD, "--wrt", "x", "--let", "A: n x n spd")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:3] == ["Newton step Δx = -H^-1 ∇f = A^-1 b - x",
                                         "gradient step Δx = -eta ∇f = -eta (A x - b)",
                                         "  where the Hessian A is invertible"]
    out = json.loads(run("newton", SEED_F, "--wrt", "x", "--format", "json").output)
    assert out["newton"] == "-x" and out["gradient_step"] == "-eta [1, 0; 0, 10] x"
    assert out["gradient"] == "[1, 0; 0, 10] x" and out["hessian"] == "[1, 0; 0, 10]" and out["check"]["passed"]
    r = run("newton", "b^T x", "--wrt", "x")
    assert r.exit_code == 2 and "is zero" in r.output


def test_cli_at_seed_example_text_and_json(tmp_path):
    r = run("at", SEED_F, "--wrt", "x", "--values", '{"x": [1, 1]}', "--eta", "0.1")
    assert r.exit_code == 0, r.output
    for line in ["  ∇f = [1, 0; 0, 10] x = [1, 10]", "  eigenvalues of H: 1, 10",
                 "  condition number κ(H) = 10", "  gradient step x - 0.1 ∇f = [0.9, 0]",
                 "  Newton step x - H^-1 ∇f = [0, 0]"]:
        assert line in r.output.splitlines()
    assert "step size 1/ρ(H) = 0.1: the global safe step 1/L" in r.output
    path = tmp_path / "x.json"
    path.write_text('{"x": [1, 1]}')
    out = json.loads(run("at", SEED_F, "--wrt", "x", "--values", str(path), "--format", "json").output)
    assert out["gradient"] == [1, 10] and out["eigenvalues"] == pytest.approx([1, 10])
    assert out["condition_number"] == pytest.approx(10) and out["step_size"] == pytest.approx(0.1)
    assert out["step_kind"] == "global" and out["classification"] == "not critical"
    assert out["gradient_step"] == pytest.approx([0.9, 0]) and out["newton_point"] == pytest.approx([0, 0])


def test_cli_at_saddle_and_npz(tmp_path):
    path = tmp_path / "zero.npz"
    np.savez(path, x=np.zeros(2))
    out = json.loads(run("at", "x^T [1, 0; 0, -1] x", "--wrt", "x", "--values", str(path), "--format", "json").output)
    assert out["critical"] and out["classification"] == "saddle" and out["eigenvalues"] == pytest.approx([-2, 2])
    r = run("at", "x^T [1, 0; 0, -1] x", "--wrt", "x", "--values", str(path))
    assert "classification: saddle point (the Hessian is indefinite)" in r.output


def test_cli_at_errors():
    r = run("at", "x^T A x", "--wrt", "x", "--values", '{"x": [1, 1]}')
    assert r.exit_code == 2 and "error: values error: no value for A" in r.output
    r = run("at", "x^T A x", "--wrt", "x", "--values", "missing.json")
    assert r.exit_code == 2 and "cannot read values from missing.json" in r.output


def test_cli_implicit():
    r = run("implicit", RIDGE + " = 0", "--solve-for", "w", "--wrt", "y")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:2] == ["∂w/∂y = (X^T X + lambda I)^-1 X^T",
                                         "  where ∂F/∂w = X^T X + lambda I is invertible"]
    out = json.loads(run("implicit", RIDGE, "--solve-for", "w", "--wrt", "lambda", "--format", "json").output)
    assert out["result"] == "-(X^T X + lambda I)^-1 w" and out["check"]["passed"]
    r = run("implicit", RIDGE + " = y", "--solve-for", "w", "--wrt", "y")
    assert r.exit_code == 2
    assert f"{RIDGE} = y\n{' ' * (len(RIDGE) + 1)}^\nerror: syntax error: write the equation as F = 0" in r.output


def test_cli_reads_stdin():
    r = run("newton", "-", "--wrt", "x", input=SEED_F + "\n")
    assert r.exit_code == 0 and r.output.startswith("Newton step Δx = -H^-1 ∇f = -x")


def test_cli_start_up_does_not_import_numpy():
    code = ("import sys, matcalc.cli as c; print(sorted(set(c.main.commands) & {'taylor', 'newton', 'at', 'implicit'}),"
            " 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['at', 'implicit', 'newton', 'taylor'] False"


# ---- LaTeX renders ------------------------------------------------------------------------------
def test_latex_output_renders_with_katex():
    """Every --format latex line of the four commands renders with KaTeX (tests/katex, as test_katex.py)."""
    import os
    import shutil
    from pathlib import Path
    katex = Path(__file__).resolve().parent / "katex"
    node = shutil.which("node")
    if node is None or not (katex / "node_modules" / "katex" / "package.json").is_file():
        if os.environ.get("MATCALC_REQUIRE_ALL") == "1":
            pytest.fail("the LaTeX rendering check needs node and tests/katex/node_modules")
        pytest.skip("the LaTeX rendering check needs node and tests/katex/node_modules (cd tests/katex && npm ci)")
    commands = [
        ["taylor", QUAD, "--wrt", "x", "--let", "A: n x n spd"],
        ["taylor", "log det X", "--wrt", "X"],
        ["taylor", "x^3", "--wrt", "x", "--let", "x: scalar", "--order", "1"],
        ["newton", QUAD, "--wrt", "x", "--let", "A: n x n spd"],
        ["newton", SEED_F, "--wrt", "x"],
        ["newton", "log det X", "--wrt", "X"],
        ["implicit", RIDGE, "--solve-for", "w", "--wrt", "y"],
        ["implicit", RIDGE, "--solve-for", "w", "--wrt", "lambda"],
        ["implicit", "S Y + Y S - C", "--solve-for", "Y", "--wrt", "C", "--let", "S: n x n spd"],
    ]
    strings = []
    for args in commands:
        r = run(*args, "--format", "latex", "--no-check")
        assert r.exit_code == 0, r.output
        # `% note:` lines are LaTeX comments (how the text was read), printed before the formulas: not math
        strings += [line for line in r.output.splitlines() if not line.startswith("% ")]
    proc = subprocess.run([node, str(katex / "render.js")], input=json.dumps(strings), capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr
    bad = [(s, r["error"]) for s, r in zip(strings, json.loads(proc.stdout)) if not r["ok"]]
    assert not bad, bad


# ---- docs/analysis.md --------------------------------------------------------------------------
def _doc_examples():
    import re
    import shlex
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "docs" / "analysis.md").read_text(encoding="utf-8")
    for block in re.findall(r"```\n(\$ matcalc .*?)\n```", text, re.S):
        command, *output = block.split("\n")
        yield shlex.split(command[len("$ matcalc "):]), output


@pytest.mark.parametrize("args, output", list(_doc_examples()))
def test_docs_examples_are_current(args, output):
    """The documented outputs, except the check lines' error figures, are what the commands print."""
    r = run(*args)
    assert r.exit_code == 0, r.output
    got = r.output.rstrip("\n").split("\n")
    assert len(got) == len(output)
    for a, b in zip(got, output):
        if "numerical check" in b:
            assert a.split("(")[0] == b.split("(")[0]
        else:
            assert a == b
