"""Cards: composed in Chromium (no controls, at their dates and sizes, same bytes); spec keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from media import png_size, rgb, white_share

from geoconflict import territory
from geoconflict.build import build_maps
from geoconflict.build.cards import CONTROL_SELECTORS, card_query, render_card
from geoconflict.build.spec import MapSpec, VideoSpec, parse_spec
from geoconflict.errors import SpecError

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


@pytest.mark.browser
@pytest.mark.slow
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


@pytest.mark.browser
@pytest.mark.slow
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
    assert f"{shown} {'event' if shown == 1 else 'events'} to this date" in text
    # The card's key says the kinds in words, as the page's legend does, and the
    # schematic zones are said to be schematic on the card too.
    keys = page.evaluate(
        "Array.from(document.querySelectorAll('.gc-card-key')).map((e) => e.textContent)"
    )
    assert "civilian harm" in keys and "civcas" not in keys
    assert "Zone shapes are schematic" in text
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


@pytest.mark.browser
@pytest.mark.slow
def test_a_card_without_the_territory_gives_no_share_cleared(
    browser: Any, tmp_path: Path, node_modules: Path
) -> None:
    """The page carries its shares, but a card made with the zones off the map states
    none of them, nor the note on their shapes."""
    out = _build(tmp_path, node_modules)
    page = browser.new_page(viewport={"width": 1200, "height": 675})
    page.goto((out / "card.html").as_uri())
    page.wait_for_function("window.geoconflictReady === true")
    assert page.evaluate("GC.pages[0].cfg.shares.length") == 2  # east and west
    page.evaluate(
        "(() => { const pg = GC.pages[0]; pg.map.removeLayer(pg.layers.territory);"
        " geoconflict.maps[0].card(); geoconflict.maps[0].setDate('2017-01-24'); })()"
    )
    text = page.evaluate("document.querySelector('.gc-card-foot').innerText")
    page.close()
    assert "24 January 2017" in text and "to this date" in text
    assert "Cleared" not in text and "schematic" not in text


@pytest.mark.browser
@pytest.mark.slow
def test_render_card_returns_the_state_drawn(tmp_path: Path, node_modules: Path) -> None:
    out = _build(tmp_path, node_modules)
    state = render_card(
        out / "card.html", tmp_path / "x.png", width=400, height=300, date="2017-07-01"
    )
    assert state["date"] == "2017-07-01"
    assert state["cleared"]["mosul_east"] == pytest.approx(1.0)
    assert png_size(tmp_path / "x.png") == (400, 300)

    # The same card as a one-page PDF of the card's size (text stays text).
    render_card(out / "card.html", tmp_path / "x.pdf", width=400, height=300, date="2017-07-01")
    pdf = (tmp_path / "x.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None  # 400 x 300 CSS pixels are 300 x 225 points
    assert (float(box.group(1)), float(box.group(2))) == pytest.approx((300, 225), abs=1)


def _parse(outputs: str) -> MapSpec:
    text = 'title = "T"\nstart = 2017-01-01\nend = 2017-06-30\n[outputs]\n' + outputs
    return parse_spec(text, "m.toml")


def test_outputs_png_takes_one_card_or_several_and_a_pdf() -> None:
    one = _parse("png = {width = 600, height = 400}\n")
    assert [c.path for c in one.cards] == ["m.png"] and one.png is not None
    several = _parse(
        'png = [{date = 2017-01-24, width = 1200, height = 675}, {file = "b.png", scale = 2}]\n'
        'pdf = {date = "2017-03-01", width = 1200, height = 800}\n'
    )
    assert [(c.path, c.date) for c in several.cards] == [
        ("m-2017-01-24.png", dt.date(2017, 1, 24)),
        ("b.png", None),
        ("m.pdf", dt.date(2017, 3, 1)),
    ]
    assert several.cards[1].pixel_size == (2400, 1600)
    assert several.outputs == ("m.html", "m-2017-01-24.png", "b.png", "m.pdf")
    assert several.without_png().outputs == ("m.html",)


@pytest.mark.parametrize(
    ("outputs", "key", "message"),
    [
        ("png = [{date = 2016-12-31}]", "outputs.png[0].date", "is before start (2017-01-01)"),
        ('png = [{file = "a.png"}, {file = "a.png"}]', "outputs.png", "writes 'a.png'"),
        ('png = {file = "m.html"}', "outputs.png.file", "ending in .png"),
        ('png = {file = "a.png", path = "b.png"}', "outputs.png.file", "given twice"),
        ("png = []", "outputs.png", "an array of tables"),
        ("pdf = {scale = 2}", "outputs.pdf.scale", "unknown key"),
        ('video = {file = "m.avi"}', "outputs.video.file", ".webm, .mp4 or .gif"),
        ("video = {width = 641}", "outputs.video.width", "must be even"),
        ('video = {step = "year"}', "outputs.video.step", "expected one of"),
        ("html = false\nvideo = true", "outputs.html", "a video is rendered from the page"),
    ],
)
def test_bad_card_and_video_outputs_name_the_key(outputs: str, key: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        _parse(outputs + "\n")
    assert f"key '{key}'" in str(caught.value) and message in str(caught.value)


def test_the_video_output_and_its_defaults() -> None:
    spec = _parse("video = true\n")
    assert spec.video is not None
    assert (spec.video.path, spec.video.fps, spec.video.width, spec.video.height) == (
        "m.webm", 4, 1280, 720,
    )  # fmt: skip
    assert spec.video.step is None and spec.video.format == "webm"
    assert _parse('video = {file = "v/m.mp4", step = "day"}\n').video == VideoSpec(
        path="v/m.mp4", step="day"
    )
