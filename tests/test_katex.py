"""Every LaTeX string matcalc prints renders with a real renderer: KaTeX, from the npm registry.

For every row of the test tables (tests/test_identities.py ROWS, tests/test_cookbook.py ROWS,
tests/test_jacobians.py JACOBIANS and HESSIANS, plus the other derivatives test_jacobians.py prints)
this collects what matcalc prints as LaTeX: the parsed function's `.latex()`, the result's `.latex()`
(with each printer option), `.pretty(latex=True)`, every step's `.latex` and rule (`\\text{...}`, the way
`steps_latex()` sets it), `.steps_latex()`, `matcalc.differential(...).latex()`, and the command line's
`--format latex` output of `parse`, `grad`/`jacobian`/`hessian` and `diff`. All of them are rendered
in one node process (tests/katex/render.js: throwOnError, display mode, strict "error"), and the test
fails listing every string that does not render.

Needs node and tests/katex/node_modules (`cd tests/katex && npm ci`). Without them the tests skip,
unless MATCALC_REQUIRE_ALL=1 (set by .ci/run), which turns the skip into a failure. To look at the
output as a reader would, tests/katex/sample_page.py writes a page of rendered samples.
"""
import json
import os
import shlex
import shutil
import subprocess
import time
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

import matcalc
from matcalc.cli import main as cli_main
from test_cookbook import ROWS as COOKBOOK_ROWS
from test_identities import ROWS as IDENTITY_ROWS
from test_jacobians import HESSIANS, JACOBIANS

KATEX_DIR = Path(__file__).resolve().parent / "katex"
RENDER_JS = KATEX_DIR / "render.js"
KATEX_PACKAGE = KATEX_DIR / "node_modules" / "katex" / "package.json"
REQUIRE_ALL = os.environ.get("MATCALC_REQUIRE_ALL") == "1"

# The other derivatives test_jacobians.py prints: (kind, expression, wrt, declarations, second argument).
EXTRA = [
    ("hessian", "x^T A y", "x", None, "y"),                          # mixed: wrt2
    ("hessian", "x^T A y + (a^T x)^2 (b^T y)", "x", None, "y"),
    ("directional", "x^T A x", "x", None, "v"),
    ("hvp", "x^T A x", "x", None, "v"),
    ("hvp", "||A x - b||^2", "x", None, "v"),
    # batched models (issue 20): row-wise softmax and logsumexp, statistics
    ("gradient", "-sum(Y .* log(softmax(X W)))", "W", {"Y": "n x c onehot"}, None),
    ("gradient", "tr(G^T softmax(Q K^T / s) V)", "Q", {"s": "scalar"}, None),
    ("hessian", "sum(logsumexp(X W)) - sum(Y .* (X W))", "W", None, None),
    ("jacobian", "softmax_cols(Z)", "Z", None, None),
    ("gradient", "sum(var_rows(X)) + sum(mean_cols(X))", "X", None, None),
    # layer norm and RMS norm: their rules name ε, σ, X̂ and a § (raw in \text{} they stopped KaTeX)
    ("gradient", "tr(G^T ((X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T)))", "X", {"eps": "scalar"}, None),
    ("gradient", "tr(G^T (X ./ (sqrt(mean_rows(X .* X) + eps) 1^T)))", "X", {"eps": "scalar"}, None),
]


