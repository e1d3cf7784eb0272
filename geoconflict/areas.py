"""Study areas: load the defaults or a user file, assign events, summarise, find protected sites.

The geometry work is done by the libraries built for it: files are read by
pyogrio (through geopandas), point-in-polygon and overlap tests run in GEOS
through :class:`shapely.STRtree` queries over whole arrays, and distances are
geodesics on the WGS84 ellipsoid from :class:`pyproj.Geod` (Karney's algorithm).
What is written here is only what none of them does: picking the *most
specific* area when areas nest (``mosul_west`` inside ``mosul``), splitting an
uncertain location between areas by overlap, and the additive summary that a
Dask engine (:mod:`geoconflict.scale`) can run partition by partition.

Examples
--------
>>> import geopandas as gpd, shapely
>>> areas = gpd.GeoDataFrame(
...     {"area_id": ["city", "west"], "name": ["City", "West"], "parent": [None, "city"]},
...     geometry=[shapely.box(0, 0, 2, 1), shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
>>> events = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0.5, 1.5, 3], [0.5, 0.5, 0.5]),
...                           crs="EPSG:4326")
>>> assign(events, areas)["area"].tolist()
['west', 'city', None]
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoconflict._io import read_vector
from geoconflict.errors import DataError

CRS = "EPSG:4326"
#: An equal-area CRS (WGS 84 / NSIDC EASE-Grid 2.0 Global) for sizes of areas and zones.
EQUAL_AREA_CRS = "EPSG:6933"

#: Columns of a study-area table, in order.
AREA_COLUMNS: tuple[str, ...] = ("area_id", "name", "parent", "country", "source", "geometry")

#: Additive columns of a summary (counts and sums), in order.
SUMMARY_VALUES: tuple[str, ...] = (
    "events",
    "strikes",
    "fatalities",
    "civilians_killed_min",
    "civilians_killed_max",
)

# WGS84 ellipsoid: semi-major axis (m) and first eccentricity squared.
_WGS84_A = 6_378_137.0
_WGS84_E2 = 6.694379990141317e-3
# Vertices of the polygon that stands for an uncertainty disc.
_DISC_VERTICES = 64
# Offset aliases whose period is named differently (pandas' to_period wants "M", not "MS").
_PERIOD_ALIASES = {
    "MS": "M",
    "ME": "M",
    "M": "M",
    "month": "M",
    "QS": "Q",
    "QE": "Q",
    "quarter": "Q",
    "YS": "Y",
    "YE": "Y",
    "AS": "Y",
    "year": "Y",
    "D": "D",
    "day": "D",
    "W": "W",
    "week": "W",
}


# --------------------------------------------------------------------------- load


def load(
    path: str | os.PathLike[str] | None = None,
    *,
    id_field: str | None = None,
    name_field: str | None = None,
) -> gpd.GeoDataFrame:
    """Load study areas: the shipped defaults, or a user's file in any CRS.

    Parameters
    ----------
    path : str or path-like, optional
        A GeoJSON, GeoPackage, Shapefile or GeoParquet file. Default: the
        shipped ``data/areas.geojson`` (Mosul with its east and west halves,
        Raqqa, the western desert of Anbar).
    id_field, name_field : str, optional
        The file's fields holding the area id and name (default ``area_id``
        and ``name``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``area_id``, ``name``, ``parent``, ``country``, ``source``,
        ``geometry`` in EPSG:4326. Non-polygon features (rivers drawn as
        context lines) are left out. Invalid geometries are repaired with
        :func:`shapely.make_valid`; a :class:`UserWarning` names them and
        ``result.attrs["repaired_ids"]`` lists their ids. Fields the file
        lacks (``parent``, ``country``) are missing; a missing ``source`` is
        the file's name.

    Raises
    ------
    DataError
        The file cannot be read, has no id or name field, a record has no id,
        a duplicate id or no geometry, or the file has no CRS and is not in
        degrees.

    Examples
    --------
    >>> import tempfile, pathlib, geopandas as gpd, shapely
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> gpd.GeoDataFrame({"code": ["a"], "label": ["A"]}, geometry=[shapely.box(0, 0, 1e5, 1e5)],
    ...                  crs="EPSG:32638").to_file(d / "a.gpkg")
    >>> a = load(d / "a.gpkg", id_field="code", name_field="label")
    >>> a.columns.tolist(), a.crs.to_epsg(), a["source"].iloc[0]
    (['area_id', 'name', 'parent', 'country', 'source', 'geometry'], 4326, 'a.gpkg')
    """
    if path is None and id_field is None and name_field is None:
        return _default_areas().copy()
    if path is None:
        path = _default_path()
    return _read_areas(Path(path), id_field or "area_id", name_field or "name")


def _default_path() -> Path:
    from geoconflict import datasets

    return Path(datasets.path("areas"))


@functools.lru_cache(maxsize=1)
def _default_areas() -> gpd.GeoDataFrame:
    return _read_areas(_default_path(), "area_id", "name")


def _read_areas(path: Path, id_field: str, name_field: str) -> gpd.GeoDataFrame:
    frame = read_vector(path, "an areas")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise DataError(f"{path}: no geometry column")
    for role, field in (("id", id_field), ("name", name_field)):
        if field not in frame.columns:
            raise DataError(
                f"{path}: no {role} field {field!r} (fields: {sorted(map(str, frame.columns))});"
                f" pass {role}_field= to name it"
            )
    frame = frame.reset_index(drop=True)
    record = np.arange(1, len(frame) + 1)  # 1-based feature number in the file
    geoms = frame.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        first = int(record[missing][0])
        raise DataError(f"{path}: record {first}, field 'geometry': no geometry")
    # Rivers and other context lines share the file with the areas: keep polygons only.
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6, 7))
    frame, record = frame[polygonal].reset_index(drop=True), record[polygonal]
    ids = frame[id_field]
    no_id = ids.isna().to_numpy() | (ids.astype(str).str.strip() == "").to_numpy()
    if no_id.any():
        raise DataError(f"{path}: record {int(record[no_id][0])}, field {id_field!r}: missing id")
    ids = ids.astype(str).str.strip()
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DataError(
            f"{path}: records {record[dup].tolist()[:5]}, field {id_field!r}:"
            f" duplicate id {ids[dup].iloc[0]!r}"
        )
    crs = frame.crs
    if crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            raise DataError(f"{path}: no CRS and the coordinates are not degrees; set its CRS")
        warnings.warn(f"{path}: no CRS, assumed EPSG:4326", UserWarning, stacklevel=3)
        frame = frame.set_crs(CRS)
    elif not crs.equals(CRS):
        frame = frame.to_crs(CRS)
    geoms = frame.geometry.to_numpy().copy()
    invalid = ~shapely.is_valid(geoms)
    repaired: list[str] = []
    if invalid.any():
        geoms[invalid] = [_polygonal_part(g) for g in shapely.make_valid(geoms[invalid])]
        repaired = ids[invalid].tolist()
        warnings.warn(
            f"{path}: repaired {len(repaired)} invalid geometr"
            f"{'y' if len(repaired) == 1 else 'ies'} (shapely.make_valid): ids {repaired}",
            UserWarning,
            stacklevel=3,
        )
    names = frame[name_field]
    names = names.where(names.notna(), ids)
    columns = {
        "area_id": _text(ids),
        "name": _text(names),
        "parent": _text(frame["parent"]) if "parent" in frame else _none(len(frame)),
        "country": _text(frame["country"]) if "country" in frame else _none(len(frame)),
        "source": (
            _text(frame["source"].where(frame["source"].notna(), path.name))
            if "source" in frame
            else np.full(len(frame), path.name, dtype=object)
        ),
    }
    out = gpd.GeoDataFrame(
        {k: pd.Series(v, dtype=object) for k, v in columns.items()}, geometry=geoms, crs=CRS
    )
    out.attrs["repaired_ids"] = repaired
    out.attrs["path"] = str(path)
    return out


def _polygonal_part(geom: Any) -> Any:
    """The polygons of a repaired geometry (make_valid may add stray lines or points)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    return shapely.union_all(polys) if len(polys) else shapely.Polygon()


