"""The differential of every node: the DIFF table, one rule per node type.

`Differentiator(wrt)(e)` returns an expression linear in Differential(wrt). Zero has one
representation: the zero node of e's shape (`E.zero_like`), returned without calling a rule when e
does not depend on wrt, and skipped by the rules (a sum leaves it out, a product rule drops the
term), as JAX's symbolic Zero. Each rule is registered with the identity it implements, which the
step-by-step output names. Sources: Magnus & Neudecker, Matrix Differential Calculus (MN);
Petersen & Pedersen, The Matrix Cookbook (2012) (MC).
"""
from . import expr as E
from .elementwise import FUNCTIONS, Column, is_positive, one_minus, ones_like, scale  # noqa: F401 (tests use them)
from .errors import DiffError
from .tables import Table

DIFF = Table("differential", "d e as an expression linear in the differential of one variable")
DIFF_RULES = DIFF   # the old name (tests inject wrong rules with monkeypatch.setitem(diff.DIFF_RULES, …))

# The derivative and condition columns of elementwise.FUNCTIONS, indexed for d_apply (the mutation
# tests of the numerical check patch an entry here to inject a wrong derivative).
ELEMENTWISE = Column(lambda f: (f.derivative, f.condition))

MC22 = "Matrix Cookbook §2.2"   # derivatives of matrices: the product, transpose, trace, inverse, det rules


def inner(a, b):
    """⟨a, b⟩ = tr(aᵀ b), written the way people write it for scalars and vectors."""
    if a.is_scalar:
        return E.product(a, b)
    if a.is_vector:
        return E.Mul(E.Transpose(a), b)
    return E.Trace(E.Mul(E.Transpose(a), b))


def linear_factor(factors):
    """The index of the one factor that holds the differential (a term linear in it has exactly one)."""
    held = [i for i, f in enumerate(factors) if any(isinstance(v, E.Differential) for v in f.free)]
    if len(held) != 1:
        raise DiffError("internal error: a differential term is not linear in the differential")
    return held[0]


class Differentiator:
    """Memoized forward differentials with respect to one variable; records conditions and rules."""

    def __init__(self, wrt):
        self.wrt = wrt
        self.d_wrt = E.Differential(wrt)
        self.memo = {}
        self.zeros = {}          # shape → its zero node: most subexpressions do not depend on wrt
        self.conditions = []
        self.rules = []
        self.rows = DIFF.rows

    def note(self, text):
        if not text or text in self.conditions:
            return
        # one condition for one fact: det(X) ≠ 0 (or > 0) already says X is invertible (log|det X|)
        if text.endswith(" is invertible") and any(c in self.conditions for c in (
                f"det({text[:-len(' is invertible')]}) ≠ 0", f"det({text[:-len(' is invertible')]}) > 0")):
            return
        self.conditions.append(text)

    def __call__(self, e):
        if self.wrt not in e.free:
            zero = self.zeros.get(e.shape)
            if zero is None:
                zero = self.zeros[e.shape] = E.zero_like(e)
            return zero
        hit = self.memo.get(e)
        if hit is None:
            rule = self.rows.get(type(e)) or DIFF.rule(type(e))
            hit = self.memo[e] = rule.fn(self, e)
            if rule.identity and rule.identity not in self.rules:
                self.rules.append(rule.identity)
        return hit


def _sum(terms, like):
    terms = [t for t in terms if not E.is_zero(t)]
    if not terms:
        return E.zero_like(like)
    return terms[0] if len(terms) == 1 else E.Add(*terms)


def _chain(d, e, build):
    """build(d arg), or zero when d arg is zero: every rule below is linear in its argument's differential."""
    da = d(e.arg)
    return E.zero_like(e) if E.is_zero(da) else build(da)


# ---- leaves ------------------------------------------------------------------------------------
@DIFF.register(E.Var)
def d_var(d, e):
    return d.d_wrt if e is d.wrt else E.zero_like(e)


@DIFF.register(E.Differential, E.Num, E.Const, E.Literal, E.Identity, E.Zero, E.Ones, E.Commutation)
def d_constant(d, e):
    return E.zero_like(e)


# ---- sums and products -------------------------------------------------------------------------
@DIFF.register(E.Add, identity="linearity")
def d_add(d, e):
    return _sum((d(t) for t in e.terms), e)


@DIFF.register(E.Mul, identity="product rule", source=MC22)
def d_mul(d, e):
    """d(X Y) = dX Y + X dY, factor by factor."""
    fs = e.factors
    return _sum((E.product(*fs[:i], df, *fs[i + 1:]) for i, f in enumerate(fs) if not E.is_zero(df := d(f))), e)


@DIFF.register(E.Hadamard, identity="product rule (⊙)", source=MC22)
def d_hadamard(d, e):
    """d(X ⊙ Y) = dX ⊙ Y + X ⊙ dY."""
    fs = e.factors
    return _sum((E.Hadamard(*fs[:i], df, *fs[i + 1:]) for i, f in enumerate(fs) if not E.is_zero(df := d(f))), e)


