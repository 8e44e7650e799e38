"""The structure of the core passes: every node type has a row in every table, every element-wise
function fills every column, and a row that is missing fails here (not somewhere down the line).

Tables: diff.DIFF (differential), adjoint.ADJOINT (gradients), vectorize.VEC (Jacobians),
numeric.EVAL (NumPy values); elementwise.FUNCTIONS. A node through which a pass deliberately
cannot go has a refusal row (a DiffError with a message naming the node), listed below.
"""
from fractions import Fraction

import numpy as np
import pytest
import sympy

from matcalc import adjoint, elementwise, node, numeric, vectorize
from matcalc import expr as E
from matcalc.diff import DIFF, Differentiator
from matcalc.errors import DiffError, MissingRuleError

X = E.Var("X", ("n", "n"), ())
x = E.Var("x", ("n", 1), ())

# One instance of every node type, over X (n×n) or x (n-vector). A new node type needs a sample here
# (test_every_node_type_has_a_sample), which then runs through every table.
SAMPLES = {
    "Var": X, "Differential": E.Differential(X), "Num": E.Num(2), "Const": E.Const("π"), "Literal": E.Literal([[1, 2], [3, 4]]),
    "Identity": E.Identity("n"), "Zero": E.Zero(("n", "n")), "Ones": E.Ones(("n", 1)),
    "Commutation": E.Commutation("n", "n"), "Add": E.Add(X, E.Transpose(X)), "Mul": E.Mul(X, X),
    "Hadamard": E.Hadamard(X, X), "Kron": E.Kron(X, X), "Pow": E.Pow(X, E.Num(2)), "Transpose": E.Transpose(X),
    "Inverse": E.Inverse(X), "MatPow": E.MatPow(X, 3), "Trace": E.Trace(X), "Det": E.Det(X),
    "LogDet": E.LogDet(X), "Sum": E.Sum(X), "DiagVec": E.DiagVec(X), "DiagMat": E.DiagMat(x), "Vec": E.Vec(X),
    "Norm": E.Norm(X, 2), "Apply": E.Apply("exp", X), "Call": E.Call("g", x, "m"),
    "CallJacobian": E.CallJacobian("g", x, "m"), "ElementCall": E.ElementCall("h", X, 0),
    "Softmax": E.Softmax(x), "LogSumExp": E.LogSumExp(x),
    "SoftmaxRows": E.SoftmaxRows(X), "LogSumExpRows": E.LogSumExpRows(X),
    "Eigenvalue": E.Eigenvalue(X, 1), "Eigenvector": E.Eigenvector(X, -1), "SpectralNorm": E.SpectralNorm(X),
    "NuclearNorm": E.NuclearNorm(X), "Polar": E.Polar(X),
    "Size": E.Size("n"),
    "ExpM": E.ExpM(X), "LogM": E.LogM(X), "SqrtM": E.SqrtM(X), "PowM": E.PowM(X, Fraction(-1, 3)),
    "Frechet": E.Frechet("sqrtm", None, E.Add(E.Identity("n"), E.Ones(("n", "n"))), X),   # L_√(I + 1 1ᵀ, X)
    "KronForm": E.KronForm("expm", None, X),
    "Frechet2": E.Frechet2("logm", None, E.Add(E.Identity("n"), E.Ones(("n", "n"))), X, E.Transpose(X)),
    "KronForm2": E.KronForm2("expm", None, X, X),
    "StdRows": E.StdRows(X, E.Num(1)), "StdCols": E.StdCols(X, E.Num(1)),
    "NormalizeRows": E.NormalizeRows(X, E.StdRows(X, E.Num(1))),
    "NormalizeCols": E.NormalizeCols(X, E.StdCols(X, E.Num(1))),
    "RmsRows": E.RmsRows(X, E.Num(1)), "RmsCols": E.RmsCols(X, E.Num(1)),
    "RmsNormalizeRows": E.RmsNormalizeRows(X, E.RmsRows(X, E.Num(1))),
    "RmsNormalizeCols": E.RmsNormalizeCols(X, E.RmsCols(X, E.Num(1))),
}
# only the Jacobian of a declared function is known, not its derivative; d polar(X) is a Sylvester equation;
# the derivatives of K_f(X) and K²_f(X, E) in X are of third order
DIFF_REFUSALS = {E.CallJacobian, E.Polar, E.KronForm, E.KronForm2}
# Nodes the differential cannot pass through linearly, or has no closed-form adjoint / vec rule for.
ADJOINT_REFUSALS = VEC_REFUSALS = {E.Var, E.Num, E.Const, E.Literal, E.Identity, E.Ones, E.Commutation, E.Kron, E.Pow,
                                   E.Inverse, E.MatPow, E.Det, E.LogDet, E.Norm, E.Apply, E.Call, E.CallJacobian,
                                   E.ElementCall, E.Softmax, E.LogSumExp, E.SoftmaxRows, E.LogSumExpRows,
                                   E.Eigenvalue, E.Eigenvector, E.SpectralNorm, E.NuclearNorm, E.Polar, E.Size,
                                   E.ExpM, E.LogM, E.SqrtM, E.PowM, E.KronForm, E.KronForm2,
                                   E.StdRows, E.StdCols, E.NormalizeRows, E.NormalizeCols,
                                   E.RmsRows, E.RmsCols, E.RmsNormalizeRows, E.RmsNormalizeCols}
