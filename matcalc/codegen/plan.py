"""The evaluation plan behind generated code: exact rewrites of the outputs before they are printed.

Every product becomes a tree of binary products in the cheapest order (a matrix-chain search over
the factors' sizes, each symbolic dimension counted as large), so each partial product is a node and
the generator's common-subexpression pass shares it between the value, the gradient and the Hessian
(`A x` in both xᵀAx and (A + Aᵀ)x). The rules, each an identity:

- order:       (P Q) R = P (Q R); a partial product that is a node elsewhere costs nothing.
- distribute:  (B + C) v = B v + C v and vᵀ(B + C) = vᵀB + vᵀC for a sum of matrices needed only
               in products: k matrix-vector products instead of an n×n sum and one product.
- identity:    I M = M.
- diagonals:   diag(a) diag(b) = diag(a ⊙ b).
- outer:       c (u vᵀ) = (c u) vᵀ: a scalar scales the vector, not the n×n outer product.
- quadratic:   vᵀ M v = ½ vᵀ g when g = (M + Mᵀ) v is computed anyway (vᵀ Mᵀ v = vᵀ M v).
- transposes:  M and Mᵀ both needed: the second is the first transposed (G Vᵀ and V Gᵀ in attention);
               a sum needed in two orders (H W + 1 bᵀ typed, 1 bᵀ + H W derived) is computed once;
               A ⊙ B ⊙ C reuses A ⊙ B when that is computed anyway.
- scalars:     a shape operation on a 1×1 value is an operation on the number: sᵀ = tr s = vec s =
               diag s = det s = sum s = logsumexp s = s, s⁻¹ = 1/s, log det s = log s, s^k = s**k,
               ‖s‖ = |s|, softmax(s) = 1, s ⊗ M = M ⊗ s = s M, and a 1×1 I, 1 or literal is a
               number. Generated code holds scalars as numbers (a user passes a float), on which
               `.T`, `trace`, `inv` or `kron` fail.
"""
from collections import Counter
from fractions import Fraction

from .. import expr as E
from ..elementwise import is_nonnegative

LARGE = 1000          # the size of a symbolic dimension, for ordering products only
MAX_SEARCH = 16       # longer chains: right to left when they end in a column, else left to right


def kind(e):
    r, c = e.shape
    if (r, c) == (1, 1):
        return "s"
    if c == 1:
        return "c"
    return "r" if r == 1 else "m"


def size(d):
    if isinstance(d, int):
        return d
    if isinstance(d, tuple):
        out = 1
        for f in d:
            out *= size(f)
        return out
    return LARGE


def count_uses(outputs):
    """How many parents (and outputs) refer to each node."""
    uses, stack = {}, list(outputs)
    while stack:
        e = stack.pop()
        uses[e] = uses.get(e, 0) + 1
        if uses[e] == 1:
            stack.extend(e.children)
    return uses


