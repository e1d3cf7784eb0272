"""The link stage's entry point: one call for pandas and Dask tables.

The engines stay apart and one-way (the pandas engine in :mod:`geoconflict.link.pairs`,
the Dask one in :mod:`geoconflict.link.scale`, built on it); this module only chooses,
as the caller would.
"""

from __future__ import annotations

from typing import Any

from geoconflict.link import pairs as frames
from geoconflict.link import scale as dask_engine
from geoconflict.scale import is_dask


def match(
    left: Any,
    right: Any,
    within_m: float,
    within_days: int,
    *,
    uncertainty: bool = False,
) -> Any:
    """Pairs of events within ``within_m`` metres and ``within_days`` days.

    :func:`geoconflict.link.pairs.match` on pandas tables (parameters, returns and the
    rules are documented there); :func:`geoconflict.link.scale.match`, a lazy Dask
    result, when either table is a ``dask_geopandas`` frame.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> a = gpd.GeoDataFrame({"event_id": ["a"], "date_start": pd.to_datetime(["2017-03-17"])},
    ...     geometry=gpd.points_from_xy([43.10], [36.35]), crs=4326)
    >>> b = gpd.GeoDataFrame({"event_id": ["b"], "date_start": pd.to_datetime(["2017-03-17"])},
    ...     geometry=gpd.points_from_xy([43.11], [36.35]), crs=4326)
    >>> match(a, b, 1000, 0)[["left_id", "right_id"]].values.tolist()
    [['a', 'b']]
    """
    engine = dask_engine.match if is_dask(left) or is_dask(right) else frames.match
    return engine(left, right, within_m, within_days, uncertainty=uncertainty)
