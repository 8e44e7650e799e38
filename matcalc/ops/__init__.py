"""Extension operations: one file per operation, each defining its node type and registering its rows.

An operation file holds (JAX's lax.py paragraph style):
- the node class, with its shape rule (`shape_of`);
- its rows in every table: `diff.DIFF` (the differential, with its identity), `adjoint.ADJOINT` and
  `vectorize.VEC` (a refusal when the differential cannot pass through the node linearly), the
  printers' `TEXT` and `LATEX`; by table name (`tables.register`), so that NumPy, SymPy and codegen
  load only when used: `evaluate` (numeric.EVAL), `code` (codegen/rules.py CODE) and `to_sympy`;
- how it is read: its builder in parse/calls.py `BUILT` and its kind rule in parse/kinds.py
  `CALL_KINDS` (the grammar's FUNC alternation and vocabulary.FUNCTIONS name it).

`import matcalc` imports this package, so every row is registered before a node of the type can
exist; `matcalc.expr` finds the classes by name (E.Softmax).
No module outside this package names these node types.
"""
from .logsumexp import LogSumExp
from .size import Size
from .softmax import Softmax
from .softmax_rows import LogSumExpRows, SoftmaxRows   # after softmax and logsumexp: it reads them on matrices
from .eigen import Eigenvalue, Eigenvector
from .nuclear_norm import NuclearNorm, Polar
from .spectral_norm import SpectralNorm
from .matrix_functions import ExpM, LogM, PowM, SqrtM
from .frechet import Frechet                           # d f(X) = L_f(X, dX) for the matrix functions above
from .kronecker_form import KronForm                   # vec L_f(X, E) = K_f(X) vec E
from .second_frechet import Frechet2, KronForm2        # d L_f(X, E) = L²_f(X, E, dX) + L_f(X, dE), for Hessians
from . import matrix_function_code, matrix_function_identities  # noqa: F401,E402 (their rows: code, simplification)
from .normalize_rows import NormalizeCols, NormalizeRows, StdCols, StdRows
from .rms_norm import RmsCols, RmsNormalizeCols, RmsNormalizeRows, RmsRows   # after layer norm's: its reader runs first

OPERATIONS = (Softmax, LogSumExp, SoftmaxRows, LogSumExpRows)
OPERATIONS += (Eigenvalue, Eigenvector, NuclearNorm, Polar, SpectralNorm)
OPERATIONS += (Size,)
OPERATIONS += (ExpM, LogM, SqrtM, PowM, Frechet, KronForm, Frechet2, KronForm2)
OPERATIONS += (StdRows, StdCols, NormalizeRows, NormalizeCols)
OPERATIONS += (RmsRows, RmsCols, RmsNormalizeRows, RmsNormalizeCols)
