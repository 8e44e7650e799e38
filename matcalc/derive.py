"""Reading derivatives off the canonical differential: gradient_of, jacobian_of, directional_of.

The differential comes from `diff` (one rule per node type); the gradient is read off it by the
adjoint rows of `adjoint` (⟨W, L(dX)⟩ = ⟨G, dX⟩), the Jacobian by the vec rows of `vectorize`
(vec(L(dX)) = J vec(dX)). The steps of a derivation are `steps.Step`s.
"""
from contextvars import ContextVar

from . import expr as E
from .adjoint import pull, pull_rule  # noqa: F401 (the public names of the old module)
from .diff import Differentiator, inner
from .simplify import simplify
from .steps import DF, Label, Step, rule_latex  # noqa: F401 (api imports them from here)
from .vectorize import as_column, numel, push, push_rule  # noqa: F401


def differential(f, wrt, steps=None):
    """df as an expression linear in Differential(wrt), simplified (zero when f does not depend on
    wrt); and the conditions met on the way."""
    d = Differentiator(wrt)
    raw = d(simplify(f))      # x ⊙ x ⊙ … ⊙ x is x.^k first: the product rule on k copies would make k² terms
    if E.is_zero(raw):
        return raw, d.conditions
    df = simplify(raw)
    if steps is not None:
        steps.append(Step("differential: " + ", ".join(d.rules), DF, raw))
        if df is not raw:
            steps.append(Step("simplify", DF, df))
    return df, d.conditions


# The gradients derived during the current public call, by (f, wrt): solve derives each objective
# gradient for its value-and-gradient function, then once more inside every Hessian block (∂²f/∂x∂y
# differentiates f w.r.t. x first). The scope is one outermost public call (calling.guarded opens it),
# so separate calls derive afresh as before (a rule patched between two calls is seen by the second).
_derived = ContextVar("derived", default=None)


class derivations:
    """The scope of one public call's gradient memo; a call made inside another shares the outer one's."""

    def __enter__(self):
        self.token = _derived.set({}) if _derived.get() is None else None
        return self

    def __exit__(self, *exc):
        if self.token is not None:
            _derived.reset(self.token)
        return False


def gradient_of(f, wrt, steps=None):
    """(∂f/∂X, df, conditions) for scalar f, with ∂f/∂X in the shape of X."""
    memo = _derived.get() if steps is None else None     # recording steps derives afresh
    if memo is not None:
        hit = memo.get((f, wrt))
        if hit is None:
            hit = memo[f, wrt] = _gradient_of(f, wrt)
        grad, df, conditions = hit
        return grad, df, list(conditions)
    return _gradient_of(f, wrt, steps)


def _gradient_of(f, wrt, steps=None):
    df, conditions = differential(f, wrt, steps)
    if E.is_zero(df):
        return E.zero_like(wrt), df, conditions
    terms = []
    pull(df, E.ONE, terms, steps)
    if not terms:
        return E.zero_like(wrt), df, conditions
    grad = simplify(E.Add(*terms) if len(terms) > 1 else terms[0])
    if steps is not None:
        steps.append(Step(f"identification: df = tr(Mᵀ d{wrt.name}) ⇒ ∂f/∂{wrt.name} = M", DF,
                          canonical_differential(grad, wrt)))
    return grad, df, conditions


def canonical_differential(grad, wrt):
    """df = tr(Gᵀ dX), written the way people write it for scalars and vectors."""
    return inner(grad, E.Differential(wrt)) if not wrt.is_scalar else E.product(grad, E.Differential(wrt))


def jacobian_of(F, wrt, steps=None):
    """(J, dF, conditions) with vec(dF) = J vec(dX): J is numel(F) × numel(X)."""
    dF, conditions = differential(F, wrt, steps)
    J = push(dF, numel(wrt), steps)
    if E.is_zero(J):
        return J, dF, conditions
    J = simplify(J)
    if steps is not None:
        steps.append(Step("identification: d vec F = J d vec X ⇒ J", DF,
                          E.product(J, as_column(E.Differential(wrt)))))
    return J, dF, conditions


def substitute(e, mapping, memo=None):
    memo = {} if memo is None else memo
    if e in mapping:
        return mapping[e]
    if e in memo:
        return memo[e]
    out = e.rebuild([substitute(c, mapping, memo) for c in e.children]) if e.children else e
    memo[e] = out
    return out


def directional_of(grad, wrt, v):
    """∇f(x)ᵀ v: the gradient paired with a direction of the variable's shape."""
    return simplify(inner(grad, v)) if not wrt.is_scalar else simplify(E.product(grad, v))
