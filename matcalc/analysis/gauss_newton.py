"""The Gauss–Newton matrix: the curvature of a loss through a model, without the model's own second
derivative (Martens 2014, "New insights and perspectives on the natural gradient method" §8; Nocedal &
Wright 2006 §10.3 for least squares).

    gauss_newton("A x - b", "x")                          f = ½‖r‖²:      G = Jᵀ J,  J = ∂vec r/∂vec x
    gauss_newton("Z = X W; L = …", "W", through="Z")      f = L(Z(W)):    G = Jᵀ (∂²L/∂Z²) J,  J = ∂vec Z/∂vec W

On matrices everything acts on vec (column-major: vec stacks the columns), so for W p×c and Z n×c,
J is nc×pc and G is pc×pc. When Z is linear in W (softmax regression, Z = X W) G is the Hessian; for
deeper models it drops the term Σ ∂L/∂zₖ ∇²zₖ, and is positive semi-definite when L is convex in Z.

The check compares each factor numerically (J with differences of Z, the Hessian of L in Z with
differences of its gradient): the product itself is then exact.
"""
from .. import expr as E
from ..calling import _parse, _parse_definitions, guarded
from ..errors import DiffError
from ..result import Result

VEC_NOTE = ("vec stacks the columns (column-major): vec({0}) = [{0}[:, 1]; {0}[:, 2]; …], so for {0} p×c the "
            "matrix is pc×pc")


def substitute(e, old, new, memo=None):
    """e with every occurrence of the node `old` replaced by `new`."""
    memo = {} if memo is None else memo
    if e is old:
        return new
    hit = memo.get(e)
    if hit is not None:
        return hit
    kids = e.children
    out = e
    if kids:
        repl = [substitute(c, old, new, memo) for c in kids]
        if any(a is not b for a, b in zip(repl, kids)):
            out = e.rebuild(repl)
    memo[e] = out
    return out


class GaussNewton(Result):
    """A Gauss–Newton matrix: `.jacobian` (J), `.curvature` (the loss's Hessian in the model's output, or
    None for ½‖r‖²), and the checks of both."""

    def _run_check(self, seed):
        from ..check import run_check
        report = run_check(self._model, self.jacobian, self.wrt, "jacobian", seed)
        if self.curvature is not None and report.status == "passed":
            second = run_check(self._loss_gradient, self.curvature, self._output, "jacobian", seed)
            if second.status != "passed":
                return second
        return report


@guarded
def gauss_newton(expr, wrt, *, through=None, where=None, check=True, seed=None):
    """The Gauss–Newton matrix of ½‖r‖² for a residual `expr` (a vector or matrix), or, with
    through="Z" (a name the text defines), of the scalar loss L(Z) w.r.t. wrt: Jᵀ (∂²L/∂Z²) J.

    >>> str(gauss_newton("A x - b", "x", check=False))
    'A^T A'
    """
    from ..api import find_var
    from ..derive import jacobian_of
    from ..simplify import simplify
    from ..structured import second_derivative, structure
    f, named = _parse(expr, where, wrt=wrt)
    var = find_var(f, wrt, named)
    if structure(var) is not None:
        raise DiffError(f"a Gauss–Newton matrix w.r.t. a {structure(var)} variable ({var.name}) is not supported: "
                        f"declare {var.name} without the property")
    if through is None:
        if f.is_scalar:
            raise DiffError("the Gauss–Newton matrix of a scalar loss needs the model's output it goes through: "
                            "define it (Z = X W; L = …) and pass through='Z'; or give the residual r of ½‖r‖²")
        J, _, conditions = jacobian_of(f, var)
        G = simplify(E.product(E.Transpose(J), J))
        result = GaussNewton("Gauss–Newton matrix", f, var, G, conditions=conditions, notes=_notes(var, "½‖r‖²"),
                             seed=seed)
        result.jacobian, result.curvature, result._model = J, None, f
    else:
        defined = _parse_definitions.get() or {}
        if through not in defined:
            raise DiffError(f"through='{through}' is not a name the text defines (defined: "
                            f"{', '.join(defined) or 'none'}); write {through} = … ; L = …")
        if not f.is_scalar:
            raise DiffError("with through=…, the expression is the scalar loss L")
        inner = defined[through]
        Z = E.Var(through, inner.shape, frozenset())
        if any(isinstance(v, E.Var) and v.name == through for v in f.free):
            raise DiffError(f"{through} is also a variable of the loss; rename it")
        loss = substitute(f, inner, Z)
        if var in loss.free:
            raise DiffError(f"the loss depends on {var.name} other than through {through}: the Gauss–Newton "
                            f"matrix needs L(Z) with Z = {through}({var.name})")
        g, H, _, c1, _ = second_derivative(loss, Z)
        J, _, c2 = jacobian_of(inner, var)
        curvature = simplify(substitute(H, Z, inner))
        G = simplify(E.product(E.Transpose(J), curvature, J))
        result = GaussNewton("Gauss–Newton matrix", f, var, G, conditions=c1 + [c for c in c2 if c not in c1],
                             notes=_notes(var, f"L({through})"), seed=seed)
        result.jacobian, result.curvature, result._model = J, H, inner
        result._loss_gradient, result._output = g, Z
    if check:
        result.check()
    return result


def _notes(var, loss):
    notes = [f"Gauss–Newton matrix of {loss}: Jᵀ J" if loss == "½‖r‖²" else
             f"Gauss–Newton matrix of {loss}: Jᵀ (∂²L/∂{loss[2:-1]}²) J, J the Jacobian of {loss[2:-1]} "
             f"(the Hessian without the model's second derivative)"]
    if not var.is_vector and not var.is_scalar:
        notes.append(VEC_NOTE.format(var.name))
    return notes
