"""The simplifier's identities: each printed form pinned, and each value compared with the
unsimplified expression at random points (a rule that is not an identity fails here). RULES pins
product rewrites; IDENTITY_ROWS gives every named identity (simplify.rules.IDENTITIES) a row."""
import re

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc import simplify as S
from matcalc.check import dim_symbols, sample_sizes, sample_value
from matcalc.numeric import evaluate
from matcalc.simplify import simplify

SQUARE = {"A": "n x n", "B": "n x n", "C": "n x n", "X": "n x n", "R": "n x m", "x": "n"}

RULES = [
    # (A B)⁻¹ next to A B cancels, on either side and transposed
    ("(A B)^-1 A B C", "C"),
    ("C A B (A B)^-1", "C"),
    ("C (A B)^-1 A B", "C"),
    ("(A B)^-T B^T A^T", "I"),
    ("B^T A^T (A B)^-T x", "x"),
    # powers gather across transposes and written-out bases
    ("X^T (X^3)^T", "(X^4)^T"),
    ("A X (A X)^3", "(A X)^4"),
    ("(A X)^2 A X A X", "(A X)^4"),
    ("X^2 X^-1", "X"),
    ("X^-2 X^3 A", "X A"),
    ("(A B)^-2 A B", "(A B)^-1"),
    ("X^T (X^T)^-2", "X^-T"),
    # Kronecker products and vec
    ("(A ⊗ B)^-1", "A^-1 ⊗ B^-1"),
    ("(A^-1 ⊗ B^-T)^-1", "A ⊗ B^T"),
    ("(A ⊗ B) (C ⊗ X)", "A C ⊗ B X"),
    ("(A ⊗ B) vec(C)", "vec(B C A^T)"),
    ("(A ⊗ B)^-1 vec(C)", "vec(B^-1 C A^-T)"),
    ("(R^T ⊗ A) vec(B)", "vec(A B R)"),
    ("commutation(n, n) vec(C)", "vec(C^T)"),
    ("commutation(n, m) vec(R)", "vec(R^T)"),
    ("commutation(m, n) commutation(n, m) vec(R^T)", "vec(R^T)"),
    ("(commutation(n, n) (A ⊗ B))^-1 vec(C)", "vec(B^-1 C^T A^-T)"),
]


def values(exprs, seed):
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols(exprs), rng)
    free = sorted(set().union(*(e.free for e in exprs)), key=lambda v: v.name)
    env = {v: sample_value(v, sizes, rng, "plain") for v in free}
    return [evaluate(e, env, sizes) for e in exprs]


@pytest.mark.parametrize("text, expected", RULES, ids=[t for t, _ in RULES])
def test_rule(text, expected):
    e = matcalc.parse(text, where={k: v for k, v in SQUARE.items() if k in text})
    s = simplify(e)
    assert str(s) == expected
    for seed in range(3):
        before, after = values([e, s], seed)
        assert np.allclose(before, after, rtol=1e-9, atol=1e-9 * (1 + np.abs(before).max())), (text, seed)


def test_newton_step_of_log_det_reads_as_a_product():
    """−H⁻¹∇f for log det X − tr(A X): the Kronecker inverse and the commutation matrix are gone."""
    from matcalc.analysis import newton_step
    step = newton_step("log det X - tr(A X)", "X")
    assert "⊗" not in str(step.newton) and "commutation" not in str(step.newton)
    assert step.check().status == "passed"


# ---- every named identity of the simplifier, one golden row at least ----------------------------
# (identity, input, printed result): the input is text, or a function of the variables for trees the
# parser would already have tidied (nested products, a 1×1 identity). Each row is checked three ways:
# the printed result, the identity is among those the trace names, and the value is unchanged.
WHERE = {"A": "n x n", "B": "n x n", "C": "n x n", "X": "n x n", "R": "n x m", "S": "n x n symmetric",
         "P": "n x n spd", "Q": "n x n spd",
         "x": "n", "y": "n", "u": "n", "a": "scalar", "b": "scalar", "p": "scalar positive"}

