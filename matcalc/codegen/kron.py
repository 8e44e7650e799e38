"""Products with a Kronecker factor that holds an identity, printed without building it.

(A ⊗ I) M, (I ⊗ B) M, M (A ⊗ I) and M (I ⊗ B) for a matrix M are a reshape of M and one (batched)
product: O(n⁵) for the n²×n² factors of a Hessian w.r.t. an n×n matrix, where the dense Kronecker
product costs n⁴ memory and n⁶ multiplications (the Hessian of tr(XᵀXXᵀX): 526 ms at n = 40, now
58 ms; jax.hessian 386 ms). The reshapes are row-major (NumPy, JAX and PyTorch alike): with M's rows
in blocks of the identity's size, (A ⊗ I_m) M is A times M read as p × (m·q), and (I_p ⊗ B) M is B
times each of the p blocks. The generator (codegen/emit.py) calls these from `combine`; a Kronecker
factor next to a vector or another unevaluated factor is built as before. Where the factor M is itself a
Kronecker product (or one through K, or a sum holding one) the simplifier contracts the pair first
(simplify/kronecker.py): the tr(XᵀXXᵀX) Hessian no longer reaches this module, it is O(n⁴).
"""
from .. import expr as E
from .code_text import is_trivial
from .plan import kind


def kron_identity(e):
    """A ⊗ I or I ⊗ B (one side an identity, the other a matrix): multiplied by a reshape, never built."""
    return isinstance(e, E.Kron) and isinstance(e.left, E.Identity) != isinstance(e.right, E.Identity) \
        and kind(e.right if isinstance(e.left, E.Identity) else e.left) == "m"


def kron_times(g, k, m, mcode):
    """(code, shape) of k · m, k = A ⊗ I or I ⊗ B, m a matrix whose code is `mcode`."""
    q = g.size(m.shape[1])
    if isinstance(k.right, E.Identity):         # (A ⊗ I) M = A (M as p × ·), read back
        a = k.left
        code = f"({g.wrapped(a)} @ {mcode}.reshape({g.size(a.shape[1])}, -1)).reshape(-1, {q})"
    else:                                       # (I ⊗ B) M = B times each block of M
        b = k.right
        code = f"({g.wrapped(b)} @ {mcode}.reshape({g.size(k.left.shape[0])}, {g.size(b.shape[1])}, {q}))" \
               f".reshape(-1, {q})"
    return code, (k.shape[0], m.shape[1])


def times_kron(g, m, mcode, k):
    """(code, shape) of m · k: M (A ⊗ I) = Aᵀ applied to each row of M read as r × m; M (I ⊗ B) = each
    block of M's rows times B."""
    q = g.size(m.shape[0])
    if isinstance(k.right, E.Identity):
        a = k.left
        code = f"({g.transposed(a)} @ {mcode}.reshape({q}, {g.size(a.shape[0])}, {g.size(k.right.n)}))" \
               f".reshape({q}, -1)"
    else:
        b = k.right
        code = f"({mcode}.reshape({q}, {g.size(k.left.shape[1])}, {g.size(b.shape[0])}) @ {g.wrapped(b)})" \
               f".reshape({q}, -1)"
    return code, (m.shape[0], k.shape[1])


def permuted_krons(g, e, code, rows, m, n):
    """K_{m,n} M (rows) or M K_{m,n} (not rows) for M = P ⊗ Q or a sum of such (scalar coefficients
    allowed), as one broadcast product per term written straight into the permuted layout:
    (P ⊗ Q)[i·p₂ + k, j·q₂ + l] = P[i, j] Q[k, l], and K only reorders the index pairs, so K (P ⊗ Q) and
    (P ⊗ Q) K are P and Q broadcast over four axes, then a reshape (a view). np.kron followed by the
    permutation writes the n⁴ array twice, and a sum of them once more (the Hessian of tr(X A X B):
    two krons, their sum, its permuted copy; now two broadcast products and their sum, in place).
    None when M is anything else, or is computed anyway (`code` a temporary's name), or when K's
    blocks are not Q's (K_{m,n} M needs m = Q's rows, M K_{m,n} n = Q's columns)."""
    if code.isidentifier():
        return None
    terms = []
    for t in (e.terms if isinstance(e, E.Add) else [e]):
        c, k = E.coefficient(t)
        if not (isinstance(k, E.Kron) and kind(k.left) == "m" and kind(k.right) == "m"):
            return None
        p, q = k.left, k.right
        if (q.shape[0], p.shape[0]) != (m, n) if rows else (q.shape[1], p.shape[1]) != (n, m):
            return None
        terms.append((c, p, q))
    parts = []
    for c, p, q in terms:
        first = g.wrapped(q if rows else p)         # K (P ⊗ Q): [k, i, j, l]; (P ⊗ Q) K: [i, k, l, j]
        if abs(c) != 1:
            first = f"({float(abs(c))!r} * {first})"
        second = g.wrapped(p if rows else q)
        term = f"{first}[:, None, None, :] * {second}[None, :, :, None]"
        parts.append(("-" if c < 0 else "") + term if not parts else (" - " if c < 0 else " + ") + term)
    mn = f"{g.size(m)} * {g.size(n)}"
    return f"({''.join(parts)}).reshape({mn}, -1)" if rows else f"({''.join(parts)}).reshape(-1, {mn})"


def permutation_sum(e):
    """A sum of rational multiples of I and commutation matrices (the projector (I + K)/2 of a
    symmetric variable's Hessian): multiplied term by term as copies and permutations, never built."""
    return isinstance(e, E.Add) and all(isinstance(E.coefficient(t)[1], (E.Identity, E.Commutation))
                                        for t in e.terms)


def distributed(g, left, lcode, right, rcode):
    """(code, shape) of M (I + K) = M + M K or (I + K) M = M + K M, each side (node, kind): M once, then
    a permutation of it (g.permuted), O(size of M), where the dense I + K made an n²×n² by n²×n²
    product, O(n⁶): 0.25 (…) @ (np.eye(n*n) + _commutation(n, n)) in every symmetric Hessian."""
    sum_on_right = permutation_sum(right[0])
    (sf, _), (mf, mk), mcode = (right, left, lcode) if sum_on_right else (left, right, rcode)
    held = mcode if is_trivial(mcode) else g.temp(mcode)      # used twice: computed once
    parts = []
    for term in sf.terms:
        c, base = E.coefficient(term)
        if isinstance(base, E.Identity):
            code = held
        else:
            sides = ((mf, mk), held, (base, "m"), "") if sum_on_right else ((base, "m"), "", (mf, mk), held)
            code = g.permuted(*sides)[0]
        parts.append(code if c == 1 else f"-{code}" if c == -1 else f"{g.code(E.Num(c))} * {code}")
    shape = (mf.shape[0], sf.shape[1]) if sum_on_right else (sf.shape[0], mf.shape[1])
    return " + ".join(parts).replace("+ -", "- "), shape
