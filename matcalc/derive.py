"""Reading derivatives off the canonical differential.

Gradients: `df` is linear in dX. `pull(L, W)` returns G with ⟨W, L(dX)⟩ = ⟨G, dX⟩ — the trace
rules of METHOD.md §2 applied node by node: cyclic rotation (⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩),
transpose flip (⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩), Hadamard swap (⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩), and the adjoints
of tr, sum, diag. With W = 1 for a scalar f this turns df into Σ tr(Gᵢᵀ dX), and ∂f/∂X = Σ Gᵢ.

Jacobians: `push(L)` returns J with vec(L(dX)) = J vec(dX) (METHOD.md §3–4):
vec(A dX B) = (Bᵀ ⊗ A) vec dX, vec(dXᵀ) = K vec dX, vec(A ⊙ dX) = diag(vec A) vec dX.
"""
from . import expr as E
from .diff import Differentiator, inner
from .errors import DiffError
from .simplify import simplify


def transpose_chain(chain):
    return [E.Transpose(f) for f in reversed(chain)]


# ---- gradients: the adjoint of the linear map dX ↦ L(dX) ------------------------------------
def pull_rule(L, W):
    """One trace rule: [(rule name, L', W')] with ⟨W, L⟩ = Σ ⟨W', L'⟩."""
    if isinstance(L, E.Add):
        return [("linearity", t, W) for t in L.terms]
    if isinstance(L, E.Mul):
        k = _linear_factor(L.factors)
        f = L.factors[k]
        others = L.factors[:k] + L.factors[k + 1:]
        scalars = [g for g in others if g.is_scalar]
        chain = [g for g in others if not g.is_scalar]
        if f.is_scalar:   # ⟨W, s · C⟩ = s ⟨W, C⟩ with s the factor holding dX
            rest = E.product(*chain) if chain else E.ONE
            return [("scalar factor", f, E.product(*scalars, inner(W, rest) if chain else W))]
        chain = [g for g in L.factors if not g.is_scalar]
        j = chain.index(f)   # ⟨W, P L Q⟩ = ⟨Pᵀ W Qᵀ, L⟩: tr(Wᵀ P L Q) = tr(Q Wᵀ P L)
        rule = "cyclic property of the trace" if len(chain) > 1 else "scalar factor"
        return [(rule, f, E.product(*scalars, *transpose_chain(chain[:j]), W, *transpose_chain(chain[j + 1:])))]
    if isinstance(L, E.Hadamard):   # ⟨W, B ⊙ L⟩ = ⟨W ⊙ B, L⟩
        k = _linear_factor(L.factors)
        others = L.factors[:k] + L.factors[k + 1:]
        return [("Hadamard–trace swap: tr(Aᵀ (B ⊙ dX)) = tr((A ⊙ B)ᵀ dX)", L.factors[k], E.Hadamard(W, *others))]
    if isinstance(L, E.Transpose):  # ⟨W, Lᵀ⟩ = ⟨Wᵀ, L⟩
        return [("transpose: tr(Pᵀ) = tr(P)", L.arg, E.Transpose(W))]
    if isinstance(L, E.Trace):      # w tr(L) = ⟨w I, L⟩
        return [("a scalar is its own trace", L.arg, E.product(W, E.Identity(L.arg.shape[0])))]
    if isinstance(L, E.Sum):        # w sum(L) = ⟨w 1, L⟩
        return [("sum of entries: sum(L) = ⟨1, L⟩", L.arg,
                 E.product(W, E.Ones(L.arg.shape)) if not L.arg.is_scalar else W)]
    if isinstance(L, E.DiagVec):    # ⟨w, diag(L)⟩ = ⟨diag(w), L⟩
        return [("diag: ⟨w, diag(L)⟩ = ⟨diag(w), L⟩", L.arg, E.DiagMat(W))]
    if isinstance(L, E.DiagMat):
        return [("diag: ⟨W, diag(l)⟩ = ⟨diag(W), l⟩", L.arg, E.DiagVec(W))]
    if isinstance(L, E.Vec) and (L.arg.is_vector or L.arg.is_scalar):
        return [("vec of a vector", L.arg, W)]
    raise DiffError(f"no closed-form gradient through {type(L).__name__.lower()} of the differential (in {L})")


