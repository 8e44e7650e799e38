"""The generator: the planned outputs printed as the body of one Python function.

No line nests brackets deeper than MAX_NESTING (a 200-layer composition has its inner parts as
temporaries: Python's parser stops at 200 levels). Vectors are 1-D arrays, so shapes are tracked per node ('s' scalar, 'c' column, 'r' row,
'm' matrix) to emit `@`, `outer`, or a broadcast. Shared subexpressions, partial products included,
are computed once (every node used twice gets a temporary). Each node type has one row in the `CODE`
table (codegen/rules.py); a row asks the target (codegen/targets.py) for its operation templates and
for what it does better than the generic form, never for its name. A product chain is printed here:
diag(v) in a product is a broadcast (`v[:, None] * M`), X⁻¹ b is a solve (with X's factor when it
has one: an spd variable's Cholesky factor, one LU of a matrix factored more than once,
codegen/factors.py), Xᵀ diag(d) X a rank-k update.
"""
import re

from .. import expr as E
from ..shapes import mul_dims
from .kron import distributed, kron_identity, kron_times, permutation_sum, permuted_krons, times_kron
from .names import sanitize, declared_functions
from .code_text import MAX_NESTING, is_atomic, is_trivial, nesting, transpose
from .factors import Factoring, shared_lu, symmetric
from .plan import count_uses, is_syrk, kind, plan
from .rules import CODE


