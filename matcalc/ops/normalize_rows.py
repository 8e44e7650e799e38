"""The standard deviation of each row and the row-normalised matrix of layer norm (rows are samples):
nodes of their own so that a derivative through them reads as Ba et al.'s and Ioffe & Szegedy's
backward pass, in terms of the normalised input X̂ and the standard deviation σ, instead of the
mean and variance expanded in sums and ones vectors at every use.

    std_rows:        σ = sqrt(var_rows(X) + ε)                 n×1 for X n×c (ε = 0 when not written)
    normalize_rows:  X̂ = (X − mean_rows(X) 1ᵀ) ./ (s 1ᵀ)       n×c, for any column s (σ in layer norm)

There is no function name to type: the parser reads the spellings above (and the column-wise ones
of batch norm, `(X − 1 mean_cols(X)) ./ (1 sqrt(var_cols(X) + ε))`, as the transposes
normalize_rows(Xᵀ, σᵀ)ᵀ) as these nodes (`recognise`), and the printers write them back in those
spellings, so the text reads back as the same node.

Rules (Ba, Kiros & Hinton 2016 §3; Ioffe & Szegedy 2015 §3, written row-wise):
    dσ = mean_rows(X̂ ⊙ dX) + dε ./ (2σ)                         with X̂ = normalize_rows(X, σ)
    dX̂ = (dX − mean_rows(dX) 1ᵀ − X̂ ⊙ (ds 1ᵀ)) ./ (s 1ᵀ)
so the gradient of tr(Gᵀ X̂) w.r.t. X is (G − mean_rows(G) 1ᵀ − X̂ ⊙ (mean_rows(G ⊙ X̂) 1ᵀ)) ./ (σ 1ᵀ).
"""
from .. import expr as E
from .. import shapes as S
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..errors import ShapeError
from ..parse.statistics import mean_cols, mean_rows, var_cols, var_rows
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec


class Axis:
    """Row-wise (layer norm: each row a sample's features) or column-wise (batch norm: each column a
    feature over the batch); the rules below are written once, for either."""

    def __init__(self, name, mean, var, index):
        self.name, self.mean, self.var, self.index = name, mean, var, index   # index: NumPy's axis

    def spread(self, s, shape):
        """s 1ᵀ (rows) or 1 s (cols): a statistic per row/column spread over the matrix."""
        return E.product(s, E.Ones((1, shape[1]))) if self.index == 1 else E.product(E.Ones((shape[0], 1)), s)

    def stat_shape(self, shape):
        return (shape[0], 1) if self.index == 1 else (1, shape[1])


ROWS = Axis("rows", mean_rows, var_rows, 1)
COLS = Axis("cols", mean_cols, var_cols, 0)


def _matrix_of(op, shape):
    if shape[0] == 1 or shape[1] == 1:
        raise ShapeError(f"{op} needs a matrix (each row a sample), got {S.fmt_shape(shape)}")
    return shape


def root_statistic_shape(cls, arg, eps):
    """The shape of sqrt(statistic(X) + ε) along cls.axis (layer norm's σ, RMS norm's r): ε a scalar,
    X a matrix; cls.stat_name and cls.statistic spell it in the errors."""
    if eps.shape != S.SCALAR:
        raise ShapeError(f"the ε of sqrt({cls.statistic.format(cls.axis.name)} + ε) is a scalar, "
                         f"got {S.fmt_shape(eps.shape)}")
    return cls.axis.stat_shape(_matrix_of(f"{cls.stat_name}_{cls.axis.name}", arg.shape))


class StdRows(E.Expr):
    """σ = sqrt(var_rows(X) + ε): the standard deviation of each row (population, ddof = 0), a column."""
    __slots__ = ()
    fields = ("arg", "eps")
    axis = ROWS
    stat_name, statistic = "std", "var_{}(X)"
    shape_of = classmethod(root_statistic_shape)


class StdCols(StdRows):
    """σ = sqrt(var_cols(X) + ε): the standard deviation of each column, a row (batch norm's)."""
    __slots__ = ()
    axis = COLS