TYPES = E.NODE_TYPES


def missing(table, types, ends=()):
    return sorted(t.__name__ for t in types if t not in ends and t not in table)


def test_every_node_type_has_a_sample():
    assert sorted(SAMPLES) == sorted(t.__name__ for t in TYPES)
    assert all(type(SAMPLES[t.__name__]) is t for t in TYPES)


def test_node_types_register_themselves():
    class Local(E.Var):   # a class outside the package (a test's) is not a node type of matcalc
        pass
    assert Local not in E.NODE_TYPES
    assert len(TYPES) == len(set(TYPES)) >= 30
    assert E.Softmax.__module__ == "matcalc.ops.softmax" and E.Softmax in TYPES and E.LogSumExp in TYPES
    assert all(issubclass(t, E.Expr) and t.shape_of is not E.Expr.shape_of for t in TYPES)


@pytest.mark.parametrize("table, ends", [(DIFF, ()), (adjoint.ADJOINT, adjoint.ENDS), (vectorize.VEC, vectorize.ENDS),
                                         (numeric.EVAL, ())], ids=lambda v: getattr(v, "name", ""))
def test_every_node_type_has_a_row(table, ends):
    assert missing(table, TYPES, ends) == [], f"node types without a {table.name} row"
    assert not [t for t in ends if t in table], f"{table.name}: the pass ends on these, they have no row"
    assert set(table.keys()) <= set(TYPES), f"{table.name} has rows for types that are not nodes"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_differential_row_runs(name):
    """d e has e's shape, or the row is a deliberate refusal with a message."""
    e = SAMPLES[name]
    wrt = x if x in e.free else X
    d = Differentiator(wrt)
    if type(e) in DIFF_REFUSALS:
        with pytest.raises(DiffError, match=r"\w+ \w+"):
            d(e)
        return
    de = d(e)
    assert isinstance(de, E.Expr) and de.shape == e.shape
    assert E.is_zero(de) == (wrt not in e.free), "zero is the zero node, and only for what does not depend on wrt"


@pytest.mark.parametrize("table, refusals, refuse, word", [
    (adjoint.ADJOINT, ADJOINT_REFUSALS, adjoint.refuse, "gradient"),
    (vectorize.VEC, VEC_REFUSALS, vectorize.refuse, "Jacobian")], ids=["adjoint", "vec"])
def test_refusals_are_rows_that_name_the_node(table, refusals, refuse, word):
    assert {t for t in table.keys() if table[t] is refuse} == refusals
    for t in refusals:
        e = SAMPLES[t.__name__]
        args = (e, E.ONE) if table is adjoint.ADJOINT else (e,)
        with pytest.raises(DiffError, match=f"no closed-form {word} through {t.__name__.lower()} "):
            table[t](*args)


def test_every_rule_of_the_differential_states_its_identity():
    unnamed = {E.Var, E.Differential, E.Num, E.Const, E.Literal, E.Identity, E.Zero, E.Ones, E.Commutation} | DIFF_REFUSALS
    assert missing({t for t in TYPES if DIFF.rule(t).identity}, TYPES, unnamed) == []


def _env():
    rng = np.random.default_rng(0)
    n, m = 3, 2
    a = rng.standard_normal((n, n)) + n * np.eye(n)
    env = {X: a, x: rng.standard_normal((n, 1)), E.Differential(X): rng.standard_normal((n, n)),
           ("fn", "g"): lambda u: np.tanh(u[:m]), ("jac", "g"): lambda u: np.eye(m, n),
           ("el", "h", 0): np.sin}
    return env, {"n": n, "m": m}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_evaluation_row_runs(name):
    e = SAMPLES[name]
    env, sizes = _env()
    value = numeric.evaluate(e, env, sizes)
    assert value.shape == numeric.shape_of(e, sizes) and np.all(np.isfinite(value))


