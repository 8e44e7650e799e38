"""Generated code: a standalone Python function computing the value and the derivative(s).

One generator, one table of operations per target (NumPy, JAX, PyTorch). The outputs are first
lowered by `codeplan.plan` (products as binary trees in the cheapest order, a sum of matrices times
a vector distributed, ...), then printed. Vectors are 1-D arrays, so shapes are tracked per node
('s' scalar, 'c' column, 'r' row, 'm' matrix) to emit `@`, `outer`, or a broadcast. Shared
subexpressions, partial products included, are computed once (every node used twice gets a
temporary). diag(v) in a product is a broadcast (`v[:, None] * M`), X⁻¹ b is a solve, tr(A B) is
a sum of a Hadamard product. In NumPy, an spd variable is factored once (Cholesky) for its log
det, inverse and solves, logsumexp and softmax of the same vector share one exp, and σ is SciPy's
`expit` when SciPy is importable. The code contains no user text: identifiers are sanitized and
mapped back in a comment. `.to_numpy()` is built by this generator too.
"""
import builtins
import inspect
import keyword
import re

from . import expr as E
from . import numeric
from .codeplan import count_uses, is_nonnegative, kind, plan
from .shapes import mul_dims

TARGETS = ("numpy", "jax", "torch")

def _indented(f):
    return "\n".join("    " + ln if ln else ln for ln in inspect.getsource(f).splitlines())


_PRELUDE = {
    # Blocks separated by two blank lines, each defining one name; a block is kept when the body (or
    # a kept block) uses its name. The evaluator's own σ, softmax and commutation matrix
    # (numeric.py) are the fallbacks, so both compute the same; SciPy is optional.
    "numpy": "import numpy as np\n\n\n"
    "try:\n    from scipy.special import expit as _sigmoid      # σ in one ufunc, accurate in both tails\n"
    "except ImportError:\n" + _indented(numeric._sigmoid) + "\n\n\n" +
    inspect.getsource(numeric._softmax) + "\n\n" +
    inspect.getsource(numeric.commutation).replace("def commutation", "def _commutation") + '''

def _logsumexp(u):
    m = u.max()
    return m + np.log(np.exp(u - m).sum())


def _logsumexp_softmax(u):
    """(logsumexp(u), softmax(u)) from one exp."""
    m = u.max()
    e = np.exp(u - m)
    s = e.sum()
    return m + np.log(s), e / s


def _add_diag(m, v):
    d = np.einsum("ii->i", m)      # a writeable view of the diagonal
    d += v
    return m


try:
    from scipy.linalg import lapack as _lapack
except ImportError:                # NumPy alone: np.linalg.cholesky, and inv / solve for the rest
    _lapack = None


def _cholesky(a):
    """(lower Cholesky factor of a, or None when a is not positive definite; a)."""
    if _lapack is not None:
        c, info = _lapack.dpotrf(a, lower=1)
        return (None if info else c), a
    try:
        return np.linalg.cholesky(a), a
    except np.linalg.LinAlgError:
        return None, a


def _cho_logdet(f):
    c, a = f
    if c is None:
        return np.linalg.slogdet(a)[1]
    return 2.0 * np.log(np.diagonal(c)).sum()


def _cho_inv(f):
    c, a = f
    if c is None or _lapack is None:
        return np.linalg.inv(a)
    inv, info = _lapack.dpotri(c, lower=1)
    if info:
        return np.linalg.inv(a)
    inv = inv + inv.T              # potri fills the lower triangle; potrf zeroed the upper one
    np.einsum("ii->i", inv)[:] *= 0.5
    return inv


def _cho_solve(f, b):
    c, a = f
    if c is None or _lapack is None:
        return np.linalg.solve(a, b)
    x, info = _lapack.dpotrs(c, b, lower=1)
    return x if not info else np.linalg.solve(a, b)
''',
    "jax": '''import jax
import jax.numpy as jnp
import numpy as np


def _commutation(m, n):
    k = np.zeros((m * n, m * n))
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return jnp.asarray(k)
''',
    "torch": '''import torch


def _commutation(m, n):
    k = torch.zeros((m * n, m * n), dtype=torch.float64)
    for i in range(m):
        for j in range(n):
            k[i * n + j, j * m + i] = 1.0
    return k
''',
}

