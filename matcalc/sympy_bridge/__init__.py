"""Conversion to and from SymPy matrix expressions: `to_sympy(expr)` and `from_sympy(m)`.

SymPy is imported inside the functions only: `import matcalc` never imports it.
matcalc_to_sympy.py holds to_sympy (a tables.Table keyed by node type), sympy_to_matcalc.py holds
from_sympy (a table keyed by SymPy class, looked up along the MRO: class_table.py).

to_sympy — conventions
  * A vector or matrix variable is a `MatrixSymbol(name, rows, cols)`; a scalar variable is a
    `Symbol(name, real=True)` (and `positive=True` when declared positive).
  * A symbolic dimension is `Symbol(name, integer=True, positive=True)`; a numeric one an Integer;
    a product dimension (from ⊗ and vec) the product of those.
  * Numbers are exact Rationals; inline literals are ImmutableMatrix.
  * 1×1 values: matcalc treats every 1×1 value as a scalar, SymPy distinguishes 1×1 matrix
    expressions (x.T*A*x, a MatMul) from scalars (Symbol, Trace, Determinant). A 1×1 result that is
    naturally a matrix product or a sum of such stays a 1×1 matrix expression (x.T*A*x, which
    `.diff(x)` accepts). Where SymPy needs a true scalar — a 1×1 product used as the coefficient of a
    matrix, the argument of log/sqrt/a power, a term of a sum with scalars — it is wrapped as
    `Trace(M)`, the trace of the 1×1 matrix, which SymPy differentiates correctly (its `M[0, 0]`
    differentiates to 0). `from_sympy` removes such a Trace again.
  * sum(X) is OneMatrix(1, m)*X*OneMatrix(n, 1) (one side only for a vector); ||X|| (Frobenius or
    Euclidean) is sqrt(Trace(X.T*X)); ||X||_1 is the sum of Abs applied element-wise; |c| = Abs(c).
  * Element-wise functions of a vector or matrix are ElementwiseApplyFunction(Lambda(d, f(d)), X),
    element-wise powers HadamardPower(X, k). Functions SymPy lacks are written by their definition:
    sigmoid(u) = 1/(1 + exp(-u)), softplus(u) = log(1 + exp(u)), relu(u) = Max(0, u),
    step(u) = Heaviside(u, 0).
  * diag(X) → DiagonalOf(X), diag(x) → DiagMatrix(x), log det X → log(Determinant(X)).
  * Variable properties (symmetric, spd, diagonal) have no place on a MatrixSymbol and are dropped;
    pass `variables=` to `from_sympy` to get them back.
  * Not expressible (MatcalcError): Commutation, Differential, vec of a matrix (vec of a vector is the
    vector), and Softmax / LogSumExp unless `definitions=True`, which writes them as
    exp.(x) / sum(exp.(x)) and log(sum(exp.(x))).

from_sympy — accepted: MatrixSymbol, Symbol, Integer/Rational/Float, E, ImmutableMatrix/Matrix,
  MatAdd, MatMul, Add, Mul, Pow, HadamardProduct, HadamardPower, KroneckerProduct, Transpose,
  Inverse, MatPow (integer exponents), Trace, Determinant, log(Determinant) → LogDet, Identity,
  ZeroMatrix, OneMatrix, DiagonalOf, DiagMatrix, DiagonalMatrix (X ⊙ I), MatrixElement of a 1×1
  matrix, ElementwiseApplyFunction, array expressions SymPy can write as a matrix (its derivative of
  a 1×1 matrix by an r×c matrix has shape (r, c, 1, 1) and is read as r×c), and the scalar functions
  exp log sin cos tan tanh sinh cosh sqrt Abs sign Heaviside (any value at 0) Max(0, ·).
  The patterns written above are read back: 1ᵀ X 1 → sum(X), sqrt(Trace(X.T*X)) → ||X|| (and
  tr(XᵀX)^(k/2) → ||X||^k for odd k), sum(abs(X)) → ||X||_1, a Trace of a 1×1 matrix → the matrix,
  the Lambda bodies above → sigmoid, softplus, relu, step; other Lambda bodies are read element-wise
  (d ↦ 2 d + sin(d)² becomes 2 X + sin(X) .^ 2). A Symbol that is also a dimension of the expression
  (Trace(Identity(n)).doit() is n) becomes tr(I_n). Products are built with `expr.product`, so
  coefficients are canonical; nothing else is simplified. A scalar log(1 + exp(u)) is read literally
  (softplus is recognised only as an element-wise Lambda body).
"""
from .common import SympyBridgeError
from .matcalc_to_sympy import to_sympy
from .sympy_to_matcalc import from_sympy

__all__ = ["to_sympy", "from_sympy", "SympyBridgeError"]
