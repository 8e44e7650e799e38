"""Rich display in Jupyter (issue 15): what a student would write in their notes, not a repr.

IPython asks an object for `_repr_html_`, `_repr_markdown_` and `_repr_latex_` and shows the richest
its front end renders. Every result object answers with the same parts (`Display`): the equation with
its left side (∂f/∂x = …, with `where s = …`), the conditions, the notes and the check's verdict. The
equation is LaTeX (MathJax/KaTeX typeset it in HTML and Markdown too); conditions and notes are prose,
so HTML and Markdown show them as text and LaTeX as `\\text{…}` lines with their symbols set as math.
"""
from typing import NamedTuple, Optional, Sequence

from .printers.document import text_latex  # noqa: F401  (also a name of this module)


class Display(NamedTuple):
    equations: Sequence[str]        # LaTeX lines, each `lhs = rhs` (an `&` before the `=` when aligned)
    conditions: Sequence[str] = ()
    notes: Sequence[str] = ()
    verdict: Optional[str] = None   # the check's report as a sentence, None when not checked
    aligned: bool = False           # the equations as one aligned block (steps), else one display each
    facts: Sequence[str] = ()       # prose lines shown as they are (a point's classification, step sizes)


def latex(d: Display, *, conditions=True):
    """The parts as one LaTeX block (display math, as IPython's text/latex expects)."""
    lines = list(d.equations)
    prose = []
    prose += [f"\\text{{{text_latex(f)}}}" for f in d.facts]
    if conditions:
        prose += [f"\\text{{where {text_latex(c)}}}" for c in d.conditions]
        prose += [f"\\text{{note: {text_latex(n)}}}" for n in d.notes]
        if d.verdict:
            prose.append(f"\\text{{{text_latex(d.verdict)}}}")
    if d.aligned:
        lines = ["\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"]
    if not prose and len(lines) == 1:
        return f"$${lines[0]}$$"
    return "$$\n\\begin{gathered}\n" + " \\\\\n".join(lines + prose) + "\n\\end{gathered}\n$$"


def _math_block(d: Display):
    if d.aligned:
        return "$$\\begin{aligned}\n" + " \\\\\n".join(d.equations) + "\n\\end{aligned}$$"
    return "\n\n".join(f"$${line}$$" for line in d.equations)


def markdown(d: Display):
    """The equation as display math, then conditions and notes as a list, then the verdict."""
    parts = [_math_block(d)]
    items = [f"- {f}" for f in d.facts] + [f"- where {c}" for c in d.conditions] + [f"- note: {n}" for n in d.notes]
    if items:
        parts.append("\n".join(items))
    if d.verdict:
        parts.append(f"*{d.verdict}*")
    return "\n\n".join(parts)


def html_of(d: Display):
    """As Markdown, in HTML: the math left for the front end's typesetter, the prose escaped."""
    import html         # here: only notebooks need it, and it is 1 ms of the command line's start
    parts = [f'<div class="matcalc">', html.escape(_math_block(d), quote=False)]
    items = [f"<li>{html.escape(f)}</li>" for f in d.facts] + \
            [f"<li>where {html.escape(c)}</li>" for c in d.conditions] + \
            [f"<li>note: {html.escape(n)}</li>" for n in d.notes]
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    if d.verdict:
        parts.append(f"<p><em>{html.escape(d.verdict)}</em></p>")
    parts.append("</div>")
    return "\n".join(parts)


class RichDisplay:
    """Mixin: `_display()` returns a Display; the three IPython reprs follow from it."""

    def _display(self) -> Display:
        raise NotImplementedError

    def _repr_latex_(self):
        return latex(self._display())

    def _repr_markdown_(self):
        return markdown(self._display())

    def _repr_html_(self):
        return html_of(self._display())


def typed_order(e, source, memo=None):
    """`e` with each sum whose terms are those of a sum typed in `source` written in the typed order
    (det(A + x xᵀ), not the canonical det(x xᵀ + A)): for display only, the value is the same.
    memo: a dict that receives node → its typed-order node for every node of e (the steps' names use it)."""
    from . import expr as E
    typed = {}
    for node in E.nodes(source):
        if isinstance(node, E.Add):
            typed.setdefault(frozenset(node.terms), node)
    if not typed:
        return e
    memo = {} if memo is None else memo

    def walk(n):
        hit = memo.get(n)
        if hit is None:
            kids = n.children
            new = [walk(c) for c in kids]
            hit = n.rebuild(new) if any(a is not b for a, b in zip(new, kids)) else n
            if isinstance(hit, E.Add):
                hit = typed.get(frozenset(hit.terms), hit)
            memo[n] = hit
        return hit
    return walk(e)


def typed_text(text, source, sums=None):
    """A condition's text with each parenthesised sum typed in `source` in its typed order: det(x xᵀ + A)
    becomes det(A + x xᵀ). Only a whole parenthesised group is replaced, so no sign or term moves across.
    `sums` is typed_sums(source) when the caller has it (one Result's conditions share it)."""
    if "(" not in text:
        return text
    for canonical, typed in typed_sums(source) if sums is None else sums:
        text = text.replace(f"({canonical})", f"({typed})")
    return text


def typed_sums(source):
    """(canonical text, typed text) of each sum typed in `source` that the simplifier writes otherwise, in
    the order of E.nodes: printing both forms of every sum is the cost of typed_text, paid once per source."""
    from . import expr as E
    from .simplify import simplify
    return [(canonical, typed) for node in E.nodes(source) if isinstance(node, E.Add)
            for canonical, typed in [(str(simplify(node)), str(node))] if canonical != typed]


