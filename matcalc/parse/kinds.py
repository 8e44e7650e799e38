"""Kinds: is each undeclared lower-case name a scalar or a vector?

An abstract interpretation of the AST over {S (scalar), V (vector), R (row), M (matrix)} and groups
of still-unknown names joined by union-find: `x^T A` forces x to be a vector, `a + b` puts a and b in
one group. What is left unforced follows the letter convention (`letter_kind`).
"""
import re
from contextvars import ContextVar

from ..errors import ParseError, ShapeError
from ..vocabulary import ELEMENTWISE, GREEK_NAMES, IDENTITY_NAMES, spelling
from .conventions import (COUNT_LETTERS, COUNT_NAMES, coefficient_split, counts, divisor_name, is_euler, is_one,
                          names_in_number, written_dimensions)
from .calls import determinant_bars
from .declarations import user_function


#: name → "scalar" | "vector": another reading of an undeclared name, set while solve.py tries it.
kind_hints = ContextVar("kind_hints", default={})


def letter_kind(name):
    """matrixcalculus.org's convention: a–g and lower-case Greek are scalars, h–z vectors."""
    first = name[0]
    letters = re.match(r"[A-Za-z]*", name).group()
    if name in GREEK_NAMES or letters in GREEK_NAMES or not ("a" <= first.lower() <= "z"):   # mu, mu_0, alpha2
        return "scalar"
    return "scalar" if first <= "g" else "vector"


def is_matrix_name(name):
    return name[0].isupper() and name not in ("I",)


class Kinds:
    """Abstract interpretation over {S, V, R, M} and unknown groups of names (union-find)."""

    def __init__(self, decls, definitions=None, ast=None, vectors=(), text=None):
        self.decls, self.text = decls, text
        # names read as numbers: dimensions of the declarations (`1/n` with X: n x p) and the counts N, K
        # used only as coefficients (conventions.counts); never a matrix of that name
        dims = {d for decl in decls.values() for d in decl.dims if isinstance(d, str)} - set(decls)
        self.numbers = {name: f"{name} is read as the number {name}, a dimension of the declarations"
                        for name in dims}
        if ast is not None:
            for name in written_dimensions(ast) - set(decls) - dims:
                self.numbers[name] = f"{name} is read as the number {name}, a dimension written in the expression"
            for name in counts(ast) - set(decls) - set(self.numbers):
                self.numbers[name] = (f"{name} is read as a number (a count): it is only used as a coefficient; "
                                      f"declare it ('{name}: m x n') if it is a matrix")
        self.parent, self.forced = {}, set()
        self.names = []
        self.divisors = []      # names that divide as a coefficient: scalars unless forced to be vectors
        self.definitions = definitions or {}     # name → AST of its definition (h = tanh(W x))
        self._defined = {}                       # name → its kind, once worked out
        for name in vectors:    # written in bold (\mathbf{q}): a vector, as in every source that does so
            if name not in decls and name not in self.numbers:
                self.parent[name] = name
                self.names.append(name)
                self.forced.add(name)

    def defined(self, name):
        """The kind of a defined name: the kind of its definition (a definition may not use itself)."""
        if name not in self._defined:
            self._defined[name] = None
            self._defined[name] = self.kind(self.definitions[name])
        elif self._defined[name] is None:
            node = self.definitions[name]
            raise ParseError(f"the definition of {name} uses {name} itself", node.start, end=node.end)
        return self._defined[name]

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
        return _RULES[n.op](self, *n.args)

    def divisor(self, node):
        """The names a divisor is made of (n in /n, /(2n), /n^2) lean to scalars."""
        names = [divisor_name(node)] if divisor_name(node) is not None else names_in_number(node) or []
        self.divisors.extend(name for name in names if name in self.parent)

    def resolve(self):
        """name → (kind, note): kind 'scalar' or 'vector' ('scalar' for the names read as numbers); the
        note says why when the letter convention alone would have said otherwise, else None."""
        hints = kind_hints.get()      # the solver's other reading of a name, when it tries one
        divisors = {self.find(m) for m in self.divisors}
        vector_groups = {self.find(m) for m in self.names if hints.get(m, letter_kind(m)) == "vector"} - divisors
        out = {name: ("scalar", note) for name, note in self.numbers.items()}
        for name in self.names:
            root = self.find(name)
            kind = "vector" if root in self.forced or root in vector_groups else "scalar"
            if hints.get(name, kind) != kind:
                raise ShapeError(f"{name} cannot be a {hints[name]} here")
            note = None
            if kind != letter_kind(name) and name not in hints:    # the solver states its own readings
                note = (f"{name} is read as a {kind} (the letter convention alone would make it a "
                        f"{'scalar' if kind == 'vector' else 'vector'})")
            out[name] = (kind, note)
        return out


