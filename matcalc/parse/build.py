"""AST → typed expression: `Builder` builds the nodes while unifying symbolic dimensions, and reports
every shape error at the span of the text that caused it.
"""
import re

from .. import expr as E
from .. import shapes as S
from ..errors import ParseError, ShapeError
from ..vocabulary import APPLICATIONS, IDENTITY_NAMES
from .broadcast import added, broadcast_vectors, matrix_coefficient_hint
from .calls import BUILT, build_call
from .conventions import ambiguous_quotient, coefficient_note, coefficient_split, is_coefficient, is_euler, is_one
from .declarations import user_function
from .dims import Cell, Unifier
from .kinds import is_matrix_name
from .readings import Readings
from .values import const, constant, leading_number, unwrap


class Builder(Readings):
    """Build typed nodes from the AST; every shape error is reported at the offending span."""

    def __init__(self, text, decls, kinds, definitions=None):
        self.text, self.decls, self.kinds = text, decls, kinds
        self.definitions = definitions or {}     # name → AST; a defined name stands for its definition
        self.defined = {}                        # name → the built definition, once built
        self.unify = Unifier()
        self.vars = {}
        self.notes = []         # how the text was read where it could be read two ways
        self.ones = []          # (node, Ones): each literal 1 read as the ones vector

    def fresh(self):
        return Cell()

    def at(self, node, build, *args):
        try:
            return build(*args)
        except ShapeError as e:
            if e.pos is None:
                e.pos, e.end = node.start, node.end
            raise

    def var(self, n):
        name = n.args[0]
        if name in self.definitions:
            if name not in self.defined:
                self.defined[name] = self.build(self.definitions[name])
            return self.defined[name]
        if name in IDENTITY_NAMES and name not in self.decls:
            return E.Identity(self.fresh())
        if name not in self.vars:
            if name.endswith("_star") and "*" in self.text[n.start:n.end]:
                self.note(f"{self.text[n.start:n.end]} is read as a name of its own, {name} (as w* the optimum), "
                          "not a power or a product")
            d = self.decls.get(name)
            if d is not None and d.kind == "function":
                raise ParseError(f"{name} is a declared function: apply it, as {name}(x)", n.start, end=n.end)
            if d is not None:
                dims, props = tuple(self.unify.symbol(x) for x in d.dims), d.props
            else:
                kind = self.kinds[name][0] if name in self.kinds else "matrix" if is_matrix_name(name) else "scalar"
                dims = {"matrix": lambda: (self.fresh(), self.fresh()), "vector": lambda: (self.fresh(), 1),
                        "scalar": lambda: (1, 1)}[kind]()
                props = frozenset()
            self.vars[name] = E.Var(name, dims, props)
        return self.vars[name]

    def broadcastable(self, n):
        """Only number literals and names declared scalar are broadcast over vectors and matrices; a
        quotient of number literals (1/2, -1/2, \\frac{1}{2}) is one number literal."""
        n = unwrap(n)
        if n.op == "num" or n.op == "prod" and unwrap(n.args[0]).op == "num" \
                and all(op == "/" and unwrap(x).op == "num" for op, x in n.args[1:]):
            return True
        if n.op == "juxt" and any(is_one(x) for x in n.args):
            return True                         # b 1 in y - X w - b 1: b times the ones vector
        if n.op == "call" and n.args[0] in ("mean", "var"):
            return True                         # x - mean(x): centring, as every source writes it
        if n.op == "name" and n.args[0] in self.definitions and n.args[0] not in self.decls:
            return self.broadcastable(self.definitions[n.args[0]])   # x - μ_B where μ_B = mean(x)
        return n.op == "name" and n.args[0] in self.decls and self.decls[n.args[0]].kind == "scalar"

    def elementwise(self, nodes, exprs, opname):
        target = next((e.shape for e in exprs if not e.is_scalar), None)
        if target is None:
            return exprs
        out = []
        for n, e in zip(nodes, exprs):
            if e.is_scalar:
                if not self.broadcastable(n):
                    raise ShapeError(f"'{opname}' of a scalar and a {S.fmt_shape(target)}: only number literals "
                                     "and names declared scalar are broadcast (write c * vector(1), or declare "
                                     "the name 'scalar')" + matrix_coefficient_hint(self, nodes), n.start, end=n.end)
                ones = E.Ones(target)
                one = unwrap(n)
                if one.op == "juxt" and any(is_one(x) for x in one.args):
                    self.ones_vector(next(x for x in one.args if is_one(x)), ones)
                e = E.product(e, ones)
            out.append(e)
        return out

    def build(self, n):
        return _BUILD[n.op](self, n, *n.args)

    def b_name(self, n, name):
        if self.is_const(n):
            raise ParseError("'const' stands for a constant term of a sum (… + const); declare it to use a variable "
                             "named const", n.start, end=n.end)
        if is_euler(n, self.decls, self.definitions) and self.kinds.get("e", ("scalar",))[0] == "scalar":
            # e is Euler's number unless declared, defined or used as a vector (D x + e: Cookbook (86))
            self.note("e is read as Euler's number, e = exp(1) (declare e to use a variable e)")
            return E.Apply("exp", E.Num(1))
        if name in ("π", "pi") and name not in self.decls and name not in self.definitions:
            self.note(f"{name} is read as the number π (declare {name} to use a variable {name})")
            return E.Const("π")
        return self.var(n)

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def euler_power(self, n, exp_node):
        """e^x, e^{-x^T x/2}, e.^x: exp, element-wise, of the exponent."""
        exponent = self.build(exp_node)     # e^X of a matrix: expm(X) if X can be square (ops/matrix_functions)
        if exponent.shape[0] != 1 != exponent.shape[1] and (m := BUILT["expm"][1](self, n, exponent, True)) is not None:
            return m
        self.note("e^… is read as exp(…), e being Euler's number (declare e to use a variable e)")
        return E.Apply("exp", exponent)

    def b_num(self, n, value):
        return E.Num(value)

    def b_paren(self, n, inner):
        return self.build(inner)

    def b_literal(self, n, rows):
        """[1, 2, 3] and [1; 2; 3] are column vectors; [1, 0; 0, 10] is a matrix."""
        if len(rows) == 1 and len(rows[0]) == 1:
            return E.Num(rows[0][0])
        if len(rows) == 1:
            rows = tuple((v,) for v in rows[0])
        return E.Literal(rows)

    def b_neg(self, n, inner):
        return E.negate(self.build(inner))

    def b_sum(self, n, first, *rest):
        if any(self.is_const(x) for _, x in rest):
            kept = [(op, x) for op, x in rest if not self.is_const(x)]
            self.note("'const' is read as a constant term (its value is not given; it does not change a derivative) "
                      "and left out")
            if not kept:
                return self.build(first)
            return self.b_sum(n, first, *kept)
        nodes = [first] + [x for _, x in rest]
        exprs = [self.build(x) for x in nodes]
        exprs = broadcast_vectors(self, nodes, self.elementwise(nodes, exprs, "+"))
        terms = [exprs[0]] + [e if op == "+" else E.negate(e) for (op, _), e in zip(rest, exprs[1:])]
        return added(self, n, nodes, exprs, terms)

    def b_elem(self, n, first, *rest):
        """x .* y ./ z ⊗ W: element-wise factors are collected and the product is built once."""
        acc_node, factors = first, [self.build(first)]

        def built():
            return factors[0] if len(factors) == 1 else self.at(n, E.Hadamard, *factors)
        for op, x in rest:
            rhs = self.build(x)
            if op == "⊗":
                factors = [self.at(n, E.Kron, built(), rhs)]
            else:
                if factors[0].is_scalar != rhs.is_scalar:
                    left, rhs = self.elementwise([acc_node, x], [built(), rhs], op)
                    factors = [left]
                else:
                    self.at(n, S.elementwise, op, [factors[0].shape, rhs.shape])
                if op in ("./", "⊘"):
                    rhs = self.power(x, rhs, E.Num(-1))
                if op in ("./", "⊘") and len(factors) == 1 and factors[0] == E.Ones(factors[0].shape):
                    factors = [rhs]  # 1 ./ x is x.^-1
                else:
                    if len(factors) == 1 and isinstance(factors[0], E.Hadamard):
                        factors = list(factors[0].factors)
                    factors.extend(rhs.factors if isinstance(rhs, E.Hadamard) else (rhs,))
            acc_node = n
        return built()

    def b_prod(self, n, first, *rest):
        first_e = self.build(first)
        factors, numerator = [first_e], [first]
        for op, x in rest:
            if op == "·" and factors[-1].is_vector and not factors[-1].is_scalar:
                e = self.build(x)
                if e.is_vector and not e.is_scalar:
                    # a · b between two vectors is the dot product aᵀb (Levy & Goldberg's c·w, MoCo's q·k)
                    self.note(f"'{self.text[n.start:x.end].strip()}' is the dot product (aᵀb) of two vectors")
                    factors[-1] = self.at(n, E.Transpose, factors[-1])
                factors.append(e)
                continue
            if op != "/":
                factors.append(self.build(x))
                numerator.append(x)
                continue
            split = coefficient_split(x)
            if split is not None and split[2] and not self.build(split[0]).is_scalar:
                split = split[0].args[0], list(x.args[1:]), False     # 1/2x of a vector: (1/2) x
            if const(first) is not None and len(factors) == 1 and isinstance(factors[0], E.Num) \
                    and leading_number(x) and not (split and split[2]):
                # 1/2 x^T A x: a quotient of two number literals is one coefficient
                lead, tail = leading_number(x)
                if lead == 0:
                    raise ParseError("division by zero", x.start, end=x.end)
                factors = [E.Num(factors[0].value / lead)] + [self.build(t) for t in tail]
                continue
            if split is not None:
                divisor, tail, glued = split
                divisor_e = self.build(divisor)
                tail_e = [self.build(t) for t in tail]
                if divisor_e.is_scalar:             # λ/2 ||w||^2 is (λ/2) ||w||^2 (conventions.py)
                    slash = self.text.rfind("/", first.start, x.start)
                    if tail and not glued and not is_coefficient(numerator):
                        raise ambiguous_quotient(self.text, first.start, slash, divisor, x.end)
                    factors = self.divide(n, first, factors, divisor, divisor_e) + tail_e
                    self.notes.append(coefficient_note(self.text, first.start, slash, divisor, x.end, glued))
                    continue
                factors = self.divide(n, first, factors, x, self.product(x, [divisor_e] + tail_e))
            else:
                factors = self.divide(n, first, factors, x, self.build(x))
        return self.product(n, factors)

    def divide(self, n, first, factors, x, den):
        """The factors of (product of `factors`) / den, den built from the node x."""
        num = self.product(n, factors)
        if isinstance(den, E.Num):
            if den.value == 0:
                raise ParseError("division by zero", x.start, end=x.end)
            return [num, E.Num(1 / den.value)]
        if den.is_scalar:
            return [num, self.power(x, den, E.Num(-1))]
        num_b, den_b = self.elementwise([first, x], [num, den], "/")
        self.at(n, S.elementwise, "/", [num_b.shape, den_b.shape])
        return [self.at(n, E.Hadamard, num_b, self.power(x, den_b, E.Num(-1)))]

    def product(self, n, factors):
        return self.at(n, E.product, *self.scalar_groups(factors))

    def scalar_groups(self, factors):
        """The factors, a 1×1 run of the chain made one scalar factor where the chain goes on past it:
        `x^T x x` is (xᵀx) x, a 1×1 product inside a chain is a scalar (README). A run is closed only
        where the next factor has more than one row, so a product that chains already is unchanged
        (a free dimension never unifies with 1)."""
        out, run, cols = [], [], None
        for f in factors:
            if f.is_scalar:
                out.append(f)
                continue
            if run and self.unify.resolve(cols) == 1 and self.unify.resolve(run[0].shape[0]) == 1 \
                    and self.unify.resolve(f.shape[0]) != 1 and len(run) > 1:
                out.append(E.product(*run))
                run = []
            run.append(f)
            cols = f.shape[1]
        return out + run

    def ones_vector(self, node, ones=None):
        """The literal 1 read as the ones vector, sized by unification; remembered for a note."""
        ones = ones if ones is not None else E.Ones((self.fresh(), 1))
        self.ones.append((node, ones))
        return ones

    def b_ones(self, n, size):
        """1_n, 𝟙: the ones vector, of length n when written."""
        if size is None:
            return E.Ones((self.fresh(), 1))
        if size == 1 or size == 0:
            raise ParseError("the ones vector 1_n needs a length greater than 1", n.start, end=n.end)
        return E.Ones((self.unify.symbol(size), 1))

    def b_juxt(self, n, *items):
        for a, b in zip(items, items[1:]):
            if a.op == "name" and a.args[0] in APPLICATIONS and a.args[0] in self.decls and b.op == "paren" \
                    and b.start == a.end:
                self.notes.append(f"{a.args[0]} is declared ({self.decls[a.args[0]].kind}), so "
                                  f"'{self.text[a.start:b.end]}' is a product, not the function "
                                  f"{APPLICATIONS[a.args[0]]}")
        built = [self.build(x) for x in items]
        for i, x in enumerate(items):
            # X 1, y^T 1, 1 b^T, 1 1^T: a 1 that a matrix or a row multiplies, or that multiplies a row, is
            # the ones vector (its length by unification); a scalar 1 there would be a shape error
            if is_one(x):
                left = built[i - 1] if i > 0 else None
                right = built[i + 1] if i + 1 < len(built) else None
                if left is not None and left.shape[1] != 1 or \
                        right is not None and right.shape[0] == 1 and right.shape[1] != 1:
                    built[i] = self.ones_vector(x)
        return self.product(n, built)

    def b_pow(self, n, base_node, exp_node):
        if is_euler(base_node, self.decls, self.definitions):
            return self.euler_power(n, exp_node)
        k = const(exp_node)
        if base_node.op == "name" and exp_node.op == "name" and k is None:
            indexed = self.indexed_name(n, base_node, exp_node)
            if indexed is not None:
                return indexed
        if base_node.op == "wnorm" and k == 2:
            return self.weighted_square(base_node, *base_node.args)      # ||v||_M^2 = vᵀ M v, no square root
        base = self.build(base_node)
        if base.is_scalar:
            return self.power(n, base, E.Num(k) if k is not None else self.scalar(exp_node))
        if base.shape[1] == 1:
            return self.vector_power(n, base, E.Num(k) if k is not None else self.scalar(exp_node))
        if k is None and base.shape[0] != 1:      # X^(1/2): the exponent a constant expression
            k = constant(exponent) if (exponent := self.build(exp_node)).is_scalar else None
        if k is None or k.denominator != 1 and base.shape[0] == 1:
            index = f"; if {self.text[exp_node.start:exp_node.end]} is an index (C^u the matrix of user u), " \
                f"declare the name: --let \"{self.text[n.start:n.end]}: n x n\"" \
                if exp_node.op == "name" and re.fullmatch(r"[a-z]", exp_node.args[0]) else ""
            raise ShapeError(f"a matrix power needs an integer exponent (or a number, the principal power of a square "
                             f"matrix); for an element-wise power of a {S.fmt_shape(base.shape)} write .^{index}",
                             n.start, end=n.end)
        # X^(1/2), X^(1/3): the principal power, noted (ops/matrix_functions.py)
        return self.matpow(n, base, int(k)) if k.denominator == 1 else BUILT["powm"][1](self, n, base, E.Num(k), True)

    def matpow(self, n, base, k):
        if base.shape[1] == 1 or base.shape[0] == 1:
            raise ShapeError(f"a power of a {S.fmt_shape(base.shape)} is undefined; for an element-wise power "
                             "write .^", n.start, end=n.end)
        self.at(n, S.square, "a matrix power", base.shape)
        if k < 0:
            base, k = self.inverse(n, base), -k
        if k == 0:
            return E.Identity(base.shape[0])
        return base if k == 1 else E.MatPow(base, k)

    def power(self, n, base, exponent):
        """base^exponent (element-wise); a negative power of a zero is a division by zero, as 1/0 is."""
        k = constant(exponent)
        if k is not None and k < 0 and constant(base) == 0:
            raise ParseError("division by zero", n.start, end=n.end)
        return E.Pow(base, exponent)

    def inverse(self, n, base):
        inv = self.at(n, E.Inverse, base)
        if constant(base) == 0:
            raise ParseError("division by zero: the inverse of a zero matrix", n.start, end=n.end)
        return inv

    def scalar(self, node):
        e = self.build(node)
        if not e.is_scalar:
            raise ShapeError(f"an exponent must be a scalar, got {S.fmt_shape(e.shape)}", node.start, end=node.end)
        return e

    def b_epow(self, n, base_node, exp_node):
        if is_euler(base_node, self.decls, self.definitions):
            return self.euler_power(n, exp_node)
        base = self.build(base_node)
        return self.power(n, base, self.scalar(exp_node))

    def b_post(self, n, base_node, op):
        if op == "T" and is_one(base_node):      # 1^T x: the ones vector, transposed (never the number 1)
            return E.Transpose(self.ones_vector(base_node))
        base = self.build(base_node)
        if op == "T":
            if isinstance(base, E.Zero):        # zeros(n)^T, the zero row as it prints, is the zero row
                return E.Zero((base.shape[1], base.shape[0]))
            return E.Transpose(base)
        if op in ("-1", "-T"):
            if base.is_scalar:
                return self.power(n, base, E.Num(-1))
            inv = self.inverse(n, base)
            return E.Transpose(inv) if op == "-T" else inv
        if base.is_scalar:
            return self.power(n, base, E.Num(op))
        if base.shape[1] == 1:
            return self.vector_power(n, base, E.Num(op))
        return self.matpow(n, base, op)

    def vector_power(self, n, base, exponent):
        """x^2, (X w - y)^2, σ²: a power of a (column) vector is element-wise, as in the sources that write
        it; noted, with the squared norm's spelling for the other reading."""
        text = self.text[n.start:n.end]
        dotted = text[::-1].replace("^", "^.", 1)[::-1] if "^" in text else f"{text} element-wise"
        self.note(f"'{text}' is a power of a vector, read element-wise ({dotted}); for the squared norm "
                  f"write ||…||^2 or x^T x")
        return self.power(n, base, exponent)

    def b_call(self, n, name, arg_nodes):
        self.prefix_power_note(n, name, arg_nodes)
        user = user_function(self.decls, name)
        if user is not None:                # a declaration wins over a built-in reading
            return self.user_call(n, name, arg_nodes, *user)
        return build_call(self, n, name, arg_nodes)

_BUILD = {"name": Builder.b_name, "num": Builder.b_num, "paren": Builder.b_paren, "literal": Builder.b_literal,
          "neg": Builder.b_neg, "sum": Builder.b_sum, "elem": Builder.b_elem, "prod": Builder.b_prod,
          "juxt": Builder.b_juxt, "pow": Builder.b_pow, "epow": Builder.b_epow, "post": Builder.b_post,
          "norm": Builder.b_norm, "wnorm": Builder.b_wnorm, "inner": Builder.b_inner, "call": Builder.b_call, "ones": Builder.b_ones}