def verdict(report):
    return str(report) if report is not None else None


class Results(dict, RichDisplay):
    """A dict of results (name → Result: `grad(f, ["x", "y"])`), shown in a notebook as their equations."""

    def to_code(self, target="numpy", standalone=False, rule=None):
        """One function (source) returning the value and every derivative of the dict, sharing the
        forward pass: (value, grads), `grads` a dict keyed by variable name, as
        `matcalc.codegen(expr, [names], ...)` writes it; `standalone` and `rule` ("jax", "torch") as there."""
        from .result_code import code_for
        from .errors import MatcalcError
        results = list(self.values())
        if not results or len({(r.function, r.kind) for r in results}) > 1 or \
                results[0].kind not in ("gradient", "jacobian"):
            raise MatcalcError("one function is generated for the gradients (or Jacobians) of one expression; "
                               "generate the others one by one with result.to_code()")
        if rule is not None and not results[0].function.is_scalar:
            raise MatcalcError("the rule of a layer differentiates ⟨G, F⟩, not F's Jacobians: "
                               "use matcalc.codegen(expr, [names], rule=...)")
        return code_for(results[0].function, results, target, standalone=standalone, rule=rule)

    def _display(self):
        parts = [r._display() for r in self.values()]
        return Display([eq for p in parts for eq in p.equations],
                       list(dict.fromkeys(c for p in parts for c in p.conditions)),
                       list(dict.fromkeys(n for p in parts for n in p.notes)),
                       "; ".join(dict.fromkeys(p.verdict for p in parts if p.verdict)) or None)


WIDE = 110    # characters of math and rule text that fit beside each other in a notebook's output


class Derivation(list, RichDisplay):
    """The steps of a derivation (a list of derive.Step), shown as one aligned block with the rule of each;
    a name the steps use is defined on a `with` line just before the first step that shows it."""

    names = {}      # node → name: the subexpressions the steps write by a name (Result.steps sets them)
    defined = {}    # name → the node its definition shows
    _introduced = None

    def introduced(self):
        """For each step, the names first shown in it (or needed by the definition of one that is), in
        dependency order: a name's definition uses only names defined before it."""
        if self._introduced is None or len(self._introduced) != len(self):
            from . import expr as E
            definable, seen, out = self._definable(), set(), []
            for s in self:
                new = []
                for side in (s.lhs, s.rhs):
                    if isinstance(side, E.Expr):
                        self._need(side, definable, seen, new)
                out.append(new)
            self._introduced = out
        return self._introduced

    def _need(self, e, definable, seen, new):
        """Walks e: a named node brings in the names its definition uses, then itself (smaller first)."""
        stack, order, done = [e], [], set()
        while stack:
            n = stack.pop()
            if n in done:
                continue
            done.add(n)
            name = self.names.get(n)
            if name is not None and name not in seen and name not in order:
                order.append(name)
                stack.append(definable[name])
            stack.extend(n.children)
        for name in sorted(order, key=lambda m: _size(definable[m])):
            seen.add(name)
            new.append(name)

    def _definable(self):
        """name → node: `defined`, or for names set without it, the smallest node of each name."""
        out = {}
        for node, name in sorted(self.names.items(), key=lambda item: _size(item[0])):
            out.setdefault(name, node)
        out.update(self.defined)
        return out

    def definitions(self, latex=False, unicode=False, names=None):
        """`s = softmax(W x + b)` for each of `names` (by default every name the steps use, a name before
        anything that uses it)."""
        from . import expr as E
        from .printers.latex import to_latex
        from .printers.text import to_text
        from .printers.unicode import to_unicode
        if names is None:
            names = [name for new in self.introduced() for name in new]
        show = (lambda e, names: to_latex(e, names=names)) if latex else \
            (lambda e, names: to_unicode(e, names=names)) if unicode else (lambda e, names: to_text(e, names=names))
        definable = self._definable()
        out = []
        for name in names:
            node = definable[name]
            others = {k: v for k, v in self.names.items() if v != name}
            out.append(f"{show(E.Var(name, node.shape, frozenset()), None)} = {show(node, others)}")
        return out

    def text_lines(self, unicode=False):
        """`with s = …` before the first step that shows s, then each step with its rule."""
        lines = []
        for new, s in zip(self.introduced(), self):
            if new:
                lines.append("with " + ", ".join(self.definitions(unicode=unicode, names=new)))
            lines.append(f"{s.show(self.names, unicode=unicode)}    [{s.rule}]")
        return lines

    def latex_rows(self):
        """The aligned rows: `with s = …` before the first step that shows s, then `lhs &= rhs && rule`."""
        from .printers.document import rule_math, width
        sides = [s.show(self.names, latex=True).split(" = ", 1) for s in self]
        rules = [rule_math(s.rule) for s in self]
        # the rule beside its equation while the two fit a page's width, else on a row of its own above it
        beside = all(width(lhs) + width(rhs) + width(rule) <= WIDE for (lhs, rhs), rule in zip(sides, rules))
        rows = []
        for new, (lhs, rhs), rule in zip(self.introduced(), sides, rules):
            if new:
                rows.append(f"&\\text{{with }} {', '.join(self.definitions(latex=True, names=new))}")
            rows += [f"{lhs} &= {rhs} && \\text{{{rule}}}"] if beside else \
                [f"&\\text{{{rule}:}}", f"{lhs} &= {rhs}"]
        return rows

    def _display(self):
        return Display(self.latex_rows(), aligned=True)


def _size(e):
    from . import expr as E
    return sum(1 for _ in E.nodes(e))
