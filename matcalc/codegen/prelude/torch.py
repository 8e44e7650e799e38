"""The PyTorch prelude of generated code: read as text and copied into the output (see
prelude/numpy.py for the block format). Everything below this docstring is emitted verbatim."""
import torch


def _commutation(m, n):
    """K with K vec(A) = vec(Aᵀ) for A m×n (column-major vec): the identity's rows permuted, no loop."""
    return torch.eye(m * n, dtype=torch.float64).reshape(n, m, m * n).permute(1, 0, 2).reshape(m * n, m * n)
