"""The PyTorch prelude of generated code: read as text and copied into the output (see
prelude/numpy.py for the block format). Everything below this docstring is emitted verbatim."""
import torch


def _commutation(m, n):
    k = torch.zeros((m * n, m * n), dtype=torch.float64)
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k
