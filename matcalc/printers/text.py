"""Expression → matcalc syntax that parses back to the same tree (under the same declarations).

One rule per node type in the `TEXT` table, registered next to the rule. A rule takes the node and
the memo (node → (text, level)) and returns (text, level): `level` is how tightly the text binds
(SUM < ELEM < … < ATOM), so a parent wraps a child in parentheses only when the child binds less
tightly than the parent's operand position needs.
"""
from fractions import Fraction
from itertools import count

from .. import expr as E
from ..tables import Table

TEXT = Table("text", doc="expression → matcalc syntax, (text, binding level) per node")

SUM, ELEM, PROD, NEG, JUXT, POW, POST, ATOM = range(8)
# Nodes printed as name(argument); an operation of matcalc.ops adds its own (ops/softmax.py).
FUNC_NAMES = {E.Trace: "tr", E.Det: "det", E.Sum: "sum", E.DiagVec: "diag", E.DiagMat: "diag", E.Vec: "vec"}


def to_text(e, names=None, sized=True):
    """names: node → short name, printed in place of the node (see `shared_names`).

    sized: write identities inside ⊗ as eye(m) so the text parses back on its own; the
    human-readable form (sized=False) writes I.
    """
    memo = {node: (name, ATOM) for node, name in (names or {}).items()}
    memo[_SIZED] = sized
    return _p(e, memo)[0]


_SIZED = "sized identities"


# The short names of subexpressions a reader would name, by node type or element-wise function name;
# an operation of matcalc.ops adds its own (softmax(x) → s).
SHORT_NAMES = {"sigmoid": "s", "tanh": "t", "exp": "u"}


def shared_names(e):
    """Name the subexpressions a reader would name: softmax(x) and σ(X w) used more than once → s."""
    counts, order = {}, []

    def walk(node):
        key = SHORT_NAMES.get(type(node)) or (SHORT_NAMES.get(node.fn) if isinstance(node, E.Apply) else None)
        if key is not None:
            if node not in counts:
                order.append(node)
            counts[node] = counts.get(node, 0) + 1
            if counts[node] > 1:
                return
        for c in node.children:
            walk(c)
    walk(e)
    taken = {v.name for v in e.free if isinstance(v, E.Var)}
    names = {}
    named = [node for node in order if counts[node] >= 2]
    bases = [SHORT_NAMES.get(type(node)) or SHORT_NAMES[node.fn] for node in named]
    # two tanh layers are t1 = tanh(W1 x + b1), t2 = tanh(W2 t1 + b2): numbered inside out, as the where
    # lists them, not t for the outer one and t1 for the inner
    by_size = sorted(range(len(named)), key=lambda i: sum(1 for _ in E.nodes(named[i])))
    for i in by_size:
        node, base = named[i], bases[i]
        alone = bases.count(base) == 1 and base not in taken
        name = base if alone else next(f"{base}{k}" for k in count(1) if f"{base}{k}" not in taken)
        taken.add(name)
        names[node] = name
    return names


def wrap(e, level, memo):
    text, own = _p(e, memo)
    return text if own >= level else f"({text})"


def broadcast_literal(f):
    """c * Ones(shape) with c a number: printed as the bare number inside + and ⊙."""
    if isinstance(f, E.Ones):
        return Fraction(1)
    if isinstance(f, E.Mul) and len(f.factors) == 2 and isinstance(f.factors[0], E.Num) \
            and isinstance(f.factors[1], E.Ones):
        return f.factors[0].value
    return None


def num_text(v):
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


_TABLE = "table"    # memo key: the table the rules dispatch through (TEXT, or unicode.UNICODE, which reuses these rules)


def _p(e, memo):
    hit = memo.get(e)
    if hit is None:
        hit = memo[e] = memo.get(_TABLE, TEXT)[type(e)](e, memo)
    return hit


def _operand(t, memo, level, bare_ok):
    """An operand of + or ⊙; a broadcast number literal shows bare when another operand fixes the shape."""
    c = broadcast_literal(t)
    if c is not None and bare_ok:
        text, own = num_text(c), ATOM if c >= 0 and c.denominator == 1 else PROD if c >= 0 else NEG
    else:
        text, own = _p(t, memo)
    return text if own >= level else f"({text})"


def _operands_with_literals(items, memo, level):
    bare_ok = any(broadcast_literal(t) is None for t in items)
    return [_operand(t, memo, level, bare_ok) for t in items]


