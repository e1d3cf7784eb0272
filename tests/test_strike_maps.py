"""The declared strikes on the shipped maps: spec keys, per-town sums, the built pages.

The per-town totals a page carries are checked against a plain pandas groupby of the
strike table (by ``place_id``, the gazetteer's id, independent of the layer's own
grouping by coordinates); the window sums the page draws, in real Chromium, against the
same groupby over the window's days.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shipped_pages import open_offline

from geoconflict import datasets
from geoconflict.build import build_maps, load_spec
from geoconflict.build.fingerprint import Fingerprints, datasets_used
from geoconflict.build.pipeline import load_events
from geoconflict.errors import OptionError, SpecError
from geoconflict.render import make_map, to_html
from geoconflict.render.encode import unpack_ints
from geoconflict.render.options import LayerOptions, MapOptions
from geoconflict.render.strikes import SHIPPED_NAME, strike_cells, strike_places

BLOCK = re.compile(r'<script type="application/json" id="[^"]+">(.*?)</script>', re.S)


def _spec(tmp_path: Path, text: str, name: str = "m") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _block(page: str, key: str) -> dict[str, Any] | None:
    """The page's JSON data block that has ``key`` (None when there is none)."""
    for raw in BLOCK.findall(page):
        obj = json.loads(raw)
        if isinstance(obj, dict) and key in obj:
            return obj
    return None


def _page_totals(data: dict[str, Any]) -> dict[tuple[int, int], int]:
    """Strikes per place (lon, lat in 1e-5 degree) over the page's whole period."""
    lon, lat = unpack_ints(data["lon"]), unpack_ints(data["lat"])
    offset, strikes = unpack_ints(data["offset"]), unpack_ints(data["strikes"])
    return {
        (int(lon[p]), int(lat[p])): int(strikes[offset[p] : offset[p + 1]].sum())
        for p in range(data["nPlaces"])
    }


def _groupby_totals(strikes: pd.DataFrame, start: str, end: str) -> dict[tuple[int, int], int]:
    """Strikes per place_id with date_start in [start, end], keyed by the place's point."""
    sel = strikes[(strikes["date_start"] >= start) & (strikes["date_start"] <= end)]
    total = sel.groupby("place_id")["strikes"].sum()
    first = sel.drop_duplicates("place_id").set_index("place_id").geometry
    return {
        (round(first[pid].x * 1e5), round(first[pid].y * 1e5)): int(n) for pid, n in total.items()
    }


# -- the spec keys ----------------------------------------------------------------------


def test_spec_takes_the_strikes_and_links_keys(tmp_path: Path) -> None:
    spec = load_spec(
        _spec(
            tmp_path,
            'title = "T"\n[[inputs]]\ndataset = "strikes"\n[[inputs]]\ndataset = "incidents"\n'
            "[layers]\nstrikes = true\nlinks = true\nlinks_within_m = 2500\n"
            "links_within_days = 0\nlinks_uncertainty = true\n",
        )
    )
    assert [i.dataset for i in spec.inputs] == ["strikes", "incidents"]
    layers = spec.layers
    assert (layers.strikes, layers.links, layers.links_within_m) == (True, True, 2500.0)
    assert (layers.links_within_days, layers.links_uncertainty) == (0, True)
    assert spec.options.layers == layers
    loaded = load_events(spec)
    assert len(loaded.events) == len(datasets.load("strikes")) + len(datasets.load("incidents"))
    assert loaded.events["event_id"].is_unique


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        (
            '[[inputs]]\ndataset = "strike"',
            "inputs[0].dataset",
            "expected one of ('incidents', 'strikes'), got 'strike'; did you mean 'strikes'?",
        ),
        (
            '[[inputs]]\ndataset = "areas"',
            "inputs[0].dataset",
            "expected one of ('incidents', 'strikes'), got 'areas'",
        ),
        (
            "[[inputs]]\ndataset = 3",
            "inputs[0].dataset",
            "expected one of ('incidents', 'strikes'), got an integer",
        ),
        ("[layers]\nstrike = true", "layers.strike", "unknown key; did you mean 'strikes'?"),
        ("[layers]\nstrikes = 1", "layers.strikes", "expected true/false, got an integer"),
        (
            "[layers]\nlinks_within_m = 0",
            "layers.links_within_m",
            "expected a number above 0 and up to 500000, got 0",
        ),
        (
            "[layers]\nlinks_within_days = -1",
            "layers.links_within_days",
            "expected an integer from 0 to 3660, got -1",
        ),
        (
            '[layers]\nlinks_within_days = "1"',
            "layers.links_within_days",
            "expected an integer, got a string",
        ),
    ],
)
def test_bad_strike_keys_name_the_file_and_key(
    tmp_path: Path, text: str, key: str, message: str
) -> None:
    path = _spec(tmp_path, 'title = "T"\n' + text)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert str(err.value) == f"{path}, key '{key}': {message}"


