"""Means and variances, read as their definitions in sums, ones vectors and sizes (no node of their own,
so every pass already knows them). A count n is the size of its dimension (ops/size.py), as calls.py's
mean and var write it: the check and generated code give it the true size.

    mean_rows(X)  = X 1 / c                        the mean of each row: a column (n×1) for X n×c
    var_rows(X)   = ((X − mean_rows(X) 1ᵀ).²) 1 / c
    mean_cols(X)  = 1ᵀ X / n                       the mean of each column: a row (1×c), so X − 1 mean_cols(X)
    var_cols(X)   = 1ᵀ (X − 1 mean_cols(X)).² / n  is the centred data matrix (rows are samples)

mean and var (all entries, as NumPy) are calls.py's; `mean` and `var` here are the same definitions
for the fuzzers' strategies (tests/strategies.py).
"""
from .. import expr as E
from .sizes import count

MINUS_ONE, TWO = E.Num(-1), E.Num(2)


def _over(a, *dims):
    """a / (n₁ n₂ …), each count nᵢ the size of its dimension; the dimensions that are 1 left out."""
    return E.product(a, E.Pow(count(dims), MINUS_ONE)) if any(d != 1 for d in dims) else a


def _square(a):
    return E.Pow(a, TWO)


def mean(a):
    return _over(E.Sum(a), *a.shape)


def var(a):
    r, c = a.shape
    ones = (E.Ones((r, 1)),) if c == 1 else (E.Ones((r, 1)), E.Ones((1, c)))   # 1 1ᵀ: LaTeX reads it back
    return mean(_square(E.Add(a, E.negate(E.product(mean(a), *ones)))))


def mean_rows(a):
    return _over(E.product(a, E.Ones((a.shape[1], 1))), a.shape[1])


def var_rows(a):
    r, c = a.shape
    centred = E.Add(a, E.negate(E.product(mean_rows(a), E.Ones((1, c)))))
    return _over(E.product(_square(centred), E.Ones((c, 1))), c)


def mean_cols(a):
    return _over(E.product(E.Ones((1, a.shape[0])), a), a.shape[0])


def var_cols(a):
    r, c = a.shape
    centred = E.Add(a, E.negate(E.product(E.Ones((r, 1)), mean_cols(a))))
    return _over(E.product(E.Ones((1, r)), _square(centred)), r)


# mean and var of all entries are calls.py's (sum(x) / sum(1), with their notes); these are the row and
# column ones.
STATISTICS = {"mean_rows": mean_rows, "var_rows": var_rows, "mean_cols": mean_cols, "var_cols": var_cols}
