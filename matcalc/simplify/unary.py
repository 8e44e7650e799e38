"""Identities of the one-argument matrix nodes: transpose, inverse, matrix power, det, log det, I.

Each rewrite returns the new node, or None when it does not apply; a node type's rewrites are
tried in the order they are written here (the first that applies wins).
"""
from .. import expr as E
from .engine import split
from .properties import is_symmetric
from .rules import rewrite


# ---- transpose ------------------------------------------------------------------------------
@rewrite(E.Transpose, "(Aᵀ)ᵀ = A", arg=(E.Transpose,))
def transpose_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return e.arg.arg


@rewrite(E.Transpose, "aᵀ = a for a scalar, Sᵀ = S for S symmetric")
def transpose_of_symmetric(e):
    a = e.arg
    if a.is_scalar or is_symmetric(a):
        return a


# (x − μ)ᵀ and (X − U Vᵀ)ᵀ stay as people write them; a sum of rows becomes a sum of columns
@rewrite(E.Transpose, "(aᵀ + bᵀ)ᵀ = a + b for rows aᵀ, bᵀ", arg=(E.Add,))
def transpose_of_row_sum(e):
    a = e.arg
    if isinstance(a, E.Add) and a.shape[0] == 1:
        return E.Add(*(E.Transpose(t) for t in a.terms))


@rewrite(E.Transpose, "(A B)ᵀ = Bᵀ Aᵀ", source="Matrix Cookbook §1.1", arg=(E.Mul,))
def transpose_of_product(e):
    a = e.arg
    if isinstance(a, E.Mul):
        return E.Mul(*(f if f.is_scalar else E.Transpose(f) for f in reversed(a.factors)))


@rewrite(E.Transpose, "(A ⊙ B)ᵀ = Aᵀ ⊙ Bᵀ", arg=(E.Hadamard,))
def transpose_of_hadamard(e):
    a = e.arg
    if isinstance(a, E.Hadamard):
        return E.Hadamard(*(E.Transpose(f) for f in a.factors))


@rewrite(E.Transpose, "(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", source="Matrix Cookbook §10.2.1", arg=(E.Kron,))
def transpose_of_kron(e):
    a = e.arg
    if isinstance(a, E.Kron):
        return E.Kron(E.Transpose(a.left), E.Transpose(a.right))


@rewrite(E.Transpose, "(1ₘₓₙ)ᵀ = 1ₙₓₘ, (0ₘₓₙ)ᵀ = 0ₙₓₘ", arg=(E.Ones, E.Zero))
def transpose_of_constant(e):
    a = e.arg
    if isinstance(a, (E.Ones, E.Zero)):
        return type(a)((a.shape[1], a.shape[0]))


@rewrite(E.Transpose, "K_{m,n}ᵀ = K_{n,m}", source="Magnus & Neudecker, Matrix Differential Calculus, ch. 3",
         arg=(E.Commutation,))
def transpose_of_commutation(e):
    a = e.arg
    if isinstance(a, E.Commutation):
        return E.Commutation(a.n, a.m)


# ---- inverse --------------------------------------------------------------------------------
@rewrite(E.Inverse, "(Aᵀ)⁻¹ = (A⁻¹)ᵀ, printed A⁻ᵀ", source="Matrix Cookbook §1.1", arg=(E.Transpose,))
def inverse_of_transpose(e):
    a = e.arg
    if isinstance(a, E.Transpose):
        return E.Transpose(E.Inverse(a.arg))


@rewrite(E.Inverse, "(A⁻¹)⁻¹ = A", arg=(E.Inverse,))
def inverse_of_inverse(e):
    if isinstance(e.arg, E.Inverse):
        return e.arg.arg


@rewrite(E.Inverse, "I⁻¹ = I", arg=(E.Identity,))
def inverse_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return e.arg


@rewrite(E.Inverse, "a⁻¹ = 1/a for a scalar a")
def inverse_of_scalar(e):
    if e.arg.is_scalar:
        return E.Pow(e.arg, E.Num(-1))


@rewrite(E.Inverse, "(c A)⁻¹ = A⁻¹ / c for a number c ≠ 0", arg=(E.Num, E.Mul))
def inverse_of_multiple(e):
    c, rest = split(e.arg)
    if c != 1:
        return E.product(E.Num(1 / c), E.Inverse(rest))


@rewrite(E.Inverse, "(s A)⁻¹ = s⁻¹ A⁻¹ for a scalar s ≠ 0", arg=(E.Mul,))
def inverse_of_scaled(e):
    a = e.arg
    if isinstance(a, E.Mul) and any(f.is_scalar for f in a.factors) and not a.is_scalar:
        scalars = [f for f in a.factors if f.is_scalar]
        return E.product(E.Pow(E.product(*scalars), E.Num(-1)),
                         E.Inverse(E.product(*(f for f in a.factors if not f.is_scalar))))


@rewrite(E.Inverse, "diag(x)⁻¹ = diag(1/x)", arg=(E.DiagMat,))
def inverse_of_diag(e):
    if isinstance(e.arg, E.DiagMat):
        return E.DiagMat(E.Pow(e.arg.arg, E.Num(-1)))


