"""Outside programs the tests need (pdflatex, pgfplots, Node with KaTeX).

On a developer's machine a test skips, with the reason, where the program is missing; with
``CI=true`` it fails instead, because ``.ci/run`` installs every one of them.
"""
from __future__ import annotations

import os

import pytest


def require(found: bool, what: str) -> None:
    """Go on when ``found``; otherwise skip (fail under ``CI=true``) naming ``what`` is missing."""
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing although CI=true (.ci/run installs it)")
    pytest.skip(f"{what} is not installed (.ci/run installs it; CI=true makes this a failure)")
