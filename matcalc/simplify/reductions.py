"""Identities of the nodes that reduce or reshape a matrix: trace, sum, diag, vec, norm.

Each rewrite returns the new node, or None when it does not apply; a node type's rewrites are
tried in the order they are written here (the first that applies wins).
"""
from .. import expr as E
from .engine import chain_product, split, transpose
from .products import COUNT
from .rules import rewrite
from .sums import chain_of


# ---- trace ----------------------------------------------------------------------------------
@rewrite(E.Trace, "tr(a) = a for a 1×1 a")
def trace_of_scalar(e):
    if e.arg.is_scalar:
        return e.arg


@rewrite(E.Trace, "tr(A + B) = tr(A) + tr(B)", source="Matrix Cookbook §1.1, trace", arg=(E.Add,))
def trace_of_sum(e):
    if isinstance(e.arg, E.Add):
        return E.Add(*(E.Trace(t) for t in e.arg.terms))


@rewrite(E.Trace, "tr(Aᵀ) = tr(A)", source="Matrix Cookbook §1.1, trace", arg=(E.Transpose,))
def trace_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Trace(e.arg.arg)


@rewrite(E.Trace, "tr(Iₙ) = n for a numeric n", arg=(E.Identity,))
def trace_of_identity(e):
    if isinstance(e.arg, E.Identity) and isinstance(e.arg.n, int):
        return E.Num(e.arg.n)


@rewrite(E.Trace, "tr(diag(x)) = sum(x)", arg=(E.DiagMat,))
def trace_of_diag(e):
    if isinstance(e.arg, E.DiagMat):
        return E.Sum(e.arg.arg)


@rewrite(E.Trace, "tr(A ⊗ B) = tr(A) tr(B) for square A, B", source="Matrix Cookbook §10.2.1", arg=(E.Kron,))
def trace_of_kron(e):
    a = e.arg
    if isinstance(a, E.Kron) and a.left.shape[0] == a.left.shape[1] and a.right.shape[0] == a.right.shape[1]:
        return E.product(E.Trace(a.left), E.Trace(a.right))


@rewrite(E.Trace, "tr(c s A) = c s tr(A) for a number c and scalars s", arg=(E.Mul,))
def trace_of_scaled(e):
    if isinstance(e.arg, E.Mul):
        c, scalars, chain = chain_of(e.arg)
        if scalars or c != 1:
            return E.product(E.Num(c), *scalars, E.Trace(chain_product(chain)))


@rewrite(E.Trace, "tr(A u vᵀ B) = vᵀ B A u: a row in the chain rotates to the front",
         source="Matrix Cookbook §1.1, trace", arg=(E.Mul,))
def trace_of_outer(e):
    if isinstance(e.arg, E.Mul):
        chain = chain_of(e.arg)[2]
        for i, f in enumerate(chain):
            if f.shape[0] == 1:
                return E.Mul(*chain[i:], *chain[:i])


@rewrite(E.Trace, "tr(A B C) = tr(B C A) = tr(Cᵀ Bᵀ Aᵀ): the rotation with the smallest key",
         source="Matrix Cookbook §1.1, trace", arg=(E.Mul,))
def trace_rotation(e):
    if isinstance(e.arg, E.Mul):
        best = _canonical_rotation(chain_of(e.arg)[2])
        if best is not None:
            return E.Trace(E.Mul(*best))


def _canonical_rotation(chain):
    """tr(A B C) = tr(B C A) = tr(Cᵀ Bᵀ Aᵀ): pick the rotation with the smallest key.

    Only rotations that start at a factor of the smallest key can win, and candidates are compared
    factor by factor, so a long chain of distinct factors costs a linear scan, not 2k key tuples."""
    orders = [chain]
    flipped = [transpose(f) for f in reversed(chain)]
    if not any(isinstance(f, (E.Mul, E.Add)) for f in flipped):
        orders.append(flipped)
    keys = [[f.sort_key for f in order] for order in orders]
    low = min(min(k) for k in keys)
    n = len(chain)
    best = None
    for order, key in zip(orders, keys):
        for i in range(n):
            if key[i] == low and (best is None or _rotation_less(key, i, best[1], best[2], n)):
                best = (order, key, i)
    order, _, i = best
    rotated = order[i:] + order[:i]
    return None if rotated == chain else rotated


def _rotation_less(key, i, other, j, n):
    """Is key rotated by i smaller than other rotated by j (both of length n)?"""
    for t in range(n):
        a, b = key[(i + t) % n], other[(j + t) % n]
        if a != b:
            return a < b
    return False


