"""What the pairs say: per incident (:func:`summary`), per area and month (:func:`by_area`)."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict import areas as study_areas
from geoconflict.errors import DataError, OptionError
from geoconflict.events import strike_counts
from geoconflict.link.pairs import place
from geoconflict.summary import period_start
from geoconflict.vocab import FREQUENCIES

#: Columns of :func:`summary`, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "event_id",
    "linked",
    "links",
    "nearest_id",
    "nearest_m",
    "days_apart_min",
    "strikes",
    "strikes_uncounted",
    "unplaceable",
)
#: Columns of :func:`by_area`, in order.
BY_AREA_COLUMNS: tuple[str, ...] = (
    "area",
    "period",
    "incidents",
    "linked",
    "not_linked",
    "unplaceable",
    "share_linked",
    "strikes",
    "strikes_uncounted",
)


def _check_pairs(pairs: pd.DataFrame) -> None:
    missing = [c for c in ("left_id", "right_id", "distance_m") if c not in pairs.columns]
    if missing:
        raise DataError(f"pairs table is missing columns {missing} (made by link.match?)")


def summary(pairs: pd.DataFrame, left: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per left event: linked or not, how many links, the nearest, strikes summed.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`geoconflict.link.match` (``left`` as its left table).
    left : geopandas.GeoDataFrame
        The left event table.

    Returns
    -------
    pandas.DataFrame
        In ``left``'s row order: ``event_id``, ``linked`` (bool), ``links`` (pairs),
        ``nearest_id`` and ``nearest_m`` (the right row at the smallest
        ``distance_m``; the first in right order on a tie; missing when not linked),
        ``days_apart_min`` (Int64), ``strikes`` (sum of the linked rows' stated
        ``right_strikes``), ``strikes_uncounted`` (linked rows that state no count:
        nothing is invented, :func:`geoconflict.events.strike_counts`; every right
        row counts as a strike row, so link a mixed table's strike rows only),
        ``unplaceable`` (why the row can never link, else None).

    Examples
    --------
    >>> from geoconflict.link import match
    >>> inc = gpd.GeoDataFrame({"event_id": ["i1", "i2", "i3"],
    ...     "date_start": pd.to_datetime(["2017-03-17", "2017-03-17", None])},
    ...     geometry=gpd.points_from_xy([43.10, 43.50, 43.1], [36.35, 36.35, 36.35]), crs=4326)
    >>> st = gpd.GeoDataFrame({"event_id": ["s1", "s2"],
    ...     "date_start": pd.to_datetime(["2017-03-17", "2017-03-18"]), "strikes": [2, None]},
    ...     geometry=gpd.points_from_xy([43.11, 43.12], [36.35, 36.36]), crs=4326)
    >>> s = summary(match(inc, st, 5000, 1), inc)
    >>> s[["event_id", "linked", "links", "nearest_id", "strikes", "strikes_uncounted"]]
      event_id  linked  links nearest_id  strikes  strikes_uncounted
    0       i1    True      2         s1        2                  1
    1       i2   False      0       None        0                  0
    2       i3   False      0       None        0                  0
    >>> s["unplaceable"].iloc[2]
    'no date_start: cannot be placed in time'
    """
    _check_pairs(pairs)
    placed = place(left, "left")
    ids = pd.Index(placed.ids)
    pos = ids.get_indexer(pairs["left_id"].to_numpy(dtype=object))
    if (pos < 0).any():
        stray = pairs["left_id"][pos < 0].iloc[:3].tolist()
        raise DataError(f"pairs name left events that are not in the left table: {stray}")
    n = len(ids)
    links = np.bincount(pos, minlength=n).astype("int64")
    dist = pairs["distance_m"].to_numpy(dtype="float64")
    # Every right row is a strike row by its role: one with no stated count is uncounted.
    counts, uncounted = strike_counts(pairs, "right_strikes")
    summed = np.bincount(pos, weights=counts, minlength=n).astype("int64")
    uncounted_n = np.bincount(pos, weights=uncounted, minlength=n).astype("int64")
    nearest_m = np.full(n, np.nan)
    nearest_id = np.full(n, None, dtype=object)
    apart_min = pd.array([pd.NA] * n, dtype="Int64")
    if len(pairs):
        # Smallest distance per left row (stable: the first pair wins a tie).
        order = np.lexsort((np.arange(len(pos)), dist, pos))
        first = order[np.r_[True, pos[order][1:] != pos[order][:-1]]]
        nearest_m[pos[first]] = dist[first]
        nearest_id[pos[first]] = pairs["right_id"].to_numpy(dtype=object)[first]
        if "days_apart" in pairs.columns:
            apart = pairs["days_apart"].to_numpy(dtype="int64")
            low = np.full(n, np.iinfo("int64").max)
            np.minimum.at(low, pos, apart)
            has = links > 0
            apart_min[has] = low[has]
    return pd.DataFrame(
        {
            "event_id": pd.Series(placed.ids, dtype=object),
            "linked": links > 0,
            "links": links,
            "nearest_id": pd.Series(nearest_id, dtype=object),
            "nearest_m": nearest_m,
            "days_apart_min": apart_min,
            "strikes": summed,
            "strikes_uncounted": uncounted_n,
            "unplaceable": pd.Series(placed.reason, dtype=object),
        },
        columns=list(SUMMARY_COLUMNS),
    )


