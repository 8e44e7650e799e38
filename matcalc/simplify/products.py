"""The normal form of a matrix product, and the Kronecker product's identities.

A product is brought to its normal form in one pass: one rational coefficient, the scalar factors
merged and sorted, the matrix chain merged left to right (inverses cancelled, powers gathered,
Kronecker and vec products contracted; Kronecker factors that meet only through a commutation
matrix or a sum: kronecker.py). The steps are named identities; each calls `fired(NAME)`
when it changes the product, so a trace can name it.
"""
from .. import expr as E
from .engine import chain_product, make_pow, pow_parts, simplify, split, transpose
from .kronecker import commute_kron, distribute_kron
from .rules import NOTES, fired, fired_alone, named, normal_form, rewrite
from .textbook import peel_inverses, softmax_merge

M = E.Mul
FLATTEN = named(M, "mul_flatten", "(A B) C = A (B C) = A B C")
ZERO = named(M, "mul_zero", "0 A = A 0 = 0")
COEFFICIENT = named(M, "mul_coefficient", "(2 A)(3 B) = 6 A B: one rational coefficient, in front; 1 A = A")
IDENTITY = named(M, "mul_identity", "A I = I A = A")
CANCEL = named(M, "mul_inverse_cancel", "X X⁻¹ = X⁻¹ X = I, Xᵀ X⁻ᵀ = I")
RUN = named(M, "mul_power_run", "(A B)ᵏ A B = (A B)ᵏ⁺¹, (A B)⁻¹ A B = I")
POWERS = named(M, "mul_matrix_powers", "Aʲ Aᵏ = Aʲ⁺ᵏ, also transposed: Xᵀ (X³)ᵀ = (X⁴)ᵀ")
KRON = named(M, "kron_mixed_product", "(A ⊗ B)(C ⊗ D) = A C ⊗ B D", source="Matrix Cookbook §10.2.1")
KRON_VEC = named(M, "kron_vec", "(P ⊗ Q) vec(B) = vec(Q B Pᵀ)", source="Matrix Cookbook §10.2.2")
COMMUTATION_VEC = named(M, "commutation_vec", "K_{m,n} vec(B) = vec(Bᵀ)",
                        source="Magnus & Neudecker, Matrix Differential Calculus, ch. 3")
COMMUTATION_PAIR = named(M, "commutation_pair", "K_{n,m} K_{m,n} = I")
SEGMENT = named(M, "mul_scalar_segment", "x yᵀ z = (yᵀ z) x: a 1×1 end of the chain is a scalar factor")
HADAMARD_INNER = named(M, "mul_hadamard_inner", "aᵀ (b ⊙ c) = sum(a ⊙ b ⊙ c)")
SCALAR_POWERS = named(M, "mul_scalar_powers", "a aᵏ = aᵏ⁺¹, a a⁻¹ = 1 for scalars")
SIGMOID = named(M, "mul_sigmoid", "eᵘ / (1 + eᵘ) = σ(u)")
SIGN_ABS = named(M, "mul_sign_over_abs", "sign(u) / |u| = 1 / u for u ≠ 0 (so d log|u| = du / u)")
ONEHOT = named(M, "mul_onehot_rows", "Y 1 = 1 for Y onehot (declared): each row of labels sums to 1")
ONES_INNER = named(M, "mul_ones_inner", "1ᵀ 1 = n, the length of the ones vector (the count as mean(x) writes it)")
#: the count n of a dimension as an expression: sum(1) until ops/size.py registers its size node here
COUNT = {"of": lambda d: E.Sum(E.Ones((d, 1)))}
SCALAR_CHAIN = named(M, "mul_scalar_transpose", "xᵀ A y = yᵀ Aᵀ x: a 1×1 chain in the smaller of its two orders")
DIAG = named(M, "mul_diag_coefficient", "c diag(v) = diag(c v)")
ORDER = named(M, "mul_order", "a A b B = a b A B: scalars commute, sorted, divisions last")


