"""The differential of every node: DIFF_RULES, one rule per node type.

`differential(e, wrt)` returns an expression linear in Differential(wrt) (None when e does not
depend on wrt: a symbolic zero that rules skip instead of materializing). Sources: Magnus &
Neudecker, Matrix Differential Calculus; Petersen & Pedersen, The Matrix Cookbook (2012).
"""
from fractions import Fraction

from . import expr as E
from .errors import DiffError


def ones_like(e):
    return E.ONE if e.is_scalar else E.Ones(e.shape)


def one_minus(e):
    return E.Add(ones_like(e), E.negate(e))


def scale(coef_expr, du):
    """f'(u) ⊙ du for an element-wise function; for scalars an ordinary product."""
    if du.is_scalar or coef_expr.is_scalar:
        return E.product(coef_expr, du)
    return E.Hadamard(coef_expr, du)


def inner(a, b):
    """⟨a, b⟩ = tr(aᵀ b), written the way people write it for scalars and vectors."""
    if a.is_scalar:
        return E.product(a, b)
    if a.is_vector:
        return E.Mul(E.Transpose(a), b)
    return E.Trace(E.Mul(E.Transpose(a), b))


# Element-wise scalar functions: name → derivative as an expression in u, and the condition
# under which the rule holds (None when it holds everywhere).
ELEMENTWISE = {
    "exp": (lambda u: E.Apply("exp", u), None),
    "log": (lambda u: E.Pow(u, E.Num(-1)), "{u} > 0"),
    "sin": (lambda u: E.Apply("cos", u), None),
    "cos": (lambda u: E.negate(E.Apply("sin", u)), None),
    "tan": (lambda u: E.Add(ones_like(u), E.Pow(E.Apply("tan", u), E.Num(2))), "cos({u}) ≠ 0"),
    "sinh": (lambda u: E.Apply("cosh", u), None),
    "cosh": (lambda u: E.Apply("sinh", u), None),
    "tanh": (lambda u: one_minus(E.Pow(E.Apply("tanh", u), E.Num(2))), None),
    "sigmoid": (lambda u: scale(E.Apply("sigmoid", u), one_minus(E.Apply("sigmoid", u))), None),
    "softplus": (lambda u: E.Apply("sigmoid", u), None),
    "relu": (lambda u: E.Apply("step", u), "{u} ≠ 0 entry-wise (at the kink of relu, a subgradient)"),
    "sqrt": (lambda u: E.product(E.Num(Fraction(1, 2)), E.Pow(E.Apply("sqrt", u), E.Num(-1))),
             "{u} > 0"),
    "abs": (lambda u: E.Apply("sign", u), "{u} ≠ 0 entry-wise (at the kink of abs, a subgradient)"),
    "sign": (None, "{u} ≠ 0 entry-wise (sign jumps at 0)"),
    "step": (None, "{u} ≠ 0 entry-wise (step jumps at 0)"),
}


def is_positive(e):
    """A sufficient test for positivity, to leave out conditions that always hold (log(1 + eᵘ))."""
    if isinstance(e, E.Num):
        return e.value > 0
    if isinstance(e, E.Ones):
        return True
    if isinstance(e, E.Var):
        return "positive" in e.props
    if isinstance(e, E.Apply):
        return e.fn in ("exp", "sigmoid", "softplus")
    if isinstance(e, (E.Add, E.Hadamard)):
        return all(is_positive(t) for t in e.args)
    if isinstance(e, E.Mul):
        return all(is_positive(f) for f in e.factors) and e.is_scalar
    return False


class Differentiator:
    """Memoized forward differentials with respect to one variable; records conditions."""

    def __init__(self, wrt):
        self.wrt = wrt
        self.d_wrt = E.Differential(wrt)
        self.memo = {}
        self.conditions = []
        self.rules = []

    def note(self, text):
        if text and text not in self.conditions:
            self.conditions.append(text)

    def __call__(self, e):
        if self.wrt not in e.free:
            return None
        hit = self.memo.get(e, False)
        if hit is False:
            rule = DIFF_RULES.get(type(e))
            if rule is None:
                raise DiffError(f"no differential rule for {type(e).__name__}")
            hit = self.memo[e] = rule(self, e)
            name = RULE_NAMES.get(rule)
            if name and name not in self.rules:
                self.rules.append(name)
        return hit


def _sum(terms):
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else E.Add(*terms)


def d_var(d, e):
    return d.d_wrt if e is d.wrt else None


def d_add(d, e):
    return _sum(d(t) for t in e.terms)


def d_mul(d, e):
    """d(X Y) = dX Y + X dY (product rule, factor by factor)."""
    fs = e.factors
    return _sum(E.product(*fs[:i], df, *fs[i + 1:]) for i, f in enumerate(fs) if (df := d(f)) is not None)


def d_hadamard(d, e):
    fs = e.factors
    return _sum(E.Hadamard(*fs[:i], df, *fs[i + 1:]) for i, f in enumerate(fs) if (df := d(f)) is not None)


def d_kron(d, e):
    da, db = d(e.left), d(e.right)
    return _sum([da and E.Kron(da, e.right), db and E.Kron(e.left, db)])


def d_pow(d, e):
    """d(u^k) = k u^(k-1) du; d(‖v‖^k) = k ‖v‖^(k-2) ⟨v, dv⟩; d(a^b) adds a^b log(a) db."""
    u, k = e.base, e.exponent
    squared_norm = isinstance(u, E.Norm) and u.p == 2 and isinstance(k, E.Num)
    du = d.wrt in u.free if squared_norm else d(u)
    dk = d(k)
    terms = []
    if du:
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
    if dk is not None:
        d.note(f"{u} > 0")
        terms.append(E.product(dk, scale(e, E.Apply("log", u)) if not u.is_scalar else E.product(e, E.Apply("log", u))))
    return _sum(terms)


