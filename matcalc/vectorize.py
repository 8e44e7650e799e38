"""Jacobians: vec(L(dX)) = J vec(dX), one row per node type (VEC).

`push(L, n)` returns J for L linear in dX (METHOD.md §3–4): vec(A dX B) = (Bᵀ ⊗ A) vec dX,
vec(dXᵀ) = K vec dX, vec(A ⊙ dX) = diag(vec A) vec dX, and the vec forms of tr, sum and diag.
A row is `rule(L) → [(rule name, M, L′)]` with vec(L) = Σ M vec(L′) (M None: the identity, for
the terms of a sum). A node without a closed-form vec rule has a refusal row, a DiffError naming
it; `push` ends on the differential itself and on zero (ENDS), which have no row.
"""
from . import expr as E
from .diff import linear_factor
from .errors import DiffError
from .shapes import mul_dims
from .simplify import simplify
from .steps import Step
from .tables import Table

VEC = Table("vec", "vec(L) = Σ M vec(L′) for L linear in the differential")
ENDS = (E.Differential, E.Zero)   # where push stops: vec(dX) = I vec(dX); vec(0) = 0


def numel(e):
    return mul_dims(*e.shape)


def as_column(e):
    """vec(e) without a vec node when e already is a column (or a row: same entries)."""
    if e.shape[1] == 1:
        return e
    if e.shape[0] == 1:
        return E.Transpose(e)
    return E.Vec(e)


def zero_jacobian(rows, n):
    shape = (rows, n)
    return E.ZERO if shape == (1, 1) else E.Zero(shape)


def push_rule(L, n):
    """One vec rule: [(rule name, M, L')] with vec(L) = Σ M vec(L')."""
    row = VEC.rows.get(type(L)) or VEC.rule(type(L))
    return row.fn(L)


def push(L, n, steps=None):
    """J with vec(L) = J vec(dX), for L linear in dX; n = numel(X); record each vec rule in `steps`."""
    if E.is_zero(L):
        return zero_jacobian(numel(L), n)
    if isinstance(L, E.Differential):
        return E.Identity(n)
    parts = push_rule(L, n)
    if steps is not None and parts[0][0] != "linearity":
        for rule, M, L2 in parts:
            # M as the result will print it (I, not Iᵀ, in Iᵀ ⊗ K)
            before, after = as_column(L), E.product(simplify(M) if M is not None else M, as_column(L2))
            if str(before) != str(after):
                steps.append(Step(rule, before, after))
    js = []
    for _, M, L2 in parts:
        inner_j = push(L2, n, steps)
        if not E.is_zero(inner_j):
            js.append(inner_j if M is None else E.product(M, inner_j))
    if not js:
        return zero_jacobian(numel(L), n)
    return js[0] if len(js) == 1 else E.Add(*js)


def refuse(L):
    """The refusal row: no closed-form Jacobian through this node of the differential."""
    raise DiffError(f"no closed-form Jacobian through {type(L).__name__.lower()} of the differential (in {L})")


# ---- the rows ----------------------------------------------------------------------------------
@VEC.register(E.Add, identity="linearity")
def vec_add(L):
    return [("linearity", None, t) for t in L.terms]


@VEC.register(E.Mul, identity="vec(P dX Q) = (Qᵀ ⊗ P) vec(dX)", source="Matrix Cookbook (520)")
def vec_mul(L):
    k = linear_factor(L.factors)
    f = L.factors[k]
    scalars = [g for i, g in enumerate(L.factors) if i != k and g.is_scalar]
    chain = [g for g in L.factors if not g.is_scalar]
    if f.is_scalar:          # vec(C s) = vec(C) s: a column times the row ∂s/∂x
        if not chain:
            return [("scalar factor", E.product(*scalars) if scalars else E.ONE, f)]
        return [("a scalar differential times a vector: u (gᵀ dx) = (u gᵀ) dx",
                 E.product(*scalars, as_column(E.product(*chain))), f)]
    j = chain.index(f)
    left, right = chain[:j], chain[j + 1:]
    if not right and f.shape[1] == 1:
        return [("product: vec(P dx) = P dx", E.product(*scalars, *left) if scalars or left else E.ONE, f)]
    P = E.product(*left) if left else E.Identity(f.shape[0])
    Q = E.product(*right) if right else E.Identity(f.shape[1])
    return [("vec(P dX Q) = (Qᵀ ⊗ P) vec(dX)", E.product(*scalars, E.Kron(E.Transpose(Q), P)), f)]


@VEC.register(E.Hadamard, identity="vec(B ⊙ dX) = diag(vec B) vec(dX)")
def vec_hadamard(L):
    k = linear_factor(L.factors)
    others = L.factors[:k] + L.factors[k + 1:]
    other = others[0] if len(others) == 1 else E.Hadamard(*others)
    return [("vec(B ⊙ dX) = diag(vec B) vec(dX)", E.DiagMat(as_column(other)), L.factors[k])]


@VEC.register(E.Transpose, identity="vec(dXᵀ) = commutation(m, n) vec(dX)")
def vec_transpose(L):
    f = L.arg
    if f.shape[0] == 1 or f.shape[1] == 1:
        return [("vec of a transposed vector", E.ONE, f)]
    # written as the printers write the commutation matrix (commutation(m, n), K_{m,n}): a bare K would
    # read as the user's matrix K
    return [("vec(dXᵀ) = commutation(m, n) vec(dX)", E.Commutation(f.shape[0], f.shape[1]), f)]


@VEC.register(E.Trace, identity="tr(dX) = vec(I)ᵀ vec(dX)")
def vec_trace(L):
    return [("tr(dX) = vec(I)ᵀ vec(dX)", E.Transpose(E.Vec(E.Identity(L.arg.shape[0]))), L.arg)]


@VEC.register(E.Sum, identity="sum(dX) = 1ᵀ vec(dX)")
def vec_sum(L):
    return [("sum(dX) = 1ᵀ vec(dX)", E.Ones((1, numel(L.arg))), L.arg)]


@VEC.register(E.Vec, identity="vec")
def vec_vec(L):
    return [("vec", E.ONE, L.arg)]


def _diagonal_mask(k):
    """diag(vec I) keeps the diagonal entries of vec; 1 ⊗ I spreads a vector over the columns."""
    return E.DiagMat(E.Vec(E.Identity(k))), E.Kron(E.Ones((k, 1)), E.Identity(k))


@VEC.register(E.DiagVec, identity="diag(dX) = (1ᵀ ⊗ I) diag(vec I) vec(dX)")
def vec_diagvec(L):
    """diag(F) = (I ⊙ F) 1 ⇒ (1ᵀ ⊗ I) diag(vec I) vec F."""
    mask, spread = _diagonal_mask(L.shape[0])
    return [("diag(dX) = (1ᵀ ⊗ I) diag(vec I) vec(dX)", E.product(E.Transpose(spread), mask), L.arg)]


@VEC.register(E.DiagMat, identity="vec(diag(dx)) = diag(vec I) (1 ⊗ I) dx")
def vec_diagmat(L):
    mask, spread = _diagonal_mask(L.shape[0])
    return [("vec(diag(dx)) = diag(vec I) (1 ⊗ I) dx", E.product(mask, spread), L.arg)]


# Nodes that cannot hold the differential linearly, or have no closed-form vec rule here.
VEC.register(E.Var, E.Num, E.Const, E.Literal, E.Identity, E.Ones, E.Commutation, E.Kron, E.Pow, E.Inverse,
             E.MatPow, E.Det, E.LogDet, E.Norm, E.Apply, E.Call, E.CallJacobian, E.ElementCall)(refuse)
