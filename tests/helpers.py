"""Small fixtures shared by several test modules (imported as ``helpers``)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely


def nested_areas() -> gpd.GeoDataFrame:
    """Nested study areas around the synthetic centres: a city with two halves, a town."""
    return gpd.GeoDataFrame(
        {
            "area_id": ["city", "city_west", "city_east", "town"],
            "name": ["City", "City west", "City east", "Town"],
            "parent": [None, "city", "city", None],
            "country": ["IQ", "IQ", "IQ", "SY"],
            "source": ["test fixture"] * 4,
        },
        geometry=[
            shapely.box(43.05, 36.27, 43.20, 36.40),
            shapely.box(43.05, 36.27, 43.12, 36.40),
            shapely.box(43.12, 36.27, 43.20, 36.40),
            shapely.box(38.97, 35.92, 39.05, 35.99),
        ],
        crs="EPSG:4326",
    )


def bare_map_args(zones: gpd.GeoDataFrame, default_title: str, **kw: Any) -> dict[str, Any]:
    """``make_map`` keywords for a small offline test page: only the given territory zones
    (``kw`` overrides any of them, the title included)."""
    args: dict[str, Any] = dict(
        areas=None,
        territory=zones,
        places=None,
        rivers=None,
        basemap="none",
        context=None,
        title=default_title,
    )
    args.update(kw)
    return args