def pull(L, W, out, steps=None):
    """Append to `out` the terms of G with ⟨W, L⟩ = ⟨G, dX⟩; record each trace rule in `steps`."""
    if isinstance(L, E.Zero) or L is E.ZERO:
        return
    if isinstance(L, E.Differential):
        out.append(W)
        return
    parts = [(rule, L2, simplify(W2)) for rule, L2, W2 in pull_rule(L, W)]
    if steps is not None and parts[0][0] != "linearity" and not (len(parts) == 1 and parts[0][2] is W
                                                                  and parts[0][1] is L):
        for rule, L2, W2 in parts:
            before, after = pair(W, L), pair(W2, L2)
            if str(before) != str(after):          # a rule that changes nothing on paper is not a step
                steps.append(Step(rule, before, after))
    for _, L2, W2 in parts:
        pull(L2, W2, out, steps)


class Step:
    """One equation of a derivation, `lhs = rhs`, and the rule that justifies it."""
    __slots__ = ("rule", "lhs", "rhs")

    def __init__(self, rule, lhs, rhs):
        self.rule, self.lhs, self.rhs = rule, lhs, rhs

    @property
    def text(self):
        return f"{_show(self.lhs)} = {_show(self.rhs)}"

    @property
    def latex(self):
        return f"{_show(self.lhs, True)} = {_show(self.rhs, True)}"

    @property
    def rule_latex(self):
        return rule_latex(self.rule)

    def __repr__(self):
        return f"<Step {self.text}  [{self.rule}]>"


def pair(W, L):
    """⟨W, L⟩ for display: tr(Wᵀ L) with Wᵀ tidied (the value is that of inner(W, L))."""
    if W.is_scalar:
        return E.product(W, L)
    wt = simplify(E.Transpose(W))
    return E.product(wt, L) if W.is_vector else E.Trace(E.product(wt, L))


class Label:
    """A left side that is a name, not an expression: df, d(∂f/∂x), ∂f/∂X."""
    __slots__ = ("text", "latex")

    def __init__(self, text, latex):
        self.text, self.latex = text, latex

    def __eq__(self, other):
        return isinstance(other, Label) and other.text == self.text

    def __hash__(self):
        return hash(self.text)


DF = Label("df", r"\mathrm{d}f")


def _show(e, latex=False):
    if isinstance(e, Label):
        return e.latex if latex else e.text
    return e.latex() if latex else str(e)


_RULE_SYMBOLS = {"ᵀ": r"^\top", "⁻¹": "^{-1}", "⁻ⁱ": "^{-i}", "ᵏ": "^k", "ⁱ": "^i", "⇒": r"\Rightarrow",
                 "⊙": r"\odot", "⊗": r"\otimes", "∂": r"\partial", "′": "'", "−": "-", "Σ": r"\Sigma",
                 "‖": r"\|", "⟨": r"\langle", "⟩": r"\rangle", "⁻¹⁻ⁱ": "^{-1-i}", "ᵏ⁻¹⁻ⁱ": "^{k-1-i}"}


def rule_latex(rule):
    """A rule name for LaTeX text mode: its symbols (longest match first) become inline math."""
    keys = sorted(_RULE_SYMBOLS, key=len, reverse=True)
    out, i = [], 0
    while i < len(rule):
        key = next((k for k in keys if rule.startswith(k, i)), None)
        if key is not None:
            out.append(f"${_RULE_SYMBOLS[key]}$")
            i += len(key)
            continue
        ch = rule[i]
        if ch in "{}_&%#$":
            out.append("\\" + ch)
        elif ch in "^\\":
            out.append({"^": r"\^{}", "\\": r"\textbackslash{}"}[ch])
        else:
            out.append(ch)
        i += 1
    return "".join(out).replace("$$", "")


