"""Dimension names used as numbers: the n of `1/n ||X w - y||^2`, the d of `q^T k / sqrt(d)`, the p of
`(ν + p)/2 log(…)`. Such a letter is the size of a dimension of the expression (ops/size.py's node),
not a free scalar the user would have to set to that size.

A scalar name is read as a size when
- it names a dimension of the declarations (`--let "X: n x p"`) or one written in the text (`1_n`,
  `eye(n)`): that dimension — a declared dimension is never a matrix, nor a variable (unless the
  name itself is declared, `--let "n: scalar"`, which wins, with a note);
- or, undeclared, it is a letter sources use for sizes (SIZE_LETTERS: n, m, p, d, k, N, K, and any of
  them with a subscript, d_k) that the typing reads as a scalar, and the expression has a dimension
  no declaration names. Which one, by unification of the reading "a count scales the sum over what
  it counts" (1/n Σᵢ, 1/√d qᵀk):
    1. the dimension the term it scales sums over first — the entries of a norm, a sum or a trace,
       the rows of a Frobenius norm (rows are samples), the inner dimension of a product:
       `1/n ||X w - y||^2` makes n the length of X w - y, so X is n×p; `K q / sqrt(d)` makes d the
       columns of K; `q^T k / sqrt(d)` the length of q;
    2. else (its term sums nothing: `N/2 log(2π σ²)`, `- k`) the dimension the expression sums over
       first (`||y - X w||^2 / (2σ²) + N/2 log(2π σ²)`: N is the length of y).
  An undeclared letter none of these gives a dimension to stays a scalar the user sets (`N/2 log det Σ`
  alone: N counts samples, which nothing in the expression sums over), and so does one that multiplies
  a sum (`k ||x||^2`: a count divides a sum); both with a note.
The wrt name is never a size. Every size read is said in a note, with the declaration for the
other reading.
"""
import re

from .. import expr as E
from .conventions import written_dimensions
from .dims import Cell

#: the size node's class, registered by ops/size.py (the parser does not name operation types)
NODE = {}

#: letters sources use for counts and dimensions (samples, features, classes, the d of attention)
SIZE_LETTERS = ("n", "m", "p", "d", "k", "N", "K")
_SIZE_NAME = re.compile(r"^(%s)(_\{?[A-Za-z0-9]+\}?)?$" % "|".join(SIZE_LETTERS))


def size(d):
    """The number of entries along the dimension d: a size node (a number for a fixed dimension)."""
    return E.Num(d) if isinstance(d, int) else NODE["size"](d)


def count(shape):
    """The number of entries of a shape, as an expression: n, or m n (the dimensions that are 1 left out)."""
    return E.product(*[size(d) for d in shape if d != 1])


def is_size_letter(name):
    return bool(_SIZE_NAME.match(name))


def declared_dimensions(decls, ast):
    """Names that are dimensions of the declarations or written as dimensions (1_n, eye(n))."""
    dims = {d for decl in decls.values() for d in decl.dims if isinstance(d, str)}
    return dims | (written_dimensions(ast) if ast is not None else set())


def read_sizes(raw, builder, decls, ast, wrt=()):
    """Decide which scalar names of the built expression `raw` are sizes, binding each inferred one's
    dimension to its letter. Returns (memo for dims.rebuild: Var → size node, notes)."""
    unify, memo, notes = builder.unify, {}, []
    declared = declared_dimensions(decls, ast)
    scalars = [v for v in builder.vars.values() if v.shape == (1, 1) and v.name not in wrt]
    for v in scalars:
        if v.name in decls and v.name in declared and decls[v.name].kind != "function":
            notes.append(f"{v.name} is declared as a {decls[v.name].kind}, so it is that variable, not the size of "
                         f"the dimension {v.name} (leave the declaration out to read it as the size)")
    taken = set(declared)
    for v in scalars:
        if v.name in decls:
            continue
        if v.name in declared:
            memo[v] = NODE["size"](v.name)
            notes.append(f"{v.name} is read as the size of the dimension {v.name} of the declarations: a number, "
                         f"not a variable (declare --let \"{v.name}: scalar\" for a scalar of that name)")
            continue
        if not is_size_letter(v.name):
            continue
        cell, how = _inferred(raw, v, unify)
        if cell is None or v.name in taken or not unify(cell, unify.symbol(v.name)):
            if how is not None or _free_dims(raw, unify) == [] and _leaves(raw, [], set()):
                notes.append(f"{v.name} is read as a scalar you give a value, not as a size: "
                             f"{how or 'it names no dimension of the expression'} (to use a size, name a "
                             f"dimension {v.name} in a declaration, as --let \"x: {v.name}\")")
            continue
        taken.add(v.name)
        memo[v] = NODE["size"](v.name)
        notes.append(f"{v.name} is read as the size {v.name}: {how} (declare --let \"{v.name}: scalar\" for a "
                     f"scalar of that name)")
    return memo, notes


