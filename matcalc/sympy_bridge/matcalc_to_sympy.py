"""matcalc → SymPy: `to_sympy(expr)`, one rule per node type in the `TO_SYMPY` table.

The conventions (1×1 values, dimensions, functions SymPy lacks) are in the package docstring. The
rules are methods of the converter `_ToSympy` (they need SymPy, the options and the memo),
registered in the class body next to their definitions and called as `rule(converter, node)`.
A node SymPy has no counterpart for has a row too, one that raises SympyBridgeError saying why.
"""
from .. import expr as E
from ..tables import Table
from .common import SympyBridgeError, scalar_functions

TO_SYMPY = Table("to_sympy", doc="matcalc node → SymPy matrix or scalar expression")


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
        self.functions = scalar_functions(sp)

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
        out = TO_SYMPY[type(e)](self, e)
        self.memo[e] = out
        return out

    # leaves
    @TO_SYMPY.register(E.Var)
    def c_Var(self, e):
        sp = self.sp
        if e.is_scalar:
            return sp.Symbol(e.name, real=True, **({"positive": True} if e.has("positive") else {}))
        return sp.MatrixSymbol(e.name, *self.dims(e.shape))

    @TO_SYMPY.register(E.Differential)
    def c_Differential(self, e):
        self.unsupported(e, "a differential has no SymPy matrix-expression counterpart")

    @TO_SYMPY.register(E.Num)
    def c_Num(self, e):
        return self.sp.Rational(e.value.numerator, e.value.denominator)

    @TO_SYMPY.register(E.Const)
    def c_Const(self, e):
        return {"π": self.sp.pi}[e.name]

    @TO_SYMPY.register(E.Literal)
    def c_Literal(self, e):
        sp = self.sp
        return sp.ImmutableMatrix([[sp.Rational(v.numerator, v.denominator) for v in row] for row in e.rows])

    @TO_SYMPY.register(E.Identity)
    def c_Identity(self, e):
        return self.sp.Identity(self.dim(e.n))

    @TO_SYMPY.register(E.Zero)
    def c_Zero(self, e):
        return self.sp.ZeroMatrix(*self.dims(e.shape))

    @TO_SYMPY.register(E.Ones)
    def c_Ones(self, e):
        return self.sp.OneMatrix(*self.dims(e.shape))

    @TO_SYMPY.register(E.Commutation)
    def c_Commutation(self, e):
        self.unsupported(e, "SymPy has no commutation matrix K_{m,n}")

    @TO_SYMPY.register(E.Call, E.CallJacobian, E.ElementCall)
    def c_user_function(self, e):
        self.unsupported(e, "no SymPy counterpart")

    # sums and products
    @TO_SYMPY.register(E.Add)
    def c_Add(self, e):
        sp = self.sp
        if e.is_scalar:
            parts = [self.convert(t) for t in e.terms]
            if all(self.is_matrix(p) for p in parts):
                return sp.MatAdd(*parts)
            return sp.Add(*(self.scalar(t) for t in e.terms))
        return sp.MatAdd(*(self.matrix(t) for t in e.terms))

    @TO_SYMPY.register(E.Mul)
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

    @TO_SYMPY.register(E.Hadamard)
    def c_Hadamard(self, e):
        if e.is_scalar:
            return self.sp.Mul(*(self.scalar(f) for f in e.factors))
        return self.sp.HadamardProduct(*(self.matrix(f) for f in e.factors))

    @TO_SYMPY.register(E.Kron)
    def c_Kron(self, e):
        sp = self.sp
        left, right = e.left, e.right
        if left.is_scalar or right.is_scalar:   # c ⊗ A = c A
            c, m = (left, right) if left.is_scalar else (right, left)
            return sp.MatMul(self.scalar(c), self.matrix(m)) if not m.is_scalar else \
                sp.Mul(self.scalar(c), self.scalar(m))
        return sp.KroneckerProduct(self.matrix(left), self.matrix(right))

    @TO_SYMPY.register(E.Pow)
    def c_Pow(self, e):
        if e.base.is_scalar:
            return self.sp.Pow(self.scalar(e.base), self.scalar(e.exponent))
        return self.sp.HadamardPower(self.matrix(e.base), self.scalar(e.exponent))

    # matrix operators
    @TO_SYMPY.register(E.Transpose)
    def c_Transpose(self, e):
        s = self.convert(e.arg)
        if e.arg.is_scalar and not self.is_matrix(s):
            return s
        return self.sp.Transpose(s)

    @TO_SYMPY.register(E.Inverse)
    def c_Inverse(self, e):
        if e.arg.is_scalar:
            return self.sp.Pow(self.scalar(e.arg), -1)
        return self.sp.Inverse(self.matrix(e.arg))

    @TO_SYMPY.register(E.MatPow)
    def c_MatPow(self, e):
        if e.arg.is_scalar:
            return self.sp.Pow(self.scalar(e.arg), e.k)
        return self.sp.MatPow(self.matrix(e.arg), e.k)

    @TO_SYMPY.register(E.Trace)
    def c_Trace(self, e):
        if e.arg.is_scalar:
            return self.scalar(e.arg)
        return self.sp.Trace(self.matrix(e.arg))

    @TO_SYMPY.register(E.Det)
    def c_Det(self, e):
        if e.arg.is_scalar:
            return self.scalar(e.arg)
        return self.sp.Determinant(self.matrix(e.arg))

    @TO_SYMPY.register(E.LogDet)
    def c_LogDet(self, e):
        if e.arg.is_scalar:
            return self.sp.log(self.scalar(e.arg))
        return self.sp.log(self.sp.Determinant(self.matrix(e.arg)))

    @TO_SYMPY.register(E.Sum)
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

    @TO_SYMPY.register(E.DiagVec)
    def c_DiagVec(self, e):
        if e.arg.is_scalar:
            return self.convert(e.arg)
        return self.sp.DiagonalOf(self.matrix(e.arg))

    @TO_SYMPY.register(E.DiagMat)
    def c_DiagMat(self, e):
        if e.arg.is_scalar:
            return self.convert(e.arg)
        return self.sp.DiagMatrix(self.matrix(e.arg))

    @TO_SYMPY.register(E.Vec)
    def c_Vec(self, e):
        a = e.arg
        if a.shape[1] == 1:
            return self.convert(a)
        if a.shape[0] == 1:
            return self.sp.Transpose(self.matrix(a))
        self.unsupported(e, "SymPy's matrix expressions have no vec of a matrix")

    @TO_SYMPY.register(E.Norm)
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

    @TO_SYMPY.register(E.Apply)
    def c_Apply(self, e):
        fn = self.functions.get(e.fn)
        if fn is None:
            self.unsupported(e, f"unknown element-wise function {e.fn}")
        if e.arg.is_scalar:
            return fn(self.scalar(e.arg))
        return self.elementwise(fn, self.matrix(e.arg))
