"""Spectral quantities (matcalc/ops/eigen.py, spectral_norm.py, nuclear_norm.py; issue 16): λ_max, λ_min,
λ_k and their eigenvectors, ‖X‖₂ and ‖X‖_*.

Every rule is compared with central differences of an independent NumPy function (eigvalsh, norm(·, 2),
the sum of the singular values), not with matcalc's own evaluator of the node, at inputs where the
stated conditions hold (distinct eigenvalues, full rank); the generated code of all three targets is
run and compared the same way.
"""
import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.errors import DiffError, ParseError, ShapeError
from matcalc.numeric import evaluate

RNG = np.random.default_rng(7)


def symmetric(n, rng=RNG):
    a = rng.standard_normal((n, n))
    return (a + a.T) / 2


def numeric_gradient(f, x, directions):
    """⟨∇f, E⟩ by central differences (Richardson), for each direction E."""
    out = []
    for d in directions:
        def diff(t):
            return (f(x + t * d) - f(x - t * d)) / (2 * t)
        out.append((4 * diff(5e-4) - diff(1e-3)) / 3)
    return np.array(out)


def value_of(result, env, sizes):
    return evaluate(result.expr, {v: env[v.name] for v in result.expr.free if isinstance(v, E.Var)}, sizes)


def eig_k(a, k):
    """Independent: the k-th largest eigenvalue (k = -1: the smallest) of symmetric a."""
    w = np.linalg.eigvalsh(a)
    return w[-k] if k > 0 else w[0]


# ---- gradients against finite differences of NumPy ------------------------------------------------
@pytest.mark.parametrize("text, k", [("λ_max(A)", 1), ("lambda_min(A)", -1), ("λ_2(A)", 2), ("eigmax(A)", 1)])
def test_eigenvalue_gradient_is_v_vT(text, k):
    r = matcalc.grad(text, "A", where={"A": "n x n symmetric"})
    assert r.report.passed
    assert any("simple eigenvalue" in c for c in r.conditions)
    n = 5
    a = symmetric(n)
    G = value_of(r, {"A": a}, {"n": n})
    w, v = np.linalg.eigh(a)
    u = v[:, -k if k > 0 else 0]
    assert np.allclose(G, np.outer(u, u))                           # ∂λ/∂A = v vᵀ
    dirs = [symmetric(n) for _ in range(3)]
    assert np.allclose(numeric_gradient(lambda x: eig_k(x, k), a, dirs), [np.sum(G * d) for d in dirs], atol=1e-7)


def test_eigenvalue_of_a_matrix_not_declared_symmetric_is_of_its_symmetric_part():
    r = matcalc.grad("λ_max(A)", "A")
    assert str(r) == "v_max(A) v_max(A)^T" and r.report.passed
    assert r.conditions == ["lambda_max(A) is a simple eigenvalue of 1/2 (A + A^T) (A is not declared symmetric)"]
    a = RNG.standard_normal((4, 4))
    G = value_of(r, {"A": a}, {"n": 4})
    dirs = [RNG.standard_normal((4, 4)) for _ in range(3)]
    f = lambda x: np.linalg.eigvalsh((x + x.T) / 2)[-1]   # noqa: E731
    assert np.allclose(numeric_gradient(f, a, dirs), [np.sum(G * d) for d in dirs], atol=1e-7)


def test_spectral_norm_gradient_is_u1_v1T():
    r = matcalc.grad("||X||_2", "X", where={"X": "m x n"})
    assert r.report.passed and r.conditions == ["the largest singular value of X is simple and nonzero"]
    x = RNG.standard_normal((5, 3))
    G = value_of(r, {"X": x}, {"m": 5, "n": 3})
    u, s, vt = np.linalg.svd(x)
    assert np.allclose(G, np.outer(u[:, 0], vt[0]))
    dirs = [RNG.standard_normal((5, 3)) for _ in range(3)]
    assert np.allclose(numeric_gradient(lambda y: np.linalg.norm(y, 2), x, dirs), [np.sum(G * d) for d in dirs])


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5)])
def test_nuclear_norm_gradient_is_U_VT(shape):
    r = matcalc.grad("||X||_*", "X", where={"X": "m x n"})
    assert str(r) == "polar(X)" and r.report.passed
    assert r.conditions == ["X has full rank (no zero singular value)"]
    x = RNG.standard_normal(shape)
    G = value_of(r, {"X": x}, {"m": shape[0], "n": shape[1]})
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    assert np.allclose(G, u @ vt)
    dirs = [RNG.standard_normal(shape) for _ in range(3)]
    nuclear = lambda y: np.linalg.svd(y, compute_uv=False).sum()   # noqa: E731
    assert np.allclose(numeric_gradient(nuclear, x, dirs), [np.sum(G * d) for d in dirs])


# ---- second derivatives ------------------------------------------------------------------------------
def test_eigenvalue_hessian_against_second_differences_of_eigvalsh():
    """d²λ[H, H] = 2 Σ_{j≠1} (v_jᵀ H v)² / (λ − λ_j), from the Hessian on symmetric directions."""
    r = matcalc.hessian("λ_max(A)", "A", where={"A": "n x n symmetric"})
    assert r.report.passed
    n = 4
    a = symmetric(n)
    Hm = value_of(r, {"A": a}, {"n": n})
    for _ in range(3):
        h = symmetric(n)
        t = 1e-3
        second = (eig_k(a + t * h, 1) - 2 * eig_k(a, 1) + eig_k(a - t * h, 1)) / t ** 2
        vh = h.reshape(-1, order="F")
        assert np.isclose(vh @ Hm @ vh, second, rtol=1e-4, atol=1e-6)


