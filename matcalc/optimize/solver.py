"""Solve a problem on the user's arrays: matcalc derives and generates the NumPy functions, runtime.py
and driver.py (NumPy and SciPy only) run them with SciPy.

`solve` reads the problem (problem.py, rewrite.py), turns it into generated code and a spec
(plan.py), compiles and checks the code once per problem text (check.py; kept for the next solve of
the same text on other data) and runs it (driver.py); emit.py writes the same code and spec into a
standalone module (`codegen --solver`).
"""
from ..api import guarded
from ..display import Display, RichDisplay
from ..errors import MatcalcError
from ..vocabulary import show_text
from .driver import describe, run
from .plan import compiled, plan  # noqa: F401  (tests take them from here)
from .problem import ProblemError, read_problem
from .rewrite import rewrite
from .runtime import DENSE_HESSIAN, Problem, argument, dim_size
from .threads import one_blas_thread


def _scipy():
    try:
        import scipy.optimize as so
    except ImportError:
        raise MatcalcError("solve needs SciPy: pip install scipy") from None
    return so


class Solution(RichDisplay):
    """solution: name → array; report: dict (iterations, time, objective, residuals, status, notes).
    Printed (and shown in Jupyter) as `matcalc solve` prints it."""

    def __init__(self, solution, report):
        self.solution, self.report = solution, report

    def __repr__(self):
        return self.text()

    def _display(self):
        return Display((), facts=self.text().split("\n"))

    def __getitem__(self, name):
        return self.solution[name]

    def as_dict(self):
        return {"solution": {k: v.tolist() if hasattr(v, "tolist") else v for k, v in self.solution.items()},
                "report": self.report}

    def text(self):
        return describe(self.solution, self.report)


def _data(problem, data):
    from ..analysis.point import _bind, _spelled_as, load_values
    arrays = load_values(data) if not isinstance(data, dict) else load_values(dict(data))
    need = problem.data
    arrays = _spelled_as({k: a for k, a in arrays.items() if a is not None}, need)
    env, sizes = _bind(need, arrays)
    return {v.name: argument(env[v], v.shape, v.is_scalar) for v in need}, sizes


def _packed_size(p, sizes):
    n = 0
    for v in p.variables:
        try:
            n += dim_size(v.shape[0], sizes) * dim_size(v.shape[1], sizes)
        except KeyError as e:
            raise ProblemError(f"the size {e.args[0]} of {v.name} is not fixed by the data") from None
    return n


CACHE_SIZE = 32
_cache = {}


def _key(problem, where, wrt, names):
    """What the derivation depends on: the text, the declarations, the variables and which names
    have data (never the data's values or sizes: the generated code reads sizes from the arrays)."""
    if not isinstance(problem, str):
        return None
    return (problem, repr(where), repr(wrt), frozenset(names))


def _cached(key, make):
    """The problem read and its compiled spec, kept for the next solve of the same problem on other
    data (a loop over data sets derives once). Generated code is pure, so sharing it is safe."""
    if key[1] is None:
        return make()
    if key not in _cache:
        if len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = make()
    return _cache[key]


