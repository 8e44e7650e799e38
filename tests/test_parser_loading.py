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

from matcalc.errors import MatcalcError
from matcalc.parse import lalr, loading
from matcalc.vocabulary import FUNCTIONS
from test_parse import FORMS

ROOT = Path(__file__).resolve().parents[1]


def test_the_tables_were_made_from_this_grammar():
    digest = hashlib.sha256(loading.grammar_text().encode("utf-8")).hexdigest()
    assert loading.read_tables()["grammar_sha256"] == digest, "grammar changed: run `python -m matcalc.parse`"


def test_the_stored_lexer_plan_is_what_lalr_would_work_out():
    tables = loading.read_tables()
    assert tables["lexer"] == loading.lexer_plan(tables)
    assert loading._serialize(loading._build(loading.grammar_text()))["lexer"] == tables["lexer"]


def test_the_tables_are_used_whatever_lark_is_installed():
    """lalr.py drives the tables: they do not depend on the installed Lark, only on the grammar."""
    parser = loading._load_tables(loading.grammar_text())
    assert isinstance(parser, lalr.Parser)
    assert isinstance(loading.lark_parser(), lalr.Parser)


@lru_cache(maxsize=None)
def _parsers():
    """(the parser loaded from the tables, Lark's parser built from the grammar): built once, ~0.2 s each."""
    return loading._load_tables(loading.grammar_text()), loading._build(loading.grammar_text())


_META = ("empty", "line", "column", "start_pos", "end_line", "end_column", "end_pos", "container_line",
         "container_column", "container_start_pos", "container_end_line", "container_end_column", "container_end_pos")
_TOKEN = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")


def _same_tree(theirs, ours, path="tree"):
    """Lark's tree and lalr.py's: the same nodes, tokens, and positions (every span an error can quote)."""
    if isinstance(theirs, lark.Tree):
        assert isinstance(ours, lalr.Tree), (path, theirs, ours)
        assert (ours.data, len(ours.children)) == (theirs.data, len(theirs.children)), (path, theirs, ours)
        for k in _META:
            assert getattr(ours.meta, k, None) == getattr(theirs.meta, k, None), (path, k)
        for i, (a, b) in enumerate(zip(theirs.children, ours.children)):
            _same_tree(a, b, f"{path}/{i}")
    else:
        assert isinstance(theirs, lark.Token) and isinstance(ours, lalr.Token), (path, theirs, ours)
        assert [getattr(ours, k) for k in _TOKEN] == [getattr(theirs, k) for k in _TOKEN], path


def _outcome(parser, text):
    """What a parser makes of text: its tree, or where and how it failed (Lark's error ↔ lalr.py's)."""
    try:
        return "tree", parser.parse(text)
    except (lark.exceptions.UnexpectedCharacters, lalr.UnexpectedCharacters) as e:
        return "no terminal", (e.pos_in_stream, e.line, e.column)
    except (lark.exceptions.UnexpectedToken, lalr.UnexpectedToken) as e:
        t = e.token
        return "unexpected token", (t.type, t.value, t.start_pos, t.end_pos, t.line, t.column, sorted(e.expected))
    except MatcalcError as e:                   # from the post-lexer, the same in both
        return "matcalc error", (type(e).__name__, str(e))


def _parses_as_the_grammar(text):
    loaded, built = _parsers()
    theirs, ours = _outcome(built, text), _outcome(loaded, text)
    assert ours[0] == theirs[0], (text, theirs, ours)
    if theirs[0] == "tree":
        _same_tree(theirs[1], ours[1])
    else:
        assert ours[1] == theirs[1], (text, theirs, ours)
    return theirs[0]


@pytest.mark.parametrize("text", [f[0] if isinstance(f, tuple) else f for f in FORMS])
def test_the_tables_parse_as_the_grammar_does(text):
    _parses_as_the_grammar(text)


_PIECES = ["x", "A", "X", "y", "Σ", "μ", "2", "0.5", "1e3", "½", "(", ")", "[", "]", "{", "}", ",", ";", "+", "-",
           "*", "/", ".*", "./", "⊙", "^", "^T", "'", "ᵀ", "^-1", "⁻¹", "²", "|", "||", "‖", "_2", "_F", "_{", "tr",
           "log", "det", "exp", "sum", "√", "⟨", "⟩", "1_n", "𝟙", " ", "\n", "·", ".^", "σ", "Ax", "x_1", "w^*",
           "#", "−", "e", "T"]


def test_the_tables_parse_random_text_as_the_grammar_does():
    """Random pieces of the notation and mutated forms: the same trees, tokens, spans and errors."""
    import random
    rnd = random.Random(19)
    forms = [f[0] if isinstance(f, tuple) else f for f in FORMS]
    seen = set()
    for k in range(1500):
        if k % 2:
            text = "".join(rnd.choice(_PIECES) + rnd.choice(["", " "]) for _ in range(rnd.randint(1, 12)))
        else:
            chars = list(rnd.choice(forms))
            for _ in range(rnd.randint(1, 3)):
                i = rnd.randrange(len(chars) + 1)
                if rnd.random() < 0.4 and chars:
                    del chars[min(i, len(chars) - 1)]
                else:
                    chars.insert(i, rnd.choice(_PIECES))
            text = "".join(chars)
        seen.add(_parses_as_the_grammar(text))
    assert seen == {"tree", "no terminal", "unexpected token", "matcalc error"}


def test_parsing_never_imports_lark():
    code = "import sys, matcalc; matcalc.grad('x^T A x', 'x', check=False); print('lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_grammar_lists_the_functions_of_the_vocabulary():
    func = re.search(r"^FUNC\.2: /\((.*?)\)", loading.grammar_text(), re.M).group(1)
    assert sorted(func.split("|")) == sorted(FUNCTIONS)


# The options matcalc gave Lark with cache=True: they fix the name of the file Lark read.
_DISCOVER = """
import os, sys
from lark import Lark
from matcalc.parse.loading import grammar_text
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
