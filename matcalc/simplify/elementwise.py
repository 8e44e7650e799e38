"""Element-wise nodes: the Hadamard product's normal form, powers, and element-wise functions.

The Hadamard product is normalized in one pass (its steps call `fired(NAME)`); powers and
functions are rewrites tried in order, each returning the new node or None.
"""
from .. import expr as E
from .engine import make_pow, pow_parts, scalar_value, split
from .products import sigmoid_merge, sign_merge
from ..elementwise import is_nonnegative
from .rules import NOTES, fired, fired_alone, named, normal_form, rewrite

H = E.Hadamard
FLATTEN = named(H, "hadamard_flatten", "(A ⊙ B) ⊙ C = A ⊙ B ⊙ C")
COEFFICIENT = named(H, "hadamard_coefficient", "(2 A) ⊙ (3 B) = 6 (A ⊙ B)")
ONES = named(H, "hadamard_ones", "A ⊙ 1 = A (1 the all-ones matrix)")
SCALAR = named(H, "hadamard_scalar", "a ⊙ X = a X, (s 1) ⊙ X = s X for scalars a, s")
SIGMOID = named(H, "hadamard_sigmoid", "exp(U) ⊘ (1 + exp(U)) = σ(U)")
SIGN_ABS = named(H, "hadamard_sign_over_abs", "sign(U) ⊘ |U| = 1 ⊘ U entry-wise, for U without zeros")
POWERS = named(H, "hadamard_powers", "A ⊙ A = A.², A.ʲ ⊙ A.ᵏ = A.ʲ⁺ᵏ, A ⊘ A = 1")
DIAGONAL = named(H, "hadamard_identity", "Aᵀ ⊙ I = A ⊙ I: only the diagonal survives")
ORDER = named(H, "hadamard_order", "A ⊙ B = B ⊙ A: factors sorted")


@normal_form(E.Hadamard, "the Hadamard product's normal form (the hadamard_* steps)")
def r_hadamard(e):
    factors = []
    for f in e.factors:
        if isinstance(f, E.Hadamard):
            fired(FLATTEN)
            factors.extend(f.factors)
        else:
            factors.append(f)
    if any(isinstance(f, E.Zero) for f in factors):   # A ⊙ 0 = 0: the engine's linear_in_zero comes first,
        return E.Zero(e.shape)                        # so only a direct call gets here
    coef, scalars, rest = E.Q_ONE, [], []
    for f in factors:
        c, body = split(f)
        if c is not E.Q_ONE:
            if NOTES[0] is not None and c != 1:
                fired(COEFFICIENT)
            coef *= c
        if isinstance(body, E.Ones) or body is E.ONE or _ones_outer(body):
            fired(ONES)
            continue
        if body.is_scalar and not e.is_scalar:
            fired(SCALAR)
            scalars.append(body)
        elif isinstance(body, E.Mul) and len(body.factors) >= 2 and isinstance(body.factors[-1], E.Ones) \
                and all(g.is_scalar or isinstance(g, E.Ones) for g in body.factors[:-1]):
            fired(SCALAR)
            scalars.extend(g for g in body.factors if g.is_scalar)   # (s · 1) ⊙ X = s X, (s 1 1ᵀ) ⊙ X = s X
        else:
            rest.append(body)
    powers, order = {}, []
    for f in sigmoid_merge(sign_merge(rest, SIGN_ABS), SIGMOID):
        base, k = pow_parts(f)
        if base not in powers:
            order.append(base)
            powers[base] = k
        else:
            fired(POWERS)
            powers[base] += k
    merged = sorted((make_pow(b, powers[b]) for b in order if powers[b] != 0), key=lambda f: f.sort_key)
    merged = [f for f in merged if not isinstance(f, E.Ones)]
    if any(isinstance(f, E.Identity) for f in merged):   # Aᵀ ⊙ I = A ⊙ I: only the diagonal survives
        if any(isinstance(f, E.Transpose) for f in merged):
            fired(DIAGONAL)
        merged = sorted((f.arg if isinstance(f, E.Transpose) else f for f in merged), key=lambda f: f.sort_key)
    if not merged:
        body = E.Ones(e.shape) if not e.is_scalar else E.ONE
    elif len(merged) == 1:
        body = merged[0]
    else:
        body = E.Hadamard(*merged)
    if e.is_scalar:
        out = E.product(E.Num(coef), *scalars, body)
    else:
        out = E.product(E.Num(coef), *scalars, body) if (coef != 1 or scalars) else body
    if out is e:
        return e
    if NOTES[0] is not None:
        fired_alone(ORDER)
    return out


def _ones_outer(e):
    """1 1ᵀ, a product of ones vectors (the adjoint of a row-wise sum makes it): the all-ones matrix."""
    return isinstance(e, E.Mul) and all(isinstance(f, E.Ones) for f in e.factors)


