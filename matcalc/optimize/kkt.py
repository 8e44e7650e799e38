"""The KKT conditions of a problem: the Lagrangian, stationarity by matcalc's own (checked) gradients,
primal and dual feasibility, complementary slackness; and, when stationarity is linear in the
variables, the KKT block system with its closed-form solution, or the eigenproblem of a quadratic
form on the sphere.

Convention: every inequality is written g(x) ≤ 0 and every equality h(x) = 0, so that
L = f + Σ ⟨λᵢ, gᵢ⟩ + Σ ⟨νⱼ, hⱼ⟩ with λᵢ ≥ 0; a multiplier has its constraint's shape (a vector
constraint x ≥ 0 has a vector of multipliers). A `max` problem is the `min` of −f.
"""
from .. import expr as E
from ..api import grad, guarded, hessian, jacobian
from ..display import Display, RichDisplay, verdict
from ..simplify import simplify
from .problem import read_problem
from .rewrite import rewrite, substitute


def inner(m, g):
    """⟨m, g⟩ as a scalar expression."""
    if g.is_scalar:
        return E.product(m, g)
    if g.shape[1] == 1:
        return E.product(E.Transpose(m), g)
    return E.Trace(E.product(E.Transpose(m), g))


def _constant_in(e, variables):
    names = {v.name for v in variables}
    return not any(isinstance(v, E.Var) and v.name in names for v in e.free)


