"""Values of the matrix functions and their Fréchet derivatives, for the numerical check (numeric.EVAL).

Independent of the derivative rules: each value is computed the way a numerical analyst would,
SciPy's where SciPy is installed (expm, expm_frechet, logm, sqrtm, solve_sylvester,
fractional_matrix_power), else with NumPy alone: the exponential by Padé [13/13] scaling and squaring
(Higham, SIAM J. Matrix Anal. Appl. 26 (2005)), and the other functions through the eigendecomposition.
A symmetric argument always goes through `eigh` (f(X) = U f(Λ) Uᵀ, Daleckii–Krein for L_f).
Outside the domain of the principal branch (a real eigenvalue ≤ 0 for log, √, x^p) the value is NaN,
as every other evaluator gives for a point where the function is undefined.
"""
import math
from fractions import Fraction

import numpy as np

# ---- the scalar functions and their derivatives --------------------------------------------------


def scalar(fn, p):
    """(f, f′) on arrays of eigenvalues (complex allowed)."""
    if fn == "expm":
        return np.exp, np.exp
    if fn == "logm":
        return np.log, lambda t: 1 / t
    q = 0.5 if fn == "sqrtm" else float(Fraction(p))
    return (lambda t: t ** q), (lambda t: q * t ** (q - 1))


def divided_differences(fn, p, lam):
    """F_ij = (f(λᵢ) − f(λⱼ))/(λᵢ − λⱼ), and f′ at the mean where λᵢ ≈ λⱼ (relative gap below 1e-7: the
    difference quotient would lose more digits than the mean's O(gap²) error)."""
    f, df = scalar(fn, p)
    li, lj = lam[:, None], lam[None, :]
    gap = li - lj
    close = np.abs(gap) <= 1e-7 * np.maximum(1.0, np.maximum(np.abs(li), np.abs(lj)))
    safe = np.where(close, 1.0, gap)
    if fn == "expm":       # e^a − e^b = e^b (e^(a−b) − 1): no cancellation
        quotient = np.exp(lj) * np.expm1(gap) / safe
    else:
        fl = f(lam)
        quotient = (fl[:, None] - fl[None, :]) / safe
    return np.where(close, df((li + lj) / 2), quotient)


# ---- the domain of the principal branch ------------------------------------------------------------
def outside_domain(fn, x):
    """A real eigenvalue ≤ 0 (log, √, x^p), or a value that is not finite."""
    if not np.all(np.isfinite(x)):
        return True
    if fn == "expm":
        return False
    lam = np.linalg.eigvals(x)
    scale = max(1.0, float(np.max(np.abs(lam))))
    return bool(np.any((np.abs(lam.imag) <= 1e-10 * scale) & (lam.real <= 1e-12 * scale)))


def symmetric(x):
    return np.allclose(x, x.T, rtol=0, atol=1e-13 * max(1.0, float(np.max(np.abs(x)))))


def _nan(x):
    return np.full_like(x, np.nan, dtype=float)


# ---- f(X) ----------------------------------------------------------------------------------------
def function_value(fn, p, x):
    if outside_domain(fn, x):
        return _nan(x)
    if symmetric(x):
        lam, u = np.linalg.eigh((x + x.T) / 2)
        return (u * scalar(fn, p)[0](lam)) @ u.T
    try:
        import scipy.linalg as sl
    except ImportError:
        return expm_pade(x) if fn == "expm" else _by_eig(fn, p, x)
    if fn == "expm":
        return sl.expm(x)
    value = sl.logm(x) if fn == "logm" else sl.sqrtm(x) if fn == "sqrtm" else \
        sl.fractional_matrix_power(x, float(p))
    return np.real(value)


def _by_eig(fn, p, x):
    """f(X) = V f(Λ) V⁻¹ for a diagonalizable X (complex eigenpairs; the value is real)."""
    lam, v = np.linalg.eig(x.astype(complex))
    return np.real((v * scalar(fn, p)[0](lam)) @ np.linalg.inv(v))


