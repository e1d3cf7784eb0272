"""Counts and casualty ranges written as text: "3", "3.0", "13 – 46", "Unknown".

Each parser takes a whole column and returns the values plus a reason per element
(``""`` when fine), for the rejects ledger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from geoconflict.sources.columns import MISSING_TEXT, as_text, on_uniques

MAX_COUNT = 1_000_000_000


def parse_count(
    series: pd.Series, *, missing: Iterable[str] = MISSING_TEXT
) -> tuple[pd.Series, np.ndarray]:
    """Parse a whole, non-negative count ("3", "3.0"); missing words give NA.

    Returns
    -------
    (pandas.Series of Int64, numpy.ndarray of str reasons)

    Examples
    --------
    >>> n, why = parse_count(pd.Series(["3", "", "2.0", "x", "-1", "1.5", "Unknown"]))
    >>> n.tolist()[:3], why.tolist()
    ([3, <NA>, 2], ['', '', '', 'not a number', 'negative count', 'not a whole number', ''])
    """
    missing = list(missing)
    values, reason = on_uniques(series, lambda u: _parse_count(u, missing))
    out = pd.array(np.where(pd.isna(values), 0, values).astype("int64"), dtype="Int64")
    out[pd.isna(values)] = pd.NA
    return pd.Series(out, index=series.index), reason


def _parse_count(text: pd.Series, missing: list[str]) -> tuple[np.ndarray, np.ndarray]:
    text = text.str.strip()
    is_missing = text.str.lower().isin(list(missing)).to_numpy()
    num = pd.to_numeric(text.where(~is_missing, ""), errors="coerce").to_numpy(dtype="float64")
    reason = np.full(len(text), "", dtype=object)
    nan = np.isnan(num)
    reason[nan & ~is_missing] = "not a number"
    finite = ~nan
    with np.errstate(invalid="ignore"):
        reason[finite & (num < 0)] = "negative count"
        reason[finite & (num >= 0) & (num != np.floor(num))] = "not a whole number"
        reason[finite & (num > MAX_COUNT)] = "number too large"
        reason[np.isinf(num)] = "not a number"
    good = finite & (reason == "") & ~np.isinf(num)
    return np.where(good, num, np.nan), reason


_RANGE = re.compile(r"^\s*(\d+)\s*(?:(?:[-–—]|to)\s*(\d+))?\s*\+?\s*$")


def parse_range(series: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Parse casualty ranges written as text: "13 – 46", "13-46", "5", "Unknown" (missing).

    Returns
    -------
    (Int64 Series low, Int64 Series high, reasons)

    Examples
    --------
    >>> text = pd.Series(["13 – 46", "13-46", "5", "Unknown", "", "many", "9-3"])
    >>> lo, hi, why = parse_range(text)
    >>> lo.tolist(), hi.tolist()
    ([13, 13, 5, <NA>, <NA>, <NA>, <NA>], [46, 46, 5, <NA>, <NA>, <NA>, <NA>])
    >>> why.tolist()[5:]
    ['not a number or range', 'low end above high end']
    """
    text = as_text(series)
    is_missing = text.str.strip().str.lower().isin(list(MISSING_TEXT)).to_numpy()
    parts = text.str.extract(_RANGE)
    lo = pd.to_numeric(parts[0], errors="coerce")
    hi = pd.to_numeric(parts[1], errors="coerce").fillna(lo)
    reason = np.full(len(text), "", dtype=object)
    unparsed = lo.isna().to_numpy() & ~is_missing
    reason[unparsed] = "not a number or range"
    inverted = (lo > hi).fillna(False).to_numpy()
    reason[inverted] = "low end above high end"
    huge = (hi > MAX_COUNT).fillna(False).to_numpy()
    reason[huge] = "number too large"
    ok = ~unparsed & ~inverted & ~is_missing & ~huge
    lo_out = lo.where(ok).astype("Int64")
    hi_out = hi.where(ok).astype("Int64")
    lo_out.index = hi_out.index = series.index
    return lo_out, hi_out, reason
