"""Hypothesis strategies: random well-typed expressions, drawn per target shape so every tree type-checks."""
from hypothesis import strategies as st

from matcalc import expr as E

N, M = "n", "m"
x, y = E.Var("x", (N, 1), frozenset()), E.Var("y", (N, 1), frozenset())
z = E.Var("z", (M, 1), frozenset())
A, B = E.Var("A", (N, N), frozenset()), E.Var("B", (N, N), frozenset())
S = E.Var("S", (N, N), frozenset({"spd"}))
C = E.Var("C", (N, M), frozenset())
c = E.Var("c", (1, 1), frozenset())
LEAVES = {"s": [c, E.Num(2), E.Num(E.Fraction(1, 2))], "v": [x, y], "M": [A, B, S], "w": [z], "R": [C]}
SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus"]


def T(e):
    return E.Transpose(e)


@st.composite
def scalars(draw, depth=3):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES["s"]))
    k = draw(st.integers(0, 15))
    d = depth - 1
    if k == 15:     # eigenvalues, eigenvectors, spectral and nuclear norms
        return draw(spectral_scalars(d))
    if k == 14:     # det of an spd matrix (positive); tr of a Kronecker product, tr(A ⊗ B) = tr A tr B; π c;
        j = draw(st.integers(0, 5))   # and, half the time, the batched operations (row-wise softmax, …)
        if j >= 3:
            return draw(batched_scalars(d))
        if j == 2:
            return E.product(E.Const("π"), draw(scalars(d)))
        return E.Det(S) if j == 0 else E.Trace(E.Kron(draw(squares(d)), draw(squares(d))))
    if k == 0:
        return E.Mul(T(draw(vectors(d))), draw(vectors(d)))
    if k == 1:
        return E.Trace(draw(squares(d)))
    if k == 2:
        return E.Sum(draw(vectors(d)))
    if k == 3:
        return E.Pow(E.Norm(draw(vectors(d)), 2), E.Num(2))
    if k == 4:
        return E.LogSumExp(draw(vectors(d)))
    if k == 5:
        return E.Add(draw(scalars(d)), draw(scalars(d)))
    if k == 6:
        return E.product(draw(scalars(d)), draw(scalars(d)))
    if k == 7:
        return E.Apply(draw(st.sampled_from(SMOOTH)), draw(scalars(d)))
    if k == 8:
        return E.Mul(T(draw(vectors(d))), draw(squares(d)), draw(vectors(d)))
    if k == 9:
        return E.LogDet(S) if draw(st.booleans()) else E.Trace(E.Mul(E.Inverse(S), draw(squares(d))))
    if k == 10:
        return E.Norm(E.Add(draw(vectors(d)), E.Ones((N, 1))), 2)
    if k == 11:
        return E.Apply("log", E.Add(E.ONE, E.Apply("exp", draw(scalars(d)))))
    if k == 12:
        return E.Mul(T(draw(others(d))), T(C), draw(vectors(d)))
    return E.Pow(draw(scalars(d)), E.Num(2))


@st.composite
def vectors(draw, depth=2):
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(LEAVES["v"]))
    k = draw(st.integers(0, 8))
    d = depth - 1
    if k == 0:
        return E.Mul(draw(squares(d)), draw(vectors(d)))
    if k == 1:
        return E.Add(draw(vectors(d)), draw(vectors(d)))
    if k == 2:
        return E.Hadamard(draw(vectors(d)), draw(vectors(d)))
    if k == 3:
        return E.Apply(draw(st.sampled_from(SMOOTH)), draw(vectors(d)))
    if k == 4:
        return E.Softmax(draw(vectors(d)))
    if k == 5:
        return E.product(draw(scalars(d)), draw(vectors(d)))
    if k == 6:
        return E.DiagVec(draw(squares(d)))
    if k == 7:
        return E.Mul(C, draw(others(d)))
    return E.Mul(draw(squares(d)), E.Inverse(S), draw(vectors(d)))


@st.composite
def others(draw, depth=1):
    if depth == 0 or draw(st.booleans()):
        return z
    return E.Mul(T(C), draw(vectors(depth - 1)))


@st.composite
def squares(draw, depth=2):
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(LEAVES["M"]))
    k = draw(st.integers(0, 9))
    d = depth - 1
    if k == 0:
        return E.Mul(draw(squares(d)), draw(squares(d)))
    if k == 1:
        return E.Add(draw(squares(d)), draw(squares(d)))
    if k == 2:
        return T(draw(squares(d)))
    if k == 3:
        return E.Hadamard(draw(squares(d)), draw(squares(d)))
    if k == 4:
        return E.DiagMat(draw(vectors(d)))
    if k == 5:
        return E.Mul(draw(vectors(d)), T(draw(vectors(d))))
    if k == 6:
        return E.MatPow(draw(squares(d)), 2)
    if k == 7:
        return E.Mul(C, T(C)) if draw(st.booleans()) else E.Inverse(S)
    if k == 9:
        return E.Add(draw(squares(d)), E.Identity(N))
    return E.Apply(draw(st.sampled_from(SMOOTH)), draw(squares(d)))


