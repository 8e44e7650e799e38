"""The names a textbook gives in a derivative: the attention matrix A = softmax(Q Kᵀ/√d) (Vaswani et al.
2017), and the back-propagated error δ, named in a gradient through the user's definitions, so that the
answer reads as the back-propagation equations of a textbook (Goodfellow et al. 2016 §6.5.4, Nielsen 2015
ch. 2, BP4: ∂L/∂W = aᵀ δ with a the layer's input and δ = ∂L/∂z its pre-activation's error).

    H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = …    ∂f/∂W1 = X^T δ  where …, δ = (softmax_rows(Z) - Y) W2^T .* (1 - H.^2)

A gradient w.r.t. a weight, printed as Aᵀ M (a batch) or M aᵀ (one sample), times scalars, with A an
input or a defined name and M a compound expression, names M δ (or δ1, δ2 when taken) unless M is short enough to read in place. Only with definitions: without them there are no layers
to speak of and the where would only move text.
"""
from .. import expr as E
from .text import to_text

SHORT = 24    # characters: an error this short reads in place (softmax_rows(Z) - Y, z .* s - (z^T s) s)


def error_name(result, shown, names):
    """{node: "δ"} for the error in `shown` (a gradient), or {} when the rule does not apply."""
    if result.kind != "gradient" or not result.definitions or result.wrt.is_scalar:
        return {}
    chain = [f for f in shown.factors if not f.is_scalar] if isinstance(shown, E.Mul) else []
    if len(chain) != 2 or not any(isinstance(f, E.Transpose) for f in chain):
        return {}
    if isinstance(chain[0], E.Transpose):        # Aᵀ δ (a batch: rows are samples)
        a, m = chain[0].arg, chain[1]
    else:                                        # δ xᵀ (one sample: a column)
        m, a = chain[0], chain[1].arg
    if not (isinstance(a, E.Var) or a in names) or m in names or isinstance(m, (E.Var, E.Ones)):
        return {}
    if len(to_text(m, names=names, sized=False)) < SHORT:     # S − Y: short enough to read in place
        return {}
    taken = set(names.values()) | {v.name for v in shown.free if isinstance(v, E.Var)}
    name = next(n for n in ("δ", "δ1", "δ2", "δ3", "delta") if n not in taken)
    return {m: name}


def attention_name(shown, names):
    """{softmax_rows(P Kᵀ …): "A"}: a row-wise softmax of scores (a product ending in a transpose, as
    Q Kᵀ / s and X Wq Wkᵀ Xᵀ) is the attention matrix, A in every source (Vaswani et al. 2017)."""
    taken = set(names.values()) | {v.name for v in shown.free if isinstance(v, E.Var)}
    if "A" in taken:
        return {}
    for node in E.nodes(shown):
        if type(node).__name__ == "SoftmaxRows" and node not in names and _scores(node.arg):
            return {node: "A"}
    return {}


def _scores(z):
    if isinstance(z, E.Mul):
        chain = [f for f in z.factors if not f.is_scalar]
        return len(chain) >= 2 and isinstance(chain[-1], E.Transpose)
    return False


def textbook_names(result, shown, names):
    """node → name for `Result.named_subexpressions`, after the user's own names."""
    found = attention_name(shown, names)
    found.update(error_name(result, shown, {**names, **found}))
    return found