def _linear_factor(factors):
    held = [i for i, f in enumerate(factors) if any(isinstance(v, E.Differential) for v in f.free)]
    if len(held) != 1:
        raise DiffError("internal error: a differential term is not linear in the differential")
    return held[0]




def differential(f, wrt, steps=None):
    """df as an expression linear in Differential(wrt), simplified; and the conditions met on the way."""
    d = Differentiator(wrt)
    raw = d(simplify(f))      # x ⊙ x ⊙ … ⊙ x is x.^k first: the product rule on k copies would make k² terms
    df = simplify(raw) if raw is not None else None
    if steps is not None and raw is not None:
        steps.append(Step("differential: " + ", ".join(d.rules), DF, raw))
        if df is not raw:
            steps.append(Step("simplify", DF, df))
    return df, d.conditions


def _zero_like(v):
    return E.ZERO if v.is_scalar else E.Zero(v.shape)


def gradient_of(f, wrt, steps=None):
    """(∂f/∂X, df, conditions) for scalar f, with ∂f/∂X in the shape of X."""
    df, conditions = differential(f, wrt, steps)
    if df is None or df is E.ZERO or isinstance(df, E.Zero):
        return _zero_like(wrt), df, conditions
    terms = []
    pull(df, E.ONE, terms, steps)
    if not terms:
        return _zero_like(wrt), df, conditions
    grad = simplify(E.Add(*terms) if len(terms) > 1 else terms[0])
    if steps is not None:
        steps.append(Step(f"identification: df = tr(Mᵀ d{wrt.name}) ⇒ ∂f/∂{wrt.name} = M", DF,
                          canonical_differential(grad, wrt)))
    return grad, df, conditions


def canonical_differential(grad, wrt):
    """df = tr(Gᵀ dX), written the way people write it for scalars and vectors."""
    return inner(grad, E.Differential(wrt)) if not wrt.is_scalar else E.product(grad, E.Differential(wrt))


# ---- Jacobians: vec(L(dX)) = J vec(dX) --------------------------------------------------------
def numel(e):
    from .shapes import mul_dims
    return mul_dims(*e.shape)


def as_column(e):
    """vec(e) without a vec node when e already is a column (or a row: same entries)."""
    if e.shape[1] == 1:
        return e
    if e.shape[0] == 1:
        return E.Transpose(e)
    return E.Vec(e)


