"""softmax(u) = eᵘ / 1ᵀeᵘ for a column vector u: the node and its rows in every core table."""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class Softmax(E.Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.vector("softmax", arg.shape)
        return arg.shape


@DIFF.register(Softmax, identity="d softmax(u) = (diag(s) − s sᵀ) du")
def d_softmax(d, e):
    """d softmax(u) = (diag(s) − s sᵀ) du = s ⊙ du − s (sᵀ du)."""
    du = d(e.arg)
    if E.is_zero(du):
        return E.zero_like(e)
    return E.Add(E.Hadamard(e, du), E.negate(E.product(e, E.Mul(E.Transpose(e), du))))


# softmax is not linear: the differential never passes through it, so neither table has a rule.
ADJOINT.register(Softmax)(no_adjoint)
VEC.register(Softmax)(no_vec)


@register("evaluate", Softmax)   # numeric.EVAL, without importing NumPy here
def ev_softmax(e, ev):
    """numeric._softmax (max-shifted); codegen's NumPy prelude copies its source."""
    from ..numeric import _softmax
    return _softmax(ev(e.arg))


# Rows for the tables that do not exist yet (text, LaTeX, code, SymPy); today those find the node by
# its class name. The lead wires these when the printer and codegen tables land.
PRINTER_HOOKS = {
    "text": "softmax",                                      # printers/text.py FUNC_NAMES[E.Softmax]
    "latex": r"\operatorname{softmax}",                     # printers/latex.py l_softmax
    "code": {"numpy": "_softmax({0})", "jax": "jax.nn.softmax({0})", "torch": "torch.softmax({0}, 0)"},
    "sympy": "exp(u) / (1ᵀ exp(u)) with definitions=True, else refused",   # sympy_bridge.py c_Softmax
}
