"""Function application: one rule per known function name, `CALLS[name](builder, node, arg_nodes)`.

Declared functions (g, J_g, h') are built by `Builder.user_call` before this table is consulted: a
declaration always wins over a built-in reading.
"""
from .. import expr as E
from .. import shapes as S
from ..errors import ParseError, ShapeError
from ..vocabulary import ELEMENTWISE, FUNCTIONS, spelling
from .sizes import count
from .statistics import STATISTICS

ALIASES = {"trace": "tr", "ln": "log", "norm2": "norm", "ReLU": "relu", "Relu": "relu"}


def arity_error(name, n, arg_nodes, arity):
    return ParseError(f"{name} takes {arity} argument{'s' if arity > 1 else ''}, got {len(arg_nodes)}",
                      n.start, end=n.end)


# ---- sized constants: the arguments are dimensions ----------------------------------------
def _eye(b, n, arg_nodes):
    """eye(n): the identity with its size written out."""
    if len(arg_nodes) != 1:
        raise ParseError(f"eye takes 1 argument (a dimension), got {len(arg_nodes)}", n.start, end=n.end)
    return E.Identity(b.dimension(arg_nodes[0]))


def _sized(node):
    """zeros(n), zeros(m, n), ones(n), ones(m, n): a constant vector or matrix with its size written out."""
    def call(b, n, arg_nodes):
        if len(arg_nodes) not in (1, 2):
            raise ParseError(f"{'zeros' if node is E.Zero else 'ones'} takes 1 or 2 dimensions, got "
                             f"{len(arg_nodes)}", n.start, end=n.end)
        dims = [b.dimension(a) for a in arg_nodes]
        return node((dims[0], dims[1] if len(dims) == 2 else 1))
    return call


def _commutation(b, n, arg_nodes):
    """commutation(m, n): K with K vec(A) = vec(Aᵀ) for A m×n."""
    dims = [b.dimension(a) for a in arg_nodes]
    if len(dims) != 2:
        raise ParseError(f"commutation takes 2 arguments, got {len(dims)}", n.start, end=n.end)
    return E.Commutation(*dims)


# ---- functions of built arguments ---------------------------------------------------------
def _log(b, n, a):
    if isinstance(a, E.Det):
        return E.LogDet(a.arg)
    arg_node = n.args[1][0]
    if _bars_around_square_matrix(b, arg_node, a):
        # log|Σ| is log det Σ in Bishop, Murphy and Rasmussen & Williams: the log of an entry-wise
        # |Σ| would be a matrix, never the scalar the formula needs
        inner = b.text[arg_node.start:arg_node.end].replace(" ", "")
        b.notes.append(f"log{inner} is read as log det: |·| of a square matrix under a log is its "
                       f"determinant, as in Bishop (PRML §2.3); for the entry-wise absolute value "
                       f"write log(abs(…))")
        return E.LogDet(a.arg)
    return E.Apply("log", a)


def determinant_bars(node, text):
    """The factors of |A| / |B|, |A| |B| (through parentheses) as [(operator, node inside the bars)],
    or None when node is not such a product of at least two bars."""
    def bars(x):
        while x.op == "paren":
            x = x.args[0]
        return x.args[1][0] if x.op == "call" and x.args[0] == "abs" and text[x.start:x.start + 1] == "|" else None
    while node.op == "paren":
        node = node.args[0]
    if node.op == "prod":
        items = [(None, node.args[0])] + [(o, x) for o, x in node.args[1:]]
    elif node.op == "juxt":
        items = [(None, x) for x in node.args]
    else:
        return None
    inside = [(o, bars(x)) for o, x in items]
    return inside if all(x is not None for _, x in inside) and all(o in (None, "/", "*") for o, _ in inside) else None


