"""A constrained problem written in matrix notation: `min EXPR st C1, C2, …`.

The text is split here (the parser knows expressions, not problems): the sense (`min`/`max`, with an
optional `_x` or `_{x, w}` naming the variables), the objective, then after `st` / `s.t.` /
`subject to` the constraints, separated by `,` or `;` at bracket depth 0, each `L == R`, `L <= R`,
`L >= R` (also `=`, `≤`, `≥`) or a chain `l <= E <= u`.

Shared sizes: every part is parsed with the same declarations, and after each part the shapes of
the names it introduced are added to them (`a: n`, `K: n x n`). So the objective fixes `a` as a
vector of length n and a later `0 <= a <= c` reads `a` with that length — one dimension symbol per
size across the whole problem, by the parser's own unification, never by renaming symbols after the
fact. A name's first reading (objective first, then the constraints in order) decides its kind.
"""
from .. import expr as E
from ..errors import MatcalcError, ParseError
from ..vocabulary import show_text
from .problem_text import SENSE, SUBJECT, split_relations, split_top  # noqa: F401  (tests import them here)


class ProblemError(MatcalcError):
    """The problem text is not `min|max EXPR [st CONSTRAINTS]`, or asks for something unsupported."""
    kind = "problem error"


class Constraint:
    """One relation of the text, as g ≤ 0 (kind 'ineq') or h = 0 (kind 'eq'), with `text` the user's form.

    `bound`: (var, 'lower'|'upper', constant expression) when one side is a variable of the problem
    and the other a constant."""

    def __init__(self, kind, expr, text, bound=None, typed=None):
        self.kind, self.expr, self.text, self.bound = kind, expr, text, bound
        self.typed = typed          # the difference as typed, unsimplified: its sums' order is shown

    @property
    def shown(self):
        """expr with its sums in the order typed (x^T x - 1, not the canonical -1 + x^T x): display only."""
        return expr_in_order(self.expr, self.typed)


class Problem:
    """sense ('min'/'max'), objective (the user's), variables (Vars), constraints, declarations,
    notes (how the text was read), rewrites (slack variables introduced, in words)."""

    def __init__(self, text, sense, objective, variables, constraints, where, notes, rewrites=(), recover=None):
        self.text, self.sense, self.objective = text, sense, objective
        self.variables, self.constraints = list(variables), list(constraints)
        self.where, self.notes, self.rewrites = where, list(notes), list(rewrites)
        self.recover = recover or {}     # user's variable name → expression of the new variables (x = u - v)

    @property
    def minimized(self):
        """The objective as a minimization (−f for max)."""
        return self.objective if self.sense == "min" else E.negate(self.objective)

    @property
    def data(self):
        names = {v.name for v in self.variables}
        every = set(self.objective.free)
        for c in self.constraints:
            every |= set(c.expr.free)
        return sorted((v for v in every if isinstance(v, E.Var) and v.name not in names), key=lambda v: v.name)


def declaration(v):
    """The declaration string of a parsed variable: 'scalar', 'n', 'm x n spd'."""
    from ..shapes import fmt_dim
    r, c = v.shape
    base = "scalar" if v.shape == (1, 1) else fmt_dim(r) if c == 1 else f"{fmt_dim(r)} x {fmt_dim(c)}"
    return " ".join([base] + sorted(v.props))


def _where_dict(where):
    if where is None:
        return {}
    if isinstance(where, dict):
        return dict(where)
    out = {}
    for item in ([where] if isinstance(where, str) else where):
        for piece in split_top(item, ";"):
            if not piece:
                continue
            if ":" not in piece:
                raise ProblemError(f"a declaration is 'name: shape', not '{show_text(piece)}'")
            name, decl = piece.split(":", 1)
            out[name.strip()] = decl.strip()
    return out


