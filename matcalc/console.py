"""The `matcalc` console command's entry point (also `python -m matcalc`): the fast path of the
common `matcalc grad` (cli/fast.py) or the click application, then a fast exit.

Why a fast exit: once the command has printed its last line, an ordinary interpreter exit still
tears down every module, object and (on the check path) NumPy's state — about a fifth of a
`matcalc grad` run (issue 19). The work is invisible, so after the output is flushed, the atexit
handlers have run and no other thread is alive, the process ends with os._exit and the same exit
code. Anything unusual (an output that cannot be flushed, a thread still running, an exit code that
is not an integer) takes the ordinary exit instead, which behaves exactly as before. The click
group `matcalc.cli.main` is unchanged, so CliRunner and the API never exit this way.
"""
import os
import sys


def run():
    """Run the command line on sys.argv, then exit with its code (see the module's docstring)."""
    from .cli.fast import fast_arguments, run_fast
    fast = fast_arguments(sys.argv[1:])
    try:
        if fast is not None:
            run_fast(*fast)             # `matcalc grad EXPR --wrt x`, without click (cli/fast.py)
        else:
            from .cli import main
            main(prog_name="matcalc")
        code = 0
    except SystemExit as e:
        code = e.code
    fast_exit(code)


def fast_exit(code):
    """sys.exit(code), without the interpreter's teardown when nothing can observe its absence."""
    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        sys.exit(code)
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)                          # the ordinary exit joins the other threads first
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):               # a closed pipe: Python's own exit reports it as before
        sys.exit(code)
    import atexit
    atexit._run_exitfuncs()                    # what the ordinary exit would run (logging's flush, …)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)
