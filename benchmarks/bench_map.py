"""Benchmark: geoconflict.make_map against GeoDataFrame.explore() and TimestampedGeoJson.

Same synthetic events, same run, same machine. For each size it measures

- build: seconds to make the map object (``make_map`` / ``explore`` / the plugin);
- html: seconds to render the page and its size in MB;
- first render: seconds from navigation to the first complete draw in headless
  Chromium (ours: ``geoconflictReady``, which waits for the first frame;
  explore: the ``load`` event plus two animation frames);
- slider step: milliseconds to move the time slider one week and redraw,
  measured in the page with ``performance.now()`` (ours only: explore has no
  slider; TimestampedGeoJson's plugins come from CDNs that are not reachable
  offline, so its page is built and sized but not rendered).

The alternatives are skipped above 100k events (explore takes minutes and
hundreds of MB there). Prints a table and the ratios alternative / ours.

Run: ``python benchmarks/bench_map.py [--sizes 10000 100000 1000000] [--json out.json]``
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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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


def bench_ours(events: Any, browser: Any, tmp: Path) -> dict[str, Any]:
    from geoconflict._io import write_text
    from geoconflict.render import MapOptions, make_map, to_html

    t0 = time.perf_counter()
    m = make_map(
        events,
        areas=None,
        territory="default",
        places=None,
        rivers=None,
        basemap="none",
        context=None,
        options=MapOptions(step="week", date="2017-06-30"),
    )
    t1 = time.perf_counter()
    html = to_html(m, assets="inline", asset_dir=NODE_MODULES)
    t2 = time.perf_counter()
    path = tmp / "ours.html"
    write_text(path, html)
    context, page, _ = _open(browser, path, ready="window.geoconflictReady === true", timeout_s=120)
    first = page.evaluate("window.geoconflict.timings.readyMs") / 1000
    steps = page.evaluate(
        """() => {
          const g = window.geoconflict, out = [];
          let d = Date.parse('2017-01-06') / 864e5;
          for (let k = 0; k < 25; k++) {
            const t = performance.now();
            g.setDate(d + 7 * k);
            out.push(performance.now() - t);
          }
          return out;
        }"""
    )
    context.close()
    return {
        "build_s": t1 - t0,
        "html_s": t2 - t1,
        "mb": len(html.encode()) / 1e6,
        "render_s": first,
        "step_ms_median": statistics.median(steps),
        "step_ms_max": max(steps),
    }


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
        context, _, ready_ms = _open(browser, path, ready="window.__benchReady", timeout_s=180)
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
    args = parser.parse_args(argv)
    if not (NODE_MODULES / "leaflet/dist/leaflet.js").exists():
        print("node_modules missing: run `npm ci` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from geoconflict.synthetic import synthetic_events

    results: dict[int, dict[str, Any]] = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmpdir:
        exe = shutil.which("chromium")
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        # Warm up (imports, first browser page) so no contender pays one-time costs below.
        warm = synthetic_events(200, seed=1)
        bench_ours(warm, browser, Path(tmpdir))
        bench_explore(warm, browser, Path(tmpdir))
        bench_timestamped(warm)
        for n in args.sizes:
            events = synthetic_events(n, seed=42)
            tmp = Path(tmpdir)
            row: dict[str, Any] = {"ours": bench_ours(events, browser, tmp)}
            if n <= ALT_MAX_EVENTS:
                row["explore"] = bench_explore(events, browser, tmp)
                row["timestamped"] = bench_timestamped(events)
            results[n] = row
            _print(n, row)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))
    return 0


def _fmt(v: Any, unit: str) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v != v:
        return "timeout"
    return f"{v:.2f}{unit}" if unit != "ms" else f"{v:.1f} ms"


def _print(n: int, row: dict[str, Any]) -> None:
    ours = row["ours"]
    print(f"\n== {n:,} events ==")
    print(f"{'':14}{'build':>10}{'html':>10}{'size':>11}{'render':>10}{'step':>22}")
    for name in ("ours", "explore", "timestamped"):
        r = row.get(name)
        if r is None:
            print(f"{name:14}  skipped (above {ALT_MAX_EVENTS:,} events)")
            continue
        step = (
            f"{r['step_ms_median']:.1f} ms (max {r['step_ms_max']:.1f})"
            if "step_ms_median" in r
            else "no slider"
            if name == "explore"
            else "not rendered"
        )
        print(
            f"{name:14}{_fmt(r['build_s'], ' s'):>10}{_fmt(r['html_s'], ' s'):>10}"
            f"{_fmt(r['mb'], ' MB'):>11}{_fmt(r.get('render_s'), ' s'):>10}{step:>22}"
        )
    for name in ("explore", "timestamped"):
        r = row.get(name)
        if r is None:
            continue
        ratios = [
            f"build ×{r['build_s'] / ours['build_s']:.1f}",
            f"size ×{r['mb'] / ours['mb']:.1f}",
        ]
        if r.get("render_s") == r.get("render_s") and r.get("render_s"):
            ratios.append(f"render ×{r['render_s'] / ours['render_s']:.1f}")
        print(f"  {name} / ours: " + ", ".join(ratios))


if __name__ == "__main__":
    raise SystemExit(main())
