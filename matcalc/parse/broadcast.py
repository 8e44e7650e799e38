"""Implicit broadcasts of a vector over a matrix in a sum (issue 20), each stated in a note:

    X W + b^T        the row bᵀ goes with every row: read as X W + 1 bᵀ
    X - mean_rows(X) the column goes with every column: read as X − mean_rows(X) 1ᵀ

Written with the ones vector (`X W + 1 b^T`) a broadcast needs no note. A column is broadcast only
when its length is already the matrix's row count (X − mean_rows(X), or declared so): an undeclared
column beside a matrix is more often a mistake (xᵀ ⊗ A + x) than a broadcast, and stays refused.
"""
import re

from .. import expr as E
from ..errors import ShapeError
from .dims import Cell


def same_dim(unify, a, b):
    ra, rb = unify.resolve(a), unify.resolve(b)
    return ra is rb or not isinstance(ra, Cell) and ra == rb


def broadcast_vector(builder, n, e, matrix):
    """e (the operand at syntax node n of a sum with a matrix of shape `matrix`) spread over that matrix,
    with a note; e itself when it is no vector (the sum's own shape check then decides)."""
    if e.shape[0] != 1 and e.shape[1] != 1 \
            or e.shape[1] == 1 and not same_dim(builder.unify, e.shape[0], matrix[0]):
        return e
    shown = builder.text[n.start:n.end].strip() if n.start is not None else str(e)
    shown = shown if len(shown.split()) == 1 else f"({shown})"
    if e.shape[0] == 1:
        builder.note(f"broadcast: the row {shown} goes with every row of the matrix, read as 1 {shown} "
                     "(1 the ones column; write it so to need no note)")
        return E.product(E.Ones((matrix[0], 1)), e)
    builder.note(f"broadcast: the column {shown} goes with every column of the matrix, read as {shown} 1^T "
                 "(1 the ones column; write it so to need no note)")
    return E.product(e, E.Ones((1, matrix[1])))


def broadcast_vectors(builder, nodes, exprs):
    """The operands of a sum (syntax nodes, expressions) with each vector beside a matrix broadcast."""
    matrix = next((e.shape for e in exprs if 1 not in e.shape), None)
    if matrix is None:
        return exprs
    return [broadcast_vector(builder, n, e, matrix) if e.shape != matrix else e for n, e in zip(nodes, exprs)]


def column_hint(builder, err, nodes, exprs):
    """A sum of a matrix and an undeclared column fails; the error says how to write either broadcast a
    newcomer may have meant (X W + b: the row bᵀ over the rows, as NumPy's X @ W + b does, or b over the
    columns), since matcalc will not guess which."""
    matrix = next((e.shape for e in exprs if 1 not in e.shape), None)
    column = next((n for n, e in zip(nodes, exprs) if e.shape[1] == 1 and e.shape[0] != 1), None)
    if matrix is None or column is None or not err.message.startswith("'+' needs operands of the same shape"):
        return err
    shown = builder.text[column.start:column.end].strip() if column.start is not None else None
    if not shown:
        return err
    shown = shown if re.fullmatch(r"\w+(\(.*\))?", shown) else f"({shown})"     # x, vec(A); (1/x), (W x)
    err.message += (f"; to add the row {shown}^T to every row of the matrix write {shown}^T or 1 {shown}^T (NumPy's "
                    f"broadcast), to add {shown} to every column {shown} 1^T")
    err.args = (err.message,) + tuple(err.args[1:])
    return err


def added(builder, n, nodes, exprs, terms):
    """The sum of `terms` at syntax node n; when a matrix and a column cannot be added, the error says how
    to write the broadcast (column_hint)."""
    try:
        return builder.at(n, E.Add, *terms)
    except ShapeError as err:
        raise column_hint(builder, err, nodes, exprs)


def matrix_coefficient_hint(builder, nodes):
    """A hint when a term is a matrix only because an undeclared upper-case coefficient is read as one
    (the SVM's C sum(ξ)): say so, with the declaration."""
    from .kinds import is_matrix_name
    from .values import unwrap
    for n in nodes:
        n = unwrap(n)
        first = unwrap(n.args[0]) if n.op == "juxt" else None
        if first is not None and first.op == "name" and is_matrix_name(first.args[0]) and \
                first.args[0] not in builder.decls and first.args[0] not in builder.definitions:
            name = first.args[0]
            return f"; {name} is read as a matrix (an upper-case name): if it is a number, declare it ('{name}: scalar')"
    return ""
