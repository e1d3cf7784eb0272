"""Built pages in a real headless Chromium: self-contained, drawn; PNG cards and video built.

Every request that is not ``file://`` or ``data:`` is aborted and recorded.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geoconflict.build import build_maps
from geoconflict.synthetic import synthetic_events

pytestmark = pytest.mark.browser

LAYERS = ["territory", "areas", "rivers", "grid", "places", "protected", "events"]


def _open(browser: Any, page_path: Path) -> tuple[Any, list[str]]:
    """Open a page with every outside request blocked; return it and the blocked URLs."""
    attempts: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            attempts.append(url)
            route.abort()

    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", guard)
    page.goto(page_path.as_uri())
    page.wait_for_function("window.geoconflictReady === true")
    assert errors == []
    return page, attempts


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_offline_page_requests_nothing_and_draws_its_layers(
    browser: Any, node_modules: Path, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "offline.toml").write_text(
        'title = "Offline"\nareas = ["mosul", "raqqa", "western_desert"]\n'
        'start = 2016-01-01\nend = 2017-06-30\nbasemap = "none"\nassets = "inline"\n'
        '[filters]\nwithin = "all"\n[[inputs]]\nsynthetic = 300\nseed = 5\n'
        "[outputs.png]\nwidth = 640\nheight = 400\nscale = 2\n"
    )
    out = tmp_path / "dist"
    report = build_maps(maps, out, jobs=1, asset_dir=node_modules)
    assert report.summary() == "built 1, unchanged 0, failed 0"

    page, attempts = _open(browser, out / "offline.html")
    assert attempts == []  # basemap "none": not one request leaves the machine
    layers = page.evaluate("Object.keys(window.geoconflict.page.layers)")
    assert set(LAYERS) | {"context"} == set(layers)
    labels = page.evaluate(
        "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
        ".map((l) => l.textContent.trim())"
    )
    assert len(labels) == len(layers) and "Context" in labels
    drawn = page.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length")
    assert drawn > 10  # areas, rivers, zones and grid lines are on the map

    # The events shown at the end date are the spec's events inside its time range.
    events = synthetic_events(300, seed=5)
    in_range = events["date_start"].between(pd.Timestamp("2016-01-01"), pd.Timestamp("2017-06-30"))
    expected = sorted(events.loc[in_range, "event_id"])
    assert page.evaluate("window.geoconflict.getDate()") == "2017-06-30"
    assert sorted(page.evaluate("window.geoconflict.visibleEventIds()")) == expected
    page.evaluate("window.geoconflict.setDate('2016-12-31')")
    by_2016 = events.loc[in_range & (events["date_start"] <= "2016-12-31"), "event_id"]
    assert sorted(page.evaluate("window.geoconflict.visibleEventIds()")) == sorted(by_2016)
    page.close()

    # The PNG has the requested size: width x height CSS pixels at scale 2.
    assert _png_size(out / "offline.png") == (1280, 800)


def test_osm_page_requests_only_basemap_tiles(
    browser: Any, node_modules: Path, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "tiles.toml").write_text(
        'title = "Tiles"\nareas = ["raqqa"]\nbasemap = "osm"\n'
        '[filters]\nwithin = "all"\n[[inputs]]\nsynthetic = 120\nseed = 8\n'
    )
    out = tmp_path / "dist"
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules, png=False).built == 1
    page, attempts = _open(browser, out / "tiles.html")
    assert attempts, "the OSM basemap should ask for tiles"
    assert all(
        u.startswith("https://tile.openstreetmap.org/") and u.endswith(".png") for u in attempts
    ), attempts
    assert len(page.evaluate("window.geoconflict.visibleEventIds()")) == 120
    page.close()


def test_local_assets_page_in_a_subfolder_renders_to_png(
    browser: Any, node_modules: Path, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "local.toml").write_text(
        'title = "Local"\nassets = "local"\nbasemap = "none"\nareas = ["raqqa"]\n'
        '[filters]\nwithin = "all"\n[[inputs]]\nsynthetic = 40\nseed = 3\n'
        '[outputs]\nhtml = "pages/local.html"\n'
        'png = { path = "cards/local.png", width = 320, height = 240, scale = 1.5 }\n'
    )
    out = tmp_path / "dist"
    report = build_maps(maps, out, jobs=1, asset_dir=node_modules)
    assert report.summary() == "built 1, unchanged 0, failed 0"
    assert (out / "pages/assets/leaflet@1.9.4/dist/leaflet.js").is_file()
    assert _png_size(out / "cards" / "local.png") == (480, 360)
    page, attempts = _open(browser, out / "pages" / "local.html")
    assert attempts == []
    assert len(page.evaluate("window.geoconflict.visibleEventIds()")) == 40
    page.close()


def test_screenshots_share_one_chromium_and_outlive_its_crash(
    node_modules: Path, tmp_path: Path
) -> None:
    from geoconflict.build import png

    maps = tmp_path / "maps"
    maps.mkdir()
    (maps / "small.toml").write_text(
        'title = "Small"\nbasemap = "none"\n[[inputs]]\nsynthetic = 20\nseed = 1\n',
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules, png=False).built == 1
    page = out / "small.html"
    png.screenshot(page, tmp_path / "a.png", width=200, height=100)
    session = png._session()
    launches = session.launches
    assert launches >= 1 and session.browser.is_connected()
    png.screenshot(page, tmp_path / "b.png", width=200, height=100, scale=2)
    assert session.launches == launches  # the same browser, a fresh context per page
    assert (_png_size(tmp_path / "a.png"), _png_size(tmp_path / "b.png")) == (
        (200, 100),
        (400, 200),
    )
    # Chromium goes away (crash, OOM killer): the next screenshot starts a new one.
    session._call(lambda: session.browser.close())
    png.screenshot(page, tmp_path / "c.png", width=120, height=80)
    assert session.launches == launches + 1 and _png_size(tmp_path / "c.png") == (120, 80)


def test_cards_and_video_rebuild_only_when_their_spec_changes(
    node_modules: Path, tmp_path: Path
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    spec = maps / "both.toml"
    spec.write_text(
        'title = "Both"\nareas = ["raqqa"]\nstart = 2017-06-01\nend = 2017-10-20\n'
        'basemap = "none"\n[[inputs]]\nsynthetic = 60\nseed = 2\n[outputs]\n'
        "png = [{date = 2017-07-01, width = 320, height = 200}]\n"
        'video = {file = "both.webm", width = 320, height = 200, step = "month"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules).built == 1
    card = out / "both-2017-07-01.png"
    assert _png_size(card) == (320, 200) and (out / "both.webm").stat().st_size > 0
    first = card.read_bytes()
    again = build_maps(maps, out, jobs=1, asset_dir=node_modules)
    assert again.summary() == "built 0, unchanged 1, failed 0"
    # Another date: a new card file, the old one removed.
    spec.write_text(spec.read_text().replace("2017-07-01", "2017-09-01"), encoding="utf-8")
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules).built == 1
    assert not card.exists() and (out / "both-2017-09-01.png").read_bytes() != first
    # --no-png: the pages alone; the cards and the video of the rebuilt spec go.
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules, png=False).built == 1
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "both.html",
        "manifest.json",
    ]
