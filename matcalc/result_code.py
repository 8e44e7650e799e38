"""The source of a function for derivatives already taken (Results): what `matcalc.codegen`, the
CLI's codegen command, `Result.to_code` and `Results.to_code` print. It reads the Results' fields and
imports nothing of the API (api_codegen.py parses and derives, then calls `code_for`), so the
Result classes can use it without an import cycle.
"""
from .errors import DiffError


class SourceCode(str):
    """Generated source: a str, which a notebook shows as a Python code block (not as an escaped
    one-line string literal)."""

    def _repr_markdown_(self):
        return f"```python\n{self}\n```"


def code_for(f, results, target, hessian=False, standalone=False, rule=None):
    """The source for derivatives already taken (the CLI's codegen command shares this)."""
    return SourceCode(_code_for(f, results, target, hessian, standalone, rule))


def _code_for(f, results, target, hessian, standalone, rule):
    from .codegen import generate_joint
    if rule is not None:
        return rule_for(f, results, target, hessian, standalone, rule)
    hvps = [r for r in results if r.kind == "Hessian-vector product"]
    if hvps:
        if standalone:
            raise DiffError("a standalone module checks a Hessian, not a Hessian-vector product: "
                            "generate the Hessian (hessian) for it, or this function without standalone")
        (g, h) = results
        return generate_joint(f, [(g.wrt, g.expr)], "gradient", target, hvp=(h.along, h.expr))
    blocks = [r for r in results if r.kind == "hessian"]
    results = [r for r in results if r.kind != "hessian"]
    if hessian and len(results) == 1:       # (value, gradient, hessian), the gradient the Hessian's own
        (h,) = blocks
        return generate_joint(f, [(h.wrt, h.gradient)], "gradient", target, hessian=h.expr, standalone=standalone)
    return generate_joint(f, [(r.wrt, r.expr) for r in results], results[0].kind, target, standalone=standalone,
                          blocks=[(h.first, h.wrt, h.expr) for h in blocks] if hessian else None)


def rule_for(f, results, target, hessian, standalone, rule):
    """A framework rule's module: a scalar's (codegen/framework.py) or a layer's (framework_layers.py)."""
    from .codegen.framework import RULES, rule_module
    from .codegen.framework_layers import layer_module
    if rule not in RULES:
        raise DiffError(f"unknown framework rule '{rule}'; choose one of {', '.join(RULES)}")
    if target not in ("numpy", rule):
        raise DiffError(f"a {rule} rule is {rule} code: the target is {rule}, not {target}")
    if hessian or standalone or any(r.kind != "gradient" for r in results):
        raise DiffError("a framework rule is first-order and carries its own test: "
                        "no hessian or standalone with a rule")
    return (rule_module if f.is_scalar else layer_module)(f, results, rule)
