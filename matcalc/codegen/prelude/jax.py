"""The JAX prelude of generated code: read as text and copied into the output (see prelude/numpy.py
for the block format). Everything below this docstring is emitted verbatim."""
import jax
import jax.numpy as jnp


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return jnp.eye(m * n).reshape(n, m, m * n).transpose(1, 0, 2).reshape(m * n, m * n)
