""":func:`geoconflict.link.match` on dask-geopandas tables, partitioned in space.

Each partition of the left table is matched, in its own task, against only the
partitions of the right table that can hold a pair: those whose extent (the bounding
box of its points, computed once per partition) meets the left partition's extent
widened by the search distance (the same provable box as the single-machine path,
:func:`geoconflict.link.pairs.lon_half_width`). The task runs the very pandas
:func:`~geoconflict.link.pairs.match`, so the two paths cannot drift.
Spatially sorted partitions (``ddf.spatial_shuffle()``) make the fewest tasks meet.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geoconflict.link.pairs import (
    BOX_SLACK,
    M_MIN,
    PAIR_COLUMNS,
    check_thresholds,
    lon_half_width,
)
from geoconflict.link.pairs import match as match_frames
from geoconflict.scale import is_dask


def _as_dask(frame: Any) -> Any:
    import dask_geopandas

    if not is_dask(frame):
        frame = dask_geopandas.from_geopandas(frame, npartitions=1)
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    return frame


def _max_radius(ddf: Any) -> float:
    if "location_precision_m" not in ddf.columns:
        return 0.0
    value = ddf["location_precision_m"].max().compute()
    return float(value) if value is not None and np.isfinite(value) and value > 0 else 0.0


def _pair_meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_id": pd.Series(dtype=object),
            "right_id": pd.Series(dtype=object),
            "distance_m": pd.Series(dtype="float64"),
            "distance_min_m": pd.Series(dtype="float64"),
            "days_apart": pd.Series(dtype="int64"),
            "right_strikes": pd.Series(dtype="Int64"),
        },
        columns=list(PAIR_COLUMNS),
    )


def extent(part: pd.DataFrame) -> Any:
    """The bounding box of a partition's valid points (None when it has none).

    Examples
    --------
    >>> import geopandas as gpd
    >>> g = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1, 3, np.nan], [2, 4, 5]))
    >>> extent(g).bounds
    (1.0, 2.0, 3.0, 4.0)
    """
    geoms = np.asarray(part.geometry.to_numpy()) if len(part) else np.array([], dtype=object)
    x, y = shapely.get_x(geoms), shapely.get_y(geoms)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    return shapely.box(x[ok].min(), y[ok].min(), x[ok].max(), y[ok].max())


def _search_box(hull: Any, reach_m: float) -> Any:
    """The box's bounds widened by ``reach_m`` in every direction (None: the whole globe)."""
    x0, y0, x1, y1 = shapely.bounds(hull)
    dlat = math.degrees(reach_m / M_MIN) * (1 + BOX_SLACK) + 1e-12
    lat = np.array([max(abs(y0), abs(y1))])
    dlon = float(lon_half_width(lat, np.array([reach_m]), reach_m / M_MIN)[0])
    if x0 - dlon < -180 or x1 + dlon > 180:
        return None  # reaches the antimeridian: every right partition may hold a pair
    return shapely.box(x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat)


def _match_parts(left: Any, *rights: Any, **options: Any) -> pd.DataFrame:
    if not rights:
        return _pair_meta()
    right = pd.concat(rights) if len(rights) > 1 else rights[0]
    return match_frames(left, right, **options)


def match(
    left: Any, right: Any, within_m: float, within_days: int, *, uncertainty: bool = False
) -> Any:
    """Lazy :func:`geoconflict.link.match` of Dask (or pandas) event tables.

    Parameters
    ----------
    left, right : dask_geopandas.GeoDataFrame or geopandas.GeoDataFrame
        At least one of them a Dask table; a pandas one is taken as one partition.
    within_m, within_days, uncertainty
        As in :func:`geoconflict.link.match`.

    Returns
    -------
    dask.dataframe.DataFrame
        The pairs (same columns), one partition per left partition, each sorted as
        the pandas result; ``.compute()`` gives the same rows as the pandas call.
        ``event_id`` is checked for repeats within each partition.

    Examples
    --------
    >>> import dask, dask_geopandas
    >>> from geoconflict.synthetic import synthetic_events
    >>> ev = synthetic_events(400, seed=3)
    >>> left = dask_geopandas.from_geopandas(ev.iloc[:200], npartitions=3)
    >>> right = dask_geopandas.from_geopandas(ev.iloc[200:], npartitions=2)
    >>> with dask.config.set(scheduler="synchronous"):
    ...     lazy = match(left, right, 2000, 3)
    ...     n = len(lazy.compute())
    >>> from geoconflict.link.pairs import match as match_pandas
    >>> n == len(match_pandas(ev.iloc[:200], ev.iloc[200:], 2000, 3))
    True
    """
    import dask
    import dask.dataframe as dd

    metres, days = check_thresholds(within_m, within_days)
    left = _as_dask(left)
    right = _as_dask(right)
    reach = metres
    if uncertainty:
        reach += _max_radius(left) + _max_radius(right)
    left_parts = left.to_delayed()
    right_parts = right.to_delayed()
    left_boxes, right_boxes = dask.compute(
        [dask.delayed(extent)(p) for p in left_parts],
        [dask.delayed(extent)(p) for p in right_parts],
    )
    options = {"within_m": metres, "within_days": days, "uncertainty": uncertainty}
    tasks = []
    for part, hull in zip(left_parts, left_boxes, strict=True):
        if hull is None:
            continue  # no placeable point in this partition: no pair
        box = _search_box(hull, reach)
        chosen = [
            rp
            for rp, rbox in zip(right_parts, right_boxes, strict=True)
            if rbox is not None and (box is None or shapely.intersects(box, rbox))
        ]
        tasks.append(dask.delayed(_match_parts)(part, *chosen, **options))
    if not tasks:
        return dd.from_pandas(_pair_meta(), npartitions=1)
    return dd.from_delayed(tasks, meta=_pair_meta(), verify_meta=False)