def _text(values: pd.Series) -> np.ndarray:
    arr = values.to_numpy(dtype=object)
    return np.array([None if pd.isna(v) else str(v) for v in arr], dtype=object)


def _none(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


# --------------------------------------------------------------------------- area table


def _area_table(areas: gpd.GeoDataFrame | str | os.PathLike[str] | None) -> gpd.GeoDataFrame:
    """Areas in EPSG:4326, polygonal, ordered most specific first (``rank`` = position)."""
    if areas is None:
        table = load()
    elif isinstance(areas, str | os.PathLike):
        table = load(areas)
    else:
        if "area_id" not in areas.columns:
            raise DataError("areas table has no 'area_id' column")
        table = areas
        if table.crs is None:
            table = table.set_crs(CRS)
        elif not table.crs.equals(CRS):
            table = table.to_crs(CRS)
        table = table[~shapely.is_missing(table.geometry.to_numpy())]
    table = table.reset_index(drop=True)
    ids = table["area_id"].astype(str).to_numpy(dtype=object)
    parents = (
        table["parent"].to_numpy(dtype=object, na_value=None)
        if "parent" in table.columns
        else _none(len(table))
    )
    parent_of = {i: (None if p is None else str(p)) for i, p in zip(ids, parents, strict=True)}
    depth = np.array([_depth(i, parent_of) for i in ids], dtype="int64")
    size = table.geometry.to_crs(EQUAL_AREA_CRS).area.to_numpy()
    # Most specific first: deepest in the parent chain, then smallest, then by id.
    order = np.lexsort((ids, size, -depth))
    table = table.iloc[order].reset_index(drop=True)
    position = {a: k for k, a in enumerate(table["area_id"].astype(str))}
    parent_pos = np.array(
        [position.get(parent_of[a] or "", -1) for a in table["area_id"].astype(str)],
        dtype="int64",
    )
    table = gpd.GeoDataFrame(
        {"area_id": table["area_id"].astype(str).to_numpy(dtype=object), "parent_pos": parent_pos},
        geometry=table.geometry.to_numpy(),
        crs=CRS,
    )
    return table


def _depth(area_id: str, parent_of: Mapping[str, str | None]) -> int:
    depth, seen = 0, {area_id}
    parent = parent_of.get(area_id)
    while parent is not None and parent in parent_of and parent not in seen:
        depth += 1
        seen.add(parent)
        parent = parent_of.get(parent)
    return depth


def _event_geometries(events: pd.DataFrame) -> np.ndarray:
    """The events' geometries as a shapely array in EPSG:4326."""
    if isinstance(events, gpd.GeoDataFrame) and events.geometry.name in events.columns:
        geo = events.geometry
        if geo.crs is not None and not geo.crs.equals(CRS):
            geo = geo.to_crs(CRS)
        return np.asarray(geo.to_numpy())
    if "lat" in events.columns and "lon" in events.columns:
        lat = pd.to_numeric(events["lat"], errors="coerce").to_numpy(dtype="float64")
        lon = pd.to_numeric(events["lon"], errors="coerce").to_numpy(dtype="float64")
        pts = shapely.points(lon, lat)
        pts[np.isnan(lat) | np.isnan(lon)] = None
        return np.asarray(pts)
    raise DataError("events need a geometry column or 'lat' and 'lon' columns")


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("dask", "dask_geopandas", "dask_expr")


# --------------------------------------------------------------------------- assign


def assign(
    events: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    how: str = "within",
) -> gpd.GeoDataFrame:
    """Give each event the most specific study area that holds it.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Events (any CRS; a DataFrame with ``lat``/``lon`` also works). A
        ``dask_geopandas.GeoDataFrame`` is handed to :func:`geoconflict.scale.assign`.
    areas : geopandas.GeoDataFrame or path, optional
        Areas with ``area_id`` (and optionally ``parent``); default :func:`load`.
    how : {"within", "intersects"}
        ``"within"``: the event's point must lie inside the area. ``"intersects"``:
        the event's uncertainty — the grid square of its ``mgrs`` reference
        where it has one, else a disc of radius ``location_precision_m``
        around the point — is compared with the areas; it goes to the area it
        overlaps most (an area's own overlap excludes its children's), and is
        flagged ``area_ambiguous`` when that area does not hold all of it.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``events`` (same index, all columns) with ``area`` (the
        area id; a child like ``mosul_west`` beats its parent ``mosul``;
        missing outside all areas) and, with ``how="intersects"``,
        ``area_ambiguous`` (bool).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"area_id": ["w", "e"]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs="EPSG:4326")
    >>> ev = gpd.GeoDataFrame({"location_precision_m": [0.0, 5000.0]},
    ...     geometry=gpd.points_from_xy([0.5, 0.99], [0.5, 0.5]), crs="EPSG:4326")
    >>> out = assign(ev, areas, how="intersects")
    >>> out["area"].tolist(), out["area_ambiguous"].tolist()
    (['w', 'w'], [False, True])
    """
    if _is_dask(events):
        from geoconflict import scale  # type: ignore[attr-defined,unused-ignore]

        return scale.assign(events, areas=areas, how=how)  # type: ignore[no-any-return,unused-ignore]
    if how not in ("within", "intersects"):
        raise ValueError(f"how must be 'within' or 'intersects', got {how!r}")
    table = _area_table(areas)
    geoms = _event_geometries(events)
    ids = np.concatenate([table["area_id"].to_numpy(dtype=object), _none(1)])
    if how == "within":
        best = _assign_within(geoms, table)
        ambiguous = None
    else:
        mgrs = events["mgrs"].to_numpy(dtype=object) if "mgrs" in events.columns else None
        best, ambiguous = _assign_intersects(geoms, _precision_m(events), table, mgrs)
    out = events.copy()
    out["area"] = pd.Series(ids[best], index=out.index, dtype=object)
    if ambiguous is not None:
        out["area_ambiguous"] = pd.Series(ambiguous, index=out.index, dtype=bool)
    return out


def _assign_within(geoms: np.ndarray, table: gpd.GeoDataFrame) -> np.ndarray:
    """Position in ``table`` (most specific first) of each event's area; len(table) for none."""
    n_areas = len(table)
    best = np.full(len(geoms), n_areas, dtype="int64")
    if not len(geoms) or not n_areas:
        return best
    tree = shapely.STRtree(table.geometry.to_numpy())
    # "intersects" for a point is "within or on the boundary": an event exactly on an
    # edge (say the Tigris line between Mosul's halves) still gets an area.
    idx_e, idx_a = tree.query(geoms, predicate="intersects")
    # Positions are ranks: the smallest position holding the event is the most specific.
    np.minimum.at(best, idx_e, idx_a)
    return best


def _precision_m(events: pd.DataFrame) -> np.ndarray:
    if "location_precision_m" not in events.columns:
        return np.zeros(len(events))
    r = pd.to_numeric(events["location_precision_m"], errors="coerce").to_numpy(dtype="float64")
    return np.where(np.isfinite(r) & (r > 0), r, 0.0)


def discs(lon: Any, lat: Any, radius_m: Any, vertices: int = _DISC_VERTICES) -> np.ndarray:
    """Polygons approximating geodesic discs of ``radius_m`` metres around points (EPSG:4326).

    Each vertex is the destination point, at the disc's radius, on a sphere
    whose radius is the WGS84 ellipsoid's radius of curvature in that
    direction (Euler's formula from the meridian and prime-vertical radii).
    The vertices lie within 0.005 % of the true geodesic distance for radii
    up to 50 km at any latitude (checked against :meth:`pyproj.Geod.inv`).

    Parameters
    ----------
    lon, lat : array-like of float
        Centres in degrees.
    radius_m : float or array-like of float
        Radii in metres.
    vertices : int, default 64
        Vertices per disc.

    Returns
    -------
    numpy.ndarray of shapely.Polygon

    Examples
    --------
    >>> import pyproj
    >>> d = discs([43.1], [36.3], [1000.0])[0]
    >>> x, y = d.exterior.coords[10]
    >>> round(pyproj.Geod(ellps="WGS84").inv(43.1, 36.3, x, y)[2], 1)
    1000.0
    """
    lon = np.atleast_1d(np.asarray(lon, dtype="float64"))
    lat = np.atleast_1d(np.asarray(lat, dtype="float64"))
    r = np.broadcast_to(np.asarray(radius_m, dtype="float64"), lon.shape)
    phi = np.radians(lat)[:, None]
    w = 1.0 - _WGS84_E2 * np.sin(phi) ** 2
    meridian = _WGS84_A * (1.0 - _WGS84_E2) / w**1.5
    prime = _WGS84_A / np.sqrt(w)
    theta = np.linspace(0.0, 2.0 * np.pi, vertices, endpoint=False)[None, :]  # from east
    # Radius of curvature along each direction (Euler), then the angle the radius subtends.
    delta = r[:, None] * (np.sin(theta) ** 2 / meridian + np.cos(theta) ** 2 / prime)
    lat2 = np.arcsin(np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.sin(theta))
    dlon = np.arctan2(
        np.cos(theta) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * np.sin(lat2)
    )
    xs = lon[:, None] + np.degrees(dlon)
    ys = np.degrees(lat2)
    xs = np.concatenate([xs, xs[:, :1]], axis=1)
    ys = np.concatenate([ys, ys[:, :1]], axis=1)
    return np.asarray(shapely.polygons(np.stack([xs, ys], axis=-1)))


def _assign_intersects(
    geoms: np.ndarray,
    radius_m: np.ndarray,
    table: gpd.GeoDataFrame,
    mgrs: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    n, n_areas = len(geoms), len(table)
    best = np.full(n, n_areas, dtype="int64")
    ambiguous = np.zeros(n, dtype=bool)
    if not n or not n_areas:
        return best, ambiguous
    shapes = geoms.copy()
    is_point = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)
    has_disc = is_point & (radius_m > 0)
    if has_disc.any():
        pts = geoms[has_disc]
        shapes[has_disc] = discs(shapely.get_x(pts), shapely.get_y(pts), radius_m[has_disc])
    if mgrs is not None:
        # An MGRS reference's own grid square is the uncertainty: better than a disc round it.
        text = pd.Series(mgrs, dtype=object).astype(str).str.strip().to_numpy()
        has_ref = is_point & pd.notna(mgrs) & (text != "")
        if has_ref.any():
            from geoconflict import grid

            cell = np.asarray(grid.cells(mgrs[has_ref]).to_numpy(), dtype=object)
            ok = ~shapely.is_missing(cell) & ~shapely.is_empty(cell)
            where = np.flatnonzero(has_ref)[ok]
            shapes[where] = cell[ok]
            has_disc[where] = True
    area_geoms = table.geometry.to_numpy()
    shapely.prepare(area_geoms)
    tree = shapely.STRtree(area_geoms)
    idx_e, idx_a = tree.query(shapes, predicate="intersects")
    # Share of each event's uncertainty inside each area it touches; 1 for a point.
    frac = np.ones(len(idx_e))
    poly_pair = has_disc[idx_e]
    if poly_pair.any():
        pe, pa = idx_e[poly_pair], idx_a[poly_pair]
        inside = shapely.contains_properly(area_geoms[pa], shapes[pe])
        part = np.ones(len(pe))
        edge = ~inside
        if edge.any():
            overlap = shapely.area(shapely.intersection(shapes[pe[edge]], area_geoms[pa[edge]]))
            part[edge] = overlap / shapely.area(shapes[pe[edge]])
        frac[poly_pair] = part
    # An area's own share leaves out what its children hold (a city minus its halves).
    parent = table["parent_pos"].to_numpy()[idx_a]
    key = idx_e * (n_areas + 1) + idx_a
    child = parent >= 0
    child_sum = pd.Series(frac[child]).groupby(idx_e[child] * (n_areas + 1) + parent[child]).sum()
    own = frac - child_sum.reindex(key, fill_value=0.0).to_numpy()
    # Largest own share wins; ties go to the most specific (smallest position).
    order = np.lexsort((idx_a, -own, idx_e))
    first = np.ones(len(order), dtype=bool)
    first[1:] = idx_e[order][1:] != idx_e[order][:-1]
    chosen = order[first]
    best[idx_e[chosen]] = idx_a[chosen]
    ambiguous[idx_e[chosen]] = frac[chosen] < 1.0 - 1e-9
    return best, ambiguous


# --------------------------------------------------------------------------- summarize


def summarize(
    events: gpd.GeoDataFrame,
    by: str | None = "area",
    freq: str = "MS",
    periods: Mapping[str, tuple[Any, Any]] | None = None,
) -> pd.DataFrame:
    """Count events, strikes, fatalities and civilians killed per area and period.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Event table. Without an ``area`` column (and ``by="area"``) the events
        are assigned with :func:`assign` first. A
        ``dask_geopandas.GeoDataFrame`` goes to :func:`geoconflict.scale.summarize`.
    by : str or None, default "area"
        Column to group by besides the period; None for totals over all events.
    freq : str, default "MS"
        Period length: a pandas offset alias (``"D"``, ``"W"``, ``"MS"``,
        ``"QS"``, ``"YS"``) or ``"day"``, ``"week"``, ``"month"``,
        ``"quarter"``, ``"year"``. Events fall in the period of ``date_start``.
    periods : dict, optional
        ``{"name": (start, end)}`` with inclusive dates. Instead of the
        calendar table, give totals and per-month rates for each named period
        (months = days / 30.4375) — per ``by`` value, or over all events with
        ``by=None``; an event counts in a period when its ``date_start`` is
        in it (periods may overlap).

    Returns
    -------
    pandas.DataFrame
        Calendar mode: ``<by>``, ``period`` (start Timestamp), ``events``,
        ``strikes``, ``fatalities``, ``civilians_killed_min``,
        ``civilians_killed_max``, sorted by ``<by>`` then ``period``. Events
        outside all areas have a missing ``area``; nothing is left out.
        ``strikes`` sums the ``strikes`` column, counting a ``kind="strike"``
        event without a count as one strike; missing numbers add nothing,
        except a missing ``civilians_killed_max``, which counts as the
        event's ``civilians_killed_min`` (a range is never below its minimum).
        Periods mode: (``<by>``,) ``period``, ``start``, ``end``, ``months``,
        the five totals, then each total ``_per_month``, in order of start.

    Examples
    --------
    >>> ev = pd.DataFrame({"area": ["a", "a", "b"], "kind": ["strike"] * 3,
    ...     "date_start": pd.to_datetime(["2017-01-05", "2017-01-20", "2017-02-01"]),
    ...     "strikes": pd.array([2, None, 1], dtype="Int64")})
    >>> summarize(ev)[["area", "period", "events", "strikes"]]
      area     period  events  strikes
    0    a 2017-01-01       2        3
    1    b 2017-02-01       1        1
    >>> jan = {"jan": ("2017-01-01", "2017-01-31")}
    >>> summarize(ev, by=None, periods=jan)[["period", "events", "months"]].round(3)
      period  events  months
    0    jan       2   1.018
    """
    _check_by(by)
    if _is_dask(events):
        from geoconflict import scale  # type: ignore[attr-defined,unused-ignore]

        options: dict[str, Any] = {"by": by, "freq": freq, "periods": periods}
        return scale.summarize(events, **options)  # type: ignore[no-any-return,unused-ignore]
    if by == "area" and "area" not in events.columns:
        events = assign(events)
    if periods is not None:
        return _finish_periods(_partial_periods(events, by, periods))
    return _finish_summary(_partial_summary(events, by, freq))


#: Column names of summary tables, which cannot also be the ``by`` column.
_RESERVED_BY = frozenset(
    {
        *SUMMARY_VALUES,
        *(f"{v}_per_month" for v in SUMMARY_VALUES),
        "period",
        "start",
        "end",
        "months",
        "_key",
    }
)


def _check_by(by: str | None) -> None:
    """Raise DataError when ``by`` names a column the summary itself produces."""
    if by in _RESERVED_BY:
        raise DataError(
            f"cannot summarise by {by!r}: it is a column of the summary itself;"
            " group by a label column such as 'area', 'kind' or 'dataset'"
        )


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The additive per-event values: events (1), strikes, fatalities, civilians killed."""
    n = len(frame)

    def number(col: str) -> np.ndarray:
        if col not in frame.columns:
            return np.zeros(n, dtype="int64")
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isnan(v), 0, v).astype("int64")

    strikes = number("strikes")
    if "kind" in frame.columns:
        no_count = (
            frame["strikes"].isna().to_numpy()
            if "strikes" in frame.columns
            else np.ones(n, dtype=bool)
        )
        is_strike = (frame["kind"] == "strike").fillna(False).to_numpy(dtype=bool)
        strikes = strikes + (no_count & is_strike)
    killed_min = number("civilians_killed_min")
    killed_max = number("civilians_killed_max")
    if "civilians_killed_max" in frame.columns:
        # A range with no stated maximum is at least its minimum, never less.
        no_max = frame["civilians_killed_max"].isna().to_numpy(dtype=bool)
        killed_max = np.where(no_max, killed_min, killed_max)
    else:
        killed_max = killed_min
    return pd.DataFrame(
        {
            "events": np.ones(n, dtype="int64"),
            "strikes": strikes,
            "fatalities": number("fatalities"),
            "civilians_killed_min": killed_min,
            "civilians_killed_max": killed_max,
        },
        index=frame.index,
    )


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    period = _PERIOD_ALIASES.get(freq, freq)
    d = pd.to_datetime(dates, errors="coerce")
    if getattr(d.dt, "tz", None) is not None:
        # Aware dates count in their UTC day, as the map and the territory timeline do.
        d = d.dt.tz_convert("UTC").dt.tz_localize(None)
    if period == "D":
        return d.dt.floor("D")
    return d.dt.to_period(period).dt.start_time


def _partial_summary(frame: pd.DataFrame, by: str | None, freq: str) -> pd.DataFrame:
    """Additive summary of one chunk: keys ``<by>``, ``period`` and the summed values.

    The result of several chunks combines with :func:`_finish_summary`
    (a groupby-sum), so a Dask engine can run this per partition.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["a"], "date_start": pd.to_datetime(["2017-03-17"])})
    >>> _partial_summary(f, "area", "MS")[["area", "period", "events"]].values.tolist()
    [['a', Timestamp('2017-03-01 00:00:00'), 1]]
    """
    values = _values(frame)
    keys = pd.DataFrame(index=frame.index)
    if by is not None:
        if by not in frame.columns:
            raise DataError(f"events have no column {by!r} to summarise by")
        keys[by] = frame[by].to_numpy(dtype=object, na_value=None)
    dates = frame["date_start"] if "date_start" in frame.columns else pd.Series(pd.NaT, frame.index)
    keys["period"] = _period_start(dates, freq)
    table = pd.concat([keys, values], axis=1)
    group = [*([by] if by is not None else []), "period"]
    return table.groupby(group, dropna=False, sort=False).sum().reset_index()


def _finish_summary(partials: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Combine partial summaries: sum by key, set integer dtypes, sort.

    Examples
    --------
    >>> p = pd.DataFrame({"area": ["a"], "period": [pd.Timestamp("2017-01-01")],
    ...                   "events": [2], "strikes": [1], "fatalities": [0],
    ...                   "civilians_killed_min": [0], "civilians_killed_max": [3]})
    >>> _finish_summary([p, p])["events"].tolist()
    [4]
    """
    frames = [partials] if isinstance(partials, pd.DataFrame) else list(partials)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    keys = [c for c in table.columns if c not in SUMMARY_VALUES]
    if "period" not in keys:
        keys.append("period")
    for col in [*keys, *SUMMARY_VALUES]:
        if col not in table.columns:
            table[col] = pd.Series(dtype="datetime64[ns]" if col == "period" else "int64")
    out = table.groupby(keys, dropna=False, sort=False)[list(SUMMARY_VALUES)].sum().reset_index()
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    out["period"] = pd.to_datetime(out["period"])
    out = out.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    for key in keys:
        if key != "period":
            out[key] = out[key].astype(object).where(out[key].notna(), None)
    return out[[*keys, *SUMMARY_VALUES]]