# name → code template per target; {0}, {1} are operand codes.
_OPS = {
    "numpy": {
        "outer": "np.multiply.outer({0}, {1})", "inv": "np.linalg.inv({0})", "solve": "np.linalg.solve({0}, {1})",
        "det": "np.linalg.det({0})", "logdet": "np.linalg.slogdet({0})[1]", "trace": "np.trace({0})",
        "sum": "np.sum({0})", "eye": "np.eye({0})", "ones": "np.ones({0})", "zeros": "np.zeros({0})",
        "kron": "np.kron({0}, {1})", "diag": "np.diag({0})", "diagonal": "np.diagonal({0})",
        "norm": "np.linalg.norm({0})", "abs": "np.abs({0})", "matpow": "np.linalg.matrix_power({0}, {1})",
        "array": "np.array({0})", "vec": "{0}.T.reshape(-1)", "T": "{0}.T",
        "exp": "np.exp({0})", "log": "np.log({0})", "sin": "np.sin({0})", "cos": "np.cos({0})",
        "tan": "np.tan({0})", "tanh": "np.tanh({0})", "sinh": "np.sinh({0})", "cosh": "np.cosh({0})",
        "sqrt": "np.sqrt({0})", "sign": "np.sign({0})", "sigmoid": "_sigmoid({0})",
        "softplus": "np.logaddexp(0.0, {0})", "relu": "np.maximum({0}, 0.0)", "step": "({0} > 0) * 1.0",
        "softmax": "_softmax({0})", "logsumexp": "_logsumexp({0})",
    },
    "torch": {
        "outer": "torch.outer({0}, {1})", "inv": "torch.linalg.inv({0})",
        "solve": "torch.linalg.solve({0}, {1})", "det": "torch.linalg.det({0})",
        "logdet": "torch.linalg.slogdet({0})[1]", "trace": "torch.trace({0})", "sum": "torch.sum({0})",
        "eye": "torch.eye({0}, dtype=torch.float64)", "ones": "torch.ones({0}, dtype=torch.float64)",
        "zeros": "torch.zeros({0}, dtype=torch.float64)", "kron": "torch.kron({0}.contiguous(), {1}.contiguous())",
        "diag": "torch.diag({0})", "diagonal": "torch.diagonal({0})", "norm": "torch.linalg.norm({0})",
        "abs": "torch.abs({0})", "matpow": "torch.linalg.matrix_power({0}, {1})",
        "array": "torch.tensor({0}, dtype=torch.float64)", "vec": "{0}.T.reshape(-1)", "T": "{0}.T",
        "exp": "torch.exp({0})", "log": "torch.log({0})", "sin": "torch.sin({0})", "cos": "torch.cos({0})",
        "tan": "torch.tan({0})", "tanh": "torch.tanh({0})", "sinh": "torch.sinh({0})",
        "cosh": "torch.cosh({0})", "sqrt": "torch.sqrt({0})", "sign": "torch.sign({0})",
        "sigmoid": "torch.sigmoid({0})", "softplus": "torch.nn.functional.softplus({0})",
        "relu": "torch.relu({0})", "step": "({0} > 0).to(torch.float64)",
        "softmax": "torch.softmax({0}, 0)", "logsumexp": "torch.logsumexp({0}, 0)",
    },
}

# JAX mirrors NumPy's names under jnp; these differ.
_OPS["jax"] = {**{k: v.replace("np.", "jnp.") for k, v in _OPS["numpy"].items()},
               "outer": "jnp.outer({0}, {1})", "sigmoid": "jax.nn.sigmoid({0})", "softplus": "jax.nn.softplus({0})",
               "relu": "jax.nn.relu({0})", "step": "jnp.where({0} > 0, 1.0, 0.0)", "softmax": "jax.nn.softmax({0})",
               "logsumexp": "jax.scipy.special.logsumexp({0})"}


def sanitize(name, taken):
    """A Python identifier for a user's name: ASCII, not a keyword or builtin, unique."""
    base = re.sub(r"\W", "_", name.encode("ascii", "backslashreplace").decode().replace("\\u", "u"))
    if not base or base[0].isdigit():
        base = "v_" + base
    if keyword.iskeyword(base) or base in dir(builtins) or base in ("np", "jnp", "jax", "torch") \
            or base.startswith("_") or re.fullmatch(r"t\d+", base):
        base = base + "_"
    out, i = base, 1
    while out in taken:
        out, i = f"{base}{i}", i + 1
    taken.add(out)
    return out


