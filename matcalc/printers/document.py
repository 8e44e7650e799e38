"""LaTeX for notes (issue 15): a result with its conditions and notes, its steps, and a standalone
document whose long lines are broken to fit an A4 page.

- `formula(result)`: what `--format latex` prints, the conditions and notes as `% where …` /
  `% note: …` comment lines and then the equation `∂f/∂x = …`: pasted into a math environment they
  stay in the source without breaking the formula.
- `document(result)`: a compilable article: the derivation (each step under its rule, with the
  result's `where` names so a long subexpression is written once), then, clearly apart, the result
  and its conditions and notes as text. A sum too wide for the page is split over aligned lines.
"""
import re

from .. import expr as E
from .latex import to_latex

LINE = 80           # visible characters of math that fit an A4 line of 10pt text, with the left side
PREAMBLE = ("\\documentclass[a4paper]{article}\n\\usepackage[margin=25mm]{geometry}\n"
            "\\usepackage{amsmath,amssymb}\n\\allowdisplaybreaks\n\\begin{document}\n")


def width(latex):
    """A rough count of the characters the math shows: commands and braces cost nothing, a name one."""
    text = re.sub(r"\\(left|right|mathopen\{\}|mathclose\{\}|quad|,|;|!)", "", latex)
    text = re.sub(r"\\(operatorname|mathrm|mathit|mathbf|text)\{([^{}]*)\}", r"\2", text)
    text = re.sub(r"\\[a-zA-Z]+", "x", text)
    ops = len(re.findall(r"(?<=\s)[-+=](?=\s)|\\(odot|otimes|oslash|cdot)", latex))   # binary operators, with their space
    return len(re.sub(r"[{}\s^_]", "", text)) + 2 * ops


def broken(e, names=None, limit=LINE):
    """The LaTeX of `e` as lines (`&` marks their alignment), split before a `+` or `−` when wider than
    `limit` (see `break_latex`)."""
    return break_latex(to_latex(e, names=names), limit)


def break_latex(latex, limit=LINE):
    """Split a formula before a `+` or `−` so each line fits `limit`, at any depth of parentheses: a break
    inside \\left( … \\right) closes them with \\right. and opens the next line with \\left. (as breqn
    does), never inside braces (a \\frac, a superscript)."""
    candidates, stack, brace, i = [], [], 0, 0
    while i < len(latex):
        if latex.startswith("\\left", i) and not latex.startswith("\\leftarrow", i):
            stack.append(i)
            i += 5
            continue
        if latex.startswith("\\right", i) and not latex.startswith("\\rightarrow", i) and stack:
            stack.pop()
            i += 6
            continue
        ch = latex[i]
        brace += ch == "{" and 1 or ch == "}" and -1 or 0
        if brace == 0 and latex.startswith((" + ", " - "), i) and i > 0:
            candidates.append((i, len(stack)))
        i += 1
    lines, start, opened, last_ok, k = [], 0, 0, None, 0
    while k < len(candidates):
        pos, depth = candidates[k]
        if width(latex[start:pos]) + 2 * opened > limit and (last_ok is not None or pos > start):
            at, d = last_ok if last_ok is not None else (pos, depth)
            lines.append("\\left. " * opened + latex[start:at].strip() + " \\right." * d)
            start, opened, last_ok = at, d, None
            if at == pos:
                k += 1
            continue
        if last_ok is None or depth <= last_ok[1]:    # of the breaks that fit, the shallowest (then the latest)
            last_ok = (pos, depth)
        k += 1
    if width(latex[start:]) + 2 * opened > limit and last_ok is not None:
        at, d = last_ok
        lines.append("\\left. " * opened + latex[start:at].strip() + " \\right." * d)
        start, opened = at, d
    lines.append("\\left. " * opened + latex[start:].strip())
    return lines


# ---- rule labels: the identities in them as math ----------------------------------------------
_MATH = {"ᵀ": r"^{\top}", "⁻¹": "^{-1}", "⊙": r"\odot ", "⊗": r"\otimes ", "⟨": r"\langle ", "⟩": r"\rangle ",
         "∂": r"\partial ", "⇒": r"\;\Rightarrow\; ", "−": "-", "Σ": r"\Sigma ", "‖": r"\|", "′": "'", "ᵏ": "^{k}",
         "ⁱ": "^{i}", "⁻ⁱ": "^{-i}", "⁻¹⁻ⁱ": "^{-1-i}", "ᵏ⁻¹⁻ⁱ": "^{k-1-i}"}
