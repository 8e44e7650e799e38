"""The one simplifier: small rewrites per node type, applied bottom-up to a fixpoint.

Canonical form: transposes pushed to the leaves, (X⁻¹)ᵀ kept as X⁻ᵀ, products with one rational
coefficient and sorted scalar factors, sums with like terms collected and common left/right
factors pulled out, identities and zeros removed, declared properties used. Results are memoized
per node (nodes are hash-consed, so the memo is a dict on identity).
"""
from fractions import Fraction

from . import expr as E

_memo = {}
_active = set()
MAX_WORK = 500_000   # rewrites per derivation: past this a derivation is refused, never a hang
_work = [0]


class budget:
    """Count the simplifier's rewrites during one derivation; raise LimitError past MAX_WORK."""

    def __enter__(self):
        self.saved, _work[0] = _work[0], 0
        return self

    def __exit__(self, *exc):
        _work[0] = self.saved
        return False


ZERO_PRESERVING = (E.Transpose, E.Trace, E.Sum, E.DiagVec, E.DiagMat, E.Vec, E.Kron, E.Hadamard)


def _zero(e):
    return E.ZERO if e.is_scalar else E.Zero(e.shape)


MAX_MEMO = 200_000


def simplify(e):
    hit = _memo.get(e)
    if hit is not None:
        return hit
    if len(_memo) > MAX_MEMO and not _active:   # bounded: a long session does not keep every node alive
        _memo.clear()
    if e in _active:          # a rule asked for the node being simplified: leave it as is
        return e
    _spend(1)
    _active.add(e)
    try:
        out = e
        for _ in range(50):
            kids = out.children
            if kids:
                new = [simplify(c) for c in kids]
                if any(a is not b for a, b in zip(new, kids)):
                    out = out.rebuild(new)
            if isinstance(out, ZERO_PRESERVING) and any(isinstance(c, E.Zero) or c is E.ZERO for c in out.children):
                nxt = _zero(out)                            # linear in a zero argument
            else:
                rule = RULES.get(type(out))
                nxt = rule(out) if rule else out
            if nxt is out:
                break
            _spend(len(nxt.children))   # a rewrite costs its width: flattening a long chain is work too
            out = nxt
    finally:
        _active.discard(e)
    _memo[e] = out
    _memo[out] = out
    return out


def _spend(n):
    _work[0] += n
    if _work[0] > MAX_WORK:
        from .errors import LimitError
        raise LimitError(f"the derivation needs more than {MAX_WORK:,} rewrites; the expression is too large "
                         "or too deeply composed to derive in closed form")


# ---- properties ---------------------------------------------------------------------------
def is_symmetric(e):
    if isinstance(e, E.Var):
        return e.has("symmetric")
    if isinstance(e, E.Literal):
        return e.shape[0] == e.shape[1] and all(e.rows[i][j] == e.rows[j][i] for i in range(len(e.rows))
                                                for j in range(len(e.rows)))
    if isinstance(e, (E.Identity, E.DiagMat, E.Zero)):
        return True
    if isinstance(e, E.Ones):
        return e.shape[0] == e.shape[1]
    if isinstance(e, (E.Inverse, E.MatPow)):
        return is_symmetric(e.arg)
    if isinstance(e, E.Add):   # symmetric when transposing permutes the terms: A + Aᵀ
        return all(is_symmetric(t) for t in e.terms) or {transpose(t) for t in e.terms} == set(e.terms)
    if isinstance(e, E.Hadamard):
        return all(is_symmetric(f) for f in e.factors)
    if isinstance(e, E.Apply):
        return is_symmetric(e.arg)
    if isinstance(e, E.Mul):
        chain = [f for f in e.factors if not f.is_scalar]
        return len(chain) == 1 and is_symmetric(chain[0]) or _palindrome(chain)
    return e.is_scalar


def _palindrome(chain):
    """A Bᵀ, Xᵀ X, A S Aᵀ: a chain equal to its own transpose."""
    if not chain:
        return False
    flipped = [transpose(f) for f in reversed(chain)]
    return all(a is b for a, b in zip(chain, flipped))


