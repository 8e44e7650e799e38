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
    f = click.option("--seed", type=int, default=None, help="Seed of the numerical check (default 0).")(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text",
                     show_default=True)(f)
    return f


def emit(result, fmt, symbol):
    """Print a Result; a failed check exits 1 (a bug), an inconclusive one warns."""
    report = result.report
    if fmt == "json":
        payload = {"result": str(result), "latex": result.latex(), "shape": [str(d) for d in result.shape],
                   "wrt": result.wrt.name, "kind": result.kind, "conditions": result.conditions,
                   "notes": result.notes, "check": report.as_dict() if report else None}
        click.echo(json.dumps(payload, ensure_ascii=False))
    elif fmt == "latex":
        click.echo(f"{symbol[1]} = {result.latex()}")
    else:
        click.echo(f"{symbol[0]} = {result}")
        for c in result.conditions:
            click.echo(f"  where {c}")
        for n in result.notes:
            click.echo(f"  note: {n}")
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
@click.option("--wrt", required=True, help="The variable to differentiate by.")
@derivative_options
def grad(expr, wrt, lets, no_check, seed, fmt):
    """The gradient of a scalar EXPR w.r.t. a variable, in the variable's shape.

    \b
    Examples:
      matcalc grad "x^T A x" --wrt x
      matcalc grad "||A x - b||^2" --wrt x --let "A: m x n"
      matcalc grad "log det X" --wrt X --let "X: n x n spd" --format latex
    """
    from .api import grad as api_grad
    from .printers.latex import latex_name
    result = api_grad(read_expr(expr), wrt, where=list(lets), check=not no_check, seed=seed)
    name = result.wrt.name
    emit(result, fmt, (f"∂f/∂{name}", rf"\frac{{\partial f}}{{\partial {latex_name(name)}}}"))


if __name__ == "__main__":
    main()
