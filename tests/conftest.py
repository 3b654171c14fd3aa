"""Shared pytest configuration for symmle's tests."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: Monte Carlo and numeric-fit checks (deselect with -m 'not slow')")
