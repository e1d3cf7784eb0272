"""PNG cards in real Chromium: composed (no controls), at their dates and sizes, byte-stable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from media import png_size, rgb, white_share

from geoconflict import territory
from geoconflict.build import build_maps
from geoconflict.build.cards import CONTROL_SELECTORS, card_query, render_card

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPEC = (
    'title = "Mosul, card"\nsubtitle = "Synthetic events"\ncredits = "Made by the tests"\n'
    'areas = ["mosul_east", "mosul_west"]\nstart = 2016-10-17\nend = 2017-07-20\n'
    'basemap = "none"\nassets = "inline"\n[[inputs]]\nsynthetic = 300\nseed = 6\n'
    "[outputs]\npng = [\n"
    '  {date = 2017-01-24, file = "east-cleared.png", width = 1200, height = 675},\n'
    '  {date = "2017-03-07", file = "print/west.png", width = 1200, height = 800, scale = 2},\n'
    "]\n"
)
# Where the page's controls sit, looked up with them shown again on the card.
REVEAL = (
    "html.gc-card body .leaflet-control-container .leaflet-control:not(.a):not(.b)"
    " { display: block !important; }"
)
CONTROLS = (".leaflet-control-zoom", ".gc-time", ".gc-legend")


def _build(folder: Path, node_modules: Path) -> Path:
    (folder / "maps").mkdir(parents=True)
    (folder / "maps" / "card.toml").write_text(SPEC, encoding="utf-8")
    report = build_maps(folder / "maps", folder / "dist", jobs=1, asset_dir=node_modules)
    assert report.summary() == "built 1, unchanged 0, failed 0"
    return folder / "dist"


def test_cards_have_their_sizes_are_listed_and_are_the_same_bytes_twice(
    tmp_path: Path, node_modules: Path
) -> None:
    first = _build(tmp_path / "a", node_modules)
    second = _build(tmp_path / "b", node_modules)
    assert png_size(first / "east-cleared.png") == (1200, 675)
    assert png_size(first / "print" / "west.png") == (2400, 1600)
    manifest = json.loads((first / "manifest.json").read_text())
    assert manifest["maps"]["card"]["outputs"] == [
        "card.html",
        "east-cleared.png",
        "print/west.png",
    ]
    for rel in ("east-cleared.png", "print/west.png"):
        digest = hashlib.sha256((first / rel).read_bytes()).hexdigest()
        assert manifest["outputs"][rel]["sha256"] == digest, rel
        # basemap "none": the card is the same bytes from build to build.
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    assert not list(first.rglob("*.part*"))


def test_a_card_shows_its_date_counts_share_cleared_and_no_controls(
    browser: Any, tmp_path: Path, node_modules: Path
) -> None:
    out = _build(tmp_path, node_modules)
    page = browser.new_page(viewport={"width": 1200, "height": 675})
    page.goto((out / "card.html").as_uri() + card_query("2017-01-24"))
    page.wait_for_function("window.geoconflictReady === true")
    text = page.evaluate("document.querySelector('.gc-card-foot').innerText")
    assert "24 January 2017" in text and "Made by the tests" in text
    east = round(100 * territory.share_cleared("mosul_east", "2017-01-24"))
    west = round(100 * territory.share_cleared("mosul_west", "2017-01-24"))
    assert f"East Mosul (left bank) {east}%" in text and f"West Mosul (right bank) {west}%" in text
    shown = page.evaluate("geoconflict.maps[0].getState().counts.shown")
    assert f"{shown} events to this date" in text
    assert page.evaluate("document.querySelector('.gc-card-title').textContent") == "Mosul, card"
    # No control is visible; the scale bar is.
    visible = page.evaluate(
        f"Array.from(document.querySelectorAll({CONTROL_SELECTORS!r}))"
        ".filter((e) => e.checkVisibility()).map((e) => e.className || e.tagName)"
    )
    assert visible == []
    assert page.evaluate("document.querySelector('.leaflet-control-scale').checkVisibility()")
    # Where the controls would be, the built card shows the map, not their white boxes.
    page.add_style_tag(content=REVEAL)
    boxes = {
        sel: page.evaluate(
            f"(() => {{ const r = document.querySelector('{sel}').getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]; })()"
        )
        for sel in CONTROLS
    }
    revealed = tmp_path / "revealed.png"
    page.screenshot(path=str(revealed))
    page.close()
    card, shown_controls = rgb(out / "east-cleared.png"), rgb(revealed)
    for sel, box in boxes.items():
        assert white_share(shown_controls, box, 1) > 0.5, sel  # the control is white
        assert white_share(card, box, 1) < 0.1, sel  # the card has map there


def test_render_card_returns_the_state_drawn(tmp_path: Path, node_modules: Path) -> None:
    out = _build(tmp_path, node_modules)
    state = render_card(
        out / "card.html", tmp_path / "x.png", width=400, height=300, date="2017-07-01"
    )
    assert state["date"] == "2017-07-01"
    assert state["cleared"]["mosul_east"] == pytest.approx(1.0)
    assert png_size(tmp_path / "x.png") == (400, 300)
