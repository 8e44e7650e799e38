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


def step_names(result):
    """(names, defined) for `result.steps`: names node → name, for the printers (a name may stand for
    several nodes: the typed and the canonical order of one sum); defined name → the node its definition
    shows (the result's node when the result names it). The result's names (the user's, A, σ, X̂, δ, s, …)
    on the steps' nodes in either order of their sums, then a name for each subexpression a step repeats;
    display.Derivation places the definitions."""
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
    return names, defined
