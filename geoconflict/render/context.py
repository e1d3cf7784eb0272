"""A vector context layer (borders, rivers, towns) for pages without tiles (``basemap="none"``)."""

from __future__ import annotations

from typing import Any

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer


def context_layer(m: Any, context: Any, *, show: bool = True) -> DataLayer:
    """Add the context layer: lines and polygons outlined, points as small dots.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> c = gpd.GeoDataFrame({"name": ["border"], "kind": ["border"]},
    ...     geometry=[shapely.LineString([(42, 37), (42, 36)])], crs=4326)
    >>> context_layer(GeoconflictMap(tiles=None), c).data["features"][0]["properties"]["kind"]
    'border'
    """
    props = {
        "name": column(context, "name"),
        "kind": column(context, "kind", "category", "type", "layer"),
    }
    layer = DataLayer("context", features(context, props), name="Context", show=show)
    layer.add_to(m)
    return layer