IDENTITY_ROWS = [
    # spectra (matcalc/ops: eigen, spectral_norm, nuclear_norm)
    ("eigenvalue_of_transpose", "lambda_max(A^T)", "lambda_max(A)"),
    ("eigenvector_of_transpose", "v_min(A^T)", "v_min(A)"),
    ("spectral_norm_of_transpose", "||R^T||_2", "||R||_2"),
    ("nuclear_norm_of_transpose", "||R^T||_*", "||R||_*"),
    ("polar_of_transpose", "polar(R^T)", "polar(R)^T"),
    ("linear_in_zero", "x .* zeros(n)", "zeros(n)"),
    ("linear_in_zero", lambda v: E.Trace(E.Zero(("n", "n"))), "0"),
    # transpose
    ("transpose_of_transpose", "(A^T)^T", "A"),
    ("transpose_of_symmetric", "S^T", "S"),
    ("transpose_of_symmetric", "(A + A^T)^T", "A + A^T"),
    ("transpose_of_row_sum", "(x^T + y^T)^T", "x + y"),
    ("transpose_of_product", "(A B)^T", "B^T A^T"),
    ("transpose_of_hadamard", "(A .* B)^T", "A^T .* B^T"),
    ("transpose_of_kron", "(A ⊗ B)^T", "A^T ⊗ B^T"),
    ("transpose_of_constant", lambda v: E.Mul(E.Transpose(E.Ones(("n", "m"))), v.A), "matrix(1) A"),
    ("transpose_of_commutation", "commutation(n, m)^T", "commutation(m, n)"),
    # inverse
    ("inverse_of_transpose", "(A^T)^-1", "A^-T"),
    ("inverse_of_inverse", "(A^-1)^-1", "A"),
    ("inverse_of_identity", "I^-1 A", "A"),
    ("inverse_of_scalar", lambda v: E.Inverse(v.a), "1 / a"),
    ("inverse_of_multiple", "(2 A)^-1", "1/2 A^-1"),
    ("inverse_of_scaled", "(a A)^-1", "A^-1 / a"),
    ("inverse_of_diag", "diag(x)^-1", "diag(1 ./ x)"),
    ("inverse_of_kron", "(A ⊗ B)^-1", "A^-1 ⊗ B^-1"),
    ("inverse_of_commutation", "commutation(n, m)^-1", "commutation(m, n)"),
    ("inverse_of_product", "(A^-1 B^-1)^-1", "B A"),
    # matrix powers
    ("matpow_of_identity", "I^3 A", "A"),
    ("matpow_of_matpow", "(A^2)^3", "A^6"),
    ("matpow_of_transpose", "(A^T)^3", "(A^3)^T"),
    # determinants
    ("det_of_transpose", "det(A^T)", "det(A)"),
    ("det_of_inverse", "det(A^-1)", "1 / det(A)"),
    ("det_of_identity", "det(I) a", "a"),
    ("logdet_of_transpose", "log det(A^T)", "logdet(A)"),
    ("logdet_of_inverse", "log det(A^-1)", "-logdet(A)"),
    ("logdet_of_identity", "log det(I) + a", "a"),
    ("logdet_of_product", "log det(P Q)", "logdet(P) + logdet(Q)"),
    ("logdet_of_product", "log det(P Q P)", "2 logdet(P) + logdet(Q)"),
    ("logdet_of_power", "log det(P^3)", "3 logdet(P)"),
    ("logdet_of_power", "log det(P P P P)", "4 logdet(P)"),
    ("identity_of_size_one", lambda v: E.Mul(v.a, E.Identity(1)), "a"),
    # products
    ("mul_flatten", lambda v: E.Mul(E.Mul(v.A, v.B), v.C), "A B C"),
    ("mul_zero", lambda v: E.Mul(v.A, E.Zero(("n", "n")), v.B), "zeros(n, n)"),
    ("mul_coefficient", lambda v: E.Mul(E.Num(2), E.Mul(E.Num(3), v.A)), "6 A"),
    ("mul_coefficient", lambda v: E.Mul(E.Num(1), v.A), "A"),
    ("mul_identity", "A I B", "A B"),
    ("mul_ones_inner", lambda v: E.Mul(E.Ones((1, "n")), E.Ones(("n", 1))), "n"),
    ("mul_ones_inner", lambda v: E.Mul(v.x, E.Ones((1, "n")), E.Ones(("n", 1))), "n x"),
    ("mul_onehot_rows", lambda v: E.Mul(E.Var("Y", ("n", "m"), frozenset({"onehot"})), E.Ones(("m", 1))),
     "vector(1)"),
    ("mul_inverse_cancel", "A A^-1 B", "B"),
    ("mul_inverse_cancel", "x^T A^-T A^T", "x^T"),
    ("mul_power_run", "(A B)^2 A B", "(A B)^3"),
    ("mul_matrix_powers", "A^2 A^3", "A^5"),
    ("kron_mixed_product", "(A ⊗ B) (C ⊗ X)", "A C ⊗ B X"),
    ("kron_vec", "(A ⊗ B) vec(C)", "vec(B C A^T)"),
    ("commutation_vec", "commutation(n, n) vec(C)", "vec(C^T)"),
    ("commutation_pair", "commutation(m, n) commutation(n, m) vec(R^T)", "vec(R^T)"),
    ("mul_scalar_segment", "x y^T u", "(u^T y) x"),
    ("mul_hadamard_inner", "x^T (y .* u)", "sum(u .* x .* y)"),
    ("mul_scalar_powers", "a a^2", "a^3"),
    ("mul_sigmoid", "exp(a) / (1 + exp(a))", "sigmoid(a)"),
    ("mul_scalar_transpose", "y^T A^T x", "x^T A y"),
    ("mul_diag_coefficient", "2 diag(x)", "diag(2 x)"),
    ("mul_sign_over_abs", "sign(a) / abs(a)", "1 / a"),
    ("mul_sign_over_abs", "sign(a) a b / abs(a)", "b"),
    ("mul_order", lambda v: E.Mul(v.b, v.a, v.A), "a b A"),
    ("kron_commutation", "(A ⊗ B) commutation(n, n) (C ⊗ X)", "(A X ⊗ B C) commutation(n, n)"),
    ("kron_commutation", "(R^T ⊗ A) commutation(n, n) (B ⊗ R)", "(R^T R ⊗ A B) commutation(m, n)"),
    ("kron_distribute", "(A ⊗ B) (C ⊗ X + commutation(n, n))", "(A ⊗ B) commutation(n, n) + A C ⊗ B X"),
    ("kron_of_scalar", "a ⊗ B", "a B"),
    ("kron_of_identities", "eye(n) ⊗ eye(m)", "I"),
    # textbook forms (simplify/textbook.py)
    ("mul_inverse_peel", "A^T (A X B)^-T B^T", "X^-T"),
    ("mul_inverse_peel", "(A X)^-1 A", "X^-1"),
    ("mul_inverse_peel", "B (X B)^-1 x", "X^-1 x"),
    ("mul_softmax", "exp(x) / sum(exp(x))", "softmax(x)"),
    # sums
    ("add_flatten", "x + (y + u)", "u + x + y"),
    ("add_zero", "x + 0 y", "x"),
    ("add_like_terms", "2 x + 3 x", "5 x"),
    ("add_like_terms", "x - x + y", "y"),
    ("add_factor", "A x + B x", "(A + B) x"),
    ("add_factor", "A^T u + A^T y", "A^T (u + y)"),
    ("add_common_factor", "2 x + 2 y", "2 (x + y)"),
    ("add_common_factor", "x / a + y / a", "(x + y) / a"),
    ("add_order", "y + x", "x + y"),
    ("add_complement_products", "x .* (1 - y) - y .* (1 - x)", "x - y"),
    ("add_complement_products", "a (1 - b) - b (1 - a)", "a - b"),
    ("add_transposed_sum", "A + (B + C)^T", "A + B^T + C^T"),
    ("add_transposed_sum", "A + B^T + (A + B^T)^T", "A + A^T + B + B^T"),
    ("add_diagonals", "diag(x) + diag(y)", "diag(x + y)"),
    ("add_diagonals", "A diag(x) B + A diag(y) B", "A diag(x + y) B"),
    ("add_hadamard_factor", "x .* y + x .* u", "x .* (u + y)"),
    ("add_hadamard_factor", "y .* x .* (1 - x) + x .* (1 - y) .* (1 - x)", "x .* (1 - x)"),
    # Hadamard products
    ("hadamard_flatten", lambda v: E.Hadamard(v.x, E.Hadamard(v.y, v.u)), "u .* x .* y"),
    ("hadamard_coefficient", "(2 x) .* (3 y)", "6 (x .* y)"),
    ("hadamard_ones", lambda v: E.Hadamard(v.x, E.Ones(("n", 1))), "x"),
    ("hadamard_ones", lambda v: E.Hadamard(v.R, E.Mul(E.Ones(("n", 1)), E.Ones((1, "m")))), "R"),
    ("hadamard_scalar", "a .* x", "a x"),
    ("hadamard_sigmoid", "exp(x) ./ (1 + exp(x))", "sigmoid(x)"),
    ("hadamard_powers", "x .* x", "x.^2"),
    ("hadamard_powers", "x.^3 ./ x", "x.^2"),
    ("hadamard_identity", "A^T .* I", "A .* I"),
    ("hadamard_order", "y .* x", "x .* y"),
    ("hadamard_sign_over_abs", "sign(x) ./ abs(x)", "1 ./ x"),
    ("hadamard_sign_over_abs", "y .* sign(x) ./ abs(x)", "y ./ x"),
    # element-wise powers
    ("pow_of_transpose", "(x^T).^2", "(x.^2)^T"),
    ("pow_zero", "x.^0", "vector(1)"),
    ("pow_one", "x.^1", "x"),
    ("pow_of_number", "2^3 a", "8 a"),
    ("pow_of_pow", "(a^2)^3", "a^6"),
    ("pow_of_sqrt", "sqrt(p)^4", "p^2"),
    ("pow_of_hadamard", "(x .* y).^2", "x.^2 .* y.^2"),
    ("pow_of_multiple", "(2 x).^2", "4 x.^2"),
    ("pow_of_product", "(a b)^2", "a^2 b^2"),
    # element-wise functions
    ("apply_of_transpose", "exp(x^T)", "exp(x)^T"),
    ("log_of_exp", "log(exp(x))", "x"),
    ("abs_of_nonnegative", "abs(exp(a))", "exp(a)"),
    ("abs_of_nonnegative", "abs(abs(a))", "abs(a)"),
    ("abs_of_nonnegative", "abs(sigmoid(x))", "sigmoid(x)"),        # the table's nonnegative column
    ("abs_of_nonnegative", "abs(x .^ 2)", "x.^2"),
    ("abs_of_nonnegative", "abs(softmax(x))", "softmax(x)"),
    ("abs_of_nonnegative", "abs(1 - sigmoid(x))", "1 - sigmoid(x)"),
    ("log_of_det", lambda v: E.Apply("log", E.Det(v.A)), "logdet(A)"),
    # trace
    ("trace_of_scalar", lambda v: E.Trace(v.a), "a"),
    ("trace_of_sum", "tr(A + B)", "tr(A) + tr(B)"),
    ("trace_of_transpose", "tr(A^T)", "tr(A)"),
    ("trace_of_identity", "tr(eye(3))", "3"),
    ("trace_of_diag", "tr(diag(x))", "sum(x)"),
    ("trace_of_kron", "tr(A ⊗ B)", "tr(A) tr(B)"),
    ("trace_of_scaled", "tr(2 a A)", "2 a tr(A)"),
    ("trace_of_outer", "tr(A x y^T)", "x^T A^T y"),
    ("trace_rotation", "tr(B A)", "tr(A B)"),
    ("trace_rotation", "tr(C^T B^T A^T)", "tr(A B C)"),
    # sum of the entries
    ("sum_of_scalar", "sum(a)", "a"),
    ("sum_of_sum", "sum(x + y)", "sum(x) + sum(y)"),
    ("sum_of_multiple", "sum(2 x)", "2 sum(x)"),
    ("sum_of_scaled", "sum(a x)", "a sum(x)"),
    ("sum_of_transpose", "sum(x^T)", "sum(x)"),
    ("sum_of_transpose", "sum(vec(A))", "sum(A)"),
    ("sum_of_diag", "sum(diag(x))", "sum(x)"),
    ("sum_of_hadamard", "sum(x .* y)", "x^T y"),
    ("sum_of_hadamard", "sum(A .* B)", "tr(A B^T)"),
    ("sum_of_ones", lambda v: E.Sum(E.Ones((3, 2))), "6"),
    ("sum_of_ones", lambda v: E.Sum(E.Ones(("n", "m"))), "m n"),
    # diag, vec, norms
    ("diagvec_of_diagmat", "diag(diag(x))", "x"),
    ("diagvec_of_transpose", "diag(A^T)", "diag(A)"),
    ("diagvec_of_identity", "diag(I)", "vector(1)"),
    ("vec_of_vector", "vec(x)", "x"),
    ("vec_of_row", "vec(x^T)", "x"),
    ("norm_of_scalar", "||a||", "abs(a)"),
    ("norm_of_multiple", "||2 x||", "2 ||x||"),
    ("norm_of_transpose", "||A^T||_F", "||A||"),
    # matrix functions and their Fréchet derivatives (matcalc/ops/matrix_function_identities.py); 3 I + A has
    # its eigenvalues in the right half-plane, the domain of the principal logm, sqrtm and powers
    ("expm_of_zero", lambda v: E.ExpM(E.Zero(("n", "n"))), "I"),
    ("logm_of_identity", lambda v: E.LogM(E.Identity("n")), "zeros(n, n)"),
    ("sqrtm_of_identity", lambda v: E.SqrtM(E.Identity("n")), "I"),
    ("powm_of_identity", lambda v: E.PowM(E.Identity("n"), E.Fraction(1, 3)), "I"),
    ("expm_of_transpose", "expm(A^T)", "expm(A)^T"),
    ("logm_of_transpose", "logm((3 I + A)^T)", "logm(A + 3 I)^T"),
    ("sqrtm_of_transpose", "sqrtm((3 I + A)^T)", "sqrtm(A + 3 I)^T"),
    ("powm_of_transpose", "((3 I + A)^T)^(1/3)", "((A + 3 I)^(1/3))^T"),
    ("power_of_principal_power", "sqrtm(P) sqrtm(P)", "P"),
    ("power_of_principal_power", "(P^(1/3))^3", "P"),
    ("inverse_of_principal_power", "sqrtm(P)^-1", "P^(-1/2)"),
    ("inverse_of_principal_power", "(P^(1/3))^-1", "P^(-1/3)"),
    ("inverse_of_expm", "expm(A)^-1", "expm(-A)"),
    ("det_of_expm", "det(expm(A))", "exp(tr(A))"),
    ("logdet_of_expm", "log det expm(A)", "tr(A)"),
    ("logdet_of_principal_power", "log det sqrtm(P)", "1/2 logdet(P)"),
    ("logdet_of_principal_power", "log det(P^(-1/3))", "-1/3 logdet(P)"),
    ("trace_of_logm", "tr(logm(P))", "logdet(P)"),
    ("trace_of_frechet", "tr(expm_frechet(A, B))", "tr(B expm(A))"),
    ("trace_of_frechet", "tr(sqrtm_frechet(P, B))", "1/2 tr(B P^(-1/2))"),
    ("frechet_at_identity", "logm_frechet(P, I)", "P^-1"),
    ("frechet_at_identity", "powm_frechet(P, 1/3, 2 I)", "2/3 P^(-2/3)"),
    ("transpose_of_frechet", "expm_frechet(A, B)^T", "expm_frechet(A^T, B^T)"),
]
REFUSALS = [   # identities whose result is an error
    ("pow_negative_of_zero", lambda v: E.Pow(E.Add(v.a, E.negate(v.a)), E.Num(-1)), "negative power of zero"),
]


