"""Pairs of events close in space and time: :func:`match`, and the rows that cannot be placed.

The monitor's question — "did the coalition declare a strike near this incident,
around that day?" — as one vectorised join of two event tables.

How the pairs are found
-----------------------
1. Each row is *placed*: a point (EPSG:4326) and a day range
   ``date_start .. date_end`` (UTC calendar days). A row with no usable point or
   no ``date_start`` is never linked; :func:`unplaceable` says why.
2. Time goes into the spatial index: right rows are put in buckets of days (one or
   two per row, by the length of its range), left rows query every bucket their range
   widened by ``within_days`` touches, and each bucket is its own sheet of the plane
   (its latitudes moved by a multiple of a stride no box spans). One
   :class:`shapely.STRtree` of the right rows' boxes is queried once with the left
   rows' boxes (envelope intersection, in GEOS): only rows close in time can meet, so
   the cost follows the candidate pairs, not left × right, with no loop over events.
3. The boxes are in degrees and *provably* large enough (see below): no projection,
   so no zone edge and no distortion can lose a pair, from Raqqa to Basra.
4. The candidates are filtered by ``days_apart`` and then by the exact geodesic
   distance on the WGS84 ellipsoid (:meth:`pyproj.Geod.inv`, Karney's algorithm),
   all over whole arrays.

Why the boxes never lose a pair
-------------------------------
On the ellipsoid an element of length is ``ds² = M(φ)² dφ² + (N(φ) cos φ)² dλ²``,
where ``M`` (meridional radius of curvature) is at least ``M_min = a (1 - e²)``
(its value at the equator) and the prime-vertical radius ``N`` is at least ``a``.
So a geodesic of length ``D`` changes latitude by at most ``D / M_min`` and, as every
point on it lies within ``D`` of its ends, never gets further from the equator than
``φ* = |φ| + D / M_min`` for either end's ``φ``; along it ``ds ≥ a cos φ* |dλ|``, so
its ends differ in longitude by at most ``D / (a cos φ*)``. A pair at distance
``D ≤ R`` therefore has ``|Δφ| ≤ R / M_min`` and ``|Δλ| ≤ R / (a cos φ*)``, and the
boxes with those half-sizes (split between the two rows when each carries its own
uncertainty radius) always intersect. Boxes are widened by 1e-9 of their size
against rounding, copied across the antimeridian where they reach it, and cover all
longitudes where ``φ*`` reaches a pole.

Written here because no library does the space *and* time join of two uncertain
event tables; every geometric step is GEOS (shapely) or PROJ (pyproj).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geoconflict.dates import parse_utc
from geoconflict.errors import DataError, OptionError
from geoconflict.events import first_repeat, strike_counts

#: The ellipsoid distances are measured on.
GEOD = pyproj.Geod(ellps="WGS84")
#: WGS84 semi-major axis (m).
WGS84_A = 6_378_137.0
_WGS84_F = 1 / 298.257223563
#: The smallest meridional radius of curvature of WGS84 (at the equator): ``a (1 - e²)``, m.
M_MIN = WGS84_A * (1 - _WGS84_F * (2 - _WGS84_F))
#: Relative widening of every search box, against floating-point rounding.
BOX_SLACK = 1e-9
#: Absolute widening of every search box (degrees, about 1 cm), against rounding.
ABS_SLACK_DEG = 1e-7

#: Columns of the table :func:`match` returns, in order.
PAIR_COLUMNS: tuple[str, ...] = (
    "left_id",
    "right_id",
    "distance_m",
    "distance_min_m",
    "days_apart",
    "right_strikes",
)
#: Columns of the table :func:`unplaceable` returns.
UNPLACEABLE_COLUMNS: tuple[str, ...] = ("row", "event_id", "field", "value", "reason")


@dataclass
class Placed:
    """The rows of an event table in space and time, as arrays (one entry per row).

    Attributes
    ----------
    ids : numpy.ndarray
        ``event_id`` of each row.
    lon, lat : numpy.ndarray
        Degrees (NaN where the row has no usable point).
    day0, day1 : numpy.ndarray
        First and last UTC calendar day (days since 1970-01-01, int64).
    radius_m : numpy.ndarray
        ``location_precision_m`` (0 where missing).
    ok : numpy.ndarray
        True where the row is placed in space and time.
    field, reason, value : numpy.ndarray
        For rows that are not placed: the field at fault, why, and its value (else None).
    points : numpy.ndarray
        The shapely points (EPSG:4326).
    """

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    day0: np.ndarray
    day1: np.ndarray
    radius_m: np.ndarray
    ok: np.ndarray
    field: np.ndarray
    reason: np.ndarray
    value: np.ndarray
    points: np.ndarray


def _days(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """UTC calendar day of each date (int64) and where it is missing."""
    dates = parse_utc(values)
    arr = dates.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(arr)
    days = np.zeros(len(arr), dtype="int64")
    days[~missing] = arr[~missing].astype("datetime64[D]").astype("int64")
    return days, missing


def place(events: pd.DataFrame, name: str = "events") -> Placed:
    """Place each row of an event table in space and time (vectorised).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        An event table (the column contract); any CRS (reprojected to EPSG:4326).
    name : str
        What the table is called in error messages (``"left"``, ``"right"``).

    Returns
    -------
    Placed

    Raises
    ------
    DataError
        When the table has no ``event_id``, no ``date_start`` or no geometry, or its
        ``event_id`` values are not unique.

    Examples
    --------
    >>> ev = gpd.GeoDataFrame({"event_id": ["a", "b"],
    ...     "date_start": pd.to_datetime(["2017-03-17", None])},
    ...     geometry=gpd.points_from_xy([43.1, 43.2], [36.3, 36.4]), crs=4326)
    >>> p = place(ev)
    >>> p.ok.tolist(), p.reason[1]
    ([True, False], 'no date_start: cannot be placed in time')
    """
    for col in ("event_id", "date_start"):
        if col not in events.columns:
            raise DataError(f"{name}: event table has no {col!r} column")
    if not isinstance(events, gpd.GeoDataFrame) or events.geometry.name not in events.columns:
        raise DataError(f"{name}: event table has no geometry column")
    n = len(events)
    ids = events["event_id"].to_numpy(dtype=object, na_value=None)
    repeat = first_repeat(ids)
    if repeat is not None:
        k, first = repeat
        raise DataError(
            f"{name}: record {k + 1}, field 'event_id': {ids[k]!r} repeats record {first + 1}"
            " (pairs name rows by their event_id)"
        )
    geo = events.geometry
    if geo.crs is not None and not geo.crs.equals("EPSG:4326"):
        geo = geo.to_crs("EPSG:4326")
    geoms = np.asarray(geo.to_numpy())
    missing_geom = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    type_id = shapely.get_type_id(geoms)
    not_point = ~missing_geom & (type_id != shapely.GeometryType.POINT)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    is_point = ~missing_geom & ~not_point
    lon[is_point] = shapely.get_x(geoms[is_point])
    lat[is_point] = shapely.get_y(geoms[is_point])
    bad_coord = is_point & ~(
        np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    )
    day0, no_start = _days(events["date_start"])
    if "date_end" in events.columns:
        day1, no_end = _days(events["date_end"])
        day1 = np.where(no_end, day0, day1)
    else:
        day1 = day0.copy()
    reversed_range = ~no_start & (day1 < day0)
    if "location_precision_m" in events.columns:
        radius = pd.to_numeric(events["location_precision_m"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
        radius = np.where(np.isfinite(radius) & (radius > 0), radius, 0.0)
    else:
        radius = np.zeros(n)
    field = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    value = np.full(n, None, dtype=object)
    # Later checks win where a row has several problems; space first, then time.
    checks = (
        (reversed_range, "date_end", "date_end before date_start: cannot be placed in time"),
        (no_start, "date_start", "no date_start: cannot be placed in time"),
        (bad_coord, "geometry", "coordinates outside WGS84 range: cannot be placed in space"),
        (not_point, "geometry", "geometry is not a point: cannot be placed in space"),
        (missing_geom, "geometry", "missing or empty geometry: cannot be placed in space"),
    )
    for mask, col, why in checks:
        if not mask.any():
            continue
        field[mask] = col
        reason[mask] = why
        if col == "geometry":
            value[mask] = shapely.to_wkt(geoms[mask], rounding_precision=7)
        else:
            text = events[col].astype("string").to_numpy(dtype=object, na_value=None)
            value[mask] = text[mask]
    ok = ~(missing_geom | not_point | bad_coord | no_start | reversed_range)
    return Placed(ids, lon, lat, day0, day1, radius, ok, field, reason, value, geoms)


def unplaceable(events: pd.DataFrame) -> pd.DataFrame:
    """The rows of an event table that can never be linked, and why.

    A row is not placed in space when its geometry is missing, empty, not a point
    or outside the WGS84 range, and not in time when it has no ``date_start`` or
    its ``date_end`` is before it. Such rows never appear in :func:`match` pairs.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        An event table.

    Returns
    -------
    pandas.DataFrame
        ``row`` (1-based position in ``events``), ``event_id``, ``field``,
        ``value``, ``reason``: one row per unplaced event (the rejects-ledger
        columns plus the id).

    Examples
    --------
    >>> import shapely
    >>> ev = gpd.GeoDataFrame({"event_id": ["a", "b", "c"],
    ...     "date_start": pd.to_datetime(["2017-03-17", None, "2017-03-18"])},
    ...     geometry=[shapely.Point(43.1, 36.3), shapely.Point(43.2, 36.4), None], crs=4326)
    >>> unplaceable(ev)[["row", "event_id", "field"]].values.tolist()
    [[2, 'b', 'date_start'], [3, 'c', 'geometry']]
    """
    p = place(events)
    bad = np.flatnonzero(~p.ok)
    return pd.DataFrame(
        {
            "row": (bad + 1).astype("int64"),
            "event_id": pd.Series(p.ids[bad], dtype=object),
            "field": pd.Series(p.field[bad], dtype=object),
            "value": pd.Series(p.value[bad], dtype=object),
            "reason": pd.Series(p.reason[bad], dtype=object),
        },
        columns=list(UNPLACEABLE_COLUMNS),
    )


def check_thresholds(within_m: Any, within_days: Any) -> tuple[float, int]:
    """``within_m`` as a float >= 0 and ``within_days`` as an int >= 0, or OptionError.

    Examples
    --------
    >>> check_thresholds(5000, 1)
    (5000.0, 1)
    >>> check_thresholds(-1, 1)
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: within_m must be a finite number >= 0 (metres), got -1
    """
    try:
        metres = float(within_m)
    except (TypeError, ValueError):
        metres = math.nan
    if not (math.isfinite(metres) and metres >= 0):
        raise OptionError(f"within_m must be a finite number >= 0 (metres), got {within_m!r}")
    try:
        days_f = float(within_days)
    except (TypeError, ValueError):
        days_f = math.nan
    if not (math.isfinite(days_f) and days_f >= 0 and days_f == int(days_f)):
        raise OptionError(f"within_days must be a whole number >= 0 (days), got {within_days!r}")
    return metres, int(days_f)


def lon_half_width(lat: np.ndarray, reach_m: np.ndarray, lat_margin: float) -> np.ndarray:
    """Half-width in degrees of longitude of a box that holds every point within ``reach_m``.

    ``lat_margin`` (radians) bounds how much further from the equator than ``lat``
    the geodesic can go (the longest search distance over ``M_MIN``). Capped at
    360 (all longitudes) where that reaches a pole.

    Examples
    --------
    >>> round(float(lon_half_width(np.array([0.0]), np.array([111_319.49]), 0.0)[0]), 6)
    1.0
    """
    phi = np.minimum(np.radians(np.abs(lat)) + lat_margin, math.pi / 2)
    cos = np.cos(phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.degrees(reach_m / (WGS84_A * cos))
    half = np.where((cos > 1e-12) & np.isfinite(half), half, 360.0)
    return np.minimum(half * (1 + BOX_SLACK) + ABS_SLACK_DEG, 360.0)


def _boxes(lon: np.ndarray, lat: np.ndarray, hlon: np.ndarray, hlat: np.ndarray) -> np.ndarray:
    return np.asarray(shapely.box(lon - hlon, lat - hlat, lon + hlon, lat + hlat))


def _span_class(span: np.ndarray) -> np.ndarray:
    """0 for one-day ranges, else the bit length of the range's extra days."""
    out = np.zeros(len(span), dtype="int64")
    pos = span > 0
    out[pos] = np.floor(np.log2(span[pos])).astype("int64") + 1
    return out


