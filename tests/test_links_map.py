"""The links on a map: ``layers.links`` in a built spec page and in ``make_map``.

The pairs a page carries are checked against :func:`geoconflict.link.match` run here on
the same tables; the filter (all / only with / only without a declared strike) in a
real headless Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from shipped_pages import open_offline

from geoconflict import datasets, link
from geoconflict.build import build_maps, load_spec
from geoconflict.render import make_map, save_html
from geoconflict.render.encode import unpack_ints
from geoconflict.render.links import encode_links

BLOCK = re.compile(r'<script type="application/json" id="[^"]+">(.*?)</script>', re.S)


def _links_block(page: str) -> dict[str, Any]:
    blocks = [json.loads(raw) for raw in BLOCK.findall(page)]
    found = [b for b in blocks if isinstance(b, dict) and "leftIds" in b]
    assert len(found) == 1
    return found[0]


def _pairs_of(data: dict[str, Any]) -> set[tuple[str, str]]:
    """The (incident, strike) pairs of a page's links block."""
    left = _ids(data["l"]["id"])
    right = _ids(data["r"]["id"])
    a, b = unpack_ints(data["a"]), unpack_ints(data["b"])
    return {(left[i], right[j]) for i, j in zip(a, b, strict=True)}


def _ids(packed: dict[str, Any]) -> list[str]:
    if "s" in packed:
        return list(packed["s"])
    return [f"{packed['p']}{n}" for n in unpack_ints(packed["n"])]


