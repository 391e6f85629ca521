"""Fixtures every test folder shares: Debian's Chromium driven by Playwright (the step page's
tests in ``tests/viz`` and the site's in ``tests/docs_site``)."""

from __future__ import annotations

import os
import shutil

import pytest


def _missing(why: str) -> None:
    if os.environ.get("CI") or os.environ.get("BACKPROP_REQUIRE_BROWSER"):
        pytest.fail(f"{why} (required in CI)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium driven by Playwright, one per test module. Skips where chromium or
    playwright is missing, fails instead where ``CI`` or ``BACKPROP_REQUIRE_BROWSER`` is set."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("no chromium on PATH: apt-get install chromium (Debian) to run this test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install playwright")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()
    finally:
        pw.stop()
