"""The normal form of a sum: flattened, like terms collected, shared factors pulled out, sorted.

The steps are named identities; each calls `fired(NAME)` when it changes the sum.
"""
from fractions import Fraction

from .. import expr as E
from .engine import chain_product, make_pow, pow_parts, split
from .rules import NOTES, fired, fired_alone, named, normal_form

A = E.Add
FLATTEN = named(A, "add_flatten", "(a + b) + c = a + b + c")
ZERO = named(A, "add_zero", "A + 0 = A, A + 0 B = A")
LIKE = named(A, "add_like_terms", "2 A + 3 A = 5 A, A − A = 0")
FACTOR = named(A, "add_factor", "A x + B x = (A + B) x, Aᵀ u + Aᵀ v = Aᵀ (u + v): a shared end of the chains")
COMMON = named(A, "add_common_factor", "2 x + 2 y = 2 (x + y), a/s + b/s = (a + b)/s")
COMPLEMENT = named(A, "add_complement_products", "a ⊙ (1 − b) − b ⊙ (1 − a) = a − b (entry-wise; also for scalars)")
TRANSPOSED = named(A, "add_transposed_sum", "A + (B + C)ᵀ = A + Bᵀ + Cᵀ: one sum, not a sum inside a sum")
DIAGONALS = named(A, "add_diagonals", "diag(a) + diag(b) = diag(a + b)")
HADAMARD = named(A, "add_hadamard_factor", "a ⊙ b + a ⊙ c = a ⊙ (b + c): factors every term shares")
ORDER = named(A, "add_order", "a + b = b + a: constants first, then by degree and name")


@normal_form(E.Add, "the sum's normal form (the add_* steps)")
def r_add(e):
    terms = []
    for t in e.terms:
        if isinstance(t, E.Add):
            fired(FLATTEN)
            terms.extend(t.terms)
        elif isinstance(t, E.Transpose) and isinstance(t.arg, E.Add):
            fired(TRANSPOSED)
            terms.extend(E.Transpose(u) for u in t.arg.terms)
        else:
            terms.append(t)
    coeffs, order = {}, []
    for t in terms:
        if isinstance(t, E.Zero):
            fired(ZERO)
            continue
        c, rest = split(t)
        if c == 0:
            fired(ZERO)
            continue
        if rest not in coeffs:
            coeffs[rest] = E.Q_ZERO
            order.append(rest)
        else:
            fired(LIKE)
        coeffs[rest] += c
    out = [E.product(E.Num(coeffs[r]), r) for r in order if coeffs[r] != 0]
    if not out:
        return E.ZERO if e.is_scalar else E.Zero(e.shape)
    if len(out) == 1:
        return out[0]
    for rewrite, name in ((_complements, COMPLEMENT), (_diagonals, DIAGONALS), (_hadamard_factor, HADAMARD)):
        new = rewrite(out)
        if new is not None:
            fired(name)
            return new
    factored = _factor(out)
    if factored is not None:
        fired(FACTOR)
        return factored
    factored = _common_factor(out)
    if factored is not None:
        fired(COMMON)
        return factored
    out.sort(key=_term_order)
    new = E.Add(*out)
    if new is e:
        return e
    if NOTES[0] is not None:
        fired_alone(ORDER)
    return new


def _one_minus(f):
    """b when f = 1 − b (1 a number or all ones), else None."""
    if isinstance(f, E.Add) and len(f.terms) == 2:
        one, rest = f.terms
        if one is E.ONE or isinstance(one, E.Ones):
            c, b = split(rest)
            if c == -1:
                return b
    return None


def _complement_pair(t):
    """(c, a, b) for a term c · a ⊙ (1 − b) (or c a (1 − b) for scalars), else None."""
    c, body = split(t)
    if isinstance(body, E.Hadamard) or isinstance(body, E.Mul) and body.is_scalar:
        fs = body.args
        if len(fs) == 2:
            for a, g in (fs, fs[::-1]):
                b = _one_minus(g)
                if b is not None:
                    return c, a, b
    return None


def _complements(terms):
    """a ⊙ (1 − b) − b ⊙ (1 − a) = a − b: the two a ⊙ b cancel (the logistic loss's gradient σ(u) − y)."""
    pairs = [_complement_pair(t) for t in terms]
    for i, p in enumerate(pairs):
        if p is None:
            continue
        for j in range(i + 1, len(terms)):
            q = pairs[j]
            if q is not None and q[0] == -p[0] and q[1] is p[2] and q[2] is p[1]:
                c, a, b = p
                rest = [t for k, t in enumerate(terms) if k not in (i, j)]
                return E.Add(E.product(E.Num(c), a), E.product(E.Num(-c), b), *rest)
    return None


def _diagonals(terms):
    """c₁ diag(a) + c₂ diag(b) = diag(c₁ a + c₂ b)."""
    diags = [i for i, t in enumerate(terms) if isinstance(split(t)[1], E.DiagMat)]
    if len(diags) < 2:
        return None
    inner = E.Add(*(E.product(E.Num(split(terms[i])[0]), split(terms[i])[1].arg) for i in diags))
    rest = [t for k, t in enumerate(terms) if k not in diags]
    merged = E.DiagMat(inner)
    return E.Add(merged, *rest) if rest else merged


