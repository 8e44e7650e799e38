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


def symmetric(e):
    return isinstance(e, E.Var) and (e.has("spd") or e.has("symmetric"))


class Factoring:
    """The Generator's (codegen/emit.py) side of it: which factor a matrix has, the temporary that
    holds it, and the helper calls that read it (`self.target`, `self.lu_shared`, `self.memo`,
    `self.temp`, `self.code`, `self.op` are the Generator's)."""

    def factored(self, x):
        """How x's log det, det, inverse and solves are computed: "cholesky" (an spd variable: one
        Cholesky factor), "lu" (a general matrix factored more than once, `shared_lu`: one LU), or
        None (the target's own slogdet, det, inv, solve, each factoring x itself)."""
        if self.target.cholesky and isinstance(x, E.Var) and x.has("spd"):
            return "cholesky"
        if self.target.lu and x in self.lu_shared:
            return "lu"
        return None

    def factor(self, x):
        """The factor of x (`_cholesky(x)` or `_lu(x)`), computed once for all its uses."""
        key = (self.factored(x), x)
        if key not in self.memo:
            self.memo[key] = self.temp(f"{FACTOR_CALLS[key[0]]}({self.code(x)})")
        return self.memo[key]

    def factor_call(self, x, what, *args):
        """`_cho_<what>(factor, ...)` or `_lu_<what>(factor, ...)` (what: logdet, det, inv, solve)."""
        return f"{HELPERS[self.factored(x)]}{what}({', '.join((self.factor(x),) + args)})"

    def solve(self, x, xcode, b, transposed=False):
        """X⁻¹ b (X⁻ᵀ b when `transposed`), xcode the operand printed for X⁻¹ (the factor of x when
        it has one, else x; transposed only with a factor or a symmetric x)."""
        how = self.factored(x)
        if how is None:
            return self.op("solve", xcode, b)
        if transposed and not symmetric(x):     # an LU factor: getrs with trans = 1
            return f"{HELPERS[how]}solve({xcode}, {b}, 1)"
        return f"{HELPERS[how]}solve({xcode}, {b})"

    def inverse_operand(self, f):
        """(X, False) for X⁻¹, and (X, True) for X⁻ᵀ when X has a factor: an operand a product applies
        as a solve (X⁻ᵀ b: getrs with trans = 1), no inverse built; None for any other factor."""
        t = isinstance(f, E.Transpose)
        inverse = f.arg if t else f
        if not isinstance(inverse, E.Inverse) or t and not self.factored(inverse.arg):
            return None
        return inverse.arg, t