# ---- sum of the entries ---------------------------------------------------------------------
@rewrite(E.Sum, "sum(a) = a for a 1×1 a")
def sum_of_scalar(e):
    if e.arg.is_scalar:
        return e.arg


@rewrite(E.Sum, "sum(A + B) = sum(A) + sum(B)", arg=(E.Add,))
def sum_of_sum(e):
    if isinstance(e.arg, E.Add):
        return E.Add(*(E.Sum(t) for t in e.arg.terms))


@rewrite(E.Sum, "sum(c A) = c sum(A) for a number c", arg=(E.Num, E.Mul))
def sum_of_multiple(e):
    c, rest = split(e.arg)
    if c != 1:
        return E.product(E.Num(c), E.Sum(rest))


@rewrite(E.Sum, "sum(s A) = s sum(A) for scalars s", arg=(E.Mul,))
def sum_of_scaled(e):
    a = e.arg
    if isinstance(a, E.Mul):
        scalars = [f for f in a.factors if f.is_scalar]
        if scalars:
            return E.product(*scalars, E.Sum(chain_product([f for f in a.factors if not f.is_scalar])))


@rewrite(E.Sum, "sum(Aᵀ) = sum(vec(A)) = sum(A)", arg=(E.Transpose, E.Vec))
def sum_of_transpose(e):
    if isinstance(e.arg, (E.Transpose, E.Vec)):
        return E.Sum(e.arg.arg)


@rewrite(E.Sum, "sum(diag(x)) = sum(x)", arg=(E.DiagMat,))
def sum_of_diag(e):
    if isinstance(e.arg, E.DiagMat):
        return E.Sum(e.arg.arg)


@rewrite(E.Sum, "sum(x ⊙ y) = xᵀ y, sum(X ⊙ Y) = tr(Xᵀ Y)", source="Matrix Cookbook §1.1, trace",
         arg=(E.Hadamard,))
def sum_of_hadamard(e):
    a = e.arg
    if isinstance(a, E.Hadamard) and len(a.factors) == 2:
        x, y = a.factors
        return E.Mul(E.Transpose(x), y) if a.is_vector else E.Trace(E.Mul(E.Transpose(x), y))


@rewrite(E.Sum, "sum(1ₘₓₙ) = m n, the sizes (numbers for numeric m, n)", arg=(E.Ones,))
def sum_of_ones(e):
    a = e.arg
    if isinstance(a, E.Ones) and all(isinstance(d, int) for d in a.shape):
        return E.Num(a.shape[0] * a.shape[1])
    if isinstance(a, E.Ones) and all(isinstance(d, (int, str)) for d in a.shape):
        counts = [COUNT["of"](d) for d in a.shape if d != 1]
        if not any(isinstance(c, E.Sum) for c in counts):     # the size node (ops/size.py) is loaded
            return E.product(*counts)


# ---- diag and vec ---------------------------------------------------------------------------
@rewrite(E.DiagVec, "diag(diag(x)) = x", arg=(E.DiagMat,))
def diagvec_of_diagmat(e):
    if isinstance(e.arg, E.DiagMat):
        return e.arg.arg


@rewrite(E.DiagVec, "diag(Aᵀ) = diag(A)", arg=(E.Transpose,))
def diagvec_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.DiagVec(e.arg.arg)


@rewrite(E.DiagVec, "diag(Iₙ) = 1ₙ", arg=(E.Identity,))
def diagvec_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return E.Ones((e.arg.n, 1))


@rewrite(E.Vec, "vec(x) = x for a column x")
def vec_of_vector(e):
    if e.arg.is_vector:
        return e.arg


@rewrite(E.Vec, "vec(xᵀ) = x for a column x", arg=(E.Transpose,))
def vec_of_row(e):
    if isinstance(e.arg, E.Transpose) and e.arg.arg.is_vector:
        return e.arg.arg


# ---- norms ----------------------------------------------------------------------------------
@rewrite(E.Norm, "‖a‖ = |a| for a scalar a")
def norm_of_scalar(e):
    if e.arg.is_scalar:
        return E.Apply("abs", e.arg)


@rewrite(E.Norm, "‖c A‖ = |c| ‖A‖ for a number c", arg=(E.Num, E.Mul))
def norm_of_multiple(e):
    c, rest = split(e.arg)
    if c != 1:
        return E.product(E.Num(abs(c)), E.Norm(rest, e.p))


@rewrite(E.Norm, "‖Aᵀ‖ = ‖A‖ for the norms matcalc has (entry-wise and Frobenius)", arg=(E.Transpose,))
def norm_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Norm(e.arg.arg, e.p)
