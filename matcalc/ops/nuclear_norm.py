"""‖X‖_* = Σᵢ σᵢ(X), the nuclear (trace) norm, and polar(X) = U Vᵀ, its gradient: the nodes and their rows.

With the thin SVD X = U Σ Vᵀ, where X has full rank min(m, n) (no singular value is 0):
    d‖X‖_* = tr((U Vᵀ)ᵀ dX),   ∂‖X‖_*/∂X = U Vᵀ = polar(X), the orthogonal factor of the polar
decomposition (X (XᵀX)^{-1/2} for m ≥ n). Distinct singular values are not needed for this first
derivative. The derivative of polar(X) itself (a Sylvester equation) is not built in: second
derivatives of the nuclear norm are refused with a message.
Read from ||X||_*, ‖X‖_*, \\|X\\|_* and norm_nuc(X) (CVXPY's normNuc); polar(X) as written.
"""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..errors import DiffError
from ..parse.calls import BUILT, MATRIX_NORMS, matrix_function
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, FUNC_NAMES, TEXT, t_func
from ..simplify.rules import rewrite
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class NuclearNorm(E.Expr):
    __slots__ = ()
    fields = ("arg",)
    of_scalar = staticmethod(lambda a: E.Apply("abs", a))

    @classmethod
    def shape_of(cls, arg):
        return S.SCALAR


class Polar(E.Expr):
    """U Vᵀ for the thin SVD X = U Σ Vᵀ: the orthogonal polar factor, of X's shape."""
    __slots__ = ()
    fields = ("arg",)
    of_scalar = staticmethod(lambda a: E.Apply("sign", a))

    @classmethod
    def shape_of(cls, arg):
        return arg.shape


@DIFF.register(NuclearNorm, identity="d‖X‖_* = tr(polar(X)ᵀ dX), polar(X) = U Vᵀ (X of full rank)",
               source="Watson, Characterization of the subdifferential of some matrix norms (1992)")
def d_nuclear_norm(d, e):
    x, dx = e.arg, d(e.arg)
    if E.is_zero(dx):
        return E.zero_like(e)
    d.note(f"{x} has full rank (no zero singular value)")
    return E.Trace(E.Mul(E.Transpose(Polar(x)), dx))


@DIFF.register(Polar, identity="refused: d polar(X) solves a Sylvester equation, not built in")
def d_polar(d, e):
    raise DiffError(f"the derivative of polar({e.arg}) = U Vᵀ (needed for second derivatives of the nuclear "
                    "norm) solves a Sylvester equation, which matcalc does not build; the gradient of "
                    "||X||_* is available")


@rewrite(NuclearNorm, "‖Xᵀ‖_* = ‖X‖_* (the same singular values)", arg=(E.Transpose,))
def nuclear_norm_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return NuclearNorm(e.arg.arg)


@rewrite(Polar, "polar(Xᵀ) = polar(X)ᵀ (Xᵀ = V Σ Uᵀ)", arg=(E.Transpose,))
def polar_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Transpose(Polar(e.arg.arg))


ADJOINT.register(NuclearNorm, Polar)(no_adjoint)
VEC.register(NuclearNorm, Polar)(no_vec)


def _svd(x):
    import numpy as np
    if not np.all(np.isfinite(x)):
        return None
    try:
        return np.linalg.svd(x, full_matrices=False)
    except np.linalg.LinAlgError:
        return None


@register("evaluate", NuclearNorm)
def ev_nuclear_norm(e, ev):
    import numpy as np
    usv = _svd(ev(e.arg))
    return np.array([[np.nan if usv is None else float(np.sum(usv[1]))]])


@register("evaluate", Polar)
def ev_polar(e, ev):
    import numpy as np
    x = ev(e.arg)
    usv = _svd(x)
    return np.full(x.shape, np.nan) if usv is None else usv[0] @ usv[2]


def gap(e, x):
    """σ_min/σ_max: the check skips points where X is nearly rank-deficient."""
    usv = _svd(x)
    return 0.0 if usv is None else float(usv[1][-1] / max(float(usv[1][0]), 1e-300))


NuclearNorm.spectral_gap = Polar.spectral_gap = staticmethod(gap)

# ---- reading ---------------------------------------------------------------------------------------
MATRIX_NORMS["*"] = NuclearNorm
BUILT["norm_nuc"] = (1, matrix_function(NuclearNorm, lambda a: E.Apply("abs", a)))
BUILT["polar"] = (1, matrix_function(Polar, lambda a: E.Apply("sign", a)))
CALL_KINDS["norm_nuc"] = lambda k, arg: "S"
CALL_KINDS["polar"] = lambda k, arg: "M"


# ---- printers: ||X||_*, norm_nuc(…) around a norm bar; polar(X) ---------------------------------------
@TEXT.register(NuclearNorm)
def t_nuclear_norm(e, memo):
    from ..printers.text import to_text_memo
    inner = to_text_memo(e.arg, memo)
    return (f"||{inner}||_*", ATOM) if "||" not in inner else (f"norm_nuc({inner})", ATOM)


@register("unicode", NuclearNorm, identity="‖X‖_*")
def u_nuclear_norm(e, memo):
    from ..printers.text import _p
    inner = _p(e.arg, memo)[0]
    return (f"‖{inner}‖_*", ATOM) if "‖" not in inner else (f"norm_nuc({inner})", ATOM)


@LATEX.register(NuclearNorm)
def l_nuclear_norm(printer, e):
    return rf"\left\lVert {printer.p(e.arg)[0]} \right\rVert_*", ATOM


FUNC_NAMES[Polar] = "polar"
TEXT.register(Polar)(t_func)


@LATEX.register(Polar)
def l_polar(printer, e):
    return r"\operatorname{polar}" + printer.arg(e.arg), ATOM


# ---- generated code ----------------------------------------------------------------------------------
CODE = {
    NuclearNorm: {"numpy": "np.linalg.norm({0}, 'nuc')", "jax": "jnp.linalg.norm({0}, 'nuc')",
                  "torch": "torch.linalg.matrix_norm({0}, 'nuc')"},
    Polar: {"numpy": "_polar({0})", "jax": "_polar({0})", "torch": "_polar({0})"},
}


@register("code", NuclearNorm, identity="‖X‖_* = the sum of the singular values")
def code_nuclear_norm(g, e):
    return CODE[NuclearNorm][g.target.name].format(g.code(e.arg))


@register("code", Polar, identity="polar(X) = U Vᵀ from the thin SVD")
def code_polar(g, e):
    return CODE[Polar][g.target.name].format(g.code(e.arg))


@register("to_sympy", NuclearNorm, Polar)
def c_nuclear(c, e):
    c.unsupported(e, "SymPy has no singular values of a matrix expression")
