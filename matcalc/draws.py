"""The random numbers of the numerical check: a seeded generator with the four draws it uses.

Why not `np.random.default_rng`: importing `numpy.random` costs ~8.5 ms, a tenth of a checked
`matcalc grad` from the command line, where `import numpy` itself is ~45 ms (benchmarks/startup.py;
issue 19 asks the checked command for ≤ 1.5× `python -c "import numpy"`). The standard library's
Mersenne Twister (`random`, 0.6 ms to import) gives the bits; NumPy turns them into floats in bulk,
so a draw of a million numbers costs what NumPy's own generator would, not a Python loop.

Uniforms are (k + ½)·2⁻⁵³ for k the top 53 bits of a 64-bit word: in (0, 1), never 0 or 1, as the
logarithm of Box–Muller needs. Normals are Box–Muller pairs: √(−2 ln u₁)·(cos 2πu₂, sin 2πu₂) are
two independent standard normals (Box & Muller, Ann. Math. Statist. 29 (1958) 610–611).
"""
import random

import numpy as np

_ULP = 2.0 ** -53


class Draws:
    """A seeded source of the check's random values; the same seed gives the same values."""

    def __init__(self, seed=0):
        self._bits = random.Random(seed)

    def _unit(self, count):
        """`count` uniforms in (0, 1)."""
        words = np.frombuffer(self._bits.randbytes(8 * count), dtype=np.uint64) >> np.uint64(11)
        return (words + 0.5) * _ULP

    def uniform(self, low=0.0, high=1.0, size=None):
        u = self._unit(int(np.prod(size)) if size is not None else 1)
        out = low + (high - low) * u
        return float(out[0]) if size is None else out.reshape(size)

    def standard_normal(self, size=None):
        count = int(np.prod(size)) if size is not None else 1
        half = (count + 1) // 2
        u = self._unit(2 * half)
        radius = np.sqrt(-2.0 * np.log(u[:half]))
        angle = 2.0 * np.pi * u[half:]
        out = np.concatenate((radius * np.cos(angle), radius * np.sin(angle)))[:count]
        return float(out[0]) if size is None else out.reshape(size)

    def integers(self, low, high, size=None):
        """Integers in [low, high), like NumPy's `integers`."""
        if size is None:
            return self._bits.randrange(low, high)
        return np.array([self._bits.randrange(low, high) for _ in range(int(np.prod(size)))],
                        dtype=np.int64).reshape(size)

    def shuffle(self, items):
        self._bits.shuffle(items)
