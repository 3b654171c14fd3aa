"""Shared pytest configuration for symmle's tests.

Hypothesis profiles, registered here so that every test module sees the same one (a profile
loaded by one module would reach only the modules collected after it):

- ``dev`` (the default): 25 random cases per property, new ones on every run, to find what no
  one thought of;
- ``ci`` (the default under ``CI=true``): the same number of cases, but derandomised, so that a CI
  run is reproducible and a red one points at a change, not at a draw;
- ``long`` (``HYPOTHESIS_PROFILE=long``): thousands of cases, run on demand.
"""
from __future__ import annotations

import os

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the test extra is not installed: the property tests say so themselves
    settings = None

if settings is not None:
    _COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    settings.register_profile("dev", max_examples=25, **_COMMON)
    settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
    settings.register_profile("long", max_examples=2000, **_COMMON)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                          or ("ci" if os.environ.get("CI") == "true" else "dev"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: Monte Carlo and numeric-fit checks (deselect with -m 'not slow')")
