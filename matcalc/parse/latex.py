"""LaTeX input: translate LaTeX math into matcalc's plain notation, keeping a map of positions.

`\\|Ax - b\\|_2^2`, `x^\\top A x`, `\\operatorname{tr}(A X B)`, `\\frac{1}{2} x^\\top A x`, `\\Sigma^{-1}` …
become the plain forms and so parse to the same trees. Greek commands become the spelled names
(`\\mu` → `mu`), which are names in the plain notation too. An unknown command is an error at its
position — nothing is ever expanded or executed (`\\input`, `\\write18` are refused).
"""
import re

from ..errors import ParseError
from ..vocabulary import FUNCTIONS, GREEK
from .latex_source import _COMMAND, _GLUED_NUMBER, _LIMITS, _NABLA_NAME, _STAR, _SUPER_NAME, _summand_end

_GREEK = set(GREEK) | {g.capitalize() for g in GREEK}
_SPACES = {",", ";", "!", ":", " ", "left.", "right.", "displaystyle", "big", "Big", "bigg",
           "Bigg", "bigl", "bigr", "Bigl", "Bigr"}
# \quad between two formulas separates statements, as `;` does: `L = … \quad C = W W^\top + \sigma^2 I`
_STATEMENT_BREAKS = {"quad", "qquad"}
_APPLIED = re.compile(r"\s*(?:\\mathopen\{\}\s*)?(?:\\left\s*)?\(")   # a function's argument follows
_SIMPLE = {
    "top": "T", "intercal": "T", "T": "T", "|": "||", "Vert": "||", "vert": "|",
    "odot": "⊙", "circ": "⊙", "otimes": "⊗", "oslash": "⊘",
    "cdot": "·", "times": "*", "langle": "⟨", "rangle": "⟩", "{": "(", "}": ")",
    "left(": "(", "right)": ")", "left[": "[", "right]": "]",
    "left\\langle": "⟨", "right\\rangle": "⟩", "left\\{": "(", "right\\}": ")",
    "infty": "∞",     # only to say why ||x||_\infty is refused (parse/syntax.py)
    "sigma": "σ", "coloneqq": ":=", "triangleq": ":=", "eqqcolon": "=:", "_": "_",     # \operatorname{expm\_kron}
}
# Operator names: a word of their own (t\log\sigma(…) is t log σ(…), never the letter run tlog)
_OPERATORS = {"log": "log ", "ln": "log ", "det": "det ", "exp": "exp ", "sin": "sin ", "cos": "cos ",
              "tan": "tan ", "tanh": "tanh ", "sinh": "sinh ", "cosh": "cosh ", "max": "max", "Tr": "tr ",
              "tr": "tr "}
# Bars that say which side they are on keep their pairing: \left\lVert 2 \left\lVert x \right\rVert x
# \right\rVert becomes ||(2 ||(x)|| x)||, where bars pair inside the parentheses (|| 2 || x || x || would
# read as ||2|| ||x|| x). name → (bar, opens).
_SIDED_BARS = {"lVert": ("||", True), "rVert": ("||", False), "lvert": ("|", True), "rvert": ("|", False),
               "left\\|": ("||", True), "right\\|": ("||", False), "left\\lVert": ("||", True),
               "right\\rVert": ("||", False), "left|": ("|", True), "right|": ("|", False),
               "left\\lvert": ("|", True), "right\\rvert": ("|", False)}
_WRAPPERS = ("mathbf", "boldsymbol", "bm", "vec", "mathit", "mathrm", "operatorname", "text", "mathsf",
             "mathnormal", "textrm", "textit", "operatorname*", "mathopen", "mathclose", "mathcal", "mathscr",
             "mathfrak", "mathbb", "pmb")
_ONES = ("mathbf", "boldsymbol", "bm", "mathbb", "pmb")          # \mathbf{1}, \mathbb{1}: the ones vector
# Accents make a new name (ŷ is not y): \hat{y} is the name y_hat, printed back as \hat{y}.
_ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
            "widetilde": "tilde", "check": "check", "breve": "breve", "dot": "dot", "ddot": "ddot"}
