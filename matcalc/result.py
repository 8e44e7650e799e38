"""What a derivation returns: a Result (the derivative, its conditions, notes, steps, check, code,
printers and displays) and a Differential; LAYOUTS names the books' conventions a Result can follow."""
from . import expr as E
from .calling import _parse_definitions, _parse_notes, on_deep_stack
from .display import Derivation, Display, RichDisplay, typed_order, typed_sums, typed_text, verdict
from .errors import MatcalcError
from .stack import deep
from .steps import without_detours


LAYOUTS = {
    "mixed": "layout: mixed (the default) — a gradient has the variable's shape, a Jacobian of f: Rⁿ → Rᵐ is m×n",
    "numerator": "layout: numerator — a gradient is transposed (∂f/∂x a 1×n row, ∂f/∂X n×m), a Jacobian is m×n",
    "denominator": "layout: denominator — a gradient has the variable's shape, a Jacobian is transposed (n×m)",
}


class Checked:
    """Something checked numerically on demand: `check(seed)` runs `_run_check(seed)` once per seed,
    `report` is the last report (None before any check)."""

    seed = None
    _report = None

    @property
    def report(self):
        return self._report

    @on_deep_stack("check")
    def check(self, seed=None):
        seed = (self.seed if seed is None else seed) or 0
        if self._report is None or self._report.seed != seed:
            self._report = self._run_check(seed)
        return self._report


