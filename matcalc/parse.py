"""Text → typed, shape-checked expression.

Three steps: the Lark parser (grammar/matcalc.lark, built once) gives a syntax tree, turned into a
small position-carrying AST; `kinds` decides for every undeclared lower-case name whether it is a
scalar or a vector; `Builder` builds the typed nodes while unifying symbolic dimensions, and the
result is rebuilt with every dimension resolved to a name.
"""
import difflib
import re
import unicodedata
from contextvars import ContextVar
from fractions import Fraction
from pathlib import Path

from . import expr as E
from . import shapes as S
from .declarations import parse_declarations
from .errors import DeclarationError, LimitError, MatcalcError, ParseError, ShapeError

MAX_INPUT = 100_000   # characters
MAX_DEPTH = 64        # nesting of brackets and bars
MAX_EXPONENT = 300    # decimal exponent of a number literal
MAX_TREE_DEPTH = 200  # operators nested in one another (postfix chains like x count too)

FUNCTIONS = ("tr", "trace", "det", "logdet", "log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh",
             "tanh", "sigmoid", "softmax", "logsumexp", "softplus", "relu", "sqrt", "abs", "sign",
             "step", "sum", "diag", "vec", "inv", "kron", "norm", "norm1", "norm2", "vector", "matrix",
             "commutation", "zeros")
ELEMENTWISE = ("exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sigmoid", "softplus",
               "relu", "sqrt", "abs", "sign", "step")
GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
         "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma",
         "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega")
GREEK_NAMES = frozenset(GREEK) | frozenset(g.capitalize() for g in GREEK)
IDENTITY_NAMES = ("I", "eye")
_UNICODE = {"−": "-", "∗": "*", "×": "*", "⋅": "·", "⊤": "ᵀ"}

_declared = ContextVar("declared", default=frozenset())
_functions = ContextVar("functions", default=frozenset())
_parser = None


# ---- syntax --------------------------------------------------------------------------------
class Node:
    """An AST node: op, args, and the span [start, end) in the input."""
    __slots__ = ("op", "args", "start", "end")

    def __init__(self, op, args, start, end):
        self.op, self.args, self.start, self.end = op, args, start, end

    def __repr__(self):
        return f"{self.op}{self.args}"


def grammar_text():
    here = Path(__file__).resolve().parent
    for path in (here / "grammar" / "matcalc.lark", here.parent / "grammar" / "matcalc.lark"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise MatcalcError("the grammar file matcalc.lark is missing from the installation")


def _lark():
    global _parser
    if _parser is None:
        from lark import Lark
        _parser = Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True,
                       postlex=_PostLex(), maybe_placeholders=False, cache=True)
    return _parser


class _PostLex:
    """Pairs | and || into open/close tokens, splits undeclared letter runs, reads σ( as sigmoid.

    A bar after an operand closes the innermost open bar of its kind, unless a bracket was opened after
    that bar: bars pair inside brackets, so ||(2 ||x|| x)|| is the norm of 2 ||x|| x."""
    always_accept = ("BAR", "DBAR")
    _OPERAND_END = {"NAME", "NUMBER", "RPAR", "RNORM", "RABS", "POSTOP", "NORMSUB", "RSQB", "RBRACE", "RANGLE"}
    _OPENERS = {"LPAR", "LSQB", "LBRACE", "LANGLE"}
    _CLOSERS = {"RPAR", "RSQB", "RBRACE", "RANGLE"}

    def process(self, stream):
        from lark import Token
        declared = _declared.get()
        stack, prev, depth, groups = [], None, 0, 0     # stack: open bars ("NORM", "ABS") and brackets
        tokens = list(stream)
        for i, tok in enumerate(tokens):
            if tok is None:        # consumed by a user function's name (h' in h'(x))
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if tok.type in self._OPENERS or tok.type in ("BAR", "DBAR") and not (
                    stack and stack[-1] == ("NORM" if tok.type == "DBAR" else "ABS")
                    and prev is not None and prev.type in self._OPERAND_END):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LimitError(f"nesting deeper than {MAX_DEPTH} levels", tok.start_pos, end=tok.end_pos)
            elif tok.type in self._CLOSERS or tok.type in ("BAR", "DBAR"):
                depth -= 1
            if tok.type in self._OPENERS:
                stack.append("GROUP")
                groups += 1
            elif tok.type in self._CLOSERS and groups:
                while stack.pop() != "GROUP":       # a bar left open inside the brackets is a syntax error
                    pass
                groups -= 1
            if tok.type in ("BAR", "DBAR"):
                kind = "NORM" if tok.type == "DBAR" else "ABS"
                closing = bool(stack) and stack[-1] == kind and prev is not None and prev.type in self._OPERAND_END
                if closing:
                    stack.pop()
                else:
                    stack.append(kind)
                tok = Token.new_borrow_pos(("R" if closing else "L") + kind, tok.value, tok)
                yield tok
            elif tok.type == "NAME" and nxt is not None and self._user_function(tok, tokens, i):
                name, skip = self._user_function(tok, tokens, i)
                for j in range(skip):
                    tokens[i + 1 + j] = None
                tok = Token.new_borrow_pos("FUNC", name, tok)
                yield tok
            elif tok.type == "NAME" and tok.value == "eye" and nxt is not None and nxt.type == "LPAR" \
                    and "eye" not in declared:
                tok = Token.new_borrow_pos("FUNC", "eye", tok)     # eye(n): the n×n identity
                yield tok
            elif tok.type == "NAME":
                if tok.value == "σ" and nxt is not None and nxt.type == "LPAR":
                    tok = Token.new_borrow_pos("FUNC", "sigmoid", tok)
                    yield tok
                else:
                    parts = _split_name(_normal_name(tok.value), declared)
                    if len(parts) > 2 and nxt is not None and nxt.type == "LPAR" and nxt.start_pos == tok.end_pos:
                        raise _unknown_function(tok)
                    offset = 0
                    for k, part in enumerate(parts):
                        width = len(part) if k < len(parts) - 1 else tok.end_pos - tok.start_pos - offset
                        yield Token("NAME", part, tok.start_pos + offset, tok.line, tok.column + offset,
                                    tok.end_line, tok.column + offset + width, tok.start_pos + offset + width)
                        offset += len(part)
                    tok = Token("NAME", parts[-1])
            else:
                yield tok
            prev = tok


