"""Cleared territory: zones coloured by their status at the slider's date.

The page keeps one Leaflet path per zone and restyles it in place when the date
changes (``setStyle``), so nothing piles up. Status at day ``D`` is the rule of
:func:`geoconflict.territory.status` (the page's ``zoneStatus()`` follows it):
cleared on and after ``cleared_on``; ISIS-held before ``contested_from``;
contested otherwise (also when ``contested_from`` is unknown); never cleared
without ``cleared_on``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geoconflict import territory
from geoconflict.render.encode import column, features
from geoconflict.render.events import to_days
from geoconflict.render.page import DataLayer

#: Fill colours by status (also read back by the page's ``zoneStatus()``).
STATUS_COLOURS: dict[str, str] = {"isis": "#3a3a3a", "contested": "#e9a23b", "cleared": "#2a9d8f"}
STATUS_LABELS: dict[str, str] = {
    "isis": "ISIS-held",
    "contested": "contested",
    "cleared": "cleared",
}


def status_at(zones: pd.DataFrame, date: Any) -> pd.Series:
    """Each zone's status at ``date``: ``isis``, ``contested`` or ``cleared``.

    The rule is :func:`geoconflict.territory.status`; this gives it as a
    Series over a zone table whose date columns may be missing or text.

    Parameters
    ----------
    zones : pandas.DataFrame
        Zones with ``contested_from`` and ``cleared_on`` (either may be absent).
    date : date-like
        The day to look at.

    Returns
    -------
    pandas.Series
        Named ``status``, on the zones' index.

    Examples
    --------
    >>> z = pd.DataFrame({"zone_id": ["a"], "contested_from": ["2017-01-01"],
    ...                   "cleared_on": ["2017-02-01"]})
    >>> [status_at(z, d).iloc[0] for d in ("2016-12-31", "2017-01-01", "2017-02-01")]
    ['isis', 'contested', 'cleared']
    >>> status_at(z.assign(contested_from=[None]), "2016-01-01").iloc[0]
    'contested'

    """
    blank = [None] * len(zones)
    contested = zones["contested_from"].to_numpy() if "contested_from" in zones else blank
    cleared = zones["cleared_on"].to_numpy() if "cleared_on" in zones else blank
    status = territory.status(contested, cleared, date)
    return pd.Series(status, index=zones.index, name="status", dtype=object)


def _int_days(days: np.ndarray | None, n: int) -> list[int | None]:
    if days is None:
        return [None] * n
    return [None if np.isnan(d) else int(d) for d in days]


def territory_layer(m: Any, zones: Any, *, show: bool = True) -> DataLayer:
    """Add the cleared-territory layer (zones restyled by date) to ``m``.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        ``zone_id``, ``name``, ``contested_from``, ``cleared_on``, geometry.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> z = gpd.GeoDataFrame({"zone_id": ["z1"], "name": ["East"], "contested_from": ["2016-11-01"],
    ...     "cleared_on": ["2017-01-24"]}, geometry=[shapely.box(43, 36, 43.2, 36.4)], crs=4326)
    >>> layer = territory_layer(GeoconflictMap(tiles=None), z)
    >>> layer.data["features"][0]["properties"]["cleared"]
    17190
    """
    contested = to_days(zones["contested_from"]) if "contested_from" in zones else None
    cleared = to_days(zones["cleared_on"]) if "cleared_on" in zones else None
    n = len(zones)
    props = {
        "zone_id": column(zones, "zone_id"),
        "name": column(zones, "name"),
        "area_id": column(zones, "area_id"),
        "source": column(zones, "source"),
        "contested": _int_days(contested, n),
        "cleared": _int_days(cleared, n),
    }
    data = features(zones, props)
    data["colours"] = STATUS_COLOURS
    data["labels"] = STATUS_LABELS
    layer = DataLayer("territory", data, name="Cleared territory", show=show)
    layer.add_to(m)
    return layer
