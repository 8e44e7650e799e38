"""The self-test of a standalone module (`codegen --standalone`): copied as text after the generated
function and the constants codegen/standalone.py writes above it (FUNCTION, PARAMETERS, SIZES,
DERIVATIVES, HESSIAN, _as_input, _as_array). Everything below this docstring is emitted verbatim."""


def _random_value(rng, shape, props):
    """A random value of one parameter honouring its declared properties (2-D, or 1-D for a vector)."""
    r, c = shape
    if "onehot" in props:          # a label per row: each row one 1, the rest 0 (rows sum to 1)
        return np.eye(c)[rng.integers(0, c, r)]
    if "diagonal" in props:
        d = rng.standard_normal(r)
        return np.diag(np.exp(d / 2) if {"spd", "positive"} & props else d)
    if "spd" in props:
        b = rng.standard_normal((r, r))
        return b @ b.T / r + np.eye(r) * rng.uniform(0.5, 1.5)
    if "symmetric" in props:
        a = rng.standard_normal((r, r))
        return (a + a.T) / 2
    a = np.exp(rng.standard_normal((r, c)) / 2) if "positive" in props else rng.standard_normal((r, c))
    return a.reshape(-1) if r == 1 or c == 1 else a


def random_inputs(seed=0, sizes=None):
    """Random values for every parameter of FUNCTION, by parameter name (NumPy arrays; vectors 1-D,
    scalars 1-element): sizes from SIZES (or `sizes`, e.g. {"n": 100}), declared properties honoured
    (spd, symmetric, positive, diagonal, onehot)."""
    rng = np.random.default_rng(seed)
    known = {**SIZES, **(sizes or {})}
    return {name: _random_value(rng, [known.get(d, d) for d in shape], props)
            for name, shape, props in PARAMETERS}


def _direction(rng, value, props):
    """A random direction in the parameter's space (symmetric or diagonal like the parameter)."""
    d = rng.standard_normal(value.shape)
    if "onehot" in props:          # rows that sum to 0: the labels' rows keep summing to 1
        return d - d.mean(axis=1, keepdims=True)
    if "diagonal" in props:
        return np.diag(np.diag(d))
    if {"symmetric", "spd"} & props:
        return (d + d.T) / 2
    return d


def _call(values):
    """FUNCTION at NumPy values: (value, {name: derivative}, {(x, y): Hessian block} or None) as NumPy arrays."""
    out = FUNCTION(*[_as_input(values[name], shape == (1, 1)) for name, shape, _ in PARAMETERS])
    derivatives = out[1] if isinstance(out[1], dict) else {DERIVATIVES[0]: out[1]}
    hessian = None
    if HESSIAN:     # one variable's Hessian, or several variables' blocks by (x, y)
        blocks = out[2] if isinstance(out[2], dict) else {(DERIVATIVES[0], DERIVATIVES[0]): out[2]}
        hessian = {k: _as_array(v) for k, v in blocks.items()}
    return _as_array(out[0]), {k: _as_array(v) for k, v in derivatives.items()}, hessian


def _vec(a):
    """Column-major vec, the order of Jacobians and Hessians w.r.t. matrices."""
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def check_derivatives(seed=0, eps=1e-6, tol=1e-5, tries=10, verbose=True):
    """Compare every returned derivative with central finite differences of the value (and the
    Hessian, or each block of it, with differences of the gradients) along random directions. True
    when all agree."""
    for attempt in range(tries):     # a point where everything is finite (log, inverse, ... domains)
        values = random_inputs(seed + attempt)
        value, derivatives, hessian = _call(values)
        if all(np.all(np.isfinite(a)) for a in [value, *(hessian or {}).values(), *derivatives.values()]):
            break
    else:
        print(f"{FUNCTION.__name__}: no random point with finite outputs in {tries} tries")
        return False
    rng = np.random.default_rng(seed + 1000)
    ok = True
    for name, shape, props in PARAMETERS:
        if name not in derivatives:
            continue
        d = _direction(rng, np.asarray(values[name], dtype=float), props)
        plus, minus = (_call({**values, name: values[name] + s * eps * d}) for s in (1, -1))
        checks = [("derivative", (plus[0] - minus[0]) / (2 * eps), derivatives[name], value)]
        for other in derivatives if HESSIAN else ():     # d(∂f/∂other) along d: the block (other, name)
            block = hessian[(other, name)] if (other, name) in hessian else hessian[(name, other)].T
            checks.append(("hessian" if other == name else f"mixed hessian ∂²f/∂{other}∂{name}",
                           (plus[1][other] - minus[1][other]) / (2 * eps), block, derivatives[other]))
        for what, fd, analytic, base in checks:
            fd = _vec(fd)       # a gradient pairs with d entrywise; a Jacobian or Hessian acts on vec(d)
            along = np.sum(analytic * d) if fd.size == 1 and what == "derivative" else \
                analytic.reshape(fd.size, -1) @ _vec(d)         # a Hessian block: rows vec(other), columns vec(d)
            scale = np.abs(along).max() + np.abs(fd).max() + 1e-6 * (1 + np.abs(base).max())
            error = float(np.abs(fd - along).max() / scale)
            good = bool(np.isfinite(error) and error <= tol)
            ok = ok and good
            if verbose:
                print(f"{what} w.r.t. {name}: relative error {error:.1e} {'ok' if good else 'FAILED'}")
    return ok


if __name__ == "__main__":
    import sys
    sys.exit(0 if check_derivatives() else 1)
