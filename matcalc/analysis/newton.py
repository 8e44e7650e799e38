"""The Newton step −H⁻¹∇f and the gradient step −η ∇f of a scalar f, in closed form.

The Newton step is simplified with products distributed over sums when that cancels something
(−A⁻¹(A x − b) = A⁻¹ b − x). For a matrix variable X it is vec(ΔX): the Hessian acts on vec X.
Checked against a linear solve with the numerical Hessian and gradient, after matcalc's own checks
of ∇f and H.
"""
from .. import expr as E
from ..api import Checked, _parse, find_var
from ..display import Display, RichDisplay, verdict
from ..errors import DiffError
from ..simplify import simplify
from .common import fresh_name, is_zero, new_variable
from .expand import expand
from ..structured import complement, structure


class Steps(Checked, RichDisplay):
    """The Newton step −H⁻¹∇f (`.newton`) and the gradient step −η ∇f (`.gradient_step`), in closed form."""

    def __init__(self, function, wrt, newton, gradient_step, eta, gradient, hessian, conditions, seed):
        self.function, self.wrt, self.newton, self.gradient_step, self.eta = function, wrt, newton, gradient_step, eta
        self.gradient, self.hessian, self.conditions = gradient, hessian, conditions
        self.seed, self._report = seed, None

    @property
    def expr(self):
        return self.newton

    @property
    def on_vec(self):
        """True for a matrix variable: the Newton step is vec(ΔX)."""
        return not (self.wrt.is_scalar or self.wrt.is_vector)

    def labels(self, latex=False):
        from ..printers.latex import latex_name
        x = latex_name(self.wrt.name) if latex else self.wrt.name
        if latex:
            lhs = rf"\operatorname{{vec}}(\Delta {x})" if self.on_vec else rf"\Delta {x}"
            gd = rf"\Delta {x}"
            return (rf"{lhs}_{{\text{{Newton}}}} = -H^{{-1}} \nabla f",
                    rf"{gd}_{{\text{{GD}}}} = -{latex_name(self.eta.name)} \nabla f")
        lhs = f"vec(Δ{x})" if self.on_vec else f"Δ{x}"
        return f"Newton step {lhs} = -H^-1 ∇f", f"gradient step Δ{x} = -{self.eta.name} ∇f"

    def __str__(self):
        n, g = self.labels()
        return f"{n} = {self.newton}\n{g} = {self.gradient_step}"

    def latex(self, **options):
        return self.newton.latex(**options)

    def _display(self):
        n, g = self.labels(latex=True)
        return Display([f"{n} = {self.newton.latex()}", f"{g} = {self.gradient_step.latex()}"], self.conditions,
                       verdict=verdict(self.report))

    def __repr__(self):
        return f"<Steps newton {self.newton}; gradient {self.gradient_step}>"

    def _run_check(self, seed):
        """matcalc's checks of ∇f and H, then the steps against a numerical solve at random points."""
        from ..check import worst_of
        return worst_of([self.gradient.check(seed).labelled("gradient"), self.hessian.check(seed).labelled("Hessian"),
                         _check_steps(self, seed)])


