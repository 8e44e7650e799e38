"""The derivative commands: parse, grad, jacobian, hessian, diff, directional, codegen.

Each is a thin layer over matcalc.api; the API (and NumPy) load inside the command, so that
`matcalc --help` stays fast.
"""
import click

from ..printers.latex import latex_name
from .common import (Command, check_options, derivative_options, echo, echo_json, echo_latex_notes, emit, emit_each,
                     format_option, let_option, read_expr, show_steps)
from .streams import symbols as _symbols


@click.command(cls=Command)
@click.argument("expr")
@let_option
@format_option()
def parse(expr, lets, fmt):
    """Parse EXPR and show its shape and the type of every variable (EXPR '-' reads standard input)."""
    from ..parse import parse_full
    from ..shapes import fmt_shape
    parsed = parse_full(read_expr(expr), list(lets))
    e = parsed.expr
    if fmt == "json":
        echo_json({"expression": str(e), "latex": e.latex(), "shape": list(map(str, e.shape)),
                   "variables": e.variables, "notes": parsed.notes})
        return
    if fmt == "latex":
        echo_latex_notes(parsed.notes)
        echo(e.latex())
        return
    echo(str(e))
    echo(f"shape: {fmt_shape(e.shape)}")
    for name, kind in e.variables.items():
        echo(f"  {name}: {kind}")
    for note in parsed.notes:
        echo(f"note: {note}")


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, multiple=True,
              help="The variable to differentiate by; repeat it for several gradients in one run.")
@click.option("--steps", is_flag=True, help="Show the derivation step by step.")
@derivative_options
def grad(expr, wrt, steps, lets, no_check, seed, fmt, standalone, layout):
    """The gradient of a scalar EXPR w.r.t. a variable, in the variable's shape.

    \b
    Examples:
      matcalc grad "x^T A x" --wrt x
      matcalc grad "||A x - b||^2" --wrt x --let "A: m x n"
      matcalc grad "log det X" --wrt X --let "X: n x n spd" --format latex
    """
    from .fast import gradients
    gradients(expr, wrt, steps, lets, no_check, seed, fmt, standalone, layout)


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, multiple=True,
              help="The variable to differentiate by; repeat it for several Jacobians in one run.")
@click.option("--steps", is_flag=True, help="Show the derivation step by step.")
@derivative_options
def jacobian(expr, wrt, steps, lets, no_check, seed, fmt, standalone, layout):
    """The Jacobian of EXPR: m×n for f: Rⁿ → Rᵐ; on column-major vec for matrices (d vec F = J d vec X).

    \b
    Examples:
      matcalc jacobian "softmax(x)" --wrt x
      matcalc jacobian "A X B" --wrt X
    """
    from .. import api
    f, named = api._parse(read_expr(expr), list(lets), wrt=list(wrt))
    results = [api.jacobian(f, api.find_var(f, name, named), check=not no_check, seed=seed, layout=layout)
               for name in dict.fromkeys(wrt)]

    def symbol(r):
        on_vec = not (r.wrt.is_vector or r.wrt.is_scalar and r.function.shape[1] == 1)
        return _symbols("vec jacobian" if on_vec else "jacobian", r.wrt.name)
    emit_each(results, fmt, symbol, standalone, steps)


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable to differentiate by.")
@click.option("--wrt2", default=None, help="A second variable, for the mixed second derivative ∂²f/∂x∂y.")
@click.option("--times", "times", default=None, help="A direction v: print the Hessian-vector product H v.")
@click.option("--steps", is_flag=True, help="Show the derivation step by step.")
@derivative_options
def hessian(expr, wrt, wrt2, times, steps, lets, no_check, seed, fmt, standalone, layout):
    """The Hessian of a scalar EXPR: the Jacobian of its gradient (n×n, or mn×mn on vec X).

    \b
    Examples:
      matcalc hessian "||A x - b||^2" --wrt x
      matcalc hessian "x^T A y" --wrt x --wrt2 y
      matcalc hessian "x^T A x" --wrt x --times v
    """
    from .. import api
    text = read_expr(expr)
    if times is not None:
        result = api.hvp(text, wrt, times, where=list(lets), check=not no_check, seed=seed)
        v = result.along.name
        emit(result, fmt, (f"H {v}", f"H {latex_name(v)}"), standalone=standalone)
        return
    result = api.hessian(text, wrt, where=list(lets), wrt2=wrt2, check=not no_check, seed=seed)
    if steps:
        show_steps(result, fmt, standalone)
    emit(result, fmt, _symbols("hessian", result.first.name, result.wrt.name if wrt2 is not None else None),
         standalone=standalone, steps=steps)


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable whose differential is taken.")
@let_option
@format_option(("text", "latex"))
def diff(expr, wrt, lets, fmt):
    """The canonical differential of EXPR: df = tr(Gᵀ dX), or d vec F = J d vec X."""
    from ..api import differential
    d = differential(read_expr(expr), wrt, where=list(lets))
    if fmt == "latex":
        echo_latex_notes(d.notes)
    echo(d.latex() if fmt == "latex" else str(d))
    if fmt == "text":
        for c in d.conditions:
            echo(f"  where {c}")
        for n in d.notes:
            echo(f"  note: {n}")


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", multiple=True,
              help="The variable to differentiate by; repeat it for one function returning every gradient.")
@click.option("--target", type=click.Choice(["numpy", "jax", "torch"]), default="numpy", show_default=True)
@click.option("--hessian", "with_hessian", is_flag=True,
              help="Also return the Hessian (scalar EXPR); with several --wrt its blocks, a dict by pairs.")
