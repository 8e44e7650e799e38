"""Simplification identities of the matrix functions and their Fréchet derivatives, each a named row of
the simplification table with its source: Higham, "Functions of Matrices: Theory and Computation",
SIAM 2008 (ch. 1 theory, ch. 3 Fréchet derivatives, ch. 6 square root, ch. 10 exponential, ch. 11
logarithm). The principal branches are meant (the condition the differential states).
"""
from fractions import Fraction

from .. import expr as E
from ..simplify.rules import rewrite
from .frechet import Frechet
from .matrix_functions import HIGHAM, ExpM, LogM, PowM, SqrtM, derivative_of, power

CH1 = f"{HIGHAM}, Thm 1.13"
CH3 = f"{HIGHAM}, ch. 3"


def _exponent(e):
    return Fraction(1, 2) if isinstance(e, SqrtM) else e.p


# ---- f(0), f(I), f(Xᵀ) ----------------------------------------------------------------------------
@rewrite(ExpM, "expm(0) = I", source=f"{HIGHAM}, ch. 10", arg=(E.Zero,))
def expm_of_zero(e):
    if isinstance(e.arg, E.Zero):
        return E.Identity(e.shape[0])


@rewrite(LogM, "logm(I) = 0", source=f"{HIGHAM}, ch. 11", arg=(E.Identity,))
def logm_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return E.zero_like(e)


@rewrite(SqrtM, "I^{1/2} = I", arg=(E.Identity,))
def sqrtm_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return e.arg


@rewrite(PowM, "Iᵖ = I", arg=(E.Identity,))
def powm_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return e.arg


def _pull_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Transpose(e.rebuild([e.arg.arg]))


@rewrite(ExpM, "expm(Xᵀ) = expm(X)ᵀ", source=CH1, arg=(E.Transpose,))
def expm_of_transpose(e):
    return _pull_transpose(e)


@rewrite(LogM, "logm(Xᵀ) = logm(X)ᵀ", source=CH1, arg=(E.Transpose,))
def logm_of_transpose(e):
    return _pull_transpose(e)


@rewrite(SqrtM, "sqrtm(Xᵀ) = sqrtm(X)ᵀ", source=CH1, arg=(E.Transpose,))
def sqrtm_of_transpose(e):
    return _pull_transpose(e)


@rewrite(PowM, "(Xᵀ)ᵖ = (Xᵖ)ᵀ", source=CH1, arg=(E.Transpose,))
def powm_of_transpose(e):
    return _pull_transpose(e)


# ---- powers and inverses: (X^{1/2})² = X, (Xᵖ)ᵏ = Xᵖᵏ, (e^X)⁻¹ = e^{−X}, (Xᵖ)⁻¹ = X⁻ᵖ -------------------
@rewrite(E.MatPow, "(Xᵖ)ᵏ = Xᵖᵏ for the principal power (sqrtm(X) sqrtm(X) = X)", source=f"{HIGHAM}, ch. 6",
         arg=(SqrtM, PowM))
def power_of_principal_power(e):
    if isinstance(e.arg, (SqrtM, PowM)):
        return power(e.arg.arg, _exponent(e.arg) * e.k)


@rewrite(E.Inverse, "(Xᵖ)⁻¹ = X⁻ᵖ for the principal power", source=f"{HIGHAM}, ch. 6", arg=(SqrtM, PowM))
def inverse_of_principal_power(e):
    if isinstance(e.arg, (SqrtM, PowM)):
        return power(e.arg.arg, -_exponent(e.arg))


@rewrite(E.Inverse, "expm(X)⁻¹ = expm(−X)", source=f"{HIGHAM}, ch. 10", arg=(ExpM,))
def inverse_of_expm(e):
    if isinstance(e.arg, ExpM):
        return ExpM(E.negate(e.arg.arg))


# ---- determinants and traces ------------------------------------------------------------------------
@rewrite(E.Det, "det expm(X) = exp(tr X)", source=f"{HIGHAM}, ch. 10", arg=(ExpM,))
def det_of_expm(e):
    if isinstance(e.arg, ExpM):
        return E.Apply("exp", E.Trace(e.arg.arg))


@rewrite(E.LogDet, "log det expm(X) = tr X", source=f"{HIGHAM}, ch. 10", arg=(ExpM,))
def logdet_of_expm(e):
    if isinstance(e.arg, ExpM):
        return E.Trace(e.arg.arg)


@rewrite(E.LogDet, "log det Xᵖ = p log det X (X^{1/2}: ½ log det X), principal power",
         source=f"{HIGHAM}, ch. 6", arg=(SqrtM, PowM))
def logdet_of_principal_power(e):
    if isinstance(e.arg, (SqrtM, PowM)):
        return E.product(E.Num(_exponent(e.arg)), E.LogDet(e.arg.arg))


@rewrite(E.Trace, "tr logm(X) = log det X (principal logarithm)", source=f"{HIGHAM}, ch. 11", arg=(LogM,))
def trace_of_logm(e):
    if isinstance(e.arg, LogM):
        return E.LogDet(e.arg.arg)


# ---- the Fréchet derivative -------------------------------------------------------------------------
@rewrite(E.Trace, "tr L_f(X, E) = tr(f′(X) E)", source=CH3, arg=(Frechet,))
def trace_of_frechet(e):
    if isinstance(e.arg, Frechet):
        f = e.arg
        return E.Trace(E.product(derivative_of(f.fn, f.p, f.arg), f.dir))


@rewrite(Frechet, "L_f(X, I) = f′(X) (E commutes with X: L_f(X, E) = f′(X) E)", source=CH3, arg=None)
def frechet_at_identity(e):
    if isinstance(e.dir, E.Identity):
        return derivative_of(e.fn, e.p, e.arg)
    if isinstance(e.dir, E.Mul) and len(e.dir.factors) == 2 and e.dir.factors[0].is_scalar \
            and isinstance(e.dir.factors[1], E.Identity):
        return E.product(e.dir.factors[0], derivative_of(e.fn, e.p, e.arg))



@rewrite(E.Transpose, "L_f(X, E)ᵀ = L_f(Xᵀ, Eᵀ)", source=CH3, arg=(Frechet,))
def transpose_of_frechet(e):
    if isinstance(e.arg, Frechet):
        f = e.arg
        return Frechet(f.fn, f.p, E.Transpose(f.arg), E.Transpose(f.dir))