class Generator:
    def __init__(self, target, outputs, variables, names=None):
        if target not in TARGETS:
            from .errors import MatcalcError
            raise MatcalcError(f"unknown code-generation target '{target}'; choose one of {', '.join(TARGETS)}")
        self.target, self.ops = target, _OPS[target]
        self.outputs, self.variables = outputs, variables
        taken = set()
        self.ident = {v: sanitize(v.name, taken) for v in variables}
        self.dims = {}
        for v in variables:
            for axis, d in enumerate(v.shape):
                if isinstance(d, str) and d not in self.dims:
                    self.dims[d] = (self.ident[v], axis, v)
        self.dim_names = {d: sanitize("n_" + d, taken) for d in self.dims}
        self.functions = {key: sanitize(label, taken) for key, label in user_functions(outputs)}
        self.lines, self.memo, self.groups = [], {}, set()
        self.counter = 0
        self.outputs = plan(outputs)
        self.uses = count_uses(self.outputs)

    # ---- sizes -------------------------------------------------------------------------------
    def size(self, d):
        if isinstance(d, int):
            return str(d)
        if isinstance(d, tuple):
            return " * ".join(self.size(f) for f in d)
        return self.dim_names[d]

    def shape_code(self, e):
        r, c = e.shape
        k = kind(e)
        if k == "s":
            return "()"
        if k in "cr":
            return f"({self.size(mul_dims(r, c))},)"
        return f"({self.size(r)}, {self.size(c)})"

    # ---- emission ----------------------------------------------------------------------------
    def code(self, e, shared=False):
        """Code for e; a node used more than once (or `shared`) is assigned to a temporary."""
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        text = self.emit(e)
        if (shared or self.uses.get(e, 0) > 1) and not isinstance(e, (E.Var, E.Num)) and not _is_trivial(text):
            text = self.temp(text)
        self.memo[e] = text
        return text

    def temp(self, text, count=1):
        """A new line `t<k> = text` (or `t<k>, t<k+1> = text`); the name(s) of the temporaries."""
        names = []
        for _ in range(count):
            self.counter += 1
            names.append(f"t{self.counter}")
        self.lines.append(f"{', '.join(names)} = {text}")
        return names[0] if count == 1 else names

    def sum(self, text, arg_kind="m"):
        """The sum of all entries; NumPy's method form is the cheaper call."""
        if self.target != "numpy":
            return self.op("sum", text)
        if arg_kind == "s":
            return text
        return f"{self.atomic(text)}.sum()"

    def factor(self, x):
        """The Cholesky factor of an spd variable (NumPy), computed once for log det, inverse and solves."""
        key = ("cholesky", x)
        if key not in self.memo:
            self.memo[key] = self.temp(f"_cholesky({self.code(x)})")
        return self.memo[key]

    def is_spd(self, e):
        return self.target == "numpy" and isinstance(e, E.Var) and e.has("spd")

    def group(self, text):
        """(text): one operand, remembered so that nested products are not rescanned."""
        text = f"({text})"
        self.groups.add(text)
        return text

    def atomic(self, text):
        """text as an operand: as it is when safe to juxtapose, else parenthesized."""
        return text if text in self.groups or _is_atomic(text) else self.group(text)

    def op(self, name, *args):
        return self.ops[name].format(*args)

    def emit(self, e):
        method = getattr(self, "e_" + type(e).__name__.lower())
        return method(e)

    def e_var(self, e):
        return self.ident[e]

    def e_num(self, e):
        v = e.value
        return repr(float(v)) if v.denominator != 1 else f"{v.numerator}.0"

    def e_literal(self, e):
        rows = [[float(v) for v in r] for r in e.rows]
        return self.op("array", [r[0] for r in rows] if kind(e) == "c" else rows)

    def e_identity(self, e):
        return self.op("eye", self.size(e.n))

    def e_ones(self, e):
        return self.op("ones", self.shape_code(e))

    def e_zero(self, e):
        return self.op("zeros", self.shape_code(e)) if not e.is_scalar else "0.0"

    def e_commutation(self, e):
        return f"_commutation({self.size(e.m)}, {self.size(e.n)})"

    def e_add(self, e):
        diags = [t for t in e.terms if isinstance(t, E.DiagMat)]
        if self.target == "numpy" and len(diags) == 1 and len(e.terms) > 1 and kind(e) == "m":
            others = [t for t in e.terms if t is not diags[0]]
            rest = E.Add(*others) if len(others) > 1 else others[0]
            # diagonal plus the rest, built in place: no n×n diag temporary
            return f"_add_diag({self.emit_fresh(rest)}, {self.code(diags[0].arg)})"
        parts = []
        for i, t in enumerate(e.terms):
            c, rest = E.coefficient(t)
            lit = _broadcast(t)
            if lit is not None and not e.is_scalar:
                text, neg = repr(float(abs(lit))), lit < 0
            elif c < 0:     # −c·rest, shared when the term is (rest is then used as often)
                text = self.code(rest if c == -1 else E.Mul(E.Num(-c), rest), shared=self.uses.get(t, 0) > 1)
                text, neg = self.atomic(text), True
            else:
                text, neg = self.wrapped(t), False
            parts.append(("-" if neg else "") + text if i == 0 else (" - " if neg else " + ") + text)
        return "".join(parts)

    def emit_fresh(self, e):
        """Code that builds a new array (safe to update in place)."""
        text = self.code(e)
        return text if not _is_trivial(text) else f"{text}.copy()"

    def wrapped(self, e):
        text = self.code(e)
        return self.atomic(text)

    def e_hadamard(self, e):
        parts = []
        for f in e.factors:
            lit = _broadcast(f)
            if lit is not None:
                parts.append(repr(float(lit)))
            elif isinstance(f, E.Pow) and isinstance(f.exponent, E.Num) and f.exponent.value == -1 and parts:
                parts[-1] = parts[-1] + " / " + self.wrapped(f.base)
                continue
            else:
                parts.append(self.wrapped(f))
        return " * ".join(parts)

    def e_kron(self, e):
        if kind(e) in "cr":     # a vector (1-D) from vectors and scalars: kron of 1-D arrays is 1-D
            return self.op("kron", self.code(e.left), self.code(e.right))
        left, right = self.as_2d(e.left), self.as_2d(e.right)
        return self.op("kron", left, right)

    def as_2d(self, e):
        k = kind(e)
        text = self.wrapped(e)
        if k == "c":
            return f"{text}[:, None]"
        if k == "r":
            return f"{text}[None, :]"
        return text

    def e_pow(self, e):
        base, k = e.base, e.exponent
        if isinstance(base, E.Norm) and base.p == 2 and k is E.Num(2):   # ‖v‖² = v·v, no square root
            v = self.code(base.arg, shared=True)
            return f"{v} @ {v}" if kind(base.arg) in "cr" else self.sum(f"{v} * {v}")
        if isinstance(k, E.Num) and k.value == -1:
            return f"1.0 / {self.wrapped(base)}"
        if isinstance(k, E.Num) and k.value == E.Fraction(1, 2):
            return self.op("sqrt", self.code(base))
        return f"{self.wrapped(base)} ** {self.wrapped(k)}"

    def e_transpose(self, e):
        a = e.arg
        if kind(a) in "cr":
            return self.code(a)
        return self.op("T", self.wrapped(a))

    def e_inverse(self, e):
        if self.is_spd(e.arg):
            return f"_cho_inv({self.factor(e.arg)})"      # Cholesky (LAPACK potrf/potri) for spd inputs
        return self.op("inv", self.code(e.arg))

    def e_matpow(self, e):
        return self.op("matpow", self.code(e.arg), e.k)

    def e_trace(self, e):
        a = e.arg
        if isinstance(a, E.Mul) and len(a.factors) >= 2 and all(kind(f) == "m" for f in a.factors) \
                and not isinstance(a.factors[-1], (E.Inverse, E.DiagMat)):
            *xs, y = a.factors   # tr(P Y) = sum(P ⊙ Yᵀ): one matrix product fewer
            p = self.chain(xs)
            p = self.atomic(p)
            return self.sum(f"{p} * {self.transposed(y)}")
        return self.op("trace", self.code(a))

    def transposed(self, e):
        if isinstance(e, E.Transpose):
            return self.wrapped(e.arg)
        return self.op("T", self.wrapped(e))

    def e_det(self, e):
        return self.op("det", self.code(e.arg))

    def e_logdet(self, e):
        if self.is_spd(e.arg):
            return f"_cho_logdet({self.factor(e.arg)})"   # 2 Σ log diag(L), L the shared Cholesky factor
        return self.op("logdet", self.code(e.arg))

    def e_sum(self, e):
        return self.sum(self.code(e.arg), kind(e.arg))

    def e_diagvec(self, e):
        return self.op("diagonal", self.code(e.arg))

    def e_diagmat(self, e):
        return self.op("diag", self.code(e.arg))

    def e_vec(self, e):
        a = e.arg
        if kind(a) in "cr":
            return self.code(a)
        return self.op("vec", self.wrapped(a))

    def e_norm(self, e):
        if e.p == 1:
            return self.sum(self.op("abs", self.code(e.arg)), kind(e.arg))
        return self.op("norm", self.code(e.arg))

    def e_apply(self, e):
        if e.fn == "log" and _one_plus_exp(e.arg):
            return self.op("softplus", self.code(e.arg.terms[1].arg))   # log(1 + eᵘ), stably
        return self.op(e.fn, self.code(e.arg))

    def e_call(self, e):
        return f"{self.functions[('fn', e.name)]}({self.code(e.arg)})"

    def e_calljacobian(self, e):
        return f"{self.functions[('jac', e.name)]}({self.code(e.arg)})"

    def e_elementcall(self, e):
        return f"{self.functions[('el', e.name, e.order)]}({self.code(e.arg)})"

    def e_softmax(self, e):
        if self.target == "numpy" and E.LogSumExp(e.arg) in self.uses:
            return self.softmax_pair(e.arg)[1]
        return self.op("softmax", self.code(e.arg))

    def e_logsumexp(self, e):
        if self.target == "numpy" and E.Softmax(e.arg) in self.uses:
            return self.softmax_pair(e.arg)[0]
        return self.op("logsumexp", self.code(e.arg))

    def softmax_pair(self, u):
        """logsumexp(u) and softmax(u) from one max, one exp and one sum."""
        value, soft = self.temp(f"_logsumexp_softmax({self.code(u)})", 2)
        self.memo[E.LogSumExp(u)], self.memo[E.Softmax(u)] = value, soft
        return value, soft

    def e_mul(self, e):
        sign = ""
        factors = list(e.factors)
        if factors and factors[0] is E.Num(-1):
            sign, factors = "-", factors[1:]
        scalars = [f for f in factors if f.is_scalar]
        chain = [f for f in factors if not f.is_scalar]
        body = self.chain(chain) if chain else None
        coef = [self.wrapped(s) for s in scalars]
        if body is None:
            text = " * ".join(coef) if coef else "1.0"
        else:
            text = " * ".join(coef + [self.atomic(body) if coef else body])
        return sign + (self.atomic(text) if sign else text)

    def chain(self, chain):
        """Multiply a chain right to left when it ends in a column, else left to right."""
        if len(chain) == 1:
            return self.code(chain[0])
        if len(chain) == 3 and isinstance(chain[1], E.DiagMat) and isinstance(chain[0], E.Transpose) \
                and chain[0].arg is chain[2] and kind(chain[2]) == "m" and is_nonnegative(chain[1].arg):
            # Xᵀ diag(d) X with d ≥ 0 = (√d X)ᵀ (√d X): a symmetric rank-k product (syrk)
            self.counter += 1
            name = f"t{self.counter}"
            self.lines.append(f"{name} = {self.op('sqrt', self.code(chain[1].arg))}[:, None] * "
                              f"{self.wrapped(chain[2])}")
            return f"{self.op('T', name)} @ {name}"
        items = [(f, kind(f)) for f in chain]
        if items[-1][1] == "c":
            acc = items[-1]
            acc_code = self.operand(acc[0])
            for f, k in reversed(items[:-1]):
                acc_code, acc = self.combine((f, k), self.operand(f), acc, acc_code)
            return acc_code
        acc = items[0]
        acc_code = self.operand(acc[0])
        for f, k in items[1:]:
            acc_code, acc = self.combine(acc, acc_code, (f, k), self.operand(f))
        return acc_code

    def operand(self, f):
        if isinstance(f, E.DiagMat):
            return self.wrapped(f.arg)
        if isinstance(f, E.Inverse):
            return self.factor(f.arg) if self.is_spd(f.arg) else self.code(f.arg)
        return self.wrapped(f)

    def combine(self, left, lcode, right, rcode):
        """left · right, where each side is (node, kind) and diag/inverse operands are unevaluated."""
        lf, lk = left
        rf, rk = right
        if "s" in (lk, rk):    # a 1×1 partial product inside a chain scales the rest
            code = f"{lcode} * {rcode}"
            other = right if lk == "s" else left
            return self.group(code), (_Computed(other[0].shape), other[1])
        out_kind = {("c", "r"): "m", ("r", "c"): "s", ("m", "c"): "c", ("r", "m"): "r", ("m", "m"): "m"}[(lk, rk)]
        if isinstance(lf, E.DiagMat) and isinstance(rf, E.DiagMat):
            code = self.op("diag", f"{lcode} * {rcode}")
            return code, (E.DiagMat(E.Hadamard(lf.arg, rf.arg)), "m")
        if isinstance(lf, E.DiagMat):
            code = f"{lcode}[:, None] * {rcode}" if rk == "m" else f"{lcode} * {rcode}"
        elif isinstance(rf, E.DiagMat):
            code = f"{lcode} * {rcode}"
        elif isinstance(lf, E.Inverse) and self.is_spd(lf.arg):
            code = f"_cho_solve({lcode}, {rcode})"
        elif isinstance(rf, E.Inverse) and self.is_spd(rf.arg) and lk in "rm":
            # M X⁻¹ = (X⁻¹ Mᵀ)ᵀ for symmetric X
            code = f"_cho_solve({rcode}, {lcode})" if lk == "r" else f"_cho_solve({rcode}, {_transpose(lcode)}).T"
        elif isinstance(lf, E.Inverse):
            code = self.op("solve", lcode, self.op("T", rcode) if rk == "r" else rcode)
        elif isinstance(rf, E.Inverse):
            code = self.op("inv", rcode)
            code = f"{lcode} @ {code}" if (lk, rk) != ("c", "r") else self.op("outer", lcode, code)
        elif (lk, rk) == ("c", "r"):
            code = self.op("outer", lcode, rcode)
        else:
            code = f"{lcode} @ {rcode}"
        placeholder = _Computed((rf.shape[1] if out_kind in "rm" else 1, lf.shape[0] if out_kind in "cm" else 1))
        return self.group(code), (placeholder, out_kind)

    def function(self, fname, labels, doc):
        args = ", ".join([self.ident[v] for v in self.variables] + list(self.functions.values()))
        results = [self.code(o) for o in self.outputs]
        head = [f"def {fname}({args}):", f'    """{doc}', ""]
        for v in self.variables:
            if self.ident[v] != v.name:
                head.append(f"    {self.ident[v]}: the variable {v.name}")
        head.append(f"    Returns ({', '.join(labels)}).")
        head.append('    """')
        used = "\n".join(self.lines + results)
        sizes = [f"    {self.dim_names[d]} = {ident}.shape[{axis}]" for d, (ident, axis, v) in self.dims.items()
                 if re.search(rf"\b{self.dim_names[d]}\b", used)]
        body = [f"    {line}" for line in self.lines]
        ret = f"    return {', '.join(results)}"
        return "\n".join(head + sizes + body + [ret]) + "\n"


