"""The second Fréchet derivative L²_f(X, E, F) = d/dt L_f(X + tF, E) at t = 0 and its Kronecker form
K²_f(X, E) (vec L²_f(X, E, F) = K²_f(X, E) vec F): what a Hessian through a matrix function needs.

    d L_f(X, E) = L²_f(X, E, dX) + L_f(X, dE)       (Higham & Relton, SIAM J. Matrix Anal. Appl. 35 (2014))

L²_f is symmetric in E and F, and for f with a real power series its adjoint in either direction is
⟨W, L²_f(X, A, L)⟩ = ⟨L²_f(Xᵀ, W, Aᵀ), L⟩ (differentiate ⟨W, L_f(X + tF, E)⟩ = ⟨L_f(Xᵀ + tFᵀ, W), E⟩).
Values: the 4×4 block identity f([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]]), whose upper
right block is L²_f(X, E, F), or for symmetric X the second-order Daleckii–Krein formula with the second
divided differences f[λᵢ, λₖ, λⱼ]. Third derivatives are refused.
"""
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF, linear_factor
from ..errors import DiffError, ShapeError
from ..parse.calls import BUILT
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX, num_latex
from ..printers.text import ATOM, TEXT, to_text_memo
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .frechet import Frechet
from .matrix_functions import NODES, function_of

RELTON = "Higham & Relton, Higher order Fréchet derivatives of matrix functions (2014)"
ADJOINT2 = "⟨W, L²_f(X, A, E)⟩ = ⟨L²_f(Xᵀ, W, Aᵀ), E⟩: the adjoint of the second Fréchet derivative"
KRON2 = "vec L²_f(X, A, E) = K²_f(X, A) vec E"


class Frechet2(E.Expr):
    """L²_f(X, E, F) for the matrix function named fn (p: the exponent of powm, else None)."""
    __slots__ = ()
    fields = ("fn", "p", "arg", "dir", "dir2")

    @classmethod
    def shape_of(cls, fn, p, arg, dir, dir2):
        S.square(f"the second Fréchet derivative of {fn}", arg.shape)
        return S.elementwise(f"the second Fréchet derivative of {fn}", [arg.shape, dir.shape, dir2.shape])


class KronForm2(E.Expr):
    """K²_f(X, E): vec L²_f(X, E, F) = K²_f(X, E) vec F."""
    __slots__ = ()
    fields = ("fn", "p", "arg", "dir")

    @classmethod
    def shape_of(cls, fn, p, arg, dir):
        n = S.square(f"the Kronecker form of the second Fréchet derivative of {fn}", arg.shape)
        S.elementwise(f"the second Fréchet derivative of {fn}", [arg.shape, dir.shape])
        nn = S.mul_dims(n, n)
        return (nn, nn)


@DIFF.register(Frechet, identity="d L_f(X, E) = L²_f(X, E, dX) + L_f(X, dE)", source=RELTON)
def d_frechet(d, e):
    terms = []
    if d.wrt in e.arg.free:
        dx = d(e.arg)
        if not E.is_zero(dx):
            terms.append(Frechet2(e.fn, e.p, e.arg, e.dir, dx))
    de = d(e.dir)
    if not E.is_zero(de):
        terms.append(Frechet(e.fn, e.p, e.arg, de))
    return E.zero_like(e) if not terms else terms[0] if len(terms) == 1 else E.Add(*terms)


def _third(e):
    return DiffError(f"the third derivative of {e.fn} (the derivative of its second Fréchet derivative in its point) "
                     "is not available")


@DIFF.register(Frechet2, identity="d L²_f(X, E, F) = L²_f(X, dE, F) + L²_f(X, E, dF) for X constant", source=RELTON)
def d_frechet2(d, e):
    if d.wrt in e.arg.free:
        raise _third(e)
    terms = [Frechet2(e.fn, e.p, e.arg, de, e.dir2) for de in [d(e.dir)] if not E.is_zero(de)]
    terms += [Frechet2(e.fn, e.p, e.arg, e.dir, df) for df in [d(e.dir2)] if not E.is_zero(df)]
    return E.zero_like(e) if not terms else terms[0] if len(terms) == 1 else E.Add(*terms)


@DIFF.register(KronForm2)
def d_kron_form2(d, e):
    raise _third(e)


