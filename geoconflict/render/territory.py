"""Cleared territory: zones coloured by their status at the slider's date.

The page keeps one Leaflet path per zone and restyles it in place when the date
changes (``setStyle``), so nothing piles up. Status at day ``D`` is the rule of
:func:`geoconflict.territory.status` (the page's ``zoneStatus()`` follows it):
cleared on and after ``cleared_on``; ISIS-held before ``contested_from``;
contested otherwise (also when ``contested_from`` is unknown); never cleared
without ``cleared_on``.
"""

from __future__ import annotations

import re
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


#: The clause the shipped zones' sources end with when their outline is authored.
_SHAPE_CLAUSE = re.compile(r";\s*(zone outline schematic|ring sized)[^;]*$")


def claim_source(text: Any) -> str:
    """A zone's source as a reader needs it by the share: without the outline's caveat.

    Examples
    --------
    >>> claim_source("2017-03-07 complex taken (AP); zone outline schematic (authored)")
    '2017-03-07 complex taken (AP)'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return _SHAPE_CLAUSE.sub("", str(text)).strip()


def is_schematic(*tables: Any) -> bool:
    """Whether the data says its shapes are schematic (a ``source`` saying so).

    Examples
    --------
    >>> is_schematic(pd.DataFrame({"source": ["ring sized to that share, schematic"]}))
    True
    >>> is_schematic(pd.DataFrame({"source": ["traced"]}), None)
    False
    """
    for t in tables:
        if t is None or "source" not in t.columns:
            continue
        if t["source"].astype(str).str.contains("schematic", case=False).any():
            return True
    return False


def claim_for(text: Any, day: int) -> str:
    """The part of a zone's source about the claim of its clearing day (else all of it).

    The page writes the claim's date for readers before it ("as of 24 Jan 2017 — "),
    so a part that opens with that day's ISO date loses it.

    Examples
    --------
    >>> claim_for("2017-06-06 battle begins; cleared share 30% on 2017-06-15: SOHR", 17332)
    'SOHR'
    >>> claim_for("2017-01-24 east Mosul 'fully liberated' (JOC); zone outline schematic", 17190)
    "east Mosul 'fully liberated' (JOC)"
    """
    full = claim_source(text)
    iso = str(pd.Timestamp(day, unit="D").date())
    parts = [p for p in full.split("; ") if iso in p]
    if not parts:
        return full
    return "; ".join(_SHARE_PREFIX.sub("", p).removeprefix(iso + " ") for p in parts)


#: The prefix the shipped Raqqa rings' sources give their claim.
_SHARE_PREFIX = re.compile(r"^cleared share [0-9.]+% on [0-9-]+:\s*")


def share_steps(
    zones: Any, area_ids: Any = None, *, areas: Any = None, names: Any = None
) -> list[dict[str, Any]]:
    """The share of each area cleared, as steps: one per clearing date, for the page.

    Each share is :func:`geoconflict.territory.share_cleared` on that day (read from
    :func:`geoconflict.territory.series`, one pass per area); between steps the share
    holds (a cleared zone stays cleared).

    Parameters
    ----------
    zones : GeoDataFrame
        Territory zones (``area_id``, ``cleared_on``, ``source``).
    area_ids : list of str, optional
        The areas to chart (a parent such as ``mosul`` sums its halves); default: the
        zones' own areas. Areas without zones are left out.
    areas : GeoDataFrame, optional
        Study areas, for their parent links (default: the shipped ones).
    names : GeoDataFrame, optional
        Study areas whose ``name`` labels the series (default: ``areas``).

    Returns
    -------
    list of dict
        ``{"area_id", "name", "steps": [[day, share, source], ...]}``, days since
        1970-01-01, share in 0..1.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> z = gpd.GeoDataFrame({"zone_id": ["a", "b"], "area_id": ["x", "x"],
    ...     "cleared_on": pd.to_datetime(["2017-02-01", "2017-03-01"]), "source": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=4326)
    >>> [s[1:] for s in share_steps(z)[0]["steps"]]
    [[0.5, 'A'], [1.0, 'B']]
    """
    if zones is None or not len(zones) or "area_id" not in zones or "cleared_on" not in zones:
        return []
    if "contested_from" not in zones:  # unknown: the share needs only the clearing dates
        zones = zones.assign(contested_from=pd.NaT)
    ids = list(dict.fromkeys(zones["area_id"].astype(str))) if area_ids is None else area_ids
    label: dict[str, str] = {}
    named = areas if names is None else names
    if named is not None and "area_id" in named and "name" in named:
        label = dict(zip(named["area_id"].astype(str), named["name"].astype(str), strict=True))
    if areas is None:
        from geoconflict import areas as areas_mod

        areas = areas_mod.load()
    out = []
    for area_id in ids:
        members = _members(area_id, areas)
        mine = zones[zones["area_id"].astype(str).isin(members).to_numpy()]
        if not len(mine):  # no zones for this area: nothing to chart
            continue
        mine = mine[mine["cleared_on"].notna().to_numpy()]
        days = to_days(mine["cleared_on"])
        order = np.argsort(days, kind="stable")
        first = pd.Timestamp(days[order[0]], unit="D")
        last = pd.Timestamp(days[order[-1]], unit="D")
        # one pass: the daily share (territory.series: share_cleared on each day)
        daily = territory.series(area_id, "D", first, last, zones, areas=areas)
        steps: list[list[Any]] = []
        for i in order:
            day = int(days[i])
            share = round(float(daily.iloc[day - int(days[order[0]])]), 4)
            source = claim_for(mine["source"].iloc[i], day) if "source" in mine else ""
            if steps and steps[-1][0] == day:
                steps[-1] = [day, share, steps[-1][2] + "; " + source]
            else:
                steps.append([day, share, source])
        out.append({"area_id": area_id, "name": label.get(area_id, area_id), "steps": steps})
    return out


def _members(area_id: str, areas: Any) -> set[str]:
    """``area_id`` and the areas below it (parent links), as in share_cleared."""
    parent = dict(zip(areas["area_id"].astype(str), areas["parent"], strict=True))
    members = {area_id}
    while True:
        below = {a for a, p in parent.items() if isinstance(p, str) and p in members}
        if below <= members:
            return members
        members |= below
