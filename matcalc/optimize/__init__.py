"""Constrained problems in matrix notation: `kkt` (the KKT conditions, the KKT system and its
closed form where stationarity is linear), `solve` (SciPy on generated NumPy code) and
`solver_code` (the same as a standalone module: `codegen --solver`).

SciPy is imported only by `solve`."""
from .kkt import KKT, kkt
from .problem import Problem, ProblemError, read_problem


def solve(problem, data, where=None, wrt=None, **options):
    from .solver import solve as run
    return run(problem, data, where=where, wrt=wrt, **options)


def solver_code(problem, where=None, wrt=None):
    """The source of a standalone module solving `problem` with SciPy (`codegen --solver`)."""
    from .emit import solver_code as emit
    return emit(problem, where=where, wrt=wrt)


__all__ = ["KKT", "Problem", "ProblemError", "kkt", "read_problem", "solve", "solver_code"]
