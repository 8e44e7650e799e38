"""Printed answers against their textbook forms (issue 15): the length of what matcalc prints (pretty,
with its where) over the textbook's, per case, with the median and the worst, and the conditions shown.
The cases are the ones issue 15 names; a held-out set would be the fair measure.

    python benchmarks/textbook_forms.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the tree this script sits in
import matcalc  # noqa: E402
LOG = "sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))"
CASES = [
    ("grad", LOG, "w", None, "X^T (s - y)  where s = sigmoid(X w)"),
    ("hessian", LOG, "w", None, "X^T diag(s .* (1 - s)) X  where s = sigmoid(X w)"),
    ("grad", "sum(log(abs(u)))", "u", None, "1 ./ u"),
    ("grad", "log(abs(det(X)))", "X", None, "X^-T"),
    ("grad", "tr(S A S)", "S", {"S": "n x n symmetric"}, "1/2 (S (A + A^T) + (A + A^T) S)"),
    ("grad", "tr(A^T X + X A - X B X)", "X", {"X": "n x n symmetric"}, "A + A^T - 1/2 (X (B + B^T) + (B + B^T) X)"),
    ("grad", "log det S + tr(S^-1 A)", "S", {"S": "n x n spd"}, "S^-1 - 1/2 S^-1 (A + A^T) S^-1"),
    ("grad", "x^T (A + B^T) x", "x", None, "(A + A^T + B + B^T) x"),
    ("grad", "x^T y / (||x|| ||y||)", "x", None, "y / (||x|| ||y||) - (x^T y) x / (||x||^3 ||y||)"),
    ("grad", "log det(A + x x^T)", "x", None, "((A + x x^T)^-1 + (A + x x^T)^-T) x"),
]
ratios = []
for kind, f, w, where, book in CASES:
    r = getattr(matcalc, kind)(f, w, where=where)
    p = r.pretty()
    ratio = len(p) / len(book)
    ratios.append(ratio)
    print(f"{ratio:4.2f}  {kind} {f!r} wrt {w}: {p}   [{len(r.conditions)} conditions: {'; '.join(r.conditions)}]")
ratios.sort()
print(f"median {ratios[len(ratios)//2]:.2f}  worst {ratios[-1]:.2f}  (n={len(ratios)})")
