"""Textbook identities of the product's normal form (issue 15): forms a book prints that the general
steps of products.py do not reach, each named with its source and tested by value in
tests/test_simplify_rules.py.

- A square factor next to the inverse of a product it begins or ends cancels: Pᵀ (P X Q)⁻ᵀ Qᵀ = X⁻ᵀ,
  so ∂det(A X B)/∂X prints det(A X B) X⁻ᵀ (Matrix Cookbook eq. 51) rather than
  det(A X B) Aᵀ (A X B)⁻ᵀ Bᵀ. products.py cancels a whole product only ((A B)⁻¹ A B = I).
- eᵘ / 1ᵀeᵘ = softmax(u), so ∇ log Σ exp(x) prints softmax(x) (Boyd & Vandenberghe §3.1.5) and its
  Hessian, the Jacobian of that, diag(s) − s sᵀ.

products.r_mul calls `peel_inverses` on the merged chain and `softmax_merge` on the scalars and chain.
"""
from .. import expr as E
from .rules import fired, named

PEEL = named(E.Mul, "mul_inverse_peel",
             "P (X P)⁻¹ = X⁻¹ and (P X)⁻¹ P = X⁻¹ for a square P, also transposed: Pᵀ (P X)⁻ᵀ = X⁻ᵀ",
             source="Matrix Cookbook (Petersen & Pedersen 2012) eq. 18, (A B)⁻¹ = B⁻¹ A⁻¹, for square factors")
SOFTMAX = named(E.Mul, "mul_softmax", "eᵘ / sum(eᵘ) = softmax(u)",
                source="Boyd & Vandenberghe, Convex Optimization §3.1.5 (the gradient of log-sum-exp); "
                       "Goodfellow, Bengio & Courville eq. 6.29")


def _inverse_of_product(f):
    """f = (F₁ … Fₖ)⁻¹ or (F₁ … Fₖ)⁻ᵀ with k ≥ 2 matrix factors: (the factors as they read in a chain, i.e.
    Fₖᵀ … F₁ᵀ for the transposed inverse, transposed), else None."""
    flipped = isinstance(f, E.Transpose)
    g = f.arg if flipped else f
    if not isinstance(g, E.Inverse) or not isinstance(g.arg, E.Mul):
        return None
    fs = g.arg.factors
    if len(fs) < 2 or any(h.is_scalar for h in fs):
        return None
    return fs, flipped


def _square(f):
    return not f.is_scalar and f.shape[0] == f.shape[1]


def _as_read(fs, flipped):
    """The factors of the product whose inverse is taken, as its inverse's inverse reads in a chain:
    G = F₁ … Fₖ, or Gᵀ = Fₖᵀ … F₁ᵀ for a transposed inverse."""
    from .engine import transpose
    return [transpose(h) for h in reversed(fs)] if flipped else list(fs)


def _rebuilt(read, flipped):
    """(G₁ … Gₘ)⁻¹ back from the chain-read factors: an inverse, or for a transposed one (…)⁻ᵀ."""
    from .engine import transpose
    if flipped:
        fs = [transpose(h) for h in reversed(read)]
        inner = fs[0] if len(fs) == 1 else E.Mul(*fs)
        return E.Transpose(E.Inverse(inner))
    return E.Inverse(read[0] if len(read) == 1 else E.Mul(*read))


def peel_inverses(chain):
    """Cancel square neighbours against the inverse of a product: Gₘ (G₁ … Gₘ)⁻¹ = (G₁ … Gₘ₋₁)⁻¹ and
    (G₁ … Gₘ)⁻¹ G₁ = (G₂ … Gₘ)⁻¹ when the cancelled factor is square (an invertible product of square
    factors has invertible factors; a square end factor of an invertible product is invertible)."""
    if len(chain) < 2 or not any(isinstance(f, (E.Inverse, E.Transpose)) for f in chain):
        return chain
    out, changed = list(chain), False
    i = 0
    while i < len(out):
        parts = _inverse_of_product(out[i])
        if parts is None:
            i += 1
            continue
        read = _as_read(*parts)
        flipped = parts[1]
        moved = False
        while len(read) >= 2 and i > 0 and out[i - 1] is read[-1] and _square(read[-1]):
            read.pop()
            del out[i - 1]
            i -= 1
            moved = True
        while len(read) >= 2 and i + 1 < len(out) and out[i + 1] is read[0] and _square(read[0]):
            read.pop(0)
            del out[i + 1]
            moved = True
        if moved:
            fired(PEEL)
            changed = True
            out[i] = _rebuilt(read, flipped)
        i += 1
    return out if changed else chain


# The node softmax(u): an operation of matcalc.ops (ops/softmax.py sets it, as an op adds its own rows to
# the printers' tables); the simplifier does not import the ops, which import it.
SOFTMAX_NODE = [None]


def softmax_merge(scalars, chain):
    """eᵘ ⊘ sum(eᵘ) = softmax(u) for a column vector u: (scalars, chain) with the pair fused."""
    if SOFTMAX_NODE[0] is None or len(chain) != 1 or not isinstance(chain[0], E.Apply) or chain[0].fn != "exp" or not chain[0].is_vector:
        return scalars, chain
    u = chain[0].arg
    for j, s in enumerate(scalars):
        if isinstance(s, E.Pow) and isinstance(s.exponent, E.Num) and s.exponent.value == -1 \
                and isinstance(s.base, E.Sum) and s.base.arg is chain[0]:
            fired(SOFTMAX)
            return scalars[:j] + scalars[j + 1:], [SOFTMAX_NODE[0](u)]
    return scalars, chain
