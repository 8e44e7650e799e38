"""Framework rules (issue 19): `codegen --rule jax` emits a jax.custom_vjp function and `--rule torch`
a torch.autograd.Function whose backward is matcalc's closed form, each with a test beside it
(jax.test_util.check_grads, torch.autograd.gradcheck, float64). Every emitted file is run with
`python file.py`; a corrupted backward must fail its own test; data inputs get no cotangent; the
PyTorch forward saves the gradients and nothing else."""
import subprocess
import sys

import pytest
from click.testing import CliRunner

import matcalc
from matcalc.cli import main as cli_main
from matcalc.errors import MatcalcError
from test_codegen_fuzz import available
from test_codegen_standalone import run_files

# (expression, variables, declarations)
CASES = [
    ("||A x - b||^2", ["x"], None),
    ("||tanh(W x + b) - y||^2", ["W", "b"], None),
    ("||W2 tanh(W1 x + b1) - y||^2", ["W1", "b1", "W2"], None),
    ("log det S + (x - mu)^T S^-1 (x - mu)", ["S", "mu"], {"S": "n x n spd"}),
    ("log det X", ["X"], None),                                           # a log-det layer
    ("logsumexp(W x + b) - y^T (W x + b)", ["W", "b"], None),             # softmax cross-entropy
    ("x^T D x + sum(log(p)) * lambda", ["D", "p", "lambda"], {"D": "n x n diagonal", "p": "n positive",
                                                             "lambda": "scalar"}),
    ("tr(Y Y) + a^T Y a", ["Y"], {"Y": "n x n symmetric"}),
    ("sum(log(1 + exp(X w))) - y^T X w", ["w"], None),
    ("-sum(Y .* log(softmax(X W)))", ["W"], {"Y": "n x c onehot"}),       # data that must be one-hot
    ("-sum(Y .* log(softmax(X W)))", ["W", "Y"], {"Y": "n x c onehot"}),
]
RULES = ["jax", "torch"]


def rule(text, wrt, where, framework):
    return matcalc.codegen(text, wrt, where=where, rule=framework, check=False)


@pytest.mark.parametrize("framework", RULES)
def test_every_emitted_rule_passes_its_framework_check(framework, tmp_path):
    available(framework)
    paths = []
    for i, (text, wrt, where) in enumerate(CASES):
        path = tmp_path / f"rule{i}_{framework}.py"
        path.write_text(rule(text, wrt, where, framework), encoding="utf-8")
        paths.append(path)
    for (text, wrt, where), path, (code, output) in zip(CASES, paths, run_files(paths)):
        assert code == 0, f"{text} w.r.t. {wrt} ({framework}): exit {code}\n{output}\n{path.read_text()}"
        checked = [line for line in output.splitlines() if line.endswith(": ok")]
        assert len(checked) == 1 and sorted(checked[0].split("w.r.t. ")[1][:-4].split(", ")) == sorted(wrt), output


CORRUPT = {"jax": ("return (g * grad_", "return (1.01 * g * grad_"),
           "torch": ("return g * grad_", "return 1.01 * g * grad_")}


@pytest.mark.parametrize("framework", RULES)
def test_a_corrupted_backward_fails_its_test(framework, tmp_path):
    available(framework)
    source = rule("||tanh(W x + b) - y||^2", ["W", "b"], None, framework)
    old, new = CORRUPT[framework]
    assert old in source
    path = tmp_path / "corrupt.py"
    path.write_text(source.replace(old, new), encoding="utf-8")
    (code, output), = run_files([path])
    assert code != 0, output


def test_the_torch_rule_saves_the_gradients_and_gives_data_no_gradient():
    available("torch")
    import torch
    namespace = {}
    exec(compile(rule("logsumexp(W x + b) - y^T (W x + b)", ["W", "b"], None, "torch"), "<rule>", "exec"), namespace)
    W = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    y = torch.softmax(torch.randn(3, dtype=torch.float64), 0)
    value = namespace["f"](W, b, x, y)
    assert [t.shape for t in value.grad_fn.saved_tensors] == [W.shape, b.shape]    # nothing else kept
    value.backward()
    assert x.grad is None          # data: a non-differentiable constant
    W2, b2 = W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)
    u = W2 @ x.detach() + b2
    (torch.logsumexp(u, 0) - y @ u).backward()
    assert torch.allclose(W.grad, W2.grad) and torch.allclose(b.grad, b2.grad)
    with torch.no_grad():           # no gradient wanted: the value alone, no graph
        assert namespace["f"](W, b, x, y).grad_fn is None
    assert namespace["f"](W.detach(), b.detach(), x, y).grad_fn is None