# an invertible A ⊗ B has square, invertible A and B
@rewrite(E.Inverse, "(A ⊗ B)⁻¹ = A⁻¹ ⊗ B⁻¹", source="Matrix Cookbook §10.2.1", arg=(E.Kron,))
def inverse_of_kron(e):
    a = e.arg
    if isinstance(a, E.Kron):
        return E.Kron(E.Inverse(a.left), E.Inverse(a.right))


@rewrite(E.Inverse, "K_{m,n}⁻¹ = K_{n,m}", arg=(E.Commutation,))
def inverse_of_commutation(e):
    a = e.arg
    if isinstance(a, E.Commutation):
        return E.Commutation(a.n, a.m)


@rewrite(E.Inverse, "(A B)⁻¹ = B⁻¹ A⁻¹ for square factors whose inverses read as simply as they do",
         source="Matrix Cookbook §1.1", arg=(E.Mul,))
def inverse_of_product(e):
    a = e.arg
    if isinstance(a, E.Mul) and all(_inverts_cleanly(f) for f in a.factors):
        return E.Mul(*(E.Inverse(f) for f in reversed(a.factors)))


def _inverts_cleanly(f):
    """A square factor whose inverse is no harder to read than itself."""
    g = f.arg if isinstance(f, E.Transpose) else f
    return isinstance(g, (E.Inverse, E.Kron, E.Commutation, E.DiagMat)) and f.shape[0] == f.shape[1]


# ---- matrix power ---------------------------------------------------------------------------
@rewrite(E.MatPow, "Iᵏ = I", arg=(E.Identity,))
def matpow_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return e.arg


@rewrite(E.MatPow, "(Aʲ)ᵏ = Aʲᵏ", arg=(E.MatPow,))
def matpow_of_matpow(e):
    if isinstance(e.arg, E.MatPow):
        return E.MatPow(e.arg.arg, e.arg.k * e.k)


@rewrite(E.MatPow, "(Aᵀ)ᵏ = (Aᵏ)ᵀ", arg=(E.Transpose,))
def matpow_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Transpose(E.MatPow(e.arg.arg, e.k))


# ---- determinants ---------------------------------------------------------------------------
@rewrite(E.Det, "det(Aᵀ) = det(A)", source="Matrix Cookbook §1.1, determinant", arg=(E.Transpose,))
def det_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.Det(e.arg.arg)


@rewrite(E.Det, "det(A⁻¹) = 1/det(A)", source="Matrix Cookbook §1.1, determinant", arg=(E.Inverse,))
def det_of_inverse(e):
    if isinstance(e.arg, E.Inverse):
        return E.Pow(E.Det(e.arg.arg), E.Num(-1))


@rewrite(E.Det, "det(I) = 1", arg=(E.Identity,))
def det_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return E.ONE


@rewrite(E.LogDet, "log det(Aᵀ) = log det(A)", arg=(E.Transpose,))
def logdet_of_transpose(e):
    if isinstance(e.arg, E.Transpose):
        return E.LogDet(e.arg.arg)


@rewrite(E.LogDet, "log det(A⁻¹) = −log det(A)", arg=(E.Inverse,))
def logdet_of_inverse(e):
    if isinstance(e.arg, E.Inverse):
        return E.negate(E.LogDet(e.arg.arg))


@rewrite(E.LogDet, "log det(I) = 0", arg=(E.Identity,))
def logdet_of_identity(e):
    if isinstance(e.arg, E.Identity):
        return E.ZERO


# log det of a product of square matrices is the sum of their log dets (det(A B) = det A det B), and
# log det(A^k) = k log det A: log det(X X ⋯ X) with 5,000 factors is 5000 log det X, whose gradient
# 5000 X⁻ᵀ is read off at once instead of through the 5,000 terms of d(X^5000) (issue 14). Read with
# matcalc's condition for log det (the determinant of each factor positive, as the derivative of
# log det X states): where det(X X) > 0 but det X < 0 the left side is defined and the right is not;
# the derivative, tr(X⁻¹ dX) per factor, is the same on both.
@rewrite(E.LogDet, "log det(A B) = log det(A) + log det(B) for square A, B",
         source="Matrix Cookbook §1.1, determinant: det(AB) = det(A) det(B)", arg=(E.Mul,))
def logdet_of_product(e):
    a = e.arg
    if isinstance(a, E.Mul) and all(not f.is_scalar and f.shape[0] == f.shape[1] for f in a.factors):
        return E.Add(*(E.LogDet(f) for f in a.factors))


@rewrite(E.LogDet, "log det(Aᵏ) = k log det(A)", source="Matrix Cookbook §1.1, determinant: det(Aᵏ) = det(A)ᵏ",
         arg=(E.MatPow,))
def logdet_of_power(e):
    if isinstance(e.arg, E.MatPow):
        return E.product(E.Num(e.arg.k), E.LogDet(e.arg.arg))


# ---- identity -------------------------------------------------------------------------------
@rewrite(E.Identity, "I₁ = 1 (the 1×1 identity is the number 1)")
def identity_of_size_one(e):
    if e.n == 1:
        return E.ONE