class NormalizeRows(E.Expr):
    """X̂ = (X − mean_rows(X) 1ᵀ) ./ (s 1ᵀ): each row centred, then divided by its entry of the column s."""
    __slots__ = ()
    fields = ("arg", "scale")
    axis = ROWS

    @classmethod
    def shape_of(cls, arg, scale):
        shape = _matrix_of(f"normalize_{cls.axis.name}", arg.shape)
        want, k = cls.axis.stat_shape(shape), 1 - cls.axis.index     # k: the dimension the statistic runs along
        if scale.shape[1 - k] != 1 or not S.same(scale.shape[k], want[k]):
            raise ShapeError(f"normalize_{cls.axis.name} needs a statistic of shape {S.fmt_shape(want)}, "
                             f"got {S.fmt_shape(scale.shape)}")
        return shape


class NormalizeCols(NormalizeRows):
    """X̂ = (X − 1 mean_cols(X)) ./ (1 s): each column centred, then divided by its entry of the row s."""
    __slots__ = ()
    axis = COLS


STD = (StdRows, StdCols)
NORMALIZE = (NormalizeRows, NormalizeCols)


def centred(x, axis):
    """X − mean_rows(X) 1ᵀ or X − 1 mean_cols(X), as the parser builds them."""
    return E.Add(x, E.negate(axis.spread(axis.mean(x), x.shape)))


def over(m, s, axis):
    """M ./ (s 1ᵀ) or M ./ (1 s): each row (column) of M divided by its entry of s."""
    return E.Hadamard(m, E.Pow(axis.spread(s, m.shape), E.Num(-1)))


# ---- differentials --------------------------------------------------------------------------------
@DIFF.register(*STD, identity="d sqrt(var_rows(X) + ε) = mean_rows(X̂ ⊙ dX) + dε ./ (2σ)  (Ba et al. 2016), "
                              "columns alike")
def d_std(d, e):
    """dv = 2 mean_rows((X − μ1ᵀ) ⊙ dX) + dε 1 (the centred rows sum to zero, so dμ drops out), dσ = dv ./ (2σ)."""
    return d_root_mean(d, e, NORMALIZE[e.axis.index == 0])


def d_root_mean(d, e, normalized):
    """ds = mean_rows(X̂ ⊙ dX) + dε ./ (2s) for s = sqrt(mean_rows(Y ⊙ Y) + ε) and X̂ = normalized(X, s) = Y ./ (s 1ᵀ):
    layer norm's σ (Y = X − μ1ᵀ) and RMS norm's r (Y = X, ops/rms_norm.py) differ only in X̂."""
    dx, deps = d(e.arg), d(e.eps)
    terms = []
    if not E.is_zero(dx):
        terms.append(e.axis.mean(E.Hadamard(normalized(e.arg, e), dx)))
    if not E.is_zero(deps):
        terms.append(E.product(E.Num(E.Q_ONE / 2), deps, E.Pow(e, E.Num(-1))))
    return E.Add(*terms) if len(terms) > 1 else terms[0] if terms else E.zero_like(e)


@DIFF.register(*NORMALIZE, identity="d X̂ = (dX − mean_rows(dX) 1ᵀ − X̂ ⊙ (ds 1ᵀ)) ./ (s 1ᵀ)  "
                                    "(Ioffe & Szegedy 2015 §3), columns alike")
def d_normalize(d, e):
    return d_divided(d, e, centred=True)


def d_divided(d, e, centred):
    """dX̂ = (dY − X̂ ⊙ (ds 1ᵀ)) ./ (s 1ᵀ) for X̂ = Y ./ (s 1ᵀ): dY = dX − mean_rows(dX) 1ᵀ for layer norm's
    centred Y, dX for RMS norm's (ops/rms_norm.py)."""
    dx, ds = d(e.arg), d(e.scale)
    axis, terms = e.axis, []
    if not E.is_zero(dx):
        terms += [dx, E.negate(axis.spread(axis.mean(dx), e.shape))] if centred else [dx]
    if not E.is_zero(ds):
        terms.append(E.negate(E.Hadamard(e, axis.spread(ds, e.shape))))
    if not terms:
        return E.zero_like(e)
    return over(E.Add(*terms) if len(terms) > 1 else terms[0], e.scale, axis)


# Neither is linear: the differential never passes through them.
ADJOINT.register(*STD, *NORMALIZE)(no_adjoint)
VEC.register(*STD, *NORMALIZE)(no_vec)


# ---- values (numeric.EVAL): the variance with the mean subtracted, as its definition -------------
@register("evaluate", *STD)
def ev_std(e, ev):
    import numpy as np
    return np.sqrt(np.var(ev(e.arg), axis=e.axis.index, keepdims=True) + ev(e.eps))


