"""The MGRS letter tables, the latitude bands, and which 100 km row a band letter allows.

The tables are those GEOTRANS and GeographicLib use. :func:`utm_row` is the rule
GeographicLib applies when it reads a reference (``MGRS::UTMRow``): the row letter
repeats every 2,000 km, so the band letter picks which repeat is meant; a band
letter is accepted when the row it picks lies within the band's rows (a little
wider than the band, so a reference lettered with the band next door, close to a
band edge, still reads), and rejected when it does not (a wrong band further off,
or the old AL lettering, whose rows are shifted by 1,000 km).

Examples
--------
>>> import numpy as np
>>> row, ok = utm_row(np.array([32]), np.array([ord("T")]), np.array([ord("N")]),
...                   np.array([ord("K")]))
>>> row.tolist(), ok.tolist()   # 32TNK: row 44 (4,400 km), 28 km south of band T
([44], [True])
"""

from __future__ import annotations

import numpy as np

#: UTM latitude bands, south to north (C is 80S-72S, X is 72N-84N).
BANDS_UTM = "CDEFGHJKLMNPQRSTUVWX"
#: column letters by zone % 3 (zones 1, 4, 7 … use A-H; 2, 5 … J-R; 3, 6 … S-Z).
COLS_BY_SET = {1: "ABCDEFGH", 2: "JKLMNPQR", 0: "STUVWXYZ"}
ROWS_UTM = "ABCDEFGHJKLMNPQRSTUV"
#: UPS: band -> (column letters, highest row letter)
UPS = {
    "A": ("JKLPQRSTUXYZ", "Z"),
    "B": ("ABCFGHJKLPQR", "Z"),
    "Y": ("JKLPQRSTUXYZ", "P"),
    "Z": ("ABCFGHJ", "P"),
}
#: Cell size in metres for 0..5 digits per axis.
CELL_M = np.array([100_000, 10_000, 1_000, 100, 10, 1], dtype=np.int64)
#: Length of the UTM row-letter cycle, in 100 km rows; even zones start it 5 rows on.
ROW_PERIOD = 20
EVEN_ZONE_SHIFT = 5


def table(letters: str) -> np.ndarray:
    """A 256-entry boolean lookup: True at the byte of each of ``letters``."""
    t = np.zeros(256, dtype=bool)
    t[np.frombuffer(letters.encode(), dtype=np.uint8)] = True
    return t


def index_table(letters: str) -> np.ndarray:
    """A 256-entry lookup: the position of each byte in ``letters``, -1 elsewhere."""
    t = np.full(256, -1, dtype=np.int16)
    t[np.frombuffer(letters.encode(), dtype=np.uint8)] = np.arange(len(letters))
    return t


IS_UPS_BAND = table("ABYZ")
IS_UNUSED = table("IO")
COL_OK = np.stack([table(COLS_BY_SET[k]) for k in (0, 1, 2)])  # indexed by zone % 3
ROW_OK_UTM = table(ROWS_UTM)
UPS_COL_OK = np.zeros((256, 256), dtype=bool)  # [band byte, letter byte]
UPS_ROW_OK = np.zeros((256, 256), dtype=bool)
for _b, (_cols, _top) in UPS.items():
    UPS_COL_OK[ord(_b)] = table(_cols)
    UPS_ROW_OK[ord(_b)] = table("".join(c for c in ROWS_UTM + "WXYZ" if c <= _top))
#: position of a column letter in its zone's set, indexed [zone % 3, byte]
COL_INDEX = np.stack([index_table(COLS_BY_SET[k]) for k in (0, 1, 2)])
ROW_INDEX = index_table(ROWS_UTM)
BAND_INDEX = index_table(BANDS_UTM)
#: southern and northern edge of each UTM band in degrees (by letter byte); X spans 72-84.
BAND_LO = np.full(256, np.nan)
BAND_HI = np.full(256, np.nan)
for _i, _c in enumerate(BANDS_UTM):
    BAND_LO[ord(_c)] = -80.0 + 8.0 * _i
    BAND_HI[ord(_c)] = -72.0 + 8.0 * _i
