"""Dimension names used as numbers (issue 13, issue 20): the n of `1/n ||X w - y||^2` is the number of
rows of X (ops/size.py's node, parse/sizes.py's reading), not a free scalar the user must set.

Every derivative here is compared with central differences of an independent NumPy function in which
n is `X.shape[0]`, at two different sizes, through the generated code (`to_numpy`), which reads the
size off the arrays' shapes.
"""
import numpy as np
import pytest
from click.testing import CliRunner

import matcalc
from matcalc import expr as E
from matcalc.analysis import at
from matcalc.cli import main
from matcalc.numeric import evaluate


def fd_grad(f, x, h=1e-6):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def rng_arrays(seed, **shapes):
    rng = np.random.default_rng(seed)
    return {k: rng.standard_normal(s) if s else float(rng.uniform(0.5, 2.0)) for k, s in shapes.items()}


def spd(n, seed):
    b = np.random.default_rng(seed).standard_normal((n, n))
    return b @ b.T / n + np.eye(n)


# text, wrt, where, shapes(n) -> {name: shape}, independent NumPy function of the values (n from shapes)
CASES = [
    ("1/n ||X w - y||^2", "w", None, lambda n: {"X": (n, 3), "w": (3,), "y": (n,)},
     lambda v: np.sum((v["X"] @ v["w"] - v["y"]) ** 2) / v["X"].shape[0]),
    ("1/(2N) ||X W - Y||_F^2", "W", None, lambda n: {"X": (n, 3), "W": (3, 2), "Y": (n, 2)},
     lambda v: np.sum((v["X"] @ v["W"] - v["Y"]) ** 2) / (2 * v["X"].shape[0])),
    ("q^T k / sqrt(d)", "q", None, lambda n: {"q": (n,), "k": (n,)},
     lambda v: v["q"] @ v["k"] / np.sqrt(v["q"].shape[0])),
    ("y^T V^T softmax(K q / sqrt(d))", "q", None, lambda n: {"y": (2,), "V": (4, 2), "K": (4, n), "q": (n,)},
     lambda v: v["y"] @ v["V"].T @ _softmax(v["K"] @ v["q"] / np.sqrt(v["q"].shape[0]))),
    ("||y - X w||^2 / (2 σ^2) + N/2 log(2 π σ^2)", "σ", {"σ": "scalar"}, lambda n: {"X": (n, 2), "w": (2,), "y": (n,),
                                                                                    "σ": ()},
     lambda v: np.sum((v["y"] - v["X"] @ v["w"]) ** 2) / (2 * v["σ"] ** 2)
     + v["y"].shape[0] / 2 * np.log(2 * np.pi * v["σ"] ** 2)),
    ("-(1 - ε) y^T log(softmax(z)) - ε/K 1^T log(softmax(z))", "z", {"ε": "scalar"},
     lambda n: {"y": (n,), "z": (n,), "ε": ()},
     lambda v: -(1 - v["ε"]) * v["y"] @ np.log(_softmax(v["z"])) - v["ε"] / v["z"].shape[0] * np.sum(
         np.log(_softmax(v["z"])))),
    ("||(I - 1 1^T/n) x||^2", "x", None, lambda n: {"x": (n,)},
     lambda v: np.sum((v["x"] - v["x"].mean()) ** 2)),
    # declared dimensions: K is n×n, so n is its size
    ("-1/2 y^T K^-1 y - 1/2 log det K - n/2 log(2π)", "y", {"K": "n x n spd", "y": "n"}, lambda n: {"K": "spd", "y": (n,)},
     lambda v: -0.5 * v["y"] @ np.linalg.solve(v["K"], v["y"]) - 0.5 * np.linalg.slogdet(v["K"])[1]
     - v["y"].shape[0] / 2 * np.log(2 * np.pi)),
    ("1/2 (tr(S) + μ^T μ - k - log det S)", "μ", {"S": "k x k spd", "μ": "k"}, lambda n: {"S": "spd", "μ": (n,)},
     lambda v: 0.5 * (np.trace(v["S"]) + v["μ"] @ v["μ"] - v["μ"].shape[0] - np.linalg.slogdet(v["S"])[1])),
]


def _softmax(u):
    e = np.exp(u - u.max())
    return e / e.sum()


def draw(shapes, n, seed):
    out = {}
    for i, (k, s) in enumerate(shapes(n).items()):
        out[k] = spd(n, seed + i) if s == "spd" else rng_arrays(seed + i, v=s)["v"]
    return out


