"""The code table: one row per node type, printing a node of the planned outputs as Python.

A row is `rule(g, e) -> text`, where `g` is the Generator (codegen/emit.py): `g.code(child)` prints
a child (shared children become temporaries), `g.op(name, ...)` fills the target's template for an
operation, and `g.target` says what the target does better than the generic form (NumPy: a
Cholesky factor for spd variables, a diagonal added in place; logsumexp and softmax from one exp,
in ops/). The rows of extension operations are in their files (matcalc/ops), registered by name.
Products are printed by `g.chain`, which knows diagonals, inverses and the rank-k update.
"""
from fractions import Fraction

from .. import expr as E
from ..elementwise import one_plus_exp
from ..errors import MatcalcError
from ..tables import Table
from .plan import kind

CODE = Table("code", "generated code for a node (NumPy, JAX, PyTorch through each target's operation table)")


# ---- leaves ----------------------------------------------------------------------------------
@CODE.register(E.Var)
def code_var(g, e):
    return g.ident[e]


@CODE.register(E.Num)
def code_num(g, e):
    v = e.value
    return repr(float(v)) if v.denominator != 1 else f"{v.numerator}.0"


@CODE.register(E.Const)
def code_const(g, e):
    return repr(E.CONSTANTS[e.name])       # a float literal: the same text for NumPy, JAX and PyTorch


@CODE.register(E.Literal)
def code_literal(g, e):
    rows = [[float(v) for v in r] for r in e.rows]
    return g.op("array", [r[0] for r in rows] if kind(e) == "c" else rows)


@CODE.register(E.Identity)
def code_identity(g, e):
    return g.op("eye", g.size(e.n))


@CODE.register(E.Ones)
def code_ones(g, e):
    return g.op("ones", g.shape_code(e))


@CODE.register(E.Zero)
def code_zero(g, e):
    return g.op("zeros", g.shape_code(e)) if not e.is_scalar else "0.0"


@CODE.register(E.Commutation)
def code_commutation(g, e):
    return f"_commutation({g.size(e.m)}, {g.size(e.n)})"


@CODE.register(E.Differential)
def code_differential(g, e):
    raise MatcalcError(f"a differential ({e}) has no code: generate code for a derivative")


# ---- sums and products -----------------------------------------------------------------------
@CODE.register(E.Add, identity="diag(v) + M built in place (NumPy): no n×n diagonal temporary")
def code_add(g, e):
    diags = [t for t in e.terms if isinstance(t, E.DiagMat)]
    if g.target.add_diag and len(diags) == 1 and len(e.terms) > 1 and kind(e) == "m":
        others = [t for t in e.terms if t is not diags[0]]
        rest = E.Add(*others) if len(others) > 1 else others[0]
        return f"_add_diag({g.emit_fresh(rest)}, {g.code(diags[0].arg)})"
    parts = []
    spread = _spreads(g, [t if E.coefficient(t)[0] >= 0 else E.coefficient(t)[1] for t in e.terms])
    for i, t in enumerate(e.terms):
        c, rest = E.coefficient(t)
        lit = _broadcast(t)
        if lit is not None and not e.is_scalar:
            text, neg = repr(float(abs(lit))), lit < 0
        elif c < 0 and (rest if c == -1 else None) in spread:
            text, neg = spread[rest](rest), True
        elif c >= 0 and t in spread:
            text, neg = spread[t](t), False
        elif c < 0:     # −c·rest, shared when the term is (rest is then used as often)
            text = g.code(rest if c == -1 else E.Mul(E.Num(-c), rest), shared=g.uses.get(t, 0) > 1)
            text, neg = g.atomic(text), True
        else:
            text, neg = g.wrapped(t), False
        parts.append(("-" if neg else "") + text if i == 0 else (" - " if neg else " + ") + text)
    return "".join(parts)


@CODE.register(E.Mul)
def code_mul(g, e):
    sign = ""
    factors = list(e.factors)
    if factors and factors[0] is E.Num(-1):
        sign, factors = "-", factors[1:]
    scalars = [f for f in factors if f.is_scalar]
    chain = [f for f in factors if not f.is_scalar]
    body = g.chain(chain) if chain else None
    coef = [g.wrapped(s) for s in scalars]
    if body is None:
        text = " * ".join(coef) if coef else "1.0"
    else:
        text = " * ".join(coef + [g.atomic(body) if coef else body])
    return sign + (g.atomic(text) if sign else text)


@CODE.register(E.Hadamard, identity="a ⊙ b⁻¹ = a / b; (u 1ᵀ) ⊙ M = u[:, None] * M, (1 vᵀ) ⊙ M = v * M; "
                                    "M ⊙ (1 − tanh(u)²) one fused kernel where the target has it (PyTorch)")