class Result(Checked, RichDisplay):
    """A derivative: `str()` in matcalc syntax, `.latex()`, `.expr`, `.shape`, `.check()`, `.to_numpy()`."""

    layout = "mixed"
    _steps = None
    _steps_factory = None
    _check_expr = None

    def __init__(self, kind, function, wrt, expr, *, differential=None, conditions=(), notes=(),
                 check_function=None, check_kind="gradient", seed=None):
        self.kind, self.function, self.wrt, self.expr = kind, function, wrt, expr
        self.differential = differential
        sums = typed_sums(function) if any("(" in c for c in conditions) else []
        self.conditions = [typed_text(c, function, sums) for c in conditions]
        self.notes = list(_parse_notes.get() or ()) + [n for n in notes if n not in (_parse_notes.get() or ())]
        self.definitions = dict(_parse_definitions.get() or {})   # name → expression the user defined
        self._check_function, self._check_kind = check_function or function, check_kind
        self.seed, self._report = seed, None

    @property
    def shape(self):
        return self.expr.shape

    def __str__(self):
        return str(self.expr)

    def __repr__(self):
        report = f", check {self._report.status}" if self._report is not None else ""
        return f"<Result {self.kind} of {self.function} w.r.t. {self.wrt.name}: {self.expr}{report}>"

    def latex(self, **options):
        return self.expr.latex(**options)

    def symbol(self, latex=False):
        """The left side a textbook writes: ∂f/∂x, ∂vec(F)/∂vec(X), ∂²f/∂x², ∂²f/∂x∂y, …"""
        from .printers.latex import latex_name
        n = self.wrt.name
        ln = latex_name(n)
        first = getattr(self, "first", self.wrt)
        along = getattr(self, "along", None)
        if self.kind == "jacobian" and not (self.wrt.is_vector or self.wrt.is_scalar and self.function.shape[1] == 1):
            return (rf"\frac{{\partial \operatorname{{vec}} F}}{{\partial \operatorname{{vec}} {ln}}}" if latex
                    else f"∂vec(F)/∂vec({n})")
        if self.kind in ("gradient", "jacobian"):
            return rf"\frac{{\partial f}}{{\partial {ln}}}" if latex else f"∂f/∂{n}"
        if self.kind == "hessian" and first is self.wrt:
            return rf"\frac{{\partial^2 f}}{{\partial {ln}^2}}" if latex else f"∂²f/∂{n}²"
        if self.kind == "hessian":
            l1 = latex_name(first.name)
            return rf"\frac{{\partial^2 f}}{{\partial {l1}\,\partial {ln}}}" if latex else f"∂²f/∂{first.name}∂{n}"
        if along is not None and self.kind == "directional derivative":
            return rf"\mathrm{{D}}f({ln})[{latex_name(along.name)}]" if latex else f"Df({n})[{along.name}]"
        if along is not None:
            return rf"\nabla^2 f({ln})\,{latex_name(along.name)}" if latex else f"∇²f({n}) {along.name}"
        return rf"\text{{{self.kind}}}" if latex else self.kind

    def equation(self, latex=False):
        """'∂f/∂x = … where s = …': the result with its left side, as text or LaTeX."""
        return f"{self.symbol(latex)} = {self.pretty(latex=latex)}"

    def latex_document(self, steps=False, conditions=True, lhs=None):
        """A standalone LaTeX document (A4): the steps when asked, the result with its `where`, conditions
        and notes (conditions=False leaves those out); long sums broken over lines."""
        from .printers.document import document
        return document(self, steps=steps, conditions=conditions, lhs=lhs)

    def latex_formula(self, conditions=True, lhs=None):
        """'∂f/∂x = …' in LaTeX, then the conditions and notes as `% where …` comment lines."""
        from .printers.document import formula
        return formula(self, conditions=conditions, lhs=lhs)

    def _display(self):
        return Display([self.equation(latex=True)], self.conditions, self.notes, verdict(self.report))

    @deep
    def pretty(self, latex=False, unicode=False):
        """The result with shared subexpressions named: 'diag(s) - s s^T where s = softmax(x)'; unicode=True
        writes 'diag(s) − s sᵀ' (it parses back too)."""
        from .printers.latex import to_latex
        from .printers.text import to_text
        from .printers.unicode import to_unicode
        names = self.named_subexpressions()
        show = to_latex if latex else to_unicode if unicode else \
            (lambda e, names=None: to_text(e, names=names, sized=False))
        body = show(self.shown_expr, names=names)
        if not names:
            return body
        defs = []
        # dependency order: a subexpression is named before anything that uses it (u = W x, s = softmax(u))
        for node, name in sorted(names.items(), key=lambda item: sum(1 for _ in E.nodes(item[0]))):
            others = {k: v for k, v in names.items() if k is not node}
            defs.append(f"{show(E.Var(name, node.shape, frozenset()))} = {show(node, names=others)}")
        if latex:
            return body + r"\quad\text{where } " + r",\ ".join(defs)
        return body + "  where " + ", ".join(defs)

    @property
    def shown_expr(self):
        """The result as printed: `expr` with its sums in the order they were typed where the function has
        them (det(A + x xᵀ)); `expr` itself keeps the canonical order."""
        return typed_order(self.expr, self.function)

    def named_subexpressions(self):
        """node → name: what the user defined (h = tanh(W x + b)) under their names, in the order they
        defined them, then the shared subexpressions a reader would name (s = softmax(x)); nodes of
        `shown_expr`."""
        from .printers.text import shared_names
        shown = self.shown_expr
        present = set(E.nodes(shown))
        names = {node: name for name, node in self.definitions.items() if node in present}
        from .printers.backprop import textbook_names
        names.update(textbook_names(self, shown, names))  # A = softmax(Q Kᵀ/s); Xᵀ δ, δ the back-propagated error
        taken = set(names.values())
        for node, name in shared_names(shown).items():
            if node in names:
                continue
            base, i = name, 1
            while name in taken:
                name, i = f"{base}{i}", i + 1
            names[node] = name
            taken.add(name)
        return names

    @property
    @on_deep_stack("record its steps")
    def steps(self):
        """The derivation step by step (recorded on first use: a derivation without it is faster)."""
        if self._steps is None:
            self._steps = Derivation(without_detours(self._steps_factory()) if self._steps_factory is not None else [])
            from .printers.step_names import step_names
            # the result's names (A, σ, X̂, δ) and s for softmax(W x + b) six times a line
            self._steps.names, self._steps.defined = step_names(self)
        return self._steps

    @steps.setter
    def steps(self, value):
        self._steps = value

    def steps_text(self, unicode=False):
        """The derivation, one equation per line with the rule that justifies it (unicode=True: xᵀ, ⊙, ‖x‖)."""
        return "\n".join(self.steps.text_lines(unicode=unicode))

    def steps_latex(self):
        """The derivation as a LaTeX aligned block, each rule's identities set as math."""
        return "\\begin{aligned}\n" + " \\\\\n".join(self.steps.latex_rows()) + "\n\\end{aligned}"

    def _run_check(self, seed):
        """Compare with central finite differences; returns a CheckReport."""
        from .check import run_check
        report = run_check(self._check_function, self._check_expr or self.expr, self.wrt, self._check_kind, seed,
                           along=getattr(self, "along", None))
        if self.kind == "hessian" and report.status != "failed":
            # The Jacobian check above compares H with differences of matcalc's own gradient, so a wrong
            # first-derivative rule would give a self-consistent wrong Hessian: compare with f itself too.
            second = run_check(self.function, self._check_expr or self.expr, self.wrt, "hessian", seed,
                               first=self.first)
            if second.status == "failed" or report.status == "inconclusive":
                return second
        return report

    @property
    def layout_note(self):
        return LAYOUTS[self.layout]

    def with_layout(self, layout):
        """The same result in another book's layout (see LAYOUTS); the check still runs on the default form."""
        from .simplify import simplify
        if layout not in LAYOUTS:
            raise MatcalcError(f"unknown layout '{layout}'; choose one of {', '.join(LAYOUTS)}")
        if layout == self.layout:
            return self
        transpose = (self.kind == "gradient" and layout == "numerator") or \
                    (self.kind == "jacobian" and layout == "denominator")
        if transpose and not self.wrt.is_scalar:
            self._check_expr = self._check_expr or self.expr
            self.expr = simplify(E.Transpose(self._check_expr))
        self.layout = layout
        return self

    @on_deep_stack("convert")
    def to_sympy(self, **options):
        """The derivative as a SymPy matrix expression (see matcalc.sympy_bridge)."""
        from .sympy_bridge import to_sympy
        return to_sympy(self.expr, **options)

    @on_deep_stack("generate code for")
    def to_code(self, target="numpy", hessian=False, standalone=False, rule=None):
        """A standalone Python function (source) returning the value and the derivative(s); with
        `standalone`, a module that also tests it (random inputs, finite differences, `__main__`):
        for a gradient or a Jacobian (with `hessian`, a gradient and its Hessian). With `rule` ("jax",
        "torch"), a gradient's framework rule, as `matcalc.codegen(expr, wrt, rule=...)` writes it."""
        from .codegen import generate_joint
        if rule is not None:
            from .display import Results
            return Results({self.wrt.name: self}).to_code(target, standalone, rule)
        if standalone and self.kind not in ("gradient", "jacobian"):
            # the self-test compares a derivative with differences of the value along a random direction
            raise MatcalcError(f"a standalone module tests gradients and Jacobians against finite differences, not "
                               f"a {self.kind}: for a Hessian generate the gradient's with hessian=True "
                               f"(matcalc.codegen(expr, '{self.wrt.name}', hessian=True, standalone=True)), "
                               f"or generate this one without standalone")
        derivative, second = self.expr, None
        if hessian:     # the gradient and its Jacobian, as api.hessian derives them (unchecked here)
            from .simplify import budget
            from .structured import second_derivative
            with budget():          # the same work budget a public call has
                derivative, second, _, _, _ = second_derivative(self.function, self.wrt)
        from .result_code import SourceCode      # shown in a notebook as a code block
        return SourceCode(generate_joint(self.function, [(self.wrt, derivative)], self.kind, target,
                                         hessian=second, standalone=standalone, first=getattr(self, "first", None)))

    @on_deep_stack("generate code for")
    def to_numpy(self):
        """A callable taking every variable as a keyword argument (vectors 1-D) and returning the derivative."""
        from .codegen import numpy_callable
        return numpy_callable(self.function, self.expr, self.wrt, self.kind)


