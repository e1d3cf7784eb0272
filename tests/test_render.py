"""Unit tests of the map page: encoding, ids, assets, layers, byte-identical output."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import http.server
import io
import json
import re
import tarfile
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from helpers import bare_map_args

from geoconflict.errors import AssetError, GeoconflictError, OptionError
from geoconflict.render import (
    MapOptions,
    encode_events,
    grid_lines,
    make_map,
    save_html,
    status_at,
    to_html,
)
from geoconflict.render import assets as assets_mod
from geoconflict.render.encode import pack_ids, pack_ints, pack_text, to_json, unpack_ints
from geoconflict.render.options import FilterOptions, LayerOptions, PageOptions, TimeOptions
from geoconflict.synthetic import synthetic_events

XSS = "</script><script>window.pwned=1</script><img src=x onerror=window.pwned=1> \"q\" 'q' `b`"


def zones_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["east", "west", "nodates"],
            "name": ["East", "West", "No dates"],
            "contested_from": pd.to_datetime(["2016-11-01", "2017-02-19", None]),
            "cleared_on": pd.to_datetime(["2017-01-24", "2017-07-10", None]),
        },
        geometry=[
            shapely.box(43.13, 36.25, 43.3, 36.45),
            shapely.box(42.95, 36.25, 43.13, 36.45),
            shapely.box(42.9, 36.1, 42.95, 36.2),
        ],
        crs=4326,
    )


def small_map(events: gpd.GeoDataFrame | None = None, **kw: object):
    args = bare_map_args(zones_frame(), "Test", **kw)
    return make_map(synthetic_events(300, seed=3) if events is None else events, **args)


# ---------------------------------------------------------------- encoding


def test_to_json_escapes_everything_that_could_end_a_script_block() -> None:
    text = to_json({"n": XSS + "\u2028\u2029&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"n": XSS + "\u2028\u2029&"}


@pytest.mark.parametrize(
    "values",
    [[0, 255], [-1, 5], [0, 70000], [-40000, 3], [-(2**31), 2**31 - 1], [5, 5, 5], [9]],
)
@pytest.mark.parametrize("delta", [False, True])
def test_pack_ints_round_trips(values: list[int], delta: bool) -> None:
    arr = np.array(values, dtype="int64")
    if delta and (np.abs(np.diff(arr, prepend=0)) >= 2**31).any():
        with pytest.raises(ValueError, match="32-bit"):
            pack_ints(arr, delta=delta)
        return
    packed = pack_ints(arr, delta=delta)
    assert unpack_ints(packed).tolist() == values


def test_pack_ints_picks_the_smallest_width() -> None:
    assert pack_ints(np.array([0, 200]))["t"] == "u1"
    assert pack_ints(np.array([-3, 100]))["t"] == "i1"
    assert pack_ints(np.array([0, 60000]))["t"] == "u2"
    assert pack_ints(np.array([3_633_500, 4_311_889]))["t"] == "i4"
    with pytest.raises(ValueError, match="32-bit"):
        pack_ints(np.array([0, 2**40]))


def test_pack_text_dictionary_and_constant() -> None:
    packed = pack_text(pd.Series(["b", None, "a", "b"], dtype=object))
    codes = unpack_ints(packed["k"])
    assert [packed["v"][c] for c in codes] == ["b", None, "a", "b"]
    assert pack_text(["same"] * 5) == {"c": "same"}
    assert pack_text(pd.Series([None, None], dtype=object)) == {"c": None}


def test_pack_ids_prefix_numbers_and_fallback() -> None:
    packed = pack_ids(pd.Series(["CI5", "CI17", "CI0"]))
    assert packed["p"] == "CI"
    assert unpack_ints(packed["n"]).tolist() == [5, 17, 0]
    # Leading zeros or mixed shapes fall back to plain strings (ids stay exact).
    assert pack_ids(pd.Series(["CI05", "CI17"])) == {"s": ["CI05", "CI17"]}
    assert pack_ids(pd.Series(["CS1", "CI2"])) == {"s": ["CS1", "CI2"]}
    # Non-ASCII digits are text, not numbers (Arrow cannot cast them).
    assert pack_ids(pd.Series(["1", "١٢", "１"])) == {"s": ["1", "١٢", "１"]}


def test_encode_events_sorts_by_date_and_lists_undrawable_rows() -> None:
    ev = synthetic_events(6, seed=9)
    ev.loc[2, "date_start"] = pd.NaT
    ev.loc[4, "geometry"] = None
    ev.loc[5, "geometry"] = shapely.Point(np.nan, np.nan)
    payload, skipped = encode_events(ev)
    assert payload["n"] == 3
    assert skipped.to_dict("list") == {
        "row": [3, 5, 6],
        "field": ["date_start", "geometry", "geometry"],
        "value": ["syn-2", "syn-4", "syn-5"],
        "reason": [
            "no date_start: cannot place on the time slider",
            "no valid point location: cannot draw",
            "no valid point location: cannot draw",
        ],
    }
    days = unpack_ints(payload["day"])
    assert (np.diff(days) >= 0).all()
    kept = ev.iloc[[0, 1, 3]].sort_values("date_start", kind="stable")
    expected_days = kept["date_start"].to_numpy().astype("datetime64[D]").astype("int64")
    assert days.tolist() == expected_days.tolist()
    ids = [payload["id"]["p"] + str(n) for n in unpack_ints(payload["id"]["n"])]
    assert ids == kept["event_id"].tolist()
    lat = unpack_ints(payload["lat"]) / 1e5
    np.testing.assert_allclose(lat, kept.geometry.y.to_numpy(), atol=1e-5)


def test_encode_events_start_end_and_codes() -> None:
    ev = synthetic_events(400, seed=4)
    payload, _ = encode_events(ev, start="2016-01-01", end="2016-12-31")
    sel = ev[(ev["date_start"] >= "2016-01-01") & (ev["date_start"] <= "2016-12-31")]
    assert payload["n"] == len(sel)
    sel = sel.sort_values("date_start", kind="stable")
    kinds = [payload["kinds"][c] for c in unpack_ints(payload["kind"])]
    assert kinds == sel["kind"].tolist()
    cmax = unpack_ints(payload["cmax"])
    assert cmax.tolist() == sel["civilians_killed_max"].astype("int64").tolist()


def test_make_map_records_skipped_events() -> None:
    ev = synthetic_events(5, seed=1)
    ev.loc[1, "date_start"] = pd.NaT
    with pytest.warns(UserWarning, match="1 events cannot be drawn"):
        m = small_map(ev)
    assert m.skipped["row"].tolist() == [2]


# ---------------------------------------------------------------- page


def test_same_inputs_give_byte_identical_html() -> None:
    ev = synthetic_events(500, seed=11)
    a = to_html(small_map(ev), assets="cdn")
    b = to_html(small_map(ev.copy()), assets="cdn")
    assert a == b
    # no random 32-hex element ids left, no timestamps
    assert not re.search(r"_[0-9a-f]{32}\b", a)
    assert "map_gc" in a


def test_rendering_twice_gives_the_same_bytes() -> None:
    m = small_map()
    assert to_html(m, assets="cdn") == to_html(m, assets="cdn")


def test_folium_default_assets_are_stripped() -> None:
    page = to_html(small_map(), assets="cdn")
    for name in ("jquery", "bootstrap", "fontawesome", "awesome-markers", "glyphicons"):
        assert name not in page.lower()
    srcs = re.findall(r'<script src="([^"]+)"', page)
    assert srcs == [
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js",
        "https://cdn.jsdelivr.net/npm/mgrs@2.2.0/dist/mgrs.min.js",
    ]


def test_untrusted_text_stays_data() -> None:
    ev = synthetic_events(3, seed=2)
    ev["notes"] = [XSS, "{{ 7*7 }}", "{% raw %}x"]
    ev["place"] = ["<b>bold</b>", None, "x"]
    page = to_html(small_map(ev, title="{{ 6*7 }} </script>"), assets="cdn")
    assert "window.pwned" in page  # it is there, escaped ...
    assert "<script>window.pwned" not in page  # ... but never as markup
    assert "<img src=x" not in page and "<b>bold" not in page
    assert "{{ 7*7 }}" in page and "{{ 6*7 }}" in page  # not evaluated by Jinja
    # every JSON data block parses back to the original text
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    texts = [json.loads(b) for b in blocks]
    events = next(t for t in texts if isinstance(t, dict) and t.get("n") == 3)
    assert XSS in events["text"]["notes"]["v"]


def test_title_is_escaped_in_the_head() -> None:
    page = to_html(small_map(title="</title><script>x</script>"), assets="cdn")
    assert "</title><script>x" not in page


def test_save_html_writes_atomically(tmp_path: Path) -> None:
    m = small_map()
    out = save_html(m, tmp_path / "sub" / "map.html", assets="cdn")
    assert out.read_text(encoding="utf-8") == to_html(m, assets="cdn")
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]
    # a failing build leaves the previous file untouched and no partial file
    with pytest.raises(AssetError):
        save_html(m, out, assets="inline", asset_dir=tmp_path / "no_node_modules")
    assert out.read_text(encoding="utf-8") == to_html(m, assets="cdn")
    assert [p.name for p in out.parent.iterdir()] == ["map.html"]


def test_options_validate() -> None:
    # The flat spelling of earlier versions still works, each name put into its group.
    with pytest.raises(
        OptionError, match=r"time\.mode: expected one of \('cumulative', 'window'\)"
    ):
        MapOptions(mode="forever")
    with pytest.raises(OptionError, match=r"time\.window_days: expected an integer from 1 to"):
        MapOptions(window_days=0)
    with pytest.raises(OptionError, match="colour: unknown option; MapOptions takes time"):
        MapOptions.from_dict({"colour": "red"})
    with pytest.raises(OptionError, match=r"filters\.kinds\[0\]: unknown value 'bombing'"):
        MapOptions(kinds=("bombing",))
    with pytest.raises(OptionError, match="did you mean 'layers'"):
        MapOptions(layer={"grid": False})
    with pytest.raises(OptionError, match=r"page\.width: expected a CSS size"):
        MapOptions(page={"width": 800})
    # One error type: a GeoconflictError and a ValueError, naming the allowed values.
    with pytest.raises(ValueError, match=r"\('day', 'week', 'month'\)"):
        make_map(time={"step": "fortnight"})
    with pytest.raises(GeoconflictError, match="time: expected a TimeOptions or a dict"):
        make_map(time="window")


def test_options_groups_flat_and_dicts_agree() -> None:
    flat = MapOptions(mode="window", window_days=7, chart="weapons", grid=False)
    grouped = MapOptions(
        time=TimeOptions(mode="window", window_days=7),
        page={"chart": "weapons"},
        layers=LayerOptions(grid=False),
    )
    assert flat == grouped == MapOptions.from_dict(
        {"time": {"mode": "window", "window_days": 7}, "page": {"chart": "weapons"},
         "layers": {"grid": False}}
    )  # fmt: skip
    assert flat.time.step == "week" and flat.filters == FilterOptions()
    assert flat.page == PageOptions(chart="weapons")
    # A group given to make_map replaces that part of options=.
    assert grouped.replace(page={"chart": "none"}).page.chart == "none"
    assert grouped.replace(page=None).page.chart == "weapons"
    assert TimeOptions(date="2017-03-01").date == dt.date(2017, 3, 1)


def test_make_map_groups_give_the_same_page_as_options() -> None:
    by_groups = small_map(time={"mode": "window", "window_days": 14}, layers={"grid": False})
    by_options = small_map(options=MapOptions(mode="window", window_days=14, grid=False))
    page = to_html(by_groups, assets="cdn")
    assert page == to_html(by_options, assets="cdn")
    assert '"window_days":14' in page and '"mode":"window"' in page
    # A group alongside options= wins for its part.
    both = small_map(options=MapOptions(step="day"), time={"step": "month"})
    assert '"step":"month"' in to_html(both, assets="cdn")


def test_make_map_reads_study_areas_from_a_file(tmp_path: Path) -> None:
    from helpers import nested_areas

    path = tmp_path / "areas.geojson"
    nested_areas().to_file(path)
    from_file = to_html(small_map(areas=path, extent="town"), assets="cdn")
    from_frame = to_html(small_map(areas=nested_areas(), extent="town"), assets="cdn")
    assert from_file == from_frame
    assert "City west" in from_file
    assert to_html(small_map(areas=str(path), extent="town"), assets="cdn") == from_file


def test_make_map_rejects_bad_arguments() -> None:
    with pytest.raises(GeoconflictError, match="basemap"):
        small_map(basemap="satellite")
    with pytest.raises(GeoconflictError, match="extent"):
        small_map(extent=(44, 36, 43, 35))


def test_basemaps() -> None:
    osm = to_html(small_map(basemap="osm"), assets="cdn")
    assert "tile.openstreetmap.org" in osm
    custom = to_html(small_map(basemap="https://tiles.example.org/{z}/{x}/{y}.png"), assets="cdn")
    assert "tiles.example.org/{z}/{x}/{y}.png" in custom
    none = to_html(small_map(basemap="none"), assets="cdn")
    assert "tile.openstreetmap.org" not in none and "L.tileLayer" not in none


def test_defaults_use_the_shipped_data() -> None:
    from geoconflict import datasets

    m = make_map(basemap="none", page={"chart": "weapons"})
    page = to_html(m, assets="cdn")
    for kind in (
        "territory",
        "areas",
        "rivers",
        "grid",
        "places",
        "protected",
        "events",
        "context",
    ):
        assert f'GC.layer("{kind}"' in page
    incidents = datasets.load("incidents")
    payload = next(c.data for c in m._children.values() if getattr(c, "kind", None) == "events")
    assert payload["n"] + len(m.skipped) == len(incidents)
    weapons = datasets.load("weapons_monthly")
    assert f"[{int(pd.Timestamp('2017-08-01').value // 86_400_000_000_000)},5075]" in page
    assert int(weapons.loc[weapons["month"] == "2017-08-01", "weapons"].iloc[0]) == 5075


def test_extent_from_area_ids() -> None:
    areas = gpd.GeoDataFrame(
        {"area_id": ["raqqa"], "name": ["Raqqa"]},
        geometry=[shapely.box(38.9, 35.9, 39.1, 36.0)],
        crs=4326,
    )
    m = small_map(areas=areas, extent="raqqa")
    cfg = next(c.config for c in m._children.values() if hasattr(c, "config"))
    assert cfg["bounds"] == [[35.9, 38.9], [36.0, 39.1]]
    with pytest.raises(GeoconflictError, match="no study area"):
        small_map(areas=areas, extent=["mosul"])


# ---------------------------------------------------------------- layers


def test_status_at_matches_territory_state_at() -> None:
    from geoconflict import territory

    zones = zones_frame()
    for date in ("2016-10-31", "2016-11-01", "2017-01-23", "2017-01-24", "2017-07-10"):
        ours = status_at(zones, date).tolist()
        theirs = territory.state_at(date, zones.assign(area_id="mosul"))["status"].tolist()
        assert ours == theirs, date
    assert status_at(zones, "2016-11-01").tolist() == ["contested", "isis", "contested"]


def test_grid_labels_are_the_mgrs_squares() -> None:
    import mgrs

    conv = mgrs.MGRS()
    g = grid_lines((38.9, 35.8, 43.3, 36.5))
    labels = {lab["text"] for lab in g["labels"]}
    # Raqqa and Mosul city centres fall in these 100 km squares
    assert conv.toMGRS(35.95283, 39.00788, MGRSPrecision=0) in labels
    assert conv.toMGRS(36.335, 43.11889, MGRSPrecision=0) in labels
    for lab in g["labels"]:
        assert conv.toMGRS(lab["lat"], lab["lon"], MGRSPrecision=0) == lab["text"]
    # lines stay inside the extent
    coords = np.array([c for line in g["lines10"] + g["lines100"] for c in line])
    assert coords[:, 0].min() >= 38.9 - 1e-9 and coords[:, 0].max() <= 43.3 + 1e-9
    assert grid_lines((0, 0, 100, 60)) == {"lines100": [], "lines10": [], "labels": []}


def test_places_split_into_towns_and_protected_sites() -> None:
    from geoconflict.render.places import protected_mask

    places = pd.DataFrame({"name": ["a", "b", "c"], "protected": [True, False, None]})
    assert protected_mask(places).tolist() == [True, False, False]
    by_kind = pd.DataFrame({"kind": ["town", "hospital", None]})
    assert protected_mask(by_kind).tolist() == [False, True, False]


# ---------------------------------------------------------------- assets


def test_asset_declarations_pin_versions_and_integrity() -> None:
    records = assets_mod.page_assets()
    assert {(r["package"], r["version"]) for r in records} == {
        ("leaflet", "1.9.4"),
        ("mgrs", "2.2.0"),
    }
    for r in records:
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", r["integrity"])
        assert (
            r["cdn_url"]
            == f"https://cdn.jsdelivr.net/npm/{r['package']}@{r['version']}/{r['path']}"
        )


def test_package_json_pins_the_same_versions(root: Path) -> None:
    deps = json.loads((root / "package.json").read_text())["dependencies"]
    for a in assets_mod.PAGE_ASSETS:
        assert deps[a.package] == a.version


def test_inline_assets_from_node_modules(node_modules: Path) -> None:
    page = to_html(small_map(), assets="inline", asset_dir=node_modules)
    assert "<script src=" not in page and "<link rel=" not in page
    leaflet = (node_modules / "leaflet/dist/leaflet.js").read_text()
    assert leaflet.splitlines()[1] in page
    assert "sourceMappingURL" not in page
    # the CSS's images are data URIs: nothing is requested
    assert "url(images/" not in page
    png = base64.b64encode((node_modules / "leaflet/dist/images/layers.png").read_bytes()).decode()
    assert png in page


def test_local_assets_are_written_beside_the_page(tmp_path: Path, node_modules: Path) -> None:
    out = save_html(small_map(), tmp_path / "m.html", assets="local", asset_dir=node_modules)
    page = out.read_text()
    for a in assets_mod.PAGE_ASSETS:
        assert a.local_path in page
        assert (tmp_path / a.local_path).exists()
    assert (tmp_path / "assets/leaflet@1.9.4/dist/images/layers.png").exists()


def test_asset_dir_with_another_version_is_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "leaflet"
    pkg.mkdir()
    (pkg / "package.json").write_text('{"version": "1.9.3"}')
    with pytest.raises(AssetError, match=r"1\.9\.3"):
        to_html(small_map(), assets="inline", asset_dir=tmp_path)
    with pytest.raises(AssetError, match="assets mode"):
        to_html(small_map(), assets="embed")


def _tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo("package/" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture
def registry(tmp_path: Path):
    """A local npm-registry stand-in on port 0 serving one tarball; counts requests."""
    root = tmp_path / "registry"
    (root / "demo" / "-").mkdir(parents=True)
    data = _tarball({"package.json": b'{"version": "1.0.0"}', "dist/demo.js": b"var demo=1;"})
    (root / "demo" / "-" / "demo-1.0.0.tgz").write_bytes(data)
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            hits.append(self.path)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", assets_mod.integrity_of(data), hits
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_package_verifies_and_caches(
    registry: tuple[str, str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, integrity, hits = registry
    monkeypatch.setenv("GEOCONFLICT_CACHE", str(tmp_path / "cache"))
    path = assets_mod.fetch_package("demo", "1.0.0", integrity=integrity, registry=url)
    assert path == tmp_path / "cache" / "npm" / "demo@1.0.0"
    assert (path / "dist" / "demo.js").read_text() == "var demo=1;"
    assert len(hits) == 1
    again = assets_mod.fetch_package("demo", "1.0.0", integrity=integrity, registry=url)
    assert again == path and len(hits) == 1  # served from the cache


def test_fetch_package_refuses_a_tampered_tarball(
    registry: tuple[str, str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, integrity, _ = registry
    monkeypatch.setenv("GEOCONFLICT_CACHE", str(tmp_path / "cache"))
    wrong = "sha512-" + base64.b64encode(b"\0" * 64).decode()
    with pytest.raises(AssetError, match="integrity mismatch"):
        assets_mod.fetch_package("demo", "1.0.0", integrity=wrong, registry=url)
    assert not (tmp_path / "cache" / "npm" / "demo@1.0.0").exists()
    with pytest.raises(AssetError, match="cannot fetch"):
        assets_mod.fetch_package("nothere", "1.0.0", integrity=integrity, registry=url)


def test_jupyter_display_is_the_page_in_an_iframe() -> None:
    import html

    m = small_map()
    shown = m._repr_html_()
    assert shown.count("<iframe srcdoc=") == 1
    page = html.unescape(shown.split('srcdoc="', 1)[1].split('" style=', 1)[0])
    assert page == to_html(m, assets="inline")  # the notebook cell works offline


def test_a_tile_url_cannot_smuggle_markup_into_the_attribution() -> None:
    from geoconflict.errors import GeoconflictError
    from geoconflict.render.make import tile_host

    assert tile_host("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "{s}.tile.example.org"
    for bad in (
        "https://a<img src=x onerror=alert(1)>b/{z}/{x}/{y}.png",
        "https://user:secret@tiles.example.org/{z}/{x}/{y}.png",
        "//tiles.example.org/{z}/{x}/{y}.png",
        "javascript:alert(1)//{z}",
    ):
        with pytest.raises(GeoconflictError, match="plain http"):
            tile_host(bad)


#: Imports the third-party libraries of the pages once, then forks a child per module
#: named on the command line ("-": none): each child imports geoconflict afresh (none of it
#: is imported before the fork), that module first, and sends back the exports of
#: geoconflict.render that are modules or not callable. One interpreter instead of three.
_FIRST_IMPORTS = """
import importlib, json, os, sys, traceback, types
import folium, geopandas, pandas
assert not [m for m in sys.modules if m.split(".")[0] == "geoconflict"]
out = {}
for first in sys.argv[1:]:
    r, w = os.pipe()
    if os.fork() == 0:
        code = 1
        try:
            os.close(r)
            if first != "-":
                importlib.import_module(first)
            import geoconflict.render as g
            names = [n for n in g.__all__ if not n.isupper()]
            bad = [n for n in names if isinstance(getattr(g, n), types.ModuleType)
                   or not callable(getattr(g, n))]
            os.write(w, json.dumps(bad).encode())
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        text = f.read()
    _, status = os.wait()
    out[first] = json.loads(text) if status == 0 else f"exit status {status}"
