"""A problem (read and rewritten) as generated NumPy functions and the spec naming them (runtime.py
describes the spec): the objective's value and gradients from one function (shared work), its
Hessian blocks from another when matcalc derives them (else SciPy's BFGS), bounds (x ≥ 0, 0 ≤ a ≤ c)
from the constants' code, and for every other constraint its values with its Jacobian blocks, and
for a nonlinear one ∇ₓ(μᵀg) — the transposed-Jacobian product the augmented Lagrangian uses — and
its Hessian-vector product; the objective's Hessian-vector product where the dense Hessian would be
too large. `solve` compiles the code in-process (`compiled`: all functions as one module, compiled
once); emit.py writes the same code and spec into a standalone module (`codegen --solver`).

The derivations are matcalc's own (structured.py, derive.py) without the public API's Result around
them: solve shows no steps, notes or layouts of them, and each Hessian block is the Jacobian of the
gradient already derived for the objective's function (api.hessian would derive that gradient again).
Each derivation still runs under its own work budget, as a public call would.
"""
from typing import NamedTuple

from .. import expr as E
from ..errors import MatcalcError
from .kkt import _constant_in


class Derived(NamedTuple):
    """A derivative and the conditions under which the function is differentiable (as text)."""
    expr: E.Expr
    conditions: list


def grad(f, v, check=False):
    """∇ᵥf, on v's matrix space (structured.gradient: sym(G) for a symmetric v). `check` is never
    done here: solve checks the compiled functions against each other instead (check.py)."""
    from ..display import typed_text
    from ..simplify import budget
    from ..structured import gradient as gradient_of
    with budget():
        g, _, conditions, _ = gradient_of(f, v)
    return Derived(g, [typed_text(c, f) for c in conditions])


def hessian(f, v, wrt2=None, check=False, gradient=None):
    """∂²f/∂v∂wrt2 (wrt2 = v when None) as api.hessian gives it: the Jacobian of `gradient` (∇ᵥf, derived
    here when not given) w.r.t. wrt2, restricted to wrt2's matrix space."""
    from ..derive import jacobian_of
    from ..simplify import budget
    from ..structured import restricted
    wrt2 = v if wrt2 is None else wrt2
    if gradient is None:
        gradient = grad(f, v).expr
    with budget():
        H, _, _ = jacobian_of(gradient, wrt2)
        return Derived(restricted(H, wrt2), [])


def jacobian(F, v, check=False):
    from ..simplify import budget
    from ..structured import jacobian as jacobian_of
    with budget():
        J, _, conditions, _ = jacobian_of(F, v)
    return Derived(J, conditions)


class Evaluated:
    """A function of the spec computed by matcalc's evaluator (numeric.py) from the derived
    expressions instead of generated code, with generated code's conventions (arguments and results:
    a float for a scalar, 1-D vectors, 2-D matrices; a 2-D column where code would give 1-D is read
    the same by runtime.py). For what `solve` runs once or twice per call — a constant Hessian, a
    linear constraint's values and Jacobian, a bound, the recovery of a rewritten variable — where
    generating and compiling code (0.3-0.7 ms a function at n = 20) cost more than it ever saves.
    Blocks c·M, M and (c·M)ᵀ share M's evaluation (the LASSO's ±AᵀA)."""

    def __init__(self, outputs, variables):
        self.outputs, self.variables = [_scaled(e) for e in outputs], list(variables)

    def __call__(self, *args):
        import numpy as np
        from ..numeric import evaluate
        env, sizes = {}, {}
        for v, a in zip(self.variables, args):
            a = np.asarray(a, dtype=float)
            a = a.reshape(1, 1) if v.is_scalar else a.reshape(-1, 1) if v.shape[1] == 1 else \
                a.reshape(1, -1) if v.shape[0] == 1 else a
            env[v] = a
            sizes.update((d, k) for d, k in zip(v.shape, a.shape) if isinstance(d, str))
        memo, out = {}, []
        for c, e, transposed in self.outputs:
            value = evaluate(e, env, sizes, memo)
            value = value * float(c) if c != 1 else value
            value = value.T if transposed else value
            out.append(float(value.reshape(())) if value.size == 1 and e.is_scalar else value)
        return out[0] if len(out) == 1 else tuple(out)


def _scaled(e):
    """(c, M, transposed) with e = c·M or (c·M)ᵀ: the blocks ±AᵀA and (−AᵀA)ᵀ evaluate AᵀA once."""
    transposed = isinstance(e, E.Transpose)
    c, rest = E.coefficient(e.arg if transposed else e)
    return c, rest, transposed


def _evaluable(outputs):
    """Whether the evaluator can compute them alone (a declared function's implementation is a
    parameter only generated code takes)."""
    from ..operators import Call, CallJacobian, ElementCall
    return not any(isinstance(n, (Call, CallJacobian, ElementCall)) for e in outputs for n in E.nodes(e))