# θ₁₃ and the Padé [13/13] coefficients of e^x (Higham 2005, Table 2.3 and eq. (2.9))
THETA_13 = 5.371920351148152
PADE_13 = (64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
           10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1)


def expm_pade(a):
    """e^A by scaling and squaring with the [13/13] Padé approximant (Higham 2005, Alg. 2.3, m = 13 only)."""
    a = np.asarray(a, dtype=float)
    norm = float(np.max(np.sum(np.abs(a), axis=0))) if a.size else 0.0
    s = max(0, math.ceil(math.log2(norm / THETA_13))) if norm > THETA_13 else 0
    a = a / 2.0 ** s
    b = PADE_13
    ident = np.eye(a.shape[0])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
    r = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


# ---- L_f(X, E) -----------------------------------------------------------------------------------
def frechet_value(fn, p, x, e):
    if outside_domain(fn, x) or not np.all(np.isfinite(e)):
        return _nan(x)
    if symmetric(x):
        return daleckii_krein(fn, p, (x + x.T) / 2, e)
    try:
        import scipy.linalg as sl
    except ImportError:
        if fn == "expm":
            return block(expm_pade, x, e)
        return _frechet_by_eig(fn, p, x, e)
    if fn == "expm":
        return sl.expm_frechet(x, e, compute_expm=False)
    if fn == "sqrtm":              # X^{1/2} L + L X^{1/2} = E (Higham eq. (6.5))
        s = np.real(sl.sqrtm(x))
        return sl.solve_sylvester(s, s, e)
    f = sl.logm if fn == "logm" else lambda m: sl.fractional_matrix_power(m, float(p))
    return np.real(block(f, x, e))


def block(f, x, e):
    """The upper right block of f([[X, E], [0, X]]) (Higham Thm 3.6)."""
    n = x.shape[0]
    big = np.block([[x, e], [np.zeros_like(x), x]])
    return f(big)[:n, n:]


def daleckii_krein(fn, p, x, e):
    """U (F ⊙ (Uᵀ E U)) Uᵀ for symmetric X = U diag(λ) Uᵀ (Higham Thm 3.11)."""
    lam, u = np.linalg.eigh(x)
    return u @ (divided_differences(fn, p, lam) * (u.T @ e @ u)) @ u.T


def _frechet_by_eig(fn, p, x, e):
    """V (F ⊙ (V⁻¹ E V)) V⁻¹ for a diagonalizable X (Daleckii–Krein with complex eigenpairs)."""
    lam, v = np.linalg.eig(x.astype(complex))
    vi = np.linalg.inv(v)
    return np.real(v @ (divided_differences(fn, p, lam) * (vi @ e @ v)) @ vi)


def kron_form_value(fn, p, x):
    """K_f(X) with vec L_f(X, E) = K_f(X) vec E (column-major vec): (U ⊗ U) diag(vec F) (U ⊗ U)ᵀ for symmetric
    X, else the columns vec L_f(X, Eⱼ) for the unit matrices Eⱼ."""
    n = x.shape[0]
    if outside_domain(fn, x):
        return np.full((n * n, n * n), np.nan)
    if symmetric(x):
        lam, u = np.linalg.eigh((x + x.T) / 2)
        uu = np.kron(u, u)
        return uu @ (divided_differences(fn, p, lam).reshape(-1, 1, order="F") * uu.T)
    units = np.eye(n * n)
    return np.column_stack([frechet_value(fn, p, x, units[:, j].reshape(n, n, order="F")).reshape(-1, order="F")
                            for j in range(n * n)])


# ---- the second Fréchet derivative L²_f(X, E, F) = d/dt L_f(X + tF, E) -------------------------------
def second_scalar(fn, p):
    """f″ on arrays of eigenvalues."""
    if fn == "expm":
        return np.exp
    if fn == "logm":
        return lambda t: -1 / t ** 2
    q = 0.5 if fn == "sqrtm" else float(Fraction(p))
    return lambda t: q * (q - 1) * t ** (q - 2)


