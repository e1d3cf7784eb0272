"""make_map: the map a publication runs, assembled from one function per layer."""

from __future__ import annotations

import html
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import folium
import numpy as np
import pandas as pd

from geoconflict import areas as study_areas
from geoconflict import datasets
from geoconflict.errors import OptionError
from geoconflict.render.areas import areas_layer
from geoconflict.render.context import context_layer
from geoconflict.render.controls import Controls, weapons_series
from geoconflict.render.events import events_layer, to_days
from geoconflict.render.grid import grid_layer
from geoconflict.render.links import links_layer
from geoconflict.render.options import (
    FilterOptions,
    LayerOptions,
    MapOptions,
    PageOptions,
    TimeOptions,
    check_basemap,
    check_bbox,
)
from geoconflict.render.page import GeoconflictMap
from geoconflict.render.places import places_layer, protected_layer
from geoconflict.render.rivers import rivers_layer
from geoconflict.render.scope import keep_within, resolve_within
from geoconflict.render.strikes import SHIPPED_NAME, strikes_layer
from geoconflict.render.territory import (
    STATUS_COLOURS,
    STATUS_LABELS,
    is_schematic,
    share_steps,
    territory_layer,
)

#: Colours of the event kinds (also in the legend).
KIND_COLOURS: dict[str, str] = {
    "strike": "#d7301f",
    "civcas": "#7b3294",
    "ground": "#1a9850",
    "other": "#525252",
}

#: Used when nothing else gives an extent: Raqqa to Mosul and the western desert.
DEFAULT_EXTENT = (38.5, 32.9, 43.6, 36.7)

OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def _resolve(value: Any, name: str) -> Any:
    """A layer's data: ``"default"`` loads the shipped table, None (or False) none."""
    if isinstance(value, str) and value == "default":
        return datasets.load(name)
    if value is None or value is False:
        return None
    return value


def _study_areas(value: Any) -> Any:
    """Study areas: ``"default"``, None, a GeoDataFrame, or a file read by ``areas.load``."""
    if isinstance(value, str | os.PathLike) and value != "default":
        return study_areas.load(value)
    return _resolve(value, "areas")


def _options(
    options: MapOptions | Mapping[str, Any] | None,
    groups: dict[str, Any],
) -> MapOptions:
    """``options`` (all four groups) with the groups given on their own put in."""
    if options is None:
        base = MapOptions()
    elif isinstance(options, MapOptions):
        base = options
    elif isinstance(options, Mapping):
        base = MapOptions.from_dict(options)
    else:
        raise OptionError(f"options: expected a MapOptions or a dict, got {type(options).__name__}")
    return base.replace(**groups)


