"""Vectorised parsing shared by the readers: text, numbers, dates, coordinates, rejects.

Every helper takes a whole column (a chunk of a file) and returns arrays of the
same length plus, where a value can be bad, a reason per element (``""`` when
the value is fine). Readers turn the reasons into rows of the rejects ledger
through :class:`Problems`; nothing here raises for one bad value.

Written by hand because no library does it: pandas parses one date format per
call, and degrees-minutes-seconds text is not understood by pyproj or pandas.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from geoconflict.events import REJECT_COLUMNS

#: Date forms tried in order (ISO, "31 January 2017", "31-Jan-17", …). Numeric dates with
#: slashes or dots ("03/04/2017", "03.04.2017") are read apart: see :func:`parse_dates`.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d-%B-%Y",
    "%d-%b-%Y",
    "%B %d, %Y",
    "%b. %d, %Y",
    "%b %d, %Y",
    "ISO8601",
)

#: A numeric date with slashes or dots, day and month in either order: "03/04/2017", "3.4.2017".
SLASH_DATE = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")

#: The reason given to a slash/dot date whose order cannot be told (see :func:`parse_dates`).
AMBIGUOUS_DATE = "ambiguous date (day/month order)"

#: The day/month order of slash/dot dates: True day first, False month first, None to
#: infer it, "mixed" for a file known to show both orders (see :func:`date_orders`).
DayFirst: TypeAlias = bool | Literal["mixed"] | None


#: Per thread: where :func:`date_orders` collects what parsed slash dates showed.
_SEEN = threading.local()


@contextlib.contextmanager
def date_orders() -> Iterator[list[tuple[DayFirst, bool]]]:
    """Collect, for the dates parsed in this thread inside the block with an inferred
    order, ``(order, unclear)``: the order their slash/dot dates showed (True day
    first, False month first, "mixed" both, None neither) and whether some date
    read as two different dates ("03/04/2017"), i.e. whether the order mattered.

    A reader checking a file in chunks uses it to learn what each chunk showed.

    Examples
    --------
    >>> with date_orders() as seen:
    ...     _ = parse_dates(pd.Series(["13/01/2017", "02/03/2017"]))
    ...     _ = parse_dates(pd.Series(["2017-01-31"]))
    >>> seen
    [(True, True)]
    """
    seen: list[tuple[DayFirst, bool]] = []
    outer = getattr(_SEEN, "seen", None)
    _SEEN.seen = seen
    try:
        yield seen
    finally:
        _SEEN.seen = outer


def combine_orders(orders: Iterable[DayFirst]) -> DayFirst:
    """The order of a whole file from the orders its parts show (see :func:`date_orders`).

    >>> combine_orders([None, True, True]), combine_orders([None, False, True]), combine_orders([])
    (True, 'mixed', None)
    """
    seen = {o for o in orders if o is not None}
    if "mixed" in seen or (True in seen and False in seen):
        return "mixed"
    return seen.pop() if seen else None


# Text shaped like one of the date forms: a failure there means an impossible date.
_DATE_SHAPE = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}([ T].*)?"
    r"|\d{1,2}[ -][A-Za-z]{3,9}\.?[ -]\d{2,4})\s*$"
)

#: Larger counts (strikes, people killed) are refused as typos.
MAX_COUNT = 1_000_000_000

_NS_MIN = pd.Timestamp.min.ceil("D")
_NS_MAX = pd.Timestamp.max.floor("D")

MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none", "unknown", "?", "-"})


class Problems:
    """Collects the bad values of one chunk, vectorised.

    Parameters
    ----------
    rows : array of int
        The 1-based record number of each row of the chunk.

    Examples
    --------
    >>> p = Problems(np.array([1, 2, 3]))
    >>> bad = np.array([False, True, False])
    >>> p.add(bad, "latitude", pd.Series(["1", "x", "2"]), "not a number")
    >>> p.bad.tolist(), p.frame()["row"].tolist()
    ([False, True, False], [2])
    """

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = np.asarray(rows, dtype="int64")
        self.bad = np.zeros(len(self.rows), dtype=bool)
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: np.ndarray | pd.Series,
        field: str,
        values: Sequence[object] | pd.Series | np.ndarray,
        reasons: str | np.ndarray | pd.Series,
    ) -> None:
        """Record ``reasons`` for the rows where ``mask`` is true."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        vals = _as_object(values)[m]
        why = (
            np.full(int(m.sum()), reasons, dtype=object)
            if isinstance(reasons, str)
            else _as_object(reasons)[m]
        )
        self._parts.append(
            pd.DataFrame(
                {
                    "row": self.rows[m],
                    "field": field,
                    "value": [None if v is None else str(v) for v in vals],
                    "reason": why,
                }
            )
        )
        self.bad |= m

    def add_reasons(
        self, reasons: np.ndarray, field: str, values: Sequence[object] | pd.Series | np.ndarray
    ) -> None:
        """Record every non-empty reason of a reason array."""
        r = np.asarray(reasons, dtype=object)
        self.add(r != "", field, values, r)

    def frame(self) -> pd.DataFrame:
        """The ledger rows collected so far."""
        return rejects_frame(self._parts)