# Index notation and operators with no matrix form here: refused with the matrix form to write.
_NOT_MATRIX_FORM = {
    "sum": "index notation (\\sum_{i=1}^{n} …) is not read: write the sum in matrix form — Σᵢ xᵢ is sum(x) or "
           "1^T x, Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(…) is sum(log(…)) of the "
           "vector of terms",
    "prod": "a product over an index (\\prod) is not read: take its log, Σᵢ log(…), and write that as sum(log(…))",
    "nabla": "\\nabla names a derivative; write the function and ask for its gradient (matcalc grad F --wrt x)",
    "partial": "\\partial names a derivative; write the function and ask for its derivative (matcalc grad F --wrt x)",
    "int": "integrals are not matrix expressions matcalc can differentiate",
    "cdots": "an ellipsis (\\cdots) is not read: write the sum or product in matrix form (e^{x_1} + \\cdots + "
             "e^{x_n} is sum(exp(x)), x_1 + \\cdots + x_n is sum(x))",
    "ldots": "an ellipsis (\\ldots) is not read: write the sum in matrix form (x_1 + \\ldots + x_n is sum(x))",
    "dots": "an ellipsis (\\dots) is not read: write the sum in matrix form (x_1 + \\dots + x_n is sum(x))",
    "in": "a statement of membership (x \\in \\mathbb{R}^n) is a declaration: pass it as --let \"x: n\" "
          "(where={\"x\": \"n\"})",
}
_SIZED_IDENTITY = re.compile(r"I_(?:\{\s*([A-Za-z][A-Za-z0-9]*|[1-9][0-9]+|[2-9])\s*\}|([A-Za-z]|[2-9]))")
_COMMUTATION = re.compile(r"K_\{\s*([A-Za-z0-9]+)\s*,\s*([A-Za-z0-9]+)\s*\}")
_SIZED_ZERO = re.compile(r"\s*_\{((?:[^{}\\]|\{[^{}]*\})*\\times(?:[^{}\\]|\{[^{}]*\})*)\}")
# A subscript of one letter or digit, or of letters and digits in braces: x_0, \Sigma_{12}, W_{hh}
_SUBSCRIPT = re.compile(r"_\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9])")
# λ_max(A), σ_max(X), v_2(A) applied (ops/eigen.py, ops/spectral_norm.py): the subscript is part of the name
_SPECTRAL = re.compile(r"(\\lambda|v|\\sigma(?=\s*_\s*\{?\s*\\max))\s*_\s*"
                       r"(?:\{\s*(\\max|\\min|[1-9][0-9]*)\s*\}|(\\max|\\min)|([1-9]))"
                       r"\s*(?=(?:\\mathopen\{\}\s*)?(?:\\left\s*)?\()")
_NUMBER = re.compile(r"\s*(\d+\.\d+|\d+|\.\d+)\s*")
# One atom of a fraction: a number, a letter, or a Greek letter (\\frac{\\lambda}{2})
_ATOM = re.compile(r"\s*(?:\d+|[A-Za-z]|\\[A-Za-z]+)\s*")

class Translation:
    """Plain text and, for each of its characters, the position it came from in the LaTeX input."""

    def __init__(self, source):
        self.source, self.out, self.where = source, [], []
        self.bars = []          # open sided bars: (bar, start, end) of the command in the source
        self.matrices = 0       # open matrix environments
        self.bold = set()       # lower-case names written in bold (\mathbf{x}, \boldsymbol{\mu}): vectors
        self.notes = []         # how a LaTeX construct that could be read two ways was read
        self.whole = set()      # names a command made (nablaf_k): one name each, never a run of letters
        self.index_sums = {}    # position of `sum(` in the plain text → its index letter (\sum_{i=1}^n)

    def emit(self, text, pos):
        self.out.append(text)
        self.where.extend([pos] * len(text))

    def word(self, text, pos):
        """Emit a name a command produced, apart from a name just before it: `\\mathbf{X}\\beta` is
        X β, not the letter run Xbeta (which would be read X b e t a)."""
        if self.out and re.match(r"[A-Za-z0-9_]", self.out[-1][-1:] or " ") and re.match(r"[A-Za-z0-9]", text):
            self.emit(" ", pos)
        self.emit(text, pos)

    @property
    def text(self):
        return "".join(self.out)

    def origin(self, pos):
        if pos is None or not self.where:
            return pos
        return self.where[min(pos, len(self.where) - 1)] if pos < len(self.where) else len(self.source)


