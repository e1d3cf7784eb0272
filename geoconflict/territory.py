"""The cleared-territory timeline: which zones were held, fought over or cleared, and when.

Each zone of a study area carries two dates: ``contested_from`` (the fighting
reached it) and ``cleared_on`` (it was declared cleared). A zone is ISIS-held
before ``contested_from``, contested until ``cleared_on`` and cleared on and
after ``cleared_on``, counted in whole UTC days (:func:`status`, the one rule
that the map's territory layer uses too). The share of an area cleared at a date is the
area-weighted share of its zones cleared by then, with zone sizes measured in
an equal-area CRS (EPSG:6933, WGS 84 / NSIDC EASE-Grid 2.0 Global) by PROJ.

Nothing here loops over dates or zones in Python: the share at any number of
dates is a ``searchsorted`` into the zones' sorted clearing dates with a
cumulative sum of their sizes. Zones are assumed not to overlap (the shipped
ones tile each area); a parent area such as ``mosul`` is the union of its
children's zones (``mosul_east`` and ``mosul_west``).

Examples
--------
>>> import geopandas as gpd, shapely
>>> zones = gpd.GeoDataFrame({"zone_id": ["a", "b"], "area_id": ["x", "x"],
...     "contested_from": pd.to_datetime(["2017-01-01", "2017-01-01"]),
...     "cleared_on": pd.to_datetime(["2017-02-01", "2017-03-01"])},
...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 4, 1)], crs="EPSG:4326")
>>> round(share_cleared("x", "2017-02-15", zones), 2)
0.25
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoconflict._io import read_vector
from geoconflict.dates import parse_utc, to_naive_utc
from geoconflict.errors import DataError

CRS = "EPSG:4326"
EQUAL_AREA_CRS = "EPSG:6933"

#: Columns of a zone table, in order.
ZONE_COLUMNS: tuple[str, ...] = (
    "zone_id",
    "area_id",
    "name",
    "contested_from",
    "cleared_on",
    "source",
    "geometry",
)
#: Zone states, in the order they happen.
STATUSES: tuple[str, ...] = ("isis", "contested", "cleared")


def load(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Load territory zones: the shipped ``data/territory.geojson`` or a file of the same shape.

    Parameters
    ----------
    path : str or path-like, optional
        A GeoJSON, GeoPackage, Shapefile or GeoParquet file with ``zone_id``,
        ``area_id``, ``contested_from``, ``cleared_on`` (ISO dates; blank when
        unknown or not yet) and polygons, in any CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``zone_id``, ``area_id``, ``name``, ``contested_from``,
        ``cleared_on`` (datetime64), ``source``, ``geometry`` in EPSG:4326.

    Raises
    ------
    DataError
        A missing field, a missing or duplicate ``zone_id``, a date that is not
        a date, ``cleared_on`` before ``contested_from``, or a record without a
        polygon — naming the file, the record and the field.

    Examples
    --------
    >>> import tempfile, pathlib, shapely
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> gpd.GeoDataFrame({"zone_id": ["z1"], "area_id": ["x"], "contested_from": ["2017-01-01"],
    ...     "cleared_on": ["2017-02-01"]}, geometry=[shapely.box(0, 0, 1, 1)],
    ...     crs="EPSG:4326").to_file(d / "z.geojson")
    >>> load(d / "z.geojson")["cleared_on"].iloc[0]
    Timestamp('2017-02-01 00:00:00')
    """
    if path is None:
        return _default_zones().copy()
    return _read_zones(Path(path))


@functools.lru_cache(maxsize=1)
def _default_zones() -> gpd.GeoDataFrame:
    from geoconflict import datasets

    return _read_zones(Path(datasets.path("territory")))


def _read_zones(path: Path) -> gpd.GeoDataFrame:
    frame = read_vector(path, "a territory")
    return _conform_zones(frame, str(path))


