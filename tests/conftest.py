"""Shared fixtures: the repository root, a real headless Chromium through Playwright, and
the five shipped map pages (built once per run) with an opener for them; and what the
collection built, frozen for the garbage collector."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The flags every page test starts Chromium with: the package's own (one home).
from geoconflict.build.png import CHROMIUM_ARGS  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    """No Hypothesis test has a deadline (one profile for the whole suite): a deadline
    is a timed assertion, which fails under load, and speed lives in ``benchmarks/``."""
    from hypothesis import settings

    settings.register_profile("geoconflict", deadline=None)
    settings.load_profile("geoconflict")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep what collection built (the modules, their tests and parametrisations, kept to
    the end anyway) out of the garbage collector's full passes, which walked all of it
    again and again: several CPU-seconds per xdist worker. The run's own objects are
    collected as before."""
    gc.collect()
    gc.freeze()


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


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> dict[str, Any]:
    """The five shipped pages (``shipped_pages.SPECS``), built once per run (per xdist
    worker) and only read by the tests: each test opens its own browser page on them."""
    from shipped_pages import build_all

    return build_all(tmp_path_factory.mktemp("shipped"), node_modules)


@pytest.fixture
def opened(browser: Any) -> Iterator[Any]:
    """``opened(shipped_page, size)``: a fresh browser context per call (nothing a test
    does to a page, such as a filter, a zoom or the slider, reaches another test)."""
    from shipped_pages import page_opener

    with page_opener(browser) as opener:
        yield opener