print(json.dumps(out))
"""
FIRSTS = ["geoconflict.render.make", "geoconflict.render.territory", None]


@pytest.fixture(scope="module")
def first_imports() -> dict[str, object]:
    import subprocess
    import sys

    args = [first or "-" for first in FIRSTS]
    code = [sys.executable, "-c", _FIRST_IMPORTS, *args]
    out = subprocess.run(code, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.xdist_group("render_first_imports")  # one worker starts the interpreter
@pytest.mark.parametrize("first", FIRSTS)
def test_render_exports_are_the_functions_whatever_was_imported_first(
    first: str | None, first_imports: dict[str, object]
) -> None:
    assert first_imports[first or "-"] == []


def test_the_page_is_told_the_events_layers_size_just_before_its_data() -> None:
    import re

    m = small_map()
    page = to_html(m, assets="cdn")
    data_id = re.search(r'GC\.layer\("events", \w+,\s*GC\.readJSON\("(\w+)"\)', page).group(1)
    facts = '{"kinds":4,"n":300,"show":true}'
    call = f'<script>if (window.GC && GC.ahead) GC.ahead("events", {facts});</script>'
    assert page.count(call) == 1
    block = page.index(f'<script type="application/json" id="{data_id}">')
    between = page[page.index(call) + len(call) : block]
    assert between.strip() == ""  # nothing between the call and the events' data
    # Rendered again (as a notebook shows it, then saves it): once, in the same place.
    assert to_html(m, assets="cdn") == page
