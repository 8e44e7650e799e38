"""What the analysis commands share: new variables they introduce (the direction h, the step size η) and the zero test."""
from .. import expr as E
from ..errors import DiffError


def is_zero(e):
    return e is E.Num(0) or isinstance(e, E.Zero)


def fresh_name(f, candidates):
    """The first candidate name f does not use (the first one when all are taken: `new_variable` refuses it)."""
    taken = {v.name for v in f.free if isinstance(v, E.Var)}
    return next((c for c in candidates if c not in taken), candidates[0])


def new_variable(f, name, shape, props, what):
    """A new variable `name` of the given shape, refusing a name the expression already uses."""
    from ..vocabulary import NAME as _NAME, plain_name, show_text, spelling
    if isinstance(name, E.Var):
        return name
    name = plain_name(name)
    if not isinstance(name, str) or not _NAME.match(name):
        raise DiffError(f"the {what} must be a variable name, not '{show_text(name)}'")
    if any(isinstance(v, E.Var) and spelling(v.name) == spelling(name) for v in f.free):
        raise DiffError(f"'{name}' is already a variable of the expression; choose another name for the {what}")
    return E.Var(name, shape, frozenset(props))
