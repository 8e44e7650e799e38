"""SymPy → matcalc: `from_sympy(m)`, one rule per SymPy class in `FROM_SYMPY`, looked up along the MRO.

The accepted classes and the patterns read back are listed in the package docstring. The rules are
methods of the reader `_FromSympy`, registered in the class body with `@FROM_SYMPY.register("MatPow")`
(see class_table.py: the most specific registered class wins, so `Inverse`, a MatPow, is read by the
Inverse rule). Array expressions (SymPy's derivative of a 1×1 matrix by a matrix) share no base
class and are recognised by their module instead.
"""
from fractions import Fraction

from .. import expr as E
from .. import shapes as S
from ..elementwise import FUNCTIONS
from .class_table import ClassTable
from .common import SympyBridgeError, scalar_functions

FROM_SYMPY = ClassTable("from_sympy")

# SymPy function class → matcalc element-wise function, read one to one (each row's sympy_function);
# log has its own rule (f_log: log det X, and log(1 + eᵘ) read as softplus)
PLAIN_FUNCTIONS = {f.sympy_function: name for name, f in FUNCTIONS.items() if f.sympy_function and name != "log"}


def _plain(name):
    """The rule for a SymPy function matcalc has under `name`: exp(u) → exp(U), Abs(u) → abs(U)."""
    def f_plain(self, m):
        return E.Apply(name, self.convert(m.args[0]))
    f_plain.__name__ = f"f_{name}"
    return f_plain


