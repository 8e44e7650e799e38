"""The `matcalc` command line: a thin click layer over the API.

Every MatcalcError becomes the offending line with a caret, one line of message on standard
error, and exit code 2 — never a traceback. The commands live in derivatives.py and analysis.py,
what they share (reading EXPR, options, printing, exit codes) in common.py.
"""
import sys

import click

from ..errors import LimitError, MatcalcError
from ..vocabulary import show_text
from . import analysis, derivatives
from .common import echo


def fail(err):
    """The input line with a caret, then one line of message (user text in it sanitised), exit 2."""
    caret = err.caret()
    if caret:
        echo(caret, err=True)
    echo(show_text(f"error: {err.kind}: {err}"), err=True)
    sys.exit(2)


class Group(click.Group):
    """Turn every MatcalcError raised by a command into a clean message and exit code 2."""

    def invoke(self, ctx):
        from ..api import collecting_parse_notes
        try:
            with collecting_parse_notes():          # how the text was read reaches every command's output
                return super().invoke(ctx)
        except MatcalcError as err:
            fail(err)
        except RecursionError:
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


for _command in derivatives.COMMANDS + analysis.COMMANDS:
    main.add_command(_command)