@normal_form(E.Mul, "the product's normal form (the mul_* steps)")
def r_mul(e):
    tracing = NOTES[0] is not None       # the tests for naming a step cost time: only while tracing
    factors = _flatten_mul(e.factors)
    if tracing and len(factors) != len(e.factors):
        fired(FLATTEN)
    if any(isinstance(f, E.Zero) or f is E.ZERO for f in factors):
        fired(ZERO)
        shape = e.shape
        return E.ZERO if shape == (1, 1) else E.Zero(shape)
    coef, scalars, chain = E.Q_ONE, [], []
    for f in factors:
        if f.is_scalar:
            c, rest = split(f)
            if tracing and (c != 1 or rest is E.ONE) and (coef != 1 or c == 1 or not isinstance(f, E.Num)):
                fired(COEFFICIENT)
            coef *= c
            if rest is not E.ONE:
                scalars.append(rest)
        else:
            chain.append(f)
    if chain:
        rows = chain[0].shape[0]
        if len(chain) >= 3:
            chain = commute_kron(chain)                       # K (A ⊗ B) = (B ⊗ A) K where it pays (kronecker.py)
        chain = _merge_chain(chain) or [E.Identity(rows)]   # X X⁻¹ = I, never the number 1
        chain = peel_inverses(chain)                          # Pᵀ (P X)⁻ᵀ = X⁻ᵀ (textbook.py)
        spread = distribute_kron(chain) if len(chain) >= 2 else None
        if spread is not None:                                # (A ⊗ B)(C ⊗ D + T), kronecker.py
            return chain_product(spread, scalars, coef)
    more, chain = _split_scalar_segments(chain)
    if more:
        fired(SEGMENT)
    if len(chain) == 2 and chain[0].shape[0] == 1 and chain[1].is_vector and isinstance(chain[0], E.Transpose) \
            and (isinstance(chain[1], E.Hadamard) or isinstance(chain[0].arg, E.Hadamard)):
        fired(HADAMARD_INNER)
        more.append(E.Sum(E.Hadamard(chain[0].arg, chain[1])))     # aᵀ (b ⊙ c) = sum(a ⊙ b ⊙ c)
        chain = []
    scalars = sigmoid_merge(_merge_scalars(sign_merge(scalars + [simplify(s) for s in more], SIGN_ABS)), SIGMOID)
    scalars, chain = softmax_merge(scalars, chain)           # eᵘ / sum(eᵘ) = softmax(u) (textbook.py)
    if len(chain) >= 2 and _product_is_scalar(chain):
        chain = _canonical_scalar_chain(chain)
    if len(chain) == 1 and not scalars and coef != 1 and isinstance(chain[0], E.DiagMat):
        fired(DIAG)
        return E.DiagMat(E.product(E.Num(coef), chain[0].arg))       # c diag(v) = diag(c v)
    out = chain_product(chain, scalars, coef)
    if out is e:
        return e
    if tracing:
        fired_alone(ORDER)
    return out


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
            fired(SCALAR_POWERS)
            powers[base] += k
    out = [make_pow(b, powers[b]) for b in order if powers[b] != 0]
    # the order E.product uses too (divisions last), so the two never undo each other's work
    return sorted((s for s in out if s is not E.ONE), key=lambda s: (E._is_reciprocal(s), s.sort_key))


def _onehot_rows(a, b):
    return isinstance(a, E.Var) and "onehot" in a.props and isinstance(b, E.Ones) and b.shape[1] == 1


def _ones_inner(a, b):
    return isinstance(a, E.Ones) and isinstance(b, E.Ones) and a.shape[0] == 1 and b.shape[1] == 1


def _merge_chain(chain):
    """Cancel X X⁻¹ and X⁻¹ X, drop identities, gather powers: A A = A², Xᵀ (X³)ᵀ = (X⁴)ᵀ,
    A B (A B)³ = (A B)⁴, (A B)⁻¹ A B = I; contract Kronecker products."""
    out, i, n = [], 0, len(chain)
    while i < n:
        f = chain[i]
        i += 1
        if isinstance(f, E.Identity) and (out or n > 1):
            fired(IDENTITY)
            continue
        if out and _are_inverses(out[-1], f):
            fired(CANCEL)
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
            if k != k0:
                fired(RUN)
            if k == 0:
                continue
            if k != k0:
                f = _power(base, k, flipped)
        if out and _onehot_rows(out[-1], f):   # Y 1 = 1 for Y declared onehot: each row sums to 1
            fired(ONEHOT)
            f = E.Ones((out.pop().shape[0], 1))
        if out and _ones_inner(out[-1], f):     # 1ᵀ 1 = n: a scalar the next pass moves out
            fired(ONES_INNER)
            f = COUNT["of"](out.pop().shape[1])
            if out or i < n:
                out.append(f)
                continue
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
    fired(POWERS)
    return _power(ab, ak + bk, at)