def test_eigenvector_jacobian_against_differences_of_eigh():
    r = matcalc.jacobian("v_max(A)", "A", where={"A": "n x n symmetric"})
    assert r.report.passed
    n = 4
    a = symmetric(n)
    J = value_of(r, {"A": a}, {"n": n})

    def top(x):
        u = np.linalg.eigh(x)[1][:, -1]
        return u * np.sign(u[np.argmax(np.abs(u))])
    for _ in range(3):
        h = symmetric(n)
        fd = (top(a + 1e-5 * h) - top(a - 1e-5 * h)) / 2e-5
        assert np.allclose(J @ h.reshape(-1, order="F"), fd, atol=1e-6)


def test_spectral_norm_hessian_passes_and_nuclear_norm_hessian_is_refused():
    assert matcalc.hessian("||X||_2", "X", where={"X": "m x n"}).report.passed
    with pytest.raises(DiffError, match="Sylvester equation"):
        matcalc.hessian("||X||_*", "X")


# ---- reading ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["lambda_max(A)", "λ_max(A)", "λ_{max}(A)", r"\lambda_{\max}(A)", r"\lambda_\max(A)",
                                  "eigmax(A)", r"\lambda_{\max}\left(A\right)"])
def test_spellings_of_lambda_max(text):
    assert str(matcalc.parse(text, {"A": "n x n"})) == "lambda_max(A)"


@pytest.mark.parametrize("text, printed", [
    ("lambda_min(A)", "lambda_min(A)"), ("eigmin(A)", "lambda_min(A)"), ("λ_3(A)", "lambda_3(A)"),
    ("λ_1(A)", "lambda_max(A)"), ("v_max(A)", "v_max(A)"), (r"v_{2}(A)", "v_2(A)"),
    ("||X||_2", "||X||_2"), ("sigma_max(X)", "||X||_2"), ("σ_max(X)", "||X||_2"), (r"\sigma_{\max}(X)", "||X||_2"),
    ("‖X‖_2", "||X||_2"), ("||X||_*", "||X||_*"), ("||X||_{*}", "||X||_*"), (r"\|X\|_*", "||X||_*"),
    ("‖X‖_*", "||X||_*"), ("norm_nuc(X)", "||X||_*"), ("polar(X)", "polar(X)"),
    ("||x||_2", "||x||"),          # of a vector: the Euclidean norm, as before
])
def test_spellings(text, printed):
    assert str(matcalc.parse(text, {"A": "n x n", "X": "m x n", "x": "n"})) == printed


def test_an_indexed_eigenvalue_says_its_order():
    r = matcalc.grad("λ_2(A)", "A", check=False)
    assert any("the 2nd largest eigenvalue" in n for n in r.notes + list(getattr(r, "parse_notes", [])))


def test_refusals_name_what_is_meant():
    with pytest.raises(ShapeError, match="nuclear norm"):
        matcalc.parse("||x||_*", {"x": "n"})
    with pytest.raises(ShapeError):
        matcalc.parse("lambda_max(X)", {"X": "m x n"})
    with pytest.raises(ParseError):
        matcalc.parse("λ_k(A)", {"A": "n x n"})       # the index of λ_k must be a number


# ---- printers and generated code -------------------------------------------------------------------
def test_unicode_and_latex():
    e = matcalc.parse("λ_max(A) + ||X||_2 + ||X||_* + v_min(A)^T x", {"A": "n x n", "X": "m x p", "x": "n"})
    from matcalc.printers.unicode import to_unicode
    assert "λ_max(A)" in to_unicode(e) and "‖X‖_2" in to_unicode(e) and "‖X‖_*" in to_unicode(e)
    tex = e.latex()
    assert r"\lambda_{\max}" in tex and r"v_{\min}" in tex and r"\right\rVert_*" in tex
    assert matcalc.parse(tex, {"A": "n x n", "X": "m x p", "x": "n"}) is e


def _independent(a, x):
    return np.linalg.eigvalsh(a)[-1] + np.linalg.norm(x, 2) + np.linalg.svd(x, compute_uv=False).sum()


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
def test_generated_code_against_finite_differences(target):
    if target != "numpy":
        pytest.importorskip(target)
    r = matcalc.grad("λ_max(A) + ||X||_2 + ||X||_*", "X", where={"A": "n x n symmetric", "X": "m x p"})
    code = r.to_code(target=target)
    source = code.source if hasattr(code, "source") else code
    ns = {}
    exec(source, ns)
    fn = next(v for k, v in ns.items() if k.startswith("f_and") and callable(v))
    a, x = symmetric(4), RNG.standard_normal((5, 3))
    if target == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        value, grad = fn(A=jnp.asarray(a), X=jnp.asarray(x))
    elif target == "torch":
        import torch
        value, grad = fn(A=torch.as_tensor(a), X=torch.as_tensor(x))
    else:
        value, grad = fn(A=a, X=x)
    value, grad = float(value), np.asarray(grad, dtype=float)
    assert np.isclose(value, _independent(a, x))
    dirs = [RNG.standard_normal((5, 3)) for _ in range(3)]
    assert np.allclose(numeric_gradient(lambda y: _independent(a, y), x, dirs), [np.sum(grad * d) for d in dirs])


def test_cli_grad_of_lambda_max():
    from click.testing import CliRunner
    from matcalc.cli import main
    out = CliRunner().invoke(main, ["grad", "λ_max(A)", "--wrt", "A"])
    assert out.exit_code == 0, out.output
    assert "v_max(A) v_max(A)^T" in out.output and "simple eigenvalue" in out.output and "passed" in out.output
