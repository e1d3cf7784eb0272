"""Rivers (the Tigris and Euphrates) as lines."""

from __future__ import annotations

from typing import Any

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer


def rivers_layer(m: Any, rivers: Any, *, show: bool = True) -> DataLayer:
    """Add river lines, named on hover, to ``m``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> r = gpd.GeoDataFrame({"name": ["Tigris"]},
    ...                      geometry=[shapely.LineString([(42.8, 36.5), (43.3, 36.1)])], crs=4326)
    >>> rivers_layer(GeoconflictMap(tiles=None), r).layer_name
    'Rivers'
    """
    props = {"name": column(rivers, "name")}
    layer = DataLayer("rivers", features(rivers, props), name="Rivers", show=show)
    layer.add_to(m)
    return layer