def rejects_frame(parts: Iterable[pd.DataFrame] = ()) -> pd.DataFrame:
    """Concatenate ledger pieces into one ledger sorted by row (stable), typed like the contract."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {
                "row": pd.Series([], dtype="int64"),
                "field": pd.Series([], dtype=object),
                "value": pd.Series([], dtype=object),
                "reason": pd.Series([], dtype=object),
            }
        )
    out = pd.concat(parts, ignore_index=True)[list(REJECT_COLUMNS)]
    out["row"] = out["row"].astype("int64")
    for col in ("field", "value", "reason"):
        out[col] = out[col].astype(object)
    return out.sort_values("row", kind="stable").reset_index(drop=True)


def _as_object(values: Sequence[object] | pd.Series | np.ndarray) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object, na_value=None)
    return np.asarray(values, dtype=object)


def as_text(series: pd.Series) -> pd.Series:
    """A column as strings, missing values as ``""`` (readers work on text).

    Examples
    --------
    >>> as_text(pd.Series([1.5, None, "a"])).tolist()
    ['1.5', '', 'a']
    """
    if isinstance(series.dtype, pd.StringDtype) and null_count(series) == 0:
        return series
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype("str")
    obj = series.astype(object)
    obj = obj.where(obj.notna(), "")
    return obj.astype("str")


def null_count(series: pd.Series) -> int:
    """Missing values in a column (free for Arrow-backed text)."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return int(series.array.__arrow_array__().null_count)
    return int(series.isna().sum())


def text_or_none(series: pd.Series) -> pd.Series:
    """Text kept verbatim as Python strings; an empty value becomes ``None`` (missing).

    In columns with repeats (actors, places, sources) equal values share one
    string object: the distinct values are converted once.

    Examples
    --------
    >>> text_or_none(pd.Series(["a ", "", "b"])).tolist()
    ['a ', None, 'b']
    """
    text = as_text(series)
    sample = text.iloc[:2000]
    if len(sample) and sample.nunique() > 0.5 * len(sample):
        values = text.to_numpy(dtype=object, copy=True)
        values[(text == "").to_numpy()] = None
        return pd.Series(values, index=series.index, dtype=object)
    codes, uniques = pd.factorize(text, sort=False)
    u = np.array(uniques, dtype=object, copy=True)
    u[u == ""] = None
    values = u[codes] if len(codes) else np.empty(0, dtype=object)
    return pd.Series(values, index=series.index, dtype=object)


