"""A point: f, ∇f and the Hessian evaluated at given values, the Hessian's spectrum, the point's
classification (minimum, maximum, saddle, degenerate) and step sizes; loading the values from JSON
or .npz, and formatting the result as text or JSON.

A matrix variable's Hessian acts on vec(X) (column-major), so `at` reports the Hessian on vec(X).
"""
from ..api import _parse, find_var
from ..display import Display, RichDisplay
from ..errors import DiffError, ValuesError  # noqa: F401 (ValuesError: analysis exports it)
from ..vocabulary import show_text, spelling

#: Defaults of `at`: the point is critical when ‖∇f(x)‖ ≤ GRAD_TOL (Frobenius norm, absolute), and
#: an eigenvalue λ of the Hessian counts as zero when |λ| ≤ EIG_TOL · max(1, ρ(H)).
GRAD_TOL = 1e-8
EIG_TOL = 1e-8
AT_LIMIT = 2000         # entries of the variable: `at` forms the dense Hessian (AT_LIMIT² numbers)


MAX_VALUES_BYTES = 256 * 2 ** 20   # what a values file may unpack to: arrays for a check, not a data set


def load_values(values, names=None):
    """name → array from a dict, a .json or .npz file, or JSON text ('{"x": [1, 1]}').

    With `names`, only those members of an .npz file are read. A file is refused before it is read
    when it, or the arrays it unpacks to, would exceed MAX_VALUES_BYTES. A byte-order mark
    before JSON is skipped."""
    import json
    import os
    import numpy as np
    if isinstance(values, (str, os.PathLike)):
        text = os.fspath(values)
        if isinstance(values, str) and text.lstrip("\ufeff \t\r\n").startswith("{"):
            values = _json(json.loads, text.lstrip("\ufeff"), "the values")
        elif text.lower().endswith(".npz"):
            values = _npz(text, names)
        elif text.lower().endswith(".json"):
            _refuse_large(text, os.path.getsize(text) if os.path.isfile(text) else 0)
            try:
                with open(text, encoding="utf-8-sig") as fh:
                    values = _json(json.load, fh, text)
            except OSError as e:
                raise ValuesError(f"cannot read values from {show_text(text)}: {e.strerror or e}")
            except UnicodeDecodeError as e:
                raise ValuesError(f"{show_text(text)} is not valid JSON: {e}")
        else:
            raise ValuesError(f"values must be a .json or .npz file (or JSON text), not '{show_text(text)}'")
    if not isinstance(values, dict):
        raise ValuesError(f"the values must map variable names to numbers or arrays, got {type(values).__name__}")
    out = {}
    for name, value in values.items():
        if value is None and names is not None and name not in names:
            out[str(name)] = None
            continue
        try:
            a = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError, RecursionError):
            raise ValuesError(f"the value of {show_text(name)} is not a number or a rectangular array of numbers "
                              "(in double precision)")
        if a.ndim > 2:
            raise ValuesError(f"the value of {show_text(name)} has {a.ndim} dimensions; give a number, a vector or "
                              "a matrix")
        if not np.all(np.isfinite(a)):
            raise ValuesError(f"the value of {show_text(name)} contains inf or nan")
        out[str(name)] = a
    return out


def _json(load, source, what):
    """JSON, with every way it can fail as a ValuesError: bad syntax, integers of thousands of digits
    (Python refuses past 4,300), nesting past the recursion limit."""
    import json
    try:
        return load(source)
    except json.JSONDecodeError as e:
        verb = "are" if what == "the values" else "is"
        raise ValuesError(f"{show_text(what)} {verb} not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})")
    except RecursionError:
        raise ValuesError(f"{show_text(what)}: the JSON is nested too deeply (values are numbers, vectors and "
                          "matrices: two levels of lists)") from None
    except ValueError as e:
        raise ValuesError(f"{show_text(what)}: {e}") from None


def _npz(path, names):
    """The members of an .npz archive that are asked for, after checking what they unpack to."""
    import zipfile
    import numpy as np
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename[:-4] if info.filename.endswith(".npy") else info.filename: info.file_size
                     for info in archive.infolist()}
        wanted = [k for k in sizes if names is None or k in names]
        _refuse_large(path, sum(sizes[k] for k in wanted))
        with np.load(path, allow_pickle=False) as data:
            out = {k: data[k] for k in wanted if k in data.files}
        out.update((k, None) for k in sizes if k not in wanted)    # named, never read: reported as ignored
        return out
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise ValuesError(f"cannot read values from {show_text(path)}: {e}")


