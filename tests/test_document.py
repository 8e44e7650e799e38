"""LaTeX documents for notes (issue 15): a standalone document carries the steps, the result, its
`where`, conditions and notes, compiles with pdflatex, and every line fits an A4 page (no overfull box).

pdflatex comes from the system (apt-get install texlive-latex-base), not from PyPI: without it the
compile tests skip, even under MATCALC_REQUIRE_ALL=1 (CI installs Python packages only)."""
import shutil
import subprocess

import pytest

import matcalc
from matcalc.printers.document import broken, rule_math, width

LONG = [   # (function, wrt, declarations): results and steps wider than a page when printed on one line
    ("-(y^T log(softmax(W x + b)))", "W", {"W": "k x n", "y": "k", "b": "k"}),
    ("||tanh(W2 tanh(W1 x + b1) + b2) - y||^2", "W1", {"W1": "h x n", "W2": "k x h", "b1": "h", "b2": "k", "y": "k"}),
    ("sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))", "w", None),
    ("log det(A + x x^T) + x^T B x + tr(C x x^T) + a^T x + (b^T x)^2 + exp(c^T x) + ||D x - d||^2", "x", None),
]


def test_a_long_sum_is_split_between_its_terms():
    r = matcalc.grad(*LONG[3][:2], check=False)
    lines = broken(r.expr, limit=40)
    assert len(lines) > 2 and lines[1].startswith(("+ ", "- ", r"\left. "))
    assert "".join(lines).replace(r"\right.", "").replace(r"\left. ", "").replace(" ", "") == \
        r.latex().replace(" ", "")                       # the same formula, only split


def test_rule_labels_set_their_identities_as_math():
    assert rule_math("differential: d(Xᵀ) = (dX)ᵀ, product rule") == \
        r"differential: $\mathrm{d}(X^{\top}) = (\mathrm{d}X)^{\top}$, product rule"
    assert rule_math("a scalar is its own trace") == "a scalar is its own trace"


def test_the_document_has_steps_then_result_with_where_conditions_and_notes():
    r = matcalc.grad("log det S + x^T S x", "S", where={"S": "n x n symmetric"})
    doc = r.latex_document(steps=True)
    steps, result = doc.split(r"\section*{Result}")
    assert r"\section*{Derivation}" in steps
    assert r"\item where det(S) $>$ 0" in result and r"\item note: S is symmetric" in result
    assert r"\item" not in r.latex_document(conditions=False)
    named = matcalc.grad(*LONG[0][:2], where=LONG[0][2]).latex_document(steps=True)
    steps = named.split(r"\section*{Result}")[0].split(r"\begin{align*}", 1)[1]
    assert r"\operatorname{softmax}\mathopen{}\left(W x + b" not in steps   # the steps write s = softmax(W x + b)


def _pdflatex():
    tool = shutil.which("pdflatex")
    if tool is None:
        pytest.skip("pdflatex is not installed (a system package: apt-get install texlive-latex-base); "
                    "CI installs Python packages only, so this test is not required there")
    return tool


@pytest.mark.parametrize("function, wrt, where", LONG, ids=[w for _, w, _ in LONG])
def test_standalone_documents_compile_and_fit_an_a4_page(function, wrt, where, tmp_path):
    tool = _pdflatex()
    doc = matcalc.grad(function, wrt, where=where).latex_document(steps=True)
    (tmp_path / "doc.tex").write_text(doc, encoding="utf-8")
    proc = subprocess.run([tool, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert proc.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log, [line for line in log.splitlines() if "Overfull" in line]


def test_superscripts_in_a_row_are_one_exponent():
    assert rule_math("d tr(Aᵏ) = k tr(Aᵏ⁻¹ dA)") == r"$\mathrm{d} \operatorname{tr} (A^{k}) = k \operatorname{tr} (A^{k-1} \mathrm{d}A)$"
    assert "{X^{\\top}}^{-1}" in rule_math("Xᵀ⁻¹ = (X⁻¹)ᵀ")
