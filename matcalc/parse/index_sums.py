"""Index notation: `\\sum_{i=1}^{n} …` over the entries of vectors, translated to matrix form.

A sum whose term is built only of entries `x_i` (the index as the subscript), numbers and scalars,
with +, −, products, quotients, powers and element-wise functions, is the sum of the element-wise
expression of the vectors: `\\sum_{i=1}^n x_i \\log x_i` is sum(x ⊙ log(x)), `\\log\\sum_i e^{x_i}` is
log(sum(exp(x))), `-\\frac{1}{2}\\sum_j (1 + \\log\\sigma_j^2 - \\mu_j^2 - \\sigma_j^2)` is Kingma &
Welling's KL. That translation is exact. Anything else in the term — a transposed or bold `x_i` (a row
of a matrix), a matrix, a norm, a nested sum, an entry used outside its sum — is refused with the
matrix form to write, never guessed (Σᵢ (yᵢ − wᵀxᵢ)² is ||y − X w||², the xᵢ the rows of X).

latex.py writes such a sum as `sum(…)` and records where; `rewrite` then turns the term's AST into
the element-wise one, and says which names became vectors.
"""
import re
from fractions import Fraction

from ..errors import ParseError
from ..vocabulary import ELEMENTWISE
from .syntax import Node

REFUSED = ("index notation (\\sum_{i=1}^{n} …) is read only over entries of vectors (x_i, y_i with numbers and "
           "scalars: \\sum_i x_i \\log x_i is sum(x .* log(x))); this term has {what}: write the sum in matrix form — "
           "Σᵢ (x_iᵀ w − yᵢ)² is ||X w - y||^2 with the x_i as the rows of X, Σᵢ log(b_i − a_iᵀx) is "
           "sum(log(b - A x)) with the a_i as the rows of A")
_FUNCTIONS = set(ELEMENTWISE) | {"ln", "sigmoid", "normcdf", "max", "relu"}


def rewrite(ast, sums, text, bold=(), found=None, declared=frozenset()):
    """The AST with every recorded index sum (plain-text position → index letter) rewritten; returns
    (ast, names made vectors, notes). `found` collects the positions of the sums met."""
    if not sums:
        return ast, set(), []
    vectors, notes, done = set(), [], set()
    found = set() if found is None else found

    def walk(n):
        if not isinstance(n, Node):
            return tuple(walk(c) for c in n) if isinstance(n, tuple) else n
        if n.op == "call" and n.args[0] == "sum" and n.start in sums and len(n.args[1]) == 1:
            found.add(n.start)
            index = sums[n.start]
            names = set()
            term = _term(n.args[1][0], index, names, bold, text, declared)
            if not names:
                raise ParseError(REFUSED.replace("{what}", f"no entry indexed by {index}"), n.start, text, end=n.end)
            vectors.update(names)
            done.update(names)
            notes.append(f"the sum over {index} of '{text[n.args[1][0].start:n.args[1][0].end].strip()}' is read as "
                         f"sum(…) of the element-wise expression of the vectors {', '.join(sorted(names))} "
                         f"({sorted(names)[0]}_{index} the {index}-th entry)")
            return Node("call", ("sum", (term,)), n.start, n.end)
        return Node(n.op, tuple(walk(a) for a in n.args), n.start, n.end)

    ast = walk(ast)
    _entries_outside(ast, done, text)
    return ast, vectors, notes


def _indexed(name, index):
    m = re.fullmatch(rf"(.+)_{re.escape(index)}", name)
    return m.group(1) if m is not None else None


