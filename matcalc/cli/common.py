"""What every command shares: the command line's shape (EXPR, repeated options) and the options.

Reading EXPR, printing a result and the exit codes are in streams.py (exit codes: 0 success; 1 a
failed numerical check, a bug in matcalc; 2 a MatcalcError, handled by the group in app.py).
"""
import click

from ..vocabulary import show_text as show
# What the commands read and print, and how they exit, live in streams.py (no click there, for the fast
# path of fast.py); they are imported here for the commands and the playground, which take them from here.
from .streams import (STANDALONE, _conditions, as_json, clean, echo, echo_json, echo_latex_notes, echo_text,  # noqa: F401
                      emit, emit_each, error_json, finish, latex_document, notes_json, parse_notes, payload,
                      read_expr, show_steps, text_block)

LET_HELP = "Declare a variable, e.g. --let 'A: m x n' --let 'S: n x n spd' --let 'c: scalar'."
FORMATS = ("text", "latex", "json")


# ---- the command line's shape ---------------------------------------------------------------------
class Command(click.Command):
    """A command whose EXPR may start with '-', and whose variables are never silently dropped.

    - click reads every token that starts with '-' as an option, so "-1/2 log det S" was "no such
      option '-1'". A token met where EXPR is expected that is not one of the command's options is
      EXPR: it is moved behind '--', where click reads it as the argument, and the options after it
      still count. Long tokens ('--wrtt') stay options, so a mistyped option is still reported as one.
    - click keeps the last value of a repeated option. For an option that names a variable or a file
      (ONCE) that silently drops one: given twice with different values it is refused (exit 2), with
      the command's hint (REPEATED) when there is one.
    """

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, self._read(ctx, list(args)))

    def _read(self, ctx, args):
        options = {name: p for p in self.get_params(ctx) if isinstance(p, click.Option)
                   for name in p.opts + p.secondary_opts}
        out, expression, positional, given, i = [], None, 0, {}, 0
        while i < len(args):
            tok = args[i]
            if tok == "--":
                out.extend(args[i:])
                break
            name = tok.split("=", 1)[0] if tok.startswith("--") else tok
            param = options.get(name)
            if param is not None:
                out.append(tok)
                if not (param.is_flag or param.count):
                    value = tok.split("=", 1)[1] if "=" in tok else args[i + 1] if i + 1 < len(args) else None
                    given.setdefault(param, []).append(value)
                    if "=" not in tok and i + 1 < len(args):
                        out.append(args[i + 1])
                        i += 1
            elif tok.startswith("-") and not tok.startswith("--") and tok != "-" and not positional \
                    and expression is None:
                expression = tok
            else:
                positional += not tok.startswith("-") or tok == "-"
                out.append(tok)
            i += 1
        self._refuse_repeats(ctx, given)
        if expression is not None and "--" in out:
            k = out.index("--") + 1
            out[k:k] = [expression]
        elif expression is not None:
            out += ["--", expression]
        return out

    def _refuse_repeats(self, ctx, given):
        for param, values in given.items():
            distinct = list(dict.fromkeys(values))
            if param.name in ONCE and not param.multiple and len(distinct) > 1:
                hint = REPEATED.get((self.name, param.name), f"{self.name} takes one {param.opts[0]}")
                shown = ", ".join(show(v) for v in distinct)
                raise click.BadParameter(f"given {len(distinct)} times ({shown}); {hint}", ctx=ctx, param=param)


#: Options that name one variable or one file: a second, different value would silently replace the first.
ONCE = {"wrt", "wrt2", "along", "times", "solve_for", "direction", "eta_name", "values"}
REPEATED = {
    ("hessian", "wrt"): "hessian takes one --wrt; for the mixed second derivative ∂²f/∂x∂y write --wrt x --wrt2 y",
}


# ---- options ------------------------------------------------------------------------------------
def let_option(f):
    return click.option("--let", "lets", multiple=True, help=LET_HELP)(f)


def check_options(f=None, *, no_check_help="Skip the numerical check (and NumPy's import)."):
    """--no-check and --seed; `@check_options(no_check_help=...)` where skipping the check still imports NumPy."""
    if f is None:
        return lambda g: check_options(g, no_check_help=no_check_help)
    f = click.option("--no-check", is_flag=True, help=no_check_help)(f)
    return click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
                        help="Seed of the numerical check (default 0).")(f)


def format_option(formats=FORMATS):
    return click.option("--format", "fmt", type=click.Choice(list(formats)), default="text", show_default=True)


class Finite(click.ParamType):
    """A finite number ≥ 0 (or > 0): a tolerance or a step size. click's FloatRange lets nan through
    (every comparison with nan is false) and inf with no upper bound."""

    name = "number"

    def __init__(self, positive=False):
        self.positive = positive

    def convert(self, value, param, ctx):
        import math
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{show(value)!r} is not a number", param, ctx)
        if not math.isfinite(x) or x < 0 or self.positive and x == 0:
            self.fail(f"{show(value)} is not a finite number {'> 0' if self.positive else '≥ 0'}", param, ctx)
        return x


def analysis_options(formats=FORMATS, **check):
    """--let, --no-check, --seed and --format."""
    def decorate(f):
        return format_option(formats)(check_options(let_option(f), **check))
    return decorate


def _leave_out_conditions(ctx, param, value):
    ctx.meta["matcalc.no_conditions"] = value


def derivative_options(f):
    """--let, --no-check, --seed, --format, and the derivative commands' --standalone and --layout."""
    f = analysis_options(FORMATS + ("unicode",))(f)
    f = click.option("--no-conditions", is_flag=True, expose_value=False, callback=_leave_out_conditions,
                     help="With --format latex: leave the conditions and notes out.")(f)
    f = click.option("--standalone", is_flag=True,
                     help="With --format latex: wrap the output in a minimal compilable LaTeX document.")(f)
    return click.option("--layout", type=click.Choice(["mixed", "numerator", "denominator"]), default="mixed",
                        show_default=True, help="mixed: gradients in the variable's shape, Jacobians m×n; numerator: "
                        "gradients transposed (rows); denominator: Jacobians transposed (n×m).")(f)
