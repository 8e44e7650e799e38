"""The targets of generated code: for each, its operation table, what it does better than the
generic form, and its prelude (a real Python file under prelude/, read as text).

An operation table maps a name to a code template ({0}, {1} are operand codes). JAX mirrors NumPy's
names under jnp, so its table is derived from NumPy's; the element-wise functions come from their rows
(elementwise.FUNCTIONS), the extension operations print their own code (matcalc/ops). The flags
are what a code rule asks of the target instead of comparing target names: NumPy alone has a method
`.sum()` (the cheaper call); NumPy and PyTorch add a diagonal in place (`_add_diag` in their preludes:
no n×n diag(v), no third n×n array for the sum; XLA fuses JAX's anyway); NumPy and JAX
take logsumexp and softmax from one exp; JAX and PyTorch print Aᵀ v as v @ A (XLA copies the
transpose of A.T @ v). Every target factors a matrix once for its log det, inverse and solves
(codegen/factors.py): Cholesky for an spd variable, LU otherwise; `cholesky_failure` says what its
Cholesky helpers do when the matrix is not positive definite after all.
"""
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..elementwise import FUNCTIONS, function
from ..errors import MatcalcError

NUMPY_OPS = {
    # u vᵀ: einsum's loop writes the n×n array 1.3-1.45× faster than np.multiply.outer's (or u[:, None] * v)
    # broadcast at n ≥ 300, one thread (the logsumexp Hessian against jax.hessian: 0.87 → 1.05 at n = 300,
    # 0.68 → 0.98 at n = 1000, per-round ratios under load 2.4); 2 µs slower at n = 100
    "outer": 'np.einsum("i,j->ij", {0}, {1})', "inv": "np.linalg.inv({0})", "solve": "np.linalg.solve({0}, {1})",
    "det": "np.linalg.det({0})", "logdet": "np.linalg.slogdet({0})[1]", "trace": "np.trace({0})",
    "sum": "np.sum({0})", "eye": "np.eye({0})", "ones": "np.ones({0})", "zeros": "np.zeros({0})",
    "sum_axis": "np.sum({0}, axis={1})",
    "kron": "np.kron({0}, {1})", "diag": "np.diag({0})", "diagonal": "np.diagonal({0})",
    "norm": "np.linalg.norm({0})", "matpow": "np.linalg.matrix_power({0}, {1})",
    "array": "np.array({0})", "vec": "{0}.T.reshape(-1)", "T": "{0}.T", "copy": "{0}.copy()",
    # K_{m,n} as a permutation: v a 1-D vec of an m×n A read as n×m ({1}, {2} = rows, columns of the
    # reading), K M and M K by a reshape and an axis swap
    "vec_transpose": "{0}.reshape({1}, {2}).T.reshape(-1)",
    "permute_rows": "{0}.reshape({2}, {1}, -1).transpose(1, 0, 2).reshape({1} * {2}, -1)",
    "permute_columns": "{0}.reshape(-1, {1}, {2}).transpose(0, 2, 1).reshape(-1, {1} * {2})",
}

TORCH_OPS = {
    "outer": "torch.outer({0}, {1})", "inv": "torch.linalg.inv({0})",
    "solve": "torch.linalg.solve({0}, {1})", "det": "torch.linalg.det({0})",
    "logdet": "torch.linalg.slogdet({0})[1]", "trace": "torch.trace({0})", "sum": "torch.sum({0})",
    "sum_axis": "torch.sum({0}, {1})",
    "eye": "torch.eye({0}, dtype=torch.float64)", "ones": "torch.ones({0}, dtype=torch.float64)",
    "zeros": "torch.zeros({0}, dtype=torch.float64)", "kron": "torch.kron({0}.contiguous(), {1}.contiguous())",
    "diag": "torch.diag({0})", "diagonal": "torch.diagonal({0})", "norm": "torch.linalg.norm({0})",
    "matpow": "torch.linalg.matrix_power({0}, {1})",
    "array": "torch.tensor({0}, dtype=torch.float64)", "vec": "{0}.T.reshape(-1)", "T": "{0}.T",
    "copy": "{0}.clone()",
    "vec_transpose": "{0}.reshape({1}, {2}).T.reshape(-1)",
    "permute_rows": "{0}.reshape({2}, {1}, -1).permute(1, 0, 2).reshape({1} * {2}, -1)",
    "permute_columns": "{0}.reshape(-1, {1}, {2}).permute(0, 2, 1).reshape(-1, {1} * {2})",
}

# JAX mirrors NumPy's names under jnp; these differ.
JAX_OPS = {**{k: v.replace("np.", "jnp.") for k, v in NUMPY_OPS.items()}, "outer": "jnp.outer({0}, {1})"}