def _extent(extent: Any, events: Any, areas: Any, zones: Any) -> tuple[float, float, float, float]:
    if extent is not None and not isinstance(extent, str | Sequence):
        raise OptionError(f"extent must be 4 numbers or area ids, got {extent!r}")
    if isinstance(extent, str) or (
        isinstance(extent, Sequence) and extent and all(isinstance(v, str) for v in extent)
    ):
        ids = [extent] if isinstance(extent, str) else list(extent)
        if areas is None or "area_id" not in areas.columns:
            raise OptionError(f"extent {ids} names areas, but no study areas are loaded")
        sel = areas[areas["area_id"].isin(ids)]
        if sel.empty:
            raise OptionError(f"extent: no study area {ids}; known: {list(areas['area_id'])}")
        return tuple(float(v) for v in sel.to_crs(4326).total_bounds)  # type: ignore[return-value]
    if extent is not None:
        return check_bbox(list(extent))
    for frame in (events, areas, zones):
        if frame is not None and len(frame):
            b = np.asarray(frame.to_crs(4326).total_bounds if frame.crs else frame.total_bounds)
            if np.all(np.isfinite(b)):
                pad = max(0.02, 0.05 * max(b[2] - b[0], b[3] - b[1]))
                return (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
    return DEFAULT_EXTENT


def _date_range(
    start: Any, end: Any, payload: dict[str, Any], zones: Any, more: Sequence[int] = ()
) -> tuple[int, int]:
    candidates: list[float] = [float(min(more)), float(max(more))] if len(more) else []
    if payload["n"]:
        from geoconflict.render.encode import unpack_ints

        days = unpack_ints(payload["day"])
        candidates += [float(days[0]), float(days[-1])]
    if zones is not None and len(zones):
        for col in ("contested_from", "cleared_on"):
            if col in zones:
                d = to_days(zones[col])
                d = d[~np.isnan(d)]
                if len(d):
                    candidates += [float(d.min()), float(d.max())]
    lo = to_days([start])[0] if start is not None else (min(candidates) if candidates else None)
    hi = to_days([end])[0] if end is not None else (max(candidates) if candidates else None)
    if lo is None or hi is None or np.isnan(lo) or np.isnan(hi):
        today = to_days([pd.Timestamp("2017-12-31")])[0]
        lo = today if lo is None or np.isnan(lo) else lo
        hi = today if hi is None or np.isnan(hi) else hi
    if hi < lo:
        raise OptionError(f"end {end!r} is before start {start!r}")
    return int(lo), int(hi)


def _in_days(frame: Any, lo: int, hi: int) -> Any:
    """The rows of an event table whose ``date_start`` is in the page's range."""
    day = to_days(frame["date_start"]) if "date_start" in frame.columns else np.array([])
    return frame[(day >= lo) & (day <= hi)]


def _links(events: Any, strikes: Any, lo: int, hi: int, layers: LayerOptions) -> Any:
    """The links layer between the page's events and declared strikes, and its note."""
    from geoconflict import link

    left, right = _in_days(events, lo, hi), _in_days(strikes, lo, hi)
    within_m, within_days = layers.links_within_m, layers.links_within_days
    pairs = link.match(left, right, within_m, within_days, uncertainty=layers.links_uncertainty)
    linked = link.summary(pairs, left)
    placed = int(linked["unplaceable"].isna().sum())
    circles = " (uncertainty circles counted)" if layers.links_uncertainty else ""
    note = (
        f"{int(linked['linked'].sum())} of {placed} events on this page have a declared"
        f" strike within {within_m / 1000:g} km and {within_days} day"
        f"{'' if within_days == 1 else 's'}{circles}; {len(pairs)} links"
    )
    return links_layer(pairs, left, right, note=note)


def tile_host(url: str) -> str:
    """The host of a tile URL template, HTML-escaped (after :func:`check_basemap`, which
    raises OptionError when it is not a plain http(s) URL with a host name).

    Examples
    --------
    >>> tile_host("https://tile.example.org/{z}/{x}/{y}.png")
    'tile.example.org'
    """
    return html.escape(urlsplit(check_basemap(url)).hostname or "")


def make_map(
    events: Any = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    credits: str | None = None,
    start: Any = None,
    end: Any = None,
    extent: Any = None,
    basemap: str = "osm",
    time: TimeOptions | Mapping[str, Any] | None = None,
    filters: FilterOptions | Mapping[str, Any] | None = None,
    layers: LayerOptions | Mapping[str, Any] | None = None,
    page: PageOptions | Mapping[str, Any] | None = None,
    options: MapOptions | Mapping[str, Any] | None = None,
    areas: Any = "default",
    territory: Any = "default",
    places: Any = "default",
    rivers: Any = "default",
    context: Any = "default",
    weapons: Any = "default",
    strikes: Any = "default",
) -> GeoconflictMap:
    """Build the map page: events on a time layer, territory, areas, grid, one time control.

    Parameters
    ----------
    events : GeoDataFrame or ReadResult, optional
        The event table (column contract). Default: the shipped incidents.
    title, subtitle, credits : str, optional
        Shown on the page as text.
    start, end : date-like, optional
        The slider's range; events outside it are left out.
    extent : (lon0, lat0, lon1, lat1) or area id(s), optional
        What the page shows first (default: the events' bounds).
    basemap : "osm", "none" or a tile URL template
        ``"none"``: no tiles, a vector context layer instead (works offline).
    time, filters, layers, page : option group or dict, optional
        The options, grouped as a spec's ``[time]``, ``[filters]``, ``[layers]``
        and ``[page]`` tables: :class:`~geoconflict.render.options.TimeOptions`
        (mode, window_days, step, speed, date), ``FilterOptions`` (kinds,
        gradings ticked), ``LayerOptions`` (layers shown at start; the declared
        strikes and the links, off unless asked, with the links' thresholds), ``PageOptions``
        (chart, width, height, html_notes), or plain dicts of their fields. A bad
        value raises :class:`~geoconflict.errors.OptionError` naming the allowed
        values.
    options : MapOptions or dict, optional
        All four groups in one (a group given on its own replaces its part).
    areas : GeoDataFrame, path, "default" or None
        Study areas: a table, a file (read by :func:`geoconflict.areas.load`), the
        shipped ones, or none.
    territory, places, rivers : GeoDataFrame, "default" or None
        Territory zones, places (towns and protected sites) and rivers;
        ``"default"`` loads the shipped data, None leaves the layer out.
    context : GeoDataFrame, "default" or None
        The vector context layer: shown for ``basemap="none"``, and by the page when
        the tiles cannot load.
    weapons : DataFrame, "default" or None
        Weapons released per month, for ``page={"chart": "weapons"}``.
    strikes : GeoDataFrame, ReadResult, "default" or None
        Declared strikes, for ``layers={"strikes": True}`` (a circle per place, sized
        by its strikes in the slider's window) and ``layers={"links": True}`` (a line
        from each event to each declared strike within ``links_within_m`` metres and
        ``links_within_days`` days, by :func:`geoconflict.link.match`).
        ``"default"``: the shipped CENTCOM/CJTF-OIR strike table. Read only when one
        of the two is on.

    Returns
    -------
    GeoconflictMap
        A ``folium.Map``; events that could not be drawn are in ``m.skipped``.

    Examples
    --------
    >>> from geoconflict.synthetic import synthetic_events
    >>> m = make_map(synthetic_events(100), areas=None, territory=None, places=None,
    ...              rivers=None, basemap="none", context=None, title="Demo",
    ...              time={"mode": "window", "window_days": 14}, layers={"grid": False})
    >>> from geoconflict.render import to_html
    >>> page = to_html(m, assets="cdn")
    >>> "geoconflict.min" not in page, len(m.skipped)
    (True, 0)
    >>> make_map(time={"step": "year"})
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: time.step: expected one of ('day', 'week', 'month'), got 'year'
    """
    opts = _options(options, {"time": time, "filters": filters, "layers": layers, "page": page})
    basemap = check_basemap(basemap)
    if events is None:
        events = datasets.load("incidents")
    events = getattr(events, "events", events)
    areas_named = not (isinstance(areas, str) and areas == "default") and areas is not None
    areas = _study_areas(areas)
    zones = _resolve(territory, "territory")
    places = _resolve(places, "places")
    rivers = _resolve(rivers, "rivers")
    bounds = _extent(extent, events, areas, zones)

    m = GeoconflictMap(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        zoom_start=8,
        tiles=None,
        width=opts.page.width,
        height=opts.page.height,
        control_scale=True,
    )
    # The vector context: the basemap of "none", and the fallback when tiles cannot load.
    ctx = _resolve(context, "context")
    if ctx is not None:
        context_layer(m, ctx, show=basemap == "none")
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", attr=OSM_ATTRIBUTION).add_to(m)
    elif basemap != "none":
        # Leaflet shows the attribution as HTML: only a checked, escaped host name goes in.
        folium.TileLayer(basemap, name="Basemap", attr=f"Tiles: {tile_host(basemap)}").add_to(m)

    if zones is not None:
        territory_layer(m, zones, show=opts.layers.territory)
    if areas is not None:
        areas_layer(m, areas, show=opts.layers.areas)
    if rivers is not None:
        rivers_layer(m, rivers, show=opts.layers.rivers)
    grid_layer(m, bounds, show=opts.layers.grid)
    if places is not None:
        places_layer(m, places, show=opts.layers.places)
        protected_layer(m, places, show=opts.layers.protected)
    if events is None:
        from geoconflict.events import empty_events

        events = empty_events()
    if opts.page.html_notes and "notes" in events.columns:
        # The opt-in shows notes as HTML: only the allow-listed formatting survives.
        from geoconflict.render.sanitize import clean_html_series

        events = events.assign(notes=clean_html_series(events["notes"]))
    rule = resolve_within(
        opts.filters.within, areas_named=areas_named, extent_given=extent is not None
    )
    events = keep_within(events, rule, areas=areas, bounds=bounds)
    layer = events_layer(m, events, start=start, end=end)
    m.skipped = layer.skipped
    if len(layer.skipped):
        warnings.warn(
            f"{layer.skipped['row'].nunique()} events cannot be drawn (see m.skipped)",
            stacklevel=2,
        )
    strike_table = None
    if opts.layers.strikes or opts.layers.links:
        strike_table = _resolve(strikes, "strikes")
        strike_table = getattr(strike_table, "events", strike_table)
    strike_days: list[int] = []
    if strike_table is not None and opts.layers.strikes:
        name = SHIPPED_NAME if isinstance(strikes, str) else "Declared strikes"
        s_layer = strikes_layer(m, strike_table, start=start, end=end, name=name)
        strike_days = s_layer.cells["day"].tolist()
        if len(s_layer.skipped):
            warnings.warn(
                f"{s_layer.skipped['row'].nunique()} declared strikes cannot be drawn"
                " (no date or point;"
                " listed in the strikes layer's skipped)",
                stacklevel=2,
            )
    lo, hi = _date_range(start, end, layer.data, zones, strike_days)
    if strike_table is not None and opts.layers.links:
        m.add_child(_links(events, strike_table, lo, hi, opts.layers))
    chart = opts.page.chart
    series: list[list[int]] = []
    if chart == "weapons":
        series = weapons_series(_resolve(weapons, "weapons_monthly"))
    folium.LayerControl(collapsed=True).add_to(m)
    date = to_days([opts.time.date])[0] if opts.time.date is not None else hi
    config = {
        "title": title,
        "subtitle": subtitle,
        "credits": credits,
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
        "start": lo,
        "end": hi,
        "date": int(min(max(date, lo), hi)),
        "options": opts.page_config(),
        "kindColours": KIND_COLOURS,
        "statusColours": STATUS_COLOURS,
        "statusLabels": STATUS_LABELS,
        "weapons": series,
        # the share timeline describes the zones: only when they open on the map
        "shares": share_steps(
            zones,
            list(areas["area_id"]) if areas_named and areas is not None else None,
            names=areas,
        )
        if opts.layers.territory
        else [],
        "schematic": is_schematic(zones, areas),
    }
    Controls(config).add_to(m)
    return m
