"""The equations of a derivation, for `--steps`: Step (lhs = rhs and the rule that justifies it),
Label (a left side that is a name, not an expression) and rule_latex (a rule name in LaTeX text).

The rule names are the identities registered with the tables (diff.DIFF, adjoint.ADJOINT,
vectorize.VEC), so a step says which identity it used.
"""


class Step:
    """One equation of a derivation, `lhs = rhs`, and the rule that justifies it."""
    __slots__ = ("rule", "lhs", "rhs")

    def __init__(self, rule, lhs, rhs):
        self.rule, self.lhs, self.rhs = rule, lhs, rhs

    @property
    def text(self):
        return f"{_show(self.lhs)} = {_show(self.rhs)}"

    @property
    def latex(self):
        return f"{_show(self.lhs, True)} = {_show(self.rhs, True)}"

    def show(self, names=None, latex=False, unicode=False):
        """`lhs = rhs` with the named subexpressions (node → name) written by their names; unicode=True
        writes xᵀ, ⊙, ‖x‖ as `--format unicode` does."""
        return f"{_show(self.lhs, latex, names, unicode)} = {_show(self.rhs, latex, names, unicode)}"

    @property
    def rule_latex(self):
        return rule_latex(self.rule)

    def __repr__(self):
        return f"<Step {self.text}  [{self.rule}]>"


class Label:
    """A left side that is a name, not an expression: df, d(∂f/∂x), ∂f/∂X."""
    __slots__ = ("text", "latex")

    def __init__(self, text, latex):
        self.text, self.latex = text, latex

    def __eq__(self, other):
        return isinstance(other, Label) and other.text == self.text

    def __hash__(self):
        return hash(self.text)


DF = Label("df", r"\mathrm{d}f")


def without_detours(steps):
    """The steps a reader would write: a step that changes nothing visible is dropped, and so is a run of
    chained steps that comes back to where it started (tr(L) = tr(I L) then, by the cyclic property,
    tr(I L) = tr(L): no step at all). Compared as printed, since the reader compares what they see.

    A step's start is its left side, or, for a named left side (df = …), the previous step's right side;
    steps are chained when each starts where the one before ended (the trace rules of several terms
    branch, and a branch is never cut)."""
    out, starts = [], []
    for s in steps:
        end = _show(s.rhs)
        if isinstance(s.lhs, Label):       # df = …: it starts where the previous step of the same chain ended
            same = out and (out[-1].lhs == s.lhs or not isinstance(out[-1].lhs, Label))
            start = _show(out[-1].rhs) if same else None
        else:
            start = _show(s.lhs)
        if s.rule.startswith("identification"):   # says what the derivative is, even when nothing moves
            out.append(s)
            starts.append(start)
            continue
        if start == end:
            continue
        cut = None
        for j in range(len(out) - 1, -1, -1):
            if j < len(out) - 1 and _show(out[j].rhs) != starts[j + 1]:
                break                                   # not one chain from step j to here
            if starts[j] == end:
                cut = j
                break
        if cut is not None and (not out or _show(out[-1].rhs) == start):
            del out[cut:], starts[cut:]
            continue
        out.append(s)
        starts.append(start)
    return out


def _show(e, latex=False, names=None, unicode=False):
    if isinstance(e, Label):
        return e.latex if latex else e.text
    from .printers.latex import to_latex
    from .printers.text import to_text
    if unicode:
        from .printers.unicode import to_unicode
        return to_unicode(e, names=names)
    # I, not eye(m), in I ⊗ K: the steps are read beside the result, which writes I
    return to_latex(e, names=names) if latex else to_text(e, names=names, sized=False)


# The symbols of rule names and their LaTeX (math mode); longer keys win (⁻¹⁻ⁱ before ⁻¹).
_RULE_SYMBOLS = {"ᵀ": r"^\top", "⁻¹": "^{-1}", "⁻ⁱ": "^{-i}", "ᵏ": "^k", "ⁱ": "^i", "⇒": r"\Rightarrow",
                 "⊙": r"\odot", "⊗": r"\otimes", "∂": r"\partial", "′": "'", "−": "-", "Σ": r"\Sigma",
                 "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle", "⁻¹⁻ⁱ": "^{-1-i}", "ᵏ⁻¹⁻ⁱ": "^{k-1-i}",
                 "ᵏ⁻¹": "^{k-1}",
                 # the normalisation layers' rules (ops/normalize_rows.py, ops/rms_norm.py): raw in \text{} they
                 # stop KaTeX's strict mode and pdflatex
                 "ε": r"\varepsilon", "σ": r"\sigma", "X̂": r"\hat{X}", "§": r"\S"}
_KEYS = sorted(_RULE_SYMBOLS, key=len, reverse=True)


def rule_latex(rule):
    """A rule name for LaTeX text mode: its symbols (longest match first) become inline math."""
    out, i = [], 0
    while i < len(rule):
        key = next((k for k in _KEYS if rule.startswith(k, i)), None)
        if key is not None:
            out.append(f"${_RULE_SYMBOLS[key]}$")
            i += len(key)
            continue
        ch = rule[i]
        if ch in "{}_&%#$":
            out.append("\\" + ch)
        elif ch in "^\\":
            out.append({"^": r"\^{}", "\\": r"\textbackslash{}"}[ch])
        else:
            out.append(ch)
        i += 1
    return "".join(out).replace("$$", "")