def _term(n, index, names, bold, text, declared=frozenset()):
    """The element-wise form of the term n (entries x_i → the vectors x), or a refusal."""
    def refuse(what):
        raise ParseError(REFUSED.replace("{what}", what), n.start, text, end=n.end)

    def has_entry(x):
        if x.op == "name":
            return _indexed(x.args[0], index) is not None
        return any(has_entry(a) for a in _children(x))

    def go(x):
        if x.op == "num":
            return x
        if x.op == "name":
            base = _indexed(x.args[0], index)
            if base is None:
                if x.args[0][:1].isupper() or x.args[0] in bold:
                    refuse(f"the vector or matrix {x.args[0]}")
                return x
            if x.args[0] in bold or base in bold or base[:1].isupper():
                refuse(f"{x.args[0]}, a vector (a row of a matrix), not an entry")
            if base in ("pi", "π", "e") and base not in declared:
                refuse(f"entries of {base}, which reads as a number: declare the vector (--let \"{base}: K\")")
            names.add(base)
            return Node("name", (base,), x.start, x.end)
        if x.op in ("paren", "neg"):
            return Node(x.op, (go(x.args[0]),), x.start, x.end)
        if x.op == "sum":
            return Node("sum", (go(x.args[0]),) + tuple((o, go(a)) for o, a in x.args[1:]), x.start, x.end)
        if x.op in ("pow", "epow"):
            return Node("epow" if has_entry(x.args[0]) else x.op, (go(x.args[0]), go(x.args[1])), x.start, x.end)
        if x.op == "call" and x.args[0] in _FUNCTIONS:
            return Node("call", (x.args[0], tuple(go(a) for a in x.args[1])), x.start, x.end)
        if x.op in ("juxt", "prod"):
            items = [(None, x.args[0])] + list(x.args[1:]) if x.op == "prod" else [(None, a) for a in x.args]
            for (_, a), (_, b) in zip(items, items[1:]):      # p(x_i): a density or a function, not a product
                if a.op == "name" and b.op == "paren" and a.end == b.start and has_entry(b):
                    refuse(f"'{text[a.start:b.end].strip()}', a function applied to an entry")
            if any(o not in (None, "*", "/") for o, _ in items):    # q · k_i is a dot product: vectors, not entries
                refuse(f"the operator {next(o for o, _ in items if o not in (None, '*', '/'))}")
            # entries multiply element-wise; a factor with no entry scales (λ x_i is λ x, x_i / c is x / c)
            scale = [go(a) for o, a in items if o != "/" and not has_entry(a)]
            divide = [go(a) for o, a in items if o == "/" and not has_entry(a)]
            entries = [("./" if o == "/" else "⊙", go(a)) for o, a in items if has_entry(a)]
            if not entries:
                return Node(x.op, tuple(go(a) if o is None else (o, go(a)) for o, a in items)
                            if x.op == "prod" else tuple(go(a) for _, a in items), x.start, x.end)
            if entries[0][0] == "./":
                entries.insert(0, ("⊙", Node("num", (Fraction(1),), x.start, x.start)))
            core = entries[0][1] if len(entries) == 1 else Node("elem", (entries[0][1],) + tuple(entries[1:]),
                                                                  x.start, x.end)
            if scale:
                core = Node("juxt", tuple(scale) + (core,), x.start, x.end)
            if divide:
                core = Node("prod", (Node("paren", (core,), x.start, x.end),)
                            + tuple(("/", Node("paren", (d,), d.start, d.end)) for d in divide), x.start, x.end)
            return core
        refuse(f"'{text[x.start:x.end].strip()}'")

    return go(n)


def _children(x):
    for a in x.args:
        if isinstance(a, Node):
            yield a
        elif isinstance(a, tuple):
            for b in a:
                if isinstance(b, Node):
                    yield b
                elif isinstance(b, tuple):
                    yield from (c for c in b if isinstance(c, Node))


def _entries_outside(ast, done, text):
    """An entry x_i used outside the sums over i (Goodfellow's z_i − log Σ_j exp(z_j)) is refused: it is
    an entry of the vector the sum made, not a name of its own."""
    stack = [ast]
    while stack:
        x = stack.pop()
        entry = re.fullmatch(r"(.+)_(?:[A-Za-z]{1,2}|[0-9]+)", x.args[0]) if x.op == "name" else None
        if entry is not None and entry.group(1) in done:      # x_i, x_0 — not x_bar, x_hat, x_star (names)
            raise ParseError(f"{x.args[0]} is an entry of a vector summed elsewhere in the text; an entry on its own is "
                             "not read (write the matrix form: z_i − log Σ_j exp(z_j) is e_iᵀ z − log(sum(exp(z))) "
                             "with e_i the i-th unit vector)", x.start, text, end=x.end)
        stack.extend(_children(x))
