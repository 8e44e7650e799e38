"""The JAX prelude of generated code: read as text and copied into the output (see prelude/numpy.py
for the block format). Everything below this docstring is emitted verbatim."""
import jax
import jax.numpy as jnp
import numpy as np


def _commutation(m, n):
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return jnp.asarray(k)
