"""What both directions of the SymPy bridge share: the error they raise and the scalar functions.

SymPy is passed in (`sp`), never imported here: `import matcalc` must not import SymPy.
"""
from ..errors import SympyBridgeError  # noqa: F401 (defined in errors.py with every other error)


def scalar_functions(sp):
    """matcalc element-wise function name → builder of the scalar SymPy expression.

    Functions SymPy lacks are written by their definition; `from_sympy` recognises these bodies.
    """
    return {
        "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh,
        "sinh": sp.sinh, "cosh": sp.cosh, "sqrt": sp.sqrt, "abs": sp.Abs, "sign": sp.sign,
        "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
        "softplus": lambda u: sp.log(1 + sp.exp(u)),
        "relu": lambda u: sp.Max(0, u),
        "step": lambda u: sp.Heaviside(u, 0),
    }
