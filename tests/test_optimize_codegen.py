"""`codegen --solver`: the emitted module runs standalone (`python file.py --data …`, and as an
import) without matcalc, and its solutions match independent references to 1e-6 on the families of
issue 17: NNLS, LASSO by the 1-norm rewrite, the SVM dual, the simplex-constrained MLE."""
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from matcalc.cli import main
from matcalc.optimize import solver_code

scipy_optimize = pytest.importorskip("scipy.optimize")

# runs a module with matcalc unimportable: the emitted code must not need it
WITHOUT_MATCALC = ("import runpy, sys; sys.modules['matcalc'] = None; sys.argv = sys.argv[1:]; "
                   "runpy.run_path(sys.argv[0], run_name='__main__')")


def emitted(tmp_path, problem, data, where=None, wrt=None, args=()):
    """(solution, report) of the emitted module run as a script on data saved as .npz."""
    path = tmp_path / "solver.py"
    path.write_text(solver_code(problem, where, wrt), encoding="utf-8")
    np.savez(tmp_path / "data.npz", **data)
    r = subprocess.run([sys.executable, "-c", WITHOUT_MATCALC, str(path), "--data", str(tmp_path / "data.npz"),
                        "--format", "json", *args], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    return {k: np.asarray(v) for k, v in out["solution"].items()}, out["report"], r.stderr


def assert_optimal(report):
    assert report["status"] == "optimal", report
    res = report["kkt_residuals"]
    assert res["stationarity"] <= 1e-6 * max(1, abs(report["objective"]))
    assert res["primal_violation"] <= 1e-8 and res["complementary_slackness"] <= 1e-6


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    return rng.normal(size=(40, 12)), rng.normal(size=40), rng


def test_nnls_module_matches_scipy_nnls(tmp_path, data):
    A, b, _ = data
    sol, report, _ = emitted(tmp_path, "min ||A x - b||^2 st x >= 0", {"A": A, "b": b})
    assert_optimal(report)
    assert np.max(np.abs(sol["x"] - scipy_optimize.nnls(A, b)[0])) < 1e-6
    assert report["convexity"].startswith("convex")


def test_lasso_module_by_the_one_norm_rewrite(tmp_path, data):
    A, b, _ = data
    lam = 3.0
    # "lambda" spells λ in the data, as for matcalc solve
    sol, report, _ = emitted(tmp_path, "min 1/2 ||A x - b||^2 + λ ||x||_1", {"A": A, "b": b, "lambda": lam})
    assert_optimal(report)
    assert set(sol) == {"x"} and any("rewrite" in n for n in report["notes"])

    def split(z):          # the reference: the split written by hand, L-BFGS-B on the box
        r = A @ (z[:12] - z[12:]) - b
        g = A.T @ r
        return 0.5 * r @ r + lam * z.sum(), np.concatenate([g + lam, -g + lam])
    ref = scipy_optimize.minimize(split, np.ones(24), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 24,
                                  options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 20000}).x
    assert np.max(np.abs(sol["x"] - (ref[:12] - ref[12:]))) < 1e-6


def test_svm_dual_module(tmp_path, data):
    X, _, rng = data
    y = np.where(X[:, 0] + 0.3 * rng.normal(size=40) > 0, 1.0, -1.0)
    K, c = X @ X.T, 1.0
    sol, report, _ = emitted(tmp_path, "min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0",
                             {"K": K, "y": y, "c": c}, where={"K": "n x n symmetric", "c": "scalar"})
    assert_optimal(report)
    Q = (y[:, None] * K) * y[None, :]
    objective = lambda a: 0.5 * a @ Q @ a - a.sum()
    ref = scipy_optimize.minimize(lambda a: (objective(a), Q @ a - 1), np.full(40, 0.5), jac=True, method="SLSQP",
                                  bounds=[(0, c)] * 40, constraints=[{"type": "eq", "fun": lambda a: y @ a,
                                                                      "jac": lambda a: y}],
                                  options={"ftol": 1e-15, "maxiter": 1000}).x
    a = sol["a"]
    assert np.all(a >= -1e-12) and np.all(a <= c + 1e-12) and abs(y @ a) < 1e-8
    assert report["objective"] == pytest.approx(objective(a), abs=1e-9)
    assert report["objective"] <= objective(ref) + 1e-7 and report["objective"] == pytest.approx(objective(ref), abs=1e-6)