def test_make_map_checks_the_same_keys() -> None:
    with pytest.raises(OptionError, match=r"^layers.links_within_m: expected a number above 0"):
        make_map(layers={"links_within_m": -5})
    assert LayerOptions.from_dict({"links": True}).links_within_days == 1


LINKS_OFF = "is set but layers.links is off, where it does nothing: turn links on or drop {}"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("links_within_m = 2500", "links_within_m"),
        ("links = false\nlinks_within_days = 0", "links_within_days"),
        ("strikes = true\nlinks_uncertainty = true", "links_uncertainty"),
    ],
)
def test_link_thresholds_without_links_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = _spec(tmp_path, f'title = "T"\n[layers]\n{toml}\n')
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert str(err.value) == f"{path}, key 'layers.{key}': {LINKS_OFF.format(key)}"
    value = {"links_within_m": 2500, "links_within_days": 0, "links_uncertainty": True}[key]
    expected = f"layers.{key}: {LINKS_OFF.format(key)}"
    with pytest.raises(OptionError) as direct:
        make_map(layers={key: value})
    assert str(direct.value) == expected
    with pytest.raises(OptionError) as flat:  # the flat spelling and the constructor too
        MapOptions(**{key: value})
    assert str(flat.value) == expected
    with pytest.raises(OptionError):
        LayerOptions(**{key: value})
    # With links on the same value is taken.
    assert getattr(LayerOptions.from_dict({"links": True, key: value}), key) == value
    # ... however the two are split between the group and the flat spelling.
    assert getattr(MapOptions(layers={key: value}, links=True).layers, key) == value
    assert getattr(MapOptions(layers={"links": True}, **{key: value}).layers, key) == value
    assert getattr(MapOptions(layers=LayerOptions(), links=True, **{key: value}).layers, key) == (
        value
    )
    with pytest.raises(OptionError, match="expected a LayerOptions or a dict, got int"):
        MapOptions(layers=3, links=True)


def test_link_defaults_without_links_are_accepted(tmp_path: Path) -> None:
    # The defaults are what links would use: given or left out they ask for nothing.
    spec = load_spec(
        _spec(tmp_path, 'title = "T"\n[layers]\nlinks_within_m = 5000\nlinks_within_days = 1\n')
    )
    assert (spec.layers.links, spec.layers.links_within_m) == (False, 5000.0)
    explicit = LayerOptions(**{**LayerOptions().to_dict(), "links_within_m": 5000.0})
    assert explicit == LayerOptions()
    # Turning links off keeps working on options whose thresholds are the defaults.
    on = MapOptions(layers={"links": True})
    assert on.replace(layers={**on.layers.to_dict(), "links": False}).layers == LayerOptions()


# -- the sums -----------------------------------------------------------------------------


def test_cells_sum_to_the_groupby_of_the_strike_table() -> None:
    strikes = datasets.load("strikes")
    cells, skipped = strike_cells(strikes)
    assert skipped.empty and int(cells["lines"].sum()) == len(strikes)
    assert int(cells["strikes"].sum()) == int(strikes["strikes"].sum())
    places = strike_places(cells)
    expected = _groupby_totals(strikes, "2014-01-01", "2016-12-31")
    got = {(int(o), int(a)): int(n) for o, a, n in places[["lon", "lat", "strikes"]].to_numpy()}
    assert got == expected
    assert len(got) == strikes["place_id"].nunique() == 44
    # Per place and day too: one Mosul day checked against the lines themselves.
    mosul = strikes[(strikes["place_id"] == "mosul") & (strikes["date_start"] == "2016-03-19")]
    day = int((pd.Timestamp("2016-03-19") - pd.Timestamp("1970-01-01")).days)
    row = cells[(cells["place"] == "Mosul") & (cells["day"] == day)]
    assert (int(row["strikes"].iloc[0]), int(row["lines"].iloc[0])) == (
        int(mosul["strikes"].sum()),
        len(mosul),
    )


