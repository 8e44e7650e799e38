"""Reading derivatives off the canonical differential.

Gradients: `df` is linear in dX. `pull(L, W)` returns G with ⟨W, L(dX)⟩ = ⟨G, dX⟩ — the trace
rules of METHOD.md §2 applied node by node: cyclic rotation (⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩),
transpose flip (⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩), Hadamard swap (⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩), and the adjoints
of tr, sum, diag. With W = 1 for a scalar f this turns df into Σ tr(Gᵢᵀ dX), and ∂f/∂X = Σ Gᵢ.

Jacobians: `push(L)` returns J with vec(L(dX)) = J vec(dX) (METHOD.md §3–4):
vec(A dX B) = (Bᵀ ⊗ A) vec dX, vec(dXᵀ) = K vec dX, vec(A ⊙ dX) = diag(vec A) vec dX.
"""
from . import expr as E
from .diff import Differentiator, inner
from .errors import DiffError
from .simplify import simplify


def transpose_chain(chain):
    return [E.Transpose(f) for f in reversed(chain)]


# ---- gradients: the adjoint of the linear map dX ↦ L(dX) ------------------------------------
def pull(L, W, out):
    """Append to `out` the terms of G with ⟨W, L⟩ = ⟨G, dX⟩."""
    if isinstance(L, E.Zero) or L is E.Num(0):
        return
    if isinstance(L, E.Differential):
        out.append(W)
    elif isinstance(L, E.Add):
        for t in L.terms:
            pull(t, W, out)
    elif isinstance(L, E.Mul):
        k = _linear_factor(L.factors)
        f = L.factors[k]
        others = L.factors[:k] + L.factors[k + 1:]
        scalars = [g for g in others if g.is_scalar]
        if f.is_scalar:   # ⟨W, s · C⟩ = s ⟨W, C⟩ with s the factor holding dX
            chain = [g for g in others if not g.is_scalar]
            rest = E.product(*chain) if chain else E.ONE
            pull(f, E.product(*scalars, inner(W, rest) if chain else W), out)
        else:             # ⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩  (cyclic rotation of the trace)
            chain = [g for g in L.factors if not g.is_scalar]
            j = chain.index(f)
            pull(f, E.product(*scalars, *transpose_chain(chain[:j]), W, *transpose_chain(chain[j + 1:])), out)
    elif isinstance(L, E.Hadamard):   # ⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩
        k = _linear_factor(L.factors)
        others = L.factors[:k] + L.factors[k + 1:]
        pull(L.factors[k], E.Hadamard(W, *others), out)
    elif isinstance(L, E.Transpose):  # ⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩
        pull(L.arg, E.Transpose(W), out)
    elif isinstance(L, E.Trace):      # w tr(L) = ⟨w I, L⟩
        pull(L.arg, E.product(W, E.Identity(L.arg.shape[0])), out)
    elif isinstance(L, E.Sum):        # w sum(L) = ⟨w 1, L⟩
        pull(L.arg, E.product(W, E.Ones(L.arg.shape)) if not L.arg.is_scalar else W, out)
    elif isinstance(L, E.DiagVec):    # ⟨w, diag(L)⟩ = ⟨diag(w), L⟩
        pull(L.arg, E.DiagMat(W), out)
    elif isinstance(L, E.DiagMat):
        pull(L.arg, E.DiagVec(W), out)
    elif isinstance(L, E.Vec) and (L.arg.is_vector or L.arg.is_scalar):
        pull(L.arg, W, out)
    else:
        raise DiffError(f"no closed-form gradient through {type(L).__name__.lower()} "
                        f"of the differential (in {L})")


def _linear_factor(factors):
    held = [i for i, f in enumerate(factors) if any(isinstance(v, E.Differential) for v in f.free)]
    if len(held) != 1:
        raise DiffError("internal error: a differential term is not linear in the differential")
    return held[0]


def differential(f, wrt):
    """df as an expression linear in Differential(wrt), simplified; and the conditions met on the way."""
    d = Differentiator(wrt)
    df = d(f)
    df = simplify(df) if df is not None else None
    return df, d.conditions


def gradient_of(f, wrt):
    """(∂f/∂X, df, conditions) for scalar f, with ∂f/∂X in the shape of X."""
    df, conditions = differential(f, wrt)
    if df is None or df is E.Num(0) or isinstance(df, E.Zero):
        zero = E.Num(0) if wrt.is_scalar else E.Zero(wrt.shape)
        return zero, df, conditions
    terms = []
    pull(df, E.ONE, terms)
    if not terms:
        return (E.Num(0) if wrt.is_scalar else E.Zero(wrt.shape)), df, conditions
    grad = simplify(E.Add(*terms) if len(terms) > 1 else terms[0])
    return grad, df, conditions


def canonical_differential(grad, wrt):
    """df = tr(Gᵀ dX), written the way people write it for scalars and vectors."""
    return inner(grad, E.Differential(wrt)) if not wrt.is_scalar else E.product(grad, E.Differential(wrt))