class Differential:
    """df written the way people write it in their notes."""

    def __init__(self, function, wrt, derivative, kind, conditions, notes=()):
        self.function, self.wrt, self.derivative, self.kind = function, wrt, derivative, kind
        self.conditions, self.notes = conditions, list(notes)

    def _parts(self, printer, d, tr, transpose):
        m = printer(self.derivative)
        latex = printer is not str
        _par = (lambda t: t if t.replace("_", "").isalnum() else rf"\left({t}\right)") if latex else _paren
        if self.kind == "gradient":
            if self.wrt.is_scalar:
                return f"df = {_par(m)} {d}{self.wrt_name(printer)}"
            return f"df = {tr}({_par(m)}{transpose} {d}{self.wrt_name(printer)})"
        if self.wrt.is_vector or self.wrt.is_scalar:
            lhs = "df" if self.function.shape[1] == 1 else f"d vec F"
            return f"{lhs} = {_par(m)} {d}{self.wrt_name(printer)}"
        return f"d vec F = {_par(m)} {d} vec({self.wrt_name(printer)})"

    def wrt_name(self, printer):
        return printer(self.wrt)

    def __str__(self):
        return self._parts(str, "d", "tr", "^T")

    def latex(self):
        from .printers.latex import to_latex
        text = self._parts(to_latex, r"\mathrm{d}", r"\operatorname{tr}", r"^{\top}")
        return text.replace("df", r"\mathrm{d}f").replace("d vec F", r"\mathrm{d}\operatorname{vec} F")

    def __repr__(self):
        return f"<Differential {self}>"


def _paren(text):
    return text if text.replace("_", "").isalnum() else f"({text})"
