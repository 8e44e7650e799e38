"""One table per pass, keyed by node type: the single dispatch style of matcalc.

Every pass over the closed set of node types (differential, adjoint, vec/Kronecker, simplification,
evaluation, text, LaTeX, code, SymPy) is a `Table`. A rule is registered next to the code that
implements it, with the identity it implements and where that identity comes from, as data, so
`--steps` can name it and the structure tests can list it:

    DIFF = Table("differential")

    @DIFF.register(E.Inverse, identity="d(X⁻¹) = −X⁻¹ dX X⁻¹", source="Matrix Cookbook (59)")
    def d_inverse(d, e):
        ...

A missing row is a `MissingRuleError` naming the node and the pass (never a KeyError or an
AttributeError), and a row registered twice is refused at import time. This is JAX's
`primitive_jvps[prim] = rule` and autograd's `defvjp(fun, rule)`, with the identity kept beside it.
"""
from typing import Callable, NamedTuple, Optional

from .errors import MissingRuleError

TABLES = {}   # pass name -> Table, for the structure tests (every node type has a row in every table)
_PENDING = {}  # pass name -> rows registered by name before the pass's module was loaded (see register)


class Rule(NamedTuple):
    fn: Callable
    identity: Optional[str] = None   # the identity the rule implements, as people write it
    source: Optional[str] = None     # where that identity comes from (a book and equation number)


class Table:
    def __init__(self, name, doc=""):
        if name in TABLES:
            raise ValueError(f"a table named {name!r} already exists")
        self.name = name
        self.doc = doc
        self.rows = {}
        TABLES[name] = self
        for keys, fn, identity, source in _PENDING.pop(name, ()):
            self.register(*keys, identity=identity, source=source)(fn)

    def register(self, *keys, identity=None, source=None):
        """Decorator: register the function for each key (node types, or names for name-keyed tables)."""
        def add(fn):
            for key in keys:
                if key in self.rows:
                    raise ValueError(f"{self.name}: a rule for {_name(key)} is already registered")
                self.rows[key] = Rule(fn, identity, source)
            return fn
        return add

    def rule(self, key):
        """The Rule for `key` (a node type or a node); a MissingRuleError when there is none."""
        if not isinstance(key, (type, str)):
            key = type(key)
        try:
            return self.rows[key]
        except KeyError:
            raise MissingRuleError(
                f"no {self.name} rule for {_name(key)} (an operation without a row in this table)"
            ) from None

    def __getitem__(self, key):
        return self.rule(key).fn

    def __setitem__(self, key, fn):
        """Replace a row's function, keeping its identity: for tests that inject a wrong rule
        (monkeypatch.setitem(DIFF, E.Inverse, wrong_inverse)); rules are added with `register`."""
        row = self.rows.get(key)
        self.rows[key] = Rule(fn) if row is None else row._replace(fn=fn)

    def __delitem__(self, key):
        del self.rows[key]

    def __contains__(self, key):
        return key in self.rows

    def get(self, key, default=None):
        row = self.rows.get(key)
        return default if row is None else row.fn

    def keys(self):
        return self.rows.keys()

    def __repr__(self):
        return f"Table({self.name!r}, {len(self.rows)} rows)"


def register(table_name, *keys, identity=None, source=None):
    """Register into the table named `table_name`, whether or not its module is loaded yet.

    For operation files (matcalc.ops) that must not import a pass's module: numeric's EVAL loads
    NumPy, which a derivation without the numerical check never imports. The rows wait here and
    join the table when it is created.
    """
    def add(fn):
        table = TABLES.get(table_name)
        if table is not None:
            return table.register(*keys, identity=identity, source=source)(fn)
        _PENDING.setdefault(table_name, []).append((keys, fn, identity, source))
        return fn
    return add


def _name(key):
    return key if isinstance(key, str) else getattr(key, "__name__", repr(key))
