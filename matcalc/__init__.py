"""matcalc: closed-form matrix derivatives by the differential-and-trace method.

    >>> import matcalc
    >>> str(matcalc.parse("x^T A x"))
    'x^T A x'
"""
from .errors import CheckError, DeclarationError, DiffError, LimitError, MatcalcError, ParseError, ShapeError
from .api import Result, differential, directional, grad, hessian, hvp, jacobian
from . import api_codegen  # noqa: F401,E402  (registers matcalc.codegen(...), see calling.PUBLIC)
from .parse import parse
from . import ops  # noqa: F401,E402 (the extension operations register their rows in every table)


def kkt(problem, where=None, wrt=None, **options):
    """The KKT conditions of 'min f st g <= 0, h == 0' (see matcalc.optimize)."""
    from .optimize import kkt as run
    return run(problem, where, wrt, **options)


def solve(problem, data, where=None, wrt=None, **options):
    """Solve 'min f st …' on the arrays in `data` with SciPy (see matcalc.optimize.solver)."""
    from .optimize.solver import solve as run
    return run(problem, data, where=where, wrt=wrt, **options)


def __getattr__(name):
    """`matcalc.codegen` loads on first use: the package matcalc/codegen/, which is also callable as
    `matcalc.codegen(expr, wrt, target=…, where=…)` (see matcalc/api_codegen.py)."""
    if name == "codegen":
        import importlib
        return importlib.import_module(".codegen", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def from_sympy(matrix_expr, **options):
    """A matcalc expression from a SymPy matrix expression (MatrixSymbol, MatMul, Trace, …)."""
    from .sympy_bridge import from_sympy as convert
    return convert(matrix_expr, **options)


def to_sympy(expr, **options):
    """A SymPy matrix expression from a matcalc expression."""
    from .sympy_bridge import to_sympy as convert
    return convert(parse(expr), **options)


__all__ = ["parse", "from_sympy", "to_sympy", "grad", "jacobian", "hessian", "differential", "directional", "hvp",
           "codegen", "kkt", "solve", "Result", "MatcalcError", "ParseError", "ShapeError", "DeclarationError",
           "LimitError", "DiffError", "CheckError"]
__version__ = "0.1.0"
