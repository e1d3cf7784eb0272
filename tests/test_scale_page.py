"""The events layer's two renderers in real headless Chromium: the 2D canvas (pixel stamping)
and the WebGL points layer draw the same events, count what Python counts, step forward
by drawing only the new events, and the page falls back to the canvas without WebGL.

Chromium runs with the house flags (``--disable-gpu``): WebGL 2 is SwiftShader there, so
``GC.webgl = "always"`` forces the WebGL layer that ``"auto"`` keeps for GPUs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from helpers import bare_map_args

from geoconflict.render import KIND_COLOURS, MapOptions, make_map, save_html
from geoconflict.synthetic import synthetic_events

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NO_WEBGL = """
const realGetContext = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, opts) {
  if (String(kind).startsWith("webgl")) return null;
  return realGetContext.call(this, kind, opts);
};
"""


#: The view every pixel test uses. Map calls go in braces: a Leaflet map returned to Python
#: is serialised whole (its canvases and kept frames), which takes seconds to minutes.
VIEW_8 = "() => { GC.pages[0].map.setView([36.25, 42.9], 8, {animate: false}); }"


def page_file(tmp: Path, events: gpd.GeoDataFrame, node_modules: Path, **options: Any) -> str:
    args = bare_map_args(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), "Scale test")
    args["territory"] = None
    m = make_map(events, options=MapOptions(**options), **args)
    return save_html(m, tmp / "map.html", assets="inline", asset_dir=node_modules).as_uri()


@pytest.fixture
def open_map(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a page with ``GC.webgl`` set (and WebGL removed, ``webgl=None``; ``init``: a
    script of the test's own, run first)."""
    contexts: list[Any] = []

    def open_(
        url: str, webgl: str | None, ready: str = "window.geoconflictReady === true", init: str = ""
    ) -> Any:
        context = browser.new_context(viewport={"width": 900, "height": 700})
        contexts.append(context)
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        if init:
            context.add_init_script(init)
        if webgl is None:
            context.add_init_script(NO_WEBGL + 'window.GC = {webgl: "always"};')
        else:
            context.add_init_script(f"window.GC = {{webgl: {webgl!r}}};")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_function(ready, timeout=60_000)
        page.errors = errors
        return page

    yield open_
    for c in contexts:
        c.close()


def spaced_events() -> gpd.GeoDataFrame:
    """Six events far apart (no dots overlap at zoom 8), on three dates, of three kinds."""
    ev = synthetic_events(6, seed=3)
    ev["event_id"] = [f"e{i}" for i in range(6)]
    ev["date_start"] = pd.to_datetime(
        ["2017-01-02", "2017-01-02", "2017-01-09", "2017-01-16", "2017-01-16", "2017-01-23"]
    )
    ev["date_end"] = ev["date_start"]
    ev["kind"] = ["strike", "civcas", "ground", "strike", "civcas", "ground"]
    ev["grading"] = "confirmed"
    ev["civilians_killed_min"] = pd.array([0] * 6, dtype="Int64")
    ev["civilians_killed_max"] = pd.array([0] * 6, dtype="Int64")  # the 3 px dot
    ev["geometry"] = gpd.points_from_xy(
        [42.6, 42.9, 43.2, 42.6, 42.9, 43.2], [36.0, 36.0, 36.0, 36.5, 36.5, 36.5]
    )
    return ev


def shown_in_python(events: gpd.GeoDataFrame, day: str, window: int | None = None) -> set[str]:
    d = pd.Timestamp(day)
    start = events["date_start"].dt.normalize()
    end = events["date_end"].fillna(events["date_start"]).dt.normalize()
    keep = start <= d
    if window is not None:
        keep &= end >= d - pd.Timedelta(days=window - 1)
    return set(events.loc[keep, "event_id"])


def drawn(page: Any) -> dict[str, list[int]]:
    """Each event's pixel at its centre, as the page's renderer drew it."""
    return page.evaluate(
        """() => { const ev = window.geoconflict.page.events, out = {};
          for (let i = 0; i < ev.n; i++) {
            const p = ev.point(i); out[ev.id(i)] = ev.pixelAt(p.x, p.y); }
          return out; }"""
    )


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


