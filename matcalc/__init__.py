"""matcalc: closed-form matrix derivatives by the differential-and-trace method.

    >>> import matcalc
    >>> str(matcalc.parse("x^T A x"))
    'x^T A x'
"""
from .errors import (CheckError, DeclarationError, DiffError, LimitError, MatcalcError, ParseError,
                     ShapeError)
from .api import Result, differential, directional, grad, hessian, hvp, jacobian
from .parse import parse

__all__ = ["parse", "grad", "jacobian", "hessian", "differential", "directional", "hvp", "Result", "MatcalcError", "ParseError", "ShapeError", "DeclarationError", "LimitError",
           "DiffError", "CheckError"]
__version__ = "0.1.0"
