"""Reading what people write (issue 13): each convention is checked against an independent NumPy
function — its value at a random point, and the derivative against central finite differences of it."""
import numpy as np
import pytest

import matcalc
from matcalc.numeric import evaluate, shape_of
from matcalc.parse import parse_full

SIZES = {"n": 4, "m": 5, "p": 3, "k": 2, "N": 6, "d": 3, "K": 3}


def values_for(expr, sizes, rng, positive=()):
    """{Var: 2-D array} for the evaluator and {name: array or float} for the NumPy function."""
    env, named = {}, {}
    for v in sorted(expr.free, key=lambda v: getattr(v, "name", "")):
        if not isinstance(v, matcalc.expr.Var):
            continue
        shape = shape_of(v, sizes)
        a = rng.standard_normal(shape)
        if "spd" in v.props:
            a = a @ a.T + shape[0] * np.eye(shape[0])
        elif "symmetric" in v.props:
            a = a + a.T
        if v.name in positive or "positive" in v.props:
            a = np.abs(a) + 0.5
        env[v] = a
        named[v.name] = float(a[0, 0]) if shape == (1, 1) else a[:, 0] if shape[1] == 1 else a
    return env, named


def reads_as(text, wrt, fn, where=None, sizes=SIZES, positive=(), seed=0):
    """matcalc's reading of `text` equals `fn` (NumPy, keyword arguments by name) at a random point, and
    its gradient with respect to `wrt` equals central differences of `fn`. Returns the parse notes."""
    parsed = parse_full(text, where)
    f = parsed.expr
    rng = np.random.default_rng(seed)
    env, named = values_for(f, sizes, rng, positive)
    assert np.allclose(evaluate(f, env, sizes), fn(**named)), f"{text}: not the value of the NumPy function"
    g = matcalc.grad(text, wrt, where=where, check=False)
    var = next(v for v in env if v.name == wrt)
    got = evaluate(g.expr, env, sizes)
    x0, h = np.array(named[wrt], dtype=float), 1e-6
    fd = np.zeros(np.shape(x0))
    for i in np.ndindex(*np.shape(x0)):
        up, down = x0.copy(), x0.copy()
        up[i] += h
        down[i] -= h
        fd[i] = (fn(**{**named, wrt: up}) - fn(**{**named, wrt: down})) / (2 * h)
    assert np.allclose(np.reshape(got, np.shape(fd)), fd, rtol=1e-5, atol=1e-6), f"{text}: wrong derivative"
    del var
    return parsed.notes


def test_a_unary_plus_changes_nothing():
    assert matcalc.parse("+x") is matcalc.parse("x")
    reads_as("+x^T x - +2 a", "x", lambda x, a: x @ x - 2 * a)