def _user_function_token(self, tok, tokens, i):
    """g(, J_g(, h'( for declared functions g, h: (function token text, tokens consumed after the name)."""
    functions = _functions.get()
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


_PostLex._user_function = _user_function_token


def _normal_name(name):
    """x_{0} is x_0: braces around a subscript are notation, not part of the name."""
    return re.sub(r"_\{([A-Za-z0-9]+)\}$", r"_\1", name) if "_{" in name else name


def _split_name(name, declared):
    """`Ax` → [A, x]: a run of letters that is not a known name is a product of single letters; a Greek
    name keeps its digits and subscript (mu_0, alpha2)."""
    if name in declared or name in GREEK_NAMES or name in IDENTITY_NAMES or len(name) == 1:
        return [name]
    m = re.match(r"^([A-Za-z]+)(.*)$", name)
    if m is None or len(m.group(1)) == 1 or m.group(1) in GREEK_NAMES:
        return [name]
    letters, suffix = m.groups()
    return list(letters[:-1]) + [letters[-1] + suffix]


def _unknown_function(tok):
    best = difflib.get_close_matches(tok.value.lower(), FUNCTIONS, n=1, cutoff=0.0)
    hint = f"; did you mean '{best[0]}'?" if best else ""
    return ParseError(f"unknown function '{tok.value}'{hint}", tok.start_pos, end=tok.end_pos)


def show_char(ch):
    """A character for a message: itself when visible, else its code point."""
    return f"'{ch}'" if ch.isprintable() and not ch.isspace() and unicodedata.category(ch)[0] != "C" \
        else f"U+{ord(ch):04X}"


def show_text(text):
    """A user string for a message, with invisible and control characters shown as code points."""
    return "".join(ch if ch == " " or ch.isprintable() and unicodedata.category(ch)[0] != "C"
                   else f"<U+{ord(ch):04X}>" for ch in str(text))