class _Vars:
    def __getattr__(self, name):
        return matcalc.parse(name, where={name: WHERE[name]})


def _build(source):
    if callable(source):
        return source(_Vars())
    return matcalc.parse(source, where={k: v for k, v in WHERE.items() if re.search(rf"\b{k}\b", source)})


def _fired(rewrites):
    return {name for r in rewrites for name in r.identity.split(" + ")}


def _same_value(e, s):
    for seed in range(3):
        before, after = values([e, s], seed)
        if not np.allclose(before, after, rtol=1e-9, atol=1e-9 * (1 + np.abs(before).max())):
            return False
    return True


@pytest.mark.parametrize("name, source, expected", IDENTITY_ROWS,
                         ids=[f"{n}:{s if isinstance(s, str) else expected}" for n, s, expected in IDENTITY_ROWS])
def test_identity(name, source, expected):
    e = _build(source)
    s, rewrites = S.simplify_traced(e)
    assert str(s) == expected
    assert s is simplify(e)                        # tracing does not change the result
    assert name in _fired(rewrites), [r.identity for r in rewrites]
    assert _fired(rewrites) <= {row.name for row in S.rules.all_identities()}   # each rewrite named
    assert _same_value(e, s), (name, str(e))


@pytest.mark.parametrize("name, source, message", REFUSALS)
def test_refusal(name, source, message):
    from matcalc.errors import DiffError
    with pytest.raises(DiffError, match=message):
        simplify(_build(source))


