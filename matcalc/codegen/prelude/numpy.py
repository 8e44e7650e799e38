"""The NumPy prelude of generated code: read as text and copied, block by block, into the output.

Blocks are separated by two blank lines and each defines one name; the generator keeps a block only
when the generated body (or a kept block) uses its name, after the first block (the imports), which
is always kept. `_sigmoid`, `_softmax` and `_commutation` compute what the evaluator's (numeric.py)
do, so generated code and matcalc agree (tests/test_codegen_parts.py). SciPy is optional: without
it, σ is the NumPy fallback and the spd helpers use np.linalg. Everything below this docstring is
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
    """Row-wise softmax, max-subtracted per row."""
    w = np.exp(z - z.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)


def _logsumexp_rows(z):
    """Row-wise logsumexp, max-subtracted per row (a 1-D vector, one entry per row)."""
    m = z.max(axis=1)
    return m + np.log(np.exp(z - m[:, None]).sum(axis=1))


def _add_diag(m, v):
    d = np.einsum("ii->i", m)      # a writeable view of the diagonal
    d += v
    return m


try:
    from scipy.linalg import lapack as _lapack
except ImportError:                # NumPy alone: np.linalg.cholesky, and inv / solve for the rest
    _lapack = None


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
