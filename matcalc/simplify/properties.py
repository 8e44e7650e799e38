"""What the simplifier reads off a node: structure (symmetric, diagonal) and sign.

The sign tests are `elementwise.is_positive` and `elementwise.is_nonnegative`, read off the
`positive`/`nonnegative` columns of the element-wise table (|f(u)| = f(u) in the simplifier,
conditions that always hold in diff, the syrk test in codegen.plan). Still repeated:
`codegen.plan.transposed` and `derive.transpose_chain` repeat `transpose` (the engine's).
"""
from .. import expr as E
from .engine import transpose   # defined in the engine before this module is imported


def is_symmetric(e):
    """e = eᵀ. Only a square matrix can be: a zero, an Apply or a Hadamard product of non-square
    shape is not (reading a zero vector as symmetric dropped the transpose of exp(y − y)ᵀ)."""
    if e.shape[0] != e.shape[1]:
        return False
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
    if isinstance(e, E.Apply) or getattr(type(e), "symmetric_if_arg", False):   # f(S): matcalc.ops's expm, …
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