class KKT(RichDisplay):
    """The conditions; `text()`, `latex()`, `as_dict()`; in Jupyter, the aligned rows with the checks."""

    def __init__(self, problem, multipliers, lagrangian, stationarity, linear=None, eigen=None):
        self.problem, self.multipliers, self.lagrangian = problem, multipliers, lagrangian
        self.stationarity = stationarity      # [(var, Result)]
        self.linear, self.eigen = linear, eigen

    @property
    def shown_lagrangian(self):
        """L in the order the textbooks write it, f + Σ⟨λᵢ, gᵢ⟩ + Σ⟨νⱼ, hⱼ⟩, each constraint as typed (display
        only: `lagrangian` is the simplified form the derivatives are taken of)."""
        from ..display import typed_order
        p = self.problem
        f = p.minimized
        terms = []
        for c, m in zip(p.constraints, self.multipliers):
            term = inner(m, c.shown)
            terms.append(typed_order(simplify(term), term))     # tr(-λᵀX) is -tr(λᵀX); ν(xᵀx - 1) stays so
        return E.Add(*(list(f.terms) if isinstance(f, E.Add) else [f]), *terms) if terms else f

    @property
    def checks(self):
        return [r.report for _, r in self.stationarity if r.report is not None]

    def _rows(self):
        """(label, parts): a part is an expression, plain words, or M(text, latex) for a symbol."""
        p = self.problem
        rows = []
        over = ", ".join(f"{v.name} ({v.describe()})" for v in p.variables)
        rows.append(("problem", ["minimize " if p.sense == "min" else "maximize ", p.objective, f" over {over}"]))
        for r in p.rewrites:
            rows.append(("rewrite", [r]))
        rows.append(("Lagrangian", [M("L = ", "L = "), self.shown_lagrangian]))
        for v, r in self.stationarity:
            rows.append(("stationarity", [M(f"∇_{v.name} L = ", rf"\nabla_{{{_lx(v)}}} L = "), r.expr, M(" = 0", " = 0")]))
            for c in r.conditions:      # where the problem is smooth (log: h > 0; ||x||: x ≠ 0)
                rows.append(("holds where", [c]))
        for c in p.constraints:
            rel = M(" ≤ 0", r" \le 0") if c.kind == "ineq" else M(" = 0", " = 0")
            rows.append(("primal feasibility", [c.shown, rel, f"   [{c.text}]" + (" (a bound)" if c.bound else "")]))
        for c, m in zip(p.constraints, self.multipliers):
            if c.kind == "ineq":
                rows.append(("dual feasibility", [m, M(" ≥ 0", r" \ge 0")]))
        for c, m in zip(p.constraints, self.multipliers):
            if c.kind == "ineq":
                op = M(" (", r" \left(") if c.expr.is_scalar else M(" ⊙ (", r" \odot \left(")
                rows.append(("complementary slackness", [m, op, c.shown, M(") = 0", r"\right) = 0")]))
        for k, val in (self.linear or {}).items():
            rows.append((k, val if isinstance(val, list) else [val]))
        if self.eigen:
            rows.append(("eigenproblem", self.eigen))
        return rows

    def text(self):
        lines = [f"{label}: " + "".join(_part_text(x) for x in parts) for label, parts in self._rows()]
        for c in self.checks:
            lines.append(f"  ∇ checked numerically: {c.status} (max relative error {c.max_rel_error:.1e})")
        return "\n".join(lines + [f"note: {n}" for n in self.problem.notes])

    def latex(self):
        out = [rf"\text{{{label}: }} & " + " ".join(_part_latex(x) for x in parts) for label, parts in self._rows()]
        return "\\begin{aligned}\n" + " \\\\\n".join(out) + "\n\\end{aligned}"

    def __repr__(self):
        return self.text()

    def _display(self):
        rows = [rf"\text{{{label}: }} & " + " ".join(_part_latex(x) for x in parts) for label, parts in self._rows()]
        checks = "; ".join(f"∇_{v.name} L: {verdict(r.report)}" for v, r in self.stationarity if r.report is not None)
        return Display(rows, (), self.problem.notes, checks or None, aligned=True)

    def steps_text(self, unicode=False):
        """How each stationarity condition was derived: the steps of ∇ₓL, one block per variable (f is L)."""
        return "\n\n".join(f"steps of ∇_{v.name} L (f = L):\n{r.steps_text(unicode=unicode)}"
                            for v, r in self.stationarity)

    def steps_latex(self):
        """The steps of each ∇ₓL as a LaTeX aligned block, each after a comment naming it."""
        return "\n".join(f"% steps of \\nabla_{{{_lx(v)}}} L (f = L):\n{r.steps_latex()}" for v, r in self.stationarity)

    def as_dict(self, steps=False):
        p = self.problem
        extra = {"steps": {v.name: [{"rule": st.rule, "text": st.text, "latex": st.latex} for st in r.steps]
                           for v, r in self.stationarity}} if steps else {}
        return extra | {
            "sense": p.sense, "objective": str(p.objective),
            "variables": {v.name: v.describe() for v in p.variables},
            "rewrites": p.rewrites,
            "multipliers": {m.name: {"shape": m.describe(), "constraint": c.text, "kind": c.kind,
                                     "bound": c.bound is not None}
                            for c, m in zip(p.constraints, self.multipliers)},
            "lagrangian": str(self.shown_lagrangian),
            "stationarity": {v.name: str(r.expr) for v, r in self.stationarity},
            "conditions": [c for _, r in self.stationarity for c in r.conditions],
            "primal_feasibility": [f"{c.shown} {'<= 0' if c.kind == 'ineq' else '== 0'}" for c in p.constraints],
            "dual_feasibility": [f"{m.name} >= 0" for c, m in zip(p.constraints, self.multipliers) if c.kind == "ineq"],
            "complementary_slackness": [f"{m.name} .* ({c.shown}) == 0"
                                        for c, m in zip(p.constraints, self.multipliers) if c.kind == "ineq"],
            "linear_system": {k: "".join(_part_text(x) for x in v) for k, v in (self.linear or {}).items()},
            "closed_form": str(self.linear["closed form"][-1]) if self.linear and "closed form" in self.linear else None,
            "eigenproblem": "".join(_part_text(x) for x in self.eigen) if self.eigen else None,
            "checks": [c.as_dict() for c in self.checks],
            "notes": p.notes,
        }


class M(tuple):
    """A symbol between expressions: its text and its LaTeX."""
    def __new__(cls, text, latex):
        return tuple.__new__(cls, (text, latex))


def _lx(v):
    from ..printers.latex import latex_name
    return latex_name(v.name)


def _part_text(x):
    return x[0] if isinstance(x, M) else x if isinstance(x, str) else str(x)


