"""The public API: parse → differentiate → simplify → identify → print → check."""
from contextvars import ContextVar

from . import expr as E
from .errors import DiffError, MatcalcError
from .parse import parse
from .display import Derivation, Display, Results, RichDisplay, typed_order, typed_text, verdict
from .stack import call, deep

SYMMETRIC_NOTE = ("{name} is symmetric: the result is the gradient on symmetric matrices, "
                  "sym(G) = (G + Gᵀ)/2 with G the unconstrained gradient (the Matrix Cookbook's "
                  "G + Gᵀ − G ⊙ I is not a gradient; see docs/symmetric.md)")
DIAGONAL_NOTE = "{name} is diagonal: the result is the gradient on diagonal matrices, G ⊙ I"


def find_var(expr, wrt, named=None):
    """The variable called `wrt`; `named` holds variables of the text that simplified away (x + 0 y)."""
    from .vocabulary import NAME as _NAME
    from .vocabulary import plain_name, show_text, spelling
    if isinstance(wrt, E.Var):
        return wrt
    if not isinstance(wrt, str):
        raise DiffError(f"wrt must be a variable name, got {type(wrt).__name__}")
    for v in expr.free:
        if isinstance(v, E.Var) and v.name == wrt:
            return v
    if named and wrt in named:
        return named[wrt]
    known = [v for v in expr.free if isinstance(v, E.Var)] + list((named or {}).values())
    same = next((v for v in known if spelling(v.name) == spelling(wrt)), None)     # σ, sigma, \sigma
    if same is not None:
        return same
    wrt = plain_name(wrt)
    names = sorted(v.name for v in expr.free if isinstance(v, E.Var))
    if not _NAME.match(wrt):
        raise DiffError(f"can only differentiate with respect to a variable name, not '{show_text(wrt)}'"
                        f" (variables: {', '.join(names) or 'none'})")
    raise DiffError(f"'{wrt}' does not occur in the expression (its variables: {', '.join(names) or 'none'})")


# The notes of the texts parsed during the current public call (how a `/` or a name was read): every
# Result made in that call shows them, so they reach the output of every command, not only `parse`.
_parse_notes = ContextVar("parse_notes", default=None)
# The names the user defined in those texts (h = tanh(W x + b)): results print them, as a textbook does.
_parse_definitions = ContextVar("parse_definitions", default=None)


def parse_notes():
    """The notes of the texts parsed so far in the current call or command (a copy)."""
    return list(_parse_notes.get() or ())


def collecting_parse_notes():
    """Context manager: collect parse notes for a whole command (the CLI wraps every command in it)."""
    import contextlib

    @contextlib.contextmanager
    def collecting():
        token, dtoken = _parse_notes.set([]), _parse_definitions.set({})
        try:
            yield
        finally:
            _parse_notes.reset(token)
            _parse_definitions.reset(dtoken)
    return collecting()


def _parse(expr, where, need=None, wrt=()):
    """(expression, every variable named in the text); need="scalar" for a gradient or a Hessian; the
    names in `wrt` are names (a run of letters such as `pred` is not split when it is asked for)."""
    if isinstance(expr, E.Expr):
        return expr, {}
    from .parse import parse_solved
    names = [n for n in (wrt if isinstance(wrt, (list, tuple)) else [wrt]) if isinstance(n, str)]
    parsed = parse_solved(expr, where, need=need, names=names)
    notes = _parse_notes.get()
    if notes is not None:
        notes.extend(n for n in parsed.notes if n not in notes)
    defined = _parse_definitions.get()
    if defined is not None:
        defined.update(parsed.definitions)
    return parsed.expr, parsed.names