def _contract(a, b):
    """Kronecker and vec products that collapse: (A ⊗ B)(C ⊗ D) = A C ⊗ B D, (P ⊗ Q) vec(B) = vec(Q B Pᵀ),
    K vec(B) = vec(Bᵀ), K_{n,m} K_{m,n} = I. None when a b is not one of them."""
    if isinstance(a, E.Kron):
        if isinstance(b, E.Kron) and a.left.shape[1] == b.left.shape[0] and a.right.shape[1] == b.right.shape[0]:
            fired(KRON)
            return E.Kron(E.Mul(a.left, b.left), E.Mul(a.right, b.right))
        if isinstance(b, E.Vec) and a.right.shape[1] == b.arg.shape[0] and a.left.shape[1] == b.arg.shape[1]:
            fired(KRON_VEC)
            return E.Vec(E.Mul(a.right, b.arg, E.Transpose(a.left)))
    if isinstance(a, E.Commutation):
        if isinstance(b, E.Vec) and b.arg.shape == (a.m, a.n):
            fired(COMMUTATION_VEC)
            return E.Vec(E.Transpose(b.arg))
        if isinstance(b, E.Commutation) and (b.m, b.n) == (a.n, a.m):
            fired(COMMUTATION_PAIR)
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


def _canonical_scalar_chain(chain):
    """A scalar equals its transpose: xᵀ A y = yᵀ Aᵀ x. Keep the smaller of the two orders."""
    flipped = [transpose(f) for f in reversed(chain)]
    if any(isinstance(f, E.Mul) for f in flipped):
        return chain
    key = tuple(f.sort_key for f in chain)
    fkey = tuple(f.sort_key for f in flipped)
    if fkey < key:
        fired(SCALAR_CHAIN)
        return flipped
    return chain


def sign_merge(factors, name):
    """sign(u) ⊘ |u| = 1 ⊘ u: the derivative of log|u| read as a textbook writes it (u ≠ 0 is a condition of
    the log already). `name` is the identity fired (Mul or Hadamard)."""
    signs = [i for i, f in enumerate(factors) if isinstance(f, E.Apply) and f.fn == "sign"]
    if not signs:
        return factors
    factors = list(factors)
    for i in signs:
        u = factors[i].arg
        j = next((j for j, g in enumerate(factors) if isinstance(g, E.Pow) and isinstance(g.base, E.Apply)
                  and g.base.fn == "abs" and g.base.arg is u and isinstance(g.exponent, E.Num)
                  and g.exponent.value == -1), None)
        if j is not None:
            fired(name)
            factors[i], factors[j] = E.Pow(u, E.Num(-1)), E.ONE if u.is_scalar else E.Ones(u.shape)
    return [f for f in factors if f is not E.ONE and not isinstance(f, E.Ones)]


def sigmoid_merge(factors, name):
    """eᵘ ⊘ (1 + eᵘ) = σ(u): find exp(u) next to (1 + exp(u))⁻¹ and fuse them (one pass: a product of
    many exponentials is common, a matching pair is not). `name` is the identity fired (Mul or Hadamard)."""
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
            fired(name)
            rest = [h for n, h in enumerate(factors) if n not in (i, j)]
            return rest + [E.Apply("sigmoid", f.arg)]
    return factors


# ---- Kronecker product ----------------------------------------------------------------------
@rewrite(E.Kron, "a ⊗ B = a B for a scalar a")
def kron_of_scalar(e):
    if e.left.is_scalar or e.right.is_scalar:
        return E.product(e.left, e.right)


@rewrite(E.Kron, "Iₘ ⊗ Iₙ = Iₘₙ")
def kron_of_identities(e):
    if isinstance(e.left, E.Identity) and isinstance(e.right, E.Identity):
        from ..shapes import mul_dims
        return E.Identity(mul_dims(e.left.n, e.right.n))