def test_the_jax_rule_jits_vmaps_and_gives_data_zero():
    available("jax")
    import jax
    import jax.numpy as jnp
    namespace = {}
    exec(compile(rule("log det X + y^T X y", ["X"], None, "jax"), "<rule>", "exec"), namespace)
    f = namespace["f"]
    X = jnp.eye(3) * 2.0 + 0.1 * jnp.arange(9.0).reshape(3, 3)
    y = jnp.arange(3.0)
    gX, gy = jax.jit(jax.grad(f, argnums=(0, 1)))(X, y)
    assert jnp.allclose(gX, jnp.linalg.inv(X).T + jnp.outer(y, y), atol=1e-5)
    assert not jnp.any(gy)       # data: zero cotangent
    batched = jax.vmap(jax.grad(f), in_axes=(0, None))(jnp.stack([X, 2 * X]), y)
    assert batched.shape == (2, 3, 3)


def test_the_docstring_holds_the_closed_form_and_the_derivation():
    source = rule("log det X", ["X"], None, "torch")
    assert "∂f/∂X = X^-T" in source
    assert "Derivation (matcalc's steps):" in source and "[identification:" in source
    assert "def test_f(" in source and "torch.autograd.gradcheck" in source


def test_the_cli_prints_the_api_source_after_its_header():
    result = CliRunner().invoke(cli_main, ["codegen", "log det X", "--wrt", "X", "--rule", "jax", "--no-check"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(rule("log det X", ["X"], None, "jax"))
    assert "@jax.custom_vjp" in result.output


@pytest.mark.parametrize("options, message", [
    (dict(rule="jax", target="torch"), "target"),
    (dict(rule="torch", hessian=True), "first-order"),
    (dict(rule="jax", standalone=True), "first-order"),
    (dict(rule="numpy"), "unknown framework rule"),
])
def test_rules_refuse_what_they_do_not_do(options, message):
    with pytest.raises(MatcalcError, match=message):
        matcalc.codegen("log det X", "X", check=False, **options)


# layers: a vector or matrix output, the backward the gradient of sum(G ⊙ F) for the cotangent G
LAYERS = [
    ("softmax(W x + b)", ["W", "b"], None),
    ("tanh(X W + 1 b^T)", ["W", "b"], None),                     # a dense layer on a batch
    ("softmax(Q K^T) V", ["Q", "K", "V"], None),                 # attention
    ("X^-1 b", ["X"], None),
    ("(A + x x^T)^-1", ["x"], {"A": "n x n spd"}),
    ("S^-1 x", ["S"], {"S": "n x n spd"}),
]


@pytest.mark.parametrize("framework", RULES)
def test_every_emitted_layer_rule_passes_its_framework_check(framework, tmp_path):
    available(framework)
    paths = []
    for i, (text, wrt, where) in enumerate(LAYERS):
        path = tmp_path / f"layer{i}_{framework}.py"
        path.write_text(rule(text, wrt, where, framework), encoding="utf-8")
        paths.append(path)
    for (text, wrt, where), path, (code, output) in zip(LAYERS, paths, run_files(paths)):
        assert code == 0, f"{text} w.r.t. {wrt} ({framework}): exit {code}\n{output}\n{path.read_text()}"
        assert output.strip().endswith(": ok"), output


def test_a_layer_saves_what_its_backward_reads_and_computes_nothing_twice():
    available("torch")
    import torch
    source = rule("softmax(W x + b)", ["W", "b"], None, "torch")
    assert source.count("torch.softmax(") == 2       # once in the forward pass, once in the value-only f_value
    namespace = {}
    exec(compile(source, "<layer>", "exec"), namespace)
    W = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    b = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x = torch.randn(4, dtype=torch.float64)
    out = namespace["f"](W, b, x)
    assert sorted(t.shape for t in out.grad_fn.saved_tensors) == [(3,), (4,)]     # softmax(W x + b) and x
    G = torch.randn(3, dtype=torch.float64)
    out.backward(G)
    W2, b2 = W.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)
    torch.softmax(W2 @ x + b2, 0).backward(G)
    assert torch.allclose(W.grad, W2.grad) and torch.allclose(b.grad, b2.grad)


def test_the_cotangent_takes_a_free_name():
    source = rule("G^-1 x", ["G"], None, "jax")       # the expression has a G: the cotangent is G_1
    assert "def f_bwd(residuals, G_1):" in source