class Planner:
    """Lowers nodes (memoized): products to binary trees, every other node over lowered children."""

    def __init__(self, keep=frozenset(), computed=frozenset()):
        self.keep = keep                # sums computed as matrices anyway: not distributed
        self.computed = {p.factors: p for p in computed}     # products computed anyway
        self.spread = set()             # the sums distributed
        self.memo = {}

    def lower(self, e):
        hit = self.memo.get(e)
        if hit is None:
            if isinstance(e, E.Mul):
                hit = self.lower_mul(e)
            elif e.children:
                hit = on_scalars(e.rebuild([self.lower(c) for c in e.children]))
            else:
                hit = on_scalars(e)
            self.memo[e] = hit
        return hit

    def lower_mul(self, e):
        scalars = [self.lower(f) for f in e.factors if f.is_scalar]
        chain = merge_diagonals([f for f in e.factors if not f.is_scalar])
        if not chain:
            return E.Mul(*scalars)
        if is_syrk(chain):          # Xᵀ diag(d) X stays whole: the generator prints it as a rank-k update
            tree = E.Mul(*(self.lower(f) for f in chain))
        else:
            tree = self.tree(chain)
        if not scalars:
            return tree
        if isinstance(tree, E.Mul) and len(tree.factors) == 2 and (kind(tree.factors[0]), kind(tree.factors[1])) \
                == ("c", "r"):      # c (u vᵀ) = (c u) vᵀ
            return E.Mul(E.Mul(*scalars, tree.factors[0]), tree.factors[1])
        return E.Mul(*scalars, tree)

    # ---- the order of a chain -----------------------------------------------------------------
    def tree(self, chain):
        """The chain as nested binary products in the cheapest order."""
        k = len(chain)
        rightward = kind(chain[-1]) == "c"
        if k > MAX_SEARCH:      # no search: right to left into a column, else left to right
            splits = _Fixed(rightward)
        else:
            splits = self.splits(chain, rightward)

        def build(i, j):
            if i == j:
                return self.lower(chain[i])
            found = self.computed.get(tuple(chain[i:j + 1])) if j - i + 1 < k else None
            if found is not None:
                return self.lower(found)
            s = splits[i, j]
            spread = self.distribute(chain[i:s + 1], chain[s + 1:j + 1])
            return spread if spread is not None else E.Mul(build(i, s), build(s + 1, j))
        return build(0, k - 1)

    def splits(self, chain, rightward):
        """Matrix-chain search: (i, j) -> the split of factors i..j (ties: right to left into a column)."""
        k = len(chain)
        dims = [size(chain[0].shape[0])] + [size(f.shape[1]) for f in chain]
        cost, split = {(i, i): 0 for i in range(k)}, {}
        for length in range(2, k + 1):
            for i in range(k - length + 1):
                j = i + length - 1
                if length < k and tuple(chain[i:j + 1]) in self.computed:
                    cost[i, j] = 0              # computed anyway: shared
                    continue
                best = None
                for s in range(i, j):
                    diag = (s == i and isinstance(chain[i], E.DiagMat)) or \
                        (s + 1 == j and isinstance(chain[j], E.DiagMat))      # diag(d) M is a broadcast
                    c = cost[i, s] + cost[s + 1, j] + dims[i] * dims[j + 1] * (1 if diag else dims[s + 1])
                    if best is None or c < best or (c == best and not rightward):
                        best, split[i, j] = c, s
                cost[i, j] = best
        return split

    def distribute(self, left, right):
        """left · right (lists of factors) as a sum of products when one side is a sum of matrices to
        distribute (see `terms`) and the other makes a vector: (B + C) v = B v + C v, vᵀ(B + C) = vᵀB + vᵀC.
        Else None."""
        if len(left) == 1 and kind(right[-1]) == "c":
            terms = self.terms(left[0])
            if terms:
                return E.Add(*(self.lower(E.product(t, *right)) for t in terms))
        if len(right) == 1 and kind(left[0]) == "r":
            terms = self.terms(right[0])
            if terms:
                return E.Add(*(self.lower(E.product(*left, t)) for t in terms))
        return None

    def terms(self, f):
        """The terms of a sum of matrices (or of its transpose, (B + C)ᵀ = Bᵀ + Cᵀ) to distribute a
        product over; None when f is no such sum or is computed as a matrix anyway."""
        from ..printers.text import broadcast_literal
        flipped = isinstance(f, E.Transpose)
        s = f.arg if flipped else f
        if not isinstance(s, E.Add) or kind(s) != "m" or s in self.keep \
                or any(broadcast_literal(t) is not None for t in s.terms):
            return None
        self.spread.add(s)
        return [transposed(t) for t in s.terms] if flipped else list(s.terms)


