"""UTM and UPS projections through PROJ (pyproj): grid metres <-> latitude/longitude.

One Transverse Mercator pipeline (central meridian 0, signed northing) serves every
UTM zone and both hemispheres: longitudes are shifted by the zone's central
meridian around the call. No projection formula is written here.

Examples
--------
>>> lat, lon = inverse(np.array([38]), np.array([ord("S")]), np.array([329399.0]),
...                    np.array([4018898.0]))
>>> round(float(lat[0]), 5), round(float(lon[0]), 5)
(36.29999, 43.1)
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

_TMERC = (
    "+proj=tmerc +lat_0=0 +lon_0=0 +k=0.9996 +x_0=500000 +y_0=0 +ellps=WGS84 +algo=poder_engsager"
)
_UNITS = "+proj=unitconvert +xy_in=rad +xy_out=deg"
_UPSN = "+proj=ups +ellps=WGS84"
_UPSS = "+proj=ups +south +ellps=WGS84"
_PIPELINES = {
    "utm_inv": f"+proj=pipeline +step +inv {_TMERC} +step {_UNITS}",
    "utm_fwd": f"+proj=pipeline +step +inv {_UNITS} +step {_TMERC}",
    "upsn_inv": f"+proj=pipeline +step +inv {_UPSN} +step {_UNITS}",
    "upsn_fwd": f"+proj=pipeline +step +inv {_UNITS} +step {_UPSN}",
    "upss_inv": f"+proj=pipeline +step +inv {_UPSS} +step {_UNITS}",
    "upss_fwd": f"+proj=pipeline +step +inv {_UNITS} +step {_UPSS}",
}
#: UPS band letter bytes of each cap
NORTH_CAP = (ord("Y"), ord("Z"))
SOUTH_CAP = (ord("A"), ord("B"))


@functools.lru_cache(maxsize=16)
def _transformer(name: str) -> Any:
    # pyproj keeps one PROJ object per thread inside a Transformer: safe to share.
    from pyproj import Transformer

    return Transformer.from_pipeline(_PIPELINES[name])


def proj(name: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run a cached PROJ pipeline (``utm_inv``, ``upsn_fwd`` …) over arrays."""
    if x.size == 0:
        return np.zeros(0), np.zeros(0)
    a, b = _transformer(name).transform(x, y)
    return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)


def wrap(lon: np.ndarray) -> np.ndarray:
    """Longitudes into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def central_meridian(zone: np.ndarray) -> np.ndarray:
    """Central meridian of each UTM zone, in degrees."""
    return 6.0 * np.asarray(zone, dtype=np.float64) - 183.0


def utm_forward(zone: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> tuple[Any, Any]:
    """Latitude/longitude -> (easting, signed northing) in the given UTM zones."""
    return proj("utm_fwd", wrap(lon - central_meridian(zone)), lat)


def inverse(
    zone: np.ndarray, band: np.ndarray, east: np.ndarray, north: np.ndarray, wrap_lon: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """UTM/UPS metres (signed northing for UTM) -> (lat, lon), one PROJ call per projection.

    ``zone`` is 0 for UPS, where ``band`` (letter bytes) picks the cap.
    """
    lat = np.full(east.shape, np.nan)
    lon = np.full(east.shape, np.nan)
    utm = zone > 0
    if utm.any():
        x, y = proj("utm_inv", east[utm], north[utm])
        full = x + np.broadcast_to(central_meridian(zone), east.shape)[utm]
        lon[utm] = wrap(full) if wrap_lon else full
        lat[utm] = y
    for name, letters in (("upsn_inv", NORTH_CAP), ("upss_inv", SOUTH_CAP)):
        sel = ~utm & np.isin(band, letters)
        if sel.any():
            x, y = proj(name, east[sel], north[sel])
            lon[sel], lat[sel] = x, y
    return lat, lon
