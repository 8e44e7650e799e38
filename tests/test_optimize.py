"""Constrained problems: kkt against the textbook forms, solve against independent references."""
import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

import matcalc
from matcalc import expr as E
from matcalc.cli import main
from matcalc.numeric import evaluate
from matcalc.optimize import ProblemError, kkt, solve
from matcalc.optimize.problem import declaration
from matcalc.parse import parse, parse_full

scipy_optimize = pytest.importorskip("scipy.optimize")


def same_value(e, text, where, seed=0):
    """e equals the textbook expression `text` (declarations `where`) at a random point."""
    ref = parse(text, where)
    rng = np.random.default_rng(seed)
    sizes = {}
    env = {}
    for v in set(e.free) | set(ref.free):
        if not isinstance(v, E.Var):
            continue
        shape = tuple(d if isinstance(d, int) else sizes.setdefault(d, int(rng.integers(3, 7))) for d in v.shape)
        a = rng.normal(size=shape)
        if v.has("symmetric"):
            a = a + a.T
        env[v] = a
    byname = {v.name: a for v, a in env.items()}
    env.update({v: byname[v.name] for v in ref.free if isinstance(v, E.Var)})
    env.update({v: byname[v.name] for v in e.free if isinstance(v, E.Var)})
    return np.allclose(evaluate(e, env, sizes), evaluate(ref, env, sizes), rtol=1e-10, atol=1e-10)


# ---- kkt: the textbook examples ----------------------------------------------------------------------
def test_least_norm_closed_form_is_the_pseudo_inverse_solution():
    k = kkt("min ||x||^2 st A x == b")
    (x, r), = k.stationarity
    assert x.name == "x" and r.report.status == "passed"
    assert [m.name for m in k.multipliers] == ["nu"] and k.multipliers[0].shape == ("m", 1)
    assert same_value(r.expr, "2 x + A^T nu", {"A": "m x n", "x": "n", "nu": "m"})
    assert str(k.linear["closed form"][-1]) == "A^T (A A^T)^-1 b"
    assert "[[2 I, A^T], [A, 0]]" in k.text()


def test_equality_qp_block_system():
    k = kkt("min 1/2 x^T Q x + c^T x st A x == b", where={"Q": "n x n symmetric", "c": "n"})
    text = k.text()
    assert "block system: [[Q, A^T], [A, 0]] [x; nu] = [-c; b]" in text
    sol = k.linear["closed form"][-1]
    assert str(sol) == "Q^-1 (A^T (A Q^-1 A^T)^-1 (A Q^-1 c + b) - c)"
    assert r"\begin{bmatrix}" in k.latex()


def test_rayleigh_quotient_on_the_sphere_is_the_eigenproblem():
    k = kkt("min x^T A x st x^T x == 1", where={"A": "n x n symmetric"})
    (_, r), = k.stationarity
    assert same_value(r.expr, "2 A x + 2 nu x", {"A": "n x n symmetric", "x": "n", "nu": "scalar"})
    eig = k.as_dict()["eigenproblem"]
    assert eig.startswith("A x = μ x with μ = -nu") and "smallest eigenvalue" in eig
    assert "f = μ;" in eig and not re.search(r"\bmu\b", eig)        # the μ of A x = μ x, one spelling
    assert "largest eigenvalue" in kkt("max x^T A x st x^T x == 1", where={"A": "n x n symmetric"}).as_dict()["eigenproblem"]


def test_svm_dual():
    k = kkt("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", where={"K": "n x n symmetric"})
    d = k.as_dict()
    assert d["variables"] == {"a": "vector n"}
    assert d["multipliers"] == {
        "lambda_1": {"shape": "vector n", "constraint": "0 <= a <= c", "kind": "ineq", "bound": True},
        "lambda_2": {"shape": "vector n", "constraint": "0 <= a <= c", "kind": "ineq", "bound": True},
        "nu": {"shape": "scalar", "constraint": "y^T a == 0", "kind": "eq", "bound": False}}
    (_, r), = k.stationarity
    # the textbook: y ⊙ K (a ⊙ y) − 1 − μ + ξ + ν y = 0 (μ, ξ the bounds' multipliers)
    assert same_value(r.expr, "y .* (K (a .* y)) - 1 - lambda_1 + lambda_2 + nu y",
                      {"K": "n x n symmetric", "a": "n", "y": "n", "lambda_1": "n", "lambda_2": "n", "nu": "scalar",
                       "c": "scalar"})
    assert d["dual_feasibility"] == ["lambda_1 >= 0", "lambda_2 >= 0"]
    assert d["complementary_slackness"] == ["lambda_1 .* (-a) == 0", "lambda_2 .* (a - c) == 0"]
    assert d["primal_feasibility"][2] in ("y^T a == 0", "a^T y == 0")     # the simplifier orders the factors
    assert d["linear_system"] == {}        # inequalities: a complementarity problem, no block system


