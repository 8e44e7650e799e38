"""The worked examples of issues 17 and 20 as the docs print them: every `$ matcalc …` example in
docs/batched.md and in the README's batched-models and constrained-problems sections is run, and each
line it shows (but the numerical check's figures, which depend on the machine) is in the output — a
doc that drifts from the program fails here. And standardisation, the one layer the other tests did not
check, against NumPy and finite differences."""
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from matcalc.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _examples(path, sections=None):
    text = (ROOT / path).read_text(encoding="utf-8")
    if sections:
        parts = re.split(r"\n(?=## )", text)
        text = "\n".join(p for p in parts if p.split("\n", 1)[0].strip("# ") in sections)
    lines, out = text.split("\n"), []
    for i, line in enumerate(lines):
        if line.startswith("$ matcalc ") and "…" not in line and "--data" not in line:
            shown = []
            for follow in lines[i + 1:]:
                if follow.startswith(("$ ", "```", "matcalc ")):
                    break
                shown.append(follow)
            out.append(pytest.param(line[2:].split("  #")[0], shown, id=f"{path}:{i + 1}"))
    return out


EXAMPLES = (_examples("docs/batched.md")
            + _examples("README.md", sections=("Batched models", "Constrained problems")))


def _plain(line):
    """The docs write the ones vector 1 where the program prints vector(1)."""
    return line.replace("vector(1)", "1").rstrip()


@pytest.mark.parametrize("command, shown", EXAMPLES)
def test_the_docs_examples_print_what_they_show(command, shown):
    r = CliRunner().invoke(main, shlex.split(command)[1:])
    assert r.exit_code == 0, r.output
    printed = {_plain(line).strip() for line in r.output.split("\n")}
    for line in shown:
        if line.strip() and "numerically" not in line and "numerical check" not in line:
            assert _plain(line).strip() in printed, (command, line, r.output)


def test_there_are_examples_for_every_layer():
    commands = " ".join(c.values[0] for c in EXAMPLES)
    for wrt in ("Q", "K", "V", "Wq", "Wk", "Wv"):
        assert f"--wrt {wrt} " in commands + " "
    for text in ("mean_rows(X)", "mean_cols(X)", "gauss-newton", "hessian", "onehot", "b1^T", "kkt"):
        assert text in commands


def test_standardisation_against_numpy():
    from test_batched import gradient_matches
    rng = np.random.default_rng(17)
    X, G = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))

    def reference(X, G):
        return np.sum(G * ((X - X.mean(axis=0)) / X.std(axis=0)))
    r = gradient_matches("tr(G^T ((X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X)))))", "X",
                         {"X": "n x p", "G": "n x p"}, {"X": X, "G": G}, reference)
    S = (X - X.mean(axis=0)) / X.std(axis=0)        # the textbook form, (G − mean(G) − X̂ ⊙ mean(G ⊙ X̂)) / σ
    want = (G - G.mean(axis=0) - S * (G * S).mean(axis=0)) / X.std(axis=0)
    assert np.allclose(r.to_numpy()(X=X, G=G), want, atol=1e-10)


def test_the_standardisation_check_passes_from_the_command_line():
    """At seed 0 the check first draws 2 samples, where standardising gives ±1 whatever X is (f is flat,
    the differences are noise): it draws the sizes again instead of ending inconclusive."""
    r = CliRunner().invoke(main, ["grad", "tr(G^T ((X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X)))))", "--wrt", "X"])
    assert r.exit_code == 0 and "numerical check passed" in r.output and "inconclusive" not in r.output, r.output


