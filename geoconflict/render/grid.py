"""The MGRS grid overlay: 100 km and 10 km lines, and the 100 km squares' labels.

Lines are drawn in each UTM zone's own projection (pyproj), densified,
transformed to WGS84 and clipped to the zone's 6° band and the map's extent
with shapely. The 100 km squares and their names (``38SLF``) are
:func:`geoconflict.grid.squares`, labelled inside the extent. The page shows the
10 km lines only when zoomed in. The lines do not follow the Norway/Svalbard zone
exceptions (the squares' labels do).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import shapely

from geoconflict.render.page import DataLayer

#: Largest extent (degrees of latitude or longitude) that gets 10 km / 100 km lines.
MAX_SPAN_10KM_DEG = 8.0
MAX_SPAN_100KM_DEG = 40.0


@cache
def _transformer(epsg: int) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(epsg, 4326, always_xy=True)


def _zone_lines(zone: int, south: bool, box: Any, step_m: int) -> list[list[list[float]]]:
    """Grid lines (as lon/lat coordinate lists) of one zone inside ``box``."""
    from pyproj import Transformer

    epsg = (32700 if south else 32600) + zone
    band = shapely.box(
        -180 + (zone - 1) * 6, -80 if south else 0, -180 + zone * 6, 0 if south else 84
    )
    clip = shapely.intersection(band, box)
    if clip.is_empty:
        return []
    forward = Transformer.from_crs(4326, epsg, always_xy=True)
    x0, y0, x1, y1 = clip.bounds
    xs, ys = forward.transform([x0, x0, x1, x1, (x0 + x1) / 2], [y0, y1, y0, y1, y0])
    e0 = math.floor(min(xs) / step_m) * step_m
    e1 = math.ceil(max(xs) / step_m) * step_m
    n0 = math.floor(min(ys) / step_m) * step_m
    n1 = math.ceil(max(ys) / step_m) * step_m
    back = _transformer(epsg)
    lines: list[Any] = []
    samples = 24
    for e in range(e0, e1 + 1, step_m):
        ns = np.linspace(n0, n1, samples)
        lon, lat = back.transform(np.full(samples, e), ns)
        lines.append(shapely.LineString(np.column_stack([lon, lat])))
    for nn in range(n0, n1 + 1, step_m):
        es = np.linspace(e0, e1, samples)
        lon, lat = back.transform(es, np.full(samples, nn))
        lines.append(shapely.LineString(np.column_stack([lon, lat])))
    cut = shapely.intersection(np.array(lines, dtype=object), clip)
    coords: list[list[list[float]]] = []
    for g in cut:
        for part in shapely.get_parts(g):
            if part.geom_type == "LineString" and not part.is_empty:
                coords.append(np.round(np.asarray(part.coords), 5).tolist())
    return coords


def grid_lines(bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """MGRS grid lines and 100 km square labels covering ``bounds`` (lon0, lat0, lon1, lat1).

    Returns
    -------
    dict
        ``lines100`` and ``lines10`` (lists of [[lon, lat], ...]) and ``labels``
        (``{"lon", "lat", "text"}`` at each 100 km square's centre).

    Examples
    --------
    >>> g = grid_lines((43.0, 36.2, 43.3, 36.45))
    >>> sorted(lab["text"] for lab in g["labels"])
    ['38SLF']
    >>> len(g["lines10"]) > len(g["lines100"])
    True
    """
    from geoconflict.grid import squares

    lon0, lat0, lon1, lat1 = bounds
    lat0, lat1 = max(lat0, -80.0), min(lat1, 84.0)
    out: dict[str, Any] = {"lines100": [], "lines10": [], "labels": []}
    span = max(lon1 - lon0, lat1 - lat0)
    if lat1 <= lat0 or lon1 <= lon0 or span > MAX_SPAN_100KM_DEG:
        return out
    box = shapely.box(lon0, lat0, lon1, lat1)
    z0 = int((lon0 + 180) // 6) + 1
    z1 = min(int((lon1 + 180) // 6) + 1, 60)
    for zone in range(z0, z1 + 1):
        for south in (False, True):
            if (south and lat0 >= 0) or (not south and lat1 <= 0):
                continue
            out["lines100"].extend(_zone_lines(zone, south, box, 100_000))
            if span <= MAX_SPAN_10KM_DEG:
                out["lines10"].extend(_zone_lines(zone, south, box, 10_000))
    sq = squares((lon0, lat0, lon1, lat1))
    inside = shapely.point_on_surface(shapely.intersection(sq.geometry.to_numpy(), box))
    for text, pt in zip(sq["square"], inside, strict=True):
        out["labels"].append({"lon": round(pt.x, 5), "lat": round(pt.y, 5), "text": text})
    return out


def grid_layer(
    m: Any, bounds: tuple[float, float, float, float], *, show: bool = True
) -> DataLayer:
    """Add the MGRS grid overlay for ``bounds`` (lon0, lat0, lon1, lat1) to ``m``.

    Examples
    --------
    >>> from geoconflict.render.page import GeoconflictMap
    >>> layer = grid_layer(GeoconflictMap(tiles=None), (43.0, 36.2, 43.3, 36.45))
    >>> layer.layer_name, len(layer.data["labels"])
    ('MGRS grid', 1)
    """
    layer = DataLayer("grid", grid_lines(bounds), name="MGRS grid", show=show)
    layer.add_to(m)
    return layer