@ADJOINT.register(Frechet2, identity=ADJOINT2, source=RELTON)
def adj_frechet2(L, W):
    """The differential is in one direction (L²_f is symmetric in them): the other is A."""
    k = linear_factor([L.arg, L.dir, L.dir2])
    if k == 0:
        raise DiffError(f"internal error: the point of {L} holds the differential")
    held, other = (L.dir, L.dir2) if k == 1 else (L.dir2, L.dir)
    return [(ADJOINT2, held, Frechet2(L.fn, L.p, E.Transpose(L.arg), W, E.Transpose(other)))]


@VEC.register(Frechet2, identity=KRON2, source=RELTON)
def vec_frechet2(L):
    k = linear_factor([L.arg, L.dir, L.dir2])
    if k == 0:
        raise DiffError(f"internal error: the point of {L} holds the differential")
    held, other = (L.dir, L.dir2) if k == 1 else (L.dir2, L.dir)
    return [(KRON2, KronForm2(L.fn, L.p, L.arg, other), held)]


# K²_f(X, E) holds no differential: neither the adjoint nor the vec pass goes through it.
ADJOINT.register(KronForm2)(no_adjoint)
VEC.register(KronForm2)(no_vec)


@register("evaluate", Frechet2)
def ev_frechet2(e, ev):
    from .matrix_function_values import frechet2_value
    return frechet2_value(e.fn, e.p, ev(e.arg), ev(e.dir), ev(e.dir2))


@register("evaluate", KronForm2)
def ev_kron_form2(e, ev):
    from .matrix_function_values import kron2_value
    return kron2_value(e.fn, e.p, ev(e.arg), ev(e.dir))


# ---- reading and printing: expm_frechet2(X, E, F), powm_frechet2(X, p, E, F); expm_kron2(X, E), powm_kron2(X, p, E)
def _parts(n, name, fn, x, rest):
    """(p, the directions) of the arguments after X: powm's exponent first."""
    if fn == "powm":
        p, *rest = rest
        if not isinstance(p, E.Num):
            raise ShapeError(f"{name} needs a number p", n.start, end=n.end)
        f = function_of(fn, p.value, x)
        if not isinstance(f, tuple(NODES.values())):
            raise ShapeError(f"{name} needs a power that is not an integer, got {p}", n.start, end=n.end)
        return f.p, rest
    return None, rest


def build(fn, node):
    name = f"{fn}_{'frechet2' if node is Frechet2 else 'kron2'}"

    def rule(b, n, x, *rest):
        p, dirs = _parts(n, name, fn, x, rest)
        return b.at(n, node, fn, p, x, *dirs)
    return name, ((1 if fn == "powm" else 0) + (3 if node is Frechet2 else 2), rule)


for _fn in NODES:
    for _node in (Frechet2, KronForm2):
        _name, _entry = build(_fn, _node)
        BUILT[_name] = _entry
        CALL_KINDS[_name] = lambda k, arg: "M"


def _p_text(e):
    return [f"{e.p.numerator}/{e.p.denominator}"] if e.fn == "powm" else []


@TEXT.register(Frechet2, KronForm2)
def t_second(e, memo):
    suffix = "frechet2" if isinstance(e, Frechet2) else "kron2"
    dirs = [e.dir, e.dir2] if isinstance(e, Frechet2) else [e.dir]
    args = [to_text_memo(e.arg, memo), *_p_text(e), *(to_text_memo(d, memo) for d in dirs)]
    return f"{e.fn}_{suffix}({', '.join(args)})", ATOM


@LATEX.register(Frechet2, KronForm2)
def l_second(printer, e):
    """\\operatorname{expm\\_frechet2}(X, E, F) and \\operatorname{expm\\_kron2}(X, E), as the text."""
    letter = "L" if isinstance(e, Frechet2) else "K"
    dirs = [e.dir, e.dir2] if isinstance(e, Frechet2) else [e.dir]
    p = [num_latex(Fraction(e.p))] if e.fn == "powm" else []
    inner = ", ".join([printer.p(e.arg)[0], *p, *(printer.p(d)[0] for d in dirs)])
    name = f"{e.fn}\\_{'frechet2' if letter == 'L' else 'kron2'}"
    return rf"\operatorname{{{name}}}\mathopen{{}}\left({inner}\right)\mathclose{{}}", ATOM


@register("to_sympy", Frechet2, KronForm2)
def c_second(c, e):
    c.unsupported(e, f"SymPy has no second Fréchet derivative of {e.fn}")
