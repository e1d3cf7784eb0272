"""Which events a map keeps: those in its study areas, in its extent, or all.

A page's numbers describe what is on its map: the western-desert page counts the
events in the desert, not every incident of the shipped table. ``[filters] within``
(:class:`~geoconflict.render.options.FilterOptions`) picks the rule; ``"auto"`` keeps
the events inside the study areas when the map names its areas, inside the extent
when one is given, and all of them otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from geoconflict.errors import OptionError
from geoconflict.render.options import WITHIN


def resolve_within(within: str, *, areas_named: bool, extent_given: bool) -> str:
    """The rule ``"auto"`` stands for on a map; other values come back unchanged.

    Examples
    --------
    >>> resolve_within("auto", areas_named=True, extent_given=True)
    'areas'
    >>> resolve_within("auto", areas_named=False, extent_given=True)
    'extent'
    >>> resolve_within("auto", areas_named=False, extent_given=False)
    'all'
    >>> resolve_within("extent", areas_named=True, extent_given=False)
    'extent'
    """
    if within not in WITHIN:
        raise OptionError(f"filters.within: expected one of {WITHIN}, got {within!r}")
    if within != "auto":
        return within
    if areas_named:
        return "areas"
    return "extent" if extent_given else "all"


def keep_within(
    events: Any, rule: str, *, areas: Any, bounds: tuple[float, float, float, float]
) -> Any:
    """The events inside the study areas (``"areas"``) or the extent (``"extent"``).

    Parameters
    ----------
    events : GeoDataFrame
        The event table (points; EPSG:4326 or any CRS with ``to_crs``).
    rule : {"areas", "extent", "all"}
        As :func:`resolve_within` gives; ``"areas"`` with no areas keeps the extent.
    areas : GeoDataFrame or None
        The map's study areas.
    bounds : (west, south, east, north)
        The map's extent in degrees.

    Returns
    -------
    GeoDataFrame
        The kept rows, in their order (events on an area's edge are kept).

    Examples
    --------
    >>> import geopandas as gpd
    >>> ev = gpd.GeoDataFrame({"event_id": ["a", "b"]},
    ...     geometry=gpd.points_from_xy([43.1, 40.0], [36.3, 36.0]), crs=4326)
    >>> ar = gpd.GeoDataFrame({"area_id": ["mosul"]},
    ...     geometry=[shapely.box(42.9, 36.2, 43.3, 36.5)], crs=4326)
    >>> list(keep_within(ev, "areas", areas=ar, bounds=(38, 35, 44, 37))["event_id"])
    ['a']
    >>> list(keep_within(ev, "extent", areas=ar, bounds=(38, 35, 44, 37))["event_id"])
    ['a', 'b']
    """
    if rule == "all" or events is None or not len(events):
        return events
    geom = events.geometry
    if events.crs is not None:
        geom = geom.to_crs(4326)
    if rule == "areas" and areas is not None and len(areas):
        shape = areas.geometry.to_crs(4326) if areas.crs is not None else areas.geometry
        keep = geom.intersects(shapely.union_all(np.asarray(shape)))
    else:
        keep = geom.intersects(shapely.box(*bounds))
    return events[keep.to_numpy(dtype=bool, na_value=False)]