class _Computed:
    """A placeholder node for an intermediate product in a chain (only its kind matters)."""

    def __init__(self, shape):
        self.shape = shape


def function_label(key):
    """The user-facing name of a declared function's implementation: g, J_g, h, dh, d2h."""
    if key[0] == "fn":
        return key[1]
    if key[0] == "jac":
        return f"J_{key[1]}"
    k = key[2]
    return key[1] if k == 0 else f"d{key[1]}" if k == 1 else f"d{k}{key[1]}"


def user_functions(outputs):
    """[(key, label)] of the declared functions the outputs call, in a stable order."""
    found = set()
    for e in E.nodes(*outputs):
        if isinstance(e, E.Call):
            found.add(("fn", e.name))
        elif isinstance(e, E.CallJacobian):
            found.add(("jac", e.name))
        elif isinstance(e, E.ElementCall):
            found.add(("el", e.name, e.order))
    return [(key, function_label(key)) for key in sorted(found, key=str)]


def _broadcast(f):
    from .printers.text import broadcast_literal
    return broadcast_literal(f)


def _one_plus_exp(a):
    return isinstance(a, E.Add) and len(a.terms) == 2 and (a.terms[0] is E.ONE or isinstance(a.terms[0], E.Ones)) \
        and isinstance(a.terms[1], E.Apply) and a.terms[1].fn == "exp"