# ---- powers (element-wise) ------------------------------------------------------------------
@rewrite(E.Pow, "(Aᵀ).ᵏ = (A.ᵏ)ᵀ", arg=(E.Transpose,))
def pow_of_transpose(e):
    if isinstance(e.base, E.Transpose):
        return E.Transpose(E.Pow(e.base.arg, e.exponent))


@rewrite(E.Pow, "0⁻ᵏ is a division by zero: refused (a DiffError), as 1/0 is", arg=(E.Num, E.Zero))
def pow_negative_of_zero(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and kv < 0 and (isinstance(base, E.Zero) or base is E.ZERO
                                      or isinstance(base, E.Num) and base.value == 0):
        from ..errors import DiffError    # (a - a)⁻¹: a zero the parser could not see
        raise DiffError(f"division by zero: {E.Pow(base, e.exponent)} is a negative power of zero")


@rewrite(E.Pow, "a⁰ = 1, A.⁰ = 1 (all ones)")
def pow_zero(e):
    if scalar_value(e.exponent) == 0:
        return E.ONE if e.base.is_scalar else E.Ones(e.base.shape)


@rewrite(E.Pow, "a¹ = a")
def pow_one(e):
    if scalar_value(e.exponent) == 1:
        return e.base


@rewrite(E.Pow, "2³ = 8: cᵏ folded for a number c and an integer k while the result stays small", arg=(E.Num,))
def pow_of_number(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and isinstance(base, E.Num) and kv.denominator == 1 and (base.value != 0 or kv > 0) \
            and _small_power(base.value, kv):
        return E.Num(base.value ** int(kv))


@rewrite(E.Pow, "(aʲ)ᵏ = aʲᵏ for an integer k", arg=(E.Pow,))
def pow_of_pow(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and isinstance(base, E.Pow) and isinstance(base.exponent, E.Num) and kv.denominator == 1:
        return E.Pow(base.base, E.Num(base.exponent.value * kv))


@rewrite(E.Pow, "√a²ᵐ = aᵐ", arg=(E.Apply,))
def pow_of_sqrt(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and isinstance(base, E.Apply) and base.fn == "sqrt" and kv.denominator == 1 and kv % 2 == 0:
        return make_pow(base.arg, kv / 2)


@rewrite(E.Pow, "(A ⊙ B).ᵏ = A.ᵏ ⊙ B.ᵏ for an integer k", arg=(E.Hadamard,))
def pow_of_hadamard(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and isinstance(base, E.Hadamard) and kv.denominator == 1:
        return E.Hadamard(*(E.Pow(f, e.exponent) for f in base.factors))


@rewrite(E.Pow, "(c A)ᵏ = cᵏ A.ᵏ for a number c and an integer k", arg=(E.Num, E.Mul))
def pow_of_multiple(e):
    kv = scalar_value(e.exponent)
    if kv is None:
        return None
    c, rest = split(e.base)
    if c != 1 and kv.denominator == 1 and _small_power(c, kv):
        return E.product(E.Num(c ** int(kv)), E.Pow(rest, e.exponent))


@rewrite(E.Pow, "(a b)ᵏ = aᵏ bᵏ for scalars and an integer k", arg=(E.Mul,))
def pow_of_product(e):
    kv, base = scalar_value(e.exponent), e.base
    if kv is not None and base.is_scalar and isinstance(base, E.Mul) and kv.denominator == 1 \
            and all(f.is_scalar for f in base.factors):
        return E.product(*(E.Pow(f, e.exponent) for f in base.factors))


def _small_power(c, k):
    """Fold c**k exactly only when the result stays small (2^99999999 is left as a power)."""
    bits = max(abs(c.numerator).bit_length(), c.denominator.bit_length())
    return bits * abs(int(k)) <= 1024


# ---- element-wise functions -----------------------------------------------------------------
@rewrite(E.Apply, "f(Xᵀ) = f(X)ᵀ: transposes outside, like X⁻ᵀ", arg=(E.Transpose,))
def apply_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Transpose(E.Apply(e.fn, e.arg.arg))


@rewrite(E.Apply, "log(exp(u)) = u", arg=(E.Apply,))
def log_of_exp(e):
    if e.fn == "log" and isinstance(e.arg, E.Apply) and e.arg.fn == "exp":
        return e.arg.arg


@rewrite(E.Apply, "|f(u)| = f(u) for f ≥ 0 entry-wise (abs, exp, σ, u², softmax, …: the table's nonnegative column)")
def abs_of_nonnegative(e):
    if e.fn == "abs" and is_nonnegative(e.arg):
        return e.arg


@rewrite(E.Apply, "log(det X) = log det X", arg=(E.Det,))
def log_of_det(e):
    if e.fn == "log" and isinstance(e.arg, E.Det):
        return E.LogDet(e.arg.arg)
