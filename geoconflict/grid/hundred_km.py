"""The MGRS 100 km squares: where each one lies, and which squares cover an extent.

A UTM square's origin is letter arithmetic: its column letter counts 100 km
eastings from 100 km, and its row letter counts 100 km rows in a cycle of
2,000 km that the band letter resolves (:func:`geoconflict.grid.letters.utm_row`,
GeographicLib's rule). A UPS square's origin is GEOTRANS's (the ``mgrs`` package),
one call per distinct square, whatever the number of references.

:func:`squares` lists the squares covering an extent as polygons, each clipped to
its zone and band (Norway's 32V and the Svalbard zones included): the one
definition of the squares the map's grid layer labels.

Examples
--------
>>> sq = squares((43.0, 36.2, 43.3, 36.45))
>>> sq["square"].tolist()
['38SLF']
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import numpy as np

from geoconflict.grid.letters import (
    BANDS_UTM,
    COL_INDEX,
    COLS_BY_SET,
    EVEN_ZONE_SHIFT,
    ROW_PERIOD,
    ROWS_UTM,
    utm_row,
)
from geoconflict.grid.project import NORTH_CAP, SOUTH_CAP, inverse, proj, utm_forward
from geoconflict.grid.reasons import BAND, GEOTRANS, OK, geotrans_message, pack_square

TILE = 100_000.0
CRS = "EPSG:4326"

_MGRS_ERR = re.compile(r"row (\d+): (.*)")


def _geotrans_decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode S15 references with ``toLatLonArray``; a row GEOTRANS rejects gets NaN.

    Returns (lat, lon, message index from :func:`geotrans_message` or -1). GEOTRANS's
    latitude warnings are its own band check; they never reach the caller.
    """
    import mgrs

    engine = mgrs.MGRS()
    n = len(codes)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    err = np.full(n, -1, dtype=np.int32)
    start = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        while start < n:
            chunk = np.ascontiguousarray(codes[start:], dtype="S15")
            try:
                out = np.frombuffer(engine.toLatLonArray(chunk.tobytes()), dtype=np.float64)
            except mgrs.core.MGRSError as exc:
                found = _MGRS_ERR.search(str(exc))
                if not found:  # pragma: no cover - unknown message shape
                    raise
                k = int(found.group(1))
                if k:  # the rows before the bad one, again
                    out = np.frombuffer(engine.toLatLonArray(chunk[:k].tobytes()), dtype=np.float64)
                    lat[start : start + k] = out[0::2]
                    lon[start : start + k] = out[1::2]
                err[start + k] = geotrans_message(found.group(2))
                start += k + 1
                continue
            lat[start:] = out[0::2]
            lon[start:] = out[1::2]
            break
    return lat, lon, err


def _ups_origins(band: np.ndarray, col: np.ndarray, row: np.ndarray) -> Any:
    """(easting, northing, GEOTRANS error) of UPS squares, through GEOTRANS."""
    strings = np.zeros((band.size, 15), dtype=np.uint8)
    strings[:, 0], strings[:, 1], strings[:, 2] = band, col, row
    lat, lon, err = _geotrans_decode(strings.view("S15").ravel())
    e0 = np.full(band.size, np.nan)
    n0 = np.full(band.size, np.nan)
    for name, letters in (("upsn_fwd", NORTH_CAP), ("upss_fwd", SOUTH_CAP)):
        sel = (err < 0) & np.isin(band, letters)
        e0[sel], n0[sel] = proj(name, lon[sel], lat[sel])
    # GEOTRANS returns the centre of the square (origin + 50 km): floor gives the origin
    return np.floor(e0 / TILE) * TILE, np.floor(n0 / TILE) * TILE, err