def _conform_zones(frame: pd.DataFrame, where: str) -> gpd.GeoDataFrame:
    """Check and coerce a zone table (named ``where`` in errors)."""
    for field in ("zone_id", "area_id", "contested_from", "cleared_on"):
        if field not in frame.columns:
            raise DataError(
                f"{where}: no field {field!r} (fields: {sorted(map(str, frame.columns))})"
            )
    if not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(f"{where}: zones need a geometry column")
    frame = frame.reset_index(drop=True)
    record = np.arange(1, len(frame) + 1)
    geoms = frame.geometry.to_numpy()
    bad_geom = ~np.isin(shapely.get_type_id(geoms), (3, 6)) | shapely.is_empty(geoms)
    if bad_geom.any():
        raise DataError(f"{where}: record {int(record[bad_geom][0])}, field 'geometry': no polygon")
    for field in ("zone_id", "area_id"):
        missing = frame[field].isna().to_numpy()
        if missing.any():
            raise DataError(f"{where}: record {int(record[missing][0])}, field {field!r}: missing")
    zone_id = frame["zone_id"].astype(str)
    dup = zone_id.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DataError(
            f"{where}: records {record[dup].tolist()[:5]}, field 'zone_id':"
            f" duplicate {zone_id[dup].iloc[0]!r}"
        )
    dates = {}
    for field in ("contested_from", "cleared_on"):
        raw = frame[field]
        parsed = parse_utc(raw)
        blank = raw.isna() | (raw.astype(str).str.strip() == "")
        bad = (parsed.isna() & ~blank).to_numpy()
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{where}: record {k + 1}, field {field!r}: not a date: {raw.iloc[k]!r}"
            )
        dates[field] = parsed.astype("datetime64[ns]")
    backwards = (dates["cleared_on"] < dates["contested_from"]).to_numpy()
    if backwards.any():
        k = int(np.flatnonzero(backwards)[0])
        raise DataError(f"{where}: record {k + 1}, field 'cleared_on': before contested_from")
    crs = frame.crs
    if crs is None:
        frame = frame.set_crs(CRS)
    elif not crs.equals(CRS):
        frame = frame.to_crs(CRS)

    def text(col: str, default: Any = None) -> np.ndarray:
        if col not in frame.columns:
            return np.full(len(frame), default, dtype=object)
        arr = frame[col].to_numpy(dtype=object)
        return np.array([default if pd.isna(v) else str(v) for v in arr], dtype=object)

    return gpd.GeoDataFrame(
        {
            "zone_id": pd.Series(zone_id.to_numpy(dtype=object), dtype=object),
            "area_id": pd.Series(frame["area_id"].astype(str).to_numpy(dtype=object), dtype=object),
            "name": pd.Series(text("name"), dtype=object),
            "contested_from": dates["contested_from"].to_numpy(),
            "cleared_on": dates["cleared_on"].to_numpy(),
            "source": pd.Series(text("source"), dtype=object),
        },
        geometry=frame.geometry.to_numpy(),
        crs=CRS,
    )


def _zones(zones: gpd.GeoDataFrame | str | os.PathLike[str] | None) -> gpd.GeoDataFrame:
    if zones is None:
        return load()
    if isinstance(zones, str | os.PathLike):
        return load(zones)
    return _conform_zones(zones, "zones")


def state_at(
    date: Any, zones: gpd.GeoDataFrame | str | os.PathLike[str] | None = None
) -> gpd.GeoDataFrame:
    """The zones with their ``status`` at ``date``: ``isis``, ``contested`` or ``cleared``.

    Parameters
    ----------
    date : date-like
        The day to look at.
    zones : GeoDataFrame or path, optional
        Default: the shipped zones (:func:`load`).

    Returns
    -------
    geopandas.GeoDataFrame
        The zones with a ``status`` column. A zone is ``isis`` before
        ``contested_from``, ``contested`` from then until ``cleared_on`` and
        ``cleared`` on and after ``cleared_on``; without ``contested_from`` it
        counts as contested until cleared; without ``cleared_on`` it is never
        cleared.

    Examples
    --------
    >>> import shapely
    >>> z = gpd.GeoDataFrame({"zone_id": ["a"], "area_id": ["x"],
    ...     "contested_from": pd.to_datetime(["2017-01-01"]),
    ...     "cleared_on": pd.to_datetime(["2017-02-01"])},
    ...     geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> [state_at(d, z)["status"].iloc[0] for d in ("2016-12-31", "2017-01-31", "2017-02-01")]
    ['isis', 'contested', 'cleared']
    """
    table = _zones(zones)
    out = table.copy()
    out["status"] = pd.Series(
        status(table["contested_from"], table["cleared_on"], date), index=out.index, dtype=object
    )
    return out