def on_scalars(e):
    """e without a shape operation on a 1×1 value (see the module docstring); else e itself."""
    if isinstance(e, E.Kron):
        if e.left.is_scalar or e.right.is_scalar:
            return E.product(e.left, e.right) if e.left.is_scalar else E.product(e.right, e.left)
        return e
    if not e.is_scalar:
        return e
    if isinstance(e, (E.Identity, E.Ones)):
        return E.ONE
    if isinstance(e, E.Literal):
        return E.Num(e.rows[0][0])
    if isinstance(e, E.Commutation):
        return E.ONE
    if not e.children or not e.children[0].is_scalar:
        return e
    a = e.children[0]
    if isinstance(e, (E.Transpose, E.Trace, E.Vec, E.DiagVec, E.DiagMat, E.Det, E.Sum)):
        return a
    if isinstance(e, E.Inverse):
        return E.Pow(a, E.Num(-1))
    if isinstance(e, E.LogDet):
        return E.Apply("log", a)
    if isinstance(e, E.MatPow):
        return E.Pow(a, E.Num(e.k))
    if isinstance(e, E.Norm):
        return E.Apply("abs", a)
    of_scalar = getattr(type(e), "of_scalar", None)     # an operation of matcalc.ops says (softmax: 1)
    if of_scalar is not None:
        return of_scalar(a)
    return e


class _Fixed:
    """The splits of a chain multiplied right to left (or left to right), as a mapping."""

    def __init__(self, rightward):
        self.rightward = rightward

    def __getitem__(self, ij):
        return ij[0] if self.rightward else ij[1] - 1


def transposed(e):
    """eᵀ, the transpose pushed inside: (P Q)ᵀ = Qᵀ Pᵀ, (B + C)ᵀ = Bᵀ + Cᵀ, Sᵀ = S (S symmetric)."""
    if isinstance(e, E.Transpose):
        return e.arg
    if e.is_scalar or isinstance(e, (E.DiagMat, E.Identity)) or (isinstance(e, E.Var) and e.has("symmetric")):
        return e
    if isinstance(e, E.Mul):
        return E.product(*(transposed(f) for f in reversed(e.factors)))
    if isinstance(e, E.Add):
        return E.Add(*(transposed(t) for t in e.terms))
    return E.Transpose(e)


def merge_diagonals(chain):
    """I M = M and diag(a) diag(b) = diag(a ⊙ b)."""
    out = []
    for f in chain:
        if isinstance(f, E.Identity) and len(chain) > 1:
            continue
        if out and isinstance(f, E.DiagMat) and isinstance(out[-1], E.DiagMat):
            out[-1] = E.DiagMat(E.Hadamard(*sorted((out[-1].arg, f.arg), key=lambda a: a.sort_key)))
            continue
        out.append(f)
    return out or chain[:1]


def is_syrk(chain):
    """Xᵀ diag(d) X with d ≥ 0 = (√d X)ᵀ (√d X): a symmetric rank-k product (BLAS syrk), kept whole."""
    return len(chain) == 3 and isinstance(chain[1], E.DiagMat) and isinstance(chain[0], E.Transpose) \
        and chain[0].arg is chain[2] and kind(chain[2]) == "m" and is_nonnegative(chain[1].arg)


# ---- rewrites over the lowered outputs -------------------------------------------------------
def share_quadratic_forms(outputs):
    """vᵀ M v → ½ vᵀ g wherever g = (M + Mᵀ) v is a node of the outputs."""
    nodes = set(E.nodes(*outputs))
    halves = {}
    for g in nodes:
        if isinstance(g, E.Mul) and len(g.factors) == 2 and isinstance(g.factors[0], E.Add) \
                and kind(g.factors[1]) == "c" and len(g.factors[0].terms) == 2:
            a, b = g.factors[0].terms
            if b is E.Transpose(a) or a is E.Transpose(b):
                halves[a, g.factors[1]] = halves[b, g.factors[1]] = g
    subst = {}
    for q in nodes:
        if isinstance(q, E.Mul) and len(q.factors) == 2 and isinstance(q.factors[0], E.Transpose) \
                and isinstance(q.factors[1], E.Mul) and len(q.factors[1].factors) == 2:
            v = q.factors[0].arg
            m, w = q.factors[1].factors
            g = halves.get((m, v))
            if w is v and g is not None:
                subst[q] = E.Mul(E.Num(Fraction(1, 2)), E.Mul(q.factors[0], g))
    return substitute(outputs, subst) if subst else outputs


