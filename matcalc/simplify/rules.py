"""The simplifier's identities as data: per node type, an ordered list of named identities.

Two kinds of node type:
- most are simplified by **rewrites** tried in order, the first that applies wins (sympy's
  `do_one`); a rewrite returns the new node, or None when it does not apply:

      @rewrite(E.Transpose, "(Aᵀ)ᵀ = A")
      def transpose_of_transpose(e): ...

- products, sums and Hadamard products are brought to a **normal form** in one pass (the sorted
  scalars, the merged chain, the collected terms); its steps are named identities too, registered
  with `named(...)` next to the code, which calls `fired(name)` where a step changes something so
  a trace can name it (splitting the pass into separate rewrites would cost a rebuild per step).

The engine (`simplify/__init__.py`) looks a node type up in `RULES`, a `tables.Table`.
"""
from typing import Callable, NamedTuple, Optional

from ..tables import Table


class Identity(NamedTuple):
    name: str
    node: type
    identity: str                  # as people write it
    fn: Callable
    source: Optional[str] = None   # where the identity comes from, when it is a textbook one
    kind: str = "rewrite"          # "rewrite" (tried in order), "step" (of a normal form) or "engine"
    arg: Optional[tuple] = None    # a rewrite that can only apply when the node's argument (`arg`, else its
                                   # first field: a power's base) is one of these types


IDENTITIES = {}   # node type -> [Identity], in the order they are tried (or run, for a normal form)
RULES = Table("simplification", doc="per node type, the function the fixpoint engine applies")

NOTES = [None]    # while a trace runs: the list the firing identities are noted in


def fired(name):
    """Note that the identity `name` changed the node (a no-op unless a trace is running)."""
    notes = NOTES[0]
    if notes is not None:
        notes.append(name)


def fired_alone(name):
    """Note `name` only when no other identity fired in this rewrite (the normal form's last resort:
    the change was the reordering itself)."""
    notes = NOTES[0]
    if notes is not None and not notes:
        notes.append(name)


_CANDIDATES = {}  # node type -> {type of its arg: indices of the rewrites that can apply}, filled as met


def _add(node, identity, source, kind, fn, name, arg=None):
    for rows in IDENTITIES.values():
        if any(r.name == name for r in rows):
            raise ValueError(f"a simplification identity named {name!r} is already registered")
    IDENTITIES.setdefault(node, []).append(Identity(name, node, identity, fn, source, kind, arg))
    _CANDIDATES.get(node, {}).clear()


def rewrite(node, identity, source=None, arg=None):
    """Decorator: `fn(e)` is tried on every `node` after the rewrites registered before it. With
    `arg=(types)` it is tried only when the node's argument (`e.arg`, or the first field: a power's
    base) is one of them: a necessary condition of the rewrite, stated so dispatch can skip it as
    fast as an if-chain would."""
    def add(fn):
        if node not in RULES:
            RULES.register(node, identity="the first of its rewrites that applies")(_first_match(node))
        elif IDENTITIES[node][0].kind != "rewrite":
            raise ValueError(f"{node.__name__} has a normal form; its identities are steps")
        _add(node, identity, source, "rewrite", fn, fn.__name__, arg)
        return fn
    return add


def _first_match(node):
    rows = IDENTITIES.setdefault(node, [])
    by_arg = _CANDIDATES.setdefault(node, {})
    at = node.fields.index("arg") if "arg" in node.fields else 0

    def candidates(kind):
        found = by_arg[kind] = [i for i, r in enumerate(rows) if r.arg is None or issubclass(kind, r.arg)]
        return found

    def first_match(e):
        kind = type(e.args[at]) if e.args else type(None)
        found = by_arg.get(kind)
        for i in candidates(kind) if found is None else found:
            row = rows[i]
            out = row.fn(e)
            if out is not None:
                notes = NOTES[0]
                if notes is not None:
                    notes.append(row.name)
                return out
        return e
    first_match.__name__ = f"first_match_{node.__name__.lower()}"
    return first_match


def normal_form(node, identity):
    """Decorator: `fn(e)` brings every `node` to its normal form (its steps are registered with `named`)."""
    def add(fn):
        RULES.register(node, identity=identity)(fn)
        return fn
    return add


def named(node, name, identity, source=None, kind="step"):
    """Register an identity that is not a function of its own (an `if` inside a normal form or the
    engine); returns the name, for `fired`."""
    _add(node, identity, source, kind, None, name)
    return name


def all_identities():
    return [row for rows in IDENTITIES.values() for row in rows]
