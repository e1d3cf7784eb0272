"""MGRS grid references <-> WGS84 over arrays, grid cells as polygons, a ``.mgrs`` accessor.

The engine is GEOTRANS, through the ``mgrs`` package's batch API
(``MGRS().toLatLonArray`` / ``toMGRSArray``), and PROJ (``pyproj``) for the
Transverse Mercator and polar stereographic projections. No UTM/UPS projection
formula is written here. What is written by hand, and why:

* **Lenient normalisation** (any case, spaces between groups, 1-digit zones,
  mixed precisions). ``mgrs`` wants fixed-width canonical bytes and silently
  misreads some spaced forms (``"38SLF 12345 67890"`` decodes about 10 km off).
  It is done with vectorised byte-level numpy over an Arrow buffer.
* **Validation with reasons.** ``toLatLonArray`` stops the whole batch at the
  first bad row, and it only *warns* for a band letter that does not match
  where the reference decodes (``"38TLF…"`` lands 2,000 km north of
  ``"38SLF…"``; the old AL lettering ``"38SLR…"``, 1,000 km away), so such
  strings would come back hundreds of kilometres off. Letters, zones and digit
  counts are checked here against the MGRS letter tables (the same ones GEOTRANS
  uses), and the band against the decoded cell, allowing a cell that straddles a
  band edge.
* **Decoding through the 100 km square.** GEOTRANS resolves each distinct
  100 km square (zone, band and two letters: a handful for a study area, tens
  of thousands for the whole globe, whatever the number of references) to its
  origin; each reference is that origin plus its digits, in UTM/UPS metres,
  projected to latitude/longitude by PROJ in one call. ``toLatLonArray``
  returns the *centre* of a cell (GEOTRANS adds half the cell); this way gives
  the centre or the south-west corner (``anchor="sw"``) alike, checks the band
  without re-encoding, and is faster than decoding every string in GEOTRANS
  (``benchmarks/bench_grid.py``). The tests check the results against
  ``toLatLonArray`` (within 1e-9 degrees) and against pygeodesy, an independent
  implementation (within 1 mm).
* **Cell polygons** (``cells``): the square's edges, densified in UTM/UPS
  metres and projected by PROJ, so they follow the grid rather than parallels.

Encoding (``from_latlon``) is ``toMGRSArray`` itself, with NaN and out-of-range
input kept out of the batch. Precision is truncation, as in GEOTRANS (which adds
0.5 mm first, so a point that close below a grid line goes to the next cell) and
GeographicLib. One GEOTRANS quirk is mended: points up to ~6 mm south of the
equator come back from it as band M with a northing of 10,000 km, which it then
refuses to decode; they are encoded as on the equator. Zone and band rules
(Norway 32V, Svalbard 31X-37X, UPS bands A, B, Y, Z) are GEOTRANS's.

Examples
--------
>>> lat, lon = to_latlon(["38SLF2939918898", "38s lf 29399 18898", "38XLF1"])
>>> lat.round(5).tolist()[:2], bool(np.isnan(lat[2]))
([36.3, 36.3], True)
>>> from_latlon([36.3], [43.1]).tolist()
['38SLF2939918898']
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geoconflict.errors import GridRefError

__all__ = [
    "cells",
    "from_latlon",
    "from_latlon_one",
    "parse",
    "to_latlon",
    "to_latlon_one",
    "uncertainty_m",
]

CRS = "EPSG:4326"

#: Width of the byte rows references are normalised into (a valid one needs 15).
_W = 16
#: Rows handled per block in the byte-level passes (keeps temporaries small).
_BLOCK = 1 << 16
#: Cell size in metres for 0..5 digits per axis.
_CELL_M = np.array([100_000, 10_000, 1_000, 100, 10, 1], dtype=np.int64)
_ANCHORS = ("center", "sw")

# --- error codes; reasons are built once per distinct (code, detail, detail) ---------------
_OK = 0
_MISSING = 1
_NOT_STRING = 2
_EMPTY = 3
_TOO_LONG = 4
_BAD_CHAR = 5
_SPLIT = 6
_ZONE_DIGITS = 7
_ZONE_RANGE = 8
_NO_ZONE = 9
_SHORT = 10
_UNUSED = 11
_POLAR_ZONE = 12
_COL = 13
_COL_UPS = 14
_ROW = 15
_ROW_UPS = 16
_SVALBARD = 17
_TRAILING = 18
_ODD = 19
_TOO_MANY = 20
_GEOTRANS = 21
_BAND = 22

# --- MGRS letter tables (as in GEOTRANS) ---------------------------------------------------
_BANDS_UTM = "CDEFGHJKLMNPQRSTUVWX"
#: column letters by zone % 3 (zones 1, 4, 7 … use A-H; 2, 5 … J-R; 3, 6 … S-Z).
_COLS_BY_SET = {1: "ABCDEFGH", 2: "JKLMNPQR", 0: "STUVWXYZ"}
_ROWS_UTM = "ABCDEFGHJKLMNPQRSTUV"
#: UPS: band -> (column letters, highest row letter)
_UPS = {
    "A": ("JKLPQRSTUXYZ", "Z"),
    "B": ("ABCFGHJKLPQR", "Z"),
    "Y": ("JKLPQRSTUXYZ", "P"),
    "Z": ("ABCFGHJ", "P"),
}


def _table(letters: str) -> np.ndarray:
    t = np.zeros(256, dtype=bool)
    t[np.frombuffer(letters.encode(), dtype=np.uint8)] = True
    return t


_IS_UPS_BAND = _table("ABYZ")
_IS_UNUSED = _table("IO")
_COL_OK = np.stack([_table(_COLS_BY_SET[k]) for k in (0, 1, 2)])  # indexed by zone % 3
_ROW_OK_UTM = _table(_ROWS_UTM)
_UPS_COL_OK = np.zeros((256, 256), dtype=bool)  # [band byte, letter byte]
_UPS_ROW_OK = np.zeros((256, 256), dtype=bool)
for _b, (_cols, _top) in _UPS.items():
    _UPS_COL_OK[ord(_b)] = _table(_cols)
    _UPS_ROW_OK[ord(_b)] = _table("".join(c for c in _ROWS_UTM + "WXYZ" if c <= _top))
#: southern edge of each UTM band in degrees (by letter byte); band X spans 72-84.
_BAND_LO = np.full(256, np.nan)
_BAND_HI = np.full(256, np.nan)
for _i, _c in enumerate(_BANDS_UTM):
    _BAND_LO[ord(_c)] = -80.0 + 8.0 * _i
    _BAND_HI[ord(_c)] = -72.0 + 8.0 * _i
_BAND_HI[ord("X")] = 84.0
_BAND_LETTERS = np.frombuffer(_BANDS_UTM.encode(), dtype=np.uint8)

#: one Python string per byte value and per two-letter square, to build columns by lookup.
_CHARS = np.array([chr(i) for i in range(256)], dtype=object)
_PAIRS = np.array([chr(65 + i // 26) + chr(65 + i % 26) for i in range(26 * 26)], dtype=object)


# =========================================================================================
# input
# =========================================================================================


def _as_arrow(refs: Any) -> tuple[pa.Array, Any, np.ndarray]:
    """Return (string array, pandas index or None, not-a-string mask)."""
    index = None
    if isinstance(refs, (str, bytes)):
        refs = [refs]
    if isinstance(refs, pd.Series):
        index = refs.index
        values: Any = refs.array
    elif isinstance(refs, pd.Index):
        values = refs.array
    elif isinstance(refs, np.ndarray):
        values = refs.ravel()
    elif isinstance(refs, Iterable):
        values = list(refs)
    else:
        raise TypeError(f"expected a str, a list, an array or a Series, not {type(refs).__name__}")
    if isinstance(values, np.ndarray) and values.dtype.kind == "S":
        values = np.char.decode(values, "ascii", errors="replace")
    n = len(values)
    notstr = np.zeros(n, dtype=bool)
    arr: Any
    try:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        # mixed input (numbers, bytes …): a slow path, only for such input
        obj = np.asarray(pd.array(values, dtype=object), dtype=object)
        kind = np.frompyfunc(lambda v: isinstance(v, str), 1, 1)(obj).astype(bool)
        miss = np.asarray(pd.isna(obj), dtype=bool)
        notstr = ~kind & ~miss
        clean = obj.copy()
        clean[~kind] = None
        arr = pa.array(clean, type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr, index, notstr


def _fixed_rows(arr: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """ASCII strings -> (n, width) uint8 rows (NUL-padded, cut at width) and true lengths."""
    n = len(arr)
    lengths = np.asarray(pc.binary_length(arr).to_numpy(zero_copy_only=False), dtype=np.int64)
    padded = pc.utf8_slice_codeunits(pc.utf8_rpad(arr, width, padding="\x00"), 0, width)
    if isinstance(padded, pa.ChunkedArray):  # pragma: no cover - defensive
        padded = padded.combine_chunks()
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int64)[
        padded.offset : padded.offset + n + 1
    ]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
    start = int(offsets[0]) if n else 0
    if n and int(offsets[-1]) - start == n * width:
        rows = data[start : start + n * width].reshape(n, width)
    else:  # pragma: no cover - cannot happen for ASCII, kept for safety
        rows = np.zeros((n, width), dtype=np.uint8)
        for i in range(n):
            s = bytes(data[offsets[i] : offsets[i + 1]])[:width]
            rows[i, : len(s)] = np.frombuffer(s, dtype=np.uint8)
    return rows, lengths


# =========================================================================================
# lexing: the byte-level pass
# =========================================================================================


class _Lexed:
    """Per-reference fields from the byte-level pass (all arrays of length n)."""

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, dtype=np.uint8)
        self.d1 = np.zeros(n, dtype=np.int32)
        self.d2 = np.zeros(n, dtype=np.int32)
        self.zone = np.zeros(n, dtype=np.int16)  # 0 for UPS
        self.band = np.zeros(n, dtype=np.uint8)
        self.col = np.zeros(n, dtype=np.uint8)
        self.row = np.zeros(n, dtype=np.uint8)
        self.digits = np.zeros(n, dtype=np.int8)  # per axis, 0..5
        self.east = np.zeros(n, dtype=np.int32)  # metres inside the 100 km square
        self.north = np.zeros(n, dtype=np.int32)
        self.rows: np.ndarray | None = None  # cleaned byte rows (kept for canonical strings)
        self.offset = np.zeros(n, dtype=np.int8)  # number of zone digits (0, 1, 2)


#: byte -> 0 padding (NUL), 1 digit, 2 letter A-Z, 3 anything else
_CLASS = np.full(256, 3, dtype=np.uint8)
_CLASS[0] = 0
_CLASS[48:58] = 1
_CLASS[65:91] = 2
_POW10 = (10000, 1000, 100, 10, 1)


_ONES = np.uint64(0x0101010101010101)


def _row_any(flags: np.ndarray) -> np.ndarray:
    """Any True per row of a (n, 8k) C-contiguous bool array, eight bytes at a time."""
    words = np.ascontiguousarray(flags).view(np.uint64)
    acc = words[:, 0].copy()
    for c in range(1, words.shape[1]):
        acc |= words[:, c]
    return acc != 0


def _row_count(flags: np.ndarray) -> np.ndarray:
    """Number of True per row of a (n, 8k) C-contiguous bool array (byte sums by multiply)."""
    words = np.ascontiguousarray(flags).view(np.uint64)
    total = np.zeros(len(words), dtype=np.int32)
    for c in range(words.shape[1]):
        total += ((words[:, c] * _ONES) >> np.uint64(56)).astype(np.int32)
    return total


def _lex_rows(m: np.ndarray, length: np.ndarray) -> dict[str, np.ndarray]:
    """Classify and decode cleaned, upper-case byte rows (NUL-padded, no NUL inside)."""
    n, width = m.shape
    r = np.arange(n)
    cls = np.take(_CLASS, m)
    isdig = cls == 1
    code = np.zeros(n, dtype=np.uint8)
    d1 = np.zeros(n, dtype=np.int32)
    d2 = np.zeros(n, dtype=np.int32)

    def rej(mask: np.ndarray, c: int, a: Any = 0, b: Any = 0) -> None:
        if not mask.any():  # the usual case: nothing to reject
            return
        sel = mask & (code == _OK)
        if sel.any():
            code[sel] = c
            d1[sel] = a[sel] if isinstance(a, np.ndarray) else a
            d2[sel] = b[sel] if isinstance(b, np.ndarray) else b

    rej(length == 0, _EMPTY)
    rej(length >= width, _TOO_LONG, length)
    bad = cls == 3
    has_bad = _row_any(bad)
    if has_bad.any():
        first_bad = np.zeros(n, dtype=np.int64)
        first_bad[has_bad] = np.argmax(bad[has_bad], axis=1)
        rej(has_bad, _BAD_CHAR, m[r, first_bad].astype(np.int32))

    zl = np.argmin(isdig, axis=1)  # leading digits; a row shorter than width ends in padding
    rej(zl >= 3, _ZONE_DIGITS, zl)
    off = np.minimum(zl, 2)
    last = width - 1
    i0, i1, i2 = off, np.minimum(off + 1, last), np.minimum(off + 2, last)
    band, col, row = m[r, i0], m[r, i1], m[r, i2]
    three = (cls[r, i0] == 2) & (cls[r, i1] == 2) & (cls[r, i2] == 2)
    d0 = m[:, 0].astype(np.int16) - 48
    dd1 = m[:, 1].astype(np.int16) - 48
    zone = np.where(off == 2, d0 * 10 + dd1, np.where(off == 1, d0, 0)).astype(np.int16)
    utm = off > 0
    rej(utm & ((zone < 1) | (zone > 60)), _ZONE_RANGE, zone)
    # no zone and not a polar band: the zone is missing
    rej(~utm & (cls[:, 0] == 2) & ~_IS_UPS_BAND[m[:, 0]], _NO_ZONE, m[:, 0].astype(np.int32))
    rej(~three, _SHORT)
    for letter in (band, col, row):
        rej(_IS_UNUSED[letter], _UNUSED, letter.astype(np.int32))
    rej(utm & _IS_UPS_BAND[band], _POLAR_ZONE, band.astype(np.int32), zone)
    rej(utm & ~_COL_OK[zone % 3, col], _COL, col.astype(np.int32), zone)
    rej(~utm & ~_UPS_COL_OK[band, col], _COL_UPS, col.astype(np.int32), band.astype(np.int32))
    rej(utm & ~_ROW_OK_UTM[row], _ROW, row.astype(np.int32))
    rej(~utm & ~_UPS_ROW_OK[band, row], _ROW_UPS, row.astype(np.int32), band.astype(np.int32))
    svalbard = utm & (band == ord("X")) & ((zone == 32) | (zone == 34) | (zone == 36))
    rej(svalbard, _SVALBARD, zone)

    s0 = off + 3
    ndig = _row_count(isdig) - zl
    trailing = length != s0 + ndig  # something other than digits after the square letters
    if (trailing & (code == _OK)).any():
        t = np.flatnonzero(trailing & (code == _OK))
        pos = np.arange(width)[None, :]
        first = np.argmax(~isdig[t] & (pos >= s0[t, None]), axis=1)
        what = np.zeros(n, dtype=np.int32)
        what[t] = m[t, first]
        rej(trailing, _TRAILING, what)
    rej(ndig > 10, _TOO_MANY, ndig)
    rej((ndig % 2) == 1, _ODD, ndig)
    rej(length > 15, _TOO_LONG, length)  # pragma: no cover - one of the above fires first

    p = np.clip(ndig // 2, 0, 5)
    east = np.zeros(n, dtype=np.int32)
    north = np.zeros(n, dtype=np.int32)
    for k, weight in enumerate(_POW10):
        use = k < p
        de = m[r, np.minimum(s0 + k, last)].astype(np.int32) - 48
        dn = m[r, np.minimum(s0 + p + k, last)].astype(np.int32) - 48
        east += np.where(use, de * weight, 0)
        north += np.where(use, dn * weight, 0)
    return {
        "code": code,
        "d1": d1,
        "d2": d2,
        "zone": np.where(utm, zone, 0).astype(np.int16),
        "band": band,
        "col": col,
        "row": row,
        "digits": p.astype(np.int8),
        "east": east,
        "north": north,
        "offset": off.astype(np.int8),
    }


def _split_check(orig: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For strings with whitespace: digits must be one run or two runs of equal length.

    Returns (code, d1, d2) arrays; code is ``_SPLIT`` or ``_OK``.
    """
    width = 32
    up = pc.ascii_upper(pc.utf8_trim_whitespace(orig))
    m, length = _fixed_rows(up, width)
    n = len(m)
    code = np.zeros(n, dtype=np.uint8)
    d1 = np.zeros(n, dtype=np.int32)
    d2 = np.zeros(n, dtype=np.int32)
    if n == 0:
        return code, d1, d2
    pos = np.arange(width)[None, :]
    cls = _CLASS[m]
    isdig = cls == 1
    islet = cls == 2
    run_start = isdig.copy()
    run_start[:, 1:] &= ~isdig[:, :-1]
    has_letter = islet.any(axis=1)
    first_letter = np.where(has_letter, np.argmax(islet, axis=1), width)
    last_letter = np.where(has_letter, width - 1 - np.argmax(islet[:, ::-1], axis=1), -1)
    zone_runs = (run_start & (pos < first_letter[:, None])).sum(axis=1)
    starts = run_start & (pos > last_letter[:, None])
    runs = starts.sum(axis=1)
    a = np.argmax(starts, axis=1)
    b = np.argmax(~isdig & (pos > a[:, None]), axis=1)  # end of the first run (padding ends it)
    len1 = b - a
    len2 = (isdig & (pos > last_letter[:, None])).sum(axis=1) - len1
    checks = (
        (length >= width, -3, 0),
        (zone_runs > 1, -2, 0),
        (runs > 2, -1, 0),
        ((runs == 2) & (len1 != len2), len1, len2),
    )
    for mask, x, y in checks:
        sel = mask & (code == _OK)
        code[sel] = _SPLIT
        d1[sel] = x[sel] if isinstance(x, np.ndarray) else x
        d2[sel] = y[sel] if isinstance(y, np.ndarray) else y
    return code, d1, d2