BAND_HI[ord("X")] = 84.0
BAND_LETTERS = np.frombuffer(BANDS_UTM.encode(), dtype=np.uint8)


def band_letter(lat: np.ndarray) -> np.ndarray:
    """UTM band letter byte of each latitude (0 outside 80S-84N, and for NaN).

    Examples
    --------
    >>> [chr(b) for b in band_letter(np.array([36.3, -33.9, 83.0]))]
    ['S', 'H', 'X']
    >>> band_letter(np.array([85.0, np.nan])).tolist()
    [0, 0]
    """
    ok = (lat >= -80.0) & (lat <= 84.0)  # False for NaN, which must not reach the lookup
    i = np.where(ok, np.floor((lat + 80.0) / 8.0), 0.0)
    i = np.where((lat >= 72.0) & (lat <= 84.0), 19, i)
    return np.where(ok, BAND_LETTERS[np.clip(i, 0, 19).astype(np.int64)], 0).astype(np.int32)


def band_rows(iband: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last 100 km row (from the equator, signed) a band's letter allows.

    ``iband`` counts bands from the equator: -10 (C) … -1 (M), 0 (N) … 9 (X). The
    rows are GeographicLib's: the band's middle row estimated at 100 rows per 90°,
    plus or minus about 4.4 rows; bands C and X run to the UPS caps.
    """
    centre = 100.0 * (8.0 * iband + 4.0) / 90.0
    north = (iband >= 0).astype(np.float64)
    lo = np.floor(centre - 4.3 - 0.1 * north).astype(np.int64)
    hi = np.floor(centre + 4.4 - 0.1 * north).astype(np.int64)
    lo = np.where(iband > -10, lo, -90)
    hi = np.where(iband < 9, hi, 94)
    return lo, hi


def utm_row(
    zone: np.ndarray, band: np.ndarray, col: np.ndarray, row: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The 100 km row a UTM reference means, and whether its band letter allows it.

    Parameters
    ----------
    zone : array of int
        UTM zone, 1-60.
    band, col, row : array of uint8
        Band, column and row letter bytes, already checked against the letter sets.

    Returns
    -------
    row : numpy.ndarray of int64
        Signed row from the equator (northing // 100 km; -1 is the row just south).
    ok : numpy.ndarray of bool
        False where the row letter's rows near the band all lie outside it
        (GeographicLib rejects such references: "Block not in zone/band").

    Examples
    --------
    >>> rows, ok = utm_row(np.array([38, 38]), np.array([ord("S"), ord("T")]),
    ...                    np.array([ord("L"), ord("L")]), np.array([ord("F"), ord("F")]))
    >>> rows.tolist(), ok.tolist()   # 38SLF: row 40; 38TLF: far below band T
    ([40, 40], [True, False])
    """
    zone = np.asarray(zone, dtype=np.int64)
    iband = BAND_INDEX[band].astype(np.int64) - 10
    icol = COL_INDEX[zone % 3, col].astype(np.int64)
    letter = ROW_INDEX[row].astype(np.int64)
    letter = np.where(zone % 2 == 0, (letter - EVEN_ZONE_SHIFT) % ROW_PERIOD, letter)
    lo, hi = band_rows(iband)
    base = np.trunc((lo + hi) / 2.0).astype(np.int64) - ROW_PERIOD // 2
    true_row = (letter - base) % ROW_PERIOD + base
    ok = (true_row >= lo) & (true_row <= hi)
    # Where a band edge crosses rows 70/71 (near 64N/S) and 79/80 (near 72N/S) the
    # rows reach further into the neighbouring band towards the zone's edges.
    sband = np.where(iband >= 0, iband, -iband - 1)
    srow = np.where(true_row >= 0, true_row, -true_row - 1)
    scol = np.where(icol < 4, icol, 7 - icol)
    edge = (
        ((srow == 70) & (sband == 8) & (scol >= 2))
        | ((srow == 71) & (sband == 7) & (scol <= 2))
        | ((srow == 79) & (sband == 9) & (scol >= 1))
        | ((srow == 80) & (sband == 8) & (scol <= 1))
    )
    return true_row, ok | edge