def code_hadamard(g, e):
    fused = _tanh_backward(g, e)
    if fused is not None:
        return fused
    spread = _spreads(g, [f.base if _is_reciprocal(f) else f for f in e.factors])
    parts = []
    for f in e.factors:
        lit = _broadcast(f)
        if lit is not None:
            parts.append(repr(float(lit)))
        elif _is_reciprocal(f) and parts:
            parts[-1] = parts[-1] + " / " + spread.get(f.base, g.wrapped)(f.base)
            continue
        else:
            parts.append(spread.get(f, g.wrapped)(f))
    return " * ".join(parts)


def _tanh_backward(g, e):
    """M ⊙ (1 − t²), t = tanh(u) (tanh's derivative times the back-propagated error), as the target's
    fused kernel: PyTorch's tanh_backward, which its own autograd runs, is one pass over M where
    t ** 2, 1 − · and ⊙ are three passes and three temporaries the size of M (eager PyTorch fuses
    nothing: 9% of the MLP's gradient at n = 4096). Not when 1 − t² is needed elsewhere too (a Hessian):
    then it is computed anyway. None for anything else, or a target without it."""
    if not g.target.tanh_backward or len(e.factors) < 2:
        return None
    for i, f in enumerate(e.factors):
        t = _one_minus_square(f)
        rest = e.factors[:i] + e.factors[i + 1:]
        if t is None or not (isinstance(t, E.Apply) and t.fn == "tanh") or t.shape != e.shape or \
                g.uses.get(f, 0) > 1 or \
                any(r.shape != e.shape or _is_reciprocal(r) or _broadcast(r) is not None
                    or _spread_vector(r) is not None for r in rest):
            continue
        m = rest[0] if len(rest) == 1 else E.Hadamard(*rest)
        return g.target.tanh_backward.format(g.code(m), g.code(t))
    return None


def _one_minus_square(f):
    """x for 1 − x² (a sum of the literal 1 and −x²); else None."""
    if not isinstance(f, E.Add) or len(f.terms) != 2:
        return None
    one, sq = (f.terms if _broadcast(f.terms[0]) == 1 else f.terms[::-1])
    c, x = E.coefficient(sq)
    if _broadcast(one) != 1 or c != -1 or not (isinstance(x, E.Pow) and x.exponent is E.Num(2)):
        return None
    return x.base


def _is_reciprocal(f):
    return isinstance(f, E.Pow) and isinstance(f.exponent, E.Num) and f.exponent.value == -1


def _spread_vector(f):
    """u 1ᵀ or 1 vᵀ (times scalars): a vector spread over a matrix by a ones vector, as (the vector
    with its scalars, True for a column); None for anything else."""
    if not isinstance(f, E.Mul) or kind(f) != "m":
        return None
    scalars = [x for x in f.factors if x.is_scalar]
    chain = [x for x in f.factors if not x.is_scalar]
    if len(chain) < 2:
        return None
    for end in (0, -1):     # the plan's binary products: (−1 · 1) (1ᵀ M)
        if isinstance(chain[end], E.Mul) and sum(not x.is_scalar for x in chain[end].factors) == 1 and \
                isinstance(chain[end].factors[-1], E.Ones):
            scalars += chain[end].factors[:-1]
            chain[end] = chain[end].factors[-1]
    if isinstance(chain[0], E.Ones) and kind(E.product(*chain[1:])) == "r":      # 1 (1ᵀ M): M's column sums
        return E.product(*scalars, *chain[1:]), False
    if isinstance(chain[-1], E.Ones) and kind(E.product(*chain[:-1])) == "c":
        return E.product(*scalars, *chain[:-1]), True
    return None


def _spreads(g, items):
    """item → a function printing it as a broadcast (u[:, None], or v: a 1-D row broadcasts over the
    rows), for the items of an element-wise operation that spread a vector with a ones vector, when
    another item is a full matrix and gives the result its shape: no n×m outer product with a ones
    vector is built (issue 20's benchmark: X W + 1 bᵀ, G ./ (σ 1ᵀ))."""
    found = {f: _spread_vector(f) for f in items}
    if all(v is not None for v in found.values()):
        return {}

    def printer(vec, col):
        return lambda _f: f"{g.atomic(g.code(vec))}[:, None]" if col else g.wrapped(vec)
    return {f: printer(*v) for f, v in found.items() if v is not None}


@CODE.register(E.Kron)
def code_kron(g, e):
    if kind(e) in "cr":     # a vector (1-D) from vectors and scalars: kron of 1-D arrays is 1-D
        return g.op("kron", g.code(e.left), g.code(e.right))
    return g.op("kron", g.as_2d(e.left), g.as_2d(e.right))


@CODE.register(E.Pow, identity="‖v‖² = v·v (no square root); u^(1/2) = √u")
def code_pow(g, e):
    base, k = e.base, e.exponent
    if isinstance(base, E.Norm) and base.p == 2 and k is E.Num(2):
        v = g.atomic(g.code(base.arg, shared=True))     # a memo hit may be `a * x`: an operand needs ( )
        return f"{v} @ {v}" if kind(base.arg) in "cr" else g.sum(f"{v} * {v}")
    if isinstance(k, E.Num) and k.value == -1:
        return f"1.0 / {g.wrapped(base)}"
    if isinstance(k, E.Num) and k.value == Fraction(1, 2):
        return g.op("sqrt", g.argument(base))
    return f"{g.wrapped(base)} ** {g.wrapped(k)}"


