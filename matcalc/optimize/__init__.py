"""Constrained problems in matrix notation: `kkt` (the KKT conditions, the KKT system and its
closed form where stationarity is linear) and `solve` (SciPy's trust-constr on generated NumPy code).

SciPy is imported only by `solve`."""
from .kkt import KKT, kkt
from .problem import Problem, ProblemError, read_problem


def solve(problem, data, where=None, wrt=None, **options):
    from .solver import solve as run
    return run(problem, data, where=where, wrt=wrt, **options)


__all__ = ["KKT", "Problem", "ProblemError", "kkt", "read_problem", "solve"]
