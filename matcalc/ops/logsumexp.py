"""logsumexp(u) = log 1ᵀeᵘ for a column vector u: the node and its rows in every core table."""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .softmax import Softmax


class LogSumExp(E.Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        S.vector("logsumexp", arg.shape)
        return S.SCALAR


@DIFF.register(LogSumExp, identity="d logsumexp(u) = softmax(u)ᵀ du")
def d_logsumexp(d, e):
    du = d(e.arg)
    return E.zero_like(e) if E.is_zero(du) else E.Mul(E.Transpose(Softmax(e.arg)), du)


# logsumexp is not linear: the differential never passes through it, so neither table has a rule.
ADJOINT.register(LogSumExp)(no_adjoint)
VEC.register(LogSumExp)(no_vec)


@register("evaluate", LogSumExp)   # numeric.EVAL, without importing NumPy here
def ev_logsumexp(e, ev):
    """numeric._logsumexp (max-shifted), a 1×1 array."""
    from ..numeric import _logsumexp
    return _logsumexp(ev(e.arg))


# Rows for the tables that do not exist yet (text, LaTeX, code, SymPy); today those find the node by
# its class name. The lead wires these when the printer and codegen tables land.
PRINTER_HOOKS = {
    "text": "logsumexp",                                    # printers/text.py FUNC_NAMES[E.LogSumExp]
    "latex": r"\operatorname{logsumexp}",                   # printers/latex.py l_logsumexp
    "code": {"numpy": "_logsumexp({0})", "jax": "jax.scipy.special.logsumexp({0})",
             "torch": "torch.logsumexp({0}, 0)"},
    "sympy": "log(1ᵀ exp(u)) with definitions=True, else refused",   # sympy_bridge.py c_LogSumExp
}
