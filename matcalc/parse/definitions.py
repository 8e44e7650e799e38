"""Definitions: a text may define names before (or after) it uses them, as notes and papers do.

    f where x = A x0 + B u
    h = tanh(W1 x + b1); L = ||W2 h - y||^2
    L(w) = 1/2 ||X w - y||^2 + λ/2 ||w||^2
    \\mathcal{L}(\\theta) = … \\quad C = W W^\\top + \\sigma^2 I          (LaTeX: \\quad separates)

Statements are separated by `;` and new lines at bracket depth 0; `where` starts a list of
definitions separated by commas. A statement `NAME = …` or `NAME(args) = …` (also `:=`) defines
NAME; the expression to differentiate is the one statement without a left side, or, when every
statement has one, the last (its name is the function's). A defined name stands for its definition
everywhere — the derivative goes through it by the chain rule — and each definition is parsed in
place, so sizes are unified across all statements as if the text were one expression.

Only the split happens here: `split` finds the statements and their spans; the AST of each is made
from a copy of the text with everything else blanked, so every position stays the user's.
"""
import re

from ..errors import ParseError

# NAME = …, NAME(args) = …, log p(y|X) = … (the log-likelihood named by its density), σ_B^2 = … (defines σ_B)
_LEFT = re.compile(r"\s*(?P<log>(?:-\s*)?(?:log|ln)\s*)?"
                   r"([A-Za-z\u0391-\u03A9\u03B1-\u03C9][A-Za-z0-9\u0391-\u03A9\u03B1-\u03C9]*(?:_\{?[A-Za-z0-9]+\}?)?)"
                   r"(?P<square>\s*(?:\^\s*(?:2|\{\s*2\s*\})|²))?"
                   r"\s*(?:\(\s*([^()=]*?)\s*\))?\s*:?=(?!=)")
_WHERE = re.compile(r"(?<![A-Za-z0-9_])where(?![A-Za-z0-9_])")
_OPEN, _CLOSE = "([{⟨", ")]}⟩"


class Statement:
    """One statement: `name` (None for the bare expression), its parameters, and the span of its
    right side in the text."""
    __slots__ = ("name", "params", "start", "end", "name_start", "squared", "left")

    def __init__(self, name, params, start, end, name_start, squared=False, left=None):
        self.name, self.params, self.start, self.end, self.name_start = name, params, start, end, name_start
        self.squared = squared      # σ_B^2 = var(x): the right side is the square of the name
        self.left = left            # the left side as written, when it is more than a name (log p(y|X))

    def masked(self, text):
        """The text with everything but this statement's right side blanked (positions unchanged)."""
        return " " * self.start + text[self.start:self.end] + " " * (len(text) - self.end)

    def __repr__(self):
        return f"Statement({self.name!r}, {self.start}:{self.end})"


def split(text):
    """(objective, {name: Statement}) — or None when the text is one plain expression."""
    if not isinstance(text, str) or not any(c in text for c in ";=\n") and not _WHERE.search(text):
        return None
    pieces = []
    for start, end in _lines(text, _cut(text, ";", 0, len(text))):
        where = _depth0(text, start, end, _WHERE)
        if where is None:
            pieces.append((start, end))
            continue
        pieces.append((start, where.start()))
        pieces.extend(_cut(text, ",", where.end(), end))
    statements = [s for s in (_statement(text, a, b) for a, b in pieces) if s is not None]
    if len(statements) == 1 and statements[0].name is None:
        return None
    bare = [s for s in statements if s.name is None]
    if len(bare) > 1 or not statements:
        return None         # not statements and definitions: the parser says what is wrong (`x; y`)
    objective = bare[0] if bare else _root(text, statements)
    defined = {}
    for s in statements:
        if s is objective or s.name is None:
            continue
        if s.name in defined:
            raise ParseError(f"{s.name} is defined twice", s.name_start, text, end=s.start)
        defined[s.name] = s
    return objective, defined


def _root(text, statements):
    """When every statement names what it defines, the function is the one no other statement uses
    (`L(W) = … \\quad C = W W^\\top + …`: L); among several, the one written as a function, L(w)."""
    def uses(s, name):
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text[s.start:s.end]) is not None
    roots = [s for s in statements if not any(uses(o, s.name) for o in statements if o is not s)]
    if len(roots) > 1:
        roots = [s for s in roots if s.params] or roots
    if len(roots) != 1:
        names = ", ".join(s.name for s in (roots or statements))
        raise ParseError(f"which is the function to differentiate: {names}? Write it without a name (just the "
                         "expression) or as the only definition that no other one uses",
                         statements[0].name_start, text, end=statements[-1].end)
    return roots[0]


def _cut(text, separators, start, end):
    """Spans between the separators that stand at bracket depth 0."""
    depth, last, out = 0, start, []
    for i in range(start, end):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            out.append((last, i))
            last = i + 1
    out.append((last, end))
    return out


def _lines(text, spans):
    """Spans cut again at new lines that start a statement: a line that defines a name, or any line
    after a definition unless it continues it (begins with an operator). A long expression broken
    over lines stays one."""
    out = []
    for start, end in spans:
        cuts = [(a, b) for a, b in _cut(text, "\n", start, end)]
        current = list(cuts[0])
        for a, b in cuts[1:]:
            line = text[a:b].lstrip()
            continues = not line or line[0] in "+-*/.⊙⊗∘^'=,)]}⟩·"
            if _LEFT.match(text, a, b) or (_LEFT.match(text, current[0], current[1]) and not continues):
                out.append(tuple(current))
                current = [a, b]
            else:
                current[1] = b
        out.append(tuple(current))
    return out


def _depth0(text, start, end, pattern):
    """The first match of `pattern` in text[start:end] at bracket depth 0."""
    for m in pattern.finditer(text, start, end):
        prefix = text[start:m.start()]
        if sum(prefix.count(c) for c in _OPEN) == sum(prefix.count(c) for c in _CLOSE):
            return m
    return None


def _statement(text, start, end):
    body = text[start:end]
    if not body.strip() or not body.strip(" \t\r\n,."):
        return None
    # a trailing comma or full stop ends a sentence in notes, not the expression
    stop = end - (len(body) - len(body.rstrip(" \t\r\n")))
    while stop > start and text[stop - 1] in ",.":
        stop -= 1
    m = _LEFT.match(text, start, stop)
    if m is None:
        return Statement(None, (), start, stop, start)
    params = tuple(p.strip() for p in m.group(4).split(",")) if m.group(4) else ()
    if m.group("log") and not m.group(4):
        return Statement(None, (), start, stop, start)      # log x = … is not a definition: the parser says so
    left = text[m.start(2) if not m.group("log") else m.start("log"):m.end()].rstrip(" :=") \
        if m.group("log") or m.group("square") else None
    return Statement(m.group(2), params, m.end(), stop, m.start(2), bool(m.group("square")), left)