# ---- one rule per AST op: (Kinds, *node.args) → kind ----------------------------------------
def _name(k, name):
    if name in k.definitions:
        return k.defined(name)
    d = k.decls.get(name)
    if d is not None:
        return {"scalar": "S", "vector": "V", "matrix": "M", "function": None}[d.kind]
    if name in k.numbers or name == "const":
        return "S"
    if name in IDENTITY_NAMES or is_matrix_name(name):
        return "M"
    if name not in k.parent:
        k.parent[name] = name
        k.names.append(name)
    return ("U", name)


def _literal(k, rows):
    return "S" if len(rows) == 1 and len(rows[0]) == 1 else "V" if all(len(r) == 1 for r in rows) else "M"


def _elem(k, first, *rest):
    kinds = [k.kind(first)] + [k.kind(x) for _, x in rest]
    if any(o == "⊗" for o, _ in rest):
        return "M"
    return k.join(kinds)


def _product(k, items):
    """items: [(operator or None, node)]; a quotient's denominator joins only when it is not a scalar."""
    acc = k.kind(items[0][1])
    for o, x in items[1:]:
        split = coefficient_split(x) if o == "/" else None
        if split is not None and k.kind(split[0]) not in ("V", "M"):
            k.divisor(split[0])                 # λ/2 ||w||^2: (λ/2) ||w||^2, the divisor a scalar
            if _count_divisor(items[0][1]) and len(items) == 2:
                k.divisor(items[0][1])          # n/2 log(2π): a count over a number is a coefficient too
            for t in split[1]:
                kt = k.kind(t)
                if acc in ("M", "R") and isinstance(kt, tuple):
                    kt = k.force(kt)
                acc = _product_kind(acc, kt)
            continue
        kx = k.kind(x)
        if o == "/" and x.op == "num" and len(items) == 2 and _count_divisor(items[0][1]):
            k.divisor(items[0][1])              # (n/2) log 2π, as \\frac{n}{2} reads: a count over a number
        if o == "/" and (_count_divisor(x) or _number_times_names(x)):
            k.divisor(x)                        # 1 1^T / n: n counts, it does not divide element-wise;
                                                # (1/(2n)), \\frac{1}{2m}: 2n is a number
        if is_one(x) and o is None and acc in ("M", "R"):
            kx = "V"                            # X 1: the ones vector
        if is_one(x) and o is None and isinstance(acc, tuple) and len(items) == 2 and items[0][1].op == "name":
            k.divisor(items[0][1])              # b 1 (y - X w - b 1, the SVM's X w + b 1): nobody multiplies a
            acc = "V"                           # vector by the number 1, so b is a scalar times the ones vector
            continue
        if o == "/":
            acc = k.join([acc, kx]) if kx in ("V", "M") else acc
            continue
        if acc in ("M", "R") and isinstance(kx, tuple):
            kx = k.force(kx)
        acc = _product_kind(acc, kx)
    return acc


def _number_times_names(node):
    """(2n), (2 ℓ^2), 2N: a divisor that multiplies a number literal by names is a number, as the
    plain reading's `1/(2n) ||r||^2` makes it (its names lean to scalars)."""
    while node.op == "paren":
        node = node.args[0]
    return node.op == "juxt" and any(a.op == "num" for a in node.args) and names_in_number(node) is not None


def _count_divisor(node):
    name = divisor_name(node)
    if name is None:     # a product of counts, /(m n): how a mean of an m×n matrix prints
        names = names_in_number(node)
        return bool(names) and node.op == "paren" and all(n in COUNT_LETTERS + COUNT_NAMES for n in names)
    return name in COUNT_LETTERS + COUNT_NAMES


def _product_kind(a, b):
    if a == "S" or a is None and b in ("S",):
        return b
    if b == "S":
        return a
    table = {("M", "M"): "M", ("M", "V"): "V", ("R", "M"): "R", ("R", "V"): "S", ("V", "R"): "M"}
    return table.get((a, b))


