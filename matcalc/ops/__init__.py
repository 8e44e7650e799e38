"""Extension operations: one file per operation, each registering its node type into the tables.

An operation file holds (JAX's lax.py paragraph style):
- the node class, with its shape rule (`shape_of`);
- its rows in the core tables: `diff.DIFF` (the differential, with its identity), `adjoint.ADJOINT`
  and `vectorize.VEC` (a refusal when the differential cannot pass through the node linearly),
  `numeric.EVAL` (the NumPy value);
- hooks for the tables that do not exist yet (text, LaTeX, code, SymPy): a dict named
  `PRINTER_HOOKS` that the lead wires into those tables once they exist. Until then, the printers,
  codegen and the SymPy bridge find the node by its class name (`l_softmax`, `e_softmax`, `c_Softmax`).

Node types defined here are importable from `matcalc.expr` as before (`E.Softmax`): expr loads this
package on the first access to a name it does not define, so every row is registered before a node
of the type can exist.
"""
from . import logsumexp, softmax, softmax_rows  # noqa: F401

OPERATIONS = (softmax, logsumexp, softmax_rows)