def test_lines_without_a_count_date_or_point_are_counted_or_listed() -> None:
    st = gpd.GeoDataFrame(
        {
            "event_id": ["a", "b", "c", "d"],
            "place": ["Hit", "Hit", "Hit", "Hit"],
            "date_start": pd.to_datetime(["2016-03-20", "2016-03-20", None, "2016-03-21"]),
            "strikes": pd.array([2, None, 5, 1], dtype="Int64"),
        },
        geometry=gpd.points_from_xy([42.8, 42.8, 42.8, np.nan], [33.6, 33.6, 33.6, np.nan]),
        crs=4326,
    )
    cells, skipped = strike_cells(st)
    assert cells[["strikes", "lines", "uncounted"]].to_dict("records") == [
        {"strikes": 2, "lines": 2, "uncounted": 1}
    ]
    assert skipped[["row", "field", "value"]].to_dict("records") == [
        {"row": 3, "field": "date_start", "value": "c"},
        {"row": 4, "field": "geometry", "value": "d"},
    ]


def test_place_is_named_by_most_of_its_lines() -> None:
    st = gpd.GeoDataFrame(
        {
            "place": ["Mosul", "Al Mawsil", "Mosul", None],
            "date_start": pd.to_datetime(["2016-03-20"] * 4),
            "strikes": [1, 1, 1, 1],
        },
        geometry=gpd.points_from_xy([43.1] * 4, [36.3] * 4),
        crs=4326,
    )
    assert strike_places(st)[["place", "strikes", "lines"]].to_dict("records") == [
        {"place": "Mosul", "strikes": 4, "lines": 4}
    ]


# -- the built pages ----------------------------------------------------------------------

SHIPPED = {
    # spec -> (start, end) the strikes are clipped to, or None: no strikes layer
    "air-campaign-overview": ("2016-01-01", "2017-12-31"),
    "western-desert-2016-17": ("2016-05-01", "2017-12-09"),
    "strikes-2014-16": ("2014-12-01", "2016-10-31"),
    "mosul-2016-17": None,
    "raqqa-2017": None,
}