_WORDS = {"tr": r"\operatorname{tr}", "sum": r"\operatorname{sum}", "diag": r"\operatorname{diag}",
          "vec": r"\operatorname{vec}", "det": r"\det", "log": r"\log", "exp": r"\exp",
          "softmax": r"\operatorname{softmax}", "sigmoid": r"\sigma"}


def _segments(rule):
    """The rule split at top-level ', ' and ': ' (not inside brackets), separators kept."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(rule):
        ch = rule[i]
        depth += ch in "([⟨" and 1 or ch in ")]⟩" and -1 or 0
        if depth == 0 and rule.startswith((", ", ": "), i):
            out += [rule[start:i], rule[i:i + 2]]
            start = i = i + 2
            continue
        i += 1
    return out + [rule[start:]]


def _identity_math(text):
    """'tr(Aᵀ (B ⊙ dX)) = tr((A ⊙ B)ᵀ dX)' as LaTeX math, or None when the text is prose, not an identity."""
    if "=" not in text and "⇒" not in text:
        return None
    words = re.findall(r"[A-Za-z]{2,}", text)
    if any(w not in _WORDS and w != "commutation" and not re.fullmatch(r"d[A-Za-z]", w) for w in words):
        return None
    out = re.sub(r"\bcommutation\((\w+), (\w+)\)", r"K_{\1,\2}", text)    # as the LaTeX printer writes it
    # a name with a number is subscripted as the printers do (W1 is W_1, dW1 is dW_1)
    out = re.sub(r"\b(d?[A-Za-z])(\d+)\b", r"\1_{\2}", out)
    out = re.sub(r"\bd([A-Za-z]?)(?![A-Za-z])", lambda m: r"\mathrm{d}" + m.group(1), out)
    out = re.sub(r"\b(" + "|".join(_WORDS) + r")\b", lambda m: _WORDS[m.group(1)] + " ", out)
    for key in sorted(_MATH, key=len, reverse=True):
        out = out.replace(key, _MATH[key])
    # superscript characters in a row are one exponent (Aᵏ⁻¹ is A^{k-1}); after ᵀ they are a power of the
    # transpose (Xᵀ⁻¹ is (Xᵀ)⁻¹), written with braces so LaTeX sees no double superscript
    out = re.sub(r"\^\{([^{}\\]*)\}\^\{([^{}]*)\}", r"^{\1\2}", out)
    return re.sub(r"(\S+)\^\{\\top\}\^\{([^{}]*)\}", r"{\1^{\\top}}^{\2}", out)


def rule_math(rule):
    """A step's rule for LaTeX text mode: its prose as text, its identities (d(Xᵀ) = (dX)ᵀ) as inline math."""
    from ..derive import rule_latex
    parts = []
    for seg in _segments(rule):
        math = _identity_math(seg)
        parts.append(f"${math}$" if math is not None else rule_latex(seg))
    return "".join(parts)


def aligned_rows(lhs, e, names=None):
    """One equation `lhs = e` as rows of an align*: `lhs &= …` when it fits a line, else the left side on a
    row of its own and the right side under it, split before a `+` or `−` as often as needed."""
    rhs = e.latex if not isinstance(e, E.Expr) else to_latex(e, names=names)
    if width(lhs) + width(rhs) + 2 <= LINE:
        return f"{lhs} &= {rhs}"
    if width(lhs) + 2 <= LINE // 3:
        lines = break_latex(rhs, LINE - width(lhs) - 2)
        return " \\\\\n".join([f"{lhs} &= {lines[0]}"] + [f"&\\quad {line}" for line in lines[1:]])
    lines = break_latex(rhs, LINE - 6)
    heads = break_latex(lhs, LINE)
    rows = [f"&{h}" for h in heads] + [f"&\\quad = {lines[0]}"] + [f"&\\qquad {line}" for line in lines[1:]]
    return " \\\\\n".join(rows)


def _definitions(result, names):
    from ..printers.latex import latex_name
    out = []
    for node, name in sorted(names.items(), key=lambda item: sum(1 for _ in E.nodes(item[0]))):
        others = {k: v for k, v in names.items() if k is not node}
        out.append(f"{latex_name(name, node.is_vector)} = {to_latex(node, names=others)}")
    return out


