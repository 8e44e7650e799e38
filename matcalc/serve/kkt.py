"""What POST /api/kkt answers: a problem ('min f st g <= c, h == d') and its KKT conditions — what
`matcalc kkt --format json` prints, the LaTeX the page renders (problem, Lagrangian, stationarity,
feasibility, complementary slackness, the block system and closed form where they exist) and the text.

A problem has its own path because it is not an expression: its text is split into objective and
constraints (optimize/problem.py) before anything is parsed. Requests and errors follow /api/derive:
{problem, wrt, where, target, seed, check}; an error is the CLI's JSON error with the offsets the
page highlights, moved from the constraint it came from into the whole problem's text.
"""
import re

from ..errors import LimitError, MatcalcError
from .derive import RequestError, check_payload, common_fields, error_payload

TARGETS = ("numpy", "jax", "torch", "module")      # numpy and module: the solver module (codegen --solver)


def check_request(request):
    """(problem, wrt list or None, where, target or None, seed, check) from the JSON body, or RequestError."""
    problem = request.get("problem")
    if not isinstance(problem, str):
        raise RequestError("'problem' must be a string such as \"min ||A x - b||^2 st x >= 0\"")
    wrt = request.get("wrt") or None
    if wrt is not None and not isinstance(wrt, str):
        raise RequestError("'wrt' must be a string (names separated by commas)")
    where, target, seed, check = common_fields(request, TARGETS)
    names = [n.strip() for n in wrt.split(",") if n.strip()] if wrt else None
    return problem, names, where, target, seed, check


def kkt_answer(request):
    """The answer to one request (on the worker thread): a dict, with "error" for a MatcalcError."""
    from ..optimize import kkt
    problem, wrt, where, target, seed, check = check_request(request)
    try:
        k = kkt(problem, list(where), wrt, check=check, seed=seed)
        checks = k.checks
        report = next((r for r in checks if r.status == "failed"), checks[0] if checks else None)
        latex = k.latex()
        answer = {"command": "kkt", "wrt": ", ".join(v.name for v in k.problem.variables),
                  "parse": parse_payload(k.problem), "result": k.as_dict(), "display": [latex],
                  "latex": latex, "text": k.text(), **check_payload(report)}
        if target is not None:
            answer.update(code_payload(problem, wrt, where, target))
        return answer
    except MatcalcError as err:
        return error_payload(err, problem, where)
    except RecursionError:
        return error_payload(LimitError("the problem is nested too deeply to derive"), problem, where)


def parse_payload(p):
    """Every name of the problem with its type, as /api/derive's "parse" has them for the page's table
    (the variables the solver looks for and the data alike)."""
    from .. import expr as E
    from ..optimize.problem import declaration
    names = {}
    for e in [p.objective] + [c.expr for c in p.constraints]:
        for v in E.nodes(e):
            if isinstance(v, E.Var):
                names.setdefault(v.name, v)
    for v in p.variables:
        names.setdefault(v.name, v)
    sense = r"\min" if p.sense == "min" else r"\max"
    over = ", ".join(v.latex() for v in p.variables)
    return {"expression": p.text, "latex": rf"{sense}_{{{over}}}\ {p.objective.latex()}",
            "variables": {n: v.describe() for n, v in names.items()}, "notes": list(p.notes),
            "declarations": {n: re.sub(r"^(matrix|vector) ", "", declaration(v)) for n, v in names.items()}}


def code_payload(problem, wrt, where, target):
    """The solver module (`codegen --solver`) for the NumPy tabs; JAX and PyTorch have none."""
    if target in ("jax", "torch"):
        return {"target": target, "code": None,
                "code_error": "a problem's code is a NumPy and SciPy solver module: see the NumPy tab"}
    from ..optimize import solver_code
    try:
        return {"target": target, "code": solver_code(problem, list(where), wrt)}
    except MatcalcError as err:
        return {"target": target, "code": None, "code_error": f"{err.kind}: {err}"}
