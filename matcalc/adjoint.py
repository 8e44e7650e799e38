"""Gradients: the adjoint of the linear map dX ↦ L(dX), one row per node type (ADJOINT).

`pull(L, W)` finds G with ⟨W, L(dX)⟩ = ⟨G, dX⟩ by the trace rules of METHOD.md §2 applied node by
node: cyclic rotation (⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩), transpose flip (⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩), Hadamard
swap (⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩), and the adjoints of tr, sum, diag. With W = 1 for a scalar f this
turns df into Σ tr(Gᵢᵀ dX), and ∂f/∂X = Σ Gᵢ. This is JAX's `primitive_transposes`.

A row is `rule(L, W) → [(rule name, L′, W′)]` with ⟨W, L⟩ = Σ ⟨W′, L′⟩. A node through which the
differential has no closed-form adjoint (dX ⊗ A, an inverse of the differential, …) has a refusal
row, a DiffError naming it. `pull` ends on the differential itself and on zero (ENDS), which have
no row.
"""
from . import expr as E
from .diff import inner, linear_factor
from .errors import DiffError
from .simplify import simplify
from .steps import Step
from .tables import Table

ADJOINT = Table("adjoint", "⟨W, L⟩ = Σ ⟨W′, L′⟩ for L linear in the differential")
ENDS = (E.Differential, E.Zero)   # where pull stops: ⟨W, dX⟩ is the term W; ⟨W, 0⟩ adds nothing


def pull_rule(L, W):
    """One trace rule: [(rule name, L', W')] with ⟨W, L⟩ = Σ ⟨W', L'⟩."""
    row = ADJOINT.rows.get(type(L)) or ADJOINT.rule(type(L))
    return row.fn(L, W)


# Past this many root-to-dX paths through the differential, pull accumulates per shared node
# (reverse mode over the DAG) instead of walking every path: d softmax(u) = s ⊙ du − s sᵀdu holds du
# twice, so 14 nested softmaxes have 2¹⁴ paths (16 s, a 14 MB result; issue 14). Below it, the
# path-by-path walk, whose terms and steps every other derivation has always shown, is kept.
MAX_PATHS = 256


def pull(L, W, out, steps=None):
    """Append to `out` the terms of G with ⟨W, L⟩ = ⟨G, dX⟩; record each trace rule in `steps`."""
    if _paths(L, W) > MAX_PATHS:
        return _pull_shared(L, W, out, steps)
    _pull_paths(L, W, out, steps)


def _pull_paths(L, W, out, steps=None):
    if E.is_zero(L):
        return
    if isinstance(L, E.Differential):
        out.append(W)
        return
    parts = [(rule, L2, simplify(W2)) for rule, L2, W2 in pull_rule(L, W)]
    if steps is not None and parts[0][0] != "linearity" and not (len(parts) == 1 and parts[0][2] is W
                                                                  and parts[0][1] is L):
        for rule, L2, W2 in parts:
            before, after = pair(W, L), pair(W2, L2)
            if str(before) != str(after):          # a rule that changes nothing on paper is not a step
                steps.append(Step(rule, before, after))
    for _, L2, W2 in parts:
        _pull_paths(L2, W2, out, steps)


def _paths(L, W):
    """How many root-to-end paths the path-by-path walk would take, counted up to MAX_PATHS + 1 over the
    DAG (each node once), with the placeholder W standing in for every W (only shapes matter)."""
    counts = {}
    stack = [(L, W, None)]   # (node, W, its rule's output: None going down, kept for the count coming up)
    while stack:
        node, w, kids = stack.pop()
        if node in counts:
            continue
        if isinstance(node, ENDS) or E.is_zero(node):
            counts[node] = 1
            continue
        if kids is None:
            kids = pull_rule(node, w)
            stack.append((node, w, kids))
            stack.extend((k, kw, None) for _, k, kw in kids if k not in counts)
            continue
        counts[node] = min(MAX_PATHS + 1, sum(counts[k] for _, k, _ in kids))
    return counts[L]


def _pull_shared(L, W, out, steps=None):
    """pull in reverse mode: each node of the differential's DAG is pulled once, with the sum of the
    W's that reach it, after every node that reaches it (parents in topological order)."""
    order, seen = [], set()
    stack = [(L, W, False)]
    while stack:                          # a post-order walk: order reversed is a topological order
        node, w, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, w, True))
        if isinstance(node, ENDS) or E.is_zero(node):
            continue
        stack.extend((k, kw, False) for _, k, kw in pull_rule(node, w))
    pending = {L: [W]}
    for node in reversed(order):
        ws = pending.pop(node, [])
        if not ws or E.is_zero(node):
            continue
        total = ws[0] if len(ws) == 1 else simplify(E.Add(*ws))
        if isinstance(node, E.Differential):
            out.append(total)
            continue
        for rule, L2, W2 in pull_rule(node, total):
            W2 = simplify(W2)
            if steps is not None and str(pair(total, node)) != str(pair(W2, L2)):
                steps.append(Step(rule, pair(total, node), pair(W2, L2)))
            pending.setdefault(L2, []).append(W2)