def days_apart(s1: np.ndarray, e1: np.ndarray, s2: np.ndarray, e2: np.ndarray) -> np.ndarray:
    """Whole days between two day ranges: 0 when they overlap.

    Examples
    --------
    >>> days_apart(np.array([0, 0]), np.array([3, 3]), np.array([2, 5]), np.array([9, 5]))
    array([0, 2])
    """
    return np.maximum(0, np.maximum(s2 - e1, s1 - e2))


def _copies(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and bucket of each copy of rows that span buckets ``first .. last``."""
    count = (last - first + 1).astype("int64")
    rows = np.repeat(np.arange(len(first)), count)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
    return rows, first[rows] + offset


def candidates(
    left: Placed, right: Placed, within_m: float, within_days: int, uncertainty: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(li, ri)`` of the row pairs within ``within_days`` whose boxes meet.

    Every pair within ``within_m`` (plus both radii with ``uncertainty``) is among
    them (see the module docstring); the caller measures the exact distance.

    Time goes into the same index as space: right rows are sorted by the length of
    their day range into classes (lengths below ``2**c``), each class cut into
    buckets of ``max(2 * within_days + 1, 2**c)`` days; a right row is put in every
    bucket its range touches (one or two), a left row queries every bucket of every
    class its range widened by ``within_days`` touches. Each bucket is its own sheet
    of the plane (latitudes moved by a multiple of a stride larger than any box), so
    boxes of different buckets never meet; one STRtree, one query, and a pair that
    shares several buckets is kept once (in the bucket of its first shared day).

    Examples
    --------
    >>> ev = gpd.GeoDataFrame({"event_id": ["a", "b", "c"],
    ...     "date_start": pd.to_datetime(["2017-03-01", "2017-03-02", "2017-03-09"])},
    ...     geometry=gpd.points_from_xy([43.1, 43.1, 43.1], [36.3, 36.3, 36.3]), crs=4326)
    >>> li, ri = candidates(place(ev), place(ev), 100.0, 1, False)
    >>> sorted(zip(li.tolist(), ri.tolist()))
    [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)]
    """
    li_ok = np.flatnonzero(left.ok)
    ri_ok = np.flatnonzero(right.ok)
    empty = (np.array([], dtype="int64"), np.array([], dtype="int64"))
    if not len(li_ok) or not len(ri_ok):
        return empty
    r_left = left.radius_m[li_ok] if uncertainty else np.zeros(len(li_ok))
    r_right = right.radius_m[ri_ok] if uncertainty else np.zeros(len(ri_ok))
    longest = within_m + float(r_left.max()) + float(r_right.max())
    lat_margin = longest / M_MIN
    # Left boxes carry the threshold and their own radius, right boxes their radius.
    reach_l = within_m + r_left
    hlat_l = np.degrees(reach_l / M_MIN) * (1 + BOX_SLACK) + ABS_SLACK_DEG
    hlon_l = lon_half_width(left.lat[li_ok], reach_l, lat_margin)
    hlat_r = np.degrees(r_right / M_MIN) * (1 + BOX_SLACK)
    hlon_r = np.where(r_right > 0, lon_half_width(right.lat[ri_ok], r_right, lat_margin), 0.0)
    stride = 400.0 + 4 * float(max(hlat_l.max(), hlat_r.max()))

    w = within_days
    origin = min(int(left.day0[li_ok].min()) - w, int(right.day0[ri_ok].min()))
    s1, e1 = left.day0[li_ok] - origin, left.day1[li_ok] - origin
    s2, e2 = right.day0[ri_ok] - origin, right.day1[ri_ok] - origin
    cls_r = _span_class(e2 - s2)
    classes = np.unique(cls_r)
    sizes = np.maximum(2 * w + 1, 2 ** classes.astype("int64"))
    ci_r = np.searchsorted(classes, cls_r)
    size_r = sizes[ci_r]
    nc = len(classes)

    # The tree: each right row once per bucket of its class that its range touches.
    rrow, rbucket = _copies(s2 // size_r, e2 // size_r)
    rsheet = rbucket * nc + ci_r[rrow]
    lon_r, lat_r = right.lon[ri_ok][rrow], right.lat[ri_ok][rrow] + stride * rsheet
    tree_geoms = np.asarray(shapely.points(lon_r, lat_r))
    wide = np.flatnonzero(r_right[rrow] > 0)
    if len(wide):
        hx, hy = hlon_r[rrow][wide], hlat_r[rrow][wide]
        tree_geoms[wide] = _boxes(lon_r[wide], lat_r[wide], hx, hy)
    tree = shapely.STRtree(tree_geoms)

    # The queries: each left row once per bucket of each class its widened range touches.
    qrow_parts, qsheet_parts, qbucket_parts, qclass_parts = [], [], [], []
    for ci, size in enumerate(sizes):
        row, bucket = _copies((s1 - w) // size, (e1 + w) // size)
        qrow_parts.append(row)
        qbucket_parts.append(bucket)
        qsheet_parts.append(bucket * nc + ci)
        qclass_parts.append(np.full(len(row), ci))
    qrow = np.concatenate(qrow_parts)
    qsheet = np.concatenate(qsheet_parts)
    qbucket = np.concatenate(qbucket_parts)
    qclass = np.concatenate(qclass_parts)
    qlon = left.lon[li_ok][qrow]
    qlat = left.lat[li_ok][qrow] + stride * qsheet
    # Across the antimeridian: copies shifted by 360 degrees of the boxes that reach it.
    reach = hlon_l[qrow] + float(hlon_r.max())
    west = np.flatnonzero((qlon - reach < -180) & (hlon_l[qrow] < 180))
    east = np.flatnonzero((qlon + reach > 180) & (hlon_l[qrow] < 180))
    copies = np.concatenate([np.arange(len(qrow)), west, east])
    shift = np.concatenate(
        [np.zeros(len(qrow)), np.full(len(west), 360.0), np.full(len(east), -360.0)]
    )
    hx = hlon_l[qrow][copies]
    hy = hlat_l[qrow][copies]
    boxes = _boxes(qlon[copies] + shift, qlat[copies], hx, hy)
    qi, ti = tree.query(boxes)
    q = copies[qi]
    li, ri = qrow[q], rrow[ti]
    # Once per pair: in the bucket of the first day the two (widened) ranges share.
    first_shared = np.maximum(s2[ri], s1[li] - w)
    once = qbucket[q] == first_shared // sizes[qclass[q]]
    near = once & (days_apart(s1[li], e1[li], s2[ri], e2[ri]) <= w)
    li, ri = li[near], ri[near]
    if len(west) or len(east):
        code = np.unique(li.astype("int64") * len(ri_ok) + ri)
        li, ri = code // len(ri_ok), code % len(ri_ok)
    return li_ok[li], ri_ok[ri]


def _strikes(events: pd.DataFrame) -> pd.Series:
    """Each row's stated strike count (:func:`geoconflict.events.strike_counts`), NA if none."""
    counts, uncounted = strike_counts(events)
    out = pd.array(counts, dtype="Int64")
    out[uncounted] = pd.NA
    return pd.Series(out, index=events.index)


def match(
    left: Any,
    right: Any,
    within_m: float,
    within_days: int,
    *,
    uncertainty: bool = False,
) -> Any:
    """Pairs of events, one from each table, within a distance and a number of days.

    Parameters
    ----------
    left, right : geopandas.GeoDataFrame or dask_geopandas.GeoDataFrame
        Two event tables (the column contract: ``event_id`` unique within each,
        point ``geometry``, ``date_start``, ``date_end``, ``location_precision_m``),
        typically independent civilian-harm records (left) and declared strikes
        (right). A Dask table on either side gives a lazy Dask result
        (:func:`geoconflict.link.scale.match`); the caller's entry point
        :func:`geoconflict.link.api.match` chooses the engine, as this module is the
        pandas engine and never hands work to Dask.
    within_m : float
        Largest distance in metres (geodesic, WGS84, between the two points).
    within_days : int
        Largest ``days_apart``: 0 when the two date ranges ``date_start .. date_end``
        overlap (by UTC calendar day), else the whole days between the end of the
        earlier and the start of the later.
    uncertainty : bool, default False
        Measure between the two uncertainty circles instead: the distance less both
        ``location_precision_m`` radii (never below 0, a missing radius counts as
        0), kept as ``distance_min_m``; a pair is kept when that is within
        ``within_m``. Without it ``distance_min_m`` equals ``distance_m``.

    Returns
    -------
    pandas.DataFrame
        ``left_id``, ``right_id``, ``distance_m``, ``distance_min_m``,
        ``days_apart``, ``right_strikes`` (the right row's stated ``strikes`` count,
        Int64, missing where it states none: :func:`geoconflict.events.strike_counts`),
        one row per pair, sorted by left then right row order. Rows that cannot be
        placed in space or time (see :func:`unplaceable`) are in no pair.

    Raises
    ------
    OptionError
        When ``within_m`` or ``within_days`` is negative or not a number.
    DataError
        When a table lacks ``event_id``, ``date_start`` or a geometry, or repeats
        an ``event_id``.

    Examples
    --------
    >>> inc = gpd.GeoDataFrame({"event_id": ["inc-1", "inc-2"],
    ...     "date_start": pd.to_datetime(["2017-03-17", "2017-03-17"]),
    ...     "location_precision_m": [100.0, 100.0]},
    ...     geometry=gpd.points_from_xy([43.10, 43.30], [36.35, 36.35]), crs=4326)
    >>> strikes = gpd.GeoDataFrame({"event_id": ["s-1"],
    ...     "date_start": pd.to_datetime(["2017-03-18"]), "strikes": [3],
    ...     "location_precision_m": [707.0]},
    ...     geometry=gpd.points_from_xy([43.12], [36.36]), crs=4326)
    >>> match(inc, strikes, 5000, 1)[["left_id", "right_id", "distance_m", "days_apart"]]
      left_id right_id   distance_m  days_apart
    0   inc-1      s-1  2110.432528           1
    >>> match(inc, strikes, 1500, 1, uncertainty=True)["distance_min_m"].round(1).tolist()
    [1303.4]
    """
    metres, days = check_thresholds(within_m, within_days)
    pl = place(left, "left")
    pr = place(right, "right")
    li, ri = candidates(pl, pr, metres, days, uncertainty)
    if len(li):
        _, _, dist = GEOD.inv(pl.lon[li], pl.lat[li], pr.lon[ri], pr.lat[ri])
        dist = np.asarray(dist, dtype="float64")
    else:
        dist = np.array([], dtype="float64")
    dmin = np.maximum(dist - pl.radius_m[li] - pr.radius_m[ri], 0.0) if uncertainty else dist
    keep = dmin <= metres
    li, ri, dist, dmin = li[keep], ri[keep], dist[keep], dmin[keep]
    order = np.lexsort((ri, li))
    li, ri, dist, dmin = li[order], ri[order], dist[order], dmin[order]
    apart = days_apart(pl.day0[li], pl.day1[li], pr.day0[ri], pr.day1[ri])
    strikes = _strikes(right).to_numpy(dtype=object, na_value=pd.NA)
    return pd.DataFrame(
        {
            "left_id": pd.Series(pl.ids[li], dtype=object),
            "right_id": pd.Series(pr.ids[ri], dtype=object),
            "distance_m": dist,
            "distance_min_m": dmin,
            "days_apart": apart.astype("int64"),
            "right_strikes": pd.array(strikes[ri], dtype="Int64"),
        },
        columns=list(PAIR_COLUMNS),
    )
