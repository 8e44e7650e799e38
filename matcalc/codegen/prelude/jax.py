"""The JAX prelude of generated code: read as text and copied into the output (see prelude/numpy.py
for the block format). Everything below this docstring is emitted verbatim."""
import jax
import jax.numpy as jnp


def _cholesky(a):
    """The lower Cholesky factor of an spd a (only its lower triangle is read). Where a is not positive
    definite the factor is NaN, and so is every result: jit cannot branch on values, so there is no
    LU fallback here (the NumPy and PyTorch code fall back to one)."""
    return jax.scipy.linalg.cho_factor(a, lower=True)


def _cho_logdet(f):
    return 2.0 * jnp.log(jnp.diagonal(f[0])).sum()


def _cho_det(f):
    return jnp.exp(_cho_logdet(f))


def _cho_inv(f):
    return jax.scipy.linalg.cho_solve(f, jnp.eye(f[0].shape[0], dtype=f[0].dtype))


def _cho_solve(f, b):
    return jax.scipy.linalg.cho_solve(f, b)


def _lu(a):
    """(LU, pivots) of a general matrix (getrf): one factorization for its log |det|, det, inverse and
    solves (codegen/factors.py). A singular a gives what slogdet and inv give: −inf, and inf or NaN."""
    return jax.scipy.linalg.lu_factor(a)


def _lu_logdet(f):
    """log |det a| (slogdet(a)[1]): Σ log |diag U|."""
    return jnp.log(jnp.abs(jnp.diagonal(f[0]))).sum()


def _lu_det(f):
    """det a: the sign of the row swaps and of diag U, times exp Σ log |diag U|."""
    lu, piv = f
    d = jnp.diagonal(lu)
    swaps = jnp.count_nonzero(piv != jnp.arange(piv.shape[0]))
    return jnp.where(swaps % 2, -1.0, 1.0) * jnp.prod(jnp.sign(d)) * jnp.exp(jnp.log(jnp.abs(d)).sum())


def _lu_inv(f, trans=0):
    """a⁻¹ (trans = 1: a⁻ᵀ)."""
    return jax.scipy.linalg.lu_solve(f, jnp.eye(f[0].shape[0], dtype=f[0].dtype), trans=trans)


def _lu_solve(f, b, trans=0):
    """a⁻¹ b (trans = 1: a⁻ᵀ b)."""
    return jax.scipy.linalg.lu_solve(f, b, trans=trans)


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return jnp.eye(m * n).reshape(n, m, m * n).transpose(1, 0, 2).reshape(m * n, m * n)


def _logsumexp_softmax(u):
    """(logsumexp(u), softmax(u)) from one exp: jax.scipy.special.logsumexp and jax.nn.softmax each take
    the max and the exp again, which XLA does not merge (1.1-1.2x jax.value_and_grad of logsumexp)."""
    m = u.max()
    e = jnp.exp(u - m)
    s = e.sum()
    return m + jnp.log(s), e / s


def _logsumexp_softmax_rows(z):
    """(logsumexp_rows(z), softmax_rows(z)) from one exp, max-subtracted per row."""
    m = z.max(axis=1, keepdims=True)
    e = jnp.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    return (m + jnp.log(s))[:, 0], e / s


def _eigval(a, k):
    """The k-th largest eigenvalue (k = -1: the smallest) of the symmetric part of a (matcalc/ops/eigen.py)."""
    w = jnp.linalg.eigvalsh((a + a.T) / 2)
    return w[w.shape[0] - k if k > 0 else -k - 1]


def _eigvec(a, k):
    """Its unit eigenvector, the largest entry (in absolute value) positive."""
    w, v = jnp.linalg.eigh((a + a.T) / 2)
    u = v[:, w.shape[0] - k if k > 0 else -k - 1]
    return u * jnp.sign(u[jnp.argmax(jnp.abs(u))])


def _polar(x):
    """U Vᵀ from the thin SVD X = U Σ Vᵀ: the gradient of the nuclear norm."""
    u, _, vt = jnp.linalg.svd(x, full_matrices=False)
    return u @ vt


def _sym_fun(a, f):
    """f(a) = U f(λ) Uᵀ for a symmetric a = U diag(λ) Uᵀ."""
    lam, u = jnp.linalg.eigh(a)
    return (u * f(lam)) @ u.T