def _prescan(text):
    if not isinstance(text, str):
        raise ParseError(f"expected the expression as a string, got {type(text).__name__}")
    if len(text) > MAX_INPUT:
        raise LimitError(f"input is {len(text):,} characters; the limit is {MAX_INPUT:,}", 0, text)
    if not text.strip():
        raise ParseError("empty expression: type an expression such as 'x^T A x'", 0, text)
    for i, ch in enumerate(text):
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            raise ParseError(f"control or invalid character U+{ord(ch):04X} in the input", i, text)
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{⟨":
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitError(f"nesting deeper than {MAX_DEPTH} levels", i, text)
        elif ch in ")]}⟩":
            depth -= 1


def syntax_tree(text):
    """Parse text into the AST (no typing)."""
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError
    _prescan(text)
    text = "".join(_UNICODE.get(ch, ch) for ch in text)
    try:
        tree = _lark().parse(text)
        _check_depth(tree, text)
        return _to_ast(tree)
    except VisitError as e:
        if isinstance(e.orig_exc, MatcalcError):
            raise e.orig_exc.with_text(text) from None
        raise
    except MatcalcError as e:
        raise e.with_text(text) from None
    except UnexpectedCharacters as e:
        raise ParseError(f"unexpected character {show_char(text[e.pos_in_stream])}", e.pos_in_stream, text) from None
    except UnexpectedEOF:
        raise ParseError(_eof_message(text), len(text.rstrip()), text) from None
    except UnexpectedInput as e:
        tok = getattr(e, "token", None)
        if tok is None or tok.type == "$END":
            raise ParseError(_eof_message(text), len(text.rstrip()), text) from None
        raise ParseError(_unexpected(tok, text), tok.start_pos, text, end=tok.end_pos) from None
    except LarkError as e:
        raise ParseError(f"cannot parse the expression: {e}", 0, text) from None
    except RecursionError:
        raise LimitError("expression nested too deeply", 0, text) from None


def _check_depth(tree, text):
    """Refuse trees deeper than MAX_TREE_DEPTH before anything recurses over them."""
    from lark import Tree
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        weight = len(node.children) - 1 if node.data == "postfix" else 1
        depth += max(weight, 1) - 1
        if depth > MAX_TREE_DEPTH:
            pos = node.meta.start_pos if not node.meta.empty else 0
            raise LimitError(f"expression nested deeper than {MAX_TREE_DEPTH} operators", pos, text)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


def _eof_message(text):
    opens = {"(": ")", "[": "]", "{": "}", "⟨": "⟩"}
    stack = []
    for ch in text:
        if ch in opens:
            stack.append(opens[ch])
        elif ch in opens.values() and stack:
            stack.pop()
    if stack:
        return f"unexpected end of input: missing '{stack[-1]}'"
    if text.count("||") % 2 or text.count("‖") % 2:
        return "unexpected end of input: a norm bar '||' is not closed"
    if (text.count("|") - 2 * text.count("||")) % 2:
        return "unexpected end of input: an absolute-value bar '|' is not closed"
    return "unexpected end of input: the expression is incomplete"


def _unexpected(tok, text):
    before = text[:tok.start_pos].rstrip()
    if tok.type == "RPAR":
        pairs, stack = {"(": ")", "[": "]", "{": "}", "⟨": "⟩"}, []
        for i, ch in enumerate(before):
            if ch in pairs:
                stack.append((ch, i))
            elif ch in pairs.values() and stack and pairs[stack[-1][0]] == ch:
                stack.pop()
        if stack and stack[-1][0] != "(":
            return f"unexpected ')': the '{stack[-1][0]}' before it is not closed"
        if before.count("(") <= before.count(")"):
            return "unexpected ')' without a matching '('"
        if before.endswith("(") or before.endswith(","):
            return "unexpected ')': an argument or expression is missing"
        inside = before[stack[-1][1] + 1:] if stack else before     # bars pair inside the parentheses
        if (inside.count("|") - 2 * inside.count("||")) % 2 or inside.count("||") % 2 or inside.count("‖") % 2:
            return "unexpected ')': a norm or absolute-value bar opened inside the parentheses is not closed"
        return "unexpected ')': the expression before it is incomplete"
    what = {"RNORM": "norm bar", "RABS": "'|'", "LNORM": "'||' here", "LABS": "'|' here"}.get(tok.type)
    if what is None:
        what = show_char(tok.value) if len(tok.value) == 1 else repr(tok.value)
    return f"unexpected {what}"


def _to_ast(tree):
    """Convert the Lark tree iteratively-recursively into Nodes."""
    from lark import Token, Tree

    def span(t):
        if isinstance(t, Token):
            return t.start_pos, t.end_pos
        m = t.meta
        return (m.start_pos, m.end_pos) if not m.empty else (0, 0)

    def conv(t):
        if isinstance(t, Token):
            if t.type == "NAME":
                return Node("name", (t.value,), t.start_pos, t.end_pos)
            if t.type == "NUMBER":
                return Node("num", (_number(t),), t.start_pos, t.end_pos)
            return t
        a, b = span(t)
        kids = [conv(c) for c in t.children]
        op = t.data
        if op == "name":
            return kids[0]
        if op == "number":
            return kids[0]
        if op in ("fraction", "negfraction"):
            num, den = kids[-3].args[0], kids[-1].args[0]       # NUMBER SLASH NUMBER, after an optional MINUS
            if den == 0:
                raise ParseError("division by zero", a, end=b)
            return Node("num", ((-1 if op == "negfraction" else 1) * num / den,), a, b)
        if op == "negnumber":
            num = kids[1]
            return Node("num", (-num.args[0],), a, b)
        if op == "paren":
            node = kids[0]
            return Node("paren", (node,), a, b)
        if op in ("sum", "elem", "prod"):
            items = [kids[0]] + [(str(kids[i]), kids[i + 1]) for i in range(1, len(kids), 2)]
            return Node(op, tuple(items), a, b)
        if op == "juxt":
            return Node("juxt", tuple(kids), a, b)
        if op in ("neg",):
            return Node("neg", (kids[1],), a, b)
        if op == "power" or op == "epower":
            base, exp = kids[0], kids[-1]
            return Node("pow" if op == "power" else "epow", (base, exp), a, b)
        if op == "postfix":
            base = kids[0]
            for tok in kids[1:]:
                base = Node("post", (base, _postop(tok)), a, tok.end_pos)
            return base
        if op in ("call", "prefix_call"):
            name = str(kids[0])
            return Node("call", (name, tuple(kids[1:])), a, b)
        if op == "norm":
            sub = _normsub(kids[3]) if len(kids) > 3 else None
            return Node("norm", (kids[1], sub), a, b)
        if op == "abs":
            return Node("call", ("abs", (kids[1],)), a, b)
        if op == "inner":
            return Node("inner", (kids[1], kids[2]), a, b)
        if op == "row":
            return tuple(n.args[0] for n in kids)
        if op == "rows":
            return tuple(kids)
        if op == "literal":
            rows = kids[0]
            if len({len(r) for r in rows}) != 1:
                raise ParseError("the rows of a matrix literal must have the same length", a, end=b)
            return Node("literal", (rows,), a, b)
        raise ParseError(f"unsupported construct '{op}'", a, end=b)

    del Tree
    return conv(tree)


def _number(tok):
    text = tok.value
    m = re.search(r"[eE]([+-]?\d+)$", text)
    if m and abs(int(m.group(1))) > MAX_EXPONENT:
        raise ParseError(f"number {text} is out of range (exponent limit ±{MAX_EXPONENT})", tok.start_pos,
                         end=tok.end_pos)
    if len(text) > 40:
        raise ParseError(f"number literal too long ({len(text)} digits)", tok.start_pos, end=tok.end_pos)
    return Fraction(text)


def _postop(tok):
    v = re.sub(r"\s", "", tok.value)
    if v in ("'", "ᵀ") or re.fullmatch(r"\^(\{T\}|\(T\)|T)", v):
        return "T"
    if v == "⁻ᵀ" or re.fullmatch(r"\^(\{-T\}|\(-T\)|-T)", v):
        return "-T"
    if v == "⁻¹" or re.fullmatch(r"\^(\{-1\}|\(-1\)|-1)", v):
        return "-1"
    return int(v.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))


def _normsub(tok):
    v = re.sub(r"[\s_{}]", "", tok.value)
    return {"fro": "F"}.get(v, v)


# ---- kinds: scalar or vector for undeclared lower-case names -------------------------------
def letter_kind(name):
    """matrixcalculus.org's convention: a–g and lower-case Greek are scalars, h–z vectors."""
    first = name[0]
    letters = re.match(r"[A-Za-z]*", name).group()
    if name in GREEK_NAMES or letters in GREEK_NAMES or not ("a" <= first.lower() <= "z"):   # mu, mu_0, alpha2
        return "scalar"
    return "scalar" if first <= "g" else "vector"


def is_matrix_name(name):
    return name[0].isupper() and name not in ("I",)


