"""Printed answers against their textbook forms (issue 15): the length of what matcalc prints (pretty, with
its where) over the length of the textbook's answer typed as the source prints it (in matcalc's text
syntax: X^-T for (X⁻¹)ᵀ, .* for ⊙, a `where` when the book names a subexpression), per case, with the
median and the worst. The goal: median ≤ 1.0, worst ≤ 1.5.

ISSUE holds the cases issue 15 names (the forms the simplifier was fixed for); HELD_OUT the derivations
written from the textbooks afterwards (Petersen & Pedersen's Matrix Cookbook, Bishop's PRML, Boyd &
Vandenberghe, Magnus & Neudecker, Goodfellow et al.), each with its source. tests/test_textbook_forms.py
holds the goal and renders every answer with KaTeX and pdflatex.

    python benchmarks/textbook_forms.py            # every case, then the summaries
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the tree this script sits in
import matcalc  # noqa: E402

LOG = "sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))"
SQUARE = {"A": "n x n", "B": "n x n", "X": "n x n"}
# (kind, function, wrt, declarations, the textbook's answer, its source)
ISSUE = [
    ("grad", LOG, "w", None, "X^T (s - y)  where s = sigmoid(X w)", "Bishop PRML eq. 4.91"),
    ("hessian", LOG, "w", None, "X^T diag(s .* (1 - s)) X  where s = sigmoid(X w)", "Bishop PRML eq. 4.97"),
    ("grad", "sum(log(abs(u)))", "u", None, "1 ./ u", "issue 15"),
    ("grad", "log(abs(det(X)))", "X", None, "X^-T", "Matrix Cookbook eq. 57"),
    ("grad", "tr(S A S)", "S", {"S": "n x n symmetric"}, "1/2 (S (A + A^T) + (A + A^T) S)", "issue 15"),
    ("grad", "tr(A^T X + X A - X B X)", "X", {"X": "n x n symmetric"},
     "A + A^T - 1/2 (X (B + B^T) + (B + B^T) X)", "issue 15 (a Riccati gradient)"),
    ("grad", "log det S + tr(S^-1 A)", "S", {"S": "n x n spd"}, "S^-1 - 1/2 S^-1 (A + A^T) S^-1", "issue 15"),
    ("grad", "x^T (A + B^T) x", "x", None, "(A + A^T + B + B^T) x", "issue 15"),
    ("grad", "x^T y / (||x|| ||y||)", "x", None, "y / (||x|| ||y||) - (x^T y) x / (||x||^3 ||y||)", "issue 15"),
    ("grad", "log det(A + x x^T)", "x", None, "((A + x x^T)^-1 + (A + x x^T)^-T) x", "issue 15"),
]
HELD_OUT = [
    # Petersen & Pedersen, The Matrix Cookbook (2012)
    ("grad", "det(X)", "X", None, "det(X) X^-T", "Matrix Cookbook eq. 49"),
    ("grad", "det(A X B)", "X", SQUARE, "det(A X B) X^-T", "Matrix Cookbook eq. 51"),
    ("grad", "det(X^3)", "X", None, "3 det(X^3) X^-T", "Matrix Cookbook eq. 55"),
    ("grad", "a^T X^-1 b", "X", None, "-X^-T a b^T X^-T", "Matrix Cookbook eq. 61"),
    ("grad", "a^T X b", "X", None, "a b^T", "Matrix Cookbook eq. 69"),
    ("grad", "a^T X^T b", "X", None, "b a^T", "Matrix Cookbook eq. 70"),
    ("grad", "b^T X^T X c", "X", None, "X (b c^T + c b^T)", "Matrix Cookbook eq. 77"),
    ("grad", "(B x + b)^T C (D x + d)", "x", None, "B^T C (D x + d) + D^T C^T (B x + b)", "Matrix Cookbook eq. 78"),
    ("grad", "b^T X^T D X c", "X", None, "D^T X b c^T + D X c b^T", "Matrix Cookbook eq. 79"),
    ("grad", "x^T A x", "x", {"A": "n x n symmetric"}, "2 A x", "Matrix Cookbook eq. 81, A symmetric"),
    ("grad", "(X b + c)^T D (X b + c)", "X", None, "(D + D^T) (X b + c) b^T", "Matrix Cookbook eq. 84"),
    ("grad", "tr(X)", "X", None, "I", "Matrix Cookbook eq. 100"),
    ("grad", "tr(X A)", "X", None, "A^T", "Matrix Cookbook eq. 101"),
    ("grad", "tr(A X^T B)", "X", None, "B A", "Matrix Cookbook eq. 103"),
    ("grad", "tr(X^2)", "X", None, "2 X^T", "Matrix Cookbook eq. 105"),
    ("grad", "tr(X^T B X)", "X", None, "B X + B^T X", "Matrix Cookbook eq. 108"),
    ("grad", "tr(X X^T)", "X", None, "2 X", "Matrix Cookbook eq. 111"),
    ("grad", "tr(X^T B X C)", "X", None, "B X C + B^T X C^T", "Matrix Cookbook eq. 113"),
    ("grad", "tr(A X B X^T C)", "X", None, "A^T C^T X B^T + C A X B", "Matrix Cookbook eq. 116"),
    ("grad", "tr(X^3)", "X", None, "3 (X^2)^T", "Matrix Cookbook eq. 121, k = 3"),
    ("grad", "tr(A X^-1 B)", "X", None, "-(X^-1 B A X^-1)^T", "Matrix Cookbook eq. 124"),
    ("grad", "tr((X + A)^-1)", "X", None, "-((X + A)^-1 (X + A)^-1)^T", "Matrix Cookbook eq. 125"),
    ("grad", "||x - a||", "x", None, "(x - a) / ||x - a||", "Matrix Cookbook eq. 129"),
    ("jacobian", "A X B", "X", None, "B^T ⊗ A", "Matrix Cookbook eq. 520 (vec(A X B) = (Bᵀ ⊗ A) vec X)"),
    # Magnus & Neudecker, Matrix Differential Calculus (3rd ed.)
    ("grad", "tr(X^-1)", "X", None, "-(X^-2)^T", "Magnus & Neudecker ch. 9, table 9.2"),
    ("grad", "tr(X^T A X)", "X", None, "(A + A^T) X", "Magnus & Neudecker ch. 9, table 9.2"),
    ("grad", "log det(X^T A X)", "X", None, "A X (X^T A X)^-1 + A^T X (X^T A^T X)^-1",
     "Magnus & Neudecker ch. 9 §9.11"),
    ("jacobian", "X^-1", "X", None, "-X^-T ⊗ X^-1", "Magnus & Neudecker ch. 9 §9.13"),
    ("grad", "exp(a^T x)", "x", None, "exp(a^T x) a", "Magnus & Neudecker ch. 5 (chain rule)"),
    # Boyd & Vandenberghe, Convex Optimization
    ("grad", "||A x - b||^2", "x", None, "2 A^T (A x - b)", "Boyd & Vandenberghe §A.4.1"),
    ("hessian", "||A x - b||^2", "x", None, "2 A^T A", "Boyd & Vandenberghe §A.4.3"),
    ("grad", "1/2 x^T P x + q^T x + r", "x", {"P": "n x n symmetric", "r": "scalar"}, "P x + q",
     "Boyd & Vandenberghe §A.4.1"),
    ("hessian", "1/2 x^T P x + q^T x + r", "x", {"P": "n x n symmetric", "r": "scalar"}, "P",
     "Boyd & Vandenberghe §A.4.3"),
    ("grad", "log det X", "X", {"X": "n x n spd"}, "X^-1", "Boyd & Vandenberghe §A.4.1"),
    ("grad", "log(sum(exp(x)))", "x", None, "softmax(x)", "Boyd & Vandenberghe §3.1.5 (1/(1ᵀz)) z, z = exp(x)"),
    ("hessian", "log(sum(exp(x)))", "x", None, "diag(s) - s s^T  where s = softmax(x)",
     "Boyd & Vandenberghe §3.1.5"),
    ("grad", "-sum(log(b - A x))", "x", None, "A^T d  where d = 1 ./ (b - A x)", "Boyd & Vandenberghe §11.2.1"),
    ("hessian", "-sum(log(b - A x))", "x", None, "A^T diag(d)^2 A  where d = 1 ./ (b - A x)",
     "Boyd & Vandenberghe §11.2.1"),
    ("grad", "sqrt(x^T A x)", "x", {"A": "n x n symmetric"}, "A x / sqrt(x^T A x)",
     "Boyd & Vandenberghe §A.4.1 (a quadratic norm)"),
    # Bishop, Pattern Recognition and Machine Learning
    ("grad", "1/2 ||X w - t||^2 + lambda/2 w^T w", "w", {"lambda": "scalar"}, "X^T (X w - t) + lambda w",
     "Bishop PRML eq. 3.27"),
    ("grad", "-1/2 (x - mu)^T S^-1 (x - mu)", "mu", {"S": "n x n spd"}, "S^-1 (x - mu)", "Bishop PRML eq. 2.121"),
    ("grad", "-N/2 log det(S) - 1/2 tr(S^-1 C)", "S", {"S": "n x n spd", "C": "n x n symmetric", "N": "scalar"},
     "-N/2 S^-1 + 1/2 S^-1 C S^-1", "Bishop PRML eq. 2.122 (Exercise 2.34)"),
    ("grad", "-sum(Y .* log(softmax(X W)))", "W", {"Y": "n x c onehot"}, "X^T (S - Y)  where S = softmax(X W)",
     "Bishop PRML eq. 4.109"),
    ("hessian", LOG + " + lambda/2 w^T w", "w", {"lambda": "scalar"},
     "X^T diag(s .* (1 - s)) X + lambda I  where s = sigmoid(X w)", "Bishop PRML eq. 4.97 with a prior (4.142)"),
    ("jacobian", "sigmoid(x)", "x", None, "diag(s .* (1 - s))  where s = sigmoid(x)", "Bishop PRML eq. 4.88"),
    ("jacobian", "softmax(x)", "x", None, "diag(s) - s s^T  where s = softmax(x)", "Bishop PRML eq. 4.106"),
    ("grad", "||tanh(W x) - y||^2", "W", None, "2 ((t - y) .* (1 - t.^2)) x^T  where t = tanh(W x)",
     "Bishop PRML eqs. 5.54-5.56 (one tanh layer)"),
    # Goodfellow, Bengio & Courville, Deep Learning
    ("grad", "1/2 ||A x - b||^2", "x", None, "A^T A x - A^T b", "Goodfellow et al. eq. 4.22"),
    ("grad", "1/m ||X w - y||^2", "w", {"m": "scalar"}, "2/m X^T (X w - y)", "Goodfellow et al. eq. 5.11"),
    ("grad", "-2 x^T D c + c^T c", "c", None, "-2 D^T x + 2 c", "Goodfellow et al. eq. 2.60"),
    ("grad", "sum(log(1 + exp(-y .* (X w))))", "w", None, "-X^T (y .* sigmoid(-y .* (X w)))",
     "Goodfellow et al. eq. 6.30 (the softplus loss)"),
    ("jacobian", "tanh(W x)", "x", None, "diag(1 - t.^2) W  where t = tanh(W x)", "Goodfellow et al. §6.5.4"),
    ("grad", "sum(exp(X w))", "w", None, "X^T exp(X w)", "Goodfellow et al. §6.5.2 (chain rule)"),
]
KIND = {"grad": matcalc.grad, "hessian": matcalc.hessian, "jacobian": matcalc.jacobian}


def derive(case):
    kind, f, wrt, where, _, _ = case
    return KIND[kind](f, wrt, where=where, check=False)


def ratio(case, result=None):
    """len(printed) / len(textbook), the printed answer with its where."""
    return len((result or derive(case)).pretty()) / len(case[4])


def summary(ratios):
    return f"median {statistics.median(ratios):.2f}  worst {max(ratios):.2f}  (n={len(ratios)})"


def main():
    out = {}
    for name, cases in (("issue 15", ISSUE), ("held out", HELD_OUT)):
        ratios = []
        for case in cases:
            r = derive(case)
            ratios.append(ratio(case, r))
            print(f"{ratios[-1]:4.2f}  {case[0]} {case[1]!r} wrt {case[2]}: {r.pretty()}   [book: {case[4]}; {case[5]}]")
        out[name] = ratios
    for name, ratios in out.items():
        print(f"{name:9s} {summary(ratios)}")
    print(f"{'all':9s} {summary(out['issue 15'] + out['held out'])}")


if __name__ == "__main__":
    main()
