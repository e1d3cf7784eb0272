"""Summaries per area and period: counts of events, strikes, fatalities, civilians killed.

Two tables, both additive so that they can be computed chunk by chunk: the calendar table
(:func:`summarize` with ``freq``: one row per area and month, week, …) and the named
periods table (``periods={"before": (start, end), …}``: totals and per-month rates). Each
is a *partial* step that turns any chunk of events into sums per key
(:func:`partial_summary`, :func:`partial_periods`) and a *finish* step that adds partials
up and sets dtypes and order (:func:`finish_summary`, :func:`finish_periods`). The
single-machine :func:`summarize` runs both on the whole table; :mod:`geoconflict.scale`
runs the partial step per Dask partition and the finish step once, so the two engines
give the same table.

This module works on pandas tables only. A Dask table is summarised by
:func:`geoconflict.scale.summarize`, chosen by the caller (as geopandas leaves
dask-geopandas to the caller).

Examples
--------
>>> ev = pd.DataFrame({"area": ["a", "a", "b"],
...     "date_start": pd.to_datetime(["2017-01-05", "2017-01-20", "2017-02-01"])})
>>> summarize(ev)[["area", "period", "events"]].values.tolist()
[['a', Timestamp('2017-01-01 00:00:00'), 2], ['b', Timestamp('2017-02-01 00:00:00'), 1]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from geoconflict import areas
from geoconflict.dates import parse_utc
from geoconflict.errors import DataError
from geoconflict.events import stated_counts, strike_counts
from geoconflict.vocab import FREQUENCIES

#: Additive columns of a summary (counts and sums), in order.
SUMMARY_VALUES: tuple[str, ...] = (
    "events",
    "strikes",
    "strikes_uncounted",
    "fatalities",
    "civilians_killed_min",
    "civilians_killed_max",
)


#: Mean days per month (365.25 / 12 = 30.4375): the months of a period are its days / this.
DAYS_PER_MONTH = 365.25 / 12

# The pandas period of each frequency (pandas' to_period wants "M", not "MS");
# the words of vocab.FREQUENCIES are resolved to their alias first.
_PERIOD_OF = {
    "MS": "M",
    "ME": "M",
    "M": "M",
    "QS": "Q",
    "QE": "Q",
    "quarter": "Q",  # not a map or CLI frequency, but summarize has always taken it
    "YS": "Y",
    "YE": "Y",
    "AS": "Y",
    "D": "D",
    "W": "W",
}


def summarize(
    events: pd.DataFrame,
    by: str | None = "area",
    freq: str = "MS",
    periods: Mapping[str, tuple[Any, Any]] | None = None,
) -> pd.DataFrame:
    """Count events, strikes, fatalities and civilians killed per area and period.

    Parameters
    ----------
    events : pandas.DataFrame or geopandas.GeoDataFrame
        Event table. Without an ``area`` column (and ``by="area"``) the events
        are assigned to the shipped study areas with :func:`geoconflict.areas.assign`
        first. A Dask table is refused: summarise it with
        :func:`geoconflict.scale.summarize`.
    by : str or None, default "area"
        Column to group by besides the period; None for totals over all events.
    freq : str, default "MS"
        Period length: a pandas offset alias (``"D"``, ``"W"``, ``"MS"``,
        ``"QS"``, ``"YS"``), a word of :data:`geoconflict.vocab.FREQUENCIES`
        (``"day"``, ``"week"``, ``"month"``, ``"year"``) or ``"quarter"``.
        Events fall in the period of ``date_start``.
    periods : dict, optional
        ``{"name": (start, end)}`` with inclusive dates. Instead of the
        calendar table, give totals and per-month rates for each named period
        (months = days / 30.4375) — per ``by`` value, or over all events with
        ``by=None``; an event counts in a period when its ``date_start`` is
        in it (periods may overlap).

    Returns
    -------
    pandas.DataFrame
        Calendar mode: ``<by>``, ``period`` (start Timestamp), ``events``,
        ``strikes``, ``strikes_uncounted``, ``fatalities``,
        ``civilians_killed_min``, ``civilians_killed_max``, sorted by ``<by>``
        then ``period``. Events outside all areas have a missing ``area``;
        nothing is left out. ``strikes`` sums the stated ``strikes`` counts
        (of events of any kind) and invents none: a ``kind="strike"`` event
        without a count adds nothing to it and one to ``strikes_uncounted``
        (the rule of :func:`geoconflict.events.strike_counts`; an event of
        another kind without a count is no uncounted strike). Every count is
        read by one rule (:func:`geoconflict.events.stated_counts`: fractions
        rounded, negative or non-numeric values no count), and what states no
        count adds nothing, except a ``civilians_killed_max`` that states none,
        which counts as the event's ``civilians_killed_min`` (a range is never
        below its minimum). Periods mode: (``<by>``,) ``period``, ``start``,
        ``end``, ``months``, the six totals of :data:`SUMMARY_VALUES`, then
        each total ``_per_month``, in order of start.

    Examples
    --------
    >>> ev = pd.DataFrame({"area": ["a", "a", "b"], "kind": ["strike"] * 3,
    ...     "date_start": pd.to_datetime(["2017-01-05", "2017-01-20", "2017-02-01"]),
    ...     "strikes": pd.array([2, None, 1], dtype="Int64")})
    >>> summarize(ev)[["area", "period", "events", "strikes", "strikes_uncounted"]]
      area     period  events  strikes  strikes_uncounted
    0    a 2017-01-01       2        2                  1
    1    b 2017-02-01       1        1                  0
    >>> jan = {"jan": ("2017-01-01", "2017-01-31")}
    >>> summarize(ev, by=None, periods=jan)[["period", "events", "months"]].round(3)
      period  events  months
    0    jan       2   1.018
    """
    areas.require_pandas(events, "geoconflict.scale.summarize")
    check_by(by)
    if by == "area" and "area" not in events.columns:
        events = areas.assign(events)
    if periods is not None:
        return finish_periods(partial_periods(events, by, periods))
    return finish_summary(partial_summary(events, by, freq))


#: Column names of summary tables, which cannot also be the ``by`` column.
_RESERVED_BY = frozenset(
    {
        *SUMMARY_VALUES,
        *(f"{v}_per_month" for v in SUMMARY_VALUES),
        "period",
        "start",
        "end",
        "months",
        "_key",
    }
)


def check_by(by: str | None) -> None:
    """Raise DataError when ``by`` names a column the summary itself produces.

    Parameters
    ----------
    by : str or None
        The grouping column asked for.

    Raises
    ------
    DataError
        ``by`` is ``period``, ``events``, a total or another column of the summary.

    Examples
    --------
    >>> check_by("area")
    >>> check_by("fatalities")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geoconflict.errors.DataError: cannot summarise by 'fatalities': it is a column of ...
    """
    if by in _RESERVED_BY:
        raise DataError(
            f"cannot summarise by {by!r}: it is a column of the summary itself;"
            " group by a label column such as 'area', 'kind' or 'dataset'"
        )


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The additive per-event values: events (1), strikes (stated, and uncounted),
    fatalities, civilians killed."""
    n = len(frame)

    # Every count by one rule (events.stated_counts): what is no count adds nothing.
    # Declared strikes as stated; a strike event with no count is uncounted, not one.
    strikes, uncounted = strike_counts(frame, strike_rows="kind")
    killed_min = stated_counts(frame, "civilians_killed_min")[0]
    killed_max, max_stated = stated_counts(frame, "civilians_killed_max")
    # A range with no stated maximum is at least its minimum, never less.
    killed_max = np.where(max_stated, killed_max, killed_min)
    return pd.DataFrame(
        {
            "events": np.ones(n, dtype="int64"),
            "strikes": strikes,
            "strikes_uncounted": uncounted.astype("int64"),
            "fatalities": stated_counts(frame, "fatalities")[0],
            "civilians_killed_min": killed_min,
            "civilians_killed_max": killed_max,
        },
        index=frame.index,
    )


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The start of the period of ``freq`` that holds each date.

    Parameters
    ----------
    dates : pandas.Series
        Dates (anything :func:`pandas.to_datetime` reads; aware dates count in
        their UTC day, :func:`geoconflict.dates.to_naive_utc`).
    freq : str
        As in :func:`summarize`: a pandas offset alias, a word of
        :data:`geoconflict.vocab.FREQUENCIES` or ``"quarter"``.

    Returns
    -------
    pandas.Series
        Naive timestamps: the first day of each date's period (missing where
        the date is). Weeks start on Monday.

    Raises
    ------
    ValueError
        ``freq`` is not a frequency pandas knows.

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2017-03-17", None]))
    >>> period_start(d, "month").tolist(), period_start(d, "W")[0]
    ([Timestamp('2017-03-01 00:00:00'), NaT], Timestamp('2017-03-13 00:00:00'))
    """
    alias = FREQUENCIES.get(freq, freq)
    period = _PERIOD_OF.get(alias, alias)
    # Aware dates count in their UTC day, as the map and the territory timeline do.
    d = parse_utc(dates)
    if period == "D":
        return d.dt.floor("D")
    return d.dt.to_period(period).dt.start_time


def partial_summary(frame: pd.DataFrame, by: str | None, freq: str) -> pd.DataFrame:
    """Additive summary of one chunk: keys ``<by>``, ``period`` and the summed values.

    The result of several chunks combines with :func:`finish_summary`
    (a groupby-sum), so a Dask engine can run this per partition.

    Parameters
    ----------
    frame : pandas.DataFrame
        A chunk of events (any number of rows, also none).
    by : str or None
        The grouping column besides the period.
    freq : str
        As in :func:`summarize`.

    Returns
    -------
    pandas.DataFrame
        ``<by>``, ``period`` and the columns of :data:`SUMMARY_VALUES`, unsorted.

    Examples
    --------
    >>> f = pd.DataFrame({"area": ["a"], "date_start": pd.to_datetime(["2017-03-17"])})
    >>> partial_summary(f, "area", "MS")[["area", "period", "events"]].values.tolist()
    [['a', Timestamp('2017-03-01 00:00:00'), 1]]
    """
    values = _values(frame)
    keys = pd.DataFrame(index=frame.index)
    if by is not None:
        if by not in frame.columns:
            raise DataError(f"events have no column {by!r} to summarise by")
        keys[by] = frame[by].to_numpy(dtype=object, na_value=None)
    dates = frame["date_start"] if "date_start" in frame.columns else pd.Series(pd.NaT, frame.index)
    keys["period"] = period_start(dates, freq)
    table = pd.concat([keys, values], axis=1)
    group = [*([by] if by is not None else []), "period"]
    return table.groupby(group, dropna=False, sort=False).sum().reset_index()


def finish_summary(partials: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Combine partial summaries: sum by key, set integer dtypes, sort.

    Parameters
    ----------
    partials : pandas.DataFrame or iterable of them
        Results of :func:`partial_summary` (or sums of them).

    Returns
    -------
    pandas.DataFrame
        The calendar table of :func:`summarize`.

    Examples
    --------
    >>> p = pd.DataFrame({"area": ["a"], "period": [pd.Timestamp("2017-01-01")],
    ...                   "events": [2], "strikes": [1], "strikes_uncounted": [0],
    ...                   "fatalities": [0],
    ...                   "civilians_killed_min": [0], "civilians_killed_max": [3]})
    >>> finish_summary([p, p])["events"].tolist()
    [4]
    """
    frames = [partials] if isinstance(partials, pd.DataFrame) else list(partials)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    keys = [c for c in table.columns if c not in SUMMARY_VALUES]
    if "period" not in keys:
        keys.append("period")
    for col in [*keys, *SUMMARY_VALUES]:
        if col not in table.columns:
            table[col] = pd.Series(dtype="datetime64[ns]" if col == "period" else "int64")
    out = table.groupby(keys, dropna=False, sort=False)[list(SUMMARY_VALUES)].sum().reset_index()
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    out["period"] = pd.to_datetime(out["period"])
    out = out.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
    for key in keys:
        if key != "period":
            out[key] = out[key].astype(object).where(out[key].notna(), None)
    return out[[*keys, *SUMMARY_VALUES]]


