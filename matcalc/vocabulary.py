"""The words of matcalc's language: function names, Greek names, identity names, the name grammar.

One place that the parser, the declarations, LaTeX input and the printers all read, so that none of
them imports another to learn what a name means (grammar/matcalc.lark's FUNC alternation lists the
same FUNCTIONS; a test keeps the two equal).
"""
import re
import unicodedata

FUNCTIONS = ("tr", "trace", "det", "logdet", "log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh",
             "tanh", "sigmoid", "softmax", "logsumexp", "softplus", "relu", "sqrt", "abs", "sign",
             "step", "sum", "diag", "vec", "inv", "kron", "norm", "norm1", "norm2", "vector", "matrix",
             "commutation", "zeros", "normcdf",
             "expm", "logm", "sqrtm", "powm", "expm_frechet", "logm_frechet", "sqrtm_frechet", "powm_frechet",
             "expm_kron", "logm_kron", "sqrtm_kron", "powm_kron", "expm_frechet2", "logm_frechet2",
             "sqrtm_frechet2", "powm_frechet2", "expm_kron2", "logm_kron2", "sqrtm_kron2", "powm_kron2")
ELEMENTWISE = ("exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sigmoid", "softplus",
               "relu", "sqrt", "abs", "sign", "step", "normcdf")
GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
         "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma",
         "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega")
# ℓ (LaTeX \ell) is a letter of its own, as the Greek ones are: the name `ell`, never e·l·l
GREEK_NAMES = frozenset(GREEK) | frozenset(g.capitalize() for g in GREEK) | {"ell"}
IDENTITY_NAMES = ("I", "eye")
# Names that are applications of a known function when directly followed by `(` and not declared:
# name → the function (grammar FUNC names, or calls.RAW entries). σ( is the sigmoid even with a space.
APPLICATIONS = {"σ": "sigmoid", "sigma": "sigmoid", "ReLU": "relu", "Relu": "relu", "max": "max",
                "Φ": "normcdf", "Phi": "normcdf", "φ": "phi", "ones": "ones", "eye": "eye",
                "mean": "mean", "var": "var", "Tr": "tr"}
# Spectral functions (matcalc/ops/eigen.py, norms.py): Julia's eigmax/eigmin, the polar factor U Vᵀ
APPLICATIONS.update({"eigmax": "lambda_max", "eigmin": "lambda_min", "polar": "polar"})
# Lower-case letters that name functions in every source (f(x), g(x), h(x)): applied, never multiplied.
FUNCTION_LETTERS = ("f", "g", "h")

# A name that can be declared: a letter (Latin or Greek), letters and digits, an optional subscript
# (x_0, x_{10}). The grammar's NAME terminal also accepts ϑ, ϕ, ϵ as a first letter.
NAME = re.compile(r"^[A-Za-z\u0391-\u03A9\u03B1-\u03C9\u2113][A-Za-z0-9\u0391-\u03A9\u03B1-\u03C9\u2113]*(_\{?[A-Za-z0-9]+\}?)?\Z")


def show_char(ch):
    """A character for a message: itself when visible, else its code point."""
    return f"'{ch}'" if ch.isprintable() and not ch.isspace() and unicodedata.category(ch)[0] != "C" \
        else f"U+{ord(ch):04X}"


def show_text(text):
    """A user string for a message, with invisible and control characters shown as code points."""
    return "".join(ch if ch == " " or ch.isprintable() and unicodedata.category(ch)[0] != "C"
                   else f"<U+{ord(ch):04X}>" for ch in str(text))


# Greek letters that look like Latin ones: `x^T Ι x` with a Greek capital iota would be a free matrix,
# not the identity, and nothing on the screen would show it. They are refused wherever a name is read,
# with the code point, so the reader can see what was typed. Greek letter → (its Latin twin, its name).
LOOKALIKES = {"Α": ("A", "Alpha"), "Β": ("B", "Beta"), "Ε": ("E", "Epsilon"), "Ζ": ("Z", "Zeta"),
              "Η": ("H", "Eta"), "Ι": ("I", "Iota"), "Κ": ("K", "Kappa"), "Μ": ("M", "Mu"), "Ν": ("N", "Nu"),
              "Ο": ("O", "Omicron"), "Ρ": ("P", "Rho"), "Τ": ("T", "Tau"), "Υ": ("Y", "Upsilon"),
              "Χ": ("X", "Chi"), "ο": ("o", "omicron")}


def lookalike(text):
    """(position, message) for the first Greek letter in `text` that looks like a Latin one, or None."""
    for i, ch in enumerate(text):
        if ch in LOOKALIKES:
            latin, spelled = LOOKALIKES[ch]
            return i, (f"'{ch}' is U+{ord(ch):04X} ({unicodedata.name(ch).lower()}), which looks like the Latin "
                       f"'{latin}': type the Latin letter, or spell the Greek one ({spelled})")
    return None


# ---- one name, several spellings: σ, sigma and \sigma are one name ---------------------------------
_LETTERS = [g for g in GREEK if not g.startswith("var")]       # in Unicode order: α … ω
# α…ρ are U+03B1…U+03C1, σ…ω U+03C3…U+03C9 (U+03C2 is the final ς); the capitals likewise from U+0391
_SPELLED = {chr(base + i + (i >= 17)): (word.capitalize() if base == 0x391 else word)
            for base in (0x3B1, 0x391) for i, word in enumerate(_LETTERS)}


def spelling(name):
    """The one spelling of a name that can be written several ways: σ, sigma and \\sigma are 'sigma',
    Σ, Sigma and \\Sigma are 'Sigma', σ_{1} is 'sigma_1'. Two names are the same name when their
    spellings are equal."""
    if not isinstance(name, str) or name.isascii() and "_{" not in name and not name.startswith("\\"):
        return name
    name = re.sub(r"_\{([A-Za-z0-9]+)\}$", r"_\1", name[1:] if name.startswith("\\") else name)
    return "".join(_SPELLED.get(ch, ch) for ch in name)


def has_spellings(name):
    """Whether the name can be written another way (a Greek letter, spelled or not)."""
    return re.match(r"[A-Za-z]*", spelling(name)).group() in GREEK_NAMES


def plain_name(name):
    """A Greek name as given in --let, where= or --wrt, without its LaTeX backslash: '\\Sigma' → 'Sigma'."""
    if isinstance(name, str) and name.startswith("\\") and re.match(r"[A-Za-z]*", name[1:]).group() in GREEK_NAMES:
        return name[1:]
    return name
