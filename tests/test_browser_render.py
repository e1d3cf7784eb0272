"""The map page in real headless Chromium: text stays text, the slider shows the right events,
zones have the right status, the page works at phone and desktop widths, nothing leaves the machine.

Pages load from file:// (or a localhost server on port 0); every other request is aborted and
recorded, and each test asserts none was attempted. Tests wait on ``geoconflictReady``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import geopandas as gpd
import mgrs
import numpy as np
import pandas as pd
import pytest
import shapely
from helpers import bare_map_args

from geoconflict.render import MapOptions, make_map, save_html, status_at
from geoconflict.synthetic import synthetic_events

pytestmark = pytest.mark.browser

XSS_NOTE = "</script><script>window.pwned=1</script> \"double\" 'single' `back${1}`"
XSS_PLACE = "<img src=x onerror=window.pwned=1>"
XSS_SOURCE = "<a href=javascript:window.pwned=1>source</a>"


class Page:
    """A loaded map page plus what it tried to fetch off the machine and its console errors."""

    def __init__(self, page: Any, outside: list[str], errors: list[str]) -> None:
        self.page = page
        self.outside = outside
        self.errors = errors

    def js(self, expr: str, arg: Any = None) -> Any:
        return self.page.evaluate(expr, arg)

    def check_clean(self) -> None:
        assert self.outside == [], f"requests off the machine: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


def _local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("file", "data", "blob") or parsed.hostname in (
        "127.0.0.1",
        "localhost",
    )


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(url: str, width: int = 1280, height: int = 800) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        outside: list[str] = []
        errors: list[str] = []

        def route(r: Any) -> None:
            if _local(r.request.url):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "requestfailed",
            lambda r: None if _local(r.url) else outside.append(r.url),
        )
        page.goto(url)
        page.wait_for_function("window.geoconflictReady === true")
        return Page(page, outside, errors)

    yield opener
    for c in contexts:
        c.close()


def zones_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["east", "west", "airport", "nodates"],
            "name": ["East", "West", "Airport", "Unknown start"],
            "contested_from": pd.to_datetime(["2016-11-01", "2017-02-19", "2017-02-19", None]),
            "cleared_on": pd.to_datetime(["2017-01-24", "2017-07-10", "2017-02-23", None]),
        },
        geometry=[
            shapely.box(43.13, 36.25, 43.3, 36.45),
            shapely.box(42.95, 36.25, 43.13, 36.45),
            shapely.box(43.1, 36.2, 43.2, 36.25),
            shapely.box(42.9, 36.1, 42.95, 36.2),
        ],
        crs=4326,
    )


def build(tmp: Path, events: gpd.GeoDataFrame, node_modules: Path, **kw: Any) -> str:
    args = bare_map_args(zones_frame(), "Browser test", **kw)
    m = make_map(events, **args)
    out = save_html(m, tmp / "map.html", assets="inline", asset_dir=node_modules)
    return out.as_uri()


@pytest.fixture(scope="module")
def synthetic_page(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> tuple[str, Any]:
    events = synthetic_events(3000, seed=5)
    url = build(tmp_path_factory.mktemp("syn"), events, node_modules)
    return url, events


def hostile_events() -> gpd.GeoDataFrame:
    ev = synthetic_events(4, seed=8)
    ev["dataset"] = "airwars"
    ev["date_start"] = pd.to_datetime("2017-03-17")
    ev["date_end"] = ev["date_start"]
    ev["geometry"] = gpd.points_from_xy([43.05, 43.10, 43.15, 43.20], [36.33] * 4)
    ev["event_id"] = ["x1", "x2", "x3", "x4"]
    ev["notes"] = [XSS_NOTE, "plain", None, "{{ 7*7 }}"]
    ev["place"] = [XSS_PLACE, "al-Jadida", "q\"uote's `tick`", None]
    ev["source"] = [XSS_SOURCE, "Airwars", "Airwars", None]
    ev["source_url"] = [
        "javascript:window.pwned=1",
        "https://airwars.org/civilian-casualties/ci550-march-17-2017/",
        "data:text/html,<script>window.pwned=1</script>",
        None,
    ]
    ev["mgrs"] = ["38SLF1234567890", None, None, None]
    ev["civilians_killed_min"] = pd.array([105, 2, None, 0], dtype="Int64")
    ev["civilians_killed_max"] = pd.array([141, 2, 7, 0], dtype="Int64")
    ev["kind"] = "civcas"
    ev["grading"] = "confirmed"
    ev["location_precision_m"] = [10500.0, 850.0, 2000.0, 50.0]
    return ev


# ---------------------------------------------------------------- untrusted text


def test_hostile_text_runs_no_script_and_shows_as_text(
    tmp_path: Path, node_modules: Path, open_page: Any
) -> None:
    events = hostile_events()
    url = build(
        tmp_path,
        events,
        node_modules,
        territory=None,
        extent=(42.9, 36.2, 43.35, 36.45),
        title="</script><script>window.pwned=1</script>",
        subtitle=XSS_PLACE,
        credits=XSS_SOURCE,
    )
    p = open_page(url)
    assert p.js("typeof window.pwned") == "undefined"
    assert p.js("document.querySelector('.gc-title-main').textContent") == (
        "</script><script>window.pwned=1</script>"
    )
    assert p.js("document.querySelector('.gc-subtitle').textContent") == XSS_PLACE
    assert p.js("document.querySelectorAll('img[src=x]').length") == 0

    # click on the first event: popup built from text nodes
    pt = p.js("window.geoconflict.eventPoint('x1')")
    p.page.mouse.click(pt["x"], pt["y"])
    p.page.wait_for_selector(".leaflet-popup-content .gc-popup")

    def text(sel: str) -> str:
        return p.js(f"document.querySelector('.leaflet-popup-content {sel}').textContent")

    assert text(".gc-p-notes .gc-v") == XSS_NOTE
    assert text(".gc-p-place .gc-v") == XSS_PLACE
    assert text(".gc-p-source .gc-v") == XSS_SOURCE
    assert text(".gc-p-mgrs .gc-v") == "38SLF1234567890"
    assert text(".gc-p-casualties .gc-v") == "105–141"
    assert text(".gc-p-date .gc-v") == "17 Mar 2017 (day precision)"  # a date for readers
    assert text(".gc-p-precision .gc-v") == "10.5 km"  # a distance for readers
    # javascript: is not a link; the popup has no element children beyond our rows
    assert p.js("document.querySelectorAll('.leaflet-popup-content a').length") == 0
    assert p.js("document.querySelectorAll('.leaflet-popup-content script, img').length") == 0

    # an https source becomes a link; data: does not
    assert p.js("window.geoconflict.openPopup('x2')")
    href = p.js("document.querySelector('.leaflet-popup-content .gc-p-source a').href")
    assert href == "https://airwars.org/civilian-casualties/ci550-march-17-2017/"
    link = "document.querySelector('.leaflet-popup-content .gc-p-source a')"
    assert p.js(f"[{link}.target, {link}.rel]") == ["_blank", "noopener noreferrer"]
    assert p.js("window.geoconflict.openPopup('x3')")
    assert p.js("document.querySelectorAll('.leaflet-popup-content a').length") == 0
    assert text(".gc-p-place .gc-v") == "q\"uote's `tick`"
    assert text(".gc-p-casualties .gc-v") == "7"
    assert text(".gc-p-precision .gc-v") == "2.0 km"
    assert p.js("window.geoconflict.openPopup('x2')")
    assert text(".gc-p-precision .gc-v") == "850 m"
    assert p.js("window.geoconflict.openPopup('x4')")
    assert text(".gc-p-notes .gc-v") == "{{ 7*7 }}"
    assert p.js("typeof window.pwned") == "undefined"
    # real (non-synthetic) events: no banner
    assert p.js("document.querySelector('.gc-banner').hidden") is True
    p.check_clean()


# ---------------------------------------------------------------- time control


def expected_ids(events: gpd.GeoDataFrame, day: str, mode: str, window: int = 30) -> set[str]:
    d = pd.Timestamp(day)
    sel = events["date_start"] <= d
    if mode == "window":
        sel &= events["date_start"] > d - pd.Timedelta(days=window)
    return set(events.loc[sel, "event_id"])


def test_slider_date_shows_exactly_the_events_up_to_it(
    synthetic_page: tuple[str, Any], open_page: Any
) -> None:
    url, events = synthetic_page
    p = open_page(url)
    first = str(events["date_start"].min().date())
    p.js("d => window.geoconflict.setDate(d)", "2000-01-01")
    assert p.js("window.geoconflict.getDate()") == first  # the slider starts at the first event
    for day in (first, "2014-09-15", "2015-06-30", "2016-11-01", "2017-03-17", "2017-12-31"):
        p.js("d => window.geoconflict.setDate(d)", day)
        got = p.js("window.geoconflict.visibleEventIds()")
        assert len(got) == len(set(got))
        assert set(got) == expected_ids(events, day, "cumulative"), day
    count = p.js("document.querySelector('.gc-count').textContent")
    assert count == f"{len(events)} events in view · {len(events)} in this map"
    p.js("window.geoconflict.setMode('window', 14)")
    for day in ("2015-06-30", "2017-03-17"):
        p.js("d => window.geoconflict.setDate(d)", day)
        got = set(p.js("window.geoconflict.visibleEventIds()"))
        assert got == expected_ids(events, day, "window", 14), day
        assert got  # the window holds events on these dates
    p.check_clean()


def test_window_mode_shows_multi_day_events_that_reach_into_the_window(
    tmp_path: Path, node_modules: Path, open_page: Any
) -> None:
    ev = synthetic_events(4, seed=9)
    ev["event_id"] = ["long", "inside", "before", "later"]
    ev["date_start"] = pd.to_datetime(["2017-01-01", "2017-03-10", "2016-12-01", "2017-04-30"])
    ev["date_end"] = pd.to_datetime(["2017-03-31", "2017-03-10", "2016-12-01", "2017-04-30"])
    url = build(tmp_path, ev, node_modules, territory=None)
    p = open_page(url)
    p.js("window.geoconflict.setMode('window', 14)")
    expected = {
        "2017-03-15": {"long", "inside"},  # the siege began in January and is still going
        "2017-04-13": {"long"},  # its last day (31 March) is inside 31 Mar – 13 Apr
        "2017-04-20": set(),  # 7 – 20 April: it has ended
        "2017-04-30": {"later"},
        "2017-01-05": {"long"},
    }
    for day, ids in expected.items():
        p.js("d => window.geoconflict.setDate(d)", day)
        assert p.js("window.geoconflict.getDate()") == day
        assert set(p.js("window.geoconflict.visibleEventIds()")) == ids, day
        assert p.js("document.querySelector('.gc-count').textContent").startswith(f"{len(ids)} ")
        # The chart counts every event in its range, whatever the window shows now.
        p.js("window.geoconflict.setStep('day')")
        p.js("window.geoconflict.setStep('week')")
        total = p.js("window.geoconflict.page.chartBins.reduce((a, b) => a + b[2], 0)")
        assert total == 4, day
    p.js("window.geoconflict.setMode('cumulative')")
    p.js("d => window.geoconflict.setDate(d)", "2017-03-15")
    assert set(p.js("window.geoconflict.visibleEventIds()")) == {"long", "inside", "before"}
    p.check_clean()
    # A page that opens in window mode draws the full chart too.
    opened = build(
        tmp_path / "w", ev, node_modules, territory=None,
        options=MapOptions(mode="window", window_days=7),
    )  # fmt: skip
    p = open_page(opened)
    assert p.js("window.geoconflict.page.chartBins.reduce((a, b) => a + b[2], 0)") == 4
    p.check_clean()


def test_filters_hide_kinds_and_gradings(synthetic_page: tuple[str, Any], open_page: Any) -> None:
    url, events = synthetic_page
    p = open_page(url)
    p.js("d => window.geoconflict.setDate(d)", "2017-06-30")
    p.js("window.geoconflict.setFilter({kinds: ['civcas'], gradings: ['confirmed', 'fair']})")
    got = set(p.js("window.geoconflict.visibleEventIds()"))
    sel = (
        (events["date_start"] <= "2017-06-30")
        & (events["kind"] == "civcas")
        & events["grading"].isin(["confirmed", "fair"])
    )
    assert got == set(events.loc[sel, "event_id"]) and got
    # the legend's checkboxes drive the same filter
    p.page.click(".gc-kind-filter[value=strike]")
    got = set(p.js("window.geoconflict.visibleEventIds()"))
    sel2 = sel | (
        (events["date_start"] <= "2017-06-30")
        & (events["kind"] == "strike")
        & events["grading"].isin(["confirmed", "fair"])
    )
    assert got == set(events.loc[sel2, "event_id"])
    p.check_clean()


def test_controls_step_and_play(synthetic_page: tuple[str, Any], open_page: Any) -> None:
    url, _ = synthetic_page
    p = open_page(url)
    p.js("d => window.geoconflict.setDate(d)", "2016-03-10")
    p.page.click(".gc-next")
    assert p.js("window.geoconflict.getDate()") == "2016-03-17"
    p.page.select_option(".gc-step", "month")
    p.page.click(".gc-next")
    assert p.js("window.geoconflict.getDate()") == "2016-04-01"
    p.page.click(".gc-prev")
    assert p.js("window.geoconflict.getDate()") == "2016-03-01"
    assert p.js("document.querySelector('.gc-date').textContent") == "1 Mar 2016"
    assert p.js("document.querySelector('.gc-date').dataset.day") == "2016-03-01"
    p.page.select_option(".gc-speed", "16")
    p.page.click(".gc-play")
    p.page.wait_for_function("window.geoconflict.getDate() >= '2016-05-01'")
    p.page.click(".gc-play")  # pause
    assert p.js("document.querySelector('.gc-play').getAttribute('aria-label')") == "play"
    p.check_clean()


def test_synthetic_banner_follows_the_shown_events(
    synthetic_page: tuple[str, Any], open_page: Any
) -> None:
    url, events = synthetic_page
    p = open_page(url)
    assert p.page.is_visible(".gc-banner")
    first = events["date_start"].min()
    p.js("d => window.geoconflict.setDate(d)", str((first - pd.Timedelta(days=1)).date()))
    if p.js("window.geoconflict.visibleEventIds().length") == 0:
        assert not p.page.is_visible(".gc-banner")
    p.js("d => window.geoconflict.setDate(d)", "2017-12-31")
    assert p.page.is_visible(".gc-banner")
    p.check_clean()


# ---------------------------------------------------------------- territory


def test_zone_status_matches_python_at_each_date(
    synthetic_page: tuple[str, Any], open_page: Any
) -> None:
    from geoconflict import territory

    url, _ = synthetic_page
    p = open_page(url)
    zones = zones_frame()
    dates = ["2016-10-31", "2016-11-01", "2017-01-23", "2017-01-24", "2017-02-22"]
    dates += ["2017-02-23", "2017-07-09", "2017-07-10", "2017-12-31"]
    seen = set()
    for day in dates:
        p.js("d => window.geoconflict.setDate(d)", day)
        page_status = p.js("window.geoconflict.zoneStatus()")
        ours = dict(zip(zones["zone_id"], status_at(zones, day), strict=True))
        theirs = territory.state_at(day, zones.assign(area_id="mosul"))
        assert page_status == ours == dict(zip(theirs["zone_id"], theirs["status"], strict=True))
        seen |= set(page_status.values())
        # one path per zone: restyled in place, nothing piles up
        assert p.js("document.querySelectorAll('.leaflet-gcTerritory-pane path').length") == len(
            zones
        )
    assert seen == {"isis", "contested", "cleared"}
    p.check_clean()


# ---------------------------------------------------------------- layout


@pytest.mark.parametrize(("width", "height"), [(375, 667), (1280, 800)])
def test_usable_at_phone_and_desktop_widths(
    synthetic_page: tuple[str, Any], open_page: Any, width: int, height: int
) -> None:
    url, _ = synthetic_page
    p = open_page(url, width=width, height=height)
    for sel in (".gc-time", ".gc-play", ".gc-slider", ".gc-legend", ".leaflet-control-layers"):
        box = p.page.locator(sel).bounding_box()
        assert box is not None, sel
        assert box["x"] >= 0 and box["y"] >= 0, sel
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, sel
        assert p.page.is_visible(sel)
    # the time control and the legend do not overlap
    t = p.page.locator(".gc-time").bounding_box()
    lg = p.page.locator(".gc-legend").bounding_box()
    assert t and lg and (lg["y"] + lg["height"] <= t["y"] or t["x"] + t["width"] <= lg["x"])
    p.page.click(".gc-next")
    p.page.click(".gc-legend summary")
    p.check_clean()


# ---------------------------------------------------------------- grid, readout, assets


def test_grid_labels_fine_lines_and_mgrs_readout(
    synthetic_page: tuple[str, Any], open_page: Any
) -> None:
    url, _ = synthetic_page
    p = open_page(url)
    labels = p.js("[...document.querySelectorAll('.gc-grid-label')].map(e => e.textContent)")
    assert "38SLF" in labels and "37SDV" in labels
    grid = "GC.pages[0].layers.grid"
    assert p.js(f"{grid}.hasLayer({grid}.fineLines)") is False
    p.js("() => { GC.pages[0].map.setView([36.335, 43.119], 10, {animate: false}); }")
    assert p.js(f"{grid}.hasLayer({grid}.fineLines)") is True
    p.page.mouse.move(640, 400)
    ll = p.js(
        "(() => { const c = GC.pages[0].map.containerPointToLatLng([640, 400]);"
        " return [c.lat, c.lng]; })()"
    )
    ref = mgrs.MGRS().toMGRS(ll[0], ll[1], MGRSPrecision=5)
    shown = p.js("document.querySelector('.gc-readout-text').textContent").replace(" ", "")
    assert shown == "MGRS:" + ref
    p.check_clean()


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def test_local_assets_over_localhost(
    http_dir: tuple[Path, str], node_modules: Path, open_page: Any
) -> None:
    folder, base = http_dir
    events = synthetic_events(200, seed=6)
    m = make_map(
        events,
        areas=None,
        territory=zones_frame(),
        places=None,
        rivers=None,
        basemap="none",
        context=None,
        options=MapOptions(chart="none", step="month", date="2016-06-01"),
    )
    save_html(m, folder / "map.html", assets="local", asset_dir=node_modules)
    p = open_page(base + "/map.html")
    assert p.js("typeof L.version") == "string" and p.js("typeof mgrs.forward") == "function"
    assert p.js("window.geoconflict.getDate()") == "2016-06-01"
    ids = set(p.js("window.geoconflict.visibleEventIds()"))
    assert ids == expected_ids(events, "2016-06-01", "cumulative")
    p.check_clean()


def test_shipped_data_page_draws_every_layer(
    tmp_path: Path, node_modules: Path, open_page: Any
) -> None:
    from geoconflict import datasets

    m = make_map(basemap="none", options=MapOptions(chart="weapons"), title="Shipped")
    url = save_html(m, tmp_path / "m.html", assets="inline", asset_dir=node_modules).as_uri()
    p = open_page(url)
    layers = p.js("Object.keys(GC.pages[0].layers).sort()")
    assert layers == [
        "areas",
        "context",
        "events",
        "grid",
        "places",
        "protected",
        "rivers",
        "territory",
    ]
    zones = datasets.load("territory")
    for day in ("2016-06-01", "2017-03-17", "2017-10-20"):
        p.js("d => window.geoconflict.setDate(d)", day)
        want = dict(zip(zones["zone_id"], status_at(zones, day), strict=True))
        assert p.js("window.geoconflict.zoneStatus()") == want
    incidents = datasets.load("incidents")
    drawn = set(p.js("window.geoconflict.visibleEventIds()"))
    ok = incidents["date_start"].notna() & ~incidents.geometry.is_empty & incidents.geometry.notna()
    assert drawn == set(incidents.loc[ok & (incidents["date_start"] <= "2017-10-20"), "event_id"])
    names = p.js("[...document.querySelectorAll('.gc-place-label')].map(e => e.textContent)")
    assert "Mosul" in names
    assert np.isfinite(p.js("window.geoconflict.lastRedrawMs()"))
    # The weapons chart: a month without a published figure is a grey stub, not a gap
    # that reads as zero, and not a bar.
    weapons = datasets.load("weapons_monthly")
    feb = (pd.Timestamp("2016-02-01") - pd.Timestamp("1970-01-01")).days
    aug = (pd.Timestamp("2017-08-01") - pd.Timestamp("1970-01-01")).days
    assert pd.isna(weapons.loc[weapons["month"] == "2016-02-01", "weapons"].iloc[0])
    chart = p.js(
        """(([feb, aug]) => { const c = document.querySelector('.gc-chart');
          const f = c._gcFrame, cfg = GC.pages[0].cfg, span = cfg.end - cfg.start + 1;
          const at = (day, dy) => {
            const x = f.x0 + ((day + 14 - cfg.start) / span) * (f.x1 - f.x0);
            const r = window.devicePixelRatio || 1;
            return Array.from(c.getContext('2d').getImageData(Math.round(x * r),
              Math.round((f.y1 - dy) * r), 1, 1).data.slice(0, 3)); };
          const value = (day) => c._gcSeries.find((s) => s[0] === day)[2];
          return { feb: value(feb), aug: value(aug), stub: at(feb, 1), above: at(feb, 4),
                   bar: at(aug, 1), title: document.querySelector('.gc-chart-title').textContent };
        })""",
        [feb, aug],
    )
    assert chart["feb"] == -1 and chart["aug"] == 5075
    assert chart["stub"] == [0x8A, 0x90, 0x99] and chart["bar"] == [0x5F, 0x66, 0x70]
    assert chart["above"] != chart["stub"]  # a stub, not a bar
    assert chart["title"] == "Weapons released per month (grey: no figure)"
    p.check_clean()


def test_page_without_events_still_runs(tmp_path: Path, node_modules: Path, open_page: Any) -> None:
    from geoconflict.events import empty_events

    url = build(tmp_path, empty_events(), node_modules)
    p = open_page(url)
    assert p.js("window.geoconflict.visibleEventIds()") == []
    # the slider spans the zones' dates when there are no events
    assert p.js("window.geoconflict.getDate()") == "2017-07-10"
    assert p.js("window.geoconflict.zoneStatus()")["west"] == "cleared"
    assert not p.page.is_visible(".gc-banner")
    p.check_clean()


def test_html_notes_only_by_opt_in(tmp_path: Path, node_modules: Path, open_page: Any) -> None:
    events = hostile_events().iloc[:1].copy()
    events["notes"] = ["<b class='opt-in'>bold</b>"]
    for html_notes, bold in ((False, 0), (True, 1)):
        folder = tmp_path / str(html_notes)
        folder.mkdir()
        url = build(
            folder,
            events,
            node_modules,
            territory=None,
            options=MapOptions(html_notes=html_notes),
        )
        p = open_page(url)
        assert p.js("window.geoconflict.openPopup('x1')")
        assert p.js("document.querySelectorAll('.leaflet-popup-content .gc-p-notes b').length") == (
            bold
        )
        if not html_notes:
            notes = p.js("document.querySelector('.gc-p-notes .gc-v').textContent")
            assert notes == "<b class='opt-in'>bold</b>"
        p.check_clean()


def test_opted_in_html_notes_are_cleaned(
    tmp_path: Path, node_modules: Path, open_page: Any
) -> None:
    events = hostile_events().iloc[:1].copy()
    events["notes"] = [
        "<b>3 killed</b><img src=x onerror=window.pwned=1>"
        "<a href='javascript:window.pwned=1'>bad</a> <a href='https://airwars.org/'>ok</a>"
        "<script>window.pwned=1</script><svg onload=window.pwned=1></svg><u onclick=x>u</u>"
    ]
    url = build(tmp_path, events, node_modules, territory=None, options=MapOptions(html_notes=True))
    p = open_page(url)
    assert p.js("window.geoconflict.openPopup('x1')")
    box = ".leaflet-popup-content .gc-p-notes .gc-v"
    assert p.js(f"document.querySelector('{box}').innerHTML") == (
        '<b>3 killed</b><a>bad</a> <a href="https://airwars.org/" target="_blank" '
        'rel="noopener noreferrer">ok</a><u>u</u>'
    )
    assert p.js(f"document.querySelectorAll('{box} img, {box} script, {box} svg').length") == 0
    assert p.js("typeof window.pwned") == "undefined"
    p.check_clean()


def test_uncertainty_ring_only_when_zoomed_in(
    tmp_path: Path, node_modules: Path, open_page: Any
) -> None:
    events = hostile_events().iloc[:1].copy()
    events["location_precision_m"] = 1000.0
    events["civilians_killed_max"] = pd.array([0], dtype="Int64")  # the smallest dot, 3 px
    p = open_page(build(tmp_path, events, node_modules, territory=None))

    def alpha_at(dx: float) -> int:
        return p.js(
            """dx => { const pg = GC.pages[0], ev = pg.events, pt = ev.point(0);
              return ev.pixelAt(Math.round(pt.x + dx), Math.round(pt.y))[3]; }""",
            dx,
        )

    p.js("() => { GC.pages[0].map.setView([36.33, 43.05], 8, {animate: false}); }")
    assert alpha_at(0) == 255  # the dot
    mpp = p.js("40075016.686 * Math.cos(36.33 * Math.PI / 180) / (256 * 2 ** 14)")
    ring_px = 1000 / mpp
    p.js("() => { GC.pages[0].map.setView([36.33, 43.05], 14, {animate: false}); }")
    assert alpha_at(ring_px) > 0  # the ring, 1 km out
    assert alpha_at(ring_px / 2) == 0  # nothing between dot and ring
    p.js("() => { GC.pages[0].map.setView([36.33, 43.05], 10, {animate: false}); }")
    assert alpha_at(1000 / (mpp * 16)) == 0  # zoomed out: no ring
    p.check_clean()


# ---------------------------------------------------------------- links to declared strikes


def link_tables() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    incidents = hostile_events().iloc[:3].copy()
    incidents["event_id"] = ["inc-1", "inc-2", "inc-3"]
    incidents["date_start"] = pd.to_datetime(["2017-03-10", "2017-03-17", "2017-03-17"])
    incidents["date_end"] = incidents["date_start"]
    incidents["geometry"] = gpd.points_from_xy([43.05, 43.15, 43.30], [36.33, 36.33, 36.40])
    strikes = synthetic_events(2, seed=9)
    strikes["dataset"] = "release"
    strikes["kind"] = "strike"
    strikes["event_id"] = ["str-1", "str-2"]
    strikes["place"] = ["Near Mosul", XSS_PLACE]
    strikes["strikes"] = pd.array([3, 1], dtype="Int64")
    strikes["date_start"] = pd.to_datetime(["2017-03-10", "2017-03-18"])
    strikes["date_end"] = strikes["date_start"]
    strikes["geometry"] = gpd.points_from_xy([43.06, 43.16], [36.34, 36.33])
    return incidents, strikes


@pytest.mark.parametrize("where", ["after", "before"])
def test_links_layer_draws_lines_and_filters_incidents(
    tmp_path: Path, node_modules: Path, open_page: Any, where: str
) -> None:
    from geoconflict import link
    from geoconflict.render.links import links_layer

    incidents, strikes = link_tables()
    pairs = link.match(incidents, strikes, 5000, 1)
    assert pairs[["left_id", "right_id"]].values.tolist() == [
        ["inc-1", "str-1"],
        ["inc-2", "str-2"],
    ]
    events = pd.concat([incidents, strikes], ignore_index=True)
    args = bare_map_args(zones_frame(), "Links", territory=None, extent=(42.95, 36.25, 43.4, 36.45))
    m = make_map(events, **args)
    layer = links_layer(pairs, incidents, strikes)
    if where == "after":
        m.add_child(layer)  # a user adds it to a finished map: after the page's controls
    else:
        m.add_child(layer, index=len(m._children) - 1)  # as make_map would: before them
    url = save_html(m, tmp_path / "map.html", assets="inline", asset_dir=node_modules).as_uri()
    p = open_page(url)
    lines = "document.querySelectorAll('path.gc-link-line').length"
    shown = "window.geoconflict.page.layers.links.shownLinks()"
    visible = "window.geoconflict.visibleEventIds().slice().sort()"
    assert p.js(lines) == 2
    assert p.js(shown) == [["inc-1", "str-1"], ["inc-2", "str-2"]]
    assert p.js("document.querySelectorAll('path.gc-link-end').length") == 2
    # a line follows its incident on the time slider
    p.js("window.geoconflict.setDate('2017-03-12')")
    assert p.js(shown) == [["inc-1", "str-1"]]
    assert p.js(lines) == 1
    p.js("window.geoconflict.setDate('2017-03-31')")

    def choose(mode: str) -> None:
        p.page.click(f"input.gc-links-filter[value={mode}]")

    choose("with")
    assert p.js(visible) == ["inc-1", "inc-2", "str-1", "str-2"]
    assert p.js(lines) == 2
    choose("without")
    assert p.js(visible) == ["inc-3", "str-1", "str-2"]
    assert p.js(lines) == 0
    assert p.js("document.querySelector('.gc-links-count').textContent") == "0 links shown"
    choose("all")
    assert p.js(visible) == ["inc-1", "inc-2", "inc-3", "str-1", "str-2"]
    assert p.js(lines) == 2

    # the popup of a line shows both events, their text as text
    box = p.js(
        "(() => { const r = document.querySelectorAll('path.gc-link-line')[1]"
        ".getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
    )
    p.page.mouse.click(box["x"], box["y"])
    p.page.wait_for_selector(".leaflet-popup-content .gc-link-popup")

    def text(sel: str) -> str:
        return p.js(f"document.querySelector('.leaflet-popup-content {sel} .gc-v').textContent")

    assert text(".gc-link-left-id").startswith("inc-2")
    assert text(".gc-link-left-place") == "al-Jadida"
    assert text(".gc-link-left-casualties") == "2"  # min = max: one number
    link = "document.querySelector('.leaflet-popup-content .gc-link-left-source a')"
    assert p.js(f"[{link}.textContent, {link}.target, {link}.rel]") == [
        "Airwars",
        "_blank",
        "noopener noreferrer",
    ]
    assert text(".gc-link-right-id").startswith("str-2")
    assert text(".gc-link-right-place") == XSS_PLACE
    assert text(".gc-link-right-strikes") == "1"
    assert text(".gc-link-days") == "1"
    assert text(".gc-link-distance") == f"{round(pairs['distance_m'].iloc[1])} m"
    # a source whose URL is not a safe link: both as text, as in the events popup
    p.js("() => { GC.pages[0].map.closePopup(); }")
    p.page.wait_for_selector(".leaflet-popup-content", state="detached")
    box = p.js(
        "(() => { const r = document.querySelectorAll('path.gc-link-line')[0]"
        ".getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
    )
    p.page.mouse.click(box["x"], box["y"])
    p.page.wait_for_selector(".leaflet-popup-content .gc-link-left-id")
    assert text(".gc-link-left-id").startswith("inc-1")
    source = "document.querySelector('.leaflet-popup-content .gc-link-left-source')"
    assert p.js(f"{source}.querySelectorAll('a').length") == 0
    assert text(".gc-link-left-source") == XSS_SOURCE
    assert p.js(f"{source}.querySelector('.gc-p-url').textContent") == (
        " javascript:window.pwned=1"
    )
    assert p.js("document.querySelectorAll('img[src=x]').length") == 0
    assert p.js("typeof window.pwned") == "undefined"
    p.check_clean()