# ---- Jacobians: vec(L(dX)) = J vec(dX) --------------------------------------------------------
def numel(e):
    from .shapes import mul_dims
    return mul_dims(*e.shape)


def as_column(e):
    """vec(e) without a vec node when e already is a column (or a row: same entries)."""
    if e.shape[1] == 1:
        return e
    if e.shape[0] == 1:
        return E.Transpose(e)
    return E.Vec(e)


def push(L, n):
    """J with vec(L) = J vec(dX), for L linear in dX; n = numel(X)."""
    if isinstance(L, E.Zero) or L is E.Num(0):
        return None
    if isinstance(L, E.Differential):
        return E.Identity(n)
    if isinstance(L, E.Add):
        parts = [j for t in L.terms if (j := push(t, n)) is not None]
        return None if not parts else parts[0] if len(parts) == 1 else E.Add(*parts)
    if isinstance(L, E.Mul):
        k = _linear_factor(L.factors)
        f = L.factors[k]
        inner_j = push(f, n)
        if inner_j is None:
            return None
        scalars = [g for i, g in enumerate(L.factors) if i != k and g.is_scalar]
        if f.is_scalar:          # vec(C s) = vec(C) s: a column times the row ∂s/∂x
            chain = [g for g in L.factors if not g.is_scalar]
            if not chain:
                return E.product(*scalars, inner_j)
            return E.product(*scalars, as_column(E.product(*chain)), inner_j)
        chain = [g for g in L.factors if not g.is_scalar]
        j = chain.index(f)
        left, right = chain[:j], chain[j + 1:]
        if not right and f.shape[1] == 1:
            return E.product(*scalars, *left, inner_j)          # vec(P f) = P f for a column f
        P = E.product(*left) if left else E.Identity(f.shape[0])
        Q = E.product(*right) if right else E.Identity(f.shape[1])
        return E.product(*scalars, E.Kron(E.Transpose(Q), P), inner_j)  # vec(P f Q) = (Qᵀ ⊗ P) vec f
    if isinstance(L, E.Hadamard):  # vec(B ⊙ f) = diag(vec B) vec f
        k = _linear_factor(L.factors)
        others = L.factors[:k] + L.factors[k + 1:]
        inner_j = push(L.factors[k], n)
        other = others[0] if len(others) == 1 else E.Hadamard(*others)
        return inner_j and E.product(E.DiagMat(as_column(other)), inner_j)
    if isinstance(L, E.Transpose):  # vec(fᵀ) = K vec f (and = vec f for vectors)
        f = L.arg
        inner_j = push(f, n)
        if f.shape[0] == 1 or f.shape[1] == 1:
            return inner_j
        return inner_j and E.product(E.Commutation(f.shape[0], f.shape[1]), inner_j)
    if isinstance(L, E.Trace):      # tr(f) = vec(I)ᵀ vec f
        inner_j = push(L.arg, n)
        return inner_j and E.product(E.Transpose(E.Vec(E.Identity(L.arg.shape[0]))), inner_j)
    if isinstance(L, E.Sum):        # sum(f) = 1ᵀ vec f
        inner_j = push(L.arg, n)
        return inner_j and E.product(E.Ones((1, numel(L.arg))), inner_j)
    if isinstance(L, E.Vec):
        return push(L.arg, n)
    if isinstance(L, (E.DiagVec, E.DiagMat)):
        inner_j = push(L.arg, n)
        k = L.shape[0]
        mask = E.DiagMat(E.Vec(E.Identity(k)))       # diag(vec I): keeps the diagonal entries of vec
        spread = E.Kron(E.Ones((k, 1)), E.Identity(k))
        if isinstance(L, E.DiagVec):                 # diag(F) = (I ⊙ F) 1 ⇒ (1ᵀ ⊗ I) diag(vec I) vec F
            return inner_j and E.product(E.Transpose(spread), mask, inner_j)
        return inner_j and E.product(mask, spread, inner_j)   # diag(v) = I ⊙ (v 1ᵀ) ⇒ diag(vec I)(1 ⊗ I) v
    raise DiffError(f"no closed-form Jacobian through {type(L).__name__.lower()} of the differential (in {L})")


def jacobian_of(F, wrt):
    """(J, dF, conditions) with vec(dF) = J vec(dX): J is numel(F) × numel(X)."""
    dF, conditions = differential(F, wrt)
    n = numel(wrt)
    J = push(dF, n) if dF is not None else None
    if J is None:
        return E.Zero((numel(F), n)), dF, conditions
    return simplify(J), dF, conditions


def substitute(e, mapping, memo=None):
    memo = {} if memo is None else memo
    if e in mapping:
        return mapping[e]
    if e in memo:
        return memo[e]
    out = e.rebuild([substitute(c, mapping, memo) for c in e.children]) if e.children else e
    memo[e] = out
    return out


def directional_of(grad, wrt, v):
    """∇f(x)ᵀ v: the gradient paired with a direction of the variable's shape."""
    return simplify(inner(grad, v)) if not wrt.is_scalar else simplify(E.product(grad, v))