def status(contested_from: Any, cleared_on: Any, date: Any) -> np.ndarray:
    """The status of zones at ``date`` from their two dates: the one rule of the timeline.

    Everything counts in whole UTC days: a zone is ``cleared`` from the day of
    ``cleared_on`` on, ``isis`` on the days before ``contested_from``, and
    ``contested`` otherwise. A missing ``contested_from`` means contested
    until cleared; a missing ``cleared_on`` means never cleared. The map's
    territory layer (:func:`geoconflict.render.territory.status_at`) and
    :func:`state_at` both use this function.

    Parameters
    ----------
    contested_from, cleared_on : array-like of date-like
        One value per zone (datetimes or text; aware values count in UTC).
    date : date-like
        The day to look at.

    Returns
    -------
    numpy.ndarray of str (object)
        ``"isis"``, ``"contested"`` or ``"cleared"`` per zone.

    Raises
    ------
    DataError
        ``date`` is not a date.

    Examples
    --------
    >>> status(["2017-01-01", None], ["2017-02-01T18:00", None], "2017-02-01").tolist()
    ['cleared', 'contested']
    >>> status(["2017-01-01"], ["2017-02-01"], "2016-12-31").tolist()
    ['isis']
    """
    day = _timestamp(date).to_datetime64().astype("datetime64[D]")
    contested = _days(contested_from)
    cleared = _days(cleared_on)
    # NaT compares False: no contested_from -> never "isis"; no cleared_on -> never cleared.
    return np.asarray(
        np.select([cleared <= day, contested > day], ["cleared", "isis"], default="contested"),
        dtype=object,
    )


