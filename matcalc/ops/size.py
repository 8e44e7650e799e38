"""size(n): a dimension as a number (the n of an n-vector), the divisor of means and variances.

A name such as `n` in `1/n` is a scalar variable of its own (parse/conventions.py): the numerical
check samples it like any other scalar. `mean(x)` needs the true length of x, whatever it is, so the
parser writes it as sum(x) / size(n) with n the dimension of x: the check evaluates size(n) to the
size it sampled for n, and generated code reads it from an argument's shape. A dimension that is a
number is that number (size(3) is the constant 3).
"""
from .. import expr as E
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class Size(E.Expr):
    __slots__ = ()
    fields = ("dim",)

    def __new__(cls, dim):
        if isinstance(dim, int):
            return E.Num(dim)
        return super().__new__(cls, dim)

    @classmethod
    def shape_of(cls, dim):
        return (1, 1)


@DIFF.register(Size, identity="d size(n) = 0: a dimension is a constant")
def d_size(d, e):
    return E.ZERO


# A constant: no differential passes through it.
ADJOINT.register(Size)(no_adjoint)
VEC.register(Size)(no_vec)


@register("evaluate", Size)
def ev_size(e, ev):
    """The size the check sampled for the dimension."""
    import numpy as np

    from ..numeric import dim_size
    return np.array([[float(dim_size(e.dim, ev.sizes))]])


def _name(d):
    from ..shapes import fmt_dim
    return fmt_dim(d)


@register("text", Size)
def t_size(e, memo):
    from ..printers.text import ATOM
    return f"size({_name(e.dim)})", ATOM


@register("latex", Size)
def l_size(printer, e):
    """\\operatorname{size}(n): a bare n would read back as a scalar named n, not the dimension."""
    from ..printers.latex import latex_name
    from ..printers.text import ATOM
    return rf"\operatorname{{size}}\mathopen{{}}\left({latex_name(_name(e.dim))}\right)\mathclose{{}}", ATOM


@register("code", Size, identity="size(n): the dimension read from an argument's shape")
def code_size(g, e):
    return g.size(e.dim)


@register("to_sympy", Size)
def c_size(conv, e):
    return conv.dim(e.dim)
