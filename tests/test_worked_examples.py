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
