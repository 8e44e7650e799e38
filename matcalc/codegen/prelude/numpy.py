"""The NumPy prelude of generated code: read as text and copied, block by block, into the output.

Blocks are separated by two blank lines and each defines one name; the generator keeps a block only
when the generated body (or a kept block) uses its name, after the first block (the imports), which
is always kept. `_sigmoid`, `_softmax` and `_commutation` compute what the evaluator's (numeric.py)
do, so generated code and matcalc agree (tests/test_codegen_parts.py). SciPy is optional: without
it, σ is the NumPy fallback and the Cholesky and LU helpers use np.linalg. Everything below this docstring is
emitted verbatim, comments included; importing this module gives the same functions for testing.
"""
import numpy as np


try:
    from scipy.special import expit as _sigmoid      # σ in one ufunc, accurate in both tails
except ImportError:
    def _sigmoid(u):
        """Accurate in both tails (0.5 (1 + tanh(u/2)) rounds σ(−40) to 0)."""
        e = np.exp(-np.abs(u))
        return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


try:
    from scipy.special import ndtr as _normcdf       # Φ in one ufunc, accurate in both tails
except ImportError:                # NumPy has no erf: math.erfc entry by entry (1 + erf would cancel for u ≪ 0)
    import math

    def _normcdf(u):
        return np.vectorize(lambda t: 0.5 * math.erfc(-t / math.sqrt(2.0)), otypes=[float])(u)


def _softmax(u):
    z = np.exp(u - u.max())     # methods: np.max/np.sum dispatch cost 1 µs more at n = 100
    return z / z.sum()


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return np.eye(m * n).reshape(n, m, m * n).transpose(1, 0, 2).reshape(m * n, m * n)


def _eigval(a, k):
    """The k-th largest eigenvalue (k = -1: the smallest) of the symmetric part of a (matcalc/ops/eigen.py)."""
    w = np.linalg.eigvalsh((a + a.T) / 2)
    return w[len(w) - k if k > 0 else -k - 1]


def _eigvec(a, k):
    """Its unit eigenvector, the largest entry (in absolute value) positive."""
    w, v = np.linalg.eigh((a + a.T) / 2)
    u = v[:, len(w) - k if k > 0 else -k - 1]
    return u * np.sign(u[np.argmax(np.abs(u))])


def _polar(x):
    """U Vᵀ from the thin SVD X = U Σ Vᵀ: the gradient of the nuclear norm."""
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    return u @ vt


def _logsumexp(u):
    m = u.max()
    return m + np.log(np.exp(u - m).sum())


def _logsumexp_softmax(u):
    """(logsumexp(u), softmax(u)) from one exp."""
    m = u.max()
    e = np.exp(u - m)
    s = e.sum()
    return m + np.log(s), e / s


