"""Text → syntax tree: the parser of grammar/matcalc.lark (loaded by loading.py, run by lalr.py) and
the conversion of its tree into small position-carrying `Node`s, with the wording of syntax errors.
"""
import re
from fractions import Fraction

from ..errors import LimitError, MatcalcError, ParseError
from ..vocabulary import show_char
from .lalr import ParseFailure, Tree, UnexpectedCharacters, UnexpectedToken
from .lexer import prescan
from .loading import lark_parser

MAX_EXPONENT = 300    # decimal exponent of a number literal
MAX_TREE_DEPTH = 200  # operators nested in one another (postfix chains like x count too)
# ||x||_∞ (also _inf, _\infty, _max, _oo): the grammar has no ∞-norm; say why rather than "unexpected '_'"
_INF_NORM = re.compile(r"(?:\|\||‖)\s*(_\s*([{(]\s*)?(inf|infty|∞|oo|max)(\s*[})])?)(?![A-Za-z0-9_])")
_INF_NORM_REFUSED = ("the ∞-norm ||x||_∞ = max |x_i| is not smooth (its derivative jumps where two entries tie "
                     "in absolute value) and is refused rather than guessed: logsumexp(…) is a smooth maximum; a "
                     "problem 'min ||x||_∞' is 'min_{x, t} t st -t 1 <= x <= t 1'")
_UNICODE = {"−": "-", "∗": "*", "×": "*", "⋅": "·", "⊤": "ᵀ"}


class Node:
    """An AST node: op, args, and the span [start, end) in the input."""
    __slots__ = ("op", "args", "start", "end")

    def __init__(self, op, args, start, end):
        self.op, self.args, self.start, self.end = op, args, start, end

    def __repr__(self):
        return f"{self.op}{self.args}"


def syntax_tree(text):
    """Parse text into the AST (no typing)."""
    prescan(text)
    text = "".join(_UNICODE.get(ch, ch) for ch in text)
    inf_norm = _INF_NORM.search(text)
    if inf_norm:            # before parsing: ||x||_{inf} would otherwise read as a norm weighted by i n f
        raise ParseError(_INF_NORM_REFUSED, inf_norm.start(1), text, end=inf_norm.end())
    try:
        tree = lark_parser().parse(text)
        return to_ast(tree, text)
    except MatcalcError as e:
        raise e.with_text(text) from None
    except UnexpectedCharacters as e:
        raise ParseError(f"unexpected character {show_char(text[e.pos_in_stream])}", e.pos_in_stream, text) from None
    except UnexpectedToken as e:
        tok = e.token
        if tok.type == "$END":
            raise ParseError(_eof_message(text), len(text.rstrip()), text) from None
        raise ParseError(_unexpected(tok, text), tok.start_pos, text, end=tok.end_pos) from None
    except ParseFailure as e:
        raise ParseError(f"cannot parse the expression: {e}", 0, text) from None
    except RecursionError:
        raise LimitError("expression nested too deeply", 0, text) from None


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


def to_ast(tree, text):
    """The parse tree as Nodes."""
    return ToAst().transform(tree, text)


def _glued_arguments(kids, prefixed):
    """log 2π, log 2πσ^2: a function written without parentheses before a number takes the factors
    glued to that number (no space) as its argument — log(2π), as every source means, not log(2)·π."""
    kids = list(kids)
    i = 0
    while i < len(kids) - 1:
        call = kids[i]
        arg = call.args[1][0] if id(call) in prefixed and len(call.args[1]) == 1 else None
        if arg is not None and arg.op == "num" and kids[i + 1].start == arg.end == call.end:
            j = i + 1
            while j + 1 < len(kids) and kids[j + 1].start == kids[j].end:
                j += 1
            glued = Node("juxt", (arg, *kids[i + 1:j + 1]), arg.start, kids[j].end)
            kids[i:j + 1] = [Node("call", (call.args[0], (glued,)), call.start, kids[j].end)]
        i += 1
    return tuple(kids)


def _span(meta):
    return (meta.start_pos, meta.end_pos) if not meta.empty else (0, 0)