_ROW_OPERATION = re.compile(r"\\operatorname\{(softmax|logsumexp|mean|var)\}\s*_\s*\{\s*\\text\{\s*(row|col)s?\s*\}\s*\}")


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
        if ch == "\\" or ch == "v" and (i == 0 or not src[i - 1].isalnum()):
            m = _SPECTRAL.match(src, i, end)
            if m is not None:                            # \lambda_{\max}(A), v_{2}(A): as ops/eigen.py prints them
                t.word(f"{m.group(1)[1:] if m.group(1) != 'v' else 'v'}_{(m.group(2) or m.group(3) or m.group(4)).lstrip(chr(92))}", i)
                i = m.end()
                continue
        if ch in "_^" and t.out and re.match(r"[A-Za-z0-9}]", t.text.rstrip()[-1:] or " "):
            m = (_STAR if ch == "_" else _SUPER_NAME).match(src, i, end)
            if m is not None:
                # w^*, \mathbf{k}_*, w^\star: the name w_star (the optimum, a test point), never a product;
                # W^{(1)}: the layer index of Goodfellow's and Bishop's W^{(1)}, the name W_1 (a power is
                # never written with its exponent in parentheses)
                previous = t.text.rstrip()
                if re.search(r"_[A-Za-z0-9]+$", previous) or not re.search(r"[A-Za-z]$", previous):
                    raise ParseError(f"'{src[i:m.end()]}' after a name that already has a subscript (or after no "
                                     "name): a name carries one subscript; write a plain name for it (wstar, "
                                     "yhat1) or the matrix form", i, src, end=m.end())
                suffix = "star" if m.group("star") else "plus" if m.groupdict().get("plus") else m.group("index")
                t.emit(f"_{suffix}" + ("^T" if m.groupdict().get("T") else ""), i)
                base = re.findall(r"[A-Za-z]+$", previous)[0]
                why = {"star": "as w* the optimum", "plus": "as k₊ the positive key"}.get(suffix, "a layer or set "
                                                                                            "index, never a power")
                t.notes.append(f"'{base}{src[i:m.end()].strip()}' is read as the name {base}_{suffix} ({why})")
                i = m.end()
                continue
        if ch == "_":
            m = _SUBSCRIPT.match(src, i, end)
            if m is not None:
                t.emit(m.group(0).replace(" ", "") + " ", i)
                i = m.end()
                continue
        if ch == "\\":
            m = _ROW_OPERATION.match(src, i, end)
            if m is not None:                            # \operatorname{softmax}_{\text{row}}, as the printer writes softmax_rows
                t.emit(f"{m.group(1)}_{m.group(2)}s", i)
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
        elif name in _STATEMENT_BREAKS:
            t.emit(" " if t.matrices else ";", i)
        elif name in ("frac", "tfrac", "dfrac"):
            a0, a1, after = _group(src, after)
            b0, b1, after = _group(src, after)
            if t.matrices and _NUMBER.fullmatch(src[a0:a1]) and _NUMBER.fullmatch(src[b0:b1]):
                t.emit(" " + src[a0:a1].strip(), a0)        # an entry of a matrix literal is a number or a
                t.emit("/", a1)                              # quotient of two, never in parentheses
                t.emit(src[b0:b1].strip() + " ", b0)
                i = after
                continue
            # \frac{N}{2} is (N/2), \frac{1}{2n} is (1/(2n)): parentheses only around a part that is
            # not one atom, so the plain reading's conventions (a count N over a number) see what they
            # would see in N/2
            top, bottom = _ATOM.fullmatch(src[a0:a1]) is None, _ATOM.fullmatch(src[b0:b1]) is None
            t.emit("((" if top else "(", i)
            _run(src, a0, a1, t)
            t.emit(")/(" if top and bottom else ")/" if top else "/(" if bottom else "/", a1)
            _run(src, b0, b1, t)
            t.emit("))" if bottom else ")", b1)
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
                t.word(f"zeros({dims[0]}, {dims[1]})" if plain else "matrix(0)", i)
                after = sized.end()
            elif name in _ONES and word in ("1", "0"):
                t.word(f"vector({word})", i)
            elif word.startswith("\\") and word[1:] in _GREEK:
                if name in _ONES and word[1].islower():
                    t.bold.add(word[1:])
                t.word(word[1:], a0)
            elif name.startswith("text") and word in ("where", "with", "and", "for"):
                t.emit(" where " if word == "where" else ";", i)     # \text{where} C = …: a definition follows
            elif word in _OPERATORS and name in ("operatorname", "mathrm", "text", "textrm", "operatorname*"):
                t.word(_OPERATORS[word], i)          # \mathrm{Tr}(…), \operatorname{max}: the operator
            elif word in FUNCTIONS or re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word):
                if (name in _ONES or name == "vec") and word[0].islower() and word not in FUNCTIONS:
                    t.bold.add(word)
                    sub = _SUBSCRIPT.match(src, after, end)
                    if sub is not None:        # \mathbf{x}_n, \vec{c}_N: the subscripted name is the vector
                        t.bold.add(word + re.sub(r"[\s{}]", "", sub.group(0)))
                t.word(word + (" " if word in FUNCTIONS else ""), a0)
            else:
                _run(src, a0, a1, t)
        elif name in _SIDED_BARS:
            _bar(name, src, i, after, t)
        elif name in _ACCENTS:
            a0, a1, after = _group(src, after)
            word = src[a0:a1].strip()
            styled = re.fullmatch(r"\\(mathbf|boldsymbol|bm|pmb|mathrm|mathit)\s*\{\s*(\\?[A-Za-z][A-Za-z0-9]*)\s*\}", word)
            if styled is not None:              # \tilde{\mathbf{w}}: the accent of a bold (vector) name
                word = styled.group(2)
            word = word[1:] if word.startswith("\\") and word[1:] in _GREEK else word
            if styled is not None and styled.group(1) in _ONES and word[:1].islower():
                t.bold.add(f"{word}_{_ACCENTS[name]}")
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word):
                raise ParseError(f"'\\{name}' over '{src[a0:a1]}': an accent makes a name only over a letter or a "
                                 "Greek letter", i, src, end=after)
            t.word(f"{word}_{_ACCENTS[name]}", i)
            after = _no_subscript(src, i, after, end)
        elif name == "ell":
            t.word("ell" + ("" if src.startswith("_", after) else " "), i)
        elif name == "sum" and not re.match(r"\s*[_^]", src[after:end]):
            # \sum with no limits: the sum of all entries of the term after it, up to the next + or −
            # at its level (\log\sum\exp(W x) is log(sum(exp(W x))))
            stop = _summand_end(src, after, end)
            if not src[after:stop].strip():
                raise ParseError("\\sum without a term after it", i, src, end=after)
            t.word("sum(", i)
            t.notes.append(f"'{src[i:stop].strip()}' is read as sum(…) of all entries of the term after \\sum, up "
                           "to the next + or − (a \\sum with no limits sums over every index)")
            _run(src, after, stop, t)
            t.emit(")", stop)
            after = stop
        elif name == "sum" and _LIMITS.match(src, after, end):
            # \sum_{i=1}^{n} over entries x_i of vectors: sum(…), its term made element-wise by index_sums.py
            # (or refused there with the matrix form); the term runs to the next + or − at its level
            m = _LIMITS.match(src, after, end)
            stop = _summand_end(src, m.end(), end)
            if not src[m.end():stop].strip():
                raise ParseError("\\sum without a term after it", i, src, end=m.end())
            t.word("sum(", i)
            t.index_sums[len(t.text) - 4] = m.group(1) or m.group(2)
            _run(src, m.end(), stop, t)
            t.emit(")", stop)
            after = stop
        elif name == "nabla" and _NABLA_NAME.match(src, after, end):
            # ∇f_k in Nocedal & Wright's model f_k + ∇f_kᵀp + ½pᵀB_k p: a given vector, the gradient at the
            # iterate, named nablaf_k — not a derivative for matcalc to take
            m = _NABLA_NAME.match(src, after, end)
            t.word(f"nabla{m.group(1)}_{m.group(2) or m.group(3)}", i)
            t.whole.add(f"nabla{m.group(1)}_{m.group(2) or m.group(3)}")
            t.notes.append(f"'{src[i:m.end()].strip()}' is read as a name of its own, nabla{m.group(1)}_"
                           f"{m.group(2) or m.group(3)}: a given value (the gradient at an iterate), not a "
                           "derivative matcalc takes")
            after = m.end()
        elif name in _NOT_MATRIX_FORM:
            raise ParseError(_NOT_MATRIX_FORM[name], i, src, end=after)
        elif name in ("log", "ln") and _GLUED_NUMBER.match(src, after, end):
            # \log 2\pi, \log 2\pi\sigma^2: the number and the Greek letters after it are the argument,
            # log(2π σ²), as the plain reading takes `log 2πσ^2`, never log(2)·π
            m = _GLUED_NUMBER.match(src, after, end)
            t.notes.append(f"'{src[i:m.end()].strip()}' is read as log({src[after:m.end()].strip()}): the number and the "
                           "letters after it are the argument, as in every source")
            t.word("log(", i)
            _run(src, after, m.end(), t)
            t.emit(")", m.end())
            after = m.end()
        elif name in _OPERATORS:
            t.word(_OPERATORS[name], i)
            if name == "max":
                after = len(src[:end]) - len(src[after:end].lstrip()) if src[after:end].strip() else after
        elif name in ("left[", "right]"):
            # \left[ … \right] groups, as parentheses do; around a matrix environment, whose own
            # brackets make the literal, it adds nothing
            t.emit("" if _next_to_matrix(src, i, after, name) else "(" if name == "left[" else ")", i)
        elif name in _SIMPLE:
            t.emit(_SIMPLE[name], i)
        elif name == "Phi" and _APPLIED.match(src, after):
            t.word("Phi", i)            # \Phi(x), \Phi\mathopen{}\left(x\right): Φ applied, the normal CDF
        elif name in _GREEK:
            t.word(name + ("" if src.startswith("_", after) else " "), i)       # \mu_0 is the name mu_0
        else:
            raise ParseError(f"unknown or unsupported LaTeX command '\\{name}'", i, src, end=after)
        i = after


