"""A table keyed by SymPy class and looked up along the MRO: the dispatch of `from_sympy`.

`tables.Table` is keyed by matcalc's node types, a closed set in which every type has its own row.
SymPy's classes are an open hierarchy instead (`Inverse` is a `MatPow`, `MatMul` a `Mul`, `Dummy` a
`Symbol`, and users make classes such as `Function("f")`), so a lookup walks `cls.__mro__` and takes
the first registered class: the most specific rule wins, whatever the order of registration. This
replaces an ordered isinstance list, whose correctness depended on its order.

Classes are named, not imported (a name in `sympy`, or a dotted path for classes SymPy does not
export at the top), because `import matcalc` must not import SymPy: the names are resolved on the
first lookup, once.
"""
import importlib


class ClassTable:
    def __init__(self, name):
        self.name = name
        self._named = []     # (class name or dotted path, rule), in registration order
        self._rows = None    # class -> rule, once resolved

    def register(self, *classes):
        """Decorator: the rule reads instances of these SymPy classes (and of subclasses without a row)."""
        def add(fn):
            self._named.extend((name, fn) for name in classes)
            self._rows = None
            return fn
        return add

    def rows(self):
        if self._rows is None:
            import sympy
            rows = {}
            for name, fn in self._named:
                if "." in name:
                    module, attr = name.rsplit(".", 1)
                    cls = getattr(importlib.import_module(module), attr)
                else:
                    cls = getattr(sympy, name)
                if cls in rows:
                    raise ValueError(f"{self.name}: a rule for {name} is already registered")
                rows[cls] = fn
            self._rows = rows
        return self._rows

    def rule_for(self, cls):
        """The rule of the most specific registered class among cls and its bases, or None."""
        rows = self.rows()
        for k in cls.__mro__:
            fn = rows.get(k)
            if fn is not None:
                return fn
        return None
