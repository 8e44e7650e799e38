"""The JAX prelude of generated code: read as text and copied into the output (see prelude/numpy.py
for the block format). Everything below this docstring is emitted verbatim."""
import jax
import jax.numpy as jnp


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return jnp.eye(m * n).reshape(n, m, m * n).transpose(1, 0, 2).reshape(m * n, m * n)


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