class ToAst:
    """One method per grammar alias (grammar/matcalc.lark); terminals NAME and NUMBER become leaves,
    other tokens (operators, bars) stay tokens for the rule that holds them. Non-recursive, so a tree
    MAX_TREE_DEPTH deep needs no deep Python stack."""

    def __init__(self):
        self.prefixed = set()       # ids of the calls written without parentheses (log 2π)

    def transform(self, tree, text):
        """Children before parents, left to right (the order of Lark's Transformer_NonRecursive, which
        this replaced: which error is raised first depends on it). Trees deeper than MAX_TREE_DEPTH are
        refused before any node is made (a postfix chain x'' counts each operator), while the nodes are
        listed: the walk that did this apart visited the same trees in the same order."""
        rev_postfix, todo, depths = [], [tree], [1]
        while todo:
            t = todo.pop()
            depth = depths.pop()
            rev_postfix.append(t)
            if isinstance(t, Tree):
                kids = t.children
                if t.data == "postfix" and len(kids) > 2:
                    depth += len(kids) - 2
                if depth > MAX_TREE_DEPTH:
                    pos = t.meta.start_pos if not t.meta.empty else 0
                    raise LimitError(f"expression nested deeper than {MAX_TREE_DEPTH} operators", pos, text)
                todo += kids
                depths += [depth + 1] * len(kids)
        stack = []
        for x in reversed(rev_postfix):
            if isinstance(x, Tree):
                size = len(x.children)
                args = stack[-size:] if size else []
                if size:
                    del stack[-size:]
                stack.append(self._call_userfunc(x, args))
            else:
                leaf = _LEAVES.get(x.type)
                stack.append(leaf(self, x) if leaf is not None else x)
        result, = stack
        return result

    def NAME(self, tok):
        return Node("name", (tok.value,), tok.start_pos, tok.end_pos)

    def NUMBER(self, tok):
        return Node("num", (_number(tok),), tok.start_pos, tok.end_pos)

    def name(self, meta, leaf):
        return leaf

    number = name

    def fraction(self, meta, *kids):
        num, den = kids[-3].args[0], kids[-1].args[0]       # NUMBER SLASH NUMBER, after an optional MINUS
        if den == 0:
            start, end = _span(meta)
            raise ParseError("division by zero", start, end=end)
        sign = -1 if len(kids) == 4 else 1
        return Node("num", (sign * num / den,), *_span(meta))

    negfraction = fraction

    def negnumber(self, meta, minus, num):
        return Node("num", (-num.args[0],), *_span(meta))

    def paren(self, meta, inner):
        return Node("paren", (inner,), *_span(meta))

    def _chain(self, op, meta, kids):
        items = [kids[0]] + [(str(kids[i]), kids[i + 1]) for i in range(1, len(kids), 2)]
        return Node(op, tuple(items), *_span(meta))

    def sum(self, meta, *kids):
        return self._chain("sum", meta, kids)

    def elem(self, meta, *kids):
        return self._chain("elem", meta, kids)

    def prod(self, meta, *kids):
        return self._chain("prod", meta, kids)

    def juxt(self, meta, *kids):
        kids = _glued_arguments(kids, self.prefixed)
        return kids[0] if len(kids) == 1 else Node("juxt", kids, *_span(meta))

    def neg(self, meta, sign, inner):
        """-x, and +x, which the grammar gives the same rule: a unary plus changes nothing."""
        return Node("neg" if sign == "-" else "paren", (inner,), *_span(meta))

    def power(self, meta, base, *rest):
        return Node("pow", (base, rest[-1]), *_span(meta))

    def epower(self, meta, base, *rest):
        return Node("epow", (base, rest[-1]), *_span(meta))

    def postfix(self, meta, base, *ops):
        start = _span(meta)[0]
        for tok in ops:
            base = Node("post", (base, _postop(tok)), start, tok.end_pos)
        return base

    def call(self, meta, func, *args):
        return Node("call", (str(func), args), *_span(meta))

    def prefix_call(self, meta, func, arg):
        node = self.call(meta, func, arg)
        self.prefixed.add(id(node))
        return node

    def norm(self, meta, left, inner, right, sub=None):
        return Node("norm", (inner, _normsub(sub) if sub is not None else None), *_span(meta))

    def wnorm(self, meta, left, inner, right, sub, weight):
        return Node("wnorm", (inner, weight), *_span(meta))

    def abs(self, meta, left, inner, right):
        return Node("call", ("abs", (inner,)), *_span(meta))

    def inner(self, meta, left, a, b, right):
        return Node("inner", (a, b), *_span(meta))

    def row(self, meta, *nums):
        return tuple(n.args[0] for n in nums)

    def rows(self, meta, *rows):
        return rows

    def root(self, meta, sign, arg):
        """√d, √(x^T x): the square root."""
        return Node("call", ("sqrt", (arg,)), *_span(meta))

    def ones(self, meta, tok):
        """1_n, 1_{3}, 𝟙, 𝟙_n: the ones vector; args: its length as written (a name or an int), or None."""
        sub = re.sub(r"[\s{}]", "", tok.value.split("_", 1)[1]) if "_" in tok.value else None
        size = int(sub) if sub is not None and sub.isdigit() else sub
        return Node("ones", (size,), tok.start_pos, tok.end_pos)

    def literal(self, meta, rows):
        if len({len(r) for r in rows}) != 1:
            start, end = _span(meta)
            raise ParseError("the rows of a matrix literal must have the same length", start, end=end)
        return Node("literal", (rows,), *_span(meta))

    def __default__(self, data, children, meta):
        start, end = _span(meta)
        raise ParseError(f"unsupported construct '{data}'", start, end=end)

    def _call_userfunc(self, tree, children):
        rule = _RULES.get(tree.data)
        if rule is None:
            return self.__default__(tree.data, children, tree.meta)
        return rule(self, tree.meta, *children)


