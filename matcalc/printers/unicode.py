"""Expression → Unicode text for terminals and plain-text notes (issue 15): `xᵀ A x`, `Σ⁻¹`, `‖x‖²`,
`x ⊙ y`, `A ⊗ B`, `a − b`; it parses back to the same tree, like the plain text printer.

The `UNICODE` table holds the rules that write a symbol instead of its ASCII spelling; every other node
type shares its row with the text printer (`TEXT`): the rules recurse through the table in the memo,
so a transpose inside a shared rule's output is still written ᵀ. Element-wise powers stay `x.^2` and
negative powers `a^-2`: the parser reads superscripts only as a power of a scalar or a matrix.
"""
from .. import expr as E
from ..tables import Table
from . import text as T
from .text import ATOM, ELEM, POST, POW, PROD, SUM, TEXT, _operand, _p, wrap

UNICODE = Table("unicode", doc="expression → Unicode text (ᵀ, ⁻¹, ‖·‖, ⊙, −), (text, binding level) per node")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def to_unicode(e, names=None):
    """`e` as Unicode text that parses back to `e` (under the same declarations); names as in to_text."""
    memo = {node: (name, ATOM) for node, name in (names or {}).items()}
    memo[T._SIZED] = True
    memo[T._TABLE] = UNICODE
    return _p(e, memo)[0]


def _positive_integer(k):
    return isinstance(k, E.Num) and k.value.denominator == 1 and k.value > 0


@UNICODE.register(E.Transpose, identity="Xᵀ, X⁻ᵀ")
def u_transpose(e, memo):
    if isinstance(e.arg, E.Inverse):
        return wrap(e.arg.arg, POST, memo) + "⁻ᵀ", POST
    if isinstance(e.arg, (E.Transpose, E.Inverse, E.MatPow)):   # X⁻ᵀᵀ reads as one power: (X⁻ᵀ)ᵀ
        return f"({_p(e.arg, memo)[0]})ᵀ", POST
    return wrap(e.arg, POST, memo) + "ᵀ", POST


@UNICODE.register(E.Ones, identity="vector(1)ᵀ")
def u_ones(e, memo):
    text, level = T.t_ones(e, memo)
    return text.replace("^T", "ᵀ"), level


@UNICODE.register(E.Inverse, identity="X⁻¹")
def u_inverse(e, memo):
    return wrap(e.arg, POST, memo) + "⁻¹", POST


@UNICODE.register(E.MatPow, identity="A³ (A^-3 for a negative power)")
def u_matpow(e, memo):
    if isinstance(e.arg, E.Inverse):
        return f"{wrap(e.arg.arg, POST, memo)}^-{e.k}", POW
    return wrap(e.arg, POST, memo) + str(e.k).translate(SUPERSCRIPT), POW


@UNICODE.register(E.Pow, identity="a², ‖x‖², 1 ⊘ x (x.^2 and a^-2 as text)")
def u_pow(e, memo):
    base, k = e.base, e.exponent
    if not base.is_scalar and isinstance(k, E.Num) and k.value == -1:
        return "1 ⊘ " + wrap(base, PROD, memo), ELEM
    if base.is_scalar and _positive_integer(k):
        return wrap(base, POST, memo) + str(k.value.numerator).translate(SUPERSCRIPT), POW
    return TEXT[E.Pow](e, memo)


@UNICODE.register(E.Norm, identity="‖x‖, ‖x‖_1")
def u_norm(e, memo):
    inner = _p(e.arg, memo)[0]
    if e.p == 1:
        return (f"‖{inner}‖_1", ATOM) if e.arg.shape[1] == 1 and "‖" not in inner else (f"norm1({inner})", ATOM)
    return (f"‖{inner}‖", ATOM) if "‖" not in inner else (f"norm({inner})", ATOM)


@UNICODE.register(E.Hadamard, identity="x ⊙ y, x ⊘ y")
def u_hadamard(e, memo):
    text, level = TEXT[E.Hadamard](e, memo)
    return text.replace(" .* ", " ⊙ ").replace(" ./ ", " ⊘ "), level


@UNICODE.register(E.Add, identity="a − b")
def u_add(e, memo):
    bare_ok = any(T.broadcast_literal(t) is None for t in e.terms)
    parts = []
    for i, term in enumerate(e.terms):
        c, _ = E.coefficient(term)
        lit = T.broadcast_literal(term)
        negative = (lit if lit is not None else c) < 0
        text = _operand(E.negate(term) if negative and i else term, memo, ELEM, bare_ok)
        parts.append(text if i == 0 else (" − " if negative else " + ") + text)
    return "".join(parts), SUM


for _node, _row in TEXT.rows.items():    # every other node type: the text printer's row
    if _node not in UNICODE:
        UNICODE.register(_node, identity=_row.identity, source=_row.source)(_row.fn)

__all__ = ["UNICODE", "to_unicode"]