class _Kinds:
    """Abstract interpretation over {S, V, R, M} and unknown groups of names (union-find)."""

    def __init__(self, decls):
        self.decls = decls
        self.parent, self.forced = {}, set()
        self.names = []

    def find(self, g):
        while self.parent[g] != g:
            self.parent[g] = self.parent[self.parent[g]]
            g = self.parent[g]
        return g

    def force(self, k):
        if isinstance(k, tuple):
            self.forced.add(self.find(k[1]))
            return "V"
        return k

    def join(self, kinds):
        groups = [k for k in kinds if isinstance(k, tuple)]
        known = [k for k in kinds if not isinstance(k, tuple) and k is not None]
        if any(k in ("V", "M") for k in known):
            for g in groups:
                self.force(g)
            return next(k for k in known if k in ("V", "M"))
        if groups:
            root = self.find(groups[0][1])
            for g in groups[1:]:
                other = self.find(g[1])
                if other != root:
                    self.parent[other] = root
                    if other in self.forced:
                        self.forced.add(root)
            return ("U", root)
        return known[0] if known else None

    def kind(self, n):
        op, args = n.op, n.args
        if op == "name":
            name = args[0]
            d = self.decls.get(name)
            if d is not None:
                return {"scalar": "S", "vector": "V", "matrix": "M", "function": None}[d.kind]
            if name in IDENTITY_NAMES or is_matrix_name(name):
                return "M"
            if name not in self.parent:
                self.parent[name] = name
                self.names.append(name)
            return ("U", name)
        if op in ("num",):
            return "S"
        if op == "literal":
            rows = args[0]
            return "S" if len(rows) == 1 and len(rows[0]) == 1 else "V" if all(len(r) == 1 for r in rows) else "M"
        if op == "paren":
            return self.kind(args[0])
        if op == "neg":
            return self.kind(args[0])
        if op == "sum":
            return self.join([self.kind(args[0])] + [self.kind(x) for _, x in args[1:]])
        if op == "elem":
            kinds = [self.kind(args[0])] + [self.kind(x) for _, x in args[1:]]
            if any(o == "⊗" for o, _ in args[1:]):
                return "M"
            return self.join(kinds)
        if op in ("prod", "juxt"):
            items = [(None, args[0])] + list(args[1:]) if op == "prod" else [(None, a) for a in args]
            acc = self.kind(items[0][1])
            for o, x in items[1:]:
                k = self.kind(x)
                if o == "/":
                    acc = self.join([acc, k]) if k in ("V", "M") else acc
                    continue
                if acc in ("M", "R") and isinstance(k, tuple):
                    k = self.force(k)
                acc = _product_kind(acc, k)
            return acc
        if op in ("pow", "epow"):
            self.kind(args[1])
            return self.kind(args[0])
        if op == "post":
            k = self.kind(args[0])
            if args[1] in ("T", "-T"):
                k = self.force(k)
                return {"V": "R", "R": "V"}.get(k, k)
            return k
        if op == "norm":
            self.kind(args[0])
            return "S"
        if op == "inner":
            self.force(self.kind(args[0]))
            self.force(self.kind(args[1]))
            return "S"
        if op == "call":
            name, cargs = args
            kinds = [self.kind(a) for a in cargs]
            k = kinds[0] if kinds else None
            user = _user_decl(self.decls, name)
            if user is not None:
                base, decl = user
                if decl.dims[0] == 1:
                    return k                                     # element-wise
                self.force(k)
                return "M" if base != name else ("S" if decl.dims[1] == 1 else "V")
            if name in ELEMENTWISE:
                return k
            if name in ("softmax",):
                return self.force(k)
            if name in ("logsumexp",):
                self.force(k)
                return "S"
            if name == "diag":
                k = self.force(k)
                return "M" if k == "V" else "V" if k == "M" else None
            if name == "vec":
                return "V"
            if name == "kron":
                return "M"
            if name == "inv":
                return k
            if name == "vector":
                return "V"
            if name == "matrix":
                return "M"
            return "S"
        return None

    def resolve(self):
        """name → ('scalar' | 'vector', noted: the letter convention alone would be wrong)."""
        vector_groups = {self.find(m) for m in self.names if letter_kind(m) == "vector"}
        out = {}
        for name in self.names:
            root = self.find(name)
            kind = "vector" if root in self.forced or root in vector_groups else "scalar"
            out[name] = (kind, kind != letter_kind(name))
        return out


def _product_kind(a, b):
    if a == "S" or a is None and b in ("S",):
        return b
    if b == "S":
        return a
    table = {("M", "M"): "M", ("M", "V"): "V", ("R", "M"): "R", ("R", "V"): "S", ("V", "R"): "M"}
    return table.get((a, b))


# ---- typed build with dimension unification ------------------------------------------------
class _Cell:
    """A dimension during unification: free (value None) or bound to an int, a symbol or a cell."""
    __slots__ = ("parent", "value", "order")
    counter = 0

    def __init__(self, value=None):
        self.parent, self.value = self, value
        _Cell.counter += 1
        self.order = _Cell.counter

    def __repr__(self):
        return f"?{self.order}"


def _find(c):
    while c.parent is not c:
        c.parent = c.parent.parent
        c = c.parent
    return c


def _occurs(cell, d):
    """Does the dimension `d` contain `cell` (n = n·m has no solution)?"""
    return isinstance(d, tuple) and any(f is cell or _occurs(cell, f) for f in d)


