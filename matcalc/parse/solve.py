"""Types of undeclared names by solving, not guessing.

The letter convention (a–g scalars, h–z vectors) and the splitting of letter runs (`Ax` is A x) are
defaults, not facts. When the text does not type-check with them — or is not what the command needs
(a gradient needs a scalar) — the readings that differ from the defaults in one or two places are
tried: a lower-case name as a scalar instead of a vector or the other way round, a run of letters as
one name (`yhat`, `pred`) instead of a product of letters. The reading that works is used and said
in a note; when several work equally well, the error names the choice and the declaration that
settles it; the letter convention only breaks ties that typing leaves open.

    log(1 + exp(-y w^T x))     y is read as a scalar (as a vector, the expression would not be a scalar)
    ||yhat - y||^2             yhat is one name, not y·h·a·t
"""
import re
from itertools import combinations

from ..errors import DiffError, MatcalcError, ParseError, ShapeError
from ..vocabulary import FUNCTIONS, GREEK_NAMES, IDENTITY_NAMES
from .kinds import kind_hints
from .lexer import primed_names, whole_names


MAX_CANDIDATES = 12     # names and runs that may change reading (the first ones in the text)
MAX_TRIES = 80          # readings tried at most: one or two changes, a few milliseconds each
_TOKEN = re.compile(r"(?<![A-Za-z0-9_\\])([A-Za-z][A-Za-z0-9]*)(_\{?[A-Za-z0-9]+\}?)?(\s*\()?")
_FIXABLE = (ShapeError, DiffError)


def parse_for(parse_full, text, where=None, latex=None, need=None, names=()):
    """parse_full(text, where, latex), solving for the kinds of undeclared names when the default
    reading fails with a shape error or, with need="scalar", is not a scalar. `names` are names the
    command was given (--wrt pred): a run of letters that is one of them is that name, never split."""
    given = frozenset(n for n in names if isinstance(n, str))
    token = whole_names.set(given)
    try:
        return _parse_for(parse_full, text, where, latex, need, given)
    finally:
        whole_names.reset(token)


def _parse_for(parse_full, text, where, latex, need, given):
    if need is None:        # only a command's need (a scalar for a gradient) makes a reading wrong
        return parse_full(text, where, latex)
    default = None
    try:
        default = parse_full(text, where, latex)
        if _fits(default.expr, need):
            return default
        failure = None      # well typed, not what the command needs: the command says so if nothing else fits
    except _FIXABLE as e:
        failure = e
    found = _search(parse_full, text, where, latex, need, given, typed=failure is None)
    if not found:
        if failure is None:
            return default
        raise failure
    best = min(len(c) for c, _ in found)
    found = [(c, p) for c, p in found if len(c) == best]
    if len(found) > 1:
        options = " or ".join(_describe(c) for c, _ in found[:4])
        raise ParseError(f"the text can be read in more than one way: {options}. Declare the names to choose "
                         f"(e.g. --let \"{_declaration(found[0][0][0])}\")", 0, text)
    changes, parsed = found[0]
    why = "a scalar" if failure is None else "well typed"
    parsed.notes.insert(0, f"{_describe(changes)}: the default reading does not make the expression {why} "
                           + (f"(for the transpose write {changes[0][1]}^T)" if changes[0][0] == "prime" else
                              f"(declare to choose otherwise: --let \"{_declaration(changes[0])}\")"))
    return parsed


def _search(parse_full, text, where, latex, need, given, typed=False):
    # a name the command was given keeps its kind while the default reading types (grad x --wrt x stays
    # the gradient of a vector, refused); it may change when that reading does not (x^T x / y --wrt y)
    options = [o for o in _candidates(text, where, latex)
               if o[1] not in given or o[0] == "prime" or o[0] == "kind" and not typed]
    found, tries = [], 0
    for size in (1, 2):
        for combo in combinations(options, size):
            if len({c[1] for c in combo}) < size:
                continue
            tries += 1
            if tries > MAX_TRIES:
                return found
            hints = {name: kind for what, name, kind in combo if what == "kind"}
            runs = given | frozenset(name for what, name, _ in combo if what == "run")
            primes = frozenset(name for what, name, _ in combo if what == "prime")
            t1, t2, t3 = kind_hints.set(hints), whole_names.set(runs), primed_names.set(primes)
            try:
                parsed = parse_full(text, where, latex)
            except MatcalcError:
                continue
            finally:
                kind_hints.reset(t1)
                whole_names.reset(t2)
                primed_names.reset(t3)
            if _fits(parsed.expr, need) and _uses_runs(parsed, runs - given):
                found.append((combo, parsed))
        if found:
            return found
    return found


def _candidates(text, where, latex):
    """('kind', name, other kind) for undeclared lower-case names, ('run', letters, None) for runs."""
    from .declarations import parse_declarations
    from .kinds import letter_kind
    if latex or (latex is None and "\\" in text):
        from .latex import to_plain
        try:
            text = to_plain(text)[0]
        except MatcalcError:
            return []
    declared = set(parse_declarations(where))
    out, seen = [], set()
    # x - x' with x a vector is never a transpose (n×1 − 1×n): x' may be a point of its own, x_prime
    for m in re.finditer(r"(?<![A-Za-z0-9_\\])([A-Za-z][A-Za-z0-9]*)'(?!')", text):
        if m.group(1) not in FUNCTIONS and m.group(1) not in seen and m.group(1) not in declared_functions(where):
            seen.add(m.group(1))
            out.append(("prime", m.group(1), None))
    seen = set()
    for m in _TOKEN.finditer(text):
        word, sub, call = m.group(1), m.group(2) or "", m.group(3)
        if call or word in FUNCTIONS or word in declared or word in IDENTITY_NAMES or word in seen:
            continue
        seen.add(word)
        letters = re.match(r"[A-Za-z]*", word).group()
        if len(letters) > 1 and word not in GREEK_NAMES and letters not in GREEK_NAMES:
            out.append(("run", word + sub, None))
            names = [ch for ch in letters if ch.islower()]
        else:
            names = [word + sub] if word[0].islower() else []
        for name in names:
            if name not in seen or name == word:
                seen.add(name)
                out.append(("kind", name, "scalar" if letter_kind(name) == "vector" else "vector"))
    return out[:MAX_CANDIDATES]


def declared_functions(where):
    from .declarations import parse_declarations
    return {name for name, d in parse_declarations(where).items() if d.kind == "function"}


def _uses_runs(parsed, runs):
    return all(run in parsed.names for run in runs)


def _fits(expr, need):
    return need is None or (need == "scalar" and expr.is_scalar)


def _describe(changes):
    parts = []
    for what, name, kind in changes:
        parts.append(f"{name} is read as one name" if what == "run" else
                     f"{name}' is read as a name of its own, {name}_prime (not the transpose of {name})"
                     if what == "prime" else f"{name} is read as a {kind}")
    return ", ".join(parts)


def _declaration(change):
    what, name, kind = change
    return f"{name}: n" if what == "run" or kind == "vector" else f"{name}: scalar"
