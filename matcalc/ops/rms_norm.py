"""The root mean square of each row and the row-scaled matrix of RMS norm (Zhang & Sennrich 2019; rows are
samples): nodes of their own, as layer norm's σ and X̂ (ops/normalize_rows.py), so that a derivative
through them reads as the paper's backward pass, in terms of X̂ and r, instead of the mean of squares
expanded in sums and ones vectors at every use.

    rms_rows:        r = sqrt(mean_rows(X ⊙ X) + ε)        n×1 for X n×c (ε = 0 when not written)
    rms_normalize:   X̂ = X ./ (s 1ᵀ)                       n×c (read only when s is the r of this X)

There is no function name to type: the parser reads the spellings above (`X .* X` or `X.^2`, and the
column-wise ones, `X ./ (1 sqrt(mean_cols(X .* X) + ε))`) as these nodes (`recognise`), and the
printers write them back in those spellings, so the text reads back as the same node.

Rules (Zhang & Sennrich 2019 §3, written row-wise). From r² = mean_rows(X ⊙ X) + ε,
2r ⊙ dr = 2 mean_rows(X ⊙ dX) + dε, and mean_rows(X ⊙ dX) ./ r = mean_rows(X̂ ⊙ dX):
    dr = mean_rows(X̂ ⊙ dX) + dε ./ (2r)                          with X̂ = X ./ (r 1ᵀ)
    dX̂ = (dX − X̂ ⊙ (dr 1ᵀ)) ./ (r 1ᵀ),  for ε fixed (dX − X̂ ⊙ (mean_rows(X̂ ⊙ dX) 1ᵀ)) ./ (r 1ᵀ)
so the gradient of tr(Gᵀ X̂) w.r.t. X is (G − X̂ ⊙ (mean_rows(G ⊙ X̂) 1ᵀ)) ./ (r 1ᵀ).
"""
from .. import expr as E
from ..adjoint import ADJOINT
from ..adjoint import refuse as no_adjoint
from ..diff import DIFF
from ..tables import register
from ..vectorize import VEC
from ..vectorize import refuse as no_vec
from .normalize_rows import (COLS, ROWS, NormalizeRows, _same, _scale, d_divided, d_root_mean, over,
                             root_statistic_shape, sqrt_terms)


class RmsRows(E.Expr):
    """r = sqrt(mean_rows(X ⊙ X) + ε): the root mean square of each row, a column (RMS norm's)."""
    __slots__ = ()
    fields = ("arg", "eps")
    axis = ROWS
    stat_name, statistic = "rms", "mean_{}(X .* X)"
    shape_of = classmethod(root_statistic_shape)


class RmsCols(RmsRows):
    """r = sqrt(mean_cols(X ⊙ X) + ε): the root mean square of each column, a row."""
    __slots__ = ()
    axis = COLS


class RmsNormalizeRows(E.Expr):
    """X̂ = X ./ (s 1ᵀ): each row divided by its entry of the column s (RMS norm's, not centred)."""
    __slots__ = ()
    fields = ("arg", "scale")
    axis = ROWS
    shape_of = classmethod(NormalizeRows.shape_of.__func__)     # the same shapes as layer norm's X̂


class RmsNormalizeCols(RmsNormalizeRows):
    """X̂ = X ./ (1 s): each column divided by its entry of the row s."""
    __slots__ = ()
    axis = COLS


RMS = (RmsRows, RmsCols)
SCALED = (RmsNormalizeRows, RmsNormalizeCols)


def square(x):
    return E.Pow(x, E.Num(2))


# ---- differentials --------------------------------------------------------------------------------
@DIFF.register(*RMS, identity="d sqrt(mean_rows(X ⊙ X) + ε) = mean_rows(X̂ ⊙ dX) + dε ./ (2r), "
                              "X̂ = X ./ (r 1ᵀ)  (Zhang & Sennrich 2019), columns alike")