@pytest.mark.parametrize("webgl", ["always", "never"])
def test_each_renderer_draws_exactly_the_events_shown_in_their_colours(
    tmp_path: Path, node_modules: Path, open_map: Any, webgl: str
) -> None:
    events = spaced_events()
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-02"), webgl)
    assert page.evaluate("window.geoconflict.page.events.renderer") == (
        "webgl" if webgl == "always" else "canvas"
    )
    page.evaluate(VIEW_8)
    kinds = dict(zip(events["event_id"], events["kind"], strict=True))
    for day in ["2017-01-02", "2017-01-09", "2017-01-16", "2017-01-23", "2017-01-05"]:
        page.evaluate(f"window.geoconflict.setDate('{day}')")
        pixels = drawn(page)
        expected = shown_in_python(events, day)
        assert {i for i, px in pixels.items() if px[3] > 0} == expected, day
        for i in expected:  # the centre of a dot: its kind's colour, opaque
            assert pixels[i][3] == 255
            colour = rgb(KIND_COLOURS[kinds[i]])
            assert all(abs(a - b) <= 2 for a, b in zip(pixels[i][:3], colour, strict=True))
    # A filter: only strikes.
    page.evaluate("window.geoconflict.setDate('2017-01-23')")
    page.evaluate("window.geoconflict.setFilter({kinds: ['strike']})")
    pixels = drawn(page)
    assert {i for i, px in pixels.items() if px[3] > 0} == {"e0", "e3"}
    assert page.errors == []


@pytest.mark.parametrize("webgl", ["always", "never"])
def test_the_count_is_pythons_at_every_date_in_both_modes(
    tmp_path: Path, node_modules: Path, open_map: Any, webgl: str
) -> None:
    events = synthetic_events(3000, seed=11)
    # Ids numbered over more than 65,535: the page decodes them from three bytes each.
    events["event_id"] = [f"syn-{30 * i + 7}" for i in range(len(events))]
    page = open_map(page_file(tmp_path, events, node_modules, date="2016-06-01"), webgl)
    for day in ["2015-01-01", "2016-03-15", "2016-12-31", "2017-07-01", "2017-12-31"]:
        page.evaluate(f"window.geoconflict.setDate('{day}')")
        count = page.evaluate("window.geoconflict.page.events.shownCount")
        assert count == len(shown_in_python(events, day)), day
        assert sorted(page.evaluate("window.geoconflict.visibleEventIds()")) == sorted(
            shown_in_python(events, day)
        )
    page.evaluate("window.geoconflict.setMode('window', 30)")
    for day in ["2016-03-15", "2017-07-01"]:
        page.evaluate(f"window.geoconflict.setDate('{day}')")
        count = page.evaluate("window.geoconflict.page.events.shownCount")
        assert count == len(shown_in_python(events, day, window=30)), day
    # The chart's bins (binCounts): events per first-day bin, with the filters.
    edges = ["2015-01-01", "2016-01-01", "2016-07-01", "2017-01-01", "2018-01-01"]
    page.evaluate("window.geoconflict.setFilter({kinds: ['strike', 'ground']})")
    got = page.evaluate(
        """edges => Array.from(window.geoconflict.page.events.binCounts(
             edges.map(GC.parseDay)))""",
        edges,
    )
    picked = events[events["kind"].isin(["strike", "ground"])]
    cut = pd.cut(picked["date_start"], pd.to_datetime(edges), right=False)
    assert got == cut.value_counts(sort=False).tolist()
    # With a kind filter, in window mode: the group counts leave the other kinds out.
    page.evaluate("window.geoconflict.setFilter({kinds: ['civcas', 'ground']})")
    day = "2017-07-01"
    want = shown_in_python(events[events["kind"].isin(["civcas", "ground"])], day, window=30)
    assert page.evaluate("window.geoconflict.page.events.shownCount") == len(want)
    assert page.errors == []


#: Keep a copy of the kind canvases' frames (a hidden one: "off") in the page, by name.
#: The frames stay in the page: as text sent to Python they took about half a second each.
KEEP_FRAME = """name => { const kf = window.geoconflict.page.events._kf;
  window.gcKept = window.gcKept || {};
  window.gcKept[name] = kf.map((f) =>
    f.canvas.style.display === "none" ? "off" : f.img.data.slice()); }"""
