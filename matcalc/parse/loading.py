"""How the parser is loaded: the LALR tables of grammar/matcalc.lark from tables.json, run by lalr.py.

Issue 14: Lark's own cache (cache=True) unpickles $TMPDIR/.lark_cache_<user>_<hash>_*.tmp, a
predictable name in a shared directory, before checking anything in it: a file planted there runs
code at the next start. So matcalc reads and writes nothing outside its package. Building the LALR
tables from the grammar costs 20–75 ms at every start (a quarter or more of `matcalc grad`'s
start-up); instead they are serialized at development time into tables.json (Lark's own serializer,
the data its standalone generator embeds; JSON, so loading it can never run code, and ~1 ms to read,
where the same data as a Python module costs ~70 ms to compile when no bytecode is cached), and used
only when made from this exact grammar text.

Issue 19: the tables are driven by lalr.py, not by Lark, whose import alone cost ~25 ms of every
start. Lark builds the tables: at development time, or in memory when the grammar was edited and
the tables not regenerated. Regenerate after editing the grammar: `python -m matcalc.parse` (a test
fails until then).
"""
import os

from ..errors import MatcalcError
from .lalr import Parser
from .lexer import PostLex

_OPTIONS = dict(parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=False)
_TABLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tables.json")
_parser = None


def grammar_text():
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))   # os.path: pathlib costs ~3 ms to import
    for path in (os.path.join(here, "grammar", "matcalc.lark"), os.path.join(os.path.dirname(here), "grammar",
                                                                             "matcalc.lark")):
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                return f.read()
    raise MatcalcError("the grammar file matcalc.lark is missing from the installation")


def lark_parser():
    """The parser (lalr.Parser) of the grammar: from tables.json, or from tables Lark builds now."""
    global _parser
    if _parser is None:
        grammar = grammar_text()
        _parser = _load_tables(grammar) or Parser(_serialize(_build(grammar)), PostLex())
    return _parser


def _build(grammar):
    """Lark's own parser of the grammar (what makes the tables, and what the tests compare lalr.py with)."""
    import lark
    return lark.Lark(grammar, postlex=PostLex(token=lark.Token), **_OPTIONS)


def _int_keys(pairs):
    """JSON keys are strings; Lark's parse tables are keyed by state and token numbers."""
    return {int(k) if k.lstrip("-").isdigit() else k: v for k, v in pairs}


def read_tables():
    import json
    try:
        with open(_TABLES, encoding="utf-8") as f:
            return json.loads(f.read(), object_pairs_hook=_int_keys)
    except (OSError, ValueError):
        return None


def _load_tables(grammar):
    """The parser from tables.json, or None when they were made from another grammar."""
    tables = read_tables()
    if tables is None or tables["grammar_sha256"] != _sha256(grammar):
        return None
    return Parser(tables, PostLex())


def _sha256(text):
    try:
        from _sha256 import sha256     # CPython's own: hashlib's import loads OpenSSL (~3 ms)
    except ImportError:
        from hashlib import sha256
    return sha256(text.encode("utf-8")).hexdigest()


def _serialize(lark_parser):
    """Lark's parser as the data of tables.json (through JSON, so that it is the same as read back)."""
    import json

    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef
    data, memo = lark_parser.memo_serialize([TerminalDef, Rule])
    data["options"] = {**data["options"], "postlex": None}     # given again at load time
    tables = {"grammar_sha256": _sha256(grammar_text()), "lark_version": lark.__version__, "data": data,
              "memo": memo}
    tables = json.loads(json.dumps(tables, separators=(",", ":"), sort_keys=True), object_pairs_hook=_int_keys)
    tables["lexer"] = lexer_plan(tables)
    return tables


def lexer_plan(tables):
    """What lalr.py's lexer would otherwise work out at every start (lalr.unless_plan)."""
    from .lalr import unless_plan
    memo = tables["memo"]
    return unless_plan([memo[t["@"]] for t in tables["data"]["parser"]["lexer_conf"]["terminals"]])


def write_tables():
    """Serialize the parser built from the grammar into tables.json (run after editing the grammar)."""
    import json
    tables = _serialize(_build(grammar_text()))
    with open(_TABLES, "w", encoding="utf-8") as f:
        f.write(json.dumps(tables, separators=(",", ":"), sort_keys=True) + "\n")
    return _TABLES