def _inferred(raw, var, unify):
    """(the free dimension the undeclared size letter `var` names, how it was found), or (None, None)."""
    free = _free_dims(raw, unify)
    if not free:
        return None, None
    term = _scaled_term(raw, var)
    if term is not None and not _divides(raw, var) and _is_sum(term):
        return None, "it multiplies a sum, which a count divides (1/n ||r||^2), as in k ||x||^2"
    if term is not None:
        d = _first_sum(term, unify)
        if d is not None:
            return d, f"the dimension the term it scales sums over ({_where(raw, d, unify)})"
    d = _first_sum(raw, unify)
    if d is not None:
        return d, f"the dimension the expression sums over first ({_where(raw, d, unify)})"
    return None, "no sum in the expression runs over a dimension no declaration names (N/2 log det Σ)"


def _leaves(e, out, seen):
    if e in seen:
        return out
    seen.add(e)
    if isinstance(e, (E.Var, E.Identity, E.Ones, E.Zero, E.Commutation)) and e.shape != (1, 1):
        out.append(e)
    for c in e.children:
        _leaves(c, out, seen)
    return out


def _free_dims(raw, unify):
    """The unbound dimensions of the expression, in order of appearance (each once)."""
    found = []
    for leaf in _leaves(raw, [], set()):
        for d in leaf.shape:
            r = unify.resolve(d)
            if isinstance(r, Cell) and r not in found:
                found.append(r)
    return found


def _where(raw, cell, unify):
    """'X is n×p': the first variable with that dimension, for the note."""
    for leaf in _leaves(raw, [], set()):
        if isinstance(leaf, E.Var) and any(unify.resolve(d) is cell for d in leaf.shape):
            axis = "rows" if unify.resolve(leaf.shape[0]) is cell else "columns"
            if leaf.shape[1] == 1 or leaf.shape[0] == 1:
                return f"the length of {leaf.name}"
            return f"the {axis} of {leaf.name}"
    return "a dimension of the expression"


def _scaled_term(e, var):
    """The factors a scalar coefficient holding `var` multiplies (λ/n ||r||² → ||r||²), or None."""
    stack = [e]
    seen = set()
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        if isinstance(e, E.Mul):
            holds = [f for f in e.factors if var in E.nodes(f)]
            rest = [f for f in e.factors if var not in E.nodes(f)]
            if holds and rest and all(f.is_scalar for f in holds) \
                    and not all(isinstance(f, (E.Num, E.Const)) for f in rest):
                return rest[0] if len(rest) == 1 else E.Mul(*rest)
        stack.extend(e.children)
    return None


def _divides(e, var):
    """Is `var` in a denominator (1/n, 1/sqrt(d), 1/(2N)) of the product that holds it?"""
    return any(isinstance(n, E.Pow) and isinstance(n.exponent, E.Num) and n.exponent.value < 0
               and var in E.nodes(n.base) for n in E.nodes(e))


def _is_sum(term):
    """Is the term itself a sum of entries (‖r‖², sum, tr, xᵀy), not a function of one (log(1 + xᵀx))?"""
    if isinstance(term, E.Pow) and isinstance(term.base, E.Norm):
        return True
    if isinstance(term, (E.Norm, E.Sum, E.Trace)):
        return True
    if isinstance(term, E.Mul):
        return sum(not f.is_scalar for f in term.factors) >= 2 or any(_is_sum(f) for f in term.factors)
    return False


def _first_sum(e, unify):
    """The free dimension the first reduction met breadth-first sums over: a norm's or a sum's entries
    (a matrix's rows), a trace's diagonal, a product's inner dimension."""
    level, seen = [e], set()
    while level:
        nxt = []
        for n in level:
            if n in seen:
                continue
            seen.add(n)
            for d in _summed(n):
                r = unify.resolve(d)
                if isinstance(r, Cell):
                    return r
            if not isinstance(n, _OPAQUE):
                nxt.extend(n.children)
        level = nxt
    return None


#: matrix maps whose insides are not sums a count could scale: in Bishop's factor analysis
#: `-N/2 {ln|C| + Tr(C⁻¹ S)}` with C = W Wᵀ + Ψ, N counts samples, not the columns W Wᵀ contracts
_OPAQUE = (E.LogDet, E.Det, E.Inverse)


def _summed(n):
    if isinstance(n, (E.Norm, E.Sum)):      # a matrix's rows first (rows are samples), then its columns
        r, c = n.children[0].shape
        return (c,) if r == 1 else (r,) if c == 1 else (r, c)
    if isinstance(n, E.Trace):
        return (n.arg.shape[0],)
    if isinstance(n, E.Mul):
        chain = [f for f in n.factors if not f.is_scalar]
        return tuple(f.shape[1] for f in chain[:-1])
    return ()
