"""Matrices the generated code factors once (issue 19: "log det X: one LU suffices").

A function often needs several things of one matrix X: the value log det X and the gradient X⁻ᵀ, or
the Gaussian's log det Σ + tr(Σ⁻¹ C) with its gradient Σ⁻¹ − Σ⁻¹ C Σ⁻¹. Each of the targets' own
calls (slogdet, det, inv, solve) factors X again: `slogdet(X)` and `inv(X)` are two LU
factorizations where one suffices. So X is factored once, into a temporary, and every such use reads
the factor:

- an spd variable (declared): its Cholesky factor (`_cholesky`, then `_cho_logdet`, `_cho_inv`,
  `_cho_solve`), always, since a Cholesky factorization is half the work of an LU;
- any other square matrix factored more than once (its log det, det, inverse or a solve with it
  appear together, or its inverse is used in several places): its LU factor (`_lu`, then
  `_lu_logdet`, `_lu_det`, `_lu_inv`, `_lu_solve`). A matrix factored once keeps the target's own
  call (`slogdet(X)` alone is one LU already, and reads more plainly).

The helpers are in each target's prelude (prelude/<target>.py) under the same names, and only those
a function calls are emitted. What a singular or non-finite matrix gives is that of the calls they
replace (NumPy: log det −inf, det 0, LinAlgError from the inverse and solves; see the preludes).
"""
from .. import expr as E
from ..node import nodes
from .plan import kind

FACTOR_CALLS = {"cholesky": "_cholesky", "lu": "_lu"}    # how a factor is computed
HELPERS = {"cholesky": "_cho_", "lu": "_lu_"}           # the prefix of the helpers reading it


def shared_lu(outputs, uses):
    """The matrices of the planned outputs that the code would factor more than once: each log det
    and det of X counts one factorization, and its inverse one for each place that uses it (a
    solve, or the inverse itself)."""
    count = {}
    for e in nodes(*outputs):
        if isinstance(e, (E.LogDet, E.Det)):
            count[e.arg] = count.get(e.arg, 0) + 1
        elif isinstance(e, E.Inverse):
            count[e.arg] = count.get(e.arg, 0) + uses.get(e, 1)
    return {x for x, k in count.items() if k > 1 and kind(x) == "m"}