class Ref:
    """A generated function in a spec, by name: `solve` links it to the compiled function, the
    emitted module's spec literal prints it as the bare name."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def _shape(v):
    return (v.shape[0], v.shape[1])


class Plan:
    """The generated code (one Code per function) and the spec naming its functions."""

    def __init__(self, problem, evaluate_once=False):
        self.p, self.codes, self.fresh, self.evaluate_once = problem, [], set(), evaluate_once
        # every name of the problem is a parameter: a Hessian block such as I_p ⊗ 2AᵀA has a size p that
        # only the variable X carries, though X itself is not in the block
        self.every = sorted(problem.data + problem.variables, key=lambda v: v.name)

    def evaluated(self, outputs, labels, fname, extra=()):
        """As `function`, by the evaluator when the plan allows it (solve's once-run functions)."""
        if not (self.evaluate_once and _evaluable(outputs)):
            return self.function(outputs, labels, fname, extra)
        variables = sorted(self.every + list(extra), key=lambda v: v.name)
        return Evaluated(outputs, variables), [v.name for v in variables]

    def function(self, outputs, labels, fname, extra=()):
        from ..codegen import generate
        variables = sorted(self.every + list(extra), key=lambda v: v.name)
        code = generate(outputs, labels, f"generated by matcalc solve: {fname}", "numpy", fname=fname,
                        variables=variables)
        self.codes.append(code)
        return Ref(code.fname), [v.name for v in code.variables]


def plan(p, hessian_blocks=True, hvp=True, literal_bounds=False, evaluate_once=False):
    """(Plan, spec) for a problem read and rewritten (read_problem, rewrite). hessian_blocks: the
    dense Hessian's blocks; hvp: the Hessian-vector product (for problems too large for the blocks);
    literal_bounds: a bound that is a number (x >= 0) or a name of the data (a <= c) is a Python
    function returning it, not generated code (solve, in-process; the emitted module keeps one
    function per bound). evaluate_once: a constant Hessian, linear constraints, bounds and the recovery
    of rewritten variables by matcalc's evaluator (Evaluated), not generated code (solve)."""
    from ..vocabulary import spelling
    pl = Plan(p, evaluate_once)
    f = p.minimized
    notes = list(p.notes) + [f"rewrite: {r}" for r in p.rewrites]
    results = [grad(f, v) for v in p.variables]
    smooth = sorted({c for r in results for c in r.conditions})
    if smooth:
        notes.append("the objective is differentiable only where " + "; ".join(smooth))
    objective = pl.function([f] + [r.expr for r in results], ["value"] + [f"g{i}" for i in range(len(results))],
                            "objective_and_gradient")
    spec = {"problem": p.text, "sense": p.sense,
            "data": [(v.name, _shape(v), v.is_scalar) for v in p.data],
            "aliases": {v.name: [spelling(v.name)] for v in p.data if spelling(v.name) != v.name},
            "variables": [(v.name, _shape(v), v.is_scalar) for v in p.variables],
            "objective": objective,
            "hessian": _hessian(pl, f, p.variables, [r.expr for r in results],
                                all(c.bound is not None for c in p.constraints)) if hessian_blocks else None,
            "hvp": _hvp(pl, [r.expr for r in results], p.variables, "hessian_vector_product") if hvp else None,
            "bounds": [], "constraints": [], "recover": [], "notes": notes}
    for i, c in enumerate(p.constraints):
        if c.bound is not None:
            var, which, const = c.bound
            number = _number(const) if literal_bounds else None
            if number is not None:
                fn, params = (lambda v=number: v), []
            elif literal_bounds and isinstance(const, E.Var):       # 0 <= a <= c: c's own value
                fn, params = _itself, [const.name]
            else:
                fn, params = pl.evaluated([const], ["value"], f"bound_{i}")
            spec["bounds"].append((var.name, which, fn, params))
        else:
            spec["constraints"].append(_constraint(pl, c, p.variables, i))
    for name, e in p.recover.items():
        fn, params = pl.evaluated([e], ["value"], f"recover_{name}" if name.isidentifier() else f"recover_{len(spec['recover'])}")
        spec["recover"].append((name, fn, params, [v.name for v in p.variables if v in e.free]))
    return pl, spec


def _itself(value):
    return value


def _number(e):
    """The value of a constant that is a number (0, a zero vector, 1/2), else None."""
    if isinstance(e, E.Zero):
        return 0.0
    if isinstance(e, E.Num):
        return float(e.value)
    return None


def _hessian(pl, f, variables, gradients, bounds_only=False):
    """(fn, params, blocks, constant) of the objective's Hessian blocks, or None when matcalc cannot
    derive one (SciPy's BFGS then). `gradients`: ∇f per variable, already derived; `bounds_only`: the
    problem has no constraints but bounds."""
    derived = {}
    try:
        for i, (vi, g) in enumerate(zip(variables, gradients)):
            for vj in variables[i:]:       # ∂²f/∂y∂x = (∂²f/∂x∂y)ᵀ: the blocks below the diagonal are not derived
                derived[vi, vj] = hessian(f, vi, wrt2=vj, gradient=g).expr if vi is not vj else \
                    hessian(f, vi, gradient=g).expr
    except MatcalcError:
        return None
    blocks = [(vi, vj, derived[vi, vj] if (vi, vj) in derived else E.Transpose(derived[vj, vi]))
              for vi in variables for vj in variables]
    constant = all(_constant_in(b, variables) for _, _, b in blocks)
    # evaluated, not generated, where it runs a few times per solve: a constant Hessian once, and any
    # without constraints other than bounds a few times (Newton's method takes a handful of steps)
    make = pl.evaluated if constant or bounds_only else pl.function
    fn, params = make([b for _, _, b in blocks], [f"h{i}" for i in range(len(blocks))], "hessian_blocks")
    return (fn, params, [(vi.name, vj.name) for vi, vj, _ in blocks], constant)


def _inner(terms):
    """Σ ⟨a, b⟩ over pairs of expressions of one shape: sum(a ⊙ b), or a·b for scalars."""
    from ..operators import Sum
    parts = [E.Mul(a, b) if a.is_scalar else Sum(E.Hadamard(a, b)) for a, b in terms]
    return parts[0] if len(parts) == 1 else E.Add(*parts)


def _fresh(pl, base):
    taken = {v.name for v in pl.every} | pl.fresh
    name, k = base, 1
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    pl.fresh.add(name)
    return name


def _hvp(pl, gradients, variables, fname, extra=()):
    """(fn, params, direction names) of ∇ₓ⟨G(x), d⟩ for the gradients G per variable: the Hessian
    (of f, or of μᵀg when G = ∇ₓ(μᵀg)) times a direction d, never forming the Hessian — the gradient
    of a scalar, which matcalc derives in the gradient's own matrix form. None when it cannot."""
    directions = [E.Var(_fresh(pl, f"d_{v.name}"), v.shape, frozenset()) for v in variables]
    try:
        inner = _inner(list(zip(gradients, directions)))
        products = [grad(inner, v).expr for v in variables]
    except MatcalcError:
        return None
    fn, params = pl.function(products, ["value"] + [f"p{k}" for k in range(1, len(products))],
                             fname, extra=list(extra) + directions)
    return (fn, params, [d.name for d in directions])


def _constraint(pl, c, variables, i):
    g = c.expr
    wrt = [v for v in variables if v in g.free]
    derivs = [grad(g, v).expr if g.is_scalar else jacobian(g, v).expr for v in wrt]
    linear = all(_constant_in(d, variables) for d in derivs)
    make = pl.evaluated if linear else pl.function      # a linear one's rows are evaluated once per solve
    fn, params = make([g] + derivs, ["value"] + [f"j{k}" for k in range(len(derivs))], f"constraint_{i}")
    out = {"kind": c.kind, "text": c.text, "fn": fn, "params": params, "wrt": [v.name for v in wrt],
           "linear": linear, "vjp": None, "hvp": None}
    if not linear:
        # ∇ₓ sum(μ ⊙ g): the product of the transposed Jacobian with μ, without forming the Jacobian
        mu = E.Var(_fresh(pl, f"mu_{i}"), g.shape, frozenset())
        try:
            products = [grad(_inner([(mu, g)]), v).expr for v in wrt]
        except MatcalcError:
            return out
        vfn, vparams = pl.function(products, ["value"] + [f"p{k}" for k in range(1, len(products))],
                                   f"constraint_{i}_vjp", extra=[mu])
        out["vjp"] = (vfn, vparams, mu.name)
        # the constraint's part of the Lagrangian's Hessian, Σ μᵢ ∇²gᵢ, times a direction
        hvp = _hvp(pl, products, wrt, f"constraint_{i}_hvp", extra=[mu])
        out["hvp"] = None if hvp is None else hvp + (mu.name,)
    return out


def link(spec, namespace):
    """The spec with every Ref replaced by the compiled function of that name."""
    if isinstance(spec, Ref):
        return namespace[spec.name]
    if isinstance(spec, dict):
        return {k: link(v, namespace) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return type(spec)(link(v, namespace) for v in spec)
    return spec


def compiled(pl, spec):
    """The spec linked to its functions, compiled as one module (one compile, each import once)."""
    namespace = {}
    source = "\n\n\n".join(without_repeated_imports([code.source.strip() for code in pl.codes]))
    exec(compile(source, "<matcalc solve>", "exec"), namespace)      # generated code: no user text
    return link(spec, namespace)


def without_repeated_imports(sources):
    """Each generated function brings its prelude; an import already made is dropped."""
    seen, out = set(), []
    for source in sources:
        lines = []
        for line in source.splitlines():
            if line.startswith(("import ", "from ")) and line in seen:
                continue
            seen.add(line)
            lines.append(line)
        out.append("\n".join(lines).strip())
    return out
