"""Structure the simplifier reads off a node: symmetric, diagonal.

Sign analysis lives elsewhere for now: `diff.is_positive` (may a rule assume u > 0?) and
`codeplan.is_nonnegative` answer overlapping questions over the same element-wise functions; the
review (§1, "One concept, many places") proposes one sign/structure analysis here.
"""
from .. import expr as E
from . import transpose   # defined in the engine before this module is imported


def is_symmetric(e):
    if isinstance(e, E.Var):
        return e.has("symmetric")
    if isinstance(e, E.Literal):
        return e.shape[0] == e.shape[1] and all(e.rows[i][j] == e.rows[j][i] for i in range(len(e.rows))
                                                for j in range(len(e.rows)))
    if isinstance(e, (E.Identity, E.DiagMat, E.Zero)):
        return True
    if isinstance(e, E.Ones):
        return e.shape[0] == e.shape[1]
    if isinstance(e, (E.Inverse, E.MatPow)):
        return is_symmetric(e.arg)
    if isinstance(e, E.Add):   # symmetric when transposing permutes the terms: A + Aᵀ
        return all(is_symmetric(t) for t in e.terms) or {transpose(t) for t in e.terms} == set(e.terms)
    if isinstance(e, E.Hadamard):
        return all(is_symmetric(f) for f in e.factors)
    if isinstance(e, E.Apply):
        return is_symmetric(e.arg)
    if isinstance(e, E.Mul):
        chain = [f for f in e.factors if not f.is_scalar]
        return len(chain) == 1 and is_symmetric(chain[0]) or palindrome(chain)
    return e.is_scalar


def palindrome(chain):
    """A Bᵀ, Xᵀ X, A S Aᵀ: a chain equal to its own transpose."""
    if not chain:
        return False
    flipped = [transpose(f) for f in reversed(chain)]
    return all(a is b for a, b in zip(chain, flipped))


def is_diagonal(e):
    if isinstance(e, E.Var):
        return e.has("diagonal")
    return isinstance(e, (E.Identity, E.DiagMat))
