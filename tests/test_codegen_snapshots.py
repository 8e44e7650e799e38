"""Snapshots of the generated code: a change in what the generator emits is a reviewed diff.

Ten representative derivatives, each for NumPy, JAX and PyTorch, compared exactly with the files in
tests/snapshots/codegen/ (named <case>.<target>.py). After an intended change in the emitted code,
rewrite them with

    MATCALC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_codegen_snapshots.py

and review the diff. Generating code needs no JAX or PyTorch, so these never skip.
"""
import os
from pathlib import Path

import pytest

import matcalc

SNAPSHOTS = Path(__file__).parent / "snapshots" / "codegen"
UPDATE = os.environ.get("MATCALC_UPDATE_SNAPSHOTS") == "1"
TARGETS = ("numpy", "jax", "torch")

# name: (kind, expression, variable, declarations, with the Hessian)
CASES = {
    "least_squares": ("grad", "||A x - b||^2", "x", None, False),
    "quadratic_form": ("grad", "x^T A x", "x", None, True),
    "logistic_regression": ("grad", "sum(log(1 + exp(X w))) - y^T X w", "w", None, True),
    "logsumexp_softmax": ("grad", "logsumexp(A x + b) - y^T softmax(A x + b)", "x", None, True),
    "logdet_spd": ("grad", "log det X", "X", {"X": "n x n spd"}, False),
    "gaussian_nll_sigma": ("grad", "log det S + (x - mu)^T S^-1 (x - mu)", "S", {"S": "n x n spd"}, False),
    "kronecker_jacobian": ("jacobian", "A X B", "X", None, False),
    "tanh_mlp_W": ("grad", "||tanh(W x + b) - y||^2", "W", None, False),
    "tanh_mlp_b": ("grad", "||tanh(W x + b) - y||^2", "b", None, True),
    "user_function": ("grad", "||g(x) - y||^2 + sum(h(A x))", "x",
                      {"g": "function n -> m", "h": "function scalar -> scalar"}, False),
    "matrix_hessian": ("grad", "tr(X^T A X) + sum(exp(X c))", "X", None, True),
}


def generated(name, target):
    kind, text, wrt, where, hessian = CASES[name]
    fn = {"grad": matcalc.grad, "jacobian": matcalc.jacobian}[kind]
    return fn(text, wrt, where=where, check=False).to_code(target, hessian=hessian)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", list(CASES))
def test_generated_code_matches_its_snapshot(name, target):
    path = SNAPSHOTS / f"{name}.{target}.py"
    source = generated(name, target)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run with MATCALC_UPDATE_SNAPSHOTS=1 and review it"
    assert source == path.read_text(encoding="utf-8"), \
        f"the code generated for {name} ({target}) differs from {path.name}; if intended, " \
        f"rewrite the snapshots with MATCALC_UPDATE_SNAPSHOTS=1 and review the diff"


def test_every_snapshot_file_has_a_case():
    stale = sorted(p.name for p in SNAPSHOTS.glob("*.py")
                   if p.name.split(".")[0] not in CASES or p.name.split(".")[1] not in TARGETS)
    assert not stale, f"snapshots without a case (remove them): {stale}"