def _softmax_rows(z):
    """Row-wise softmax, max-subtracted per row; normalised in place (attention's n×n scores: each
    fresh array costs its page faults)."""
    w = np.exp(z - z.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    return w


def _logsumexp_rows(z):
    """Row-wise logsumexp, max-subtracted per row (a 1-D vector, one entry per row)."""
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


def _logsumexp_softmax_rows(z):
    """(logsumexp_rows(z), softmax_rows(z)) from one exp, max-subtracted per row."""
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    e /= s
    return (m + np.log(s))[:, 0], e


def _add_diag(m, v):
    d = np.einsum("ii->i", m)      # a writeable view of the diagonal
    d += v
    return m


try:
    from scipy.linalg import lapack as _lapack
except ImportError:                # NumPy alone: the Cholesky and LU helpers call np.linalg
    _lapack = None


try:
    from scipy.linalg import blas as _blas
except ImportError:
    _blas = None


def _mm(a, b):
    """a @ b in SciPy's BLAS, for a function that factors with SciPy's LAPACK (_cholesky, _lu): NumPy's
    and SciPy's wheels each bundle an OpenBLAS with a thread pool of its own whose idle threads spin, so
    a function alternating between the two stalls when they share the cores (the Gaussian NLL gradient
    at n = 100 on 2 cores: 8 ms with default threads, 0.15 ms with one). Operands are passed in the order
    they are stored (a C-order matrix is its transpose in Fortran's order): no copies."""
    if _blas is None or a.dtype != np.float64 or b.dtype != np.float64 or a.ndim + b.ndim < 3 or \
            0 in a.shape or 0 in b.shape:
        return a @ b
    if b.ndim == 1:                # a b = (aᵀ)ᵀ b
        return _blas.dgemv(1.0, a.T, b, trans=1) if a.flags.c_contiguous else _blas.dgemv(1.0, a, b)
    if a.ndim == 1:                # aᵀ b = (bᵀ) a
        return _blas.dgemv(1.0, b.T, a) if b.flags.c_contiguous else _blas.dgemv(1.0, b, a, trans=1)
    bt, tb = (b.T, 0) if b.flags.c_contiguous else (b, 1)       # (a b)ᵀ = bᵀ aᵀ, in Fortran's order
    at, ta = (a.T, 0) if a.flags.c_contiguous else (a, 1)
    return _blas.dgemm(1.0, bt, at, trans_a=tb, trans_b=ta).T


def _cholesky(a):
    """(lower Cholesky factor of a, or None when a is not positive definite; a)."""
    if _lapack is not None:
        c, info = _lapack.dpotrf(a, lower=1)
        return (None if info else c), a
    try:
        return np.linalg.cholesky(a), a
    except np.linalg.LinAlgError:
        return None, a


def _cho_logdet(f):
    c, a = f
    if c is None:
        return np.linalg.slogdet(a)[1]
    return 2.0 * np.log(np.diagonal(c)).sum()


def _cho_det(f):
    """det a = exp(log det a) from the Cholesky factor (np.linalg.det where a is not positive definite)."""
    c, a = f
    if c is None:
        return np.linalg.det(a)
    return np.exp(_cho_logdet(f))


def _cho_inv(f):
    c, a = f
    if c is None or _lapack is None:
        return np.linalg.inv(a)
    inv, info = _lapack.dpotri(c, lower=1)
    if info:
        return np.linalg.inv(a)
    inv = inv + inv.T              # potri fills the lower triangle; potrf zeroed the upper one
    np.einsum("ii->i", inv)[:] *= 0.5
    return inv


def _cho_solve(f, b):
    c, a = f
    if c is None or _lapack is None:
        return np.linalg.solve(a, b)
    x, info = _lapack.dpotrs(c, b, lower=1)
    return x if not info else np.linalg.solve(a, b)


def _lu(a):
    """(LAPACK getrf's (LU, pivots, info) of aᵀ, or None without SciPy; a): one factorization for the
    log |det|, det, inverse and solves of a general matrix (codegen/factors.py). A row-major a is its
    transpose in LAPACK's column-major order: factoring aᵀ saves a transposing copy, and its inverse
    is a⁻ᵀ, the gradient of log |det a|, without a transpose."""
    if _lapack is None or a.size == 0:
        return None, a
    return _lapack.dgetrf(a.T), a


def _lu_logdet(f):
    """log |det a|, what slogdet(a)[1] gives (−inf for a singular a): Σ log |diag U|."""
    lu, a = f
    if lu is None:
        return np.linalg.slogdet(a)[1]
    if lu[2] > 0:                  # an exact zero on U's diagonal
        return -np.inf
    return np.log(np.abs(np.diagonal(lu[0]))).sum()


def _lu_det(f):
    """det a, as np.linalg.det: the sign of the row swaps and of diag U, times exp Σ log |diag U|."""
    lu, a = f
    if lu is None:
        return np.linalg.det(a)
    if lu[2] > 0:
        return 0.0
    d, piv = np.diagonal(lu[0]), lu[1]
    sign = np.prod(np.sign(d)) * (-1.0 if np.count_nonzero(piv != np.arange(len(piv))) % 2 else 1.0)
    return sign * np.exp(np.log(np.abs(d)).sum())


def _lu_inv(f, trans=0):
    """a⁻¹ (trans = 1: a⁻ᵀ) from the factor (getri, with its optimal workspace, gives (aᵀ)⁻¹ = a⁻ᵀ);
    LinAlgError for a singular a, as np.linalg.inv."""
    lu, a = f
    if lu is None:
        return np.linalg.inv(a).T if trans else np.linalg.inv(a)
    if lu[2] > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    inv, _ = _lapack.dgetri(lu[0], lu[1], lwork=int(_lapack.dgetri_lwork(len(lu[1]))[0]))
    return inv if trans else inv.T


def _lu_solve(f, b, trans=0):
    """a⁻¹ b (trans = 1: a⁻ᵀ b) from the factor of aᵀ (getrs, the other way round); LinAlgError for a
    singular a, as np.linalg.solve."""
    lu, a = f
    if lu is None:
        return np.linalg.solve(a.T if trans else a, b)
    if lu[2] > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    return _lapack.dgetrs(lu[0], lu[1], b, trans=1 - trans)[0]


def _scipy_linalg():
    """scipy.linalg, which matrix functions of a non-symmetric matrix need: a clear message without it."""
    try:
        import scipy.linalg
    except ImportError:
        raise ImportError("this code takes a matrix function (expm, logm, sqrtm, X^p) of a matrix that is not "
                          "declared symmetric, which needs SciPy: pip install scipy") from None
    return scipy.linalg


def _expm(a):
    return _scipy_linalg().expm(a)


def _expm_frechet(a, e):
    """L_exp(a, e), the Fréchet derivative of the matrix exponential (Al-Mohy & Higham 2009)."""
    return _scipy_linalg().expm_frechet(a, e, compute_expm=False)


def _logm(a):
    return np.real(_scipy_linalg().logm(a))


def _sqrtm(a):
    return np.real(_scipy_linalg().sqrtm(a))


def _powm(a, p):
    return np.real(_scipy_linalg().fractional_matrix_power(a, p))


def _sqrtm_frechet(a, e):
    """L with a^(1/2) L + L a^(1/2) = e: the Fréchet derivative of the square root, a Sylvester equation."""
    s = _sqrtm(a)
    return _scipy_linalg().solve_sylvester(s, s, e)


def _block_frechet(f, a, e):
    """L_f(a, e), the upper right block of f([[a, e], [0, a]]) (Higham, Functions of Matrices, Thm 3.6)."""
    n = a.shape[0]
    return f(np.block([[a, e], [np.zeros_like(a), a]]))[:n, n:]


def _sym_fun(a, f):
    """f(a) = U f(λ) Uᵀ for a symmetric a = U diag(λ) Uᵀ."""
    lam, u = np.linalg.eigh(a)
    return (u * f(lam)) @ u.T


def _sym_frechet(a, e, f, df):
    """L_f(a, e) = U (F ⊙ (Uᵀ e U)) Uᵀ for a symmetric a (Daleckii–Krein), F the divided differences of f
    at the eigenvalues, f′ at their mean where two nearly coincide."""
    lam, u = np.linalg.eigh(a)
    li, lj = lam[:, None], lam[None, :]
    close = np.abs(li - lj) <= 1e-7 * np.maximum(1.0, np.abs(li) + np.abs(lj))
    fl = f(lam)
    dd = np.where(close, df((li + lj) / 2), (fl[:, None] - fl[None, :]) / np.where(close, 1.0, li - lj))
    return u @ (dd * (u.T @ e @ u)) @ u.T


def _kron_form(frechet, n):
    """K with vec L(E) = K vec E (column-major vec): the columns vec L(Eⱼ) for the unit matrices Eⱼ."""
    units = np.eye(n * n)
    return np.column_stack([frechet(units[:, j].reshape(n, n).T).T.reshape(-1) for j in range(n * n)])


def _block_frechet2(f, a, e1, e2):
    """L²_f(a, e1, e2), the upper right block of f([[a, e1, e2, 0], [0, a, 0, e2], [0, 0, a, e1], [0, 0, 0, a]])."""
    n, z = a.shape[0], np.zeros_like(a)
    return np.real(f(np.block([[a, e1, e2, z], [z, a, z, e2], [z, z, a, e1], [z, z, z, a]])))[:n, 3 * n:]


def _sym_frechet2(a, e1, e2, f, df, d2f):
    """L²_f(a, e1, e2) for a symmetric a (second-order Daleckii–Krein): U M Uᵀ, M_ij = Σ_k f[λᵢ, λₖ, λⱼ]
    (Ẽ1_ik Ẽ2_kj + Ẽ2_ik Ẽ1_kj), with f′ and f″/2 where eigenvalues nearly coincide."""
    lam, u = np.linalg.eigh(a)
    x, y, z = lam[:, None, None], lam[None, :, None], lam[None, None, :]

    def near(s, t):
        return np.abs(s - t) <= 1e-5 * np.maximum(1.0, np.maximum(np.abs(s), np.abs(t)))

    def first(s, t):
        return np.where(near(s, t), df((s + t) / 2), (f(s) - f(t)) / np.where(near(s, t), 1.0, s - t))
    dd = np.where(~near(x, z), (first(x, y) - first(y, z)) / np.where(near(x, z), 1.0, x - z),
                  np.where(~near(x, y), (first(x, y) - df(x)) / np.where(near(x, y), 1.0, y - x), d2f(x) / 2))
    t1, t2 = u.T @ e1 @ u, u.T @ e2 @ u
    return u @ (np.einsum("ikj,ik,kj->ij", dd, t1, t2) + np.einsum("ikj,ik,kj->ij", dd, t2, t1)) @ u.T