@click.option("--times", default=None, metavar="V",
              help="Return the Hessian-vector product H V (V a new input of the variable's shape) instead of the "
                   "Hessian: (value, gradient, hvp), one --wrt.")
@click.option("--standalone", is_flag=True,
              help="A module that tests itself: random inputs, finite differences, `python file.py` exits 1 on failure.")
@click.option("--solver", is_flag=True, help="EXPR is a problem 'min f st …': a module solving it with SciPy "
              "(`python file.py --data data.npz`); --wrt names its variables.")
@click.option("--rule", type=click.Choice(["jax", "torch"]), default=None,
              help="A framework rule (jax.custom_vjp / torch.autograd.Function) whose backward is the closed form, "
                   "with its test; variables not given by --wrt are non-differentiable data.")
@let_option
@check_options(no_check_help="Skip the numerical check.")
def codegen(expr, wrt, target, with_hessian, times, standalone, solver, rule, lets, no_check, seed):
    """Print a standalone Python function returning the value and the derivative(s) of EXPR.

    With one --wrt the function returns (value, gradient); with several, (value, grads), grads a
    dict keyed by variable name, computing the shared forward pass once. --hessian adds the Hessian:
    (value, gradient, hessian), or with several --wrt (value, grads, hessians), hessians[(x, y)] the
    block ∂²f/∂x∂y for x before y; --times V, the Hessian-vector product instead (value, gradient,
    hvp). Standard output holds only Python; the check's report and warnings go to standard error.

    \b
    Examples:
      matcalc codegen "||A x - b||^2" --wrt x > grad.py
      matcalc codegen "||tanh(W x + b) - y||^2" --wrt W --wrt b
      matcalc codegen "sum(log(1 + exp(X w))) - y^T X w" --wrt w --hessian --target jax
      matcalc codegen "||tanh(W x + b) - y||^2" --wrt W --wrt b --hessian
      matcalc codegen "sum(log(1 + exp(X w))) - y^T X w" --wrt w --times v
      matcalc codegen "log det S - tr(S^-1 A)" --wrt S --let "S: n x n spd" --standalone > t.py && python t.py
      matcalc codegen "min ||A x - b||^2 st x >= 0" --solver > nnls.py && python nnls.py --data d.npz
      matcalc codegen "logsumexp(W x) - y^T W x" --wrt W --rule torch > layer.py && python layer.py
    """
    import sys
    if solver and rule:
        raise click.UsageError("--solver and --rule make different modules: give one of them")
    if rule and (with_hessian or standalone or times):
        raise click.UsageError(f"--rule writes a first-order rule that carries its own test: "
                               f"no {'--hessian' if with_hessian else '--times' if times else '--standalone'} with it")
    if times is not None and (with_hessian or standalone or len(wrt) > 1):
        raise click.UsageError("--times V returns H V instead of the Hessian, for one --wrt: "
                               f"no {'--hessian' if with_hessian else '--standalone' if standalone else 'second --wrt'} "
                               "with it")
    source = click.get_current_context().get_parameter_source("target")
    if rule and target != rule and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError(f"--rule {rule} writes {rule} code: --target {target} contradicts it (drop it)")
    if solver:
        from .optimize import codegen_solver
        return codegen_solver(read_expr(expr), wrt, target, with_hessian or standalone, lets)
    if not wrt:
        raise click.UsageError("Missing option '--wrt'.")
    source, results = generated_code(read_expr(expr), list(wrt), target, with_hessian, list(lets), not no_check,
                                     seed, standalone, rule, times)
    echo(source, nl=False)
    failed = False
    for r in results:
        if r.report is not None:
            label = _symbols("hessian", r.first.name, r.wrt.name if r.wrt is not r.first else None)[0] \
                if r.kind == "hessian" else f"H {r.along.name}" if r.kind == "Hessian-vector product" \
                else r.wrt.name      # --hessian: ∂²f/∂x², ∂²f/∂x∂y; --times v: H v; each checked
            echo(str(r.report) if len(results) == 1 else f"{label}: {r.report}", err=True)
            failed = failed or r.report.status == "failed"
    if failed:
        sys.exit(1)


def generated_code(text, wrt, target="numpy", with_hessian=False, lets=(), check=True, seed=None, standalone=False,
                   rule=None, times=None):
    """(the Python source `codegen` prints, with its comment header; the derivatives' Results, whose
    reports are the checks)."""
    from ..api_codegen import code_for, derivatives_for_code
    f, results = derivatives_for_code(text, list(wrt), where=list(lets), hessian=with_hessian, check=check, seed=seed,
                                      rule=rule, times=times)
    source = code_for(f, results, target, with_hessian, standalone, rule)
    lines = ["generated by matcalc from: " + str(f)]
    for r in results:
        lines += [line for line in [f"where {c}" for c in r.conditions] + r.notes if line not in lines]
    return "\n".join(f"# {line}" for line in lines) + "\n" + source, results


@click.command(cls=Command)
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable.")
@click.option("--along", required=True, help="The direction, a name for a vector or matrix of the variable's shape.")
@derivative_options
def directional(expr, wrt, along, lets, no_check, seed, fmt, standalone, layout):
    """The directional derivative ∇f(x)ᵀ v of a scalar EXPR, in closed form."""
    from ..api import directional as api_directional
    result = api_directional(read_expr(expr), wrt, along, where=list(lets), check=not no_check, seed=seed)
    v = result.along.name
    emit(result, fmt, (f"D_{v} f", rf"D_{{{latex_name(v)}}} f"), standalone=standalone)


COMMANDS = (parse, grad, jacobian, hessian, diff, codegen, directional)
