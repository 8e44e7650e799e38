"""Expression → LaTeX (bare math, no $ delimiters), with minimal parentheses.

One rule per node type in the `LATEX` table. The rules are methods of the printer `_L` (they need
its options and memo), registered in the class body next to their definitions: `LATEX[type(e)]` is
the plain function, called as `rule(printer, e)`. Each returns (latex, level), with the binding
levels of the text printer.
"""
from .. import expr as E
from ..tables import Table
from ..vocabulary import GREEK_NAMES
from .text import ATOM, ELEM, JUXT, NEG, POST, POW, PROD, SUM, broadcast_literal, one_bar

LATEX = Table("latex", doc="expression → LaTeX, (latex, binding level) per node")

_UNICODE_GREEK = {chr(0x3B1 + i): n for i, n in enumerate(
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
     "mu", "nu", "xi", "omicron", "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "phi", "chi",
     "psi", "omega"])}
_UNICODE_GREEK.update({chr(0x391 + i): n.capitalize() for i, n in enumerate(
    ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
     "mu", "nu", "xi", "omicron", "pi", "rho", "", "sigma", "tau", "upsilon", "phi", "chi", "psi",
     "omega"]) if n})
# Capital Greek letters that look like Latin ones have no LaTeX macro.
_LATIN_LOOKALIKE = {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I",
                    "Kappa": "K", "Mu": "M", "Nu": "N", "Omicron": "O", "Rho": "P", "Tau": "T", "Chi": "X"}




class Options:
    __slots__ = ("transpose", "bold")

    def __init__(self, transpose=r"\top", bold=False):
        self.transpose, self.bold = transpose, bold


def to_latex(e, transpose="top", bold=False, names=None):
    opts = Options(r"\top" if transpose in ("top", r"\top") else "T", bold)
    printer = _L(opts)
    printer.memo.update({node: (latex_name(name, node.is_vector, bold), ATOM) for node, name in (names or {}).items()})
    return printer.p(e)[0]


def latex_name(name, is_vector=False, bold=False):
    base, sub = (name.split("_", 1) + [""])[:2]
    sub = sub.strip("{}")
    if not sub:
        i = len(base.rstrip("0123456789"))
        base, sub = base[:i], base[i:]
    word = _UNICODE_GREEK.get(base, base)
    if word in GREEK_NAMES:
        word = _LATIN_LOOKALIKE.get(word) or "\\" + word
        text = word if not (bold and is_vector) else rf"\boldsymbol{{{word}}}"
    else:       # a word is one italic word (\mathit{eps}), not a product e·p·s, and reads back as eps;
        # \varepsilon would read back as another name (varepsilon), breaking the LaTeX round trip
        text = word if len(word) == 1 else rf"\mathit{{{word}}}"
        if bold and is_vector:
            text = rf"\mathbf{{{word}}}"
    return text + (f"_{{{sub}}}" if sub else "")


def dim_latex(d):
    """A dimension: n, 3, or a product such as n^{2} m."""
    if not isinstance(d, tuple):
        return str(d)
    counts = {}
    for f in d:
        counts[f] = counts.get(f, 0) + 1
    return " ".join(f"{f}^{{{k}}}" if k > 1 else f"{f}" for f, k in counts.items())


def num_latex(v):
    return str(v.numerator) if v.denominator == 1 else rf"\frac{{{v.numerator}}}{{{v.denominator}}}"