class _Unifier:
    def __init__(self):
        self.symbols = {}
        self.shown = {}

    def display(self, d):
        """A dimension for an error message: free cells get readable names as they are shown."""
        r = self.resolve(d)
        if isinstance(r, _Cell):
            if r not in self.shown:
                taken = set(self.shown.values()) | {s for s in self.symbols if isinstance(s, str)}
                self.shown[r] = next(p for p in _VECTOR_DIMS + tuple(f"n{i}" for i in range(1, 99)) if p not in taken)
            return self.shown[r]
        if isinstance(r, tuple):
            return tuple(self.display(f) for f in r)
        return r

    def symbol(self, d):
        if isinstance(d, int):
            return d
        cell = self.symbols.get(d)
        if cell is None:
            cell = self.symbols[d] = _Cell(d)
        return cell

    def resolve(self, d):
        if isinstance(d, _Cell):
            root = _find(d)
            return root.value if root.value is not None else root
        if isinstance(d, tuple):
            return tuple(self.resolve(f) for f in d)
        return d

    def __call__(self, a, b):
        ra, rb = self.resolve(a), self.resolve(b)
        if ra is rb or (not isinstance(ra, _Cell) and not isinstance(rb, _Cell) and ra == rb):
            return True
        if isinstance(ra, _Cell) and rb != 1 and not _occurs(ra, rb):
            if isinstance(rb, _Cell):
                ra.parent = rb
            else:
                ra.value = rb
            return True
        if isinstance(rb, _Cell) and ra != 1 and not _occurs(rb, ra):
            rb.value = ra
            return True
        if isinstance(ra, tuple) and isinstance(rb, tuple) and len(ra) == len(rb):
            # products: match equal factors first, then unify what is left pairwise (n·p = m·n ⇒ p = m)
            left, right = list(ra), list(rb)
            for f in list(left):
                same = next((g for g in right if g is f or (not isinstance(g, _Cell) and g == f)), None)
                if same is not None:
                    left.remove(f)
                    right.remove(same)
            return all(self(x, y) for x, y in zip(left, right))
        return False


