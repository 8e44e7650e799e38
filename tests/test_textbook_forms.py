"""Printed answers against their textbook forms (issue 15), on benchmarks/textbook_forms.py's cases: the
median printed length is at most the textbook's, the worst at most 1.5 times it, every answer passes its
numerical check, renders with KaTeX (what --format latex prints, the pretty form, the steps) and compiles
with pdflatex in one standalone document without an overfull line."""
import statistics
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import textbook_forms as T  # noqa: E402
from matcalc.printers.document import documents, formula  # noqa: E402

CASES = T.ISSUE + T.HELD_OUT


@lru_cache(maxsize=None)
def _results():
    return [T.derive(case) for case in CASES]


def test_there_are_thirty_held_out_textbook_cases():
    assert len(T.HELD_OUT) >= 30
    assert all(case[5] for case in T.HELD_OUT)                 # each names its source


@pytest.mark.parametrize("cases", [T.HELD_OUT, CASES], ids=["held out", "all"])
def test_printed_answers_are_as_short_as_the_books(cases):
    ratios = {case[1] + " wrt " + case[2]: T.ratio(case, _results()[CASES.index(case)]) for case in cases}
    assert statistics.median(ratios.values()) <= 1.0, sorted(ratios.items(), key=lambda kv: -kv[1])[:5]
    assert max(ratios.values()) <= 1.5, sorted(ratios.items(), key=lambda kv: -kv[1])[:5]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]} {c[1]} wrt {c[2]}" for c in CASES])
def test_every_answer_passes_its_check(case):
    r = T.KIND[case[0]](case[1], case[2], where=case[3])
    assert r.report.status == "passed", r.report


def test_no_steps_go_in_circles():
    from test_steps_detours import assert_no_detours
    for r in _results():
        assert_no_detours(r.steps)


def test_every_answer_renders_with_katex():
    from test_katex import failures, render_all, report
    labelled = {}
    for case, r in zip(CASES, _results()):
        for what, tex in (("pretty", r.pretty(latex=True)), ("formula", formula(r)), ("steps", r.steps_latex())):
            labelled.setdefault(tex, []).append(f"{what} of {case[0]} {case[1]!r} wrt {case[2]}")
    bad = failures(labelled, render_all(labelled))
    assert not bad, report(bad)


def test_every_answer_compiles_with_pdflatex(tmp_path):
    from test_document import _pdflatex
    tool = _pdflatex()
    doc = documents([(r, None) for r in _results()], steps=True)
    (tmp_path / "doc.tex").write_text(doc, encoding="utf-8")
    proc = subprocess.run([tool, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert proc.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log, [line for line in log.splitlines() if "Overfull" in line]
