"""UCDP Georeferenced Event Dataset (GED): the 49 columns, with or without a header row.

``fatalities`` is UCDP's ``best`` estimate (``fatalities_low``/``fatalities_high``
keep ``low``/``high``); civilians killed (min and max) are ``deaths_civilians``.
``kind``: type_of_violence 3 (one-sided violence, against civilians) → civcas,
1 and 2 (state-based, non-state) → ground. ``where_prec`` and ``date_prec`` map
through :data:`WHERE_PREC_M` and :data:`DATE_PREC`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geoconflict.sources.columns import (
    Columns,
    blank,
    frame_from,
    lookup,
    text_or_none,
)
from geoconflict.sources.coordinates import locate_latlon, precision_m
from geoconflict.sources.datetimes import DayFirst, end_dates, parse_date_columns
from geoconflict.sources.numbers import parse_count
from geoconflict.sources.rejects import Problems

#: where_prec -> radius in metres (1 exact place, 2 within 25 km, 3 second-order
#: administrative unit, 4 first-order unit, 5 linear feature / between units,
#: 6 country, 7 water or airspace). Approximate: the codebook gives kinds, not sizes.
WHERE_PREC_M: dict[str, float] = {
    "1": 1_000.0,
    "2": 25_000.0,
    "3": 50_000.0,
    "4": 150_000.0,
    "5": 150_000.0,
    "6": 500_000.0,
    "7": 500_000.0,
}
#: date_prec -> date_precision (1 exact day, 2 a few days, 3 a week, 4 a month, 5 a year).
DATE_PREC: dict[str, str] = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
EXTRA = ("country", "adm_1", "type_of_violence")
REQUIRED = ("id", "date_start", "latitude", "longitude")


def convert(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    path: object = None,
    dayfirst: DayFirst = None,
) -> pd.DataFrame:
    """Turn a UCDP GED table (text columns) into contract columns.

    ``dayfirst`` sets the day/month order of slash/dot dates, shared by ``date_start``
    and ``date_end`` (None: inferred from both, see
    :func:`~geoconflict.sources.datetimes.parse_dates`).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["244657"], "date_start": ["2017-03-17 00:00:00.000"],
    ...     "date_end": ["2017-03-17 00:00:00.000"], "latitude": ["36.3"], "longitude": ["43.1"],
    ...     "where_prec": ["1"], "date_prec": ["1"], "best": ["105"], "low": ["105"],
    ...     "high": ["141"], "deaths_civilians": ["105"], "type_of_violence": ["1"]})
    >>> out = convert(t, Problems(np.array([1])))
    >>> out[["event_id", "fatalities", "fatalities_high"]].to_dict("records")
    [{'event_id': 'ucdp-244657', 'fatalities': 105, 'fatalities_high': 141}]
    """
    lower = Columns(frame)
    col, field = lower.text, lower.field
    lower.require(REQUIRED, "UCDP GED file", path)
    out: dict[str, Any] = {}
    ids = col("id").str.strip()
    out["event_id"] = np.where(blank(ids), None, ("ucdp-" + ids).to_numpy(dtype=object))
    out["dataset"] = "ucdp"
    tov = col("type_of_violence").str.strip()
    out["kind"] = np.where(
        tov == "3", "civcas", np.where(tov.isin(["1", "2"]), "ground", "other")
    ).astype(object)
    (start, why), end = parse_date_columns(col("date_start"), col("date_end"), dayfirst=dayfirst)
    problems.add_reasons(why, field("date_start"), col("date_start"))
    out["date_start"] = start
    out["date_end"] = end_dates(start, end, problems, field("date_end"), col("date_end"))
    if "date_prec" in lower:
        dp = col("date_prec")
        prec = lookup(dp, DATE_PREC)
        problems.add(pd.isna(prec), field("date_prec"), dp, "date_prec not 1 … 5")
        out["date_precision"] = prec
    else:
        out["date_precision"] = "day"
    out["lat"], out["lon"] = locate_latlon(
        col("latitude"), col("longitude"), problems, field("latitude"), field("longitude")
    )
    out["location_precision_m"] = precision_m(
        col("where_prec"), WHERE_PREC_M, problems, field("where_prec"), "where_prec not 1 … 7"
    )
    out["place"] = text_or_none(col("where_coordinates"))
    out["actor"] = text_or_none(col("side_a"))
    out["target"] = text_or_none(col("side_b"))
    for dst, src in (
        ("fatalities", "best"),
        ("fatalities_low", "low"),
        ("fatalities_high", "high"),
        ("civilians_killed_min", "deaths_civilians"),
    ):
        values, why = parse_count(col(src), missing=("",))
        problems.add_reasons(why, field(src), col(src))
        out[dst] = values
    out["civilians_killed_max"] = out["civilians_killed_min"]
    out["source"] = text_or_none(col("source_article"))
    out["notes"] = text_or_none(col("where_description"))
    out.update(lower.extras(EXTRA))
    return frame_from(out, frame.index)