# grammar alias → ToAst's function (self, meta, *children); terminal → ToAst's function (self, token)
_RULES = {name: fn for name, fn in vars(ToAst).items()
          if not name.startswith("_") and not name.isupper() and name != "transform" and callable(fn)}
_LEAVES = {"NAME": ToAst.NAME, "NUMBER": ToAst.NUMBER}


MAX_LITERAL_DIGITS = 40


def _number(tok):
    text = tok.value
    m = re.search(r"[eE]([+-]?\d+)$", text)
    if m and abs(int(m.group(1))) > MAX_EXPONENT:
        raise ParseError(f"number {text} is out of range (exponent limit ±{MAX_EXPONENT})", tok.start_pos,
                         end=tok.end_pos)
    if len(text) > MAX_LITERAL_DIGITS:
        raise ParseError(f"number literal too long ({len(text)} digits)", tok.start_pos, end=tok.end_pos)
    return _VULGAR[text] if text in _VULGAR else Fraction(text)


_VULGAR = {"½": Fraction(1, 2), "⅓": Fraction(1, 3), "⅔": Fraction(2, 3), "¼": Fraction(1, 4), "¾": Fraction(3, 4),
           "⅛": Fraction(1, 8)}     # ½‖Xw − y‖² as copied from a PDF


def _postop(tok):
    v = re.sub(r"\s", "", tok.value).replace("^ᵀ", "^T").replace("{ᵀ}", "{T}").replace("(ᵀ)", "(T)")
    v = v.replace("-ᵀ", "-T")             # x^⊤ (U+22A4, read as ᵀ) is x^T
    if v in ("'", "ᵀ") or re.fullmatch(r"\^(\{T\}|\(T\)|T)", v):
        return "T"
    if v == "⁻ᵀ" or re.fullmatch(r"\^(\{-T\}|\(-T\)|-T)", v):
        return "-T"
    if v == "⁻¹" or re.fullmatch(r"\^(\{-1\}|\(-1\)|-1)", v):
        return "-1"
    if len(v) > MAX_LITERAL_DIGITS:    # X⁹⁹⁹⁹… is a number literal too: the same limit as 9999…
        raise ParseError(f"number literal too long ({len(v)} digits)", tok.start_pos, end=tok.end_pos)
    return int(v.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))


def _normsub(tok):
    v = re.sub(r"[\s_{}]", "", tok.value)
    return {"fro": "F"}.get(v, v)

