"""softmax(u) = eᵘ / 1ᵀeᵘ for a column vector u: the node and its rows in every core table."""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..parse.calls import BUILT, matrix_function
from ..parse.kinds import CALL_KINDS
from ..printers.latex import LATEX
from ..printers.text import ATOM, FUNC_NAMES, SHORT_NAMES, TEXT, t_func
from ..simplify.textbook import SOFTMAX_NODE
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class Softmax(E.Expr):
    __slots__ = ()
    fields = ("arg",)
    positive_values = True   # every entry of softmax(u) is in (0, 1) (elementwise.is_positive)
    of_scalar = staticmethod(lambda a: E.ONE)   # softmax of a 1×1 argument is 1 (codegen/plan.py)

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


# ---- reading: softmax(u) is a vector of u's kind; the grammar's FUNC and vocabulary.FUNCTIONS name it
BUILT["softmax"] = (1, matrix_function(Softmax, None))
CALL_KINDS["softmax"] = lambda k, arg: k.force(arg)


# ---- printers: name(argument), and `s` when a reader would name it (diag(s) − s sᵀ where s = softmax(x))
FUNC_NAMES[Softmax] = "softmax"
SHORT_NAMES[Softmax] = "s"
TEXT.register(Softmax)(t_func)


@LATEX.register(Softmax)
def l_softmax(printer, e):
    return r"\operatorname{softmax}" + printer.arg(e.arg), ATOM


# ---- generated code (codegen/rules.py CODE, by name: codegen is not loaded by a derivation) ------
CODE = {"numpy": "_softmax({0})", "jax": "jax.nn.softmax({0})", "torch": "torch.softmax({0}, 0)"}


@register("code", Softmax, identity="softmax(u) = eᵘ⁻ᵐ / Σ eᵘ⁻ᵐ, with logsumexp(u) from the same exp (NumPy)")
def code_softmax(g, e):
    if g.target.fused_softmax and E.LogSumExp(e.arg) in g.uses:   # (the node registry: no import cycle)
        return fused_pair(g, e.arg)[1]
    return CODE[g.target.name].format(g.code(e.arg))


def fused_pair(g, u):
    """logsumexp(u) and softmax(u) from one max, one exp and one sum (the NumPy prelude's helper)."""
    return g.fused(f"_logsumexp_softmax({g.code(u)})", E.LogSumExp(u), Softmax(u))


# ---- SymPy (sympy_bridge TO_SYMPY, by name: SymPy is not loaded by a derivation) -----------------
def exp_sum(c, e):
    """eᵘ and 1ᵀeᵘ as SymPy expressions, for the converter `c`."""
    sp = c.sp
    ex = c.elementwise(sp.exp, c.matrix(e.arg))
    n = c.dim(e.arg.shape[0])
    return ex, sp.Trace(sp.MatMul(sp.OneMatrix(1, n), ex))


@register("to_sympy", Softmax)
def c_softmax(c, e):
    if not c.definitions:
        c.unsupported(e, "SymPy has no softmax (to_sympy(..., definitions=True) writes it as "
                         "exp(x) / sum(exp(x)))")
    ex, total = exp_sum(c, e)
    return c.sp.MatMul(c.sp.Pow(total, -1), ex)


# ---- the simplifier: eᵘ / sum(eᵘ) is read back as softmax(u) (simplify/textbook.py's mul_softmax) -------
SOFTMAX_NODE[0] = Softmax
