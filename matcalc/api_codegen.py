"""`matcalc.codegen`: the source of a Python function for the derivatives of an expression w.r.t.
one or several variables (the CLI's `codegen` command calls it).

One variable: the function returns (value, gradient), as `Result.to_code` does. Several: it returns
(value, grads), `grads` a dict keyed by variable name, and shares the forward pass between them
(one common-subexpression pass over the value and every gradient).
"""
from .api import _parse, find_var, grad, guarded, jacobian
from .api import hessian as api_hessian, hvp as api_hvp
from .calling import PUBLIC
from .errors import CheckError, DiffError
from .result_code import code_for


def derivatives_for_code(expr, wrt, *, where=None, hessian=False, check=True, seed=None, rule=None, times=None):
    """(function, [Result per variable]): gradients of a scalar, Jacobians of anything else; for the
    framework rule of a layer (`rule`, a non-scalar function F), the gradients of ⟨G, F⟩ with G a new
    variable of F's shape, the cotangent: its backward pass."""
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    if not names:
        raise DiffError("codegen needs at least one variable to differentiate by (wrt)")
    if len(set(names)) < len(names):
        raise DiffError(f"a variable is named twice in wrt: {', '.join(names)}")
    f, named = _parse(expr, where, wrt=names)
    if (hessian or times is not None) and not f.is_scalar:
        raise DiffError(f"a {'Hessian' if times is None else 'Hessian-vector product'} needs a scalar expression")
    if times is not None and (hessian or len(names) > 1):
        raise DiffError("a Hessian-vector product (times) is generated for one variable, instead of the Hessian")
    if rule is not None and not f.is_scalar:
        from .codegen.framework_layers import pairing
        scalar = pairing(f)
        return f, [grad(scalar, find_var(f, name, named), check=check, seed=seed) for name in names]
    derive = grad if f.is_scalar else jacobian
    variables = [find_var(f, name, named) for name in names]
    results = [derive(f, v, check=check, seed=seed) for v in variables]
    if hessian:     # the blocks ∂²f/∂x∂y for x before y in wrt (the block (y, x) is the transpose), each checked
        results += [api_hessian(f, x, wrt2=y, check=check, seed=seed)
                    for i, x in enumerate(variables) for y in variables[i:]]
    if times is not None:   # H v with the direction a new input named `times`, checked
        results.append(api_hvp(f, variables[0], times, check=check, seed=seed))
    return f, results


@guarded
def codegen(expr, wrt, *, where=None, target="numpy", hessian=False, standalone=False, check=True, seed=None,
            rule=None, times=None):
    """The source of a standalone Python function returning the value of `expr` and its derivatives.

    `wrt` is a variable name or a list of names. With one name the function returns
    (value, gradient) (or (value, gradient, hessian) with `hessian=True`); with several it returns
    (value, grads), `grads` a dict keyed by variable name (with `hessian=True`, (value, grads,
    hessians), `hessians[(x, y)]` the block ∂²f/∂x∂y for x before y in `wrt`, on column-major vecs).
    With `times="v"` (one variable), the third output is the Hessian-vector product H v instead,
    v a new input of the variable's shape; the Hessian is never formed.
    `target` is "numpy", "jax" or "torch".
    With `check` (the default) every derivative is checked numerically first; a failed check is a
    CheckError. With `standalone`, the source is a module that tests itself: `random_inputs()`
    honouring the declarations, `check_derivatives()` against finite differences, and a `__main__`
    that exits 1 when a check fails (`python file.py`). With `rule` ("jax" or "torch"; `target` is then
    that framework), the source is a framework rule: a `jax.custom_vjp` function or a
    `torch.autograd.Function` whose backward is the closed form, the derivation in its docstring, and
    a test beside it (codegen/framework.py); the variables not in `wrt` are non-differentiable data.
    A non-scalar function is a layer: its backward pass is the gradient of ⟨G, F⟩ for the cotangent G.

        >>> src = codegen("||tanh(W x + b) - y||^2", ["W", "b"], check=False)
        >>> "def f_and_gradients(W, b, x, y):" in src
        True
    """
    f, results = derivatives_for_code(expr, wrt, where=where, hessian=hessian, check=check, seed=seed, rule=rule,
                                      times=times)
    for r in results:
        if r.report is not None and r.report.status == "failed":
            raise CheckError(f"the {r.kind} w.r.t. {r.wrt.name} failed the numerical check: {r.report}")
    return code_for(f, results, target, hessian, standalone, rule)


PUBLIC["codegen"] = codegen     # matcalc.codegen(...) calls it (codegen/__init__.py)
