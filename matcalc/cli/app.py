"""The click application of the `matcalc` command line: the group, its error handling, its commands.

Every MatcalcError becomes the offending line with a caret, one line of message on standard
error, and exit code 2 — never a traceback (streams.fail). The commands live in derivatives.py,
analysis.py, optimize.py and serve.py; what they share (reading EXPR, options, printing, exit codes)
in common.py and streams.py.
"""
import sys
from contextlib import contextmanager

import click

from ..errors import LimitError, MatcalcError
from ..vocabulary import show_text
from . import analysis, derivatives, optimize, serve
from .common import echo_json
from .streams import fail


def wants_json(args):
    """Whether the command line asks for --format json (then its errors are JSON too)."""
    args = list(args)
    return "--format=json" in args or any(a == "--format" and b == "json" for a, b in zip(args, args[1:]))


# click 8.2+ raises the help for a bare `matcalc` as a usage error; its newlines are the help's layout
_HELP_ERRORS = getattr(click.exceptions, "NoArgsIsHelpError", ())


@contextmanager
def click_errors(ctx):
    """click's own errors (a missing or repeated option, a bad value): JSON when JSON is asked for,
    and their text (which can quote user input) through the sanitiser."""
    try:
        yield
    except click.ClickException as e:
        if isinstance(e, _HELP_ERRORS):     # `matcalc` alone: click's own help, no user input to sanitise
            raise
        if ctx.meta.get("matcalc.json"):
            echo_json({"error": {"kind": "usage error", "message": e.format_message(), "column": None,
                                 "caret": None}})
            sys.exit(e.exit_code)
        message = e.format_message
        e.format_message = lambda: show_text(message())
        raise


class Group(click.Group):
    """Turn every MatcalcError raised by a command into a clean message and exit code 2."""

    def parse_args(self, ctx, args):
        ctx.meta["matcalc.json"] = wants_json(args)
        with click_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx):
        from ..api import collecting_parse_notes
        as_json = ctx.meta.get("matcalc.json", False)
        with click_errors(ctx):
            try:
                with collecting_parse_notes():          # how the text was read reaches every command's output
                    return super().invoke(ctx)
            except MatcalcError as err:
                fail(err, as_json)
            except RecursionError:
                fail(LimitError("the expression is nested too deeply to derive"), as_json)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matcalc")
def main():
    """matcalc: closed-form matrix derivatives, checked numerically.

    \b
    Examples:
      matcalc parse "x^T A x"
      matcalc parse "||A x - b||^2" --let "A: m x n"
    """


for _command in derivatives.COMMANDS + analysis.COMMANDS + optimize.COMMANDS + serve.COMMANDS:
    main.add_command(_command)
