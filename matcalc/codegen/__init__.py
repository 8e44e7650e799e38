"""Generated code: a standalone Python function computing a value and its derivative(s).

The code generator takes expressions, never a Result: the outputs (the value, then the derivative,
or the gradient and the Hessian), their labels and a one-line description. `api.Result.to_code`
and `to_numpy` build them. The pipeline, one module each:

- plan.py      exact rewrites of the outputs before printing (products in the cheapest order, a sum
               of matrices times a vector distributed, quadratic forms sharing the gradient);
- emit.py      the Generator: shared subexpressions as temporaries, products as chains;
- rules.py     the code table, one row per node type;
- kron.py      products with A ⊗ I or I ⊗ B as a reshape and one product, never the dense Kronecker product;
- targets.py   NumPy, JAX and PyTorch: an operation table each (JAX's derived from NumPy's), what
               each does better than the generic form, and its prelude;
- prelude/     the helpers generated code calls, one real Python file per target, copied as text
               (only the blocks the body uses).
- names.py     identifiers: the code contains no user text, names are sanitized and mapped back in
               the docstring.
- standalone.py a self-testing module (--standalone).
- framework.py, framework_layers.py, rule_test.py
               framework rules (--rule jax|torch): a jax.custom_vjp function or a
               torch.autograd.Function whose backward is the closed form, for a scalar (the
               gradients saved) or a layer (the backward the gradient of sum(G ⊙ F)), and the
               check_grads / gradcheck test emitted beside it.

In NumPy, an spd variable is factored once (Cholesky) for its log det, inverse and solves,
and σ is SciPy's `expit` when SciPy is importable; in NumPy and JAX, logsumexp and softmax of the same
vector share one exp. `.to_numpy()` is built by this generator too.

The package is also the API's function: `matcalc.codegen(expr, wrt, target=…, where=…)` calls
matcalc/api_codegen.py, which parses and derives and then calls `generate_joint` here (the package
itself takes expressions and imports nothing of the API at load time).
"""
import re
import sys
import types
from typing import NamedTuple

from .emit import Generator
from .names import function_label, sanitize, declared_functions, variables_of
from .targets import TARGETS, prelude_for, target as find_target

__all__ = ["Code", "TARGETS", "declared_functions", "describe", "function_label", "generate", "generate_joint",
           "numpy_callable",
           "sanitize", "variables_of"]


class Code(NamedTuple):
    source: str          # the prelude and the function
    fname: str           # the function's name
    variables: list      # its parameters, in order (then the declared functions)
    functions: dict      # (kind, name[, order]) of a declared function -> its parameter name
    sizes: dict = {}     # dimension symbol -> its keyword parameter, for a size no argument carries


def generate(outputs, labels, doc, target="numpy", fname=None, variables=None, keys=None, returns=None):
    """The source of a function returning the outputs (expressions), named by `labels`.

    `labels` are ["value", "gradient"] (or "jacobian", ...) or ["value", "gradient", "hessian"];
    `doc` is the first line of the function's docstring. The parameters are the variables of the
    outputs by name, then the implementations of the declared functions they call. With `keys`
    (one variable name per output after the value), the function returns (value, dict by name);
    `returns` are docstring lines saying what each output is.
    """
    tgt = find_target(target)
    variables = variables_of(*outputs) if variables is None else variables
    gen = Generator(tgt, outputs, variables)
    fname = fname or f"f_and_{labels[-1] if len(labels) == 2 else 'derivatives'}"
    body = gen.function(fname, labels, doc, keys, returns)
    return Code(prelude_for(tgt, body) + "\n\n" + body, fname, variables, gen.functions, gen.size_params)


