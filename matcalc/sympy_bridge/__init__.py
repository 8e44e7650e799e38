"""Conversion to and from SymPy matrix expressions: `to_sympy(expr)` and `from_sympy(m)`.

SymPy is imported inside the functions only: `import matcalc` never imports it.

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
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..errors import MatcalcError

__all__ = ["to_sympy", "from_sympy", "SympyBridgeError"]


class SympyBridgeError(MatcalcError):
    kind = "sympy conversion"


# ---- scalar functions: matcalc name -> SymPy builder (of a scalar SymPy expression) -----------
def _scalar_functions(sp):
    return {
        "exp": sp.exp, "log": sp.log, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh,
        "sinh": sp.sinh, "cosh": sp.cosh, "sqrt": sp.sqrt, "abs": sp.Abs, "sign": sp.sign,
        "sigmoid": lambda u: 1 / (1 + sp.exp(-u)),
        "softplus": lambda u: sp.log(1 + sp.exp(u)),
        "relu": lambda u: sp.Max(0, u),
        "step": lambda u: sp.Heaviside(u, 0),
    }


# ---- to_sympy ---------------------------------------------------------------------------------
def to_sympy(expr, *, definitions=False):
    """The SymPy matrix expression (or scalar expression) of a matcalc expression.

    definitions=True writes softmax and logsumexp by their definitions instead of refusing them.
    Raises SympyBridgeError (a MatcalcError) for nodes SymPy has no counterpart for.
    """
    if not isinstance(expr, E.Expr):
        raise SympyBridgeError(f"to_sympy needs a matcalc expression, got {type(expr).__name__}")
    import sympy
    return _ToSympy(sympy, definitions).convert(expr)


class _ToSympy:
    def __init__(self, sp, definitions):
        from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
        self.sp, self.definitions, self.memo = sp, definitions, {}
        self.EAF = ElementwiseApplyFunction
        self.functions = _scalar_functions(sp)

    # helpers
    def dim(self, d):
        sp = self.sp
        if isinstance(d, int):
            return sp.Integer(d)
        if isinstance(d, str):
            return sp.Symbol(d, integer=True, positive=True)
        if isinstance(d, tuple):
            return sp.Mul(*(self.dim(f) for f in d))
        raise SympyBridgeError(f"to_sympy: unknown dimension {d!r}")

    def dims(self, shape):
        return self.dim(shape[0]), self.dim(shape[1])

    def is_matrix(self, s):
        return getattr(s, "is_Matrix", False)

    def scalar(self, e):
        """e (1×1 in matcalc) as a true SymPy scalar: a 1×1 matrix expression M becomes Trace(M)."""
        s = self.convert(e)
        return self.sp.Trace(s) if self.is_matrix(s) else s

    def matrix(self, e):
        """e as a SymPy matrix expression; a scalar standing for a 1×1 matrix becomes s * I₁."""
        s = self.convert(e)
        if self.is_matrix(s):
            return s
        return self.sp.MatMul(s, self.sp.Identity(1))

    def elementwise(self, fn, s):
        d = self.sp.Dummy("d")
        return self.EAF(self.sp.Lambda(d, fn(d)), s)

    def unsupported(self, e, why):
        raise SympyBridgeError(f"to_sympy: {why} ({type(e).__name__} in '{e}')")

    def convert(self, e):
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        method = getattr(self, "c_" + type(e).__name__, None)
        if method is None:
            self.unsupported(e, "no SymPy counterpart")
        out = method(e)
        self.memo[e] = out
        return out

    # leaves
    def c_Var(self, e):
        sp = self.sp
        if e.is_scalar:
            return sp.Symbol(e.name, real=True, **({"positive": True} if e.has("positive") else {}))
        return sp.MatrixSymbol(e.name, *self.dims(e.shape))

    def c_Differential(self, e):
        self.unsupported(e, "a differential has no SymPy matrix-expression counterpart")

    def c_Num(self, e):
        return self.sp.Rational(e.value.numerator, e.value.denominator)

    def c_Literal(self, e):
        sp = self.sp
        return sp.ImmutableMatrix([[sp.Rational(v.numerator, v.denominator) for v in row] for row in e.rows])

    def c_Identity(self, e):
        return self.sp.Identity(self.dim(e.n))

    def c_Zero(self, e):
        return self.sp.ZeroMatrix(*self.dims(e.shape))

    def c_Ones(self, e):
        return self.sp.OneMatrix(*self.dims(e.shape))

    def c_Commutation(self, e):
        self.unsupported(e, "SymPy has no commutation matrix K_{m,n}")

    # sums and products
    def c_Add(self, e):
        sp = self.sp
        if e.is_scalar:
            parts = [self.convert(t) for t in e.terms]
            if all(self.is_matrix(p) for p in parts):
                return sp.MatAdd(*parts)
            return sp.Add(*(self.scalar(t) for t in e.terms))
        return sp.MatAdd(*(self.matrix(t) for t in e.terms))

    def c_Mul(self, e):
        sp = self.sp
        chain = [f for f in e.factors if not f.is_scalar]
        if chain:
            coefs = [self.scalar(f) for f in e.factors if f.is_scalar]
            mats = [self.matrix(f) for f in chain]
        else:   # a product of scalars; 1×1 matrix products among them chain validly
            parts = [self.convert(f) for f in e.factors]
            coefs = [p for p in parts if not self.is_matrix(p)]
            mats = [p for p in parts if self.is_matrix(p)]
            if not mats:
                return sp.Mul(*coefs)
        if not coefs and len(mats) == 1:
            return mats[0]
        return sp.MatMul(*coefs, *mats)

    def c_Hadamard(self, e):
        if e.is_scalar:
            return self.sp.Mul(*(self.scalar(f) for f in e.factors))
        return self.sp.HadamardProduct(*(self.matrix(f) for f in e.factors))

    def c_Kron(self, e):
        sp = self.sp
        left, right = e.left, e.right
        if left.is_scalar or right.is_scalar:   # c ⊗ A = c A
            c, m = (left, right) if left.is_scalar else (right, left)
            return sp.MatMul(self.scalar(c), self.matrix(m)) if not m.is_scalar else \
                sp.Mul(self.scalar(c), self.scalar(m))
        return sp.KroneckerProduct(self.matrix(left), self.matrix(right))

    def c_Pow(self, e):
        if e.base.is_scalar:
            return self.sp.Pow(self.scalar(e.base), self.scalar(e.exponent))
        return self.sp.HadamardPower(self.matrix(e.base), self.scalar(e.exponent))

    # matrix operators
    def c_Transpose(self, e):
        s = self.convert(e.arg)
        if e.arg.is_scalar and not self.is_matrix(s):
            return s
        return self.sp.Transpose(s)

    def c_Inverse(self, e):
        if e.arg.is_scalar:
            return self.sp.Pow(self.scalar(e.arg), -1)
        return self.sp.Inverse(self.matrix(e.arg))

    def c_MatPow(self, e):
        if e.arg.is_scalar:
            return self.sp.Pow(self.scalar(e.arg), e.k)
        return self.sp.MatPow(self.matrix(e.arg), e.k)

    def c_Trace(self, e):
        if e.arg.is_scalar:
            return self.scalar(e.arg)
        return self.sp.Trace(self.matrix(e.arg))

    def c_Det(self, e):
        if e.arg.is_scalar:
            return self.scalar(e.arg)
        return self.sp.Determinant(self.matrix(e.arg))

    def c_LogDet(self, e):
        if e.arg.is_scalar:
            return self.sp.log(self.scalar(e.arg))
        return self.sp.log(self.sp.Determinant(self.matrix(e.arg)))

    def c_Sum(self, e):
        sp = self.sp
        a = e.arg
        if a.is_scalar:
            return self.convert(a)
        r, c = self.dims(a.shape)
        m = self.matrix(a)
        left = [sp.OneMatrix(1, r)] if a.shape[0] != 1 else []
        right = [sp.OneMatrix(c, 1)] if a.shape[1] != 1 else []
        return sp.MatMul(*left, m, *right)

    def c_DiagVec(self, e):
        if e.arg.is_scalar:
            return self.convert(e.arg)
        return self.sp.DiagonalOf(self.matrix(e.arg))

    def c_DiagMat(self, e):
        if e.arg.is_scalar:
            return self.convert(e.arg)
        return self.sp.DiagMatrix(self.matrix(e.arg))

    def c_Vec(self, e):
        a = e.arg
        if a.shape[1] == 1:
            return self.convert(a)
        if a.shape[0] == 1:
            return self.sp.Transpose(self.matrix(a))
        self.unsupported(e, "SymPy's matrix expressions have no vec of a matrix")

    def c_Norm(self, e):
        sp = self.sp
        a = e.arg
        if a.is_scalar:
            return sp.Abs(self.scalar(a))
        if e.p == 2:
            m = self.matrix(a)
            return sp.sqrt(sp.Trace(sp.MatMul(sp.Transpose(m), m)))
        if e.p == 1:
            return self.c_Sum(E.Sum(E.Apply("abs", a)))
        self.unsupported(e, f"the {e.p}-norm")

    def c_Apply(self, e):
        fn = self.functions.get(e.fn)
        if fn is None:
            self.unsupported(e, f"unknown element-wise function {e.fn}")
        if e.arg.is_scalar:
            return fn(self.scalar(e.arg))
        return self.elementwise(fn, self.matrix(e.arg))

    def _exp_sum(self, e):
        sp = self.sp
        ex = self.elementwise(sp.exp, self.matrix(e.arg))
        n = self.dim(e.arg.shape[0])
        return ex, sp.Trace(sp.MatMul(sp.OneMatrix(1, n), ex))

    def c_Softmax(self, e):
        if not self.definitions:
            self.unsupported(e, "SymPy has no softmax (to_sympy(..., definitions=True) writes it as "
                                "exp(x) / sum(exp(x)))")
        ex, total = self._exp_sum(e)
        return self.sp.MatMul(self.sp.Pow(total, -1), ex)

    def c_LogSumExp(self, e):
        if not self.definitions:
            self.unsupported(e, "SymPy has no logsumexp (to_sympy(..., definitions=True) writes it as "
                                "log(sum(exp(x))))")
        return self.sp.log(self._exp_sum(e)[1])


# ---- from_sympy -------------------------------------------------------------------------------
def from_sympy(m, variables=None):
    """The matcalc expression of a SymPy matrix or scalar expression.

    MatrixSymbols become Vars with their dimensions as names (str) or ints; Symbols scalar Vars
    (declared positive when SymPy knows them positive). `variables` — a matcalc expression, an
    iterable of Vars, or a dict name → Var — supplies the Var for a name (to keep its declared
    properties); its shape must agree. Raises SympyBridgeError (a MatcalcError) for anything with no
    matcalc counterpart.
    """
    import sympy
    if isinstance(m, (int, Fraction)) and not isinstance(m, bool):
        return E.Num(m)
    if isinstance(m, float):
        m = sympy.Float(m)
    if isinstance(m, sympy.MatrixBase) and not isinstance(m, sympy.Basic):
        m = sympy.ImmutableMatrix(m)
    if not isinstance(m, sympy.Basic):
        raise SympyBridgeError(f"from_sympy needs a SymPy expression, got {type(m).__name__}")
    return _FromSympy(sympy, _variables(variables), m).convert(m)


def _variables(variables):
    if variables is None:
        return {}
    if isinstance(variables, E.Expr):
        variables = [v for v in variables.free if isinstance(v, E.Var)]
    if isinstance(variables, dict):
        return dict(variables)
    return {v.name: v for v in variables}


class _FromSympy:
    def __init__(self, sp, variables, root):
        from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
        from sympy.matrices.expressions.matexpr import MatrixElement
        from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalMatrix, DiagonalOf
        self.sp, self.variables = sp, variables
        self.memo, self.bound = {}, {}
        self.functions = _scalar_functions(sp)
        # SymPy class -> method; order matters where classes inherit (Inverse is a MatPow)
        self.table = [
            (sp.MatrixSymbol, self.f_MatrixSymbol), (sp.Identity, self.f_Identity),
            (sp.ZeroMatrix, self.f_ZeroMatrix), (sp.OneMatrix, self.f_OneMatrix),
            (sp.MatAdd, self.f_Add), (sp.MatMul, self.f_MatMul),
            (sp.HadamardProduct, self.f_HadamardProduct), (sp.HadamardPower, self.f_HadamardPower),
            (sp.KroneckerProduct, self.f_KroneckerProduct), (sp.Transpose, self.f_Transpose),
            (sp.Inverse, self.f_Inverse), (sp.MatPow, self.f_MatPow), (sp.Trace, self.f_Trace),
            (sp.Determinant, self.f_Determinant), (DiagonalOf, self.f_DiagonalOf),
            (DiagMatrix, self.f_DiagMatrix), (DiagonalMatrix, self.f_DiagonalMatrix),
            (ElementwiseApplyFunction, self.f_Elementwise), (MatrixElement, self.f_MatrixElement),
            (sp.MatrixBase, self.f_Explicit),
            (sp.Symbol, self.f_Symbol), (sp.Rational, self.f_Rational), (sp.Float, self.f_Float),
            (sp.Add, self.f_Add), (sp.Mul, self.f_Mul), (sp.Pow, self.f_Pow),
            (sp.log, self.f_log), (sp.Max, self.f_Max), (sp.Heaviside, self.f_Heaviside),
        ]
        self.plain_functions = {sp.exp: "exp", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
                                sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.Abs: "abs",
                                sp.sign: "sign"}
        # symbols used as dimensions: in value position they are tr(I_n)
        self.dim_symbols = set()
        for node in sp.preorder_traversal(root):
            if getattr(node, "is_Matrix", False) and hasattr(node, "shape"):
                for d in node.shape:
                    if isinstance(d, sp.Basic):
                        self.dim_symbols |= d.free_symbols

    def fail(self, m, why="has no matcalc counterpart"):
        raise SympyBridgeError(f"from_sympy: {type(m).__name__} {why} (in '{m}')")

    def dim(self, d):
        sp = self.sp
        d = sp.sympify(d)
        if d.is_Integer:
            if d < 1:
                self.fail(d, "is not a valid dimension")
            return int(d)
        if d.is_Symbol:
            return d.name
        if d.is_Mul:
            out = 1
            for f in d.args:
                out = S.mul_dims(out, self.dim(f))
            return out
        if d.is_Pow and d.exp.is_Integer and d.exp > 0:
            out = 1
            for _ in range(int(d.exp)):
                out = S.mul_dims(out, self.dim(d.base))
            return out
        self.fail(d, "is not a dimension matcalc can express (an integer, a symbol or a product)")

    def shape(self, m):
        return self.dim(m.shape[0]), self.dim(m.shape[1])

    def convert(self, m):
        hit = self.memo.get(m)
        if hit is not None:
            return hit
        out = self.dispatch(m)
        self.memo[m] = out
        return out

    def dispatch(self, m):
        sp = self.sp
        if m in self.bound:
            return self.bound[m]
        for cls, method in self.table:
            if isinstance(m, cls):
                return method(m)
        fn = self.plain_functions.get(type(m))
        if fn is not None:
            return E.Apply(fn, self.convert(m.args[0]))
        if m is sp.E:
            return E.Apply("exp", E.ONE)
        if (getattr(type(m), "__module__", None) or "").startswith("sympy.tensor.array.expressions"):
            return self.f_Array(m)
        self.fail(m)

    def f_Array(self, m):
        """SymPy's derivative of a 1×1 matrix expression by an r×c matrix is an array expression of
        shape (r, c, 1, 1) (PermuteDims(ArrayTensorProduct(a, b)) for aᵀXb): read as the r×c matrix."""
        from sympy.tensor.array.expressions import ArrayContraction, PermuteDims
        from sympy.tensor.array.expressions.from_array_to_matrix import convert_array_to_matrix
        shape = tuple(m.shape)
        candidates = [m]
        if len(shape) == 4 and shape[2:] == (1, 1):
            # M[i, j] = D[i, j, 0, 0]: move the two unit axes between i and j and contract them
            candidates.append(ArrayContraction(PermuteDims(m, [0, 2, 3, 1]), (1, 2)))
        for c in candidates:
            try:
                out = convert_array_to_matrix(c)
            except Exception:   # SymPy's converter refuses shapes it cannot write as matrices
                continue
            if getattr(out, "is_Matrix", False) or not hasattr(out, "shape"):
                return self.convert(out)
        self.fail(m, f"is an array expression of shape {shape} with no matrix form")

    def var(self, name, dims, props):
        known = self.variables.get(name)
        if known is not None:
            if known.shape != dims:
                raise SympyBridgeError(f"from_sympy: {name} is {S.fmt_shape(dims)} in the SymPy expression but "
                                       f"{S.fmt_shape(known.shape)} in the given variables")
            return known
        return E.Var(name, dims, frozenset(props))

    # leaves
    def f_MatrixSymbol(self, m):
        return self.var(m.name, self.shape(m), ())

    def f_Symbol(self, m):
        if m in self.dim_symbols:
            return E.Trace(E.Identity(m.name))        # SymPy's Trace(Identity(n)) = n
        if isinstance(m, self.sp.Dummy):
            self.fail(m, "is an unbound dummy")
        return self.var(m.name, S.SCALAR, ("positive",) if m.is_positive else ())

    def f_Rational(self, m):
        return E.Num(Fraction(int(m.p), int(m.q)))

    def f_Float(self, m):
        if not m.is_finite:
            self.fail(m, "is not finite")
        return E.Num(Fraction(repr(float(m))))

    def f_Identity(self, m):
        n = self.dim(m.rows)
        return E.ONE if n == 1 else E.Identity(n)

    def f_ZeroMatrix(self, m):
        dims = self.shape(m)
        return E.Num(0) if dims == S.SCALAR else E.Zero(dims)

    def f_OneMatrix(self, m):
        dims = self.shape(m)
        return E.ONE if dims == S.SCALAR else E.Ones(dims)

    def f_Explicit(self, m):
        rows = []
        for i in range(m.rows):
            row = []
            for j in range(m.cols):
                v = m[i, j]
                if not v.is_Rational:
                    if v.is_Float:
                        v = self.sp.Rational(repr(float(v)))
                    else:
                        self.fail(m, f"has the entry {v}, not a number (only numeric matrices are literals)")
                row.append(Fraction(int(v.p), int(v.q)))
            rows.append(row)
        if m.rows == 1 and m.cols == 1:
            return E.Num(rows[0][0])
        return E.Literal(rows)

    # sums and products
    def f_Add(self, m):
        terms = [self.convert(a) for a in m.args]
        target = next((t.shape for t in terms if not t.is_scalar), None)
        if target is not None:   # inside an element-wise function: scalars are broadcast
            terms = [E.product(t, E.Ones(target)) if t.is_scalar else t for t in terms]
        return terms[0] if len(terms) == 1 else E.Add(*terms)

    def f_MatMul(self, m):
        coefs = [a for a in m.args if not a.is_Matrix]
        mats = [a for a in m.args if a.is_Matrix]
        if m.shape == (1, 1) and len(mats) >= 2:
            inner = list(mats)
            if isinstance(inner[0], self.sp.OneMatrix) and inner[0].rows == 1 and inner[0].cols != 1:
                inner = inner[1:]
            if inner and isinstance(inner[-1], self.sp.OneMatrix) and inner[-1].cols == 1 \
                    and inner[-1].rows != 1:
                inner = inner[:-1]
            if inner and len(inner) < len(mats):   # 1ᵀ X 1 is sum(X)
                body = E.product(*(self.convert(a) for a in inner))
                total = E.Norm(body.arg, 1) if isinstance(body, E.Apply) and body.fn == "abs" \
                    and not body.arg.is_scalar else E.Sum(body)
                return E.product(*(self.convert(c) for c in coefs), total)
        return E.product(*(self.convert(a) for a in m.args))

    def f_Mul(self, m):
        parts = [self.convert(a) for a in m.args]
        mats = [p for p in parts if not p.is_scalar]
        if mats:   # inside an element-wise function: a product of same-shape arrays is ⊙
            scal = [p for p in parts if p.is_scalar]
            had = mats[0] if len(mats) == 1 else E.Hadamard(*mats)
            return E.product(*scal, had)
        return E.product(*parts)

    def f_HadamardProduct(self, m):
        parts = [self.convert(a) for a in m.args]
        return parts[0] if len(parts) == 1 else E.Hadamard(*parts)

    def f_HadamardPower(self, m):
        return E.Pow(self.convert(m.base), self.convert(m.exp))

    def f_Pow(self, m):
        sp = self.sp
        base, exp = m.base, m.exp
        if exp.is_Rational and exp.q == 2 and isinstance(base, sp.Trace) and isinstance(base.arg, sp.MatMul) \
                and len(base.arg.args) == 2:
            a, b = base.arg.args
            if isinstance(a, sp.Transpose) and a.arg == b:     # tr(XᵀX)^(k/2) = ||X||^k
                norm = E.Norm(self.convert(b), 2)
                return norm if exp.p == 1 else E.Pow(norm, E.Num(int(exp.p)))
        if exp == sp.S.Half:
            return E.Apply("sqrt", self.convert(base))
        b, k = self.convert(base), self.convert(exp)
        if not k.is_scalar:
            self.fail(m, "has a non-scalar exponent")
        return E.Pow(b, k)

    def f_KroneckerProduct(self, m):
        parts = [self.convert(a) for a in m.args]
        out = parts[0]
        for p in parts[1:]:
            out = E.Kron(out, p)
        return out

    # matrix operators
    def f_Transpose(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Transpose(a)

    def f_Inverse(self, m):
        a = self.convert(m.arg)
        return E.Pow(a, E.Num(-1)) if a.is_scalar else E.Inverse(a)

    def f_MatPow(self, m):
        k = m.exp
        if not (k.is_Integer):
            self.fail(m, "has a non-integer exponent (matcalc's matrix powers are integer)")
        k = int(k)
        a = self.convert(m.base)
        if a.is_scalar:
            return E.Pow(a, E.Num(k))
        if k < 0:
            a, k = E.Inverse(a), -k
        if k == 0:
            return E.Identity(a.shape[0])
        return a if k == 1 else E.MatPow(a, k)

    def f_Trace(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Trace(a)

    def f_Determinant(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Det(a)

    def f_log(self, m):
        (arg,) = m.args
        if isinstance(arg, self.sp.Determinant):
            a = self.convert(arg.arg)
            if not a.is_scalar:
                return E.LogDet(a)
        return E.Apply("log", self.convert(arg))

    def f_Max(self, m):
        others = [a for a in m.args if a != 0]
        if len(m.args) == 2 and len(others) == 1:
            return E.Apply("relu", self.convert(others[0]))
        self.fail(m, "other than max(0, u)")

    def f_Heaviside(self, m):
        # step(0) = 0 in matcalc; Heaviside(u) (H(0) = 1/2) is read as step too, it differs only at 0
        return E.Apply("step", self.convert(m.args[0]))

    def f_DiagonalOf(self, m):
        a = self.convert(m.arg)
        if a.is_scalar:
            return a
        if a.shape[0] != a.shape[1]:
            self.fail(m, "of a non-square matrix")
        return E.DiagVec(a)

    def f_DiagMatrix(self, m):
        a = self.convert(m.args[0])
        if a.is_scalar:
            return a
        if a.shape[0] == 1:
            a = E.Transpose(a)
        if a.shape[1] != 1:
            self.fail(m, "of a matrix")
        return E.DiagMat(a)

    def f_DiagonalMatrix(self, m):
        a = self.convert(m.arg)
        if a.is_scalar:
            return a
        return E.Hadamard(a, E.Identity(a.shape[0]))

    def f_MatrixElement(self, m):
        parent, i, j = m.args
        if parent.shape == (1, 1) and i == 0 and j == 0:
            return self.convert(parent)
        self.fail(m, "(a single entry of a matrix)")

    def f_Elementwise(self, m):
        sp = self.sp
        fn, arg = m.function, self.convert(m.expr)
        if isinstance(fn, sp.Lambda) and len(fn.variables) == 1:
            d, body = fn.variables[0], fn.expr
            for name, build in self.functions.items():
                if body == build(d):
                    return E.Apply(name, arg)
            saved = dict(self.bound)
            self.bound[d] = arg
            memo = self.memo
            self.memo = {}          # the body's dummy means `arg` only here
            try:
                out = self.convert(body)
            finally:
                self.bound, self.memo = saved, memo
            if out.shape != arg.shape:
                out = E.product(out, E.Ones(arg.shape))   # a constant function
            return out
        name = self.plain_functions.get(fn)
        if name is not None:
            return E.Apply(name, arg)
        self.fail(m, f"applies {fn}, which matcalc cannot read")
