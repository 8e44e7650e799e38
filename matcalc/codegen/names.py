"""The names in generated code: variables, sizes and declared functions as Python identifiers.

The code contains no user text but names: every identifier is sanitized (a name Python reads as
written, Greek included, else ASCII; not a keyword, a builtin, a module the code imports, a helper
`_name` or a temporary `t<k>`), and the docstring maps a changed name back to the user's.
"""
import builtins
import keyword
import re
import unicodedata

from .. import expr as E

RESERVED = ("np", "jnp", "jax", "torch")     # the modules generated code imports


def sanitize(name, taken):
    """A Python identifier for a user's name: the name itself when Python reads it as written (Σ, μ,
    x_1), else an ASCII spelling (x' is x_, ℓ is u2113: Python would read ℓ as l under NFKC, and µ,
    the micro sign, as μ); never a keyword, builtin or reserved name; unique. (The builtins are the names
    of the module's live namespace, what dir(builtins) lists, without sorting them into a new list.)"""
    if name.isidentifier() and unicodedata.normalize("NFKC", name) == name:
        base = name
    else:
        base = re.sub(r"\W", "_", name.encode("ascii", "backslashreplace").decode().replace("\\u", "u"))
    if not base or base[0].isdigit():
        base = "v_" + base
    if keyword.iskeyword(base) or base in vars(builtins) or base in RESERVED \
            or base.startswith("_") or re.fullmatch(r"t\d+", base):
        base = base + "_"
    out, i = base, 1
    while out in taken:
        out, i = f"{base}{i}", i + 1
    taken.add(out)
    return out


def function_label(key):
    """The user-facing name of a declared function's implementation: g, J_g, h, dh, d2h."""
    if key[0] == "fn":
        return key[1]
    if key[0] == "jac":
        return f"J_{key[1]}"
    k = key[2]
    return key[1] if k == 0 else f"d{key[1]}" if k == 1 else f"d{k}{key[1]}"


def declared_functions(outputs):
    """[(key, label)] of the declared functions the outputs call, in a stable order (the generated
    function takes their implementations; check.user_functions samples them instead)."""
    found = set()
    for e in E.nodes(*outputs):
        if isinstance(e, E.Call):
            found.add(("fn", e.name))
        elif isinstance(e, E.CallJacobian):
            found.add(("jac", e.name))
        elif isinstance(e, E.ElementCall):
            found.add(("el", e.name, e.order))
    return [(key, function_label(key)) for key in sorted(found, key=str)]


def variables_of(*exprs):
    """The variables of the expressions, by name: the generated function's parameters, in order."""
    return sorted({v for e in exprs for v in e.free if isinstance(v, E.Var)}, key=lambda v: v.name)
