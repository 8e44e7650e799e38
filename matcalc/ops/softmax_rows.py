"""Row-wise softmax and logsumexp of a matrix (rows are samples, the ML convention): the nodes and
their rows in every table, each registered by table name so this file imports neither NumPy nor a
printer.

    softmax_rows(Z)   = exp(Z) ./ ((exp(Z) 1) 1ᵀ)      each row of Z → its softmax (n×c → n×c)
    logsumexp_rows(Z) = log(exp(Z) 1)                  each row of Z → its logsumexp (n×c → n×1)

`softmax(Z)` and `logsumexp(Z)` of a matrix read as these (a parse note says so); the column-wise
spellings `softmax_cols(Z)` and `logsumexp_cols(Z)` are the transposes, softmax_rows(Zᵀ)ᵀ and
logsumexp_rows(Zᵀ), built by the parser (no node of their own).
"""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..errors import ShapeError
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


def _matrix(op, shape):
    """A matrix or a row; a column vector has one entry per row (softmax_rows would be all ones), so it
    is refused with the vector spelling."""
    if shape[1] == 1:
        name = op.split("_")[0]
        raise ShapeError(f"{op} needs a matrix (each row a sample), got {S.fmt_shape(shape)}; "
                         f"for the {name} of a column vector write {name}(…)")
    return shape


class SoftmaxRows(E.Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        return _matrix("softmax_rows", arg.shape)


class LogSumExpRows(E.Expr):
    __slots__ = ()
    fields = ("arg",)

    @classmethod
    def shape_of(cls, arg):
        return (_matrix("logsumexp_rows", arg.shape)[0], 1)


def ones(c):
    """The column 1 and the row 1ᵀ of length c, as the parser writes `1` and `1^T`."""
    return E.Ones((c, 1)), E.Ones((1, c))


@DIFF.register(SoftmaxRows, identity="d softmax_rows(Z) = S ⊙ (dZ − ((S ⊙ dZ) 1) 1ᵀ), S = softmax_rows(Z)")
def d_softmax_rows(d, e):
    """Each row s of S has d s = (diag(s) − s sᵀ) dz = s ⊙ dz − s (sᵀ dz); stacked, (S ⊙ dZ) 1 holds the sᵀ dz."""
    dz = d(e.arg)
    if E.is_zero(dz):
        return E.zero_like(e)
    one, one_t = ones(e.shape[1])
    return E.Hadamard(e, E.Add(dz, E.negate(E.product(E.Hadamard(e, dz), one, one_t))))


@DIFF.register(LogSumExpRows, identity="d logsumexp_rows(Z) = (softmax_rows(Z) ⊙ dZ) 1")
def d_logsumexp_rows(d, e):
    dz = d(e.arg)
    if E.is_zero(dz):
        return E.zero_like(e)
    return E.product(E.Hadamard(SoftmaxRows(e.arg), dz), ones(e.arg.shape[1])[0])


# Neither is linear: the differential never passes through them, so neither table has a rule.
ADJOINT.register(SoftmaxRows, LogSumExpRows)(no_adjoint)
VEC.register(SoftmaxRows, LogSumExpRows)(no_vec)


# ---- values (numeric.EVAL) --------------------------------------------------------------------
@register("evaluate", SoftmaxRows)
def ev_softmax_rows(e, ev):
    """Max-shifted per row, as the NumPy prelude of generated code."""
    import numpy as np
    z = ev(e.arg)
    w = np.exp(z - z.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)


@register("evaluate", LogSumExpRows)
def ev_logsumexp_rows(e, ev):
    import numpy as np
    z = ev(e.arg)
    m = z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))


# ---- text and LaTeX: the explicit row-wise names, which read back as the same node ---------------
NAMES = {SoftmaxRows: "softmax_rows", LogSumExpRows: "logsumexp_rows"}


@register("text", SoftmaxRows, LogSumExpRows)
def t_rows(e, memo):
    from ..printers.text import ATOM, to_text_memo
    return f"{NAMES[type(e)]}({to_text_memo(e.arg, memo)})", ATOM


@register("latex", SoftmaxRows, LogSumExpRows)
def l_rows(printer, e):
    """\\operatorname{softmax}_{\\text{row}}(Z): the parser of LaTeX reads the subscript back as the row-wise op."""
    from ..printers.text import ATOM
    name = NAMES[type(e)].split("_")[0]
    return rf"\operatorname{{{name}}}_{{\text{{row}}}}" + printer.arg(e.arg), ATOM


# ---- code: max-subtracted per row in every target; vectors are 1-D there -------------------------
CODE = {
    SoftmaxRows: {"numpy": "_softmax_rows({0})", "jax": "jax.nn.softmax({0}, axis=1)",
                  "torch": "torch.softmax({0}, 1)"},
    LogSumExpRows: {"numpy": "_logsumexp_rows({0})", "jax": "jax.scipy.special.logsumexp({0}, axis=1)",
                    "torch": "torch.logsumexp({0}, 1)"},
}


@register("code", SoftmaxRows, identity="softmax_rows(Z) = e^{Z − m 1ᵀ} / row sums, m the row maxima")
def code_softmax_rows(g, e):
    if g.target.fused_softmax and LogSumExpRows(e.arg) in g.uses:
        return fused_rows(g, e.arg)[1]
    return CODE[SoftmaxRows][g.target.name].format(g.code(e.arg))