def test_svm_primal_stationarity():
    k = kkt("min_{w, b} 1/2 ||w||^2 st y .* (X w + b) >= 1", where={"b": "scalar"})
    grads = dict((v.name, r.expr) for v, r in k.stationarity)
    where = {"X": "m x n", "y": "m", "w": "n", "lambda": "m", "b": "scalar"}
    assert same_value(grads["w"], "w - X^T (lambda .* y)", where)      # w = Σ λᵢ yᵢ xᵢ
    assert same_value(grads["b"], "-(lambda^T y)", where)               # Σ λᵢ yᵢ = 0


def test_one_norm_rewrite_is_stated_and_abs_gets_a_slack():
    k = kkt("min_x 1/2 ||A x - b||^2 + λ ||x||_1")
    assert [v.name for v in k.problem.variables] == ["x_p", "x_m"]
    assert any("x = x_p - x_m" in r for r in k.problem.rewrites)
    assert any("assumed positive: λ" in r for r in k.problem.rewrites)
    k = kkt("min_x ||A x - b||^2 + sum(abs(x - z))")
    assert [v.name for v in k.problem.variables] == ["x", "t"] and "slack t" in k.text()


@pytest.mark.parametrize("problem, message", [
    ("min sum(relu(x))", "relu"),
    ("max_x -||x||_1", "maximized"),
    ("min_x ||A x - b||^2 - ||x||_1", "positive coefficients"),
    ("min_x ||x||^2 st ||x||_1 <= 1", "not smooth"),
    ("min_x ||x||^2 st A x", "constraint is"),
    ("find x", "starts with min or max"),
    ("min ||x||^2 st x == x", "holds whatever the variables are"),      # it gave a singular block system
    ("min_X ||X||_*", "spectral and nuclear norms"),                   # its minimum X = 0 is the kink
    ("min_X ||X - A||_2", "spectral and nuclear norms"),
    ("min_X ||X - A||_F^2 st λ_max(X) <= 1", r"the constraint 'λ_max\(X\) <= 1' is not smooth"),
    ("min ||x||^2 st", "followed by no constraint"),
    ("min ||x||^2 st A x => b", "'=>' is not a relation: write '>='"),
])
def test_refusals(problem, message):
    with pytest.raises(matcalc.MatcalcError, match=message):
        kkt(problem)


def test_shared_dimensions_across_parts():
    k = kkt("min ||x||^2 st A x == b", where={"A": "m x n"})
    assert k.problem.variables[0].shape == ("n", 1)


def test_cli_kkt_formats():
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == b"])
    assert r.exit_code == 0 and "closed form: x = A^T (A A^T)^-1 b" in r.output
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == b", "--format", "json"])
    assert json.loads(r.output)["closed_form"] == "A^T (A A^T)^-1 b"
    r = CliRunner().invoke(main, ["kkt", "min sum(relu(x))"])
    assert r.exit_code == 2 and "relu" in r.output


# ---- solve against independent references ----------------------------------------------------------
def assert_solved(s):
    r = s.report
    assert r["status"] == "optimal", r
    res = r["kkt_residuals"]
    assert res["stationarity"] <= 1e-6 * max(1, abs(r["objective"]))
    assert res["primal_violation"] <= 1e-8 and res["complementary_slackness"] <= 1e-6


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    return rng.normal(size=(40, 12)), rng.normal(size=40), rng


def test_nonnegative_least_squares(data):
    A, b, _ = data
    s = solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": b})
    assert_solved(s)
    ref, _ = scipy_optimize.nnls(A, b)
    assert np.max(np.abs(s["x"] - ref)) < 1e-6
    assert s.report["convexity"].startswith("convex")


def test_lasso_by_the_one_norm_rewrite(data):
    A, b, _ = data
    lam = 3.0
    s = solve("min 1/2 ||A x - b||^2 + λ ||x||_1", {"A": A, "b": b, "λ": lam})
    assert_solved(s)
    assert set(s.solution) == {"x"}

    def split(z):          # the reference: the same split written by hand, L-BFGS-B on the box
        n = A.shape[1]
        r = A @ (z[:n] - z[n:]) - b
        g = A.T @ r
        return 0.5 * r @ r + lam * z.sum(), np.concatenate([g + lam, -g + lam])
    ref = scipy_optimize.minimize(split, np.ones(24), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 24,
                                  options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 20000}).x
    assert np.max(np.abs(s["x"] - (ref[:12] - ref[12:]))) < 1e-6
    assert np.sum(np.abs(s["x"]) < 1e-8) > 0           # sparse


