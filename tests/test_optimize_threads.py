"""solve runs small problems on one OpenBLAS thread (optimize/threads.py), restores the count after,
and leaves the threads alone when the user chose them or the problem is large."""
import numpy as np
import pytest

from matcalc.optimize import solve, solver, threads

pytest.importorskip("scipy.optimize")

RNG = np.random.default_rng(5)
DATA = {"A": RNG.normal(size=(10, 4)), "b": RNG.normal(size=10)}


@pytest.fixture
def two_threads(monkeypatch):
    import scipy.optimize  # noqa: F401  (loads SciPy's OpenBLAS as solve does)
    libs = threads.openblas()
    if not libs:
        pytest.skip("no OpenBLAS in this process")
    for name in threads.CHOSEN:
        monkeypatch.delenv(name, raising=False)
    before = [get() for get, _ in libs]
    for _, set_ in libs:
        set_(2)
    seen = []
    real = solver.run
    monkeypatch.setattr(solver, "run", lambda *a, **k: seen.append([get() for get, _ in libs]) or real(*a, **k))
    yield libs, seen
    for (_, set_), k in zip(libs, before):
        set_(k)


def test_a_small_problem_runs_on_one_thread_and_the_count_comes_back(two_threads):
    libs, seen = two_threads
    solve("min ||A x - b||^2 st x >= 0", DATA)
    assert seen == [[1] * len(libs)]
    assert [get() for get, _ in libs] == [2] * len(libs)


def test_threads_the_user_chose_are_left_alone(two_threads, monkeypatch):
    libs, seen = two_threads
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    solve("min ||A x - b||^2 st x >= 0", DATA)
    assert seen == [[2] * len(libs)]


def test_a_large_problem_keeps_the_threads(two_threads, monkeypatch):
    libs, seen = two_threads
    monkeypatch.setattr(threads, "SMALL", 4)        # 4 packed variables: "large"
    solve("min ||A x - b||^2 st x >= 0", DATA)
    assert seen == [[2] * len(libs)]


def test_the_count_comes_back_when_the_solve_fails(two_threads, monkeypatch):
    libs, seen = two_threads

    def fails(*args, **kwargs):
        seen.append([get() for get, _ in libs])
        raise RuntimeError("the run failed")
    monkeypatch.setattr(solver, "run", fails)
    with pytest.raises(RuntimeError):
        solve("min ||A x - b||^2 st x >= 0", DATA)
    assert seen == [[1] * len(libs)]
    assert [get() for get, _ in libs] == [2] * len(libs)