def origins(zone: np.ndarray, band: np.ndarray, col: np.ndarray, row: np.ndarray) -> Any:
    """Origin of each distinct 100 km square of a batch of (lexically valid) references.

    Parameters
    ----------
    zone : array of int
        UTM zone, 0 for UPS.
    band, col, row : array of uint8
        The letter bytes.

    Returns
    -------
    tuple
        (index of each reference's square, origin easting, origin northing, reason
        code, detail, detail) per distinct square. Northings are signed (negative
        south of the equator), so one Transverse Mercator pipeline serves both
        hemispheres. The code is ``BAND`` where the band letter does not allow the
        row (GeographicLib's rule) and ``GEOTRANS`` where GEOTRANS rejects a UPS square.

    Examples
    --------
    >>> letters = [np.frombuffer(t, dtype=np.uint8) for t in (b"STZ", b"LLA", b"FFH")]
    >>> inv, e0, n0, code, _, _ = origins(np.array([38, 38, 0]), *letters)  # 38SLF 38TLF ZAH
    >>> e0[inv].tolist(), n0[inv].tolist(), code[inv].tolist()
    ([300000.0, 0.0, 2000000.0], [4000000.0, 0.0, 2000000.0], [0, 22, 0])
    """
    key = ((zone.astype(np.int64) * 32 + (band - 64)) * 32 + (col - 64)) * 32 + (row - 64)
    uniq, inv = np.unique(key, return_inverse=True)
    uz = uniq // 32**3
    ub = ((uniq // 32**2) % 32 + 64).astype(np.uint8)
    uc = ((uniq // 32) % 32 + 64).astype(np.uint8)
    ur = (uniq % 32 + 64).astype(np.uint8)
    m = uniq.size
    e0 = np.full(m, np.nan)
    n0 = np.full(m, np.nan)
    code = np.full(m, OK, dtype=np.uint8)
    d1 = np.zeros(m, dtype=np.int32)
    d2 = np.zeros(m, dtype=np.int32)
    utm = uz > 0
    if utm.any():
        z = uz[utm]
        rows, allowed = utm_row(z, ub[utm], uc[utm], ur[utm])
        e0[utm] = (COL_INDEX[z % 3, uc[utm]] + 1) * TILE
        n0[utm] = rows * TILE
        where = np.flatnonzero(utm)[~allowed]
        code[where] = BAND
        d1[where] = ub[where]
        d2[where] = [
            pack_square(int(a), int(b), int(c))
            for a, b, c in zip(uz[where], uc[where], ur[where], strict=True)
        ]
    if (~utm).any():
        e, n, err = _ups_origins(ub[~utm], uc[~utm], ur[~utm])
        e0[~utm], n0[~utm] = e, n
        where = np.flatnonzero(~utm)[err >= 0]
        code[where] = GEOTRANS
        d1[where] = err[err >= 0]
    bad = code != OK
    e0[bad], n0[bad] = 0.0, 0.0
    return inv.ravel(), e0, n0, code, d1, d2


# --- the squares covering an extent --------------------------------------------------------


def _zone_band_boxes(bounds: tuple[float, float, float, float]) -> list[tuple[int, str, tuple]]:
    """(zone, band, lon/lat box) of every UTM zone-band cell meeting ``bounds``."""
    lon0, lat0, lon1, lat1 = bounds
    out = []
    for i, band in enumerate(BANDS_UTM):
        blo, bhi = -80.0 + 8.0 * i, (84.0 if band == "X" else -72.0 + 8.0 * i)
        if bhi <= lat0 or blo >= lat1:
            continue
        for zone in range(1, 61):
            zlo, zhi = -180.0 + 6.0 * (zone - 1), -174.0 + 6.0 * (zone - 1)
            if band == "V" and zone in (31, 32):  # Norway: 32V is widened west to 3E
                zlo, zhi = (0.0, 3.0) if zone == 31 else (3.0, 12.0)
            if band == "X" and 31 <= zone <= 37:  # Svalbard: 31X, 33X, 35X and 37X only
                if zone % 2 == 0:
                    continue
                zlo, zhi = {31: (0.0, 9.0), 33: (9.0, 21.0), 35: (21.0, 33.0), 37: (33.0, 42.0)}[
                    zone
                ]
            if zhi <= lon0 or zlo >= lon1:
                continue
            out.append((zone, band, (zlo, blo, zhi, bhi)))
    return out


def _square_rings(zone: int, east: np.ndarray, north: np.ndarray, k: int = 16) -> np.ndarray:
    """Lon/lat rings of the 100 km squares with these SW corners, ``k`` points an edge."""
    t = np.arange(k) / k
    u = np.concatenate([t, np.ones(k), 1.0 - t, np.zeros(k), [0.0]])
    v = np.concatenate([np.zeros(k), t, np.ones(k), 1.0 - t, [0.0]])
    xs = (east[:, None] + TILE * u[None, :]).ravel()
    ys = (north[:, None] + TILE * v[None, :]).ravel()
    z = np.full(xs.size, zone)
    lat, lon = inverse(z, np.zeros(xs.size, dtype=np.uint8), xs, ys, wrap_lon=False)
    return np.stack([lon, lat], axis=-1).reshape(east.size, u.size, 2)


def squares(bounds: tuple[float, float, float, float]) -> Any:
    """The MGRS 100 km squares (UTM, 80S to 84N) that cover an extent, as polygons.

    Each square is clipped to its zone and latitude band, so a grid square that a
    band edge crosses is two MGRS squares (``38RLA`` and ``38SLA``), and Norway's and
    Svalbard's zones are as MGRS defines them.

    Parameters
    ----------
    bounds : tuple of float
        ``(lon0, lat0, lon1, lat1)`` in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        ``square`` (``"38SLF"``: zone, band, column and row letters), ``zone``,
        ``band`` and the polygon (EPSG:4326), one row per square meeting ``bounds``.

    Examples
    --------
    >>> sq = squares((42.5, 31.9, 43.0, 32.1))
    >>> sq["square"].tolist()
    ['38RKA', '38RLA', '38SKA', '38SLA']
    """
    import geopandas as gpd
    import shapely

    lon0, lat0, lon1, lat1 = (float(v) for v in bounds)
    lat0, lat1 = max(lat0, -80.0), min(lat1, 84.0)
    names: list[str] = []
    zones: list[int] = []
    bands: list[str] = []
    geoms: list[Any] = []
    if lon1 <= lon0 or lat1 <= lat0:
        return gpd.GeoDataFrame(
            {"square": names, "zone": zones, "band": bands}, geometry=geoms, crs=CRS
        )
    extent = shapely.box(lon0, lat0, lon1, lat1)
    for zone, band, box in _zone_band_boxes((lon0, lat0, lon1, lat1)):
        cell = shapely.box(*box)
        clip = shapely.intersection(cell, extent)
        if not isinstance(clip, shapely.Polygon) or clip.area <= 0:
            continue  # the extent only touches this band or zone (an edge, a corner)
        # the grid metres the clipped cell spans (its edges, sampled: parallels curve)
        ring = shapely.get_coordinates(shapely.segmentize(clip.exterior, 0.5))
        x, y = utm_forward(np.full(len(ring), zone), ring[:, 1], ring[:, 0])
        e_lo = max(100_000.0, np.floor(x.min() / TILE) * TILE)
        e_hi = min(900_000.0, np.ceil(x.max() / TILE) * TILE)
        n_lo, n_hi = np.floor(y.min() / TILE) * TILE, np.ceil(y.max() / TILE) * TILE
        mesh = np.meshgrid(np.arange(e_lo, e_hi, TILE), np.arange(n_lo, n_hi, TILE))
        ee, nn = mesh[0].ravel(), mesh[1].ravel()
        if ee.size == 0:
            continue
        polys = shapely.intersection(shapely.polygons(_square_rings(zone, ee, nn)), cell)
        keep = shapely.area(shapely.intersection(polys, extent)) > 0
        cols = COLS_BY_SET[zone % 3]
        shift = EVEN_ZONE_SHIFT if zone % 2 == 0 else 0
        for e, n, poly in zip(ee[keep], nn[keep], polys[keep], strict=True):
            row = ROWS_UTM[(int(n // TILE) + shift) % ROW_PERIOD]
            names.append(f"{zone:02d}{band}{cols[int(e // TILE) - 1]}{row}")
            zones.append(zone)
            bands.append(band)
            geoms.append(poly)
    frame = gpd.GeoDataFrame(
        {"square": names, "zone": zones, "band": bands}, geometry=geoms, crs=CRS
    )
    return frame.sort_values("square", ignore_index=True)
