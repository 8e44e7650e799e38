"""What POST /api/derive answers: a request ({expr, command, wrt, where, target, seed}) checked, run
through the API, and turned into the CLI's `--format json` shapes plus what the page shows (the
LaTeX and text lines the CLI's `--format latex` / `text` print, the code `codegen` prints).

Nothing here evaluates the request's text: it is parsed by matcalc's grammar, like the CLI's EXPR.
"""
import re
from http import HTTPStatus

from ..errors import DeclarationError, LimitError, MatcalcError

COMMANDS = ("gradient", "jacobian", "hessian", "differential", "steps", "taylor", "newton")
TARGETS = ("numpy", "jax", "torch", "module")    # module: a standalone, self-testing NumPy module
MAX_WHERE = 64                   # declarations per request
PREFERRED_WRT = ("x", "X", "w", "W", "theta", "beta")


class RequestError(Exception):
    """A malformed request (not a MatcalcError: the text was never read); HTTP 400 unless told."""

    def __init__(self, message, status=HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.status = status

    def as_dict(self):
        return {"kind": "bad request", "message": str(self), "column": None, "caret": None, "pos": None, "end": None}


def check_request(request):
    """(expr, command, wrt or None, where, target or None, seed, check) from the JSON body, or RequestError."""
    expr = request.get("expr")
    if not isinstance(expr, str):
        raise RequestError("'expr' must be a string")
    command = request.get("command", "gradient")
    if command not in COMMANDS:
        raise RequestError(f"'command' must be one of {', '.join(COMMANDS)}")
    wrt = request.get("wrt") or None
    if wrt is not None and not isinstance(wrt, str):
        raise RequestError("'wrt' must be a string")
    return (expr, command, wrt, *common_fields(request, TARGETS))


def common_fields(request, targets):
    """(where, target or None, seed, check): the fields every request path checks alike."""
    where = request.get("where") or []
    if not isinstance(where, list) or not all(isinstance(w, str) for w in where) or len(where) > MAX_WHERE:
        raise RequestError(f"'where' must be a list of at most {MAX_WHERE} strings such as \"A: n x n spd\"")
    target = request.get("target") or None
    if target is not None and target not in targets:
        raise RequestError(f"'target' must be one of {', '.join(targets)}")
    seed = request.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2 ** 32):
        raise RequestError("'seed' must be an integer from 0 to 2^32 - 1")
    check = request.get("check", True)
    if not isinstance(check, bool):
        raise RequestError("'check' must be true or false")
    return where, target, seed, check


def error_payload(err, expr=None, where=(), parsed=None):
    """The CLI's exit-2 class as JSON: what `--format json` prints (kind, message, column, caret), the
    position the caret points at (pos, end: offsets in the text), and what the position is in: "expr"
    (the input box), or "where" with the declaration's index."""
    from ..cli.common import error_json
    body = {**error_json(err), "pos": err.pos, "end": err.end}
    if err.pos is not None and err.text is not None:
        if err.text == expr:
            body["in"] = "expr"
        elif err.text in where:
            body.update({"in": "where", "index": list(where).index(err.text)})
    if isinstance(err, DeclarationError):
        named = re.search(r"declaration of '([^']+)'", err.message)
        if named:
            body["variable"] = named.group(1)
    answer = {"error": body}
    if parsed is not None:
        answer["parse"] = parsed
    return answer


def derive(request):
    """The answer to one request (on the worker thread): a dict, with "error" for a MatcalcError."""
    from ..api import collecting_parse_notes
    expr, command, wrt, where, target, seed, check = check_request(request)
    parsed = None
    with collecting_parse_notes():
        try:
            parsed = parse_payload(expr, where)
            wrt = wrt or default_wrt(parsed["variables"])
            if wrt is None:
                raise MatcalcError("the expression has no variable to differentiate by")
            answer = {"command": command, "wrt": wrt, "parse": parsed, **RUN[command](expr, wrt, where, check, seed)}
            if target is not None:
                answer.update(code_payload(expr, wrt, where, target, command))
            return answer
        except MatcalcError as err:
            return error_payload(err, expr, where, parsed)
        except RecursionError:
            return error_payload(LimitError("the expression is nested too deeply to derive"), expr, where, parsed)


def default_wrt(variables):
    """x when there is an x (the page's default, like matrixcalculus.org's), else the first variable."""
    for name in PREFERRED_WRT:
        if name in variables:
            return name
    return next(iter(variables), None)


def parse_payload(expr, where):
    """`matcalc parse --format json`, plus each variable's type as a declaration would say it."""
    from ..parse import parse_full
    parsed = parse_full(expr, list(where))
    e = parsed.expr
    variables = e.variables
    return {"expression": str(e), "latex": e.latex(), "shape": list(map(str, e.shape)), "variables": variables,
            "notes": parsed.notes,
            "declarations": {name: re.sub(r"^(matrix|vector) ", "", kind) for name, kind in variables.items()}}


