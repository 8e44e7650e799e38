"""Test-wide settings: Hypothesis profiles and a fresh simplifier memo for every test.

Hypothesis profiles (HYPOTHESIS_PROFILE=name picks one explicitly):
- `ci` (the default, and what CI runs): derandomized, so every run draws the same examples, takes
  the same time, and a failure reproduces; no example database (a failure found on one machine is
  not replayed on another).
- `fuzz`: random examples with the database, for long runs looking for new bugs. Chosen
  automatically when MATCALC_FUZZ_EXAMPLES is set, e.g.
  `MATCALC_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py --hypothesis-show-statistics`.
The number of examples per property is set by each module from MATCALC_FUZZ_EXAMPLES (default 200).
"""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", derandomize=False, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("fuzz" if os.environ.get("MATCALC_FUZZ_EXAMPLES") else "ci"))


@pytest.fixture(autouse=True)
def fresh_simplifier_memo():
    """The simplifier memoizes per node in a module-level dict; clear it around every test so that no
    test's outcome depends on what an earlier test simplified (or on a rule another test patched)."""
    from matcalc import simplify
    memo = getattr(simplify, "_memo", None)
    if not isinstance(memo, dict):
        pytest.fail("matcalc.simplify._memo moved: update tests/conftest.py to clear the simplifier's memo",
                    pytrace=False)
    memo.clear()
    yield
    memo.clear()