_USUAL_SPACING = (
    r"^\s*\d{0,2}\s*[A-Za-z]\s*[A-Za-z]\s*[A-Za-z]\s*"
    r"(?:\d*|\d\s+\d|\d{2}\s+\d{2}|\d{3}\s+\d{3}|\d{4}\s+\d{4}|\d{5}\s+\d{5})\s*$"
)


def _store(out: _Lexed, where: Any, fields: dict[str, np.ndarray]) -> None:
    for name, values in fields.items():
        getattr(out, name)[where] = values


def _lex(refs: Any) -> tuple[_Lexed, Any]:
    arr, index, notstr = _as_arrow(refs)
    n = len(arr)
    out = _Lexed(n)
    missing = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    arr = pc.fill_null(arr, "")
    is_ascii = np.asarray(pc.string_is_ascii(arr).to_numpy(zero_copy_only=False), dtype=bool)
    # non-ASCII rows become a marker byte (a bad character; the reason says non-ASCII)
    if not is_ascii.all():
        arr = pc.if_else(pa.array(is_ascii), arr, "\x7f")
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8) if n else np.zeros(0, np.uint8)
    if (data == 0).any():  # NUL is our padding: mark it as a bad character
        arr = pc.replace_substring(arr, "\x00", "\x7f")
    if ((data >= 9) & (data <= 13)).any():
        clean = pc.replace_substring_regex(arr, r"[\s\x0b]+", "")
    else:
        clean = pc.replace_substring(arr, " ", "")
    clean = pc.ascii_upper(clean)
    rows, length = _fixed_rows(clean, _W)
    out.rows = rows
    for start in range(0, n, _BLOCK):
        sl = slice(start, min(n, start + _BLOCK))
        _store(out, sl, _lex_rows(rows[sl], length[sl]))
    # longer rows (invalid, but say why): again with room to see the trailing characters
    long_rows = np.flatnonzero(length >= _W)
    if long_rows.size:
        wide, wlen = _fixed_rows(clean.take(pa.array(long_rows)), 2 * _W)
        _store(out, long_rows, _lex_rows(wide, wlen))
    # rows that held whitespace: check how the digits were split
    orig_len = np.asarray(pc.binary_length(arr).to_numpy(zero_copy_only=False), dtype=np.int64)
    spaced = np.flatnonzero((orig_len != length) & (out.code == _OK))
    if spaced.size:  # the usual spaced forms pass a quick pattern; only the rest get looked at
        usual = pc.match_substring_regex(arr.take(pa.array(spaced)), _USUAL_SPACING)
        spaced = spaced[~np.asarray(usual.to_numpy(zero_copy_only=False), dtype=bool)]
    if spaced.size:
        code, d1, d2 = _split_check(arr.take(pa.array(spaced)))
        hit = code != _OK
        out.code[spaced[hit]] = code[hit]
        out.d1[spaced[hit]] = d1[hit]
        out.d2[spaced[hit]] = d2[hit]
    out.code[~is_ascii] = _BAD_CHAR
    out.d1[~is_ascii] = 128
    out.code[missing] = _MISSING
    out.code[notstr] = _NOT_STRING
    return out, index


