"""What the builder needs to know about values: the exact value of a constant expression (for
division by zero), number literals in the AST, and nodes under parentheses and signs."""
from fractions import Fraction

from .. import expr as E


def leading_number(n):
    """(value, rest) when n is a number literal, or a juxtaposition that starts with one."""
    if n.op == "num":
        return n.args[0], []
    if n.op == "juxt" and n.args[0].op == "num":
        return n.args[0].args[0], list(n.args[1:])
    return None


def constant(e):
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
        b, k = constant(e.base), constant(e.exponent)
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
        v = constant(c)
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


def unwrap(n):
    """The node inside parentheses and signs: (-(1)) → 1."""
    while n.op in ("paren", "neg"):
        n = n.args[0]
    return n


def const(n):
    while n.op == "paren":
        n = n.args[0]
    if n.op == "num":
        return n.args[0]
    if n.op == "neg" and n.args[0].op == "num":
        return -n.args[0].args[0]
    return None

