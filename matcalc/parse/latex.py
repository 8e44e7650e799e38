"""LaTeX input: translate LaTeX math into matcalc's plain notation, keeping a map of positions.

`\\|Ax - b\\|_2^2`, `x^\\top A x`, `\\operatorname{tr}(A X B)`, `\\frac{1}{2} x^\\top A x`, `\\Sigma^{-1}` …
become the plain forms and so parse to the same trees. Greek commands become the spelled names
(`\\mu` → `mu`), which are names in the plain notation too. An unknown command is an error at its
position — nothing is ever expanded or executed (`\\input`, `\\write18` are refused).
"""
import re

from ..errors import ParseError
from ..vocabulary import FUNCTIONS, GREEK

_GREEK = set(GREEK) | {g.capitalize() for g in GREEK}
_SPACES = {",", ";", "!", ":", " ", "quad", "qquad", "left.", "right.", "displaystyle", "big", "Big", "bigg",
           "Bigg", "bigl", "bigr", "Bigl", "Bigr"}
_SIMPLE = {
    "top": "T", "intercal": "T", "T": "T", "|": "||", "Vert": "||", "vert": "|",
    "odot": "⊙", "circ": "⊙", "otimes": "⊗", "oslash": "⊘",
    "cdot": "*", "times": "*", "langle": "⟨", "rangle": "⟩", "{": "{", "}": "}",
    "left(": "(", "right)": ")", "left[": "[", "right]": "]",
    "left\\langle": "⟨", "right\\rangle": "⟩", "left\\{": "(", "right\\}": ")",
    "sigma": "σ", "log": "log ", "ln": "log ", "det": "det ", "exp": "exp ", "sin": "sin ", "cos": "cos ",
    "tan": "tan ", "tanh": "tanh ", "sinh": "sinh ", "cosh": "cosh ",
}
# Bars that say which side they are on keep their pairing: \left\lVert 2 \left\lVert x \right\rVert x
# \right\rVert becomes ||(2 ||(x)|| x)||, where bars pair inside the parentheses (|| 2 || x || x || would
# read as ||2|| ||x|| x). name → (bar, opens).
_SIDED_BARS = {"lVert": ("||", True), "rVert": ("||", False), "lvert": ("|", True), "rvert": ("|", False),
               "left\\|": ("||", True), "right\\|": ("||", False), "left\\lVert": ("||", True),
               "right\\rVert": ("||", False), "left|": ("|", True), "right|": ("|", False),
               "left\\lvert": ("|", True), "right\\rvert": ("|", False)}
_WRAPPERS = ("mathbf", "boldsymbol", "bm", "vec", "mathit", "mathrm", "operatorname", "text", "mathsf",
             "mathnormal", "textrm", "textit", "operatorname*", "mathopen", "mathclose")
_SIZED_IDENTITY = re.compile(r"I_(?:\{\s*([A-Za-z][A-Za-z0-9]*|[1-9][0-9]+|[2-9])\s*\}|([A-Za-z]|[2-9]))")
_COMMUTATION = re.compile(r"K_\{\s*([A-Za-z0-9]+)\s*,\s*([A-Za-z0-9]+)\s*\}")
_SIZED_ZERO = re.compile(r"\s*_\{((?:[^{}\\]|\{[^{}]*\})*\\times(?:[^{}\\]|\{[^{}]*\})*)\}")
_NUMBER = re.compile(r"\s*(\d+\.\d+|\d+|\.\d+)\s*")
_COMMAND = re.compile(r"\\(left\\[|{lLrR][A-Za-z]*|right\\[|}lLrR][A-Za-z]*|left[(\[|.{]|right[)\]|.}]|[A-Za-z]+\*?|.)",
                      re.S)


class Translation:
    """Plain text and, for each of its characters, the position it came from in the LaTeX input."""

    def __init__(self, source):
        self.source, self.out, self.where = source, [], []
        self.bars = []          # open sided bars: (bar, start, end) of the command in the source
        self.matrices = 0       # open matrix environments

    def emit(self, text, pos):
        self.out.append(text)
        self.where.extend([pos] * len(text))

    @property
    def text(self):
        return "".join(self.out)

    def origin(self, pos):
        if pos is None or not self.where:
            return pos
        return self.where[min(pos, len(self.where) - 1)] if pos < len(self.where) else len(self.source)


def looks_like_latex(text):
    return isinstance(text, str) and "\\" in text


def translate(source):
    t = Translation(source)
    _run(source, 0, len(source), t)
    if t.bars:
        _, start, end = t.bars[-1]
        raise ParseError(f"'{source[start:end]}' is not closed", start, source, end=end)
    return t


def _bar(name, src, i, after, t):
    bar, opens = _SIDED_BARS[name]
    if opens:
        t.bars.append((bar, i, after))
        t.emit(bar + "(", i)
        return
    what = "a norm bar" if bar == "||" else "an absolute-value bar"
    if not t.bars or t.bars[-1][0] != bar:
        other = f" (the open bar is '{src[t.bars[-1][1]:t.bars[-1][2]]}')" if t.bars else ""
        raise ParseError(f"'\\{name}' closes {what} that is not open{other}", i, src, end=after)
    t.bars.pop()
    t.emit(")" + bar, i)


