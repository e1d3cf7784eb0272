"""Places (towns) and protected sites (mosques, museums, hospitals) as small symbols.

A place is a protected site when its ``protected`` column is true or, for
tables without that column, when its ``category``/``kind``/``type`` says
``protected``, ``religious``, ``hospital``, ``museum``, ``heritage`` or ``mosque``.
Cities and towns are labelled permanently; other places name themselves on hover.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geoconflict.render.encode import column, features
from geoconflict.render.page import DataLayer

PROTECTED_WORDS = ("protected", "religious", "hospital", "museum", "heritage", "mosque")


def protected_mask(places: pd.DataFrame) -> np.ndarray:
    """True for rows that are protected sites.

    Examples
    --------
    >>> protected_mask(pd.DataFrame({"category": ["town", "mosque"]})).tolist()
    [False, True]
    """
    mask = np.zeros(len(places), dtype=bool)
    if "protected" in places.columns:
        flag = places["protected"].astype(object).where(places["protected"].notna(), False)
        text = flag.astype(str).str.strip().str.lower()
        return text.isin(["true", "1", "yes"]).to_numpy(bool)
    for name in ("category", "kind", "type"):
        if name in places.columns:
            text = places[name].astype(object).where(places[name].notna(), "").astype(str)
            pattern = "|".join(PROTECTED_WORDS)
            mask |= text.str.lower().str.contains(pattern, regex=True).to_numpy(bool)
    return mask


def _layer(m: Any, places: Any, kind: str, name: str, show: bool) -> DataLayer:
    props = {
        "name": column(places, "name", "place"),
        "category": column(places, "category", "kind", "type"),
        "source": column(places, "source"),
        "label": [str(k).lower() in ("city", "town") for k in column(places, "kind", "category")],
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
    mask = protected_mask(places)
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
    mask = protected_mask(places)
    return _layer(m, places[mask], "protected", "Protected sites", show)
