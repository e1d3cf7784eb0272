"""The five shipped map pages (``maps/*.toml``) built offline for the page tests.

Each spec is rendered with the vector context basemap (``basemap = "none"``), so the
pages load nothing from the network; everything else is the spec as shipped.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geoconflict import datasets
from geoconflict.build import pipeline
from geoconflict.build.spec import MapSpec, load_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = (
    "air-campaign-overview",
    "mosul-2016-17",
    "raqqa-2017",
    "western-desert-2016-17",
    "strikes-2014-16",
)
DESKTOP = (1400, 900)
PHONE = (390, 844)


@dataclasses.dataclass
class Shipped:
    """A shipped spec, its events as read, and its page on disk."""

    name: str
    spec: MapSpec
    events: gpd.GeoDataFrame
    url: str


def build(name: str, out: Path, node_modules: Path) -> Shipped:
    spec = dataclasses.replace(load_spec(ROOT / "maps" / f"{name}.toml"), basemap="none")
    loaded = pipeline.load_events(spec)
    page = pipeline.render_page(spec, loaded.events, asset_dir=str(node_modules))
    path = out / f"{name}.html"
    path.write_text(page.html, encoding="utf-8")
    events = loaded.events if loaded.events is not None else datasets.load("incidents")
    return Shipped(name, spec, events, path.as_uri())


def in_spec_areas(shipped: Shipped) -> gpd.GeoDataFrame:
    """The spec's events inside its study areas and its time range (checked here with
    shapely on the shipped outlines, not by the renderer's code)."""
    areas = datasets.load("areas")
    picked = areas[areas["area_id"].isin(list(shipped.spec.areas))].to_crs(4326)
    union = shapely.union_all(list(picked.geometry))
    ev = shipped.events.to_crs(4326)
    inside = [union.intersects(g) for g in ev.geometry]
    day = ev["date_start"].dt.normalize()  # naive UTC (the column contract)
    spec = shipped.spec
    keep = pd.Series(inside, index=ev.index)
    if spec.start:
        keep &= day >= pd.Timestamp(spec.start)
    if spec.end:
        keep &= day <= pd.Timestamp(spec.end)
    return ev[keep.to_numpy()].assign(day=day[keep.to_numpy()])


def reader_date(day: Any) -> str:
    """A date as the page writes it for readers: ``20 Sep 2017``."""
    ts = pd.Timestamp(day)
    return f"{ts.day} {ts.strftime('%b')} {ts.year}"


def build_all(out: Path, node_modules: Path) -> dict[str, Shipped]:
    """Every shipped spec's page, built into ``out``."""
    return {name: build(name, out, node_modules) for name in SPECS}


@contextlib.contextmanager
def page_opener(browser: Any, default_size: tuple[int, int] = DESKTOP) -> Iterator[Any]:
    """``opener(shipped, size, query="")``: the page (its URL and ``query``, e.g. ``"?card"``)
    open at that viewport after its ready signal.

    Only ``file:`` and ``data:`` requests go through; the others are aborted and listed in
    the page's ``outside`` attribute. The contexts close when the block ends.
    """
    contexts: list[Any] = []

    def opener(page: Shipped, size: tuple[int, int] = default_size, query: str = "") -> Any:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        outside: list[str] = []

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        p = context.new_page()
        p.goto(page.url + query)
        p.wait_for_function("window.geoconflictReady === true")
        p.outside = outside
        return p

    try:
        yield opener
    finally:
        for c in contexts:
            c.close()


def open_offline(browser: Any, path: Path) -> Any:
    """A built page open at 1280×900 after its ready signal, with nothing loaded from
    outside (``file:`` and ``data:`` only) and no page error raised while it loaded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_function("window.geoconflictReady === true")
    assert errors == [], errors
    return page
