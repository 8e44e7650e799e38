"""Characters and tokens before the grammar: the pre-scan of the raw text and the post-lexer.

The post-lexer pairs | and || into opening and closing bars, splits undeclared letter runs (`Ax` →
`A x`), and turns the names of declared functions (g, J_g, h') and `σ(` into function tokens. What
is declared reaches it through two context variables set by `parse_full` for the length of a parse.
"""
import difflib
import re
import unicodedata
from contextvars import ContextVar

from ..errors import LimitError, ParseError
from ..vocabulary import (APPLICATIONS, FUNCTION_LETTERS, FUNCTIONS, GREEK_NAMES, IDENTITY_NAMES, lookalike,
                          spelling)
from .lalr import Token as _Token

MAX_INPUT = 100_000   # characters
MAX_DEPTH = 64        # nesting of brackets and bars
MAX_RUN = 32          # letters in an undeclared run read as a product (ABCD is A B C D; 99,000 letters are not)

declared_names = ContextVar("declared", default=frozenset())
declared_functions = ContextVar("functions", default=frozenset())
# Runs of letters read as one name while solve.py tries that reading (and the names given to --wrt).
whole_names = ContextVar("whole_names", default=frozenset())
# Names whose prime (x') is a name of its own, x_prime, while solve.py tries that reading (k(x, x'))
primed_names = ContextVar("primed_names", default=frozenset())
# spelling → the first way the text writes a name (Σ, Sigma): one dict for all the statements of a text
text_spellings = ContextVar("spellings", default=None)


_A_NAME = _Token("NAME", "")     # the previous token, after a run of names: only its type is read


class PostLex:
    """Pairs | and || into open/close tokens, splits undeclared letter runs, reads σ( as sigmoid.

    A bar after an operand closes the innermost open bar of its kind, unless a bracket was opened after
    that bar: bars pair inside brackets, so ||(2 ||x|| x)|| is the norm of 2 ||x|| x."""
    always_accept = ("BAR", "DBAR")
    _OPERAND_END = {"NAME", "NUMBER", "RPAR", "RNORM", "RABS", "POSTOP", "NORMSUB", "RSQB", "RBRACE", "RANGLE"}
    _OPENERS = {"LPAR", "LSQB", "LBRACE", "LANGLE", "WSUB"}
    _CLOSERS = {"RPAR", "RSQB", "RBRACE", "RANGLE"}

    def __init__(self, token=None):
        self.token = token      # the token class: lalr.Token, or Lark's when Lark parses (loading._build)

    def process(self, stream):
        Token = self.token or _Token
        declared = declared_names.get() | whole_names.get()
        spelled = text_spellings.get()      # Σ and Sigma are one name, spelled as the text first does
        spelled = {} if spelled is None else spelled
        stack, prev, depth, groups = [], None, 0, 0     # stack: open bars ("NORM", "ABS") and brackets
        tokens = list(stream)
        # read once, not per token: this loop runs for every token of every parse
        openers, closers, operand_end, primed = self._OPENERS, self._CLOSERS, self._OPERAND_END, primed_names.get()
        for i, tok in enumerate(tokens):
            if tok is None:        # consumed by a user function's name (h' in h'(x))
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            type_ = tok.type
            if type_ in openers or type_ in ("BAR", "DBAR") and not (
                    stack and stack[-1] == ("NORM" if type_ == "DBAR" else "ABS")
                    and prev is not None and prev.type in operand_end):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LimitError(f"nesting deeper than {MAX_DEPTH} levels", tok.start_pos, end=tok.end_pos)
            elif type_ in closers or type_ in ("BAR", "DBAR"):
                depth -= 1
            if type_ in openers:
                stack.append("GROUP")
                groups += 1
            elif type_ in closers and groups:
                while stack.pop() != "GROUP":       # a bar left open inside the brackets is a syntax error
                    pass
                groups -= 1
            if type_ in ("BAR", "DBAR"):
                kind = "NORM" if type_ == "DBAR" else "ABS"
                closing = bool(stack) and stack[-1] == kind and prev is not None and prev.type in operand_end
                if closing:
                    stack.pop()
                else:
                    stack.append(kind)
                tok = Token.new_borrow_pos(("R" if closing else "L") + kind, tok.value, tok)
                yield tok
            elif type_ == "NAME" and tok.value in primed and nxt is not None and nxt.type == "POSTOP" \
                    and nxt.value == "'" and nxt.start_pos == tok.end_pos:
                tokens[i + 1] = None            # x' as the name x_prime: a point of its own, as in k(x, x')
                tok = Token("NAME", f"{tok.value}_prime", tok.start_pos, tok.line, tok.column, nxt.end_line,
                            nxt.end_column, nxt.end_pos)
                yield tok
            elif type_ == "NAME" and nxt is not None and self._user_function(tok, tokens, i):
                name, skip = self._user_function(tok, tokens, i)
                for j in range(skip):
                    tokens[i + 1 + j] = None
                tok = Token.new_borrow_pos("FUNC", name, tok)
                yield tok
            elif type_ == "NAME" and tok.value in APPLICATIONS and tok.value not in declared and nxt is not None \
                    and nxt.type == "LPAR" and (nxt.start_pos == tok.end_pos or tok.value in ("σ", "eye")):
                # sigma(W x), Φ(z), max(0, u), ones(n), eye(n): applications of known functions
                tok = Token.new_borrow_pos("FUNC", APPLICATIONS[tok.value], tok)
                yield tok
            elif type_ == "NAME":
                applied = nxt is not None and nxt.type == "LPAR" and nxt.start_pos == tok.end_pos
                if applied and tok.value not in declared and _reads_as_function(tok.value):
                    tok = Token.new_borrow_pos("FUNC", tok.value, tok)  # refused when built (calls.py), after
                    yield tok                                           # any syntax error in its arguments
                    prev = tok
                    continue
                parts = _split_name(normal_name(tok.value), declared)
                if len(parts) > 2 and applied:
                    raise _unknown_function(tok)
                if len(parts) > MAX_RUN:
                    raise ParseError(f"a run of {len(parts):,} letters ('{tok.value[:12]}…') is read as a product "
                                     f"of single letters, and a product of more than {MAX_RUN} is not plausible: "
                                     "separate the factors with spaces, or declare the name (--let "
                                     f"\"{tok.value[:12]}…: n\")", tok.start_pos, end=tok.end_pos)
                offset = 0
                for k, part in enumerate(parts):
                    width = len(part) if k < len(parts) - 1 else tok.end_pos - tok.start_pos - offset
                    yield Token("NAME", spelled.setdefault(spelling(part), part), tok.start_pos + offset, tok.line,
                                tok.column + offset, tok.end_line, tok.column + offset + width,
                                tok.start_pos + offset + width)
                    offset += len(part)
                tok = _A_NAME        # what comes next reads only its type
            else:
                yield tok
            prev = tok


    def _user_function(self, tok, tokens, i):
        """g(, J_g(, h'( for declared functions g, h: (function token text, tokens consumed after the name)."""
        functions = declared_functions.get()
        if not functions:
            return None
        name, j = tok.value, i + 1
        if name.startswith("J_") and name[2:] in functions:
            pass
        elif name in functions:
            while j < len(tokens) and tokens[j] is not None and tokens[j].type == "POSTOP" and tokens[j].value == "'":
                name += "'"
                j += 1
        else:
            return None
        if j < len(tokens) and tokens[j] is not None and tokens[j].type == "LPAR":
            return name, j - i - 1
        return None