def _days(values: Any) -> np.ndarray:
    dates = parse_utc(pd.Series(values))
    return np.asarray(dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"))


def _timestamp(date: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(date)
    except (TypeError, ValueError) as exc:
        raise DataError(f"not a date: {date!r}") from exc
    if pd.isna(ts):
        raise DataError(f"not a date: {date!r}")
    return to_naive_utc(ts)


def _member_areas(area_id: str, areas: Any) -> set[str]:
    """``area_id`` and every area below it in the parent chain of the study areas."""
    if areas is None:
        from geoconflict import areas as areas_mod

        try:
            areas = areas_mod.load()
        except Exception:  # no shipped areas: the zones' own area ids only
            areas = None
    parent_of: dict[str, str] = {}
    if areas is not None and "parent" in areas.columns:
        for a, p in zip(
            areas["area_id"].astype(str),
            areas["parent"].to_numpy(dtype=object, na_value=None),
            strict=True,
        ):
            if p is not None:
                parent_of[a] = str(p)
    members = {area_id}
    grew = True
    while grew:  # a few areas deep: walk down the parent links
        below = {a for a, p in parent_of.items() if p in members}
        grew = not below <= members
        members |= below
    return members


def _timeline(
    area_id: str, zones: gpd.GeoDataFrame | str | os.PathLike[str] | None, areas: Any
) -> tuple[np.ndarray, np.ndarray, gpd.GeoDataFrame]:
    """Sorted clearing dates and the cumulative size cleared by each (last = total)."""
    table = _zones(zones)
    members = _member_areas(area_id, areas)
    mine = table[table["area_id"].isin(members).to_numpy()]
    if not len(mine):
        raise DataError(
            f"no territory zones for area {area_id!r} (zones cover {sorted(set(table['area_id']))})"
        )
    size = mine.geometry.to_crs(EQUAL_AREA_CRS).area.to_numpy(dtype="float64")
    cleared = _days(mine["cleared_on"])  # whole days, as in status()
    # Never-cleared zones (NaT) sort last and are never reached by a real date.
    order = np.argsort(cleared, kind="stable")
    return cleared[order], np.cumsum(size[order]), mine


def _share_at(dates: np.ndarray, cleared: np.ndarray, cum: np.ndarray) -> np.ndarray:
    known = ~np.isnat(cleared)
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    k = np.searchsorted(cleared[known], days, side="right")
    cum0 = np.concatenate([[0.0], cum[known]])
    return np.asarray(cum0[k] / cum[-1], dtype="float64")


def share_cleared(
    area_id: str,
    date: Any,
    zones: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    *,
    areas: gpd.GeoDataFrame | None = None,
) -> float:
    """Share (0..1) of an area's territory cleared on ``date``, weighted by size.

    Parameters
    ----------
    area_id : str
        A study area with zones (``mosul_east``, ``mosul_west``, ``raqqa``,
        ``western_desert``) or a parent of such areas (``mosul``).
    date : date-like
        A zone counts as cleared on and after the day of its ``cleared_on`` (UTC days,
        the rule of :func:`status`).
    zones : GeoDataFrame or path, optional
        Default: the shipped zones.
    areas : GeoDataFrame, optional
        Study areas whose ``parent`` links say which areas make up a parent;
        default: the shipped areas (:func:`geoconflict.areas.load`).

    Returns
    -------
    float
        Cleared size / total size, sizes in EPSG:6933 (equal-area).

    Raises
    ------
    DataError
        No zones for ``area_id``, or ``date`` is not a date.

    Examples
    --------
    >>> import shapely
    >>> z = gpd.GeoDataFrame({"zone_id": ["a", "b"], "area_id": ["x", "x"],
    ...     "contested_from": [pd.NaT, pd.NaT],
    ...     "cleared_on": pd.to_datetime(["2017-02-01", None])},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs="EPSG:4326")
    >>> share_cleared("x", "2017-01-31", z), round(share_cleared("x", "2017-02-01", z), 3)
    (0.0, 0.5)
    """
    cleared, cum, _ = _timeline(area_id, zones, areas)
    when = np.array([_timestamp(date).to_datetime64()], dtype="datetime64[ns]")
    return float(_share_at(when, cleared, cum)[0])


def series(
    area_id: str,
    freq: str = "D",
    start: Any = None,
    end: Any = None,
    zones: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    *,
    areas: gpd.GeoDataFrame | None = None,
) -> pd.Series:
    """Share of an area cleared over time, as a Series indexed by date.

    Parameters
    ----------
    area_id : str
        As in :func:`share_cleared`.
    freq : str, default "D"
        A pandas frequency for the dates (``"D"``, ``"W"``, ``"MS"`` …).
    start, end : date-like, optional
        Default: the earliest ``contested_from`` (or ``cleared_on``) of the
        area's zones to the latest ``cleared_on``.
    zones, areas : optional
        As in :func:`share_cleared`.

    Returns
    -------
    pandas.Series
        float64 in 0..1, named ``area_id``, index ``date``. It never falls:
        a cleared zone stays cleared.

    Examples
    --------
    >>> import shapely
    >>> z = gpd.GeoDataFrame({"zone_id": ["a", "b"], "area_id": ["x", "x"],
    ...     "contested_from": pd.to_datetime(["2017-01-01", "2017-01-01"]),
    ...     "cleared_on": pd.to_datetime(["2017-01-02", "2017-01-03"])},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs="EPSG:4326")
    >>> series("x", zones=z).round(3).tolist()
    [0.0, 0.5, 1.0]
    """
    cleared, cum, mine = _timeline(area_id, zones, areas)
    if start is None:
        firsts = pd.concat([mine["contested_from"], mine["cleared_on"]]).dropna()
        if not len(firsts):
            raise DataError(f"area {area_id!r}: zones have no dates; give start and end")
        start = firsts.min()
    if end is None:
        lasts = mine["cleared_on"].dropna()
        end = lasts.max() if len(lasts) else _timestamp(start)
    index = pd.date_range(_timestamp(start), _timestamp(end), freq=freq, name="date")
    values = _share_at(index.to_numpy(dtype="datetime64[ns]"), cleared, cum)
    return pd.Series(values, index=index, name=area_id, dtype="float64")