@register("evaluate", *NORMALIZE)
def ev_normalize(e, ev):
    x = ev(e.arg)
    return (x - x.mean(axis=e.axis.index, keepdims=True)) / ev(e.scale)


# ---- text and LaTeX: the spellings the parser reads back as these nodes ---------------------------
@register("text", *STD)
def t_std(e, memo):
    from ..printers.text import ATOM, SUM, to_text_memo, wrap
    inner = f"var_{e.axis.name}({to_text_memo(e.arg, memo)})"
    if not E.is_zero(e.eps):
        inner += f" + {wrap(e.eps, SUM + 1, memo)}"
    return f"sqrt({inner})", ATOM


@register("text", *NORMALIZE)
def t_normalize(e, memo):
    from ..printers.text import ELEM, JUXT, wrap
    x, s = wrap(e.arg, ELEM, memo), wrap(e.scale, JUXT, memo)
    if e.axis is ROWS:
        return f"({x} - mean_rows({x}) 1^T) ./ ({s} 1^T)", ELEM
    return f"({x} - 1 mean_cols({x})) ./ (1 {s})", ELEM


@register("latex", *STD)
def l_std(printer, e):
    from ..printers.text import ATOM, SUM
    inner = rf"\operatorname{{var}}_{{\text{{{e.axis.name[:-1]}}}}}{printer.arg(e.arg)}"
    if not E.is_zero(e.eps):
        inner += " + " + printer.wrap(e.eps, SUM + 1)
    return rf"\sqrt{{{inner}}}", ATOM


@register("latex", *NORMALIZE)
def l_normalize(printer, e):
    from ..printers.text import ELEM, JUXT
    x, s = printer.wrap(e.arg, ELEM), printer.wrap(e.scale, JUXT)
    mean = rf"\operatorname{{mean}}_{{\text{{{e.axis.name[:-1]}}}}}{printer.arg(e.arg)}"
    if e.axis is ROWS:
        return rf"\left({x} - {mean} \mathbf{{1}}^{{\top}}\right) \oslash \left({s} \mathbf{{1}}^{{\top}}\right)", ELEM
    return rf"\left({x} - \mathbf{{1}} {mean}\right) \oslash \left(\mathbf{{1}} {s}\right)", ELEM


# ---- code: the variance with the mean subtracted; vectors (rows too) are 1-D ----------------------
STD_CODE = {"numpy": "np.sqrt(np.var({0}, axis={2}) + {1})", "jax": "jnp.sqrt(jnp.var({0}, axis={2}) + {1})",
            "torch": "torch.sqrt(torch.var({0}, {2}, correction=0) + {1})"}
CENTRED = {"numpy": "({0} - {0}.mean(axis={1}, keepdims=True))", "jax": "({0} - jnp.mean({0}, axis={1}, keepdims=True))",
           "torch": "({0} - torch.mean({0}, {1}, keepdim=True))"}


@register("code", *STD, identity="sqrt(var_rows(X) + ε), the variance of the centred rows (columns alike)")
def code_std(g, e):
    eps = "0.0" if E.is_zero(e.eps) else g.code(e.eps)
    return STD_CODE[g.target.name].format(g.code(e.arg), eps, e.axis.index)


@register("code", *NORMALIZE, identity="(X − mean_rows(X) 1ᵀ) ./ (s 1ᵀ) (columns alike)")
def code_normalize(g, e):
    x, s = g.code(e.arg, shared=True), g.code(e.scale, shared=True)
    return f"{CENTRED[g.target.name].format(x, e.axis.index)} / {s + '[:, None]' if e.axis is ROWS else s}"


# ---- SymPy: the definitions ------------------------------------------------------------------------
@register("to_sympy", *STD)
def c_std(c, e):
    v = e.axis.var(e.arg)
    return c.elementwise(c.sp.sqrt, c.matrix(v if E.is_zero(e.eps) else E.Add(v, E.product(e.eps, E.Ones(v.shape)))))


@register("to_sympy", *NORMALIZE)
def c_normalize(c, e):
    return c.matrix(over(centred(e.arg, e.axis), e.scale, e.axis))


# ---- reading: the spellings of layer norm and batch norm become the nodes -------------------------
def _same(a, b):
    from ..simplify import simplify
    return a.shape == b.shape and (a is b or simplify(a) is simplify(b))