@DIFF.register(E.Kron, identity="product rule (⊗)", source=MC22)
def d_kron(d, e):
    """d(X ⊗ Y) = dX ⊗ Y + X ⊗ dY."""
    da, db = d(e.left), d(e.right)
    return _sum([E.Kron(da, e.right) if not E.is_zero(da) else da,
                 E.Kron(e.left, db) if not E.is_zero(db) else db], e)


@DIFF.register(E.Pow, identity="power rule")
def d_pow(d, e):
    """d(u^k) = k u^(k-1) du; d(‖v‖^k) = k ‖v‖^(k-2) ⟨v, dv⟩; d(a^b) adds a^b log(a) db."""
    u, k = e.base, e.exponent
    squared_norm = isinstance(u, E.Norm) and u.p == 2 and isinstance(k, E.Num)
    depends = d.wrt in u.free if squared_norm else not E.is_zero(du := d(u))
    dk = d(k)
    terms = []
    if depends:
        if squared_norm:
            dv = d(u.arg)
            power = E.Pow(u, E.Num(k.value - 2)) if k.value != 2 else E.ONE
            if k.value < 2:
                d.note(f"{u.arg} ≠ 0")
            terms.append(E.product(k, power, inner(u.arg, dv)))
        else:
            if isinstance(k, E.Num) and k.value.denominator != 1:
                d.note(f"{u} > 0")
            elif isinstance(k, E.Num) and k.value < 0:
                d.note(f"{u} ≠ 0" if u.is_scalar else f"the entries of {u} are nonzero")
            lower = E.Pow(u, E.Add(k, E.Num(-1))) if not isinstance(k, E.Num) else E.Pow(u, E.Num(k.value - 1))
            terms.append(scale(E.product(k, lower), du))
    if not E.is_zero(dk):
        d.note(f"{u} > 0")
        terms.append(E.product(dk, scale(e, E.Apply("log", u)) if not u.is_scalar else E.product(e, E.Apply("log", u))))
    return _sum(terms, e)


def is_spd(e):
    """Declared symmetric positive definite: invertible with a positive determinant, so neither is a condition."""
    return isinstance(e, E.Var) and "spd" in e.props


# ---- matrix operators --------------------------------------------------------------------------
@DIFF.register(E.Transpose, identity="d(Xᵀ) = (dX)ᵀ", source=MC22)
def d_transpose(d, e):
    return _chain(d, e, E.Transpose)


@DIFF.register(E.Inverse, identity="d(X⁻¹) = −X⁻¹ dX X⁻¹", source=MC22)
def d_inverse(d, e):
    if not is_spd(e.arg):
        d.note(f"{e.arg} is invertible")
    return _chain(d, e, lambda dx: E.product(E.Num(-1), e, dx, e))


# d(Aᵏ) has k terms: a rule whose output grows with a number in the text is bounded before the
# terms are made (tr(X^99999999) built every term before the work budget saw one: 770 MB at 25 s).
# Under a trace the k terms are one, k tr(Aᵏ⁻¹ dA) (d_trace); elsewhere k past MAX_POWER_TERMS is refused.
MAX_POWER_TERMS = 500
WORK_PER_TERM = 10      # rewrites a product-rule term costs later (measured: Hessians of tr(A X^k), k ≤ 300)


@DIFF.register(E.MatPow, identity="d(Aᵏ) = Σ Aⁱ dA Aᵏ⁻¹⁻ⁱ")
def d_matpow(d, e):
    """d(A^k) = Σ_{i=0}^{k−1} A^i dA A^{k−1−i}."""
    a, k = e.arg, e.k
    if k > MAX_POWER_TERMS and not E.is_zero(d(a)):
        from .errors import LimitError
        raise LimitError(f"the differential of a matrix power A^k has k terms, and k = {k:,} is past "
                         f"{MAX_POWER_TERMS:,}; under a trace (tr(A^k), log det, det) it has one: write the "
                         "power there, or a smaller power")
    from .simplify.engine import _spend
    _spend(WORK_PER_TERM * k)       # counted as it is made: each term costs the simplifier several rewrites

    def power(i):
        return [] if i == 0 else [a] if i == 1 else [E.MatPow(a, i)]
    return _chain(d, e, lambda da: _sum((E.product(*power(i), da, *power(k - 1 - i)) for i in range(k)), e))


@DIFF.register(E.Trace, identity="d tr X = tr dX", source=MC22)
def d_trace(d, e):
    """d tr X = tr dX; d tr(Aᵏ) = k tr(Aᵏ⁻¹ dA) (the k terms of d(Aᵏ) are equal under the trace)."""
    if isinstance(e.arg, E.MatPow):
        a, k = e.arg.arg, e.arg.k
        _named(d, "d tr(Aᵏ) = k tr(Aᵏ⁻¹ dA)")
        return _chain(d, e.arg, lambda da: E.product(E.Num(k), E.Trace(E.product(*_power(a, k - 1), da))))
    return _chain(d, e, E.Trace)


