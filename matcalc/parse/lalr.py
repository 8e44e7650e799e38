"""A small LALR(1) runtime for the tables in tables.json: lexer, parser and tree builder.

Why not Lark itself: `import lark` costs about 25 ms, a quarter of `matcalc grad`'s start-up (its
package imports the grammar loader, logging, dataclasses, inspect, tempfile, pickle, hashlib …),
though parsing with tables built ahead of time needs none of that (issue 19). The tables are
Lark's own serialization (`Lark.memo_serialize`, written by loading.write_tables); this module
drives them exactly as Lark 1.x does with parser="lalr", lexer="basic", propagate_positions=True
and maybe_placeholders=False: the same terminal order and longest-first alternation, the same
tokens with the same positions, the same trees (rules inlined, `?rule`s expanded, anonymous tokens
filtered) and the same errors at the same places. tests/test_parser_loading.py compares it with
Lark built from the grammar on every form of the parser's tests and on random inputs.
Lark is still what builds the tables, at development time (`python -m matcalc.parse`).
"""
import re

_NEWLINE_HINTS = ("\n", "\\n", "\\s", "[^")


class ParseFailure(Exception):
    """Any failure of the parser (Lark's LarkError)."""


class UnexpectedCharacters(ParseFailure):
    """No terminal matches at pos_in_stream."""

    def __init__(self, text, pos, line, column):
        super().__init__(f"No terminal matches {text[pos]!r} in the current parser context, at line {line} col {column}")
        self.pos_in_stream, self.line, self.column = pos, line, column


class UnexpectedToken(ParseFailure):
    """The parser met `token` (of type '$END' at the end of the input) where `expected` types may come."""

    def __init__(self, token, expected):
        super().__init__(f"Unexpected token {token!r}, expected one of {sorted(expected)}")
        self.token, self.expected = token, expected
        self.pos_in_stream = token.start_pos


class Token(str):
    """A piece of the input with its type and position; as Lark's Token (same constructor)."""

    def __new__(cls, type, value, start_pos=None, line=None, column=None, end_line=None, end_column=None,
                end_pos=None):
        inst = str.__new__(cls, value)
        # one update of the instance's dict, not eight attribute stores: a token is made per piece of text
        inst.__dict__.update(type=type, value=value, start_pos=start_pos, line=line, column=column,
                             end_line=end_line, end_column=end_column, end_pos=end_pos)
        return inst

    @classmethod
    def new_borrow_pos(cls, type_, value, borrow_t):
        return cls(type_, value, borrow_t.start_pos, borrow_t.line, borrow_t.column, borrow_t.end_line,
                   borrow_t.end_column, borrow_t.end_pos)

    def __eq__(self, other):
        if isinstance(other, str) and hasattr(other, "type") and self.type != other.type:
            return False
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __repr__(self):
        return f"Token({self.type!r}, {self.value!r})"


class Meta:
    """A tree's span; `empty` until a child with a position gives it one (a class attribute until then:
    no __init__ to call for each of the parse's trees)."""
    empty = True


class Tree:
    """A rule's node: data (the rule's name or alias), children (trees and tokens), meta (its span)."""
    __slots__ = ("data", "children", "meta")

    def __init__(self, data, children):
        self.data, self.children, self.meta = data, children, Meta()

    def __eq__(self, other):
        try:
            return self.data == other.data and self.children == other.children
        except AttributeError:
            return False

    def __hash__(self):
        return hash((self.data, tuple(self.children)))

    def __repr__(self):
        return f"Tree({self.data!r}, {self.children!r})"


def _to_regexp(pattern):
    value = re.escape(pattern["value"]) if pattern["__type__"] == "PatternStr" else pattern["value"]
    for flag in pattern["flags"]:
        value = f"(?{flag}:{value})"
    return value


def _max_width(pattern):
    return len(pattern["value"]) if pattern["__type__"] == "PatternStr" else pattern["_width"][1]


def _lexer_order(t):
    return -t["priority"], -_max_width(t["pattern"]), -len(t["pattern"]["value"]), t["name"]


