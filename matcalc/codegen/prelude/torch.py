"""The PyTorch prelude of generated code: read as text and copied into the output (see
prelude/numpy.py for the block format). Everything below this docstring is emitted verbatim."""
import torch


def _cholesky(a):
    """(lower Cholesky factor of a, or None when a is not positive definite; a): only a's lower
    triangle is read; where the factorization fails, the helpers below use all of a (LU)."""
    c, info = torch.linalg.cholesky_ex(a)
    return (None if info else c), a


def _cho_logdet(f):
    c, a = f
    if c is None:
        return torch.linalg.slogdet(a)[1]
    return 2.0 * torch.log(torch.diagonal(c)).sum()


def _cho_det(f):
    c, a = f
    return torch.linalg.det(a) if c is None else torch.exp(_cho_logdet(f))


def _cho_inv(f):
    c, a = f
    return torch.linalg.inv(a) if c is None else torch.cholesky_inverse(c)


def _cho_solve(f, b):
    c, a = f
    if c is None:
        return torch.linalg.solve(a, b)
    if b.dim() == 1:
        return torch.cholesky_solve(b[:, None], c)[:, 0]
    return torch.cholesky_solve(b, c)


def _lu(a):
    """(LU, pivots, info) of a general matrix (getrf): one factorization for its log |det|, det, inverse
    and solves (codegen/factors.py). info > 0: a is singular (an exact zero on U's diagonal)."""
    return torch.linalg.lu_factor_ex(a)


def _lu_logdet(f):
    """log |det a| (slogdet(a)[1]; −inf for a singular a): Σ log |diag U|."""
    return torch.log(torch.abs(torch.diagonal(f[0]))).sum()


def _lu_det(f):
    """det a: the sign of the row swaps (1-based pivots) and of diag U, times exp Σ log |diag U|."""
    lu, piv, _ = f
    d = torch.diagonal(lu)
    swaps = int(torch.count_nonzero(piv != torch.arange(1, piv.shape[0] + 1, device=piv.device)))
    return (-1.0 if swaps % 2 else 1.0) * torch.prod(torch.sign(d)) * torch.exp(torch.log(torch.abs(d)).sum())


def _lu_singular(f):
    """The error torch.linalg.inv and solve raise for a singular matrix (lu_solve would divide by zero)."""
    if f[2]:
        raise torch.linalg.LinAlgError(f"the input matrix is singular: U[{int(f[2])},{int(f[2])}] is zero")


def _lu_inv(f, trans=0):
    """a⁻¹ (trans = 1: a⁻ᵀ) as I a⁻¹ (left=False): row-major, and 5–10% faster than a⁻¹ I on one CPU."""
    _lu_singular(f)
    lu, piv, _ = f
    eye = torch.eye(lu.shape[0], dtype=lu.dtype, device=lu.device)
    return torch.linalg.lu_solve(lu, piv, eye, left=False, adjoint=bool(trans))


def _lu_solve(f, b, trans=0):
    """a⁻¹ b (trans = 1: a⁻ᵀ b)."""
    _lu_singular(f)
    if b.dim() == 1:
        return torch.linalg.lu_solve(f[0], f[1], b[:, None], adjoint=bool(trans))[:, 0]
    return torch.linalg.lu_solve(f[0], f[1], b, adjoint=bool(trans))


def _add_diag(m, v):
    """m + diag(v), m a fresh matrix: in place through a view of its diagonal (no n×n diag(v), no
    third n×n array for the sum); out of place when autograd records (m may be saved for backward)."""
    if m.requires_grad or v.requires_grad:
        return m + torch.diag(v)
    m.diagonal().add_(v)
    return m


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return torch.eye(m * n, dtype=torch.float64).reshape(n, m, m * n).permute(1, 0, 2).reshape(m * n, m * n)


def _eigval(a, k):
    """The k-th largest eigenvalue (k = -1: the smallest) of the symmetric part of a (matcalc/ops/eigen.py)."""
    w = torch.linalg.eigvalsh((a + a.T) / 2)
    return w[w.shape[0] - k if k > 0 else -k - 1]


def _eigvec(a, k):
    """Its unit eigenvector, the largest entry (in absolute value) positive."""
    w, v = torch.linalg.eigh((a + a.T) / 2)
    u = v[:, w.shape[0] - k if k > 0 else -k - 1]
    return u * torch.sign(u[torch.argmax(torch.abs(u))])


def _polar(x):
    """U Vᵀ from the thin SVD X = U Σ Vᵀ: the gradient of the nuclear norm."""
    u, _, vt = torch.linalg.svd(x, full_matrices=False)
    return u @ vt


def _block_frechet(f, a, e):
    """L_f(a, e), the upper right block of f([[a, e], [0, a]]) (Higham, Functions of Matrices, Thm 3.6)."""
    n = a.shape[0]
    return f(torch.cat([torch.cat([a, e], 1), torch.cat([torch.zeros_like(a), a], 1)], 0))[:n, n:]