def pair(W, L):
    """⟨W, L⟩ for display: tr(Wᵀ L) with Wᵀ tidied (the value is that of inner(W, L))."""
    if W.is_scalar:
        return E.product(W, L)
    wt = simplify(E.Transpose(W))
    if isinstance(wt, E.Mul) and any(isinstance(f, E.Identity) for f in wt.factors):
        wt = E.product(*[f for f in wt.factors if not isinstance(f, E.Identity)])
    if isinstance(wt, E.Identity) or wt.is_scalar:      # tr(I L) and tr(c I L) are written tr(L), c tr(L)
        t = E.Trace(L) if not L.is_scalar else L
        return t if isinstance(wt, E.Identity) else E.product(wt, t)
    return E.product(wt, L) if W.is_vector else E.Trace(E.product(wt, L))


def refuse(L, W=None):
    """The refusal row: no closed-form gradient through this node of the differential."""
    raise DiffError(f"no closed-form gradient through {type(L).__name__.lower()} of the differential (in {L})")


# ---- the rows ----------------------------------------------------------------------------------
@ADJOINT.register(E.Add, identity="linearity")
def adj_add(L, W):
    return [("linearity", t, W) for t in L.terms]


@ADJOINT.register(E.Mul, identity="cyclic property of the trace")
def adj_mul(L, W):
    """⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩ (tr(Wᵀ P L Q) = tr(Q Wᵀ P L)); ⟨W, s C⟩ = s ⟨W, C⟩."""
    k = linear_factor(L.factors)
    f = L.factors[k]
    others = L.factors[:k] + L.factors[k + 1:]
    scalars = [g for g in others if g.is_scalar]
    chain = [g for g in others if not g.is_scalar]
    if f.is_scalar:   # the scalar factor holds dX
        rest = E.product(*chain) if chain else E.ONE
        return [("scalar factor", f, E.product(*scalars, inner(W, rest) if chain else W))]
    chain = [g for g in L.factors if not g.is_scalar]
    j = chain.index(f)
    rule = "cyclic property of the trace" if len(chain) > 1 else "scalar factor"
    return [(rule, f, E.product(*scalars, *E.transpose_chain(chain[:j]), W, *E.transpose_chain(chain[j + 1:])))]


HADAMARD_SWAP = "Hadamard–trace swap: tr(Aᵀ (B ⊙ dX)) = tr((A ⊙ B)ᵀ dX)"


@ADJOINT.register(E.Hadamard, identity=HADAMARD_SWAP)
def adj_hadamard(L, W):
    """⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩."""
    k = linear_factor(L.factors)
    others = L.factors[:k] + L.factors[k + 1:]
    return [(HADAMARD_SWAP, L.factors[k], E.Hadamard(W, *others))]


@ADJOINT.register(E.Transpose, identity="transpose: tr(Pᵀ) = tr(P)")
def adj_transpose(L, W):
    """⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩."""
    return [("transpose: tr(Pᵀ) = tr(P)", L.arg, E.Transpose(W))]


@ADJOINT.register(E.Trace, identity="a scalar is its own trace")
def adj_trace(L, W):
    """w tr(L) = ⟨w I, L⟩."""
    return [("a scalar is its own trace", L.arg, E.product(W, E.Identity(L.arg.shape[0])))]


@ADJOINT.register(E.Sum, identity="sum of entries: sum(L) = ⟨1, L⟩")
def adj_sum(L, W):
    """w sum(L) = ⟨w 1, L⟩."""
    return [("sum of entries: sum(L) = ⟨1, L⟩", L.arg,
             E.product(W, E.Ones(L.arg.shape)) if not L.arg.is_scalar else W)]


@ADJOINT.register(E.DiagVec, identity="diag: ⟨w, diag(L)⟩ = ⟨diag(w), L⟩")
def adj_diagvec(L, W):
    return [("diag: ⟨w, diag(L)⟩ = ⟨diag(w), L⟩", L.arg, E.DiagMat(W))]


@ADJOINT.register(E.DiagMat, identity="diag: ⟨W, diag(l)⟩ = ⟨diag(W), l⟩")
def adj_diagmat(L, W):
    return [("diag: ⟨W, diag(l)⟩ = ⟨diag(W), l⟩", L.arg, E.DiagVec(W))]


@ADJOINT.register(E.Vec, identity="vec of a vector")
def adj_vec(L, W):
    """⟨w, vec(l)⟩ = ⟨w, l⟩ for a vector l; the vec of a matrix differential has no row here."""
    if L.arg.is_vector or L.arg.is_scalar:
        return [("vec of a vector", L.arg, W)]
    return refuse(L, W)


# Nodes that cannot hold the differential linearly (leaves, nonlinear operators), or do but have
# no closed-form adjoint here (dX ⊗ A, J_g(u) applied to dX through a declared function's Jacobian).
ADJOINT.register(E.Var, E.Num, E.Const, E.Literal, E.Identity, E.Ones, E.Commutation, E.Kron, E.Pow, E.Inverse,
                 E.MatPow, E.Det, E.LogDet, E.Norm, E.Apply, E.Call, E.CallJacobian, E.ElementCall)(refuse)
