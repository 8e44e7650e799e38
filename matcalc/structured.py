"""Derivatives w.r.t. structured variables (symmetric, spd, diagonal): the gradient on the variable's
matrix space (docs/symmetric.md), and the refusal of what does not carry over (Jacobians, Hessians)."""
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
        g = simplify(E.product(E.Num(E.Fraction(1, 2)), E.Add(grad, E.Transpose(grad))))
        notes.append(SYMMETRIC_NOTE.format(name=wrt.name))
    else:
        return grad, df, conditions, notes
    if steps is not None:
        from .derive import Label
        from .printers.latex import latex_name
        label = Label(f"∂f/∂{wrt.name}", rf"\frac{{\partial f}}{{\partial {latex_name(wrt.name)}}}")
        steps.append(Step(notes[-1].split(":")[0] + ": the gradient on its matrix space", label, g))
    return g, df, conditions, notes


def refuse(var, what):
    """Jacobians and Hessians w.r.t. structured variables are not defined yet: a clear DiffError."""
    if var.has("symmetric") or var.has("diagonal"):
        kind = "diagonal" if var.has("diagonal") else "symmetric"
        raise DiffError(f"{what} w.r.t. a {kind} variable ({var.name}) is not supported yet: the gradient "
                        f"rule for {kind} matrices does not carry over to second derivatives and Jacobians as "
                        f"is; declare {var.name} without the property to get the unconstrained result")


def second_derivative(f, var, var2=None):
    """(gradient g of f w.r.t. var, H = the Jacobian of g w.r.t. var2 (var when None), dg, conditions):
    the Hessian as api.hessian returns it and as Result.to_code(hessian=True) generates it."""
    from .derive import jacobian_of
    var2 = var if var2 is None else var2
    refuse(var, "a Hessian")
    refuse(var2, "a Hessian")
    if not f.is_scalar:
        from .shapes import fmt_shape
        raise DiffError(f"the Hessian needs a scalar expression, but this one is a {fmt_shape(f.shape)}")
    g, _, conditions, _ = gradient(f, var)
    H, dg, more = jacobian_of(g, var2)
    return g, H, dg, conditions + [c for c in more if c not in conditions]