# =========================================================================================
# projection (PROJ) and the 100 km squares (GEOTRANS)
# =========================================================================================

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


@functools.lru_cache(maxsize=16)
def _transformer(name: str) -> Any:
    # pyproj keeps one PROJ object per thread inside a Transformer: safe to share.
    from pyproj import Transformer

    return Transformer.from_pipeline(_PIPELINES[name])


def _proj(name: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run a cached PROJ pipeline over arrays."""
    if x.size == 0:
        return np.zeros(0), np.zeros(0)
    a, b = _transformer(name).transform(x, y)
    return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)


def _wrap(lon: np.ndarray) -> np.ndarray:
    """Longitudes into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


_MGRS_ERR = re.compile(r"row (\d+): (.*)")


def _geotrans_decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode S15 references with ``toLatLonArray``; a row GEOTRANS rejects gets NaN.

    Returns (lat, lon, message index into _GEOTRANS_MESSAGES or -1).
    """
    import mgrs

    engine = mgrs.MGRS()
    n = len(codes)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    err = np.full(n, -1, dtype=np.int32)
    start = 0
    while start < n:
        chunk = np.ascontiguousarray(codes[start:], dtype="S15")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # latitude warnings: the band check is ours
                out = np.frombuffer(engine.toLatLonArray(chunk.tobytes()), dtype=np.float64)
        except mgrs.core.MGRSError as exc:
            found = _MGRS_ERR.search(str(exc))
            if not found:  # pragma: no cover - unknown message shape
                raise
            k = int(found.group(1))
            if k:
                out = np.frombuffer(
                    engine.toLatLonArray(chunk[:k].tobytes()), dtype=np.float64
                ).reshape(-1, 2)
                lat[start : start + k] = out[:, 0]
                lon[start : start + k] = out[:, 1]
            err[start + k] = _geotrans_message(found.group(2))
            start += k + 1
            continue
        out = out.reshape(-1, 2)
        lat[start:] = out[:, 0]
        lon[start:] = out[:, 1]
        break
    return lat, lon, err


_GEOTRANS_MESSAGES: list[str] = []
_MESSAGE_LOCK = threading.Lock()


def _geotrans_message(text: str) -> int:
    with _MESSAGE_LOCK:
        if text not in _GEOTRANS_MESSAGES:
            _GEOTRANS_MESSAGES.append(text)
        return _GEOTRANS_MESSAGES.index(text)


def _square_origins(zone: np.ndarray, band: np.ndarray, col: np.ndarray, row: np.ndarray) -> Any:
    """Origin (easting, northing) of each distinct 100 km square, through GEOTRANS.

    Returns (inverse index per reference, origin easting, origin northing, GEOTRANS
    error per square). Northings are signed (negative south of the equator) so one
    Transverse Mercator pipeline serves both hemispheres.
    """
    key = ((zone.astype(np.int64) * 32 + (band - 64)) * 32 + (col - 64)) * 32 + (row - 64)
    present = np.zeros(61 * 32**3, dtype=bool)
    present[key] = True
    uniq = np.flatnonzero(present)
    lut = np.empty(present.size, dtype=np.int32)  # read only where present
    lut[uniq] = np.arange(uniq.size, dtype=np.int32)
    inverse = lut[key]
    uz = uniq // 32**3
    ub = (uniq // 32**2) % 32 + 64
    uc = (uniq // 32) % 32 + 64
    ur = uniq % 32 + 64
    strings = np.zeros((uniq.size, 15), dtype=np.uint8)
    utm = uz > 0
    strings[:, 0] = np.where(utm, uz // 10 + 48, ub)
    strings[:, 1] = np.where(utm, uz % 10 + 48, uc)
    strings[:, 2] = np.where(utm, ub, ur)
    strings[:, 3] = np.where(utm, uc, 0)
    strings[:, 4] = np.where(utm, ur, 0)
    lat, lon, err = _geotrans_decode(strings.view("S15").ravel())
    e0 = np.full(uniq.size, np.nan)
    n0 = np.full(uniq.size, np.nan)
    ok = err < 0
    sel = ok & utm
    cm = 6.0 * uz - 183.0
    x, y = _proj("utm_fwd", _wrap(lon[sel] - cm[sel]), lat[sel])
    e0[sel], n0[sel] = x, y
    for name, letters in (("upsn_fwd", (ord("Y"), ord("Z"))), ("upss_fwd", (ord("A"), ord("B")))):
        sel = ok & ~utm & np.isin(ub, letters)
        x, y = _proj(name, lon[sel], lat[sel])
        e0[sel], n0[sel] = x, y
    # GEOTRANS returns the centre of the square (origin + 50 km): floor gives the origin
    e0 = np.floor(e0 / 100_000.0) * 100_000.0
    n0 = np.floor(n0 / 100_000.0) * 100_000.0
    return inverse, e0, n0, err


def _inverse(
    zone: np.ndarray, band: np.ndarray, east: np.ndarray, north: np.ndarray, wrap: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """UTM/UPS metres (signed northing for UTM) -> (lat, lon), one PROJ call per projection."""
    lat = np.full(east.shape, np.nan)
    lon = np.full(east.shape, np.nan)
    utm = zone > 0
    if utm.any():
        x, y = _proj("utm_inv", east[utm], north[utm])
        full = x + np.broadcast_to(6.0 * zone - 183.0, east.shape)[utm]
        lon[utm] = _wrap(full) if wrap else full
        lat[utm] = y
    for name, letters in (("upsn_inv", (ord("Y"), ord("Z"))), ("upss_inv", (ord("A"), ord("B")))):
        sel = ~utm & np.isin(band, letters)
        if sel.any():
            x, y = _proj(name, east[sel], north[sel])
            lon[sel], lat[sel] = x, y
    return lat, lon


class _Decoded:
    """Everything ``to_latlon``/``parse``/``cells`` need for a batch of references."""

    def __init__(self, refs: Any, anchor: str) -> None:
        if anchor not in _ANCHORS:
            raise ValueError(f"anchor must be 'center' or 'sw', not {anchor!r}")
        lx, self.index = _lex(refs)
        self.lx = lx
        n = lx.code.size
        self.n = n
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)
        # the lexically valid references, and their cells' SW corners in grid metres
        idx = np.flatnonzero(lx.code == _OK)
        self.idx = idx
        self.size_m = _CELL_M[lx.digits[idx]].astype(np.float64)
        self.e = np.zeros(idx.size)
        self.nn = np.zeros(idx.size)
        if idx.size:
            zone, band = lx.zone[idx], lx.band[idx]
            inv, e0, n0, err = _square_origins(zone, band, lx.col[idx], lx.row[idx])
            geo_bad = err[inv] >= 0
            if geo_bad.any():
                lx.code[idx[geo_bad]] = _GEOTRANS
                lx.d1[idx[geo_bad]] = err[inv][geo_bad]
                e0, n0 = np.nan_to_num(e0), np.nan_to_num(n0)
            self.e = e0[inv] + lx.east[idx]
            self.nn = n0[inv] + lx.north[idx]
            half = 0.5 * self.size_m if anchor == "center" else 0.0
            lat, lon = _inverse(zone, band, self.e + half, self.nn + half)
            self.lat[idx], self.lon[idx] = lat, lon
            self._check_bands(lat)
        self.valid = lx.code == _OK
        self.lat[~self.valid] = np.nan
        self.lon[~self.valid] = np.nan

    def _check_bands(self, lat: np.ndarray) -> None:
        """Reject UTM references whose cell does not touch the latitude band of their letter."""
        lx = self.lx
        band = lx.band[self.idx]
        s = self.size_m
        # every point of a cell is within s*sqrt(2)/k0 metres of `lat`; 110,574 m per degree
        # is the shortest degree of latitude. UPS bands have no latitude range (NaN: unsure).
        reach = s * np.sqrt(2.0) / (0.9996 * 110_574.0) + 1e-9
        sure_in = (lat - reach >= _BAND_LO[band]) & (lat + reach <= _BAND_HI[band])
        j = np.flatnonzero(~sure_in & (lx.zone[self.idx] > 0))
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
        lats, _ = _inverse(np.tile(lx.zone[k], 4), np.tile(lx.band[k], 4), xs, ys)
        lats = lats.reshape(4, -1)
        cell_lo = np.min(lats[:2], axis=0)
        cell_hi = np.max(lats[2:], axis=0)
        b = lx.band[k]
        eps = 1e-8  # about 1 mm: GEOTRANS rounds up points within 0.5 mm of a grid line
        miss = (cell_hi < _BAND_LO[b] - eps) | (cell_lo > _BAND_HI[b] + eps)
        miss &= lx.code[k] == _OK
        if miss.any():
            where = k[miss]
            mid = 0.5 * (cell_lo[miss] + cell_hi[miss])
            lx.code[where] = _BAND
            lx.d1[where] = lx.band[where]
            lx.d2[where] = _band_letter(mid)

    def reasons(self) -> np.ndarray:
        """Object array of reasons ('' where valid)."""
        out = np.full(self.n, "", dtype=object)
        bad = np.flatnonzero(self.lx.code != _OK)
        if bad.size:
            triples = np.stack(
                [self.lx.code[bad].astype(np.int64), self.lx.d1[bad], self.lx.d2[bad]], axis=1
            )
            uniq, inv = np.unique(triples, axis=0, return_inverse=True)
            texts = np.array([_reason(int(c), int(a), int(b)) for c, a, b in uniq], dtype=object)
            out[bad] = texts[inv.ravel()]
        return out

    def canonical(self) -> np.ndarray:
        """Object array of canonical strings (None where invalid)."""
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
        out[idx] = canon.astype(np.uint32).view("U15").ravel().astype(object)
        return out


def _band_letter(lat: np.ndarray) -> np.ndarray:
    """UTM band letter byte of each latitude (0 outside the UTM bands)."""
    i = np.floor((lat + 80.0) / 8.0)
    i = np.where((lat >= 72.0) & (lat <= 84.0), 19, i)
    ok = (lat >= -80.0) & (lat <= 84.0)
    return np.where(ok, _BAND_LETTERS[np.clip(i, 0, 19).astype(np.int64)], 0).astype(np.int32)


def _q(byte: int) -> str:
    return repr(chr(byte)) if 32 < byte < 127 else f"0x{byte:02x}"


def _reason(code: int, a: int, b: int) -> str:
    """The text of one rejection reason."""
    if code == _MISSING:
        return "missing value"
    if code == _NOT_STRING:
        return "not a string"
    if code == _EMPTY:
        return "empty reference"
    if code == _TOO_LONG:
        return f"too long: {a} characters besides spaces (at most 15)"
    if code == _BAD_CHAR:
        if a >= 128:
            return "non-ASCII character"
        if a < 32 or a == 127:
            return "control character"
        return f"invalid character {_q(a)}"
    if code == _SPLIT:
        if a == -2:
            return "whitespace inside the zone number"
        if a == -1:
            return "digits split into more than two groups"
        if a == -3:
            return "too long (with its whitespace)"
        return f"easting and northing have different lengths ({a} and {b} digits)"
    if code == _ZONE_DIGITS:
        return f"zone has {a} digits (three-digit zone); expected 1 or 2"
    if code == _ZONE_RANGE:
        return f"zone {a} is outside 1-60"
    if code == _NO_ZONE:
        return f"missing zone number before band {_q(a)}"
    if code == _SHORT:
        return "expected a band letter and two 100 km square letters"
    if code == _UNUSED:
        return f"letter {_q(a)} is not used in MGRS (I and O are skipped)"
    if code == _POLAR_ZONE:
        return f"band {_q(a)} is a polar (UPS) band and takes no zone (got zone {b})"
    if code == _COL:
        letters = _COLS_BY_SET[b % 3].replace("O", "")
        return f"column letter {_q(a)} is not used in zone {b} ({letters[0]}-{letters[-1]})"
    if code == _COL_UPS:
        return f"column letter {_q(a)} is not used in polar band {chr(b)} ({_UPS[chr(b)][0]})"
    if code == _ROW:
        return f"row letter {_q(a)} is beyond V"
    if code == _ROW_UPS:
        return f"row letter {_q(a)} is beyond {_UPS[chr(b)][1]} in polar band {chr(b)}"
    if code == _SVALBARD:
        return f"zone {a}X does not exist (Svalbard: only 31X, 33X, 35X, 37X)"
    if code == _TRAILING:
        return f"trailing characters after the digits (from {_q(a)})"
    if code == _ODD:
        return f"odd number of digits ({a}): easting and northing need the same count"
    if code == _TOO_MANY:
        return f"too many digits ({a}); at most 10 (1 m)"
    if code == _GEOTRANS:
        return f"rejected by GEOTRANS: {_GEOTRANS_MESSAGES[a]}"
    if code == _BAND:
        where = f"band {chr(b)}" if b else "outside the UTM bands"
        return (
            f"band letter {chr(a)} does not match where the reference decodes ({where}): "
            "wrong band or old (AL) lettering"
        )
    return f"invalid reference (code {code})"  # pragma: no cover


# =========================================================================================
# public API
# =========================================================================================


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
    d = _Decoded(refs, anchor)
    return d.lat, d.lon


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
        ``canonical`` (upper case, 2-digit zone, no spaces; None when invalid),
        ``zone`` (Int64, missing for UPS), ``band``, ``square``, ``precision_m``
        (cell size in metres, float64), ``lat``, ``lon`` and ``error`` ('' when
        valid, else the reason).

    Examples
    --------
    >>> df = parse(["4qfj 12345 67890", "38TLF1234567890", "38SLF12I"])
    >>> df["canonical"].tolist(), df["square"].tolist()
    (['04QFJ1234567890', None, None], ['FJ', None, None])
    >>> df["zone"].tolist(), df["precision_m"].tolist()
    ([4, <NA>, <NA>], [1.0, nan, nan])
    >>> df["error"].tolist()[1][:60]
    'band letter T does not match where the reference decodes (ba'
    >>> df["error"].tolist()[2]
    "trailing characters after the digits (from 'I')"
    """
    d = _Decoded(refs, anchor)
    lx = d.lx
    v = d.valid
    zone = pd.array(np.where(v & (lx.zone > 0), lx.zone, 0), dtype="Int64")
    zone[~(v & (lx.zone > 0))] = pd.NA
    band = np.full(d.n, None, dtype=object)
    band[v] = _CHARS[lx.band[v]]
    sq = np.full(d.n, None, dtype=object)
    sq[v] = _PAIRS[(lx.col[v].astype(np.int64) - 65) * 26 + lx.row[v] - 65]
    frame = pd.DataFrame(
        {
            "canonical": pd.Series(d.canonical(), dtype=object),
            "zone": zone,
            "band": pd.Series(band, dtype=object),
            "square": pd.Series(sq, dtype=object),
            "precision_m": np.where(v, _CELL_M[lx.digits], np.nan),
            "lat": d.lat,
            "lon": d.lon,
            "error": pd.Series(d.reasons(), dtype=object),
        }
    )
    if d.index is not None:
        frame.index = d.index
    return frame


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
        raise ValueError(f"precision must be 0 (100 km) to 5 (1 m), not {precision}")
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
    for start in range(0, m, _BLOCK):
        block = pts[start : start + _BLOCK]
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
    d = _Decoded([ref], anchor)
    if strict and not d.valid[0]:
        raise GridRefError(ref, d.reasons()[0])
    return float(d.lat[0]), float(d.lon[0])


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

    d = _Decoded(refs, "sw")
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
        s = _CELL_M[digits]
        xs = d.e[j, None] + s * u[None, :]
        ys = d.nn[j, None] + s * v[None, :]
        npt = u.size
        zone = np.repeat(lx.zone[idx], npt)
        band = np.repeat(lx.band[idx], npt)
        lat, lon = _inverse(zone, band, xs.ravel(), ys.ravel(), wrap=False)
        lat = lat.reshape(-1, npt)
        lon = lon.reshape(-1, npt)
        lat, lon = _fix_poles(lat, lon)
        lon = np.unwrap(lon, period=360.0, axis=1)
        lon -= lon[:, :1] - _wrap(lon[:, :1])
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


# =========================================================================================
# the pandas accessor
# =========================================================================================


@pd.api.extensions.register_series_accessor("mgrs")
class MgrsAccessor:
    """``Series.mgrs``: MGRS references in a pandas Series.

    Examples
    --------
    >>> s = pd.Series(["38SLF2939918898", "nope"], index=["a", "b"])
    >>> s.mgrs.parse()["precision_m"].tolist()
    [1.0, nan]
    >>> round(s.mgrs.to_points(anchor="sw").iloc[0].y, 5)
    36.29999
    """

    def __init__(self, series: pd.Series) -> None:
        self._s = series

    def parse(self, anchor: str = "center") -> pd.DataFrame:
        """:func:`parse` on the Series (same index)."""
        return parse(self._s, anchor=anchor)

    def to_points(self, anchor: str = "center") -> Any:
        """Points (GeoSeries, EPSG:4326, same index); None where a reference is invalid."""
        import geopandas as gpd
        import shapely

        lat, lon = to_latlon(self._s, anchor=anchor)
        pts = shapely.points(lon, lat)
        pts[np.isnan(lat)] = None
        return gpd.GeoSeries(pts, index=self._s.index, crs=CRS)

    def cells(self) -> Any:
        """:func:`cells` on the Series (same index)."""
        return cells(self._s)