class Lexer:
    """Lark's basic lexer: one alternation of every terminal, highest priority first, then the
    widest, then the longest pattern, then by name; a match of an ignored terminal is skipped."""

    def __init__(self, terminals, ignore, unless=None):
        terminals = sorted(terminals, key=_lexer_order)
        self.ignore = frozenset(ignore)
        self.newline_types = frozenset(t["name"] for t in terminals
                                       if any(h in _to_regexp(t["pattern"]) for h in _NEWLINE_HINTS)
                                       or "(?s" in _to_regexp(t["pattern"]) and "." in _to_regexp(t["pattern"]))
        unless = unless if unless is not None else unless_plan(terminals)
        by_name = {t["name"]: t for t in terminals}
        self.unless = {name: _alternation([by_name[s] for s in strs]) for name, strs in unless["unless"].items()}
        self.scanner = _alternation([t for t in terminals if t["name"] not in unless["embedded"]])

    def lex(self, text):
        """The tokens of text, lazily (an UnexpectedCharacters where no terminal matches)."""
        pos, line, line_start, end = 0, 1, 0, len(text)
        match, ignore, newline_types, unless = self.scanner.match, self.ignore, self.newline_types, self.unless
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise UnexpectedCharacters(text, pos, line, pos - line_start + 1)
            value, type_ = m.group(0), m.lastgroup
            start, start_line, column = pos, line, pos - line_start + 1
            if type_ in newline_types and "\n" in value:
                line += value.count("\n")
                line_start = pos + value.rindex("\n") + 1
            pos += len(value)
            if type_ in ignore:
                continue
            if type_ in unless:
                renamed = unless[type_].fullmatch(value)
                type_ = renamed.lastgroup if renamed else type_
            yield Token(type_, value, start, start_line, column, line, pos - line_start + 1, pos)


def unless_plan(terminals):
    """Lark's "unless" callbacks: a string terminal that a regular one of the same priority matches
    whole (a keyword that is also a NAME) is found as that regular terminal, then renamed. Returns
    {"unless": {regular terminal: [string terminals]}, "embedded": [string terminals left out of the
    alternation]}. Finding them compiles every regular terminal (~5 ms), so write_tables stores the
    answer in tables.json ("lexer"), and a test checks it against this function."""
    unless, embedded = {}, []
    terminals = sorted(terminals, key=_lexer_order)
    strings = [t for t in terminals if t["pattern"]["__type__"] == "PatternStr"]
    for t in terminals:
        if t["pattern"]["__type__"] != "PatternRE":
            continue
        for s in strings:
            value = s["pattern"]["value"]
            m = s["priority"] == t["priority"] and re.match(_to_regexp(t["pattern"]), value)
            if m and m.group(0) == value:
                unless.setdefault(t["name"], []).append(s["name"])
                if set(s["pattern"]["flags"]) <= set(t["pattern"]["flags"]) and s["name"] not in embedded:
                    embedded.append(s["name"])
    return {"unless": unless, "embedded": embedded}


def _alternation(terminals):
    return re.compile("|".join(f"(?P<{t['name']}>{_to_regexp(t['pattern'])})" for t in terminals))


class Rule:
    """A grammar rule: what it reduces to and how its node is built."""
    __slots__ = ("origin", "size", "name", "keep", "expand1", "passes")

    def __init__(self, d):
        self.origin, self.size = d["origin"]["name"], len(d["expansion"])
        self.name = d["alias"] or d["options"]["template_source"] or self.origin
        self.expand1 = d["options"]["expand1"] and not d["alias"]
        keep_all = d["options"]["keep_all_tokens"]
        # (child index, inlined?) for the children kept: anonymous tokens ("(", "^") are left out, and
        # the children of a rule whose name starts with '_' (Lark's repetitions) are inlined.
        self.keep = [(i, sym["__type__"] == "NonTerminal" and sym["name"].startswith("_"))
                     for i, sym in enumerate(d["expansion"])
                     if keep_all or not (sym["__type__"] == "Terminal" and sym["filter_out"])]
        if len(self.keep) == self.size and not any(inline for _, inline in self.keep):
            self.keep = None
        self.passes = self.expand1 and self.size == 1 and self.keep is None

    def build(self, children):
        if self.passes:             # `?sum: product` met with one child: the child is the node, and its span
            return children[0]      # (and container) would be set to what it already is
        kept = children
        if self.keep is not None:
            kept = []
            for i, inline in self.keep:
                if inline:
                    kept = kept + children[i].children if kept else children[i].children
                else:
                    kept.append(children[i])
        if self.expand1 and len(kept) == 1:
            node = kept[0]
            if node.__class__ is not Tree:
                return node
        else:
            node = Tree(self.name, kept)
        _propagate_positions(node.meta, children)       # all the children: "(" counts in a span
        return node


