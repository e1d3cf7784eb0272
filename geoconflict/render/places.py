"""Places (towns) and protected sites (mosques, museums, hospitals) as small symbols.

Which places are protected sites is decided by :func:`geoconflict.sites.is_protected`,
the rule :func:`geoconflict.sites.near_protected` uses too: the ``protected``
column, or for tables without it the place's ``category``/``kind``/``type``.
Cities, towns and neighbourhoods are labelled (by priority, as the zoom allows); other
places name themselves on hover.
"""

from __future__ import annotations

from typing import Any

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer
from geoconflict.sites import is_protected

#: The kinds of place labelled on the map (the page shows neighbourhoods' labels from zoom 12,
#: towns' from zoom 7, and hides any label that would cover another or a panel).
LABELLED: tuple[str, ...] = ("city", "town", "neighbourhood")

#: The rule of :func:`geoconflict.sites.is_protected`, under the name the layers have used.
protected_mask = is_protected


def _layer(m: Any, places: Any, kind: str, name: str, show: bool) -> DataLayer:
    props = {
        "place_id": column(places, "place_id"),
        "name": column(places, "name", "place"),
        "category": column(places, "category", "kind", "type"),
        "source": column(places, "source"),
        "label": [str(k).lower() in LABELLED for k in column(places, "kind", "category")],
    }
    layer = DataLayer(kind, features(places, props), name=name, show=show)
    layer.add_to(m)
    return layer


def places_layer(m: Any, places: Any, *, show: bool = True) -> DataLayer:
    """Add towns (the places that are not protected sites) to ``m``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> p = gpd.GeoDataFrame({"name": ["Mosul", "al-Nuri"], "category": ["town", "mosque"]},
    ...     geometry=[shapely.Point(43.1, 36.3), shapely.Point(43.12, 36.34)], crs=4326)
    >>> len(places_layer(GeoconflictMap(tiles=None), p).data["features"])
    1
    """
    mask = is_protected(places)
    return _layer(m, places[~mask], "places", "Places", show)


def protected_layer(m: Any, places: Any, *, show: bool = True) -> DataLayer:
    """Add protected sites (no-strike-list kinds of places) to ``m``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> p = gpd.GeoDataFrame({"name": ["Mosul", "al-Nuri"], "category": ["town", "mosque"]},
    ...     geometry=[shapely.Point(43.1, 36.3), shapely.Point(43.12, 36.34)], crs=4326)
    >>> protected_layer(GeoconflictMap(tiles=None), p).data["features"][0]["properties"]["name"]
    'al-Nuri'
    """
    mask = is_protected(places)
    return _layer(m, places[mask], "protected", "Protected sites", show)
