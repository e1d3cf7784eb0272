"""Study-area outlines (Mosul and its halves, Raqqa, the western desert)."""

from __future__ import annotations

from typing import Any

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer


def areas_layer(m: Any, areas: Any, *, show: bool = True) -> DataLayer:
    """Add study-area outlines, named on hover, to ``m``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geoconflict.render.page import GeoconflictMap
    >>> a = gpd.GeoDataFrame({"area_id": ["raqqa"], "name": ["Raqqa"]},
    ...                      geometry=[shapely.box(38.9, 35.9, 39.1, 36.0)], crs=4326)
    >>> areas_layer(GeoconflictMap(tiles=None), a).data["features"][0]["properties"]["name"]
    'Raqqa'
    """
    props = {
        "area_id": column(areas, "area_id"),
        "name": column(areas, "name", "area_id"),
        "parent": column(areas, "parent"),
    }
    layer = DataLayer("areas", features(areas, props), name="Study areas", show=show)
    layer.add_to(m)
    return layer