@pytest.fixture(scope="module")
def built(root: Path, node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    report = build_maps(root / "maps", out, jobs=1, asset_dir=node_modules, progress=False)
    assert report.failed == 0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_built_pages_carry_the_per_town_totals(built: Path, name: str) -> None:
    page = (built / f"{name}.html").read_text()
    data = _block(page, "nPlaces")
    period = SHIPPED[name]
    if period is None:
        assert data is None and SHIPPED_NAME not in page
        return
    assert data is not None and data["title"] == SHIPPED_NAME
    expected = _groupby_totals(datasets.load("strikes"), *period)
    assert _page_totals(data) == expected
    assert data["total"] == sum(expected.values()) > 0
    assert f'"{SHIPPED_NAME}"' in page  # in the layer control


@pytest.fixture(scope="module")
def built_with_strikes(
    root: Path, node_modules: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Only the shipped pages that draw the strikes (`built` has all five, for the slow tier)."""
    out = tmp_path_factory.mktemp("dist_strikes")
    names = sorted(name for name, period in SHIPPED.items() if period)
    report = build_maps(
        root / "maps", out, jobs=1, asset_dir=node_modules, progress=False, only=names
    )
    assert (report.built, report.failed) == (len(names), 0)
    return out


def test_the_strikes_periods_are_what_the_specs_say(built_with_strikes: Path) -> None:
    built = built_with_strikes
    totals = {
        name: _block((built / f"{name}.html").read_text(), "nPlaces")
        for name, period in SHIPPED.items()
        if period
    }
    strikes = datasets.load("strikes")
    assert totals["strikes-2014-16"]["total"] == int(strikes["strikes"].sum()) == 11513
    in_2016 = strikes[strikes["date_start"] >= "2016-01-01"]["strikes"].sum()
    assert totals["air-campaign-overview"]["total"] == int(in_2016)


def test_strikes_and_links_are_manifest_data_and_in_the_fingerprint(
    root: Path, tmp_path: Path
) -> None:
    spec = load_spec(root / "maps" / "strikes-2014-16.toml")
    assert "strikes.csv" in datasets_used(spec)
    assert "strikes.csv" not in datasets_used(load_spec(root / "maps" / "raqqa-2017.toml"))
    fp = Fingerprints({"maps": {}}, {})
    raw = (root / "maps" / "strikes-2014-16.toml").read_bytes()
    assert fp.data_files["strikes.csv"]["size"] == datasets.path("strikes").stat().st_size
    before = fp.fingerprint(raw, fp.inputs_of(spec))
    fp.data_files["strikes.csv"] = {**fp.data_files["strikes.csv"], "sha256": "0" * 64}
    assert fp.fingerprint(raw, fp.inputs_of(spec)) != before


def test_a_changed_strike_table_rebuilds_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geoconflict.build import fingerprint

    maps = tmp_path / "maps"
    maps.mkdir()
    _spec(maps, 'title = "S"\n[[inputs]]\ndataset = "strikes"\n', "s")
    out = tmp_path / "dist"
    kw: dict[str, Any] = {"jobs": 1, "renderer": _standin, "progress": False}
    assert build_maps(maps, out, **kw).summary().startswith("built 1,")
    assert build_maps(maps, out, **kw).summary().startswith("built 0, unchanged 1")
    real = fingerprint.shipped_data_files()
    changed = {**real, "strikes.csv": {**real["strikes.csv"], "sha256": "1" * 64}}
    monkeypatch.setattr(fingerprint, "shipped_data_files", lambda: changed)
    assert build_maps(maps, out, **kw).summary().startswith("built 1,")


def _standin(spec: Any, events: Any, *, asset_dir: Any = None) -> str:
    return f"<!DOCTYPE html><p>{spec.title}: {len(events)} events</p>\n"


def test_make_map_leaves_the_strikes_out_unless_asked() -> None:
    page = to_html(make_map(basemap="none", layers={"grid": False}), assets="cdn")
    assert _block(page, "nPlaces") is None and _block(page, "leftIds") is None
    page = to_html(
        make_map(basemap="none", start="2016-06-01", end="2016-06-30", layers={"strikes": True}),
        assets="cdn",
    )
    data = _block(page, "nPlaces")
    assert data is not None
    assert _page_totals(data) == _groupby_totals(
        datasets.load("strikes"), "2016-06-01", "2016-06-30"
    )


# -- in Chromium: the window sums and the legend ------------------------------------------


def _open(browser: Any, path: Path, date: str) -> Any:
    page = open_offline(browser, path)
    page.evaluate(f"window.geoconflict.setDate('{date}')")
    return page


def _window(strikes: pd.DataFrame, lo: str, hi: str) -> dict[tuple[int, int], int]:
    return _groupby_totals(strikes, lo, hi)


@pytest.mark.browser
@pytest.mark.slow
def test_hidden_zones_have_no_share_timeline_and_their_key_follows_the_layer(
    browser: Any, built: Path
) -> None:
    # The strikes page opens with the territory layer off (layers.territory = false):
    # no share of cleared territory is stated, and the zones' key shows only while the
    # reader has the zones on the map.
    page = open_offline(browser, built / "strikes-2014-16.html")
    try:
        assert page.evaluate("window.geoconflict.page.cfg.shares") == []
        assert page.locator(".gc-share").count() == 0
        assert page.evaluate("window.geoconflict.getDate()") == "2016-03-19"  # time.date
        key = ".gc-territory-key"
        assert page.evaluate(f"document.querySelector('{key}').hidden") is True
        page.evaluate("(() => { const p = window.geoconflict.page;"
                      " p.layers.territory.addTo(p.map); })()")  # fmt: skip
        assert page.evaluate(f"document.querySelector('{key}').hidden") is False
        assert "Territory at the slider date" in page.inner_text(".gc-legend")
        # the links box: its count in the summary line when folded
        summary = page.inner_text(".gc-links-summary")
        assert summary.startswith("Links to declared strikes")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_page_draws_the_strikes_of_the_slider_window(
    browser: Any, built: Path, tmp_path: Path
) -> None:
    strikes = datasets.load("strikes")
    page = _open(browser, built / "strikes-2014-16.html", "2016-03-19")
    try:
        rows = page.evaluate("window.geoconflict.page.layers.strikes.windowRows()")
        got = {(r[0], r[1]): r[2] for r in rows}
        # window mode, 30 days: 2016-02-19 .. 2016-03-19
        assert got == _window(strikes, "2016-02-19", "2016-03-19")
        in_window = _window(strikes, "2016-02-19", "2016-03-19")
        assert page.inner_text(".gc-strikes-count") == (
            f"{sum(in_window.values())} strikes at {len(in_window)} places"
            " in the 30 days to 19 Mar 2016"
        )
        radius = page.evaluate("window.geoconflict.page.layers.strikes.radiusOf(100)")
        assert radius == pytest.approx(12.0)
        for r in rows:
            assert r[4] == pytest.approx(max(min(3 + 0.9 * np.sqrt(r[2]), 40), 2) if r[2] else 2)
        page.evaluate("window.geoconflict.setMode('cumulative')")
        rows = page.evaluate("window.geoconflict.page.layers.strikes.windowRows()")
        assert {(r[0], r[1]): r[2] for r in rows} == _window(strikes, "2014-12-01", "2016-03-19")
        legend = page.inner_text(".gc-legend")
        assert SHIPPED_NAME in legend
        assert "Links to declared strikes" in legend
        total = sum(_window(strikes, "2014-12-01", "2016-03-19").values())
        places = len(_window(strikes, "2014-12-01", "2016-03-19"))
        assert page.inner_text(".gc-strikes-count") == (
            f"{total} strikes at {places} places to 19 Mar 2016"
        )
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_strike_popup_is_text(browser: Any, built: Path, tmp_path: Path) -> None:
    page = _open(browser, built / "western-desert-2016-17.html", "2016-06-30")
    try:
        assert page.inner_text(".gc-legend").count(SHIPPED_NAME) == 1
        page.evaluate(
            "(() => { const g = window.geoconflict.page.layers.strikes;"
            " g.eachLayer(l => { if (!window._c || l.getRadius() > window._c.getRadius())"
            " window._c = l; }); window._c.fire('click', {latlng: window._c.getLatLng()}); })()"
        )
        popup = page.inner_text(".gc-strike-popup")
        assert "Window: the start – 2016-06-30" in popup and "Declared strikes: " in popup
    finally:
        page.close()


def test_shipped_strike_specs_are_self_described(root: Path) -> None:
    for name in ("air-campaign-overview", "western-desert-2016-17", "strikes-2014-16"):
        spec = load_spec(root / "maps" / f"{name}.toml")
        assert spec.layers.strikes, name
    for name in ("mosul-2016-17", "raqqa-2017"):
        text = (root / "maps" / f"{name}.toml").read_text()
        assert (
            "No declared strikes" in text
            and not load_spec(root / "maps" / f"{name}.toml").layers.strikes
        )


def test_make_map_warns_of_strikes_it_cannot_draw() -> None:
    # "c" has neither a date nor a point: two ledger rows, one line in the warning.
    st = gpd.GeoDataFrame(
        {
            "event_id": ["a", "b", "c"],
            "place": ["Hit", "Hit", "Hit"],
            "date_start": pd.to_datetime(["2016-03-20", None, None]),
            "strikes": [2, 3, 4],
        },
        geometry=[*gpd.points_from_xy([42.8, 42.8], [33.6, 33.6]), None],
        crs=4326,
    )
    with pytest.warns(UserWarning, match=r"^2 declared strikes cannot be drawn"):
        m = make_map(basemap="none", strikes=st, layers={"strikes": True})
    data = _block(to_html(m, assets="cdn"), "nPlaces")
    assert data is not None and data["total"] == 2 and data["title"] == "Declared strikes"


def test_page_range_covers_the_strikes_when_no_dates_are_given() -> None:
    from geoconflict.events import empty_events

    m = make_map(empty_events(), basemap="none", territory=None, layers={"strikes": True})
    config = _block(to_html(m, assets="cdn"), "kindColours")
    assert config is not None
    epoch = pd.Timestamp("1970-01-01")
    first, last = datasets.load("strikes")["date_start"].agg(["min", "max"])
    assert (config["start"], config["end"]) == ((first - epoch).days, (last - epoch).days)
