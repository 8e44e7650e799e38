"""The held-out-style corpus of issue 13: derivations typed as their sources write them.

Every case in tests/corpus/derivations.py is asked of matcalc.grad and its answer compared with
finite differences of the case's own NumPy function (not derived from matcalc). The expected
outcome comes from the committed table tests/corpus/status.py: a case matcalc refuses or misreads
today is a strict xfail, so a fix turns it into an XPASS failure and the fixer regenerates the
table (`python tests/corpus/classify.py --write`). Frontier cases must be refused cleanly (exit 2,
no traceback) or answered correctly; never misread.
"""
import subprocess
import sys

import pytest

import matcalc
from corpus.derivations import CASES, FRONTIER
from corpus.harness import run, run_cli, cli_sample, cli_args, respelled, Misread
from corpus.respelled import R as RESPELLED
from corpus.status import STATUS


def _param(c, key=None, passing=("ok",)):
    """A strict xfail unless the committed status is a passing one. The xfail names the exception
    the status predicts, so any change of outcome (a refusal that becomes a misreading, a
    misreading that becomes a refusal, a fix) fails the run until status.py is regenerated."""
    key = key or c["id"]
    status, cause = STATUS.get(key, ("missing from status.py", "?"))
    marks = []
    if not status.startswith(passing):
        raises = (matcalc.MatcalcError if status.startswith("refused") else
                  Misread if status.startswith("MISREAD") else
                  AssertionError if key.startswith("cli:") else Exception)
        marks.append(pytest.mark.xfail(strict=True, raises=raises, reason=f"{status} [cause: {cause}]"))
    return pytest.param(c, id=c["id"], marks=marks)


def test_the_table_covers_the_corpus():
    ids = [c["id"] for c in CASES + FRONTIER]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(STATUS), sorted(set(ids) - set(STATUS))
    assert len(CASES) >= 100


@pytest.mark.parametrize("c", [_param(c) for c in CASES])
def test_source_form(c):
    """Accepted in its source form, and the gradient equals the finite differences of the source's meaning."""
    run(c)


@pytest.mark.parametrize("c", [_param(respelled(c, RESPELLED[c["id"]]), "respell:" + c["id"]) for c in CASES
                               if "respell:" + c["id"] in STATUS])
def test_respelled_in_documented_notation(c):
    """The refused or misread forms re-spelled in the README's notation: the engine can do them,
    so what stops the source form is the reading."""
    run(c)


@pytest.mark.parametrize("c", [_param(c, passing=("ok", "refused")) for c in FRONTIER])
def test_frontier_is_refused_or_right(c):
    try:
        run(c)
    except matcalc.MatcalcError as err:
        assert str(err).strip(), "a refusal must say why"


@pytest.mark.parametrize("c", [_param(c, "cli:" + c["id"]) for c in cli_sample(CASES)
                               if STATUS[c["id"]][0].startswith("ok")])
def test_cli_sample(c):
    code, out = run_cli(c)
    assert code == 0, out


@pytest.mark.parametrize("c", [pytest.param(c, id=c["id"]) for c in FRONTIER
                               if STATUS[c["id"]][0].startswith("refused")])
def test_frontier_cli_refuses_cleanly(c):
    code, out = run_cli(c)
    assert code == 2 and "Traceback" not in out and "error" in out.lower(), out


def test_the_real_command_line():
    """Once through the installed entry point, not click's runner."""
    c = next(c for c in CASES if c["id"] == "cb_tr_inv")
    p = subprocess.run([sys.executable, "-m", "matcalc"] + cli_args(c), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
