"""MGRS references -> latitude/longitude: ``to_latlon``, ``parse``, ``to_latlon_one``.

``parse_arrays`` gives ``parse``'s columns as numpy arrays; pandas is imported only
to build ``parse``'s DataFrame (or when a Series is given).

Each reference is its 100 km square's origin (:mod:`~geoconflict.grid.hundred_km`)
plus its digits, in UTM/UPS metres, projected by PROJ in one call per projection.

The band letter: GeographicLib's rule decides which 100 km row a band letter allows
(:func:`geoconflict.grid.letters.utm_row`). A reference whose row the letter does not
allow is rejected (a band further off, the old AL lettering). One whose row it allows,
but whose cell lies wholly in the next band (a band letter one off, close to a band
edge), decodes to the same point as with the right letter, which ``parse`` gives in
``band`` and ``canonical``, with ``band_adjusted`` True. A cell that straddles a band
edge is right with either letter.

Examples
--------
>>> df = parse(["32TNK0000000000", "32SNK0000000000"])
>>> df["canonical"].tolist(), df["band_adjusted"].tolist()
(['32SNK0000000000', '32SNK0000000000'], [True, False])
>>> df["lat"].round(6).tolist()
[39.749912, 39.749912]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from geoconflict.errors import GridRefError, OptionError
from geoconflict.grid.hundred_km import origins
from geoconflict.grid.letters import BAND_HI, BAND_LO, CELL_M, band_letter
from geoconflict.grid.lex import lex
from geoconflict.grid.project import inverse
from geoconflict.grid.reasons import OK, reason

if TYPE_CHECKING:  # pandas is imported only where a DataFrame is made
    import pandas as pd

ANCHORS = ("center", "sw")

#: one Python string per byte value and per two-letter square, to build columns by lookup.
_CHARS = np.array([chr(i) for i in range(256)], dtype=object)
_PAIRS = np.array([chr(65 + i // 26) + chr(65 + i % 26) for i in range(26 * 26)], dtype=object)


class Decoded:
    """Everything ``to_latlon``/``parse``/``cells`` need for a batch of references.

    Attributes: ``lx`` (the lexed fields), ``index`` (a Series' index or None),
    ``idx`` (positions of the lexically valid references), ``e``/``nn`` (their cells'
    SW corners in grid metres), ``size_m``, ``lat``/``lon`` (all references),
    ``valid``, ``band`` (the band letter byte each decodes in) and ``adjusted``.
    """

    def __init__(self, refs: Any, anchor: str) -> None:
        if anchor not in ANCHORS:
            raise OptionError(f"anchor must be 'center' or 'sw', not {anchor!r}")
        lx, self.index = lex(refs)
        self.lx = lx
        n = lx.code.size
        self.n = n
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)
        self.band = lx.band.copy()
        self.adjusted = np.zeros(n, dtype=bool)
        idx = np.flatnonzero(lx.code == OK)
        self.idx = idx
        self.size_m = CELL_M[lx.digits[idx]].astype(np.float64)
        self.e = np.zeros(idx.size)
        self.nn = np.zeros(idx.size)
        if idx.size:
            zone, band = lx.zone[idx], lx.band[idx]
            inv, e0, n0, code, d1, d2 = origins(zone, band, lx.col[idx], lx.row[idx])
            bad = code[inv] != OK
            lx.code[idx[bad]] = code[inv][bad]
            lx.d1[idx[bad]] = d1[inv][bad]
            lx.d2[idx[bad]] = d2[inv][bad]
            self.e = e0[inv] + lx.east[idx]
            self.nn = n0[inv] + lx.north[idx]
            half = 0.5 * self.size_m if anchor == "center" else 0.0
            lat, lon = inverse(zone, band, self.e + half, self.nn + half)
            self.lat[idx], self.lon[idx] = lat, lon
            self._check_bands(lat)
        self.valid = lx.code == OK
        self.lat[~self.valid] = np.nan
        self.lon[~self.valid] = np.nan
        self.adjusted &= self.valid

    def _check_bands(self, lat: np.ndarray) -> None:
        """Find UTM references whose cell lies wholly outside their letter's band.

        Their band (``self.band``) becomes the one the cell's middle lies in, and
        ``self.adjusted`` is set (beyond 84N or 80S, the overlap with the UPS caps that
        GeographicLib allows bands X and C, the letter is kept).
        """
        lx = self.lx
        band = lx.band[self.idx]
        s = self.size_m
        # every point of a cell is within s*sqrt(2)/k0 metres of `lat`; 110,574 m per degree
        # is the shortest degree of latitude. UPS bands have no latitude range (NaN: unsure).
        reach = s * np.sqrt(2.0) / (0.9996 * 110_574.0) + 1e-9
        sure_in = (lat - reach >= BAND_LO[band]) & (lat + reach <= BAND_HI[band])
        j = np.flatnonzero(~sure_in & (lx.zone[self.idx] > 0))
        j = j[lx.code[self.idx[j]] == OK]
        if j.size == 0:
            return
        e, nn, s = self.e[j], self.nn[j], s[j]
        k = self.idx[j]
        # latitude along a grid line of constant northing is extreme at its ends or where it
        # crosses the central meridian (easting 500 km): evaluate the bottom and top edges there.
        near = np.clip(500_000.0, e, e + s)
        far = np.where(np.abs(e - 500_000.0) > np.abs(e + s - 500_000.0), e, e + s)
        xs = np.concatenate([near, far, near, far])
        ys = np.concatenate([nn, nn, nn + s, nn + s])
        lats, _ = inverse(np.tile(lx.zone[k], 4), np.tile(lx.band[k], 4), xs, ys)
        lats = lats.reshape(4, -1)
        cell_lo = np.min(lats[:2], axis=0)
        cell_hi = np.max(lats[2:], axis=0)
        b = lx.band[k]
        eps = 1e-8  # about 1 mm: GEOTRANS rounds up points within 0.5 mm of a grid line
        outside = (cell_hi < BAND_LO[b] - eps) | (cell_lo > BAND_HI[b] + eps)
        right = band_letter(0.5 * (cell_lo + cell_hi))
        moved = outside & (right > 0)
        self.band[k[moved]] = right[moved]
        self.adjusted[k[moved]] = True

    def reasons(self) -> np.ndarray:
        """Object array of reasons ('' where valid)."""
        out = np.full(self.n, "", dtype=object)
        bad = np.flatnonzero(self.lx.code != OK)
        if bad.size:
            triples = np.stack(
                [self.lx.code[bad].astype(np.int64), self.lx.d1[bad], self.lx.d2[bad]], axis=1
            )
            uniq, inv = np.unique(triples, axis=0, return_inverse=True)
            texts = np.array([reason(int(c), int(a), int(b)) for c, a, b in uniq], dtype=object)
            out[bad] = texts[inv.ravel()]
        return out

    def canonical(self) -> np.ndarray:
        """Object array of canonical strings, band letter as decoded (None where invalid)."""
        lx = self.lx
        assert lx.rows is not None
        out = np.full(self.n, None, dtype=object)
        idx = np.flatnonzero(self.valid)
        if idx.size == 0:
            return out
        rows = lx.rows[idx, :15]
        off = lx.offset[idx]
        canon = np.zeros((idx.size, 15), dtype=np.uint8)
        two = off == 2
        canon[two] = rows[two]
        one = off == 1
        canon[one, 0] = 48
        canon[one, 1:] = rows[one, :14]
        ups = off == 0
        canon[ups] = rows[ups]
        canon[~ups, 2] = self.band[idx][~ups]
        out[idx] = canon.astype(np.uint32).view("U15").ravel().astype(object)
        return out


def to_latlon(refs: Any, anchor: str = "center") -> tuple[np.ndarray, np.ndarray]:
    """Convert MGRS references to latitude and longitude.

    Lenient on form: any case, whitespace between groups, 1- or 2-digit zones,
    0-5 digit pairs (100 km to 1 m), mixed precisions in one array. Invalid
    references give NaN; :func:`parse` says why.

    Parameters
    ----------
    refs : str, list, numpy array or pandas Series
        The references. A single str gives arrays of length one.
    anchor : {"center", "sw"}
        The point of the grid cell to return: its centre, or its south-west
        corner (what GEOTRANS and most converters return).

    Returns
    -------
    lat, lon : numpy.ndarray of float64
        Degrees, WGS84, NaN where a reference is invalid.

    Examples
    --------
    >>> lat, lon = to_latlon(["38SLF2939918898", "4qfj 123 678", "38SLF123"], anchor="sw")
    >>> lat.round(6).tolist()[:2], lon.round(6).tolist()[:2]
    ([36.299994, 21.408986], [43.1, -157.916521])
    >>> bool(np.isnan(lat[2]))
    True
    """
    d = Decoded(refs, anchor)
    return d.lat, d.lon


def parse_arrays(refs: Any, anchor: str = "center") -> dict[str, np.ndarray]:
    """:func:`parse`'s columns as numpy arrays, without pandas.

    Parameters
    ----------
    refs : str, list, numpy array or pandas Series
        The references.
    anchor : {"center", "sw"}
        Which point of the cell ``lat`` and ``lon`` give.

    Returns
    -------
    dict of numpy.ndarray
        The columns of :func:`parse`, in its order; ``zone`` is int16 with 0 where
        there is none (UPS or invalid), and the text columns are object arrays.

    Raises
    ------
    OptionError
        ``anchor`` is neither ``"center"`` nor ``"sw"``.
    TypeError
        ``refs`` is no string, sequence, array or Series.

    Examples
    --------
    >>> cols = parse_arrays(["38slf 12 34", "ZAH0000000000", "38SLF123"])
    >>> cols["canonical"].tolist(), cols["zone"].tolist()
    (['38SLF1234', 'ZAH0000000000', None], [38, 0, 0])
    >>> cols["precision_m"].tolist(), cols["error"][2][:22]
    ([1000.0, 1.0, nan], 'odd number of digits (')
    """
    return _columns(Decoded(refs, anchor))


def _columns(d: Decoded) -> dict[str, np.ndarray]:
    lx = d.lx
    v = d.valid
    band = np.full(d.n, None, dtype=object)
    band[v] = _CHARS[d.band[v]]
    sq = np.full(d.n, None, dtype=object)
    sq[v] = _PAIRS[(lx.col[v].astype(np.int64) - 65) * 26 + lx.row[v] - 65]
    return {
        "canonical": d.canonical(),
        "zone": np.where(v, lx.zone, 0).astype(np.int16),
        "band": band,
        "square": sq,
        "precision_m": np.where(v, CELL_M[lx.digits], np.nan),
        "lat": d.lat,
        "lon": d.lon,
        "error": d.reasons(),
        "band_adjusted": d.adjusted,
    }


def parse(refs: Any, anchor: str = "center") -> pd.DataFrame:
    """Parse and validate MGRS references: one row per input, with a reason when invalid.

    Parameters
    ----------
    refs : str, list, numpy array or pandas Series
        The references; a Series keeps its index.
    anchor : {"center", "sw"}
        Which point of the cell ``lat`` and ``lon`` give.

    Returns
    -------
    pandas.DataFrame
        ``canonical`` (upper case, 2-digit zone, no spaces, the band it decodes in;
        None when invalid), ``zone`` (Int64, missing for UPS), ``band``, ``square``,
        ``precision_m`` (cell size in metres, float64), ``lat``, ``lon``, ``error``
        ('' when valid, else the reason) and ``band_adjusted`` (True where the band
        letter given was one band off, next to a band edge, and ``band`` and
        ``canonical`` carry the right one).

    Examples
    --------
    >>> df = parse(["4qfj 12345 67890", "38TLF1234567890", "38SLF12I", "50TMK5045027900"])
    >>> df["canonical"].tolist(), df["square"].tolist()
    (['04QFJ1234567890', None, None, '50SMK5045027900'], ['FJ', None, None, 'MK'])
    >>> df["zone"].tolist(), df["precision_m"].tolist()
    ([4, <NA>, <NA>, 50], [1.0, nan, nan, 1.0])
    >>> df["error"].tolist()[1][:56]
    'band letter T does not match the 100 km square LF: in zo'
    >>> df["error"].tolist()[2]
    "trailing characters after the digits (from 'I')"
    >>> df["band_adjusted"].tolist()
    [False, False, False, True]
    """
    import pandas as pd

    d = Decoded(refs, anchor)
    cols = _columns(d)
    zone = pd.array(cols["zone"].astype(np.int64), dtype="Int64")
    zone[cols["zone"] == 0] = pd.NA
    for name in ("canonical", "band", "square", "error"):
        cols[name] = pd.Series(cols[name], dtype=object)
    frame = pd.DataFrame({**cols, "zone": zone})
    if d.index is not None:
        frame.index = d.index
    return frame


def to_latlon_one(ref: Any, anchor: str = "center", strict: bool = False) -> tuple[float, float]:
    """Convert one MGRS reference to ``(lat, lon)``.

    Parameters
    ----------
    ref : str
        The reference (lenient on form, as :func:`to_latlon`).
    anchor : {"center", "sw"}
        Centre or south-west corner of the cell.
    strict : bool
        Raise :class:`~geoconflict.errors.GridRefError` (naming the reference and the
        reason) instead of returning ``(nan, nan)`` for an invalid reference.

    Returns
    -------
    tuple of float

    Examples
    --------
    >>> [round(v, 4) for v in to_latlon_one("38SLF29", anchor="center")]
    [36.9849, 43.0337]
    >>> to_latlon_one("38SLF123", strict=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoconflict.errors.GridRefError: invalid MGRS reference '38SLF123': odd number of digits...
    """
    d = Decoded([ref], anchor)
    if strict and not d.valid[0]:
        raise GridRefError(ref, d.reasons()[0])
    return float(d.lat[0]), float(d.lon[0])