#: Whether the kind canvases' frames now are the kept ones, byte for byte (and hidden alike).
SAME_FRAME = """name => { const kept = window.gcKept[name], kf = window.geoconflict.page.events._kf;
  return kept.length === kf.length && kf.every((f, k) => {
    const a = kept[k], off = f.canvas.style.display === "none";
    if (off || a === "off") return off && a === "off";
    const b = f.img.data;
    if (a.length !== b.length) return false;
    for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
    return true; }); }"""
FRESH = "(() => { const ev = window.geoconflict.page.events; ev.dropFrames(); ev.redraw(); })()"


def last_from(page: Any) -> str:
    return page.evaluate("window.geoconflict.page.events.lastFrom")


def test_stepping_forward_stamps_only_the_new_events_and_matches_a_full_redraw(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = spaced_events()
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-02"), "never")
    page.evaluate(VIEW_8)
    page.evaluate("window.geoconflict.setDate('2017-01-09')")
    assert page.evaluate("window.geoconflict.page.events.lastIncremental") is True
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert last_from(page) == "incremental"
    page.evaluate(KEEP_FRAME, "stepped")
    page.evaluate(FRESH)
    assert last_from(page) == "fresh"
    assert page.evaluate("window.geoconflict.page.events.lastIncremental") is False
    assert page.evaluate(SAME_FRAME, "stepped")
    # Going back: from a kept frame (a checkpoint), the same pixels as a fresh draw.
    page.evaluate("window.geoconflict.setDate('2017-01-23')")
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert last_from(page) == "checkpoint"
    assert page.evaluate(SAME_FRAME, "stepped")
    page.evaluate("window.geoconflict.setDate('2017-01-09')")
    page.evaluate(KEEP_FRAME, "back")
    page.evaluate(FRESH)
    assert page.evaluate(SAME_FRAME, "back")
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e1", "e2"}
    page.evaluate("window.geoconflict.setDate('2017-01-02')")
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e1"}
    # In window mode, the frame is drawn afresh.
    page.evaluate("window.geoconflict.setMode('window', 7)")
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert last_from(page) == "fresh"
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e3", "e4"}


def test_a_filter_toggled_off_and_on_gives_back_the_same_frame(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = spaced_events()
    events["grading"] = ["confirmed", "fair", "confirmed", "fair", "confirmed", "fair"]
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-23"), "never")
    page.evaluate(VIEW_8)
    page.evaluate(KEEP_FRAME, "before")
    every = page.evaluate("window.geoconflict.page.events.kinds")
    grades = page.evaluate("window.geoconflict.page.events.gradings")
    # A kind: its canvas is hidden, nothing is redrawn, and the other kinds stay.
    drop = "k => window.geoconflict.setFilter({kinds: k.filter((x) => x !== 'civcas')})"
    page.evaluate(drop, every)
    assert last_from(page) == "incremental"
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e2", "e3", "e5"}
    page.evaluate("k => window.geoconflict.setFilter({kinds: k})", every)
    assert page.evaluate(SAME_FRAME, "before")
    # A grading: drawn afresh without it, and back from the frame kept when it went.
    page.evaluate("window.geoconflict.setFilter({gradings: ['confirmed']})")
    assert last_from(page) == "fresh"
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e2", "e4"}
    page.evaluate("g => window.geoconflict.setFilter({gradings: g})", grades)
    assert last_from(page) == "checkpoint"
    assert page.evaluate(SAME_FRAME, "before")
    # Stepping on with a kind off, then turning it on: its frame catches up.
    page.evaluate("window.geoconflict.setDate('2017-01-09')")
    page.evaluate("window.geoconflict.setFilter({kinds: ['strike']})")
    page.evaluate("window.geoconflict.setDate('2017-01-23')")
    page.evaluate("k => window.geoconflict.setFilter({kinds: k})", every)
    assert page.evaluate(SAME_FRAME, "before")
    assert page.errors == []


#: An independent count of the events the map shows inside its bounds: every event's
#: first and last day, kind and grading against the page's date, mode and filters.
COUNT_JS = """() => { const pg = window.geoconflict.page, ev = pg.events, b = pg.map.getBounds();
  const s = b.getSouth() * 1e5, n = b.getNorth() * 1e5;
  const w = b.getWest() * 1e5, e = b.getEast() * 1e5;
  const from = pg.mode === "window" ? pg.day - pg.windowDays + 1 : -Infinity;
  let c = 0;
  for (let i = 0; i < ev.n; i++) {
    if (ev.day[i] > pg.day || ev.day[i] + ev.span[i] < from) continue;
    if (!ev.kindOn[ev.kind[i]] || !ev.gradOn[ev.grading[i]]) continue;
    if (ev.lat[i] >= s && ev.lat[i] <= n && ev.lon[i] >= w && ev.lon[i] <= e) c++;
  }
  return [ev.countInView(), c, ev.coversAll(b)]; }"""


def test_the_count_in_view_is_exact_after_steps_pans_zooms_and_filters(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = synthetic_events(4000, seed=5)
    page = open_map(page_file(tmp_path, events, node_modules, date="2016-06-01"), "never")
    seen_all = seen_part = 0
    moves = [
        "window.geoconflict.setDate('2016-09-01')",
        "window.geoconflict.setDate('2015-02-01')",
        "() => { GC.pages[0].map.setView([36.3, 43.1], 9, {animate: false}); }",
        "window.geoconflict.setDate('2016-09-01')",
        "window.geoconflict.setDate('2016-08-25')",
        "window.geoconflict.setDate('2017-12-31')",
        "() => { GC.pages[0].map.panBy([200, -120], {animate: false}); }",
        "window.geoconflict.setDate('2016-01-01')",
        "window.geoconflict.setFilter({kinds: ['strike', 'civcas']})",
        "window.geoconflict.setDate('2016-03-01')",
        "window.geoconflict.setMode('window', 30)",
        "window.geoconflict.setDate('2016-04-01')",
        "window.geoconflict.setMode('cumulative')",
        "() => { GC.pages[0].map.setZoom(5, {animate: false}); }",
        "window.geoconflict.setDate('2017-03-01')",
        "window.geoconflict.setDate('2015-03-01')",
    ]
    for move in moves:
        page.evaluate(move)
        got, want, covers = page.evaluate(COUNT_JS)
        assert got == want, move
        seen_all += covers
        seen_part += not covers
        text = page.evaluate("document.querySelector('.gc-count').textContent")
        assert text.startswith(f"{want} event"), (move, text)
    assert seen_all and seen_part  # both ways of counting were met
    assert page.errors == []


def test_without_webgl_the_page_draws_on_the_canvas(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = spaced_events()
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-09"), None)
    assert page.evaluate("window.geoconflict.page.events.renderer") == "canvas"
    page.evaluate(VIEW_8)
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e1", "e2"}
    assert page.evaluate("window.geoconflict.page.events.shownCount") == 3
    assert page.errors == []


def test_auto_keeps_the_canvas_on_a_software_rasteriser(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = spaced_events()
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-09"), "auto")
    renderer = page.evaluate(
        """() => { const c = document.createElement('canvas').getContext('webgl2');
          const i = c && c.getExtension('WEBGL_debug_renderer_info');
          return i ? c.getParameter(i.UNMASKED_RENDERER_WEBGL) : ''; }"""
    )
    software = any(s in renderer.lower() for s in ("swiftshader", "llvmpipe", "software"))
    assert page.evaluate("window.geoconflict.page.events.renderer") == (
        "canvas" if software or not renderer else "webgl"
    )


@pytest.mark.parametrize("webgl", ["always", "never"])
def test_the_page_draws_its_events_once_as_it_opens_in_the_view_its_panels_leave(
    tmp_path: Path, node_modules: Path, open_map: Any, webgl: str
) -> None:
    # The map moves several times while the page starts (its bounds, then the room the
    # panels leave): the events are drawn once, after the last move, not at each.
    events = spaced_events()
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-09"), webgl)
    assert page.evaluate("window.geoconflict.page.events.draws") == 1
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e1", "e2"}
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert page.evaluate("window.geoconflict.page.events.draws") == 2
    assert page.errors == []


def test_an_events_layer_on_a_map_without_the_page_controls_is_released_once_the_script_ran(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    # Without GC.start (a map of one's own), the layer is released (and draws) once the
    # page's script has run.
    url = page_file(tmp_path, spaced_events(), node_modules, date="2017-01-09")
    path = Path(url.removeprefix("file://"))
    html = path.read_text(encoding="utf-8")
    start = html.index("GC.start(")
    end = html.index(");", start) + 2
    path.write_text(html[:start] + html[end:], encoding="utf-8")
    page = open_map(url, "never", ready="GC.pages[0].events.draws === 1")
    assert not page.evaluate("GC.pages[0].events._held")
    assert page.errors == []


def test_the_kept_frames_memory_is_touched_once_the_page_is_idle_and_keeps_its_frames(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    # After the first draw, each page of the kept frames' store is written while the page
    # is idle (so the first moves do not wait for the system to give the memory), with
    # the value it holds: a kept frame is the same after it.
    page = open_map(page_file(tmp_path, spaced_events(), node_modules, date="2017-01-16"), "never")
    store = "window.geoconflict.page.events._store"
    page.wait_for_function(f"{store}.warm === true", timeout=30_000)
    page.evaluate(VIEW_8)
    page.evaluate("window.geoconflict.setDate('2017-01-23')")
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert last_from(page) == "checkpoint"
    page.evaluate(KEEP_FRAME, "kept")
    # A free slot holding a pattern, as a kept frame would, and the store touched again.
    page.evaluate(
        f"(() => {{ const s = {store}; s.free[0].d32.fill(0x01020304); s.free[0].last.fill(7);"
        " s.warming = false; s.warm = false; window.geoconflict.page.events._warmStore(); })()"
    )
    page.wait_for_function(f"{store}.warm === true", timeout=30_000)
    assert page.evaluate(
        f"(() => {{ const f = {store}.free[0];"
        " return f.d32.every((v) => v === 0x01020304) && f.last.every((v) => v === 7); })()"
    )
    page.evaluate("window.geoconflict.setDate('2017-01-23')")
    page.evaluate("window.geoconflict.setDate('2017-01-16')")
    assert last_from(page) == "checkpoint"
    assert page.evaluate(SAME_FRAME, "kept")
    assert {i for i, px in drawn(page).items() if px[3] > 0} == {"e0", "e1", "e2", "e3", "e4"}
    assert page.errors == []


#: The frame of kind ``k`` drawn again by the browser's own compositing: each event's disc
#: (the page's sprite pixels, as an image) drawn with drawImage, source over, in the
#: page's draw order. Returns the largest difference from the page's frame in alpha, and
#: in colour where both pixels are at least half opaque, and how many pixels two or more
#: discs reach.
COMPOSITED_JS = """k => { const ev = window.geoconflict.page.events;
  const o = ev.order.indexOf(ev.kinds.indexOf(k)), f = ev._kf[o], W = f.img.width, H = f.img.height;
  const ref = document.createElement("canvas"); ref.width = W; ref.height = H;
  const g = ref.getContext("2d", {willReadFrequently: true});
  const perm = ev.kindOrder().perm, sprites = ev._byKind[ev.kinds.indexOf(k)];
  const discs = new Uint8Array(W * H); /* how many discs reach each pixel */
  for (let j = 0; j < ev.n; j++) {
    const i = perm[j];
    if (ev.kinds[ev.kind[i]] !== k || !ev.shown(i)) continue;
    const sp = sprites[(ev.kindOrder().size[j] - 1) / 2];
    const size = 2 * sp.half + 1, img = new ImageData(size, size);
    const w32 = new Uint32Array(img.data.buffer);
    for (let s = 0; s < sp.sword.length; s++)
      w32[(sp.sdy[s] + sp.half) * size + sp.sdx[s] + sp.half] = sp.sword[s];
    for (let s = 0; s < sp.eword.length; s++)
      w32[(sp.edy[s] + sp.half) * size + sp.edx[s] + sp.half] = sp.eword[s];
    const c = document.createElement("canvas"); c.width = size; c.height = size;
    c.getContext("2d").putImageData(img, 0, 0);
    const p = ev.point(i), x0 = Math.round(p.x) - sp.half, y0 = Math.round(p.y) - sp.half;
    g.drawImage(c, x0, y0);
    for (let q = 0; q < size * size; q++)
      if (w32[q]) discs[(y0 + Math.floor(q / size)) * W + x0 + (q % size)]++;
  }
  const a = f.img.data, b = g.getImageData(0, 0, W, H).data;
  let alpha = 0, colour = 0, overlaps = 0;
  for (let q = 0; q < a.length; q += 4) {
    alpha = Math.max(alpha, Math.abs(a[q + 3] - b[q + 3]));
    if (a[q + 3] >= 128 && b[q + 3] >= 128) {
      for (let ch = 0; ch < 3; ch++) colour = Math.max(colour, Math.abs(a[q + ch] - b[q + ch]));
    }
    if (discs[q / 4] >= 2) overlaps++;
  }
  return {alpha, colour, overlaps}; }"""


def test_overlapping_dots_blend_as_the_browser_composites_them(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = spaced_events()
    # Two more strikes beside the first, a pixel or two apart at zoom 8: their discs
    # and white edges overlap, and each is blended over the one before it.
    extra = events.iloc[[0, 0]].copy()
    extra["event_id"] = ["e6", "e7"]
    extra["geometry"] = gpd.points_from_xy([42.604, 42.61], [36.003, 36.0])
    events = pd.concat([events, extra], ignore_index=True)
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-01-23"), "never")
    page.evaluate(VIEW_8)
    got = page.evaluate(COMPOSITED_JS, "strike")
    assert got["overlaps"] > 10
    # The browser composites in premultiplied 8-bit colour: a level or two of rounding.
    assert got["alpha"] <= 2, got
    assert got["colour"] <= 3, got


#: The largest distance (world units) between each event's position and Leaflet's own
#: Web Mercator projection of its latitude and longitude, over every event.
PROJECTED_JS = """() => { const ev = window.geoconflict.page.events; let dx = 0, dy = 0;
  for (let i = 0; i < ev.n; i++) {
    const p = L.CRS.EPSG3857.latLngToPoint(L.latLng(ev.lat[i] * 1e-5, ev.lon[i] * 1e-5), 0);
    dx = Math.max(dx, Math.abs(ev.wx[i] - p.x / 256));
    dy = Math.max(dy, Math.abs(ev.wy[i] - p.y / 256));
  }
  return [dx, dy, ev.n]; }"""


def test_every_event_is_where_leaflet_projects_it(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    events = synthetic_events(3000, seed=13)
    # Far south (the table's first entries), and far north: past 70 degrees the page
    # projects with the formula itself (85.05 is the last latitude Web Mercator holds).
    far = [(48.0, -33.87), (38.0, -69.99999), (20.0, 70.0), (20.0, 75.3), (20.0, 85.0)]
    for k, (lon, lat) in enumerate(far):
        events.loc[k, "geometry"] = gpd.points_from_xy([lon], [lat])[0]
    page = open_map(page_file(tmp_path, events, node_modules, date="2017-12-31"), "never")
    dx, dy, n = page.evaluate(PROJECTED_JS)
    assert n == len(events)
    # 1e-10 of the world is under a hundredth of a pixel at zoom 18.
    assert dx < 1e-12 and dy < 1e-10, (dx, dy)


#: The kind frames' bytes, hashed (a frame hidden by a filter: "off").
FRAME_HASHES = """() => window.geoconflict.page.events._kf.map((f) => {
  if (f.canvas.style.display === "none") return "off";
  const a = new Uint32Array(f.img.data.buffer); let h = 0;
  for (let i = 0; i < a.length; i++) h = (Math.imul(h, 31) + a[i]) | 0;
  return h; })"""


#: The test's pages without workers.
NO_WORKER = "delete window.Worker;"
#: The worker's message held until the test lets it go (window.gcRelease): it comes
#: after the page made its store and kept frames in it (and before the page wrote that
#: store while idle: no idle callbacks).
LATE_WORKER = """(() => { const Real = window.Worker; window.requestIdleCallback = () => 0;
  window.Worker = function (url) { const w = new Real(url), me = this;
    w.onmessage = (e) => { window.gcRelease = () => me.onmessage(e); };
    this.postMessage = (m) => w.postMessage(m); this.terminate = () => w.terminate(); }; })();"""
#: Whether every frame of the store is in one buffer, and whether it is `window.gcOwn`.
ONE_BUFFER = """() => { const st = window.geoconflict.page.events._store;
  const slots = st.free.concat(st.used), b = slots[0].d32.buffer;
  return [slots.every((x) => x.d32.buffer === b && x.last.buffer === b), b === window.gcOwn]; }"""


def wait_for_the_memory(url: str) -> str:
    """The page at ``url`` with its map made only once the memory made ahead has come
    (a page of 200,000 events parses its data sooner than the worker writes it)."""
    path = Path(url.removeprefix("file://"))
    html = path.read_text(encoding="utf-8")
    at = html.rindex("<script>")
    body, rest = html[at + len("<script>") :].split("</script>", 1)
    run = (
        "<script>window.gcRun = function () {" + body + "};\n"
        "(function wait() { if (GC._aheadStore && GC._aheadStore.buffer) window.gcRun();"
        " else setTimeout(wait, 10); })();</script>"
    )
    held = path.with_name("held.html")
    held.write_text(html[:at] + run + rest, encoding="utf-8")
    return held.as_uri()


def test_a_large_layers_kept_frames_memory_is_made_ahead_while_the_page_loads(
    tmp_path: Path, node_modules: Path, open_map: Any
) -> None:
    # 200,000 events: the page asks a worker for the kept frames' memory, written,
    # before it parses the events' data (taken as the store is made: "made", or moved
    # into when it comes later: "moved"); without workers the layer writes its own while
    # idle. The same moves give the same frames all three ways.
    events = synthetic_events(200_000, seed=21)
    url = page_file(tmp_path, events, node_modules, date="2016-06-30")
    store = "window.geoconflict.page.events._store"
    frames = {}
    for worker in ("made", "moved", None):
        if worker == "made":
            page = open_map(wait_for_the_memory(url), "never")
        else:
            page = open_map(url, "never", init=LATE_WORKER if worker else NO_WORKER)
        if worker == "made":
            page.wait_for_function(f"{store}.ahead === 'made'", timeout=30_000)
            assert page.evaluate(f"{store}.warm") is True  # nothing left for idle time
        elif worker == "moved":
            assert page.evaluate(f"{store}.ahead") is False
        else:
            page.wait_for_function(f"{store}.warm === true", timeout=30_000)
            assert page.evaluate(f"{store}.ahead") is False
        slots = page.evaluate(
            "(() => { const ev = window.geoconflict.page.events; const s = ev._poolSize();"
            " return [ev._kf.length * (s.marks + s.left), ev._store.count]; })()"
        )
        assert slots[0] == slots[1]
        seen = []
        for k, day in enumerate(["2017-06-30", "2016-09-30", "2017-12-31", "2016-07-15"]):
            if worker == "moved" and k == 2:
                # Frames kept in the page's own memory; then the memory made ahead comes.
                assert page.evaluate(f"{store}.used.length") > 0
                page.evaluate(f"window.gcOwn = {store}.free.concat({store}.used)[0].d32.buffer")
                assert page.evaluate(ONE_BUFFER) == [True, True]
                page.wait_for_function("typeof window.gcRelease === 'function'", timeout=30_000)
                page.evaluate("window.gcRelease()")
                assert page.evaluate(f"{store}.ahead") == "moved"
                assert page.evaluate(ONE_BUFFER) == [True, False]  # every frame moved
            page.evaluate(f"window.geoconflict.setDate('{day}')")
            seen.append((last_from(page), page.evaluate(FRAME_HASHES)))
        assert seen[0][0] == "incremental" and seen[1][0] == seen[3][0] == "checkpoint"
        assert len({str(h) for _, h in seen}) == 4  # four dates, four pictures
        frames[worker] = seen
        assert page.errors == []
    assert frames["made"] == frames["moved"] == frames[None]
