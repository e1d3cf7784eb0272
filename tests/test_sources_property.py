"""Property: whatever mix of good and bad records, nothing is lost and the ledger is exact."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoconflict.sources import read_events

GOOD_LAT = st.floats(min_value=-89.9, max_value=89.9).map(lambda v: f"{v:.5f}")
BAD_LAT = st.sampled_from(["abc", "", "95", "-91", "nan", "1e400"])
GOOD_DATE = st.dates(
    min_value=pd.Timestamp("1700-01-01").date(), max_value=pd.Timestamp("2262-01-01").date()
).map(str)
BAD_DATE = st.sampled_from(["", "2017-02-30", "yesterday", "31/13/2017", "2263-01-01"])

record = st.tuples(
    st.one_of(GOOD_LAT, BAD_LAT), st.one_of(GOOD_DATE, BAD_DATE), st.text(max_size=20)
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(record, min_size=1, max_size=30), chunksize=st.integers(4, 40))
def test_accepted_plus_rejected_is_every_record(rows, chunksize):
    frame = pd.DataFrame(rows, columns=["lat", "date", "notes"]).assign(lon="43.1")
    text = frame.to_csv(index=False, quoting=csv.QUOTE_ALL)
    result = read_events(io.StringIO(text), format="csv", chunksize=chunksize)
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lat_ok = lat.abs().le(90) & frame["lat"].ne("")
    lat_ok &= ~((lat == 0) & True)  # 0, 43.1 is fine; only 0, 0 is refused (not generated)
    date_ok = frame["date"].str.match(r"^\d{4}-\d{2}-\d{2}$") & ~frame["date"].isin(
        ["2017-02-30", "2263-01-01"]
    )
    good = (lat_ok | (lat == 0)) & date_ok
    assert result.records == len(rows)
    assert result.accepted + result.rejected == len(rows)
    assert set(result.rejects["row"]) == {i + 1 for i in range(len(rows)) if not good[i]}
    assert result.events["notes"].fillna("").tolist() == frame["notes"][good].tolist()


HEADERS = {
    "acled": ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
              "latitude", "longitude", "geo_precision", "fatalities", "notes"],
    "ucdp": ["id", "date_start", "date_end", "date_prec", "where_prec", "latitude", "longitude",
             "best", "low", "high", "deaths_civilians", "type_of_violence"],
    "airwars": ["code", "date", "date_end", "latitude", "longitude", "geolocation_accuracy_slug",
                "civilian_harm_status_slug", "strike_status_slug",
                "civilian_non_combatants_killed_min", "civilian_non_combatants_killed_max",
                "belligerent_1_mgrs_coordinate"],
    "csv": ["date", "coordinates", "mgrs", "kind", "grading", "strikes", "civilians_killed"],
}  # fmt: skip
FIELD = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1", "3", "-1", "2017-03-17", "17/03/2017", "36.3", "43.1", "0",
                     "36°20'N", "13 – 46", "Unknown", "confirmed", "declared_strike",
                     "38SLF1234567890", "38SLF12345", "36.3, 43.1", "strike", "nan", "1e400"]),
)  # fmt: skip


@pytest.mark.slow  # over two seconds (the slow rule)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(sorted(HEADERS)), data=st.data())
def test_garbage_never_crashes_and_counts_add_up(fmt, data):
    header = HEADERS[fmt]
    rows = data.draw(st.lists(st.lists(FIELD, min_size=len(header), max_size=len(header)),
                              min_size=1, max_size=15))  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    result = read_events(io.StringIO(buffer.getvalue()), format=fmt, chunksize=8)
    assert result.records == len(rows)
    assert result.accepted + result.rejected == len(rows)
    assert result.events["event_id"].is_unique
    assert set(result.rejects["row"]) <= set(range(1, len(rows) + 1))
