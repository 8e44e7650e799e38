"""λₖ(A) and vₖ(A): an eigenvalue of a symmetric matrix and its unit eigenvector, the nodes and their
rows in every table (docs/spectral.md).

k > 0 is the k-th largest (λ₁ = λ_max ≥ λ₂ ≥ …), k = −1 the smallest (λ_min). They are defined for
symmetric A; for a matrix that is not symmetric they are those of its symmetric part (A + Aᵀ)/2, which
is A itself when A is symmetric and keeps every value real and every derivative below exact for any
square argument (what the numerical check samples). vₖ is normalised (‖v‖ = 1) with its largest entry
(in absolute value) positive, in the evaluator and in generated code alike.

Where λₖ is simple (Magnus & Neudecker, Matrix Differential Calculus, §8.9, Theorem 1):
    dλ = vᵀ dA v,    dv = (λI − A)⁺ dA v,   (λI − A)⁺ = (λI − A + v vᵀ)⁻¹ − v vᵀ,
the pseudo-inverse written with an inverse (λI − A + v vᵀ has the eigenvalues λ − λⱼ and 1).
"""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..parse.calls import BUILT, INDEXED, matrix_function
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, TEXT
from ..simplify.rules import rewrite
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec

SOURCE = "Magnus & Neudecker, Matrix Differential Calculus, §8.9"


def index_name(k):
    """max, min, or the number: the subscript of λₖ and vₖ."""
    return "max" if k == 1 else "min" if k == -1 else str(k)


class Eigenvalue(E.Expr):
    """λₖ(A): the k-th largest eigenvalue of symmetric A (k = −1: the smallest)."""
    __slots__ = ()
    fields = ("arg", "k")
    of_scalar = staticmethod(lambda a: a)   # λ of a 1×1 matrix is its entry (codegen/plan.py)

    @classmethod
    def shape_of(cls, arg, k):
        S.square(f"λ_{index_name(k)}", arg.shape)
        return S.SCALAR


class Eigenvector(E.Expr):
    """vₖ(A): the unit eigenvector of λₖ(A), its largest entry positive."""
    __slots__ = ()
    fields = ("arg", "k")
    of_scalar = staticmethod(lambda a: E.ONE)

    @classmethod
    def shape_of(cls, arg, k):
        S.square(f"v_{index_name(k)}", arg.shape)
        return (arg.shape[0], 1)


def symmetric_part(a):
    """(a, True) when a is symmetric, else ((a + aᵀ)/2, False): the matrix λₖ(a) is an eigenvalue of."""
    from ..simplify.properties import is_symmetric
    if is_symmetric(a):
        return a, True
    return E.product(E.Num(E.Fraction(1, 2)), E.Add(a, E.Transpose(a))), False


def simple(d, e):
    """Record the condition of every spectral derivative: the eigenvalue is simple."""
    part, symmetric = symmetric_part(e.arg)
    of = "" if symmetric else f" of {part} ({e.arg} is not declared symmetric)"
    d.note(f"{Eigenvalue(e.arg, e.k)} is a simple eigenvalue{of}")


@DIFF.register(Eigenvalue, identity="dλ = vᵀ dA v (λ simple, v its unit eigenvector)", source=SOURCE)
def d_eigenvalue(d, e):
    da = d(e.arg)
    if E.is_zero(da):
        return E.zero_like(e)
    simple(d, e)
    v = Eigenvector(e.arg, e.k)
    return E.product(E.Transpose(v), da, v)     # vᵀ dA v = vᵀ sym(dA) v


@DIFF.register(Eigenvector, identity="dv = (λI − A)⁺ dA v, (λI − A)⁺ = (λI − A + v vᵀ)⁻¹ − v vᵀ", source=SOURCE)
def d_eigenvector(d, e):
    da = d(e.arg)
    if E.is_zero(da):
        return E.zero_like(e)
    simple(d, e)
    a, symmetric = symmetric_part(e.arg)
    if not symmetric:
        da = E.product(E.Num(E.Fraction(1, 2)), E.Add(da, E.Transpose(da)))
    v, lam = e, Eigenvalue(e.arg, e.k)
    vvT = E.Mul(v, E.Transpose(v))
    shifted = E.Inverse(E.Add(E.product(lam, E.Identity(a.shape[0])), E.negate(a), vvT))
    return E.product(E.Add(shifted, E.negate(vvT)), da, v)


# λₖ and vₖ are those of the symmetric part, which Aᵀ shares with A
@rewrite(Eigenvalue, "λₖ(Aᵀ) = λₖ(A)", arg=(E.Transpose,))
def eigenvalue_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return Eigenvalue(e.arg.arg, e.k)


@rewrite(Eigenvector, "vₖ(Aᵀ) = vₖ(A)", arg=(E.Transpose,))
def eigenvector_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return Eigenvector(e.arg.arg, e.k)


# λ and v are not linear in A: the differential never passes through them.
ADJOINT.register(Eigenvalue, Eigenvector)(no_adjoint)
VEC.register(Eigenvalue, Eigenvector)(no_vec)


