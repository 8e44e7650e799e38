"""The element-wise scalar functions: one row per function, with every column a pass needs.

A function applied entry by entry (`E.Apply(name, U)`) is fully described by its row here: its
derivative as an expression builder, the condition under which that derivative holds, what is known
of its sign, the code each target emits (NumPy's is also how numeric evaluates it), its LaTeX and
its SymPy form. A
new element-wise function is one row here plus its name in the grammar's FUNC alternation.

The columns:
- derivative(u)   f′(u) as an expression in u (zero for sign and step: their derivative is 0 almost
                  everywhere, so d f(U) is the zero of U's shape)
- condition       where the derivative rule holds, "{u}" standing for the argument; None: everywhere
- positive_arg_ok the condition always holds when the argument is known positive (log, sqrt), so a
                  positive argument drops it (log(1 + eᵘ) notes nothing)
- positive        f(u) > 0 for every u (exp, σ, softplus)
- nonnegative     f(u) ≥ 0 for every u
- code            target → template, "{0}" standing for the argument's code; numeric evaluates
                  the NumPy template, so the evaluator and the generated code compute the same
- latex           template: "{arg}" is the argument as a function argument (parenthesized when
                  needed), "{bare}" the argument printed alone (inside √ or |·|)
- sympy(sp, u)    the scalar SymPy expression
- sympy_function  the name of SymPy's own function read back as this one (None: recognised by its
                  definition, e.g. 1/(1 + exp(−u)) for σ)
"""
from fractions import Fraction
from typing import Callable, NamedTuple, Optional

from . import expr as E
from .printers.text import ATOM
from .tables import register


class Function(NamedTuple):
    name: str
    derivative: Callable
    condition: Optional[str]
    positive_arg_ok: bool
    positive: bool
    nonnegative: bool
    code: dict
    latex: str
    sympy: Callable
    sympy_function: Optional[str]


TARGETS = ("numpy", "jax", "torch")


def ones_like(e):
    return E.ONE if e.is_scalar else E.Ones(e.shape)


def one_minus(e):
    return E.Add(ones_like(e), E.negate(e))


def scale(coef_expr, du):
    """f'(u) ⊙ du for an element-wise function; for scalars an ordinary product."""
    if du.is_scalar or coef_expr.is_scalar:
        return E.product(coef_expr, du)
    return E.Hadamard(coef_expr, du)


def _code(numpy, jax=None, torch=None):
    """Targets that only rename the module: jnp for np, torch for np."""
    return {"numpy": numpy, "jax": jax or numpy.replace("np.", "jnp."), "torch": torch or numpy.replace("np.", "torch.")}


def _plain(name, derivative, condition=None, *, sympy_name=None, **facts):
    """A function NumPy, JAX, PyTorch and SymPy all know by the same name."""
    sympy_name = sympy_name or name
    return Function(name, derivative, condition, facts.get("positive_arg_ok", False), facts.get("positive", False),
                    facts.get("nonnegative", False), _code(f"np.{name}({{0}})"),
                    rf"\{name}{{arg}}", lambda sp, u: getattr(sp, sympy_name)(u), sympy_name)