def _group(src, start):
    """The {...} group starting at src[start] == '{': (inner_start, inner_end, after)."""
    if start >= len(src) or src[start] != "{":
        m = re.compile(r"\s*(\\[A-Za-z]+|[A-Za-z0-9])").match(src, start)
        if m is None:
            raise ParseError("expected an argument in braces", start, src)
        return m.start(1), m.end(1), m.end()
    depth = 0
    for i in range(start, len(src)):
        if src[i] == "{" and (i == 0 or src[i - 1] != "\\"):
            depth += 1
        elif src[i] == "}" and src[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return start + 1, i, i + 1
    raise ParseError("unbalanced braces: a '{' is never closed", start, src)


def _run(src, i, end, t):
    while i < end:
        ch = src[i]
        if ch == "&":
            t.emit(",", i)
            i += 1
            continue
        if ch == "I" and (i == 0 or not src[i - 1].isalnum()):
            m = _SIZED_IDENTITY.match(src, i, end)
            if m is not None:                            # I_{n}, as the printer writes eye(n) inside ⊗
                t.emit(f"eye({m.group(1) or m.group(2)})", i)
                i = m.end()
                continue
        if ch == "K" and (i == 0 or not src[i - 1].isalnum()):
            m = _COMMUTATION.match(src, i, end)
            if m is not None:                            # K_{m,n}, as the printer writes commutation(m, n)
                t.emit(f"commutation({m.group(1)}, {m.group(2)})", i)
                i = m.end()
                continue
        if ch != "\\":
            t.emit(ch, i)
            i += 1
            continue
        m = _COMMAND.match(src, i)
        if m is None:
            raise ParseError("a backslash must start a LaTeX command", i, src)
        name = m.group(1)
        after = m.end()
        if name == "\\":                                   # \\ : a new row of a matrix
            t.emit(";", i)
        elif name in _SPACES or name.rstrip(".") in _SPACES:
            t.emit(" ", i)
        elif name in ("frac", "tfrac", "dfrac"):
            a0, a1, after = _group(src, after)
            b0, b1, after = _group(src, after)
            if t.matrices and _NUMBER.fullmatch(src[a0:a1]) and _NUMBER.fullmatch(src[b0:b1]):
                t.emit(" " + src[a0:a1].strip(), a0)        # an entry of a matrix literal is a number or a
                t.emit("/", a1)                              # quotient of two, never in parentheses
                t.emit(src[b0:b1].strip() + " ", b0)
                i = after
                continue
            t.emit("((", i)
            _run(src, a0, a1, t)
            t.emit(")/(", a1)
            _run(src, b0, b1, t)
            t.emit("))", b1)
        elif name == "sqrt":
            a0, a1, after = _group(src, after)
            t.emit("sqrt(", i)
            _run(src, a0, a1, t)
            t.emit(")", a1)
        elif name in ("begin", "end"):
            a0, a1, after = _group(src, after)
            env = src[a0:a1]
            if env not in ("bmatrix", "pmatrix", "matrix"):
                raise ParseError(f"unsupported LaTeX environment '{env}'", i, src, end=after)
            t.matrices += 1 if name == "begin" else -1
            t.emit("[" if name == "begin" else "]", i)
        elif name in _WRAPPERS:
            a0, a1, after = _group(src, after)
            word = src[a0:a1].strip()
            sized = _SIZED_ZERO.match(src, after, end) if word == "0" else None
            if name in ("mathbf", "boldsymbol", "bm") and sized is not None:
                # 0_{m \times n}, as the printer writes a zero matrix; sizes that are not names (n^{2}) are left open
                dims = [d.strip() for d in sized.group(1).split("\\times")]
                plain = len(dims) == 2 and all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*|[0-9]+", d) for d in dims)
                t.emit(f"zeros({dims[0]}, {dims[1]})" if plain else "matrix(0)", i)
                after = sized.end()
            elif name in ("mathbf", "boldsymbol", "bm") and word in ("1", "0"):
                t.emit(f"vector({word})", i)
            elif word.startswith("\\") and word[1:] in _GREEK:
                t.emit(word[1:], a0)
            elif word in FUNCTIONS or re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word):
                t.emit(word + (" " if word in FUNCTIONS else ""), a0)
            else:
                _run(src, a0, a1, t)
        elif name in _SIDED_BARS:
            _bar(name, src, i, after, t)
        elif name in _SIMPLE:
            t.emit(_SIMPLE[name], i)
        elif name in _GREEK:
            t.emit(name + ("" if src.startswith("_", after) else " "), i)       # \mu_0 is the name mu_0
        else:
            raise ParseError(f"unknown or unsupported LaTeX command '\\{name}'", i, src, end=after)
        i = after


def to_plain(source):
    """The plain-notation text for LaTeX `source` (and the Translation, for mapping positions back)."""
    t = translate(source)
    text = t.text
    text = re.sub(r"\^\s*\{\s*\\?circ\s*", ".^{", text)      # x^{∘ 2}: the element-wise power as printed
    text = text.replace("^{⊙", ".^{")
    return text, t
