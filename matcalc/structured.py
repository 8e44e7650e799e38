"""Derivatives w.r.t. structured variables (symmetric, spd, diagonal): the gradient on the variable's
matrix space, and Jacobians and Hessians restricted to it by the projector P (docs/symmetric.md)."""
from . import expr as E
from .errors import DiffError

SYMMETRIC_NOTE = ("{name} is symmetric: the result is the gradient on symmetric matrices, "
                  "sym(G) = (G + Gᵀ)/2 with G the unconstrained gradient (the Matrix Cookbook's "
                  "G + Gᵀ − G ⊙ I is not a gradient; see docs/symmetric.md)")
DIAGONAL_NOTE = "{name} is diagonal: the result is the gradient on diagonal matrices, G ⊙ I"



def gradient(f, wrt, steps=None):
    """(G, df, conditions, notes): the gradient of f w.r.t. wrt, on the variable's matrix space when it is
    declared symmetric (sym(G)) or diagonal (G ⊙ I), with the note that says so."""
    from .derive import Step, gradient_of
    from .simplify import simplify
    grad, df, conditions = gradient_of(f, wrt, steps)
    notes = []
    if wrt.has("diagonal"):
        g = simplify(E.Hadamard(grad, E.Identity(wrt.shape[0])))
        notes.append(DIAGONAL_NOTE.format(name=wrt.name))
    elif wrt.has("symmetric"):
        g = _shorter_half(simplify(E.product(E.Num(E.Fraction(1, 2)), E.Add(grad, E.Transpose(grad)))))
        notes.append(SYMMETRIC_NOTE.format(name=wrt.name))
    else:
        return grad, df, conditions, notes
    if steps is not None:
        from .derive import Label
        from .printers.latex import latex_name
        label = Label(f"∂f/∂{wrt.name}", rf"\frac{{\partial f}}{{\partial {latex_name(wrt.name)}}}")
        steps.append(Step(notes[-1].split(":")[0] + ": the gradient on its matrix space", label, g))
    return g, df, conditions, notes


JACOBIAN_NOTE = {
    "symmetric": "{name} is symmetric: the Jacobian acts on symmetric directions, J P with J the unconstrained "
                 "Jacobian and P = (I + K)/2 the projector onto vec of symmetric matrices (zero on antisymmetric "
                 "directions; see docs/symmetric.md)",
    "diagonal": "{name} is diagonal: the Jacobian acts on diagonal directions, J P with P = diag(vec I) "
                "(zero off the diagonal; see docs/symmetric.md)",
}
HESSIAN_NOTE = {
    "symmetric": "{name} is symmetric: the Hessian is the bilinear form d²f[H, K] on symmetric directions, "
                 "vec(H)ᵀ P H_f P vec(K) with P = (I + K)/2 (n²×n², zero on antisymmetric directions; for the "
                 "n(n+1)/2 free entries take Dᵀ (this) D with the duplication matrix D; see docs/symmetric.md)",
    "diagonal": "{name} is diagonal: the Hessian is the bilinear form d²f[H, K] on diagonal directions, "
                "P H_f P with P = diag(vec I) (see docs/symmetric.md)",
}


def structure(var):
    """'diagonal', 'symmetric' (spd too) or None: the matrix space the variable lives on."""
    if var.is_scalar or var.is_vector:
        return None
    return "diagonal" if var.has("diagonal") else "symmetric" if var.has("symmetric") else None


def projector(var):
    """P, the orthogonal projector of vec onto the variable's matrix space: (I + K_{n,n})/2 for a symmetric
    variable (vec of (E + Eᵀ)/2), diag(vec I) for a diagonal one; None for an unstructured variable."""
    kind = structure(var)
    if kind is None:
        return None
    n = var.shape[0]
    if kind == "diagonal":
        return E.DiagMat(E.Vec(E.Identity(n)))
    return E.product(E.Num(E.Fraction(1, 2)), E.Add(E.Identity((n, n)), E.Commutation(n, n)))


def restricted(J, var):
    """J P: a Jacobian w.r.t. vec(var) restricted to the directions of the variable's matrix space, zero on
    the rest (the one matrix that acts as J on those directions and ignores the others)."""
    P = projector(var)
    if P is None:
        return J
    from .simplify import simplify
    return simplify(E.product(J, P))


def complement(var):
    """I − P: the directions the variable does not have (antisymmetric, off-diagonal), or None."""
    P = projector(var)
    if P is None:
        return None
    n = var.shape[0]
    return E.Add(E.Identity((n, n)), E.negate(P))


def jacobian(F, var, steps=None):
    """(J, dF, conditions, notes): jacobian_of, restricted to the variable's matrix space when it has one."""
    from .derive import jacobian_of
    J, dF, conditions = jacobian_of(F, var, steps)
    kind = structure(var)
    if kind is None:
        return J, dF, conditions, []
    J = restricted(J, var)
    if steps:
        from .derive import Step
        steps.append(Step(f"{var.name} is {kind}: restricted to its directions, J P", steps[-1].lhs, J))
    return J, dF, conditions, [JACOBIAN_NOTE[kind].format(name=var.name)]


def _shorter_half(g):
    """1/2 (2 S⁻¹ − S⁻¹ (A + Aᵀ) S⁻¹) as a book prints it, S⁻¹ − 1/2 S⁻¹ (A + Aᵀ) S⁻¹: the ½ of sym(G) taken
    into the sum when that is shorter (a term of G + Gᵀ that is 2 M is M), else left outside."""
    from .simplify import simplify
    if not (isinstance(g, E.Mul) and len(g.factors) == 2 and isinstance(g.factors[0], E.Num)
            and isinstance(g.factors[1], E.Add)):
        return g
    spread = simplify(E.Add(*(E.product(g.factors[0], t) for t in g.factors[1].terms)))
    return spread if len(str(spread)) < len(str(g)) else g


def second_derivative(f, var, var2=None):
    """(gradient g of f w.r.t. var, H, dg, conditions, notes): H is the Jacobian of g w.r.t. var2 (var when
    None), restricted to var2's matrix space (g is on var's already) — the Hessian as api.hessian returns it
    and as Result.to_code(hessian=True) generates it. For a symmetric or diagonal variable it is the
    bilinear form d²f[H, K] on that space (docs/symmetric.md)."""
    from .derive import jacobian_of
    var2 = var if var2 is None else var2
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the Hessian needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    g, _, conditions, _ = gradient(f, var)
    H, dg, more = jacobian_of(g, var2)
    notes = [HESSIAN_NOTE[k].format(name=v.name) for v in dict.fromkeys((var, var2)) if (k := structure(v))]
    return g, restricted(H, var2), dg, conditions + [c for c in more if c not in conditions], notes
