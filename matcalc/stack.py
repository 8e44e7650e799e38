"""Deep expressions on a deep stack.

Simplifying, deriving and printing recurse over the tree, so an expression nested a few hundred
levels deep (a Horner-factored differential, a long network) runs past Python's default
recursion limit of 1000. Such calls are retried once on a thread with a large stack and a high
recursion limit: the common, shallow case pays nothing, and the deep case is a result, not a
crash. What is too deep even there is reported by the caller as a LimitError.

The recursion limit is process-wide while the deep call runs: another thread recursing at the
same time gets the higher limit on its ordinary stack.
"""
import contextvars
import functools
import sys
import threading

# Address space only: a thread's stack pages are committed as they are touched. Smaller sizes are
# tried where a platform refuses a large one; the recursion limit keeps ~16 kB of stack per level.
STACK_SIZES = (1 << 30, 1 << 28, 1 << 26)
BYTES_PER_LEVEL = 16_384
DEEP_RECURSION_LIMIT = STACK_SIZES[0] // BYTES_PER_LEVEL

_state = threading.local()


def deep(fn):
    """fn, retried on a deep stack when it raises RecursionError."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return call(fn, *args, **kwargs)
    return wrapper


def call(fn, *args, **kwargs):
    """fn(*args, **kwargs), retried on a deep stack when it raises RecursionError."""
    try:
        return fn(*args, **kwargs)
    except RecursionError:
        if getattr(_state, "deep", False):
            raise                     # already on the deep stack: give up
    return call_deep(fn, *args, **kwargs)


def call_deep(fn, *args, **kwargs):
    """fn(*args, **kwargs) on a thread with a large stack and a high recursion limit."""
    out = {}
    context = contextvars.copy_context()      # the caller's context variables (parse's unifier) go along

    def run():
        _state.deep = True
        try:
            out["value"] = context.run(fn, *args, **kwargs)
        except BaseException as err:          # handed to the caller's thread as it is
            out["error"] = err

    old_limit = sys.getrecursionlimit()
    for size in STACK_SIZES:
        try:
            old_size = threading.stack_size(size)
            break
        except (ValueError, RuntimeError):
            continue
    else:                                     # a platform without a settable stack size
        raise RecursionError("maximum recursion depth exceeded")
    try:
        sys.setrecursionlimit(max(old_limit, size // BYTES_PER_LEVEL))
        worker = threading.Thread(target=run, name="matcalc-deep", daemon=True)
        worker.start()
    finally:
        threading.stack_size(old_size)
    try:
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in out:
        raise out["error"]
    return out["value"]