@pytest.mark.parametrize("method", ["auto", "augmented-lagrangian"])
def test_simplex_mle_module_as_an_import(tmp_path, method):
    counts = np.array([1.0, 6, 7, 3, 8, 6, 4, 1])
    path = tmp_path / "mle.py"
    path.write_text(solver_code("max c^T log(h) st h >= 0, sum(h) == 1"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("mle_solver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sol, report = module.solve({"c": counts}, method=method)
    assert_optimal(report)
    assert np.max(np.abs(sol["h"] - counts / counts.sum())) < 1e-6
    assert report["objective"] == pytest.approx(counts @ np.log(counts / counts.sum()), rel=1e-9)


def test_module_and_solve_agree_and_take_several_variables(tmp_path, data):
    import matcalc
    A, b, _ = data
    problem = "min_{x, t} ||A x + t 1 - b||^2 + ||x||^2 st x >= 0"
    sol, report, _ = emitted(tmp_path, problem, {"A": A, "b": b}, where={"t": "scalar"})
    s = matcalc.solve(problem, {"A": A, "b": b}, where={"t": "scalar"})
    assert_optimal(report)
    assert set(sol) == {"x", "t"} and sol["t"].shape == ()
    assert np.max(np.abs(sol["x"] - s["x"])) < 1e-9 and abs(float(sol["t"]) - s["t"]) < 1e-9


def test_progress_goes_to_standard_error(tmp_path, data):
    A, b, _ = data
    path = tmp_path / "solver.py"
    path.write_text(solver_code("min ||A x - b||^2 st x >= 0"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("nnls_solver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = []
    p = module.Progress(True, every=0.0)
    p(lambda: "iteration 1")
    p.enabled = False
    p(lambda: lines.append("evaluated") or "never")
    assert lines == []        # nothing is formatted when progress is off


def test_cli_codegen_solver(tmp_path, data):
    A, b, _ = data
    r = CliRunner().invoke(main, ["codegen", "min ||A x - b||^2 st x >= 0", "--solver"])
    assert r.exit_code == 0, r.output
    assert "import matcalc" not in r.output and "from matcalc" not in r.output
    compile(r.output, "solver.py", "exec")
    r = CliRunner().invoke(main, ["codegen", "min ||A x - b||^2 st x >= 0", "--solver", "--target", "jax"])
    assert r.exit_code == 2 and "--target numpy only" in r.output
    r = CliRunner().invoke(main, ["codegen", "x^T x"])
    assert r.exit_code == 2 and "Missing option '--wrt'" in r.output


def test_wrong_data_is_a_clear_error(tmp_path, data):
    A, b, _ = data
    path = tmp_path / "solver.py"
    path.write_text(solver_code("min ||A x - b||^2 st x >= 0"), encoding="utf-8")
    np.savez(tmp_path / "bad.npz", A=A, b=b[:5])
    r = subprocess.run([sys.executable, str(path), "--data", str(tmp_path / "bad.npz")], capture_output=True,
                       text=True, cwd=tmp_path, timeout=300)
    assert r.returncode == 2 and r.stderr.startswith("error: b has shape"), r.stderr
    for name, bad in (("missing", {"A": A}), ("extra", {"A": A, "b": b, "bb": b}), ("variable", {"A": A, "b": b, "x": b})):
        np.savez(tmp_path / f"{name}.npz", **bad)
        r = subprocess.run([sys.executable, str(path), "--data", str(tmp_path / f"{name}.npz")], capture_output=True,
                           text=True, cwd=tmp_path, timeout=300)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert {"missing": "error: no value for b", "extra": "error: the data has bb, which the problem does not take",
                "variable": "x is solved for"}[name] in r.stderr, r.stderr


# ---- the runtime's exact products ----------------------------------------------------------------------
def runtime_problem(problem, data, where=None):
    from matcalc.optimize import runtime
    from matcalc.optimize.problem import read_problem
    from matcalc.optimize.rewrite import rewrite
    from matcalc.optimize.solver import _data, compiled, plan
    p = rewrite(read_problem(problem, where, None, data_names=list(data)))
    bound, sizes = _data(p, data)
    return runtime.Problem(compiled(*plan(p)), bound, sizes)


def test_hessian_vector_product_is_the_dense_hessian_times_p():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(15, 4)), np.where(rng.random(15) > 0.5, 1.0, -1.0)
    B = rng.normal(size=(2, 3))
    for problem, data, where in (("min sum(log(1 + exp(-y .* (X w)))) + 1/2 ||w||^2", {"X": X, "y": y}, None),
                                 ("min_{W, t} sum(exp(0.1 X W)) + t^2 ||W - B||_F^2 + t^4", {"X": X[:, :2], "B": B},
                                  {"t": "scalar"})):
        prob = runtime_problem(problem, data, where)
        hess, _ = prob.hessian()
        for _ in range(3):
            z, p = 0.3 * rng.normal(size=prob.pack.n), rng.normal(size=prob.pack.n)
            assert np.allclose(prob.hessp(z, p), hess(z) @ p, rtol=1e-10, atol=1e-10)


def test_constraint_products_match_its_jacobian():
    rng = np.random.default_rng(6)
    A = rng.normal(size=(5, 4))
    prob = runtime_problem("min_{x} ||x||^2 st exp(A x) <= 2", {"A": A})
    (c,) = prob.constraints
    z, w, p = 0.1 * rng.normal(size=4), rng.random(5), rng.normal(size=4)
    assert np.allclose(c.vjp(z, w), c.jacobian(z).T @ w)
    h = 1e-6                                     # Σ wᵢ ∇²gᵢ p against central differences of Jᵀw
    fd = (c.jacobian(z + h * p).T @ w - c.jacobian(z - h * p).T @ w) / (2 * h)
    assert np.allclose(c.hessian(z, w) @ p, fd, rtol=1e-6, atol=1e-7)


def test_trust_constr_on_products_only(monkeypatch):
    """Past DENSE_HESSIAN variables trust-constr runs on the exact products (no dense Hessian)."""
    from matcalc.optimize import runtime, solver
    monkeypatch.setattr(runtime, "DENSE_HESSIAN", 3)
    monkeypatch.setattr(solver, "DENSE_HESSIAN", 3)
    solver._cache.clear()
    b = np.linspace(1, 2, 5)
    s = solver.solve("min_{x} ||x - b||^2 st x^T x <= 1", {"b": b}, method="trust-constr")
    solver._cache.clear()
    assert s.report["status"] == "optimal" and s.report["hessian"].startswith("exact Hessian-vector")
    assert np.max(np.abs(s["x"] - b / np.linalg.norm(b))) < 1e-6


def test_the_copied_runtime_files_define_each_name_once():
    """emit.py concatenates them into one module: a helper named twice would silently replace another."""
    import ast
    from pathlib import Path
    from matcalc.optimize import emit
    seen = {}
    for name in emit.RUNTIME:
        tree = ast.parse((Path(emit.__file__).parent / name).read_text(encoding="utf-8"))
        for node in tree.body:
            targets = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else \
                [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            for t in targets:
                assert t not in seen, f"{t} in both {seen[t]} and {name}"
                seen[t] = name


def test_interior_point_with_inequality_rows_matches_slsqp():
    import matcalc
    rng = np.random.default_rng(8)
    A, b, c = rng.normal(size=(4, 7)), rng.normal(size=7) * 3, rng.random(4)
    s = matcalc.solve("min ||x - b||^2 st A x <= c, x >= -1", {"A": A, "b": b, "c": c})
    assert_optimal(s.report)
    assert s.report["method"] == "interior-point"
    ref = scipy_optimize.minimize(lambda x: (np.sum((x - b) ** 2), 2 * (x - b)), np.zeros(7), jac=True,
                                  method="SLSQP", bounds=[(-1, None)] * 7,
                                  constraints=[{"type": "ineq", "fun": lambda x: c - A @ x, "jac": lambda x: -A}],
                                  options={"ftol": 1e-15, "maxiter": 1000}).x
    assert np.max(np.abs(s["x"] - ref)) < 1e-6
    with pytest.raises(matcalc.MatcalcError, match="linear constraints"):
        matcalc.solve("min_{x} ||x - b||^2 st x^T x <= 1", {"b": b}, method="interior-point")