FUNCTIONS = {f.name: f for f in (
    # d eᵘ = eᵘ du
    _plain("exp", lambda u: E.Apply("exp", u), positive=True, nonnegative=True),
    # d log u = u⁻¹ du
    _plain("log", lambda u: E.Pow(u, E.Num(-1)), "{u} > 0", positive_arg_ok=True),
    # d sin u = cos u du;  d cos u = −sin u du;  d tan u = (1 + tan² u) du
    _plain("sin", lambda u: E.Apply("cos", u)),
    _plain("cos", lambda u: E.negate(E.Apply("sin", u))),
    _plain("tan", lambda u: E.Add(ones_like(u), E.Pow(E.Apply("tan", u), E.Num(2))), "cos({u}) ≠ 0"),
    # d sinh u = cosh u du;  d cosh u = sinh u du;  d tanh u = (1 − tanh² u) du
    _plain("sinh", lambda u: E.Apply("cosh", u)),
    _plain("cosh", lambda u: E.Apply("sinh", u)),
    _plain("tanh", lambda u: one_minus(E.Pow(E.Apply("tanh", u), E.Num(2)))),
    # d σ(u) = σ(u) ⊙ (1 − σ(u)) du
    Function("sigmoid", lambda u: scale(E.Apply("sigmoid", u), one_minus(E.Apply("sigmoid", u))), None,
             False, True, True,
             _code("_sigmoid({0})", jax="jax.nn.sigmoid({0})", torch="torch.sigmoid({0})"),
             r"\sigma{arg}", lambda sp, u: 1 / (1 + sp.exp(-u)), None),
    # d softplus(u) = d log(1 + eᵘ) = σ(u) du
    Function("softplus", lambda u: E.Apply("sigmoid", u), None, False, True, True,
             _code("np.logaddexp(0.0, {0})", jax="jax.nn.softplus({0})", torch="torch.nn.functional.softplus({0})"),
             r"\operatorname{{softplus}}{arg}", lambda sp, u: sp.log(1 + sp.exp(u)), None),
    # d relu(u) = step(u) du
    Function("relu", lambda u: E.Apply("step", u), "{u} ≠ 0 entry-wise (at the kink of relu, a subgradient)",
             False, False, True,
             _code("np.maximum({0}, 0.0)", jax="jax.nn.relu({0})", torch="torch.relu({0})"),
             r"\operatorname{{relu}}{arg}", lambda sp, u: sp.Max(0, u), None),
    # d √u = ½ (√u)⁻¹ du
    Function("sqrt", lambda u: E.product(E.Num(Fraction(1, 2)), E.Pow(E.Apply("sqrt", u), E.Num(-1))),
             "{u} > 0", True, False, True, _code("np.sqrt({0})"),
             r"\sqrt{{{bare}}}", lambda sp, u: sp.sqrt(u), None),
    # d |u| = sign(u) du
    Function("abs", lambda u: E.Apply("sign", u), "{u} ≠ 0 entry-wise (at the kink of abs, a subgradient)",
             False, False, True, _code("np.abs({0})"),
             r"\left\lvert {bare} \right\rvert", lambda sp, u: sp.Abs(u), "Abs"),
    # d sign(u) = 0 and d step(u) = 0 away from 0
    Function("sign", E.zero_like, "{u} ≠ 0 entry-wise (sign jumps at 0)", False, False, False, _code("np.sign({0})"),
             r"\operatorname{{sign}}{arg}", lambda sp, u: sp.sign(u), "sign"),
    # Φ(u) = ½ (1 + erf(u/√2)), the standard normal CDF: d Φ(u) = φ(u) du, φ(u) = e^(−u²/2) / √(2π). NumPy
    # has no erf: the NumPy code is the prelude's _normcdf, SciPy's ndtr when SciPy is there, else
    # math.erfc entry by entry.
    Function("normcdf", lambda u: normal_density(u), None, False, True, True,
             {"numpy": "_normcdf({0})", "jax": "jax.scipy.stats.norm.cdf({0})", "torch": "torch.special.ndtr({0})"},
             r"\Phi{arg}", lambda sp, u: (1 + sp.erf(u / sp.sqrt(2))) / 2, None),
    Function("step", E.zero_like, "{u} ≠ 0 entry-wise (step jumps at 0)", False, False, True,
             _code("({0} > 0) * 1.0", jax="jnp.where({0} > 0, 1.0, 0.0)", torch="({0} > 0).to(torch.float64)"),
             r"\operatorname{{step}}{arg}", lambda sp, u: sp.Heaviside(u, 0), None),
)}


def function(name):
    """The row of an element-wise function; a MissingRuleError naming it when there is none."""
    try:
        return FUNCTIONS[name]
    except KeyError:
        from .errors import MissingRuleError
        raise MissingRuleError(f"no element-wise function named {name!r} (a function without a row in "
                               f"elementwise.FUNCTIONS)") from None