class Builder:
    """Build typed nodes from the AST; every shape error is reported at the offending span."""

    def __init__(self, text, decls, kinds):
        self.text, self.decls, self.kinds = text, decls, kinds
        self.unify = _Unifier()
        self.vars = {}

    def fresh(self):
        return _Cell()

    def at(self, node, build, *args):
        try:
            return build(*args)
        except ShapeError as e:
            if e.pos is None:
                e.pos, e.end = node.start, node.end
            raise

    def var(self, n):
        name = n.args[0]
        if name in IDENTITY_NAMES and name not in self.decls:
            return E.Identity(self.fresh())
        if name not in self.vars:
            d = self.decls.get(name)
            if d is not None and d.kind == "function":
                raise ParseError(f"{name} is a declared function: apply it, as {name}(x)", n.start, end=n.end)
            if d is not None:
                dims, props = tuple(self.unify.symbol(x) for x in d.dims), d.props
            else:
                kind = "matrix" if is_matrix_name(name) else self.kinds[name][0]
                dims = {"matrix": lambda: (self.fresh(), self.fresh()), "vector": lambda: (self.fresh(), 1),
                        "scalar": lambda: (1, 1)}[kind]()
                props = frozenset()
            self.vars[name] = E.Var(name, dims, props)
        return self.vars[name]

    def broadcastable(self, n):
        """Only number literals and names declared scalar are broadcast over vectors and matrices; a
        quotient of number literals (1/2, -1/2, \\frac{1}{2}) is one number literal."""
        n = _unwrap(n)
        if n.op == "num" or n.op == "prod" and _unwrap(n.args[0]).op == "num" \
                and all(op == "/" and _unwrap(x).op == "num" for op, x in n.args[1:]):
            return True
        return n.op == "name" and n.args[0] in self.decls and self.decls[n.args[0]].kind == "scalar"

    def elementwise(self, nodes, exprs, opname):
        target = next((e.shape for e in exprs if not e.is_scalar), None)
        if target is None:
            return exprs
        out = []
        for n, e in zip(nodes, exprs):
            if e.is_scalar:
                if not self.broadcastable(n):
                    raise ShapeError(f"'{opname}' of a scalar and a {S.fmt_shape(target)}: only number literals "
                                     "and names declared scalar are broadcast (write c * vector(1), or declare "
                                     "the name 'scalar')", n.start, end=n.end)
                e = E.product(e, E.Ones(target))
            out.append(e)
        return out

    def build(self, n):
        method = getattr(self, "b_" + n.op)
        return method(n, *n.args)

    def b_name(self, n, name):
        return self.var(n)

    def b_num(self, n, value):
        return E.Num(value)

    def b_paren(self, n, inner):
        return self.build(inner)

    def b_literal(self, n, rows):
        """[1, 2, 3] and [1; 2; 3] are column vectors; [1, 0; 0, 10] is a matrix."""
        if len(rows) == 1 and len(rows[0]) == 1:
            return E.Num(rows[0][0])
        if len(rows) == 1:
            rows = tuple((v,) for v in rows[0])
        return E.Literal(rows)

    def b_neg(self, n, inner):
        return E.negate(self.build(inner))

    def b_sum(self, n, first, *rest):
        nodes = [first] + [x for _, x in rest]
        exprs = [self.build(x) for x in nodes]
        exprs = self.elementwise(nodes, exprs, "+")
        terms = [exprs[0]] + [e if op == "+" else E.negate(e) for (op, _), e in zip(rest, exprs[1:])]
        return self.at(n, E.Add, *terms)

    def b_elem(self, n, first, *rest):
        """x .* y ./ z ⊗ W: element-wise factors are collected and the product is built once."""
        acc_node, factors = first, [self.build(first)]

        def built():
            return factors[0] if len(factors) == 1 else self.at(n, E.Hadamard, *factors)
        for op, x in rest:
            rhs = self.build(x)
            if op == "⊗":
                factors = [self.at(n, E.Kron, built(), rhs)]
            else:
                if factors[0].is_scalar != rhs.is_scalar:
                    left, rhs = self.elementwise([acc_node, x], [built(), rhs], op)
                    factors = [left]
                else:
                    self.at(n, S.elementwise, op, [factors[0].shape, rhs.shape])
                if op in ("./", "⊘"):
                    rhs = self.power(x, rhs, E.Num(-1))
                if op in ("./", "⊘") and len(factors) == 1 and factors[0] == E.Ones(factors[0].shape):
                    factors = [rhs]  # 1 ./ x is x.^-1
                else:
                    if len(factors) == 1 and isinstance(factors[0], E.Hadamard):
                        factors = list(factors[0].factors)
                    factors.extend(rhs.factors if isinstance(rhs, E.Hadamard) else (rhs,))
            acc_node = n
        return built()

    def b_prod(self, n, first, *rest):
        first_e = self.build(first)
        factors = [first_e]
        for op, x in rest:
            if op == "/":
                if _const(first) is not None and len(factors) == 1 and isinstance(factors[0], E.Num) \
                        and _leading_number(x):
                    # 1/2 x^T A x: a quotient of two number literals is one coefficient
                    lead, tail = _leading_number(x)
                    if lead == 0:
                        raise ParseError("division by zero", x.start, end=x.end)
                    factors = [E.Num(factors[0].value / lead)] + [self.build(t) for t in tail]
                    continue
                num = self.product(n, factors)
                den = self.build(x)
                if isinstance(den, E.Num):
                    if den.value == 0:
                        raise ParseError("division by zero", x.start, end=x.end)
                    factors = [num, E.Num(1 / den.value)]
                elif den.is_scalar:
                    factors = [num, self.power(x, den, E.Num(-1))]
                else:
                    num_b, den_b = self.elementwise([first, x], [num, den], "/")
                    self.at(n, S.elementwise, "/", [num_b.shape, den_b.shape])
                    factors = [self.at(n, E.Hadamard, num_b, self.power(x, den_b, E.Num(-1)))]
            else:
                factors.append(self.build(x))
        return self.product(n, factors)

    def product(self, n, factors):
        return self.at(n, E.product, *factors)

    def b_juxt(self, n, *items):
        return self.product(n, [self.build(x) for x in items])

    def b_pow(self, n, base_node, exp_node):
        base = self.build(base_node)
        k = _const(exp_node)
        if base.is_scalar:
            return self.power(n, base, E.Num(k) if k is not None else self.scalar(exp_node))
        if k is None or k.denominator != 1:
            raise ShapeError(f"a matrix power needs an integer exponent; for an element-wise power of a "
                             f"{S.fmt_shape(base.shape)} write .^", n.start, end=n.end)
        return self.matpow(n, base, int(k))

    def matpow(self, n, base, k):
        if base.shape[1] == 1 or base.shape[0] == 1:
            raise ShapeError(f"a power of a {S.fmt_shape(base.shape)} is undefined; for an element-wise power "
                             "write .^", n.start, end=n.end)
        self.at(n, S.square, "a matrix power", base.shape)
        if k < 0:
            base, k = self.inverse(n, base), -k
        if k == 0:
            return E.Identity(base.shape[0])
        return base if k == 1 else E.MatPow(base, k)

    def power(self, n, base, exponent):
        """base^exponent (element-wise); a negative power of a zero is a division by zero, as 1/0 is."""
        k = _constant(exponent)
        if k is not None and k < 0 and _constant(base) == 0:
            raise ParseError("division by zero", n.start, end=n.end)
        return E.Pow(base, exponent)

    def inverse(self, n, base):
        inv = self.at(n, E.Inverse, base)
        if _constant(base) == 0:
            raise ParseError("division by zero: the inverse of a zero matrix", n.start, end=n.end)
        return inv

    def scalar(self, node):
        e = self.build(node)
        if not e.is_scalar:
            raise ShapeError(f"an exponent must be a scalar, got {S.fmt_shape(e.shape)}", node.start, end=node.end)
        return e

    def b_epow(self, n, base_node, exp_node):
        base = self.build(base_node)
        return self.power(n, base, self.scalar(exp_node))

    def b_post(self, n, base_node, op):
        base = self.build(base_node)
        if op == "T":
            if isinstance(base, E.Zero):        # zeros(n)^T, the zero row as it prints, is the zero row
                return E.Zero((base.shape[1], base.shape[0]))
            return E.Transpose(base)
        if op in ("-1", "-T"):
            if base.is_scalar:
                return self.power(n, base, E.Num(-1))
            inv = self.inverse(n, base)
            return E.Transpose(inv) if op == "-T" else inv
        if base.is_scalar:
            return self.power(n, base, E.Num(op))
        return self.matpow(n, base, op)

    def b_norm(self, n, arg_node, sub):
        arg = self.build(arg_node)
        if sub == "2" and not arg.is_vector and not arg.is_scalar:
            raise ShapeError("the spectral norm ||M||_2 of a matrix is not supported; use ||M||_F or ||M|| "
                             "for the Frobenius norm", n.start, end=n.end)
        if sub == "1" and not arg.is_vector and not arg.is_scalar:
            raise ShapeError("the matrix 1-norm ||M||_1 is not supported; use sum(abs(M)) for the entry-wise "
                             "1-norm", n.start, end=n.end)
        return E.Norm(arg, 1 if sub == "1" else 2)

    def b_inner(self, n, a_node, b_node):
        a, b = self.build(a_node), self.build(b_node)
        if a.is_scalar and b.is_scalar:
            return E.Mul(a, b)
        self.at(n, S.elementwise, "⟨,⟩", [a.shape, b.shape])
        return E.Mul(E.Transpose(a), b) if a.is_vector else E.Trace(E.Mul(E.Transpose(a), b))

    def b_call(self, n, name, arg_nodes):
        user = _user_decl(self.decls, name)
        if user is not None:
            return self.user_call(n, name, arg_nodes, *user)
        if name == "eye":           # eye(n): the identity with its size written out
            if len(arg_nodes) != 1:
                raise ParseError(f"eye takes 1 argument (a dimension), got {len(arg_nodes)}", n.start, end=n.end)
            return E.Identity(self.dimension(arg_nodes[0]))
        if name == "zeros":         # zeros(n), zeros(m, n): a zero vector or matrix with its size written out
            if len(arg_nodes) not in (1, 2):
                raise ParseError(f"zeros takes 1 or 2 dimensions, got {len(arg_nodes)}", n.start, end=n.end)
            dims = [self.dimension(a) for a in arg_nodes]
            return E.Zero((dims[0], dims[1] if len(dims) == 2 else 1))
        if name == "commutation":   # commutation(m, n): K with K vec(A) = vec(Aᵀ) for A m×n
            dims = []
            dims = [self.dimension(a) for a in arg_nodes]
            if len(dims) != 2:
                raise ParseError(f"commutation takes 2 arguments, got {len(dims)}", n.start, end=n.end)
            return E.Commutation(*dims)
        arity = 2 if name == "kron" else 1
        if len(arg_nodes) != arity:
            raise ParseError(f"{name} takes {arity} argument{'s' if arity > 1 else ''}, got {len(arg_nodes)}",
                             n.start, end=n.end)
        args = [self.build(a) for a in arg_nodes]
        a = args[0]
        name = {"trace": "tr", "ln": "log", "norm2": "norm"}.get(name, name)
        if name == "log" and isinstance(a, E.Det):
            return E.LogDet(a.arg)
        if name in ELEMENTWISE:
            return E.Apply(name, a)
        if name == "kron":
            return E.Kron(a, args[1])
        if name in ("vector", "matrix"):
            if not a.is_scalar:
                raise ShapeError(f"{name}(c) needs a scalar c, got {S.fmt_shape(a.shape)}", n.start, end=n.end)
            dims = (self.fresh(), 1) if name == "vector" else (self.fresh(), self.fresh())
            return E.product(a, E.Ones(dims))
        if name == "norm":
            return E.Norm(a, 2)
        if name == "norm1":
            return E.Norm(a, 1)
        if name == "diag":
            if a.is_scalar:
                raise ShapeError("diag needs a vector or a square matrix, got a scalar", n.start, end=n.end)
            return self.at(n, E.DiagMat if a.is_vector else E.DiagVec, a)
        if name == "inv" and a.is_scalar:
            return self.power(n, a, E.Num(-1))
        if name in ("tr", "det", "logdet") and a.is_scalar:
            return a if name != "logdet" else E.Apply("log", a)
        if name == "inv":
            return self.inverse(n, a)
        node = {"tr": E.Trace, "det": E.Det, "logdet": E.LogDet, "sum": E.Sum, "vec": E.Vec,
                "softmax": E.Softmax, "logsumexp": E.LogSumExp}[name]
        return self.at(n, node, a)