def _tools():
    """render.js's command, or skip; with MATCALC_REQUIRE_ALL=1 a missing tool fails instead."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("node (not on PATH)")
    if not KATEX_PACKAGE.is_file():
        missing.append(f"KaTeX ({KATEX_PACKAGE.parent} is missing: run `cd tests/katex && npm ci`)")
    if missing:
        message = "the LaTeX rendering check needs " + " and ".join(missing)
        if REQUIRE_ALL:
            pytest.fail(message + "; MATCALC_REQUIRE_ALL=1 makes a missing tool a failure", pytrace=False)
        pytest.skip(message)
    return [node, str(RENDER_JS)]


def render(strings, html=False):
    """render.js's results for `strings`, all in one node process: [{ok, error}] in the same order."""
    command = _tools() + (["--html"] if html else [])
    proc = subprocess.run(command, input=json.dumps(strings), capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    assert proc.returncode == 0, f"render.js exited {proc.returncode}: {proc.stderr}"
    results = json.loads(proc.stdout)
    assert len(results) == len(strings), "render.js answered for a different number of strings"
    return results


def failures(labelled, results):
    """The strings that do not render, each as (labels, string, KaTeX's error); `results` maps each string
    to render.js's answer."""
    return [(labels, tex, results[tex]["error"]) for tex, labels in labelled.items() if not results[tex]["ok"]]


def render_all(labelled):
    """render.js's answer for every string of `labelled`, in one batch."""
    batch = list(labelled)
    return dict(zip(batch, render(batch)))


def report(bad, what="LaTeX string(s) matcalc prints do not render with KaTeX"):
    lines = [f"{len(bad)} {what}:"]
    for labels, tex, error in bad:
        more = f" (and {len(labels) - 1} more places)" if len(labels) > 1 else ""
        lines += [f"- {labels[0]}{more}", f"    {tex!r}", f"    {error}"]
    return "\n".join(lines)


# ---- what matcalc prints ---------------------------------------------------------------------------
def _lets(where):
    if not where:
        return []
    return [a for name, spec in where.items() for a in ("--let", f"{name}: {spec}")]


def _cli(args):
    result = CliRunner().invoke(cli_main, args)
    assert result.exit_code == 0, f"matcalc {shlex.join(args)} exited {result.exit_code}: {result.output}"
    return result.output.rstrip("\n")


def _result(kind, text, wrt, where, other=None):
    if kind == "gradient":
        return matcalc.grad(text, wrt, where=where, check=False)
    if kind == "jacobian":
        return matcalc.jacobian(text, wrt, where=where, check=False)
    if kind == "hessian":
        return matcalc.hessian(text, wrt, where=where, wrt2=other, check=False)
    if kind == "directional":
        return matcalc.directional(text, wrt, other, where=where, check=False)
    return matcalc.hvp(text, wrt, other, where=where, check=False)


CLI_COMMAND = {"gradient": ["grad"], "jacobian": ["jacobian"], "hessian": ["hessian"]}


def printed(kind, text, wrt, where, other=None):
    """[(what, LaTeX string)] matcalc prints for one derivative."""
    r = _result(kind, text, wrt, where, other)
    out = [("parse(...).latex()", matcalc.parse(text, where).latex()),
           ("function .latex()", r.function.latex()),
           (".latex()", r.latex()),
           (".latex(transpose='T')", r.latex(transpose="T")),
           (".latex(bold=True)", r.latex(bold=True)),
           (".pretty(latex=True)", r.pretty(latex=True))]
    for i, step in enumerate(r.steps):
        out.append((f"steps[{i}].latex", step.latex))
        out.append((f"steps[{i}].rule_latex (in \\text{{}})", rf"\text{{{step.rule_latex}}}"))
    if r.steps:
        out.append((".steps_latex()", r.steps_latex()))
    if kind in ("gradient", "jacobian"):
        out.append(("differential(...).latex()", matcalc.differential(text, wrt, where=where).latex()))
    if kind == "hessian" and other is None:
        out.append(("differential(...).latex() of f", matcalc.differential(text, wrt, where=where).latex()))
    lets = _lets(where)
    out.append(("CLI parse --format latex", _cli(["parse", *lets, "--format", "latex", "--", text])))
    if kind in CLI_COMMAND:
        args = CLI_COMMAND[kind] + ["--wrt", wrt, *lets, "--no-check", "--format", "latex"]
        if other is not None:
            args += ["--wrt2", other]
        out.append((f"CLI {args[0]} --format latex", _cli(args + ["--", text])))
    elif kind == "hvp":
        out.append(("CLI hessian --times --format latex",
                    _cli(["hessian", "--wrt", wrt, "--times", other, *lets, "--no-check", "--format", "latex",
                          "--", text])))
    if kind in ("gradient", "jacobian"):
        out.append(("CLI diff --format latex", _cli(["diff", "--wrt", wrt, *lets, "--format", "latex", "--", text])))
    return out


def cases():
    """[(case label, kind, expression, wrt, declarations, second argument)] from every test table."""
    out = [(f"identities {t!r} d{w}", "gradient", t, w, where, None) for t, w, where, *_ in IDENTITY_ROWS]
    out += [(f"cookbook {row.id}", "gradient", row.expr, row.wrt, row.decl, None) for row in COOKBOOK_ROWS]
    out += [(f"jacobians {t!r} d{w}", "jacobian", t, w, None, None) for t, w, *_ in JACOBIANS]
    out += [(f"hessians {t!r} d{w}", "hessian", t, w, where, None) for t, w, where, *_ in HESSIANS]
    out += [(f"{kind} {t!r} d{w} {o}", kind, t, w, where, o) for kind, t, w, where, o in EXTRA]
    return out


@lru_cache(maxsize=None)
def collected():
    """{LaTeX string: [labels of where it is printed]}, every string once, in the order first met."""
    strings = {}
    for label, kind, text, wrt, where, other in cases():
        for what, tex in printed(kind, text, wrt, where, other):
            strings.setdefault(tex, []).append(f"{label}: {what}")
    return strings


@lru_cache(maxsize=None)
def outcome():
    """(number of strings rendered, seconds in node, failures)."""
    _tools()                     # skip (or fail) before the collection's cost when a tool is missing
    labelled = collected()
    start = time.perf_counter()
    results = render_all(labelled)
    seconds = time.perf_counter() - start
    return len(labelled), seconds, failures(labelled, results)


# ---- the tests ---------------------------------------------------------------------------------------
def test_collects_every_table_and_every_kind_of_output():
    table = cases()
    assert len(table) == len(IDENTITY_ROWS) + len(COOKBOOK_ROWS) + len(JACOBIANS) + len(HESSIANS) + len(EXTRA)
    labels = [label for places in collected().values() for label in places]
    for label, kind, *_ in table:
        mine = {place.split(": ", 1)[1] for place in labels if place.startswith(label + ": ")}
        wanted = {"function .latex()", ".latex()", ".pretty(latex=True)", "CLI parse --format latex"}
        if kind in ("gradient", "jacobian", "hessian"):
            wanted |= {".steps_latex()", "steps[0].latex", "steps[0].rule_latex (in \\text{})"}
        if kind in ("gradient", "jacobian"):
            wanted |= {"differential(...).latex()", "CLI diff --format latex"}
        assert wanted <= mine, f"{label}: nothing collected for {sorted(wanted - mine)}"
    assert len(collected()) > 1000


def test_every_string_matcalc_prints_renders():
    count, seconds, bad = outcome()
    print(f"\nKaTeX rendered {count} distinct strings in {seconds:.2f} s (one node process)")
    assert not bad, report(bad)


# ---- negative controls: the check can fail ---------------------------------------------------------
BROKEN = [
    ("x^{", "Expected '}'"),                          # unbalanced brace
    ("a^b^c", "Double superscript"),
    ("{X^{\\top}}^{-1}_{i}^{2}", "Double superscript"),
    ("\\frac{1}", "Unexpected end of input"),         # a missing argument
    ("\\operatorname{tr}\\left(X", "Expected '\\right'"),
    ("\\notamacro X", "Undefined control sequence"),
    ("\\text{σ is symmetric}", "Unrecognized Unicode character"),     # strict: "error"
    ("\\begin{aligned} a &= b \\end{align}", "Mismatch"),
]


def test_render_js_reports_every_broken_string():
    good = ["2 A^{\\top} \\left(A x - b\\right)", "\\text{identification: $\\partial$f/$\\partial$X = M}"]
    strings = good[:1] + [tex for tex, _ in BROKEN] + good[1:]
    results = render(strings)
    assert results[0] == {"ok": True, "error": None} and results[-1] == {"ok": True, "error": None}
    for (tex, message), result in zip(BROKEN, results[1:-1]):
        assert result["ok"] is False and message in result["error"], (tex, result)


def test_a_broken_string_among_good_ones_is_reported():
    labelled = {"x^{\\top} A x": ["good"], "x^{": ["broken"], "\\left\\lVert x \\right\\rVert": ["good too"]}
    bad = failures(labelled, render_all(labelled))
    assert [(labels, tex) for labels, tex, _ in bad] == [(["broken"], "x^{")]
    assert "broken" in report(bad)


def test_render_js_refuses_input_that_is_not_a_list_of_strings():
    for bad in ("not json", '{"a": 1}', "[1, 2]"):
        proc = subprocess.run(_tools(), input=bad, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "render.js:" in proc.stderr, (bad, proc.returncode, proc.stderr)
