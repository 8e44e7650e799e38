"""The Kronecker form K_f(X) of the Fréchet derivative: the n²×n² matrix with

    vec L_f(X, E) = K_f(X) vec E        (Higham, Functions of Matrices (2008), §3.2, eq. (3.17))

It is what a Jacobian through a matrix function needs: vec d f(X) = K_f(X) vec dX, so the Jacobian of
f(X) y is (yᵀ ⊗ I) K_f(X), and the Hessian of tr f(X) is the Jacobian of f′(X)ᵀ. For symmetric X =
U diag(λ) Uᵀ it is (U ⊗ U) diag(vec F) (U ⊗ U)ᵀ with the divided differences F of Daleckii–Krein; in
general its columns are vec L_f(X, Eⱼ) for the unit matrices Eⱼ. Its derivative in X (the second
Fréchet derivative) is not built: a Hessian through tr(A f(X)) is refused.
"""
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..errors import DiffError, ShapeError
from ..parse.calls import BUILT
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX, num_latex
from ..printers.text import ATOM, TEXT, to_text_memo
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .frechet import Frechet
from .matrix_functions import HIGHAM, NODES, function_of

KRON_IDENTITY = "vec L_f(X, E) = K_f(X) vec E, the Kronecker form of the Fréchet derivative"


class KronForm(E.Expr):
    """K_f(X) for the matrix function named fn (p: the exponent of powm, else None)."""
    __slots__ = ()
    fields = ("fn", "p", "arg")

    @classmethod
    def shape_of(cls, fn, p, arg):
        n = S.square(f"the Kronecker form of {fn}", arg.shape)
        nn = S.mul_dims(n, n)
        return (nn, nn)


@VEC.register(Frechet, identity=KRON_IDENTITY, source=f"{HIGHAM}, §3.2")
def vec_frechet(L):
    """vec L_f(X, L) = K_f(X) vec L."""
    if any(isinstance(v, E.Differential) for v in L.arg.free):
        raise DiffError(f"internal error: the point of {L} holds the differential")
    return [(KRON_IDENTITY, KronForm(L.fn, L.p, L.arg), L.dir)]


@DIFF.register(KronForm)
def d_kron_form(d, e):
    raise DiffError(f"the derivative of the Kronecker form of {e.fn} in its point (the second Fréchet derivative) "
                    f"is not available: Hessians through {e.fn} of a matrix that depends on the variable are refused")


# K_f(X) holds no differential: neither the adjoint nor the vec pass goes through it.
ADJOINT.register(KronForm)(no_adjoint)
VEC.register(KronForm)(no_vec)


@register("evaluate", KronForm)
def ev_kron_form(e, ev):
    from .matrix_function_values import kron_form_value
    return kron_form_value(e.fn, e.p, ev(e.arg))


# ---- reading and printing: expm_kron(X), logm_kron(X), sqrtm_kron(X), powm_kron(X, p)
def build_kron_form(fn):
    def build(b, n, x, *p):
        if p and not isinstance(p[0], E.Num):
            raise ShapeError("powm_kron(X, p) needs a number p", n.start, end=n.end)
        f = function_of(fn, p[0].value if p else None, x)
        if not isinstance(f, tuple(NODES.values())):
            raise ShapeError(f"powm_kron needs a power that is not an integer, got {p[0]}", n.start, end=n.end)
        return b.at(n, KronForm, fn, f.p if fn == "powm" else None, x)
    return build


BUILT.update({f"{fn}_kron": (2 if fn == "powm" else 1, build_kron_form(fn)) for fn in NODES})
CALL_KINDS.update({f"{fn}_kron": (lambda k, arg: "M") for fn in NODES})


@TEXT.register(KronForm)
def t_kron_form(e, memo):
    p = [] if e.fn != "powm" else [f"{e.p.numerator}/{e.p.denominator}"]
    return f"{e.fn}_kron({', '.join([to_text_memo(e.arg, memo), *p])})", ATOM


@LATEX.register(KronForm)
def l_kron_form(printer, e):
    """\\operatorname{expm\\_kron}(X), as the text."""
    p = [num_latex(Fraction(e.p))] if e.fn == "powm" else []
    inner = ", ".join([printer.p(e.arg)[0], *p])
    return rf"\operatorname{{{e.fn}\_kron}}\mathopen{{}}\left({inner}\right)\mathclose{{}}", ATOM


@register("to_sympy", KronForm)
def c_kron_form(c, e):
    c.unsupported(e, f"SymPy has no Kronecker form of the Fréchet derivative of {e.fn}")
