"""Parsing `where=` declarations: "m x n", "n x n spd", "n", "3", "scalar positive"."""
import re

from ..errors import DeclarationError
from ..vocabulary import FUNCTIONS, NAME, has_spellings, lookalike, plain_name, show_text, spelling

PROPERTIES = ("symmetric", "spd", "diagonal", "positive", "onehot")
ACCEPTED = ("accepted: 'scalar', 'n' or '3' (a vector), 'm x n' (a matrix), optionally followed by "
            "properties: symmetric, spd, diagonal, positive, onehot (e.g. 'n x n spd', 'scalar positive')")
_DIM = re.compile(r"^([1-9][0-9]{0,5}|[A-Za-z][A-Za-z0-9_]*)$")
# 'nxn', '3x4', 'n_1xn_2': a shape written without spaces (each side a number or one letter with digits)
_GLUED = re.compile(r"^([1-9][0-9]*|[A-Za-z](?:_?[0-9]+)?)[xX]([1-9][0-9]*|[A-Za-z](?:_?[0-9]+)?)$")


# a name in the (plain) text: a letter, letters and digits, an optional subscript
_TEXT_NAME = re.compile(r"(?<![A-Za-z0-9_\u0391-\u03A9\u03B1-\u03C9])[A-Za-z\u0391-\u03A9\u03B1-\u03C9]"
                        r"[A-Za-z0-9\u0391-\u03A9\u03B1-\u03C9]*(?:_\{?[A-Za-z0-9]+\}?)?")


def spelled_as_in(decls, text):
    """(the declarations keyed by the spelling the plain text uses, spelling → the text's first way of
    writing each name, notes): --let 'Σ: n x n' declares the text's \\Sigma, which reads as Sigma. The
    lexer starts from the same first spellings, so a declaration and the name it declares agree."""
    if not any(has_spellings(name) for name in decls) or not isinstance(text, str) or len(text) > 100_000:
        return decls, {}, []    # nothing to match (and the parser refuses texts over 100,000 characters)
    first = {}
    for m in _TEXT_NAME.finditer(text):
        first.setdefault(spelling(m.group()), re.sub(r"_\{([A-Za-z0-9]+)\}$", r"_\1", m.group()))
    # ε declares the text's \varepsilon (ϵ, ϕ, ϑ likewise): one letter in two shapes, as long as the text
    # does not use both shapes (then each is its own name, declared as written)
    variants = {}
    for spelled, written in first.items():
        variants.setdefault(letter_shape(spelled), []).append(written)
    out, notes = {}, []
    for name, decl in decls.items():
        if name in first.values():
            out[name] = decl
        elif spelling(name) in first:
            out[first[spelling(name)]] = decl
        elif len(variants.get(letter_shape(spelling(name)), ())) == 1:
            written = variants[letter_shape(spelling(name))][0]
            notes.append(f"the declaration of {name} is of the text's {written}: the same letter in "
                                         "another shape (declare it as written to tell them apart)")
            out[written] = decl
        else:
            out[name] = decl
    return out, first, notes


_SHAPES = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho", "varsigma": "sigma",
           "varpi": "pi", "ϵ": "epsilon", "ϕ": "phi", "ϑ": "theta"}


def letter_shape(spelled):
    """The spelling with the variant shapes of a Greek letter folded (varepsilon, ϵ → epsilon)."""
    m = re.match(r"(var[a-z]+|[ϵϕϑ])(.*)$", spelled)
    return _SHAPES.get(m.group(1), m.group(1)) + m.group(2) if m is not None else spelled


class Declaration:
    """kind is 'scalar', 'vector', 'matrix' or 'function'; dims are ints or symbol names.

    A function's dims are (input, output), 1 for a scalar: 'function n -> m' maps vectors to vectors,
    'function scalar -> scalar' is applied element-wise.
    """
    __slots__ = ("name", "kind", "dims", "props")

    def __init__(self, name, kind, dims, props):
        self.name, self.kind, self.dims, self.props = name, kind, dims, props


_RESERVED_DIMS = {"scalar", "vector", "matrix", "x"}


def _dim(text, name, spec):
    if not _DIM.match(text) or text.lower() in _RESERVED_DIMS:
        raise DeclarationError(f"declaration of '{name}': '{text}' is not a dimension in '{spec}'; {ACCEPTED}")
    return int(text) if text.isdigit() else text