def test_a_missing_row_is_an_error_naming_the_node_and_the_pass():
    class Unregistered(E.Expr):
        __module__ = "matcalc.ops.unregistered"   # as if added to matcalc.ops without its rows
        __slots__ = ()
        fields = ("arg",)

        @classmethod
        def shape_of(cls, arg):
            return arg.shape
    try:
        assert "Unregistered" in [t.__name__ for t in E.NODE_TYPES]
        assert missing(DIFF, E.NODE_TYPES) == ["Unregistered"]     # the structure test above would fail
        with pytest.raises(MissingRuleError, match="no differential rule for Unregistered"):
            Differentiator(x)(Unregistered(x))
        with pytest.raises(MissingRuleError, match="no evaluate rule for Unregistered"):
            numeric.evaluate(Unregistered(x), _env()[0], _env()[1])
    finally:
        del node._NODE_TYPES["Unregistered"]
    assert missing(DIFF, E.NODE_TYPES) == []


# ---- the element-wise functions ----------------------------------------------------------------
FUNCTIONS = sorted(elementwise.FUNCTIONS)


def test_the_vocabulary_names_exactly_the_elementwise_functions():
    """The parser reads vocabulary.ELEMENTWISE; a row without its name there cannot be typed."""
    from matcalc import vocabulary
    assert set(vocabulary.ELEMENTWISE) == set(elementwise.FUNCTIONS)
    assert set(vocabulary.ELEMENTWISE) <= set(vocabulary.FUNCTIONS)


def test_every_column_is_declared_by_every_row():
    assert FUNCTIONS and all(isinstance(f, elementwise.Function) for f in elementwise.FUNCTIONS.values())
    assert all(name == f.name for name, f in elementwise.FUNCTIONS.items())


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_elementwise_row_fills_every_column(name):
    f = elementwise.FUNCTIONS[name]
    u = E.Var("u", ("n", 1), ())
    derivative = f.derivative(u)
    assert isinstance(derivative, E.Expr) and derivative.shape == u.shape
    assert f.condition is None or "{u}" in f.condition
    assert all(isinstance(flag, bool) for flag in (f.positive_arg_ok, f.positive, f.nonnegative))
    assert not f.positive or f.nonnegative
    assert not f.positive_arg_ok or f.condition
    assert set(f.code) == set(elementwise.TARGETS) and all("{0}" in c for c in f.code.values())
    assert "{arg}" in f.latex or "{bare}" in f.latex
    assert f.latex.format(arg="(x)", bare="x").startswith("\\")
    s = sympy.Symbol("s", real=True)
    assert isinstance(f.sympy(sympy, s), sympy.Expr) and f.sympy(sympy, s).has(s)
    assert f.sympy_function is None or callable(getattr(sympy, f.sympy_function))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_elementwise_columns_agree_with_numpy(name):
    """The derivative column against central differences of the NumPy code (which numeric evaluates),
    the sign facts, and the SymPy form, at points inside every function's domain."""
    f = elementwise.FUNCTIONS[name]
    ufunc = numeric.UFUNCS[name]
    u = E.Var("u", ("n", 1), ())
    points = np.linspace(0.2, 1.3, 7).reshape(-1, 1)
    value = ufunc(points)
    assert value.shape == points.shape
    h = 1e-6
    numeric_derivative = (ufunc(points + h) - ufunc(points - h)) / (2 * h)
    derivative = numeric.evaluate(f.derivative(u), {u: points}, {"n": len(points)})
    assert np.allclose(derivative, numeric_derivative, rtol=1e-6, atol=1e-8)
    wide = np.linspace(-30, 30, 61).reshape(-1, 1)
    if f.positive:
        assert np.all(ufunc(wide) > 0)
    if f.nonnegative:
        assert np.all(ufunc(np.abs(wide) if f.positive_arg_ok else wide) >= 0)
    sym = sympy.lambdify(sympy.Symbol("s"), f.sympy(sympy, sympy.Symbol("s")), "numpy")
    assert np.allclose(np.vectorize(lambda t: float(sym(t)))(points), value, rtol=1e-12)


# ---- the printers, code and SymPy: a row for every node type ---------------------------------------
def _output_tables():
    from matcalc.codegen.rules import CODE
    from matcalc.printers.latex import LATEX
    from matcalc.printers.text import TEXT
    from matcalc.sympy_bridge.matcalc_to_sympy import TO_SYMPY
    return TEXT, LATEX, CODE, TO_SYMPY


@pytest.mark.parametrize("index", range(4), ids=["text", "latex", "code", "to_sympy"])
def test_every_node_type_has_an_output_row(index):
    """A refusal row counts (code of a differential, SymPy's missing softmax): it says why."""
    table = _output_tables()[index]
    assert missing(table, TYPES) == [], f"node types without a {table.name} row"
    assert set(table.keys()) <= set(TYPES), f"{table.name} has rows for types that are not nodes"