def _part_latex(x):
    from ..printers.latex import to_latex
    if isinstance(x, M):
        return x[1]
    if isinstance(x, str):
        from ..printers.latex import latex_name
        text = r"\text{" + x.replace("\\", "/").replace("{", "(").replace("}", ")").replace("_", r"\_") \
            .replace("^", r"\textasciicircum{}").replace("#", "").replace("%", "").replace("&", "and") \
            .replace("$", "") + "}"
        # a Greek letter (λ, μ) leaves text mode: \text{…}\lambda\text{…}
        return "".join("}" + latex_name(ch) + r"\text{" if "\u0370" <= ch <= "\u03ff" else ch for ch in text)
    return to_latex(x)


def _multipliers(problem):
    taken = {v.name for v in E.nodes(problem.objective) if isinstance(v, E.Var)}
    for c in problem.constraints:
        taken |= {v.name for v in E.nodes(c.expr) if isinstance(v, E.Var)}
    ineq = [c for c in problem.constraints if c.kind == "ineq"]
    eq = [c for c in problem.constraints if c.kind == "eq"]
    out, counts = [], {"ineq": 0, "eq": 0}
    for c in problem.constraints:
        base = "lambda" if c.kind == "ineq" else "nu"
        counts[c.kind] += 1
        single = len(ineq if c.kind == "ineq" else eq) == 1
        name = base if single else f"{base}_{counts[c.kind]}"
        while name in taken:
            name += "_"
        taken.add(name)
        out.append(E.Var(name, c.expr.shape, frozenset()))
    return out


@guarded
def kkt(problem, where=None, wrt=None, *, check=True, seed=None):
    """The KKT conditions of `problem` ('min f st g <= 0, h == 0'); see the module docstring."""
    p = rewrite(read_problem(problem, where, wrt))
    multipliers = _multipliers(p)
    f = p.minimized
    L = f
    for c, m in zip(p.constraints, multipliers):
        L = E.Add(L, inner(m, c.expr))
    L = simplify(L)
    stationarity = []
    for v in p.variables:
        r = grad(L, v, check=check, seed=seed)
        stationarity.append((v, r))
    linear = _linear_system(p, f, multipliers) if len(p.variables) == 1 else None
    eigen = _eigenproblem(p, f, multipliers) if len(p.variables) == 1 and not linear else None
    return KKT(p, multipliers, L, stationarity, linear, eigen)


