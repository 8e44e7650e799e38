"""The builder's readings of notation from books and papers, and of norms, inner products and declared
functions: a mixin of `build.Builder` (which holds the shared state: text, decls, vars, notes, unify).

    + const              a constant term, left out (is_const; b_sum drops it)
    z^k, C^u             the iterate z_k, the matrix of user u (indexed_name)
    ||v||_{M}            the weighted norm, vᵀ M v when squared (b_wnorm, weighted_square)
    log σ^2              log(σ²), said (prefix_power_note)
"""
import re

from .. import expr as E
from .. import shapes as S
from ..errors import ParseError, ShapeError
from .calls import MATRIX_NORMS
from .syntax import Node


class Readings:
    def is_const(self, node):
        """`+ const`, `+ \\text{const}`: the constant term sources leave unnamed (undeclared, undefined)."""
        return node.op == "name" and node.args[0] == "const" and "const" not in self.decls \
            and "const" not in self.definitions

    def indexed_name(self, n, base_node, exp_node):
        """z^k, u^k, C^u for a vector or matrix z, C: the iterate z at step k (ADMM's z^k), the matrix C of user
        u — a name of its own, z_k, never a power by a variable (the element-wise one is written z.^k)."""
        had = base_node.args[0] in self.vars
        base, index = self.build(base_node), exp_node.args[0]
        name = f"{base_node.args[0]}_{index}"
        # a declared exponent is a number (x^p with p: scalar is a power); a matrix power by a name is refused
        # (X^a), unless the declarations name the indexed matrix itself (--let "C^u: n x n" declares C_u)
        if base.is_scalar or index in self.decls or not re.fullmatch(r"[a-z]", index) or \
                not base.is_vector and name not in self.decls:
            return None
        if not had:                 # z itself is not a name of the text when only z^k is written
            self.vars.pop(base_node.args[0], None)
        if name not in self.vars and name not in self.decls:
            dims = (self.fresh(), 1) if base.shape[1] == 1 else (self.fresh(), self.fresh())
            self.vars[name] = E.Var(name, dims, frozenset())
        self.note(f"'{self.text[n.start:n.end]}' is read as a name of its own, {name} (an iterate or an index, as "
                  f"ADMM's z^k), not a power; for an element-wise power write {base_node.args[0]}.^{exp_node.args[0]}")
        return self.var(Node("name", (name,), n.start, n.end))

    def b_norm(self, n, arg_node, sub):
        arg = self.build(arg_node)
        if sub in MATRIX_NORMS and not arg.is_vector and not arg.is_scalar:   # ||M||_2, ||M||_*: matcalc.ops
            return self.at(n, MATRIX_NORMS[sub], arg)
        if sub == "*":
            raise ShapeError("the nuclear norm ||M||_* is of a matrix; for a vector write ||v||_1",
                             n.start, end=n.end)
        if sub == "1" and not arg.is_vector and not arg.is_scalar:
            raise ShapeError("the matrix 1-norm ||M||_1 is not supported; use sum(abs(M)) for the entry-wise "
                             "1-norm", n.start, end=n.end)
        return E.Norm(arg, 1 if sub == "1" else 2)

    def b_wnorm(self, n, arg_node, weight_node):
        """||v||_M = sqrt(vᵀ M v), the norm weighted by M (||x - μ||_{Σ⁻¹}: the Mahalanobis distance)."""
        return E.Apply("sqrt", self.weighted_square(n, arg_node, weight_node))

    def weighted_square(self, n, arg_node, weight_node):
        v, m = self.build(arg_node), self.build(weight_node)
        if not v.is_vector or m.is_scalar or m.is_vector:
            raise ShapeError(f"a weighted norm ||v||_M needs a vector v and a square matrix M, got "
                             f"{S.fmt_shape(v.shape)} and {S.fmt_shape(m.shape)}", n.start, end=n.end)
        self.note(f"'{self.text[n.start:n.end].strip()}' is the norm weighted by the matrix in the subscript: "
                  "||v||_M² = vᵀ M v")
        return self.product(n, [self.at(n, E.Transpose, v), m, v])

    def b_inner(self, n, a_node, b_node):
        a, b = self.build(a_node), self.build(b_node)
        if a.is_scalar and b.is_scalar:
            return E.Mul(a, b)
        self.at(n, S.elementwise, "⟨,⟩", [a.shape, b.shape])
        return E.Mul(E.Transpose(a), b) if a.is_vector else E.Trace(E.Mul(E.Transpose(a), b))

    def dimension(self, a):
        """A dimension written as an argument: a name (a dimension symbol) or an integer > 1."""
        if a.op == "num" and a.args[0].denominator == 1 and a.args[0] > 1:
            return int(a.args[0])
        if a.op == "name":
            return self.unify.symbol(a.args[0])
        raise ParseError("expected a dimension: a name such as n, or an integer greater than 1", a.start, end=a.end)

    def user_call(self, n, name, arg_nodes, base, decl):
        if len(arg_nodes) != 1:
            raise ParseError(f"{base} takes 1 argument, got {len(arg_nodes)}", n.start, end=n.end)
        arg = self.build(arg_nodes[0])
        d_in, d_out = (self.unify.symbol(d) for d in decl.dims)
        if decl.dims[0] == 1:                                   # h: scalar -> scalar, element-wise
            return E.ElementCall(base, arg, name.count("'"))
        if name.endswith("'"):
            raise ParseError(f"{base} maps vectors; its derivative is written J_{base}(x)", n.start, end=n.end)
        self.at(n, lambda: S.elementwise(f"the argument of {base}", [arg.shape, (d_in, 1)]))
        return self.at(n, E.CallJacobian if name.startswith("J_") else E.Call, base, arg, d_out)


# one build method per AST op
    def prefix_power_note(self, n, name, arg_nodes):
        """log σ^2 is log(σ²): said, with the spelling of the other reading."""
        if len(arg_nodes) == 1 and arg_nodes[0].op == "pow" and "(" not in self.text[n.start:arg_nodes[0].start]:
            written = self.text[n.start:n.end].strip()
            atom = self.text[arg_nodes[0].start:arg_nodes[0].end].strip()
            self.note(f"'{written}' is read as {name}({atom}): a power of the atom after a function written without "
                      f"parentheses is in its argument; for the power of the {name} write {name}(…)^…")