def _log_of_determinants(b, n, node):
    """log(|Σ₂|/|Σ₁|) (Murphy's and Wikipedia's Gaussian KL) is log det Σ₂ − log det Σ₁: bars around square
    matrices under a log are determinants, as log|Σ| is (None when the bars hold anything else)."""
    factors = determinant_bars(node, b.text)
    if factors is None:
        return None
    built = [(o, b.build(x)) for o, x in factors]
    if any(m.is_scalar or m.is_vector for _, m in built):
        return None
    terms = [b.at(n, E.LogDet, m) for _, m in built]
    b.notes.append(f"log({b.text[node.start:node.end].replace(' ', '')}) is read as a sum of log dets: |·| of a square "
                   "matrix under a log is its determinant, as in Bishop (PRML §2.3) and Murphy")
    out = terms[0]
    for (o, _), t in zip(built[1:], terms[1:]):
        out = E.Add(out, E.negate(t) if o == "/" else t)
    return out


def _bars_around_square_matrix(b, node, built):
    """Whether `node` is |M| written with bars (not abs(M)) around a matrix (LogDet then makes it square)."""
    return isinstance(built, E.Apply) and built.fn == "abs" and node.op == "call" and \
        b.text[node.start:node.start + 1] == "|" and not built.arg.is_scalar and not built.arg.is_vector


def _filled(name):
    """vector(c), matrix(c): c times the ones vector or matrix, sized by context."""
    def rule(b, n, a):
        if not a.is_scalar:
            raise ShapeError(f"{name}(c) needs a scalar c, got {S.fmt_shape(a.shape)}", n.start, end=n.end)
        dims = (b.fresh(), 1) if name == "vector" else (b.fresh(), b.fresh())
        return E.product(a, E.Ones(dims))
    return rule


def _diag(b, n, a):
    if a.is_scalar:
        raise ShapeError("diag needs a vector or a square matrix, got a scalar", n.start, end=n.end)
    if a.shape[0] == 1:       # a row vector: the diagonal matrix of its entries, as of a column
        return b.at(n, E.DiagMat, b.at(n, E.Transpose, a))
    return b.at(n, E.DiagMat if a.is_vector else E.DiagVec, a)


def _inv(b, n, a):
    return b.power(n, a, E.Num(-1)) if a.is_scalar else b.inverse(n, a)


def matrix_function(node, of_scalar):
    """tr, det, logdet, sum, vec (and softmax, logsumexp of matcalc.ops); of_scalar: the value for a
    scalar argument."""
    def rule(b, n, a):
        if a.is_scalar and of_scalar is not None:
            return of_scalar(a)
        return b.at(n, node, a)
    return rule


def _count(a):
    """The number of entries of a, as an expression: the sizes of its shape (n, or m n; ops/size.py)."""
    return count(a.shape)


def _mean(b, n, a):
    """mean(x): over all entries, sum(x) / (number of entries)."""
    b.note("mean(…) is the mean over all entries, sum(…)/n, with n the number of entries (the size, not a variable)")
    return a if a.is_scalar else E.product(E.Sum(a), E.Pow(_count(a), E.Num(-1)))


def _var(b, n, a):
    """var(x): the population variance over all entries, mean((x - mean(x)).^2)."""
    b.note("var(…) is the population variance over all entries, mean((x - mean(x)).^2) (divisor n, not n - 1)")
    if a.is_scalar:
        return E.Num(0)
    centred = E.Add(a, E.negate(E.product(_mean(b, n, a), E.Ones(a.shape))))
    return E.product(E.Sum(E.Pow(centred, E.Num(2))), E.Pow(_count(a), E.Num(-1)))


def _max(b, n, arg_nodes):
    """max(0, u) and max(u, 0) are relu(u), element-wise; any other max is refused, not guessed."""
    if len(arg_nodes) == 1:
        raise ParseError("max(…) of one argument, its largest entry, is not smooth (its derivative jumps where two "
                         "entries tie) and is refused rather than guessed: max(0, u) is relu(u); logsumexp(x) is the "
                         "smooth maximum; a problem 'min max(x)' is 'min_{x, t} t st x <= t 1'", n.start, end=n.end)
    if len(arg_nodes) != 2:
        raise arity_error("max", n, arg_nodes, 2)
    zero = [i for i, a in enumerate(arg_nodes) if _is_zero(a)]
    if len(zero) != 1:
        raise ParseError("max is read only as max(0, u), the element-wise relu(u); for the larger of two "
                         "expressions write it with abs: (a + b + |a - b|)/2", n.start, end=n.end)
    return E.Apply("relu", b.build(arg_nodes[1 - zero[0]]))