def _dimension(self, a):
    """A dimension written as an argument: a name (a dimension symbol) or an integer > 1."""
    if a.op == "num" and a.args[0].denominator == 1 and a.args[0] > 1:
        return int(a.args[0])
    if a.op == "name":
        return self.unify.symbol(a.args[0])
    raise ParseError("expected a dimension: a name such as n, or an integer greater than 1", a.start, end=a.end)


Builder.dimension = _dimension


def _user_call(self, n, name, arg_nodes, base, decl):
    if len(arg_nodes) != 1:
        raise ParseError(f"{base} takes 1 argument, got {len(arg_nodes)}", n.start, end=n.end)
    arg = self.build(arg_nodes[0])
    d_in, d_out = (self.unify.symbol(d) for d in decl.dims)
    if decl.dims[0] == 1:                                   # h: scalar -> scalar, element-wise
        return E.ElementCall(base, arg, name.count("'"))
    if name.endswith("'"):
        raise ParseError(f"{base} maps vectors; its derivative is written J_{base}(x)", n.start, end=n.end)
    self.at(n, lambda: S.elementwise(f"the argument of {base}", [arg.shape, (d_in, 1)]))
    out = d_out
    return self.at(n, E.CallJacobian if name.startswith("J_") else E.Call, base, arg, out)


Builder.user_call = _user_call


def _user_decl(decls, name):
    """(function name, declaration) when `name` is g, J_g or h' for a declared function."""
    base = name.rstrip("'")
    if base.startswith("J_") and base not in decls:
        base = base[2:]
    decl = decls.get(base)
    return (base, decl) if decl is not None and decl.kind == "function" else None


def _leading_number(n):
    """(value, rest) when n is a number literal, or a juxtaposition that starts with one."""
    if n.op == "num":
        return n.args[0], []
    if n.op == "juxt" and n.args[0].op == "num":
        return n.args[0].args[0], list(n.args[1:])
    return None


def _constant(e):
    """The exact value of a typed expression made of numbers (0, 1 - 1, 0 x^T x, zeros(n), 2 vector(1)),
    or None. For a vector or matrix it is the value of every entry, or, for a product of several
    matrices, only tells 0 from not 0."""
    if isinstance(e, E.Num):
        return e.value
    if isinstance(e, E.Zero):
        return Fraction(0)
    if isinstance(e, E.Ones):
        return Fraction(1)
    if isinstance(e, E.Pow):
        b, k = _constant(e.base), _constant(e.exponent)
        if b is None or k is None:
            return None
        if b == 0:
            return Fraction(0) if k > 0 else Fraction(1) if k == 0 else None
        small = max(abs(b.numerator).bit_length(), b.denominator.bit_length()) * abs(k) <= 1024
        return b ** int(k) if k.denominator == 1 and small else None
    if not isinstance(e, (E.Add, E.Mul, E.Hadamard)):
        return None
    values = []
    for c in e.children:
        v = _constant(c)
        if v is None:
            return None
        values.append(v)
    if isinstance(e, E.Add):
        return sum(values)
    out = Fraction(1)
    for v in values:
        out *= v
    if out and isinstance(e, E.Mul) and sum(not c.is_scalar for c in e.children) > 1:
        return None         # vector(1)^T vector(1) is n, not 1
    return out


def _unwrap(n):
    """The node inside parentheses and signs: (-(1)) → 1."""
    while n.op in ("paren", "neg"):
        n = n.args[0]
    return n


def _const(n):
    while n.op == "paren":
        n = n.args[0]
    if n.op == "num":
        return n.args[0]
    if n.op == "neg" and n.args[0].op == "num":
        return -n.args[0].args[0]
    return None


# ---- resolving dimensions to names ---------------------------------------------------------
_VECTOR_DIMS = ("n", "m", "p", "q", "r", "s", "k", "l")
_MATRIX_DIMS = ("m", "n", "p", "q", "r", "s", "k", "l")


