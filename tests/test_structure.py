"""The shape of the package: the import graph has one cycle (the documented back-edge from the nodes
to the printers), no module is over 400 lines, and the operations of matcalc.ops are named nowhere
else. Issue 12's "Done when"; an import added in the wrong direction fails here, not in a review.
"""
import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "matcalc"
ROOT = PACKAGE.parent

# expr.py reaches the printers for str(e) and e.latex(), and the printers import the node types.
DOCUMENTED_CYCLE = ["matcalc.expr", "matcalc.printers.latex", "matcalc.printers.text"]
MAX_LINES = 400


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph():
    """module → the matcalc modules it imports, every import counted (lazy ones inside functions too)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: set() for m in modules}
    for m, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = m.split(".") if is_package else m.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[m] |= {t for t in targets if t in modules and t != m}
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_only_import_cycle_is_the_documented_one():
    assert cycles(import_graph()) == [DOCUMENTED_CYCLE]


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_only_matcalc_ops_names_its_node_types():
    """An operation is one file: the core modules reach Softmax and LogSumExp through the tables."""
    from matcalc import ops
    names = [t.__name__ for t in ops.OPERATIONS]
    outside = [(str(p.relative_to(ROOT)), name) for p in PACKAGE.rglob("*.py") if "ops" not in p.parts
               for name in names if f"E.{name}" in p.read_text(encoding="utf-8")]
    assert outside == []