# ---- the commands -------------------------------------------------------------------------------
def _derivative(kind):
    def run(expr, wrt, where, check, seed):
        from .. import api
        from ..cli.common import payload, text_block
        from ..cli.derivatives import _symbols
        if kind == "gradient":
            result = api.grad(expr, [wrt], where=where, check=check, seed=seed)[wrt]
            symbol = _symbols("gradient", wrt)
        elif kind == "jacobian":
            result = api.jacobian(expr, wrt, where=where, check=check, seed=seed)
            on_vec = not (result.wrt.is_vector or result.wrt.is_scalar and result.function.shape[1] == 1)
            symbol = _symbols("vec jacobian" if on_vec else "jacobian", wrt)
        else:
            result = api.hessian(expr, wrt, where=where, check=check, seed=seed)
            symbol = _symbols("hessian", wrt)
        report = result.report
        line = f"{symbol[1]} = {result.pretty(latex=True)}"
        return {"result": payload(result), "display": [line],
                "text": text_block(f"{symbol[0]} = {result.pretty()}", result.conditions, report, result.notes),
                "latex": latex_export(result.notes, [line]), **check_payload(report)}
    return run


def _steps(expr, wrt, where, check, seed):
    """The derivation step by step: of the gradient for a scalar, of the Jacobian otherwise."""
    from ..parse import parse_full
    scalar = parse_full(expr, list(where)).expr.is_scalar
    answer = _derivative("gradient" if scalar else "jacobian")(expr, wrt, where, check, seed)
    result = answer["result"]
    answer["text"] = "\n".join(f"{s['text']}    [{s['rule']}]" for s in result["steps"]) + "\n\n" + answer["text"]
    return answer


def _differential(expr, wrt, where, check, seed):
    from .. import api
    from ..cli.common import text_block
    d = api.differential(expr, wrt, where=where)
    return {"result": {"differential": str(d), "latex": d.latex(), "wrt": wrt, "conditions": d.conditions,
                       "notes": d.notes},
            "display": [d.latex()], "latex": latex_export(d.notes, [d.latex()]), "text": text_block(str(d), d.conditions, None, d.notes),
            **check_payload(None)}


def _taylor(expr, wrt, where, check, seed):
    from ..analysis import taylor
    from ..api import parse_notes
    from ..cli.analysis import taylor_payload
    from ..cli.common import text_block
    t = taylor(expr, wrt, where=where, check=check, seed=seed)
    notes = parse_notes()
    result = {**taylor_payload(t), **({"notes": notes} if notes else {})}
    return {"result": result, "display": [t.equation(latex=True)], "latex": latex_export(notes, [t.equation(latex=True)]),
            "text": text_block(t.equation(), t.conditions, t.report, notes), **check_payload(t.report)}


def _newton(expr, wrt, where, check, seed):
    from ..analysis import newton_step
    from ..api import parse_notes
    from ..cli.analysis import newton_payload
    from ..cli.common import text_block
    s = newton_step(expr, wrt, where=where, check=check, seed=seed)
    notes = parse_notes()
    result = {**newton_payload(s), **({"notes": notes} if notes else {})}
    n, g = s.labels(latex=True)
    lines = [f"{n} = {s.newton.latex()}", f"{g} = {s.gradient_step.latex()}"]
    return {"result": result, "display": lines, "latex": latex_export(notes, lines),
            "text": text_block(str(s), s.conditions, s.report, notes), **check_payload(s.report)}


def latex_export(notes, lines):
    """What `--format latex` prints: the notes as LaTeX comments before the formula, then its lines."""
    return "\n".join([f"% note: {n}" for n in notes] + lines)


def check_payload(report):
    """The check's verdict: its data, and the line the CLI prints."""
    return {"check": report.as_dict() if report else None, "check_text": str(report) if report else None}


RUN = {"gradient": _derivative("gradient"), "jacobian": _derivative("jacobian"), "hessian": _derivative("hessian"),
       "differential": _differential, "steps": _steps, "taylor": _taylor, "newton": _newton}


def code_payload(expr, wrt, where, target, command):
    """`matcalc codegen --target T` (with --hessian for the Hessian of a scalar), unchecked: the page
    shows the check of the derivation it asked for."""
    from ..cli.derivatives import generated_code
    standalone = target == "module"     # `codegen --standalone`: the function, random inputs, a check, __main__
    try:
        source, _ = generated_code(expr, [wrt], "numpy" if standalone else target,
                                   with_hessian=command in ("hessian", "newton", "taylor"), lets=where, check=False,
                                   standalone=standalone)
    except MatcalcError as err:         # e.g. no code for this derivative: the result still shows
        return {"target": target, "code": None, "code_error": f"{err.kind}: {err}"}
    return {"target": target, "code": source}