def generate_joint(function, derivatives, kind, target="numpy", hessian=None, standalone=False, first=None,
                   blocks=None, hvp=None):
    """One function for the derivatives of `function` w.r.t. several variables, sharing the forward
    pass (one common-subexpression pass over all outputs). `derivatives` is [(variable, expression)];
    the function returns (value, {name: derivative}), or (value, derivative) for one variable, or
    (value, gradient, hessian) with `hessian` (one variable). `first`: the first variable of a mixed
    second derivative ∂²f/∂x∂y (the derivative's variable is the second). `blocks`: [(x, y, ∂²f/∂x∂y)]
    for several gradients, returned third as a dict keyed by (x, y). `hvp`: (v, H v) for one variable,
    returned third instead of a Hessian. `standalone`: the source is a module that tests itself
    (codegen/standalone.py). Returns the source."""
    wrts = [v for v, _ in derivatives]
    outputs = [function] + [d for _, d in derivatives]
    label = identifier(kind)
    value = f"value: f, {shape_text(function)}"
    if hvp is not None:     # the Hessian times a direction, never formed
        ((x, g),), (v, hv) = derivatives, hvp
        code = generate(outputs + [hv], ["value", "gradient", "hvp"],
                        describe("gradient and Hessian-vector product", function, x), target,
                        returns=[value, f"gradient: ∂f/∂{x.name}, {shape_text(g, x)}",
                                 f"hvp: (∂²f/∂{x.name}²) {v.name}, the Hessian applied to the direction {v.name} "
                                 f"(not formed), {shape_text(hv, x)}"])
    elif hessian is not None:
        (x, g), = derivatives
        code = generate(outputs + [hessian], ["value", "gradient", "hessian"],
                        describe("gradient and Hessian", function, x), target,
                        returns=[value, f"gradient: ∂f/∂{x.name}, {shape_text(g, x)}",
                                 f"hessian: ∂²f/∂{x.name}², {shape_text(hessian)}{on_vec(x)}"])
    elif len(derivatives) == 1:
        (x, d), = derivatives
        mixed = first is not None and first is not x
        doc = f"{kind} of {function} w.r.t. {first.name} and {x.name} (generated by matcalc)." if mixed else \
            describe(kind, function, x)
        what = f"∂²f/∂{first.name}∂{x.name}" if mixed else symbol(kind, x)
        code = generate(outputs, ["value", label], doc, target,
                        returns=[value, f"{label}: {what}, {shape_text(d, x)}{on_vec(x, kind)}"])
    else:
        name = "grads" if kind == "gradient" else f"{label}s"
        doc = f"{kind}s of {function} w.r.t. {', '.join(v.name for v in wrts)} (generated by matcalc)."
        returns = [value, f"{name}: a dict by variable name,"] + \
            [f"    {name}[{x.name!r}] = {symbol(kind, x)}, {shape_text(d, x)}{on_vec(x, kind)}" for x, d in derivatives]
        labels, keys = ["value", name], [v.name for v in wrts]
        if blocks:      # the Hessian's blocks, on column-major vecs: rows x's entries, columns y's
            doc = f"gradients and Hessian blocks of {function} w.r.t. {', '.join(v.name for v in wrts)} " \
                  f"(generated by matcalc)."
            outputs += [h for _, _, h in blocks]
            labels, keys = labels + ["hessians"], [keys, [(x.name, y.name) for x, y, _ in blocks]]
            returns += ["hessians: a dict by pairs of variable names, the block (y, x) the transpose of (x, y),"] + \
                [f"    hessians[{(x.name, y.name)!r}] = ∂²f/∂{x.name}{'²' if x is y else '∂' + y.name}, {shape_text(h)}"
                 for x, y, h in blocks] + \
                ["    (a block of a matrix variable acts on its column-major vec)"]
        code = generate(outputs, labels, doc, target, fname=f"f_and_{label}s", keys=keys, returns=returns)
    if not standalone:
        return code.source
    from .standalone import standalone_module
    return standalone_module(code, target, [v.name for v in wrts], hessian is not None or bool(blocks))


def identifier(kind):
    """The kind of a derivative as a Python identifier, for the function's name and its label:
    "Hessian-vector product" is hessian_vector_product."""
    return re.sub(r"\W+", "_", kind).lower()


