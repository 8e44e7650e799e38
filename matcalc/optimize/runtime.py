"""The numerical half of `solve`: a problem's generated functions and their description (a "spec")
solved on arrays with SciPy. NumPy and SciPy only, no matcalc import: `codegen --solver` copies this
file (and augmented.py) into the module it writes, so `matcalc solve` and the emitted module run the
same code.

The spec (solver.py builds it; the emitted module writes it out as a literal):
    sense, problem          "min"/"max", the problem's text
    data, variables         [(name, (rows, cols), is_scalar)]; a dimension is an int, a size name, or
                            a tuple of those multiplied (I_p ⊗ A has p·n rows)
    aliases                 {name: [other spellings]}: "lambda" for λ
    objective               (fn, params): fn(*args) = (value, gradient per variable), the minimized
                            objective (a max is negated)
    hessian                 None or (fn, params, [(vi, vj)], constant): the blocks ∂²f/∂vi∂vj
    hvp                     None or (fn, params, directions): fn(*args) = ∇ₓ⟨∇ₓf, d⟩ per variable, d
                            the direction per variable (named in directions)
    bounds                  [(variable, "lower"/"upper", fn, params)]: fn gives the bound's value
    constraints             [{kind "eq"/"ineq" (g ≤ 0), text, fn, params, wrt, linear, vjp, hvp}]: fn
                            gives g then ∂g/∂v per name in wrt; vjp = (fn, params, multiplier name):
                            ∇ₓ(μᵀg); hvp = (fn, params, directions, multiplier name): ∇ₓ⟨∇ₓ(μᵀg), d⟩
    recover                 [(name, fn, params, [names it replaces])]: x = x_p − x_m after a rewrite
    notes                   what the report repeats

driver.py chooses the method and runs it; augmented.py is the augmented Lagrangian.
"""
import json
import os

import numpy as np

DENSE_HESSIAN = 3000       # packed variables up to which the exact dense Hessian is formed


def dim_size(d, sizes):
    if isinstance(d, int):
        return d
    if isinstance(d, tuple):
        out = 1
        for f in d:
            out *= dim_size(f, sizes)
        return out
    return sizes[d]


def argument(a, shape, scalar):
    """A 2-D value as generated code takes it: a float, a 1-D vector or a matrix."""
    a = np.asarray(a, dtype=float)
    if scalar:
        return float(a.reshape(()))
    return a.reshape(-1) if shape[1] == 1 or shape[0] == 1 else a


