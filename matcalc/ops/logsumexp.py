"""logsumexp(u) = log 1ᵀeᵘ for a column vector u: the node and its rows in every core table."""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..parse.calls import BUILT, matrix_function
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, FUNC_NAMES, TEXT, t_func
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .softmax import Softmax, exp_sum, fused_pair


class LogSumExp(E.Expr):
    __slots__ = ()
    fields = ("arg",)
    of_scalar = staticmethod(lambda a: a)   # logsumexp of a 1×1 argument is itself (codegen/plan.py)

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


# ---- reading: logsumexp(u) is a scalar, u a vector; the grammar's FUNC and vocabulary.FUNCTIONS name it
def kind_logsumexp(k, arg):
    k.force(arg)
    return "S"


BUILT["logsumexp"] = (1, matrix_function(LogSumExp, None))
CALL_KINDS["logsumexp"] = kind_logsumexp


# ---- printers ----------------------------------------------------------------------------------
FUNC_NAMES[LogSumExp] = "logsumexp"
TEXT.register(LogSumExp)(t_func)


@LATEX.register(LogSumExp)
def l_logsumexp(printer, e):
    return r"\operatorname{logsumexp}" + printer.arg(e.arg), ATOM


# ---- generated code (codegen/rules.py CODE, by name) -------------------------------------------
CODE = {"numpy": "_logsumexp({0})", "jax": "jax.scipy.special.logsumexp({0})", "torch": "torch.logsumexp({0}, 0)"}


@register("code", LogSumExp,
          identity="logsumexp(u) = m + log Σ eᵘ⁻ᵐ, m = max u, with softmax(u) from the same exp")
def code_logsumexp(g, e):
    if g.target.fused_softmax and Softmax(e.arg) in g.uses:
        return fused_pair(g, e.arg)[0]
    return CODE[g.target.name].format(g.code(e.arg))


# ---- SymPy (sympy_bridge TO_SYMPY, by name) ----------------------------------------------------
@register("to_sympy", LogSumExp)
def c_logsumexp(c, e):
    if not c.definitions:
        c.unsupported(e, "SymPy has no logsumexp (to_sympy(..., definitions=True) writes it as "
                         "log(sum(exp(x))))")
    return c.sp.log(exp_sum(c, e)[1])