def _is_atomic(text):
    """A name, a number, or a call / parenthesized group spanning the whole text (safe to juxtapose)."""
    m = _NAME.match(text)
    rest = text[m.end():]
    if not rest:
        return True
    if not rest.startswith("("):
        return False
    depth = 0
    for b in _BRACKET.finditer(rest):      # nested products make long texts: visit brackets only
        depth += 1 if b.group() in "([" else -1
        if depth == 0:
            tail = rest[b.end():]
            return not tail or _INDEXES.fullmatch(tail) is not None
    return False


_NAME, _BRACKET, _INDEXES = re.compile(r"[\w.]*"), re.compile(r"[()\[\]]"), re.compile(r"(\[[^\]]*\])+")


def _transpose(code):
    """NumPy code for the transpose of an atomic operand (X.T for X, X for X.T)."""
    return code[:-2] if code.endswith(".T") and _is_atomic(code[:-2]) else f"{code}.T"


def _is_trivial(text):
    return re.fullmatch(r"[\w.]+", text) is not None


def _prelude(target, body):
    """The imports, and only the helper blocks the body calls (and the blocks those use)."""
    blocks = _PRELUDE[target].strip().split("\n\n\n")
    named = {re.search(r"(?:^def |import \w+ as )(\w+)", b, re.M).group(1): b for b in blocks[1:]}
    keep, text, grown = set(), body, True
    while grown:
        new = {n for n in named if n not in keep and re.search(rf"\b{n}\b", text)}
        keep |= new
        text = "\n".join(named[n] for n in keep)
        grown = bool(new)
    return "\n\n\n".join([blocks[0]] + [b for n, b in named.items() if n in keep]) + "\n"


