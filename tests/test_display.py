"""Rich display in Jupyter (issue 15): every result object shows the equation with its left side, the
named subexpressions, conditions, notes and the check's verdict in its LaTeX, Markdown and HTML reprs;
a MatcalcError shows its message and caret, no frames. The LaTeX reprs render with KaTeX (when it is
installed: see test_katex.py); tests/data/demo.ipynb runs in a real kernel when nbclient is installed."""
import os
import re
from pathlib import Path

import pytest

import matcalc
from matcalc.analysis import at, newton_step, taylor
from matcalc.display import Derivation, Results, text_latex

REQUIRE_ALL = os.environ.get("MATCALC_REQUIRE_ALL") == "1"
ROOT = Path(__file__).resolve().parent.parent


def reprs(obj):
    return obj._repr_latex_(), obj._repr_markdown_(), obj._repr_html_()


def test_a_result_shows_its_left_side_names_conditions_notes_and_verdict():
    r = matcalc.grad("log det X + sum(softmax(X y) .* log(softmax(X y)))", "X")
    latex, md, html = reprs(r)
    for text in (latex, md, html):
        assert r"\frac{\partial f}{\partial X} = " in text
        assert r"\text{where } s = " in text            # the named subexpression
        assert "numerical check passed" in text
    assert r"\text{where det(X) $>$ 0}" in latex or r"\text{where det(X) > 0}" in latex
    assert "- where det(X) > 0" in md
    assert "<li>where det(X) &gt; 0</li>" in html


def test_notes_are_shown_and_an_unchecked_result_has_no_verdict():
    r = matcalc.grad("x^T S x", "S", where={"S": "n x n symmetric"}, check=False)
    latex, md, html = reprs(r)
    assert "note: S is symmetric" in md and "note: S is symmetric" in html
    assert r"\text{note: S is symmetric" in latex
    assert "numerical check" not in md


def test_left_sides_of_every_kind():
    assert matcalc.grad("x^T x", "x", check=False).equation() == "∂f/∂x = 2 x"
    assert matcalc.hessian("x^T x", "x", check=False).equation() == "∂²f/∂x² = 2 I"
    assert matcalc.hessian("x^T y", "x", wrt2="y", check=False).symbol() == "∂²f/∂x∂y"
    assert matcalc.jacobian("A X", "X", check=False).symbol() == "∂vec(F)/∂vec(X)"
    assert matcalc.jacobian("softmax(x)", "x", check=False).symbol(latex=True) == r"\frac{\partial f}{\partial x}"
    assert matcalc.directional("x^T x", "x", "v", check=False).symbol() == "Df(x)[v]"
    assert matcalc.hvp("x^T x", "x", "v", check=False).symbol() == "∇²f(x) v"


def test_a_dict_of_gradients_shows_every_equation():
    d = matcalc.grad("log det X + y^T X y", ["X", "y"])
    assert isinstance(d, Results) and isinstance(d, dict) and set(d) == {"X", "y"}
    md = d._repr_markdown_()
    assert r"\frac{\partial f}{\partial X} = " in md and r"\frac{\partial f}{\partial y} = " in md
    assert md.count("- where det(X) > 0") == 1
    assert "numerical check passed" in md


def test_steps_are_one_aligned_block_with_their_rules():
    steps = matcalc.grad("x^T A x", "x", check=False).steps
    assert isinstance(steps, Derivation) and len(steps) >= 2
    latex = steps._repr_latex_()
    assert latex.startswith("$$") and r"\begin{aligned}" in latex
    assert latex.count("&=") == len(steps) and r"\text{identification" in latex


def test_newton_steps_taylor_models_and_points():
    s = newton_step("1/2 x^T A x - b^T x", "x")
    md = s._repr_markdown_()
    assert r"\Delta x_{\text{Newton}} = -H^{-1} \nabla f = " in md and r"\Delta x_{\text{GD}}" in md
    assert "numerical check passed" in md
    t = taylor("log det X", "X")
    latex = t._repr_latex_()
    assert r"f(X + H) \approx \log\det" in latex and r"\text{where det(X) $>$ 0}" in latex
    assert "where det(X) > 0" in t._repr_markdown_()
    p = at("x^T x + sum(x)", "x", {"x": [1, 2]})
    md = p._repr_markdown_()
    assert r"f(x) = 8\quad\text{at } x = [1, 2]" in md
    assert "- classification: not a critical point" in md and "numerical check passed" in md


def test_prose_in_latex_sets_its_symbols_as_math():
    assert text_latex("H^-1 ∇f, ρ(H) ≥ 2, Xᵀ ⊙ B_1") == r"H$^{-1}$ $\nabla$f, $\rho$(H) $\geq$ 2, X$^\top$ $\odot$ B\_1"


def test_an_error_in_a_notebook_is_its_message_and_caret():
    with pytest.raises(matcalc.MatcalcError) as info:
        matcalc.grad("x^T A + ", "x")
    lines = info.value._render_traceback_()
    assert lines[0].startswith("ParseError: unexpected end of input")
    assert lines[1:] == ["x^T A + ", "       ^"]


def test_the_latex_reprs_render_with_katex():
    from test_katex import failures, render_all, report
    objects = [matcalc.grad("log det X + sum(softmax(X y) .* log(softmax(X y)))", "X"),
               matcalc.grad("x^T S x", "S", where={"S": "n x n symmetric"}),
               matcalc.grad("log det X + y^T X y", ["X", "y"]), matcalc.grad("x^T A x", "x").steps,
               newton_step("1/2 x^T A x - b^T x", "x"), taylor("log det X", "X"),
               at("x^T x + sum(x)", "x", {"x": [1, 2]})]
    labelled = {o._repr_latex_().strip("$").strip(): [type(o).__name__] for o in objects}
    bad = failures(labelled, render_all(labelled))
    assert not bad, report(bad)


# ---- a notebook, run in a real kernel ----------------------------------------------------------
def _notebook_tools():
    try:
        import ipykernel  # noqa: F401
        import nbclient
        import nbformat
    except ImportError as e:
        if REQUIRE_ALL:
            pytest.fail(f"the notebook test needs nbformat, nbclient and ipykernel ({e}); MATCALC_REQUIRE_ALL=1 "
                        "makes a missing tool a failure", pytrace=False)
        pytest.skip(f"the notebook test needs nbformat, nbclient and ipykernel ({e})")
    return nbformat, nbclient


def test_the_demo_notebook_shows_equations_and_clean_errors():
    nbformat, nbclient = _notebook_tools()
    nb = nbformat.read(ROOT / "tests" / "data" / "demo.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [cell.outputs for cell in nb.cells if cell.cell_type == "code"]
    shown = [o for cell in outputs for o in cell if o.output_type == "execute_result"]
    assert len(shown) == len(outputs) - 1, "every cell but the error shows a result"
    for o in shown:
        assert {"text/latex", "text/markdown", "text/html"} <= set(o.data)
    gradient = shown[0].data["text/markdown"]
    assert r"\frac{\partial f}{\partial w} = X^{\top} \left(\sigma" in gradient
    assert "numerical check passed" in gradient
    errors = [o for cell in outputs for o in cell if o.output_type == "error"]
    assert len(errors) == 1
    trace = "\n".join(errors[0].traceback)
    assert "unexpected end of input" in trace and "^" in trace
    assert not re.search(r"guarded|budgeted|stack\.py|File ", trace), trace