# ---- evaluation (numeric.EVAL, by name: NumPy is loaded by the check only) -----------------------
def eigh_symmetric(a):
    """Eigenvalues (ascending) and eigenvectors of (a + aᵀ)/2, NaN where LAPACK fails."""
    import numpy as np
    try:
        return np.linalg.eigh((a + a.T) / 2)
    except np.linalg.LinAlgError:
        n = a.shape[0]
        return np.full(n, np.nan), np.full((n, n), np.nan)


def position(k, n):
    """The column of the k-th largest (k > 0) or the −k-th smallest (k < 0) in eigh's ascending order."""
    return n - k if k > 0 else -k - 1


@register("evaluate", Eigenvalue)
def ev_eigenvalue(e, ev):
    import numpy as np
    a = ev(e.arg)
    i = position(e.k, a.shape[0])
    if not (0 <= i < a.shape[0]) or not np.all(np.isfinite(a)):
        return np.array([[np.nan]])
    return np.array([[eigh_symmetric(a)[0][i]]])


@register("evaluate", Eigenvector)
def ev_eigenvector(e, ev):
    import numpy as np
    a = ev(e.arg)
    i = position(e.k, a.shape[0])
    if not (0 <= i < a.shape[0]) or not np.all(np.isfinite(a)):
        return np.full((a.shape[0], 1), np.nan)
    u = eigh_symmetric(a)[1][:, [i]]
    return u * np.sign(u[np.argmax(np.abs(u)), 0])


def gap(e, a):
    """λₖ's distance to the nearest other eigenvalue, relative to the spectrum's size (the check skips a
    point where it is tiny: finite differences there measure the crossing, not the derivative)."""
    import numpy as np
    w = eigh_symmetric(a)[0]
    i = position(e.k, len(w))
    if len(w) < 2 or not (0 <= i < len(w)):
        return 1.0
    others = np.delete(w, i)
    return float(np.min(np.abs(others - w[i])) / max(float(np.max(np.abs(w))), 1e-300))


Eigenvalue.spectral_gap = Eigenvector.spectral_gap = staticmethod(gap)


# ---- reading: lambda_max(A), λ_max(A), \lambda_{\max}(A), eigmax(A) (Julia); λ_2(A) the 2nd largest -----
def _builder(k, node):
    return matrix_function(lambda a: node(a, k), (lambda a: a) if node is Eigenvalue else (lambda a: E.ONE))


for _k, _word in ((1, "max"), (-1, "min")):
    BUILT[f"lambda_{_word}"] = (1, _builder(_k, Eigenvalue))
    BUILT[f"v_{_word}"] = (1, _builder(_k, Eigenvector))
    CALL_KINDS[f"lambda_{_word}"] = lambda k, arg: "S"
    CALL_KINDS[f"v_{_word}"] = lambda k, arg: "V"


def ordinal(k):
    return f"the {k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _indexed(node, letter):
    def rule(b, n, index, a):
        b.note(f"{letter}_{index}(…) is read in decreasing order, λ_1 = λ_max ≥ λ_2 ≥ …: {ordinal(index)} "
               f"largest eigenvalue{'' if node is Eigenvalue else ', its unit eigenvector'}")
        return _builder(index, node)(b, n, a)
    return rule


INDEXED["lambda"] = _indexed(Eigenvalue, "λ")
INDEXED["v"] = _indexed(Eigenvector, "v")
CALL_KINDS["lambda_k"] = lambda k, arg: "S"
CALL_KINDS["v_k"] = lambda k, arg: "V"


# ---- printers: lambda_max(A), v_2(A); λ_max(A) in Unicode; \lambda_{\max}(A) in LaTeX -----------------
@TEXT.register(Eigenvalue, Eigenvector)
def t_spectral(e, memo):
    from ..printers.text import to_text_memo
    letter = "lambda" if isinstance(e, Eigenvalue) else "v"
    return f"{letter}_{index_name(e.k)}({to_text_memo(e.arg, memo)})", ATOM


@register("unicode", Eigenvalue, Eigenvector, identity="λ_max(A), v_max(A)")
def u_spectral(e, memo):
    text, level = t_spectral(e, memo)
    return text.replace("lambda_", "λ_", 1), level


@LATEX.register(Eigenvalue, Eigenvector)
def l_spectral(printer, e):
    letter = r"\lambda" if isinstance(e, Eigenvalue) else "v"
    sub = {1: r"\max", -1: r"\min"}.get(e.k, str(e.k))
    return rf"{letter}_{{{sub}}}" + printer.arg(e.arg), ATOM


# ---- generated code: the prelude's _eigval / _eigvec (eigh of the symmetric part), by name ----------
@register("code", Eigenvalue, identity="λₖ(A) = eigvalsh((A + Aᵀ)/2)[n − k]")
def code_eigenvalue(g, e):
    return f"_eigval({g.code(e.arg)}, {e.k})"


@register("code", Eigenvector, identity="vₖ(A) = eigh((A + Aᵀ)/2) column n − k, its largest entry positive")
def code_eigenvector(g, e):
    return f"_eigvec({g.code(e.arg)}, {e.k})"


@register("to_sympy", Eigenvalue, Eigenvector)
def c_spectral(c, e):
    c.unsupported(e, "SymPy has no eigenvalue or eigenvector of a matrix expression")
