"""Printed answers of batched models against their textbook forms (issue 20): the length of what
matcalc prints (`Result.pretty()`, with its `where`) over the length of the textbook's form, per
case, then the median and the worst. Target: median ≤ 1.3, worst ≤ 2.

The textbook forms are typed from the sources named beside each case, in matcalc's syntax, with
their own `where` (a textbook names A = softmax(…), μ, σ, δ; those definitions count in its length
as matcalc's count in ours). `1` is the ones vector as the books write it; matcalc prints
`vector(1)`, so its text is measured with `vector(1)` written `1` (a printing choice, not length).
Sources: Goodfellow, Bengio, Courville, Deep Learning (2016) §6.2.2.3 (softmax cross-entropy: S − Y),
§6.5 (back-propagation, δ); Vaswani et al. 2017 (attention); Ba, Kiros, Hinton 2016 (layer norm);
Ioffe & Szegedy 2015 §3 (batch-norm backward); Zhang & Sennrich 2019 (RMS norm).

    python benchmarks/batched_forms.py          # prints every case, then median and worst
"""
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # the tree this script sits in
import matcalc  # noqa: E402

ONEHOT = {"Y": "n x c onehot"}
S = {"s": "scalar"}
EPS = {"eps": "scalar"}
ATT = "tr(G^T softmax(Q K^T / s) V)"
PROJ = "tr(G^T softmax(X Wq Wk^T X^T / s) X Wv)"
LN = "Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))"
BN = "Xh = (X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X) + eps)); L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))"
RMS = "r = sqrt(mean_rows(X .* X) + eps); L = tr(G^T ((X ./ (r 1^T)) .* (1 g^T)))"
STD = "Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); L = tr(G^T Xh)"
MLP = "H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)"
LNW = "where Xh = (X - μ 1^T) ./ (σ 1^T), μ = mean_rows(X), σ = sqrt(var_rows(X) + eps)"
BNW = "where Xh = (X - 1 μ) ./ (1 σ), μ = mean_cols(X), σ = sqrt(var_cols(X) + eps)"

# (kind, function, w.r.t., declarations, textbook form, source)
CASES = [
    ("grad", "-sum(Y .* log(softmax(Z)))", "Z", ONEHOT, "S - Y  where S = softmax(Z)", "Goodfellow §6.2.2.3"),
    ("grad", "-sum(Y .* log(softmax(X W)))", "W", ONEHOT, "X^T (S - Y)  where S = softmax(X W)", "Goodfellow §6.2.2.3"),
    ("grad", "sum(logsumexp(X W)) - sum(Y .* (X W))", "W", None, "X^T (S - Y)  where S = softmax(X W)",
     "Goodfellow §6.2.2.3"),
    ("grad", "-sum(Y .* log(softmax(X W + 1 b^T)))", "b", ONEHOT, "(S - Y)^T 1  where S = softmax(X W + 1 b^T)",
     "Goodfellow §6.2.2.3"),
    ("grad", "tr(G^T softmax(Z))", "Z", None, "A .* (G - (A .* G) 1 1^T)  where A = softmax(Z)", "Vaswani 2017"),
    ("grad", ATT, "V", S, "A^T G  where A = softmax(Q K^T / s)", "Vaswani 2017"),
    ("grad", ATT, "Q", S, "(A .* (G V^T - (A .* (G V^T)) 1 1^T)) K / s  where A = softmax(Q K^T / s)",
     "Vaswani 2017"),
    ("grad", ATT, "K", S, "(A .* (G V^T - (A .* (G V^T)) 1 1^T))^T Q / s  where A = softmax(Q K^T / s)",
     "Vaswani 2017"),
    ("grad", PROJ, "Wv", S, "X^T A^T G  where A = softmax(X Wq Wk^T X^T / s)", "Vaswani 2017"),
    ("grad", LN, "g", EPS, "(G .* Xh)^T 1  " + LNW, "Ba 2016"),
    ("grad", LN, "b", EPS, "G^T 1", "Ba 2016"),
    ("grad", LN, "X", EPS, "(D - mean_rows(D) 1^T - Xh .* (mean_rows(D .* Xh) 1^T)) ./ (σ 1^T)  "
     "where D = G .* (1 g^T), " + LNW[6:], "Ba 2016; Ioffe & Szegedy 2015 §3"),
    ("grad", STD, "X", EPS, "(G - mean_rows(G) 1^T - Xh .* (mean_rows(G .* Xh) 1^T)) ./ (σ 1^T)  " + LNW,
     "Ioffe & Szegedy 2015 §3"),
    ("grad", BN, "X", EPS, "(D - 1 mean_cols(D) - Xh .* (1 mean_cols(D .* Xh))) ./ (1 σ)  "
     "where D = G .* (1 g^T), " + BNW[6:], "Ioffe & Szegedy 2015 §3"),
    ("grad", BN, "g", EPS, "(G .* Xh)^T 1  " + BNW, "Ioffe & Szegedy 2015 §3"),
    ("grad", RMS, "g", EPS, "(G .* (X ./ (r 1^T)))^T 1  where r = sqrt(mean_rows(X .* X) + eps)", "Zhang 2019"),
    ("grad", RMS, "X", EPS, "(D - X .* ((mean_rows(D .* X) ./ r.^2) 1^T)) ./ (r 1^T)  "
     "where D = G .* (1 g^T), r = sqrt(mean_rows(X .* X) + eps)", "Zhang 2019"),
    ("grad", MLP, "W2", None, "H^T (S - Y)  where H = tanh(X W1 + 1 b1^T), S = softmax(Z), Z = H W2 + 1 b2^T",
     "Goodfellow §6.5"),
    ("grad", MLP, "b2", None, "(S - Y)^T 1  where S = softmax(Z), Z = H W2 + 1 b2^T, H = tanh(X W1 + 1 b1^T)",
     "Goodfellow §6.5"),
    ("grad", MLP, "W1", None, "X^T δ  where δ = ((S - Y) W2^T) .* (1 - H.^2), S = softmax(Z), Z = H W2 + 1 b2^T, "
     "H = tanh(X W1 + 1 b1^T)", "Goodfellow §6.5"),
    ("grad", MLP, "b1", None, "δ^T 1  where δ = ((S - Y) W2^T) .* (1 - H.^2), S = softmax(Z), Z = H W2 + 1 b2^T, "
     "H = tanh(X W1 + 1 b1^T)", "Goodfellow §6.5"),
]


def printed(r):
    """What matcalc prints, with the ones vector written as the books write it."""
    return r.pretty().replace("vector(1)^T", "1^T").replace("vector(1)", "1")


def measure(cases=CASES, show=True):
    ratios = []
    for kind, f, w, where, book, source in cases:
        r = getattr(matcalc, kind)(f, w, where=where)
        p = printed(r)
        ratio = len(p) / len(book)
        ratios.append(ratio)
        if show:
            print(f"{ratio:5.2f}  {kind} {f!r} wrt {w}  [{source}]\n       matcalc:  {p}\n       textbook: {book}")
    return ratios


if __name__ == "__main__":
    ratios = measure()
    print(f"median {statistics.median(ratios):.2f}  worst {max(ratios):.2f}  (n={len(ratios)})")