def normal_name(name):
    """x_{0} is x_0: braces around a subscript are notation, not part of the name; w^*, k_* are w_star, k_star."""
    if "*" in name:
        return re.sub(r"[_^]\{?\*\}?$", "_star", name)
    return re.sub(r"_\{([A-Za-z0-9]+)\}$", r"_\1", name) if "_{" in name else name


def _split_name(name, declared):
    """`Ax` → [A, x]: a run of letters that is not a known name is a product of single letters; a Greek
    name keeps its digits and subscript (mu_0, alpha2)."""
    if name in declared or name in GREEK_NAMES or name in IDENTITY_NAMES or len(name) == 1 or name == "const":
        return [name]
    m = re.match(r"^([A-Za-z\u0391-\u03A9\u03B1-\u03C9\u03D1\u03D5\u03F5]+)(.*)$", name)   # πσ is π σ too
    if m is None or len(m.group(1)) == 1 or m.group(1) in GREEK_NAMES:
        return [name]
    letters, suffix = m.groups()
    return list(letters[:-1]) + [letters[-1] + suffix]


def _reads_as_function(name):
    """f(x), λ_max(A), g_θ(x): a lower-case name that is a function letter or carries a subscript, written
    directly before `(`, is an application — never a product (a(b + c), λ(x + y), W_1(x) stay products)."""
    return name in FUNCTION_LETTERS or "_" in name and name[0].islower()


def _unknown_function(tok):
    # only a near miss is a suggestion (sotfmax → softmax); getattr is not a misspelled vector
    best = difflib.get_close_matches(tok.value.lower(), FUNCTIONS, n=1, cutoff=0.75)
    hint = f"; did you mean '{best[0]}'?" if best else ""
    return ParseError(f"unknown function '{tok.value}'{hint}", tok.start_pos, end=tok.end_pos)


def prescan(text):
    if not isinstance(text, str):
        raise ParseError(f"expected the expression as a string, got {type(text).__name__}")
    if len(text) > MAX_INPUT:
        raise LimitError(f"input is {len(text):,} characters; the limit is {MAX_INPUT:,}", 0, text)
    if not text.strip():
        raise ParseError("empty expression: type an expression such as 'x^T A x'", 0, text)
    for i, ch in enumerate(text):
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            raise ParseError(f"control or invalid character U+{ord(ch):04X} in the input", i, text)
    twin = lookalike(text)
    if twin is not None:
        raise ParseError(twin[1], twin[0], text)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{⟨":
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitError(f"nesting deeper than {MAX_DEPTH} levels", i, text)
        elif ch in ")]}⟩":
            depth -= 1

