"""The steps name what the result names (A = softmax(…), σ, X̂, δ, the user's h = …), each defined on a
`with` line just before the first step that shows it (issue 20). Checked on what the reader sees: every
printed step, text and LaTeX, is read back with the definitions printed above it substituted, and must
equal the step's own (unnamed) expression at a random point — a name used before its definition reads
as an unknown variable, a wrong definition as another value."""
import re

import numpy as np
import pytest

import matcalc
from matcalc import expr as E
from matcalc.derive import substitute
from matcalc.numeric import evaluate
from matcalc.printers.latex import latex_name
from matcalc.steps import Label

S, EPS = {"s": "scalar"}, {"eps": "scalar"}
CASES = [
    ("tr(G^T softmax(Q K^T / s) V)", "Q", S, {"A"}),
    ("tr(G^T softmax(Q K^T / s) V)", "K", S, {"A"}),
    ("Xh = (X - mean_rows(X) 1^T) ./ (sqrt(var_rows(X) + eps) 1^T); L = tr(G^T ((Xh .* (1 g^T)) + 1 b^T))", "X",
     EPS, {"σ", "Xh"}),
    ("Xh = (X - 1 mean_cols(X)) ./ (1 sqrt(var_cols(X) + eps)); L = tr(G^T Xh)", "X", EPS, {"σ", "Xh"}),
    ("r = sqrt(mean_rows(X .* X) + eps); L = tr(G^T ((X ./ (r 1^T)) .* (1 g^T)))", "X", EPS, {"r", "Xh"}),
    ("H = tanh(X W1 + 1 b1^T); Z = H W2 + 1 b2^T; L = sum(logsumexp(Z)) - sum(Y .* Z)", "W1", None,
     {"H", "Z", "δ"}),
    ("-sum(y .* log(softmax(W x + b)))", "W", None, {"s"}),
    ("||tanh(W2 tanh(W1 x + b1) + b2) - y||^2", "W1", None, {"t1", "t2"}),
]


def declaration(shape):
    r, c = shape
    return "scalar" if shape == (1, 1) else f"{r}" if c == 1 else f"{r} x {c}"


class Point:
    """Random values for a result's variables and their differentials, by name, and the sizes."""

    def __init__(self, r, seed=1):
        rng = np.random.default_rng(seed)
        self.where, dims = {}, set()
        for v in r.function.free:
            if isinstance(v, E.Var):
                for name in (v.name, "d" + v.name):
                    self.where[name] = declaration(v.shape)
                dims |= {d for d in v.shape if isinstance(d, str)}
        self.sizes = {d: 3 + i for i, d in enumerate(sorted(dims))}
        self.values = {}
        for v in r.function.free:
            if isinstance(v, E.Var):
                shape = tuple(self.sizes.get(d, d) for d in v.shape)
                value = rng.standard_normal(shape)
                self.values[v.name] = np.abs(value) + 0.5 if v.shape == (1, 1) else value    # eps, s > 0
                self.values["d" + v.name] = rng.standard_normal(shape)

    def known(self, name):
        """A variable's name as the text writes it: LaTeX's W_{1} reads back as W_1, the text's W1."""
        return name if name in self.values else name.replace("_", "")

    def __call__(self, e):
        env = {}
        for n in E.nodes(e):
            if isinstance(n, E.Var):
                env[n] = self.values[self.known(n.name)]
            elif isinstance(n, E.Differential):
                env[n] = self.values["d" + n.var.name]
        return np.asarray(evaluate(e, env, self.sizes), dtype=float)


def derivation(case):
    f, wrt, where, _ = case
    return matcalc.grad(f, wrt, where=where, check=False)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0][:30]} wrt {c[1]}" for c in CASES])
