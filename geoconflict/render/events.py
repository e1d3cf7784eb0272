"""The events layer: the event table packed as columns, drawn on a canvas by the page.

Events are sorted by ``date_start`` so the page finds the events up to a date
with a binary search and redraws only that slice. Coordinates travel as 32-bit
integers in units of 1e-5 degree (about 1 m), dates as days since 1970-01-01
(delta-encoded), kinds and gradings as small codes, text as dictionaries.
Everything is vectorised: no Python loop per event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from geoconflict.dates import to_naive_utc
from geoconflict.events import DATE_PRECISIONS, GRADINGS, KINDS, REJECT_COLUMNS
from geoconflict.render.encode import count_column, pack_ids, pack_ints, pack_text, vocab_codes
from geoconflict.render.page import DataLayer

#: Text columns carried to the popup, if present.
TEXT_COLUMNS = ("place", "mgrs", "source", "source_url", "notes", "actor", "dataset")


def to_days(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as float (NaN where missing).

    Examples
    --------
    >>> to_days(pd.Series(pd.to_datetime(["1970-01-02", None]))).tolist()
    [1.0, nan]
    """
    dates = pd.to_datetime(pd.Series(values), errors="coerce")
    dates = to_naive_utc(dates)
    arr = dates.to_numpy(dtype="datetime64[ns]")
    out = arr.astype("datetime64[D]").astype("int64").astype("float64")
    out[np.isnat(arr)] = np.nan
    return out


def _codes(
    values: pd.Series, allowed: tuple[str, ...], default: str, order: np.ndarray
) -> np.ndarray:
    """Index in ``allowed`` of each value taken in ``order``; missing or unknown: ``default``'s."""
    return vocab_codes(values, allowed, default)[order]


def point_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of each geometry: a point's own, another geometry's centroid; NaN if missing.

    Examples
    --------
    >>> x, y = point_xy(np.array([shapely.Point(43.1, 36.3), None, shapely.box(0, 0, 2, 2)]))
    >>> x.tolist(), y.tolist()
    ([43.1, nan, 1.0], [36.3, nan, 1.0])
    """
    geoms = np.asarray(geoms, dtype=object)
    lon, lat = shapely.get_x(geoms), shapely.get_y(geoms)
    kind = shapely.get_type_id(geoms)  # -1 where missing
    other = (kind != -1) & (kind != shapely.GeometryType.POINT)
    if other.any():
        cent = shapely.centroid(geoms[other])
        lon[other] = shapely.get_x(cent)
        lat[other] = shapely.get_y(cent)
    return lon, lat


def drawable(
    day: np.ndarray, lon: np.ndarray, lat: np.ndarray, start: Any = None, end: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which rows a layer can draw: a day, a point on the globe, within ``start`` … ``end``.

    Returns
    -------
    (no day, no valid point, kept) : three boolean arrays

    Examples
    --------
    >>> bad_day, bad_loc, keep = drawable(
    ...     np.array([1.0, np.nan, 5.0, 9.0]), np.array([43.1, 43.1, 200.0, 43.1]),
    ...     np.array([36.3, 36.3, 36.3, 36.3]), end="1970-01-08")
    >>> bad_day.tolist(), bad_loc.tolist(), keep.tolist()
    ([False, True, False, False], [False, False, True, False], [True, False, False, False])
    """
    bad_day = np.isnan(day)
    bad_loc = ~(np.isfinite(lat) & np.isfinite(lon)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    keep = ~bad_day & ~bad_loc
    if start is not None:
        keep &= day >= to_days([start])[0]
    if end is not None:
        keep &= day <= to_days([end])[0]
    return bad_day, bad_loc, keep


def row_ids(frame: pd.DataFrame) -> pd.Series:
    """Each row's ``event_id``, or its 1-based row number when the table has none.

    Examples
    --------
    >>> row_ids(pd.DataFrame({"event_id": ["a", "b"]})).tolist()
    ['a', 'b']
    >>> row_ids(pd.DataFrame({"x": [5, 6]})).tolist()
    ['1', '2']
    """
    if "event_id" in frame:
        return frame["event_id"]
    return pd.Series(np.arange(1, len(frame) + 1).astype(str), dtype=object)


def skipped_rows(ids: pd.Series, bad_day: np.ndarray, bad_loc: np.ndarray) -> pd.DataFrame:
    """The rejects-ledger rows (``row`` 1-based) of the rows with no day, then no point.

    ``ids`` are the rows' :func:`row_ids`. A row with neither is listed twice, once
    per field, as the readers' ledgers list each bad field.

    Examples
    --------
    >>> skipped_rows(pd.Series(["a", "b"]), np.array([False, True]),
    ...     np.array([True, True]))[["row", "field", "value"]].values.tolist()
    [[2, 'date_start', 'b'], [1, 'geometry', 'a'], [2, 'geometry', 'b']]
    """
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "row": np.flatnonzero(mask) + 1,
                    "field": field,
                    "value": ids[mask].to_numpy(dtype=object),
                    "reason": reason,
                }
            )
            for mask, field, reason in (
                (bad_day, "date_start", "no date_start: cannot place on the time slider"),
                (bad_loc, "geometry", "no valid point location: cannot draw"),
            )
        ],
        ignore_index=True,
    )[list(REJECT_COLUMNS)]


