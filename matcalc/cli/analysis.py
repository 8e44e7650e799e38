"""The commands beyond derivatives: taylor, newton, at, implicit (the API is matcalc.analysis).

Nothing heavy is imported here: the analysis package (and NumPy) load inside each command, so
`matcalc --help` stays fast.
"""
import click

from .common import (Command, Finite, analysis_options, echo, echo_json, echo_latex_notes, echo_text, emit, finish,
                     notes_json, parse_notes, read_expr)


def taylor_payload(t):
    """A Taylor model as JSON-ready data (without the notes: the caller adds them)."""
    report = t.report
    return {"model": str(t), "latex": t.latex(), "order": t.order, "wrt": t.wrt.name,
            "direction": t.direction.name, "terms": [str(x) for x in t.terms],
            "conditions": t.conditions, "check": report.as_dict() if report else None}


def newton_payload(s):
    """The Newton and gradient steps as JSON-ready data (without the notes: the caller adds them)."""
    report = s.report
    return {"newton": str(s.newton), "newton_latex": s.newton.latex(),
            "gradient_step": str(s.gradient_step), "gradient_step_latex": s.gradient_step.latex(),
            "wrt": s.wrt.name, "eta": s.eta.name, "newton_on_vec": s.on_vec,
            "gradient": str(s.gradient.expr), "hessian": str(s.hessian.expr),
            "conditions": s.conditions, "check": report.as_dict() if report else None}


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable x of the expansion.")
@click.option("--order", type=click.IntRange(1, 2), default=2, show_default=True, help="1 (linear) or 2 (quadratic).")
@click.option("--direction", default="h", show_default=True,
              help="Name of the step h (H by default for a matrix variable).")
@analysis_options()
def taylor(expr, wrt, order, direction, lets, no_check, seed, fmt):
    """The Taylor model of a scalar EXPR around x: f(x) + ∇f(x)ᵀh + ½ hᵀH(x)h.

    \b
    Checked numerically: |f(x + t h) − model(t h)| shrinks by 2^(order+1) when t is halved.
    \b
    Examples:
      matcalc taylor "sum(exp(A x))" --wrt x
      matcalc taylor "log det X" --wrt X --order 1
    """
    from ..analysis import taylor as api_taylor
    t = api_taylor(read_expr(expr), wrt, order=order, where=list(lets), direction=direction, check=not no_check,
                   seed=seed)
    report = t.report
    if fmt == "json":
        echo_json({**taylor_payload(t), **notes_json()})
    elif fmt == "latex":
        echo_latex_notes(parse_notes())
        echo(t.equation(latex=True))
    else:
        echo_text(t.equation(), t.conditions, report, notes=parse_notes())
    finish(report)


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable to step in.")
@click.option("--eta", "eta_name", default="eta", show_default=True, help="Name of the gradient step size.")
@analysis_options()
def newton(expr, wrt, eta_name, lets, no_check, seed, fmt):
    """The Newton step −H⁻¹∇f and the gradient step −η ∇f of a scalar EXPR, in closed form.

    \b
    For a matrix variable X the Newton step is vec(ΔX) (the Hessian acts on vec X).
    \b
    Examples:
      matcalc newton "1/2 x^T A x - b^T x" --wrt x --let "A: n x n spd"
      matcalc newton "||A x - b||^2" --wrt x
    """
    from ..analysis import newton_step
    s = newton_step(read_expr(expr), wrt, where=list(lets), eta=eta_name, check=not no_check, seed=seed)
    report = s.report
    if fmt == "json":
        echo_json({**newton_payload(s), **notes_json()})
    elif fmt == "latex":
        n, g = s.labels(latex=True)
        echo_latex_notes(parse_notes())
        echo(f"{n} = {s.newton.latex()}")
        echo(f"{g} = {s.gradient_step.latex()}")
    else:
        echo_text(str(s), s.conditions, report, notes=parse_notes())
    finish(report)


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable of the point.")
@click.option("--values", required=True,
              help="The point and every other variable: a .json or .npz file, or JSON text like '{\"x\": [1, 1]}'.")
