"""Time-zone handling, in one place: every date the package keeps is naive UTC.

Readers, the event table, the area summaries, the territory timeline and the page encoder
all pass aware dates through :func:`to_naive_utc`, so an event at 23:30 at UTC+3 falls on
the same day everywhere.

>>> import pandas as pd
>>> to_naive_utc(pd.Timestamp("2017-07-10 01:30", tz="Asia/Baghdad"))
Timestamp('2017-07-09 22:30:00')
>>> to_naive_utc(pd.Series(pd.to_datetime(["2017-07-10T01:30+03:00"]))).tolist()
[Timestamp('2017-07-09 22:30:00')]
"""

from __future__ import annotations

from typing import TypeVar

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
