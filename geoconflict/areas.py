"""Study areas: load the defaults or a user file, and give each event its area.

The geometry work is done by the libraries built for it: files are read by
pyogrio (through geopandas), point-in-polygon and overlap tests run in GEOS
through :class:`shapely.STRtree` queries over whole arrays, and distances are
geodesics on the WGS84 ellipsoid from :class:`pyproj.Geod` (Karney's algorithm).
What is written here is only what none of them does: picking the *most
specific* area when areas nest (``mosul_west`` inside ``mosul``), splitting an
uncertain location between areas by overlap.

Summaries per area and period live in :mod:`geoconflict.summary`, protected
sites in :mod:`geoconflict.sites`. Everything here works on pandas tables: a Dask
table is assigned by :func:`geoconflict.scale.assign`, which runs :func:`assign`
on every partition.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoconflict._io import read_vector
from geoconflict.errors import DataError, OptionError

CRS = "EPSG:4326"
#: An equal-area CRS (WGS 84 / NSIDC EASE-Grid 2.0 Global) for sizes of areas and zones.
EQUAL_AREA_CRS = "EPSG:6933"

#: Columns of a study-area table, in order.
AREA_COLUMNS: tuple[str, ...] = ("area_id", "name", "parent", "country", "source", "geometry")

# WGS84 ellipsoid: semi-major axis (m) and first eccentricity squared.
_WGS84_A = 6_378_137.0
_WGS84_E2 = 6.694379990141317e-3
# Vertices of the polygon that stands for an uncertainty disc.
_DISC_VERTICES = 64


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


def require_pandas(events: Any, dask_twin: str = "geoconflict.scale") -> None:
    """Refuse anything but a pandas (or geopandas) table, pointing Dask tables to their twin.

    The single-machine functions never hand work to Dask themselves (as geopandas
    leaves dask-geopandas to the caller): the caller picks :mod:`geoconflict.scale`.

    Parameters
    ----------
    events : object
        The table a function was given.
    dask_twin : str
        What to use instead for a Dask table, named in the error.

    Raises
    ------
    DataError
        ``events`` is not a :class:`pandas.DataFrame`.

    Examples
    --------
    >>> require_pandas(pd.DataFrame())
    >>> require_pandas([1, 2], "geoconflict.scale.assign")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoconflict.errors.DataError: events must be ... got builtins.list (for a Dask ...scale.assign)
    """
    if not isinstance(events, pd.DataFrame):
        kind = type(events)
        raise DataError(
            f"events must be a pandas or geopandas DataFrame, got {kind.__module__}."
            f"{kind.__qualname__} (for a Dask table use {dask_twin})"
        )


def event_geometries(events: pd.DataFrame) -> np.ndarray:
    """The events' geometries as a shapely array in EPSG:4326.

    Parameters
    ----------
    events : pandas.DataFrame
        A GeoDataFrame (any CRS), or a table with ``lat`` and ``lon`` columns.

    Returns
    -------
    numpy.ndarray of shapely geometries
        One per row; missing where the row has no location.

    Raises
    ------
    DataError
        Neither a geometry nor ``lat``/``lon``.

    Examples
    --------
    >>> event_geometries(pd.DataFrame({"lat": [36.3, None], "lon": [43.1, 43.2]})).tolist()
    [<POINT (43.1 36.3)>, None]
    """
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
        Events (any CRS; a DataFrame with ``lat``/``lon`` also works). A Dask
        table is refused: assign it with :func:`geoconflict.scale.assign`.
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
    require_pandas(events, "geoconflict.scale.assign")
    if how not in ("within", "intersects"):
        raise OptionError(f"how must be 'within' or 'intersects', got {how!r}")
    table = _area_table(areas)
    geoms = event_geometries(events)
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