def by_area(
    pairs: pd.DataFrame,
    left: gpd.GeoDataFrame,
    *,
    freq: str = "month",
    areas: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Left events with and without a link, per study area and period.

    With the pairs of ``match(incidents, strikes, 5000, 0)`` this is "incidents
    with a declared strike within 5 km the same day", per area and month.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`geoconflict.link.match`.
    left : geopandas.GeoDataFrame
        The left event table. Without an ``area`` column its rows are given one by
        :func:`geoconflict.areas.assign` (the most specific area holding the point).
    freq : {"day", "week", "month", "year"}
        Period of ``date_start`` each event counts in (weeks start on Monday).
    areas : GeoDataFrame or path, optional
        Study areas for :func:`~geoconflict.areas.assign` (default: the shipped ones).

    Returns
    -------
    pandas.DataFrame
        ``area`` (missing outside every area), ``period`` (start; missing for events
        without a date), ``incidents``, ``linked``, ``not_linked`` (placeable but
        without a link), ``unplaceable`` (can never link), ``share_linked`` (linked
        / placeable, NaN when none is), ``strikes`` (summed over the links) and
        ``strikes_uncounted`` (links to strikes that state no count, as in
        :func:`summary`); sorted by area then period. Every left row counts in exactly one row.

    Examples
    --------
    >>> import shapely
    >>> from geoconflict.link import match
    >>> areas = gpd.GeoDataFrame({"area_id": ["a"]},
    ...     geometry=[shapely.box(43, 36, 44, 37)], crs=4326)
    >>> inc = gpd.GeoDataFrame({"event_id": ["i1", "i2", "i3"],
    ...     "date_start": pd.to_datetime(["2017-03-17", "2017-03-20", "2017-04-02"])},
    ...     geometry=gpd.points_from_xy([43.10, 43.50, 45.0], [36.35, 36.35, 36.0]), crs=4326)
    >>> st = gpd.GeoDataFrame({"event_id": ["s1"], "strikes": [2],
    ...     "date_start": pd.to_datetime(["2017-03-17"])},
    ...     geometry=gpd.points_from_xy([43.11], [36.35]), crs=4326)
    >>> t = by_area(match(inc, st, 5000, 0), inc, areas=areas)
    >>> t[["area", "period", "incidents", "linked", "share_linked", "strikes"]]
       area     period  incidents  linked  share_linked  strikes
    0     a 2017-03-01          2       1           0.5        2
    1  None 2017-04-01          1       0           0.0        0
    """
    if freq not in FREQUENCIES:
        raise OptionError(f"freq must be one of {tuple(FREQUENCIES)}, got {freq!r}")
    per_event = summary(pairs, left)
    if "area" not in left.columns:
        left = study_areas.assign(left, areas)
    placed = per_event["unplaceable"].isna().to_numpy()
    table = pd.DataFrame(
        {
            "area": left["area"].to_numpy(dtype=object, na_value=None),
            "period": period_start(left["date_start"], freq).to_numpy(),
            "incidents": 1,
            "linked": per_event["linked"].to_numpy(dtype="int64"),
            "not_linked": (placed & ~per_event["linked"].to_numpy()).astype("int64"),
            "unplaceable": (~placed).astype("int64"),
            "strikes": per_event["strikes"].to_numpy(dtype="int64"),
            "strikes_uncounted": per_event["strikes_uncounted"].to_numpy(dtype="int64"),
        }
    )
    out = table.groupby(["area", "period"], dropna=False, sort=False).sum().reset_index()
    out = out.sort_values(["area", "period"], kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    placeable = out["linked"] + out["not_linked"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_linked"] = np.where(placeable > 0, out["linked"] / placeable, np.nan)
    out["area"] = out["area"].astype(object).where(out["area"].notna(), None)
    return out[list(BY_AREA_COLUMNS)]