def test_simplex_constrained_maximum_likelihood():
    counts = np.array([1.0, 6, 7, 3, 8, 6, 4, 1])
    s = solve("max c^T log(h) st h >= 0, sum(h) == 1", {"c": counts})
    assert_solved(s)
    assert np.max(np.abs(s["h"] - counts / counts.sum())) < 1e-6
    assert s.report["objective"] == pytest.approx(counts @ np.log(counts / counts.sum()), rel=1e-9)


def test_ridge_regression(data):
    A, b, _ = data
    s = solve("min ||A w - b||^2 + μ ||w||^2", {"A": A, "b": b, "μ": 0.5})
    assert_solved(s)
    assert np.max(np.abs(s["w"] - np.linalg.solve(A.T @ A + 0.5 * np.eye(12), A.T @ b))) < 1e-6


def test_logistic_regression(data):
    X, _, rng = data
    y = np.where(rng.random(40) > 0.5, 1.0, -1.0)
    s = solve("min sum(log(1 + exp(-y .* (X w)))) + 1/2 ||w||^2", {"X": X, "y": y})
    assert_solved(s)

    def f(w):
        m = y * (X @ w)
        return np.sum(np.logaddexp(0, -m)) + 0.5 * w @ w, -X.T @ (y / (1 + np.exp(m))) + w
    ref = scipy_optimize.minimize(f, np.zeros(12), jac=True, method="BFGS", options={"gtol": 1e-11}).x
    assert np.max(np.abs(s["w"] - ref)) < 1e-6


def test_svm_dual_solve(data):
    X, _, rng = data
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=40) > 0, 1.0, -1.0)
    K = X @ X.T
    c = 1.0
    s = solve("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": K, "y": y, "c": c},
              where={"K": "n x n symmetric", "c": "scalar"})     # undeclared, c in a - c is a vector
    assert_solved(s)
    Q = (y[:, None] * K) * y[None, :]
    ref = scipy_optimize.minimize(lambda a: (0.5 * a @ Q @ a - a.sum(), Q @ a - 1), np.full(40, 0.5), jac=True,
                                  method="SLSQP", bounds=[(0, c)] * 40,
                                  constraints=[{"type": "eq", "fun": lambda a: y @ a, "jac": lambda a: y}],
                                  options={"ftol": 1e-15, "maxiter": 1000}).x
    objective = lambda a: 0.5 * a @ Q @ a - a.sum()
    assert s.report["objective"] <= objective(ref) + 1e-7      # the dual need not have a unique solution
    assert s.report["objective"] == pytest.approx(objective(ref), abs=1e-6)


def test_several_variables_packed_and_unpacked(data):
    A, b, _ = data
    s = solve("min_{x, t} ||A x + t 1 - b||^2", {"A": A, "b": b}, where={"t": "scalar"})
    assert_solved(s)
    ref = np.linalg.lstsq(np.hstack([A, np.ones((40, 1))]), b, rcond=None)[0]
    assert np.max(np.abs(s["x"] - ref[:12])) < 1e-6 and abs(s["t"] - ref[12]) < 1e-6