def d_rms(d, e):
    """2r ⊙ dr = 2 mean_rows(X ⊙ dX) + dε, and mean_rows(X ⊙ dX) ./ r = mean_rows(X̂ ⊙ dX): X̂ is the node
    the rule of X ./ (r 1ᵀ) finds, so the backward pass is written in it."""
    return d_root_mean(d, e, SCALED[e.axis.index == 0])


@DIFF.register(*SCALED, identity="d X̂ = (dX − X̂ ⊙ (ds 1ᵀ)) ./ (s 1ᵀ) for X̂ = X ./ (s 1ᵀ)  "
                                 "(Zhang & Sennrich 2019), columns alike")
def d_scaled(d, e):
    return d_divided(d, e, centred=False)


# Neither is linear: the differential never passes through them.
ADJOINT.register(*RMS, *SCALED)(no_adjoint)
VEC.register(*RMS, *SCALED)(no_vec)


# ---- values (numeric.EVAL) -----------------------------------------------------------------------
@register("evaluate", *RMS)
def ev_rms(e, ev):
    import numpy as np
    x = ev(e.arg)
    return np.sqrt(np.mean(x * x, axis=e.axis.index, keepdims=True) + ev(e.eps))


@register("evaluate", *SCALED)
def ev_scaled(e, ev):
    return ev(e.arg) / ev(e.scale)


# ---- text and LaTeX: the spellings the parser reads back as these nodes ---------------------------
@register("text", *RMS)
def t_rms(e, memo):
    from ..printers.text import ATOM, SUM, to_text_memo, wrap
    inner = f"mean_{e.axis.name}({to_text_memo(square(e.arg), memo)})"
    if not E.is_zero(e.eps):
        inner += f" + {wrap(e.eps, SUM + 1, memo)}"
    return f"sqrt({inner})", ATOM


@register("text", *SCALED)
def t_scaled(e, memo):
    from ..printers.text import ELEM, JUXT, wrap
    x, s = wrap(e.arg, ELEM + 1, memo), wrap(e.scale, JUXT, memo)
    return (f"{x} ./ ({s} 1^T)" if e.axis is ROWS else f"{x} ./ (1 {s})"), ELEM


@register("latex", *RMS)
def l_rms(printer, e):
    from ..printers.text import ATOM, SUM
    inner = rf"\operatorname{{mean}}_{{\text{{{e.axis.name[:-1]}}}}}{printer.arg(square(e.arg))}"
    if not E.is_zero(e.eps):
        inner += " + " + printer.wrap(e.eps, SUM + 1)
    return rf"\sqrt{{{inner}}}", ATOM


@register("latex", *SCALED)
def l_scaled(printer, e):
    from ..printers.text import ELEM, JUXT
    x, s = printer.wrap(e.arg, ELEM + 1), printer.wrap(e.scale, JUXT)
    if e.axis is ROWS:
        return rf"{x} \oslash \left({s} \mathbf{{1}}^{{\top}}\right)", ELEM
    return rf"{x} \oslash \left(\mathbf{{1}} {s}\right)", ELEM


# ---- code: the mean of squares (no cancellation to avoid); vectors (rows too) are 1-D -------------
RMS_CODE = {"numpy": "np.sqrt(np.mean(np.square({0}), axis={2}) + {1})",
            "jax": "jnp.sqrt(jnp.mean(jnp.square({0}), axis={2}) + {1})",
            "torch": "torch.sqrt(torch.mean(torch.square({0}), {2}) + {1})"}


@register("code", *RMS, identity="sqrt(mean_rows(X ⊙ X) + ε), the mean of squares per row (columns alike)")
def code_rms(g, e):
    eps = "0.0" if E.is_zero(e.eps) else g.code(e.eps)
    return RMS_CODE[g.target.name].format(g.code(e.arg), eps, e.axis.index)


