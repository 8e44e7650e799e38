"""What every command shares: reading EXPR, the shared options, printing a result, and the exit codes.

Exit codes: 0 success; 1 a failed numerical check (a bug in matcalc); 2 a MatcalcError (handled by
the group in __init__.py). An inconclusive check prints a warning and exits 0.
"""
import json
import sys

import click

from ..errors import LimitError, ParseError
from ..printers.document import documents
from ..vocabulary import show_text as show

LET_HELP = "Declare a variable, e.g. --let 'A: m x n' --let 'S: n x n spd' --let 'c: scalar'."
FORMATS = ("text", "latex", "json")


def read_expr(expr):
    """EXPR, or standard input when EXPR is '-'."""
    if expr != "-":
        return expr
    from ..parse.lexer import MAX_INPUT
    # Read one UTF-8 character's worth past the limit, never more: `parse - < /dev/zero` must end.
    data = sys.stdin.buffer.read(4 * MAX_INPUT + 4)
    if len(data) > 4 * MAX_INPUT:
        raise LimitError(f"standard input is longer than the input limit ({MAX_INPUT:,} characters)")
    try:
        return data.decode("utf-8-sig").strip()        # a byte-order mark (Windows editors write one) is skipped
    except UnicodeDecodeError as e:
        raise ParseError(f"standard input is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})")


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


def _conditions():
    """False when --no-conditions was given (the LaTeX formats then leave conditions and notes out)."""
    ctx = click.get_current_context(silent=True)
    return not (ctx is not None and ctx.meta.get("matcalc.no_conditions", False))


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


# ---- printing -----------------------------------------------------------------------------------
STANDALONE = ("\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
              "{body}\n\\end{document}")


def latex_document(parts):
    """Display equations in a minimal compilable document."""
    return STANDALONE.replace("{body}", "\n".join(f"\\[\n{p}\n\\]" for p in parts))


def show_steps(result, fmt, standalone=False):
    if fmt == "latex" and standalone:
        return
    if fmt == "latex":
        echo(result.steps_latex())
        echo("\n% the result:")           # apart: pasted as one formula, the result lands beside the steps
    elif fmt in ("text", "unicode"):
        echo(result.steps_text(unicode=fmt == "unicode"))
        echo()


def payload(result):
    """A Result as JSON-ready data."""
    report = result.report
    return {"result": str(result), "pretty": result.pretty(), "latex": result.latex(),
            "pretty_latex": result.pretty(latex=True),     # with its where, as "pretty"
            "steps": [{"rule": st.rule, "text": st.text, "latex": st.latex} for st in result.steps],
            "shape": [str(d) for d in result.shape], "wrt": result.wrt.name, "kind": result.kind,
            "layout": result.layout, "conditions": result.conditions, "notes": result.notes,
            "check": report.as_dict() if report else None}


def parse_notes():
    """How the command's text was read where it could be read two ways (api.parse_notes)."""
    from ..api import parse_notes as notes
    return notes()


def notes_json():
    """{"notes": [...]} for a JSON output when the reading of the text was noted, else nothing."""
    notes = parse_notes()
    return {"notes": notes} if notes else {}


def clean(text):
    """Text on its way to the terminal, through the one sanitiser (vocabulary.show_text): control and
    invisible characters become code points (<U+001B>), so no user text (a --let, --along or --values
    path, a JSON key) can move the cursor, recolour or retitle the terminal. Line breaks are kept."""
    text = str(text)
    if text.isprintable():
        return text
    return "\n".join(line if line.isprintable() else show(line) for line in text.split("\n"))


def echo(text="", err=False, nl=True):
    """Print on standard output (or error), sanitised: every line the command line prints goes here."""
    click.echo(clean(text), err=err, nl=nl)


def as_json(data):
    """JSON whose strings hold no raw control or invisible character: JSON escapes C0 controls itself,
    and the others (C1 controls such as the one-byte CSI U+009B, bidirectional overrides) are written
    as \\uXXXX escapes, so the data parse back unchanged."""
    text = json.dumps(data, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else json.dumps(ch)[1:-1] for ch in text)


def echo_latex_notes(notes):
    """How the text was read, as LaTeX comments before the formula: a comment after it would have no
    newline to end it and, pasted between $$ … $$, would comment out the closing $$."""
    for n in notes:
        echo(f"% note: {n}")


def error_json(err):
    """A MatcalcError as the JSON formats print it: kind, message, column and the caret's two lines."""
    return {"kind": err.kind, "message": str(err), "column": err.column, "caret": err.caret() or None}


def echo_json(data):
    click.echo(as_json(data))


def text_block(body, conditions, report, notes=(), extra=()):
    """The text format as one string: the result, its conditions, notes and extra lines, the check's report."""
    lines = [body] + [f"  where {c}" for c in conditions] + [f"  note: {n}" for n in notes]
    lines += [f"  {line}" for line in extra] + ([f"  {report}"] if report is not None else [])
    return "\n".join(lines)


def echo_text(body, conditions, report, notes=(), extra=()):
    """The text format: the result, its conditions, notes and extra lines, the check's report."""
    echo(text_block(body, conditions, report, notes, extra))


def finish(report, what="result"):
    """Exit 1 on a failed check (a bug in matcalc), warn on an inconclusive one."""
    if report is None:
        return
    if report.status == "failed":
        echo(f"error: the {what} FAILED the numerical check: {report}. This is a bug in matcalc; please "
             "report it with the command line.", err=True)
        sys.exit(1)
    if report.status == "inconclusive":
        echo(f"warning: {report}", err=True)


def emit(result, fmt, symbol, standalone=False, steps=False):
    """Print a Result as `symbol = value` (symbol: a text and a LaTeX form), then finish on its check."""
    report = result.report
    if fmt == "latex" and standalone:
        echo(documents([(result, symbol[1])], steps=steps, conditions=_conditions()), nl=False)
    elif fmt == "json":
        echo_json(payload(result))
    elif fmt == "latex":
        echo(result.latex_formula(conditions=_conditions(), lhs=symbol[1]))
    else:
        echo_text(f"{symbol[0]} = {result.pretty(unicode=fmt == 'unicode')}", result.conditions, report, notes=result.notes,
                  extra=[result.layout_note] if result.layout != "mixed" else ())
    finish(report, result.kind)


def emit_each(results, fmt, symbol_of, standalone=False, steps=False):
    """The Results of one command, one per --wrt: a single JSON list, or a single LaTeX document, or
    each in turn (with its steps); then every check is finished (exit 1 on the first failure)."""
    together = len(results) > 1 and (fmt == "json" or fmt == "latex" and standalone)
    if together and fmt == "json":
        echo_json([payload(r) for r in results])
    elif together:
        echo(documents([(r, symbol_of(r)[1]) for r in results], steps=steps, conditions=_conditions()), nl=False)
    for r in results:
        if together:
            finish(r.report, r.kind)
            continue
        if steps:
            show_steps(r, fmt, standalone)
        emit(r, fmt, symbol_of(r), standalone=standalone, steps=steps)

