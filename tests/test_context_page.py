"""A basemap = "none" page draws the shipped 1:10m context: borders, lakes as water, rivers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geoconflict import datasets
from geoconflict.render import make_map, save_html

pytestmark = pytest.mark.browser


def test_offline_page_draws_the_1_10m_context(
    tmp_path: Path, node_modules: Path, browser: Any
) -> None:
    m = make_map(basemap="none", title="Context")
    url = save_html(m, tmp_path / "m.html", assets="inline", asset_dir=node_modules).as_uri()
    page = browser.new_page()
    try:
        page.goto(url)
        drawn = page.evaluate(
            """() => {
              const out = [];
              GC.pages[0].layers.context.eachLayer(l => out.push({
                name: l.feature.properties.name, kind: l.feature.properties.kind,
                color: l.options.color, fill: l.options.fill}));
              return out;
            }"""
        )
    finally:
        page.close()
    ctx = datasets.load("context")
    assert len(drawn) == len(ctx)  # every feature of the shipped context is on the page
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for d in drawn:
        by_kind.setdefault(d["kind"], []).append(d)
    assert set(by_kind) == {"country", "water", "river", "town"}
    assert len(by_kind["water"]) == (ctx["layer"] == "lake").sum()
    # lakes and rivers are drawn as water (blue, not filled), countries as land
    for d in by_kind["water"] + by_kind["river"]:
        assert d["color"] == "#7fb2d9" and d["fill"] is False
    assert {d["color"] for d in by_kind["country"]} == {"#777"}
    assert {"Iraq", "Syria"} <= {d["name"] for d in by_kind["country"]}
