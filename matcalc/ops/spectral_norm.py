"""‖X‖₂ = σ₁(X), the spectral norm (the largest singular value) of a matrix: the node and its rows.

With v₁ = v_max(XᵀX), the top right singular vector, σ₁ = ‖X v₁‖ and u₁ = X v₁ / σ₁, so where σ₁ is
simple (Magnus & Neudecker §8.9 applied to λ_max(XᵀX) = σ₁²):
    dσ₁ = u₁ᵀ dX v₁ = v₁ᵀ Xᵀ dX v₁ / σ₁,   ∂‖X‖₂/∂X = u₁ v₁ᵀ = X v₁ v₁ᵀ / ‖X‖₂,
written with the eigenvector node of ops/eigen.py, so its own derivative (a Hessian) follows.
Read from ||X||_2 and ‖X‖₂ (of a matrix; of a vector it is the Euclidean norm, E.Norm), sigma_max(X)
(CVXPY) and σ_max(X); printed ||X||_2, or sigma_max(…) when the argument shows a norm bar itself.
"""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..parse.calls import BUILT, MATRIX_NORMS, matrix_function
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, TEXT
from ..simplify.rules import rewrite
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .eigen import Eigenvector, eigh_symmetric


class SpectralNorm(E.Expr):
    __slots__ = ()
    fields = ("arg",)
    of_scalar = staticmethod(lambda a: E.Apply("abs", a))

    @classmethod
    def shape_of(cls, arg):
        return S.SCALAR


def top_right_vector(x):
    """v₁ = v_max(XᵀX), the right singular vector of σ₁(X)."""
    return Eigenvector(E.Mul(E.Transpose(x), x), 1)


@DIFF.register(SpectralNorm, identity="d‖X‖₂ = u₁ᵀ dX v₁ = v₁ᵀ Xᵀ dX v₁ / ‖X‖₂, v₁ = v_max(XᵀX) (σ₁ simple)",
               source="Magnus & Neudecker §8.9")
def d_spectral_norm(d, e):
    x, dx = e.arg, d(e.arg)
    if E.is_zero(dx):
        return E.zero_like(e)
    d.note(f"the largest singular value of {x} is simple and nonzero")
    v = top_right_vector(x)
    return E.product(E.Pow(e, E.Num(-1)), E.Transpose(v), E.Transpose(x), dx, v)


@rewrite(SpectralNorm, "‖Xᵀ‖₂ = ‖X‖₂ (the same singular values)", arg=(E.Transpose,))
def spectral_norm_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return SpectralNorm(e.arg.arg)


ADJOINT.register(SpectralNorm)(no_adjoint)
VEC.register(SpectralNorm)(no_vec)


@register("evaluate", SpectralNorm)
def ev_spectral_norm(e, ev):
    import numpy as np
    x = ev(e.arg)
    if not np.all(np.isfinite(x)):
        return np.array([[np.nan]])
    return np.array([[np.linalg.norm(x, 2)]])


def gap(e, x):
    """(σ₁² − σ₂²)/σ₁², the relative gap of λ_max(XᵀX) (the check skips points where it is tiny)."""
    w = eigh_symmetric(x.T @ x)[0]
    if len(w) < 2:
        return 1.0
    return float((w[-1] - w[-2]) / max(abs(float(w[-1])), 1e-300))


SpectralNorm.spectral_gap = staticmethod(gap)

# ---- reading: ||X||_2 of a matrix (parse/calls.py MATRIX_NORMS), sigma_max(X), σ_max(X) -----------------
MATRIX_NORMS["2"] = SpectralNorm
BUILT["sigma_max"] = (1, matrix_function(lambda a: E.Norm(a, 2) if a.is_vector else SpectralNorm(a),
                                         lambda a: E.Apply("abs", a)))
CALL_KINDS["sigma_max"] = lambda k, arg: "S"


# ---- printers ----------------------------------------------------------------------------------------
@TEXT.register(SpectralNorm)
def t_spectral_norm(e, memo):
    from ..printers.text import to_text_memo
    inner = to_text_memo(e.arg, memo)
    return (f"||{inner}||_2", ATOM) if "||" not in inner else (f"sigma_max({inner})", ATOM)


@register("unicode", SpectralNorm, identity="‖X‖_2")
def u_spectral_norm(e, memo):
    from ..printers.text import _p
    inner = _p(e.arg, memo)[0]
    return (f"‖{inner}‖_2", ATOM) if "‖" not in inner else (f"σ_max({inner})", ATOM)


@LATEX.register(SpectralNorm)
def l_spectral_norm(printer, e):
    return rf"\left\lVert {printer.p(e.arg)[0]} \right\rVert_2", ATOM


# ---- generated code ----------------------------------------------------------------------------------
CODE = {"numpy": "np.linalg.norm({0}, 2)", "jax": "jnp.linalg.norm({0}, 2)",
        "torch": "torch.linalg.matrix_norm({0}, 2)"}


@register("code", SpectralNorm, identity="‖X‖₂ = the largest singular value (LAPACK gesdd)")
def code_spectral_norm(g, e):
    from ..codegen.plan import kind
    if kind(e.arg) in "cr":          # a 1-D vector: the Euclidean norm
        return g.op("norm", g.code(e.arg))
    return CODE[g.target.name].format(g.code(e.arg))


@register("to_sympy", SpectralNorm)
def c_spectral_norm(c, e):
    c.unsupported(e, "SymPy has no spectral norm of a matrix expression")
