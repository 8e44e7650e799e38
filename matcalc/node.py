"""The base of every expression node: interning, children, free variables, sort keys, and the
registry of node types.

Every node is interned: building the same node twice gives the same object, so structural
equality is identity and hashing is O(1). A node's children are `args`; `type(e)(*e.args) is e`.
Each node type carries its own shape rule (`shape_of`, built from the helpers in `shapes`), computed
once, at construction. Every subclass of Expr in the package registers itself (name → class) when defined,
extension operations in `matcalc.ops` included; the structure tests walk that registry
(`expr.NODE_TYPES`). The node types themselves are in expr.py and operators.py.
"""
from fractions import Fraction
from weakref import KeyedRef, WeakValueDictionary

from . import shapes as S

_interned = WeakValueDictionary()
# The dictionary's own storage and removal callback, used directly by Expr.__new__: what its get and
# __setitem__ do, without their Python-level frames on the hottest path of the engine (it is never
# iterated, so it has no pending removals to commit first).
_refs, _forget = _interned.data, _interned._remove
_set = object.__setattr__


# The order of node types in sort keys (so in printed sums and products); a type not listed ranks 50.
# Differentials come last: sᵀ dx, tr(A dX).
_RANK_ORDER = ("Num", "Const", "Literal", "Var", "Identity", "Ones", "Zero", "Commutation", "Transpose", "Inverse",
               "MatPow", "Apply", "Softmax", "Pow", "Norm", "Trace", "Det", "LogDet", "Sum", "DiagVec",
               "DiagMat", "Vec", "LogSumExp", "Hadamard", "Kron", "Mul", "Add", "Call", "CallJacobian",
               "ElementCall", "Differential")
MAX_KEY = 256   # characters of a sort key; see Expr.sort_key
Q_ONE, Q_ZERO = Fraction(1), Fraction(0)   # Fractions are immutable: built once, not in every rewrite


# str(e) and e.latex(): the printers, set by expr.py, the one module that imports them back (the
# printers import the node types, so this is the documented Expr → printers back-edge, kept in expr).
PRINTERS = {}

_NODE_TYPES = {}   # name → node class, filled by Expr.__init_subclass__; read it as NODE_TYPES


_MISSING = object()
_FIELDS = set()   # the properties _field made (a plain property: interpreters specialise its reads)


def _field(i):
    """The property reading the i-th entry of a node's args, under a field's name."""
    prop = property(lambda e: e.args[i])
    _FIELDS.add(prop)
    return prop


class Expr:
    # children (the args that are nodes) and is_scalar (shape == 1×1) are stored at construction: every
    # pass reads them, most of them many times per node
    __slots__ = ("args", "shape", "children", "is_scalar", "_key", "_vars", "__weakref__")
    fields = ()
    _rank = 50                 # the type's place in sort keys (see _RANK_ORDER)
    _free_leaf = False         # Var and Differential: the leaves `free` collects
    _sorts_after_arg = False   # Transpose: Aᵀ sorts right after A

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # e.arg, e.base, …: a property per field, read straight from args. Through __getattr__ (kept for
        # the rest) every read failed an ordinary lookup first, raising and catching an AttributeError.
        for i, name in enumerate(cls.fields):
            found = getattr(cls, name, _MISSING)
            if found is _MISSING or isinstance(found, property) and found in _FIELDS:
                setattr(cls, name, _field(i))   # else a method or attribute of that name wins, as before
        if not cls.__module__.startswith("matcalc."):
            return   # a class a test makes up (class Unknown(E.Var)) is not one of matcalc's node types
        if cls.__name__ in _NODE_TYPES:
            raise TypeError(f"a node type named {cls.__name__} already exists")
        _NODE_TYPES[cls.__name__] = cls
        if cls.__name__ in _RANK_ORDER:
            cls._rank = _RANK_ORDER.index(cls.__name__)

    def __new__(cls, *args):
        key = (cls, args)
        ref = _refs.get(key)
        node = ref() if ref is not None else None
        if node is None:
            node = object.__new__(cls)
            shape = cls.shape_of(*args)
            _set(node, "args", args)
            _set(node, "shape", shape)
            _set(node, "children", tuple([a for a in args if isinstance(a, Expr)]))
            _set(node, "is_scalar", shape == S.SCALAR)
            _set(node, "_key", None)
            _set(node, "_vars", None)
            _refs[key] = KeyedRef(node, _forget, key)
        return node

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self):
        return (type(self), self.args)

    def __getattr__(self, name):
        try:
            return self.args[type(self).fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    @classmethod
    def shape_of(cls, *args):
        raise NotImplementedError

    @property
    def is_vector(self):
        return self.shape[1] == 1 and self.shape[0] != 1

    def rebuild(self, children):
        """The same node over new children (in the order of `children`)."""
        if len(self.children) == len(self.args):    # every arg a node (sums, products): no merging
            return type(self)(*children)
        it = iter(children)
        return type(self)(*(next(it) if isinstance(a, Expr) else a for a in self.args))

    @property
    def free(self):
        """The set of Var and Differential leaves."""
        if self._vars is None:
            if self._free_leaf:
                found = frozenset((self,))
            else:
                found = frozenset().union(*(c.free for c in self.children))
            object.__setattr__(self, "_vars", found)
        return self._vars

    @property
    def sort_key(self):
        """A total order used to put commutative operands in canonical order.

        A flat string, compared at C speed: the type's rank, the node's own fields, then the keys of
        its children. Aᵀ sorts right after A. A key longer than MAX_KEY keeps its head and ends in a
        digest of the rest, so a tree k levels deep has keys of bounded length, not of length k.
        """
        if self._key is None:
            if self._sorts_after_arg:
                key = self.arg.sort_key + "~"   # after any sibling separator
            else:
                own = "|".join(str(a) for a in self.args if not isinstance(a, Expr))
                kids = ",".join(c.sort_key for c in self.children)
                key = f"{self._rank:02d}{own}({kids})"
                if len(key) > MAX_KEY:
                    from hashlib import blake2b
                    key = key[:MAX_KEY - 17] + "#" + blake2b(key.encode(), digest_size=8).hexdigest()
            object.__setattr__(self, "_key", key)
        return self._key

    def __str__(self):
        return PRINTERS["text"](self)

    def __repr__(self):
        return f"<{type(self).__name__} {self}>"

    def latex(self, **options):
        return PRINTERS["latex"](self, **options)

    def _repr_latex_(self):
        return f"${self.latex()}$"

    @property
    def variables(self):
        """Name → declared or inferred type of every variable, as text."""
        out = {}
        for v in sorted((v for v in self.free if isinstance(v, _NODE_TYPES["Var"])), key=lambda v: v.name):
            out[v.name] = v.describe()
        return out


def nodes(*roots):
    """Every distinct node under the roots, each once (iterative: deep trees are fine)."""
    seen, stack = set(), list(roots)
    while stack:
        e = stack.pop()
        if e in seen:
            continue
        seen.add(e)
        stack.extend(e.children)
        yield e