# ---- matrix functions ------------------------------------------------------------------------
@CODE.register(E.Transpose, identity="vᵀ = v for 1-D vectors; X⁻ᵀ from X's LU factor directly")
def code_transpose(g, e):
    a = e.arg
    if kind(a) in "cr":
        return g.code(a)
    if isinstance(a, E.Inverse) and g.factored(a.arg) == "lu" and g.uses.get(a, 0) == 1:
        # X⁻ᵀ is all the code uses of X⁻¹: computed as such, not as a transposed view (a PyTorch
        # gradient with X's memory layout, which autograd accumulates without a copy)
        return g.factor_call(a.arg, "inv", "1")
    return g.op("T", g.wrapped(a))


@CODE.register(E.Inverse, identity="X⁻¹ from the factor of X its log det and solves use (Cholesky for spd X, else LU)")
def code_inverse(g, e):
    if g.factored(e.arg):
        return g.factor_call(e.arg, "inv")
    return g.op("inv", g.code(e.arg))


@CODE.register(E.MatPow)
def code_matpow(g, e):
    return g.op("matpow", g.code(e.arg), e.k)


@CODE.register(E.Trace, identity="tr(P Y) = sum(P ⊙ Yᵀ): one matrix product fewer; tr(Aᵀ Y) = sum(A ⊙ Y)")
def code_trace(g, e):
    a = e.arg
    if isinstance(a, E.Mul) and len(a.factors) >= 2 and all(kind(f) == "m" for f in a.factors) \
            and not isinstance(a.factors[-1], (E.Inverse, E.DiagMat)):
        *xs, y = a.factors
        if len(xs) == 1 and isinstance(xs[0], E.Transpose) and not isinstance(y, E.Transpose):
            # tr(Aᵀ Y) = sum(A ⊙ Y): no transposed operand (XLA copies one; tr(Gᵀ M) of every layer)
            return g.sum(f"{g.wrapped(xs[0].arg)} * {g.wrapped(y)}")
        p = g.atomic(g.chain(xs))
        return g.sum(f"{p} * {g.transposed(y)}")
    return g.op("trace", g.code(a))


@CODE.register(E.Det, identity="det X = (Π diag L)² (Cholesky, spd X), ± exp Σ log |diag U| (the LU X⁻¹ shares)")
def code_det(g, e):
    if g.factored(e.arg):
        return g.factor_call(e.arg, "det")
    return g.op("det", g.code(e.arg))


@CODE.register(E.LogDet, identity="log det X = 2 Σ log diag(L) (Cholesky, spd X), Σ log |diag U| (LU X⁻¹ shares)")
def code_logdet(g, e):
    if g.factored(e.arg):
        return g.factor_call(e.arg, "logdet")
    return g.op("logdet", g.code(e.arg))


@CODE.register(E.Sum)
def code_sum(g, e):
    return g.sum(g.code(e.arg), kind(e.arg))


@CODE.register(E.DiagVec)
def code_diagvec(g, e):
    return g.op("diagonal", g.code(e.arg))


@CODE.register(E.DiagMat)
def code_diagmat(g, e):
    return g.op("diag", g.code(e.arg))


@CODE.register(E.Vec, identity="vec(v) = v for 1-D vectors; vec(M) = Mᵀ flattened row-major (column-major vec)")
def code_vec(g, e):
    a = e.arg
    if kind(a) in "cr":
        return g.code(a)
    return g.op("vec", g.wrapped(a))


@CODE.register(E.Norm, identity="‖v‖₁ = sum(|v|)")
def code_norm(g, e):
    if e.p == 1:
        return g.sum(g.op("abs", g.code(e.arg)), kind(e.arg))
    return g.op("norm", g.code(e.arg))


# ---- element-wise and declared functions -----------------------------------------------------
@CODE.register(E.Apply, identity="log(1 + eᵘ) = softplus(u), computed stably")
def code_apply(g, e):
    if e.fn == "log" and one_plus_exp(e.arg):
        return g.op("softplus", g.argument(e.arg.terms[1].arg))
    return g.op(e.fn, g.argument(e.arg))


@CODE.register(E.Call)
def code_call(g, e):
    return f"{g.functions[('fn', e.name)]}({g.code(e.arg)})"


@CODE.register(E.CallJacobian)
def code_calljacobian(g, e):
    return f"{g.functions[('jac', e.name)]}({g.code(e.arg)})"


@CODE.register(E.ElementCall)
def code_elementcall(g, e):
    return f"{g.functions[('el', e.name, e.order)]}({g.code(e.arg)})"


def _broadcast(f):
    from ..printers.text import broadcast_literal
    return broadcast_literal(f)
