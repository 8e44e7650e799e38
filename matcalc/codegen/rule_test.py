"""The test emitted beside a framework rule (codegen/framework.py): the parameters' shapes and
declared properties (spd, symmetric, positive, diagonal, onehot), random inputs honouring them (the standalone self-test's `random_inputs`,
prelude/selftest.py), and `test_f()`: `jax.test_util.check_grads` (reverse mode) or
`torch.autograd.gradcheck` of the rule in float64 w.r.t. its differentiable inputs. A symmetric or
diagonal input is the image of a free matrix there, so that finite differences stay in its space.
"""
from functools import cache
from importlib import resources

from .standalone import DEFAULT_SIZES, _dim, _props

TEST_JAX = '''def test_f(seed=0):
    """jax.test_util.check_grads of f, reverse mode, first order, float64, w.r.t. its differentiable
    inputs at random inputs honouring the declarations (a symmetric or diagonal input is the image of
    a free matrix, so that finite differences stay in its space)."""
    from jax.test_util import check_grads
    jax.config.update("jax_enable_x64", True)
    values = _finite_point(seed, lambda args: np.asarray(f(*args)))
    args = [_as_input(values[name], shape == (1, 1)) for name, shape, _ in PARAMETERS]

    def of_parameters(*free):
        given = dict(zip(DIFFERENTIABLE, free))
        return f(*[_constrained(given[name], props) if name in given else a
                   for (name, _, props), a in zip(PARAMETERS, args)])
    check_grads(of_parameters, tuple(a for (name, _, _), a in zip(PARAMETERS, args) if name in DIFFERENTIABLE),
                order=1, modes=["rev"])
    print(f"check_grads of f w.r.t. {', '.join(DIFFERENTIABLE)}: ok")


def _as_input(a, scalar):
    return jnp.asarray(float(a[0]) if scalar else a, dtype=jnp.float64)


def _constrained(a, props):
    if "onehot" in props:       # onto rows that sum to 1 (the identity at the one-hot point drawn)
        return a - (a.sum(axis=1, keepdims=True) - 1) / a.shape[1]
    if "diagonal" in props:
        return jnp.diag(jnp.diag(a))
    if {"symmetric", "spd"} & props:
        return (a + a.T) / 2
    return a'''

TEST_TORCH = '''def test_f(seed=0):
    """torch.autograd.gradcheck of F in float64 w.r.t. its differentiable inputs at random inputs
    honouring the declarations (a symmetric or diagonal input is the image of a free matrix, so that
    finite differences stay in its space)."""
    values = _finite_point(seed, lambda args: f(*args).detach().numpy())
    args = [_as_input(values[name], shape == (1, 1)) for name, shape, _ in PARAMETERS]
    free = tuple(a.clone().requires_grad_(True) for (name, _, _), a in zip(PARAMETERS, args) if name in DIFFERENTIABLE)

    def of_parameters(*free):
        given = dict(zip(DIFFERENTIABLE, free))
        return F.apply(*[_constrained(given[name], props) if name in given else a
                         for (name, _, props), a in zip(PARAMETERS, args)])
    assert torch.autograd.gradcheck(of_parameters, free)
    print(f"gradcheck of F w.r.t. {', '.join(DIFFERENTIABLE)}: ok")


def _as_input(a, scalar):
    return torch.tensor(float(a[0]) if scalar else a, dtype=torch.float64)


def _constrained(a, props):
    if "onehot" in props:       # onto rows that sum to 1 (the identity at the one-hot point drawn)
        return a - (a.sum(dim=1, keepdim=True) - 1) / a.shape[1]
    if "diagonal" in props:
        return torch.diag(torch.diagonal(a))
    if {"symmetric", "spd"} & props:
        return (a + a.T) / 2
    return a'''

FINITE = '''def _finite_point(seed, value, tries=10):
    """Random inputs where the value is finite (log, inverse, ... domains)."""
    for attempt in range(tries):
        values = random_inputs(seed + attempt)
        args = [_as_input(values[name], shape == (1, 1)) for name, shape, _ in PARAMETERS]
        if np.all(np.isfinite(value(args))):
            return values
    raise AssertionError(f"no random point with a finite value in {tries} tries")'''


def emitted_test(variables, wrts, rule):
    dims = []
    for v in variables:
        for d in v.shape:
            if isinstance(d, str) and d not in dims:
                dims.append(d)
    sizes = {d: DEFAULT_SIZES[i] if i < len(DEFAULT_SIZES) else 3 + i for i, d in enumerate(dims)}
    params = ",\n".join(f"    ({v.name!r}, {tuple(_dim(d) for d in v.shape)!r}, {_props(v)})" for v in variables)
    head = "\n".join([
        "import numpy as np     # the test draws its inputs with NumPy",
        "",
        f"SIZES = {sizes!r}     # the size of each dimension symbol in the test",
        "PARAMETERS = [         # (name, shape, declared properties), in the order f takes them",
        params + ",",
        "]",
        f"DIFFERENTIABLE = {[v.name for v in variables if v in wrts]!r}     # in PARAMETERS order",
    ])
    main = 'if __name__ == "__main__":\n    test_f()'
    return "\n\n\n".join([head, _random_inputs_text(), FINITE, TEST_JAX if rule == "jax" else TEST_TORCH, main])


@cache
def _random_inputs_text():
    """`_random_value` and `random_inputs` of the standalone self-test (prelude/selftest.py)."""
    text = resources.files("matcalc.codegen.prelude").joinpath("selftest.py").read_text(encoding="utf-8")
    blocks = text.split("\n\n\n")
    return "\n\n\n".join(b for b in blocks if b.startswith(("def _random_value", "def random_inputs")))