def _period_bounds(
    periods: Mapping[str, tuple[Any, Any]],
) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    out = []
    for name, bounds in periods.items():  # a few named periods, not a loop per event
        try:
            start, end = (pd.Timestamp(b) for b in bounds)
        except (TypeError, ValueError) as exc:
            raise DataError(f"period {name!r}: need (start, end) dates, got {bounds!r}") from exc
        if pd.isna(start) or pd.isna(end) or end < start:
            raise DataError(f"period {name!r}: end {end} is before start {start}")
        out.append((str(name), start, end))
    return out


def partial_periods(
    frame: pd.DataFrame, by: str | None, periods: Mapping[str, tuple[Any, Any]]
) -> pd.DataFrame:
    """Additive totals of one chunk per named period (and ``by`` value).

    Keys ``<by>``, ``period``, ``start``, ``end``; values are sums, so the
    partials of several chunks combine with :func:`finish_periods`. Every
    period (for every ``by`` value of the chunk) gets a row, zero when empty.

    Parameters
    ----------
    frame : pandas.DataFrame
        A chunk of events.
    by : str or None
        The grouping column.
    periods : mapping of name -> (start, end)
        Inclusive dates, as in :func:`summarize`.

    Returns
    -------
    pandas.DataFrame
        (``<by>``,) ``period``, ``start``, ``end`` and the summed values.

    Raises
    ------
    DataError
        A period that is not two dates in order, or ``by`` not a column.

    Examples
    --------
    >>> f = pd.DataFrame({"date_start": pd.to_datetime(["2017-01-19", "2017-01-20"])})
    >>> p = partial_periods(f, None, {"before": ("2014-08-08", "2017-01-19")})
    >>> p[["period", "events"]].values.tolist()
    [['before', 1]]
    """
    bounds = _period_bounds(periods)
    values = _values(frame)
    raw = frame["date_start"] if "date_start" in frame.columns else pd.Series(pd.NaT, frame.index)
    dates = parse_utc(raw).to_numpy(dtype="datetime64[ns]")
    if by is not None:
        if by not in frame.columns:
            raise DataError(f"events have no column {by!r} to summarise by")
        # Group on integer codes: a missing key (an event outside all areas) is a code too.
        codes, uniques = pd.factorize(
            frame[by].to_numpy(dtype=object, na_value=None), use_na_sentinel=False
        )
        labels = np.asarray(uniques, dtype=object)
    else:
        codes, labels = np.zeros(len(frame), dtype="int64"), np.array([None], dtype=object)
    every = np.arange(len(labels))
    pieces = []
    for name, start, end in bounds:
        inside = (dates >= start.to_datetime64()) & (
            dates < (end + pd.Timedelta(days=1)).to_datetime64()
        )
        sums = values[inside].groupby(codes[inside]).sum().reindex(every, fill_value=0)
        piece = sums.reset_index(drop=True)
        piece.insert(0, "_key", pd.Series(labels, dtype=object))
        piece.insert(1, "period", name)
        piece.insert(2, "start", start)
        piece.insert(3, "end", end)
        pieces.append(piece)
    columns = ["_key", "period", "start", "end", *SUMMARY_VALUES]
    out = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    out = out[columns]
    out["period"] = out["period"].astype(object)
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[ns]")
    out["end"] = pd.to_datetime(out["end"]).astype("datetime64[ns]")
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    if by is None:
        return out.drop(columns="_key")
    out["_key"] = out["_key"].astype(object)
    return out.rename(columns={"_key": by})


