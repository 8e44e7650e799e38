"""The Fréchet derivative L_f(X, E) of a matrix function f at X in the direction E: the node that
d f(X) = L_f(X, dX) is, and its rows in every table.

    f(X + E) = f(X) + L_f(X, E) + o(‖E‖)        (Higham, Functions of Matrices (2008), §3.1)

L_f(X, ·) is linear, so a gradient passes through it: for f with a real power series (exp, and the
principal log, √ and x^p on real matrices), ⟨W, L_f(X, E)⟩ = ⟨L_f(Xᵀ, W), E⟩ (the Kronecker form of
L_f(Xᵀ) is the transpose of that of L_f(X), Higham §3.2), hence ∂ tr(A f(X))/∂X = L_f(Xᵀ, Aᵀ).
Closed forms the simplifier uses (ops/matrix_function_identities.py): tr L_f(X, E) = tr(f′(X) E), so
∂ tr f(X)/∂X = f′(X)ᵀ, and L_f(X, I) = f′(X).

How its value is computed (numeric evaluation and generated code): the block identity
f([[X, E], [0, X]]) = [[f(X), L_f(X, E)], [0, f(X)]] for any X (Higham Thm 3.6; SciPy's
expm_frechet for the exponential), the Sylvester equation X^{1/2} L + L X^{1/2} = E for the square
root, and for symmetric X the Daleckii–Krein formula U (F ⊙ (Uᵀ E U)) Uᵀ, X = U diag(λ) Uᵀ, with the
divided differences F_ij = (f(λᵢ) − f(λⱼ))/(λᵢ − λⱼ) (F_ii = f′(λᵢ)) (Higham Thm 3.11).
"""
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..diff import DIFF, is_spd
from ..errors import DiffError
from ..parse.calls import BUILT
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX, num_latex
from ..printers.text import ATOM, TEXT, to_text_memo
from ..tables import register
from .matrix_functions import HIGHAM, MATRIX_FUNCTIONS, NODES, PRINCIPAL, function_of, parts

ADJOINT_IDENTITY = "⟨W, L_f(X, E)⟩ = ⟨L_f(Xᵀ, W), E⟩: the adjoint of the Fréchet derivative"


class Frechet(E.Expr):
    """L_f(X, E) for the matrix function named fn ("expm", "logm", "sqrtm", "powm" with exponent p)."""
    __slots__ = ()
    fields = ("fn", "p", "arg", "dir")

    @classmethod
    def shape_of(cls, fn, p, arg, dir):
        S.square(f"the Fréchet derivative of {fn}", arg.shape)
        return S.elementwise(f"the Fréchet derivative of {fn}", [arg.shape, dir.shape])


def frechet(f, direction):
    """L_f(X, E) for the matrix-function node f = f(X)."""
    fn = _name(f)
    return Frechet(fn, f.p if fn == "powm" else None, f.arg, direction)


def _name(f):
    return next(name for name, node in NODES.items() if isinstance(f, node))


# ---- the differential: the Fréchet derivative -------------------------------------------------
@DIFF.register(*MATRIX_FUNCTIONS, identity="d f(X) = L_f(X, dX), the Fréchet derivative of f at X",
               source=f"{HIGHAM}, §3.1")
def d_matrix_function(d, e):
    fn, p = parts(e)
    if fn != "expm" and not is_spd(e.arg):
        d.note(PRINCIPAL.format(x=e.arg, f={"logm": "logarithm", "sqrtm": "square root"}.get(fn, "power")))
    dx = d(e.arg)
    return E.zero_like(e) if E.is_zero(dx) else Frechet(fn, p, e.arg, dx)



# ---- its own differential, d L_f(X, E) = L²_f(X, E, dX) + L_f(X, dE), is in ops/second_frechet.py, beside
# the node it builds


@ADJOINT.register(Frechet, identity=ADJOINT_IDENTITY, source=f"{HIGHAM}, §3.2")
def adj_frechet(L, W):
    """⟨W, L_f(X, L)⟩ = ⟨L_f(Xᵀ, W), L⟩ (f with a real power series: L_f(X, ·)* = L_f(Xᵀ, ·))."""
    if any(isinstance(v, E.Differential) for v in L.arg.free):
        raise DiffError(f"internal error: the point of {L} holds the differential")
    return [(ADJOINT_IDENTITY, L.dir, Frechet(L.fn, L.p, E.Transpose(L.arg), W))]


# vec L_f(X, E) = K_f(X) vec E: the Kronecker form, a node of its own (ops/kronecker_form.py), holds that row.


# ---- values: SciPy's expm_frechet and solve_sylvester, the block identity, or Daleckii–Krein ------
@register("evaluate", Frechet)
def ev_frechet(e, ev):
    from .matrix_function_values import frechet_value
    return frechet_value(e.fn, e.p, ev(e.arg), ev(e.dir))


# ---- reading and printing: expm_frechet(X, E), logm_frechet(X, E), sqrtm_frechet(X, E),
# powm_frechet(X, p, E) (SciPy's name for the exponential's)
def build_frechet(fn):
    def build(b, n, x, *rest):
        if fn == "powm":
            p, direction = rest
            if not isinstance(p, E.Num):
                from ..errors import ShapeError
                raise ShapeError("powm_frechet(X, p, E) needs a number p", n.start, end=n.end)
            f = function_of("powm", p.value, x)
        else:
            direction, = rest
            f = function_of(fn, None, x)
        if not isinstance(f, tuple(NODES.values())):      # an integer power: its differential is a product
            from ..errors import ShapeError
            raise ShapeError(f"powm_frechet needs a power that is not an integer, got {p}", n.start, end=n.end)
        return b.at(n, frechet, f, direction)
    return build


BUILT.update({f"{fn}_frechet": (3 if fn == "powm" else 2, build_frechet(fn)) for fn in NODES})
CALL_KINDS.update({f"{fn}_frechet": (lambda k, arg: arg) for fn in NODES})


@TEXT.register(Frechet)
def t_frechet(e, memo):
    p = [] if e.fn != "powm" else [f"{e.p.numerator}/{e.p.denominator}"]
    return f"{e.fn}_frechet({', '.join([to_text_memo(e.arg, memo), *p, to_text_memo(e.dir, memo)])})", ATOM


@LATEX.register(Frechet)
def l_frechet(printer, e):
    """\\operatorname{expm\\_frechet}(X, E), as the text (SciPy's name), which the LaTeX reader reads back."""
    p = [num_latex(Fraction(e.p))] if e.fn == "powm" else []
    inner = ", ".join([printer.p(e.arg)[0], *p, printer.p(e.dir)[0]])
    return rf"\operatorname{{{e.fn}\_frechet}}\mathopen{{}}\left({inner}\right)\mathclose{{}}", ATOM


@register("to_sympy", Frechet)
def c_frechet(c, e):
    c.unsupported(e, f"SymPy has no Fréchet derivative of {e.fn}")
