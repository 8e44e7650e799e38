"""Text → typed, shape-checked expression.

Steps: the Lark parser (grammar/matcalc.lark, built once) gives a syntax tree, turned into a small
position-carrying AST (`syntax`, with the post-lexer in `lexer`); `kinds` decides for every
undeclared lower-case name whether it is a scalar or a vector; `build.Builder` builds the typed nodes
while unifying symbolic dimensions, and `dims` rebuilds the result with every dimension named.
LaTeX input is translated to the plain notation first (`latex`); `where=` declarations are read by
`declarations`.
"""
from operator import is_not

from .. import expr as E
from .. import shapes as S
from ..errors import DeclarationError, LimitError, MatcalcError, ParseError
from .build import Builder
from .declarations import parse_declarations, spelled_as_in
from .definitions import split as split_definitions
from .dims import name_dims, rebuild, resolver
from .kinds import Kinds
from .lexer import declared_functions, declared_names, normal_name, prescan, text_spellings, whole_names
from .sizes import read_sizes
from .syntax import syntax_tree


class Parsed:
    """What parsing produced besides the expression: inferred kinds, notes, and every variable named
    in the text (some may simplify away, as y in `x + 0 y`)."""
    __slots__ = ("expr", "notes", "names", "definitions", "pieces")

    def __init__(self, expr, notes, names=None, definitions=None, pieces=None):
        self.expr, self.notes, self.names = expr, notes, names or {}
        self.definitions = definitions or {}     # name → expression, for `h = …; L = …` texts
        self.pieces = pieces or {}               # (start, end) → expression: parse_full(spans=…)


class _Recording(Builder):
    """A Builder that keeps the node it built for each wanted span [start, end) of the text: the
    problem reader's objective, constraint sides and differences, from one parse of the whole problem
    (optimize/problem.py) instead of one parse each."""

    def __init__(self, spans, *args):
        super().__init__(*args)
        self.spans, self.recorded = spans, {}

    def build(self, n):
        out = super().build(n)
        if (n.start, n.end) in self.spans:
            self.recorded[(n.start, n.end)] = out
        return out


RECOGNISERS = []   # node → node or None: a composite spelling read as one node (ops/normalize_rows.py:
                   # layer norm's σ and X̂; ops/rms_norm.py: r and X̂), each applied over the whole tree in turn.
                   # A recogniser's `looks_at` (node types) says where it can match: it is not called on
                   # the other nodes, most of a tree, since it would return None there


def recognised(e, memos=None):
    """memos: one dict per recogniser, shared by the trees of one parse (its pieces and definitions are
    subtrees of, or share subtrees with, its expression: each is then walked once, not once per tree)."""
    memos = memos if memos is not None else [{} for _ in RECOGNISERS]
    for rewrite, memo in zip(RECOGNISERS, memos):
        e = _bottom_up(e, rewrite, memo, getattr(rewrite, "looks_at", None))
    return e


