"""Standalone self-testing modules (issue 19): `codegen --standalone` writes a module that draws
random inputs honouring the declarations, checks every returned derivative against finite
differences and exits non-zero when a check fails. Each is written to a file and run with
`python file.py`, for every target; a deliberately corrupted one must fail."""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

import matcalc
from matcalc.cli import main as cli_main
from test_codegen_fuzz import available

# (expression, variables, declarations, with the Hessian)
CASES = [
    ("||A x - b||^2", ["x"], None, False),
    ("||tanh(W x + b) - y||^2", ["W", "b"], None, False),
    ("||W2 tanh(W1 x + b1) - y||^2", ["W1", "b1", "W2"], None, False),
    ("log det S + (x - mu)^T S^-1 (x - mu)", ["S", "mu"], {"S": "n x n spd"}, False),
    ("sum(log(1 + exp(X w))) - y^T X w", ["w"], None, True),
    ("logsumexp(A x + b) - y^T softmax(A x + b)", ["x", "A"], None, False),
    ("tr(X^T A X) + sum(exp(X c))", ["X"], None, True),
    ("x^T D x + sum(log(p)) * lambda", ["D", "p", "lambda"], {"D": "n x n diagonal", "p": "n positive",
                                                              "lambda": "scalar"}, False),
    ("tr(Y Y) + a^T Y a", ["Y"], {"Y": "n x n symmetric"}, False),
    ("softmax(A x)", ["x", "A"], None, False),                 # Jacobians
    # Y 1 = 1 only for one-hot rows: the gradient w.r.t. W holds only for such Y, and w.r.t. Y along rows summing to 0
    ("-sum(Y .* log(softmax(X W)))", ["W", "Y"], {"Y": "n x c onehot"}, False),
    ("||tanh(W x + b) - y||^2", ["W", "b"], None, True),        # the Hessian's blocks
    ("x^T S x + sum(log(p)) * lambda + tr(S S)", ["S", "p", "lambda"],     # blocks of a scalar, 1-D ones
     {"S": "n x n symmetric", "p": "n positive", "lambda": "scalar"}, True),
]
TARGETS = ["numpy", "jax", "torch"]


def module(text, wrt, where, hessian, target):
    return matcalc.codegen(text, wrt, where=where, target=target, hessian=hessian, standalone=True, check=False)


def run_files(paths):
    """`python file.py` for each path, three at a time: (returncode, output) per path."""
    def run(path):
        p = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
        return p.returncode, p.stdout + p.stderr
    with ThreadPoolExecutor(3) as pool:
        return list(pool.map(run, paths))


@pytest.mark.parametrize("target", TARGETS)
def test_standalone_modules_pass_their_own_check(target, tmp_path):
    available(target)
    paths = []
    for i, (text, wrt, where, hessian) in enumerate(CASES):
        path = tmp_path / f"case{i}_{target}.py"
        path.write_text(module(text, wrt, where, hessian, target), encoding="utf-8")
        paths.append(path)
    for (text, wrt, where, hessian), path, (code, output) in zip(CASES, paths, run_files(paths)):
        assert code == 0, f"{text} w.r.t. {wrt} ({target}): exit {code}\n{output}\n{path.read_text()}"
        checked = [line for line in output.splitlines() if line.endswith(" ok")]
        assert len(checked) == len(wrt) * (1 + (len(wrt) if hessian else 0)), output     # every block


CORRUPT = '''

_correct = FUNCTION


def FUNCTION(*args):          # the first derivative 1% off
    out = list(_correct(*args))
    if isinstance(out[1], dict):
        key = next(iter(out[1]))
        out[1] = {**out[1], key: out[1][key] * 1.01}
    else:
        out[1] = out[1] * 1.01
    return tuple(out)
'''


@pytest.mark.parametrize("target", TARGETS)
def test_a_corrupted_module_exits_non_zero(target, tmp_path):
    available(target)
    paths = []
    for i in (1, 3):
        source = module(*CASES[i], target)
        head, tail = source.split('\n\nif __name__ == "__main__":')
        path = tmp_path / f"corrupt{i}_{target}.py"
        path.write_text(head + CORRUPT + '\n\nif __name__ == "__main__":' + tail, encoding="utf-8")
        paths.append(path)
    for path, (code, output) in zip(paths, run_files(paths)):
        assert code == 1 and "FAILED" in output, output


def test_a_corrupted_hessian_block_exits_non_zero(tmp_path):
    source = module(*CASES[11], "numpy")
    old = "('W', 'b'): 2.0 * t"
    assert old in source
    path = tmp_path / "corrupt_block.py"
    path.write_text(source.replace(old, "('W', 'b'): 2.02 * t"), encoding="utf-8")
    (code, output), = run_files([path])
    assert code == 1 and "mixed hessian ∂²f/∂W∂b w.r.t. b: relative error" in output and "FAILED" in output, output


def test_the_data_generator_honours_declarations():
    namespace = {}
    exec(compile(module(*CASES[7], "numpy"), "<standalone>", "exec"), namespace)
    import numpy as np
    values = namespace["random_inputs"](seed=4, sizes={"n": 6})
    D, p, lam = values["D"], values["p"], values["lambda"]
    assert D.shape == (6, 6) and np.count_nonzero(D - np.diag(np.diag(D))) == 0
    assert p.shape == (6,) and np.all(p > 0) and lam.shape == (1,)
    exec(compile(module(*CASES[3], "numpy"), "<standalone>", "exec"), namespace)
    S = namespace["random_inputs"](seed=1)["S"]
    assert np.allclose(S, S.T) and np.all(np.linalg.eigvalsh(S) > 0)
    exec(compile(module(*CASES[10], "numpy"), "<standalone>", "exec"), namespace)
    Y = namespace["random_inputs"](seed=2, sizes={"n": 9, "c": 4})["Y"]
    assert Y.shape == (9, 4) and set(np.unique(Y)) <= {0.0, 1.0} and np.all(Y.sum(axis=1) == 1)


def test_the_cli_writes_the_same_module():
    out = CliRunner().invoke(cli_main, ["codegen", CASES[1][0], "--wrt", "W", "--wrt", "b", "--standalone",
                                        "--no-check"])
    assert out.exit_code == 0
    assert out.stdout.split("\n", 2)[-1] == module(*CASES[1], "numpy") or module(*CASES[1], "numpy") in out.stdout


def test_declared_functions_are_refused():
    out = CliRunner().invoke(cli_main, ["codegen", "||g(x) - y||^2", "--wrt", "x", "--let", "g: function n -> m",
                                        "--standalone"])
    assert out.exit_code == 2 and "declared functions" in out.stderr and "Traceback" not in out.output