#: Mean days per month (365.25 / 12 = 30.4375): the months of a period are its days / this.
DAYS_PER_MONTH = 365.25 / 12


def _period_bounds(
    periods: Mapping[str, tuple[Any, Any]],
) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    out = []
    for name, bounds in periods.items():  # a few named periods, not a loop per event
        try:
            start, end = (pd.Timestamp(b) for b in bounds)
        except (TypeError, ValueError) as exc:
            raise DataError(f"period {name!r}: need (start, end) dates, got {bounds!r}") from exc
        if pd.isna(start) or pd.isna(end) or end < start:
            raise DataError(f"period {name!r}: end {end} is before start {start}")
        out.append((str(name), start, end))
    return out


def _partial_periods(
    frame: pd.DataFrame, by: str | None, periods: Mapping[str, tuple[Any, Any]]
) -> pd.DataFrame:
    """Additive totals of one chunk per named period (and ``by`` value).

    Keys ``<by>``, ``period``, ``start``, ``end``; values are sums, so the
    partials of several chunks combine with :func:`_finish_periods`. Every
    period (for every ``by`` value of the chunk) gets a row, zero when empty.

    Examples
    --------
    >>> f = pd.DataFrame({"date_start": pd.to_datetime(["2017-01-19", "2017-01-20"])})
    >>> p = _partial_periods(f, None, {"before": ("2014-08-08", "2017-01-19")})
    >>> p[["period", "events"]].values.tolist()
    [['before', 1]]
    """
    bounds = _period_bounds(periods)
    values = _values(frame)
    dates = pd.to_datetime(
        frame["date_start"] if "date_start" in frame.columns else pd.Series(pd.NaT, frame.index),
        errors="coerce",
    ).to_numpy(dtype="datetime64[ns]")
    if by is not None:
        if by not in frame.columns:
            raise DataError(f"events have no column {by!r} to summarise by")
        # Group on integer codes: a missing key (an event outside all areas) is a code too.
        codes, uniques = pd.factorize(
            frame[by].to_numpy(dtype=object, na_value=None), use_na_sentinel=False
        )
        labels = np.asarray(uniques, dtype=object)
    else:
        codes, labels = np.zeros(len(frame), dtype="int64"), np.array([None], dtype=object)
    every = np.arange(len(labels))
    pieces = []
    for name, start, end in bounds:
        inside = (dates >= start.to_datetime64()) & (
            dates < (end + pd.Timedelta(days=1)).to_datetime64()
        )
        sums = values[inside].groupby(codes[inside]).sum().reindex(every, fill_value=0)
        piece = sums.reset_index(drop=True)
        piece.insert(0, "_key", pd.Series(labels, dtype=object))
        piece.insert(1, "period", name)
        piece.insert(2, "start", start)
        piece.insert(3, "end", end)
        pieces.append(piece)
    columns = ["_key", "period", "start", "end", *SUMMARY_VALUES]
    out = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    out = out[columns]
    out["period"] = out["period"].astype(object)
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[ns]")
    out["end"] = pd.to_datetime(out["end"]).astype("datetime64[ns]")
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    if by is None:
        return out.drop(columns="_key")
    out["_key"] = out["_key"].astype(object)
    return out.rename(columns={"_key": by})


