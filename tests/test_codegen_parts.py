"""The code generator's parts: the preludes (real Python files, importable and emitted as text), the
per-target tables, and the code table's rows."""
import importlib
import re

import numpy as np
import pytest

from matcalc import expr as E
from matcalc import numeric
from matcalc.codegen import TARGETS
from matcalc.codegen.emit import Generator
from matcalc.codegen.rules import CODE
from matcalc.codegen.targets import prelude_for, target
from matcalc.errors import MatcalcError, MissingRuleError
from test_codegen import target_available


def load_prelude(name):
    target_available(name)
    return importlib.import_module(f"matcalc.codegen.prelude.{name}")


@pytest.mark.parametrize("name", list(TARGETS))
def test_the_emitted_prelude_is_the_module_without_its_docstring(name):
    module = load_prelude(name)
    text = TARGETS[name].prelude
    assert not text.startswith('"""') and text.startswith("import ")
    namespace = {}
    exec(compile(text, f"<prelude {name}>", "exec"), namespace)
    defined = {k for k in namespace if k.startswith("_") and not k.startswith("__")}
    assert defined == {k for k in vars(module) if k.startswith("_") and not k.startswith("__")}
    # every block after the imports defines one name, so the generator can keep only what is used
    for block in text.strip().split("\n\n\n")[1:]:
        assert re.search(r"(?:^def |import \w+ as )(\w+)", block, re.M), block


def test_a_prelude_keeps_only_the_blocks_the_body_uses():
    numpy = target("numpy")
    assert prelude_for(numpy, "return x") == "import numpy as np\n"
    kept = prelude_for(numpy, "return _cho_logdet(_cholesky(S))")
    assert "def _cholesky" in kept and "def _cho_logdet" in kept and "_lapack = None" in kept
    assert "def _cho_inv" not in kept and "_softmax" not in kept


def test_numpy_helpers_compute_what_the_evaluator_computes():
    p = load_prelude("numpy")
    u = np.array([-800.0, -3.0, 0.0, 2.5, 40.0, 800.0])
    with np.errstate(over="ignore"):
        assert np.allclose(p._sigmoid(u), numeric._sigmoid(u), rtol=1e-15, atol=0)
    v = np.array([0.3, -1.2, 2.0])
    assert np.allclose(p._softmax(v), numeric._softmax(v))
    assert np.array_equal(p._commutation(2, 3), numeric.commutation(2, 3))
    value, soft = p._logsumexp_softmax(v)
    assert np.isclose(value, np.log(np.exp(v).sum())) and np.isclose(p._logsumexp(v), value)
    assert np.allclose(soft, p._softmax(v))
    m = np.arange(9.0).reshape(3, 3)
    assert np.allclose(p._add_diag(m.copy(), v), m + np.diag(v))


def test_numpy_cholesky_helpers_match_linalg():
    p = load_prelude("numpy")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    s, b = a @ a.T + 4 * np.eye(4), rng.standard_normal((4, 2))
    f = p._cholesky(s)
    assert np.isclose(p._cho_logdet(f), np.linalg.slogdet(s)[1])
    assert np.allclose(p._cho_inv(f), np.linalg.inv(s)) and np.allclose(p._cho_solve(f, b), np.linalg.solve(s, b))
    indefinite = np.diag([-1.0, 2.0, 3.0, 4.0])
    f = p._cholesky(indefinite)
    assert f[0] is None and np.isclose(p._cho_logdet(f), np.log(24.0))


@pytest.mark.parametrize("name", ["jax", "torch"])
def test_the_commutation_matrix_of_every_target(name):
    p = load_prelude(name)
    if name == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    assert np.array_equal(np.asarray(p._commutation(3, 2)), numeric.commutation(3, 2))


def test_jax_operations_are_numpy_under_jnp_but_six():
    """softmax and logsumexp print their own code (matcalc/ops), with JAX's names there."""
    numpy, jax = TARGETS["numpy"].ops, TARGETS["jax"].ops
    assert numpy.keys() == jax.keys() == TARGETS["torch"].ops.keys()
    differ = {k for k in numpy if jax[k] != numpy[k].replace("np.", "jnp.")}
    assert differ == {"outer", "sigmoid", "softplus", "relu", "step", "normcdf"}
    from matcalc.ops import logsumexp, softmax
    for op in (softmax, logsumexp):
        assert set(op.CODE) == set(TARGETS) and op.CODE["jax"] != op.CODE["numpy"].replace("np.", "jnp.")


def test_every_element_wise_function_has_code_on_every_target():
    from matcalc.diff import ELEMENTWISE
    for t in TARGETS.values():
        assert set(ELEMENTWISE) <= t.ops.keys(), t.name


def test_every_node_type_has_a_code_row():
    assert set(E.NODE_TYPES) <= set(CODE.keys())


def test_a_missing_row_names_the_node_and_the_pass():
    class Unknown(E.Var):
        pass
    with pytest.raises(MissingRuleError, match="no code rule for Unknown"):
        CODE.rule(Unknown)


def test_an_unknown_target_is_refused():
    with pytest.raises(MatcalcError, match="unknown code-generation target 'julia'"):
        target("julia")


def test_targets_not_target_names_decide_the_fast_forms():
    import matcalc
    from matcalc.codegen import variables_of
    out = [matcalc.parse("sum(x)")]
    x = variables_of(*out)
    assert Generator(TARGETS["numpy"], out, x).function("f", ["value"], "d").endswith("return x.sum()\n")
    assert "torch.sum(x)" in Generator(TARGETS["torch"], out, x).function("f", ["value"], "d")


def test_codegen_takes_expressions_and_does_not_import_the_api():
    import ast
    from pathlib import Path
    import matcalc.codegen
    for path in Path(matcalc.codegen.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
                assert "api" not in names and not (node.module or "").endswith(".api"), path.name


def test_normcdf_of_the_prelude_is_the_evaluators_with_or_without_scipy():
    """SciPy's ndtr when SciPy is there; NumPy has no erf, so otherwise math.erfc entry by entry."""
    import math
    p = load_prelude("numpy")
    u = np.linspace(-30, 8, 77).reshape(-1, 1)
    assert np.array_equal(p._normcdf(u), numeric._normcdf(u))
    fallback = np.vectorize(lambda t: 0.5 * math.erfc(-t / math.sqrt(2.0)), otypes=[float])(u)
    assert np.allclose(fallback, p._normcdf(u), rtol=1e-12, atol=0) and fallback[0, 0] > 0   # the lower tail kept


def test_mm_multiplies_in_scipy_blas_without_copies():
    """_mm (a function that factors with SciPy's LAPACK multiplies with SciPy's BLAS): every layout and
    kind of operand, and what it hands back to `@` (no SciPy, other dtypes, empty operands)."""
    p = load_prelude("numpy")
    rng = np.random.default_rng(0)
    a, b, v, w = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(5)
    F = np.asfortranarray
    pairs = [(a, b), (F(a), b), (a, F(b)), (F(a), F(b)), (a[::2], b), (a.T, w[:, None] * np.ones(3)),
             (a, v), (F(a), v), (w, a), (w, F(a)), (a.astype(int), b), (a.astype(np.float32), b.astype(np.float32)),
             (np.zeros((0, 4)), b), (v, v)]
    for x, y in pairs:
        got = p._mm(x, y)
        assert got.shape == (x @ y).shape and got.dtype == (x @ y).dtype and np.allclose(got, x @ y)
    if p._blas is not None:     # float64 matrices go to dgemm: its result is the transpose of a Fortran array
        assert p._mm(a, b).flags.c_contiguous and p._mm(a, b).base is not None