def _linear_system(p, f, multipliers):
    """{label: expression or text} of the KKT block system when f is quadratic and every constraint a
    linear equality; None otherwise."""
    x = p.variables[0]
    if not x.is_vector or any(c.kind != "eq" for c in p.constraints):
        return None
    try:
        Q = hessian(f, x, check=False).expr
    except Exception:       # a derivation the Hessian rules do not cover: no linear system to state
        return None
    if not _constant_in(Q, [x]):
        return None
    zero = E.Zero(x.shape)
    c = simplify(substitute(grad(f, x, check=False).expr, {x: zero}))
    eqs = []
    for con in p.constraints:
        h = con.expr
        if h.is_scalar:
            J = simplify(E.Transpose(grad(h, x, check=False).expr))
        elif h.shape[1] == 1:
            J = jacobian(h, x, check=False).expr
        else:
            return None
        if not _constant_in(J, [x]):
            return None
        b = simplify(E.negate(substitute(h, {x: zero})))
        eqs.append((J, b))
    out = {"KKT system": ["stationarity and the constraints are linear in the variables and multipliers"]}
    if not eqs and _zero(Q):
        return None
    if not eqs:
        # Q x = -c; a sum Q is bracketed, (A^T A + λ I) x, as the product it is
        lhs = [M("(", r"\left("), Q, M(")", r"\right)")] if isinstance(Q, E.Add) else [Q]
        out["block system"] = lhs + [M(f" {x.name} = ", f" {_lx(x)} = "), simplify(E.negate(c))]
        out["closed form"] = [M(f"{x.name} = ", f"{_lx(x)} = "), simplify(E.negate(E.product(E.Inverse(Q), c)))]
        out["exists when"] = [Q, " is invertible"]
        return out
    parts = [M("[[", r"\begin{bmatrix}"), Q]
    for J, _ in eqs:
        parts += [M(", ", " & "), simplify(E.Transpose(J))]
    for J, _ in eqs:
        parts += [M("], [", r" \\ "), J] + [M(", 0", " & 0")] * len(eqs)
    mults = "; ".join(m.name for m in multipliers)
    parts += [M("]] ", r"\end{bmatrix}"), M(f"[{x.name}; {mults}] = [", r"\begin{bmatrix}" + _lx(x) + r" \\ " +
              r" \\ ".join(_lx(m) for m in multipliers) + r"\end{bmatrix} = \begin{bmatrix}"),
              simplify(E.negate(c))]
    for _, b in eqs:
        parts += [M("; ", r" \\ "), b]
    out["block system"] = parts + [M("]", r"\end{bmatrix}")]
    if _zero(Q):
        out["closed form"] = ["none: the objective is linear (a linear program), its KKT matrix is singular"]
        return out
    if len(eqs) == 1:
        A, b = eqs[0]
        Qi = E.Inverse(Q)
        AQiAt = E.product(A, Qi, E.Transpose(A))
        inside = E.Add(b, E.product(A, Qi, c)) if not _zero(c) else b
        sol = E.product(Qi, E.Add(E.product(E.Transpose(A), E.Inverse(AQiAt), inside), E.negate(c)))
        out["closed form"] = [M(f"{x.name} = ", f"{_lx(x)} = "), simplify(sol)]
        k, rest = E.coefficient(Q)
        out["exists when"] = ([A, " has full row rank"] if isinstance(rest, E.Identity) and k != 0 else
                              [Q, " is invertible and ", A, " has full row rank"])
    return out


def _zero(e):
    return isinstance(e, E.Zero) or e is E.Num(0)


def _eigenproblem(p, f, multipliers):
    """'A x = μ x …' for min/max of a quadratic form xᵀ A x on the sphere xᵀ x = r (one equality)."""
    x = p.variables[0]
    if not x.is_vector or len(p.constraints) != 1 or p.constraints[0].kind != "eq":
        return None
    h = p.constraints[0].expr
    if not h.is_scalar:
        return None
    try:
        H, Hh = hessian(f, x, check=False).expr, hessian(h, x, check=False).expr
    except Exception:
        return None
    zero = E.Zero(x.shape)
    if not (_constant_in(H, [x]) and _constant_in(Hh, [x])):
        return None
    if not (_zero(simplify(substitute(grad(f, x, check=False).expr, {x: zero})))
            and _zero(simplify(substitute(grad(h, x, check=False).expr, {x: zero})))):
        return None
    k, rest = E.coefficient(Hh)
    if not isinstance(rest, E.Identity) or k <= 0:
        return None
    user = H if p.sense == "min" else simplify(E.negate(H))          # the Hessian of the user's f
    S = simplify(E.product(E.Num(E.Fraction(1, 2)), user))
    r = simplify(E.product(E.Num(E.Fraction(2) / k), E.negate(substitute(h, {x: zero}))))
    nu = multipliers[0].name
    scale = E.Fraction(k, 2) * (-1 if p.sense == "min" else 1)        # mu = -s k/2 nu
    mu = {1: nu, -1: f"-{nu}"}.get(scale, f"{scale} {nu}")
    which = "smallest" if p.sense == "min" else "largest"
    f_at = "f = μ" if r is E.Num(1) else "f = " + str(r) + " μ"      # the μ of A x = μ x, not a name mu
    return [S, M(f" {x.name} = μ {x.name}", rf" {_lx(x)} = \mu {_lx(x)}"), f" with μ = {mu} and ",
            M(f"{x.name}^T {x.name} = ", rf"{_lx(x)}^\top {_lx(x)} = "), r,
            f": {x.name} is an eigenvector of the symmetric ", S, f", {f_at}; the {p.sense}imum is at an eigenvector "
            f"of the {which} eigenvalue"]