@TEXT.register(E.Add)
def t_add(e, memo):
    bare_ok = any(broadcast_literal(t) is None for t in e.terms)
    parts = []
    for i, term in enumerate(e.terms):
        c, _ = E.coefficient(term)
        lit = broadcast_literal(term)
        negative = (lit if lit is not None else c) < 0
        text = _operand(E.negate(term) if negative and i else term, memo, ELEM, bare_ok)
        parts.append(text if i == 0 else (" - " if negative else " + ") + text)
    return "".join(parts), SUM


def one_bar(factors):
    """The factors of a product with a scalar factor that is only divisions spread out, so that
    (1 / (||x|| ||y||)) y prints as a book writes it, y / (||x|| ||y||) (scalars commute)."""
    if not any(isinstance(f, E.Mul) and f.is_scalar for f in factors):
        return factors
    out = []
    for f in factors:
        if isinstance(f, E.Mul) and f.is_scalar and all(E._is_reciprocal(g) for g in f.factors):
            out.extend(f.factors)
        else:
            out.append(f)
    return out


@TEXT.register(E.Mul)
def t_mul(e, memo):
    c, _ = E.coefficient(e)
    factors = [f for f in e.factors if not isinstance(f, E.Num)]
    # the human form (pretty, steps) writes y / (||x|| ||y||) as a book does; str() and the Unicode format
    # write y / ||x|| / ||y||, which parses back to this very node (a / (b c) parses as a power of b c)
    human = not memo.get(_SIZED, True)
    if human:
        factors = one_bar(factors)
    recips = [f for f in factors if f.is_scalar and E._is_reciprocal(f)]
    items = [f for f in factors if not (f.is_scalar and E._is_reciprocal(f))]
    body = " ".join(wrap(f, POW, memo) for f in items)
    sign, mag = ("-" if c < 0 else ""), abs(c)
    if mag != 1 or not body:
        body = (num_text(mag) + (" " + body if body else "")) if body or mag != 1 or not recips else "1"
    text, level = sign + body, (PROD if mag.denominator != 1 else NEG if sign else JUXT if " " in body else POW)
    if not items and mag == 1 and recips:
        text, level = sign + "1", NEG if sign else ATOM
    if len(recips) > 1 and human:     # 1 / (||x|| ||y||), as written by hand, not 1 / ||x|| / ||y||
        dens = [wrap(r.base if r.exponent.value == -1 else E.Pow(r.base, E.Num(-r.exponent.value)), POW, memo)
                for r in recips]
        return f"{text} / ({' '.join(dens)})", PROD
    for r in recips:
        k = -r.exponent.value
        den = wrap(r.base, POST, memo) if k == 1 else wrap(E.Pow(r.base, E.Num(k)), NEG, memo)
        text, level = f"{text} / {den}", PROD
    return text, level


@TEXT.register(E.Hadamard)
def t_hadamard(e, memo):
    first, *rest = e.factors
    # a product inside ⊙ needs no parentheses (products bind tighter) but reads better with them
    texts = [t if not (isinstance(f, E.Mul) and " " in t and not t.startswith("(")) else f"({t})"
             for f, t in zip(e.factors, _operands_with_literals(list(e.factors), memo, PROD))]
    out = [texts[0] if _p(first, memo)[1] >= ELEM or broadcast_literal(first) is not None
           else f"({_p(first, memo)[0]})"]
    for f, text in zip(rest, texts[1:]):
        if E._is_reciprocal(f) and f.exponent.value == -1:
            out.append(" ./ " + wrap(f.base, PROD, memo))
        else:
            out.append(" .* " + text)
    return "".join(out), ELEM


@TEXT.register(E.Pow)
def t_pow(e, memo):
    base, k = e.base, e.exponent
    if not base.is_scalar and isinstance(k, E.Num) and k.value == -1:
        return "1 ./ " + wrap(base, PROD, memo), ELEM
    if isinstance(k, E.Num) and k.value == -1:
        return "1 / " + wrap(base, NEG, memo), PROD
    if isinstance(k, E.Num):
        v = k.value
        exp = (str(v.numerator) if v >= 0 else f"-{-v.numerator}") if v.denominator == 1 else f"({num_text(v)})"
    elif isinstance(k, E.Var):
        exp = k.name
    else:
        exp = f"({to_text(k)})"
    op = "^" if base.is_scalar else ".^"
    return f"{wrap(base, POST, memo)}{op}{exp}", POW


def kron_operand(e, level, memo):
    """Inside ⊗ the context cannot size an identity, so its size is written out: eye(m)."""
    if isinstance(e, E.Identity) and isinstance(e.n, (str, int)) and memo.get(_SIZED, True):
        return f"eye({e.n})"
    return wrap(e, level, memo)


@TEXT.register(E.Num)
def t_num(e, memo):
    v = e.value
    return num_text(v), (ATOM if v >= 0 and v.denominator == 1 else PROD if v.denominator != 1 else NEG)


