"""Benchmark: geoconflict.make_map against GeoDataFrame.explore() and TimestampedGeoJson.

Same synthetic events, same run, same machine. For each size it measures

- build: seconds to make the map object (``make_map`` / ``explore`` / the plugin);
- html: seconds to render the page and its size in MB;
- first render: seconds from navigation to the first complete draw in headless
  Chromium (ours: ``geoconflictReady``, which waits for the first frame;
  explore: the ``load`` event plus two animation frames);
- the time control (ours only: explore has no slider; TimestampedGeoJson's plugins
  come from CDNs that are not reachable offline, so its page is built and sized but
  not rendered): one-week steps forward and back, a drag jumping ~3 months at a
  time with the whole region in view, filter toggles, window-mode steps, each in ms
  until its frame is drawn, and the p95 gap between frames while playing at 16/s;
  for the page as shipped, with WebGL forced on, and with the time layer before
  (the page's scripts at :data:`BASELINE_REV` where they differ), in the same run;
- memory: resident MB of the Chromium renderer processes with the page open.

The alternatives are skipped above 100k events (explore takes minutes and
hundreds of MB there). Prints a table and the ratios alternative / ours.

Run: ``python benchmarks/bench_map.py [--sizes 100000 1000000 2500000] [--json out.json]``
(needs ``npm ci`` for node_modules and Debian's chromium).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
ALT_MAX_EVENTS = 100_000
#: How long explore()'s page may take to draw before it is reported as "no draw".
EXPLORE_TIMEOUT_S = 180
#: The commit whose page scripts are "before" (the start of the kept-frames work for
#: issue 17: one canvas, a fresh draw on every step back or filter toggle).
BASELINE_REV = "51b904c"
#: The variants of our page timed in each run: the page as shipped ("auto" picks the
#: renderer) once it has settled, the same page moved from the moment it shows ("at
#: once"), WebGL forced on (SwiftShader here), and the page's time layer before.
VARIANTS = {
    "auto": None,
    "at once": None,
    "webgl": 'window.GC = {webgl: "always"};',
    "before": None,
}
#: Whether the page has settled: the memory of its kept frames written, by a worker
#: while the page loaded or while it was idle after the first draw (stamp.js,
#: ``AHEAD.events``, ``_warmStore``; a page without a store has nothing to settle).
#: Until then, a move that keeps a frame can wait for the system to hand over memory:
#: on this VM, 8 us a page never used since boot (11 ms for one 1280 x 800 frame),
#: 1.6 us one freed before (2 ms), against 0.2 ms to copy it.
SETTLED_JS = """() => { const ev = window.geoconflict.page.events;
  return !ev._store || ev._store.warm === true; }"""


def _local(url: str) -> bool:
    p = urlparse(url)
    return p.scheme in ("file", "data", "blob") or p.hostname in ("127.0.0.1", "localhost")


def _open(browser: Any, path: Path, *, ready: str, timeout_s: float) -> tuple[Any, Any, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if _local(r.request.url) else r.abort())
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function(ready, timeout=timeout_s * 1000, polling=50)
    return context, page, float(page.evaluate("window.__benchReady || 0"))


#: The time control, measured in the page: each move is timed until its frame is drawn
#: (``finish()``: WebGL draws asynchronously). The drag jumps ~3 months at a time,
#: forward and back, with the whole region in view; the toggles switch one kind off
#: and on again; play runs at 16 steps/s and records the gaps between frames.
TIME_JS = """async () => {
  const g = window.geoconflict, ev = g.page.events;
  const fin = () => { if (ev.finish) ev.finish(); };
  const iso = (d) => new Date(d * 864e5).toISOString().slice(0, 10);
  function time(f) { const t = performance.now(); f(); fin(); return performance.now() - t; }
  const week0 = Date.parse('2017-01-06') / 864e5, jump0 = Date.parse('2014-09-01') / 864e5;
  const out = {renderer: ev.renderer || 'canvas'};
  g.setDate(iso(week0 - 7));
  const go = (d) => () => g.setDate(iso(d));
  out.step = []; for (let k = 0; k < 25; k++) out.step.push(time(go(week0 + 7 * k)));
  out.back = []; for (let k = 24; k >= 0; k--) out.back.push(time(go(week0 + 7 * k)));
  out.drag = [];
  for (let k = 0; k < 13; k++) out.drag.push(time(go(jump0 + 97 * k)));
  for (let k = 12; k >= 0; k--) out.drag.push(time(go(jump0 + 97 * k)));
  g.setDate('2017-06-30');
  const kinds = ['strike', 'civcas', 'ground', 'other'];
  out.toggle = [];
  for (let k = 0; k < 8; k++) {
    const on = k % 2 ? kinds : kinds.filter((x) => x !== kinds[(k >> 1) % 4]);
    out.toggle.push(time(() => g.setFilter({kinds: on})));
  }
  g.setMode('window', 30);
  out.window = []; for (let k = 0; k < 12; k++) out.window.push(time(go(week0 + 7 * k)));
  g.setMode('cumulative');
  g.setDate('2015-01-01');
  g.page.speed = 16;
  out.play = await new Promise((resolve) => {
    const gaps = []; let last = null;
    function frame(now) {
      if (last !== null) gaps.push(now - last);
      last = now;
      if (gaps.length < 96) requestAnimationFrame(frame); else { g.pause(); resolve(gaps); }
    }
    g.play(); requestAnimationFrame(frame);
  });
  return out;
}"""


def renderer_rss_mb() -> float:
    """Resident memory (MB) of the Chromium renderer processes this benchmark started."""
    import os

    import psutil

    me = psutil.Process(os.getpid())
    total = 0
    for child in me.children(recursive=True):
        try:
            if "--type=renderer" in " ".join(child.cmdline()):
                total += child.memory_info().rss
        except psutil.Error:
            continue
    return total / 1e6


def baseline_script(rev: str) -> str | None:
    """The page script with each of its parts as it was at git ``rev`` (the time layer before)."""
    import subprocess

    from geoconflict.render.page import PAGE_SCRIPTS, page_script, static_text

    script = page_script()
    for name in PAGE_SCRIPTS:
        try:
            old = subprocess.run(
                ["git", "show", f"{rev}:geoconflict/render/static/js/{name}.js"],
                cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        except (OSError, subprocess.CalledProcessError):
            return None
        script = script.replace(static_text(f"js/{name}.js"), old)
    return script


def bench_page(events: Any) -> Any:
    """The page the map benchmarks build (here and in ``bench_page_build.py``): the
    events alone with the shipped territory, no basemap, opening on 30 June 2017."""
    from geoconflict.render import MapOptions, make_map

    return make_map(
        events,
        areas=None,
        territory="default",
        places=None,
        rivers=None,
        basemap="none",
        context=None,
        options=MapOptions(step="week", date="2017-06-30"),
    )


def bench_ours(
    events: Any, browser: Any, tmp: Path, variants: dict[str, str | None]
) -> dict[str, Any]:
    """Build our page once; time the time control in each variant (name -> init script)."""
    from geoconflict._io import write_text
    from geoconflict.render import to_html
    from geoconflict.render.page import page_script

    t0 = time.perf_counter()
    m = bench_page(events)
    t1 = time.perf_counter()
    html = to_html(m, assets="inline", asset_dir=NODE_MODULES)
    t2 = time.perf_counter()
    row: dict[str, Any] = {"build_s": t1 - t0, "html_s": t2 - t1, "mb": len(html.encode()) / 1e6}
    ours = page_script().replace("</script", "<\\/script")
    for name, init in variants.items():
        page_html = html
        if name == "before":
            old = baseline_script(BASELINE_REV)
            if old is None:
                continue
            page_html = html.replace(ours, old.replace("</script", "<\\/script"))
        path = tmp / f"ours-{name}.html"
        write_text(path, page_html)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route("**/*", lambda r: r.continue_() if _local(r.request.url) else r.abort())
        # a script error stops the wait at once (the page would never become ready)
        context.add_init_script(
            "addEventListener('error', (e) => { window.__benchError = String(e.message); });"
        )
        if init:
            context.add_init_script(init)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e, sink=errors: sink.append(str(e)))
        try:
            page.goto(path.as_uri(), wait_until="commit", timeout=180_000)
            page.wait_for_function(
                "window.geoconflictReady === true || window.__benchError",
                timeout=(180_000 if name == "auto" else 60_000),
                polling=50,
            )
            if errors:
                raise RuntimeError(errors[0])
            first = page.evaluate("window.geoconflict.timings.readyMs") / 1000
            settled = first
            if name != "at once":
                page.wait_for_function(SETTLED_JS, timeout=60_000, polling=20)
                settled = page.evaluate("performance.now()") / 1000
            rss = renderer_rss_mb()
            timed = page.evaluate(TIME_JS)
        except Exception as exc:  # a variant that cannot run: say why, time the others
            if name == "auto":
                raise
            reason = (errors[0] if errors else str(exc)).splitlines()[0][:120]
            row[name] = {"error": reason}
            continue
        finally:
            context.close()
        row[name] = {"render_s": first, "settled_s": settled, "rss_mb": rss, **timed}
    return row


def bench_explore(events: Any, browser: Any, tmp: Path) -> dict[str, Any]:
    frame = events[["event_id", "kind", "date_start", "civilians_killed_max", "geometry"]].copy()
    frame["date_start"] = frame["date_start"].astype(str)
    t0 = time.perf_counter()
    m = frame.explore(column="kind", tiles=None)
    t1 = time.perf_counter()
    html = m.get_root().render()
    t2 = time.perf_counter()
    # Its CDN scripts are unreachable offline: serve Leaflet from node_modules, drop the rest.
    leaflet = (NODE_MODULES / "leaflet/dist/leaflet.js").as_uri()
    html = html.replace("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", leaflet)
    html = html.replace(
        "</head>",
        "<script>addEventListener('load', () => requestAnimationFrame(() =>"
        " requestAnimationFrame(() => { window.__benchReady = performance.now(); })));"
        "</script></head>",
        1,
    )
    path = tmp / "explore.html"
    path.write_text(html, encoding="utf-8")
    try:
        context, _, ready_ms = _open(
            browser, path, ready="window.__benchReady", timeout_s=EXPLORE_TIMEOUT_S
        )
        context.close()
        render = ready_ms / 1000
    except Exception:  # a timeout: report it, do not fail the benchmark
        render = float("nan")
    return {
        "build_s": t1 - t0,
        "html_s": t2 - t1,
        "mb": len(html.encode()) / 1e6,
        "render_s": render,
    }


def bench_timestamped(events: Any) -> dict[str, Any]:
    from folium import Map
    from folium.plugins import TimestampedGeoJson

    xs = events.geometry.x.round(5).to_numpy()
    ys = events.geometry.y.round(5).to_numpy()
    times = events["date_start"].dt.strftime("%Y-%m-%d").to_numpy()
    kinds = events["kind"].to_numpy()
    t0 = time.perf_counter()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(x), float(y)]},
            "properties": {"time": t, "popup": k},
        }
        for x, y, t, k in zip(xs, ys, times, kinds, strict=True)
    ]
    m = Map(tiles=None)
    TimestampedGeoJson({"type": "FeatureCollection", "features": features}, period="P1W").add_to(m)
    t1 = time.perf_counter()
    html = m.get_root().render()
    t2 = time.perf_counter()
    return {"build_s": t1 - t0, "html_s": t2 - t1, "mb": len(html.encode()) / 1e6}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--webgl-max", type=int, default=1_000_000, help="time forced WebGL up to this size"
    )
    parser.add_argument(
        "--ours-only", action="store_true", help="skip explore() and TimestampedGeoJson"
    )
    parser.add_argument("--alt", action="store_true", help="also time lonboard and kepler.gl")
    args = parser.parse_args(argv)
    if args.alt:  # benchmarks/alt_tools.py; its environment: benchmarks/alt/setup.sh
        import alt_tools

        if alt_tools.missing():
            print(f"--alt skipped: {alt_tools.missing()}")
            args.alt = False
    if not (NODE_MODULES / "leaflet/dist/leaflet.js").exists():
        print("node_modules missing: run `npm ci` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from geoconflict.build.png import CHROMIUM_ARGS  # the package's own flags
    from geoconflict.synthetic import synthetic_events

    results: dict[int, dict[str, Any]] = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmpdir:
        exe = shutil.which("chromium")
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=list(CHROMIUM_ARGS))
        # Warm up (imports, first browser page) so no contender pays one-time costs below.
        warm = synthetic_events(200, seed=1)
        bench_ours(warm, browser, Path(tmpdir), {"auto": None})
        explore_ok = not args.ours_only
        try:
            if explore_ok:
                bench_explore(warm, browser, Path(tmpdir))
                bench_timestamped(warm)
        except ImportError as exc:  # explore() needs matplotlib and mapclassify
            print(f"explore() skipped: {exc}")
            explore_ok = False
        for n in args.sizes:
            events = synthetic_events(n, seed=42)
            tmp = Path(tmpdir)
            variants = dict(VARIANTS)
            if n > args.webgl_max:
                variants.pop("webgl")
            row: dict[str, Any] = {"ours": bench_ours(events, browser, tmp, variants)}
            if n <= ALT_MAX_EVENTS and not args.ours_only:
                if explore_ok:
                    row["explore"] = bench_explore(events, browser, tmp)
                row["timestamped"] = bench_timestamped(events)
            if args.alt:
                rss = renderer_rss_mb
                row["alt"] = alt_tools.bench_alternatives(events, browser, local=_local, rss=rss)
            results[n] = row
            _print(n, row)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))
    return 0


def _stats(ms: list[float]) -> str:
    return f"{statistics.median(ms):6.1f} /{max(ms):6.1f}"


def _p95(gaps: list[float]) -> float:
    ordered = sorted(gaps[2:])  # the first frames start the timer
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _print(n: int, row: dict[str, Any]) -> None:
    ours = row["ours"]
    print(f"\n== {n:,} events ==")
    print(
        f"ours: build {ours['build_s']:.2f} s + html {ours['html_s']:.2f} s,"
        f" page {ours['mb']:.1f} MB"
    )
    print("  time control, ms median / max (targets at 1M: <= 33 / 50; play p95 gap <= 40)")
    print("  (first: the first draw; settled: its idle work done, when the moves are timed)")
    print(
        f"  {'variant':8}{'renderer':>10}{'first':>7}{'settled':>8}{'rss MB':>7}{'step':>15}"
        f"{'back':>15}{'drag':>15}{'toggle':>15}{'window':>15}{'play p95':>10}"
    )
    for name in VARIANTS:
        v = ours.get(name)
        if v is None:
            continue
        if "error" in v:
            print(f"  {name:8}  did not run: {v['error']}")
            continue
        print(
            f"  {name:8}{v['renderer']:>10}{v['render_s']:6.2f}s{v['settled_s']:7.2f}s"
            f"{v['rss_mb']:7.0f}"
            f"{_stats(v['step']):>15}{_stats(v['back']):>15}{_stats(v['drag']):>15}"
            f"{_stats(v['toggle']):>15}{_stats(v['window']):>15}{_p95(v['play']):9.1f}"
        )
    if "step" in ours.get("before", {}) and "auto" in ours:
        a, o = ours["auto"], ours["before"]
        ratios = ", ".join(
            f"{k} x{statistics.median(o[k]) / max(statistics.median(a[k]), 1e-3):.1f}"
            for k in ("step", "back", "drag", "toggle", "window")
        )
        print(f"  before ({BASELINE_REV}) / now, median: {ratios}")
        ratios = ", ".join(
            f"{k} x{max(o[k]) / max(max(a[k]), 1e-3):.1f}"
            for k in ("step", "back", "drag", "toggle", "window")
        )
        print(f"  before / now, max: {ratios}; play p95 x{_p95(o['play']) / _p95(a['play']):.1f}")
    for name in ("explore", "timestamped"):
        r = row.get(name)
        if r is None:
            print(f"{name:14}  skipped (above {ALT_MAX_EVENTS:,} events, or not installed)")
            continue
        ratios = [
            f"build x{r['build_s'] / ours['build_s']:.1f}",
            f"size x{r['mb'] / ours['mb']:.1f}",
        ]
        if r.get("render_s") == r.get("render_s") and r.get("render_s"):
            ratios.append(f"render x{r['render_s'] / ours['auto']['render_s']:.1f}")
        else:
            ratios.append(
                "not rendered"
                if name == "timestamped"
                else f"render > x{EXPLORE_TIMEOUT_S / ours['auto']['render_s']:.0f}"
                f" (no draw in {EXPLORE_TIMEOUT_S} s)"
            )
        print(f"{name:14}  {r['mb']:.1f} MB; {name} / ours: " + ", ".join(ratios))
    if "alt" in row:
        import alt_tools

        alt_tools.print_rows(row["alt"], ours)


if __name__ == "__main__":
    raise SystemExit(main())
