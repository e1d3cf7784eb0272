"""Protected sites (mosques, museums, hospitals …) and the events near them.

One rule decides what is protected, :func:`is_protected`, and both the map's
protected-sites layer (:mod:`geoconflict.render.places`) and the analysis
(:func:`near_protected`) use it: a place is protected when its ``protected``
column says so, or, for a table without that column, when its ``category``,
``kind`` or ``type`` names a protected kind of place (:data:`PROTECTED_WORDS`).

Examples
--------
>>> places = pd.DataFrame({"name": ["Mosul", "al-Nuri"], "category": ["town", "mosque"]})
>>> is_protected(places).tolist()
[False, True]
"""

from __future__ import annotations

import numbers

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoconflict import areas
from geoconflict.errors import DataError, OptionError

#: Words in a ``category`` / ``kind`` / ``type`` that make a place a protected site.
PROTECTED_WORDS: tuple[str, ...] = (
    "protected",
    "religious",
    "hospital",
    "museum",
    "heritage",
    "mosque",
)
#: Values of a ``protected`` column read as true (case and spaces ignored).
TRUE_WORDS: tuple[str, ...] = ("true", "1", "yes", "t", "y")
#: Columns that may name a place's kind, read when there is no ``protected`` column.
KIND_COLUMNS: tuple[str, ...] = ("category", "kind", "type")


def is_protected(places: pd.DataFrame) -> np.ndarray:
    """True for the rows of ``places`` that are protected sites.

    Parameters
    ----------
    places : pandas.DataFrame
        A places table. With a ``protected`` column, that column decides
        (booleans, or text read as true when it is one of :data:`TRUE_WORDS`;
        missing is false). Without it, a row is protected when any of its
        ``category``, ``kind`` or ``type`` contains one of
        :data:`PROTECTED_WORDS` (``"hospital"``, ``"Mosque (Sunni)"`` …).
        A table with none of these columns has no protected sites.

    Returns
    -------
    numpy.ndarray of bool
        One value per row, in order.

    Examples
    --------
    >>> is_protected(pd.DataFrame({"protected": [True, "yes", "false", None]})).tolist()
    [True, True, False, False]
    >>> is_protected(pd.DataFrame({"kind": ["town", "Hospital", None]})).tolist()
    [False, True, False]
    """
    if "protected" in places.columns:
        flag = places["protected"].astype(object)
        text = flag.where(flag.notna(), False).astype(str).str.strip().str.lower()
        return np.asarray(text.isin(TRUE_WORDS).to_numpy(dtype=bool))
    mask = np.zeros(len(places), dtype=bool)
    pattern = "|".join(PROTECTED_WORDS)
    for name in KIND_COLUMNS:
        if name in places.columns:
            text = places[name].astype(object).where(places[name].notna(), "").astype(str)
            mask |= text.str.lower().str.contains(pattern, regex=True).to_numpy(dtype=bool)
    return mask


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
        Event table (any CRS; a DataFrame with ``lat``/``lon`` also works).
    places : DataFrame or GeoDataFrame, optional
        Places with ``name`` and a point geometry or ``lat``/``lon``; only the
        rows :func:`is_protected` calls protected are searched (the rule the
        map's protected-sites layer uses too); ``place_id`` names each site.
        Default: the shipped ``places.csv``.
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

    if not (isinstance(within_m, numbers.Real) and 0 <= float(within_m) < float("inf")):
        raise OptionError(f"within_m must be a finite number >= 0 (metres), got {within_m!r}")
    areas.require_pandas(events, "its .compute() result: the events near sites are few")
    sites = protected_sites(places)
    geoms = areas.event_geometries(events)
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


def protected_sites(places: pd.DataFrame | None = None) -> pd.DataFrame:
    """The protected sites of a places table, located: ``site_id``, ``name``, ``lat``, ``lon``.

    Parameters
    ----------
    places : DataFrame or GeoDataFrame, optional
        Places with ``name`` and ``lat``/``lon`` or a point geometry (any CRS);
        which rows are protected is decided by :func:`is_protected`. Default:
        the shipped ``places.csv``. Sites without a coordinate are left out.

    Returns
    -------
    pandas.DataFrame
        ``site_id`` (the ``place_id``, else the name), ``name``, ``lat``, ``lon``.

    Raises
    ------
    DataError
        No ``name`` column, or neither ``lat``/``lon`` nor a geometry, or a protected
        site's ``lat``/``lon`` that is given but not a number (naming the record;
        a site with neither is unlocated and left out).

    Examples
    --------
    >>> p = pd.DataFrame({"name": ["Mosul", "al-Nuri"], "category": ["town", "mosque"],
    ...                   "lat": [36.335, 36.34306], "lon": [43.11889, 43.12667]})
    >>> protected_sites(p)[["site_id", "lat"]].values.tolist()
    [['al-Nuri', 36.34306]]
    """
    if places is None:
        from geoconflict import datasets

        places = datasets.load("places")
    if "name" not in places.columns:
        raise DataError("places need a 'name' column")
    keep = is_protected(places)
    frame = pd.DataFrame(places)[keep]
    if "lat" in frame.columns and "lon" in frame.columns:
        records = np.flatnonzero(np.asarray(keep, dtype=bool)) + 1  # 1-based, in places
        lat, lon = (_coordinate(frame, col, records) for col in ("lat", "lon"))
    elif isinstance(places, gpd.GeoDataFrame):
        geo = places.geometry[keep]
        if geo.crs is not None and not geo.crs.equals(areas.CRS):
            geo = geo.to_crs(areas.CRS)
        lon, lat = geo.x.to_numpy(), geo.y.to_numpy()
    else:
        raise DataError("places need 'lat' and 'lon' columns or a point geometry")
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


def _coordinate(frame: pd.DataFrame, col: str, records: np.ndarray) -> np.ndarray:
    """A lat/lon column as floats (NaN where empty); a value that is not a number raises."""
    raw = frame[col]
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
    given = raw.notna().to_numpy() & (raw.astype(str).str.strip() != "").to_numpy()
    bad = np.flatnonzero(given & np.isnan(num))
    if bad.size:
        k = int(bad[0])
        raise DataError(
            f"places: record {int(records[k])} ({frame['name'].iloc[k]!r}), field {col!r}:"
            f" {raw.iloc[k]!r} is not a number"
        )
    return num
