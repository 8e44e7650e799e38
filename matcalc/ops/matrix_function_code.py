"""Generated code for the matrix functions and their Fréchet derivatives (codegen/rules.py CODE, by name).

    target   symmetric X (declared symmetric/spd)       any square X
    NumPy    eigh: U f(λ) Uᵀ, Daleckii–Krein            SciPy: expm, expm_frechet, logm, sqrtm,
                                                        solve_sylvester, fractional_matrix_power, and
                                                        the block identity for L_log and L_{x^p}
    JAX      eigh, Daleckii–Krein                       jax.scipy.linalg.expm / expm_frechet; eig (CPU)
                                                        for log, √, x^p; solve_sylvester for L_√
    PyTorch  eigh, Daleckii–Krein                       torch.linalg.matrix_exp (and its block identity
                                                        for L_exp); eig for log, √, x^p

SciPy is imported only by NumPy code that calls one of these (the prelude's _scipy_linalg), with a
message naming what needs it.
"""
from fractions import Fraction

from ..tables import register
from .frechet import Frechet
from .kronecker_form import KronForm
from .second_frechet import Frechet2, KronForm2
from .matrix_functions import MATRIX_FUNCTIONS, parts

MODULE = {"numpy": "np", "jax": "jnp", "torch": "torch"}


def scalar_code(target, fn, p):
    """(f, f′) as code of the target, each a function of an array of eigenvalues."""
    m = MODULE[target]
    if fn == "expm":
        return f"{m}.exp", f"{m}.exp"
    if fn == "logm":
        return f"{m}.log", "lambda t: 1 / t"
    if fn == "sqrtm":
        return f"{m}.sqrt", f"lambda t: 0.5 / {m}.sqrt(t)"
    q = _number(p)
    return f"lambda t: t ** {q}", f"lambda t: {q} * t ** ({_number(Fraction(p) - 1)})"


def _number(p):
    p = Fraction(p)
    return str(p.numerator) if p.denominator == 1 else f"({p.numerator} / {p.denominator})"


def _symmetric(x):
    from ..simplify.properties import is_symmetric
    return is_symmetric(x)


@register("code", *MATRIX_FUNCTIONS, identity="f(X) = U f(Λ) Uᵀ for symmetric X (eigh); SciPy's, JAX's or "
                                              "PyTorch's matrix function otherwise")
def code_matrix_function(g, e):
    fn, p = parts(e)
    t, x = g.target.name, g.code(e.arg)
    f, _ = scalar_code(t, fn, p)
    if _symmetric(e.arg):
        return f"_sym_fun({x}, {f})"
    if fn == "expm":
        return {"numpy": "_expm({0})", "jax": "jax.scipy.linalg.expm({0})",
                "torch": "torch.linalg.matrix_exp({0})"}[t].format(x)
    if t == "numpy":
        return f"_powm({x}, {_number(p)})" if fn == "powm" else f"_{fn}({x})"
    return f"_eig_fun({x}, {f})"


@register("code", Frechet, identity="L_f(X, E): Daleckii–Krein for symmetric X; expm_frechet, the Sylvester "
                                    "equation of the square root, or the block identity f([[X, E], [0, X]])")
def code_frechet(g, e):
    return frechet_code(g.target.name, e.fn, e.p, g.code(e.arg), g.code(e.dir), _symmetric(e.arg))


@register("code", KronForm, identity="K_f(X) = [vec L_f(X, E₁) … vec L_f(X, E_{n²})], E_j the unit matrices")
def code_kron_form(g, e):
    x = g.atomic(g.code(e.arg))
    inner = frechet_code(g.target.name, e.fn, e.p, x, "_unit", _symmetric(e.arg))
    return f"_kron_form(lambda _unit: {inner}, {x}.shape[0])"


def frechet_code(t, fn, p, x, d, symmetric):
    """L_f(x, d) in target t, x and d the codes of the point and the direction."""
    f, df = scalar_code(t, fn, p)
    if symmetric:
        return f"_sym_frechet({x}, {d}, {f}, {df})"
    if fn == "expm":
        return {"numpy": "_expm_frechet({0}, {1})",
                "jax": "jax.scipy.linalg.expm_frechet({0}, {1}, compute_expm=False)",
                "torch": "_block_frechet(torch.linalg.matrix_exp, {0}, {1})"}[t].format(x, d)
    if t == "numpy":
        if fn == "sqrtm":
            return f"_sqrtm_frechet({x}, {d})"
        return f"_block_frechet(_logm, {x}, {d})" if fn == "logm" else \
            f"_block_frechet(lambda m: _powm(m, {_number(p)}), {x}, {d})"
    if t == "jax" and fn == "sqrtm":
        return f"_sqrtm_frechet({x}, {d})"
    return f"_eig_frechet({x}, {d}, {f}, {df})"


# ---- the second Fréchet derivative: the 4×4 block identity, or second-order Daleckii–Krein ----------------
def second_code(t, fn, p):
    """f″ as code of the target."""
    m = MODULE[t]
    if fn == "expm":
        return f"{m}.exp"
    if fn == "logm":
        return "lambda t: -1 / t ** 2"
    q = Fraction(1, 2) if fn == "sqrtm" else Fraction(p)
    return f"lambda t: {_number(q * (q - 1))} * t ** ({_number(q - 2)})"


BLOCK_FUNCTIONS = {"numpy": {"expm": "_expm", "logm": "_logm", "sqrtm": "_sqrtm"},
                   "jax": {"expm": "jax.scipy.linalg.expm"}, "torch": {"expm": "torch.linalg.matrix_exp"}}


def frechet2_code(t, fn, p, x, e, f, symmetric):
    """L²_f(x, e, f) in target t."""
    scalars = ", ".join([*scalar_code(t, fn, p), second_code(t, fn, p)])
    if symmetric:
        return f"_sym_frechet2({x}, {e}, {f}, {scalars})"
    g = BLOCK_FUNCTIONS[t].get(fn) or (f"lambda m: _powm(m, {_number(p)})" if t == "numpy" else None)
    if g is not None:
        return f"_block_frechet2({g}, {x}, {e}, {f})"
    return f"_eig_frechet2({x}, {e}, {f}, {scalars})"


@register("code", Frechet2, identity="L²_f(X, E, F): the upper right block of f([[X, E, F, 0], [0, X, 0, F], "
                                     "[0, 0, X, E], [0, 0, 0, X]]), or second-order Daleckii–Krein")
def code_frechet2(g, e):
    return frechet2_code(g.target.name, e.fn, e.p, g.code(e.arg), g.code(e.dir), g.code(e.dir2), _symmetric(e.arg))


@register("code", KronForm2, identity="K²_f(X, E) = [vec L²_f(X, E, E₁) … vec L²_f(X, E, E_{n²})]")
def code_kron_form2(g, e):
    x = g.atomic(g.code(e.arg))
    inner = frechet2_code(g.target.name, e.fn, e.p, x, g.code(e.dir), "_unit", _symmetric(e.arg))
    return f"_kron_form(lambda _unit: {inner}, {x}.shape[0])"