def test_cli_solve_json_npz_npy_dir(tmp_path, data):
    A, b, _ = data
    np.savez(tmp_path / "d.npz", A=A, b=b)
    r = CliRunner().invoke(main, ["solve", "min ||A x - b||^2 st x >= 0", "--data", str(tmp_path / "d.npz"),
                                  "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert set(out) == {"solution", "report"} and len(out["solution"]["x"]) == 12
    assert {"iterations", "time", "objective", "kkt_residuals", "status"} <= set(out["report"])
    (tmp_path / "dir").mkdir()
    np.save(tmp_path / "dir" / "A.npy", A)
    np.save(tmp_path / "dir" / "b.npy", b)
    r = CliRunner().invoke(main, ["solve", "min ||A x - b||^2 st x >= 0", "--data", str(tmp_path / "dir")])
    assert r.exit_code == 0 and "status: optimal" in r.output
    r = CliRunner().invoke(main, ["solve", "min ||A x - b||^2", "--data", json.dumps({"A": A.tolist(), "b": b.tolist()})])
    assert r.exit_code == 0 and "x = [" in r.output


def test_solver_that_stops_early_says_so(data):
    A, b, _ = data
    # one iteration: Newton's method solves this NNLS in two (L-BFGS-B needed more than two)
    s = solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": b}, maxiter=1)
    assert s.report["status"] == "stopped without meeting the tolerances"


def test_an_unbounded_problem_is_not_reported_optimal():
    """min -sum(x) st x >= 0 has no solution: the run diverges (f → -∞) with a stationarity residual of 1.
    Stationarity relative to |f| called that optimal (and "the solution is global"); relative to the
    gradient, as the interior point method stops, it is a stop short of the tolerances."""
    s = solve("min -sum(x) st x >= 0", {}, where={"x": "3"}, maxiter=100)
    assert s.report["status"] == "stopped without meeting the tolerances", s.report
    assert s.report["kkt_residuals"]["stationarity"] >= 0.5
    assert "global" not in s.report["convexity"] and "stopped short" in s.report["convexity"]


def test_bounds_that_leave_no_value_are_an_error_not_a_traceback():
    """x >= 1, x <= 0 (or a data bound below the other): SciPy raised a ValueError, a traceback in the CLI."""
    with pytest.raises(ProblemError, match=r"the bounds on x leave it no value: x ≥ 1 and x ≤ 0"):
        solve("min ||x||^2 st x >= 1, x <= 0", {}, where={"x": "3"})
    with pytest.raises(ProblemError, match=r"the bounds on t leave it no value: t ≥ 1 and t ≤ 0;"):
        solve("min (t - 2)^2 st t >= c, t <= 0", {"c": 1.0}, where={"t": "scalar"})
    r = CliRunner().invoke(main, ["solve", "min ||x||^2 st x >= 1, x <= 0", "--data", "{}", "--let", "x: 3"])
    assert r.exit_code == 2 and "leave it no value" in r.output and "Traceback" not in r.output


def test_contradicting_equalities_stop_short_instead_of_a_traceback():
    """x == 1, x == 2: the interior point method stops short, and trust-constr's polish raised a ValueError
    (its SQP step has no projection) that reached the CLI as a traceback."""
    s = solve("min ||x||^2 st x == 1, x == 2", {}, where={"x": "2"})
    assert s.report["status"] == "stopped without meeting the tolerances"
    assert s.report["kkt_residuals"]["primal_violation"] >= 0.4
    assert any("could not go on" in n for n in s.report["notes"])
    r = CliRunner().invoke(main, ["solve", "min ||x||^2 st x == 1, x == 2", "--data", "{}", "--let", "x: 2"])
    assert r.exit_code == 1 and "Traceback" not in r.output and "stopped without meeting" in r.output


def test_a_saddle_is_not_called_a_local_solution():
    """min xᵀQx st sum(x) == 1 with Q indefinite on the constraint's directions: the KKT point is a saddle."""
    s = solve("min x^T Q x st sum(x) == 1", {"Q": np.array([[1.0, 2.0], [2.0, -1.0]])}, where={"x": "2"})
    assert np.allclose(s["x"], [0.75, 0.25])
    assert "saddle" in s.report["convexity"] and "not checked" in s.report["convexity"]


def test_missing_size_is_an_error():
    with pytest.raises(ProblemError, match="not fixed by the data"):
        solve("min_{x} ||x||^2", {}, wrt=["x"])
    with pytest.raises(ProblemError, match="the data has z, which the problem does not use"):
        solve("min_{x} ||x||^2", {"z": np.ones(3)}, wrt=["x"])


KATEX_CASES = [
    ("min ||x||^2 st A x == b", None),
    ("min 1/2 x^T Q x + c^T x st A x == b, B x == d", {"Q": "n x n symmetric", "c": "n"}),
    ("max x^T A x st x^T x == 1", {"A": "n x n symmetric"}),
    ("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": "n x n symmetric"}),
    ("min_x 1/2 ||A x - b||^2 + λ ||x||_1", None),
    ("min_x ||A x - b||^2 + sum(abs(x - z))", None),
    ("max c^T log(h) st h >= 0, sum(h) == 1", None),
    ("min 1/2 ||A x - b||^2 + λ/2 ||x||^2", None),
    ("min_{w, b} 1/2 ||w||^2 st y .* (X w + b 1) >= 1", None),
]


def test_kkt_latex_renders_with_katex():
    from test_katex import render
    strings = [kkt(p, where=w, check=False).latex() for p, w in KATEX_CASES]
    bad = [(s, r["error"]) for s, r in zip(strings, render(strings)) if not r["ok"]]
    assert not bad, bad


def test_matrix_variable_and_a_nonlinear_constraint():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(8, 4)), rng.normal(size=(8, 3))
    s = solve("min ||A X - B||_F^2 st X >= 0", {"A": A, "B": B})       # a Hessian block I ⊗ 2AᵀA
    assert_solved(s)
    ref = np.column_stack([scipy_optimize.nnls(A, B[:, j])[0] for j in range(3)])
    assert s["X"].shape == (4, 3) and np.max(np.abs(s["X"] - ref)) < 1e-6
    s = solve("min_{x} ||x - b||^2 st x^T x <= 1", {"b": np.full(5, 3.0)})   # projection onto the ball
    assert_solved(s)
    assert np.max(np.abs(s["x"] - np.full(5, 5 ** -0.5))) < 1e-6
    assert "local" in s.report["convexity"]