def _refuse_large(path, size):
    if size > MAX_VALUES_BYTES:
        raise ValuesError(f"{show_text(path)} unpacks to {size / 2 ** 20:,.0f} MiB; values files are limited to "
                          f"{MAX_VALUES_BYTES // 2 ** 20} MiB (the point to evaluate at, not a data set)")


def _spelled_as(arrays, variables):
    """The values keyed by the variables' own spellings: {"sigma": 2} is the value of σ."""
    names = {spelling(v.name): v.name for v in variables}
    out, given = {}, {}
    for key, a in arrays.items():
        name = names.get(spelling(key), key)
        if name in out:
            raise ValuesError(f"'{given[name]}' and '{key}' are the same name, given twice")
        out[name], given[name] = a, key
    return out


def _bind(variables, arrays, dims=()):
    """(env, sizes): every variable's value as a 2-D array, and every dimension symbol's size."""
    from ..shapes import fmt_shape
    missing = [v.name for v in variables if v.name not in arrays]
    if missing:
        raise ValuesError(f"no value for {', '.join(missing)} (values given for: {', '.join(sorted(arrays)) or 'none'})")
    env, sizes, origin = {}, {}, {}
    for v in variables:
        a = arrays[v.name]
        r, c = v.shape
        if v.is_scalar:
            if a.size != 1:
                raise ValuesError(f"{v.name} is a scalar, but its value has shape {a.shape}")
            a = a.reshape(1, 1)
        elif c == 1:
            if a.ndim == 2 and a.shape[1] == 1:
                a = a.reshape(-1, 1)
            elif a.ndim == 1:
                a = a.reshape(-1, 1)
            else:
                raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
        else:
            if a.ndim != 2:
                raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
        for dim, k in zip(v.shape, a.shape):
            if isinstance(dim, int):
                if dim != k:
                    raise ValuesError(f"{v.name} is a {fmt_shape(v.shape)}, but its value has shape {a.shape}")
            elif isinstance(dim, str):
                if dim in sizes and sizes[dim] != k:
                    raise ValuesError(f"dimension {dim} is {sizes[dim]} (from {origin[dim]}) but {k} (from {v.name})")
                if k == 1:
                    raise ValuesError(f"dimension {dim} of {v.name} is 1 in the values, but a symbolic dimension is "
                                      f"never 1; declare {v.name} with a size of 1 or as a scalar")
                sizes.setdefault(dim, k)
                origin.setdefault(dim, v.name)
        env[v] = a
    for d in (d for d in dims if d not in sizes):   # a size no value gives (n of `n log σ`): given as n=5
        a = arrays.get(d)
        if a is None or a.size != 1 or not float(a.reshape(())).is_integer() or float(a.reshape(())) < 1:
            raise ValuesError(f"no value for the size {d}: no variable has a dimension {d} to read it from; "
                              f"give it as a positive integer ({d}=5)")
        sizes[d] = int(a.reshape(()))
    return env, sizes


CLASSIFICATIONS = {
    "not critical": "not a critical point",
    "minimum": "local minimum",
    "maximum": "local maximum",
    "saddle": "saddle point",
    "degenerate": "degenerate, the second-order test is inconclusive",
}


class Point(RichDisplay):
    """f, ∇f and the Hessian at a point, with the Hessian's spectrum, the point's classification and step sizes."""

    fields = ("function", "wrt", "point", "value", "gradient", "gradient_norm", "critical", "tol", "hessian",
              "hessian_on_vec", "eigenvalues", "eigen_tol", "curvature", "classification", "spectral_radius",
              "condition_number", "step_size", "step_kind", "step_note", "hessian_constant", "eta",
              "gradient_step", "newton_point", "gradient_expr", "hessian_expr", "conditions", "notes", "checks")

    def __init__(self, **kw):
        for k in self.fields:
            setattr(self, k, kw.get(k))

    def as_dict(self):
        """JSON-ready: arrays as (nested) lists, infinities and NaN as None."""
        out = {}
        for k in self.fields:
            out[k] = _jsonable(getattr(self, k))
        return out

    def __str__(self):
        return self.text()

    def _display(self):
        """f at the point as an equation; the rest of `text()` as prose lines, the checks as the verdict."""
        from ..printers.latex import latex_name
        x = latex_name(self.wrt)
        facts = [line.strip() for line in self.text().split("\n")[2:]
                 if not line.strip().startswith(("where ", "note: ", "numerical check"))]
        return Display([rf"f({x}) = {_fmt(self.value)}\quad\text{{at }} {x} = {_fmt(self.point)}"],
                       self.conditions or (), self.notes or (),
                       "; ".join(str(r) for r in self.checks or ()) or None, facts=facts)

    def __repr__(self):
        return f"<Point {self.wrt} = {_fmt(self.point)}: {self.classification}>"

    def text(self):
        x = self.wrt
        lines = [f"at {x} = {_fmt(self.point)}:",
                 f"  f = {_fmt(self.value)}",
                 f"  ∇f = {self.gradient_expr} = {_fmt(self.gradient)}",
                 f"  H = {self.hessian_expr} = {_fmt(self.hessian)}" + ("  (on vec)" if self.hessian_on_vec else ""),
                 f"  eigenvalues of H: {', '.join(_fmt(v) for v in self.eigenvalues)}",
                 f"  critical point: {'yes' if self.critical else 'no'} (‖∇f‖ = {_fmt(self.gradient_norm)}, "
                 f"tolerance {self.tol:g})",
                 f"  classification: {CLASSIFICATIONS[self.classification]} (the Hessian is {self.curvature})",
                 f"  spectral radius ρ(H) = {_fmt(self.spectral_radius)}",
                 f"  condition number κ(H) = {_fmt(self.condition_number)}",
                 f"  step size 1/ρ(H) = {_fmt(self.step_size)}: {self.step_note}" if self.step_size is not None
                 else f"  step size 1/ρ(H): {self.step_note}"]
        if self.gradient_step is not None:
            lines.append(f"  gradient step {x} - {_fmt(self.eta)} ∇f = {_fmt(self.gradient_step)}")
        if self.newton_point is not None:
            lines.append(f"  Newton step {x} - H^-1 ∇f = {_fmt(self.newton_point)}")
        for c in self.conditions or ():
            lines.append(f"  where {c}")
        for n in self.notes or ():
            lines.append(f"  note: {n}")
        for r in self.checks or ():
            lines.append(f"  {r}")
        return "\n".join(lines)