def _name_dims(root, unify, declared_symbols, extra=()):
    """Give every free dimension a readable name: vectors' first, in order of appearance."""
    leaves, seen = [], set()

    def walk(e):
        if e in seen:
            return
        seen.add(e)
        if isinstance(e, (E.Var, E.Identity, E.Ones, E.Zero, E.Commutation)):
            leaves.append(e)
        for c in e.children:
            walk(c)

    walk(root)
    leaves += [v for v in extra if v not in seen]
    matrix_cols = {unify.resolve(leaf.shape[1]) for leaf in leaves if leaf.shape[1] != 1}
    vectors = [leaf for leaf in leaves if leaf.shape[1] == 1]
    # a vector that a matrix multiplies (the `x` of `A x`) gets the first name, n
    vectors.sort(key=lambda v: unify.resolve(v.shape[0]) not in matrix_cols)
    free = []

    def collect(r):
        if isinstance(r, tuple):
            for f in r:
                collect(f)
        elif isinstance(r, _Cell) and r not in free:
            free.append(r)
    for leaf in vectors + [leaf for leaf in leaves if leaf.shape[1] != 1]:
        for d in leaf.shape:
            collect(unify.resolve(d))
    used, names = set(declared_symbols), {}
    vec_count = sum(1 for c in free if any(unify.resolve(v.shape[0]) is c for v in vectors))
    for i, cell in enumerate(free):
        pool = _VECTOR_DIMS if i < vec_count else _MATRIX_DIMS
        name = next((p for p in pool if p not in used), None)
        if name is None:
            name = next(f"n{j}" for j in range(1, 10_000) if f"n{j}" not in used)
        used.add(name)
        names[cell] = name
    return names


def _resolver(unify, names):
    def dim(d):
        r = unify.resolve(d)
        if isinstance(r, _Cell):
            return names[r]
        if isinstance(r, tuple):
            out = 1
            for f in r:
                out = S.mul_dims(out, dim(f))
            return out
        return r
    return dim


def _rebuild(e, dim, memo):
    if e in memo:
        return memo[e]
    if isinstance(e, E.Var):
        out = E.Var(e.name, (dim(e.shape[0]), dim(e.shape[1])), e.props)
    elif isinstance(e, E.Identity):
        out = E.Identity(dim(e.n))
    elif isinstance(e, (E.Zero, E.Ones)):
        out = type(e)((dim(e.dims[0]), dim(e.dims[1])))
    elif isinstance(e, E.Commutation):
        out = E.Commutation(dim(e.m), dim(e.n))
    elif isinstance(e, (E.Call, E.CallJacobian)):
        out = type(e)(e.name, _rebuild(e.arg, dim, memo), dim(e.out))
    else:
        out = e.rebuild([_rebuild(c, dim, memo) for c in e.children])
    memo[e] = out
    return out


class Parsed:
    """What parsing produced besides the expression: inferred kinds, notes, and every variable named
    in the text (some may simplify away, as y in `x + 0 y`)."""
    __slots__ = ("expr", "notes", "names")

    def __init__(self, expr, notes, names=None):
        self.expr, self.notes, self.names = expr, notes, names or {}


def parse_full(text, where=None, latex=None):
    """latex: True forces LaTeX input, None detects it by a backslash."""
    decls = parse_declarations(where)
    if any("_{" in name for name in decls):
        normal, original = {}, {}
        for name, decl in decls.items():
            key = _normal_name(name)
            if key in normal:
                raise DeclarationError(f"'{original[key]}' and '{name}' are the same name ({key}), declared twice")
            normal[key], original[key] = decl, name
        decls = normal
    source = text
    translation = None
    if latex or (latex is None and isinstance(text, str) and "\\" in text):
        from .latex_input import to_plain
        _prescan(text)
        text, translation = to_plain(text)
    token = _declared.set(frozenset(decls))
    ftoken = _functions.set(frozenset(n for n, d in decls.items() if d.kind == "function"))
    try:
        ast = syntax_tree(text)
    except MatcalcError as e:
        if translation is not None:
            e.pos, e.end, e.text = translation.origin(e.pos), None, source
        raise
    finally:
        _declared.reset(token)
        _functions.reset(ftoken)
    try:
        kinder = _Kinds(decls)
        kinder.kind(ast)
        kinds = kinder.resolve()
        builder = Builder(text, decls, kinds)
        unify_token = S._unifier.set(builder.unify)
        render_token = S._renderer.set(builder.unify.display)
        try:
            raw = builder.build(ast)
        finally:
            S._unifier.reset(unify_token)
            S._renderer.reset(render_token)
        symbols = {d for decl in decls.values() for d in decl.dims if isinstance(d, str)} | \
            {d for d in builder.unify.symbols if isinstance(d, str)}
        names = _name_dims(raw, builder.unify, symbols, builder.vars.values())
        dim = _resolver(builder.unify, names)
        expr = _rebuild(raw, dim, {})
        named = {v.name: _rebuild(v, dim, {}) for v in builder.vars.values()}
    except MatcalcError as e:
        if translation is not None:
            e.pos, e.end, e.text = translation.origin(e.pos), None, source
        raise e.with_text(text) from None
    except RecursionError:
        raise LimitError("expression nested too deeply", 0, source) from None
    notes = [f"{name} is read as a {kind} (the letter convention alone would make it a "
             f"{'scalar' if kind == 'vector' else 'vector'})" for name, (kind, noted) in kinds.items() if noted]
    return Parsed(expr, notes, named)


def parse(text, where=None, latex=None):
    """Parse `text` into a typed expression; `where` maps names to declarations ('m x n spd', …).

    LaTeX input (`x^\\top A x`, `\\|Ax - b\\|^2`) is detected by a backslash, or forced with latex=True.
    """
    if isinstance(text, E.Expr):
        return text
    return parse_full(text, where, latex).expr