def test_the_text_steps_define_each_name_before_its_use(case):
    r = derivation(case)
    point, steps = Point(r), r.steps
    assert case[3] <= set(steps.names.values()), steps.names      # the result's names are the steps' names
    defs, used, order = [], set(), iter(steps)
    for line in r.steps_text().splitlines():
        if line.startswith("with "):
            new = re.split(r", (?=[^\s,()]+ = )", line[len("with "):])
            names = [d.split(" = ", 1)[0] for d in new]
            assert not set(names) & {d.split(" = ", 1)[0] for d in defs}, "a name is defined once"
            defs += new
            continue
        step = next(order)
        lhs, rhs = line.rsplit("    [", 1)[0].split(" = ", 1)
        for text, truth in ((lhs, step.lhs), (rhs, step.rhs)):
            if isinstance(truth, Label):
                continue
            read = matcalc.parse("; ".join(defs + [text]), where=point.where)
            unknown = {v.name for v in read.free if isinstance(v, E.Var)} - set(point.where)
            assert not unknown, f"{unknown} used before its definition in {line!r}"
            assert np.allclose(point(read), point(truth), rtol=1e-9, atol=1e-12), (line, defs)
            used |= {name for name in steps.names.values() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}
    assert case[3] <= used, "the names of the result's where are used in the steps"
    assert sorted(d.split(" = ", 1)[0] for d in defs) == sorted(set(d.split(" = ", 1)[0] for d in defs))


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0][:30]} wrt {c[1]}" for c in CASES])
def test_the_latex_steps_define_each_name_before_its_use(case):
    r = derivation(case)
    point, steps = Point(r), r.steps
    shapes = {}
    for node, name in steps.names.items():
        shapes[name] = node.shape
    # the name the LaTeX reader gives each printed name (\sigma → σ, \delta → delta, \mathit{Xh} → Xh);
    # LaTeX writes W1 as W_{1}, declared so
    where = {re.sub(r"^(.*?)(\d+)$", r"\1_{\2}", name): spec for name, spec in point.where.items()}
    reader = {}
    for name, shape in shapes.items():        # a row (batch norm's σ) is not declared: its context sizes it
        tex = latex_name(name, shape[1] == 1 and shape[0] != 1)
        declared = {name: declaration(shape)} if shape[0] != 1 else {}
        reader[matcalc.parse(tex, where={**where, **declared}).name] = name
        where.update(declared)
    tex = {n: latex_name(n, shapes[n][1] == 1 and shapes[n][0] != 1) for n in shapes}
    heads = "|".join(re.escape(t) for t in tex.values())
    rows_tex = {}        # a row-vector name cannot be declared: it is replaced by its definition, as text

    def rows_in(text):
        for name, body in rows_tex.items():
            text = re.sub(re.escape(tex[name]) + r"(?![A-Za-z_])", lambda _: body, text)
        return text
    defined, order = {}, iter(steps)
    for row in steps.latex_rows():
        if row.startswith(r"&\text{with } "):
            for d in re.split(rf", (?=(?:{heads}) = )", row[len(r"&\text{with } "):]):
                head, body = d.split(" = ", 1)
                name = next(n for n, t in tex.items() if t == head)
                if shapes[name][0] == 1:
                    rows_tex[name] = rf"\left({rows_in(body)}\right)"
                    defined[name] = None
                    continue
                defined[name] = expand(matcalc.parse(rows_in(body), where=where), defined, reader, point)
            continue
        if row.startswith(r"&\text{"):           # a rule on a row of its own
            continue
        step = next(order)
        lhs, rhs = row.split(" && ")[0].split(" &= ", 1)
        for text, truth in ((lhs, step.lhs), (rhs, step.rhs)):
            if isinstance(truth, Label):
                continue
            read = expand(matcalc.parse(rows_in(text), where=where), defined, reader, point)
            assert np.allclose(point(read), point(truth), rtol=1e-9, atol=1e-12), (row, sorted(defined))


def expand(e, defined, reader, point):
    """e with each step name replaced by its definition; a name not defined yet fails the test."""
    mapping = {}
    for v in e.free:
        if isinstance(v, E.Var) and v.name in reader:
            name = reader[v.name]
            assert name in defined, f"{name} used before its definition"
            mapping[v] = defined[name]
        elif isinstance(v, E.Var):
            assert point.known(v.name) in point.where, f"{v.name}: not a variable of the function"
    return substitute(e, mapping) if mapping else e


def test_names_come_in_dependency_order_where_first_shown():
    """Layer norm: σ before X̂ (X̂'s definition uses σ), both before the first step; the MLP: H and Z with the
    differential, δ only at the identification, where X^T δ first appears."""
    ln = derivation(CASES[2]).steps
    assert ln.introduced()[0] == ["σ", "Xh"]
    mlp = derivation(CASES[5])
    lines = mlp.steps_text().splitlines()
    assert lines[0] == "with H = tanh(X W1 + vector(1) b1^T), Z = H W2 + vector(1) b2^T"
    assert lines[-2] == "with δ = (softmax_rows(Z) - Y) W2^T .* (1 - H.^2)"
    assert lines[-1].startswith("df = tr((X^T δ)^T dW1)")


def test_a_wrong_order_would_be_caught():
    """The checks above fail when a name is shown before its definition (the with line moved to the end)."""
    r = derivation(CASES[0])
    steps = r.steps
    steps._introduced = [[] for _ in steps[:-1]] + [["A"]]
    point, first = Point(r), steps.text_lines()[0]
    lhs, rhs = first.rsplit("    [", 1)[0].split(" = ", 1)
    read = matcalc.parse(rhs, where=point.where)
    assert "A" in {v.name for v in read.free if isinstance(v, E.Var)} - set(point.where)
