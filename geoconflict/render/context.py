"""A vector context layer (borders, rivers, towns) for pages without tiles (``basemap="none"``)."""

from __future__ import annotations

from typing import Any

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer

#: Context kinds the page should draw as water (the shipped context has ``layer = "lake"``).
WATER = {"lake": "water", "reservoir": "water"}


def context_layer(m: Any, context: Any, *, show: bool = True) -> DataLayer:
    """Add the context layer: lines and polygons outlined, points as small dots.

    The shipped context (``datasets.load("context")``) holds the 1:10m country
    borders (world-atlas), lakes and rivers (Natural Earth, with the hand-drawn
    stretches where they measured closer) and the towns; lakes are drawn as water.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> c = gpd.GeoDataFrame({"name": ["border"], "kind": ["border"]},
    ...     geometry=[shapely.LineString([(42, 37), (42, 36)])], crs=4326)
    >>> context_layer(GeoconflictMap(tiles=None), c).data["features"][0]["properties"]["kind"]
    'border'
    >>> lake = c.assign(kind="lake")
    >>> context_layer(GeoconflictMap(tiles=None), lake).data["features"][0]["properties"]["kind"]
    'water'
    """
    kinds = column(context, "kind", "category", "type", "layer")
    props = {
        "name": column(context, "name"),
        # The page draws kinds naming a river or water as water; lakes are water too.
        "kind": [WATER.get(str(k), k) for k in kinds],
    }
    layer = DataLayer("context", features(context, props), name="Context", show=show)
    layer.add_to(m)
    return layer