def _candidates(t):
    """The X of a var_rows(X) or var_cols(X) as the parser builds it: the first term of a squared sum."""
    for n in E.nodes(t):
        if isinstance(n, E.Pow) and isinstance(n.base, E.Add) and n.exponent == E.Num(2):
            yield n.base.terms[0]


def sqrt_terms(e):
    """(t, ε) for sqrt(t + ε 1) as the parser builds it (ε 0 when not written): each term t the others
    can be the spread scalar ε of (RMS norm's reader, ops/rms_norm.py, takes these too)."""
    if not (isinstance(e, E.Apply) and e.fn == "sqrt"):
        return
    terms = list(e.arg.terms) if isinstance(e.arg, E.Add) else [e.arg]
    for i, t in enumerate(terms):
        rest = terms[:i] + terms[i + 1:]
        eps = [E.ONE if isinstance(f, E.Ones) else f.factors[0] for f in rest if isinstance(f, E.Ones)
               or isinstance(f, E.Mul) and len(f.factors) == 2 and f.factors[0].is_scalar
               and isinstance(f.factors[1], E.Ones)]
        if len(eps) == len(rest):
            yield t, E.Add(*eps) if len(eps) > 1 else eps[0] if eps else E.ZERO


def _std(e):
    """sqrt(var_rows(X) + ε) → StdRows(X, ε); sqrt(var_cols(X) + ε) → StdCols(X, ε)."""
    for t, eps in sqrt_terms(e):
        for x in _candidates(t):
            if x.shape[0] != 1 and x.shape[1] != 1:
                if t.shape[1] == 1 and _same(t, var_rows(x)):
                    return StdRows(x, eps)
                if t.shape[0] == 1 and _same(t, var_cols(x)):
                    return StdCols(x, eps)
    return None


def _scale(d):
    """s 1ᵀ → ("rows", s); 1 r → ("cols", r); else None."""
    if isinstance(d, E.Mul) and len(d.factors) == 2:
        a, b = d.factors
        if a.shape[1] == 1 and b.shape[0] == 1 and _same(b, E.Ones(b.shape)) and a.shape[0] != 1:
            return "rows", a
        if a.shape[1] == 1 and b.shape[0] == 1 and _same(a, E.Ones(a.shape)) and b.shape[1] != 1:
            return "cols", b
    return None


def _centred_candidates(a):
    """The X of X − mean_rows(X) 1ᵀ written as a sum: all its terms but the mean's (A + B − mean_rows(A + B) 1ᵀ)."""
    terms = a.terms
    for k in range(len(terms) - 1, -1, -1):
        rest = terms[:k] + terms[k + 1:]
        yield rest[0] if len(rest) == 1 else E.Add(*rest)


def _normalized(e):
    """(X − mean_rows(X) 1ᵀ) ./ (s 1ᵀ) → NormalizeRows(X, s); (X − 1 mean_cols(X)) ./ (1 r) → NormalizeCols(X, r)."""
    if not isinstance(e, E.Hadamard):
        return None
    args = list(e.factors)
    for j, f in enumerate(args):
        if not (isinstance(f, E.Pow) and f.exponent == E.Num(-1)):
            continue
        found = _scale(f.base)
        if found is None:
            continue
        way, s = found
        for i, a in enumerate(args):
            if i == j or not isinstance(a, E.Add):
                continue
            axis, kind = (ROWS, NormalizeRows) if way == "rows" else (COLS, NormalizeCols)
            for x in _centred_candidates(a):
                if x.shape[0] != 1 and x.shape[1] != 1 and _same(a, centred(x, axis)):
                    rest = [g for k, g in enumerate(args) if k not in (i, j)]
                    return E.Hadamard(kind(x, s), *rest) if rest else kind(x, s)
    return None


def recognise(e):
    """The spellings of σ and X̂ (row- and column-wise) read as StdRows and NormalizeRows, one node at a time
    (parse.recognised walks the tree, children first)."""
    return _std(e) or _normalized(e)


from ..parse import RECOGNISERS      # noqa: E402
from ..printers.text import SHORT_NAMES   # noqa: E402

recognise.looks_at = (E.Apply, E.Hadamard)     # sqrt(…) and ⊙: anything else is None
RECOGNISERS.append(recognise)
SHORT_NAMES.update({StdRows: "σ", StdCols: "σ", NormalizeRows: "Xh", NormalizeCols: "Xh"})
