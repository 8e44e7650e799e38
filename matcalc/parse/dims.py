"""Dimensions: the union-find unifier that solves them while the expression is built, then readable
names for the ones left free (vectors' first: the `x` of `A x` gets n), and the rebuild of the
expression with every dimension resolved.
"""
from itertools import count

from .. import expr as E
from .. import shapes as S

_VECTOR_DIMS = ("n", "m", "p", "q", "r", "s", "k", "l")
_MATRIX_DIMS = ("m", "n", "p", "q", "r", "s", "k", "l")


class Cell:
    """A dimension during unification: free (value None) or bound to an int, a symbol or a cell."""
    __slots__ = ("parent", "value", "order")
    counter = 0

    def __init__(self, value=None):
        self.parent, self.value = self, value
        Cell.counter += 1
        self.order = Cell.counter

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


class Unifier:
    def __init__(self):
        self.symbols = {}
        self.shown = {}

    def display(self, d):
        """A dimension for an error message: free cells get readable names as they are shown."""
        r = self.resolve(d)
        if isinstance(r, Cell):
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
            cell = self.symbols[d] = Cell(d)
        return cell

    def resolve(self, d):
        if isinstance(d, Cell):
            root = _find(d)
            return root.value if root.value is not None else root
        if isinstance(d, tuple):
            return tuple(self.resolve(f) for f in d)
        return d

    def __call__(self, a, b):
        ra, rb = self.resolve(a), self.resolve(b)
        if ra is rb or (not isinstance(ra, Cell) and not isinstance(rb, Cell) and ra == rb):
            return True
        if isinstance(ra, Cell) and rb != 1 and not _occurs(ra, rb):
            if isinstance(rb, Cell):
                ra.parent = rb
            else:
                ra.value = rb
            return True
        if isinstance(rb, Cell) and ra != 1 and not _occurs(rb, ra):
            rb.value = ra
            return True
        if isinstance(ra, tuple) and isinstance(rb, tuple) and len(ra) == len(rb):
            # products: match equal factors first, then unify what is left pairwise (n·p = m·n ⇒ p = m)
            left, right = list(ra), list(rb)
            for f in list(left):
                same = next((g for g in right if g is f or (not isinstance(g, Cell) and g == f)), None)
                if same is not None:
                    left.remove(f)
                    right.remove(same)
            return all(self(x, y) for x, y in zip(left, right))
        return False


def name_dims(root, unify, declared_symbols, extra=()):
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
    free = {}       # an ordered set: membership in O(1), so a chain of 10,000 matrices is linear

    def collect(r):
        if isinstance(r, tuple):
            for f in r:
                collect(f)
        elif isinstance(r, Cell):
            free.setdefault(r, None)
    for leaf in vectors + [leaf for leaf in leaves if leaf.shape[1] != 1]:
        for d in leaf.shape:
            collect(unify.resolve(d))
    used, names = set(declared_symbols), {}
    vector_dims = {unify.resolve(v.shape[0]) for v in vectors}
    vec_count = sum(1 for c in free if c in vector_dims)
    spare = count(1)        # n1, n2, … once the pools run out, each tried once
    for i, cell in enumerate(free):
        pool = _VECTOR_DIMS if i < vec_count else _MATRIX_DIMS
        name = next((p for p in pool if p not in used), None)
        while name is None or name in used:
            name = f"n{next(spare)}"
        used.add(name)
        names[cell] = name
    return names


def resolver(unify, names):
    def dim(d):
        r = unify.resolve(d)
        if isinstance(r, Cell):
            return names[r]
        if isinstance(r, tuple):
            out = 1
            for f in r:
                out = S.mul_dims(out, dim(f))
            return out
        return r
    return dim


def rebuild(e, dim, memo):
    out = memo.get(e)       # one lookup, not two (`in`, then [e]): a node is never None
    if out is not None:
        return out
    if isinstance(e, E.Var):
        out = E.Var(e.name, (dim(e.shape[0]), dim(e.shape[1])), e.props)
    elif isinstance(e, E.Identity):
        out = E.Identity(dim(e.n))
    elif isinstance(e, (E.Zero, E.Ones)):
        out = type(e)((dim(e.dims[0]), dim(e.dims[1])))
    elif isinstance(e, E.Commutation):
        out = E.Commutation(dim(e.m), dim(e.n))
    elif isinstance(e, (E.Call, E.CallJacobian)):
        out = type(e)(e.name, rebuild(e.arg, dim, memo), dim(e.out))
    elif hasattr(e, "map_dims"):    # a node naming a dimension outside its shape (ops/size.py)
        out = e.map_dims(dim)
    else:
        out = e.rebuild([rebuild(c, dim, memo) for c in e.children])
    memo[e] = out
    return out

