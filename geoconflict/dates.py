"""Time-zone handling, in one place: every date the package keeps is naive UTC.

Readers, the event table, the area summaries, the territory timeline and the page encoder
all pass aware dates through :func:`to_naive_utc` (text through :func:`parse_utc`), so an
event at 23:30 at UTC+3 falls on the same day everywhere.

>>> import pandas as pd
>>> to_naive_utc(pd.Timestamp("2017-07-10 01:30", tz="Asia/Baghdad"))
Timestamp('2017-07-09 22:30:00')
>>> to_naive_utc(pd.Series(pd.to_datetime(["2017-07-10T01:30+03:00"]))).tolist()
[Timestamp('2017-07-09 22:30:00')]
"""

from __future__ import annotations

from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T", pd.Series, pd.DatetimeIndex, pd.Timestamp)


def to_naive_utc(values: T) -> T:
    """Aware dates converted to UTC and made naive; naive dates returned unchanged.

    Parameters
    ----------
    values : pandas.Series, pandas.DatetimeIndex or pandas.Timestamp
        Datetime values, aware or naive.

    Returns
    -------
    Same type as ``values``
        Naive dates in UTC.

    Examples
    --------
    >>> to_naive_utc(pd.Timestamp("2017-01-01"))
    Timestamp('2017-01-01 00:00:00')
    """
    if isinstance(values, pd.Series):
        if getattr(values.dt, "tz", None) is not None:
            return values.dt.tz_convert("UTC").dt.tz_localize(None)
        return values
    if values.tzinfo is not None if isinstance(values, pd.Timestamp) else values.tz is not None:
        return values.tz_convert("UTC").tz_localize(None)
    return values


def parse_utc(values: Any, format: str | None = None) -> Any:
    """Dates of any kind (text, aware or naive) as naive UTC, NaT where not a date.

    One call for a whole column, even when its values carry different UTC offsets
    (``"…+03:00"`` and ``"…Z"``: pandas refuses to mix them unless asked for UTC) or
    different forms (without ``format``, each text value is read on its own: pandas
    would take the first value's form for all and lose the others); naive values are
    taken as UTC already.

    Parameters
    ----------
    values : pandas.Series, sequence or scalar
        What :func:`pandas.to_datetime` reads.
    format : str, optional
        A :func:`pandas.to_datetime` format (default ``"mixed"``: each value its own).

    Returns
    -------
    pandas.Series, pandas.DatetimeIndex or pandas.Timestamp
        As :func:`pandas.to_datetime` returns for ``values``, naive UTC.

    Examples
    --------
    >>> parse_utc(pd.Series(["2017-07-10T01:30+03:00", "2017-07-10 01:30", "x"])).tolist()
    [Timestamp('2017-07-09 22:30:00'), Timestamp('2017-07-10 01:30:00'), NaT]
    """
    fmt = format or "mixed"
    return to_naive_utc(pd.to_datetime(values, format=fmt, errors="coerce", utc=True))
