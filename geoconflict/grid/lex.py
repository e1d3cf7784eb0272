"""Reading references: cleaned fixed-width byte rows, then one byte-level pass.

Lenient on form (any case, spaces between groups, 1-digit zones, mixed precisions):
the strings are cleaned and cut into fixed-width byte rows (:mod:`~geoconflict.grid.texts`:
Python strings for a few references, Arrow for many), and every field (zone,
letters, digits) is classified and decoded with vectorised numpy, eight bytes at a
time where it can. What does not fit the MGRS letter tables gets a reason code
(:mod:`geoconflict.grid.reasons`); where the reference decodes is checked later.
This module needs numpy only.

Examples
--------
>>> lx, index = lex(["38SLF2939918898", "38slf 12 34", "38SLF123"])
>>> lx.code.tolist(), lx.digits.tolist(), lx.east.tolist()[:2]
([0, 0, 19], [5, 2, 1], [29399, 12000])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoconflict.grid.letters import (
    COL_OK,
    IS_UNUSED,
    IS_UPS_BAND,
    ROW_OK_UTM,
    UPS_COL_OK,
    UPS_ROW_OK,
)
from geoconflict.grid.reasons import (
    BAD_CHAR,
    COL,
    COL_UPS,
    EMPTY,
    MISSING,
    NO_ZONE,
    NOT_STRING,
    ODD,
    OK,
    POLAR_ZONE,
    ROW,
    ROW_UPS,
    SHORT,
    SPLIT,
    SVALBARD,
    TOO_LONG,
    TOO_MANY,
    TRAILING,
    UNUSED,
    ZONE_DIGITS,
    ZONE_RANGE,
)
from geoconflict.grid.texts import texts

#: Width of the byte rows references are normalised into (a valid one needs 15).
WIDTH = 16
#: Rows handled per block in the byte-level passes (keeps temporaries small).
BLOCK = 1 << 16
#: Width of the rows whose whitespace is looked at (how the digits were split).
SPLIT_WIDTH = 32


class Lexed:
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
        sel = mask & (code == OK)
        if sel.any():
            code[sel] = c
            d1[sel] = a[sel] if isinstance(a, np.ndarray) else a
            d2[sel] = b[sel] if isinstance(b, np.ndarray) else b

    rej(length == 0, EMPTY)
    rej(length >= width, TOO_LONG, length)
    bad = cls == 3
    has_bad = _row_any(bad)
    if has_bad.any():
        first_bad = np.zeros(n, dtype=np.int64)
        first_bad[has_bad] = np.argmax(bad[has_bad], axis=1)
        rej(has_bad, BAD_CHAR, m[r, first_bad].astype(np.int32))

    zl = np.argmin(isdig, axis=1)  # leading digits; a row shorter than width ends in padding
    rej(zl >= 3, ZONE_DIGITS, zl)
    off = np.minimum(zl, 2)
    last = width - 1
    i0, i1, i2 = off, np.minimum(off + 1, last), np.minimum(off + 2, last)
    band, col, row = m[r, i0], m[r, i1], m[r, i2]
    three = (cls[r, i0] == 2) & (cls[r, i1] == 2) & (cls[r, i2] == 2)
    d0 = m[:, 0].astype(np.int16) - 48
    dd1 = m[:, 1].astype(np.int16) - 48
    zone = np.where(off == 2, d0 * 10 + dd1, np.where(off == 1, d0, 0)).astype(np.int16)
    utm = off > 0
    rej(utm & ((zone < 1) | (zone > 60)), ZONE_RANGE, zone)
    # no zone and not a polar band: the zone is missing
    rej(~utm & (cls[:, 0] == 2) & ~IS_UPS_BAND[m[:, 0]], NO_ZONE, m[:, 0].astype(np.int32))
    rej(~three, SHORT)
    for letter in (band, col, row):
        rej(IS_UNUSED[letter], UNUSED, letter.astype(np.int32))
    rej(utm & IS_UPS_BAND[band], POLAR_ZONE, band.astype(np.int32), zone)
    rej(utm & ~COL_OK[zone % 3, col], COL, col.astype(np.int32), zone)
    rej(~utm & ~UPS_COL_OK[band, col], COL_UPS, col.astype(np.int32), band.astype(np.int32))
    rej(utm & ~ROW_OK_UTM[row], ROW, row.astype(np.int32))
    rej(~utm & ~UPS_ROW_OK[band, row], ROW_UPS, row.astype(np.int32), band.astype(np.int32))
    svalbard = utm & (band == ord("X")) & ((zone == 32) | (zone == 34) | (zone == 36))
    rej(svalbard, SVALBARD, zone)

    s0 = off + 3
    ndig = _row_count(isdig) - zl
    trailing = length != s0 + ndig  # something other than digits after the square letters
    if (trailing & (code == OK)).any():
        t = np.flatnonzero(trailing & (code == OK))
        pos = np.arange(width)[None, :]
        first = np.argmax(~isdig[t] & (pos >= s0[t, None]), axis=1)
        what = np.zeros(n, dtype=np.int32)
        what[t] = m[t, first]
        rej(trailing, TRAILING, what)
    rej(ndig > 10, TOO_MANY, ndig)
    rej((ndig % 2) == 1, ODD, ndig)
    rej(length > 15, TOO_LONG, length)  # pragma: no cover - one of the above fires first

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


def _split_check(m: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For strings with whitespace: digits must be one run or two runs of equal length.

    ``m`` holds the strings trimmed, upper case, in fixed-width rows; ``length`` their
    lengths. Returns (code, d1, d2) arrays; code is ``SPLIT`` or ``OK``.
    """
    n, width = m.shape
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
        sel = mask & (code == OK)
        code[sel] = SPLIT
        d1[sel] = x[sel] if isinstance(x, np.ndarray) else x
        d2[sel] = y[sel] if isinstance(y, np.ndarray) else y
    return code, d1, d2


