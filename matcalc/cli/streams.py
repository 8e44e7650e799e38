"""What the commands read and print, and how they exit — without click, so that the fast path of
`matcalc grad` (fast.py) prints through the very functions the click commands use.

Exit codes: 0 success; 1 a failed numerical check (a bug in matcalc); 2 a MatcalcError (fail()).
An inconclusive check prints a warning and exits 0.
"""
import json
import sys

from ..errors import LimitError, MatcalcError, ParseError
from ..printers.document import documents
from ..vocabulary import show_text

#: True on the fast path: echo writes to sys.stdout/sys.stderr itself instead of through click.echo.
PLAIN = False


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


def _conditions():
    """False when --no-conditions was given (the LaTeX formats then leave conditions and notes out)."""
    click = sys.modules.get("click")         # not imported on the fast path, which prints text only
    ctx = click.get_current_context(silent=True) if click is not None else None
    return not (ctx is not None and ctx.meta.get("matcalc.no_conditions", False))



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
    return "\n".join(line if line.isprintable() else show_text(line) for line in text.split("\n"))


def echo(text="", err=False, nl=True):
    """Print on standard output (or error), sanitised: every line the command line prints goes here."""
    _echo(clean(text), err=err, nl=nl)


def _echo(text, err=False, nl=True):
    """click.echo, or on the fast path (PLAIN) what click.echo does with a str on a UTF-8 stream that is
    not a terminal's: write it and flush. (ANSI codes click would strip cannot be here: clean() and
    as_json() have escaped every control character.)"""
    if not PLAIN:
        import click
        click.echo(text, err=err, nl=nl)
        return
    stream = sys.stderr if err else sys.stdout
    text = text + "\n" if nl else text
    if text:
        stream.write(text)
    stream.flush()


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
    _echo(as_json(data))


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


def fail(err, as_json=False):
    """The input line with a caret, then one line of message (user text in it sanitised), exit 2.

    With --format json: {"error": {"kind", "message", "column", "caret"}} on standard output instead.
    """
    caret = err.caret()
    if as_json:
        echo_json({"error": error_json(err)})
        sys.exit(2)
    if caret:
        echo(caret, err=True)
    kind = "" if err.kind == MatcalcError.kind else f"{err.kind}: "     # not 'error: error: …'
    echo(show_text(f"error: {kind}{err}"), err=True)
    sys.exit(2)


def symbols(kind, name, name2=None):
    """The derivative's symbol, as text and as LaTeX: ∂f/∂x, ∂vec(F)/∂vec(X), ∂²f/∂x², ∂²f/∂x∂y."""
    from ..printers.latex import latex_name
    n, ln = name, latex_name(name)
    if kind in ("gradient", "jacobian"):
        return f"∂f/∂{n}", rf"\frac{{\partial f}}{{\partial {ln}}}"
    if kind == "vec jacobian":
        return f"∂vec(F)/∂vec({n})", rf"\frac{{\partial \operatorname{{vec}} F}}{{\partial \operatorname{{vec}} {ln}}}"
    if name2 is None:
        return f"∂²f/∂{n}²", rf"\frac{{\partial^2 f}}{{\partial {ln}^2}}"
    ln2 = latex_name(name2)
    return f"∂²f/∂{n}∂{name2}", rf"\frac{{\partial^2 f}}{{\partial {ln}\,\partial {ln2}}}"
