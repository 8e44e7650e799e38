"""The names the steps of a derivation write, and where each is defined (issue 20): the steps name the
subexpressions the result's `where` names (A = softmax(…), σ, X̂, δ, the user's own h = …) and those a
step repeats (softmax(W x + b) six times a line is s), each defined once, on a `with` line just before
the first step that shows it, a name before the names whose definitions use it. So the steps of
attention or layer norm read like a textbook's backward pass: the forward quantities are introduced as
they are needed, then used by name.

The result names nodes of its display form, whose sums are in the order the user typed them
(H W2 + 1 b2ᵀ); the steps hold the canonical ones (1 b2ᵀ + H W2). A step's node takes the name of the
node it is in typed order, so the two forms share one name.
"""
from .. import expr as E


class StepNames:
    """names: node → name, for the printers (a name may stand for several nodes: the typed and the
    canonical order of one sum); defined: name → the node its definition shows (the result's node when
    the result names it)."""

    def __init__(self, names=None, defined=None):
        self.names = dict(names or {})
        self.defined = dict(defined or {})

    def introduced(self, steps):
        """For each step, the names first shown in it (or needed by the definition of one that is), in
        dependency order: a name's definition uses only names defined before it."""
        seen, out = set(), []
        for s in steps:
            new = []
            for side in (s.lhs, s.rhs):
                if isinstance(side, E.Expr):
                    self._need(side, seen, new)
            out.append(new)
        return out

    def _need(self, e, seen, new):
        """Walks e; a named node brings in the names its definition uses (smaller first), then itself."""
        stack, order = [e], []
        done = set()
        while stack:
            n = stack.pop()
            if n in done:
                continue
            done.add(n)
            name = self.names.get(n)
            if name is not None and name not in seen and name not in order:
                order.append(name)
                stack.append(self.defined[name])
            stack.extend(n.children)
        for name in sorted(order, key=lambda m: _size(self.defined[m])):
            seen.add(name)
            new.append(name)


def _size(e):
    return sum(1 for _ in E.nodes(e))


def step_names(result):
    """The StepNames of `result.steps`: the result's names (the user's, A, σ, X̂, δ, s, …) on the steps'
    nodes in either order of their sums, then a name for each subexpression a step repeats."""
    from ..display import typed_order
    from ..steps import Label
    from .text import shared_names
    names = result.named_subexpressions()
    defined = {name: node for node, name in names.items()}
    sides = [side for s in result.steps for side in (s.lhs, s.rhs) if not isinstance(side, Label)]
    typed = {}
    for side in sides:
        typed_order(side, result.function, typed)
    for node, shown in typed.items():
        if shown in names and node not in names:
            names[node] = names[shown]
    taken = set(names.values()) | {v.name for v in result.function.free if isinstance(v, E.Var)}
    for side in sides:
        for node, name in shared_names(side).items():
            if node in names:
                continue
            base, i = name.rstrip("0123456789"), 1
            name = base
            while name in taken:
                name, i = f"{base}{i}", i + 1
            names[node] = name
            defined[name] = node
            taken.add(name)
    return StepNames(names, defined)
