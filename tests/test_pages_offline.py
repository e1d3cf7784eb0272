"""Offline honesty (issue 12, item 7): a page whose tiles cannot load says so and shows the
vector context layer; ``m.save(path)`` writes a self-contained page by default; the
notebook display inlines its assets.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from geoconflict.render import make_map

OFFLINE_NOTE = "Map tiles could not load (offline?): showing the outline map instead."

#: Every tile layer has tiles and is no longer loading (Leaflet's ``isLoading()`` turns
#: false once each tile it asked for has loaded or failed).
TILES_DONE = """(() => { const t = [];
  window.geoconflict.page.map.eachLayer((l) => { if (l instanceof L.TileLayer) t.push(l); });
  return t.length > 0 && document.querySelector("img.leaflet-tile") !== null
    && t.every((l) => !l.isLoading()); })()"""


def small(basemap: str) -> Any:
    return make_map(basemap=basemap, title="Offline", places=None, rivers=None)


@pytest.mark.browser
def test_failed_tiles_are_said_and_the_context_is_shown(
    browser: Any, node_modules: Path, tmp_path: Path
) -> None:
    from geoconflict.render import save_html

    path = save_html(small("osm"), tmp_path / "osm.html", asset_dir=node_modules)
    context = browser.new_context(viewport={"width": 900, "height": 600})
    tiles: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            tiles.append(r.request.url)
            r.abort()  # no network: every tile fails

    context.route("**/*", route)
    p = context.new_page()
    p.goto(path.as_uri())
    p.wait_for_function("window.geoconflictReady === true")
    p.wait_for_selector(".gc-offline:not([hidden])")
    assert tiles and all("tile.openstreetmap.org" in u for u in tiles)
    assert p.evaluate("document.querySelector('.gc-offline').textContent") == OFFLINE_NOTE
    # The note is a line of the title box: it covers neither the map nor another panel.
    assert p.evaluate("document.querySelector('.gc-title .gc-offline') !== null")
    on_map = p.evaluate(
        "(() => { const pg = window.geoconflict.page;"
        " return pg.map.hasLayer(pg.layers.context); })()"
    )
    assert on_map
    drawn = p.evaluate("document.querySelectorAll('.leaflet-gcContext-pane path').length")
    assert drawn > 10  # borders, rivers and lakes of the context layer

    # On a card, the note is a line of the footer, and the map was told its box shrank.
    p = context.new_page()
    p.goto(path.as_uri() + "?card")
    p.wait_for_function("window.geoconflictReady === true")
    p.wait_for_selector(".gc-card-foot .gc-offline:not([hidden])")
    sizes = p.evaluate(
        "(() => { const map = window.geoconflict.page.map, box = map.getContainer();"
        " const s = map.getSize(); return [s.x, s.y, box.clientWidth, box.clientHeight]; })()"
    )
    assert sizes[:2] == sizes[2:]
    context.close()

    # With tiles that load, the context stays off and nothing is said.
    context = browser.new_context(viewport={"width": 900, "height": 600})
    png = (node_modules / "leaflet" / "dist" / "images" / "layers.png").read_bytes()
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith("file:")
            else r.fulfill(status=200, content_type="image/png", body=png)
        ),
    )
    p = context.new_page()
    p.goto(path.as_uri())
    p.wait_for_function("window.geoconflictReady === true")
    # the tile layer has settled every tile it asked for (loaded or failed): no note can
    # come after this
    p.wait_for_function(TILES_DONE)
    assert p.evaluate("document.querySelector('.gc-offline')") is None
    context.close()


def test_save_writes_a_self_contained_page(tmp_path: Path, node_modules: Path) -> None:
    m = small("none")
    m.asset_dir = node_modules
    out = tmp_path / "plain.html"
    m.save(str(out))
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page and "<link rel=" not in page
    assert "cdn.jsdelivr.net" not in page
    leaflet = (node_modules / "leaflet/dist/leaflet.js").read_text()
    assert leaflet.splitlines()[1] in page  # Leaflet itself is in the page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page


def test_notebook_display_inlines_its_assets(node_modules: Path) -> None:
    m = small("none")
    m.asset_dir = node_modules
    cell = m._repr_html_()
    page = html.unescape(cell.split('srcdoc="')[1].split('" style=')[0])
    assert "<script src=" not in page and "cdn.jsdelivr.net" not in page
    assert "GC.start(" in page