@guarded
def solve(problem, data, where=None, wrt=None, *, x0=None, maxiter=3000, progress=False, hessian_exact=True,
          method="auto"):
    """Solve `problem` on `data` (dict, .npz, .json, JSON text or a directory of .npy files).

    method: "auto" (driver._method: with at most bounds Newton's method on the exact Hessian up to
    250 variables (any number without bounds and with a constant Hessian), else L-BFGS-B; with linear constraints the interior point method; with
    nonlinear ones trust-constr, or the augmented Lagrangian over L-BFGS-B for many variables;
    trust-constr again when a run stops short of the tolerances), "newton", "trust-constr",
    "L-BFGS-B", "augmented-lagrangian" or "interior-point".

    Below 1000 packed variables OpenBLAS runs on one thread during the solve unless
    OPENBLAS_NUM_THREADS / OMP_NUM_THREADS is set (threads.py)."""
    _scipy()
    data = _sources(data)
    names = list(data) if isinstance(data, dict) else None
    if names is None:
        from ..analysis.point import load_values
        data = load_values(data)
        names = [k for k, v in data.items() if v is not None]
    where = _scalars_from_data(where, data)
    key = _key(problem, where, wrt, names)
    p = _cached(("problem", key), lambda: rewrite(read_problem(problem, where, wrt, data_names=names)))
    bound, sizes = _data(p, data)
    packed = _packed_size(p, sizes)
    blocks = hessian_exact and packed <= DENSE_HESSIAN
    with one_blas_thread(packed):        # small problems: BLAS threads only wait for cores (threads.py)
        made = []
        spec = _cached(("spec", key, blocks), lambda: made.append(1) or compiled(
            *plan(p, hessian_blocks=blocks, hvp=not blocks, literal_bounds=True, evaluate_once=True)))
        spec = _constant_hessian_once(spec)
        try:
            prob = Problem(spec, bound, sizes)      # the check's and the run's (bounds, linear rows: once)
        except ValueError as e:                     # bounds that leave a variable no value (runtime.py)
            raise ProblemError(str(e)) from None
        if made:        # the generated functions are checked against each other once, when made (check.py)
            _checked(prob, ("spec", key, blocks))
        if method == "interior-point" and (not blocks or not all(c["linear"] for c in spec["constraints"])):
            raise ProblemError("the interior point method takes linear constraints and the dense exact Hessian "
                               f"(at most {DENSE_HESSIAN} variables); use method='auto'")
        if method == "newton" and (not blocks or spec["constraints"]):
            raise ProblemError("Newton's method takes bounds only and the dense exact Hessian "
                               f"(at most {DENSE_HESSIAN} variables); use method='auto'")
        sol, report = run(spec, bound, sizes, x0=x0, maxiter=maxiter, progress=progress,
                          method=method, hessian_exact=hessian_exact, prob=prob)
    return Solution(sol, report)


def _scalars_from_data(where, data):
    """The declarations with `name: scalar` added for every undeclared name whose value is a number: the
    data says what the text leaves open (`0 <= a <= c` with c = 1.0 is a box, not a vector c of a's
    length that the number does not fit)."""
    import numpy as np
    from ..vocabulary import spelling
    from .problem import _where_dict
    where = _where_dict(where)
    declared = {spelling(n) for n in where}
    for name, value in data.items():
        if value is not None and spelling(name) not in declared and np.ndim(value) == 0:
            where[name] = "scalar"
    return where


def _sources(data):
    """A dict, or one source (an .npz, a .json file or JSON text, a NAME.npy file, a directory of them),
    or a list of sources merged into one dict (a name given twice is an error)."""
    import os
    if isinstance(data, (list, tuple)):
        out = {}
        for one in data:
            for k, v in _loaded(_sources(one)).items():
                if k in out:
                    raise ProblemError(f"{show_text(k)} is given twice in the data")
                out[k] = v
        return out
    if isinstance(data, (str, os.PathLike)):
        text = os.fspath(data)
        if not text.lstrip().startswith("{") and _is_dir(text):
            return _npy_dir(text)
        if text.lower().endswith(".npy"):
            import numpy as np
            try:
                return {os.path.basename(text)[:-4]: np.load(text, allow_pickle=False)}
            except (OSError, ValueError) as e:
                raise ProblemError(f"cannot read {show_text(text)}: {e}") from None
    return data


def _loaded(data):
    if isinstance(data, dict):
        return data
    from ..analysis.point import load_values
    return load_values(data)


def _checked(prob, key):
    """Check the functions just made; ones that fail are not kept for the next solve either."""
    from .check import check_problem
    try:
        check_problem(prob)
    except Exception:
        _cache.pop(key, None)
        raise
    prob.evaluations = 0            # the report counts the run's


def _constant_hessian_once(spec):
    """The spec for one solve call, a constant Hessian evaluated once in it: the check and the run
    (and its convexity verdict) share the evaluation — at n = 400 the LASSO's 800×800 Hessian cost
    the check as much as the rest of its first solve. Constant means no variable in any block, so
    its value depends on the data only, which do not change during the call."""
    h = spec.get("hessian")
    if not h or not h[3]:
        return spec
    fn, params, blocks, constant = h
    memo = []

    def once(*args):
        if not memo:
            memo.append(fn(*args))
        return memo[0]
    return dict(spec, hessian=(once, params, blocks, constant))


def _is_dir(path):
    import os
    return os.path.isdir(path)


def _npy_dir(path):
    """A directory of NAME.npy files: one array per name."""
    import os
    import numpy as np
    out = {}
    for entry in sorted(os.listdir(path)):
        if entry.endswith(".npy"):
            out[entry[:-4]] = np.load(os.path.join(path, entry), allow_pickle=False)
    if not out:
        raise ProblemError(f"no .npy files in {path}")
    return out