# ---- the data a newcomer gives: names checked, scalars read as scalars (audit of issue 17) -----------
def test_a_name_missing_from_the_data_is_an_error_not_a_second_variable(data):
    A, b, _ = data
    with pytest.raises(matcalc.MatcalcError, match=r"b has no value in the data \(given: A\)"):
        solve("min ||A x - b||^2 st x >= 0", {"A": A})
    r = CliRunner().invoke(main, ["solve", "min ||A x - b||^2 st x >= 0", "--data", json.dumps({"A": A.tolist()})])
    assert r.exit_code == 2 and "b has no value in the data" in r.output and "Traceback" not in r.output
    # several variables are named, and then solved for together
    s = solve("min_{x, t} ||A x + t 1 - b||^2", {"A": A, "b": b}, where={"t": "scalar"})
    assert set(s.solution) == {"x", "t"}


def test_a_name_the_problem_does_not_use_is_an_error(data):
    A, b, _ = data
    with pytest.raises(matcalc.MatcalcError, match=r"the data has bb, which the problem does not use "
                                                   r"\(its names: A, b, x\)"):
        solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": b, "bb": b})
    r = CliRunner().invoke(main, ["solve", "min ||A x - b||^2", "--data",
                                  json.dumps({"A": A.tolist(), "b": b.tolist(), "q": 3})])
    assert r.exit_code == 2 and "the data has q" in r.output and "Traceback" not in r.output
    s = solve("min 1/2 ||A x - b||^2 + lambda ||x||_1", {"A": A, "b": b, "λ": 3.0})     # a Greek spelling
    assert_solved(s)


def test_a_scalar_value_makes_its_name_a_scalar(data):
    """The SVM dual as the README writes it for kkt: c undeclared, given as a number."""
    X, _, rng = data
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=40) > 0, 1.0, -1.0)
    problem = "min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0"
    s = solve(problem, {"K": X @ X.T, "y": y, "c": 1.0}, where={"K": "n x n symmetric"})
    ref = solve(problem, {"K": X @ X.T, "y": y, "c": 1.0}, where={"K": "n x n symmetric", "c": "scalar"})
    assert_solved(s)
    assert np.max(np.abs(s["a"] - ref["a"])) < 1e-9 and np.max(s["a"]) <= 1.0 + 1e-9


def test_a_greek_name_declared_in_another_spelling_is_declared_once(data):
    A, b, _ = data
    s = solve("min 1/2 ||A x - b||^2 + λ ||x||_1", {"A": A, "b": b, "lambda": 3.0}, where={"lambda": "scalar"})
    assert_solved(s)
    assert kkt("min_x 1/2 ||A x - b||^2 + λ ||x||_1", where={"lambda": "scalar"}).problem.variables


@pytest.mark.parametrize("problem, message, caret", [
    ("min ||x||^2 st A x == B", "the two sides of 'A x == B' differ in shape: A x is a vector of length m, "
                                "B is a ", "               ^^^^^^^^"),
    ("min ||x||^2 st x^T A == b", "the two sides of 'x^T A == b' differ in shape: x^T A is a row vector 1×",
     "               ^^^^^^^^^^"),
])
def test_a_constraint_whose_sides_differ_in_shape_points_at_it(problem, message, caret):
    with pytest.raises(matcalc.MatcalcError, match=re.escape(message)) as e:
        kkt(problem)
    assert e.value.caret().split("\n") == [problem, caret]
    r = CliRunner().invoke(main, ["kkt", problem])
    assert r.exit_code == 2 and r.output.startswith(problem + "\n" + caret + "\n") and "Traceback" not in r.output


def test_the_svm_primal_as_the_textbook_writes_it():
    """min_{w,b} ½‖w‖² st yᵢ(wᵀxᵢ + b) ≥ 1, b written with the ones vector and undeclared: b 1 is a scalar
    times the ones vector (nobody multiplies a vector by the number 1), so ∇_b L = −λᵀy, Σ λᵢ yᵢ = 0."""
    k = kkt("min_{w, b} 1/2 ||w||^2 st y .* (X w + b 1) >= 1")
    assert k.as_dict()["variables"] == {"w": "vector n", "b": "scalar"}
    grads = dict((v.name, r.expr) for v, r in k.stationarity)
    where = {"X": "m x n", "y": "m", "w": "n", "lambda": "m", "b": "scalar"}
    assert same_value(grads["w"], "w - X^T (lambda .* y)", where)      # w = Σ λᵢ yᵢ xᵢ
    assert same_value(grads["b"], "-(lambda^T y)", where)
    soft = kkt("min_{w, b, xi} 1/2 ||w||^2 + c sum(xi) st y .* (X w + b 1) >= 1 - xi, xi >= 0").as_dict()
    assert soft["variables"]["b"] == "scalar" and soft["stationarity"]["xi"] == "c vector(1) - (lambda_1 + lambda_2)"
    parsed = parse_full("y - X w - b 1")
    assert parsed.names["b"].is_scalar and parse_full("X w + t 1").names["t"].is_scalar