def _hadamard_factor(terms):
    """a ⊙ b + a ⊙ c = a ⊙ (b + c) over the Hadamard terms of a sum, when they share a factor."""
    had = [i for i, t in enumerate(terms) if isinstance(split(t)[1], E.Hadamard)]
    if len(had) < 2:
        return None
    shared = set(split(terms[had[0]])[1].factors)
    for i in had[1:]:
        shared &= set(split(terms[i])[1].factors)
    if not shared:
        return None
    parts = []
    for i in had:
        c, body = split(terms[i])
        left = [f for f in body.factors if f not in shared]
        parts.append(E.product(E.Num(c), left[0] if len(left) == 1 else E.Hadamard(*left)) if left
                     else E.product(E.Num(c), E.ONE if body.is_scalar else E.Ones(body.shape)))
    common = sorted(shared, key=lambda f: f.sort_key)
    merged = E.Hadamard(*common, E.Add(*parts))
    rest = [t for k, t in enumerate(terms) if k not in had]
    return E.Add(merged, *rest) if rest else merged


def _term_order(t):
    c, rest = split(t)
    constant = isinstance(rest, (E.Num, E.Ones)) or rest is E.ONE
    degree = len([f for f in rest.factors if not isinstance(f, E.Num)]) if isinstance(rest, E.Mul) else 1
    return (0 if constant else 1, 1 if c < 0 else 0, -degree, rest.sort_key)


def _common_factor(terms):
    """2 x + 2 y = 2 (x + y); a/s + b/s = (a + b)/s: pull out what every term shares."""
    parts = [chain_of(t) for t in terms]
    coefs = [c for c, _, _ in parts]
    g = None
    if len({c.denominator for c in coefs}) == 1:
        num = 0
        for c in coefs:
            num = _gcd(num, abs(c.numerator))
        g = Fraction(num, coefs[0].denominator)
        if all(c < 0 for c in coefs):
            g = -g
    shared = []
    first_scalars = parts[0][1]
    for s in first_scalars:
        base, k = pow_parts(s)
        ks = []
        for _, scalars, _ in parts:
            hit = [pow_parts(x)[1] for x in scalars if pow_parts(x)[0] is base]
            ks.append(hit[0] if hit else None)
        if all(x is not None and (x > 0) == (k > 0) for x in ks):
            shared.append((base, min(ks, key=abs)))
    if (g is None or g == 1) and not shared:
        return None
    g = g if g is not None else E.Q_ONE
    new_terms = []
    for c, scalars, chain in parts:
        rest = []
        for x in scalars:
            b, k = pow_parts(x)
            hit = [kk for bb, kk in shared if bb is b]
            rest.append(make_pow(b, k - hit[0]) if hit else x)
        rest = [x for x in rest if x is not E.ONE]
        new_terms.append(chain_product(chain, rest, c / g))
    return E.product(E.Num(g), *(make_pow(b, k) for b, k in shared), E.Add(*new_terms))


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def chain_of(t):
    """(coef, scalars, chain) of a term."""
    c, rest = split(t)
    if isinstance(rest, E.Mul):
        scalars = [f for f in rest.factors if f.is_scalar and not isinstance(f, E.Num)]
        chain = [f for f in rest.factors if not f.is_scalar]
        if scalars and rest.is_scalar and not chain:
            return c, [], list(rest.factors)
        return c, scalars, chain
    return c, [], [rest]


def _factor(terms):
    """A x + Aᵀ x = (A + Aᵀ) x; Aᵀ u + Aᵀ v = Aᵀ (u + v). Pull out the end run shared by most terms.

    The terms are factored in one go, over views (chain, lo, hi) of their chains: the inner sums
    are factored before any of their terms is built, so a nest of k levels (the differential of
    tr(A₁ X … Aₖ X)) costs the size of the answer, not k rebuilds of every term."""
    items = [(c, s, ch, 0, len(ch)) for c, s, ch in (chain_of(t) for t in terms)]
    out = _factor_views(items)
    if out is None:
        return None
    return out[0] if len(out) == 1 else E.Add(*out)


def _factor_views(items):
    """The terms of Σ items with shared end runs pulled out, or None when no two share an end."""
    best = None
    for side in (-1, 0):
        groups = {}
        for i, (c, s, ch, lo, hi) in enumerate(items):
            if hi - lo >= 2:
                end = ch[hi - 1] if side == -1 else ch[lo]
                if not end.is_scalar:
                    groups.setdefault(end, []).append(i)
        for factor, idx in groups.items():
            if len(idx) >= 2 and (best is None or len(idx) > len(best[1])):
                best = (side, idx)
    if best is None:
        return None
    side, idx = best
    group = [items[i] for i in idx]
    run = 1
    while all(hi - lo > run + 1 for _, _, _, lo, hi in group):   # every term keeps a factor of its own
        at = [ch[hi - 1 - run] if side == -1 else ch[lo + run] for _, _, ch, lo, hi in group]
        if at[0].is_scalar or any(f is not at[0] for f in at):
            break
        run += 1
    _, _, ch, lo, hi = group[0]
    shared = ch[hi - run:hi] if side == -1 else ch[lo:lo + run]
    rests = [(c, s, ch, lo, hi - run) if side == -1 else (c, s, ch, lo + run, hi) for c, s, ch, lo, hi in group]
    inner = _summed(rests)
    grouped = E.Mul(inner, *shared) if side == -1 else E.Mul(*shared, inner)
    taken = set(idx)
    others = [it for i, it in enumerate(items) if i not in taken]
    return [grouped] + (_factor_views(others) or [_built(it) for it in others])


def _summed(items):
    terms = _factor_views(items) or [_built(it) for it in items]
    return terms[0] if len(terms) == 1 else E.Add(*terms)


def _built(item):
    c, s, ch, lo, hi = item
    return chain_product(ch[lo:hi], s, c)