def date_order(days: np.ndarray) -> np.ndarray:
    """The stable sort order of whole day numbers (a radix sort when they span < 65,536 days).

    Examples
    --------
    >>> date_order(np.array([17003, 17001, 17003, 16999])).tolist()
    [3, 1, 0, 2]
    """
    days = np.asarray(days, dtype="int64")
    if len(days) and int(days.max()) - int(days.min()) < 2**16:
        return np.argsort((days - days.min()).astype("uint16"), kind="stable")
    return np.argsort(days, kind="stable")


def encode_events(
    events: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Pack an event table for the page; list the events that cannot be drawn.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        The event table (column contract). Non-point geometries are drawn at
        their centroid.
    start, end : date-like, optional
        Keep only events with ``start <= date_start <= end``.

    Returns
    -------
    payload : dict
        Columns for the page (see the module docstring), with ``n`` rows.
    skipped : pandas.DataFrame
        The rejects-ledger columns (``row`` is the 1-based position in
        ``events``) for events without a date or a location.

    Examples
    --------
    >>> from geoconflict.synthetic import synthetic_events
    >>> payload, skipped = encode_events(synthetic_events(50, seed=2))
    >>> payload["n"], len(skipped), payload["kinds"]
    (50, 0, ['strike', 'civcas', 'ground', 'other'])
    """
    n_all = len(events)
    day = to_days(events["date_start"]) if "date_start" in events else np.full(n_all, np.nan)
    geoms = np.asarray(events.geometry.values) if n_all else np.array([], dtype=object)
    lon, lat = point_xy(geoms)
    bad_day, bad_loc, keep = drawable(day, lon, lat, start, end)
    ids = row_ids(events)
    skipped = skipped_rows(ids, bad_day, bad_loc)
    idx = np.flatnonzero(keep)
    order = idx[date_order(day[idx])]
    d = day[order].astype("int64")
    if "date_end" in events:
        d_end = to_days(events["date_end"])[order]
        span = np.where(np.isnan(d_end), 0, np.clip(d_end - d, 0, 2**31 - 1)).astype("int64")
    else:
        span = np.zeros(len(d), dtype="int64")
    prec = (
        pd.to_numeric(events["location_precision_m"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )[order]
        if "location_precision_m" in events
        else np.full(len(d), np.nan)
    )
    prec_m = np.where(np.isfinite(prec), np.clip(np.round(prec), 0, 2**31 - 1), 0).astype("int64")
    prec_codes, prec_values = pd.factorize(prec_m, sort=True)
    # Text is dictionary-encoded where it is and only the integer codes are put in
    # date order: reordering the strings themselves costs several times more.
    payload: dict[str, Any] = {
        "n": len(d),
        "id": pack_ids(ids, order),
        "day": pack_ints(d, delta=True, offset=True),
        "dayEnd": pack_ints(span),
        "lat": pack_ints(np.round(lat[order] * 1e5).astype("int64"), offset=True),
        "lon": pack_ints(np.round(lon[order] * 1e5).astype("int64"), offset=True),
        "kind": pack_ints(_codes(_col(events, "kind"), KINDS, "other", order)),
        "kinds": list(KINDS),
        "grading": pack_ints(_codes(_col(events, "grading"), GRADINGS, "unknown", order)),
        "gradings": list(GRADINGS),
        "datePrecision": pack_ints(
            _codes(_col(events, "date_precision"), DATE_PRECISIONS, "day", order)
        ),
        "datePrecisions": list(DATE_PRECISIONS),
        "cmin": pack_ints(count_column(events, "civilians_killed_min")[order]),
        "cmax": pack_ints(count_column(events, "civilians_killed_max")[order]),
        "precM": {"k": pack_ints(prec_codes), "v": [int(v) for v in prec_values]},
        "text": {name: pack_text(_col(events, name), order) for name in TEXT_COLUMNS},
    }
    return payload, skipped


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def events_layer(
    m: Any,
    events: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    show: bool = True,
) -> DataLayer:
    """Add the events time layer to map ``m``; return the layer.

    Events that cannot be drawn are listed in ``layer.skipped`` (rejects-ledger
    columns).

    Examples
    --------
    >>> from geoconflict.render.page import GeoconflictMap
    >>> from geoconflict.synthetic import synthetic_events
    >>> layer = events_layer(GeoconflictMap(tiles=None), synthetic_events(10))
    >>> layer.data["n"], layer.layer_name
    (10, 'Events')
    """
    payload, skipped = encode_events(events, start=start, end=end)
    # The page makes the kept frames' memory of a large layer while it parses the data.
    ahead = {"n": payload["n"], "kinds": len(payload["kinds"]), "show": bool(show)}
    layer = DataLayer("events", payload, name="Events", show=show, ahead=ahead)
    layer.skipped = skipped
    layer.add_to(m)
    return layer