def test_kkt_steps_in_every_format():
    """kkt --steps: how each ∇ₓL = 0 is derived (the gradient's own steps, f = L), in text, LaTeX and JSON."""
    k = kkt("min_{w, b} 1/2 ||w||^2 st y .* (X w + b 1) >= 1")
    text = k.steps_text()
    assert text.startswith("steps of ∇_w L (f = L):\ndf = ") and "\n\nsteps of ∇_b L (f = L):\ndf = " in text
    assert "[identification: df = tr(Mᵀ dw) ⇒ ∂f/∂w = M]" in text
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == b", "--steps"])
    assert r.exit_code == 0 and r.output.startswith("steps of ∇_x L (f = L):\ndf = ")
    assert "\nclosed form: x = A^T (A A^T)^-1 b\n" in r.output
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == b", "--steps", "--format", "json"])
    steps = json.loads(r.output)["steps"]["x"]
    assert steps[-1]["rule"].startswith("identification") and steps[-1]["text"] == "df = (A^T nu + 2 x)^T dx"
    assert "steps" not in kkt("min ||x||^2 st A x == b", check=False).as_dict()
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == b", "--steps", "--format", "latex"])
    assert r.exit_code == 0 and r.output.startswith("% steps of \\nabla_{x} L (f = L):\n\\begin{aligned}")
    assert "\n% the KKT conditions:\n\\begin{aligned}" in r.output


def test_kkt_steps_latex_renders_with_katex():
    from test_katex import render
    blocks = [b for p, w in KATEX_CASES for b in kkt(p, where=w, check=False).steps_latex().split("\n% ")]
    strings = ["\n".join(line for line in b.split("\n") if not line.startswith(("%", "steps of"))) for b in blocks]
    bad = [(s, r["error"]) for s, r in zip(strings, render(strings)) if not r["ok"]]
    assert not bad, bad


def test_the_largest_entry_is_refused_with_its_smooth_rewrite():
    """max(x) is not smooth: refused with a clear message (exit 2, caret) that gives the epigraph form,
    and that form solves (the Chebyshev fit, against SciPy's linear program)."""
    for command in (["kkt", "min max(x)"], ["grad", "sum(max(X))", "--wrt", "X"]):
        r = CliRunner().invoke(main, command)
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert "is not smooth" in r.output and "min_{x, t} t st x <= t 1" in r.output and "^^^^^^" in r.output
    rng = np.random.default_rng(5)
    A, b = rng.normal(size=(20, 4)), rng.normal(size=20)
    s = solve("min_{x, t} t st A x - b <= t 1, b - A x <= t 1", {"A": A, "b": b})
    assert_solved(s)
    ones = np.ones((20, 1))
    lp = scipy_optimize.linprog(np.r_[np.zeros(4), 1.0], A_ub=np.block([[A, -ones], [-A, -ones]]), b_ub=np.r_[b, -b],
                                bounds=[(None, None)] * 5, method="highs")
    assert abs(s["t"] - lp.fun) < 1e-6 and np.max(np.abs(A @ s["x"] - b)) <= lp.fun + 1e-6


def test_the_soft_margin_svm_with_an_upper_case_c():
    """Bishop's and Vapnik's C Σ ξᵢ: C undeclared is a matrix (upper-case), and the error says to declare
    it; declared, the soft-margin primal's conditions are the textbook's (C − λᵢ − μᵢ = 0)."""
    problem = "min_{w, b, xi} 1/2 ||w||^2 + C sum(xi) st y .* (X w + b 1) >= 1 - xi, xi >= 0"
    with pytest.raises(matcalc.MatcalcError, match=r"C is read as a matrix \(an upper-case name\): if it is a "
                                                   r"number, declare it \('C: scalar'\)"):
        kkt(problem)
    d = kkt(problem, where={"C": "scalar"}).as_dict()
    assert d["stationarity"]["xi"] == "C vector(1) - (lambda_1 + lambda_2)" and d["variables"]["b"] == "scalar"


def test_the_rayleigh_quotient_solves_to_the_extreme_eigenvalues():
    """From x = 0 the constraint xᵀx = 1 has a zero Jacobian and the solver stopped at once (status
    'stopped', exit 1); the start now moves off such a point. min/max give λ_min/λ_max, honestly local."""
    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    A = A + A.T
    lam = np.linalg.eigvalsh(A)
    for sense, want in (("min", lam[0]), ("max", lam[-1])):
        s = solve(f"{sense} x^T A x st x^T x == 1", {"A": A})
        assert_solved(s)
        assert abs(s.report["objective"] - want) < 1e-6 and abs(s["x"] @ s["x"] - 1) < 1e-8
        assert np.allclose(A @ s["x"], want * s["x"], atol=1e-5)
        assert s.report["convexity"].startswith("not convex") and "local" in s.report["convexity"]


