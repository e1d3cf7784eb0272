"""Latitude/longitude -> MGRS references: ``from_latlon`` and ``from_latlon_one``.

Encoding is GEOTRANS's ``toMGRSArray`` itself (the ``mgrs`` package), with NaN and
out-of-range input kept out of the batch. Precision is truncation, as in GEOTRANS
(which adds 0.5 mm first, so a point that close below a grid line goes to the next
cell) and GeographicLib. One GEOTRANS quirk is mended: points up to ~6 mm south of
the equator come back from it as band M with a northing of 10,000 km, which it then
refuses to decode; they are encoded as on the equator. Zone and band rules (Norway
32V, Svalbard 31X-37X, UPS bands A, B, Y, Z) are GEOTRANS's.

Examples
--------
>>> from_latlon([36.3], [43.1]).tolist()
['38SLF2939918898']
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from geoconflict.errors import GridRefError, OptionError
from geoconflict.grid.decode import to_latlon

#: Points per block handed to GEOTRANS.
BLOCK = 1 << 16


def from_latlon(lat: Any, lon: Any, precision: int = 5) -> np.ndarray:
    """Encode latitude/longitude as MGRS references (truncated, as GEOTRANS does).

    Parameters
    ----------
    lat, lon : float or array-like
        Degrees, WGS84. NaN or out-of-range values (|lat| > 90, |lon| > 180)
        give None in that slot; the batch never raises for them.
    precision : int
        Digits per axis, 0 (100 km) to 5 (1 m).

    Returns
    -------
    numpy.ndarray of object
        Canonical references (upper case, 2-digit zone, no spaces) or None.

    Examples
    --------
    >>> from_latlon([36.3, 90.0, np.nan], [43.1, 0.0, 1.0], precision=5).tolist()
    ['38SLF2939918898', 'ZAH0000000000', None]
    >>> from_latlon(36.3, 43.1, precision=2).tolist()
    ['38SLF2918']
    """
    import mgrs

    if isinstance(precision, bool) or not isinstance(precision, (int, np.integer)):
        raise TypeError(f"precision must be an int from 0 to 5, not {precision!r}")
    if not 0 <= int(precision) <= 5:
        raise OptionError(f"precision must be 0 (100 km) to 5 (1 m), not {precision}")
    la = np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel()
    lo = np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel()
    if la.shape != lo.shape:
        raise ValueError(f"lat and lon differ in length ({la.size} and {lo.size})")
    n = la.size
    out = np.full(n, None, dtype=object)
    ok = (np.abs(la) <= 90.0) & (np.abs(lo) <= 180.0)  # False for NaN and infinities
    every = bool(ok.all())
    idx = np.flatnonzero(ok) if not every else None
    m = n if idx is None else idx.size
    if m == 0:
        return out
    engine = mgrs.MGRS()
    prec = int(precision)
    pts = np.empty((m, 2), dtype=np.float64)
    pts[:, 0] = la if idx is None else la[idx]
    pts[:, 1] = lo if idx is None else lo[idx]
    strings = out if idx is None else np.empty(m, dtype=object)
    for start in range(0, m, BLOCK):
        block = pts[start : start + BLOCK]
        try:
            raw = np.frombuffer(engine.toMGRSArray(block, MGRSPrecision=prec), dtype=np.uint8)
        except mgrs.core.MGRSError:  # pragma: no cover - in-range input is always accepted
            raw = np.zeros(15 * len(block), dtype=np.uint8)
            for i, (a, b) in enumerate(block):
                with contextlib.suppress(mgrs.core.MGRSError):
                    text = engine.toMGRS(a, b, MGRSPrecision=prec).encode()
                    raw[15 * i : 15 * i + len(text)] = np.frombuffer(text, dtype=np.uint8)
        # bytes -> str objects: widen to UCS-4 and let numpy make the strings (NULs drop)
        strings[start : start + len(block)] = raw.astype(np.uint32).view("U15").astype(object)
        if (raw[::15] == 0).any():  # pragma: no cover - see above
            empty = np.flatnonzero(raw[::15] == 0) + start
            strings[empty] = None
    if idx is not None:
        out[idx] = strings
    # GEOTRANS rounds points a few millimetres south of the equator onto it, but keeps
    # band M: a northing of 10,000 km that it then refuses to decode. Encode them as on
    # the equator, which is what its rounding means.
    near = np.flatnonzero(np.abs(la + 5e-7) < 5e-7)  # -1e-6 < lat < 0
    if near.size:
        lat_back, _ = to_latlon(out[near])
        redo = near[np.isnan(lat_back)]
        if redo.size:
            out[redo] = from_latlon(np.zeros(redo.size), lo[redo], precision)
    return out


def from_latlon_one(lat: float, lon: float, precision: int = 5, strict: bool = False) -> str | None:
    """Encode one point as an MGRS reference.

    Parameters
    ----------
    lat, lon : float
        Degrees, WGS84.
    precision : int
        Digits per axis, 0 (100 km) to 5 (1 m).
    strict : bool
        Raise :class:`~geoconflict.errors.GridRefError` for NaN or out-of-range input
        instead of returning None.

    Returns
    -------
    str or None

    Examples
    --------
    >>> from_latlon_one(-90.0, 0.0)
    'BAN0000000000'
    >>> from_latlon_one(95.0, 0.0) is None
    True
    """
    out = from_latlon([lat], [lon], precision)[0]
    if out is None and strict:
        raise GridRefError(
            (lat, lon), "latitude must be within -90..90 and longitude within -180..180"
        )
    return out