def newton_step(expr, wrt, where=None, *, eta="eta", check=True, seed=None):
    """The Newton step −H⁻¹∇f and the gradient-descent step −η ∇f of a scalar f, simplified.

    >>> s = newton_step("1/2 x^T A x - b^T x", "x", where={"A": "n x n spd"}, check=False)
    >>> str(s.newton)
    'A^-1 b - x'
    """
    from .. import api
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from ..shapes import fmt_shape
        raise DiffError(f"a Newton step needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    if eta == "eta":
        eta = fresh_name(f, ["eta", "alpha", "eta_1"])
    step_size = new_variable(f, eta, (1, 1), set(), "step size")
    g = api.grad(f, var, check=False, seed=seed)
    H = api.hessian(f, var, check=False, seed=seed)
    if is_zero(H.expr):
        raise DiffError(f"the Hessian of this function w.r.t. {var.name} is zero (f is linear in {var.name}): "
                        "the Newton step -H^-1 ∇f is undefined")
    if var.is_scalar:
        newton = E.product(E.Num(-1), g.expr, E.Pow(H.expr, E.Num(-1)))
    elif var.is_vector:
        newton = E.product(E.Num(-1), E.Inverse(H.expr), g.expr)
    elif complement(var) is not None:
        # a symmetric or diagonal X: H is zero on the directions X does not have, and ∇f has none of them;
        # adding the projector onto those (I − P) makes H invertible without changing the step on X's
        # space, so the step is the Newton step on symmetric (diagonal) matrices (docs/symmetric.md)
        newton = E.product(E.Num(-1), E.Inverse(E.Add(H.expr, complement(var))), E.Vec(g.expr))
    else:
        newton = E.product(E.Num(-1), E.Inverse(H.expr), E.Vec(g.expr))
    newton = expand(simplify(newton))
    gd = simplify(E.product(E.Num(-1), step_size, g.expr))
    conditions = list(g.conditions) + [c for c in H.conditions if c not in g.conditions]
    on = f" on {structure(var)} matrices" if structure(var) else ""
    conditions.append(f"the Hessian {H.expr} is invertible{on}" if not var.is_scalar else f"{H.expr} ≠ 0")
    result = Steps(f, var, newton, gd, step_size, g, H, conditions, seed)
    if check:
        result.check()
    return result


def _check_steps(steps, seed):
    import numpy as np
    from ..check import CheckReport
    from ..sampling import MODES, finite, sample_env, sampler, variables, vec
    from ..numeric import evaluate
    var = steps.wrt
    exprs = [steps.function, steps.newton, steps.gradient_step, steps.gradient.expr, steps.hessian.expr, var]
    rng, sizes = sampler(exprs, seed)
    worst, usable = 0.0, 0
    for mode in MODES:
        if usable >= 3:
            break
        env = sample_env(variables(exprs, skip=(steps.eta,)), sizes, rng, mode)
        env[steps.eta] = np.array([[rng.uniform(0.1, 1.0)]])
        g = evaluate(steps.gradient.expr, env, sizes)
        H = evaluate(steps.hessian.expr, env, sizes)
        if not (finite(g) and finite(H)) or np.linalg.cond(H) > 1e8 and not structure(var):
            continue
        if structure(var):      # singular off X's space: the least-norm solution, which lies on X's space
            if np.linalg.matrix_rank(H, tol=1e-8 * np.abs(H).max()) != free(var, sizes):
                continue        # (a rank other than X's number of free entries: not invertible on that space)
            expected = -np.linalg.pinv(H, rcond=1e-10) @ vec(g)
        else:
            expected = -np.linalg.solve(H, vec(g))
        got = vec(evaluate(steps.newton, env, sizes))
        gd = vec(evaluate(steps.gradient_step, env, sizes))
        if not (finite(got) and finite(gd)):
            continue
        usable += 1
        err = np.linalg.norm(got - expected) / max(np.linalg.norm(expected), 1e-300)
        err_gd = np.linalg.norm(gd + env[steps.eta][0, 0] * vec(g)) / max(np.linalg.norm(vec(g)), 1e-300)
        worst = max(worst, float(err), float(err_gd))
    if not usable:
        return CheckReport("inconclusive", None, sizes, seed, "no point with a finite, invertible Hessian was found",
                           summary="steps")
    passed = worst <= 1e-8
    return CheckReport("passed" if passed else "failed", worst, sizes, seed,
                       "" if passed else "the closed-form step does not match -solve(H, ∇f)",
                       summary=f"steps vs a numerical solve: max relative error {worst:.1e}")


def free(var, sizes):
    """The number of free entries of a symmetric (n(n+1)/2) or diagonal (n) variable."""
    from ..numeric import dim_size
    n = dim_size(var.shape[0], sizes)
    return n if structure(var) == "diagonal" else n * (n + 1) // 2
