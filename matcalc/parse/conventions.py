"""Reading conventions where the notation alone could mean two things; each is listed, with its
reason, in the README's language section, and every use of one that could surprise is reported as a
note of the parse.
"""
from ..errors import ParseError
from .syntax import Node


def coefficient_split(node):
    """`λ/2 ||w||^2`, `1/n ||X w - y||^2`, `1/(2N) ||r||^2`, `N/2 log det Σ`: when the right operand
    of `/` is a juxtaposition whose first factor is a number, a name, a parenthesised expression or a
    power of one, that factor is the divisor and the rest multiplies — every source that writes
    `λ/2 ||w||^2` means (λ/2)·||w||². A number glued to the names after it (no space: `/2σ^2`, `/2π`,
    `/2λ`) is one divisor with them, as in `exp(-||x - y||^2/2σ^2)`, where every source means 2σ².
    Returns (divisor node, [rest nodes], glued) or None. (The divisor must also turn out a scalar;
    `x^T A x / x^T x`, whose first factor is a transpose, stays a quotient.)"""
    if node.op != "juxt":
        return None
    run = glued_number(node.args)
    if run > 1:
        args = node.args
        return Node("juxt", args[:run], args[0].start, args[run - 1].end), list(args[run:]), True
    first = node.args[0]
    base = first.args[0] if first.op == "pow" else first
    if base.op in ("num", "name", "paren"):
        return first, list(node.args[1:]), False
    return None


def glued_number(factors):
    """How many factors from the first make one number written without spaces (`2σ^2`, `2πσ^2`,
    `2(1 - ρ^2)`): a number literal and the names, powers and parentheses touching it; 1 when none."""
    if factors[0].op != "num":
        return 1
    j = 1
    while j < len(factors) and factors[j].start == factors[j - 1].end and names_in_number(factors[j]) is not None:
        j += 1
    return j


def is_coefficient(nodes):
    """Whether a numerator is a coefficient (numbers, names, sums and powers of them: `λ`, `N`,
    `(ν + p)`), so `λ/2 ||w||^2` is (λ/2)·||w||²; after a term (`||w||^2/2 λ`) the reading is not clear."""
    return all(names_in_number(n) is not None for n in nodes)


def divisor_name(node):
    """The name a divisor is made of (n in `/n`, `/(n)`, `/n^2`), or None."""
    while node.op in ("paren", "pow"):
        node = node.args[0]
    return node.args[0] if node.op == "name" else None


def coefficient_note(text, start, slash, divisor, rest_end, glued=False):
    """The note for a `/` read as a coefficient: how it was read, and how to write the other reading."""
    num = text[start:slash].strip()
    coef = text[divisor.start:divisor.end]
    rest = text[divisor.end:rest_end].strip()
    if glued:       # divisor is juxt(number, names…): the other reading divides by the number only
        number, names = text[divisor.start:divisor.args[1].start], text[divisor.args[1].start:divisor.end]
        read = " ".join(p for p in (f"{num}/({coef})", rest) if p)
        other = " ".join(p for p in (f"({num}/{number})", names, rest) if p)
        return (f"'{text[start:rest_end].strip()}' is read as {read}: a number written together with the "
                f"names after it ({coef}) divides as one; for the other reading write {other}")
    return (f"'{text[start:rest_end].strip()}' is read as ({num}/{coef}) {rest}: the factor right after '/' "
            f"divides and the rest multiplies; for the other reading write {num}/({coef} {rest})")


def ambiguous_quotient(text, start, slash, divisor, end):
    """`||w||^2/2 λ`: after a term, a divisor followed by more factors could mean (‖w‖²/2)·λ or
    ‖w‖²/(2λ) — sources write both — so matcalc asks rather than picks: the error to raise."""
    num, coef, rest = text[start:slash].strip(), text[divisor.start:divisor.end], text[divisor.end:end].strip()
    return ParseError(f"'{text[start:end].strip()}' could mean ({num}/{coef}) {rest} or {num}/({coef} {rest}): "
                      f"write one of them with parentheses", slash, end=end)


COUNT_NAMES = ("N", "K")     # capitals that sources use for counts (samples, classes) as often as for matrices
# Lower-case letters that name counts (n samples, p features, k classes, d dimensions): a bare divisor
# `… / n` made of them is a number, where other letters keep the element-wise `1/x` of a vector.
COUNT_LETTERS = ("n", "m", "p", "k", "d", "q")


def names_in_number(node):
    """The names of a node built only of numbers, names, parentheses, sums, products and powers
    (`2N`, `(ν + p)`, `n^2`), or None when it holds anything else."""
    if node.op == "num":
        return []
    if node.op == "name":
        return [node.args[0]]
    if node.op in ("paren", "neg"):
        return names_in_number(node.args[0])
    if node.op == "pow":
        return names_in_number(node.args[0])
    if node.op in ("juxt", "sum", "prod"):
        out = []
        for item in node.args:
            names = names_in_number(item[1] if isinstance(item, tuple) else item)
            if names is None:
                return None
            out += names
        return out
    return None


def counts(ast):
    """The N and K that are only ever used as coefficients — divisors (`1/N ||r||^2`, `1/(2N) ||R||^2`,
    `x^T x / K`) or divided by a number (`N/2 log det Σ`) — which read as numbers (a count) rather than
    as matrices."""
    seen, coefficient = {}, {}

    def walk(n):
        if not hasattr(n, "op"):
            if isinstance(n, tuple):
                for c in n:
                    walk(c)
            return
        if n.op == "name" and n.args[0] in COUNT_NAMES:
            seen[n.args[0]] = seen.get(n.args[0], 0) + 1
        if n.op == "prod":
            items = [n.args[0]] + [x for _, x in n.args[1:]]
            for i, (op, x) in enumerate(n.args[1:]):
                if op != "/":
                    continue
                split = coefficient_split(x)
                divisor = split[0] if split is not None else x
                left = items[0] if i == 0 else None
                for name in names_in_number(divisor) or ():         # anything / N: N divides
                    coefficient[name] = coefficient.get(name, 0) + 1
                if divisor.op == "num" and left is not None:
                    for name in names_in_number(left) or ():
                        coefficient[name] = coefficient.get(name, 0) + 1
        for a in n.args:
            walk(a)
    walk(ast)
    return {name for name, k in seen.items() if coefficient.get(name) == k}


def is_euler(node, decls, definitions=()):
    """The name e, undeclared and undefined: Euler's number (e^x is exp(x), 2πe is 2π exp(1))."""
    return node.op == "name" and node.args[0] == "e" and "e" not in decls and "e" not in definitions


def is_one(node):
    """The number literal 1 as written (not (1), not 1.0 … which are scalars): the ones vector where a
    vector is needed (`1^T x`, `X 1`, `1 b^T`)."""
    return node.op == "num" and node.args[0] == 1


def written_dimensions(ast):
    """Names written as dimensions in the text: 1_n, ones(n), eye(n), zeros(m, n), commutation(m, n)."""
    out = set()

    def walk(n):
        if not hasattr(n, "op"):
            if isinstance(n, tuple):
                for c in n:
                    walk(c)
            return
        if n.op == "ones" and isinstance(n.args[0], str):
            out.add(n.args[0])
        if n.op == "call" and n.args[0] in ("eye", "zeros", "ones", "commutation"):
            out.update(a.args[0] for a in n.args[1] if a.op == "name")
        for a in n.args:
            walk(a)
    walk(ast)
    return out
