"""lonboard and kepler.gl beside geoconflict's page, in the benchmark's own environment.

``bench_map.py --alt`` calls :func:`bench_alternatives` after timing our page. Each
tool's standalone page of the same synthetic events is built by a small script run
in ``benchmarks/alt/.venv`` (``benchmarks/alt/build_*.py``; timed there from the
events in memory to the HTML), its CDN URLs are rewritten to the npm files in
``benchmarks/alt/node_modules``, served from 127.0.0.1 with the page, and timed in
the caller's Chromium, whose context aborts every request that is not local:

- first draw: seconds from navigation until the first frame that drew every point
  is on screen and the page answers again (a hook on WebGL2's instanced draw calls
  sums the instances of each frame, then ``gl.finish()``; settled when two
  animation frames come within 100 ms), or "no draw in 120 s";
- memory: resident MB of the renderer processes with the page drawn;
- the time control, driven from JS through the state each page's own control changes:
  kepler.gl's time-range filter through its redux store (``setFilter``), lonboard's
  ``filter_range`` (DataFilterExtension) through the layer's widget model; each
  move is timed the same way, until a frame that drew every point has settled: week
  steps forward (``step``) and ~3-month jumps (``drag``), cumulative from the
  first event, for at most a minute per tool.

Set up the environment once with ``sh benchmarks/alt/setup.sh``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
ALT = ROOT / "benchmarks" / "alt"
VENV_PYTHON = ALT / ".venv" / "bin" / "python"
NODE_MODULES = ALT / "node_modules"
SETUP_HINT = "sh benchmarks/alt/setup.sh"
TOOLS = ("lonboard", "kepler.gl")
TIMEOUT_S = 120
#: A move not settled in this long is given up (and counted as over it).
MOVE_TIMEOUT_S = 30
#: The columns each tool gets (the ones bench_map's explore() row gets too).
COLUMNS = ["event_id", "kind", "date_start", "civilians_killed_max", "geometry"]
#: The npm CDNs the generated pages name; each maps to ``/npm/`` on the local server.
CDN_PREFIXES = ("https://cdn.jsdelivr.net/npm/", "https://unpkg.com/")
REQUIREJS_URL = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"
#: The date our page opens on (bench_map's MapOptions) and the moves, as in TIME_JS.
OPEN_DATE = "2017-06-30"
STEP_FROM, DRAG_FROM = "2017-01-06", "2014-09-01"
MIME = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
}


def missing() -> str | None:
    """Why the alternatives cannot run here (``None`` when their environment is set up).

    Examples
    --------
    >>> missing() is None or "setup.sh" in missing()
    True
    """
    if not VENV_PYTHON.exists():
        return f"{VENV_PYTHON} missing: run `{SETUP_HINT}`"
    for need in ("kepler.gl/umd/keplergl.min.js", "@jupyter-widgets/html-manager/package.json"):
        if not (NODE_MODULES / need).exists():
            return f"{NODE_MODULES / need} missing: run `{SETUP_HINT}`"
    return None


def day_number(iso: str) -> int:
    """Days since 1970-01-01 of an ISO date (the unit both tools filter on).

    Examples
    --------
    >>> day_number("1970-01-02")
    1
    """
    return (date.fromisoformat(iso) - date(1970, 1, 1)).days


def moves(first_day: int) -> list[tuple[str, int, int]]:
    """The filter moves timed in each tool: ``(name, lo_day, hi_day)``, cumulative.

    Six one-week steps forward, then ~3-month jumps forward and back (the shape of
    bench_map's ``step`` and ``drag``, fewer: a move takes seconds in these tools).
    Each move changes the window, so each one draws a new frame.

    Examples
    --------
    >>> m = moves(16000)
    >>> m[0][0], m[1][2] - m[0][2], m[-1][0], len(m)
    ('step', 7, 'drag', 15)
    >>> all(a[1:] != b[1:] for a, b in zip(m, m[1:]))
    True
    """
    step0, drag0 = day_number(STEP_FROM), day_number(DRAG_FROM)
    out = [("step", first_day, step0 + 7 * k) for k in range(6)]
    jumps = [drag0 + 97 * k for k in range(5)]
    out += [("drag", first_day, d) for d in jumps + jumps[-2::-1]]
    return out


def export_events(events: Any, path: Path) -> Path:
    """Write the events the tools get (:data:`COLUMNS`) as GeoParquet at ``path``.

    Examples
    --------
    >>> import tempfile, geopandas
    >>> from pathlib import Path
    >>> from geoconflict.synthetic import synthetic_events
    >>> p = export_events(synthetic_events(5, seed=1), Path(tempfile.mkdtemp()) / "e.parquet")
    >>> list(geopandas.read_parquet(p).columns) == COLUMNS
    True
    """
    events[COLUMNS].to_parquet(path)
    return path


def npm_file(url_path: str, node_modules: Path = NODE_MODULES) -> Path | None:
    """The file under ``node_modules`` for a local ``/npm/<package>@<version>/<file>`` path.

    The version is dropped (``package-lock.json`` pins the one installed); ``None``
    for anything else, or a path that leaves ``node_modules``.

    Examples
    --------
    >>> from pathlib import Path
    >>> npm_file("/npm/@jupyter-widgets/html-manager@^1.0.1/dist/embed-amd.js", Path("nm"))
    PosixPath('nm/@jupyter-widgets/html-manager/dist/embed-amd.js')
    >>> npm_file("/npm/parquet-wasm@0.7.1/esm/parquet_wasm_bg.wasm", Path("nm")).name
    'parquet_wasm_bg.wasm'
    >>> npm_file("/npm/x/../../etc/passwd", Path("nm")) is None
    True
    """
    if not url_path.startswith("/npm/"):
        return None
    parts = unquote(url_path[len("/npm/") :]).split("/")
    width = 2 if parts[0].startswith("@") else 1
    if len(parts) <= width or ".." in parts or "" in parts[:width]:
        return None
    name = parts[:width]
    name[-1] = name[-1].split("@", 1)[0]
    return node_modules.joinpath(*name, *parts[width:])


def rewrite_urls(html: str, base: str) -> str:
    """Point a page's npm CDN URLs (and require.js) at ``{base}/npm/``; drop SRI hashes.

    Examples
    --------
    >>> rewrite_urls('<script src="https://unpkg.com/a@1/b.js" integrity="sha256-x">', "B")
    '<script src="B/npm/a@1/b.js">'
    """
    html = html.replace(REQUIREJS_URL, f"{base}/npm/requirejs/require.js")
    for prefix in CDN_PREFIXES:
        html = html.replace(prefix, f"{base}/npm/")
    return re.sub(r'\s+integrity="sha\d+-[^"]*"', "", html)


#: Keeps each widget model the page creates (lonboard's layer model is driven by it).
MODEL_HOOK = """<script>requirejs(['@jupyter-widgets/base'], (base) => {
  const init = base.WidgetModel.prototype.initialize;
  base.WidgetModel.prototype.initialize = function (...a) {
    (window.__models = window.__models || []).push(this);
    return init.apply(this, a);
  };
});</script>"""


def rewrite_lonboard(html: str, base: str) -> str:
    """lonboard's page with local URLs; the widget manager loads anywidget from ``base``.

    Examples
    --------
    >>> page = '<script src="https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@^1/dist/embed-amd.js"></script>'
    >>> out = rewrite_lonboard(page, "http://127.0.0.1:1")
    >>> 'data-jupyter-widgets-cdn="http://127.0.0.1:1/npm/"' in out and "__models" in out
    True
    """
    html = rewrite_urls(html, base)
    tag = re.search(r'<script src="[^"]*/dist/embed-amd\.js"[^>]*>\s*</script>', html)
    if tag is None:
        raise ValueError("lonboard page: no embed-amd.js script (ipywidgets changed its embed?)")
    cdn = f' data-jupyter-widgets-cdn="{base}/npm/" data-jupyter-widgets-cdn-only'
    script = tag.group(0).replace("<script ", f"<script{cdn} ", 1)
    return html[: tag.start()] + script + MODEL_HOOK + html[tag.end() :]


#: kepler.gl's UMD bundle and the globals it expects, from npm (React 18 still has UMD
#: builds; keplergl's own template imports React 19 as ES modules from esm.sh).
KEPLER_SCRIPTS = (
    "react/umd/react.production.min.js",
    "react-dom/umd/react-dom.production.min.js",
    "redux/dist/redux.min.js",
    "react-redux/dist/react-redux.min.js",
    "styled-components/dist/styled-components.min.js",
    "kepler.gl/umd/keplergl.min.js",
)
_KEPLER_LOADER = re.compile(
    r"<script>\s*window\.esmsInitOptions.*?<script type=\"module-shim\">.*?</script>", re.S
)
_KEPLER_RUN = """<script>
document.querySelectorAll('script[type="text/kepler-bootstrap"]').forEach((node) => {
  const s = document.createElement('script');
  s.text = node.textContent;
  document.body.appendChild(s);
});
</script>"""


def rewrite_kepler(html: str, base: str) -> str:
    """kepler.gl's page with its UMD bundle and globals from ``{base}/npm/``.

    The ES-module loader of keplergl's template (import map to esm.sh) becomes plain
    script tags; its bootstrap scripts run once the page is parsed; the Uber font
    stylesheet (on no registry) is dropped.

    Examples
    --------
    >>> page = ('<head><link href="https://unpkg.com/kepler.gl@3/umd/keplergl.min.css">'
    ...         '<script>window.esmsInitOptions = {};</script>'
    ...         '<script type="module-shim">import "react";</script></head><body></body>')
    >>> out = rewrite_kepler(page, "B")
    >>> "esm" in out, out.count('<script src="B/npm/'), "B/npm/kepler.gl@3/umd" in out
    (False, 6, True)
    """
    html = rewrite_urls(html, base)
    html = re.sub(r"<link[^>]*uber-fonts[^>]*>", "", html)
    tags = "".join(f'<script src="{base}/npm/{path}"></script>\n' for path in KEPLER_SCRIPTS)
    html, count = _KEPLER_LOADER.subn(lambda _: tags, html, count=1)
    if count != 1:
        raise ValueError("kepler.gl page: no module-shim loader (keplergl changed its template?)")
    head, sep, tail = html.rpartition("</body>")
    return head + _KEPLER_RUN + sep + tail if sep else html + _KEPLER_RUN


class _Files(BaseHTTPRequestHandler):
    """Serves ``/npm/...`` from node_modules and ``/page/<name>`` from the pages folder."""

    pages: Path = Path()
    node_modules: Path = NODE_MODULES

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/page/"):
            file: Path | None = self.pages / Path(unquote(path[len("/page/") :])).name
        else:
            file = npm_file(path, self.node_modules)
        if file is None or not file.is_file():
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", MIME.get(file.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(file.stat().st_size))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        with file.open("rb") as f:
            shutil.copyfileobj(f, self.wfile)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def serve(pages: Path, node_modules: Path = NODE_MODULES) -> Iterator[str]:
    """Serve ``pages`` and ``node_modules`` on 127.0.0.1; yields the base URL."""
    handler = type("Files", (_Files,), {"pages": pages, "node_modules": node_modules})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_page(tool: str, events_parquet: Path, out: Path, lo: int, hi: int) -> dict[str, Any]:
    """Run ``benchmarks/alt/build_<tool>.py`` in the alt venv; its build seconds and size."""
    script = ALT / ("build_kepler.py" if tool == "kepler.gl" else "build_lonboard.py")
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(VENV_PYTHON), str(script), str(events_parquet), str(out), str(lo), str(hi)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{script.name} failed: {tail[:200]}")
    built = json.loads(done.stdout.strip().splitlines()[-1])
    return {"build_s": built["build_s"], "wall_s": wall, "mb": built["bytes"] / 1e6}


#: In every page before its scripts: sums the instances of each frame's WebGL2 draw
#: calls; a frame that drew at least ``need`` of them is finished (``gl.finish()``),
#: its time kept in ``__draws.frames``, and an animation-frame ticker started: the
#: page has *settled* at the first tick followed by another within 100 ms (the frame
#: is on screen and the page answers again; software GL composites the canvas
#: there, in seconds at 100k points), kept as ``[time, frames so far]`` in
#: ``__draws.settled``.
DRAW_HOOK = """(() => {
  const d = window.__draws = {need: __NEED__, frames: [], settled: [], log: [], inst: 0, max: 0};
  const tick = () => {
    const t = performance.now();
    if (d.prev !== null && t - d.prev < 100) {
      d.settled.push([d.prev, d.frames.length]); d.ticking = false; return;
    }
    d.prev = t; requestAnimationFrame(tick);
  };
  const done = () => {
    d.queued = false;
    const k = d.inst; d.inst = 0;
    if (k > d.max) { d.max = k; console.debug('alt-max ' + k); }
    d.log.push([performance.now(), k]); if (d.log.length > 64) d.log.shift();
    if (k < d.need) return;
    d.gl.finish();
    d.frames.push(performance.now());
    if (d.frames.length === 1) console.debug('alt-drawn ' + d.frames[0]);
    if (!d.ticking) { d.ticking = true; d.prev = null; requestAnimationFrame(tick); }
  };
  const wrap = (name, at) => {
    const proto = window.WebGL2RenderingContext && WebGL2RenderingContext.prototype;
    const f = proto && proto[name];
    if (!f) return;
    proto[name] = function (...a) {
      const r = f.apply(this, a);
      d.inst += a[at] | 0; d.gl = this;
      if (!d.queued) { d.queued = true; queueMicrotask(done); }  // once per frame
      return r;
    };
  };
  wrap('drawArraysInstanced', 3);
  wrap('drawElementsInstanced', 4);
})();"""

#: Drives each tool's time filter; every move is timed until the page has settled
#: after a full frame drawn since the move.
MOVE_JS = """async ({tool, moves, timeoutMs, budgetMs}) => {
  const d = window.__draws;
  let apply;
  if (tool === 'kepler.gl') {
    if (typeof store === 'undefined' || !window.KeplerGl) return {error: 'no redux store'};
    apply = (lo, hi) => store.dispatch(KeplerGl.setFilter(0, 'value', [lo * 864e5, hi * 864e5]));
  } else {
    const m = (window.__models || []).find((x) => x.get('filter_range') != null);
    if (!m) return {error: 'no widget model with filter_range'};
    apply = (lo, hi) => m.set('filter_range', [lo, hi]);
  }
  const frame = (before, t0) => new Promise((resolve) => {
    const poll = () => {
      const s = d.settled.find(([, count]) => count > before);
      if (s) resolve(s[0] - t0);
      else if (performance.now() - t0 > timeoutMs) resolve(null);
      else setTimeout(poll, 20);
    };
    poll();
  });
  const idle0 = d.frames.length;
  await new Promise((r) => setTimeout(r, 1000));
  const out = {step: [], drag: [], idle_frames: d.frames.length - idle0};
  const start = performance.now();
  for (const [name, lo, hi] of moves) {
    if (performance.now() - start > budgetMs) break;
    const before = d.frames.length, t0 = performance.now();
    apply(lo, hi);
    out[name].push(await frame(before, t0));
  }
  return out;
}"""


def time_page(
    browser: Any,
    url: str,
    tool: str,
    need: int,
    *,
    first_day: int,
    local: Callable[[str], bool],
    rss: Callable[[], float],
    timeout_s: float = TIMEOUT_S,
) -> dict[str, Any]:
    """Open a tool's page at ``url``: first draw, renderer memory, the filter moves."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    blocked: list[str] = []

    def route(r: Any) -> None:
        if local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.add_init_script(DRAW_HOOK.replace("__NEED__", str(int(need))))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    seen: dict[str, float] = {}  # the hook's "alt-drawn t" / "alt-max k" console lines

    def console(message: Any) -> None:
        key, _, value = message.text.partition(" ")
        if key == "alt-drawn":
            seen.setdefault("drawn", float(value))
        elif key == "alt-max":
            seen["max"] = float(value)

    page.on("console", console)
    row: dict[str, Any] = {}
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        try:
            page.wait_for_function(
                "window.__draws.settled.length > 0", timeout=timeout_s * 1000, polling=100
            )
        except Exception:  # the tool did not draw in time: say so, time nothing else
            # (from the console: an evaluate would wait for a page that is still busy)
            drawn = seen.get("drawn")
            row["first_s"], row["drawn_s"] = None, drawn and drawn / 1000
            row["error"] = f"no draw in {timeout_s:.0f} s"
            if drawn:
                row["error"] = f"drawn at {drawn / 1000:.0f} s, not settled in {timeout_s:.0f} s"
            row["max_instances"] = most = int(seen.get("max", 0))
            if not drawn:
                row["error"] += f" (at most {most:,} of {need:,} points in a frame)"
            row["rss_mb"] = rss()
        else:
            row["first_s"] = page.evaluate("window.__draws.settled[0][0]") / 1000
            row["drawn_s"] = page.evaluate("window.__draws.frames[0]") / 1000
            row["rss_mb"] = rss()
            arg = {
                "tool": tool,
                "moves": moves(first_day),
                "timeoutMs": MOVE_TIMEOUT_S * 1000,
                "budgetMs": 60_000,
            }
            row.update(page.evaluate(MOVE_JS, arg))
    finally:
        context.close()
    row["blocked"] = sorted({urlsplit(u).netloc for u in blocked})
    row["page_errors"] = [e.splitlines()[0][:160] for e in errors[:3]]
    return row


def bench_alternatives(
    events: Any,
    browser: Any,
    *,
    local: Callable[[str], bool],
    rss: Callable[[], float],
    tools: tuple[str, ...] = TOOLS,
    timeout_s: float = TIMEOUT_S,
) -> dict[str, dict[str, Any]]:
    """Build and time each tool's page of ``events``: ``{tool: row}``.

    A row has ``build_s`` (in the alt venv, events in memory to HTML), ``wall_s``
    (the whole subprocess), ``mb``, ``first_s`` (``None`` with ``error`` when there
    was no draw in ``timeout_s``), ``rss_mb``, ``step``/``drag`` (ms per move until
    its frame, or ``error`` when the time filter could not be driven), ``blocked``
    (hosts whose requests were aborted). A tool that fails to build has ``error``.
    """
    days = events["date_start"].to_numpy().astype("datetime64[D]").astype("int64")
    first_day, open_day = int(days.min()), day_number(OPEN_DATE)
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp)
        parquet = export_events(events, pages / "events.parquet")
        with serve(pages) as base:
            for tool in tools:
                name = f"{tool.replace('.', '')}.html"
                raw = pages / f"raw-{name}"
                try:
                    row = build_page(tool, parquet, raw, first_day, open_day)
                except (RuntimeError, ValueError, OSError) as exc:
                    out[tool] = {"error": str(exc)}
                    continue
                html = raw.read_text(encoding="utf-8")
                raw.unlink()
                rewrite = rewrite_kepler if tool == "kepler.gl" else rewrite_lonboard
                (pages / name).write_text(rewrite(html, base), encoding="utf-8")
                del html
                url = f"{base}/page/{name}"
                timed = time_page(
                    browser, url, tool, len(events),
                    first_day=first_day, local=local, rss=rss, timeout_s=timeout_s,
                )  # fmt: skip
                row.update(timed)
                (pages / name).unlink()
                out[tool] = row
    return out


