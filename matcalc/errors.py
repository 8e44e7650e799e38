"""One hierarchy of errors. Each carries the input text and a position so the CLI can point at it.

A failed numerical check is a report (check.CheckReport, status "failed"), not an exception.
"""


class MatcalcError(Exception):
    """Base of every error matcalc raises on purpose."""

    kind = "error"

    def __init__(self, message, pos=None, text=None, end=None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.end = end
        self.text = text

    def with_text(self, text):
        if self.text is None:
            self.text = text
        return self

    def caret(self):
        """The offending input line with a caret under the position, or '' when there is none."""
        if self.pos is None or self.text is None:
            return ""
        start = self.text.rfind("\n", 0, self.pos) + 1
        stop = self.text.find("\n", self.pos)
        line = self.text[start: stop if stop >= 0 else len(self.text)]
        col = self.pos - start
        if len(line) > 120:  # keep the excerpt readable for huge inputs
            lo = max(0, col - 60)
            line, col = line[lo: lo + 120], col - lo
        width = max(1, min((self.end or self.pos + 1) - self.pos, len(line) - col))
        line = "".join(ch if ch.isprintable() else "?" for ch in line)
        return f"{line}\n{' ' * col}{'^' * width}"

    def _render_traceback_(self):
        """IPython shows this instead of the traceback: the message and the caret, no internal frames."""
        caret = self.caret()
        return [f"{type(self).__name__}: {self}"] + (caret.split("\n") if caret else [])

    def __str__(self):
        where = f" (at column {self.column})" if self.pos is not None else ""
        return f"{self.message}{where}"

    @property
    def column(self):
        if self.pos is None:
            return None
        if self.text is None:
            return self.pos + 1
        return self.pos - (self.text.rfind("\n", 0, self.pos) + 1) + 1


class ParseError(MatcalcError):
    kind = "syntax error"


class ShapeError(MatcalcError):
    kind = "shape error"


class DeclarationError(MatcalcError):
    kind = "declaration error"


class LimitError(MatcalcError):
    kind = "limit exceeded"


class DiffError(MatcalcError):
    kind = "cannot differentiate"


class CheckError(MatcalcError):
    """matcalc.codegen refuses to emit code for a derivative that failed its numerical check, and solve
    to run generated functions that disagree with each other (optimize/check.py); elsewhere a failed
    check is a report."""
    kind = "numerical check"


class ValuesError(MatcalcError):
    """The values given for a point (`at`) are missing, malformed or of the wrong shape."""
    kind = "values error"


class SympyBridgeError(MatcalcError):
    """An expression with no counterpart on the other side of the SymPy bridge."""
    kind = "sympy conversion"


class MissingRuleError(MatcalcError):
    """A pass met a node type that has no row in its table: a gap in matcalc, named, never a KeyError."""

    kind = "internal error"