# ---- batched models (issue 20): row-wise softmax and logsumexp, means and variances -----------------
@st.composite
def batched_scalars(draw, depth=1):
    """A scalar through a row-wise operation or a statistic of a square or an n×m matrix."""
    from matcalc.parse import statistics
    Z = draw(squares(depth)) if draw(st.booleans()) else C
    k = draw(st.integers(0, 4))
    # with the row-wise ops and the statistics, layer (k odd) or batch (k even) norm of the same Z: sum(X̂ ⊙ Z),
    # ε = 1 keeping σ ≥ 1 (no draw of its own: the derandomized draws of the other strategies stay as they were)
    std, norm = (E.StdRows, E.NormalizeRows) if k % 2 else (E.StdCols, E.NormalizeCols)
    normalised = E.Sum(E.Hadamard(norm(Z, std(Z, E.ONE)), Z))
    # and RMS norm along the other axis (k = 0, 1, 4), ε = 1 keeping r ≥ 1, no draw of its own either
    rms, scaled = (E.RmsCols, E.RmsNormalizeCols) if k % 2 else (E.RmsRows, E.RmsNormalizeRows)
    if k in (0, 1, 4):
        normalised = E.Add(normalised, E.Sum(E.Hadamard(scaled(Z, rms(Z, E.ONE)), Z)))
    if k == 0:
        return E.Add(E.Sum(E.LogSumExpRows(Z)), normalised)
    if k == 1:                                   # tr(Gᵀ softmax_rows(Z)), G of Z's shape
        G = draw(st.sampled_from([C, E.Mul(A, C)])) if Z is C else draw(squares(0))
        return E.Add(E.Trace(E.Mul(T(G), E.SoftmaxRows(Z))), normalised)
    if k == 2:
        return statistics.var(draw(vectors(depth)))
    if k == 3:
        return E.Add(E.Sum(statistics.var_rows(Z)), normalised)
    mu = statistics.mean_cols(Z)                 # a row: μ μᵀ is a scalar
    return E.Add(E.Mul(mu, T(mu)), normalised)


def variables_of(e):
    return sorted((v.name for v in e.free if isinstance(v, E.Var)))


# ---- spectral quantities (issue 16): eigenvalues, eigenvectors, spectral and nuclear norms ----------
@st.composite
def spectral_scalars(draw, depth=1):
    """λ_max, λ_min, λ_2 of a square; (xᵀ v)² for an eigenvector v (its sign does not matter there);
    ‖·‖₂ and ‖·‖_* of matrices of full rank (a rank-1 square would put ‖·‖_* at its kink)."""
    k = draw(st.integers(0, 3))
    if k == 0:
        return E.Eigenvalue(draw(squares(depth)), draw(st.sampled_from([1, -1, 2])))
    if k == 1:
        v = E.Eigenvector(draw(squares(depth)), draw(st.sampled_from([1, -1])))
        return E.Pow(E.Mul(T(draw(vectors(depth))), v), E.Num(2))
    full_rank = [C, A, S, E.Add(A, B), E.Mul(A, C)]
    return (E.SpectralNorm if k == 2 else E.NuclearNorm)(draw(st.sampled_from(full_rank)))


# ---- matrix functions (issue 16): expm, logm, sqrtm, X^p and the Fréchet derivative L_f(X, E) ---------
# Drawn here, not by the shared strategies above (tests/test_tables.py): those draw any square, and logm,
# sqrtm and powers need one without eigenvalues on the closed negative real axis, well conditioned.
# Inputs are kept in the functions' domains and well conditioned: expm of half a square, the principal
# logm, sqrtm and powers of the spd S and of S plus a Gram matrix.
@st.composite
def matrix_function_arguments(draw, spd):
    if not spd:
        return E.product(E.Num(E.Fraction(1, 2)), draw(squares(1)))
    return draw(st.sampled_from([S, E.Add(S, E.Mul(A, T(A))), E.Add(S, E.Identity(N)), E.Add(S, E.Mul(C, T(C)))]))


@st.composite
def matrix_functions(draw):
    """f(X) for f = expm, logm, sqrtm, X^(-1/2), X^(1/3), or L_f(P, E) at a constant spd point P."""
    k = draw(st.integers(0, 5))
    if k == 5:
        fn = draw(st.sampled_from(["expm", "logm", "sqrtm", "powm"]))
        point = E.Add(E.Identity(N), E.Ones((N, N)))
        return E.Frechet(fn, E.Fraction(2, 3) if fn == "powm" else None, point, draw(squares(1)))
    x = draw(matrix_function_arguments(spd=k != 0))
    powers = [lambda a: E.PowM(a, E.Fraction(-1, 2)), lambda a: E.PowM(a, E.Fraction(1, 3))]
    return [E.ExpM, E.LogM, E.SqrtM, *powers][k](x)


@st.composite
def matrix_function_scalars(draw):
    """A scalar through a matrix function: tr(G f(X)), uᵀ f(X) v, tr f(X), log det f(X), ‖f(X)‖²."""
    f = draw(matrix_functions())
    k = draw(st.integers(0, 4))
    if k == 0:
        return E.Trace(E.Mul(draw(squares(1)), f))
    if k == 1:
        return E.Mul(T(draw(vectors(1))), f, draw(vectors(1)))
    if k == 2:
        return E.Trace(f)
    if k == 3 and not isinstance(f, E.Frechet):
        return E.LogDet(f) if not isinstance(f, E.ExpM) else E.Det(f)
    return E.Pow(E.Norm(f, 2), E.Num(2))


@st.composite
def matrix_function_vectors(draw):
    """A vector through a matrix function, for Jacobians (vec L_f(X, E) = K_f(X) vec E): f(X) v."""
    return E.Mul(draw(matrix_functions()), draw(vectors(1)))