def finish_periods(partials: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Combine partial period totals: sum, then months and per-month rates.

    Parameters
    ----------
    partials : pandas.DataFrame or iterable of them
        Results of :func:`partial_periods`.

    Returns
    -------
    pandas.DataFrame
        The named-periods table of :func:`summarize`.

    Examples
    --------
    >>> f = pd.DataFrame({"date_start": pd.to_datetime(["2017-01-20"]),
    ...                   "civilians_killed_min": [30]})
    >>> p = partial_periods(f, None, {"after": ("2017-01-20", "2017-01-29")})
    >>> finish_periods([p, p])[["civilians_killed_min", "civilians_killed_min_per_month"]]
       civilians_killed_min  civilians_killed_min_per_month
    0                    60                         182.625
    """
    frames = [partials] if isinstance(partials, pd.DataFrame) else list(partials)
    table = pd.concat(frames, ignore_index=True)
    keys = [c for c in table.columns if c not in SUMMARY_VALUES]
    out = table.groupby(keys, dropna=False, sort=False)[list(SUMMARY_VALUES)].sum().reset_index()
    start = pd.to_datetime(out["start"])
    end = pd.to_datetime(out["end"])
    months = ((end - start).dt.days + 1) / DAYS_PER_MONTH
    out.insert(len(keys), "months", months.astype("float64"))
    for col in SUMMARY_VALUES:
        out[col] = out[col].astype("int64")
    for col in SUMMARY_VALUES:
        out[f"{col}_per_month"] = out[col] / out["months"]
    sort = [*[k for k in keys if k not in ("period", "start", "end")], "start", "end", "period"]
    out = out.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)
    for key in keys:
        if key not in ("start", "end"):
            out[key] = out[key].astype(object).where(out[key].notna(), None)
    return out
