"""How the parser is loaded: from tables serialized inside the package, never from a shared place.

Issue 14: Lark's cache=True unpickled `$TMPDIR/.lark_cache_<user>_<hash>_*.tmp` — a predictable name
in a shared directory — before checking anything in it, so a file planted there ran code.
"""
import hashlib
import os
import pickle
import re
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import lark
import pytest

from matcalc.parse import syntax
from matcalc.vocabulary import FUNCTIONS
from test_parse import FORMS

ROOT = Path(__file__).resolve().parents[1]


def test_the_tables_were_made_from_this_grammar():
    digest = hashlib.sha256(syntax.grammar_text().encode("utf-8")).hexdigest()
    assert syntax.read_tables()["grammar_sha256"] == digest, "grammar changed: run `python -m matcalc.parse`"


def test_the_tables_are_used_with_the_lark_that_made_them():
    made_by = syntax.read_tables()["lark_version"]
    if made_by != lark.__version__:
        pytest.skip(f"tables made by Lark {made_by}, Lark {lark.__version__} installed: "
                    "the parser is built from the grammar (correct, ~20 ms slower to start)")
    assert syntax._load_tables(syntax.grammar_text()) is not None


@lru_cache(maxsize=None)
def _parsers():
    """(the parser loaded from the tables, the parser built from the grammar): built once, ~0.2 s each."""
    return syntax._load_tables(syntax.grammar_text()), syntax._build(syntax.grammar_text())


@pytest.mark.parametrize("text", [f[0] if isinstance(f, tuple) else f for f in FORMS])
def test_the_tables_parse_as_the_grammar_does(text):
    loaded, built = _parsers()
    loaded = loaded or pytest.skip("tables not usable here")
    try:
        expected = built.parse(text)
    except lark.exceptions.LarkError as e:
        with pytest.raises(type(e)):
            loaded.parse(text)
        return
    assert loaded.parse(text) == expected


def test_the_grammar_lists_the_functions_of_the_vocabulary():
    func = re.search(r"^FUNC\.2: /\((.*?)\)", syntax.grammar_text(), re.M).group(1)
    assert sorted(func.split("|")) == sorted(FUNCTIONS)


# The options matcalc gave Lark with cache=True: they fix the name of the file Lark read.
_DISCOVER = """
import os, sys
from lark import Lark
from matcalc.parse.syntax import grammar_text
from matcalc.parse.lexer import PostLex
Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True, postlex=PostLex(),
     maybe_placeholders=False, cache=True)
print(os.listdir(os.environ["TMPDIR"])[0])
"""

_VICTIM = """
import os, sys
tmp = os.path.realpath(os.environ["TMPDIR"])
seen = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str) and os.path.realpath(args[0]).startswith(tmp):
        seen.append(("open", args[0]))
    elif event == "pickle.find_class":
        seen.append(("unpickle", args))
sys.addaudithook(audit)
import matcalc
assert str(matcalc.parse("x^T A x")) == "x^T A x"
print(seen)
"""


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _run(code, tmpdir):
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_file_planted_where_lark_caches_is_never_read(tmp_path):
    scratch, victim = tmp_path / "scratch", tmp_path / "victim"
    scratch.mkdir()
    victim.mkdir()
    found = _run(_DISCOVER, scratch)
    assert found.returncode == 0, found.stderr
    cache_name = found.stdout.strip()
    assert cache_name.startswith(".lark_cache_")
    marker = tmp_path / "payload-ran"
    (victim / cache_name).write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Payload(str(marker))))
    run = _run(_VICTIM, victim)
    assert run.returncode == 0, run.stderr
    assert not marker.exists(), "the planted pickle was executed"
    assert run.stdout.strip() == "[]", f"matcalc opened or unpickled something: {run.stdout}"
    assert os.listdir(victim) == [cache_name], "matcalc wrote to TMPDIR"


def test_a_normal_parse_writes_nothing_to_tmpdir(tmp_path):
    run = _run(_VICTIM, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    assert os.listdir(tmp_path) == []
