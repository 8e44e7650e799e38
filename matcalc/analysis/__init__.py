"""Beyond derivatives: Taylor models, Newton and gradient steps, a point's curvature, implicit derivatives.

Everything here is built from matcalc's own results (grad, hessian, hvp, jacobian) and its one
simplifier, and every closed form is checked numerically, like a derivative, with check.py's
sampling and its one report (CheckReport):

- `taylor` (taylor.py): f(x) + ∇f(x)ᵀh + ½ hᵀH(x)h, checked by the error ratio when t is halved.
- `newton_step` (newton.py): −H⁻¹∇f and −η ∇f, checked against a numerical linear solve.
- `at` (point.py): f, ∇f and the Hessian at given values, eigenvalues, classification, ρ(H), κ(H), 1/ρ(H).
- `implicit` (implicit.py): dy/dx = −(∂F/∂y)⁻¹ ∂F/∂x for F(x, y) = 0, checked by solving F = 0.
- `expand` (expand.py): distributing products over sums where that cancels something.
- `gauss_newton` (gauss_newton.py): Jᵀ J of ½‖r‖², Jᵀ (∂²L/∂Z²) J of a loss through a model's output Z.

Matrix variables: a Jacobian or Hessian w.r.t. X acts on vec(X) (column-major), so the Newton step
for a matrix variable is vec(ΔX), and `at` reports the Hessian on vec(X).
"""
from .expand import expand
from .gauss_newton import gauss_newton
from .implicit import Implicit, implicit
from .newton import Steps, newton_step
from .point import EIG_TOL, GRAD_TOL, Point, ValuesError, at, load_values
from .taylor import Taylor, taylor


def __getattr__(name):
    # The report class lives in check.py (which imports NumPy): loaded only when asked for.
    if name == "Report":
        from ..check import CheckReport
        return CheckReport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["taylor", "newton_step", "gauss_newton", "at", "implicit", "expand", "load_values", "Taylor", "Steps", "Point",
           "Implicit", "Report", "ValuesError", "GRAD_TOL", "EIG_TOL"]
