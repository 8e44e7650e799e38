"""How many n×n (or n²×n²) arrays generated code allocates (issue 19): each fresh array of a Hessian
costs its page faults on every call (a 32 MB Hessian at n = 2000 is 8,000 of them), so a diagonal is
added in place through a view, never as diag(v) + M (NumPy and PyTorch), and a Kronecker product
permuted by K is written once in K's order. Peak memory is measured with tracemalloc (NumPy reports
its data allocations to it); every output is checked against the closed form."""
import importlib.util
import os
import tracemalloc

import numpy as np
import pytest

import matcalc


def available(module):
    if importlib.util.find_spec(module) is None:
        if os.environ.get("MATCALC_REQUIRE_ALL") == "1":
            pytest.fail(f"{module} is required in CI (MATCALC_REQUIRE_ALL=1) but not installed")
        pytest.skip(f"{module} is not installed")


def compiled(source):
    namespace = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    return next(v for k, v in namespace.items() if k.startswith("f_and_"))


def peak_arrays(fn, args, size):
    """The most memory fn's call held at once, in arrays of `size` float64 entries."""
    fn(*args)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = fn(*args)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak / (8 * size), out


def softmax_hessian(x):
    s = np.exp(x - x.max())
    s /= s.sum()
    return np.diag(s) - np.outer(s, s)


def test_the_logsumexp_hessian_allocates_one_n_by_n_array():
    n = 400
    x = np.random.default_rng(0).standard_normal(n)
    fn = compiled(matcalc.grad("logsumexp(x)", "x", check=False).to_code(hessian=True))
    arrays, (_, _, h) = peak_arrays(fn, (x,), n * n)
    assert arrays < 1.1, arrays              # diag(s) − s sᵀ as diag(s) + outer(s, s) holds 2 (NumPy elides the 3rd)
    assert np.allclose(h, softmax_hessian(x), rtol=1e-12, atol=1e-15)


def test_a_permuted_kronecker_sum_holds_two_arrays():
    """tr(X A X B)'s Hessian (A ⊗ Bᵀ + B ⊗ Aᵀ) K: two broadcast products in K's order (their sum goes
    into the first: NumPy elides the temporary) and a reshape; np.kron twice, then a permuted copy of
    their sum, made a third n⁴ array."""
    n = 16                                                # n⁴ floats over NumPy's 256 KB elision threshold
    rng = np.random.default_rng(1)
    A, B, X = (rng.standard_normal((n, n)) for _ in range(3))
    fn = compiled(matcalc.grad("tr(X A X B)", "X", check=False).to_code(hessian=True))
    arrays, (_, _, h) = peak_arrays(fn, (A, B, X), n ** 4)
    M = np.kron(B.T, A)                                   # d vec(A dX B) = (Bᵀ ⊗ A) d vec(X)
    KM = M.reshape(n, n, n * n).transpose(1, 0, 2).reshape(n * n, n * n)
    assert np.allclose(h, KM + KM.T, rtol=1e-12, atol=1e-12)
    assert arrays < 2.5, arrays              # two n⁴ arrays at once (and the ufunc's 64 KB buffers)
    assert h.base is not None and h.base.ndim == 4       # a view of the 4-axis sum, not a permuted copy of it


def test_the_torch_logsumexp_hessian_adds_its_diagonal_in_place():
    available("torch")
    import torch
    code = matcalc.grad("logsumexp(x)", "x", check=False).to_code("torch", hessian=True)
    body = code.split('"""')[-1]
    assert "_add_diag(" in body and "torch.diag(" not in body, code
    fn = compiled(code)
    x = np.random.default_rng(2).standard_normal(50)
    _, _, h = fn(torch.tensor(x))
    assert np.allclose(h.numpy(), softmax_hessian(x), rtol=1e-12, atol=1e-15)
    # under autograd the sum is out of place (torch.outer's result may be saved for backward)
    xt = torch.tensor(x, requires_grad=True)
    _, _, h = fn(xt)
    (g,) = torch.autograd.grad(h.sum(), xt)
    assert np.allclose(h.detach().numpy(), softmax_hessian(x)) and torch.isfinite(g).all()
    namespace = {}
    exec(compile(code, "<generated>", "exec"), namespace)
    m = torch.zeros(3, 3)
    assert namespace["_add_diag"](m, torch.ones(3)) is m and torch.equal(m, torch.eye(3))   # in place