def _named(d, identity):
    """Name the closed form a rule took (the steps show it beside the row's own identity)."""
    if identity not in d.rules:
        d.rules.append(identity)


def _power(a, k):
    return [] if k == 0 else [a] if k == 1 else [E.MatPow(a, k)]


@DIFF.register(E.Det, identity="d det X = det X tr(X⁻¹ dX)", source=MC22)
def d_det(d, e):
    if not is_spd(e.arg):
        d.note(f"{e.arg} is invertible")
    if isinstance(e.arg, E.MatPow):     # tr((Aᵏ)⁻¹ d(Aᵏ)) = k tr(A⁻¹ dA): one term, not k
        a, k = e.arg.arg, e.arg.k
        _named(d, "d det(Aᵏ) = k det(Aᵏ) tr(A⁻¹ dA)")
        return _chain(d, e.arg, lambda da: E.product(E.Num(k), e, E.Trace(E.product(E.Inverse(a), da))))
    return _chain(d, e, lambda dx: E.product(e, E.Trace(E.product(E.Inverse(e.arg), dx))))


@DIFF.register(E.LogDet, identity="d log det X = tr(X⁻¹ dX)", source=MC22)
def d_logdet(d, e):
    if not is_spd(e.arg):
        d.note(f"det({e.arg}) > 0")
    return _chain(d, e, lambda dx: E.Trace(E.product(E.Inverse(e.arg), dx)))


@DIFF.register(E.Sum, E.DiagVec, E.DiagMat, E.Vec, identity="linearity of sum, diag, vec")
def d_linear(d, e):
    """sum, diag, vec are linear: apply them to the differential."""
    return _chain(d, e, type(e))


@DIFF.register(E.Norm, identity="d‖X‖ = tr(Xᵀ dX)/‖X‖")
def d_norm(d, e):
    """d‖X‖ = tr(Xᵀ dX)/‖X‖ (2-norm, Frobenius); d‖x‖₁ = sign(x)ᵀ dx."""
    x, dx = e.arg, d(e.arg)
    if e.p == 1:
        d.note(f"{x} has no zero entries (at a kink of the 1-norm, a subgradient)")
        return E.zero_like(e) if E.is_zero(dx) else inner(E.Apply("sign", x), dx)
    d.note(f"{x} ≠ 0")
    return E.zero_like(e) if E.is_zero(dx) else E.product(E.Pow(e, E.Num(-1)), inner(x, dx))


# ---- functions ---------------------------------------------------------------------------------
def _condition(d, condition, u):
    """The row's condition on u as a reader states it: |v| > 0 is v ≠ 0 (log|v|), after which the kink of
    |v| at 0 says nothing new; "entry-wise" only for a vector or matrix. None when nothing is left to say."""
    each = "" if u.is_scalar else " entry-wise"
    if condition == "{u} > 0" and isinstance(u, E.Apply) and u.fn == "abs":
        return f"{u.arg} ≠ 0{each}"
    text = condition.format(u=u)
    if text.startswith(f"{u} ≠ 0") and any(c.startswith(f"{u} ≠ 0") for c in d.conditions):
        return None
    return text if each else text.replace(" entry-wise", "")


@DIFF.register(E.Apply, identity="chain rule: d f(U) = f′(U) ⊙ dU")
def d_apply(d, e):
    """The derivative and its condition come from the function's row in elementwise.FUNCTIONS."""
    deriv, condition = ELEMENTWISE[e.fn]
    if condition and not (FUNCTIONS[e.fn].positive_arg_ok and is_positive(e.arg)):
        d.note(_condition(d, condition, e.arg))
    du = d(e.arg)
    if E.is_zero(du):
        return E.zero_like(e)
    coef = deriv(e.arg)
    return E.zero_like(e) if E.is_zero(coef) else scale(coef, du)


@DIFF.register(E.Call, identity="chain rule: d g(u) = J_g(u) du")
def d_call(d, e):
    return _chain(d, e, lambda du: E.product(E.CallJacobian(e.name, e.arg, e.out), du))


@DIFF.register(E.CallJacobian)
def d_call_jacobian(d, e):
    raise DiffError(f"the second derivative of the declared function {e.name} is not available: only its "
                    f"Jacobian J_{e.name} is known")


@DIFF.register(E.ElementCall, identity="chain rule: d h(U) = h′(U) ⊙ dU")
def d_element_call(d, e):
    """d h(U) = h′(U) ⊙ dU for a declared scalar function applied element-wise."""
    return _chain(d, e, lambda du: scale(E.ElementCall(e.name, e.arg, e.order + 1), du))
