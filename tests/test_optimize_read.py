"""read_problem takes the objective, every constraint side and every difference from its one parse of
the whole problem (parse_full's spans): each must be what parsing that part alone gives — the same
objective, constraints (g, its typed form, the bound), variables, declarations and notes."""
import pytest

from matcalc.optimize import problem as P
from matcalc.optimize.problem import read_problem
from matcalc.optimize.rewrite import rewrite
from matcalc.parse import parse_full

SVM = {"K": "n x n symmetric", "c": "scalar"}

PROBLEMS = [
    ("min ||A x - b||^2 st x >= 0", None),
    ("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", SVM),
    ("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", {"K": "n x n symmetric"}),
    ("max c^T log(h) st h >= 0, sum(h) == 1", None),
    ("max c^T log(h) st h >= 0, sum(h) == 1", {"c": "n"}),
    ("min ||A x - b||^2 st x >= 0, 1 >= x, A x <= b", None),
    ("min ||x||^2 st A x == b", None),
    ("min ||x||_1 st A x == b", None),
    ("min 1/2 x^T Q x + c^T x st A x == b", {"Q": "n x n symmetric", "c": "n"}),
    ("min 1/2 x^T Q x + c^T x st A x == b, B x == d", {"Q": "n x n symmetric", "c": "n"}),
    ("min x^T A x st x^T x == 1", {"A": "n x n symmetric"}),
    ("max x^T A x st x^T x == 1", {"A": "n x n symmetric"}),
    ("min_{w, b} 1/2 ||w||^2 st y .* (X w + b 1) >= 1", None),
    ("min_{w, b} 1/2 ||w||^2 st y .* (X w + b) >= 1", {"b": "scalar"}),
    ("min_{w, b, xi} 1/2 ||w||^2 + C sum(xi) st y .* (X w + b 1) >= 1 - xi, xi >= 0", {"C": "scalar"}),
    ("min ||x - b||^2 st x >= -1, x <= 1/2", None),
    ("min ||x - b||^2 st A x <= c, x >= -1", None),
    ("min ||A X - B||_F^2 st X >= 0", None),
    ("min ||A x - B y||^2 + ||x||^2 + ||y||^2 st x >= 0, y >= 0", None),
    ("min_{x, t} t st -t 1 <= x - c <= t 1", None),
    ("min_{x, t} t st A x - b <= t 1, b - A x <= t 1", None),
    ("min_{x, t} ||A x + t 1 - b||^2 + ||x||^2 st x >= 0", {"t": "scalar"}),
    ("min_{x} ||x - b||^2 st x^T x <= 1", None),
    ("min_{x} ||x||^2 st exp(A x) <= 2", None),
    ("min sum(exp(u)) - q^T u st u <= 1", None),
    ("min_x ||A x - b||^2 + sum(abs(x - z)) st x >= 0", None),
    ("min ||x - z||^2 st x >= z", None),
    ("min 1/2 ||A x - b||^2 + λ ||x||_1 st sum(x) <= 1", {"λ": "scalar"}),
    (r"min \|A x - b\|^2 st x \ge 0", None),                     # LaTeX: each part parsed alone
    ("min ||x||^2 st x^T A == b", None),
    ("min 1/m ||A x - b||^2 st x >= 0, sum(x) <= n", None),             # sizes read as numbers
    ("min ||A x - b||^2 st 0 <= x <= u, x^T 1 == 1", None),
    ("min_{x, y} ||x - y||^2 + x^T x st x >= y, y >= 0", None),
]


def reading(text, where, one_parse, monkeypatch):
    monkeypatch.setattr(P, "ONE_PARSE", one_parse)
    try:
        p = rewrite(read_problem(text, dict(where) if where else None))
    except Exception as e:                  # an error must be the same error
        return ("error", type(e).__name__, str(e))
    return (p.sense, p.objective, [(v.name, v.shape, v.props) for v in p.variables],
            [(c.kind, c.expr, c.typed, c.text, c.bound) for c in p.constraints],
            sorted(p.where.items()), p.notes, p.rewrites)


@pytest.mark.parametrize("text, where", PROBLEMS)
def test_the_parts_of_one_parse_are_the_parts_parsed_alone(text, where, monkeypatch):
    assert reading(text, where, True, monkeypatch) == reading(text, where, False, monkeypatch)


def test_one_parse_is_one_parse(monkeypatch):
    """The SVM dual's objective, 3 sides and 2 differences, each one parse before: now the one of the whole."""
    import sys
    parse_package = sys.modules["matcalc.parse"]          # matcalc.parse is also the API's function
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[0])
        return parse_full(*args, **kwargs)
    monkeypatch.setattr(parse_package, "parse_full", counted)
    read_problem("min 1/2 (a .* y)^T K (a .* y) - sum(a) st 0 <= a <= c, y^T a == 0", SVM)
    assert len(calls) == 1, calls


def test_spans_give_the_typed_parts():
    text = "(x^T x) + sum((A x) - (b))"
    parsed = parse_full(text, None, spans=frozenset({(1, 6), (14, 25), (15, 18), (23, 24)}))
    assert {k: str(e) for k, e in parsed.pieces.items()} == {(1, 6): "x^T x", (14, 25): "A x - b", (15, 18): "A x",
                                                             (23, 24): "b"}
    assert parse_full(text, None).pieces == {}
