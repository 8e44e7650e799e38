"""A standalone, self-testing module (`codegen --standalone`, `matcalc.codegen(..., standalone=True)`).

The generated function, then what its self-test needs to know (the parameters' shapes and declared
properties, a size for every dimension symbol, the variables differentiated by), the target's
conversions from NumPy test data, and the self-test itself (prelude/selftest.py, copied as text):
`random_inputs(seed, sizes)`, `check_derivatives(seed)` (central differences of the value for every
returned derivative, of the gradient for a Hessian) and a `__main__` that exits 1 when a check fails.
"""
import re
from functools import cache
from importlib import resources

from ..errors import MatcalcError

DEFAULT_SIZES = (3, 4, 5, 2, 6, 7)     # distinct sizes, so that a transposed shape cannot pass

CONVERSIONS = {
    "numpy": '''def _as_input(a, scalar):
    return float(a[0]) if scalar else a


def _as_array(a):
    return np.asarray(a, dtype=float)''',
    "jax": '''jax.config.update("jax_enable_x64", True)     # the self-test compares in double precision


def _as_input(a, scalar):
    return float(a[0]) if scalar else jnp.asarray(a)


def _as_array(a):
    return np.asarray(a, dtype=float)''',
    "torch": '''def _as_input(a, scalar):
    return torch.tensor(float(a[0]) if scalar else a, dtype=torch.float64)


def _as_array(a):
    return a.detach().numpy() if hasattr(a, "detach") else np.asarray(a, dtype=float)''',
}


def standalone_module(code, target, names, hessian=False):
    """The module's source: `code` (a Code from generate), then its self-test. `names` are the
    variables differentiated by, in the order of the returned derivatives."""
    if code.functions:
        raise MatcalcError("a standalone module cannot test declared functions (it has no implementation "
                           "of them): generate the function without --standalone and pass yours")
    dims = []
    for v in code.variables:
        for d in v.shape:
            if isinstance(d, str) and d not in dims:
                dims.append(d)
    dims += [d for d in code.sizes if d not in dims]     # sizes no parameter carries: keyword arguments
    keywords = "".join(f", {p}=SIZES[{d!r}]" for d, p in code.sizes.items())
    sizes = {d: DEFAULT_SIZES[i] if i < len(DEFAULT_SIZES) else 3 + i for i, d in enumerate(dims)}
    params = ",\n".join(f"    ({v.name!r}, {tuple(_dim(d) for d in v.shape)!r}, {_props(v)})" for v in code.variables)
    head = "\n".join([
        "import numpy as np" if "import numpy as np" not in code.source else "",
        "",
        f"FUNCTION = (lambda *args: {code.fname}(*args{keywords}))" if keywords else f"FUNCTION = {code.fname}",
        f"SIZES = {sizes!r}     # the size of each dimension symbol in the self-test",
        "PARAMETERS = [         # (name, shape, declared properties), in the order FUNCTION takes them",
        params + ",",
        "]",
        f"DERIVATIVES = {list(names)!r}",
        f"HESSIAN = {bool(hessian)}",
    ]).lstrip("\n")
    return "\n\n\n".join([code.source.rstrip("\n"), head, CONVERSIONS[target], _selftest_text()]) + "\n"


def _dim(d):
    if isinstance(d, (int, str)):
        return d
    raise MatcalcError(f"a standalone module needs every parameter's sizes as symbols or numbers, not {d}")


def _props(v):
    props = sorted(v.props & {"spd", "symmetric", "positive", "diagonal", "onehot"})
    return "{" + ", ".join(repr(p) for p in props) + "}" if props else "set()"


@cache
def _selftest_text():
    text = resources.files("matcalc.codegen.prelude").joinpath("selftest.py").read_text(encoding="utf-8")
    return re.sub(r'\A"""(?:.|\n)*?"""\n', "", text).strip("\n")