def _is_zero(node):
    while node.op == "paren":
        node = node.args[0]
    return node.op == "num" and node.args[0] == 0


def _refused(name, meaning):
    """A known function matcalc cannot differentiate yet: refused with the way to get it, never misread."""
    def call(b, n, arg_nodes):
        raise ParseError(f"{name}(…) is {meaning}, which matcalc does not have built in; declare it as an "
                         f"element-wise function ('{name}: function scalar -> scalar') and its derivative "
                         f"appears as {name}'(…)", n.start, end=n.end)
    return call


# Functions whose arguments are dimensions or need their syntax: rule(builder, node, argument nodes).
RAW = {
    "eye": _eye, "zeros": _sized(E.Zero), "ones": _sized(E.Ones), "commutation": _commutation,
    "max": _max,
    "phi": _refused("φ", "the standard normal density"),
}

# Functions of built arguments: name → (arity, rule(builder, node, *arguments)); an operation of
# matcalc.ops adds its own (ops/softmax.py).
BUILT = {
    "log": (1, _log),
    **{name: (1, lambda b, n, a, name=name: E.Apply(name, a)) for name in ELEMENTWISE if name != "log"},
    "kron": (2, lambda b, n, x, y: E.Kron(x, y)),
    "vector": (1, _filled("vector")), "matrix": (1, _filled("matrix")),
    "norm": (1, lambda b, n, a: E.Norm(a, 2)), "norm1": (1, lambda b, n, a: E.Norm(a, 1)),
    "diag": (1, _diag),
    "inv": (1, _inv),
    "mean": (1, _mean), "var": (1, _var),
    "tr": (1, matrix_function(E.Trace, lambda a: a)),
    "det": (1, matrix_function(E.Det, lambda a: a)),
    "logdet": (1, matrix_function(E.LogDet, lambda a: E.Apply("log", a))),
    "sum": (1, matrix_function(E.Sum, None)), "vec": (1, matrix_function(E.Vec, None)),
    # row and column statistics of a data matrix, as definitions from sums and ones (parse/statistics.py)
    **{name: (1, lambda b, n, a, rule=rule: b.at(n, rule, a)) for name, rule in STATISTICS.items()},
}


# Norms of a matrix by their subscript (2: spectral, *: nuclear): subscript → node, filled by matcalc.ops
# (parse/build.py b_norm reads it).
MATRIX_NORMS = {}

# Functions named by a letter and an integer subscript: letter → rule(builder, node, index, argument)
# (matcalc.ops.eigen: λ_2(A), the 2nd largest eigenvalue).
INDEXED = {}


def build_call(b, n, name, arg_nodes):
    """The known function `name` applied to the argument nodes (messages use the name as written)."""
    canonical = ALIASES.get(name) or spelling(name)      # λ_{max}, \lambda_max: lambda_max
    letter, _, index = canonical.partition("_")
    if letter in INDEXED and index.isdigit() and int(index) > 0 and canonical not in BUILT:
        if len(arg_nodes) != 1:
            raise arity_error(name, n, arg_nodes, 1)
        return INDEXED[letter](b, n, int(index), b.build(arg_nodes[0]))
    if canonical not in RAW and canonical not in BUILT:     # f(x), λ_max(A): lexer.reads_as_function
        import difflib
        best = difflib.get_close_matches(name.replace("_", "").lower(), FUNCTIONS, n=1, cutoff=0.75)
        hint = f"; did you mean '{best[0]}'?" if best else ""
        raise ParseError(f"'{name}(' reads as applying a function {name}, which is not declared: declare it "
                         f"(--let '{name}: function n -> scalar', or 'function scalar -> scalar' for an "
                         f"element-wise one), or write '{name} (…)' with a space for a product{hint}",
                         n.start, end=n.start + len(name))
    if canonical == "log" and len(arg_nodes) == 1:
        dets = _log_of_determinants(b, n, arg_nodes[0])
        if dets is not None:
            return dets
    if canonical in RAW:
        return RAW[canonical](b, n, arg_nodes)
    arity, rule = BUILT[canonical]
    if len(arg_nodes) != arity:
        raise arity_error(name, n, arg_nodes, arity)
    return rule(b, n, *[b.build(a) for a in arg_nodes])
