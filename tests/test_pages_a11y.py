"""The shipped pages are accessible (issue 12, item 6): no serious or critical axe-core
(WCAG 2 A/AA) violation, with the legend open and with the table of events open; the
slider and the controls work from the keyboard with a visible focus; the date and the
counts are announced in a live region. axe-core comes from npm (``node_modules``) and is
injected into the page by the test; nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shipped_pages import DESKTOP, PHONE, SPECS, Shipped, reader_date

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_AXE = (
    "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    ".then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')"
    ".map((v) => [v.id, v.nodes.map((n) => n.target.join(' ')).slice(0, 5)]))"
)


@pytest.fixture(scope="module")
def axe_js(root: Path) -> Path:
    path = root / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` in the repository")
    return path


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", SPECS)
def test_no_serious_axe_violations(
    shipped: dict[str, Shipped], opened: Any, axe_js: Path, name: str, size: tuple[int, int]
) -> None:
    p = opened(shipped[name], size)
    assert p.evaluate("document.documentElement.lang") == "en"
    p.add_script_tag(path=str(axe_js))
    assert p.evaluate(RUN_AXE) == []
    # with every panel open: the legend, the time control's details, the table
    p.evaluate("document.querySelector('.gc-legend-details').open = true")
    p.click(".gc-table-open")
    assert p.evaluate(RUN_AXE) == []
    p.click(".gc-table-close")
    if p.evaluate("document.querySelector('.gc-time').classList.contains('gc-compact')"):
        p.click(".gc-more")
    assert p.evaluate(RUN_AXE) == []


def test_keyboard_drives_the_slider_and_the_live_region_says_it(
    shipped: dict[str, Shipped], opened: Any
) -> None:
    page = shipped["raqqa-2017"]
    p = opened(page, DESKTOP)
    p.focus(".gc-slider")
    before = p.evaluate("window.geoconflict.getDate()")
    assert before == "2017-09-20"  # the spec's opening date
    p.keyboard.press("ArrowRight")
    p.keyboard.press("ArrowRight")
    assert p.evaluate("window.geoconflict.getDate()") == "2017-09-22"
    # the focused control shows its focus
    outline = p.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    assert p.evaluate("document.activeElement.getAttribute('aria-valuetext')") == "22 Sep 2017"
    # the live region announces the date and the counts once the date settles
    p.wait_for_function(
        "document.querySelector('.gc-live').textContent.startsWith('22 Sep 2017: ')"
    )
    said = p.evaluate("document.querySelector('.gc-live').textContent")
    count = p.evaluate("document.querySelector('.gc-count').textContent")
    assert f"22 Sep 2017: {count}" in said and "Raqqa: 80% cleared" in said
    assert p.evaluate("document.querySelector('.gc-live').getAttribute('aria-live')") == "polite"
    # Tab reaches the buttons after the slider, and Enter on "step forward" steps a week
    p.focus(".gc-next")
    p.keyboard.press("Enter")
    assert p.evaluate("window.geoconflict.getDate()") == "2017-09-29"
    # every control in the panels can take the keyboard focus
    tabbable = p.evaluate(
        "[...document.querySelectorAll('.gc-time button, .gc-time select, .gc-time input,"
        " .gc-legend input, .gc-legend summary, .gc-legend button')]"
        ".every((e) => e.tabIndex >= 0 && !e.disabled)"
    )
    assert tabbable


def test_table_lists_the_events_in_view(shipped: dict[str, Shipped], opened: Any) -> None:
    page = shipped["mosul-2016-17"]
    p = opened(page, DESKTOP)
    p.evaluate("d => window.geoconflict.setDate(d)", "2017-07-20")
    in_view = p.evaluate("window.geoconflict.page.events.inView().length")
    p.click(".gc-table-open")
    rows = p.evaluate("document.querySelectorAll('.gc-table tbody tr').length")
    title = p.evaluate("document.querySelector('.gc-table-title').textContent")
    assert rows == in_view > 0
    assert title == f"{in_view} events in view on {reader_date('2017-07-20')}"
    assert p.evaluate("document.activeElement.className").endswith("gc-table-close")
    p.keyboard.press("Escape")
    assert p.evaluate("document.querySelector('.gc-table')") is None
    kinds = set(
        p.evaluate("[...document.querySelectorAll('.gc-kind-name')].map(e => e.textContent)")
    )
    assert "civilian harm" in kinds and "civcas" not in kinds