def _sym_fun(a, f):
    """f(a) = U f(λ) Uᵀ for a symmetric a = U diag(λ) Uᵀ."""
    lam, u = torch.linalg.eigh(a)
    return (u * f(lam)) @ u.T


def _sym_frechet(a, e, f, df):
    """L_f(a, e) = U (F ⊙ (Uᵀ e U)) Uᵀ for a symmetric a (Daleckii–Krein), F the divided differences of f
    at the eigenvalues, f′ at their mean where two nearly coincide."""
    lam, u = torch.linalg.eigh(a)
    li, lj = lam[:, None], lam[None, :]
    close = torch.abs(li - lj) <= 1e-7 * torch.clamp(torch.abs(li) + torch.abs(lj), min=1.0)
    fl = f(lam)
    gap = torch.where(close, torch.ones_like(li - lj), li - lj)
    dd = torch.where(close, df((li + lj) / 2), (fl[:, None] - fl[None, :]) / gap)
    return u @ (dd * (u.T @ e @ u)) @ u.T


def _eig_fun(a, f):
    """f(a) = V f(Λ) V⁻¹ for a diagonalizable a (complex eigenpairs, a real value)."""
    lam, v = torch.linalg.eig(a)
    return torch.real((v * f(lam)) @ torch.linalg.inv(v))


def _eig_frechet(a, e, f, df):
    """L_f(a, e) = V (F ⊙ (V⁻¹ e V)) V⁻¹ for a diagonalizable a, F the divided differences of f."""
    lam, v = torch.linalg.eig(a)
    vi = torch.linalg.inv(v)
    li, lj = lam[:, None], lam[None, :]
    close = torch.abs(li - lj) <= 1e-7 * torch.clamp(torch.abs(li) + torch.abs(lj), min=1.0)
    fl = f(lam)
    gap = torch.where(close, torch.ones_like(li - lj), li - lj)
    dd = torch.where(close, df((li + lj) / 2), (fl[:, None] - fl[None, :]) / gap)
    return torch.real(v @ (dd * (vi @ e.to(v.dtype) @ v)) @ vi)


def _kron_form(frechet, n):
    """K with vec L(E) = K vec E (column-major vec): the columns vec L(Eⱼ) for the unit matrices Eⱼ."""
    units = torch.eye(n * n, dtype=torch.float64)
    return torch.stack([frechet(units[:, j].reshape(n, n).T).T.reshape(-1) for j in range(n * n)], 1)


def _block_frechet2(f, a, e1, e2):
    """L²_f(a, e1, e2), the upper right block of f([[a, e1, e2, 0], [0, a, 0, e2], [0, 0, a, e1], [0, 0, 0, a]])."""
    n, z = a.shape[0], torch.zeros_like(a)
    rows = [[a, e1, e2, z], [z, a, z, e2], [z, z, a, e1], [z, z, z, a]]
    return f(torch.cat([torch.cat(r, 1) for r in rows], 0))[:n, 3 * n:]


def _dd2(lam, f, df, d2f):
    """The second divided differences f[λᵢ, λₖ, λⱼ], with f′ and f″/2 where eigenvalues nearly coincide."""
    x, y, z = lam[:, None, None], lam[None, :, None], lam[None, None, :]

    def near(s, t):
        return torch.abs(s - t) <= 1e-5 * torch.clamp(torch.maximum(torch.abs(s), torch.abs(t)), min=1.0)

    def first(s, t):
        gap = torch.where(near(s, t), torch.ones_like(s - t), s - t)
        return torch.where(near(s, t), df((s + t) / 2), (f(s) - f(t)) / gap)
    gap_xz = torch.where(near(x, z), torch.ones_like(x - z), x - z)
    gap_xy = torch.where(near(x, y), torch.ones_like(x - y), y - x)
    return torch.where(~near(x, z), (first(x, y) - first(y, z)) / gap_xz,
                       torch.where(~near(x, y), (first(x, y) - df(x)) / gap_xy, d2f(x) / 2))


def _sym_frechet2(a, e1, e2, f, df, d2f):
    """L²_f(a, e1, e2) for a symmetric a: second-order Daleckii–Krein."""
    lam, u = torch.linalg.eigh(a)
    dd, t1, t2 = _dd2(lam, f, df, d2f), u.T @ e1 @ u, u.T @ e2 @ u
    return u @ (torch.einsum("ikj,ik,kj->ij", dd, t1, t2) + torch.einsum("ikj,ik,kj->ij", dd, t2, t1)) @ u.T


def _eig_frechet2(a, e1, e2, f, df, d2f):
    """L²_f(a, e1, e2) for a diagonalizable a: second-order Daleckii–Krein with complex eigenpairs."""
    lam, v = torch.linalg.eig(a)
    vi = torch.linalg.inv(v)
    dd, t1, t2 = _dd2(lam, f, df, d2f), vi @ e1.to(v.dtype) @ v, vi @ e2.to(v.dtype) @ v
    return torch.real(v @ (torch.einsum("ikj,ik,kj->ij", dd, t1, t2) + torch.einsum("ikj,ik,kj->ij", dd, t2, t1)) @ vi)
