"""The declared-strikes layer: strikes per place and day, drawn as circles by the page.

A strike table (the shipped CENTCOM/CJTF-OIR release lines, ``datasets.load("strikes")``,
or any event table with a ``strikes`` count) is summed here, in Python, per place and
day: the page gets one row per (place, day) with the strikes and the release lines of
that day, and draws one circle per place whose area grows with the strikes in the
slider's window (``strikes.js``): from the page's start to the date in cumulative mode,
the last ``window_days`` days in window mode. A place is a point: lines at the same
coordinates are one place, named by the place name most of its lines give.

Lines are counted on their first day (``date_start``). A line's strikes are its stated
count, and a line that states none counts as a line, not as strikes (nothing is
invented: the rule of :func:`geoconflict.events.strike_counts`, as in the summaries and
the links); the popup says how many such lines there are. Lines without a date or a
point cannot be drawn and are listed in ``layer.skipped`` (the rejects-ledger
columns), never dropped silently.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> st = gpd.GeoDataFrame({"event_id": ["a", "b", "c"], "place": ["Mosul", "Mosul", "Hit"],
...     "date_start": pd.to_datetime(["2016-03-18", "2016-03-18", "2016-03-20"]),
...     "strikes": [6, 4, 2]}, geometry=gpd.points_from_xy([43.1, 43.1, 42.8],
...     [36.3, 36.3, 33.6]), crs=4326)
>>> places = strike_places(st)
>>> places[["place", "strikes", "lines"]].to_dict("records")
[{'place': 'Hit', 'strikes': 2, 'lines': 1}, {'place': 'Mosul', 'strikes': 10, 'lines': 2}]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geoconflict.events import strike_counts
from geoconflict.render.encode import pack_ints, pack_text
from geoconflict.render.events import drawable, point_xy, row_ids, skipped_rows, to_days
from geoconflict.render.page import DataLayer

#: The layer's name (layer control, legend) when it draws the shipped strike table.
SHIPPED_NAME = "Declared coalition strikes (CENTCOM/CJTF-OIR releases)"
#: The fill and outline of the circles (also in the legend).
STRIKE_FILL = "#fb6a4a"
STRIKE_LINE = "#99000d"


def _points(strikes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of each row (centroids of non-points; NaN where empty)."""
    geo = strikes.geometry
    if geo.crs is not None and not geo.crs.equals("EPSG:4326"):
        geo = geo.to_crs("EPSG:4326")
    return point_xy(np.asarray(geo.to_numpy(), dtype=object))


