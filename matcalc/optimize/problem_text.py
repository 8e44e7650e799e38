"""The text of a problem split at bracket depth 0, before any parsing (problem.py reads the parts):
the sense (`min`/`max`, `min_x`, `min_{x, w}`), the `st` / `s.t.` / `subject to` that starts the
constraints, the separators `,` / `;` between them and the relations `==`, `<=`, `>=` (also `=`,
`≤`, `≥`) inside each."""
import re

SENSE = re.compile(r"^\s*(min(?:imize)?|max(?:imize)?|argmin|argmax)(?:_\{([^}]*)\}|_([A-Za-z]\w*))?(?=[\s(|\[‖]|$)")
SUBJECT = re.compile(r"(?<![\w.])(?:s\.t\.|st|subject\s+to)(?![\w.])\s*:?")
RELATIONS = [("==", "=="), ("<=", "<="), (">=", ">="), ("≤", "<="), ("≥", ">="), ("=", "==")]
OPEN, CLOSE = "([{", ")]}"


def _depth_positions(text):
    """Per character: the bracket depth before it."""
    depth, out = 0, []
    for ch in text:
        if ch in CLOSE:
            depth -= 1
        out.append(depth)
        if ch in OPEN:
            depth += 1
    return out


def split_top(text, seps):
    depth = _depth_positions(text)
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch in seps and depth[i] == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in (s.strip() for s in parts)]


def split_relations(text):
    """[side, op, side, op, side…] at bracket depth 0."""
    depth = _depth_positions(text)
    out, start, i = [], 0, 0
    while i < len(text):
        if depth[i] == 0:
            for token, op in RELATIONS:
                if text.startswith(token, i):
                    out += [text[start:i].strip(), op]
                    i += len(token)
                    start = i
                    break
            else:
                i += 1
        else:
            i += 1
    out.append(text[start:].strip())
    return out
