"""Dates as files write them: ISO, month names in words, and numeric dates in either order.

:func:`parse_dates` (one column) and :func:`parse_date_columns` (a file's start and
end dates, which share one day/month order; :func:`end_dates` checks the end ones)
parse each distinct string once and give a reason per bad value: "missing date",
"impossible date" (right shape, no such day), "ambiguous date (day/month order)",
"date out of range (1677-2262)" or "unrecognised date". A file checked in chunks
learns the order each chunk showed through :func:`date_orders` and
:func:`combine_orders`.

Written by hand because no library does it: pandas parses one date format per call.
Aware dates become naive UTC (:func:`geoconflict.dates.to_naive_utc`).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from geoconflict.dates import parse_utc
from geoconflict.sources.columns import as_text
from geoconflict.sources.rejects import Problems

#: Numeric date forms tried in order: ISO ("2017-01-31"), then (after month-name dates, see
#: :data:`MONTH_NAME_DATE`) "31-Jan-17" and ISO 8601 with a time. Numeric dates with
#: slashes or dots ("03/04/2017", "03.04.2017") are read apart: see :func:`parse_dates`.
DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%d-%b-%y", "ISO8601")

#: A date with the month in words, day first or month first, commas and full stops
#: optional: "8 October 2023", "8 Oct. 2023", "8-Oct-2023", "October 8 2023",
#: "Oct. 8, 2023", "October 8th, 2023".
MONTH_NAME_DATE = re.compile(
    r"^(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\.?[\s-]+(?P<m1>[A-Za-z]{3,9})\.?,?"
    r"|(?P<m2>[A-Za-z]{3,9})\.?[\s-]+(?P<d2>\d{1,2})(?:st|nd|rd|th)?\.?,?)"
    r"[\s-]+(?P<year>\d{4})$",
    re.IGNORECASE,
)

#: Month words (lower case) -> month number: full English names, three-letter
#: abbreviations and "sept".
MONTHS: dict[str, int] = {
    **{m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december"), start=1)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
        "sep", "oct", "nov", "dec"), start=1)},
    "sept": 9,
}  # fmt: skip

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

_NS_MIN = pd.Timestamp.min.ceil("D")
_NS_MAX = pd.Timestamp.max.floor("D")


def parse_dates(series: pd.Series, dayfirst: DayFirst = None) -> tuple[np.ndarray, np.ndarray]:
    """Parse dates: ISO, month in words (:data:`MONTH_NAME_DATE`), "31-Jan-17", slashes, dots.

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

    ISO dates, month-name dates ("8 October 2023", "Oct. 8, 2023", "October 8 2023",
    day or month first, commas and full stops optional) and "31-Jan-17" are not
    affected: the month word decides.

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

    Month names, either order, with or without a comma:

    >>> d, _ = parse_dates(pd.Series(["October 8 2023", "Oct. 8, 2023", "8 Oct 2023"]))
    >>> [str(x)[:10] for x in d]
    ['2023-10-08', '2023-10-08', '2023-10-08']

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


def end_dates(
    start: np.ndarray,
    end: tuple[np.ndarray, np.ndarray],
    problems: Problems,
    field: str,
    text: pd.Series,
) -> np.ndarray:
    """An end date column against its start: missing takes the start, earlier is a reject.

    ``end`` is the end column's ``(dates, reasons)`` from :func:`parse_date_columns`
    and ``text`` its text; a missing end date is no reject (the event ends the day
    it starts).

    Examples
    --------
    >>> p = Problems(np.arange(1, 4))
    >>> text = pd.Series(["2017-03-02", "", "2017-02-01"])
    >>> (start, _), end = parse_date_columns(pd.Series(["2017-03-01"] * 3), text)
    >>> [str(d)[:10] for d in end_dates(start, end, p, "date_end", text)]
    ['2017-03-02', '2017-03-01', '2017-02-01']
    >>> p.frame()[["row", "reason"]].values.tolist()
    [[3, 'date_end before date_start']]
    """
    values, why = end
    problems.add_reasons(np.where(why == "missing date", "", why), field, text)
    before = ~pd.isna(values) & ~pd.isna(start) & (values < start)
    problems.add(before, field, text, "date_end before date_start")
    return np.where(pd.isna(values), start, values)


def _to_datetime(text: pd.Series, fmt: str) -> tuple[pd.Series, np.ndarray]:
    """``text`` parsed with one format as nanoseconds (NaT where not), and where out of range."""
    attempt = parse_utc(text, fmt)  # a file may mix offsets ("…+03:00", "…Z")
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
    shaped = np.zeros(len(u), dtype=bool)  # a date's shape: failing means no such day
    for step in (DATE_FORMATS[0], MONTH_NAME_DATE, *DATE_FORMATS[1:]):
        if not todo.any():
            break
        if step is MONTH_NAME_DATE:
            attempt, beyond, named = _month_name_dates(u[todo])
            shaped[np.flatnonzero(todo)[named]] = True
        else:
            attempt, beyond = _to_datetime(u[todo], str(step))
        out_of_range[np.flatnonzero(todo)[beyond]] = True
        ok = attempt.notna()
        parsed.loc[ok[ok].index] = attempt[ok]
        todo = todo & parsed.isna().to_numpy()
    if todo.any():
        shaped[todo] |= u[todo].str.match(_DATE_SHAPE).to_numpy()
        reason[np.flatnonzero(todo)] = np.where(
            shaped[todo], "impossible date", "unrecognised date"
        )
    reason[out_of_range & todo] = "date out of range (1677-2262)"
    return parsed.to_numpy(dtype="datetime64[ns]"), reason


def _month_name_dates(text: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates of :data:`MONTH_NAME_DATE` text (NaT where not one), where out of range, and
    where the text has that shape with a known month (so that failing is an impossible date).
    """
    parts = text.str.extract(MONTH_NAME_DATE)
    word = parts["m1"].fillna(parts["m2"]).str.lower()
    month = word.map(MONTHS)
    named = month.notna().to_numpy()
    day = parts["d1"].fillna(parts["d2"])
    iso = parts["year"] + "-" + month.astype("Int64").astype("string") + "-" + day
    attempt, beyond = _to_datetime(iso.where(named, ""), "%Y-%m-%d")
    attempt.index = text.index
    return attempt, beyond, named