def _clean(v):
    return 0.0 if v == 0 else float(v)


def _fmt(v):
    import numpy as np
    if v is None:
        return "undefined"
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        x = float(a)
        return "∞" if np.isinf(x) else f"{_clean(x):.6g}"
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    a = np.where(np.abs(a) <= 1e-12 * scale, 0.0, a)     # rounding residue next to the other entries
    if a.ndim == 1:
        return "[" + ", ".join(_fmt(x) for x in a) + "]"
    return "[" + "; ".join(", ".join(_fmt(x) for x in row) for row in a) + "]"


def _jsonable(v):
    import numpy as np
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v]
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.floating, float)):
        return float(v) if np.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if hasattr(v, "as_dict"):
        return v.as_dict()
    return v


def _shaped(a, var):
    """A value in the variable's natural form: a float, a 1-D vector, or a matrix."""
    if var.is_scalar:
        return float(a.reshape(-1)[0])
    if var.is_vector:
        return a.reshape(-1)
    return a


def at(expr, wrt, values, where=None, *, tol=GRAD_TOL, eig_tol=EIG_TOL, eta=None, check=True, seed=None):
    """Evaluate f, ∇f and the Hessian at a point and classify it.

    values: name → number / nested lists / array, or a path to a .json or .npz file (vectors may be
    1-D; sizes of the dimension symbols are read off the arrays). The point is critical when
    ‖∇f‖ ≤ tol (absolute, Frobenius norm); an eigenvalue counts as zero when |λ| ≤ eig_tol·max(1, ρ(H)).
    `classification` at a critical point: "minimum" (all eigenvalues positive), "maximum" (all
    negative), "saddle" (both signs), "degenerate" (some zero, the others of one sign); elsewhere
    "not critical" (`curvature` still says whether H is definite). The step size is 1/ρ(H):
    the global safe step 1/L when the Hessian does not contain x, a local estimate otherwise.
    eta: the gradient step's size (default 1/ρ(H)).
    """
    import numpy as np
    from .. import api
    from ..sampling import finite, variables as variables_of, vec
    from ..numeric import evaluate
    for what, x, positive in (("tol", tol, False), ("eig_tol", eig_tol, False), ("eta", eta, True)):
        if x is not None and not (isinstance(x, (int, float, np.floating, np.integer)) and np.isfinite(x)
                                  and (x > 0 if positive else x >= 0)):
            raise ValuesError(f"{what} must be a finite number {'> 0' if positive else '≥ 0'}, not {x!r}")
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if not f.is_scalar:
        from ..shapes import fmt_shape
        raise DiffError(f"classifying a point needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    g = api.grad(f, var, check=False, seed=seed)
    H = api.hessian(f, var, check=False, seed=seed)
    variables = variables_of([f, g.expr, H.expr, var])
    from ..sampling import dim_symbols
    dims = dim_symbols([f, g.expr, H.expr])
    wanted = {v.name for v in variables} | {spelling(v.name) for v in variables} | set(dims)   # an unneeded .npz member is not read
    arrays = _spelled_as(load_values(values, names=wanted), variables)
    env, sizes = _bind(variables, arrays, dims)
    notes = api.parse_notes()
    extra = sorted(set(arrays) - {v.name for v in variables} - set(dims))
    if extra:
        notes.append(f"ignored values for {', '.join(extra)} (not variables of the expression)")
    for v in variables:
        a = env[v]
        if v.has("symmetric") and a.shape[0] == a.shape[1] and not np.allclose(a, a.T):
            notes.append(f"{v.name} is declared symmetric but its value is not")
        if v.has("spd") and np.allclose(a, a.T) and np.min(np.linalg.eigvalsh((a + a.T) / 2)) <= 0:
            notes.append(f"{v.name} is declared spd but its value is not positive definite")
    if env[var].size > AT_LIMIT:
        from ..errors import LimitError
        raise LimitError(f"{var.name} has {env[var].size} entries; `at` forms the dense Hessian and its "
                         f"eigenvalues, so it takes at most {AT_LIMIT} (use hvp for larger problems)")
    value = evaluate(f, env, sizes)[0, 0]
    gv = evaluate(g.expr, env, sizes)
    Hv = evaluate(H.expr, env, sizes)
    if not (np.isfinite(value) and finite(gv) and finite(Hv)):
        raise ValuesError(f"f, its gradient or its Hessian is not defined at this point"
                          f"{' (' + '; '.join(H.conditions) + ')' if H.conditions else ''}")
    asym = float(np.max(np.abs(Hv - Hv.T))) if Hv.size else 0.0
    if asym > 1e-9 * max(1.0, float(np.max(np.abs(Hv)))):
        notes.append(f"the Hessian is not symmetric at this point (max |H - Hᵀ| = {asym:.1e}); "
                     "eigenvalues are those of (H + Hᵀ)/2")
    eig = np.linalg.eigvalsh((Hv + Hv.T) / 2)
    rho = float(np.max(np.abs(eig)))
    zero = eig_tol * max(1.0, rho)
    pos, neg = int(np.sum(eig > zero)), int(np.sum(eig < -zero))
    nzero = len(eig) - pos - neg
    if pos and neg:
        curvature = "indefinite"
    elif nzero:
        curvature = ("zero" if nzero == len(eig) else
                     "positive semidefinite, singular" if pos else "negative semidefinite, singular")
    else:
        curvature = "positive definite" if pos else "negative definite"
    gnorm = float(np.linalg.norm(gv))
    critical = gnorm <= tol
    if not critical:
        classification = "not critical"
    elif pos and neg:
        classification = "saddle"
    elif nzero:
        classification = "degenerate"
    else:
        classification = "minimum" if pos else "maximum"
    smallest = float(np.min(np.abs(eig)))
    cond = rho / smallest if smallest > zero else float("inf")
    constant = var not in H.expr.free
    step = 1.0 / rho if rho > zero else None
    if step is None:
        step_kind, step_note = None, "undefined (the Hessian is zero)"
    elif constant:
        step_kind = "global"
        step_note = (f"the global safe step 1/L (the Hessian does not depend on {var.name}, "
                     f"so L = ρ(H) everywhere)")
    else:
        step_kind = "local"
        step_note = (f"a local estimate (the Hessian depends on {var.name}; the global step 1/L needs "
                     f"a bound L ≥ ρ(H) over the whole region)")
    x0 = env[var]
    eta_used = step if eta is None else float(eta)
    gd = x0 - eta_used * gv if eta_used is not None else None
    newton_point = None
    if smallest > zero:
        newton_point = x0 - np.linalg.solve(Hv, vec(gv)).reshape(x0.shape, order="F")
    checks = []
    if check:
        checks = [g.check(seed).labelled("gradient"), H.check(seed).labelled("Hessian")]
    conditions = list(g.conditions) + [c for c in H.conditions if c not in g.conditions]
    result = Point(function=str(f), wrt=var.name, point=_shaped(x0, var), value=float(value),
                   gradient=_shaped(gv, var), gradient_norm=gnorm, critical=bool(critical), tol=tol,
                   hessian=Hv, hessian_on_vec=not (var.is_scalar or var.is_vector), eigenvalues=eig,
                   eigen_tol=zero, curvature=curvature, classification=classification, spectral_radius=rho,
                   condition_number=cond, step_size=step, step_kind=step_kind, step_note=step_note,
                   hessian_constant=constant, eta=eta_used,
                   gradient_step=_shaped(gd, var) if gd is not None else None,
                   newton_point=_shaped(newton_point, var) if newton_point is not None else None,
                   gradient_expr=str(g.expr), hessian_expr=str(H.expr), conditions=conditions, notes=notes,
                   checks=checks)
    return result