def parse_declaration(name, spec):
    if isinstance(name, str) and lookalike(name) is not None:
        raise DeclarationError(f"declaration of '{show_text(name)}': {lookalike(name)[1]}")
    if not isinstance(name, str) or not NAME.match(name):
        raise DeclarationError(f"'{show_text(name)}' is not a valid variable name to declare")
    if name in FUNCTIONS:
        raise DeclarationError(f"'{name}' is a function name and cannot be declared as a variable")
    if not isinstance(spec, str):
        raise DeclarationError(f"declaration of '{name}' must be a string, got {type(spec).__name__}; {ACCEPTED}")
    if any(not ch.isprintable() for ch in spec):
        raise DeclarationError(f"declaration of '{name}' contains a control character: '{show_text(spec)}'; "
                               f"{ACCEPTED}")
    if spec.strip().startswith("function"):
        return _function(name, spec)
    words = spec.replace("×", " x ").replace("*", " x ").replace(",", " ").split()
    words = [w for word in words for w in (_GLUED.sub(r"\1 x \2", word).split())]
    props = []
    while words and words[-1].lower() in PROPERTIES:
        props.append(words.pop().lower())
    if not words:
        raise DeclarationError(f"declaration of '{name}' is empty or has no shape: '{spec}'; {ACCEPTED}")
    if words == ["scalar"]:
        kind, dims = "scalar", (1, 1)
    elif len(words) == 1:
        kind, dims = "vector", (_dim(words[0], name, spec), 1)
    elif len(words) == 3 and words[1].lower() == "x":
        kind, dims = "matrix", (_dim(words[0], name, spec), _dim(words[2], name, spec))
    else:
        raise DeclarationError(f"cannot read the declaration of '{name}': '{spec}'; {ACCEPTED}")
    if kind != "scalar" and 1 in (dims if kind == "matrix" else dims[:1]):
        raise DeclarationError(f"declaration of '{name}': a dimension of 1 is not allowed ('{spec}'); "
                               "declare it 'scalar' or as a vector")
    if "onehot" in props and kind != "matrix":
        raise DeclarationError(f"declaration of '{name}': onehot needs a matrix of labels ('n x c onehot'), "
                               f"got '{spec}'")
    structural = {"symmetric", "spd", "diagonal"} & set(props)
    if structural and (kind != "matrix" or dims[0] != dims[1]):
        raise DeclarationError(f"declaration of '{name}': {', '.join(sorted(structural))} needs a square matrix "
                               f"('n x n'), got '{spec}'")
    return Declaration(name, kind, dims, frozenset(props))


def _function(name, spec):
    m = re.fullmatch(r"\s*function\s+(\S+)\s*(?:->|→)\s*(\S+)\s*", spec)
    if m is None:
        raise DeclarationError(f"cannot read the declaration of '{name}': '{spec}'; a function is declared as "
                               "'function n -> m' (vectors to vectors), 'function n -> scalar' or "
                               "'function scalar -> scalar' (applied element-wise)")
    dims = tuple(1 if w == "scalar" else _dim(w, name, spec) for w in m.groups())
    if dims[0] == 1 and dims[1] != 1:
        raise DeclarationError(f"declaration of '{name}': a function of a scalar must return a scalar "
                               "(it is applied element-wise)")
    return Declaration(name, "function", dims, frozenset())


def parse_declarations(where):
    if where is None:
        return {}
    if isinstance(where, (list, tuple)):
        pairs = [_split_let(item) for item in where]
        seen = set()
        for name, _ in pairs:
            if name in seen:
                raise DeclarationError(f"'{name}' is declared twice")
            seen.add(name)
        where = dict(pairs)
    if not isinstance(where, dict):
        raise DeclarationError(f"where= must be a dict of name → declaration, got {type(where).__name__}")
    out = {}
    for name, spec in where.items():
        from .names import read_name          # --let "W^{(1)}: h x n" declares the text's W_1
        decl = parse_declaration(read_name(name), spec)
        same = next((n for n in out if spelling(n) == spelling(decl.name)), None)
        if same is not None:
            raise DeclarationError(f"'{same}' and '{name}' are the same name ({spelling(name)}), declared twice")
        out[decl.name] = decl
    return out


def _split_let(item):
    """'A: m x n' (the CLI's --let form) → ('A', 'm x n')."""
    if not isinstance(item, str) or ":" not in item:
        raise DeclarationError(f"cannot read declaration '{item}': write it as 'NAME: SHAPE [PROPERTIES]', "
                               "e.g. 'A: m x n' or 'S: n x n spd'")
    name, spec = item.split(":", 1)
    return name.strip(), spec.strip()


def user_function(decls, name):
    """(function name, declaration) when `name` is g, J_g or h' for a declared function."""
    base = name.rstrip("'")
    if base.startswith("J_") and base not in decls:
        base = base[2:]
    decl = decls.get(base)
    return (base, decl) if decl is not None and decl.kind == "function" else None