def share_transposes(outputs):
    """M and Mᵀ both needed (G Vᵀ and V Gᵀ, (G Vᵀ ⊙ S) 1 and 1ᵀ(V Gᵀ ⊙ Sᵀ) in attention's gradients
    w.r.t. Q and K): the later one is the earlier transposed, one product instead of two (and a 1-D
    vector's transpose costs nothing). Bottom-up, so a node is compared once its parts are shared."""
    seen, memo, flat_memo, products, shapes = {}, {}, {}, [], set()   # shapes: those of seen's keys

    def go(e):
        hit = memo.get(e)
        if hit is not None:
            return hit
        out = e.rebuild([go(c) for c in e.children]) if e.children else e
        if isinstance(out, E.Hadamard):
            out = hadamard_sharing(out, products)
        if isinstance(out, (E.Mul, E.Hadamard, E.Add)) and not out.is_scalar:
            same = seen.get(flat(out, flat_memo))
            if same is not None:                    # H W + 1 bᵀ and 1 bᵀ + H W: one sum
                out = same
            elif out.shape[::-1] in shapes and (earlier := seen.get(flat(deep_transposed(out, flat_memo), flat_memo))) \
                    is not None and earlier is not out:     # the twin built only where a key has its shape
                out = E.Transpose(earlier)
        seen.setdefault(flat(out, flat_memo), out)
        shapes.add(out.shape)
        memo[e] = out
        return out
    return returned_upright([go(o) for o in outputs])


def returned_upright(outputs):
    """A derivative returned as (P Q)ᵀ, P Q computed for the value (attention's ∂/∂V = (Gᵀ A)ᵀ beside tr((Gᵀ A) V)),
    is computed upright (Aᵀ G) and the value reads it transposed: XLA would copy a returned transpose."""
    up = {o.arg: E.Mul(*(f.arg if isinstance(f, E.Transpose) else E.Transpose(f) for f in reversed(o.arg.factors)))
          for o in outputs[1:] if isinstance(o, E.Transpose) and isinstance(o.arg, E.Mul)
          and len(o.arg.factors) == 2 and all(kind(f) == "m" for f in o.arg.factors)}
    out = substitute(outputs, {p: E.Transpose(u) for p, u in up.items()}) if up else outputs
    return out[:1] + [up.get(o.arg, x) if isinstance(o, E.Transpose) else x for o, x in zip(outputs[1:], out[1:])]


def hadamard_sharing(h, products):
    """A ⊙ B ⊙ C with A ⊙ B computed already: (A ⊙ B) ⊙ C (layer norm's D = G ⊙ (1 gᵀ) ./ (σ 1ᵀ), then
    D ⊙ X̂); `products` are the element-wise products met so far, and h is added to them."""
    mine = Counter(h.factors)
    best = max((p for p in products if len(p.factors) < len(h.factors) and not Counter(p.factors) - mine),
               key=lambda p: len(p.factors), default=None)
    if best is not None:
        h = E.Hadamard(best, *(mine - Counter(best.factors)).elements())
    products.append(h)
    return h