@pytest.mark.parametrize("text, wrt, where, shapes, fn", CASES, ids=[c[0] for c in CASES])
def test_the_size_is_the_size_at_two_sizes(text, wrt, where, shapes, fn):
    r = matcalc.grad(text, wrt, where=where)       # the numerical check runs (and passes) too
    sized = {note.split()[0] for note in r.notes if "is read as the size" in note}
    assert sized and not sized & set(r.function.variables), r.notes
    g = r.to_numpy()
    for n in (3, 5):
        v = draw(shapes, n, 10 * n)

        def f(x):
            return fn(dict(v, **{wrt: x}))
        want = fd_grad(f, v[wrt])
        got = np.asarray(g(**v), dtype=float).reshape(np.shape(want))
        assert np.allclose(got, want, rtol=1e-6, atol=1e-7), (n, got, want)


def test_changing_the_size_changes_the_value():
    e = matcalc.parse("1/n sum(x)")
    x = E.Var("x", ("n", 1), frozenset())
    three = evaluate(e, {x: np.ones((3, 1))}, {"n": 3})
    five = evaluate(e, {x: np.ones((3, 1))}, {"n": 5})
    assert three[0, 0] == pytest.approx(1.0) and five[0, 0] == pytest.approx(0.6)
    assert evaluate(E.Size("n"), {}, {"n": 7})[0, 0] == 7.0


def test_the_differential_of_a_size_is_zero():
    r = matcalc.grad("n x^T x", "x", where={"x": "n"})
    assert str(r) == "2 n x"
    assert str(matcalc.grad("n log(σ)", "σ", where={"x": "n"})) == "n / σ"


def test_generated_code_reads_the_size_off_a_shape():
    r = matcalc.grad("1/n ||X w - y||^2", "w")
    for target in ("numpy", "jax", "torch"):
        assert "X.shape[0]" in r.to_code(target) or "y.shape[0]" in r.to_code(target), target
    src = r.to_code("numpy")
    ns = {}
    exec(src, ns)
    X, w, y = np.arange(12.0).reshape(6, 2), np.array([1.0, -1.0]), np.arange(6.0)
    value, grad = ns["f_and_gradient"](X, w, y)
    assert value == pytest.approx(np.sum((X @ w - y) ** 2) / 6)
    assert np.allclose(grad, 2 * X.T @ (X @ w - y) / 6)


def test_jax_and_torch_code_run_with_the_size():
    r = matcalc.grad("q^T k / sqrt(d)", "q")
    q, k = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, -1.0, 2.0, 1.0])
    for target, convert in (("jax", "jax.numpy"), ("torch", "torch")):
        mod = pytest.importorskip(convert.split(".")[0])
        ns = {}
        exec(r.to_code(target), ns)
        if target == "torch":
            args = [mod.tensor(q), mod.tensor(k)]
        else:
            import jax.numpy as jnp
            args = [jnp.asarray(q), jnp.asarray(k)]
        names = [v.name for v in r.function.free if isinstance(v, E.Var)]
        value, _ = ns["f_and_gradient"](*[dict(zip(["k", "q"], args))[n] for n in sorted(names)])
        assert float(value) == pytest.approx(q @ k / 2.0)


def test_a_size_no_argument_carries_is_a_keyword_argument():
    r = matcalc.grad("n log(σ)", "σ", where={"x": "n"})
    src = r.to_code("numpy")
    assert "*, n" in src and "n: the size n" in src
    ns = {}
    exec(src, ns)
    value, grad = ns["f_and_gradient"](2.0, n=4)
    assert value == pytest.approx(4 * np.log(2.0)) and grad == pytest.approx(2.0)
    assert r.to_numpy()(σ=2.0, n=4) == pytest.approx(2.0)


def test_at_needs_no_value_for_the_size():
    p = at("1/n ||X w - y||^2", "w", {"X": [[1, 2], [3, 4], [5, 6]], "w": [1, 1], "y": [1, 2, 3]})
    X, w, y = np.array([[1, 2], [3, 4], [5, 6.0]]), np.ones(2), np.array([1, 2, 3.0])
    assert p.value == pytest.approx(np.sum((X @ w - y) ** 2) / 3)
    q = at("n log(σ)", "σ", {"σ": 2.0, "n": 4}, where={"x": "n"})
    assert q.value == pytest.approx(4 * np.log(2.0))
    with pytest.raises(matcalc.MatcalcError, match="no value for the size n"):
        at("n log(σ)", "σ", {"σ": 2.0}, where={"x": "n"})


def test_prints_as_the_letter_and_parses_back():
    e = matcalc.parse("1/n ||X w - y||^2")
    assert str(e) == "||X w - y||^2 / n"
    assert matcalc.parse(str(e)) is e
    assert matcalc.parse(e.latex(), latex=True) is e
    assert E.Size("d_k").latex() == "d_{k}"


