"""Why a reference was rejected: one code per reason, and its text.

The byte-level pass records a code and two integer details per reference; the text
is built once per distinct (code, detail, detail) triple.

Examples
--------
>>> reason(ODD, 3, 0)
'odd number of digits (3): easting and northing need the same count'
"""

from __future__ import annotations

import threading

from geoconflict.grid.letters import COLS_BY_SET, UPS

OK = 0
MISSING = 1
NOT_STRING = 2
EMPTY = 3
TOO_LONG = 4
BAD_CHAR = 5
SPLIT = 6
ZONE_DIGITS = 7
ZONE_RANGE = 8
NO_ZONE = 9
SHORT = 10
UNUSED = 11
POLAR_ZONE = 12
COL = 13
COL_UPS = 14
ROW = 15
ROW_UPS = 16
SVALBARD = 17
TRAILING = 18
ODD = 19
TOO_MANY = 20
GEOTRANS = 21
BAND = 22

#: messages GEOTRANS gave (code GEOTRANS carries the index into this list)
GEOTRANS_MESSAGES: list[str] = []
_MESSAGE_LOCK = threading.Lock()


def geotrans_message(text: str) -> int:
    """Index of a GEOTRANS error message in :data:`GEOTRANS_MESSAGES` (added once)."""
    with _MESSAGE_LOCK:
        if text not in GEOTRANS_MESSAGES:
            GEOTRANS_MESSAGES.append(text)
        return GEOTRANS_MESSAGES.index(text)


def pack_square(zone: int, col: int, row: int) -> int:
    """Zone and square letter bytes in one detail integer (for the BAND reason)."""
    return (zone << 16) | (col << 8) | row


def quoted(byte: int) -> str:
    """A byte as it appears in a reason: the quoted character, or its hex code."""
    return repr(chr(byte)) if 32 < byte < 127 else f"0x{byte:02x}"


def _split_reason(a: int, b: int) -> str:
    if a == -2:
        return "whitespace inside the zone number"
    if a == -1:
        return "digits split into more than two groups"
    if a == -3:
        return "too long (with its whitespace)"
    return f"easting and northing have different lengths ({a} and {b} digits)"


def _char_reason(a: int) -> str:
    if a >= 128:
        return "non-ASCII character"
    if a < 32 or a == 127:
        return "control character"
    return f"invalid character {quoted(a)}"


def _band_reason(band: int, packed: int) -> str:
    zone, col, row = packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF
    return (
        f"band letter {chr(band)} does not match the 100 km square {chr(col)}{chr(row)}: "
        f"in zone {zone} that square's row lies outside band {chr(band)} "
        "(wrong band or old (AL) lettering)"
    )


def reason(code: int, a: int, b: int) -> str:
    """The text of one rejection reason.

    Parameters
    ----------
    code : int
        One of the codes of this module.
    a, b : int
        Its details (a letter byte, a count, a zone …).

    Returns
    -------
    str

    Examples
    --------
    >>> reason(ZONE_RANGE, 61, 0)
    'zone 61 is outside 1-60'
    """
    simple = {
        MISSING: "missing value",
        NOT_STRING: "not a string",
        EMPTY: "empty reference",
        SHORT: "expected a band letter and two 100 km square letters",
    }
    if code in simple:
        return simple[code]
    if code == TOO_LONG:
        return f"too long: {a} characters besides spaces (at most 15)"
    if code == BAD_CHAR:
        return _char_reason(a)
    if code == SPLIT:
        return _split_reason(a, b)
    if code == ZONE_DIGITS:
        return f"zone has {a} digits (three-digit zone); expected 1 or 2"
    if code == ZONE_RANGE:
        return f"zone {a} is outside 1-60"
    if code == NO_ZONE:
        return f"missing zone number before band {quoted(a)}"
    if code == UNUSED:
        return f"letter {quoted(a)} is not used in MGRS (I and O are skipped)"
    if code == POLAR_ZONE:
        return f"band {quoted(a)} is a polar (UPS) band and takes no zone (got zone {b})"
    if code == COL:
        letters = COLS_BY_SET[b % 3]
        return f"column letter {quoted(a)} is not used in zone {b} ({letters[0]}-{letters[-1]})"
    if code == COL_UPS:
        return f"column letter {quoted(a)} is not used in polar band {chr(b)} ({UPS[chr(b)][0]})"
    if code == ROW:
        return f"row letter {quoted(a)} is beyond V"
    if code == ROW_UPS:
        return f"row letter {quoted(a)} is beyond {UPS[chr(b)][1]} in polar band {chr(b)}"
    if code == SVALBARD:
        return f"zone {a}X does not exist (Svalbard: only 31X, 33X, 35X, 37X)"
    if code == TRAILING:
        return f"trailing characters after the digits (from {quoted(a)})"
    if code == ODD:
        return f"odd number of digits ({a}): easting and northing need the same count"
    if code == TOO_MANY:
        return f"too many digits ({a}); at most 10 (1 m)"
    if code == GEOTRANS:
        return f"rejected by GEOTRANS: {GEOTRANS_MESSAGES[a]}"
    if code == BAND:
        return _band_reason(a, b)
    return f"invalid reference (code {code})"  # pragma: no cover
