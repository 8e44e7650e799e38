"""Kronecker products in a matrix chain that reach the mixed-product rule only after a rewrite.

The product's normal form (products.py) contracts adjacent Kronecker factors, (A ⊗ B)(C ⊗ D) =
A C ⊗ B D. A Hessian w.r.t. a matrix often holds pairs that are not adjacent: a commutation matrix
between them, (C ⊗ D) K (A ⊗ B), or a sum, (Xᵀ ⊗ I)((I ⊗ X) K + X ⊗ I) as the vec rule writes
(dX Xᵀ + X dXᵀ) X, the shared X factored out of the differential of tr(XᵀXXᵀX)'s gradient. Left so, the generated code multiplies an n²×n² factor by an n²×n²
matrix (O(n⁵) as reshapes, O(n⁶) dense); contracted, the Hessian of tr(XᵀXXᵀX) is
4 (XᵀX ⊗ I + (Xᵀ ⊗ X) K + I ⊗ XXᵀ), O(n⁴). Two steps, each applied only when a mixed product (or
a K_{q,n} K_{n,q} = I) follows from it, so no other product changes shape:

- `kron_commutation`: K_{p,m} (A ⊗ B) = (B ⊗ A) K_{q,n} for A m×n, B p×q (Magnus & Neudecker,
  Matrix Differential Calculus, 3rd ed., ch. 3, Theorem 3.9: K_{pm} (A ⊗ B) K_{nq} = B ⊗ A, times
  K_{qn} = K_{nq}⁻¹ on the right). matcalc's K_{m,n} is theirs: K vec(A) = vec(Aᵀ) for A m×n.
  The commutation matrix moves right, towards vec(dX), where the hand-written Hessian has it.
- `kron_distribute`: (A ⊗ B)(T₁ + … + Tₖ) = (A ⊗ B) T₁ + … + (A ⊗ B) Tₖ, and (T₁ + …)(A ⊗ B)
  likewise, when some Tᵢ begins (ends) with a Kronecker factor the mixed product contracts
  (distributivity of the matrix product; the contraction is the Matrix Cookbook §10.2.1's
  (A ⊗ B)(C ⊗ D) = AC ⊗ BD); a term c (sum) counts when a term of that sum does (the I − (…) of the
  Hessian of log det XᵀX). A sum none of whose terms contracts stays factored: distributing it
  would only copy the product into each term. The sum's normal form (add_factor) cannot fold the
  terms back: a contracted term no longer begins (ends) with A ⊗ B.

products.r_mul calls `commute_kron` on the chain before merging it and `distribute_kron` after.
"""
from .. import expr as E
from .rules import fired, named

COMMUTE = named(E.Mul, "kron_commutation",
                "K_{p,m} (A ⊗ B) = (B ⊗ A) K_{q,n} for A m×n, B p×q: moved right when a Kronecker factor on its "
                "left then contracts with B ⊗ A, or K_{n,q} on its right cancels",
                source="Magnus & Neudecker, Matrix Differential Calculus (3rd ed.), ch. 3, Theorem 3.9")
DISTRIBUTE = named(E.Mul, "kron_distribute",
                   "(A ⊗ B)(C ⊗ D + T) = A C ⊗ B D + (A ⊗ B) T: a product over a sum when a mixed product "
                   "then fires (also from the right, and through a commutation matrix)",
                   source="distributivity; Matrix Cookbook (Petersen & Pedersen 2012) §10.2.1, "
                          "(A ⊗ B)(C ⊗ D) = AC ⊗ BD")


def conform(a, b):
    """(A ⊗ B)(C ⊗ D) contracts to A C ⊗ B D: both Kronecker products, A C and B D defined."""
    return isinstance(a, E.Kron) and isinstance(b, E.Kron) and a.left.shape[1] == b.left.shape[0] \
        and a.right.shape[1] == b.right.shape[0]