# The element-wise functions (exp, σ, |·| of the 1-norm, …): each row's code, elementwise.FUNCTIONS[name].code.
for _ops, _target in ((NUMPY_OPS, "numpy"), (JAX_OPS, "jax"), (TORCH_OPS, "torch")):
    _ops.update({name: f.code[_target] for name, f in FUNCTIONS.items()})


@dataclass(frozen=True)
class Target:
    name: str
    ops: dict                    # operation name -> code template
    sum_method: bool = False     # x.sum() rather than sum(x), and the sum of a scalar is the scalar
    cholesky: bool = False       # an spd variable factored once (_cholesky, _cho_logdet/_cho_inv/_cho_solve)
    lu: bool = False             # a matrix factored more than once: one LU (_lu, _lu_logdet/_lu_det/_lu_inv/_lu_solve)
    cholesky_failure: str = "where that factorization fails, all of {0} is used"   # the docstring's words
    fused_softmax: bool = False  # logsumexp(u) and softmax(u) together from one exp (_logsumexp_softmax)
    add_diag: bool = False       # diag(v) + M built in place (_add_diag), no n×n diagonal temporary (NumPy,
    #                              PyTorch; XLA fuses JAX's diag + M into one loop anyway)
    reduce_ones: bool = False    # M 1 and 1ᵀ M as sums along an axis, not products with a ones vector
    vector_first: bool = False   # Aᵀ v as v @ A: XLA copies the transpose of Aᵀ @ v (8.7× slower at n = 1000)
    one_blas: bool = False       # a function that factors with SciPy's LAPACK multiplies with SciPy's BLAS
    #                              (_mm): NumPy's and SciPy's OpenBLAS copies have a thread pool each
    number: str = "{0}"          # a constant scalar (a Python float in the code) as the target's argument
    tanh_backward: str = ""      # M ⊙ (1 − t²), t = tanh(u), as one kernel ({0} M, {1} t); "" where none

    def op(self, name, *args):
        template = self.ops.get(name)
        if template is None:    # an element-wise function added after this module was loaded
            template = function(name).code[self.name]
        return template.format(*args)

    @property
    def prelude(self):
        return _prelude_text(self.name)


TARGETS = {
    "numpy": Target("numpy", NUMPY_OPS, sum_method=True, cholesky=True, lu=True, fused_softmax=True, add_diag=True,
                    one_blas=True),
    # jit cannot branch on values: where the factorization fails, JAX's factor is NaN, and so are the results
    "jax": Target("jax", JAX_OPS, fused_softmax=True, reduce_ones=True, vector_first=True, cholesky=True, lu=True,
                  cholesky_failure="where {0} is not positive definite, the results are NaN (no fallback under jit)"),
    "torch": Target("torch", TORCH_OPS, reduce_ones=True, vector_first=True, cholesky=True, lu=True, add_diag=True,
                    number="torch.as_tensor({0}, dtype=torch.float64)",   # torch.exp(2.0) fails
                    tanh_backward="torch.ops.aten.tanh_backward({0}, {1})"),    # the kernel its own autograd runs
}


def target(name):
    if name not in TARGETS:
        raise MatcalcError(f"unknown code-generation target '{name}'; choose one of {', '.join(TARGETS)}")
    return TARGETS[name]


@cache
def _prelude_text(name):
    """prelude/<name>.py without its docstring: the imports, then blocks of one definition each."""
    text = resources.files("matcalc.codegen.prelude").joinpath(f"{name}.py").read_text(encoding="utf-8")
    return re.sub(r'\A"""(?:.|\n)*?"""\n', "", text)


def prelude_for(target, body):
    """The imports, and only the helper blocks the body calls (and the blocks those use)."""
    imports, named, calls = _prelude_blocks(target.name)
    keep, text, grown = set(), body, True
    while grown:
        new = set(calls.findall(text)) - keep
        keep |= new
        text = "\n".join(named[n] for n in keep)
        grown = bool(new)
    return "\n\n\n".join([imports] + [b for n, b in named.items() if n in keep]) + "\n"


@cache
def _prelude_blocks(name):
    """The prelude's imports, its blocks by the name each defines, and one pattern matching any of those
    names as a whole word: one scan of a body finds every helper it calls, where a search per name
    scanned it once per helper. A name is a whole run of word characters, so the matches are the
    names a search per name finds."""
    blocks = _prelude_text(name).strip().split("\n\n\n")
    named = {re.search(r"(?:^def |import \w+ as )(\w+)", b, re.M).group(1): b for b in blocks[1:]}
    calls = re.compile(r"\b(?:" + ("|".join(sorted(named, key=len, reverse=True)) or "(?!)") + r")\b")
    return blocks[0], named, calls