def _period(frame: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return frame[(frame["date_start"] >= start) & (frame["date_start"] <= end)]


@pytest.fixture(scope="module")
def strikes_page(root: Path, node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("links")
    report = build_maps(
        root / "maps", out, jobs=1, asset_dir=node_modules, only=["strikes-2014-16"]
    )
    assert (report.built, report.failed) == (1, 0)
    return out / "strikes-2014-16.html"


def test_spec_page_links_what_link_match_links(root: Path, strikes_page: Path) -> None:
    spec = load_spec(root / "maps" / "strikes-2014-16.toml")
    layers = spec.layers
    assert (layers.links, layers.links_within_m, layers.links_within_days) == (True, 5000.0, 1)
    assert layers.links_uncertainty
    incidents = _period(datasets.load("incidents"), "2014-12-01", "2016-10-31")
    strikes = _period(datasets.load("strikes"), "2014-12-01", "2016-10-31")
    pairs = link.match(incidents, strikes, 5000, 1, uncertainty=True)
    data = _links_block(strikes_page.read_text())
    assert _pairs_of(data) == set(zip(pairs["left_id"], pairs["right_id"], strict=True))
    assert data["nLeft"] == len(incidents) == 3
    linked = link.summary(pairs, incidents)
    n_linked = int(linked["linked"].sum())
    assert data["note"] == (
        f"{n_linked} of 3 events on this page have a declared strike within 5 km and 1 day"
        f" (uncertainty circles counted); {len(pairs)} links"
    )
    # The figures the spec's comment and the docs give: all three link, eleven links.
    assert (n_linked, len(pairs)) == (3, 11)
    # Without the uncertainty circles the Mosul University incident (5.9 km from the
    # town point the releases' "near Mosul" is placed at) does not link.
    plain = link.summary(link.match(incidents, strikes, 5000, 1), incidents)
    assert plain.loc[~plain["linked"], "event_id"].tolist() == ["CI203"]


def _open(browser: Any, path: Path) -> Any:
    return open_offline(browser, path)


def _choose(page: Any, mode: str) -> list[str]:
    page.check(f"input.gc-links-filter[value={mode}]")
    ids: list[str] = page.evaluate("window.geoconflict.visibleEventIds()")
    return sorted(ids)


@pytest.mark.browser
@pytest.mark.slow
def test_links_layer_and_filter_in_the_built_spec_page(browser: Any, strikes_page: Path) -> None:
    page = _open(browser, strikes_page)
    try:
        page.evaluate("window.geoconflict.setMode('cumulative')")
        page.evaluate("window.geoconflict.setDate('2016-10-31')")
        box = page.inner_text(".gc-links-box")
        assert "only with a declared strike" in box and "11 links shown" in box
        assert "3 of 3 events on this page have a declared strike" in box
        assert page.locator("path.gc-link-line").count() == 11
        everyone = _choose(page, "all")
        assert len(everyone) == 3
        assert _choose(page, "with") == everyone
        assert _choose(page, "without") == []
        assert page.locator("path.gc-link-line").count() == 0
        assert "Links to declared strikes" in page.inner_text(".gc-legend")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_links_filter_splits_the_incidents(
    browser: Any, node_modules: Path, tmp_path: Path
) -> None:
    m = make_map(
        start="2016-03-01",
        end="2016-10-31",
        basemap="none",
        layers={"links": True, "links_within_m": 5000, "links_within_days": 1, "grid": False},
    )
    path = save_html(m, tmp_path / "links.html", asset_dir=node_modules)
    page = _open(browser, path)
    try:
        page.evaluate("window.geoconflict.setMode('cumulative')")
        page.evaluate("window.geoconflict.setDate('2016-10-31')")
        incidents = _period(datasets.load("incidents"), "2016-03-01", "2016-10-31")
        strikes = _period(datasets.load("strikes"), "2016-03-01", "2016-10-31")
        summary = link.summary(link.match(incidents, strikes, 5000, 1), incidents)
        with_ = sorted(summary.loc[summary["linked"], "event_id"])
        without = sorted(summary.loc[~summary["linked"], "event_id"])
        assert (with_, without) == (
            ["ground-mosul-2016-10-17", "ground-western_desert-2016-05"],
            ["CI203"],
        )
        assert _choose(page, "all") == sorted(with_ + without)
        assert _choose(page, "with") == with_
        assert page.locator("path.gc-link-line").count() == 8
        assert _choose(page, "without") == without
        assert page.locator("path.gc-link-line").count() == 0
        assert _choose(page, "all") == sorted(with_ + without)
        # No strikes layer was asked for: only the links.
        assert page.evaluate("!!window.geoconflict.page.layers.strikes") is False
    finally:
        page.close()


def test_links_layer_note_travels_only_when_given() -> None:
    import geopandas as gpd

    ev = gpd.GeoDataFrame(
        {"event_id": ["a"], "date_start": pd.to_datetime(["2017-01-01"])},
        geometry=gpd.points_from_xy([43.1], [36.3]),
        crs=4326,
    )
    pairs = pd.DataFrame({"left_id": ["a"], "right_id": ["a"], "distance_m": [0.0]})
    from geoconflict.render.links import links_layer

    layer = links_layer(pairs, ev, ev, note="<b>1 of 1</b>")
    assert layer.data["note"] == "<b>1 of 1</b>"
    assert "note" not in links_layer(pairs, ev, ev).data
    assert "note" not in encode_links(pairs, ev, ev)


def test_a_linked_strike_shows_its_count_by_the_one_rule() -> None:
    import geopandas as gpd

    from geoconflict.events import strike_counts

    strikes = gpd.GeoDataFrame(
        {
            "event_id": ["s1", "s2", "s3", "s4", "s5"],
            "date_start": pd.to_datetime(["2017-01-01"] * 5),
            "strikes": pd.array(["3", None, "-1", "2.6", "three"], dtype=object),
        },
        geometry=gpd.points_from_xy([43.1] * 5, [36.3] * 5),
        crs=4326,
    )
    incident = strikes.iloc[[0]].assign(event_id="i1").drop(columns="strikes")
    pairs = pd.DataFrame(
        {"left_id": ["i1"] * 5, "right_id": strikes["event_id"], "distance_m": 0.0}
    )
    shown = list(unpack_ints(encode_links(pairs, incident, strikes)["r"]["strikes"]))
    # The popup gets the stated count, or -1 ("no count", left out of the popup).
    assert shown == [3, -1, -1, 3, -1]
    counts, uncounted = strike_counts(strikes)
    assert shown == [-1 if u else int(c) for c, u in zip(counts, uncounted, strict=True)]
