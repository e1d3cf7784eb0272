"""The links layer: a line from each incident to each declared strike it is linked with.

Draws the pairs of :func:`geoconflict.link.match` (incident = left, strike = right):
one line per pair, the strike end marked, both events in the line's popup (shown as
text, never HTML, like every popup of the page), and a control that shows all
incidents, only those with a declared strike, or only those without. The filter acts
on the events layer (an incident drawn there is hidden or shown) and the lines follow
the incidents: a line is drawn when its incident is on the map at the slider's date.

The pairs travel as packed columns (:mod:`geoconflict.render.encode`), only the
linked events' coordinates and text go to the page, plus the ids of every left event
(so "without a declared strike" knows which events are incidents).

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from geoconflict import link
>>> from geoconflict.render.page import GeoconflictMap
>>> inc = gpd.GeoDataFrame({"event_id": ["i1", "i2"],
...     "date_start": pd.to_datetime(["2017-03-17", "2017-03-17"])},
...     geometry=gpd.points_from_xy([43.10, 43.50], [36.35, 36.35]), crs=4326)
>>> st = gpd.GeoDataFrame({"event_id": ["s1"], "date_start": pd.to_datetime(["2017-03-17"])},
...     geometry=gpd.points_from_xy([43.11], [36.35]), crs=4326)
>>> layer = links_layer(link.match(inc, st, 5000, 0), inc, st)
>>> _ = GeoconflictMap(tiles=None).add_child(layer)
>>> layer.data["n"], layer.data["nLeft"], layer.data["l"]["n"]
(1, 2, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

from geoconflict.errors import DataError
from geoconflict.render.encode import count_column, pack_ids, pack_ints, pack_text
from geoconflict.render.events import to_days
from geoconflict.render.page import DataLayer

#: Text columns of each linked event carried to the popup, if present.
LINK_TEXT_COLUMNS = ("place", "source", "source_url", "dataset", "mgrs")


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _points(frame: pd.DataFrame, ids: np.ndarray, what: str) -> dict[str, Any]:
    """The rows of ``frame`` named by ``ids``: coordinates, dates, counts and text, packed."""
    index = pd.Index(frame["event_id"].to_numpy(dtype=object))
    pos = index.get_indexer(ids)
    if (pos < 0).any():
        stray = [str(v) for v in ids[pos < 0][:3]]
        raise DataError(f"pairs name {what} events that are not in the {what} table: {stray}")
    rows = frame.iloc[pos]
    geo = rows.geometry
    if geo.crs is not None and not geo.crs.equals("EPSG:4326"):
        geo = geo.to_crs("EPSG:4326")
    geoms = np.asarray(geo.to_numpy())
    lon, lat = shapely.get_x(geoms), shapely.get_y(geoms)
    day = to_days(rows["date_start"])
    end = to_days(rows["date_end"]) if "date_end" in rows.columns else day
    end = np.where(np.isnan(end), day, end)
    return {
        "n": len(ids),
        "id": pack_ids(pd.Series(ids, dtype=object)),
        "lat": pack_ints(np.round(np.nan_to_num(lat) * 1e5).astype("int64")),
        "lon": pack_ints(np.round(np.nan_to_num(lon) * 1e5).astype("int64")),
        "day": pack_ints(np.nan_to_num(day).astype("int64")),
        "span": pack_ints(np.clip(np.nan_to_num(end - day), 0, 2**31 - 1).astype("int64")),
        "cmin": pack_ints(count_column(rows, "civilians_killed_min")),
        "cmax": pack_ints(count_column(rows, "civilians_killed_max")),
        "strikes": pack_ints(count_column(rows, "strikes")),
        "text": {name: pack_text(_text(rows, name)) for name in LINK_TEXT_COLUMNS},
    }


def encode_links(pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame) -> dict[str, Any]:
    """Pack the pairs, the linked events and the ids of every left event for the page.

    Examples
    --------
    >>> import geopandas as gpd
    >>> ev = gpd.GeoDataFrame({"event_id": ["a"], "date_start": pd.to_datetime(["2017-01-01"])},
    ...     geometry=gpd.points_from_xy([43.1], [36.3]), crs=4326)
    >>> pairs = pd.DataFrame({"left_id": ["a"], "right_id": ["a"], "distance_m": [0.0],
    ...     "days_apart": [0]})
    >>> sorted(encode_links(pairs, ev, ev))
    ['a', 'b', 'days', 'dist', 'l', 'leftIds', 'n', 'nLeft', 'r']
    """
    for col in ("left_id", "right_id", "distance_m"):
        if col not in pairs.columns:
            raise DataError(f"pairs table has no {col!r} column (made by link.match?)")
    left_codes, left_ids = pd.factorize(pairs["left_id"].to_numpy(dtype=object))
    right_codes, right_ids = pd.factorize(pairs["right_id"].to_numpy(dtype=object))
    dist = pd.to_numeric(pairs["distance_m"], errors="coerce").to_numpy(dtype="float64")
    apart = (
        pd.to_numeric(pairs["days_apart"], errors="coerce").fillna(0).to_numpy(dtype="int64")
        if "days_apart" in pairs.columns
        else np.zeros(len(pairs), dtype="int64")
    )
    return {
        "n": len(pairs),
        "a": pack_ints(np.asarray(left_codes, dtype="int64")),
        "b": pack_ints(np.asarray(right_codes, dtype="int64")),
        "dist": pack_ints(np.round(np.nan_to_num(dist)).astype("int64")),
        "days": pack_ints(apart),
        "l": _points(left, np.asarray(left_ids, dtype=object), "left"),
        "r": _points(right, np.asarray(right_ids, dtype=object), "right"),
        "nLeft": len(left),
        "leftIds": pack_ids(pd.Series(left["event_id"].to_numpy(dtype=object), dtype=object)),
    }


def links_layer(
    pairs: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    name: str = "Links to declared strikes",
    show: bool = True,
    note: str | None = None,
) -> DataLayer:
    """The links layer as a folium element: ``m.add_child(links_layer(pairs, left, right))``.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`geoconflict.link.match` (``left_id``, ``right_id``, ``distance_m``,
        ``days_apart``).
    left, right : geopandas.GeoDataFrame
        The two event tables the pairs were made from (incidents, declared strikes).
    name : str
        The layer's name (shown as the filter's heading).
    show : bool, default True
        Draw the lines when the page opens.
    note : str, optional
        A line of text shown under the filter (as text), e.g. how many incidents link.

    Returns
    -------
    DataLayer
        Add it to a map made by :func:`geoconflict.make_map` (before or after the
        page's controls); it is drawn by the page's script (``GC.layer("links", ...)``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> ev = gpd.GeoDataFrame({"event_id": ["a"], "date_start": pd.to_datetime(["2017-01-01"])},
    ...     geometry=gpd.points_from_xy([43.1], [36.3]), crs=4326)
    >>> pairs = pd.DataFrame({"left_id": ["a"], "right_id": ["a"], "distance_m": [0.0]})
    >>> links_layer(pairs, ev, ev).kind
    'links'
    """
    layer = DataLayer("links", encode_links(pairs, left, right), name=name, show=show)
    # Not in folium's layer control: its script may run before this layer exists.
    layer.control = False
    layer.data["title"] = name
    if note is not None:
        layer.data["note"] = note
    return layer