@TEXT.register(E.Const)
def t_const(e, memo):
    return e.name, ATOM


@TEXT.register(E.Transpose)
def t_transpose(e, memo):
    if isinstance(e.arg, E.Inverse):
        return wrap(e.arg.arg, POST, memo) + "^-T", POST
    if isinstance(e.arg, (E.Transpose, E.Inverse, E.MatPow)):   # X^-T^T, X^2^T read wrongly: (X^-T)^T
        return f"({to_text_memo(e.arg, memo)})^T", POST
    return wrap(e.arg, POST, memo) + "^T", POST


@TEXT.register(E.Inverse)
def t_inverse(e, memo):
    return wrap(e.arg, POST, memo) + "^-1", POST


@TEXT.register(E.MatPow)
def t_matpow(e, memo):
    if isinstance(e.arg, E.Inverse):
        return f"{wrap(e.arg.arg, POST, memo)}^-{e.k}", POW
    return f"{wrap(e.arg, POST, memo)}^{e.k}", POW


def to_text_memo(e, memo):
    return _p(e, memo)[0]


@TEXT.register(E.Trace, E.Det, E.Sum, E.DiagVec, E.DiagMat, E.Vec)
def t_func(e, memo):
    return f"{FUNC_NAMES[type(e)]}({to_text_memo(e.arg, memo)})", ATOM


@TEXT.register(E.Norm)
def t_norm(e, memo):
    """||v||, ||v||_1; norm(...), norm1(...) when the argument shows a norm bar itself: ||2 ||x|| x|| would
    read as ||2|| ||x|| x, since a bar after an operand closes the open norm."""
    inner = to_text_memo(e.arg, memo)
    if e.p == 1:
        return (f"||{inner}||_1", ATOM) if e.arg.shape[1] == 1 and "||" not in inner else (f"norm1({inner})", ATOM)
    return (f"||{inner}||", ATOM) if "||" not in inner else (f"norm({inner})", ATOM)


@TEXT.register(E.Ones)
def t_ones(e, memo):
    if e.shape[0] == 1 and e.shape[1] != 1:
        return "vector(1)^T", POST
    return ("vector(1)", ATOM) if e.shape[1] == 1 else ("matrix(1)", ATOM)


@TEXT.register(E.Zero)
def t_zero(e, memo):
    if e.shape == (1, 1):
        return "0", ATOM
    r, c = e.shape
    if r == 1:                      # a row vector: the transpose of a zero column, as the ones row prints
        return (f"zeros({c})^T" if isinstance(c, (str, int)) else "vector(0)^T"), POST
    if isinstance(r, (str, int)) and isinstance(c, (str, int)):
        return (f"zeros({r})" if c == 1 else f"zeros({r}, {c})"), ATOM   # a lone zero has no context to size it
    return ("vector(0)", ATOM) if c == 1 else ("matrix(0)", ATOM)


@TEXT.register(E.Literal)
def t_literal(e, memo):
    rows = e.rows
    if e.shape[1] == 1:
        return "[" + ", ".join(num_text(r[0]) for r in rows) + "]", ATOM
    return "[" + "; ".join(", ".join(num_text(v) for v in r) for r in rows) + "]", ATOM


@TEXT.register(E.ElementCall)
def t_element_call(e, memo):
    return f"{e.name}{chr(39) * e.order}({to_text_memo(e.arg, memo)})", ATOM


@TEXT.register(E.Var)
def t_var(e, memo):
    return e.name, ATOM


@TEXT.register(E.Differential)
def t_differential(e, memo):
    return "d" + e.var.name, ATOM


@TEXT.register(E.Identity)
def t_identity(e, memo):
    return "I", ATOM


@TEXT.register(E.Commutation)
def t_commutation(e, memo):
    return f"commutation({e.m}, {e.n})", ATOM


@TEXT.register(E.Kron)
def t_kron(e, memo):
    return f"{kron_operand(e.left, ELEM, memo)} ⊗ {kron_operand(e.right, PROD, memo)}", ELEM


@TEXT.register(E.LogDet)
def t_logdet(e, memo):
    return f"logdet({to_text_memo(e.arg, memo)})", ATOM


@TEXT.register(E.Apply)
def t_apply(e, memo):
    return f"{e.fn}({to_text_memo(e.arg, memo)})", ATOM


@TEXT.register(E.Call)
def t_call(e, memo):
    return f"{e.name}({to_text_memo(e.arg, memo)})", ATOM


@TEXT.register(E.CallJacobian)
def t_call_jacobian(e, memo):
    return f"J_{e.name}({to_text_memo(e.arg, memo)})", ATOM