def _bottom_up(e, rewrite, memo, looks_at=None):
    """e with each subexpression, children first, replaced by rewrite(node) where that is not None; a
    call stays whole (its argument is the user's own function's)."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    kids = e.children
    out = e
    if kids and not isinstance(e, (E.Call, E.CallJacobian)):
        new = [_bottom_up(c, rewrite, memo, looks_at) for c in kids]
        if any(map(is_not, new, kids)):     # (in C: this runs for every node of every parse)
            out = e.rebuild(new)
    if looks_at is None or isinstance(out, looks_at):
        out = rewrite(out) or out
    memo[e] = out
    return out


def parse_full(text, where=None, latex=None, spans=None):
    """latex: True forces LaTeX input, None detects it by a backslash. spans: a set of (start, end) of
    the text whose typed expressions to return too (Parsed.pieces; none for LaTeX input, whose
    positions move in translation)."""
    decls = parse_declarations(where)
    if any("_{" in name for name in decls):
        normal, original = {}, {}
        for name, decl in decls.items():
            key = normal_name(name)
            if key in normal:
                raise DeclarationError(f"'{original[key]}' and '{name}' are the same name ({key}), declared twice")
            normal[key], original[key] = decl, name
        decls = normal
    source = text
    translation = None
    if latex or (latex is None and isinstance(text, str) and "\\" in text):
        from .latex import to_plain
        prescan(text)
        text, translation = to_plain(text)
    decls, spellings, shape_notes = spelled_as_in(decls, text)
    statements = split_definitions(text)
    defined = statements[1] if statements else {}
    for name, s in defined.items():
        if name in decls:
            raise DeclarationError(f"{name} is both declared and defined (= …): keep one", s.name_start, source)
    whole = frozenset(translation.whole) if translation is not None else frozenset()
    token = declared_names.set(frozenset(decls) | frozenset(defined) | whole)
    ftoken = declared_functions.set(frozenset(n for n, d in decls.items() if d.kind == "function"))
    stoken = text_spellings.set(spellings)
    try:
        if statements is None:
            ast, definitions = syntax_tree(text), {}
        else:   # each statement parsed in place: positions stay the user's, and so does the caret's line
            try:
                ast = syntax_tree(statements[0].masked(text))
                definitions = {name: _defined_tree(s, text) for name, s in defined.items()}
            except MatcalcError as e:
                e.text = text
                raise
    except MatcalcError as e:
        if translation is not None:
            e.pos, e.end, e.text = translation.origin(e.pos), None, source
        raise
    finally:
        declared_names.reset(token)
        declared_functions.reset(ftoken)
        text_spellings.reset(stoken)
    summed, sum_notes = set(), []
    if translation is not None and translation.index_sums:
        from .index_sums import rewrite
        found = set()
        try:
            ast, summed, sum_notes = rewrite(ast, translation.index_sums, text, translation.bold, found, frozenset(decls))
            for name in list(definitions):
                definitions[name], more, more_notes = rewrite(definitions[name], translation.index_sums, text,
                                                              translation.bold, found, frozenset(decls))
                summed |= more
                sum_notes += more_notes
            if set(translation.index_sums) - found:
                raise ParseError("index notation (\\sum_{i=1}^{n} …) here is not read: write the sum in matrix form",
                                 min(set(translation.index_sums) - found), text)
        except MatcalcError as e:
            e.pos, e.end, e.text = translation.origin(e.pos), None, source
            raise
    try:
        # sorted: the notes about them come in one order (a set's follows string hashing, which changes per process)
        bold = sorted(set(translation.bold) | summed) if translation is not None else ()
        kinder = Kinds(decls, definitions, ast, vectors=bold,
                       text=text)
        kinder.kind(ast)
        kinds = kinder.resolve()
        builder = Builder(text, decls, kinds, definitions) if not spans or translation is not None else \
            _Recording(frozenset(spans), text, decls, kinds, definitions)
        unify_token = S._unifier.set(builder.unify)
        render_token = S._renderer.set(builder.unify.display)
        try:
            raw = builder.build(ast)
            sized, size_notes = read_sizes(raw, builder, decls, ast, whole_names.get())
        finally:
            S._unifier.reset(unify_token)
            S._renderer.reset(render_token)
        symbols = {d for decl in decls.values() for d in decl.dims if isinstance(d, str)} | \
            {d for d in builder.unify.symbols if isinstance(d, str)}
        # a scalar named n (1/n …) is not also the name of a free dimension: the output would say n twice
        scalars = {v.name for v in builder.vars.values() if v.shape == (1, 1)}
        names = name_dims(raw, builder.unify, symbols | scalars, builder.vars.values())
        dim = resolver(builder.unify, names)
        memo, seen = dict(sized), [{} for _ in RECOGNISERS]
        expr = recognised(rebuild(raw, dim, memo), seen)
        pieces = {s: recognised(rebuild(e, dim, memo), seen) for s, e in getattr(builder, "recorded", {}).items()}
        named = {v.name: rebuild(v, dim, {}) for v in builder.vars.values() if v not in sized}
        ones = [f"'1' at column {node.start + 1} is read as the ones vector of length "
                f"{rebuild(e, dim, {}).shape[0]}" for node, e in builder.ones]
    except MatcalcError as e:
        if translation is not None:
            e.pos, e.end, e.text = translation.origin(e.pos), None, source
        raise e.with_text(text) from None
    except RecursionError:
        raise LimitError("expression nested too deeply", 0, source) from None
    sizes = {v.name for v in sized}
    notes = [note for name, (kind, note) in kinds.items() if note and name in builder.vars and name not in sizes]
    notes = size_notes + notes
    built = {n: recognised(rebuild(builder.defined[n], dim, memo), seen) for n in defined if n in builder.defined}
    for name, s in defined.items():
        if s.squared and name in builder.defined:
            notes.append(f"{s.left} = … defines {name} as the square root of the right side, {name} = sqrt(…)")
    if statements is not None and statements[0].left is not None:
        notes.append(f"the left side '{statements[0].left}' names the function; the expression is its right side")
    if built:
        notes.append("definitions: " + "; ".join(f"{n} = {e}" for n, e in built.items())
                     + " (the derivative goes through them)")
    unused = [name for name in defined if name not in builder.defined]
    if unused:
        notes.append(f"defined but not used: {', '.join(unused)}")
    latex_notes = list(dict.fromkeys(translation.notes)) if translation is not None else []
    return Parsed(expr, latex_notes + sum_notes + shape_notes + builder.notes + ones + notes + unused_declarations(decls, builder, defined),
                  named, built, pieces)


def _defined_tree(statement, text):
    """The AST of a definition's right side; σ_B^2 = var(x) defines σ_B as sqrt(var(x))."""
    from .syntax import Node
    tree = syntax_tree(statement.masked(text))
    return Node("call", ("sqrt", (tree,)), tree.start, tree.end) if statement.squared else tree


def unused_declarations(decls, builder, defined):
    """A declaration that names nothing in the text is never silently ignored: it is said in a note."""
    used_dims = {d for decl in decls.values() for d in decl.dims if isinstance(d, str)}
    unused = [name for name, decl in decls.items() if name not in builder.vars and name not in defined
              and name not in used_dims and decl.kind != "function"]
    if not unused:
        return []
    names = ", ".join(sorted(v.name for v in builder.vars.values())) or "none"
    return [f"declared but not in the text: {', '.join(unused)} (the declaration does nothing; the text's names: "
            f"{names})"]


def parse(text, where=None, latex=None):
    """Parse `text` into a typed expression; `where` maps names to declarations ('m x n spd', …).

    LaTeX input (`x^\\top A x`, `\\|Ax - b\\|^2`) is detected by a backslash, or forced with latex=True.
    """
    if isinstance(text, E.Expr):
        return text
    return parse_solved(text, where, latex).expr


def parse_solved(text, where=None, latex=None, need=None, names=()):
    """parse_full, with the kinds of undeclared names solved for when the default reading fails
    (or, with need="scalar", is not a scalar), and `names` (the --wrt names) never split: see solve.py."""
    from .solve import parse_for
    return parse_for(parse_full, text, where, latex, need, names)