def _no_subscript(src, i, after, end):
    """\\hat{y}_i: a name carries one subscript, and the accent's is taken (y_hat)."""
    m = _SUBSCRIPT.match(src, after, end)
    if m is not None:
        raise ParseError(f"'{src[i:m.end()]}': an accented name cannot take a subscript as well (it is read as "
                         f"the name {src[i:after]} = …_hat); for a row or an entry, write the matrix form, and for a "
                         "name of its own, declare a plain one (--let \"yhat1: n\")", i, src, end=m.end())
    return after


def _next_to_matrix(src, i, after, name):
    """Whether \\left[ opens (or \\right] closes) a matrix environment, whose brackets are the literal's."""
    if name == "left[":
        return re.match(r"\s*\\begin\s*\{", src[after:]) is not None
    return re.search(r"\\end\s*\{[a-z]*matrix\}\s*$", src[:i]) is not None


# ‖w‖^2_2, as often typed: the norm's subscript goes with the bars, before the power (‖w‖_2^2)
_POWER_BEFORE_NORMSUB = re.compile(r"(\|\|)\s*(\^\s*(?:\{[^{}]*\}|[^\s{}]))\s*(_\s*(?:\{\s*(?:1|2|F|fro)\s*\}|[12F]))")


def to_plain(source):
    """The plain-notation text for LaTeX `source` (and the Translation, for mapping positions back)."""
    t = translate(source)
    text = t.text
    text = re.sub(r"\^\s*\{\s*\\?circ\s*", ".^{", text)      # x^{∘ 2}: the element-wise power as printed
    text = text.replace("^{⊙", ".^{")
    text = _POWER_BEFORE_NORMSUB.sub(r"\1\3\2", text)
    return text, t