def d_transpose(d, e):
    return E.Transpose(d(e.arg))


def d_inverse(d, e):
    """d(X⁻¹) = −X⁻¹ dX X⁻¹."""
    d.note(f"{e.arg} is invertible")
    return E.product(E.Num(-1), e, d(e.arg), e)


def d_matpow(d, e):
    """d(A^k) = Σ_{i=0}^{k−1} A^i dA A^{k−1−i}."""
    a, k, da = e.arg, e.k, d(e.arg)

    def power(i):
        return [] if i == 0 else [a] if i == 1 else [E.MatPow(a, i)]
    return _sum(E.product(*power(i), da, *power(k - 1 - i)) for i in range(k))


def d_trace(d, e):
    return E.Trace(d(e.arg))


def d_det(d, e):
    """d det X = det X · tr(X⁻¹ dX)  (Cookbook eq. 46)."""
    d.note(f"{e.arg} is invertible")
    return E.product(e, E.Trace(E.product(E.Inverse(e.arg), d(e.arg))))


def d_logdet(d, e):
    """d log det X = tr(X⁻¹ dX)."""
    d.note(f"det({e.arg}) > 0")
    return E.Trace(E.product(E.Inverse(e.arg), d(e.arg)))


def d_linear(d, e):
    """tr, sum, diag, vec are linear: apply them to the differential."""
    return type(e)(d(e.arg))


def d_norm(d, e):
    """d‖X‖ = tr(Xᵀ dX)/‖X‖ (2-norm, Frobenius); d‖x‖₁ = sign(x)ᵀ dx."""
    x, dx = e.arg, d(e.arg)
    if e.p == 1:
        d.note(f"{x} has no zero entries (at a kink of the 1-norm, a subgradient)")
        return inner(E.Apply("sign", x), dx)
    d.note(f"{x} ≠ 0")
    return E.product(E.Pow(e, E.Num(-1)), inner(x, dx))


def d_apply(d, e):
    """d f(U) = f'(U) ⊙ dU."""
    deriv, condition = ELEMENTWISE[e.fn]
    if condition and not (e.fn in ("log", "sqrt") and is_positive(e.arg)):
        d.note(condition.format(u=e.arg))
    du = d(e.arg)
    if deriv is None:
        return None
    return scale(deriv(e.arg), du)


def d_softmax(d, e):
    """d softmax(u) = (diag(s) − s sᵀ) du = s ⊙ du − s (sᵀ du)."""
    du = d(e.arg)
    return E.Add(E.Hadamard(e, du), E.negate(E.product(e, E.Mul(E.Transpose(e), du))))


def d_logsumexp(d, e):
    """d logsumexp(u) = softmax(u)ᵀ du."""
    return E.Mul(E.Transpose(E.Softmax(e.arg)), d(e.arg))


def d_call(d, e):
    """d g(u) = J_g(u) du (chain rule through a declared function)."""
    return E.product(E.CallJacobian(e.name, e.arg, e.out), d(e.arg))


def d_call_jacobian(d, e):
    raise DiffError(f"the second derivative of the declared function {e.name} is not available: only its "
                    f"Jacobian J_{e.name} is known")


def d_element_call(d, e):
    """d h(U) = h′(U) ⊙ dU for a declared scalar function applied element-wise."""
    return scale(E.ElementCall(e.name, e.arg, e.order + 1), d(e.arg))


def d_constant(d, e):
    return None


DIFF_RULES = {
    E.Var: d_var,
    E.Differential: d_constant,
    E.Num: d_constant,
    E.Literal: d_constant,
    E.Identity: d_constant,
    E.Zero: d_constant,
    E.Ones: d_constant,
    E.Commutation: d_constant,
    E.Add: d_add,
    E.Mul: d_mul,
    E.Hadamard: d_hadamard,
    E.Kron: d_kron,
    E.Pow: d_pow,
    E.Transpose: d_transpose,
    E.Inverse: d_inverse,
    E.MatPow: d_matpow,
    E.Trace: d_trace,
    E.Det: d_det,
    E.LogDet: d_logdet,
    E.Sum: d_linear,
    E.DiagVec: d_linear,
    E.DiagMat: d_linear,
    E.Vec: d_linear,
    E.Norm: d_norm,
    E.Apply: d_apply,
    E.Softmax: d_softmax,
    E.LogSumExp: d_logsumexp,
    E.Call: d_call,
    E.CallJacobian: d_call_jacobian,
    E.ElementCall: d_element_call,
}

RULE_NAMES = {
    d_add: "linearity", d_mul: "product rule", d_hadamard: "product rule (⊙)", d_kron: "product rule (⊗)",
    d_pow: "power rule", d_transpose: "d(Xᵀ) = (dX)ᵀ", d_inverse: "d(X⁻¹) = −X⁻¹ dX X⁻¹",
    d_matpow: "d(Aᵏ) = Σ Aⁱ dA Aᵏ⁻¹⁻ⁱ", d_trace: "d tr X = tr dX", d_det: "d det X = det X tr(X⁻¹ dX)",
    d_logdet: "d log det X = tr(X⁻¹ dX)", d_linear: "linearity of sum, diag, vec", d_norm: "d‖X‖ = tr(Xᵀ dX)/‖X‖",
    d_apply: "chain rule: d f(U) = f′(U) ⊙ dU", d_softmax: "d softmax(u) = (diag(s) − s sᵀ) du",
    d_logsumexp: "d logsumexp(u) = softmax(u)ᵀ du", d_call: "chain rule: d g(u) = J_g(u) du",
    d_element_call: "chain rule: d h(U) = h′(U) ⊙ dU",
}