def strike_cells(
    strikes: pd.DataFrame, *, start: Any = None, end: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The strikes summed per place and day, and the lines that cannot be drawn.

    Parameters
    ----------
    strikes : geopandas.GeoDataFrame
        Declared strikes (column contract; ``strikes`` is the count per line, ``place``
        names it).
    start, end : date-like, optional
        Keep only lines with ``start <= date_start <= end``.

    Returns
    -------
    cells : pandas.DataFrame
        One row per place and day: ``lon``, ``lat`` (1e-5 degree integers), ``day``
        (days since 1970-01-01), ``place`` (the name most lines there give),
        ``strikes`` (the stated counts summed), ``lines``, ``uncounted`` (lines that
        state no count: :func:`geoconflict.events.strike_counts`). Sorted by place
        (coordinates) then day.
    skipped : pandas.DataFrame
        The rejects-ledger columns (``row`` 1-based) for lines with no date or point:
        one ledger row per bad field of a line (:func:`geoconflict.render.events.skipped_rows`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> st = gpd.GeoDataFrame({"event_id": ["a", "b"], "place": ["Hit", "Hit"],
    ...     "date_start": pd.to_datetime(["2016-03-20", None]), "strikes": [2, 1]},
    ...     geometry=gpd.points_from_xy([42.8, 42.8], [33.6, 33.6]), crs=4326)
    >>> cells, skipped = strike_cells(st)
    >>> cells[["place", "day", "strikes", "lines"]].to_dict("records")
    [{'place': 'Hit', 'day': 16880, 'strikes': 2, 'lines': 1}]
    >>> skipped[["row", "field"]].to_dict("records")
    [{'row': 2, 'field': 'date_start'}]
    """
    n = len(strikes)
    day = to_days(strikes["date_start"]) if "date_start" in strikes else np.full(n, np.nan)
    lon, lat = _points(strikes) if n else (np.array([]), np.array([]))
    bad_day, bad_loc, keep = drawable(day, lon, lat, start, end)
    skipped = skipped_rows(row_ids(strikes), bad_day, bad_loc)
    # Every line is a strike row: one with no stated count is a line, not strikes.
    count, uncounted = strike_counts(strikes)
    names = strikes["place"] if "place" in strikes else pd.Series([None] * n, dtype=object)
    rows = pd.DataFrame(
        {
            "lon": np.round(lon[keep] * 1e5).astype("int64"),
            "lat": np.round(lat[keep] * 1e5).astype("int64"),
            "day": day[keep].astype("int64"),
            "strikes": count[keep],
            "lines": 1,
            "uncounted": uncounted[keep].astype("int64"),
            "name": names.to_numpy(dtype=object)[keep],
        }
    )
    cells = (
        rows.groupby(["lon", "lat", "day"], sort=True)[["strikes", "lines", "uncounted"]]
        .sum()
        .reset_index()
    )
    cells.insert(3, "place", cells[["lon", "lat"]].merge(_place_names(rows), how="left")["place"])
    return cells, skipped


def _place_names(rows: pd.DataFrame) -> pd.DataFrame:
    """Per point: the place name most of its lines give (ties: the first alphabetically)."""
    named = rows.dropna(subset=["name"]).astype({"name": str})
    votes = named.groupby(["lon", "lat", "name"]).size().rename("votes").reset_index()
    votes = votes.sort_values(["lon", "lat", "votes", "name"], ascending=[True, True, False, True])
    best = votes.drop_duplicates(["lon", "lat"])[["lon", "lat", "name"]]
    return best.rename(columns={"name": "place"})


def strike_places(cells_or_strikes: pd.DataFrame) -> pd.DataFrame:
    """Total strikes and lines per place over the whole table (or over ``strike_cells``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> st = gpd.GeoDataFrame({"place": ["Hit"], "date_start": pd.to_datetime(["2016-03-20"]),
    ...     "strikes": [2]}, geometry=gpd.points_from_xy([42.8], [33.6]), crs=4326)
    >>> strike_places(st)[["place", "strikes"]].to_dict("records")
    [{'place': 'Hit', 'strikes': 2}]
    """
    cells = cells_or_strikes
    if "uncounted" not in cells.columns:
        cells = strike_cells(cells)[0]
    keys = ["lon", "lat", "place"]
    total = cells.groupby(keys, sort=True, dropna=False)[["strikes", "lines", "uncounted"]].sum()
    return total.reset_index().sort_values(["place", "lon", "lat"], ignore_index=True)


def encode_strikes(cells: pd.DataFrame) -> dict[str, Any]:
    """Pack :func:`strike_cells` for the page: the places, and their rows by day.

    Examples
    --------
    >>> cells = pd.DataFrame({"lon": [4280000], "lat": [3360000], "day": [16880],
    ...     "place": ["Hit"], "strikes": [2], "lines": [1], "uncounted": [0]})
    >>> data = encode_strikes(cells)
    >>> data["nPlaces"], data["n"], data["total"]
    (1, 1, 2)
    """
    places = cells[["lon", "lat"]].drop_duplicates().reset_index(drop=True)
    code = pd.MultiIndex.from_frame(places).get_indexer(
        pd.MultiIndex.from_frame(cells[["lon", "lat"]])
    )
    first = np.searchsorted(code, np.arange(len(places) + 1))
    names = cells["place"].to_numpy(dtype=object)[first[:-1]] if len(places) else []
    return {
        "n": len(cells),
        "nPlaces": len(places),
        "lon": pack_ints(places["lon"].to_numpy(dtype="int64")),
        "lat": pack_ints(places["lat"].to_numpy(dtype="int64")),
        "name": pack_text(pd.Series(names, dtype=object)),
        "offset": pack_ints(first.astype("int64")),
        "day": pack_ints(cells["day"].to_numpy(dtype="int64")),
        "strikes": pack_ints(cells["strikes"].to_numpy(dtype="int64")),
        "lines": pack_ints(cells["lines"].to_numpy(dtype="int64")),
        "uncounted": pack_ints(cells["uncounted"].to_numpy(dtype="int64")),
        "total": int(cells["strikes"].sum()),
        "fill": STRIKE_FILL,
        "line": STRIKE_LINE,
    }


class StrikesLayer(DataLayer):
    """The declared-strikes layer; ``cells`` holds its per-place-and-day sums."""

    cells: pd.DataFrame


def strikes_layer(
    m: Any,
    strikes: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    name: str = "Declared strikes",
    show: bool = True,
) -> StrikesLayer:
    """Add the declared-strikes layer to map ``m``; return it (drawn by ``strikes.js``).

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`geoconflict.make_map`, which adds it with
        ``layers={"strikes": True}``.
    strikes : geopandas.GeoDataFrame
        Declared strikes, e.g. ``datasets.load("strikes")``.
    start, end : date-like, optional
        Keep only lines with ``start <= date_start <= end``.
    name : str
        The layer's name in the layer control and the legend.
    show : bool, default True
        Shown when the page opens.

    Returns
    -------
    StrikesLayer
        ``layer.cells`` holds the per-place-and-day sums, ``layer.skipped`` the ledger
        of the lines that cannot be drawn (one row per bad field of a line).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from geoconflict.render.page import GeoconflictMap
    >>> st = gpd.GeoDataFrame({"place": ["Hit"], "date_start": pd.to_datetime(["2016-03-20"]),
    ...     "strikes": [2]}, geometry=gpd.points_from_xy([42.8], [33.6]), crs=4326)
    >>> layer = strikes_layer(GeoconflictMap(tiles=None), st)
    >>> layer.kind, layer.data["total"], layer.layer_name
    ('strikes', 2, 'Declared strikes')
    """
    cells, skipped = strike_cells(strikes, start=start, end=end)
    layer = StrikesLayer("strikes", {**encode_strikes(cells), "title": name}, name=name, show=show)
    layer.cells = cells
    layer.skipped = skipped
    layer.add_to(m)
    return layer