class Generator(Factoring):
    def __init__(self, target, outputs, variables):
        self.target = target
        self.variables = variables
        taken = set()
        self.ident = {v: sanitize(v.name, taken) for v in variables}
        self.dims = {}
        for v in variables:
            for axis, d in enumerate(v.shape):
                if isinstance(d, str) and d not in self.dims:
                    self.dims[d] = (self.ident[v], axis, v)
        self.dim_names = {d: sanitize("n_" + d, taken) for d in self.dims}
        # a size no argument carries (the n of `n log σ`): a keyword argument of that name
        self.size_params = {}
        for e in E.nodes(*outputs):
            for d in getattr(e, "named_dims", ()):
                if d not in self.dims and d not in self.size_params:
                    self.size_params[d] = self.dim_names[d] = sanitize(d, taken)
        self.functions = {key: sanitize(label, taken) for key, label in declared_functions(outputs)}
        self.lines, self.memo, self.groups = [], {}, set()
        self.held = {}          # the text of each temporary -> its name: a text is never computed twice
        self.counter = 0
        self.outputs = plan(outputs)
        self.uses = count_uses(self.outputs)
        self.lu_shared = shared_lu(self.outputs, self.uses)
        # SciPy's LAPACK factors a matrix here: products go to SciPy's BLAS too (_mm), one thread pool
        self.one_blas = target.one_blas and any(isinstance(e, (E.LogDet, E.Det, E.Inverse)) and self.factored(e.arg)
                                                for e in E.nodes(*self.outputs))

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
        text = CODE[type(e)](self, e)
        if nesting(text) > MAX_NESTING:     # a deep composition: its inner part becomes a temporary
            text = self.temp(text)
        held = self.held.get(text)
        if held is not None:    # another node printed the same (xᵀS⁻¹ and S⁻¹x for an spd S): reuse it
            text = held
        elif (shared or self.uses.get(e, 0) > 1) and not isinstance(e, (E.Var, E.Num)) and not is_trivial(text):
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
        if count == 1:
            self.held[text] = names[0]
        return names[0] if count == 1 else names

    def op(self, name, *args):
        return self.target.op(name, *args)

    def argument(self, e):
        """Code for e as the argument of a target function: a constant scalar is a Python float in
        the code, which PyTorch's functions refuse (the target's `number` template converts it)."""
        text = self.code(e)
        if e.is_scalar and not any(isinstance(v, E.Var) for v in e.free):
            return self.target.number.format(text)
        return text

    def sum(self, text, arg_kind="m"):
        """The sum of all entries; NumPy's method form is the cheaper call."""
        if not self.target.sum_method:
            return self.op("sum", text)
        if arg_kind == "s":
            return text
        return f"{self.atomic(text)}.sum()"

    def group(self, text):
        """(text): one operand, remembered so that nested products are not rescanned; a temporary
        when the text is already nested deeply (a long chain of products)."""
        if nesting(text) >= MAX_NESTING:
            return self.temp(text)
        text = f"({text})"
        self.groups.add(text)
        return text

    def atomic(self, text):
        """text as an operand: as it is when safe to juxtapose, else parenthesized."""
        return text if text in self.groups or is_atomic(text) else self.group(text)

    def wrapped(self, e):
        return self.atomic(self.code(e))

    def emit_fresh(self, e):
        """Code that builds a new array (safe to update in place)."""
        text = self.code(e)
        return text if not is_trivial(text) else self.op("copy", text)

    def transposed(self, e):
        if isinstance(e, E.Transpose):
            return self.wrapped(e.arg)
        return self.op("T", self.wrapped(e))

    def as_2d(self, e):
        k = kind(e)
        text = self.wrapped(e)
        if k == "c":
            return f"{text}[:, None]"
        if k == "r":
            return f"{text}[None, :]"
        return text

    def fused(self, text, *nodes):
        """Several nodes from one call that returns them all (NumPy's `_logsumexp_softmax(u)` gives
        logsumexp(u) and softmax(u) from one exp): a temporary for each, memoized as the node's code."""
        names = self.temp(text, len(nodes))
        names = [names] if len(nodes) == 1 else names
        for node, name in zip(nodes, names):
            self.memo[node] = name
        return names

    # ---- products ----------------------------------------------------------------------------
    def chain(self, chain):
        """Multiply a chain right to left when it ends in a column, else left to right."""
        if len(chain) == 1:
            return self.code(chain[0])
        reduced = self.reduction(chain) if self.target.reduce_ones else None
        if reduced is not None:
            return reduced
        if is_syrk(chain):      # Xᵀ diag(d) X = (√d X)ᵀ (√d X), d ≥ 0
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

    def reduction(self, chain):
        """M 1 and 1ᵀ M as sums along an axis (JAX, PyTorch), the ones vector never built; and when M
        is a transpose (Aᵀ, or Aᵀ ⊙ Bᵀ as in layer norm's ∂/∂g = (Gᵀ ⊙ X̂ᵀ) 1), A's (A ⊙ B's) sums along
        the other axis: XLA materialises a transposed operand of a reduction (a copy of the n×d
        matrix, 3× JAX's own layer-norm gradient at n = 1024). None for any other chain."""
        kinds = "".join(kind(f) for f in chain)
        m, axis = (chain[0], 1) if kinds == "mc" and isinstance(chain[1], E.Ones) else \
            (chain[1], 0) if kinds == "rm" and isinstance(chain[0], E.Ones) else (None, None)
        if m is None or isinstance(m, (E.DiagMat, E.Inverse, E.Commutation)):
            return None
        flipped = untransposed(m)
        if flipped is not None:
            m, axis = flipped, 1 - axis
        return self.group(self.op("sum_axis", self.code(m), axis))

    def operand(self, f):
        if isinstance(f, E.Commutation) or permutation_sum(f):   # applied as permutations, never built
            return ""
        if kron_identity(f):                # (A ⊗ I) M and (I ⊗ B) M as reshapes: built only if need be
            return ""
        if isinstance(f, E.DiagMat):
            return self.wrapped(f.arg)
        inverse = self.inverse_operand(f)
        if inverse is not None:
            return self.factor(inverse[0]) if self.factored(inverse[0]) else self.code(inverse[0])
        return self.wrapped(f)

    def held_inverse(self, side, code, other_kind):
        """A side X⁻¹ or X⁻ᵀ of a factored X as a plain matrix when X⁻¹ is a temporary already and the
        other side is a matrix: a gemm is faster than triangular solves with as many right-hand sides
        (a vector keeps its solve, whose text may be held too: xᵀS⁻¹ and S⁻¹x)."""
        f, k = side
        inverse = self.inverse_operand(f)
        if other_kind != "m" or inverse is None or not self.factored(inverse[0]) or \
                E.Inverse(inverse[0]) not in self.memo:
            return side, code
        return (_Computed(f.shape), k), self.wrapped(f)

    def combine(self, left, lcode, right, rcode):
        """left · right, where each side is (node, kind) and diag/inverse operands are unevaluated."""
        left, lcode = self.held_inverse(left, lcode, right[1])
        right, rcode = self.held_inverse(right, rcode, left[1])
        lf, lk = left
        rf, rk = right

        def special(f):
            return isinstance(f, (E.DiagMat, E.Commutation)) or self.inverse_operand(f) is not None

        if permutation_sum(rf) or permutation_sum(lf):
            other, ok = (left, lk in "mr") if permutation_sum(rf) else (right, rk in "mc")
            if ok and not (special(other[0]) or kron_identity(other[0]) or permutation_sum(other[0])):
                code, shape = distributed(self, left, lcode, right, rcode)
                return self.group(code), (_Computed(shape), other[1])
            if permutation_sum(lf):         # next to a scalar or an unevaluated factor: built
                lcode, lf, left = self.wrapped(lf), _Computed(lf.shape), (_Computed(lf.shape), lk)
            if permutation_sum(rf):
                rcode, rf, right = self.wrapped(rf), _Computed(rf.shape), (_Computed(rf.shape), rk)
        if kron_identity(lf) and rk == "m" and not kron_identity(rf) and not special(rf):
            code, shape = kron_times(self, lf, rf, rcode)
            return self.group(code), (_Computed(shape), "m")
        if kron_identity(rf) and lk == "m" and not kron_identity(lf) and not special(lf):
            code, shape = times_kron(self, lf, lcode, rf)
            return self.group(code), (_Computed(shape), "m")
        if kron_identity(lf):               # next to a vector or another unevaluated factor: built
            lcode, lf = self.wrapped(lf), _Computed(lf.shape)
        if kron_identity(rf):
            rcode, rf = self.wrapped(rf), _Computed(rf.shape)
        if special(lf) and special(rf) and not \
                (isinstance(lf, E.DiagMat) and isinstance(rf, E.DiagMat)):
            # an operand is still unevaluated (diag's vector, the inverse's matrix, K): build one side,
            # the other than K (which stays a permutation)
            if isinstance(lf, E.Commutation) and not isinstance(rf, E.Commutation):
                rcode, rf = self.wrapped(rf), _Computed(rf.shape)
            elif isinstance(rf, E.Commutation) or self.inverse_operand(rf) is not None:
                rcode, rf = self.wrapped(rf), _Computed(rf.shape)
            else:
                lcode, lf = self.wrapped(lf), _Computed(lf.shape)
        if isinstance(lf, E.Commutation) or isinstance(rf, E.Commutation):
            return self.permuted(left, lcode, right, rcode)
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
        elif self.inverse_operand(lf) is not None:
            x, t = self.inverse_operand(lf)
            code = self.solve(x, lcode, self.op("T", rcode) if rk == "r" else rcode, transposed=t)
        elif self.inverse_operand(rf) is not None and lk in "rm" and \
                (self.factored(self.inverse_operand(rf)[0]) or lk == "r" and symmetric(self.inverse_operand(rf)[0])):
            # r X⁻¹ = (X⁻ᵀ rᵀ)ᵀ and M X⁻¹ = (X⁻ᵀ Mᵀ)ᵀ: solves with Xᵀ (with X when it is symmetric),
            # and r X⁻ᵀ, M X⁻ᵀ with X
            x, t = self.inverse_operand(rf)
            code = self.solve(x, rcode, lcode if lk == "r" else transpose(lcode), transposed=not t)
            code = code if lk == "r" else f"{code}.T"
        elif isinstance(rf, E.Inverse):
            code = self.wrapped(rf)         # X⁻¹ itself, a temporary when the outputs use it elsewhere
            code = self.matmul(lcode, code, out_kind) if (lk, rk) != ("c", "r") else self.op("outer", lcode, code)
        elif (lk, rk) == ("c", "r"):
            code = self.op("outer", lcode, rcode)
        elif self.target.reduce_ones and (lk, rk) == ("m", "c") and isinstance(rf, E.Ones):
            code = self.op("sum_axis", lcode, 1)          # M 1: the row sums (a reduction, not a product)
        elif self.target.reduce_ones and (lk, rk) == ("r", "m") and isinstance(lf, E.Ones):
            code = self.op("sum_axis", rcode, 0)
        elif self.target.vector_first and (lk, rk) == ("m", "c") and isinstance(lf, E.Transpose):
            code = f"{rcode} @ {self.wrapped(lf.arg)}"    # Aᵀ v = v A for a 1-D v: no transposed copy of A
        else:
            code = self.matmul(lcode, rcode, out_kind)
        placeholder = _Computed((rf.shape[1] if out_kind in "rm" else 1, lf.shape[0] if out_kind in "cm" else 1))
        return self.group(code), (placeholder, out_kind)

    def matmul(self, lcode, rcode, out_kind):
        """l @ r; in SciPy's BLAS (`_mm`) where the function's factors are SciPy's LAPACK (a dot of two
        vectors stays: BLAS does not thread it)."""
        return f"_mm({lcode}, {rcode})" if self.one_blas and out_kind != "s" else f"{lcode} @ {rcode}"

    def permuted(self, left, lcode, right, rcode):
        """K M or M K as a reshape and a transpose (K_{m,n} vec(A) = vec(Aᵀ), A m×n): O(size of M),
        where a dense K would cost (mn)² memory and (mn)²·p multiplications."""
        (lf, lk), (rf, rk) = left, right
        if isinstance(lf, E.Commutation):
            m, n = self.size(lf.m), self.size(lf.n)
            code = self.op("vec_transpose", rcode, n, m) if rk == "c" else \
                permuted_krons(self, rf, rcode, True, lf.m, lf.n) or self.op("permute_rows", rcode, m, n)
            return self.group(code), (_Computed(lf.shape[:1] + rf.shape[1:]), rk)
        m, n = self.size(rf.m), self.size(rf.n)
        code = self.op("vec_transpose", lcode, m, n) if lk == "r" else \
            permuted_krons(self, lf, lcode, False, rf.m, rf.n) or self.op("permute_columns", lcode, m, n)
        return self.group(code), (_Computed(lf.shape[:1] + rf.shape[1:]), lk)

    # ---- the function ------------------------------------------------------------------------
    def function(self, fname, labels, doc, keys=None, returns=None):
        """The function's source. With `keys` (variable names), the outputs after the value are
        returned as one dict keyed by them: `return value, {"W": ..., "b": ...}` (a list of lists: one dict each). `returns` are
        lines of the docstring saying what each output is."""
        args = ", ".join([self.ident[v] for v in self.variables] + list(self.functions.values())
                         + (["*"] + list(self.size_params.values()) if self.size_params else []))
        results = [self.code(o) for o in self.outputs]
        head = [f"def {fname}({args}):", f'    """{doc}', ""]
        for v in self.variables:
            if self.ident[v] != v.name:
                head.append(f"    {self.ident[v]}: the variable {v.name}")
        for d, name in self.size_params.items():
            head.append(f"    {name}: the size {d} (an int; no argument has a dimension {d} to read it from)")
        trusted = self.trusted()
        if trusted:
            head += ["    Inputs are trusted, not checked:"] + [f"        {line}" for line in trusted]
        if returns:
            head += [f"    Returns ({', '.join(labels)}):"] + [f"        {line}" for line in returns]
        else:
            head.append(f"    Returns ({', '.join(labels)}).")
        head.append('    """')
        used = "\n".join(self.lines + results)
        sizes = [f"    {self.dim_names[d]} = {ident}.shape[{axis}]" for d, (ident, axis, v) in self.dims.items()
                 if re.search(rf"\b{self.dim_names[d]}\b", used)]
        body = [f"    {line}" for line in self.lines]
        if keys is not None:    # repr of a name (letters, digits, _, primes): a plain string literal
            groups, rest, results = (keys if isinstance(keys[0], list) else [keys]), results[1:], results[:1]
            for group in groups:    # several dicts: the gradients, then the Hessian's blocks by (x, y)
                results.append("{" + ", ".join(f"{k!r}: {r}" for k, r in zip(group, rest)) + "}")
                rest = rest[len(group):]
        ret = f"    return {', '.join(results)}"
        return "\n".join(head + sizes + body + [ret]) + "\n"


    def trusted(self):
        """What the code assumes of its inputs from their declarations, one line per variable."""
        lines = []
        for v in self.variables:
            name = self.ident[v]
            if ("cholesky", v) in self.memo:
                lines += [f"{name} is symmetric positive definite (declared spd): only its lower triangle",
                          f"    is read (Cholesky); {self.target.cholesky_failure.format(name)}"]
            elif v.has("spd"):
                lines.append(f"{name} is symmetric positive definite (declared spd)")
            elif v.has("symmetric"):
                lines.append(f"{name} is symmetric (declared): {name} may stand for {name}.T")
            if v.has("diagonal"):
                lines.append(f"{name} is diagonal (declared): its off-diagonal entries must be zero")
            if v.has("positive"):
                lines.append(f"{name} is positive (declared): logarithms and roots of it are not guarded")
        return lines


class _Computed:
    """A placeholder node for an intermediate product in a chain (only its kind matters)."""

    def __init__(self, shape):
        self.shape = shape


def untransposed(m):
    """A for a matrix Aᵀ, A ⊙ B for Aᵀ ⊙ Bᵀ (scalar factors kept): the nodes themselves, no new
    product; None when m is not such a transpose."""
    if isinstance(m, E.Transpose) and kind(m.arg) == "m":
        return m.arg
    if isinstance(m, E.Hadamard) and all(f.is_scalar or isinstance(f, E.Transpose) and kind(f.arg) == "m"
                                         for f in m.factors):
        return E.Hadamard(*(f if f.is_scalar else f.arg for f in m.factors))
    return None
