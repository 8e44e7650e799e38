"""What both directions of the SymPy bridge share: the error they raise and the scalar functions.

SymPy is passed in (`sp`), never imported here: `import matcalc` must not import SymPy.
"""
from ..elementwise import FUNCTIONS
from ..errors import SympyBridgeError  # noqa: F401 (defined in errors.py with every other error)


def scalar_functions(sp):
    """matcalc element-wise function name → builder of the scalar SymPy expression (each row's sympy).

    Functions SymPy lacks are written by their definition; `from_sympy` recognises these bodies.
    """
    return {name: (lambda u, f=f: f.sympy(sp, u)) for name, f in FUNCTIONS.items()}
