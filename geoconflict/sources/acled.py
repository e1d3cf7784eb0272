"""ACLED exports: the 2023+ columns, the older ones and the UPPERCASE legacy headers.

Headers are matched case-insensitively. ``event_date`` is read as ISO, "31 January
2017", "31-Jan-17" or dd/mm/yyyy (legacy files; slash/dot dates follow ``dayfirst``,
see :func:`~geoconflict.sources.datetimes.parse_dates`). ``kind``: sub_event_type
"Air/drone strike" → strike, event_type "Battles" → ground, "Violence against
civilians" → civcas, everything else → other. ``geo_precision`` and
``time_precision`` map through :data:`GEO_PRECISION_M` and :data:`TIME_PRECISION`.
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
from geoconflict.sources.datetimes import DayFirst, parse_dates
from geoconflict.sources.numbers import parse_count
from geoconflict.sources.rejects import Problems

#: ACLED geo_precision -> radius of uncertainty in metres (our reading of ACLED's codebook:
#: 1 the town itself, 2 near a town or part of a region, 3 a larger region).
GEO_PRECISION_M: dict[str, float] = {"1": 2_000.0, "2": 15_000.0, "3": 50_000.0}
#: ACLED time_precision -> date_precision.
TIME_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "month"}
#: Extra columns kept after the contract columns.
EXTRA = ("country", "admin1", "event_type", "sub_event_type")

REQUIRED = ("event_date", "latitude", "longitude")
#: Every column the reader looks at (the others are not parsed at all).
USED = (
    "event_id_cnty", "data_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "latitude", "longitude", "geo_precision", "location", "actor1", "actor2", "fatalities",
    "source", "notes", *EXTRA,
)  # fmt: skip


def convert(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    path: object = None,
    dayfirst: DayFirst = None,
) -> pd.DataFrame:
    """Turn an ACLED table (text columns, any header case) into contract columns.

    ``dayfirst`` sets the day/month order of slash/dot dates (None: inferred, see
    :func:`~geoconflict.sources.datetimes.parse_dates`).

    Examples
    --------
    >>> t = pd.DataFrame({"EVENT_ID_CNTY": ["IRQ1"], "EVENT_DATE": ["31/01/2017"],
    ...     "LATITUDE": ["36.34"], "LONGITUDE": ["43.13"], "EVENT_TYPE": ["Battles"],
    ...     "GEO_PRECISION": ["1"], "TIME_PRECISION": ["1"], "FATALITIES": ["4"]})
    >>> out = convert(t, Problems(np.array([1])))
    >>> out[["event_id", "kind", "fatalities", "location_precision_m"]].to_dict("records")
    [{'event_id': 'IRQ1', 'kind': 'ground', 'fatalities': 4, 'location_precision_m': 2000.0}]
    """
    lower = Columns(frame)
    col, field = lower.text, lower.field
    lower.require(REQUIRED, "ACLED file", path)
    out: dict[str, Any] = {}
    if "event_id_cnty" in lower:
        out["event_id"] = text_or_none(col("event_id_cnty"))
    elif "data_id" in lower:
        out["event_id"] = text_or_none(col("data_id"))
    else:
        out["event_id"] = None
    out["dataset"] = "acled"
    # kind from the distinct (event_type, sub_event_type) pairs, spread back by their codes.
    ev_codes, ev_uniques = pd.factorize(col("event_type"), sort=False)
    sub_codes, sub_uniques = pd.factorize(col("sub_event_type"), sort=False)
    (ev_kind,) = _event_kind(pd.Series(np.asarray(ev_uniques, dtype=object), dtype="str"))
    (strike,) = _is_strike(pd.Series(np.asarray(sub_uniques, dtype=object), dtype="str"))
    pairs = np.where(strike[None, :], "strike", ev_kind[:, None]).astype(object)
    out["kind"] = pairs[ev_codes, sub_codes] if len(ev_codes) else np.empty(0, dtype=object)

    date, why = parse_dates(col("event_date"), dayfirst)
    problems.add_reasons(why, field("event_date"), col("event_date"))
    out["date_start"] = date
    out["date_end"] = date
    if "time_precision" in lower:
        tp = col("time_precision")
        prec = lookup(tp, TIME_PRECISION)
        bad = pd.isna(prec)
        problems.add(
            bad,
            field("time_precision"),
            tp,
            np.where(blank(tp), "missing time_precision", "time_precision not 1, 2 or 3"),
        )
        out["date_precision"] = prec
    else:
        out["date_precision"] = "day"

    out["lat"], out["lon"] = locate_latlon(
        col("latitude"), col("longitude"), problems, field("latitude"), field("longitude")
    )
    out["location_precision_m"] = (
        precision_m(
            col("geo_precision"),
            GEO_PRECISION_M,
            problems,
            field("geo_precision"),
            "geo_precision not 1, 2 or 3",
        )
        if "geo_precision" in lower
        else np.nan
    )
    out["place"] = text_or_none(col("location"))
    out["actor"] = text_or_none(col("actor1"))
    out["target"] = text_or_none(col("actor2"))
    fat, why = parse_count(col("fatalities"), missing=("",))
    problems.add_reasons(why, field("fatalities"), col("fatalities"))
    out["fatalities"] = fat
    out["source"] = text_or_none(col("source"))
    out["notes"] = text_or_none(col("notes"))
    out.update(lower.extras(EXTRA))
    return frame_from(out, frame.index)


def _event_kind(u: pd.Series) -> tuple[np.ndarray]:
    t = u.str.strip().str.lower()
    kind = np.full(len(t), "other", dtype=object)
    kind[t.str.startswith("violence against civilians").to_numpy()] = "civcas"
    kind[t.str.startswith("battle").to_numpy()] = "ground"
    return (kind,)


def _is_strike(u: pd.Series) -> tuple[np.ndarray]:
    t = u.str.strip().str.lower()
    return (t.isin(["air/drone strike", "air strike", "airstrike"]).to_numpy(),)