def flat(e, memo):
    """e with nested products spliced into one (scalars first) and sums in one order: the lowered trees'
    grouping and the typed order ignored, so that (−1 · 1) (1ᵀ M) and −1 · 1 1ᵀ M compare equal."""
    hit = memo.get(e)
    if hit is None:
        out = e.rebuild([flat(c, memo) for c in e.children]) if e.children else e
        if isinstance(out, E.Transpose) and isinstance(out.arg, (E.Mul, E.Hadamard, E.Add)):
            out = flat(deep_transposed(out.arg, memo), memo)
        if isinstance(out, E.Mul):
            factors = [g for f in out.factors for g in (f.factors if isinstance(f, E.Mul) and not f.is_scalar else (f,))]
            out = E.Mul(*[f for f in factors if f.is_scalar], *[f for f in factors if not f.is_scalar])
        elif isinstance(out, E.Add):
            out = E.Add(*sorted(out.terms, key=lambda t: t.sort_key))
        hit = memo[e] = out
    return hit


def deep_transposed(e, memo=None):
    """eᵀ with the transpose pushed to the leaves, keeping the lowered products' binary shape:
    (P Q)ᵀ = Qᵀ Pᵀ, (A ⊙ B)ᵀ = Aᵀ ⊙ Bᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, f(A)ᵀ = f(Aᵀ) element-wise, (1ₘₓₙ)ᵀ = 1ₙₓₘ.
    Memoised (under the key ("ᵀ", e) in `memo`): the lowered trees share subtrees, and a deep network's
    gradient without the memo took minutes (850,000 calls at 60 layers)."""
    memo = {} if memo is None else memo
    hit = memo.get(("ᵀ", e))
    if hit is None:
        hit = memo[("ᵀ", e)] = _transposed(e, memo)
    return hit


def _transposed(e, memo):
    if isinstance(e, E.Transpose):
        return e.arg
    if e.is_scalar or isinstance(e, (E.DiagMat, E.Identity)) or (isinstance(e, E.Var) and e.has("symmetric")):
        return e
    if isinstance(e, E.Ones):
        return E.Ones((e.shape[1], e.shape[0]))
    if isinstance(e, E.Mul):
        scalars = [f for f in e.factors if f.is_scalar]
        return E.Mul(*scalars, *(deep_transposed(f, memo) for f in reversed(e.factors) if not f.is_scalar))
    if isinstance(e, (E.Hadamard, E.Add)):
        return type(e)(*(deep_transposed(f, memo) for f in e.args))
    if isinstance(e, E.Pow):
        return E.Pow(deep_transposed(e.base, memo), e.exponent)
    if isinstance(e, E.Apply):
        return E.Apply(e.fn, deep_transposed(e.arg, memo))
    return E.Transpose(e)


def substitute(outputs, subst):
    memo = dict(subst)

    def go(e):
        hit = memo.get(e)
        if hit is None:
            hit = memo[e] = _merge_coefficients(e.rebuild([go(c) for c in e.children]) if e.children else e)
        return hit
    return [go(o) for o in outputs]


def _merge_coefficients(e):
    """a (b P) = (a b) P for numbers a, b."""
    if isinstance(e, E.Mul) and len(e.factors) == 2 and isinstance(e.factors[0], E.Num) \
            and isinstance(e.factors[1], E.Mul) and isinstance(e.factors[1].factors[0], E.Num):
        inner = e.factors[1].factors
        return E.Mul(E.Num(e.factors[0].value * inner[0].value), *inner[1:])
    return e


def plan(outputs, passes=3):
    """The outputs lowered. A first pass distributes every sum and reuses no product; each further
    pass keeps whole the sums, and reuses the products, that the previous one computed anyway."""
    keep, computed = frozenset(), frozenset()
    for _ in range(passes):
        planner = Planner(keep, computed)
        lowered = [planner.lower(o) for o in outputs]
        nodes = set(E.nodes(*lowered))
        done = {e for e, low in planner.memo.items() if low in nodes}
        new_keep = keep | {s for s in planner.spread if s in done}
        new_computed = frozenset(e for e in done if isinstance(e, E.Mul) and not any(f.is_scalar for f in e.factors))
        if new_keep == keep and new_computed == computed:
            break
        keep, computed = new_keep, new_computed
    return share_transposes(share_quadratic_forms(lowered))
