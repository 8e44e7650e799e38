"""The text of generated code: whether an operand's text can be juxtaposed (is_atomic), how deep its
brackets nest (Python's parser stops at 200 levels, so the generator keeps lines under MAX_NESTING),
and the transpose of an operand's text. Pure string functions: the generator (emit.py) decides what
to print, these only look at what it printed.
"""
import re


def is_atomic(text):
    """A name, a number, or a call / parenthesized group spanning the whole text (safe to juxtapose)."""
    m = _NAME.match(text)
    rest = text[m.end():]
    if not rest:
        return True
    if not rest.startswith("("):
        return False
    depth = 0
    for b in _BRACKET.finditer(rest):      # nested products make long texts: visit brackets only
        depth += 1 if b.group() in "([" else -1
        if depth == 0:
            tail = rest[b.end():]
            return not tail or _INDEXES.fullmatch(tail) is not None
    return False


_NAME, _BRACKET, _INDEXES = re.compile(r"[\w.]*"), re.compile(r"[()\[\]]"), re.compile(r"(\[[^\]]*\])+")


MAX_NESTING = 40    # brackets deep: Python's parser refuses 200 ("too many nested parentheses")


def nesting(text):
    """The deepest bracket nesting of a code text."""
    depth = deepest = 0
    for b in _BRACKET.finditer(text):
        depth += 1 if b.group() in "([" else -1
        deepest = max(deepest, depth)
    return deepest


def transpose(code):
    """NumPy code for the transpose of an atomic operand (X.T for X, X for X.T)."""
    return code[:-2] if code.endswith(".T") and is_atomic(code[:-2]) else f"{code}.T"


def is_trivial(text):
    return re.fullmatch(r"[\w.]+", text) is not None