@pytest.mark.parametrize("problem, lagrangian", [
    ("min ||x||^2 st A x == b", "||x||^2 + nu^T (A x - b)"),
    ("min x^T A x st x^T x == 1", "x^T A x + nu (x^T x - 1)"),
    ("min_{w, b} 1/2 ||w||^2 st y .* (X w + b 1) >= 1", "1/2 ||w||^2 + lambda^T (1 - y .* (X w + b vector(1)))"),
    ("min 1/2 x^T Q x + c^T x st A x == b, B x == d", "1/2 x^T Q x + c^T x + nu_1^T (A x - b) + nu_2^T (B x - d)"),
])
def test_the_lagrangian_is_written_as_the_textbooks_do(problem, lagrangian):
    """L = f + Σ⟨λᵢ, gᵢ⟩ + Σ⟨νⱼ, hⱼ⟩ in that order, each constraint as typed (it printed the canonical
    order: nu^T (A x - b) + ||x||^2, nu (-1 + x^T x)); the derivatives are still taken of the simplified L."""
    k = kkt(problem, check=False)
    assert k.as_dict()["lagrangian"] == lagrangian and f"Lagrangian: L = {lagrangian}\n" in k.text()
    assert same_value(k.shown_lagrangian, str(k.lagrangian), {v.name: declaration(v) for v in E.nodes(k.lagrangian)
                                                              if isinstance(v, E.Var)})


def test_data_from_npy_files_one_per_name(tmp_path, data):
    """--data A.npy --data b.npy (each file names its array), mixed with JSON; in the CLI and the module."""
    A, b, _ = data
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "b.npy", b)
    ref = scipy_optimize.nnls(A, b)[0]
    problem = "min ||A x - b||^2 st x >= 0"
    for args in (["--data", str(tmp_path / "A.npy"), "--data", str(tmp_path / "b.npy")],
                 ["--data", str(tmp_path / "A.npy"), "--data", json.dumps({"b": b.tolist()})]):
        r = CliRunner().invoke(main, ["solve", problem, *args, "--format", "json"])
        assert r.exit_code == 0, r.output
        assert np.max(np.abs(np.array(json.loads(r.output)["solution"]["x"]) - ref)) < 1e-6
    s = solve(problem, [str(tmp_path / "A.npy"), {"b": b}])
    assert np.max(np.abs(s["x"] - ref)) < 1e-6
    for args, message in ((["--data", str(tmp_path / "A.npy"), "--data", str(tmp_path / "A.npy")], "A is given twice"),
                          (["--data", str(tmp_path / "nope.npy")], "cannot read")):
        r = CliRunner().invoke(main, ["solve", problem, *args])
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
    module = tmp_path / "nnls.py"
    module.write_text(matcalc.optimize.solver_code(problem), encoding="utf-8")
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(module), "--data", str(tmp_path / "A.npy"), "--data",
                          str(tmp_path / "b.npy"), "--format", "json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert np.max(np.abs(np.array(json.loads(out.stdout)["solution"]["x"]) - ref)) < 1e-6


def test_the_closed_forms_solve_their_kkt_systems():
    """The printed closed forms, evaluated: least norm is the pseudo-inverse solution, the equality QP's
    solves the block system [[Q, Aᵀ], [A, 0]] [x; ν] = [-c; b] (NumPy's solve)."""
    rng = np.random.default_rng(11)
    A, b = rng.normal(size=(3, 6)), rng.normal(size=3)
    x = kkt("min ||x||^2 st A x == b", check=False).linear["closed form"][-1]
    env = {v: {"A": A, "b": b.reshape(-1, 1)}[v.name] for v in x.free if isinstance(v, E.Var)}
    assert np.allclose(evaluate(x, env, {"m": 3, "n": 6}).ravel(), np.linalg.pinv(A) @ b)
    Q = rng.normal(size=(6, 6))
    Q = Q @ Q.T + np.eye(6)
    c = rng.normal(size=6)
    x = kkt("min 1/2 x^T Q x + c^T x st A x == b", where={"Q": "n x n symmetric", "c": "n"},
            check=False).linear["closed form"][-1]
    env = {v: {"A": A, "b": b.reshape(-1, 1), "Q": Q, "c": c.reshape(-1, 1)}[v.name] for v in x.free
           if isinstance(v, E.Var)}
    block = np.block([[Q, A.T], [A, np.zeros((3, 3))]])
    want = np.linalg.solve(block, np.r_[-c, b])[:6]
    assert np.allclose(evaluate(x, env, {"m": 3, "n": 6}).ravel(), want)


