"""Properties over random well-typed expressions: gradients match finite differences, simplification
preserves value and is idempotent."""
import numpy as np
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import matcalc
from matcalc.check import dim_symbols, sample_sizes, sample_value
from matcalc.numeric import evaluate
from matcalc.simplify import simplify
from strategies import scalars, squares, variables_of, vectors

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scalars(), st.data())
def test_every_gradient_passes_the_check(f, data):
    names = variables_of(f)
    assume(names)
    wrt = data.draw(st.sampled_from(names))
    result = matcalc.grad(f, wrt, check=False)
    report = result.check(seed=data.draw(st.integers(0, 10**6)))
    assert report.status != "failed", f"d/d{wrt} {f} = {result}: {report}"


@SETTINGS
@given(st.one_of(scalars(), vectors(), squares()), st.integers(0, 10**6))
def test_simplify_preserves_value_and_is_idempotent(e, seed):
    s = simplify(e)
    assert simplify(s) is s
    rng = np.random.default_rng(seed)
    sizes = sample_sizes(dim_symbols([e]), rng)
    env = {v: sample_value(v, sizes, rng, "plain") for v in e.free}
    before, after = evaluate(e, env, sizes), evaluate(s, env, sizes)
    assume(np.all(np.isfinite(before)))
    assert np.allclose(before, after, rtol=1e-8, atol=1e-8 * (1 + np.max(np.abs(before)))), f"{e} → {s}"
