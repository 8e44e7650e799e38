"""LaTeX as books and papers print it: the patterns of names and extents latex.py reads (w^*, k_*,
W^{(1)}, \\nabla f_k, \\log 2\\pi, \\sum's limits and term), and the name a LaTeX spelling of one name
reads as (for --wrt, --let and where=)."""
import re

from ..errors import ParseError

# `\left\|X` is the bar \left\| and the name X: only \left\l… / \left\r… commands take letters.
_COMMAND = re.compile(r"\\(left\\(?:[|{]|[lLrR][A-Za-z]*)|right\\(?:[|}]|[lLrR][A-Za-z]*)|left[(\[|.{]|right[)\]|.}]"
                      r"|[A-Za-z]+\*?|.)", re.S)

# A star after a name, as a subscript or a superscript: w^*, k_*, w^{\star}; a layer index W^{(1)}
_STAR = re.compile(r"_\s*(?:(?P<star>\*|\{\s*\*\s*\}|\\star|\\ast|\{\s*\\(?:star|ast)\s*\})"
                   r"|(?P<plus>\+|\{\s*\+\s*\}))")
_SUPER_NAME = re.compile(r"\^\s*(?:(?P<star>\*|\{\s*\*\s*\}|\\star|\\ast|\{\s*\\(?:star|ast)\s*\})"
                         r"|\{\s*\(\s*(?:\\(?:text|mathrm|mathit|rm)\s*\{\s*)?(?P<index>[A-Za-z0-9]+)\s*\}?\s*\)"
                         r"\s*(?P<T>\\top|\\intercal|T|\\mathsf\s*\{\s*T\s*\}|\\mathrm\s*\{\s*T\s*\})?\s*\})")
# A number and the Greek letters glued after it (with their powers): 2\pi, 2\pi\sigma^2, 2\pi e
_GLUED_NUMBER = re.compile(r"\s*\d+(?:\.\d+)?(?:\s*(?:\\(?:pi|sigma|tau)(?![A-Za-z])|e(?![A-Za-z]))"
                           r"(?:_\{?[A-Za-z0-9]+\}?)?(?:\^\s*(?:\{[^{}]*\}|\d))?)+")
# the limits of an index sum: _{i=1}^{n}, _{i=1}^N, _i, _{i}, _{j=0}^{K}
_LIMITS = re.compile(r"\s*_\s*(?:\{\s*([a-z])\s*(?:=\s*[0-9]+\s*)?\}|([a-z]))"
                     r"(?:\s*\^\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9]))?")
_NABLA_NAME = re.compile(r"\s*([A-Za-z])_(?:\{\s*([A-Za-z0-9]+)\s*\}|([A-Za-z0-9]))(?!\s*\()")


def _summand_end(src, start, end):
    """Where the term after a bare \\sum ends: the next binary + or − (or =, a comma, \\quad) outside
    brackets and bars, or the end of the enclosing group."""
    depth, bars, i, seen = 0, {"|": 0, "||": 0}, start, False
    while i < end:
        ch = src[i]
        if src.startswith("\\left", i) or src.startswith("\\right", i):
            opens = src.startswith("\\left", i)
            i += 5 if opens else 6
            m = _COMMAND.match(src, i) if i < end and src[i] == "\\" else None
            i = m.end() if m is not None else i + 1
            depth += 1 if opens else -1
            seen = True
            continue
        if src.startswith("\\|", i) or src.startswith("\\Vert", i):
            bars["||"] ^= 1
            i += 2 if src.startswith("\\|", i) else 5
            seen = True
            continue
        if src.startswith("\\quad", i) or src.startswith("\\qquad", i):
            if depth == 0:
                return i
        if ch == "\\":
            m = _COMMAND.match(src, i)
            i = m.end() if m is not None else i + 1
            seen = True
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return i
        elif ch == "|":
            bars["|"] ^= 1
        elif depth == 0 and not any(bars.values()) and (ch in "=,;&" or ch in "+-" and seen
                                                         and not src[start:i].rstrip().endswith(("^", "_"))):
            return i
        if not ch.isspace():
            seen = True
        i += 1
    return end