def push_rule(L, n):
    """One vec rule: [(rule name, M, L')] with vec(L) = Σ M vec(L')."""
    if isinstance(L, E.Add):
        return [("linearity", None, t) for t in L.terms]
    if isinstance(L, E.Mul):
        k = _linear_factor(L.factors)
        f = L.factors[k]
        scalars = [g for i, g in enumerate(L.factors) if i != k and g.is_scalar]
        chain = [g for g in L.factors if not g.is_scalar]
        if f.is_scalar:          # vec(C s) = vec(C) s: a column times the row ∂s/∂x
            if not chain:
                return [("scalar factor", E.product(*scalars) if scalars else E.ONE, f)]
            return [("a scalar differential times a vector: u (gᵀ dx) = (u gᵀ) dx",
                     E.product(*scalars, as_column(E.product(*chain))), f)]
        j = chain.index(f)
        left, right = chain[:j], chain[j + 1:]
        if not right and f.shape[1] == 1:
            return [("product: vec(P dx) = P dx", E.product(*scalars, *left) if scalars or left else E.ONE, f)]
        P = E.product(*left) if left else E.Identity(f.shape[0])
        Q = E.product(*right) if right else E.Identity(f.shape[1])
        return [("vec(P dX Q) = (Qᵀ ⊗ P) vec(dX)", E.product(*scalars, E.Kron(E.Transpose(Q), P)), f)]
    if isinstance(L, E.Hadamard):
        k = _linear_factor(L.factors)
        others = L.factors[:k] + L.factors[k + 1:]
        other = others[0] if len(others) == 1 else E.Hadamard(*others)
        return [("vec(B ⊙ dX) = diag(vec B) vec(dX)", E.DiagMat(as_column(other)), L.factors[k])]
    if isinstance(L, E.Transpose):
        f = L.arg
        if f.shape[0] == 1 or f.shape[1] == 1:
            return [("vec of a transposed vector", E.ONE, f)]
        return [("vec(dXᵀ) = K vec(dX)", E.Commutation(f.shape[0], f.shape[1]), f)]
    if isinstance(L, E.Trace):
        return [("tr(dX) = vec(I)ᵀ vec(dX)", E.Transpose(E.Vec(E.Identity(L.arg.shape[0]))), L.arg)]
    if isinstance(L, E.Sum):
        return [("sum(dX) = 1ᵀ vec(dX)", E.Ones((1, numel(L.arg))), L.arg)]
    if isinstance(L, E.Vec):
        return [("vec", E.ONE, L.arg)]
    if isinstance(L, (E.DiagVec, E.DiagMat)):
        k = L.shape[0]
        mask = E.DiagMat(E.Vec(E.Identity(k)))       # diag(vec I): keeps the diagonal entries of vec
        spread = E.Kron(E.Ones((k, 1)), E.Identity(k))
        if isinstance(L, E.DiagVec):                 # diag(F) = (I ⊙ F) 1 ⇒ (1ᵀ ⊗ I) diag(vec I) vec F
            return [("diag(dX) = (1ᵀ ⊗ I) diag(vec I) vec(dX)", E.product(E.Transpose(spread), mask), L.arg)]
        return [("vec(diag(dx)) = diag(vec I) (1 ⊗ I) dx", E.product(mask, spread), L.arg)]
    raise DiffError(f"no closed-form Jacobian through {type(L).__name__.lower()} of the differential (in {L})")


def push(L, n, steps=None):
    """J with vec(L) = J vec(dX), for L linear in dX; n = numel(X); record each vec rule in `steps`."""
    if isinstance(L, E.Zero) or L is E.ZERO:
        return None
    if isinstance(L, E.Differential):
        return E.Identity(n)
    parts = push_rule(L, n)
    if steps is not None and parts[0][0] != "linearity":
        for rule, M, L2 in parts:
            before, after = as_column(L), E.product(M, as_column(L2))
            if str(before) != str(after):
                steps.append(Step(rule, before, after))
    js = []
    for _, M, L2 in parts:
        inner_j = push(L2, n, steps)
        if inner_j is not None:
            js.append(inner_j if M is None else E.product(M, inner_j))
    return None if not js else js[0] if len(js) == 1 else E.Add(*js)


def jacobian_of(F, wrt, steps=None):
    """(J, dF, conditions) with vec(dF) = J vec(dX): J is numel(F) × numel(X)."""
    dF, conditions = differential(F, wrt, steps)
    n = numel(wrt)
    J = push(dF, n, steps) if dF is not None else None
    if J is None:
        shape = (numel(F), n)
        return (E.ZERO if shape == (1, 1) else E.Zero(shape)), dF, conditions
    J = simplify(J)
    if steps is not None:
        steps.append(Step("identification: d vec F = J d vec X ⇒ J", DF,
                          E.product(J, as_column(E.Differential(wrt)))))
    return J, dF, conditions


def substitute(e, mapping, memo=None):
    memo = {} if memo is None else memo
    if e in mapping:
        return mapping[e]
    if e in memo:
        return memo[e]
    out = e.rebuild([substitute(c, mapping, memo) for c in e.children]) if e.children else e
    memo[e] = out
    return out


def directional_of(grad, wrt, v):
    """∇f(x)ᵀ v: the gradient paired with a direction of the variable's shape."""
    return simplify(inner(grad, v)) if not wrt.is_scalar else simplify(E.product(grad, v))