def second_divided_differences(fn, p, lam):
    """f[λᵢ, λₖ, λⱼ] (n×n×n): (f[a, b] − f[b, c])/(a − c), (f[a, b] − f′(a))/(b − a) where a ≈ c, f″/2 where all
    three nearly coincide (relative gap below 1e-5)."""
    f, df = scalar(fn, p)
    d2f = second_scalar(fn, p)
    a, b, c = lam[:, None, None], lam[None, :, None], lam[None, None, :]

    def close(u, v):
        return np.abs(u - v) <= 1e-5 * np.maximum(1.0, np.maximum(np.abs(u), np.abs(v)))

    def first(u, v):
        near = close(u, v)
        return np.where(near, df((u + v) / 2), (f(u) - f(v)) / np.where(near, 1.0, u - v))
    far_ac, far_ab = ~close(a, c), ~close(a, b)
    t1 = (first(a, b) - first(b, c)) / np.where(far_ac, a - c, 1.0)
    t2 = (first(a, b) - df(a)) / np.where(far_ab, b - a, 1.0)
    return np.where(far_ac, t1, np.where(far_ab, t2, d2f((a + b + c) / 3) / 2))


def frechet2_value(fn, p, x, e, f):
    if outside_domain(fn, x) or not (np.all(np.isfinite(e)) and np.all(np.isfinite(f))):
        return _nan(x)
    if symmetric(x):
        return daleckii_krein2(fn, p, (x + x.T) / 2, e, f)
    try:
        import scipy.linalg as sl
    except ImportError:
        if fn == "expm":
            return block2(expm_pade, x, e, f)
        return _frechet2_by_eig(fn, p, x, e, f)
    g = sl.expm if fn == "expm" else sl.logm if fn == "logm" else sl.sqrtm if fn == "sqrtm" else \
        (lambda m: sl.fractional_matrix_power(m, float(p)))
    return np.real(block2(g, x, e, f))


def block2(g, x, e, f):
    """The upper right block of g([[X, E, F, 0], [0, X, 0, F], [0, 0, X, E], [0, 0, 0, X]]) = L²_g(X, E, F)
    (Higham & Relton, SIAM J. Matrix Anal. Appl. 35 (2014))."""
    n, z = x.shape[0], np.zeros_like(x)
    big = np.block([[x, e, f, z], [z, x, z, f], [z, z, x, e], [z, z, z, x]])
    return g(big)[:n, 3 * n:]


def _dk2(dd, u, ui, e, f):
    et, ft = ui @ e @ u, ui @ f @ u
    m = np.einsum("ikj,ik,kj->ij", dd, et, ft) + np.einsum("ikj,ik,kj->ij", dd, ft, et)
    return u @ m @ ui


def daleckii_krein2(fn, p, x, e, f):
    """U M Uᵀ, M_ij = Σ_k f[λᵢ, λₖ, λⱼ] (Ẽ_ik F̃_kj + F̃_ik Ẽ_kj), Ẽ = Uᵀ E U, F̃ = Uᵀ F U."""
    lam, u = np.linalg.eigh(x)
    return _dk2(second_divided_differences(fn, p, lam), u, u.T, e, f)


def _frechet2_by_eig(fn, p, x, e, f):
    lam, v = np.linalg.eig(x.astype(complex))
    return np.real(_dk2(second_divided_differences(fn, p, lam), v, np.linalg.inv(v), e, f))


def kron2_value(fn, p, x, e):
    """K²_f(X, E) with vec L²_f(X, E, F) = K²_f(X, E) vec F: the columns vec L²_f(X, E, Fⱼ)."""
    n = x.shape[0]
    units = np.eye(n * n)
    return np.column_stack([frechet2_value(fn, p, x, e, units[:, j].reshape(n, n, order="F")).reshape(-1, order="F")
                            for j in range(n * n)])
