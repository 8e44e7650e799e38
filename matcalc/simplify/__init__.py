"""The one simplifier: small rewrites per node type, applied bottom-up to a fixpoint.

Canonical form: transposes pushed to the leaves, (X⁻¹)ᵀ kept as X⁻ᵀ, products with one rational
coefficient and sorted scalar factors, sums with like terms collected and common left/right
factors pulled out, identities and zeros removed, declared properties used. Results are memoized
per node (nodes are hash-consed, so the memo is a dict on identity).

engine.py is the engine (sympy's `exhaust(bottom_up(switch(type, RULES)))`, inlined, with a memo
and a work budget); the identities are named rows in the modules next to it, grouped by node
family (products, sums, elementwise, reductions, unary), listed by `rules.IDENTITIES`.
`simplify_traced` says which identity made each rewrite.
"""
from . import elementwise, products, reductions, sums, unary  # noqa: F401  (importing them fills rules.RULES)
from .engine import (ZERO_PRESERVING, Rewrite, _memo, budget, chain_product, make_pow,  # noqa: F401
                     pow_parts, scalar_value, simplify, simplify_traced, split, transpose)
from .properties import is_diagonal, is_symmetric  # noqa: F401
from .reductions import _canonical_rotation  # noqa: F401
from .rules import IDENTITIES  # noqa: F401