def symbol(kind, x):
    if kind in ("gradient", "jacobian"):
        return f"∂f/∂{x.name}"
    return f"∂²f/∂{x.name}²" if kind == "hessian" else f"the {kind} w.r.t. {x.name}"


def shape_text(e, like=None):
    """The shape of an output in the code: a scalar, (n,) for a vector (1-D), (m, n) for a matrix."""
    def dim(d):
        return "·".join(dim(f) for f in d) if isinstance(d, tuple) else str(d)
    r, c = e.shape
    if (r, c) == (1, 1):
        text = "a scalar"
    elif r == 1 or c == 1:
        text = f"shape ({dim(c if r == 1 else r)},)"
    else:
        text = f"shape ({dim(r)}, {dim(c)})"
    return text + (f" like {like.name}" if like is not None and like.shape == e.shape else "")


def on_vec(x, kind="hessian"):
    """Jacobians and Hessians w.r.t. a matrix act on its column-major vec."""
    matrix = x.shape[0] != 1 and x.shape[1] != 1
    return f" (on column-major vec({x.name}))" if matrix and kind != "gradient" else ""


def numpy_callable(value, derivative, wrt, kind):
    """The derivative as a NumPy function of keyword arguments under the user's names (the value of
    the function is not computed).

    `kind` is the derivative's kind ("gradient", "jacobian", ...); a gradient with respect to a
    vector (or a row) is returned 1-D, like the variable.
    """
    import numpy as np
    label = identifier(kind)
    # the derivative alone (computing the value too cost 1.1-1.3x, 2-3x at n = 100 with the glue);
    # the parameters are still every variable of the value, which the caller must give
    code = generate([derivative], [label], describe(kind, value, wrt), "numpy", fname=label,
                    variables=variables_of(value, derivative))
    namespace = {}
    exec(compile(code.source, f"<matcalc {code.fname}>", "exec"), namespace)   # generated code: no user text
    fn = namespace[code.fname]
    variables = code.variables
    shape = derivative.shape
    functions = [(key, function_label(key)) for key in code.functions]
    flat = kind in ("gradient", "Hessian-vector product") and (wrt.is_vector or wrt.shape[0] == 1)   # like the variable

    def call(**kwargs):
        missing = [v.name for v in variables if v.name not in kwargs] + \
            [label for _, label in functions if label not in kwargs] + [d for d in code.sizes if d not in kwargs]
        if missing:
            raise TypeError(f"missing value for variable(s): {', '.join(missing)}")
        args = []
        for v in variables:
            a = np.asarray(kwargs[v.name], dtype=float)
            args.append(float(a.reshape(())) if v.is_scalar else a.reshape(-1) if v.shape[1] == 1 or v.shape[0] == 1
                        else a)
        args += [kwargs[label] for _, label in functions]
        out = fn(*args, **{p: int(kwargs[d]) for d, p in code.sizes.items()})
        if derivative.is_scalar:
            return float(np.asarray(out).reshape(()))
        out = np.asarray(out, dtype=float)
        if flat:
            return out.reshape(-1)
        rows = out.shape[0] if out.ndim == 2 else (out.size if shape[1] == 1 else 1)
        return out.reshape(rows, -1) if out.ndim < 2 else out
    call.__doc__ = f"{kind} of {value} w.r.t. {wrt.name}: {derivative}"
    call.source = code.source
    return call


def describe(kind, value, wrt):
    """The first line of a generated function's docstring."""
    return f"{kind} of {value} w.r.t. {wrt.name} (generated by matcalc)."


class _CallablePackage(types.ModuleType):
    """`matcalc.codegen(...)`: the name is both this package and the API's function."""

    def __call__(self, expr, wrt, **options):
        # The API function lives above this package (it parses and derives); it registers itself in
        # calling.PUBLIC when matcalc is imported, so this package never imports the API (no cycle).
        from ..calling import PUBLIC
        return PUBLIC["codegen"](expr, wrt, **options)


sys.modules[__name__].__class__ = _CallablePackage
