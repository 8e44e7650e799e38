"""The `matcalc` command line: a thin click layer over the API.

Every MatcalcError becomes the offending line with a caret, one line of message on standard
error, and exit code 2 — never a traceback.
"""
import json
import sys

import click

from .errors import MatcalcError, ParseError

LET_HELP = "Declare a variable, e.g. --let 'A: m x n' --let 'S: n x n spd' --let 'c: scalar'."


def fail(err):
    caret = err.caret()
    if caret:
        click.echo(caret, err=True)
    click.echo(f"error: {err.kind}: {err}", err=True)
    sys.exit(2)


def read_expr(expr):
    """EXPR, or standard input when EXPR is '-'."""
    if expr != "-":
        return expr
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as e:
        raise ParseError(f"standard input is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})")


class Group(click.Group):
    """Turn every MatcalcError raised by a command into a clean message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MatcalcError as err:
            fail(err)
        except RecursionError:
            from .errors import LimitError
            fail(LimitError("the expression is nested too deeply to derive"))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matcalc")
def main():
    """matcalc: closed-form matrix derivatives, checked numerically.

    \b
    Examples:
      matcalc parse "x^T A x"
      matcalc parse "||A x - b||^2" --let "A: m x n"
    """


@main.command()
@click.argument("expr")
@click.option("--let", "lets", multiple=True, help=LET_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text", show_default=True)
def parse(expr, lets, fmt):
    """Parse EXPR and show its shape and the type of every variable (EXPR '-' reads standard input)."""
    from .parse import parse_full
    parsed = parse_full(read_expr(expr), list(lets))
    e = parsed.expr
    from .shapes import fmt_shape
    if fmt == "json":
        click.echo(json.dumps({"expression": str(e), "latex": e.latex(), "shape": list(map(str, e.shape)),
                               "variables": e.variables, "notes": parsed.notes}, ensure_ascii=False))
        return
    click.echo(e.latex() if fmt == "latex" else str(e))
    if fmt == "latex":
        return
    click.echo(f"shape: {fmt_shape(e.shape)}")
    for name, kind in e.variables.items():
        click.echo(f"  {name}: {kind}")
    for note in parsed.notes:
        click.echo(f"note: {note}")


def derivative_options(f):
    f = click.option("--let", "lets", multiple=True, help=LET_HELP)(f)
    f = click.option("--no-check", is_flag=True, help="Skip the numerical check (and NumPy's import).")(f)
    f = click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
                     help="Seed of the numerical check (default 0).")(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
                     show_default=True)(f)
    f = click.option("--standalone", is_flag=True,
                     help="With --format latex: wrap the output in a minimal compilable LaTeX document.")(f)
    f = click.option("--layout", type=click.Choice(["mixed", "numerator", "denominator"]), default="mixed",
                     show_default=True, help="mixed: gradients in the variable's shape, Jacobians m×n; numerator: "
                     "gradients transposed (rows); denominator: Jacobians transposed (n×m).")(f)
    return f


STANDALONE = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
              "{body}\n\\end{document}")


def latex_document(parts):
    """Display equations in a minimal compilable document."""
    return STANDALONE.replace("{body}", "\n".join(f"\\[\n{p}\n\\]" for p in parts))


def show_steps(result, fmt, standalone=False):
    if fmt == "latex" and standalone:
        return
    if fmt == "latex":
        click.echo(result.steps_latex())
    elif fmt == "text":
        click.echo(result.steps_text())
        click.echo()


def payload(result):
    report = result.report
    return {"result": str(result), "pretty": result.pretty(), "latex": result.latex(),
            "steps": [{"rule": st.rule, "text": st.text, "latex": st.latex} for st in result.steps],
            "shape": [str(d) for d in result.shape], "wrt": result.wrt.name, "kind": result.kind,
            "layout": result.layout, "conditions": result.conditions, "notes": result.notes,
            "check": report.as_dict() if report else None}


def emit(result, fmt, symbol, quiet_json=False, standalone=False, steps=False):
    """Print a Result; a failed check exits 1 (a bug), an inconclusive one warns."""
    report = result.report
    if fmt == "latex" and standalone:
        parts = ([result.steps_latex()] if steps else []) + [f"{symbol[1]} = {result.pretty(latex=True)}"]
        click.echo(latex_document(parts))
    elif fmt == "json":
        if not quiet_json:
            click.echo(json.dumps(payload(result), ensure_ascii=False))
    elif fmt == "latex":
        click.echo(f"{symbol[1]} = {result.pretty(latex=True)}")
    else:
        click.echo(f"{symbol[0]} = {result.pretty()}")
        for c in result.conditions:
            click.echo(f"  where {c}")
        for n in result.notes:
            click.echo(f"  note: {n}")
        if result.layout != "mixed":
            click.echo(f"  {result.layout_note}")
        if report is not None:
            click.echo(f"  {report}")
    if report is not None and report.status == "failed":
        click.echo(f"error: the {result.kind} FAILED the numerical check: {report}. This is a bug in matcalc; "
                   "please report it with the command line.", err=True)
        sys.exit(1)
    if report is not None and report.status == "inconclusive":
        click.echo(f"warning: {report}", err=True)


@main.command()
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
    from .api import grad as api_grad
    from .printers.latex import latex_name
    results = api_grad(read_expr(expr), list(wrt), where=list(lets), check=not no_check, seed=seed, layout=layout)
    if fmt == "json" and len(wrt) > 1:
        click.echo(json.dumps([payload(r) for r in results.values()], ensure_ascii=False))
    for name, result in results.items():
        if steps:
            show_steps(result, fmt, standalone)
        emit(result, fmt, (f"∂f/∂{name}", rf"\frac{{\partial f}}{{\partial {latex_name(name)}}}"),
             quiet_json=len(wrt) > 1, standalone=standalone, steps=steps)


def _symbols(kind, name, name2=None):
    from .printers.latex import latex_name
    n, ln = name, latex_name(name)
    if kind == "jacobian":
        return f"∂f/∂{n}", rf"\frac{{\partial f}}{{\partial {ln}}}"
    if name2 is None:
        return f"∂²f/∂{n}²", rf"\frac{{\partial^2 f}}{{\partial {ln}^2}}"
    ln2 = latex_name(name2)
    return f"∂²f/∂{n}∂{name2}", rf"\frac{{\partial^2 f}}{{\partial {ln}\,\partial {ln2}}}"


@main.command()
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable to differentiate by.")
@click.option("--steps", is_flag=True, help="Show the derivation step by step.")
@derivative_options
def jacobian(expr, wrt, steps, lets, no_check, seed, fmt, standalone, layout):
    """The Jacobian of EXPR: m×n for f: Rⁿ → Rᵐ; on column-major vec for matrices (d vec F = J d vec X).

    \b
    Examples:
      matcalc jacobian "softmax(x)" --wrt x
      matcalc jacobian "A X B" --wrt X
    """
    from .api import jacobian as api_jacobian
    result = api_jacobian(read_expr(expr), wrt, where=list(lets), check=not no_check, seed=seed, layout=layout)
    if steps:
        show_steps(result, fmt, standalone)
    if result.wrt.is_vector or result.wrt.is_scalar and result.function.shape[1] == 1:
        emit(result, fmt, _symbols("jacobian", result.wrt.name), standalone=standalone, steps=steps)
    else:
        from .printers.latex import latex_name
        n = result.wrt.name
        emit(result, fmt, (f"∂vec(F)/∂vec({n})",
                           rf"\frac{{\partial \operatorname{{vec}} F}}{{\partial \operatorname{{vec}} {latex_name(n)}}}"),
             standalone=standalone, steps=steps)


@main.command()
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
    from . import api
    text = read_expr(expr)
    if times is not None:
        result = api.hvp(text, wrt, times, where=list(lets), check=not no_check, seed=seed)
        emit(result, fmt, (f"H {times}", f"H {times}"), standalone=standalone)
        return
    result = api.hessian(text, wrt, where=list(lets), wrt2=wrt2, check=not no_check, seed=seed)
    if steps:
        show_steps(result, fmt, standalone)
    emit(result, fmt, _symbols("hessian", wrt, wrt2), standalone=standalone, steps=steps)


@main.command()
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable whose differential is taken.")
@click.option("--let", "lets", multiple=True, help=LET_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "latex"]), default="text", show_default=True)
def diff(expr, wrt, lets, fmt):
    """The canonical differential of EXPR: df = tr(Gᵀ dX), or d vec F = J d vec X."""
    from .api import differential
    d = differential(read_expr(expr), wrt, where=list(lets))
    click.echo(d.latex() if fmt == "latex" else str(d))
    if fmt == "text":
        for c in d.conditions:
            click.echo(f"  where {c}")


@main.command()
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable to differentiate by.")
@click.option("--target", type=click.Choice(["numpy", "jax", "torch"]), default="numpy", show_default=True)
@click.option("--hessian", "with_hessian", is_flag=True, help="Also return the Hessian (scalar EXPR).")
@click.option("--let", "lets", multiple=True, help=LET_HELP)
@click.option("--no-check", is_flag=True, help="Skip the numerical check.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None, help="Seed of the numerical check.")
def codegen(expr, wrt, target, with_hessian, lets, no_check, seed):
    """Print a standalone Python function returning the value and the derivative(s) of EXPR.

    Standard output holds only Python; the check's report and warnings go to standard error.

    \b
    Examples:
      matcalc codegen "||A x - b||^2" --wrt x > grad.py
      matcalc codegen "sum(log(1 + exp(X w))) - y^T X w" --wrt w --hessian --target jax
    """
    from . import api
    text = read_expr(expr)
    f, named = api._parse(text, list(lets))
    fn = api.grad if f.is_scalar else api.jacobian
    if with_hessian and not f.is_scalar:
        raise api.DiffError("--hessian needs a scalar expression")
    result = fn(f, api.find_var(f, wrt, named), check=not no_check, seed=seed)
    source = result.to_code(target, hessian=with_hessian)
    notes = [f"# {line}" for line in ["generated by matcalc from: " + str(result.function)]
             + [f"where {c}" for c in result.conditions] + result.notes]
    click.echo("\n".join(notes) + "\n" + source, nl=False)
    report = result.report
    if report is not None:
        click.echo(str(report), err=True)
        if report.status == "failed":
            sys.exit(1)


@main.command()
@click.argument("expr")
@click.option("--wrt", required=True, help="The variable.")
@click.option("--along", required=True, help="The direction, a name for a vector or matrix of the variable's shape.")
@derivative_options
def directional(expr, wrt, along, lets, no_check, seed, fmt, standalone, layout):
    """The directional derivative ∇f(x)ᵀ v of a scalar EXPR, in closed form."""
    from .api import directional as api_directional
    result = api_directional(read_expr(expr), wrt, along, where=list(lets), check=not no_check, seed=seed)
    emit(result, fmt, (f"D_{along} f", rf"D_{{{along}}} f"), standalone=standalone)


from .cli_analysis import register; register(main)

if __name__ == "__main__":
    main()
