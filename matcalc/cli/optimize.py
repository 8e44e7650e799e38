"""The commands for constrained problems: kkt (the conditions) and solve (SciPy on generated code).

SciPy and the optimize package load inside each command, so `matcalc --help` stays fast.
"""
import click

from .common import Command, analysis_options, echo, echo_json, finish, format_option, let_option, read_expr


@click.command(cls=Command)
@click.argument("problem")
@click.option("--wrt", "wrt", multiple=True, help="A variable of the problem (repeat for several; default: "
              "min_{x, …} in the text, else a guess stated in a note).")
@click.option("--steps", is_flag=True, help="Show how each stationarity condition is derived, step by step.")
@analysis_options()
def kkt(problem, wrt, steps, lets, no_check, seed, fmt):
    """The KKT conditions of PROBLEM: 'min f st g <= c, h == d, 0 <= x <= u'.

    \b
    The Lagrangian (multipliers shaped like their constraints), stationarity by matcalc's gradients
    (checked numerically), primal and dual feasibility, complementary slackness; 1-norms and abs in
    the objective are rewritten with slack variables. When stationarity is linear: the KKT block
    system and its closed form; a quadratic form on the sphere: the eigenproblem.
    \b
    Examples:
      matcalc kkt "min ||x||^2 st A x == b"
      matcalc kkt "min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0" --let "K: n x n symmetric"
      matcalc kkt "min x^T A x st x^T x == 1" --let "A: n x n symmetric"
      matcalc kkt "min ||x||^2 st A x == b" --steps --format latex
    """
    from ..optimize import kkt as api_kkt
    k = api_kkt(read_expr(problem), list(lets), list(wrt) or None, check=not no_check, seed=seed)
    if fmt == "json":
        echo_json(k.as_dict(steps=steps))
    elif fmt == "latex":
        if steps:
            echo(k.steps_latex())
            echo("\n% the KKT conditions:")
        echo(k.latex())
    else:
        if steps:
            echo(k.steps_text())
            echo()
        echo(k.text())
    for report in k.checks:
        finish(report, "stationarity condition")


@click.command(cls=Command)
@click.argument("problem")
@click.option("--data", required=True, multiple=True, help="The arrays: an .npz file, a .json file or JSON text, a "
              "NAME.npy file or a directory of them; repeat for several. The name without a value is the variable "
              "(name several: min_{x, t} or --wrt).")
@click.option("--wrt", "wrt", multiple=True, help="A variable of the problem (default: min_{x, …} in the text, else the name without data).")
@click.option("--maxiter", type=click.IntRange(1, 10 ** 6), default=3000, show_default=True)
@click.option("--progress", is_flag=True, help="Print the iteration, objective and residuals on standard error "
              "every second.")
@let_option
@format_option(("text", "json"))
def solve(problem, data, wrt, maxiter, progress, lets, fmt):
    """Solve PROBLEM on the arrays in --data with SciPy and matcalc's exact derivatives.

    \b
    Prints the solution by name and a report: status, objective, iterations, time, the KKT residuals
    (stationarity, primal violation, complementary slackness) and what is known of convexity.
    Exits with 1 when the solver stopped without meeting the tolerances.
    \b
    Examples:
      matcalc solve "min ||A x - b||^2 st x >= 0" --data data.npz
      matcalc solve "min 1/2 ||A x - b||^2 + lambda ||x||_1" --data data.npz --format json
    """
    import sys
    from ..optimize import solve as api_solve
    s = api_solve(read_expr(problem), list(data) if len(data) > 1 else data[0], list(lets), list(wrt) or None, maxiter=maxiter, progress=progress)
    if fmt == "json":
        echo_json(s.as_dict())
    else:
        echo(s.text())
    if s.report["status"] != "optimal":
        echo(f"warning: {s.report['status']}: {s.report['message']}", err=True)
        sys.exit(1)


def codegen_solver(problem, wrt, target, other, lets):
    """`codegen PROBLEM --solver` (the codegen command dispatches here): the module on standard output."""
    if target != "numpy":
        raise click.UsageError("--solver writes NumPy and SciPy code: --target numpy only")
    if other:
        raise click.UsageError("--solver takes neither --hessian nor --standalone (the module uses the Hessian "
                               "and reports its own KKT residuals)")
    from ..optimize import solver_code
    echo(solver_code(problem, list(lets), list(wrt) or None), nl=False)


COMMANDS = (kkt, solve)