@register("code", *SCALED, identity="X ./ (s 1ᵀ), the target's broadcast (columns alike)")
def code_scaled(g, e):
    x, s = g.code(e.arg, shared=True), g.code(e.scale, shared=True)
    return f"{x} / {s + '[:, None]' if e.axis is ROWS else s}"


# ---- SymPy: the definitions ------------------------------------------------------------------------
def mean_of_squares(x, axis):
    return axis.mean(E.Hadamard(x, x))


@register("to_sympy", *RMS)
def c_rms(c, e):
    m = mean_of_squares(e.arg, e.axis)
    return c.elementwise(c.sp.sqrt, c.matrix(m if E.is_zero(e.eps) else E.Add(m, E.product(e.eps, E.Ones(m.shape)))))


@register("to_sympy", *SCALED)
def c_scaled(c, e):
    return c.matrix(over(e.arg, e.scale, e.axis))


# ---- reading: the spellings of RMS norm become the nodes ------------------------------------------
def _squared(t):
    """The X of a mean_rows(X ⊙ X) as the parser builds it: the base of an element-wise square."""
    for n in E.nodes(t):
        if isinstance(n, E.Pow) and n.exponent == E.Num(2) and not n.base.is_scalar:
            yield n.base
        elif isinstance(n, E.Hadamard) and len(n.factors) == 2 and n.factors[0] is n.factors[1]:
            yield n.factors[0]


def _rms(e):
    """sqrt(mean_rows(X ⊙ X) + ε) → RmsRows(X, ε); sqrt(mean_cols(X ⊙ X) + ε) → RmsCols(X, ε)."""
    for t, eps in sqrt_terms(e):
        for x in _squared(t):
            if x.shape[0] != 1 and x.shape[1] != 1:
                if t.shape[1] == 1 and _same(t, mean_of_squares(x, ROWS)):
                    return RmsRows(x, eps)
                if t.shape[0] == 1 and _same(t, mean_of_squares(x, COLS)):
                    return RmsCols(x, eps)
    return None


def _scaled(e):
    """X ./ (r 1ᵀ) → RmsNormalizeRows(X, r) for r an RmsRows of X (X ./ (1 r) alike); other factors stay."""
    if not isinstance(e, E.Hadamard):
        return None
    args = list(e.factors)
    for j, f in enumerate(args):
        if not (isinstance(f, E.Pow) and f.exponent == E.Num(-1)):
            continue
        found = _scale(f.base)
        if found is None or not isinstance(found[1], RMS) or found[1].axis.name != found[0]:
            continue
        s = found[1]
        kind = RmsNormalizeRows if s.axis is ROWS else RmsNormalizeCols
        others = [(i, a) for i, a in enumerate(args) if i != j]
        for i, a in others:
            if _same(a, s.arg):
                rest = [g for k, g in enumerate(args) if k not in (i, j)]
                return E.Hadamard(kind(a, s), *rest) if rest else kind(a, s)
        if len(others) > 1 and _same(E.Hadamard(*[a for _, a in others]), s.arg):
            return kind(s.arg, s)           # (A ⊙ B) ./ (r 1ᵀ), r the RMS of A ⊙ B: one flattened product
    return None


def recognise(e):
    """The spellings of r and X̂ (row- and column-wise) read as RmsRows and RmsNormalizeRows, one node at a time
    (parse.recognised walks the tree, children first)."""
    return _rms(e) or _scaled(e)


from ..parse import RECOGNISERS      # noqa: E402
from ..printers.text import SHORT_NAMES   # noqa: E402

recognise.looks_at = (E.Apply, E.Hadamard)     # sqrt(…) and ⊙: anything else is None
RECOGNISERS.append(recognise)      # after layer norm's: var_rows(X) is a mean of squares too, and σ's
SHORT_NAMES.update({RmsRows: "r", RmsCols: "r", RmsNormalizeRows: "Xh", RmsNormalizeCols: "Xh"})
