"""Callables built from results (NumPy)."""
import numpy as np

from . import expr as E
from .numeric import evaluate


def _bind(variables, kwargs):
    """Map keyword arguments to 2-D arrays and read dimension sizes off their shapes."""
    env, sizes = {}, {}
    for v in variables:
        if v.name not in kwargs:
            raise TypeError(f"missing value for variable '{v.name}'")
        a = np.asarray(kwargs[v.name], dtype=float)
        if v.is_scalar:
            a = a.reshape(1, 1)
        elif v.is_vector:
            a = a.reshape(-1, 1)
        elif a.ndim != 2:
            raise ValueError(f"'{v.name}' must be a 2-D array")
        for d, n in zip(v.shape, a.shape):
            if isinstance(d, str):
                if sizes.setdefault(d, n) != n:
                    raise ValueError(f"dimension {d} is {sizes[d]} elsewhere but {n} in '{v.name}'")
        env[v] = a
    return env, sizes


def numpy_callable(result):
    function, deriv = result.function, result.expr
    variables = sorted({v for e in (function, deriv) for v in e.free if isinstance(v, E.Var)}, key=lambda v: v.name)

    def derivative(**kwargs):
        env, sizes = _bind(variables, kwargs)
        out = evaluate(deriv, env, sizes)
        if deriv.is_scalar:
            return float(out[0, 0])
        if result.kind == "gradient" and result.wrt.is_vector:
            return out.reshape(-1)
        return out
    derivative.__doc__ = f"{result.kind} of {function} w.r.t. {result.wrt.name}: {deriv}"
    return derivative