def test_every_sample_prints_and_converts():
    from matcalc.sympy_bridge import to_sympy
    for name, e in SAMPLES.items():
        assert str(e) and e.latex(), name
        if name not in ("Differential", "CallJacobian", "ElementCall", "Call", "Commutation", "Vec",
                        "Softmax", "LogSumExp", "SoftmaxRows", "LogSumExpRows", "Kron", "Literal",   # refused without definitions=True
                        "Eigenvalue", "Eigenvector", "SpectralNorm", "NuclearNorm", "Polar",   # SymPy has no spectra
                        "ExpM", "LogM", "Frechet", "KronForm", "Frechet2", "KronForm2"):   # nor expm, logm
            assert to_sympy(e) is not None, name


# ---- the expression strategies draw every node type ----------------------------------------------
# Node types the shared strategies do not draw, and why; every other type must be drawn.
NOT_DRAWN = {
    "Differential": "an output of differentiation, never an input",
    "Call": "needs a declared function, and values for it in every property", "CallJacobian": "likewise",
    "ElementCall": "likewise",
    "Literal": "its dimensions are numbers, the strategies' are the symbols n and m",
    "Commutation": "K_{n,n} is n²×n²: only inside derivatives", "Zero": "folded away by the constructors' users",
    "Vec": "a gradient through vec of a matrix differential is refused (no closed form yet)",
    "Polar": "U Vᵀ, the gradient of ‖X‖_*: its own derivative (a Sylvester equation) is refused",
    **{name: "drawn by strategies.matrix_function_scalars and _vectors (tests/test_matrix_functions.py) on "
             "inputs in the principal branches' domains, well conditioned; the shared strategies draw any square"
       for name in ("ExpM", "LogM", "SqrtM", "PowM", "Frechet", "KronForm", "Frechet2", "KronForm2")},
}


def test_the_strategies_draw_every_node_type():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from strategies import scalars, squares, vectors
    seen = set()

    @settings(max_examples=1000, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(scalars(), vectors(), squares()))
    def draw(e):
        seen.update(type(n).__name__ for n in E.nodes(e))
    draw()
    names = {t.__name__ for t in TYPES}
    assert set(NOT_DRAWN) <= names
    assert sorted(names - seen - set(NOT_DRAWN)) == [], "node types the strategies never draw"
    assert sorted(seen & set(NOT_DRAWN)) == [], "drawn now: remove them from NOT_DRAWN"


# ---- one row is enough for a new element-wise function --------------------------------------------
def test_a_new_elementwise_row_needs_no_other_edit(monkeypatch):
    """A made-up row (cube) is printed, evaluated, differentiated, generated as code and converted to
    SymPy by the passes as they are; only the grammar (not needed to build nodes) would remain."""
    from matcalc import diff
    from matcalc.printers.latex import to_latex
    from matcalc.sympy_bridge import to_sympy
    row = elementwise.Function(
        "cube", lambda u: E.product(E.Num(3), E.Pow(u, E.Num(2))), None, False, False, False,
        {"numpy": "({0}) ** 3", "jax": "({0}) ** 3", "torch": "({0}) ** 3"},
        r"\operatorname{{cube}}{arg}", lambda sp, u: u ** 3, None)
    monkeypatch.setitem(elementwise.FUNCTIONS, "cube", row)
    try:
        f = E.Sum(E.Apply("cube", x))
        assert str(f) == "sum(cube(x))" and r"\operatorname{cube}" in to_latex(f)
        values = np.array([[0.5], [-1.0], [2.0]])
        assert np.allclose(numeric.evaluate(E.Apply("cube", x), {x: values}, {"n": 3}), values ** 3)
        dx = E.Differential(x)
        d = Differentiator(x)(f)
        assert np.allclose(numeric.evaluate(d, {x: values, dx: np.ones((3, 1))}, {"n": 3}), np.sum(3 * values ** 2))
        import matcalc
        g = matcalc.grad(f, "x")       # with the numerical check, through the evaluator
        assert g.report.passed and str(g) == "3 x.^2"
        for target in ("numpy", "jax", "torch"):
            source = g.to_code(target=target)
            assert "** 3" in source and "** 2" in source
        assert str(to_sympy(E.Apply("cube", E.Var("c", (1, 1), ())))) == "c**3"
    finally:   # the passes index the row's columns on first use: forget them with the row
        for column in (diff.ELEMENTWISE, numeric.UFUNCS):
            column.pop("cube", None)
