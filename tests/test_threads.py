"""Concurrent calls (issue 14): each call has its own work budget and its own set of nodes in progress,
so threads get the answers a sequential run gets, and a light call never inherits a heavy one's count."""
from concurrent.futures import ThreadPoolExecutor

import pytest

import matcalc
from matcalc.simplify import engine

CASES = [("||A x - b||^2", "x"), ("log det X", "X"), ("x^T A x", "x"), ("sum(log(1 + exp(-y .* (X w))))", "w"),
         ("tr(A X B X^T)", "X"), ("logsumexp(A x)", "x"), ("||tanh(W x + b) - y||^2", "W"),
         ("(x - mu)^T S^-1 (x - mu)", "mu")]


def derive(case):
    text, wrt = case
    r = matcalc.grad(text, wrt, check=False)
    return str(r), r.pretty()


def test_eight_threads_give_the_sequential_answers():
    expected = [derive(c) for c in CASES]
    engine._memo.clear()       # every thread derives from scratch, concurrently
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            assert list(pool.map(derive, CASES * 4)) == expected * 4


def test_the_work_budget_is_per_call(monkeypatch):
    """A call refused for its own size is refused whatever other threads do, and light calls running
    beside it are never charged for its work."""
    # the heavy call needs ~440 rewrites (2,186 before is_symmetric stopped at non-square nodes), the light 30
    monkeypatch.setattr(engine, "MAX_WORK", 300)
    heavy = "tr(" + " ".join(f"A{i} X" for i in range(1, 40)) + ")"

    def light(_):
        return str(matcalc.grad("x^T A x", "x", check=False))

    engine._memo.clear()       # (the memo is shared: work one call did is free for the next)
    with ThreadPoolExecutor(8) as pool:
        refused = pool.submit(matcalc.grad, heavy, "X", check=False)
        assert set(pool.map(light, range(64))) == {"(A + A^T) x"}
        with pytest.raises(matcalc.LimitError):
            refused.result()


def test_two_threads_count_their_own_work():
    """Interleaved exactly: each thread's count holds only its own rewrites (with one global counter,
    a call that began later reset it and every call's count was the other's too)."""
    import threading
    barrier, counts = threading.Barrier(2), {}

    def run(name, n):
        with engine.budget():
            barrier.wait()
            engine._spend(n)
            barrier.wait()
            counts[name] = engine._work.get()[0]
            barrier.wait()
    threads = [threading.Thread(target=run, args=(name, n)) for name, n in (("light", 10), ("heavy", 1000))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == {"light": 10, "heavy": 1000}