def test_kkt_solve_and_a_batched_gradient_in_a_notebook():
    """In a real kernel: kkt shows its aligned conditions and checks, solve its solution and report (not an
    object's address), a batched gradient its equation; a bad constraint is a clean error with a caret."""
    from test_display import _notebook_tools
    nbformat, nbclient = _notebook_tools()
    cells = ['import numpy as np, matcalc\nmatcalc.kkt("min ||x||^2 st A x == b")',
             'matcalc.solve("min ||A x - b||^2 st x >= 0", {"A": np.eye(3), "b": np.array([1.0, -1.0, 2.0])})',
             'matcalc.grad("-sum(Y .* log(softmax(X W)))", "W", where={"Y": "n x c onehot"})',
             'matcalc.kkt("min ||x||^2 st A x == B")']
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [cell.outputs for cell in nb.cells]
    shown = [[o for o in cell if o.output_type == "execute_result"] for cell in outputs]
    assert all(len(s) == 1 for s in shown[:3]) and not shown[3]
    kkt_md = shown[0][0].data["text/markdown"]
    assert r"\text{closed form: } & x =  A^{\top} \left(A A^{\top}\right)^{-1} b" in kkt_md
    assert "∇_x L: numerical check passed" in kkt_md
    assert "x = [1. 0. 2.]" in shown[1][0].data["text/html"] and "status: optimal" in shown[1][0].data["text/plain"]
    assert r"X^{\top} \left(\operatorname{softmax}_{\text{row}}" in shown[2][0].data["text/markdown"]
    error, = [o for o in outputs[3] if o.output_type == "error"]
    trace = "\n".join(error.traceback)
    assert "the two sides of 'A x == B' differ in shape" in trace and "^^^^^^^^" in trace
    assert not re.search(r"guarded|budgeted|stack\.py|File ", trace), trace


