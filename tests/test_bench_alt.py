"""benchmarks/alt_tools.py: the parts that need neither lonboard nor kepler.gl.

The tests that read the tools' real pages run only where ``benchmarks/alt`` is set up
(``sh benchmarks/alt/setup.sh``); the suite never installs them.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("alt_tools", ROOT / "benchmarks" / "alt_tools.py")
assert _spec is not None and _spec.loader is not None
alt = importlib.util.module_from_spec(_spec)
sys.modules["alt_tools"] = alt
_spec.loader.exec_module(alt)

BASE = "http://127.0.0.1:8123"
LOCAL_URL = re.compile(re.escape(BASE) + r"(/npm/[^\"'`\s)\\]+)")
#: Any absolute URL a script, stylesheet or fetch could load.
LOADED_URL = re.compile(r"""(?:src|href)=["'](https?://[^"']+)""")

needs_alt = pytest.mark.skipif(
    alt.missing() is not None, reason="benchmarks/alt not set up (benchmarks/alt/setup.sh)"
)

# A page shaped like ipywidgets' embed with require.js (what lonboard's to_html writes).
MANAGER = "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@^1.0.1/dist/embed-amd.js"
WASM = "https://cdn.jsdelivr.net/npm/parquet-wasm@${v}/esm/parquet_wasm_bg.wasm"
WIDGET_PAGE = (
    "<html><head></head><body>\n"
    f'<script src="{alt.REQUIREJS_URL}" integrity="sha256-Ae2Vz/4e=" crossorigin="anonymous">'
    "</script>\n"
    f'<script src="{MANAGER}" crossorigin="anonymous"></script>\n'
    '<script type="application/vnd.jupyter.widget-state+json">\n'
    f'{{"state": {{"m": {{"state": {{"_esm": "fetch(`{WASM}`)"}}}}}}}}\n'
    "</script></body></html>"
)

# A page shaped like keplergl's HTML export: an ES-module loader, then bootstrap scripts.
KEPLER_PAGE = """<html><head>
<link rel="stylesheet" href="https://d1a3f4spazzrp4.cloudfront.net/kepler.gl/uber-fonts/4.0.0/superfine.css">
<link href="https://unpkg.com/kepler.gl@3.3.0/umd/keplergl.min.css" rel="stylesheet">
<link href="https://unpkg.com/maplibre-gl@^4/dist/maplibre-gl.css" rel="stylesheet">
<script>
  window.esmsInitOptions = {shimMode: true};
</script>
<script async src="https://ga.jspm.io/npm:es-module-shims@2/dist/es-module-shims.js"></script>
<script type="importmap-shim">{"imports": {"react": "https://esm.sh/react@19"}}</script>
<script type="module-shim">
  import * as React from 'react';
  loadScript('https://unpkg.com/kepler.gl@3.3.0/umd/keplergl.min.js');
</script>
</head><body><div id="app"></div>
<script type="text/kepler-bootstrap">const store = 1;</script>
</body></html>"""


def _local_files(html: str) -> list[str]:
    return [m.group(1) for m in LOCAL_URL.finditer(html)]


def test_npm_file_drops_the_version_and_keeps_scoped_names() -> None:
    nm = Path("/nm")
    assert alt.npm_file("/npm/anywidget@~0.9.*/dist/index.js", nm) == Path(
        "/nm/anywidget/dist/index.js"
    )
    assert alt.npm_file("/npm/maplibre-gl@%5E4/dist/maplibre-gl.css", nm) == Path(
        "/nm/maplibre-gl/dist/maplibre-gl.css"
    )
    assert alt.npm_file("/npm/@jupyter-widgets/html-manager/dist/embed-amd.js", nm) == Path(
        "/nm/@jupyter-widgets/html-manager/dist/embed-amd.js"
    )
    for bad in ("/npm/a/../../etc/passwd", "/npm/@scope", "/npm/pkg", "/page/x.html", "/npm//x"):
        assert alt.npm_file(bad, nm) is None, bad


def test_rewrite_lonboard_loads_every_script_from_node_modules() -> None:
    out = alt.rewrite_lonboard(WIDGET_PAGE, BASE)
    assert LOADED_URL.findall(out) == [
        f"{BASE}/npm/requirejs/require.js",
        f"{BASE}/npm/@jupyter-widgets/html-manager@^1.0.1/dist/embed-amd.js",
    ]
    assert "integrity=" not in out and "cdn.jsdelivr" not in out
    # anywidget comes through the widget manager's CDN setting, only from here
    assert f'data-jupyter-widgets-cdn="{BASE}/npm/" data-jupyter-widgets-cdn-only' in out
    # the wasm the widget fetches at run time too
    assert f"{BASE}/npm/parquet-wasm@${{v}}/esm/parquet_wasm_bg.wasm" in out
    # the model hook follows the manager's script, before the widget state
    assert out.index("embed-amd.js") < out.index("__models") < out.index("widget-state")


def test_rewrite_lonboard_refuses_a_page_without_the_widget_manager() -> None:
    with pytest.raises(ValueError, match="embed-amd"):
        alt.rewrite_lonboard("<html><body>no widgets</body></html>", BASE)


def test_rewrite_kepler_replaces_the_module_loader_with_npm_scripts() -> None:
    out = alt.rewrite_kepler(KEPLER_PAGE, BASE)
    loaded = LOADED_URL.findall(out)
    assert loaded == [
        f"{BASE}/npm/kepler.gl@3.3.0/umd/keplergl.min.css",
        f"{BASE}/npm/maplibre-gl@^4/dist/maplibre-gl.css",
        *(f"{BASE}/npm/{path}" for path in alt.KEPLER_SCRIPTS),
    ]
    for gone in ("esm.sh", "jspm", "module-shim", "importmap", "cloudfront", "esmsInitOptions"):
        assert gone not in out, gone
    # the bootstrap scripts still run, after the bundle and after themselves in the page
    assert out.index("keplergl.min.js") < out.index("text/kepler-bootstrap")
    assert out.rindex("text/kepler-bootstrap") < out.rindex("document.body.appendChild(s)")


def test_rewrite_kepler_refuses_an_unknown_template() -> None:
    with pytest.raises(ValueError, match="module-shim"):
        alt.rewrite_kepler("<html><head></head><body></body></html>", BASE)


def test_every_rewritten_url_names_a_node_modules_file() -> None:
    nm = Path("/nm")
    pages = alt.rewrite_lonboard(WIDGET_PAGE, BASE) + alt.rewrite_kepler(KEPLER_PAGE, BASE)
    files = [alt.npm_file(path, nm) for path in _local_files(pages)]
    # lonboard: require.js, embed-amd.js, the wasm; kepler.gl: two stylesheets, the scripts
    assert len(files) == 3 + 2 + len(alt.KEPLER_SCRIPTS)
    assert all(f is not None and f.is_relative_to(nm) for f in files)
    if alt.missing() is None:  # where the alt environment is set up, they exist
        real = [alt.npm_file(p, alt.NODE_MODULES) for p in _local_files(pages)]
        assert [f for f in real if f is None or not f.is_file()] == []


def test_export_events_writes_the_columns_each_tool_gets(tmp_path: Path) -> None:
    import geopandas

    from geoconflict.synthetic import synthetic_events

    events = synthetic_events(40, seed=3)
    back = geopandas.read_parquet(alt.export_events(events, tmp_path / "e.parquet"))
    assert list(back.columns) == alt.COLUMNS
    assert len(back) == 40 and back.crs == events.crs
    assert (back["date_start"] == events["date_start"]).all()
    assert back.geometry.x.tolist() == events.geometry.x.tolist()


def test_moves_step_a_week_then_jump_months_and_always_change() -> None:
    first = alt.day_number("2014-09-08")
    m = alt.moves(first)
    steps = [hi for name, _, hi in m if name == "step"]
    drags = [hi for name, _, hi in m if name == "drag"]
    assert {lo for _, lo, _ in m} == {first}
    assert steps[0] == alt.day_number("2017-01-06")
    assert {b - a for a, b in itertools.pairwise(steps)} == {7}
    assert drags[0] == alt.day_number("2014-09-01") and max(drags) == drags[0] + 4 * 97
    assert drags == drags[: len(drags) // 2 + 1] + drags[: len(drags) // 2][::-1]
    assert all(a[2] != b[2] for a, b in itertools.pairwise(m))


def test_serve_gives_npm_files_and_pages_and_nothing_else(tmp_path: Path) -> None:
    nm = tmp_path / "nm"
    (nm / "parquet-wasm" / "esm").mkdir(parents=True)
    (nm / "parquet-wasm" / "esm" / "x_bg.wasm").write_bytes(b"\0asm")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "p.html").write_text("<p>hi</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("no", encoding="utf-8")
    with alt.serve(pages, nm) as base:
        with urllib.request.urlopen(f"{base}/npm/parquet-wasm@0.7.1/esm/x_bg.wasm") as r:
            assert r.read() == b"\0asm"
            assert r.headers["Content-Type"] == "application/wasm"
            assert r.headers["Access-Control-Allow-Origin"] == "*"
        with urllib.request.urlopen(f"{base}/page/p.html") as r:
            assert r.read() == b"<p>hi</p>"
        for path in ("/page/../secret.txt", "/npm/../secret.txt", "/secret.txt"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(f"{base}{path}")
            assert err.value.code == 404, path


def test_print_rows_prints_ratios_against_ours(capsys: pytest.CaptureFixture[str]) -> None:
    ours = {
        "build_s": 1.5,
        "html_s": 0.5,
        "mb": 10.0,
        "auto": {"render_s": 2.0, "rss_mb": 500.0, "step": [10.0, 20.0, 30.0], "drag": [40.0]},
    }
    rows = {
        "lonboard": {
            "build_s": 4.0, "mb": 25.0, "first_s": 8.0, "rss_mb": 1000.0,
            "step": [300.0, 200.0, 100.0], "drag": [None, 4000.0], "drawn_s": 1.5,
        },
        "kepler.gl": {
            "build_s": 3.0, "mb": 40.0, "first_s": None, "rss_mb": 750.0,
            "error": "no draw in 120 s",
        },
        "broken": {"error": "build_x.py failed: boom"},
    }  # fmt: skip
    alt.print_rows(rows, ours)
    out = capsys.readouterr().out
    # One of lonboard's two drags did not settle in 30 s: the median drag is longer than that.
    assert (
        "lonboard / ours: size x2.5, build x2.0, first draw x4.0, memory x2.0, step x10,"
        " drag > x750" in out
    )
    assert "kepler.gl / ours: size x4.0, build x1.5, no draw in 120 s, memory x1.5" in out
    assert "broken    did not run: build_x.py failed: boom" in out
    assert re.search(
        r"lonboard .* 8.00s    1.50s .* 200 / 300 \(3\)\s+4000 / 4000 \(1\) 1 over 30 s", out
    )


@needs_alt
@pytest.mark.slow
def test_the_real_kepler_template_rewrites_to_files_that_exist() -> None:
    code = "from keplergl._html_export import export_map_html; print(export_map_html({}, None))"
    page = subprocess.run(
        [str(alt.VENV_PYTHON), "-c", code], capture_output=True, text=True, check=True
    ).stdout
    out = alt.rewrite_kepler(page, BASE)
    loaded = LOADED_URL.findall(out)
    assert loaded and all(url.startswith(f"{BASE}/npm/") for url in loaded)
    for path in _local_files(out):
        file = alt.npm_file(path)
        assert file is not None and file.is_file(), path


@needs_alt
@pytest.mark.slow
def test_a_real_lonboard_page_rewrites_to_files_that_exist(tmp_path: Path) -> None:
    from geoconflict.synthetic import synthetic_events

    events = alt.export_events(synthetic_events(30, seed=2), tmp_path / "e.parquet")
    built = alt.build_page("lonboard", events, tmp_path / "l.html", 16000, 17000)
    assert built["mb"] > 0.1  # lonboard's JS bundle is in the page
    out = alt.rewrite_lonboard((tmp_path / "l.html").read_text(encoding="utf-8"), BASE)
    assert alt.REQUIREJS_URL not in out and "https://cdn.jsdelivr.net/npm/" not in out
    assert all(url.startswith(f"{BASE}/npm/") for url in LOADED_URL.findall(out))
    files = [alt.npm_file(path) for path in _local_files(out)]
    assert any(f is not None and f.name == "parquet_wasm_bg.wasm" for f in files)
    # lonboard's bundle also names debug tools, loaders.gl workers and a polygon
    # worker that a points page never loads; package.json leaves them out
    unused = ("spectorjs", "webgl-debug", "@loaders.gl", "@geoarrow")
    needed = [
        f for f in files if f is not None and f.relative_to(alt.NODE_MODULES).parts[0] not in unused
    ]
    assert len(needed) >= 3 and [f for f in needed if not f.is_file()] == []