@register("code", LogSumExpRows, identity="logsumexp_rows(Z) = m + log Σ_j e^{Z − m 1ᵀ}, m the row maxima")
def code_logsumexp_rows(g, e):
    if g.target.fused_softmax and SoftmaxRows(e.arg) in g.uses:
        return fused_rows(g, e.arg)[0]
    return CODE[LogSumExpRows][g.target.name].format(g.code(e.arg))


def fused_rows(g, z):
    """logsumexp_rows(Z) and softmax_rows(Z) from one exp (a loss and its gradient: the NumPy prelude's helper)."""
    return g.fused(f"_logsumexp_softmax_rows({g.code(z)})", LogSumExpRows(z), SoftmaxRows(z))


# ---- SymPy: by the definitions (definitions=True), else refused as softmax is ---------------------
def _exp_rows(conv, e):
    sp = conv.sp
    ex = conv.elementwise(sp.exp, conv.matrix(e.arg))
    r, c = conv.dims(e.arg.shape)
    return ex, sp.MatMul(ex, sp.OneMatrix(c, 1)), r, c


@register("to_sympy", SoftmaxRows)
def c_softmax_rows(conv, e):
    if not conv.definitions:
        conv.unsupported(e, "SymPy has no softmax (to_sympy(..., definitions=True) writes it as "
                            "exp(Z) ⊙ 1/((exp(Z) 1) 1ᵀ))")
    sp = conv.sp
    ex, sums, r, c = _exp_rows(conv, e)
    return sp.HadamardProduct(ex, sp.HadamardPower(sp.MatMul(sums, sp.OneMatrix(1, c)), -1))


@register("to_sympy", LogSumExpRows)
def c_logsumexp_rows(conv, e):
    if not conv.definitions:
        conv.unsupported(e, "SymPy has no logsumexp (to_sympy(..., definitions=True) writes it as "
                            "log(exp(Z) 1))")
    return conv.elementwise(conv.sp.log, _exp_rows(conv, e)[1])


# ---- reading: softmax(Z) and logsumexp(Z) of a matrix (or a row) are row-wise, rows being samples (the ML
# convention: softmax(X W), attention), stated in a note; of a column vector they stay the vector ops
from ..parse.calls import BUILT, matrix_function        # noqa: E402
from ..parse.kinds import CALL_KINDS                    # noqa: E402
from ..printers.text import SHORT_NAMES                 # noqa: E402
from .logsumexp import LogSumExp                        # noqa: E402
from .softmax import Softmax                            # noqa: E402


def by_rows(name, vector_node, rows_node):
    """The builder of softmax / logsumexp: the vector op of a column vector, the row-wise op otherwise."""
    vector = matrix_function(vector_node, None)

    def build(b, n, a):
        if a.shape[1] == 1:
            return vector(b, n, a)
        b.notes.append(f"{name}(…) of a matrix is row-wise (each row is a sample): {name}_rows(…); "
                       f"for columns write {name}_cols(…)")
        return b.at(n, rows_node, a)
    return build


BUILT.update({
    "softmax": (1, by_rows("softmax", Softmax, SoftmaxRows)),
    "logsumexp": (1, by_rows("logsumexp", LogSumExp, LogSumExpRows)),
    "softmax_rows": (1, lambda b, n, a: b.at(n, SoftmaxRows, a)),
    "logsumexp_rows": (1, lambda b, n, a: b.at(n, LogSumExpRows, a)),
    "softmax_cols": (1, lambda b, n, a: E.Transpose(b.at(n, SoftmaxRows, E.Transpose(a)))),
    "logsumexp_cols": (1, lambda b, n, a: b.at(n, LogSumExpRows, E.Transpose(a))),
})
CALL_KINDS.update({
    "logsumexp": lambda k, arg: "V" if k.force(arg) == "M" else "S",     # one per row of a matrix
    "softmax_rows": lambda k, arg: "M", "softmax_cols": lambda k, arg: "M",
    "logsumexp_rows": lambda k, arg: "V", "logsumexp_cols": lambda k, arg: "V",
})
SHORT_NAMES[SoftmaxRows] = "S"



def onehot_hint(f, derivative):
    """A note when a derivative keeps the row sums Y 1 of an undeclared label matrix beside a row-wise
    softmax (−sum(Y ⊙ log softmax(X W)) gives Xᵀ((Y 1 1ᵀ) ⊙ S − Y)): declared onehot, Y 1 = 1 and the
    answer is the textbook's Xᵀ(S − Y). Correct either way, so a note, not a guess."""
    if not any(isinstance(n, (SoftmaxRows, LogSumExpRows)) for n in E.nodes(f)):
        return []
    from ..shapes import fmt_dim
    labels = sorted({(a.name, f"{fmt_dim(a.shape[0])} x {fmt_dim(a.shape[1])}") for n in E.nodes(derivative)
                     if isinstance(n, E.Mul)
                     for a, b in zip(n.factors, n.factors[1:])
                     if isinstance(a, E.Var) and 1 not in a.shape and "onehot" not in a.props
                     and isinstance(b, E.Ones) and b.shape[1] == 1})
    return [f"{y} 1 are the row sums of {y}: if each row of {y} is a one-hot label, declare it ('{y}: {dims} "
            f"onehot'), so that {y} 1 = 1 shortens the answer" for y, dims in labels]
