"""Shared fixtures: the repository root, and a real headless Chromium through Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The flags every page test starts Chromium with: the package's own (one home).
from geoconflict.build.png import CHROMIUM_ARGS  # noqa: E402


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The npm packages the test command installed (``npm ci``)."""
    path = ROOT / "node_modules"
    if not (path / "leaflet" / "dist" / "leaflet.js").exists():
        pytest.fail("node_modules/leaflet is missing: run the README test command (npm ci)")
    return path


@pytest.fixture
def browser(_chromium: Any, request: pytest.FixtureRequest) -> Any:
    """Debian's chromium, headless, driven by Playwright for Python (one per session).

    Only for tests marked ``browser``, so that none slips into the fast tier
    (``-m "not slow and not browser"``) unmarked.
    """
    if request.node.get_closest_marker("browser") is None:
        pytest.fail(f"{request.node.nodeid} uses Chromium: mark it @pytest.mark.browser")
    return _chromium


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium")
    if exe is None:
        pytest.fail("Debian's chromium is not installed: run the README test command")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
