"""Airwars incident exports (``incidents-<conflict>.csv``).

The incident code (CI463, CS1740) is the ``event_id``; ``civilian_harm_status_slug``
is the ``grading``; ``strike_status_slug`` becomes the extra column ``strike_status``
(declared, likely, contested, single_source_claim). Civilians killed come from
``civilian_non_combatants_killed_min``/``_max`` (or ``civilians_killed_min``/``_max``),
each of which may also hold a text range ("13 – 46", "13-46"; "Unknown" is missing),
or from one text column ``civilians_killed``. ``geolocation_accuracy_slug`` maps
through :data:`ACCURACY_M`. A row with no latitude/longitude but a belligerent MGRS
grid (``belligerent_N_mgrs_coordinate``, the lowest N that has one) is located at the
centre of the grid cell, and the cell size sets ``location_precision_m``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from geoconflict.sources.columns import (
    Columns,
    blank,
    frame_from,
    lookup,
    text_or_na,
    text_or_none,
)
from geoconflict.sources.coordinates import locate_latlon, locate_mgrs, precision_m
from geoconflict.sources.datetimes import DayFirst, end_dates, parse_date_columns
from geoconflict.sources.numbers import parse_range
from geoconflict.sources.rejects import Problems
from geoconflict.vocab import GRADINGS

#: geolocation_accuracy_slug -> radius of uncertainty in metres (approximate sizes
#: of the named units around Mosul and Raqqa; exact slugs get 10 m).
ACCURACY_M: dict[str, float] = {
    "province_governorate": 100_000.0,
    "district": 30_000.0,
    "subdistrict": 15_000.0,
    "city": 5_000.0,
    "town": 2_000.0,
    "village": 1_000.0,
    "neighbourhood_area": 500.0,
    "street": 100.0,
    "nearby_landmark": 100.0,
    "within_100m_via_coalition": 100.0,
    "within_1m_via_coalition": 1.0,
    "exact_location_via_airwars": 10.0,
    "exact_location_via_coalition": 10.0,
    "exact_location_other": 10.0,
}
#: strike_status_slug -> strike_status.
STRIKE_STATUS: dict[str, str] = {
    "declared_strike": "declared",
    "likely_strike": "likely",
    "contested_strike": "contested",
    "single_source_claim": "single_source_claim",
    "declared": "declared",
    "likely": "likely",
    "contested": "contested",
}
_KILLED_PAIRS = (
    ("civilian_non_combatants_killed_min", "civilian_non_combatants_killed_max"),
    ("civilians_killed_min", "civilians_killed_max"),
)
_KILLED_TEXT = ("civilian_non_combatants_killed", "civilians_killed")


def convert(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    path: object = None,
    dayfirst: DayFirst = None,
) -> pd.DataFrame:
    """Turn an Airwars export (text columns) into contract columns.

    ``dayfirst`` sets the day/month order of slash/dot dates, shared by ``date`` and
    ``date_end`` (None: inferred from both, see
    :func:`~geoconflict.sources.datetimes.parse_dates`).

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["CI550"], "date": ["2017-03-17"], "latitude": ["36.33256"],
    ...     "longitude": ["43.1059"], "civilian_harm_status_slug": ["confirmed"],
    ...     "civilian_non_combatants_killed_min": ["105"],
    ...     "civilian_non_combatants_killed_max": ["141"]})
    >>> out = convert(t, Problems(np.array([1])))
    >>> out[["event_id", "grading", "civilians_killed_max"]].to_dict("records")
    [{'event_id': 'CI550', 'grading': 'confirmed', 'civilians_killed_max': 141}]
    """
    lower = Columns(frame)
    col, field = lower.text, lower.field
    lower.require(("date",), "Airwars file", path)
    n = len(frame)
    out: dict[str, Any] = {}
    out["event_id"] = text_or_none(col("code").str.strip())
    out["dataset"] = "airwars"
    out["kind"] = "civcas"
    has_end = "date_end" in lower
    dates = parse_date_columns(
        col("date"), *([col("date_end")] if has_end else []), dayfirst=dayfirst
    )
    start, why = dates[0]
    problems.add_reasons(why, field("date"), col("date"))
    out["date_start"] = start
    if has_end:
        out["date_end"] = end_dates(start, dates[1], problems, field("date_end"), col("date_end"))
    else:
        out["date_end"] = start
    out["date_precision"] = "day"

    # Location: latitude/longitude where given, else the first belligerent MGRS grid.
    lat_t, lon_t = col("latitude"), col("longitude")
    has_ll = ~(blank(lat_t) & blank(lon_t))
    mgrs_cols = sorted(
        (c for c in lower if re.fullmatch(r"belligerent_\d+_mgrs_coordinate", c)),
        key=lambda c: int(c.split("_")[1]),
    )
    grid_ref = pd.Series("", index=frame.index, dtype="str")
    grid_field = np.full(n, "latitude", dtype=object)
    for c in mgrs_cols:
        text = col(c)
        take = blank(grid_ref) & ~blank(text)
        grid_ref = grid_ref.where(~take, text)
        grid_field[take] = lower[c]
    lat, lon = locate_latlon(
        lat_t,
        lon_t,
        problems,
        field("latitude"),
        field("longitude"),
        check_rows=has_ll | blank(grid_ref),
    )
    glat, glon, canonical, gprec = locate_mgrs(
        grid_ref, _FieldSplit(problems, grid_field), "mgrs", need=~has_ll & ~blank(grid_ref)
    )
    use_grid = ~has_ll
    out["lat"] = np.where(use_grid, glat, lat)
    out["lon"] = np.where(use_grid, glon, lon)
    out["mgrs"] = canonical
    acc_text = col("geolocation_accuracy_slug")
    acc = precision_m(
        acc_text,
        ACCURACY_M,
        problems,
        field("geolocation_accuracy_slug"),
        "unknown geolocation accuracy",
        check_rows=has_ll,
    )
    out["location_precision_m"] = np.where(use_grid, gprec, acc)
    out["geolocation_accuracy"] = text_or_none(acc_text)

    grading_text = col("civilian_harm_status_slug")
    grading = grading_text.str.strip().str.lower()
    bad = ~grading.isin(list(GRADINGS)).to_numpy() & ~blank(grading_text)
    problems.add(
        bad,
        field("civilian_harm_status_slug"),
        grading_text,
        f"grading not one of {', '.join(GRADINGS)}",
    )
    out["grading"] = np.where(blank(grading_text), "unknown", grading.to_numpy(dtype=object))
    status_text = col("strike_status_slug")
    status = lookup(status_text, STRIKE_STATUS)
    problems.add(
        pd.isna(status) & ~blank(status_text),
        field("strike_status_slug"),
        status_text,
        "unknown strike status",
    )
    out["strike_status"] = status

    lo = pd.Series(pd.array([pd.NA] * n, dtype="Int64"), index=frame.index)
    hi = lo.copy()
    pair = next((p for p in _KILLED_PAIRS if p[0] in lower or p[1] in lower), None)
    if pair is not None:
        lo_a, lo_b, why = parse_range(col(pair[0]))
        problems.add_reasons(why, field(pair[0]), col(pair[0]))
        _, hi_b, why = parse_range(col(pair[1]))
        problems.add_reasons(why, field(pair[1]), col(pair[1]))
        # A min column may hold a whole range ("13 – 46"): its high end fills a missing max.
        lo = lo_a
        hi = hi_b.fillna(lo_b.where((lo_b != lo_a).fillna(False)))
        inverted = (lo > hi).fillna(False).to_numpy()
        problems.add(inverted, field(pair[0]), col(pair[0]), "minimum above maximum")
    else:
        text_col = next((c for c in _KILLED_TEXT if c in lower), None)
        if text_col is not None:
            lo, hi, why = parse_range(col(text_col))
            problems.add_reasons(why, field(text_col), col(text_col))
    out["civilians_killed_min"] = lo.to_numpy()
    out["civilians_killed_max"] = hi.to_numpy()
    out["place"] = text_or_none(col("location_name"))
    actor_col = next(
        (c for c in ("belligerents", "belligerent_1_name", "belligerent") if c in lower), None
    )
    out["actor"] = text_or_none(col(actor_col)) if actor_col else None
    url_col = next((c for c in ("url", "permalink", "link", "source_url") if c in lower), None)
    out["source_url"] = text_or_none(col(url_col)) if url_col else None
    out["source"] = "Airwars"
    notes_col = next((c for c in ("summary", "notes", "geolocation_notes") if c in lower), None)
    out["notes"] = text_or_none(col(notes_col)) if notes_col else None
    if "country_name" in lower:
        out["country"] = text_or_na(col("country_name"))
    return frame_from(out, frame.index)


class _FieldSplit(Problems):
    """Routes grid rejects to the belligerent column each row's grid came from."""

    def __init__(self, inner: Problems, fields: np.ndarray) -> None:
        self.inner = inner
        self.fields = fields
        self.rows = inner.rows
        self.bad = inner.bad

    def add(self, mask: Any, field: str, values: Any, reasons: Any) -> None:
        m = np.asarray(mask, dtype=bool)
        why = np.full(len(m), reasons, dtype=object) if isinstance(reasons, str) else reasons
        for name in pd.unique(self.fields[m]):
            sel = m & (self.fields == name)
            self.inner.add(sel, str(name), values, why)
        self.bad = self.inner.bad