def prose(result, conditions=True):
    """The conditions and notes as lines of LaTeX text."""
    if not conditions:
        return []
    return [f"where {text_latex(c)}" for c in result.conditions] + [f"note: {text_latex(n)}" for n in result.notes]


def formula(result, conditions=True, lhs=None):
    """`--format latex`: the conditions and notes as `% where …` comment lines, then the equation. Comments
    first: pasted between $$ … $$, a comment line can never swallow the closing delimiter."""
    lines = []
    if conditions:
        lines += [f"% where {c}" for c in result.conditions] + [f"% note: {n}" for n in result.notes]
    return "\n".join(lines + [f"{lhs or result.symbol(latex=True)} = {result.pretty(latex=True)}"])


def _steps(result):
    """Each step under its rule, in an align* of its own (so a long left side widens only its own rows); a
    name the steps use is defined ("With s = …:") just before the first step that shows it."""
    from ..derive import Label
    steps = result.steps
    names, out = steps.names, []
    for new, s in zip(steps.introduced(), steps):
        if new:
            out.append("With " + ", ".join(f"${d}$" for d in steps.definitions(latex=True, names=new)) + ":\n\n")
        lhs = s.lhs.latex if isinstance(s.lhs, Label) else to_latex(s.lhs, names=names)
        out.append(f"\\noindent{{\\small {rule_math(s.rule)}:}}\n\\begin{{align*}}\n{aligned_rows(lhs, s.rhs, names)}"
                   "\n\\end{align*}\n")
    return "".join(out)


def document(result, steps=False, conditions=True, lhs=None):
    """A standalone LaTeX document: the steps (when asked), then the result with its `where`, conditions
    and notes; every display line fits an A4 page."""
    return documents([(result, lhs)], steps=steps, conditions=conditions)


def documents(items, steps=False, conditions=True):
    """One document for several results [(result, left side or None)]: a command with several --wrt."""
    return PREAMBLE + "".join(_body(r, lhs, steps, conditions, len(items) > 1) for r, lhs in items) + \
        "\\end{document}\n"


def _body(result, lhs, steps, conditions, several):
    names = result.named_subexpressions()      # the result's own where, as pretty() writes it
    lhs = lhs or result.symbol(latex=True)
    parts = []
    defs = _definitions(result, names)
    if steps:
        parts.append(f"\\section*{{Derivation of ${lhs}$}}\n" if several else "\\section*{Derivation}\n")
        parts.append(_steps(result))
        parts.append("\\section*{Result}\n")
    parts.append("\\begin{align*}\n" + aligned_rows(lhs, result.shown_expr, names) + "\n\\end{align*}\n")
    text = (["where " + ", ".join(f"${d}$" for d in defs)] if defs else []) + prose(result, conditions)
    if text:
        parts.append("\\begin{itemize}\n" + "".join(f"\\item {line}\n" for line in text) + "\\end{itemize}\n")
    return "".join(parts)


_TEXT_SYMBOLS = {"∇": r"\nabla", "ρ": r"\rho", "κ": r"\kappa", "η": r"\eta", "≥": r"\geq", "≤": r"\leq",
                 "≠": r"\neq", "≈": r"\approx", "∞": r"\infty", "²": "^2", "³": "^3", "·": r"\cdot", "σ": r"\sigma",
                 "λ": r"\lambda", "μ": r"\mu", "Δ": r"\Delta", "→": r"\to", "ε": r"\varepsilon", "×": r"\times",
                 ">": ">", "<": "<"}   # < and > in text mode are ¡ and ¿ in LaTeX's default font encoding


def text_latex(text):
    """Prose for LaTeX text mode, its symbols (ᵀ, ⊙, ≠, ∇, …) and powers (H^-1) set as inline math, so the
    line compiles with pdflatex and renders in MathJax and KaTeX alike."""
    import re

    from ..derive import rule_latex
    out = rule_latex(text)
    out = re.sub(r"\\\^\{\}(-?\w+)", lambda m: f"$^{{{m.group(1)}}}$", out)
    out = "".join(f"${_TEXT_SYMBOLS[ch]}$" if ch in _TEXT_SYMBOLS else ch for ch in out)
    return out.replace("$$", "")
