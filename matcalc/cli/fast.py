"""The fast path of the most common command line, `matcalc grad EXPR --wrt x [--no-check]`: the
same work and output as the click command, without importing click.

Why: click's import (with the inspect, uuid, platform and datetime modules it pulls in) was ~15 ms
of a ~60 ms `matcalc grad --no-check` (issue 19). Only an argument list whose meaning cannot differ
between click and this reading is taken here: the command `grad`, one EXPR that does not start with
'-', and the options --wrt NAME (repeatable), --let DECL (repeatable) and --no-check, each value
present and not starting with '-'. Everything else (help, other options or commands, a second EXPR,
'--', EXPR from standard input, shell completion, a standard stream that is not UTF-8) goes to
click. The command's body (gradients()) is the one the click command runs, and it prints through
streams.py as the click commands do; errors, exit codes, Ctrl-C and a closed pipe are handled as
click's standalone mode and the group (app.Group) handle them.
"""
import os
import sys

from . import streams


def gradients(expr, wrt, steps, lets, no_check, seed, fmt, standalone, layout):
    """The body of `matcalc grad` (the click command calls it too)."""
    from ..api import grad as api_grad
    results = api_grad(streams.read_expr(expr), list(wrt), where=list(lets), check=not no_check, seed=seed,
                       layout=layout)
    streams.emit_each(list(results.values()), fmt, lambda r: streams.symbols("gradient", r.wrt.name), standalone,
                      steps)


def fast_arguments(argv):
    """(expr, wrt, lets, no_check) when argv (sys.argv[1:]) can take the fast path, else None."""
    if len(argv) < 3 or argv[0] != "grad" or os.environ.get("_MATCALC_COMPLETE") or os.name != "posix":
        return None
    if not all(_utf8(stream) for stream in (sys.stdout, sys.stderr)):
        return None
    expr, wrt, lets, no_check, i = None, [], [], False, 1
    while i < len(argv):
        tok = argv[i]
        name, eq, value = tok.partition("=")
        if tok == "--no-check":
            no_check = True
        elif name in ("--wrt", "--let"):
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            if not value or value.startswith("-"):
                return None
            (wrt if name == "--wrt" else lets).append(value)
        elif tok.startswith("-") or expr is not None:
            return None
        else:
            expr = tok
        i += 1
    if expr is None or not wrt:
        return None
    return expr, tuple(wrt), tuple(lets), no_check


def _utf8(stream):
    encoding = getattr(stream, "encoding", None)
    return encoding is not None and encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def run_fast(expr, wrt, lets, no_check):
    """`matcalc grad` on the fast path: what app.Group.invoke and click's standalone main do around it."""
    from ..api import collecting_parse_notes
    from ..errors import LimitError, MatcalcError
    streams.PLAIN = True
    try:
        try:
            with collecting_parse_notes():
                gradients(expr, wrt, False, lets, no_check, None, "text", False, "mixed")
        except MatcalcError as err:
            streams.fail(err)
        except RecursionError:
            streams.fail(LimitError("the expression is nested too deeply to derive"))
    except (EOFError, KeyboardInterrupt):
        streams.echo(err=True)
        streams.echo("Aborted!", err=True)
        sys.exit(1)
    except OSError as e:                # a closed pipe: quiet, exit 1, as click's standalone mode
        import errno
        if e.errno != errno.EPIPE:
            raise
        from click.utils import _PacifyFlushWrapper
        sys.stdout = _PacifyFlushWrapper(sys.stdout)
        sys.stderr = _PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