def _finish_periods(partials: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Combine partial period totals: sum, then months and per-month rates.

    Examples
    --------
    >>> f = pd.DataFrame({"date_start": pd.to_datetime(["2017-01-20"]),
    ...                   "civilians_killed_min": [30]})
    >>> p = _partial_periods(f, None, {"after": ("2017-01-20", "2017-01-29")})
    >>> _finish_periods([p, p])[["civilians_killed_min", "civilians_killed_min_per_month"]]
       civilians_killed_min  civilians_killed_min_per_month
    0                    60                         182.625
    """
    frames = [partials] if isinstance(partials, pd.DataFrame) else list(partials)
    table = pd.concat(frames, ignore_index=True)
    keys = [c for c in table.columns if c not in SUMMARY_VALUES]
    out = table.groupby(keys, dropna=False, sort=False)[list(SUMMARY_VALUES)].sum().reset_index()
    start = pd.to_datetime(out["start"])
    end = pd.to_datetime(out["end"])
    months = ((end - start).dt.days + 1) / DAYS_PER_MONTH
    out.insert(len(keys), "months", months.astype("float64"))
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    for col in SUMMARY_VALUES:
        out[f"{col}_per_month"] = out[col] / out["months"]
    sort = [*[k for k in keys if k not in ("period", "start", "end")], "start", "end", "period"]
    out = out.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)
    for key in keys:
        if key not in ("start", "end"):
            out[key] = out[key].astype(object).where(out[key].notna(), None)
    return out


# --------------------------------------------------------------------------- protected sites


def near_protected(
    events: gpd.GeoDataFrame,
    places: pd.DataFrame | None = None,
    within_m: float = 500.0,
) -> gpd.GeoDataFrame:
    """Events within ``within_m`` metres of a protected site, with the nearest site.

    Distances are geodesics on the WGS84 ellipsoid (:meth:`pyproj.Geod.inv`,
    Karney's algorithm, exact to well under a millimetre); candidate pairs are
    found first with an :class:`shapely.STRtree` query in degrees whose radius
    is widened so no pair within range is missed.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Event table (any CRS).
    places : DataFrame or GeoDataFrame, optional
        Sites with ``name`` and a point geometry or ``lat``/``lon``; rows with
        ``protected`` false are ignored when the column exists; ``place_id``
        names each site. Default: the shipped ``places.csv``.
    within_m : float, default 500
        Search radius in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        The events within range (original index and columns, original
        order) with ``site``, ``site_id`` and ``distance_m`` to the nearest
        protected site.

    Examples
    --------
    >>> sites = pd.DataFrame({"place_id": ["nuri"], "name": ["Great Mosque of al-Nuri"],
    ...     "protected": [True], "lat": [36.34306], "lon": [43.12667]})
    >>> ev = gpd.GeoDataFrame(geometry=gpd.points_from_xy([43.1324, 43.2], [36.3397, 36.3]),
    ...                       crs="EPSG:4326")
    >>> near = near_protected(ev, sites, within_m=1000)
    >>> near["site"].tolist(), near["distance_m"].round().tolist()
    (['Great Mosque of al-Nuri'], [635.0])
    """
    from pyproj import Geod

    if within_m < 0:
        raise ValueError(f"within_m must be >= 0, got {within_m}")
    sites = _protected_sites(places)
    geoms = _event_geometries(events)
    is_point = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)
    n = len(geoms)
    dist = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype="int64")
    if n and len(sites) and is_point.any():
        site_x = sites["lon"].to_numpy(dtype="float64")
        site_y = sites["lat"].to_numpy(dtype="float64")
        tree = shapely.STRtree(shapely.points(site_x, site_y))
        pos = np.flatnonzero(is_point)
        ex, ey = shapely.get_x(geoms[pos]), shapely.get_y(geoms[pos])
        # Degrees that certainly cover within_m: a degree of latitude is >= 110.5 km and a
        # degree of longitude >= 111.3 km x cos(lat) (taken at the higher edge of the reach).
        reach_lat = within_m / 110_000.0
        cos_edge = np.cos(np.radians(np.minimum(np.abs(ey) + reach_lat, 89.999)))
        radius_deg = within_m / (110_000.0 * cos_edge) + 1e-9
        idx_q, idx_s = tree.query(shapely.points(ex, ey), predicate="dwithin", distance=radius_deg)
        if len(idx_q):
            _, _, d = Geod(ellps="WGS84").inv(ex[idx_q], ey[idx_q], site_x[idx_s], site_y[idx_s])
            d = np.asarray(d, dtype="float64")
            keep = d <= within_m
            idx_q, idx_s, d = idx_q[keep], idx_s[keep], d[keep]
            order = np.lexsort((idx_s, d, idx_q))
            first = np.ones(len(order), dtype=bool)
            first[1:] = idx_q[order][1:] != idx_q[order][:-1]
            chosen = order[first]
            dist[pos[idx_q[chosen]]] = d[chosen]
            nearest[pos[idx_q[chosen]]] = idx_s[chosen]
    hit = nearest >= 0
    out = events[hit].copy()
    out["site"] = pd.Series(
        sites["name"].to_numpy(dtype=object)[nearest[hit]], index=out.index, dtype=object
    )
    out["site_id"] = pd.Series(
        sites["site_id"].to_numpy(dtype=object)[nearest[hit]], index=out.index, dtype=object
    )
    out["distance_m"] = pd.Series(dist[hit], index=out.index, dtype="float64")
    return out


def _protected_sites(places: pd.DataFrame | None) -> pd.DataFrame:
    """Protected sites as a table of ``site_id``, ``name``, ``lat``, ``lon``."""
    if places is None:
        from geoconflict import datasets

        places = datasets.load("places")
    frame = pd.DataFrame(places)
    if "protected" in frame.columns:
        flag = frame["protected"]
        if flag.dtype != bool:
            flag = flag.astype(str).str.strip().str.lower().isin(("true", "1", "yes", "t", "y"))
        frame = frame[flag.to_numpy(dtype=bool)]
    if "lat" in frame.columns and "lon" in frame.columns:
        lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype="float64")
        lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype="float64")
    elif isinstance(places, gpd.GeoDataFrame):
        geo = places.loc[frame.index].geometry
        if geo.crs is not None and not geo.crs.equals(CRS):
            geo = geo.to_crs(CRS)
        lon, lat = geo.x.to_numpy(), geo.y.to_numpy()
    else:
        raise DataError("places need 'lat' and 'lon' columns or a point geometry")
    if "name" not in frame.columns:
        raise DataError("places need a 'name' column")
    ids = frame["place_id"] if "place_id" in frame.columns else frame["name"]
    ok = np.isfinite(lat) & np.isfinite(lon)
    return pd.DataFrame(
        {
            "site_id": ids.to_numpy(dtype=object, na_value=None)[ok],
            "name": frame["name"].to_numpy(dtype=object, na_value=None)[ok],
            "lat": lat[ok],
            "lon": lon[ok],
        }
    )
