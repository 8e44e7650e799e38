"""The size of a dimension used as a number: the n of `1/n ||X w - y||^2` when X is n×p, the d of
`q^T k / sqrt(d)`, the N of `N/2 log(2π σ²)`. A scalar naming a dimension symbol: its differential is
zero, it evaluates to the size the dimension has (in the numerical check, in `at`), generated code
reads it off the shape of an argument with that dimension (`X.shape[0]`), and SymPy sees a positive
integer symbol. When the parser reads a letter as a size is parse/sizes.py's business.
"""
from .. import expr as E
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..parse.sizes import NODE
from ..printers.latex import LATEX
from ..printers.text import ATOM, TEXT
from ..simplify.products import COUNT
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class Size(E.Expr):
    """Size(d): the number of entries along the dimension d (a symbol such as "n", or an int)."""
    __slots__ = ()
    fields = ("dim",)
    positive_values = True      # a size is ≥ 1 (elementwise.is_positive: log n needs no condition)

    @classmethod
    def shape_of(cls, dim):
        return (1, 1)

    @property
    def named_dims(self):
        """The dimension symbols a node names outside its shape (sampling, codegen, `at` read them)."""
        return (self.dim,) if isinstance(self.dim, str) else ()

    def map_dims(self, dim):
        """This node with its dimension resolved by `dim` (parse/dims.py's rebuild)."""
        return Size(dim(self.dim))


NODE["size"] = Size     # parse/sizes.py builds it where a letter names a dimension
COUNT["of"] = lambda d: E.Num(d) if isinstance(d, int) else Size(d)     # 1ᵀ1 = n (simplify/products.py)


@DIFF.register(Size, identity="d n = 0 (a size is a constant)")
def d_size(d, e):
    return E.ZERO


# a constant: the differential never passes through it
ADJOINT.register(Size)(no_adjoint)
VEC.register(Size)(no_vec)


@register("evaluate", Size)   # numeric.EVAL: the sampled (or the values') size of the dimension
def ev_size(e, ev):
    import numpy as np
    from ..numeric import dim_size
    return np.array([[float(dim_size(e.dim, ev.sizes))]])


# ---- printers: the letter itself, which parses back as the size where it names a dimension -------
@TEXT.register(Size)
def t_size(e, memo):
    return str(e.dim), ATOM


@LATEX.register(Size)
def l_size(printer, e):
    from ..printers.latex import latex_name
    return (latex_name(e.dim) if isinstance(e.dim, str) else str(e.dim)), ATOM


# ---- generated code: the size read off an argument's shape, or a keyword argument (codegen/emit.py) -
@register("code", Size, identity="n = X.shape[0] for an argument X with n rows")
def code_size(g, e):
    return g.size(e.dim)


# ---- SymPy: a positive integer symbol, the one SymPy's MatrixSymbol dimensions use --------------------
@register("to_sympy", Size)
def c_size(c, e):
    return c.dim(e.dim)