def _store(out: Lexed, where: Any, fields: dict[str, np.ndarray]) -> None:
    for name, values in fields.items():
        getattr(out, name)[where] = values


def lex(refs: Any) -> tuple[Lexed, Any]:
    """Lex a batch of references: their fields and reason codes, and a Series' index.

    Rows are handled in blocks of :data:`BLOCK`; rows too long for :data:`WIDTH` are
    lexed again wider, to say what trails; rows with whitespace inside get their digit
    groups checked (one run, or two runs of equal length).
    """
    store, index = texts(refs)
    n = store.n
    out = Lexed(n)
    rows, length = store.cleaned(WIDTH)
    out.rows = rows
    for start in range(0, n, BLOCK):
        sl = slice(start, min(n, start + BLOCK))
        _store(out, sl, _lex_rows(rows[sl], length[sl]))
    # longer rows (invalid, but say why): again with room to see the trailing characters
    long_rows = np.flatnonzero(length >= WIDTH)
    if long_rows.size:
        wide, wlen = store.cleaned(2 * WIDTH, long_rows)
        _store(out, long_rows, _lex_rows(wide, wlen))
    # rows that held whitespace: check how the digits were split
    spaced = np.flatnonzero((store.lengths() != length) & (out.code == OK))
    if spaced.size:  # the usual spaced forms pass a quick pattern; only the rest get looked at
        spaced = spaced[~store.usual(spaced)]
    if spaced.size:
        code, d1, d2 = _split_check(*store.trimmed(spaced, SPLIT_WIDTH))
        hit = code != OK
        out.code[spaced[hit]] = code[hit]
        out.d1[spaced[hit]] = d1[hit]
        out.d2[spaced[hit]] = d2[hit]
    out.code[~store.is_ascii] = BAD_CHAR
    out.d1[~store.is_ascii] = 128
    out.code[store.missing] = MISSING
    out.code[store.notstr] = NOT_STRING
    return out, index
