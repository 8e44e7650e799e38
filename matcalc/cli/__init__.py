"""The `matcalc` command line: a thin click layer over the API.

The click application (app.py: the group `main` and its commands) loads on first use of `main`, so
that the fast path of the common `matcalc grad EXPR --wrt x` (fast.py, run by matcalc/console.py)
starts without importing click (issue 19). `from matcalc.cli import main` works as before.
"""
_APP = ("main", "Group", "click_errors", "wants_json", "fail")


def __getattr__(name):
    if name in _APP:
        from . import app
        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
