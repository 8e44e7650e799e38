"""The simplifier's engine: sympy's `exhaust(bottom_up(switch(type, RULES)))`, inlined, with a memo, a
re-entrancy guard and a work budget, plus the helpers the rule modules share.

The rules are rows of `rules.RULES` (a tables.Table) that the modules beside this one register; this
module reads the table and imports none of them, so the package has no import cycle. The work
counter and the set of nodes being simplified are per call (context variables): concurrent
derivations in threads neither share a budget nor see each other's nodes. The memo is shared (nodes
are immutable and hash-consed, so a memo hit is right for every caller); simplify_traced swaps
tables and memo for its duration and is not meant to run concurrently with other calls.
"""
from contextvars import ContextVar
from operator import is_not
from typing import NamedTuple

from .. import expr as E
from ..tables import Rule
from .rules import NOTES, RULES, named

_memo = {}
_active_nodes = ContextVar("simplify_active", default=None)   # the nodes being simplified in this call
MAX_WORK = 500_000   # rewrites per derivation: past this a derivation is refused, never a hang
_work = ContextVar("simplify_work", default=None)   # [rewrites so far] of the current call, or None


class budget:
    """Count the simplifier's rewrites during one derivation; raise LimitError past MAX_WORK.
    Each call (each thread, each context) counts its own work."""

    def __enter__(self):
        self.token = _work.set([0])
        return self

    def __exit__(self, *exc):
        _work.reset(self.token)
        return False


ZERO_PRESERVING = (E.Transpose, E.Trace, E.Sum, E.DiagVec, E.DiagMat, E.Vec, E.Kron, E.Hadamard)


def _zero(e):
    return E.ZERO if e.is_scalar else E.Zero(e.shape)


MAX_MEMO = 200_000
_linear = ZERO_PRESERVING   # what the loop below tests for a zero argument; () while a trace runs (see there)


def simplify(e):
    hit = _memo.get(e)
    if hit is not None:
        return hit
    _active = _active_nodes.get()
    if _active is None:       # the outermost call of this context: its own set of nodes in progress
        token = _active_nodes.set(set())
        try:
            return simplify(e)
        finally:
            _active_nodes.reset(token)
    if len(_memo) > MAX_MEMO and not _active:   # bounded: a long session does not keep every node alive
        _memo.clear()
    if e in _active:          # a rule asked for the node being simplified: leave it as is
        return e
    _spend(1)
    _active.add(e)
    try:
        out = e
        for _ in range(50):
            kids = out.children
            if kids:
                # a memo hit without a call (nodes are never false); most children were simplified before
                new = [_memo.get(c) or simplify(c) for c in kids]
                if any(map(is_not, new, kids)):
                    out = out.rebuild(new)
            if isinstance(out, _linear) and any(isinstance(c, E.Zero) or c is E.ZERO for c in out.children):
                nxt = _zero(out)                            # linear in a zero argument
            else:
                row = _ROWS.get(type(out))
                nxt = row.fn(out) if row is not None else out
            if nxt is out:
                break
            _spend(len(nxt.children))   # a rewrite costs its width: flattening a long chain is work too
            out = nxt
    finally:
        _active.discard(e)
    _memo[e] = out
    _memo[out] = out
    return out


def _spend(n):
    work = _work.get()
    if work is None:          # simplify called outside any derivation (tests, the REPL): nothing to count
        return
    work[0] += n
    if work[0] > MAX_WORK:
        from ..errors import LimitError
        raise LimitError(f"the derivation needs more than {MAX_WORK:,} rewrites; the expression is too large "
                         "or too deeply composed to derive in closed form")


# ---- tracing: which named identity made each rewrite ------------------------------------------
class Rewrite(NamedTuple):
    identity: str        # the name of the identity (names joined by " + " when one normal-form pass used several)
    before: E.Expr
    after: E.Expr
    aside: bool = False  # made while a rule looked at a side expression (the transpose it compares with),
                         # not on the way from the input to the result


_trace = None            # while simplify_traced runs: the list of Rewrite records
_in_rule = [0]           # how many rule calls the current rewrite runs inside


def simplify_traced(e):
    """simplify(e) and the rewrites that produced it, innermost first: (result, [Rewrite, ...]).

    Runs with an empty memo (a memo hit would hide its rewrites) and leaves the memo as it was.
    The loop above is not touched (tracing costs it nothing): for the duration, its table rows are
    replaced by ones that run the same rule and note what fired, and its zero test moves into them.
    The result is the one simplify(e) gives."""
    global _trace, _ROWS, _linear
    saved, outer = dict(_memo), (_trace, _ROWS, _linear)
    _memo.clear()
    _trace = []
    _ROWS, _linear = {node: Rule(_traced(node, RULES.rows.get(node))) for node in {*RULES.rows, *ZERO_PRESERVING}}, ()
    try:
        out = simplify(e)
        return out, _trace
    finally:
        _trace, _ROWS, _linear = outer
        _memo.clear()
        _memo.update(saved)


def _traced(node, row):
    """The rule for `node` (row, or None) as the loop applies it, noting the identities that fired."""
    def traced(out):
        if node in ZERO_PRESERVING and any(isinstance(c, E.Zero) or c is E.ZERO for c in out.children):
            nxt, names = _zero(out), [LINEAR_IN_ZERO]
        elif row is None:
            return out
        else:
            saved, NOTES[0] = NOTES[0], []
            _in_rule[0] += 1
            try:
                nxt = row.fn(out)
                names = NOTES[0]
            finally:
                NOTES[0] = saved
                _in_rule[0] -= 1
        if nxt is not out:
            _trace.append(Rewrite(" + ".join(dict.fromkeys(names)) or f"{node.__name__.lower()}_normal_form",
                                  out, nxt, _in_rule[0] > 0))
        return nxt
    return traced


# ---- helpers the rules share ----------------------------------------------------------------
def transpose(e):
    return simplify(E.Transpose(e))


split = E.coefficient   # e = c * rest with c rational: (c, rest), called once per term of every sum and product


def scalar_value(e):
    return e.value if isinstance(e, E.Num) else None


def pow_parts(f):
    """f = base ^ exponent, with a rational exponent when there is one."""
    if isinstance(f, E.Pow) and isinstance(f.exponent, E.Num):
        return f.base, f.exponent.value
    return f, E.Q_ONE


def make_pow(base, k):
    if k == 0:
        return E.ONE if base.is_scalar else E.Ones(base.shape)
    return base if k == 1 else E.Pow(base, E.Num(k))


def chain_product(chain, scalars=(), coef=E.Q_ONE):
    items = ([E.Num(coef)] if coef != 1 or not (scalars or chain) else []) + list(scalars) + list(chain)
    return items[0] if len(items) == 1 else E.Mul(*items)



_ROWS = RULES.rows    # the table's own dict: a plain dict lookup per rewrite, as fast as the old RULES dict

LINEAR_IN_ZERO = named(E.Expr, "linear_in_zero", "f(0) = 0 for f linear: transpose, tr, sum, diag, vec, ⊗, ⊙",
                       kind="engine")