def is_diagonal(e):
    if isinstance(e, E.Var):
        return e.has("diagonal")
    return isinstance(e, (E.Identity, E.DiagMat))


# ---- helpers ------------------------------------------------------------------------------
def transpose(e):
    return simplify(E.Transpose(e))


def split(e):
    """e = c * rest with c rational."""
    return E.coefficient(e)


def scalar_value(e):
    return e.value if isinstance(e, E.Num) else None


def pow_parts(f):
    """f = base ^ exponent, with a rational exponent when there is one."""
    if isinstance(f, E.Pow) and isinstance(f.exponent, E.Num):
        return f.base, f.exponent.value
    return f, E.Q_ONE


def make_pow(base, k):
    if k == 0:
        return E.ONE if base.is_scalar else E.Ones(base.shape)
    return base if k == 1 else E.Pow(base, E.Num(k))


def chain_product(chain, scalars=(), coef=E.Q_ONE):
    items = ([E.Num(coef)] if coef != 1 or not (scalars or chain) else []) + list(scalars) + list(chain)
    return items[0] if len(items) == 1 else E.Mul(*items)


# ---- rules --------------------------------------------------------------------------------
def r_transpose(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return a.arg                                   # (Aᵀ)ᵀ = A
    if a.is_scalar or is_symmetric(a):
        return a                                       # scalars and symmetric matrices
    # (x − μ)ᵀ and (X − U Vᵀ)ᵀ stay as people write them; a sum of rows becomes a sum of columns
    if isinstance(a, E.Add) and a.shape[0] == 1:
        return E.Add(*(E.Transpose(t) for t in a.terms))
    if isinstance(a, E.Mul):                           # (A B)ᵀ = Bᵀ Aᵀ
        return E.Mul(*(f if f.is_scalar else E.Transpose(f) for f in reversed(a.factors)))
    if isinstance(a, E.Hadamard):
        return E.Hadamard(*(E.Transpose(f) for f in a.factors))
    if isinstance(a, E.Kron):                          # (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ
        return E.Kron(E.Transpose(a.left), E.Transpose(a.right))
    if isinstance(a, (E.Ones, E.Zero)):
        return type(a)((a.shape[1], a.shape[0]))
    if isinstance(a, E.Commutation):                   # K_{m,n}ᵀ = K_{n,m}
        return E.Commutation(a.n, a.m)
    return e


def r_inverse(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return E.Transpose(E.Inverse(a.arg))           # (Aᵀ)⁻¹ = (A⁻¹)ᵀ, printed A⁻ᵀ
    if isinstance(a, E.Inverse):
        return a.arg
    if isinstance(a, E.Identity):
        return a
    if a.is_scalar:
        return E.Pow(a, E.Num(-1))
    c, rest = split(a)
    if c != 1:
        return E.product(E.Num(1 / c), E.Inverse(rest))  # (c A)⁻¹ = A⁻¹ / c
    if isinstance(a, E.Mul) and any(f.is_scalar for f in a.factors) and not a.is_scalar:
        scalars = [f for f in a.factors if f.is_scalar]   # (s A)⁻¹ = s⁻¹ A⁻¹ for a scalar s ≠ 0
        return E.product(E.Pow(E.product(*scalars), E.Num(-1)),
                         E.Inverse(E.product(*(f for f in a.factors if not f.is_scalar))))
    if isinstance(a, E.DiagMat):
        return E.DiagMat(E.Pow(a.arg, E.Num(-1)))
    if isinstance(a, E.Kron):       # an invertible A ⊗ B has square, invertible A and B
        return E.Kron(E.Inverse(a.left), E.Inverse(a.right))
    if isinstance(a, E.Commutation):
        return E.Commutation(a.n, a.m)
    if isinstance(a, E.Mul) and all(_inverts_cleanly(f) for f in a.factors):
        return E.Mul(*(E.Inverse(f) for f in reversed(a.factors)))    # (A B)⁻¹ = B⁻¹ A⁻¹, factors square
    return e


def _inverts_cleanly(f):
    """A square factor whose inverse is no harder to read than itself."""
    g = f.arg if isinstance(f, E.Transpose) else f
    return isinstance(g, (E.Inverse, E.Kron, E.Commutation, E.DiagMat)) and f.shape[0] == f.shape[1]


def r_matpow(e):
    a, k = e.arg, e.k
    if isinstance(a, E.Identity):
        return a
    if isinstance(a, E.MatPow):
        return E.MatPow(a.arg, a.k * k)
    if isinstance(a, E.Transpose):
        return E.Transpose(E.MatPow(a.arg, k))            # (Aᵀ)ᵏ = (Aᵏ)ᵀ
    return e


def _flatten_mul(factors):
    has_chain = any(not f.is_scalar for f in factors)
    out = []
    for f in factors:
        if isinstance(f, E.Mul) and (not f.is_scalar or not has_chain):
            out.extend(f.factors)
        else:
            out.append(f)
    return out


def _merge_scalars(scalars):
    """Collect powers of the same scalar base: a a^k = a^(k+1)."""
    powers, order = {}, []
    for s in scalars:
        base, k = pow_parts(s)
        if base not in powers:
            order.append(base)
            powers[base] = k
        else:
            powers[base] += k
    out = [make_pow(b, powers[b]) for b in order if powers[b] != 0]
    # the order E.product uses too (divisions last), so the two never undo each other's work
    return sorted((s for s in out if s is not E.ONE), key=lambda s: (E._is_reciprocal(s), s.sort_key))


def _merge_chain(chain):
    """Cancel X X⁻¹ and X⁻¹ X, drop identities, gather powers: A A = A², Xᵀ (X³)ᵀ = (X⁴)ᵀ,
    A B (A B)³ = (A B)⁴, (A B)⁻¹ A B = I; contract Kronecker products."""
    out, i, n = [], 0, len(chain)
    while i < n:
        f = chain[i]
        i += 1
        if isinstance(f, E.Identity) and (out or n > 1):
            continue
        if out and _are_inverses(out[-1], f):
            out.pop()
            continue
        run = _power_run(f)
        if run is not None:                 # absorb copies of a power's base written out next to it
            base, k, flipped, fs = run      # (A B)³ A B = (A B)⁴, (A B)⁻¹ A B = I
            m, k0 = len(fs), k
            while len(out) >= m and tuple(out[-m:]) == fs:
                del out[-m:]
                k += 1
            while tuple(chain[i:i + m]) == fs:
                i += m
                k += 1
            if k == 0:
                continue
            if k != k0:
                f = _power(base, k, flipped)
        while out:
            merged = _merge_powers(out[-1], f) or _contract(out[-1], f)
            if merged is None:
                break
            out.pop()
            f = merged
        out.append(f)
    return out


def _matpow_parts(f):
    """f = Bᵏ or (Bᵏ)ᵀ, with k < 0 for powers of B⁻¹: (B, k, transposed)."""
    flipped = isinstance(f, E.Transpose)
    g = f.arg if flipped else f
    base, k = (g.arg, g.k) if isinstance(g, E.MatPow) else (g, 1)
    if isinstance(base, E.Inverse):
        return base.arg, -k, flipped
    return base, k, flipped


def _power(base, k, flipped):
    """Bᵏ for any integer k, transposed when flipped: B⁻ᵏ is (B⁻¹)ᵏ, B⁰ = I."""
    if k == 0:
        return E.Identity(base.shape[0])
    p = base if k == 1 else E.Inverse(base) if k == -1 else \
        E.MatPow(base, k) if k > 0 else E.MatPow(E.Inverse(base), -k)
    return E.Transpose(p) if flipped else p


def _merge_powers(a, b):
    """Aᵏ Aʲ = Aᵏ⁺ʲ, also for transposes: Xᵀ (X³)ᵀ = (X⁴)ᵀ; None when a and b are not powers of one base."""
    ab, ak, at = _matpow_parts(a)
    bb, bk, bt = _matpow_parts(b)
    if ab is not bb or at != bt or ab.is_scalar or ab.shape[0] != ab.shape[1]:
        return None
    return _power(ab, ak + bk, at)


def _contract(a, b):
    """Kronecker and vec products that collapse: (A ⊗ B)(C ⊗ D) = A C ⊗ B D, (P ⊗ Q) vec(B) = vec(Q B Pᵀ),
    K vec(B) = vec(Bᵀ), K_{n,m} K_{m,n} = I. None when a b is not one of them."""
    if isinstance(a, E.Kron):
        if isinstance(b, E.Kron) and a.left.shape[1] == b.left.shape[0] and a.right.shape[1] == b.right.shape[0]:
            return E.Kron(E.Mul(a.left, b.left), E.Mul(a.right, b.right))
        if isinstance(b, E.Vec) and a.right.shape[1] == b.arg.shape[0] and a.left.shape[1] == b.arg.shape[1]:
            return E.Vec(E.Mul(a.right, b.arg, E.Transpose(a.left)))
    if isinstance(a, E.Commutation):
        if isinstance(b, E.Vec) and b.arg.shape == (a.m, a.n):
            return E.Vec(E.Transpose(b.arg))
        if isinstance(b, E.Commutation) and (b.m, b.n) == (a.n, a.m):
            return E.Identity(a.shape[0])
    return None


def _power_run(f):
    """For f = (F₁ … Fₘ)ᵏ (k ≠ 1, negative for inverses) or its transpose: (base, k, transposed, the
    factors as they read in a chain)."""
    base, k, flipped = _matpow_parts(f)
    if k == 1 or not isinstance(base, E.Mul) or any(g.is_scalar for g in base.factors):
        return None
    fs = tuple(transpose(g) for g in reversed(base.factors)) if flipped else base.factors
    return base, k, flipped, fs


def _are_inverses(a, b):
    """X⁻¹ next to X, or X⁻ᵀ next to Xᵀ (compared without building nodes: this runs per chain pair)."""
    def cancels(x, y):
        if isinstance(x, E.Inverse):
            return x.arg is y
        return isinstance(x, E.Transpose) and isinstance(x.arg, E.Inverse) and isinstance(y, E.Transpose) \
            and x.arg.arg is y.arg
    return cancels(a, b) or cancels(b, a)


def _split_scalar_segments(chain):
    """A proper prefix or suffix of the chain that multiplies to 1×1 is a scalar factor: x yᵀ z = (yᵀ z) x."""
    def segment(seg):
        return seg[0] if len(seg) == 1 else E.Mul(*seg)
    n = len(chain)
    if n >= 2 and chain[0].shape[0] == 1:          # a prefix chain[:i] is 1×1 when chain[i-1] has one column
        for i in range(1, n):
            if chain[i - 1].shape[1] == 1:
                return [segment(chain[:i])], chain[i:]
    if n >= 2 and chain[-1].shape[1] == 1:
        for i in range(n - 1, 0, -1):
            if chain[i].shape[0] == 1:
                return [segment(chain[i:])], chain[:i]
    return [], chain


def _product_is_scalar(seg):
    return seg[0].shape[0] == 1 and seg[-1].shape[1] == 1


def r_mul(e):
    factors = _flatten_mul(e.factors)
    if any(isinstance(f, E.Zero) or f is E.ZERO for f in factors):
        shape = e.shape
        return E.ZERO if shape == (1, 1) else E.Zero(shape)
    coef, scalars, chain = E.Q_ONE, [], []
    for f in factors:
        if f.is_scalar:
            c, rest = split(f)
            coef *= c
            if rest is not E.ONE:
                scalars.append(rest)
        else:
            chain.append(f)
    if chain:
        rows = chain[0].shape[0]
        chain = _merge_chain(chain) or [E.Identity(rows)]   # X X⁻¹ = I, never the number 1
    more, chain = _split_scalar_segments(chain)
    if len(chain) == 2 and chain[0].shape[0] == 1 and chain[1].is_vector and isinstance(chain[0], E.Transpose) \
            and (isinstance(chain[1], E.Hadamard) or isinstance(chain[0].arg, E.Hadamard)):
        more.append(E.Sum(E.Hadamard(chain[0].arg, chain[1])))     # aᵀ (b ⊙ c) = sum(a ⊙ b ⊙ c)
        chain = []
    scalars = _sigmoid_merge(_merge_scalars(scalars + [simplify(s) for s in more]))
    if len(chain) >= 2 and _product_is_scalar(chain):
        chain = _canonical_scalar_chain(chain)
    if len(chain) == 1 and not scalars and coef != 1 and isinstance(chain[0], E.DiagMat):
        return E.DiagMat(E.product(E.Num(coef), chain[0].arg))       # c diag(v) = diag(c v)
    out = chain_product(chain, scalars, coef)
    return e if out is e else out


def _canonical_scalar_chain(chain):
    """A scalar equals its transpose: xᵀ A y = yᵀ Aᵀ x. Keep the smaller of the two orders."""
    flipped = [transpose(f) for f in reversed(chain)]
    if any(isinstance(f, E.Mul) for f in flipped):
        return chain
    key = tuple(f.sort_key for f in chain)
    fkey = tuple(f.sort_key for f in flipped)
    return flipped if fkey < key else chain


def _term_order(t):
    c, rest = split(t)
    constant = isinstance(rest, (E.Num, E.Ones)) or rest is E.ONE
    degree = len([f for f in rest.factors if not isinstance(f, E.Num)]) if isinstance(rest, E.Mul) else 1
    return (0 if constant else 1, 1 if c < 0 else 0, -degree, rest.sort_key)


def _sigmoid_merge(factors):
    """eᵘ ⊘ (1 + eᵘ) = σ(u): find exp(u) next to (1 + exp(u))⁻¹ and fuse them (one pass: a product of
    many exponentials is common, a matching pair is not)."""
    denominators = {}                        # exp(u) → index of a factor (1 + exp(u))⁻¹
    for j, g in enumerate(factors):
        base, k = pow_parts(g)
        if k == -1 and isinstance(base, E.Add) and len(base.terms) == 2:
            a, b = base.terms
            for f, other in ((a, b), (b, a)):
                if isinstance(f, E.Apply) and f.fn == "exp" and (other is E.ONE or isinstance(other, E.Ones)):
                    denominators.setdefault(f, j)
    if not denominators:
        return factors
    for i, f in enumerate(factors):
        j = denominators.get(f)
        if j is not None and isinstance(f, E.Apply):
            rest = [h for n, h in enumerate(factors) if n not in (i, j)]
            return rest + [E.Apply("sigmoid", f.arg)]
    return factors


def _common_factor(terms):
    """2 x + 2 y = 2 (x + y); a/s + b/s = (a + b)/s: pull out what every term shares."""
    parts = [_chain_of(t) for t in terms]
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


def r_add(e):
    terms = []
    for t in e.terms:
        terms.extend(t.terms if isinstance(t, E.Add) else (t,))
    coeffs, order = {}, []
    for t in terms:
        if isinstance(t, E.Zero):
            continue
        c, rest = split(t)
        if c == 0:
            continue
        if rest not in coeffs:
            coeffs[rest] = E.Q_ZERO
            order.append(rest)
        coeffs[rest] += c
    out = [E.product(E.Num(coeffs[r]), r) for r in order if coeffs[r] != 0]
    if not out:
        return E.ZERO if e.is_scalar else E.Zero(e.shape)
    if len(out) == 1:
        return out[0]
    factored = _factor(out) or _common_factor(out)
    if factored is not None:
        return factored
    out.sort(key=_term_order)
    new = E.Add(*out)
    return e if new is e else new


def _chain_of(t):
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
    items = [(c, s, ch, 0, len(ch)) for c, s, ch in (_chain_of(t) for t in terms)]
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


def r_hadamard(e):
    factors = []
    for f in e.factors:
        factors.extend(f.factors if isinstance(f, E.Hadamard) else (f,))
    if any(isinstance(f, E.Zero) for f in factors):
        return E.Zero(e.shape)
    coef, scalars, rest = E.Q_ONE, [], []
    for f in factors:
        c, body = split(f)
        if c is not E.Q_ONE:
            coef *= c
        if isinstance(body, E.Ones) or body is E.ONE:
            continue
        if body.is_scalar and not e.is_scalar:
            scalars.append(body)
        elif isinstance(body, E.Mul) and len(body.factors) >= 2 and all(g.is_scalar for g in body.factors[:-1]) \
                and isinstance(body.factors[-1], E.Ones):
            scalars.extend(body.factors[:-1])          # (s · 1) ⊙ X = s X
        else:
            rest.append(body)
    powers, order = {}, []
    for f in _sigmoid_merge(rest):
        base, k = pow_parts(f)
        if base not in powers:
            order.append(base)
            powers[base] = k
        else:
            powers[base] += k
    merged = sorted((make_pow(b, powers[b]) for b in order if powers[b] != 0), key=lambda f: f.sort_key)
    merged = [f for f in merged if not isinstance(f, E.Ones)]
    if any(isinstance(f, E.Identity) for f in merged):   # Aᵀ ⊙ I = A ⊙ I: only the diagonal survives
        merged = sorted((f.arg if isinstance(f, E.Transpose) else f for f in merged), key=lambda f: f.sort_key)
    if not merged:
        body = E.Ones(e.shape) if not e.is_scalar else E.ONE
    elif len(merged) == 1:
        body = merged[0]
    else:
        body = E.Hadamard(*merged)
    if e.is_scalar:
        return E.product(E.Num(coef), *scalars, body)
    out = E.product(E.Num(coef), *scalars, body) if (coef != 1 or scalars) else body
    return e if out is e else out


def r_pow(e):
    base, k = e.base, e.exponent
    if isinstance(base, E.Transpose):
        return E.Transpose(E.Pow(base.arg, k))
    kv = scalar_value(k)
    if kv is None:
        return e
    if kv < 0 and (isinstance(base, E.Zero) or base is E.ZERO or isinstance(base, E.Num) and base.value == 0):
        from .errors import DiffError    # (a - a)⁻¹: a zero the parser could not see, as 1/0 is refused
        raise DiffError(f"division by zero: {E.Pow(base, k)} is a negative power of zero")
    if kv == 0:
        return E.ONE if base.is_scalar else E.Ones(base.shape)
    if kv == 1:
        return base
    if isinstance(base, E.Num) and kv.denominator == 1 and (base.value != 0 or kv > 0) and _small_power(base.value, kv):
        return E.Num(base.value ** int(kv))
    if isinstance(base, E.Pow) and isinstance(base.exponent, E.Num) and kv.denominator == 1:
        return E.Pow(base.base, E.Num(base.exponent.value * kv))
    if isinstance(base, E.Apply) and base.fn == "sqrt" and kv.denominator == 1 and kv % 2 == 0:
        return make_pow(base.arg, kv / 2)
    if isinstance(base, E.Hadamard) and kv.denominator == 1:
        return E.Hadamard(*(E.Pow(f, k) for f in base.factors))
    c, rest = split(base)
    if c != 1 and kv.denominator == 1 and _small_power(c, kv):
        return E.product(E.Num(c ** int(kv)), E.Pow(rest, k))
    if base.is_scalar and isinstance(base, E.Mul) and kv.denominator == 1 and all(f.is_scalar for f in base.factors):
        return E.product(*(E.Pow(f, k) for f in base.factors))
    return e


def _small_power(c, k):
    """Fold c**k exactly only when the result stays small (2^99999999 is left as a power)."""
    bits = max(abs(c.numerator).bit_length(), c.denominator.bit_length())
    return bits * abs(int(k)) <= 1024


def r_trace(e):
    a = e.arg
    if a.is_scalar:
        return a
    if isinstance(a, E.Add):
        return E.Add(*(E.Trace(t) for t in a.terms))
    if isinstance(a, E.Transpose):
        return E.Trace(a.arg)                               # tr(Aᵀ) = tr(A)
    if isinstance(a, E.Identity) and isinstance(a.n, int):
        return E.Num(a.n)
    if isinstance(a, E.DiagMat):
        return E.Sum(a.arg)
    if isinstance(a, E.Kron) and a.left.shape[0] == a.left.shape[1] and a.right.shape[0] == a.right.shape[1]:
        return E.product(E.Trace(a.left), E.Trace(a.right))  # tr(A ⊗ B) = tr(A) tr(B)
    if isinstance(a, E.Mul):
        c, scalars, chain = _chain_of(a)
        if scalars or c != 1:
            return E.product(E.Num(c), *scalars, E.Trace(chain_product(chain)))
        for i, f in enumerate(chain):                       # tr(u vᵀ) = vᵀ u: rotate a row to the front
            if f.shape[0] == 1:
                return E.Mul(*chain[i:], *chain[:i])
        best = _canonical_rotation(chain)
        if best is not None:
            return E.Trace(E.Mul(*best))
    return e


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


def r_sum(e):
    a = e.arg
    if a.is_scalar:
        return a
    if isinstance(a, E.Add):
        return E.Add(*(E.Sum(t) for t in a.terms))
    c, rest = split(a)
    if c != 1:
        return E.product(E.Num(c), E.Sum(rest))
    if isinstance(a, E.Mul):
        scalars = [f for f in a.factors if f.is_scalar]
        if scalars:
            return E.product(*scalars, E.Sum(chain_product([f for f in a.factors if not f.is_scalar])))
    if isinstance(a, (E.Transpose, E.Vec)):
        return E.Sum(a.arg)
    if isinstance(a, E.DiagMat):
        return E.Sum(a.arg)
    if isinstance(a, E.Hadamard) and len(a.factors) == 2:
        x, y = a.factors                                    # sum(x ⊙ y) = xᵀ y, sum(X ⊙ Y) = tr(Xᵀ Y)
        return E.Mul(E.Transpose(x), y) if a.is_vector else E.Trace(E.Mul(E.Transpose(x), y))
    if isinstance(a, E.Ones) and all(isinstance(d, int) for d in a.shape):
        return E.Num(a.shape[0] * a.shape[1])
    return e


def r_det(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return E.Det(a.arg)
    if isinstance(a, E.Inverse):
        return E.Pow(E.Det(a.arg), E.Num(-1))
    if isinstance(a, E.Identity):
        return E.ONE
    return e


def r_logdet(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return E.LogDet(a.arg)
    if isinstance(a, E.Inverse):
        return E.negate(E.LogDet(a.arg))
    if isinstance(a, E.Identity):
        return E.ZERO
    return e


def r_diagvec(e):
    a = e.arg
    if isinstance(a, E.DiagMat):
        return a.arg
    if isinstance(a, E.Transpose):
        return E.DiagVec(a.arg)
    if isinstance(a, E.Identity):
        return E.Ones((a.n, 1))
    return e


def r_vec(e):
    a = e.arg
    if a.is_vector:
        return a
    if isinstance(a, E.Transpose) and a.arg.is_vector:
        return a.arg
    return e


def r_norm(e):
    a = e.arg
    if a.is_scalar:
        return E.Apply("abs", a)
    c, rest = split(a)
    if c != 1:
        return E.product(E.Num(abs(c)), E.Norm(rest, e.p))
    if isinstance(a, E.Transpose):
        return E.Norm(a.arg, e.p)
    return e


def r_identity(e):
    return E.ONE if e.n == 1 else e


def r_apply(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return E.Transpose(E.Apply(e.fn, a.arg))      # f(Xᵀ) = f(X)ᵀ: transposes outside, like X⁻ᵀ
    if e.fn == "log" and isinstance(a, E.Apply) and a.fn == "exp":
        return a.arg
    if e.fn == "abs" and isinstance(a, E.Apply) and a.fn in ("abs", "exp", "sqrt"):
        return a
    if e.fn == "log" and isinstance(a, E.Det):
        return E.LogDet(a.arg)
    return e


def r_kron(e):
    if e.left.is_scalar or e.right.is_scalar:
        return E.product(e.left, e.right)
    if isinstance(e.left, E.Identity) and isinstance(e.right, E.Identity):
        from .shapes import mul_dims
        return E.Identity(mul_dims(e.left.n, e.right.n))          # I ⊗ I = I
    return e


RULES = {
    E.Transpose: r_transpose,
    E.Inverse: r_inverse,
    E.MatPow: r_matpow,
    E.Mul: r_mul,
    E.Add: r_add,
    E.Hadamard: r_hadamard,
    E.Pow: r_pow,
    E.Trace: r_trace,
    E.Sum: r_sum,
    E.Det: r_det,
    E.LogDet: r_logdet,
    E.DiagVec: r_diagvec,
    E.Vec: r_vec,
    E.Norm: r_norm,
    E.Apply: r_apply,
    E.Kron: r_kron,
    E.Identity: r_identity,
}
