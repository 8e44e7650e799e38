"""Every parameter at once (issue 19): one generated function returns the value and the gradient
w.r.t. every requested variable, sharing the forward pass; one variable keeps (value, gradient).
From the CLI (`codegen --wrt W --wrt b`) and the API (`matcalc.codegen(expr, wrt=[...])`)."""
import re

import numpy as np
import pytest
from click.testing import CliRunner

import matcalc
from matcalc.cli import main as cli_main
from matcalc.codegen import variables_of
from matcalc.numeric import evaluate
from matcalc.sampling import dim_symbols, sample_sizes, sample_value
from test_codegen_fuzz import argument, as_array, available, close, compiled

MLP = "||tanh(W x + b) - y||^2"
MLP2 = "||W2 tanh(W1 x + b1) - y||^2"
CASES = [
    (MLP, ["W", "b"], None),
    (MLP2, ["W1", "b1", "W2"], None),
    ("log det S + (x - mu)^T S^-1 (x - mu)", ["S", "mu"], {"S": "n x n spd"}),
    ("sum(log(1 + exp(X w))) - y^T X w", ["w", "X"], None),
    ("softmax(A x + b)", ["A", "b"], None),                   # Jacobians of a vector, keyed the same way
]


def body(source):
    return source.split('"""')[-1]


def run_joint(text, wrt, where, target, source):
    fn = compiled(source, target)
    f = matcalc.parse(text, where)
    results = [(matcalc.grad if f.is_scalar else matcalc.jacobian)(text, w, where=where, check=False) for w in wrt]
    outputs = [results[0].function] + [r.expr for r in results]
    variables = variables_of(*outputs)
    rng = np.random.default_rng(2)
    sizes = sample_sizes(dim_symbols(outputs), rng)
    env = {v: sample_value(v, sizes, rng, "plain") for v in variables}
    value, grads = fn(*[argument(v, env[v], target) for v in variables])
    assert close(as_array(value), evaluate(outputs[0], env, sizes)), source
    assert list(grads) == wrt, source
    for r in results:
        assert close(as_array(grads[r.wrt.name]), evaluate(r.expr, env, sizes)), source


@pytest.mark.parametrize("target", ["numpy", "jax", "torch"])
@pytest.mark.parametrize("text, wrt, where", CASES, ids=[c[0] for c in CASES])
def test_the_api_returns_value_and_a_dict_of_gradients(text, wrt, where, target):
    available(target)
    source = matcalc.codegen(text, wrt=wrt, target=target, where=where, check=False)
    assert f"def f_and_{'gradients' if matcalc.parse(text, where).is_scalar else 'jacobians'}(" in source
    run_joint(text, wrt, where, target, source)


def test_the_cli_takes_several_wrt_and_checks_each():
    out = CliRunner().invoke(cli_main, ["codegen", MLP, "--wrt", "W", "--wrt", "b"])
    assert out.exit_code == 0, out.output + out.stderr
    assert "def f_and_gradients(W, b, x, y):" in out.stdout
    assert re.search(r"^W: numerical check passed", out.stderr, re.M) and re.search(r"^b: numerical", out.stderr, re.M)
    run_joint(MLP, ["W", "b"], None, "numpy", out.stdout)


def test_the_forward_pass_is_computed_once():
    src = body(matcalc.codegen(MLP2, ["W1", "b1", "W2"], check=False))
    assert src.count("np.tanh(") == 1 and src.count("W1 @ x") == 1, src
    # the shared backward signal (the residual times the tanh derivative) is one temporary too
    single = [body(matcalc.codegen(MLP2, w, check=False)) for w in ["W1", "b1", "W2"]]
    assert sum(s.count("\n    t") for s in single) > src.count("\n    t"), src


def test_one_variable_keeps_value_and_gradient():
    for target in ["numpy", "jax", "torch"]:
        joint = matcalc.codegen(MLP, ["b"], target=target, check=False)
        assert joint == matcalc.codegen(MLP, "b", target=target, check=False) \
            == matcalc.grad(MLP, "b", check=False).to_code(target)
    out = CliRunner().invoke(cli_main, ["codegen", MLP, "--wrt", "b", "--no-check"])
    assert "def f_and_gradient(W, b, x, y):" in out.stdout and "Returns (value, gradient)" in out.stdout
    hess = CliRunner().invoke(cli_main, ["codegen", "x^T A x", "--wrt", "x", "--hessian"])
    assert hess.exit_code == 0 and "Returns (value, gradient, hessian)" in hess.stdout


@pytest.mark.parametrize("args, message", [
    (["--wrt", "W", "--wrt", "W"], "named twice"),
    (["--wrt", "W", "--wrt", "b", "--hessian", "--rule", "jax"], "no --hessian"),     # blocks: not in a rule
    (["--wrt", "W", "--wrt", "q"], "q"),
])
def test_refusals(args, message):
    out = CliRunner().invoke(cli_main, ["codegen", MLP, *args])
    assert out.exit_code == 2 and message in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_a_failed_check_is_a_check_error(monkeypatch):
    from matcalc import api
    real = api.Result.check

    def failing(self, seed=None):
        report = real(self, seed)
        report.status = "failed"
        return report
    monkeypatch.setattr(api.Result, "check", failing)
    with pytest.raises(matcalc.CheckError, match="w.r.t. W"):
        matcalc.codegen(MLP, ["W", "b"])