def read_problem(text, where=None, wrt=None, data_names=None):
    """The Problem of `text`. `wrt`: the variables' names (else `min_x`, else every name without a value in
    `data_names` when given, else the guess stated in a note)."""
    from ..api import _parse
    if not isinstance(text, str):
        raise ProblemError("a problem is text: 'min EXPR st CONSTRAINTS'")
    m = SENSE.match(text)
    if not m:
        raise ProblemError("a problem starts with min or max: 'min ||A x - b||^2 st x >= 0'")
    sense = "min" if m.group(1).startswith(("min", "argmin")) else "max"
    named = m.group(2) or m.group(3)
    body = text[m.end():]
    parts = SUBJECT.split(body, maxsplit=1)
    objective_text = parts[0].strip().rstrip(",;").strip()
    constraint_texts = [c for c in split_top(parts[1], ",;") if c] if len(parts) > 1 else []
    if not objective_text:
        raise ProblemError("the objective is missing after min/max", m.start(1), text, m.end())
    if len(parts) > 1 and not constraint_texts:
        st = SUBJECT.search(text, m.end())
        raise ProblemError("'subject to' is followed by no constraint", st.start(), text,
                           st.start() + len(st.group().rstrip(": \t\n")))
    where = _where_dict(where)
    notes = []
    parsed = {}     # (text, declarations) → expression: a relation's difference is read once, for its kinds and as g

    def read(piece, spans=(), label=None):
        """The expression of a piece; an error's position, if it falls in a part copied from the text
        (spans), is moved into the whole problem's text, so the caret points there. `label`: the user's
        text the piece stands for (a constraint 'A x == b' for its internal difference '(A x) - (b)')."""
        if (key := (piece, repr(sorted(where.items())))) in parsed:
            return parsed[key]
        try:
            e, names = _parse(piece, where)
        except MatcalcError as err:
            pos, end = _moved(err, piece, spans)
            shown = show_text(label or piece)
            located = f"in '{shown}': {err.message}"
            if isinstance(err, ParseError):
                raise ProblemError(located if pos is not None else f"in '{shown}': {err}",
                                   pos, text if pos is not None else None, end) from None
            err.args = (f"in '{shown}': {err.args[0] if err.args else err}",) + tuple(err.args[1:])
            if pos is not None:
                err.message, err.pos, err.end, err.text = located, pos, end, text
            raise
        for name, v in names.items():
            _declare(where, name, declaration(v))
        return parsed.setdefault(key, e)

    chains = []
    for ctext in constraint_texts:
        for wrong, right in (("=>", ">="), ("=<", "<=")):
            if wrong in ctext:
                at = text.find(wrong, text.find(ctext))
                raise ProblemError(f"'{wrong}' is not a relation: write '{right}'", at, text, at + 2)
        chain = split_relations(ctext)
        at = text.find(ctext, m.end())          # the caret goes under the constraint
        where_at = (at, text, at + len(ctext)) if at >= 0 else ()
        if len(chain) not in (3, 5) or any(not s for s in chain[::2]):
            raise ProblemError(f"a constraint is 'L == R', 'L <= R', 'L >= R' or 'l <= E <= u', not "
                               f"'{show_text(ctext)}'", *where_at)
        if len(chain) == 5 and not (chain[1] == chain[3] and chain[1] in ("<=", ">=")):
            raise ProblemError(f"a chained constraint goes one way ('l <= E <= u'): '{show_text(ctext)}'", *where_at)
        chains.append((ctext, chain))
    pieces = _unify(objective_text, [c for _, c in chains], where) if chains else False
    unified = pieces is not False           # else: the objective's reading decides, then each part's
    if unified:
        parsed.update(((piece, repr(sorted(where.items()))), e) for piece, e in pieces.items())
    objective = read(objective_text, [(0, text.find(objective_text, m.end()), len(objective_text))])
    if not objective.is_scalar:
        raise ProblemError(f"the objective must be a scalar; '{show_text(objective_text)}' is {objective.shape}")
    relations = []
    cursor = m.end() + len(parts[0])
    for ctext, chain in chains:
        starts = _starts(text, ctext, chain[::2], cursor)
        cursor = text.find(ctext, cursor) + len(ctext)
        # each difference first: its kinds are the relation's (b in 'A x == b' is a vector like A x)
        for i in range(0, len(chain) - 2, 2):
            left, right = chain[i], chain[i + 2]
            pair = [(left, starts[i // 2]), (right, starts[i // 2 + 1])]     # >=: as g ≤ 0 is written, R - L
            (first, at_first), (second, at_second) = pair[::-1] if unified and chain[i + 1] == ">=" else pair
            try:
                read(f"({first}) - ({second})", [(1, at_first, len(first)),
                                                 (len(first) + 6, at_second, len(second))], label=ctext)
            except MatcalcError as err:
                if err.text == text:        # inside one side: the caret already points there
                    raise
                _sides_differ(read, text, ctext, left, right, starts[i // 2: i // 2 + 2], err)
        sides = [read(s, [(0, start, len(s))]) for s, start in zip(chain[::2], starts)]
        for i in range(0, len(sides) - 1):
            relations.append((sides[i], chain[2 * i + 1], sides[i + 1], ctext, chain[2 * i], chain[2 * i + 2]))
    variables = _variables(named, wrt, objective, relations, where, notes, data_names)
    constraints = [_constraint(lhs, op, rhs, ctext, lt, rt, variables, where, parsed)
                   for lhs, op, rhs, ctext, lt, rt in relations]
    return Problem(text, sense, objective, variables, constraints, where, notes)


def _sides_differ(read, text, ctext, left, right, starts, err):
    """The difference of a relation's sides does not parse though each side does: their shapes differ.
    Said in the user's terms (never the internal '(L) - (R)'), the caret under the constraint."""
    from ..shapes import fmt_shape
    a, b = read(left, [(0, starts[0], len(left))]), read(right, [(0, starts[1], len(right))])
    if a.shape == b.shape:
        raise err
    at = text.find(ctext)
    raise ProblemError(f"the two sides of '{show_text(ctext)}' differ in shape: {show_text(left)} is a "
                       f"{fmt_shape(a.shape)}, {show_text(right)} is a {fmt_shape(b.shape)} (a relation holds "
                       "entry by entry: both sides have one shape)",
                       at if at >= 0 else None, text if at >= 0 else None, at + len(ctext) if at >= 0 else None) from None


def _starts(text, ctext, sides, cursor):
    """Where each side of a constraint starts in the whole text (-1 when not found verbatim)."""
    at = text.find(ctext, cursor)
    out = []
    for side in sides:
        i = text.find(side, at) if at >= 0 else -1
        out.append(i)
        at = i + len(side) if i >= 0 else at
    return out


def _moved(err, piece, spans):
    """(pos, end) of a piece's error in the whole text, or (None, None) when it is not in a copied span."""
    if err.pos is None or err.text not in (None, piece):
        return None, None
    for start, at, length in spans:
        if at >= 0 and start <= err.pos <= start + length:
            pos = at + err.pos - start
            end = None if err.end is None else at + min(err.end, start + length) - start
            return pos, end
    return None, None


def _unify(objective_text, chains, where):
    """Declarations for every name from ONE parse of the whole problem: the objective plus sum(L - R)
    of each relation (R - L for >=, g's orientation), a scalar whatever the relation's shape. The
    parser's unification then sees every part at once, so `||x||^2 st A x == b` with A: m x n makes
    x of length n — parsing the parts one by one would have named x's length before meeting A. If
    the whole does not parse (False), the parts are parsed one by one and the first that fails says
    where. Else {part's text: expression}: the objective, each side and each difference as that one
    parse built them (the parser's pieces), so that read_problem parses none of them again (the SVM
    dual was 9 parses, ~1 ms each at n = 20); a part it did not record (LaTeX input) is parsed alone."""
    from functools import partial
    from ..parse import parse_full
    from ..parse.solve import parse_for
    text, spans = f"({objective_text})", {(1, 1 + len(objective_text)): objective_text}
    for chain in chains:
        for i in range(0, len(chain) - 2, 2):
            first, second = (chain[i + 2], chain[i]) if chain[i + 1] == ">=" else (chain[i], chain[i + 2])
            at = len(text) + len(" + sum(")
            difference = f"({first}) - ({second})"
            spans[(at, at + len(difference))] = difference
            spans[(at + 1, at + 1 + len(first))] = first
            spans[(at + len(first) + 6, at + len(difference) - 1)] = second
            text += f" + sum({difference})"
    try:
        parsed = parse_for(partial(parse_full, spans=frozenset(spans) if ONE_PARSE else None), text, where)
    except MatcalcError:
        return False
    for name, v in parsed.names.items():
        _declare(where, name, declaration(v))
    return {spans[s]: e for s, e in parsed.pieces.items()}


ONE_PARSE = True        # False: every part parsed again alone (tests compare the two readings)


def _declare(where, name, decl):
    """Declare `name` unless it is declared under any spelling (λ declared as lambda is declared)."""
    from ..vocabulary import spelling
    if not any(spelling(k) == spelling(name) for k in where):
        where[name] = decl


def _all_vars(objective, relations):
    found = {}
    for e in [objective] + [s for r in relations for s in (r[0], r[2])]:
        for v in E.nodes(e):
            if isinstance(v, E.Var):
                found.setdefault(v.name, v)
    return found


GUESSES = ("x", "w", "beta", "theta", "a", "h", "z", "u", "X", "W")


def _variables(named, wrt, objective, relations, where, notes, data_names=None):
    from ..vocabulary import spelling
    found = _all_vars(objective, relations)
    if wrt is None and named:
        wrt = [n.strip() for n in named.split(",") if n.strip()]
    if data_names is not None:
        _unused_data(data_names, found)
    if wrt is None and data_names is not None:
        given = {spelling(n) for n in data_names}
        wrt = [n for n in found if spelling(n) not in given]
        if not wrt:
            raise ProblemError("every name of the problem has a value in the data: nothing is left to solve for")
        if len(wrt) > 1:
            _several_without_data(wrt, relations, data_names)
    if isinstance(wrt, str):
        wrt = [n.strip() for n in wrt.split(",") if n.strip()]
    if wrt:
        missing = [n for n in wrt if n not in found]
        if missing:
            raise ProblemError(f"{', '.join(missing)} does not occur in the problem (its names: "
                               f"{', '.join(sorted(found))})")
        return [found[n] for n in wrt]
    bounded = []
    for lhs, op, rhs, *_ in relations:       # a variable side against a constant side: x >= 0, 0 <= a
        for side, other in ((lhs, rhs), (rhs, lhs)):
            if isinstance(side, E.Var) and side.name not in bounded and \
                    not any(isinstance(v, E.Var) for v in other.free):
                bounded.append(side.name)
    guess = bounded or [next((n for n in GUESSES if n in found), None)]
    if guess == [None]:
        raise ProblemError("which names are the variables? write min_x …, min_{x, w} …, or pass wrt= / --wrt "
                           f"(names: {', '.join(sorted(found))})")
    notes.append(f"variables: {', '.join(guess)} (guessed: {'bounded names' if bounded else 'the usual name'}; "
                 "write min_{…} or --wrt to choose)")
    return [found[n] for n in guess]


def _constraint(lhs, op, rhs, text, ltext, rtext, variables, where, parsed=None):
    from ..parse import parse
    names = {v.name for v in variables}
    depends = lambda e: any(isinstance(v, E.Var) and v.name in names for v in e.free)
    if not depends(lhs) and not depends(rhs):
        raise ProblemError(f"the constraint '{show_text(text)}' does not involve the variables "
                           f"({', '.join(sorted(names))})")
    # the difference is parsed as text so that a scalar constant spreads over a vector side as written
    from ..simplify import simplify
    difference = f"({rtext}) - ({ltext})" if op == ">=" else f"({ltext}) - ({rtext})"
    typed = (parsed or {}).get((difference, repr(sorted(where.items())))) or parse(difference, where)
    g = simplify(typed)
    if isinstance(g, E.Zero) or g is E.Num(0):
        raise ProblemError(f"the constraint '{show_text(text)}' holds whatever the variables are (its sides are "
                           "equal): leave it out")
    bound = None
    for side, other, lower in ((lhs, rhs, op == ">="), (rhs, lhs, op == "<=")):
        if op != "==" and isinstance(side, E.Var) and side.name in names and not depends(other):
            bound = (side, "lower" if lower else "upper", other)
    return Constraint("eq" if op == "==" else "ineq", g, text, bound, typed)


def expr_in_order(e, typed):
    """e with each sum that `typed` also has written in typed's order (display only: the same value)."""
    from ..display import typed_order
    return e if typed is None else typed_order(e, typed)


def _unused_data(data_names, found):
    """A name in the data that the problem does not use is a typo or the wrong file: said, never ignored
    (ignored, the name it was meant for would silently become a variable)."""
    from ..vocabulary import spelling
    names = {spelling(n) for n in found}
    unused = [n for n in data_names if spelling(n) not in names]
    if unused:
        import difflib
        close = difflib.get_close_matches(unused[0], sorted(found), n=1)
        raise ProblemError(f"the data has {', '.join(show_text(n) for n in unused)}, which the problem does not use "
                           f"(its names: {', '.join(sorted(found))})" + (f"; did you mean {close[0]}?" if close else ""))


def _several_without_data(names, relations, data_names):
    """Several names without a value: the usual variable (x, w, … or a bounded name) is the variable and
    the others are missing from the data — a forgotten array must not become a second variable. Several
    variables are named in the text (min_{x, t}) or by --wrt."""
    unknown = lambda e: any(isinstance(v, E.Var) and v.name in names for v in e.free)     # noqa: E731
    bounded = {side.name for lhs, op, rhs, *_ in relations for side, other in ((lhs, rhs), (rhs, lhs))
               if isinstance(side, E.Var) and side.name in names and not unknown(other)}   # x >= 0, not a <= c
    guess = [n for n in names if n in bounded] or [next((n for n in GUESSES if n in names), None)]
    missing = [n for n in names if n not in guess] if guess != [None] else names
    if not missing:
        return              # every name without a value is a bounded variable (x >= 0, y >= 0): all are solved for
    given = ", ".join(sorted(data_names)) or "none"
    verb = "has" if len(missing) == 1 else "have"
    raise ProblemError(f"{', '.join(missing)} {verb} no value in the data (given: {given}): give "
                       f"{'it' if len(missing) == 1 else 'them'} a value, or name every variable of the problem "
                       f"(min_{{{', '.join(names)}}} … or --wrt)")