def variables_of(*exprs):
    return sorted({v for e in exprs for v in e.free if isinstance(v, E.Var)}, key=lambda v: v.name)


def generate(result, target="numpy", hessian=False, fname=None):
    """Source of a function returning (value, derivative) — or (value, gradient, Hessian)."""
    outputs, labels = [result.function], ["value"]
    if hessian:
        from .api import hessian as hess
        h = hess(result.function, result.wrt, check=False)
        outputs += [h.gradient, h.expr]
        labels += ["gradient", "hessian"]
    else:
        outputs.append(result.expr)
        labels.append(result.kind.replace(" ", "_"))
    variables = variables_of(*outputs)
    gen = Generator(target, outputs, variables)
    fname = fname or f"f_and_{labels[-1] if not hessian else 'derivatives'}"
    doc = f"{result.kind} of {result.function} w.r.t. {result.wrt.name} (generated by matcalc)."
    body = gen.function(fname, labels, doc)
    return _prelude(target, body) + "\n\n" + body, gen, fname


def numpy_callable(result):
    """The derivative as a NumPy function of keyword arguments under the user's names."""
    import numpy as np
    src, gen, fname = generate(result, "numpy")
    namespace = {}
    exec(compile(src, f"<matcalc {fname}>", "exec"), namespace)   # generated code: no user text
    fn = namespace[fname]
    variables = gen.variables
    shape = result.expr.shape

    functions = [(key, function_label(key)) for key in gen.functions]

    def derivative(**kwargs):
        missing = [v.name for v in variables if v.name not in kwargs] + \
            [label for _, label in functions if label not in kwargs]
        if missing:
            raise TypeError(f"missing value for variable(s): {', '.join(missing)}")
        args = []
        for v in variables:
            a = np.asarray(kwargs[v.name], dtype=float)
            args.append(float(a.reshape(())) if v.is_scalar else a.reshape(-1) if v.shape[1] == 1 or v.shape[0] == 1
                        else a)
        args += [kwargs[label] for _, label in functions]
        out = fn(*args)[-1]
        if result.expr.is_scalar:
            return float(np.asarray(out).reshape(()))
        out = np.asarray(out, dtype=float)
        if result.kind == "gradient" and (result.wrt.is_vector or result.wrt.shape[0] == 1):
            return out.reshape(-1)
        rows = out.shape[0] if out.ndim == 2 else (out.size if shape[1] == 1 else 1)
        return out.reshape(rows, -1) if out.ndim < 2 else out
    derivative.__doc__ = f"{result.kind} of {result.function} w.r.t. {result.wrt.name}: {result.expr}"
    derivative.source = src
    return derivative