def frame_from(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """Build a reader's output table; text stays ``object`` (pandas would make it ``str``).

    A plain string becomes a constant column; object arrays stay object.
    """
    n = len(index)
    data: dict[str, Any] = {}
    for name, value in columns.items():
        if value is None or isinstance(value, str):
            data[name] = pd.Series(np.full(n, value, dtype=object), index=index, dtype=object)
        elif isinstance(value, np.ndarray) and value.dtype == object:
            data[name] = pd.Series(value, index=index, dtype=object)
        elif isinstance(value, pd.Series):
            data[name] = value.set_axis(index) if len(value) == n else value
        else:
            data[name] = pd.Series(value, index=index) if np.ndim(value) else value
    # copy=False: no consolidation copy (columns are fresh arrays; copy-on-write protects them).
    return pd.DataFrame(data, index=index, copy=False)


def text_or_na(series: pd.Series) -> pd.Series:
    """Text kept verbatim as a string column; an empty value becomes missing.

    For extra columns, which need not be Python objects.

    Examples
    --------
    >>> text_or_na(pd.Series(["a", ""])).isna().tolist()
    [False, True]
    """
    return series.where(as_text(series) != "")


def blank(series: pd.Series) -> np.ndarray:
    """True where a text value is empty or whitespace only."""
    s = as_text(series)
    return (s.str.strip() == "").to_numpy()


def parse_dates(series: pd.Series, dayfirst: DayFirst = None) -> tuple[np.ndarray, np.ndarray]:
    """Parse dates written in any of :data:`DATE_FORMATS`, or with slashes or dots.

    Each distinct string is parsed once, so a column of millions of rows costs
    about as much as its distinct dates.

    Numeric dates with slashes or dots ("03/04/2017", "03.04.2017") are read in
    one day/month order for the whole column:

    * ``dayfirst=True`` reads them day first, ``False`` month first; a value that
      is no date in that order ("01/13/2017" day first) is an "impossible date".
    * ``dayfirst=None`` (the default) decides from the column: a value whose first
      field is above 12 ("13/01/2017") can only be day first, one whose second
      field is ("01/13/2017") only month first. The column is read in the order
      its values allow; when none decides (every field 12 or below) it is read
      day first. A column holding both kinds is inconsistent: each value is read
      in the only order that works, and a value that reads as two different dates
      ("03/04/2017") is rejected as "ambiguous date (day/month order)" rather than
      guessed.

    ISO dates, "31 January 2017", "31-Jan-17" and the other forms are not affected.

    Parameters
    ----------
    series : pandas.Series
        The dates, as text.
    dayfirst : bool, "mixed" or None, default None
        The order of slash/dot dates; None infers it as above; "mixed" reads the
        column as one showing both orders (used when a whole file, read in
        chunks, was found to be so: see :func:`date_orders`).

    Returns
    -------
    (numpy.ndarray of datetime64[ns], numpy.ndarray of str)
        The dates (NaT where bad) and the reason per element ("" when fine):
        "missing date", "impossible date" (right shape, no such day),
        "ambiguous date (day/month order)", "date out of range (1677-2262)" or
        "unrecognised date".

    Examples
    --------
    >>> d, why = parse_dates(pd.Series(["2017-01-31", "31 January 2017", "31-Jan-17",
    ...                                  "31/01/2017", "2017-02-30", "", "soon"]))
    >>> [str(x)[:10] for x in d[:4]]
    ['2017-01-31', '2017-01-31', '2017-01-31', '2017-01-31']
    >>> why[4:].tolist()
    ['impossible date', 'missing date', 'unrecognised date']

    A US export: "01/13/2017" can only be month first, so "01/02/2017" is 2 January.

    >>> d, why = parse_dates(pd.Series(["01/13/2017", "01/02/2017"]))
    >>> [str(x)[:10] for x in d], why.tolist()
    (['2017-01-13', '2017-01-02'], ['', ''])

    Nothing decides: day first (the default), unless the order is given.

    >>> [str(x)[:10] for x in parse_dates(pd.Series(["01.02.2017"]))[0]]
    ['2017-02-01']
    >>> [str(x)[:10] for x in parse_dates(pd.Series(["01.02.2017"]), dayfirst=False)[0]]
    ['2017-01-02']
    >>> parse_dates(pd.Series(["01/13/2017"]), dayfirst=True)[1].tolist()
    ['impossible date']

    Both kinds in one column: only the values that read one way are kept.

    >>> d, why = parse_dates(pd.Series(["13/01/2017", "01/13/2017", "03/04/2017"]))
    >>> [str(x)[:10] for x in d], why.tolist()[2]
    (['2017-01-13', '2017-01-13', 'NaT'], 'ambiguous date (day/month order)')
    """
    return parse_date_columns(series, dayfirst=dayfirst)[0]


def parse_date_columns(
    *columns: pd.Series, dayfirst: DayFirst = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`parse_dates` for several date columns of one file, which share one order.

    With ``dayfirst=None`` the day/month order of slash/dot dates is inferred from
    all the columns together (a file's ``date_start`` and ``date_end`` are written
    the same way): an end date column whose values are all 12 or below is then not
    read day first while the start dates show the file is month first.

    Examples
    --------
    >>> (s, _), (e, _) = parse_date_columns(pd.Series(["01/13/2017"]), pd.Series(["01/02/2017"]))
    >>> str(s[0])[:10], str(e[0])[:10]
    ('2017-01-13', '2017-01-02')
    """
    texts = [as_text(c) for c in columns]
    text = texts[0] if len(texts) == 1 else pd.concat(texts, ignore_index=True)
    codes, uniques = pd.factorize(text, sort=False)
    values, reason = _parse_unique_dates(
        pd.Series(np.asarray(uniques, dtype=object), dtype="str").str.strip(), dayfirst
    )
    out: list[tuple[np.ndarray, np.ndarray]] = []
    start = 0
    for t in texts:
        # factorize gives -1 only for NA, which as_text removed.
        c = codes[start : start + len(t)]
        start += len(t)
        out.append((values[c], reason[c]) if len(c) else (values[:0], reason[:0]))
    return out


def _to_datetime(text: pd.Series, fmt: str) -> tuple[pd.Series, np.ndarray]:
    """``text`` parsed with one format as nanoseconds (NaT where not), and where out of range."""
    attempt = pd.to_datetime(text, format=fmt, errors="coerce")
    if getattr(attempt.dt, "tz", None) is not None:
        attempt = attempt.dt.tz_convert("UTC").dt.tz_localize(None)
    # The contract stores nanoseconds: dates outside 1677-2262 cannot be held.
    beyond = ((attempt < _NS_MIN) | (attempt > _NS_MAX)).to_numpy()
    if beyond.any():
        attempt = attempt.where(~beyond)
    return attempt.astype("datetime64[ns]"), beyond


def _parse_unique_dates(u: pd.Series, dayfirst: DayFirst) -> tuple[np.ndarray, np.ndarray]:
    """Dates and reasons of distinct, stripped date strings."""
    parsed = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    reason = np.full(len(u), "", dtype=object)
    empty = (u == "").to_numpy()
    reason[empty] = "missing date"
    slash = u.str.extract(SLASH_DATE)
    is_slash = slash[0].notna().to_numpy()
    if is_slash.any():
        sub = slash[is_slash]
        first, second, year = sub[0].str.zfill(2), sub[2].str.zfill(2), sub[3]
        d_first, d_beyond = _to_datetime(year + "-" + second + "-" + first, "%Y-%m-%d")
        m_first, m_beyond = _to_datetime(year + "-" + first + "-" + second, "%Y-%m-%d")
        # A reading outside 1677-2262 is still a date (reported as out of range).
        ok_d = d_first.notna().to_numpy() | d_beyond
        ok_m = m_first.notna().to_numpy() | m_beyond
        day_only, month_only = ok_d & ~ok_m, ok_m & ~ok_d
        two_dates = ok_d & ok_m & (first != second).to_numpy()
        if dayfirst is None:
            if day_only.any():
                dayfirst = "mixed" if month_only.any() else True
            elif month_only.any():
                dayfirst = False
            if getattr(_SEEN, "seen", None) is not None:
                _SEEN.seen.append((dayfirst, bool(two_dates.any())))
        if dayfirst == "mixed":
            # Inconsistent: each value in the only order that works; two readings: rejected.
            use_d = ~month_only
            ambiguous = two_dates
        else:
            use_d = np.full(len(sub), dayfirst is not False)  # nothing decided: day first
            ambiguous = np.zeros(len(sub), dtype=bool)
        value = np.where(use_d, d_first.to_numpy(), m_first.to_numpy())
        beyond = np.where(use_d, d_beyond, m_beyond)
        why = np.where(np.isnat(value), "impossible date", "").astype(object)
        why[beyond] = "date out of range (1677-2262)"
        value[ambiguous] = np.datetime64("NaT")
        why[ambiguous] = AMBIGUOUS_DATE
        idx = np.flatnonzero(is_slash)
        parsed.iloc[idx] = value
        reason[idx] = why
    todo = ~empty & ~is_slash
    out_of_range = np.zeros(len(u), dtype=bool)
    for fmt in DATE_FORMATS:
        if not todo.any():
            break
        attempt, beyond = _to_datetime(u[todo], fmt)
        out_of_range[np.flatnonzero(todo)[beyond]] = True
        ok = attempt.notna()
        parsed.loc[ok[ok].index] = attempt[ok]
        todo = todo & parsed.isna().to_numpy()
    if todo.any():
        shaped = u[todo].str.match(_DATE_SHAPE).to_numpy()
        reason[np.flatnonzero(todo)] = np.where(shaped, "impossible date", "unrecognised date")
    reason[out_of_range & todo] = "date out of range (1677-2262)"
    return parsed.to_numpy(dtype="datetime64[ns]"), reason


def on_uniques(series: pd.Series, fn: Any) -> tuple[Any, ...]:
    """Apply ``fn`` (Series -> tuple of arrays) to the distinct values only, then spread back.

    Columns such as counts and codes have few distinct values: this makes their
    checks cost about as much as the distinct values, not the rows.
    """
    codes, uniques = pd.factorize(as_text(series), sort=False)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    results = fn(u)
    if len(codes) == 0:
        return tuple(np.asarray(r)[:0] for r in results)
    return tuple(np.asarray(r)[codes] for r in results)


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


# Degrees, minutes, seconds: 36°20'24"N, N 36 20 24, 36°20.4'N, 36d20m24s, 36:20:24N.
_DMS = re.compile(
    r"""^\s*(?P<h1>[NSEWnsew])?\s*
    (?P<deg>\d{1,3}(?:\.\d+)?)\s*(?:[°º˚d:]|\s)\s*
    (?:(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:['′’m:]|\s)\s*)?
    (?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:["″”s]|''|′′)?\s*)?
    (?P<h2>[NSEWnsew])?\s*$""",
    re.VERBOSE,
)
_DEG_HEMI = re.compile(
    r"^\s*(?P<h1>[NSEWnsew])?\s*(?P<deg>[+-]?\d{1,3}(?:\.\d+)?)\s*°?\s*(?P<h2>[NSEWnsew])?\s*$"
)


def parse_degrees(series: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse one coordinate per element: decimal degrees or degrees-minutes-seconds.

    Parameters
    ----------
    series : pandas.Series
        Text (or numbers).
    axis : {"lat", "lon"}
        Sets the allowed range and hemisphere letters (N/S or E/W).

    Returns
    -------
    (numpy.ndarray of float64, numpy.ndarray of str reasons)
        Reasons: "missing coordinate", "not a number", "latitude out of range",
        "longitude out of range", "wrong hemisphere letter", "minutes or seconds ≥ 60".

    Examples
    --------
    >>> text = pd.Series(["36.34", "36°20'24\\"N", "36 20 24 S", "", "abc", "91"])
    >>> v, why = parse_degrees(text, "lat")
    >>> v[:3].round(4).tolist(), why[3:].tolist()
    ([36.34, 36.34, -36.34], ['missing coordinate', 'not a number', 'latitude out of range'])
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        reason = np.full(len(values), "", dtype=object)
        reason[np.isnan(values)] = "missing coordinate"
        return _check_range(values, reason, axis)
    fast = _fast_float(series)
    if fast is not None:
        reason = np.full(len(fast), "", dtype=object)
        return _check_range(fast, reason, axis)
    text = as_text(series).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", copy=True)
    reason = np.full(len(values), "", dtype=object)
    empty = (text == "").to_numpy()
    reason[empty] = "missing coordinate"
    todo = np.isnan(values) & ~empty
    if todo.any():
        sub = text[todo]
        literal_nan = sub.str.lower().isin(["nan", "na", "n/a", "null", "none"]).to_numpy()
        dval, dwhy = _parse_dms(sub, axis)
        idx = np.flatnonzero(todo)
        values[idx] = dval
        dwhy[literal_nan] = "missing coordinate"
        reason[idx] = dwhy
    return _check_range(values, reason, axis)


def _fast_float(series: pd.Series) -> np.ndarray | None:
    """Arrow's cast of a clean text column of decimals (None when any value needs the slow path)."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(pa.array(series.array), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    if not np.isfinite(values).all():
        return None
    return np.asarray(values, dtype="float64")


def _parse_dms(text: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(len(text), np.nan)
    reason = np.full(len(text), "not a number", dtype=object)
    allowed = "NS" if axis == "lat" else "EW"
    simple = text.str.extract(_DEG_HEMI)
    parts = text.str.extract(_DMS)
    deg = pd.to_numeric(parts["deg"], errors="coerce").to_numpy(dtype="float64")
    mins = pd.to_numeric(parts["min"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    secs = pd.to_numeric(parts["sec"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    hemi = parts["h1"].fillna(parts["h2"]).fillna("").str.upper()
    both = parts["h1"].notna() & parts["h2"].notna()
    sdeg = pd.to_numeric(simple["deg"], errors="coerce").to_numpy(dtype="float64")
    shemi = simple["h1"].fillna(simple["h2"]).fillna("").str.upper()
    use_simple = ~np.isnan(sdeg)
    deg = np.where(use_simple, sdeg, deg)
    mins = np.where(use_simple, 0.0, mins)
    secs = np.where(use_simple, 0.0, secs)
    hemi_arr = np.where(use_simple, shemi.to_numpy(dtype=object), hemi.to_numpy(dtype=object))
    got = ~np.isnan(deg)
    value = np.abs(deg) + mins / 60.0 + secs / 3600.0
    value = np.where(use_simple & (sdeg < 0), -value, value)
    south_west = np.isin(hemi_arr, ["S", "W"])
    value = np.where(south_west, -np.abs(value), value)
    out[got] = value[got]
    reason[got] = ""
    bad_letter = got & (hemi_arr != "") & ~np.isin(hemi_arr, list(allowed))
    bad_letter |= got & both.to_numpy()
    reason[bad_letter] = "wrong hemisphere letter"
    reason[got & ((mins >= 60) | (secs >= 60))] = "minutes or seconds ≥ 60"
    out[reason != ""] = np.nan
    return out, reason


def _check_range(
    values: np.ndarray, reason: np.ndarray, axis: str
) -> tuple[np.ndarray, np.ndarray]:
    limit = 90.0 if axis == "lat" else 180.0
    with np.errstate(invalid="ignore"):
        out = (reason == "") & ~(np.abs(values) <= limit)
    reason[out & np.isnan(values)] = "not a number"
    reason[out & np.isinf(values)] = "not a finite number"
    out &= ~np.isinf(values)
    reason[out & ~np.isnan(values)] = (
        "latitude out of range" if axis == "lat" else "longitude out of range"
    )
    values = np.where(reason == "", values, np.nan)
    return values, reason


_PAIR_SEP = re.compile(r"^\s*(?P<a>.+?)\s*[,;/]\s*(?P<b>.+?)\s*$")
_PAIR_HEMI = re.compile(r"^\s*(?P<a>.+?[NSns])\s+(?P<b>.+?)\s*$")
_PAIR_SPACE = re.compile(r"^\s*(?P<a>[+-]?\d+(?:\.\d+)?)\s+(?P<b>[+-]?\d+(?:\.\d+)?)\s*$")


def split_pair(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split "lat, lon" text (comma, semicolon, slash or space between) into two columns.

    Examples
    --------
    >>> a, b = split_pair(pd.Series(["36.34, 43.13", "36°20'N 43°07'E", "36.3 43.1", "x"]))
    >>> a.tolist(), b.tolist()
    (['36.34', "36°20'N", '36.3', ''], ['43.13', "43°07'E", '43.1', ''])
    """
    text = as_text(series)
    a = pd.Series("", index=series.index, dtype="str")
    b = pd.Series("", index=series.index, dtype="str")
    for pattern in (_PAIR_SEP, _PAIR_HEMI, _PAIR_SPACE):
        todo = (a == "").to_numpy()
        if not todo.any():
            break
        got = text[todo].str.extract(pattern)
        ok = got["a"].notna().to_numpy()
        idx = text.index[todo][ok]
        a.loc[idx] = got["a"][ok].to_numpy()
        b.loc[idx] = got["b"][ok].to_numpy()
    return a, b


def locate_latlon(
    lat_text: pd.Series,
    lon_text: pd.Series,
    problems: Problems,
    lat_field: str,
    lon_field: str,
    *,
    check_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a latitude and a longitude column, recording bad values in ``problems``.

    ``check_rows`` (a boolean mask) limits which rows are checked (others are
    located another way, for example from an MGRS grid). A pair ``0, 0`` is
    rejected: it is the usual placeholder for "no location".
    """
    lat, lat_why = parse_degrees(lat_text, "lat")
    lon, lon_why = parse_degrees(lon_text, "lon")
    mask = np.ones(len(lat), dtype=bool) if check_rows is None else np.asarray(check_rows, bool)
    lat_why = np.where(mask, lat_why, "")
    lon_why = np.where(mask, lon_why, "")
    problems.add_reasons(lat_why, lat_field, lat_text)
    problems.add_reasons(lon_why, lon_field, lon_text)
    zero = mask & (lat == 0) & (lon == 0)
    problems.add(zero, lat_field, as_text(lat_text) + ", " + as_text(lon_text), "coordinates 0, 0")
    return lat, lon


def lookup(values: pd.Series, mapping: Mapping[str, object], default: object = None) -> np.ndarray:
    """Map normalised text codes ("1", "1.0", " 2 ") through ``mapping``; unmapped → ``default``."""

    def fn(u: pd.Series) -> tuple[np.ndarray]:
        key = u.str.strip().str.replace(r"\.0+$", "", regex=True).str.lower()
        return (key.map(mapping).to_numpy(dtype=object, na_value=default),)

    return np.asarray(on_uniques(values, fn)[0])


def normalise_header(columns: Iterable[object]) -> list[str]:
    """Header names stripped of a BOM and spaces (case kept)."""
    return [str(c).replace("\ufeff", "").strip() for c in columns]


class Columns:
    """A chunk's columns looked up by lower-case name (header case and a BOM ignored).

    ``name in cols`` and iteration use the lower-case names; ``cols[name]`` is the
    column's name as written in the file; :meth:`text` gives a column as text ("" when
    the file has no such column) and :meth:`field` the name to report in the ledger.

    Examples
    --------
    >>> cols = Columns(pd.DataFrame({"\\ufeffEVENT_DATE": ["31/01/2017"]}))
    >>> "event_date" in cols, cols.field("event_date"), cols.text("notes").tolist()
    (True, '\\ufeffEVENT_DATE', [''])
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.by_lower = {str(c).replace("\ufeff", "").strip().lower(): c for c in frame.columns}
        self._empty = pd.Series("", index=frame.index, dtype="str")

    def __contains__(self, name: object) -> bool:
        return name in self.by_lower

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_lower)

    def __getitem__(self, name: str) -> Any:
        return self.by_lower[name]

    def text(self, name: str) -> pd.Series:
        return as_text(self.frame[self.by_lower[name]]) if name in self.by_lower else self._empty

    def field(self, name: str) -> str:
        return str(self.by_lower.get(name, name))