def test_a_column_beside_a_matrix_says_how_to_broadcast_it():
    """X W + b (NumPy's X @ W + b) is refused — matcalc does not guess the direction — and the error gives
    both spellings; the row spelling X W + b^T is read with a note, as docs/batched.md says."""
    r = CliRunner().invoke(main, ["grad", "sum(tanh(X W + b))", "--wrt", "b"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "to add the row b^T to every row of the matrix write b^T or 1 b^T" in r.output
    assert "to add b to every column b 1^T" in r.output and "         ^^^^^^^" in r.output
    assert "write (1/x)^T or 1 (1/x)^T" in CliRunner().invoke(main, ["parse", "1/x + A"]).output
    r = CliRunner().invoke(main, ["grad", "sum(tanh(X W + b^T))", "--wrt", "b"])
    assert r.exit_code == 0 and "note: broadcast: the row b^T goes with every row of the matrix" in r.output


def test_undeclared_labels_get_the_onehot_hint():
    """−sum(Y ⊙ log softmax(X W)) with Y undeclared keeps its row sums Y 1 (right for any Y); a note says
    that declaring Y onehot gives the textbook's Xᵀ(S − Y). Declared, or without row sums, no note."""
    import matcalc
    r = matcalc.grad("-sum(Y .* log(softmax(X W)))", "W", where={"X": "n x p", "W": "p x c", "Y": "n x c"})
    assert "declare it ('Y: n x c onehot'), so that Y 1 = 1 shortens the answer" in " ".join(r.notes)
    r = matcalc.grad("-sum(Y .* log(softmax(X W)))", "W", where={"Y": "n x c onehot"})
    assert str(r) == "X^T (softmax_rows(X W) - Y)" and not [n for n in r.notes if "one-hot label" in n]
    r = matcalc.grad("sum(logsumexp(X W)) - sum(Y .* (X W))", "W")
    assert not [n for n in r.notes if "one-hot label" in n]


# ---- the problem families of issue 17, as the README lists them ---------------------------------------
def _families():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r'^matcalc solve "([^"]+)" --data d\.npz\s+# (.+)$', text, flags=re.M)
    return {family.strip(): problem for problem, family in found}


def _family_data(family, rng):
    """The arrays for a family and the reference solution (SciPy or NumPy, never matcalc)."""
    so = pytest.importorskip("scipy.optimize")
    A, b = rng.normal(size=(30, 8)), rng.normal(size=30)
    if family == "non-negative least squares":
        return {"A": A, "b": b}, {"x": so.nnls(A, b)[0]}
    if family == "LASSO":
        lam = 2.0
        split = lambda z: (0.5 * np.sum((A @ (z[:8] - z[8:]) - b) ** 2) + lam * z.sum(),      # noqa: E731
                           np.r_[A.T @ (A @ (z[:8] - z[8:]) - b) + lam, -A.T @ (A @ (z[:8] - z[8:]) - b) + lam])
        z = so.minimize(split, np.ones(16), jac=True, method="L-BFGS-B", bounds=[(0, None)] * 16,
                        options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 20000}).x
        return {"A": A, "b": b, "λ": lam}, {"x": z[:8] - z[8:]}
    if family == "basis pursuit":
        M = rng.normal(size=(4, 8))
        x0 = np.zeros(8)
        x0[[1, 5]] = [1.5, -2.0]
        lp = so.linprog(np.ones(16), A_eq=np.hstack([M, -M]), b_eq=M @ x0, bounds=[(0, None)] * 16, method="highs")
        return {"A": M, "b": M @ x0}, {"x": lp.x[:8] - lp.x[8:]}
    X = rng.normal(size=(30, 3))
    y = np.where(X @ np.array([1.0, -2.0, 0.5]) + 0.3 > 0, 1.0, -1.0)
    if family == "SVM dual":
        Q = y[:, None] * (X @ X.T) * y[None, :]
        a = so.minimize(lambda a: (0.5 * a @ Q @ a - a.sum(), Q @ a - 1), np.full(30, 0.5), jac=True, method="SLSQP",
                        bounds=[(0, 1.0)] * 30, constraints=[{"type": "eq", "fun": lambda a: y @ a, "jac": lambda a: y}],
                        options={"ftol": 1e-15, "maxiter": 1000}).x
        return {"K": X @ X.T, "y": y, "c": 1.0}, {"objective": 0.5 * a @ Q @ a - a.sum()}
    if family == "SVM primal":
        cons = {"type": "ineq", "fun": lambda z: y * (X @ z[:3] + z[3]) - 1,
                "jac": lambda z: np.c_[y[:, None] * X, y]}
        z = so.minimize(lambda z: (0.5 * z[:3] @ z[:3], np.r_[z[:3], 0.0]), np.zeros(4), jac=True, method="SLSQP",
                        constraints=[cons], options={"ftol": 1e-15, "maxiter": 1000}).x
        return {"X": X, "y": y}, {"w": z[:3], "b": z[3]}
    if family == "simplex-constrained MLE":
        counts = np.array([1.0, 6, 7, 3, 8])
        return {"c": counts}, {"h": counts / counts.sum()}
    if family == "ridge regression":
        return {"A": A, "b": b, "μ": 0.5}, {"w": np.linalg.solve(A.T @ A + 0.5 * np.eye(8), A.T @ b)}
    if family == "logistic regression":
        f = lambda w: (np.sum(np.logaddexp(0, -y * (X @ w))) + 0.5 * w @ w,                   # noqa: E731
                       -X.T @ (y / (1 + np.exp(y * (X @ w)))) + w)
        return {"X": X, "y": y}, {"w": so.minimize(f, np.zeros(3), jac=True, method="BFGS", options={"gtol": 1e-12}).x}
    raise AssertionError(f"no reference for the family {family!r}")


def test_the_readme_lists_every_family():
    assert set(_families()) == {"non-negative least squares", "LASSO", "basis pursuit", "SVM dual", "SVM primal",
                                "simplex-constrained MLE", "ridge regression", "logistic regression"}


@pytest.mark.parametrize("family", sorted(_families()))
def test_each_family_solves_from_the_command_line_as_the_readme_writes_it(family, tmp_path):
    import json
    data, want = _family_data(family, np.random.default_rng(17))
    np.savez(tmp_path / "d.npz", **data)
    r = CliRunner().invoke(main, ["solve", _families()[family], "--data", str(tmp_path / "d.npz"), "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["report"]["status"] == "optimal", out["report"]
    for name, value in want.items():
        got = out["report"]["objective"] if name == "objective" else out["solution"][name]
        assert np.max(np.abs(np.asarray(got) - value)) < 1e-6, (family, name, got, value)