def test_an_error_inside_a_constraint_quotes_the_constraint_as_typed():
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x == foo(x)"])
    assert r.exit_code == 2 and "in 'A x == foo(x)': unknown function 'foo'" in r.output
    assert "                      ^^^" in r.output and "(A x) - (" not in r.output
    r = CliRunner().invoke(main, ["kkt", "min ||x||^2 st A x => b"])
    assert r.exit_code == 2 and r.output.startswith("min ||x||^2 st A x => b\n                   ^^\n")


def test_progress_lines_name_the_iteration_objective_and_stationarity(monkeypatch, capsys, data):
    """--progress on an L-BFGS-B run (bounds only) says which iteration, as trust-constr's lines do; it
    printed 'L-BFGS-B: objective …' alone."""
    from matcalc.optimize import driver
    every_line = driver.Progress           # at most a line a second would print none in a short test
    monkeypatch.setattr(driver, "Progress", lambda enabled: every_line(enabled, every=0.0))
    A, b, _ = data
    s = solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": b}, progress=True, method="L-BFGS-B")
    assert s.report["method"] == "L-BFGS-B"
    lines = capsys.readouterr().err.rstrip().split("\n")
    assert re.fullmatch(r"  L-BFGS-B iteration 1: objective \S+, stationarity \S+", lines[0]), lines
    assert len(lines) == s.report["iterations"]
    s = solve("min ||A x - b||^2 st x >= 0", {"A": A, "b": b}, progress=True)       # auto: Newton's method
    assert s.report["method"] == "newton"
    lines = capsys.readouterr().err.rstrip().split("\n")
    assert re.fullmatch(r"  Newton iteration 1: objective \S+, stationarity \S+", lines[0]), lines
    assert len(lines) == s.report["iterations"]



def test_an_unconstrained_quadratic_brackets_its_hessian():
    """Ridge: (AᵀA + λI) x = Aᵀb — it printed 'A^T A + λ I x = A^T b', which reads as AᵀA + λ x."""
    k = kkt("min 1/2 ||A x - b||^2 + λ/2 ||x||^2", check=False)
    text = k.text()
    assert "block system: (A^T A + λ I) x = A^T b\n" in text
    assert "closed form: x = (A^T A + λ I)^-1 A^T b\n" in text and "exists when: A^T A + λ I is invertible" in text
    assert r"\left(A^{\top} A + \lambda I\right)" in k.latex()


@pytest.mark.parametrize("problem, caret", [
    ("min ||x||^2 st", "            ^^"),
    ("min ||x||^2 s.t. ", "            ^^^^"),
    ("min st x >= 0", "^^^"),
    ("min ||x||^2 st A x < b", "               ^^^^^^^"),
    ("min ||x||^2 st 0 <= x >= 1", "               ^^^^^^^^^^^"),
])
def test_a_malformed_problem_points_at_the_part(problem, caret):
    r = CliRunner().invoke(main, ["kkt", problem])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.split("\n")[:2] == [problem, caret], r.output


def test_which_name_is_missing_when_several_have_no_value():
    """The SVM dual without c: c is missing (a is the bounded variable; a <= c bounds neither); two names
    each bounded by a constant are both variables."""
    K, y = np.eye(2), np.array([1.0, -1.0])
    with pytest.raises(ProblemError, match=r"^c has no value in the data \(given: K, y\)"):
        solve("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": K, "y": y})
    with pytest.raises(ProblemError, match=r"^z has no value in the data"):
        solve("min ||x - z||^2 st x >= z", {})
    s = solve("min ||A x - B y||^2 + ||x||^2 + ||y||^2 st x >= 0, y >= 0", {"A": np.eye(2), "B": np.eye(2)})
    assert set(s.solution) == {"x", "y"} and s.report["status"] == "optimal"


@pytest.mark.parametrize("text", ["||x||_inf", "||x||_∞", r"\|x\|_\infty", r"||A x - b||_{\infty}", "||x||_{inf}",
                                  "||x||_max^2", "||x||_oo"])
def test_the_infinity_norm_is_refused_with_its_smooth_rewrite(text):
    """||x||_∞ = max |x_i| is not smooth: refused by name with a caret (it was 'unexpected character _', and
    ||x||_{inf} read as a norm weighted by the letters i n f)."""
    for command in (["grad", text, "--wrt", "x"], ["kkt", f"min {text}"]):
        r = CliRunner().invoke(main, command)
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        assert "the ∞-norm" in r.output and "is not smooth" in r.output and "^" in r.output, r.output


def test_the_infinity_norms_epigraph_form_is_read():
    """The form the refusal offers, min_{x, t} t st -t 1 <= x <= t 1, is a problem kkt reads (the Chebyshev
    fit above is the same form with A x - b)."""
    r = CliRunner().invoke(main, ["kkt", "min_{x, t} t st -t 1 <= x - c <= t 1"])
    assert r.exit_code == 0, r.output
