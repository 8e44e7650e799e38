"""Where a first `matcalc.solve` spends its CPU time, phase by phase, on solve_vs_cvxpy.py's six problems.

    taskset -c 1 python benchmarks/first_solve_phases.py [--sizes 20] [--repeat 11]

Each round clears the solve cache and the simplifier's memo (a first solve, as solve_vs_cvxpy.py's "first"
column), after one warm-up solve of every problem so that no lazy import is counted. The phases are the
functions solve calls, timed by wrapping them (the outermost wrapped call gets the time, so a gradient
inside the reading of a problem counts as reading): read (read_problem, rewrite), derive (the public
grad / hessian / jacobian), generate (codegen.generate), compile (exec of the generated code), check (the
generated functions against each other), solver (the numerical run); "other" is the rest of the solve.
CPU time of the process (time.process_time), in ms, median of the rounds. The script runs from the
checkout it lives in, so the same file copied into another checkout measures that one (paired runs).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import scipy.optimize  # noqa: E402,F401  (imported before any timing, as in solve_vs_cvxpy.py)

import matcalc  # noqa: E402
import matcalc.codegen  # noqa: E402
from matcalc.optimize import solver  # noqa: E402
from matcalc.simplify import _memo  # noqa: E402

PHASES = {"read": ("read_problem", "rewrite"), "derive": ("grad", "hessian", "jacobian"),
          "generate": (), "compile": ("compiled",), "check": ("_checked",), "solver": ("run",)}
_spent = {phase: 0 for phase in PHASES}
_depth = [0]


def _timed(phase, fn):
    def wrapper(*args, **kwargs):
        if _depth[0]:
            return fn(*args, **kwargs)
        _depth[0] += 1
        start = time.process_time_ns()
        try:
            return fn(*args, **kwargs)
        finally:
            _spent[phase] += time.process_time_ns() - start
            _depth[0] -= 1
    return wrapper


def instrument():
    """Wrap the phases' functions where solve's modules call them (solver.py, and the module its
    planning may live in)."""
    import importlib
    modules = [solver]
    try:
        modules.append(importlib.import_module("matcalc.optimize.plan"))
    except ImportError:
        pass
    for module in modules:
        for phase, names in PHASES.items():
            for name in names:
                if hasattr(module, name):
                    setattr(module, name, _timed(phase, getattr(module, name)))
    matcalc.codegen.generate = _timed("generate", matcalc.codegen.generate)


def problems(n, rng):
    """solve_vs_cvxpy.py's problems and data (its generator, the CVXPY reference left out)."""
    from solve_vs_cvxpy import problems as with_references
    return [case[:3] for case in with_references(n, rng)]


def first_solve(text, data):
    where = {"K": "n x n symmetric", "c": "scalar"} if "K" in data else None
    solver._cache.clear()
    _memo.clear()
    for phase in _spent:
        _spent[phase] = 0
    start = time.process_time_ns()
    matcalc.solve(text, data, where=where)
    total = time.process_time_ns() - start
    out = {phase: ns / 1e6 for phase, ns in _spent.items()}
    out["other"] = total / 1e6 - sum(out.values())
    out["total"] = total / 1e6
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20")
    ap.add_argument("--repeat", type=int, default=11)
    args = ap.parse_args()
    instrument()
    columns = list(PHASES) + ["other", "total"]
    print(f"matcalc {os.path.dirname(matcalc.__file__)}; load average {os.getloadavg()[0]:.2f}")
    print(f"{'problem':12} {'n':>4} " + " ".join(f"{c:>8}" for c in columns))
    for n in [int(s) for s in args.sizes.split(",")]:
        cases = problems(n, np.random.default_rng(n))
        for _, text, data in cases:         # warm-up: lazy imports and first-call costs outside the rounds
            first_solve(text, data)
        for name, text, data in cases:
            rounds = [first_solve(text, data) for _ in range(args.repeat)]
            row = {c: statistics.median(r[c] for r in rounds) for c in columns}
            print(f"{name:12} {n:4d} " + " ".join(f"{row[c]:8.2f}" for c in columns))
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