@click.option("--tol", type=Finite(), default=None, help="Critical when ‖∇f‖ ≤ tol (default 1e-8).")
@click.option("--eig-tol", type=Finite(), default=None,
              help="|λ| ≤ eig-tol · max(1, ρ(H)) counts as zero (default 1e-8).")
@click.option("--eta", type=Finite(positive=True), default=None,
              help="Step size of the gradient step shown (default 1/ρ(H)).")
@analysis_options(formats=("text", "json"), no_check_help="Skip the numerical check.")
def at(expr, wrt, values, tol, eig_tol, eta, lets, no_check, seed, fmt):
    """Evaluate f, ∇f and the Hessian of a scalar EXPR at a point and classify it.

    \b
    Reports the Hessian's eigenvalues, whether the point is critical, minimum / maximum / saddle /
    degenerate, ρ(H), κ(H), and the step size 1/ρ(H) (the global 1/L when H does not depend on x).
    \b
    Examples:
      matcalc at "1/2 x^T [1, 0; 0, 10] x" --wrt x --values '{"x": [1, 1]}'
      matcalc at "||A x - b||^2" --wrt x --values data.npz --format json
    """
    from .. import analysis
    point = analysis.at(read_expr(expr), wrt, values, where=list(lets),
                        tol=analysis.GRAD_TOL if tol is None else tol,
                        eig_tol=analysis.EIG_TOL if eig_tol is None else eig_tol,
                        eta=eta, check=not no_check, seed=seed)
    if fmt == "json":
        echo_json(point.as_dict())
    else:
        echo(point.text())
    for report in point.checks or ():
        finish(report)


@click.command(cls=Command)
@click.argument("equation")
@click.option("--solve-for", "solve_for", required=True, help="The unknown y of F(x, y) = 0.")
@click.option("--wrt", required=True, help="The variable x that y depends on.")
@analysis_options()
def implicit(equation, solve_for, wrt, lets, no_check, seed, fmt):
    """dy/dx for F(x, y) = 0 by the implicit function theorem: −(∂F/∂y)⁻¹ ∂F/∂x.

    \b
    EQUATION is F or 'F = 0'. Checked by solving F = 0 with Newton's method at perturbed x.
    \b
    Examples:
      matcalc implicit "X^T (X w - y) + lambda w = 0" --solve-for w --wrt y
      matcalc implicit "X^T (X w - y) + lambda w" --solve-for w --wrt lambda
    """
    from ..analysis import implicit as api_implicit
    result = api_implicit(read_expr(equation), solve_for, wrt, where=list(lets), check=not no_check, seed=seed)
    emit(result, fmt, (result.symbol(), result.symbol(latex=True)))


@click.command("gauss-newton", cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The parameter W.")
@click.option("--through", default=None, help="The model output Z (a name EXPR defines) the loss L(Z) goes through.")
@analysis_options()
def gauss_newton(expr, wrt, through, lets, no_check, seed, fmt):
    """The Gauss–Newton matrix: Jᵀ J of ½‖r‖² for a residual EXPR, or Jᵀ (∂²L/∂Z²) J of a loss through Z.

    \b
    On a matrix W it acts on vec(W), column-major (a note says so).
    \b
    Examples:
      matcalc gauss-newton "A x - b" --wrt x
      matcalc gauss-newton "Z = X W; L = sum(logsumexp(Z)) - sum(Y .* Z)" --wrt W --through Z
    """
    from ..analysis import gauss_newton as api_gauss_newton
    result = api_gauss_newton(read_expr(expr), wrt, through=through, where=list(lets), check=not no_check, seed=seed)
    emit(result, fmt, ("G", "G"))


COMMANDS = (taylor, newton, at, implicit, gauss_newton)
