"""Grid cells as polygons (``cells``) and a cell's location uncertainty (``uncertainty_m``).

A cell's edges are densified in UTM/UPS metres and projected by PROJ, so they
follow the grid rather than parallels and meridians.

Examples
--------
>>> round(float(cells(["38SLF29"]).iloc[0].area), 4)  # about 10 km x 10 km
0.0101
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoconflict.grid.decode import Decoded
from geoconflict.grid.hundred_km import CRS
from geoconflict.grid.letters import CELL_M
from geoconflict.grid.project import inverse, wrap


def uncertainty_m(precision_m: Any) -> Any:
    """Radius of a cell's location uncertainty: half its diagonal, in metres.

    Parameters
    ----------
    precision_m : float or array-like
        Cell size in metres (``parse(...)["precision_m"]``).

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(uncertainty_m(1.0), 4)
    0.7071
    >>> uncertainty_m(np.array([100.0, 1000.0])).round(1).tolist()
    [70.7, 707.1]
    """
    value = np.asarray(precision_m, dtype=np.float64) * (np.sqrt(2.0) / 2.0)
    return float(value) if value.ndim == 0 else value


def _segments(digits: int) -> int:
    """Points per cell edge: more for large cells, whose edges curve in lat/lon."""
    return max(1, 16 >> digits)


def cells(refs: Any) -> Any:
    """The grid squares the references denote, as polygons.

    Edges are densified in UTM/UPS metres (16 points per edge for 100 km squares,
    fewer for smaller cells) so they follow the grid. Cells that cross the
    antimeridian keep continuous longitudes (slightly beyond +-180); cells with a
    corner at a pole follow the pole along its parallel.

    Parameters
    ----------
    refs : str, list, numpy array or pandas Series
        The references; a Series keeps its index.

    Returns
    -------
    geopandas.GeoSeries
        EPSG:4326 polygons; None where a reference is invalid.

    Examples
    --------
    >>> g = cells(["38SLF2939918898", "nope!"])
    >>> round(g.iloc[0].area * 1e10)  # about 1 m x 1 m in square degrees
    1
    >>> g.iloc[1] is None
    True
    """
    import geopandas as gpd
    import shapely

    d = Decoded(refs, "sw")
    lx = d.lx
    geoms = np.full(d.n, None, dtype=object)
    ok = d.valid[d.idx]
    for digits in range(6):
        j = np.flatnonzero(ok & (lx.digits[d.idx] == digits))
        if j.size == 0:
            continue
        idx = d.idx[j]
        k = _segments(digits)
        t = np.arange(k) / k
        # from the middle of the bottom edge, anticlockwise, back to it: no ring starts at
        # a corner, so a corner at a pole can be widened along the pole's parallel.
        u = np.concatenate([0.5 + 0.5 * t, np.ones(k), 1.0 - t, np.zeros(k), 0.5 * t, [0.5]])
        v = np.concatenate([np.zeros(k), t, np.ones(k), 1.0 - t, np.zeros(k), [0.0]])
        s = CELL_M[digits]
        xs = d.e[j, None] + s * u[None, :]
        ys = d.nn[j, None] + s * v[None, :]
        npt = u.size
        zone = np.repeat(lx.zone[idx], npt)
        band = np.repeat(lx.band[idx], npt)
        lat, lon = inverse(zone, band, xs.ravel(), ys.ravel(), wrap_lon=False)
        lat = lat.reshape(-1, npt)
        lon = lon.reshape(-1, npt)
        lat, lon = _fix_poles(lat, lon)
        lon = np.unwrap(lon, period=360.0, axis=1)
        lon -= lon[:, :1] - wrap(lon[:, :1])
        geoms[idx] = shapely.polygons(np.stack([lon, lat], axis=-1))
    return gpd.GeoSeries(geoms, index=d.index, crs=CRS)


def _fix_poles(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace a vertex at a pole by two vertices along the pole's parallel.

    Rings get one extra vertex each (a repeat of the closing vertex where no pole is met).
    """
    m, npt = lat.shape
    at_pole = np.abs(lat[:, :-1]) >= 90.0 - 1e-12
    has = at_pole.any(axis=1)
    j = np.where(has, np.argmax(at_pole, axis=1), npt - 1)  # vertex to split (or closing)
    cols = np.arange(npt + 1)[None, :]
    src = np.where(cols <= j[:, None], cols, cols - 1)
    r = np.arange(m)[:, None]
    new_lat = lat[r, src]
    new_lon = lon[r, src]
    if has.any():
        rows = np.flatnonzero(has)
        jj = j[rows]
        new_lon[rows, jj] = lon[rows, jj - 1]
        new_lon[rows, jj + 1] = lon[rows, jj + 1]
    return new_lat, new_lon