def _ms(values: Any) -> str:
    timed = sorted(v for v in values or [] if v is not None)
    late = len(values or []) - len(timed)
    over = f"{late} over {MOVE_TIMEOUT_S} s" if late else ""
    if not timed:
        return over or "-"
    return f"{timed[len(timed) // 2]:.0f} / {timed[-1]:.0f} ({len(timed)}) {over}".strip()


def _median(values: Any) -> float | None:
    """The median move (the upper one of an even count, as :func:`_ms` prints), a move
    that did not settle within :data:`MOVE_TIMEOUT_S` counting as longer than any;
    None when there were no moves."""
    moves = sorted(float("inf") if v is None else v for v in values or [])
    return moves[len(moves) // 2] if moves else None


def print_rows(alt: dict[str, dict[str, Any]], ours: dict[str, Any]) -> None:
    """Print the alternatives' rows beside ours, and the ratios alternative / ours.

    ``ours`` is bench_map's row for our page (``build_s``, ``html_s``, ``mb`` and the
    ``auto`` variant's ``render_s``, ``rss_mb``, ``step``, ``drag``).
    """
    auto = ours.get("auto", {})
    mine = {
        "build_s": ours["build_s"] + ours["html_s"],
        "mb": ours["mb"],
        "first_s": auto.get("render_s"),
        "rss_mb": auto.get("rss_mb"),
        "step": auto.get("step"),
        "drag": auto.get("drag"),
    }
    print("  against lonboard and kepler.gl: moves in ms until their frame, median / max (n)")
    print("  (first: until the page has settled; drawn: its draw calls done, WebGL tools only)")
    print(
        f"  {'tool':10}{'build s':>8}{'page MB':>9}{'first':>9}{'drawn':>9}{'rss MB':>8}"
        f"  {'step':<24}drag"
    )
    for name, r in [("ours", mine), *alt.items()]:
        if "first_s" not in r:
            print(f"  {name:10}did not run: {r.get('error', '?')}")
            continue
        first = f"{r['first_s']:8.2f}s" if r["first_s"] is not None else f"{'-':>9}"
        drawn = f"{r['drawn_s']:8.2f}s" if r.get("drawn_s") is not None else f"{'-':>9}"
        moves = f"{_ms(r.get('step')):<24}{_ms(r.get('drag'))}"
        if r["first_s"] is None:
            moves = r.get("error", "")
        elif "step" not in r:
            moves = f"no time control ({r.get('error', 'none found')})"
        print(
            f"  {name:10}{r['build_s']:8.2f}{r['mb']:9.1f}{first}{drawn}{r['rss_mb']:8.0f}  {moves}"
        )
    for name, r in alt.items():
        if "first_s" not in r:
            continue
        ratios = [
            f"size x{r['mb'] / mine['mb']:.1f}",
            f"build x{r['build_s'] / mine['build_s']:.1f}",
        ]
        if r["first_s"] is None or not mine["first_s"]:
            ratios.append(r.get("error", "no draw"))
        else:
            ratios.append(f"first draw x{r['first_s'] / mine['first_s']:.1f}")
        ratios.append(f"memory x{r['rss_mb'] / max(mine['rss_mb'] or 1.0, 1.0):.1f}")
        for key in ("step", "drag"):
            theirs, own = _median(r.get(key)), _median(mine[key])
            if theirs is None or not own:
                continue
            if theirs == float("inf"):  # the median move took longer than the wait
                ratios.append(f"{key} > x{MOVE_TIMEOUT_S * 1000 / max(own, 1e-3):.0f}")
            else:
                ratios.append(f"{key} x{theirs / max(own, 1e-3):.0f}")
        print(f"  {name} / ours: " + ", ".join(ratios))
