"""One time-zone rule: text dates with mixed UTC offsets or forms read the same everywhere."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geoconflict import link, summary
from geoconflict.dates import parse_utc

# The same instant written four ways (pandas would read all in the first one's form).
MIXED = [
    "2017-03-17T01:30:00+03:00",
    "2017-03-16T22:30:00Z",
    "2017-03-16 22:30",
    "16 March 2017 22:30",
    "bad",
]


def test_parse_utc_reads_mixed_offsets_as_one_utc_column():
    got = parse_utc(pd.Series(MIXED)).tolist()
    assert got[:4] == [pd.Timestamp("2017-03-16 22:30")] * 4 and pd.isna(got[4])


def test_link_and_summaries_take_text_dates_with_mixed_offsets():
    # pandas refuses mixed offsets unless asked for UTC: link.match and period_start failed
    events = gpd.GeoDataFrame(
        {"event_id": ["a", "b", "c", "d"], "date_start": MIXED[:4]},
        geometry=gpd.points_from_xy([43.1] * 4, [36.3] * 4),
        crs=4326,
    )
    pairs = link.match(events, events, 10, 0)
    assert len(pairs) == 16 and set(pairs["days_apart"]) == {0}
    days = summary.period_start(events["date_start"], "day").astype(str).tolist()
    assert days == ["2017-03-16"] * 4