class Column(dict):
    """One column of FUNCTIONS indexed by name for a pass (diff's derivatives, numeric's ufuncs), made
    from the row on first use: a row added to FUNCTIONS is found with no other edit, and a test may
    patch an entry (monkeypatch.setitem) to inject a wrong rule."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, name):
        value = self[name] = self.make(function(name))
        return value


def normal_density(u):
    """φ(u) = (2π)^(−1/2) e^(−u²/2), entry by entry: the derivative of the standard normal CDF."""
    half = Fraction(1, 2)
    return E.product(E.Pow(E.product(E.Num(2), E.Const("π")), E.Num(-half)),
                     E.Apply("exp", E.product(E.Num(-half), E.Pow(u, E.Num(2)))))


def one_plus_exp(a):
    """a = 1 + eᵘ, so log a is softplus(u): evaluated and emitted as such, stably for large u."""
    return isinstance(a, E.Add) and len(a.terms) == 2 and (a.terms[0] is E.ONE or isinstance(a.terms[0], E.Ones)) \
        and isinstance(a.terms[1], E.Apply) and a.terms[1].fn == "exp"


def is_positive(e):
    """A sufficient test for positivity, to leave out conditions that always hold (log(1 + eᵘ))."""
    if isinstance(e, E.Num):
        return e.value > 0
    if isinstance(e, (E.Ones, E.Const)):
        return True
    if isinstance(e, E.Var):
        return "positive" in e.props
    if isinstance(e, E.Apply):
        return FUNCTIONS[e.fn].positive
    if getattr(type(e), "positive_values", False):    # a node type whose every entry is > 0 (softmax)
        return True
    if isinstance(e, E.Add) and len(e.terms) == 2 and (e.terms[0] is E.ONE or isinstance(e.terms[0], E.Ones)):
        c, rest = E.coefficient(e.terms[1])        # 1 − σ(u) = σ(−u) > 0
        if c == -1 and isinstance(rest, E.Apply) and rest.fn == "sigmoid":
            return True
    if isinstance(e, (E.Add, E.Hadamard)):
        return all(is_positive(t) for t in e.args)
    if isinstance(e, E.Mul):
        return all(is_positive(f) for f in e.factors) and e.is_scalar
    if isinstance(e, (E.Sum, E.Trace, E.DiagVec)):   # sum(eˣ) > 0: a sum of positive entries (log-sum-exp)
        return is_positive(e.arg)
    if isinstance(e, E.Pow) and isinstance(e.exponent, E.Num):
        return is_positive(e.base)
    return False


def is_nonnegative(e):
    """A sufficient test for f ≥ 0 entry-wise, read off the table's `nonnegative` column: what
    |f| = f (the simplifier) and Aᵀ diag(w) A as a syrk (the code planner) need. Pow is element-wise,
    so an even integer power is ≥ 0 whatever the shape."""
    if is_positive(e):
        return True
    if isinstance(e, E.Apply):
        return FUNCTIONS[e.fn].nonnegative
    if isinstance(e, E.Pow):
        return isinstance(e.exponent, E.Num) and e.exponent.value.denominator == 1 and e.exponent.value % 2 == 0
    if isinstance(e, (E.Hadamard, E.Mul)):      # products of matrices ≥ 0 entry-wise are ≥ 0 too
        return all(is_nonnegative(f) for f in e.args)
    return isinstance(e, E.Num) and e.value >= 0


# The rows of E.Apply in the tables of the printers, here next to the columns they read: the printers
# are imported by expr (str(e)), so they do not import this module (no cycle through the nodes).
@register("latex", E.Apply)   # printers/latex.py LATEX: a rule(printer, e)
def l_apply(printer, e):
    """The row's template: {arg} the argument in parentheses, {bare} it alone (inside √ or |·|)."""
    template = function(e.fn).latex
    arg = printer.arg(e.arg) if "{arg}" in template else ""
    bare = printer.p(e.arg)[0] if "{bare}" in template else ""
    return template.format(arg=arg, bare=bare), ATOM
