"""Distributing products over sums where that cancels something: the algebra the simplifier does not do.

matcalc's simplifier factors sums but never distributes, so it cannot cancel A⁻¹ against a factor
inside a sum. `expand` distributes, simplifies each term, and keeps the result only when it is
smaller; the Newton step and the implicit derivative use it.
"""
from .. import expr as E
from ..simplify import simplify

EXPAND_LIMIT = 400      # nodes: `expand` leaves larger expressions as the simplifier gives them


def tree_size(e):
    """The number of nodes of e written out as a tree (a shared subexpression counts every time it occurs).

    Nodes are hash-consed, so e is a DAG: each distinct node is sized once (a memo), in time linear in
    the distinct nodes, where a plain recursion is exponential in the sharing depth (68 distinct
    nodes took 29 s). Iterative, so deep expressions do not hit the recursion limit.
    """
    memo, stack = {}, [e]
    while stack:
        node = stack[-1]
        if node in memo:
            stack.pop()
            continue
        pending = [c for c in node.children if c not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        memo[node] = 1 + sum(memo[c] for c in node.children)
    return memo[e]


def expand(e):
    """Distribute products over sums wherever that makes the expression smaller.

    Sound (distributivity, then matcalc's simplifier on each term) and only kept when it pays:
    −A⁻¹ (A x − b) → −A⁻¹ A x + A⁻¹ b → A⁻¹ b − x. Once distributed, the simplifier cancels
    A⁻¹ A ((A B)⁻¹ A B = I included).
    """
    e = simplify(e)
    if tree_size(e) > EXPAND_LIMIT:      # distributing nested sums multiplies terms: leave big expressions be
        return e
    if isinstance(e, E.Add):
        new = simplify(E.Add(*(expand(t) for t in e.terms)))
        return new if tree_size(new) < tree_size(e) else e
    if isinstance(e, E.Mul):
        factors = e.factors
        best = e
        for i, f in enumerate(factors):
            if isinstance(f, E.Add):
                terms = [expand(E.product(*factors[:i], t, *factors[i + 1:])) for t in f.terms]
                new = simplify(E.Add(*terms))
                if tree_size(new) < tree_size(best):
                    best = new
        return best
    return e