def test_every_identity_has_a_golden_row():
    names = {row.name for row in S.rules.all_identities()}
    rows = {n for n, _, _ in IDENTITY_ROWS} | {n for n, _, _ in REFUSALS}
    assert rows - names == set(), "rows name identities that are not registered"
    assert names - rows == set(), "registered identities without a golden row"


def test_a_rectangular_factor_does_not_peel_off_an_inverse():
    """Q (R Q)⁻¹ with Q m×n, R n×m is not (R)⁻¹: only a square factor cancels (Matrix Cookbook eq. 18 needs
    B⁻¹ A⁻¹ to exist)."""
    e = matcalc.parse("Q (R Q)^-1", where={"Q": "m x n", "R": "n x m"})
    assert str(simplify(e)) == "Q (R Q)^-1"


def test_a_wrong_identity_fails_its_row():
    """The rows can fail: (A B)ᵀ = Aᵀ Bᵀ (the factors not reversed) changes the value."""
    rows = S.rules.IDENTITIES[E.Transpose]
    i = next(i for i, r in enumerate(rows) if r.name == "transpose_of_product")

    def wrong(e):
        if isinstance(e.arg, E.Mul):
            return E.Mul(*(E.Transpose(f) for f in e.arg.factors))
    saved, rows[i] = rows[i], rows[i]._replace(fn=wrong)
    S._memo.clear()
    try:
        e = _build("(A B)^T")
        s = simplify(e)
        assert str(s) == "A^T B^T"
        assert not _same_value(e, s)
    finally:
        rows[i] = saved
        S._memo.clear()


# ---- textbook forms of whole derivations (issue 15) ----------------------------------------------
LOGISTIC = "sum(-y .* log(sigmoid(X w)) - (1 - y) .* log(1 - sigmoid(X w)))"
TEXTBOOK = [
    ("grad", LOGISTIC, "w", None, "X^T (sigmoid(X w) - y)"),
    ("hessian", LOGISTIC, "w", None, "X^T diag(s .* (1 - s)) X  where s = sigmoid(X w)"),
    ("grad", "sum(log(abs(u)))", "u", None, "1 ./ u"),
    ("grad", "tr(S A S)", "S", {"S": "n x n symmetric"}, "1/2 (S (A + A^T) + (A + A^T) S)"),
    ("grad", "log(abs(det(X)))", "X", None, "X^-T"),
]


@pytest.mark.parametrize("kind, text, wrt, where, expected", TEXTBOOK, ids=[t[1] + ":" + t[0] for t in TEXTBOOK])
def test_textbook_form(kind, text, wrt, where, expected):
    r = getattr(matcalc, kind)(text, wrt, where=where)
    assert r.pretty() == expected
    assert r.check().status == "passed"