def test_to_sympy_is_a_positive_integer_symbol():
    sympy = pytest.importorskip("sympy")
    s = matcalc.parse("1/n sum(x)").latex() and E.Size("n")
    from matcalc.sympy_bridge import to_sympy
    n = to_sympy(s)
    assert isinstance(n, sympy.Symbol) and n.is_integer and n.is_positive


def test_a_declaration_wins_with_a_note():
    r = matcalc.grad("1/n ||X w - y||^2", "w", where={"X": "n x p", "n": "scalar"})
    assert "n" in r.function.variables
    assert any("n is declared as a scalar, so it is that variable" in note for note in r.notes)


def test_a_declared_dimension_is_never_a_matrix():
    r = matcalc.grad("ε/K 1^T log(softmax(z))", "z", where={"z": "K", "ε": "scalar"})
    assert "K" not in r.function.variables
    r = matcalc.grad("K x^T x", "x", where={"x": "K"})
    assert str(r) == "2 K x" and "K" not in r.function.variables


def test_letters_that_are_not_sizes_stay_scalars():
    assert "λ" in matcalc.grad("λ/2 ||w||^2", "w").function.variables          # not a size letter
    r = matcalc.grad("k x^T x", "x")     # a count divides a sum, it does not multiply one
    assert "k" in r.function.variables and any("not as a size" in note for note in r.notes)
    r = matcalc.grad("N/2 log det Σ", "Σ")      # N counts samples: nothing here sums over them
    assert "N" in r.function.variables and any("not as a size" in note for note in r.notes)
    r = matcalc.grad("1/n ||X w - y||^2", "w", where={"X": "N x D"})   # no dimension is unnamed
    assert "n" in r.function.variables and any("names no dimension" in note for note in r.notes)
    assert "d" in matcalc.grad("x^T x / d + d^2", "d").function.variables     # the wrt is never a size
    # Bishop's factor analysis (PRML 12.64): N counts samples; the columns W Wᵀ contracts inside the
    # log det and the inverse are not what it counts (they were once bound to N: a silent misreading)
    r = matcalc.grad("-N/2 (D log(2π) + log det(C) + tr(C^-1 S)) where C = W W^T + Ψ", "W",
                     where={"S": "D x D spd", "Ψ": "D x D diagonal"})
    assert "N" in r.function.variables, r.notes


@pytest.mark.parametrize("command", [
    ["grad", "1/n ||X w - y||^2", "--wrt", "w"],
    ["hessian", "1/n ||X w - y||^2", "--wrt", "w"],
    ["jacobian", "X w / n", "--wrt", "w"],
    ["codegen", "1/n ||X w - y||^2", "--wrt", "w"],
    ["at", "1/n ||X w - y||^2", "--wrt", "w", "--values", '{"X": [[1, 2], [3, 4], [5, 6]], "w": [1, 1], "y": [1, 2, 3]}'],
])
def test_every_command_says_so(command):
    res = CliRunner().invoke(main, command)
    assert res.exit_code == 0, res.output
    assert "n is read as the size n" in res.output, res.output


@pytest.mark.parametrize("command", [
    ["codegen", "n log(σ) + σ^2", "--wrt", "σ", "--let", "x: n", "--standalone"],    # n as a keyword argument
    ["codegen", "1/n ||X w - y||^2", "--wrt", "w", "--standalone"],                  # n = X.shape[0]
])
def test_a_standalone_module_passes_its_own_check(command, tmp_path):
    import subprocess
    import sys
    res = CliRunner().invoke(main, command)
    assert res.exit_code == 0, res.output
    path = tmp_path / "module.py"
    path.write_text(res.stdout)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and " ok" in run.stdout, run.stdout + run.stderr


def test_a_size_in_a_definition_is_the_size_there_too():
    r = matcalc.grad("y^T V^T a where a = softmax(K q / sqrt(d))", "q", where={"K": "T x d"})
    assert "d" not in r.function.variables
    assert "a = softmax(K q / sqrt(d))" in str(r.pretty()) and r.check().status == "passed"


def test_every_command_keeps_its_wrt_a_variable():
    p = at("x^T x / d + d^2", "d", {"x": [1.0, 2.0], "d": 2.0})
    assert p.value == pytest.approx(5 / 2 + 4)
    for command in (["taylor", "x^T x / d + d^2", "--wrt", "d"], ["jacobian", "x / d", "--wrt", "d"],
                    ["newton", "x^T x / d + d^2", "--wrt", "d"]):
        res = CliRunner().invoke(main, command)
        assert res.exit_code == 0 and "read as the size" not in res.output, res.output
