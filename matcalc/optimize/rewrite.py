"""Non-smooth terms of an objective rewritten with slack variables, and everything else non-smooth refused.

- ‖x‖₁ of a variable x: x = u − v with u, v ≥ 0 and ‖x‖₁ = 1ᵀu + 1ᵀv (x is substituted everywhere);
- ‖E‖₁ of an expression, or abs(E): a slack t of E's shape with −t ≤ E ≤ t, ‖E‖₁ = sum(t), abs(E) = t.

Both are exact at a minimum only when the term can only push the objective up when it grows: it
must sit in a minimized objective under sums and positive coefficients (a scalar name as a
coefficient, λ‖x‖₁, is taken to be positive, and the output says so). Anywhere else — inside a
max, under a minus sign, in a constraint, inside another function — it is refused.
"""
from .. import expr as E
from .problem import Constraint, ProblemError

NONSMOOTH_FUNCTIONS = ("abs", "relu", "sign", "step")


def substitute(e, mapping):
    """e with every node in `mapping` replaced (children first)."""
    memo = {}

    def go(n):
        if n in mapping:
            return mapping[n]
        if n in memo:
            return memo[n]
        args = tuple(go(a) if isinstance(a, E.Expr) else a for a in n.args)
        out = n if all(a is b for a, b in zip(args, n.args)) else type(n)(*args)
        memo[n] = out
        return out
    return go(e)


def nonsmooth_nodes(e):
    return [n for n in E.nodes(e) if (isinstance(n, E.Norm) and n.p == 1)
            or (isinstance(n, E.Apply) and n.fn in NONSMOOTH_FUNCTIONS)]


def _monotone_path(root, target, assumed):
    """True when `target` enters `root` only through sums, Sum() and positive coefficients."""
    if root is target:
        return True
    if target not in set(E.nodes(root)):
        return True
    if isinstance(root, E.Add):
        return all(_monotone_path(t, target, assumed) for t in root.terms)
    if isinstance(root, E.Sum):
        return _monotone_path(root.arg, target, assumed)
    if isinstance(root, E.Mul) and root.is_scalar:
        carrying = [f for f in root.factors if target in set(E.nodes(f))]
        others = [f for f in root.factors if f not in carrying]
        if len(carrying) != 1:
            return False
        for f in others:
            if isinstance(f, E.Num) and f.value > 0:
                continue
            if isinstance(f, E.Var) and f.is_scalar:
                assumed.add(f.name)
                continue
            return False
        return _monotone_path(carrying[0], target, assumed)
    return False


def _describe(n):
    return f"'{n}'"


def spectral_nodes(e, variables):
    """Spectral and nuclear norms, eigenvalues and eigenvectors that depend on a variable: not smooth where
    singular values or eigenvalues meet, and no slack variable makes them smooth."""
    names = {v.name for v in variables}
    return [n for n in E.nodes(e) if hasattr(type(n), "spectral_gap")
            and any(isinstance(v, E.Var) and v.name in names for v in n.free)]


def rewrite(problem):
    """The problem with the 1-norms and abs of its objective replaced by slack variables (in place)."""
    for part, e in [("objective", problem.objective)] + [(f"constraint '{c.text}'", c.expr) for c in problem.constraints]:
        bad = spectral_nodes(e, problem.variables)
        if bad:
            raise ProblemError(f"the {part} is not smooth ('{bad[0]}'): spectral and nuclear norms and eigenvalues "
                               "have kinks where singular values or eigenvalues meet, where a minimizer often lies, "
                               "and no slack variable removes them; refused (a semidefinite solver such as CVXPY "
                               "takes them)")
    for c in problem.constraints:
        bad = nonsmooth_nodes(c.expr)
        if bad:
            raise ProblemError(f"the constraint '{c.text}' is not smooth ({_describe(bad[0])}); only 1-norms and abs "
                               "in a minimized objective are rewritten with slack variables")
    bad = nonsmooth_nodes(problem.objective)
    if not bad:
        return problem
    if problem.sense == "max":
        raise ProblemError(f"the objective is not smooth ({_describe(bad[0])}) and is maximized: the slack-variable "
                           "rewrite of 1-norms and abs holds only for a minimized objective")
    taken = {v.name for v in E.nodes(problem.objective) if isinstance(v, E.Var)}
    for c in problem.constraints:
        taken |= {v.name for v in E.nodes(c.expr) if isinstance(v, E.Var)}

    def fresh(base):
        name, i = base, 1
        while name in taken:
            name, i = f"{base}_{i}", i + 1
        taken.add(name)
        return name

    f = problem.objective
    assumed = set()
    variables = list(problem.variables)
    names = {v.name: v for v in variables}
    for node in bad:
        if node not in set(E.nodes(f)):
            continue       # an abs inside a rewritten norm is gone already
        if not (isinstance(node, E.Norm) or node.fn == "abs"):
            raise ProblemError(f"the objective is not smooth ({_describe(node)}): only 1-norms and abs are rewritten "
                               "(with slack variables); relu, sign and step are refused")
        inner = [n for n in nonsmooth_nodes(node.arg)]
        if inner:
            raise ProblemError(f"'{node}' nests a non-smooth term inside another: not rewritten")
        if not _monotone_path(f, node, assumed):
            raise ProblemError(f"'{node}' is not under sums and positive coefficients of the minimized objective, so "
                               "the slack-variable rewrite would change the problem; refused")
        arg = node.arg
        if isinstance(node, E.Norm) and isinstance(arg, E.Var) and arg.name in names:
            u = E.Var(fresh(arg.name + "_p"), arg.shape, frozenset())
            v = E.Var(fresh(arg.name + "_m"), arg.shape, frozenset())
            f = substitute(f, {node: E.Add(E.Sum(u), E.Sum(v))})
            diff = E.Add(u, E.negate(v))
            f = substitute(f, {arg: diff})
            problem.constraints = [Constraint(c.kind, substitute(c.expr, {arg: diff}), c.text, None)
                                   for c in problem.constraints]
            zero = E.Zero(arg.shape)
            problem.constraints += [Constraint("ineq", E.negate(w), f"{w.name} >= 0", (w, "lower", zero))
                                    for w in (u, v)]
            i = variables.index(names[arg.name])
            variables[i:i + 1] = [u, v]
            problem.recover[arg.name] = diff
            problem.rewrites.append(f"||{arg.name}||_1 = sum({u.name}) + sum({v.name}) with {arg.name} = {u.name} - "
                                    f"{v.name}, {u.name} >= 0, {v.name} >= 0")
        else:
            t = E.Var(fresh("t"), arg.shape, frozenset())
            f = substitute(f, {node: E.Sum(t) if isinstance(node, E.Norm) else t})
            problem.constraints += [Constraint("ineq", E.Add(arg, E.negate(t)), f"{arg} <= {t.name}"),
                                    Constraint("ineq", E.Add(E.negate(arg), E.negate(t)), f"-({arg}) <= {t.name}")]
            variables.append(t)
            problem.rewrites.append(f"{node} = {'sum(' + t.name + ')' if isinstance(node, E.Norm) else t.name} with "
                                    f"-{t.name} <= {arg} <= {t.name} (a slack {t.name} >= |{arg}|)")
    if assumed:
        problem.rewrites.append(f"assumed positive: {', '.join(sorted(assumed))} (the rewrite is exact only then)")
    problem.objective = f
    problem.variables = variables
    return problem
