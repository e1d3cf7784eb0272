"""Geometry for the derive (tools/make_data.py): snapping, discs, tiling, Raqqa's rings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import Point, Polygon, box

#: Coordinates are written with 6 decimals (about 0.1 m); every geometry is
#: snapped to this grid before the checks, so what is checked is what ships.
GRID = 1e-6
#: Equal-area CRS for every area figure (NSIDC EASE-Grid 2.0 global).
EQUAL_AREA = "EPSG:6933"
GEOD = Geod(ellps="WGS84")
#: Raqqa's rings are ellipses round the last holdouts, this much wider (E-W) than tall,
#: searched inside this frame (lon0, lat0, lon1, lat1) round the city.
RING_ASPECT = 1.8
RING_FRAME = (38.8, 35.8, 39.2, 36.1)


def snap(geom: Any) -> Any:
    """Snap to the output grid and make valid (what is written is what is checked)."""
    return shapely.make_valid(shapely.set_precision(geom, GRID))


def area_km2(geom: Any) -> float:
    """Geodesic area in km² (ellipsoidal, pyproj.Geod)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def ea_area(geoms: Sequence[Any]) -> np.ndarray:
    """Areas in m² in the equal-area CRS."""
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(EQUAL_AREA).area.to_numpy()


def disc(lon: float, lat: float, radius_m: float) -> Polygon:
    """A geodesic circle as a 128-gon."""
    az = np.linspace(0.0, 360.0, 129)[:-1]
    lons, lats, _ = GEOD.fwd(
        np.full(az.size, lon), np.full(az.size, lat), az, np.full(az.size, radius_m)
    )
    return Polygon(zip(lons, lats, strict=True))


def polygonal(geom: Any) -> Any:
    """Keep only the polygon parts (set operations can leave slivers of lines)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def linear(geom: Any) -> Any:
    """Keep only the line parts, merged where they meet."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("LineString", "MultiLineString")]
    if not parts:
        return shapely.LineString()
    return shapely.line_merge(shapely.union_all(parts))


def tile(whole: Any, cores: Sequence[Any]) -> list[Any]:
    """Cut ``whole`` into pieces: core i ∩ whole minus the earlier pieces; the last takes the rest.

    ``cores`` has one entry per piece; the last entry is ignored (remainder).
    """
    pieces: list[Any] = []
    taken = shapely.Polygon()
    for core in cores[:-1]:
        piece = snap(shapely.difference(shapely.intersection(whole, core), taken))
        pieces.append(piece)
        taken = snap(shapely.union(taken, piece))
    pieces.append(snap(shapely.difference(whole, taken)))
    return pieces


def ellipse(centre: Point, scale_m: float) -> Polygon:
    """Ellipse round ``centre``, semi-axes ``scale_m*RING_ASPECT`` E-W and ``scale_m`` N-S."""
    lon0, lat0 = centre.x, centre.y
    t = np.linspace(0.0, 2 * math.pi, 257)[:-1]
    lat = lat0 + scale_m * np.sin(t) / 110_950.0
    lon = lon0 + scale_m * RING_ASPECT * np.cos(t) / (111_320.0 * math.cos(math.radians(lat0)))
    return Polygon(zip(lon, lat, strict=True))


def ring_core(whole: Any, centre: Point, share: float) -> Any:
    """The frame outside the ellipse that leaves ``1 - share`` of ``whole`` inside it."""
    total = float(ea_area([whole])[0])
    lo, hi = 0.0, 10_000.0
    for _ in range(60):  # bisect the ellipse size (metres)
        mid = (lo + hi) / 2
        inside = float(ea_area([shapely.intersection(whole, ellipse(centre, mid))])[0])
        lo, hi = (mid, hi) if inside / total < 1.0 - share else (lo, mid)
    return shapely.difference(box(*RING_FRAME), ellipse(centre, (lo + hi) / 2))


def zone_point(zone: Any) -> tuple[float, float, int]:
    """A point inside ``zone`` (its centroid where that is inside) and a radius (m, to the
    next 500 m) that reaches every corner of it."""
    pt = zone.centroid if zone.contains(zone.centroid) else zone.representative_point()
    corners = shapely.get_coordinates(zone.exterior if zone.geom_type == "Polygon" else zone)
    n = len(corners)
    _, _, dist = GEOD.inv(np.full(n, pt.x), np.full(n, pt.y), corners[:, 0], corners[:, 1])
    return float(pt.y), float(pt.x), int(math.ceil(float(dist.max()) / 500.0) * 500)