def load(source):
    """name → array from a dict, an .npz, a .json file or JSON text, a NAME.npy file or a directory of
    them, or a list of these."""
    if isinstance(source, dict):
        return {k: np.asarray(v, dtype=float) for k, v in source.items()}
    if isinstance(source, (list, tuple)):      # several sources (--data A.npy --data b.npy): one name, one value
        out = {}
        for one in source:
            for k, v in load(one).items():
                if k in out:
                    raise ValueError(f"{k} is given twice in the data")
                out[k] = v
        return out
    text = os.fspath(source)
    if text.lower().endswith(".npy") and not os.path.isdir(text):     # NAME.npy: the value of NAME
        return {os.path.basename(text)[:-4]: np.load(text, allow_pickle=False)}
    if text.lstrip().startswith("{"):
        return load(json.loads(text))
    if os.path.isdir(text):
        return {e[:-4]: np.load(os.path.join(text, e), allow_pickle=False) for e in sorted(os.listdir(text))
                if e.endswith(".npy")}
    if text.lower().endswith(".json"):
        with open(text, encoding="utf-8-sig") as fh:
            return load(json.load(fh))
    with np.load(text, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def bind(spec, arrays):
    """(the data as generated code takes it, the sizes) from name → array, checking every shape."""
    data, sizes = {}, {}
    known = {name for name, _, _ in spec["data"]} | {a for names in spec["aliases"].values() for a in names}
    unused = sorted(k for k in arrays if k not in known)
    if unused:       # a typo, or a value for a variable: said, never ignored
        variables = {name for name, _, _ in spec["variables"]}
        raise ValueError(f"the data has {', '.join(unused)}, which the problem does not take (its data: "
                         f"{', '.join(sorted(n for n, _, _ in spec['data'])) or 'none'}"
                         + (f"; {', '.join(n for n in unused if n in variables)} is solved for" if variables & set(unused)
                            else "") + ")")
    for name, shape, scalar in spec["data"]:
        keys = [k for k in [name] + list(spec["aliases"].get(name, [])) if k in arrays]
        if not keys:
            raise ValueError(f"no value for {name} (values given for: {', '.join(sorted(arrays)) or 'none'})")
        a = np.asarray(arrays[keys[0]], dtype=float)
        if scalar:
            if a.size != 1:
                raise ValueError(f"{name} is a scalar, but its value has shape {a.shape}")
            a2 = a.reshape(1, 1)
        elif shape[1] == 1 and a.ndim in (1, 2) and (a.ndim == 1 or a.shape[1] == 1):
            a2 = a.reshape(-1, 1)
        elif shape[0] == 1 and a.ndim == 1:
            a2 = a.reshape(1, -1)
        elif a.ndim == 2:
            a2 = a
        else:
            raise ValueError(f"{name} has shape {shape}, but its value has shape {a.shape}")
        for d, k in zip(shape, a2.shape):
            if isinstance(d, int) and d != k or isinstance(d, str) and sizes.setdefault(d, k) != k:
                raise ValueError(f"{name} has shape {shape}, but its value has shape {a.shape} "
                                 f"(sizes so far: {sizes})")
        data[name] = argument(a2, shape, scalar)
    return data, sizes


class Packing:
    """Offsets of each variable in the packed vector (matrices column-major), and the arguments of
    the generated functions at a packed point."""

    def __init__(self, variables, sizes, data):
        self.sizes, self.data, self.shapes, self.slices, self.scalar = sizes, data, {}, {}, {}
        start = 0
        for name, shape, scalar in variables:
            try:
                r, c = dim_size(shape[0], sizes), dim_size(shape[1], sizes)
            except KeyError as e:
                raise ValueError(f"the size {e.args[0]} of {name} is not fixed by the data") from None
            self.shapes[name], self.scalar[name] = (r, c), scalar
            self.slices[name] = slice(start, start + r * c)
            start += r * c
        self.n = start

    def value(self, name, z):
        s = z[self.slices[name]]
        r, c = self.shapes[name]
        if self.scalar[name]:
            return float(s[0])
        return s if c == 1 or r == 1 else s.reshape((r, c), order="F")

    def args(self, params, z, extra=None):
        return [self.value(p, z) if p in self.slices else extra[p] if extra and p in extra else self.data[p]
                for p in params]

    @staticmethod
    def flat(a):
        a = np.asarray(a, dtype=float)
        return a.reshape(-1, order="F") if a.ndim == 2 else a.reshape(-1)

    def unflat(self, name, v):
        """A packed piece (a multiplier, a direction) as generated code takes the variable's value."""
        r, c = self.shapes[name]
        return float(v[0]) if self.scalar[name] else v if c == 1 or r == 1 else v.reshape((r, c), order="F")


def _tuple(out):
    return out if isinstance(out, tuple) else (out,)


class Problem:
    """The spec's functions on the packed vector: objective, Hessian, bounds, constraints."""

    def __init__(self, spec, data, sizes):
        self.spec, self.pack = spec, Packing(spec["variables"], sizes, data)
        self.names = [v[0] for v in spec["variables"]]
        self.evaluations, self.notes = 0, []
        pack = self.pack
        self.lb, self.ub = np.full(pack.n, -np.inf), np.full(pack.n, np.inf)
        z0 = np.zeros(pack.n)
        for var, which, fn, params in spec["bounds"]:
            sl = pack.slices[var]
            value = np.broadcast_to(pack.flat(fn(*pack.args(params, z0))), (sl.stop - sl.start,))
            if which == "lower":
                self.lb[sl] = np.maximum(self.lb[sl], value)
            else:
                self.ub[sl] = np.minimum(self.ub[sl], value)
        self._bounds_meet()
        self.constraints = [Constraint(c, self) for c in spec["constraints"]]

    def _bounds_meet(self):
        """Refuse bounds that leave a variable no value (x >= 1, x <= 0; or x <= c with data c below the
        other bound): SciPy's methods raise a ValueError of their own on them, naming neither."""
        for name, part in self.pack.slices.items():
            crossed = np.flatnonzero(self.lb[part] > self.ub[part])
            if crossed.size:
                i = int(crossed[0])
                lb, ub = self.lb[part][i], self.ub[part][i]
                where = "" if part.stop - part.start == 1 else f" (entry {i} of vec({name}), the first of {crossed.size})"
                raise ValueError(f"the bounds on {name} leave it no value: {name} ≥ {lb:g} and {name} ≤ {ub:g}"
                                 f"{where}; the problem is infeasible")

    def fun(self, z):
        fn, params = self.spec["objective"]
        self.evaluations += 1
        out = fn(*self.pack.args(params, z))
        return float(out[0]), np.concatenate([self.pack.flat(g) for g in out[1:]])

    def hessian(self):
        """A callable giving the dense Hessian, or None; and whether it is constant."""
        h = self.spec.get("hessian")
        if h is None or self.pack.n > DENSE_HESSIAN:
            return None, False
        fn, params, blocks, constant = h
        pack, cache = self.pack, {}

        def hess(z):
            if constant and "H" in cache:
                return cache["H"]
            out = _tuple(fn(*pack.args(params, z)))
            if len(blocks) == 1:        # one variable: its block is the Hessian (no copy; callers never write to it)
                H = np.asarray(out[0], dtype=float).reshape(pack.n, pack.n)
            else:
                H = np.zeros((pack.n, pack.n))
                for (vi, vj), b in zip(blocks, out):
                    si, sj = pack.slices[vi], pack.slices[vj]
                    H[si, sj] = np.asarray(b, dtype=float).reshape(si.stop - si.start, sj.stop - sj.start)
            cache["H"] = H
            return H
        return hess, constant

    def hessp(self, z, p):
        """The objective's Hessian times p from the generated product (spec "hvp"), or None."""
        if self.spec.get("hvp") is None:
            return None
        fn, params, directions = self.spec["hvp"]
        return _product(self.pack, fn, params, self.names, directions, z, p)

    def start(self):
        """The starting point (a copy: the check and the run of one solve ask for it both)."""
        if getattr(self, "_start", None) is None:
            self._start = self._first_point()
        return self._start.copy()

    def _first_point(self):
        lb, ub = self.lb, self.ub
        x0 = np.zeros(lb.shape)
        both = np.isfinite(lb) & np.isfinite(ub)
        x0[both] = (lb[both] + ub[both]) / 2
        lo = np.isfinite(lb) & ~np.isfinite(ub)
        x0[lo] = lb[lo] + 1
        hi = ~np.isfinite(lb) & np.isfinite(ub)
        x0[hi] = ub[hi] - 1
        x0 = self.feasible_start(x0)
        if x0.size <= 5000 and any(not c.linear and not np.any(c.jacobian(x0)) for c in self.constraints):
            # a nonlinear constraint with a zero Jacobian here (xᵀx = 1 at x = 0): no step can reach it
            # from this point, so the solver would stop at once. Start off it, by a fixed pseudo-random
            # direction (a fixed one such as 1 could be an eigenvector, another stationary point).
            x0 = np.clip(x0 + np.random.default_rng(0).normal(size=x0.size) / np.sqrt(x0.size), lb, ub)
        return x0

    def feasible_start(self, x):
        """The start moved onto the linear equality constraints and strictly inside the bounds by a
        few alternating projections (both trust-constr's barrier method and the augmented Lagrangian
        fare better from there)."""
        eqs = [c for c in self.constraints if c.linear and c.kind == "eq"]
        if not eqs or x.size > 5000:
            return x
        A = np.vstack([c.A for c in eqs])
        b = np.concatenate([-c.g0 for c in eqs])
        lb, ub = self.lb, self.ub
        width = np.where(np.isfinite(ub - lb), (ub - lb) * 1e-3, 1e-3)
        low, high = lb + np.minimum(width, 1e-3), ub - np.minimum(width, 1e-3)
        for _ in range(50):
            x = x - np.linalg.lstsq(A, A @ x - b, rcond=None)[0]
            inside = np.clip(x, low, high)
            if np.allclose(inside, x, rtol=0, atol=1e-12):
                break
            x = inside
        return np.clip(x, lb, ub)


def _product(pack, fn, params, names, directions, z, p, extra=None):
    """A generated product ∇ₓ⟨G(x), d⟩ at z along the packed direction p, packed."""
    extra = dict(extra or {})
    for name, d in zip(names, directions):
        extra[d] = pack.unflat(name, p[pack.slices[name]])
    out = np.zeros(pack.n)
    for name, piece in zip(names, _tuple(fn(*pack.args(params, z, extra)))):
        out[pack.slices[name]] = pack.flat(piece)
    return out


class Constraint:
    """One constraint g ≤ 0 or g = 0 on the packed vector: values, Jacobian, transposed products."""

    def __init__(self, c, problem):
        self.kind, self.text, self.fn, self.params, self.wrt = c["kind"], c["text"], c["fn"], c["params"], c["wrt"]
        self.vjp_spec, self.hvp_spec, self.linear, self.pack = c.get("vjp"), c.get("hvp"), c["linear"], problem.pack
        z0 = np.zeros(self.pack.n)
        self.g0 = self.value(z0)
        self.rows = self.g0.size
        if self.linear:
            self.A = self.jacobian(z0)

    def value(self, z):
        return np.atleast_1d(self.pack.flat(_tuple(self.fn(*self.pack.args(self.params, z)))[0]))

    def jacobian(self, z):
        pack, rows = self.pack, self.rows if hasattr(self, "rows") else None
        out = _tuple(self.fn(*pack.args(self.params, z)))
        rows = rows or np.atleast_1d(pack.flat(out[0])).size
        J = np.zeros((rows, pack.n))
        for name, d in zip(self.wrt, out[1:]):
            d = np.asarray(d, dtype=float)
            J[:, pack.slices[name]] = pack.flat(d).reshape(1, -1) if rows == 1 else d.reshape(rows, -1)
        return J

    def vjp(self, z, w):
        """∇ₓ(wᵀg): Aᵀw for a linear constraint, the generated product if there is one, else Jᵀw."""
        if self.linear:
            return self.A.T @ w
        if self.vjp_spec is not None:
            fn, params, multiplier = self.vjp_spec
            out = _tuple(fn(*self.pack.args(params, z, {multiplier: w if w.size > 1 else float(w[0])})))
            g = np.zeros(self.pack.n)
            for name, d in zip(self.wrt, out):
                g[self.pack.slices[name]] = self.pack.flat(d)
            return g
        return self.jacobian(z).T @ w

    def hessian(self, z, w):
        """Σ wᵢ ∇²gᵢ at z as a LinearOperator from the generated product (trust-constr's `hess`)."""
        from scipy.sparse.linalg import LinearOperator
        fn, params, directions, multiplier = self.hvp_spec
        extra = {multiplier: w if w.size > 1 else float(w[0])}
        n = self.pack.n
        return LinearOperator((n, n), dtype=float, matvec=lambda p: _product(
            self.pack, fn, params, self.wrt, directions, z, np.ravel(p), extra))

    def scipy(self, so):
        lo, hi = (0.0, 0.0) if self.kind == "eq" else (-np.inf, 0.0)
        if self.linear:
            return so.LinearConstraint(self.A, lo - self.g0, hi - self.g0)
        return so.NonlinearConstraint(self.value, lo, hi, jac=self.jacobian,
                                      hess=self.hessian if self.hvp_spec is not None else so.BFGS())