class _L:
    def __init__(self, opts):
        self.o, self.memo = opts, {}

    def p(self, e):
        hit = self.memo.get(e)
        if hit is None:
            hit = self.memo[e] = LATEX[type(e)](self, e)
        return hit

    def wrap(self, e, level):
        text, own = self.p(e)
        return text if own >= level else rf"\left({text}\right)"

    def base(self, e):
        """The base of a superscript: parenthesized below POST, braced when it carries one already."""
        text, own = self.p(e)
        if own <= POST:   # X^{-1} inside (X^{-1})^{-1}: braces would read as X^{-1-1}
            return rf"\left({text}\right)"
        if text.startswith(r"\frac"):   # \frac{a}{b}^{\top} sets the ᵀ on the bar's right end: (a/b)ᵀ
            return rf"\left({text}\right)"
        return text

    def arg(self, e):
        # \mathopen{} keeps \left( tight against an operator name: diag(s), not diag (s)
        return rf"\mathopen{{}}\left({self.p(e)[0]}\right)\mathclose{{}}"

    def operands(self, items, level, bare_ok=None):
        if bare_ok is None:
            bare_ok = any(broadcast_literal(t) is None for t in items)
        out = []
        for t in items:
            c = broadcast_literal(t)
            if c is not None and bare_ok:
                out.append(num_latex(c) if c >= 0 else "-" + num_latex(-c))
            else:
                out.append(self.wrap(t, level))
        return out

    @LATEX.register(E.Var)
    def l_var(self, e):
        return latex_name(e.name, e.is_vector, self.o.bold), ATOM

    @LATEX.register(E.Differential)
    def l_differential(self, e):
        return r"\mathrm{d}" + self.p(e.var)[0], ATOM

    @LATEX.register(E.Num)
    def l_num(self, e):
        v = e.value
        return (num_latex(v), ATOM) if v >= 0 else ("-" + num_latex(-v), NEG)

    @LATEX.register(E.Const)
    def l_const(self, e):
        return {"π": r"\pi"}[e.name], ATOM

    @LATEX.register(E.Literal)
    def l_literal(self, e):
        body = r" \\ ".join(" & ".join(num_latex(v) if v >= 0 else "-" + num_latex(-v) for v in r) for r in e.rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}", ATOM

    @LATEX.register(E.Identity)
    def l_identity(self, e):
        return "I", ATOM

    @LATEX.register(E.Zero)
    def l_zero(self, e):
        if e.shape[0] == 1 and e.shape[1] != 1:             # a row: the transpose of a zero vector
            return rf"\mathbf{{0}}^{{{self.o.transpose}}}", POST
        r, c = e.shape
        if r != 1 and c != 1:                     # a zero matrix, sized: a lone one has no context
            return rf"\mathbf{{0}}_{{{dim_latex(r)} \times {dim_latex(c)}}}", ATOM
        return r"\mathbf{0}", ATOM

    @LATEX.register(E.Ones)
    def l_ones(self, e):
        r, c = e.shape
        if r == 1 and c != 1:
            return rf"\mathbf{{1}}^{{{self.o.transpose}}}", POST
        if r != 1 and c != 1:                               # the all-ones matrix, an outer product
            return rf"\mathbf{{1}} \mathbf{{1}}^{{{self.o.transpose}}}", JUXT
        return r"\mathbf{1}", ATOM

    @LATEX.register(E.Commutation)
    def l_commutation(self, e):
        return rf"K_{{{e.m},{e.n}}}", ATOM

    @LATEX.register(E.Add)
    def l_add(self, e):
        bare_ok = any(broadcast_literal(t) is None for t in e.terms)
        parts = []
        for i, term in enumerate(e.terms):
            c, _ = E.coefficient(term)
            lit = broadcast_literal(term)
            negative = (lit if lit is not None else c) < 0
            shown = E.negate(term) if negative and i else term
            text = self.operands([shown], ELEM, bare_ok)[0]
            parts.append(text if i == 0 else (" - " if negative else " + ") + text)
        return "".join(parts), SUM

    @LATEX.register(E.Mul)
    def l_mul(self, e):
        c, _ = E.coefficient(e)
        factors = one_bar([f for f in e.factors if not isinstance(f, E.Num)])
        recips = [f for f in factors if f.is_scalar and E._is_reciprocal(f)]
        items = [f for f in factors if not (f.is_scalar and E._is_reciprocal(f))]
        body = " ".join(self.wrap(f, POW) for f in items)
        sign, mag = ("-" if c < 0 else ""), abs(c)
        if recips:
            dens = []
            for r in recips:
                k = -r.exponent.value
                if k != 1:
                    dens.append(self.p(E.Pow(r.base, E.Num(k)))[0])
                else:       # the bar of \frac groups a lone denominator: no parentheses around x^T A x
                    dens.append(self.p(r.base)[0] if len(recips) == 1 and mag.denominator == 1
                                else self.wrap(r.base, POW if len(recips) > 1 else POST))
            if len(items) == 1 and mag.numerator == 1:      # nor around a lone numerator
                body = self.p(items[0])[0]
            num = num_latex(mag.numerator) if mag.numerator != 1 or not body else ""
            if mag.denominator != 1:
                dens.insert(0, str(mag.denominator))
            top = " ".join(t for t in (num, body) if t) or "1"
            return rf"{sign}\frac{{{top}}}{{{' '.join(dens)}}}", NEG if sign else ATOM
        if mag != 1:
            body = num_latex(mag) + (" " + body if body else "")
        return sign + body, NEG if sign else JUXT

    @LATEX.register(E.Hadamard)
    def l_hadamard(self, e):
        texts = self.operands(list(e.factors), PROD)
        out = [texts[0]]
        for f, text in zip(e.factors[1:], texts[1:]):
            if E._is_reciprocal(f) and f.exponent.value == -1:
                out.append(r" \oslash " + self.wrap(f.base, PROD))
            else:
                out.append(r" \odot " + text)
        return "".join(out), ELEM

    @LATEX.register(E.Kron)
    def l_kron(self, e):
        return rf"{self.kron_operand(e.left, ELEM)} \otimes {self.kron_operand(e.right, PROD)}", ELEM

    def kron_operand(self, e, level):
        """Inside ⊗ nothing sizes an identity, so its size is written: I_{n} (as the text printer writes eye(n))."""
        if isinstance(e, E.Identity) and isinstance(e.n, (str, int)):
            return rf"I_{{{e.n}}}"
        return self.wrap(e, level)

    @LATEX.register(E.Pow)
    def l_pow(self, e):
        base, k = e.base, e.exponent
        if not base.is_scalar and isinstance(k, E.Num) and k.value == -1:
            one = r"\mathbf{1}" if base.shape[1] == 1 else "1"       # 1 ⊘ X: the number spread over X
            return rf"{one} \oslash {self.wrap(base, PROD)}", ELEM
        if isinstance(k, E.Num) and k.value == E.Fraction(1, 2) and base.is_scalar:
            return rf"\sqrt{{{self.p(base)[0]}}}", ATOM
        exp = self.p(k)[0]
        if not base.is_scalar:
            exp = r"\circ " + exp
        return f"{self.base(base)}^{{{exp}}}", POW

    @LATEX.register(E.Transpose)
    def l_transpose(self, e):
        t = self.o.transpose
        if isinstance(e.arg, E.Inverse):
            return f"{self.base(e.arg.arg)}^{{-{t}}}", POST
        return f"{self.base(e.arg)}^{{{t}}}", POST

    @LATEX.register(E.Inverse)
    def l_inverse(self, e):
        return f"{self.base(e.arg)}^{{-1}}", POST

    @LATEX.register(E.MatPow)
    def l_matpow(self, e):
        if isinstance(e.arg, E.Inverse):
            return f"{self.base(e.arg.arg)}^{{-{e.k}}}", POW
        return f"{self.base(e.arg)}^{{{e.k}}}", POW

    @LATEX.register(E.Trace)
    def l_trace(self, e):
        return r"\operatorname{tr}" + self.arg(e.arg), ATOM

    @LATEX.register(E.Det)
    def l_det(self, e):
        return r"\det" + self.arg(e.arg), ATOM

    @LATEX.register(E.LogDet)
    def l_logdet(self, e):
        return r"\log\det" + self.arg(e.arg), ATOM

    @LATEX.register(E.Sum)
    def l_sum(self, e):
        return r"\operatorname{sum}" + self.arg(e.arg), ATOM

    @LATEX.register(E.DiagVec, E.DiagMat)
    def l_diagvec(self, e):
        return r"\operatorname{diag}" + self.arg(e.arg), ATOM

    @LATEX.register(E.Vec)
    def l_vec(self, e):
        return r"\operatorname{vec}" + self.arg(e.arg), ATOM

    @LATEX.register(E.Norm)
    def l_norm(self, e):
        if e.p == 1 and not e.arg.is_vector and not e.arg.is_scalar:
            # the entry-wise 1-norm of a matrix (‖X‖₁ would read as the induced norm): ‖vec(X)‖₁
            return rf"\left\lVert \operatorname{{vec}}{self.arg(e.arg)} \right\rVert_1", ATOM
        inner = self.p(e.arg)[0]
        sub = "_1" if e.p == 1 else ("_F" if not e.arg.is_vector and not e.arg.is_scalar else "")
        return rf"\left\lVert {inner} \right\rVert{sub}", ATOM

    @LATEX.register(E.Call)
    def l_call(self, e):
        return latex_name(e.name) + self.arg(e.arg), ATOM

    @LATEX.register(E.CallJacobian)
    def l_calljacobian(self, e):
        return rf"J_{{{latex_name(e.name)}}}" + self.arg(e.arg), ATOM

    @LATEX.register(E.ElementCall)
    def l_elementcall(self, e):
        return latex_name(e.name) + "'" * e.order + self.arg(e.arg), ATOM