for _cls, _name in PLAIN_FUNCTIONS.items():
    FROM_SYMPY.register(_cls)(_plain(_name))


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
        self.sp, self.variables = sp, variables
        self.memo, self.bound = {}, {}
        self.functions = scalar_functions(sp)
        self.plain_functions = {getattr(sp, cls): name for cls, name in PLAIN_FUNCTIONS.items()}
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
        if m in self.bound:
            return self.bound[m]
        rule = FROM_SYMPY.rule_for(type(m))
        if rule is not None:
            return rule(self, m)
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
    @FROM_SYMPY.register("MatrixSymbol")
    def f_MatrixSymbol(self, m):
        return self.var(m.name, self.shape(m), ())

    @FROM_SYMPY.register("Symbol")
    def f_Symbol(self, m):
        if m in self.dim_symbols:
            return E.Trace(E.Identity(m.name))        # SymPy's Trace(Identity(n)) = n
        if isinstance(m, self.sp.Dummy):
            self.fail(m, "is an unbound dummy")
        return self.var(m.name, S.SCALAR, ("positive",) if m.is_positive else ())

    @FROM_SYMPY.register("Rational")
    def f_Rational(self, m):
        return E.Num(Fraction(int(m.p), int(m.q)))

    @FROM_SYMPY.register("Float")
    def f_Float(self, m):
        if not m.is_finite:
            self.fail(m, "is not finite")
        return E.Num(Fraction(repr(float(m))))

    @FROM_SYMPY.register("sympy.core.numbers.Exp1")
    def f_E(self, m):
        return E.Apply("exp", E.ONE)

    @FROM_SYMPY.register("Identity")
    def f_Identity(self, m):
        n = self.dim(m.rows)
        return E.ONE if n == 1 else E.Identity(n)

    @FROM_SYMPY.register("ZeroMatrix")
    def f_ZeroMatrix(self, m):
        dims = self.shape(m)
        return E.Num(0) if dims == S.SCALAR else E.Zero(dims)

    @FROM_SYMPY.register("OneMatrix")
    def f_OneMatrix(self, m):
        dims = self.shape(m)
        return E.ONE if dims == S.SCALAR else E.Ones(dims)

    @FROM_SYMPY.register("MatrixBase")
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
    @FROM_SYMPY.register("MatAdd", "Add")
    def f_Add(self, m):
        terms = [self.convert(a) for a in m.args]
        target = next((t.shape for t in terms if not t.is_scalar), None)
        if target is not None:   # inside an element-wise function: scalars are broadcast
            terms = [E.product(t, E.Ones(target)) if t.is_scalar else t for t in terms]
        return terms[0] if len(terms) == 1 else E.Add(*terms)

    @FROM_SYMPY.register("MatMul")
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

    @FROM_SYMPY.register("Mul")
    def f_Mul(self, m):
        parts = [self.convert(a) for a in m.args]
        mats = [p for p in parts if not p.is_scalar]
        if mats:   # inside an element-wise function: a product of same-shape arrays is ⊙
            scal = [p for p in parts if p.is_scalar]
            had = mats[0] if len(mats) == 1 else E.Hadamard(*mats)
            return E.product(*scal, had)
        return E.product(*parts)

    @FROM_SYMPY.register("HadamardProduct")
    def f_HadamardProduct(self, m):
        parts = [self.convert(a) for a in m.args]
        return parts[0] if len(parts) == 1 else E.Hadamard(*parts)

    @FROM_SYMPY.register("HadamardPower")
    def f_HadamardPower(self, m):
        return E.Pow(self.convert(m.base), self.convert(m.exp))

    @FROM_SYMPY.register("Pow")
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

    @FROM_SYMPY.register("KroneckerProduct")
    def f_KroneckerProduct(self, m):
        parts = [self.convert(a) for a in m.args]
        out = parts[0]
        for p in parts[1:]:
            out = E.Kron(out, p)
        return out

    # matrix operators
    @FROM_SYMPY.register("Transpose")
    def f_Transpose(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Transpose(a)

    @FROM_SYMPY.register("Inverse")
    def f_Inverse(self, m):
        a = self.convert(m.arg)
        return E.Pow(a, E.Num(-1)) if a.is_scalar else E.Inverse(a)

    @FROM_SYMPY.register("MatPow")
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

    @FROM_SYMPY.register("Trace")
    def f_Trace(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Trace(a)

    @FROM_SYMPY.register("Determinant")
    def f_Determinant(self, m):
        a = self.convert(m.arg)
        return a if a.is_scalar else E.Det(a)

    @FROM_SYMPY.register("log")
    def f_log(self, m):
        (arg,) = m.args
        if isinstance(arg, self.sp.Determinant):
            a = self.convert(arg.arg)
            if not a.is_scalar:
                return E.LogDet(a)
        return E.Apply("log", self.convert(arg))

    @FROM_SYMPY.register("Max")
    def f_Max(self, m):
        others = [a for a in m.args if a != 0]
        if len(m.args) == 2 and len(others) == 1:
            return E.Apply("relu", self.convert(others[0]))
        self.fail(m, "other than max(0, u)")

    @FROM_SYMPY.register("Heaviside")
    def f_Heaviside(self, m):
        # step(0) = 0 in matcalc; Heaviside(u) (H(0) = 1/2) is read as step too, it differs only at 0
        return E.Apply("step", self.convert(m.args[0]))

    @FROM_SYMPY.register("sympy.matrices.expressions.diagonal.DiagonalOf")
    def f_DiagonalOf(self, m):
        a = self.convert(m.arg)
        if a.is_scalar:
            return a
        if a.shape[0] != a.shape[1]:
            self.fail(m, "of a non-square matrix")
        return E.DiagVec(a)

    @FROM_SYMPY.register("sympy.matrices.expressions.diagonal.DiagMatrix")
    def f_DiagMatrix(self, m):
        a = self.convert(m.args[0])
        if a.is_scalar:
            return a
        if a.shape[0] == 1:
            a = E.Transpose(a)
        if a.shape[1] != 1:
            self.fail(m, "of a matrix")
        return E.DiagMat(a)

    @FROM_SYMPY.register("sympy.matrices.expressions.diagonal.DiagonalMatrix")
    def f_DiagonalMatrix(self, m):
        a = self.convert(m.arg)
        if a.is_scalar:
            return a
        return E.Hadamard(a, E.Identity(a.shape[0]))

    @FROM_SYMPY.register("sympy.matrices.expressions.matexpr.MatrixElement")
    def f_MatrixElement(self, m):
        parent, i, j = m.args
        if parent.shape == (1, 1) and i == 0 and j == 0:
            return self.convert(parent)
        self.fail(m, "(a single entry of a matrix)")

    @FROM_SYMPY.register("sympy.matrices.expressions.applyfunc.ElementwiseApplyFunction")
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