def swapped(k, f):
    """For K = K_{p,m} and f = A ⊗ B (A m×n, B p×q): (B ⊗ A, K_{q,n}), the two sides of
    K_{p,m} (A ⊗ B) = (B ⊗ A) K_{q,n}; None when f is not a Kronecker product with those row counts
    (K_{p,m} of the right size but the wrong split is a different permutation)."""
    if not isinstance(k, E.Commutation) or not isinstance(f, E.Kron):
        return None
    a, b = f.left, f.right
    if (k.m, k.n) != (b.shape[0], a.shape[0]):
        return None
    return E.Kron(b, a), E.Commutation(b.shape[1], a.shape[1])


def _pays(left, moved, after):
    """Moving K past a factor pays when the left neighbour contracts with the swapped factor, or the
    moved K meets its inverse K_{n,q} next."""
    new, k = moved
    return conform(left, new) or isinstance(after, E.Commutation) and (after.m, after.n) == (k.n, k.m)


def commute_kron(chain):
    """The chain with each C ⊗ D, K_{p,m}, A ⊗ B run (or K_{p,m}, A ⊗ B, K_{n,q}) rewritten as
    C ⊗ D, B ⊗ A, K_{q,n} when that contracts; the same list when nothing applies."""
    out, i = list(chain), 0
    changed = False
    while i + 1 < len(out):
        moved = swapped(out[i], out[i + 1])
        if moved is not None and _pays(out[i - 1] if i else None, moved, out[i + 2] if i + 2 < len(out) else None):
            out[i:i + 2] = moved
            changed = True
        i += 1
    if not changed:
        return chain
    fired(COMMUTE)
    return out


def _contracts_left(k, term):
    """Does (A ⊗ B) · term contract (k = A ⊗ B): term begins with C ⊗ D, or with K C ⊗ D and K moves, or is
    c (a sum) with such a term (I − (…) in the Hessian of log det XᵀX)?"""
    chain = _chain(term)
    if len(chain) == 1 and isinstance(chain[0], E.Add):
        return any(_contracts_left(k, t) for t in chain[0].terms)
    if conform(k, chain[0]):
        return True
    moved = swapped(chain[0], chain[1]) if len(chain) >= 2 else None
    return moved is not None and conform(k, moved[0])


def _contracts_right(term, k):
    """Does term · (A ⊗ B) contract: term ends with C ⊗ D, or with C ⊗ D K and K moves past A ⊗ B, or is
    c (a sum) with such a term?"""
    chain = _chain(term)
    if len(chain) == 1 and isinstance(chain[0], E.Add):
        return any(_contracts_right(t, k) for t in chain[0].terms)
    if conform(chain[-1], k):
        return True
    moved = swapped(chain[-1], k)
    return moved is not None and len(chain) >= 2 and conform(chain[-2], moved[0])


def _chain(term):
    """The matrix factors of a term, a coefficient and scalar factors left out."""
    if isinstance(term, E.Mul):
        chain = [f for f in term.factors if not f.is_scalar]
        return chain or [term]
    return [term]


def distribute_kron(chain):
    """The chain with one Kronecker factor multiplied into the sum beside it, as one Add in its
    place, when a term of the sum then contracts; None when no pair applies."""
    for i, f in enumerate(chain):
        if not isinstance(f, E.Kron):
            continue
        if i + 1 < len(chain) and isinstance(chain[i + 1], E.Add) and \
                any(_contracts_left(f, t) for t in chain[i + 1].terms):
            fired(DISTRIBUTE)
            return chain[:i] + [E.Add(*(E.Mul(f, t) for t in chain[i + 1].terms))] + chain[i + 2:]
        if i > 0 and isinstance(chain[i - 1], E.Add) and any(_contracts_right(t, f) for t in chain[i - 1].terms):
            fired(DISTRIBUTE)
            return chain[:i - 1] + [E.Add(*(E.Mul(t, f) for t in chain[i - 1].terms))] + chain[i + 1:]
    return None
