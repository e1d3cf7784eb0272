"""Every number on a shipped page describes what is on its map (issue 12, item 1), and the
share of each area cleared the page states is ``territory.share_cleared`` (item 2).

The headline count is checked against a count made here, in Python, of the spec's events
inside the map's bounds (read from the page) up to the slider date: at opening, after a
zoom, a pan and a filter toggle. Real headless Chromium; nothing leaves the machine.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import pytest
from shipped_pages import (
    SPECS,
    Shipped,
    in_spec_areas,
    reader_date,
)

from geoconflict import territory

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COUNT_RE = re.compile(r"^(\d+) events? in view · (\d+) in this map$")

#: Zoom by ``z`` (animated, as a reader's zoom is) and resolve once the zoom has ended: the
#: page updates its counts on ``moveend``, before this listener (added after the page's).
#: It returns nothing: a Leaflet map sent back to Python is serialised whole, canvases
#: and kept frames included, which took about 30 s a call.
ZOOM_BY = """z => new Promise((done) => { const map = window.geoconflict.page.map;
  map.once("moveend", () => done(null)); map.setZoom(map.getZoom() + z); })"""


def shown_counts(p: Any) -> tuple[int, int]:
    text = p.evaluate("document.querySelector('.gc-count').textContent")
    m = COUNT_RE.match(text)
    assert m, text
    return int(m[1]), int(m[2])


def expected_counts(p: Any, page: Shipped, kinds: set[str] | None = None) -> tuple[int, int]:
    """(events in the view's bounds, events in the map) up to the slider date, in Python."""
    b = p.evaluate(
        "(() => { const b = window.geoconflict.page.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    day = pd.Timestamp(p.evaluate("window.geoconflict.getDate()"))
    ev = in_spec_areas(page)
    ev = ev[(ev["day"] <= day).to_numpy()]
    mode = p.evaluate("window.geoconflict.page.mode")
    if mode == "window":  # shown while any of its days is in the window's last days
        days = p.evaluate("window.geoconflict.page.windowDays")
        last = ev["date_end"].fillna(ev["date_start"]).dt.normalize()
        ev = ev[(last > day - pd.Timedelta(days=days)).to_numpy()]
    if kinds is not None:
        ev = ev[ev["kind"].isin(kinds).to_numpy()]
    lon = ev.geometry.x.round(5)
    lat = ev.geometry.y.round(5)
    inside = (lon >= b[0]) & (lon <= b[2]) & (lat >= b[1]) & (lat <= b[3])
    return int(inside.sum()), len(ev)


@pytest.mark.parametrize("name", SPECS)
def test_headline_counts_the_events_in_view(
    shipped: dict[str, Shipped], opened: Any, name: str
) -> None:
    page = shipped[name]
    p = opened(page)
    got = shown_counts(p)
    assert got == expected_counts(p, page)
    assert got[0] > 0  # the opening view shows events
    # Zoom in on the middle: fewer in view, the same in the map.
    p.evaluate(ZOOM_BY, 2)
    zoomed = shown_counts(p)
    assert zoomed == expected_counts(p, page)
    assert zoomed[1] == got[1]
    # Pan, then untick a kind in the legend.
    p.evaluate("() => { window.geoconflict.page.map.panBy([300, 120], {animate: false}); }")
    assert shown_counts(p) == expected_counts(p, page)
    p.evaluate(ZOOM_BY, -2)
    p.click(".gc-kind-filter[value=civcas]")
    kinds = {"strike", "ground", "other"}
    assert shown_counts(p) == expected_counts(p, page, kinds)
    # The chart counts the same events: those in view that pass the filters.
    day = pd.Timestamp(p.evaluate("window.geoconflict.getDate()"))
    p.evaluate("d => window.geoconflict.setDate(d)", str(page.spec.end))
    in_view, _ = expected_counts(p, page, kinds)
    if p.evaluate("window.geoconflict.page.cfg.options.chart") == "events":
        bars = p.evaluate("window.geoconflict.page.chartBins.reduce((a, b) => a + b[2], 0)")
        assert bars == in_view
    assert day <= pd.Timestamp(page.spec.end)
    assert p.outside == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("western-desert-2016-17", 7), ("mosul-2016-17", 15), ("raqqa-2017", 15)],
)
def test_spec_pages_count_only_their_areas_events(
    shipped: dict[str, Shipped], opened: Any, name: str, expected: int
) -> None:
    page = shipped[name]
    p = opened(page)
    p.evaluate("d => window.geoconflict.setDate(d)", str(page.spec.end))
    total = p.evaluate("window.geoconflict.visibleEventIds().length")
    assert total == len(in_spec_areas(page)) == expected
    # The shipped incidents hold more than these: the others are outside the areas.
    assert len(page.events) > expected


def js_round(x: float) -> int:
    return math.floor(x * 100 + 0.5)


@pytest.mark.parametrize(
    ("name", "dates"),
    [
        ("raqqa-2017", ["2017-06-10", "2017-06-15", "2017-08-30", "2017-09-20", "2017-10-17"]),
        ("mosul-2016-17", ["2016-12-01", "2017-01-14", "2017-01-24", "2017-03-07", "2017-07-10"]),
        ("western-desert-2016-17", ["2016-05-01", "2016-06-01", "2017-09-22", "2017-11-17"]),
        ("air-campaign-overview", ["2016-06-01", "2017-01-24", "2017-09-20"]),
    ],
)
def test_share_text_is_share_cleared(
    shipped: dict[str, Shipped], opened: Any, name: str, dates: list[str]
) -> None:
    page = shipped[name]
    p = opened(page)
    areas = p.evaluate(
        "Array.from(document.querySelectorAll('.gc-share')).map(li => li.dataset.area)"
    )
    assert areas  # a share line per area with zones
    for date in dates:
        p.evaluate("d => window.geoconflict.setDate(d)", date)
        for area in areas:
            text = p.evaluate(
                "a => document.querySelector(`.gc-share[data-area='${a}'] .gc-share-text`)"
                ".textContent",
                area,
            )
            share = territory.share_cleared(area, date)
            assert text.endswith(f": {js_round(share)}% cleared on {reader_date(date)}"), text
    # the stated share names its source
    source = p.evaluate("document.querySelector('.gc-share-source').textContent")
    assert " — " in source and len(source) > 12
    # ... in full: the line wraps inside the panel (a touch screen has no tooltip)
    clipped = p.evaluate(
        "Array.from(document.querySelectorAll('.gc-share-source')).filter(e =>"
        " e.textContent && (e.scrollWidth > e.clientWidth + 1"
        " || e.getBoundingClientRect().right > e.closest('.gc-time').getBoundingClientRect().right"
        " + 1)).map(e => e.textContent)"
    )
    assert clipped == []
