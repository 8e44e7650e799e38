"""matcalc/draws.py: the check's random values are reproducible, in range and distributed as named."""
import numpy as np
import pytest

from matcalc.draws import Draws


def test_the_same_seed_gives_the_same_values_and_another_seed_others():
    a, b, c = Draws(3), Draws(3), Draws(4)
    assert np.array_equal(a.standard_normal((4, 5)), b.standard_normal((4, 5)))
    assert a.uniform(0.5, 2.0, 7).tolist() == b.uniform(0.5, 2.0, 7).tolist()
    assert not np.array_equal(Draws(3).standard_normal(9), c.standard_normal(9))


@pytest.mark.parametrize("size", [None, 1, 7, (3, 4), (2, 1)])
def test_shapes_follow_numpy(size):
    rng = np.random.default_rng(0)
    for name, args in (("standard_normal", ()), ("uniform", (0.5, 2.0))):
        ours, numpy = getattr(Draws(0), name)(*args, size=size), getattr(rng, name)(*args, size=size)
        assert np.shape(ours) == np.shape(numpy)
        assert isinstance(ours, float) == isinstance(numpy, float)
    assert np.shape(Draws(0).integers(2, 7, size)) == np.shape(rng.integers(2, 7, size))


def test_normals_have_mean_0_variance_1_and_gaussian_tails():
    z = Draws(1).standard_normal(200_001)          # odd: the unpaired last normal is kept
    assert z.shape == (200_001,)
    assert abs(z.mean()) < 0.01 and abs(z.var() - 1) < 0.01
    assert abs(np.mean(np.abs(z) > 1.96) - 0.05) < 0.003           # two-sided 5 % tail
    assert abs(np.corrcoef(z[:-2:2], z[1:-1:2])[0, 1]) < 0.01      # the pairs are independent


def test_uniforms_stay_inside_the_open_interval_and_fill_it():
    u = Draws(2).uniform(0.5, 2.0, 100_000)
    assert u.min() > 0.5 and u.max() < 2.0
    counts, _ = np.histogram(u, bins=10, range=(0.5, 2.0))
    assert counts.min() > 9_500 and counts.max() < 10_500


def test_integers_cover_the_half_open_range_and_shuffle_permutes():
    k = Draws(5).integers(2, 7, 5000)
    assert set(k.tolist()) == {2, 3, 4, 5, 6}
    items = list(range(20))
    Draws(5).shuffle(items)
    assert sorted(items) == list(range(20)) and items != list(range(20))