def guarded(fn):
    """Every public entry point: a work budget, a deep stack when needed, and recursion past even that
    reported as a LimitError."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import LimitError
        from .simplify import budget

        def budgeted():
            with budget():
                return fn(*args, **kwargs)
        token = _parse_notes.set([]) if _parse_notes.get() is None else None
        dtoken = _parse_definitions.set({}) if _parse_definitions.get() is None else None
        try:
            return call(budgeted)
        except RecursionError:
            raise LimitError("the expression is nested too deeply to derive") from None
        except OverflowError:   # an exact constant (1e300 · 1e300) past what a double holds, met when evaluated
            raise LimitError("a number in the expression or its derivative is beyond double precision "
                             "(about 1.8e308), so it cannot be evaluated or checked; rescale the constants") from None
        finally:
            if token is not None:
                _parse_notes.reset(token)
            if dtoken is not None:
                _parse_definitions.reset(dtoken)
    return wrapper


def on_deep_stack(what):
    """A method that walks the result's tree (check, code, steps): retried on the deep stack when
    Python's recursion limit is reached, as the derivation itself is (a 120-layer network's gradient
    derived with check=False raised RecursionError from .check() and .to_numpy()), and a LimitError
    past even that."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from .errors import LimitError
            try:
                return call(fn, *args, **kwargs)
            except RecursionError:
                raise LimitError(f"the expression is nested too deeply to {what}") from None
        return wrapper
    return wrap


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
        self.conditions = [typed_text(c, function) for c in conditions]
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
            self._steps = Derivation(self._steps_factory() if self._steps_factory is not None else [])
        return self._steps

    @steps.setter
    def steps(self, value):
        self._steps = value

    def steps_text(self):
        """The derivation, one equation per line with the rule that justifies it."""
        return "\n".join(f"{s.text}    [{s.rule}]" for s in self.steps)

    def steps_latex(self):
        """The derivation as a LaTeX aligned block, each rule's identities set as math."""
        from .printers.document import rule_math
        lines = []
        for s in self.steps:
            lhs, rhs = s.latex.split(" = ", 1)
            lines.append(f"{lhs} &= {rhs} && \\text{{{rule_math(s.rule)}}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

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
    def to_code(self, target="numpy", hessian=False, standalone=False):
        """A standalone Python function (source) returning the value and the derivative(s); with
        `standalone`, a module that also tests it (random inputs, finite differences, `__main__`)."""
        from .codegen import generate_joint
        from .api import hessian as hessian_of      # the parameter `hessian` shadows the function
        h = hessian_of(self.function, self.wrt, check=False) if hessian else None
        derivative = h.gradient if hessian else self.expr
        return generate_joint(self.function, [(self.wrt, derivative)], self.kind, target,
                              hessian=h.expr if hessian else None, standalone=standalone)

    @on_deep_stack("generate code for")
    def to_numpy(self):
        """A callable taking every variable as a keyword argument (vectors 1-D) and returning the derivative."""
        from .codegen import numpy_callable
        return numpy_callable(self.function, self.expr, self.wrt, self.kind)


def _gradient(f, wrt, steps=None):
    from .derive import Step, gradient_of
    from .simplify import simplify
    grad, df, conditions = gradient_of(f, wrt, steps)
    notes = []
    if wrt.has("diagonal"):
        g = simplify(E.Hadamard(grad, E.Identity(wrt.shape[0])))
        notes.append(DIAGONAL_NOTE.format(name=wrt.name))
    elif wrt.has("symmetric"):
        g = simplify(E.product(E.Num(E.Fraction(1, 2)), E.Add(grad, E.Transpose(grad))))
        notes.append(SYMMETRIC_NOTE.format(name=wrt.name))
    else:
        return grad, df, conditions, notes
    if steps is not None:
        from .derive import Label
        from .printers.latex import latex_name
        label = Label(f"∂f/∂{wrt.name}", rf"\frac{{\partial f}}{{\partial {latex_name(wrt.name)}}}")
        steps.append(Step(notes[-1].split(":")[0] + ": the gradient on its matrix space", label, g))
    return g, df, conditions, notes


@guarded
def grad(expr, wrt, *, where=None, check=True, seed=None, layout="mixed"):
    """The gradient of a scalar expression, in the shape of the variable.

    >>> str(grad("x^T A x", "x", check=False))
    '(A + A^T) x'
    """
    f, named = _parse(expr, where, need="scalar", wrt=wrt)
    if isinstance(wrt, (list, tuple)):
        return Results({name: grad(f, find_var(f, name, named), check=check, seed=seed, layout=layout)
                        for name in wrt})
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the gradient needs a scalar expression, but this one is a {fmt_shape(f.shape)}; "
                        f"use jacobian for vector- or matrix-valued functions")
    g, df, conditions, notes = _gradient(f, var)
    result = Result("gradient", f, var, g, differential=df, conditions=conditions, notes=notes, seed=seed)
    result._steps_factory = lambda: _recorded(_gradient, f, var)
    result.with_layout(layout)
    if check:
        result.check()
    return result


def _recorded(derivation, *args):
    """Run a derivation again, recording its steps (the simplifier's memo makes this cheap)."""
    steps = []
    derivation(*args, steps)
    return steps


def _hessian_steps(f, var, g, var2):
    from .derive import DF, Label, Step, jacobian_of
    from .printers.latex import latex_name
    steps = _recorded(_gradient, f, var)
    dg_label = Label(f"d(∂f/∂{var.name})",
                     rf"\mathrm{{d}}\left(\frac{{\partial f}}{{\partial {latex_name(var.name)}}}\right)")
    for i, st in enumerate(_recorded(jacobian_of, g, var2)):
        rule = "the gradient's differential: " + st.rule.split(": ", 1)[-1] if i == 0 else st.rule
        steps.append(Step(rule, dg_label if st.lhs == DF else st.lhs, st.rhs))
    return steps