def _pow(k, base, exponent):
    if is_euler(base, k.decls, k.definitions):
        return k.kind(exponent)                 # e^x: exp(x), element-wise
    k.kind(exponent)
    return k.kind(base)


def _epow(k, base, exponent):
    """x.^2: the element-wise power is written for arrays, so an undeclared name under it is a vector."""
    if is_euler(base, k.decls, k.definitions):
        return k.kind(exponent)
    k.kind(exponent)
    kb = k.kind(base)
    return k.force(kb) if base.op == "name" else kb


def _post(k, base, op):
    if op == "T" and is_one(base):
        return "R"                              # 1^T: the ones vector transposed
    kb = k.kind(base)
    if op in ("T", "-T"):
        kb = k.force(kb)
        return {"V": "R", "R": "V"}.get(kb, kb)
    return kb


def _norm(k, arg, sub):
    k.force(k.kind(arg))        # ||f_a - f_p||: nobody writes the norm of a scalar, so the names are vectors
    return "S"


def _summed(k, arg):
    k.force(arg)                # sum(σ.^2 - μ.^2): the sum of a scalar is not written, so its names are vectors
    return "S"


def _wnorm(k, arg, weight):
    k.force(k.kind(arg))
    k.kind(weight)
    return "S"


def _inner(k, a, b):
    k.force(k.kind(a))
    k.force(k.kind(b))
    return "S"


def _diag(k, arg):
    arg = k.force(arg)
    return "M" if arg == "V" else "V" if arg == "M" else None


# known function → kind of the result from the kind of the first argument (None: no argument); an
# operation of matcalc.ops adds its own (ops/softmax.py)
CALL_KINDS = {
    "diag": _diag,
    "mean_rows": lambda k, arg: "V", "var_rows": lambda k, arg: "V",
    "mean_cols": lambda k, arg: "M", "var_cols": lambda k, arg: "M",      # a row: 1×c
    "vec": lambda k, arg: "V", "kron": lambda k, arg: "M", "inv": lambda k, arg: arg,
    "vector": lambda k, arg: "V", "matrix": lambda k, arg: "M", "max": lambda k, arg: arg,
    "ones": lambda k, arg: "V", "sum": _summed, "mean": _summed, "var": _summed,
    **{name: (lambda k, arg: arg) for name in ELEMENTWISE},
}


def _call(k, name, args):
    kinds = [k.kind(a) for a in args]
    if name == "max":                                        # max(0, u): relu(u), the kind of u
        kinds = [kk for kk, a in zip(kinds, args) if not (a.op == "num" and a.args[0] == 0)] or kinds
    first = kinds[0] if kinds else None
    if name in ("log", "ln") and first == "M" and args[0].op == "call" and args[0].args[0] == "abs" \
            and args[0].args[1][0].start == args[0].start + 1:
        return "S"                              # log|Σ|: log det (build.py), a scalar
    if name in ("log", "ln") and first == "M" and len(args) == 1 and k.text is not None \
            and determinant_bars(args[0], k.text) is not None:
        return "S"                              # log(|Σ₂|/|Σ₁|): log dets (calls.py), a scalar
    user = user_function(k.decls, name)
    if user is not None:
        base, decl = user
        if decl.dims[0] == 1:
            return first                                     # element-wise
        k.force(first)
        return "M" if base != name else ("S" if decl.dims[1] == 1 else "V")
    rule = CALL_KINDS.get(name) or CALL_KINDS.get(_spelled(name))
    return rule(k, first) if rule is not None else "S"


def _spelled(name):
    """v_{max}, v_2 → v_max, v_k: the key an operation's kind rule is under (ops/eigen.py)."""
    return re.sub(r"_\d+$", "_k", spelling(name))


_RULES = {
    "name": _name,
    "num": lambda k, value: "S",
    "literal": _literal,
    "paren": lambda k, inner: k.kind(inner),
    "neg": lambda k, inner: k.kind(inner),
    "sum": lambda k, first, *rest: k.join([k.kind(first)] + [k.kind(x) for _, x in rest]),
    "elem": _elem,
    "prod": lambda k, first, *rest: _product(k, [(None, first)] + list(rest)),
    "juxt": lambda k, *items: _product(k, [(None, x) for x in items]),
    "pow": _pow,
    "epow": _epow,
    "post": _post,
    "norm": _norm,
    "wnorm": _wnorm,
    "inner": _inner,
    "call": _call,
    "ones": lambda k, size: "V",
}