def _propagate_positions(meta, children):
    """Lark's PropagatePositions: a node spans from the start of its first child's container to the end
    of its last child's; a container is what a node took in the text before a ?rule expanded it away
    (the parentheses of `"(" expr ")"`). A node met again through a ?rule keeps its own span.

    The first child with a position is a token or a non-empty tree; the last is then found too (the same
    children read backwards). Only a tree's meta has a container, and a non-empty one always has it: no
    getattr defaults, no hasattr (a meta has `line` exactly when it is not empty) — this runs for every
    tree built."""
    for first in children:
        if first.__class__ is Tree:
            first = first.meta
            if not first.empty:
                line, column, start = first.container_line, first.container_column, first.container_start_pos
                break
        else:
            line, column, start = first.line, first.column, first.start_pos
            break
    else:
        return
    for last in reversed(children):
        if last.__class__ is Tree:
            last = last.meta
            if not last.empty:
                end_line, end_column, end = last.container_end_line, last.container_end_column, last.container_end_pos
                break
        else:
            end_line, end_column, end = last.end_line, last.end_column, last.end_pos
            break
    if meta.empty:
        meta.line, meta.column, meta.start_pos = line, column, start
        meta.end_line, meta.end_column, meta.end_pos = end_line, end_column, end
        meta.empty = False
    meta.container_line, meta.container_column, meta.container_start_pos = line, column, start
    meta.container_end_line, meta.container_end_column, meta.container_end_pos = end_line, end_column, end


class Parser:
    """The LALR(1) parser of serialized tables: `Parser(tables, postlex).parse(text)` → Tree."""

    def __init__(self, tables, postlex=None):
        data, memo = tables["data"], tables["memo"]
        front = data["parser"]
        lexer_conf = front["lexer_conf"]
        self.lexer = Lexer([memo[t["@"]] for t in lexer_conf["terminals"]], lexer_conf["ignore"], tables.get("lexer"))
        self.postlex = postlex
        table = front["parser"]
        names = table["tokens"]
        rules = {}
        self.states = {}
        for state, actions in table["states"].items():
            row = {}
            for token, (action, arg) in actions.items():
                if action == 1:                                 # reduce by a rule
                    arg = rules.get(arg["@"]) or rules.setdefault(arg["@"], Rule(memo[arg["@"]]))
                row[names[token]] = (action == 0, arg)
            self.states[state] = row
        start = front["parser_conf"]["start"][0]
        self.start_state, self.end_state = table["start_states"][start], table["end_states"][start]

    def parse(self, text):
        tokens = self.lexer.lex(text)
        if self.postlex is not None:
            tokens = self.postlex.process(tokens)
        states, value_stack, state_stack = self.states, [], [self.start_state]
        token = None
        for token in tokens:    # _feed's loop, written out: a call per token was a tenth of the parse
            type_ = token.type
            while True:
                row = states[state_stack[-1]]
                try:
                    shift, arg = row[type_]
                except KeyError:
                    raise UnexpectedToken(token, {t for t in row if t.isupper()}) from None
                if shift:
                    state_stack.append(arg)
                    value_stack.append(token)
                    break
                if arg.passes:  # `?sum: product` with one child, most reductions: the value stays, the state moves
                    state_stack[-1] = states[state_stack[-2]][arg.origin][1]
                    continue
                size = arg.size
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                value_stack.append(arg.build(children))
                state_stack.append(states[state_stack[-1]][arg.origin][1])
        end = Token.new_borrow_pos("$END", "", token) if token else Token("$END", "", 0, 1, 1)
        return self._feed(end, states, state_stack, value_stack, is_end=True)

    def _feed(self, token, states, state_stack, value_stack, is_end=False):
        while True:
            row = states[state_stack[-1]]
            try:
                shift, arg = row[token.type]
            except KeyError:
                raise UnexpectedToken(token, {t for t in row if t.isupper()}) from None
            if shift:
                state_stack.append(arg)
                value_stack.append(token)
                return None
            size = arg.size
            if size:
                children = value_stack[-size:]
                del state_stack[-size:]
                del value_stack[-size:]
            else:
                children = []
            value = arg.build(children)
            state_stack.append(states[state_stack[-1]][arg.origin][1])
            value_stack.append(value)
            if is_end and state_stack[-1] == self.end_state:
                return value_stack[-1]
