"""One public call: the context it runs in.

Every public entry point (grad, jacobian, …) is `guarded`: it gets its own simplifier work budget,
shares one memo of the gradients it derives with the calls it makes (derive.derivations), runs on a
deep stack when Python's recursion limit is reached, and collects the notes and the definitions of
the texts it parses, so every Result made in the call can show how its text was read.
The CLI wraps a whole command in `collecting_parse_notes()` for the same reason.
"""
from contextvars import ContextVar

# Public functions that a lower package exposes but that live above it (matcalc.codegen(...) is the
# package matcalc/codegen/ called as a function; api_codegen.py registers the function here).
PUBLIC = {}

from . import expr as E
from .stack import call


# The notes of the texts parsed during the current public call (how a `/` or a name was read): every
# Result made in that call shows them, so they reach the output of every command, not only `parse`.
_parse_notes = ContextVar("parse_notes", default=None)
# The names the user defined in those texts (h = tanh(W x + b)): results print them, as a textbook does.
_parse_definitions = ContextVar("parse_definitions", default=None)


def parse_notes():
    """The notes of the texts parsed so far in the current call or command (a copy)."""
    return list(_parse_notes.get() or ())


def collecting_parse_notes():
    """Context manager: collect parse notes for a whole command (the CLI wraps every command in it)."""
    import contextlib

    @contextlib.contextmanager
    def collecting():
        token, dtoken = _parse_notes.set([]), _parse_definitions.set({})
        try:
            yield
        finally:
            _parse_notes.reset(token)
            _parse_definitions.reset(dtoken)
    return collecting()


def _parse(expr, where, need=None, wrt=()):
    """(expression, every variable named in the text); need="scalar" for a gradient or a Hessian; the
    names in `wrt` are names (a run of letters such as `pred` is not split when it is asked for)."""
    if isinstance(expr, E.Expr):
        return expr, {}
    from .parse import parse_solved
    names = [n for n in (wrt if isinstance(wrt, (list, tuple)) else [wrt]) if isinstance(n, str)]
    parsed = parse_solved(expr, where, need=need, names=names)
    notes = _parse_notes.get()
    if notes is not None:
        notes.extend(n for n in parsed.notes if n not in notes)
    defined = _parse_definitions.get()
    if defined is not None:
        defined.update(parsed.definitions)
    return parsed.expr, parsed.names


def guarded(fn):
    """Every public entry point: a work budget, the outermost call's gradient memo, a deep stack when
    needed, and recursion past even that reported as a LimitError."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .derive import derivations
        from .errors import LimitError
        from .simplify import budget

        def budgeted():
            with budget(), derivations():
                return fn(*args, **kwargs)
        token = _parse_notes.set([]) if _parse_notes.get() is None else None
        dtoken = _parse_definitions.set({}) if _parse_definitions.get() is None else None
        try:
            return call(budgeted)
        except RecursionError:
            raise LimitError("the expression is nested too deeply to derive") from None
        except OverflowError:   # an exact constant (1e300 · 1e300) past what a double holds, met when evaluated
            raise LimitError("a number in the expression or its derivative is beyond double precision "
                             "(about 1.8e308), so it cannot be evaluated or checked; rescale the constants") from None
        finally:
            if token is not None:
                _parse_notes.reset(token)
            if dtoken is not None:
                _parse_definitions.reset(dtoken)
    return wrapper


def on_deep_stack(what):
    """A method that walks the result's tree (check, code, steps): retried on the deep stack when
    Python's recursion limit is reached, as the derivation itself is (a 120-layer network's gradient
    derived with check=False raised RecursionError from .check() and .to_numpy()), and a LimitError
    past even that."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            from .errors import LimitError
            try:
                return call(fn, *args, **kwargs)
            except RecursionError:
                raise LimitError(f"the expression is nested too deeply to {what}") from None
        return wrapper
    return wrap