def _sym_frechet(a, e, f, df):
    """L_f(a, e) = U (F ⊙ (Uᵀ e U)) Uᵀ for a symmetric a (Daleckii–Krein), F the divided differences of f
    at the eigenvalues, f′ at their mean where two nearly coincide."""
    lam, u = jnp.linalg.eigh(a)
    li, lj = lam[:, None], lam[None, :]
    close = jnp.abs(li - lj) <= 1e-7 * jnp.maximum(1.0, jnp.abs(li) + jnp.abs(lj))
    fl = f(lam)
    dd = jnp.where(close, df((li + lj) / 2), (fl[:, None] - fl[None, :]) / jnp.where(close, 1.0, li - lj))
    return u @ (dd * (u.T @ e @ u)) @ u.T


def _eig_fun(a, f):
    """f(a) = V f(Λ) V⁻¹ for a diagonalizable a (complex eigenpairs, a real value; CPU only in JAX)."""
    lam, v = jnp.linalg.eig(a)
    return jnp.real((v * f(lam)) @ jnp.linalg.inv(v))


def _eig_frechet(a, e, f, df):
    """L_f(a, e) = V (F ⊙ (V⁻¹ e V)) V⁻¹ for a diagonalizable a, F the divided differences of f."""
    lam, v = jnp.linalg.eig(a)
    vi = jnp.linalg.inv(v)
    li, lj = lam[:, None], lam[None, :]
    close = jnp.abs(li - lj) <= 1e-7 * jnp.maximum(1.0, jnp.abs(li) + jnp.abs(lj))
    fl = f(lam)
    dd = jnp.where(close, df((li + lj) / 2), (fl[:, None] - fl[None, :]) / jnp.where(close, 1.0, li - lj))
    return jnp.real(v @ (dd * (vi @ e @ v)) @ vi)


def _sqrtm_frechet(a, e):
    """L with a^(1/2) L + L a^(1/2) = e: the Fréchet derivative of the square root, a Sylvester equation."""
    s = _eig_fun(a, jnp.sqrt)
    return jax.scipy.linalg.solve_sylvester(s, s, e)


def _kron_form(frechet, n):
    """K with vec L(E) = K vec E (column-major vec): the columns vec L(Eⱼ) for the unit matrices Eⱼ."""
    units = jnp.eye(n * n)
    return jnp.stack([frechet(units[:, j].reshape(n, n).T).T.reshape(-1) for j in range(n * n)], axis=1)


def _block_frechet2(f, a, e1, e2):
    """L²_f(a, e1, e2), the upper right block of f([[a, e1, e2, 0], [0, a, 0, e2], [0, 0, a, e1], [0, 0, 0, a]])."""
    n, z = a.shape[0], jnp.zeros_like(a)
    return f(jnp.block([[a, e1, e2, z], [z, a, z, e2], [z, z, a, e1], [z, z, z, a]]))[:n, 3 * n:]


def _dd2(lam, f, df, d2f):
    """The second divided differences f[λᵢ, λₖ, λⱼ], with f′ and f″/2 where eigenvalues nearly coincide."""
    x, y, z = lam[:, None, None], lam[None, :, None], lam[None, None, :]

    def near(s, t):
        return jnp.abs(s - t) <= 1e-5 * jnp.maximum(1.0, jnp.maximum(jnp.abs(s), jnp.abs(t)))

    def first(s, t):
        return jnp.where(near(s, t), df((s + t) / 2), (f(s) - f(t)) / jnp.where(near(s, t), 1.0, s - t))
    gap_xz = jnp.where(near(x, z), 1.0, x - z)
    gap_xy = jnp.where(near(x, y), 1.0, y - x)
    return jnp.where(~near(x, z), (first(x, y) - first(y, z)) / gap_xz,
                     jnp.where(~near(x, y), (first(x, y) - df(x)) / gap_xy, d2f(x) / 2))


def _sym_frechet2(a, e1, e2, f, df, d2f):
    """L²_f(a, e1, e2) for a symmetric a: second-order Daleckii–Krein."""
    lam, u = jnp.linalg.eigh(a)
    dd, t1, t2 = _dd2(lam, f, df, d2f), u.T @ e1 @ u, u.T @ e2 @ u
    return u @ (jnp.einsum("ikj,ik,kj->ij", dd, t1, t2) + jnp.einsum("ikj,ik,kj->ij", dd, t2, t1)) @ u.T


def _eig_frechet2(a, e1, e2, f, df, d2f):
    """L²_f(a, e1, e2) for a diagonalizable a: second-order Daleckii–Krein with complex eigenpairs."""
    lam, v = jnp.linalg.eig(a)
    vi = jnp.linalg.inv(v)
    dd, t1, t2 = _dd2(lam, f, df, d2f), vi @ e1 @ v, vi @ e2 @ v
    return jnp.real(v @ (jnp.einsum("ikj,ik,kj->ij", dd, t1, t2) + jnp.einsum("ikj,ik,kj->ij", dd, t2, t1)) @ vi)