def _refuse_structured(var, what):
    if var.has("symmetric") or var.has("diagonal"):
        kind = "diagonal" if var.has("diagonal") else "symmetric"
        raise DiffError(f"{what} w.r.t. a {kind} variable ({var.name}) is not supported yet: the gradient "
                        f"rule for {kind} matrices does not carry over to second derivatives and Jacobians as "
                        f"is; declare {var.name} without the property to get the unconstrained result")


@guarded
def jacobian(expr, wrt, *, where=None, check=True, seed=None, layout="mixed"):
    """The Jacobian J with vec(dF) = J vec(dX): m×n for F: Rⁿ → Rᵐ, column-major vec for matrices.

    >>> str(jacobian("A x", "x", check=False))
    'A'
    """
    from .derive import jacobian_of
    F, named = _parse(expr, where, wrt=wrt)
    var = find_var(F, wrt, named)
    _refuse_structured(var, "a Jacobian")
    J, dF, conditions = jacobian_of(F, var)
    result = Result("jacobian", F, var, J, differential=dF, conditions=conditions, check_kind="jacobian",
                    seed=seed)
    result._steps_factory = lambda: _recorded(jacobian_of, F, var)
    result.with_layout(layout)
    if check:
        result.check()
    return result


@guarded
def hessian(expr, wrt, *, where=None, wrt2=None, check=True, seed=None):
    """The Hessian: the Jacobian of the gradient (n×n for x ∈ Rⁿ, mn×mn on vec X for a matrix).

    With wrt2=y, the mixed second derivative: the n×p matrix of ∂²f/∂xᵢ∂yⱼ.

    >>> str(hessian("x^T A x", "x", check=False))
    'A + A^T'
    """
    from .derive import jacobian_of
    f, named = _parse(expr, where, need="scalar", wrt=wrt)
    var = find_var(f, wrt, named)
    var2 = find_var(f, wrt2, named) if wrt2 is not None else var
    _refuse_structured(var, "a Hessian")
    _refuse_structured(var2, "a Hessian")
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the Hessian needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    g, _, conditions, _ = _gradient(f, var)
    H, dg, more = jacobian_of(g, var2)
    conditions = conditions + [c for c in more if c not in conditions]
    result = Result("hessian", f, var2, H, differential=dg, conditions=conditions, check_function=g,
                    check_kind="jacobian", seed=seed)
    result.gradient, result.first = g, var
    result._steps_factory = lambda: _hessian_steps(f, var, g, var2)
    if check:
        result.check()
    return result


@guarded
def differential(expr, wrt, *, where=None):
    """The canonical differential: df = tr(Gᵀ dX) for scalar f, d vec F = J d vec X otherwise."""
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if f.is_scalar:
        g, df, conditions, notes = _gradient(f, var)
        return Differential(f, var, g, "gradient", conditions, parse_notes())
    _refuse_structured(var, "a Jacobian")
    from .derive import jacobian_of
    J, dF, conditions = jacobian_of(f, var)
    return Differential(f, var, J, "jacobian", conditions, parse_notes())


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


@guarded
def directional(expr, wrt, along, *, where=None, check=True, seed=None):
    """The directional derivative ∇f(x)ᵀ v in closed form (v gets the shape of x)."""
    from .derive import directional_of
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    v = _direction_var(f, var, along)
    g, _, conditions, _ = _gradient(f, var)
    D = directional_of(g, var, v)
    result = Result("directional derivative", f, var, D, conditions=conditions, check_kind="directional",
                    seed=seed)
    result.along = v
    if check:
        result.check()
    return result


@guarded
def hvp(expr, wrt, v, *, where=None, check=True, seed=None):
    """The Hessian-vector product H v without forming H: d(∇f) with dx := v."""
    from .derive import differential as diff_of
    from .derive import substitute
    from .simplify import simplify
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    _refuse_structured(var, "a Hessian")
    direction = _direction_var(f, var, v)
    g, _, conditions, _ = _gradient(f, var)
    dg, more = diff_of(g, var)
    Hv = E.Zero(var.shape) if dg is None else simplify(substitute(dg, {E.Differential(var): direction}))
    result = Result("Hessian-vector product", f, var, Hv, conditions=conditions, check_function=g,
                    check_kind="directional", seed=seed)
    result.along = direction
    if check:
        result.check()
    return result


def _direction_var(f, var, name):
    if isinstance(name, E.Var):
        return name
    from .vocabulary import NAME, plain_name, show_text, spelling
    existing = [v for v in f.free if isinstance(v, E.Var) and spelling(v.name) == spelling(name)]
    if existing:
        if existing[0].shape != var.shape:
            raise DiffError(f"the direction {name} must have the shape of {var.name}")
        return existing[0]
    name = plain_name(name)
    if not isinstance(name, str) or not NAME.match(name):
        raise DiffError(f"the direction must be a variable name, not '{show_text(name)}'")
    return E.Var(name, var.shape, frozenset())


__all__ = ["grad", "jacobian", "hessian", "differential", "directional", "hvp", "Result", "MatcalcError"]
