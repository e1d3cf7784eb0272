from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoconflict.errors import DataError
from geoconflict.events import (
    EVENT_COLUMNS,
    ReadResult,
    RejectsLedger,
    conform,
    content_id,
    dedupe_ids,
    empty_events,
    validate,
)
from geoconflict.synthetic import synthetic_events


def test_conform_adds_columns_and_dtypes() -> None:
    t = conform(
        pd.DataFrame(
            {
                "lat": [36.3, 35.9],
                "lon": [43.1, 39.0],
                "date_start": ["2017-03-17", "2017-06-09"],
                "strikes": [3, None],
                "notes": ["<b>x</b>", None],
            }
        )
    )
    assert list(t.columns) == list(EVENT_COLUMNS)
    assert str(t["strikes"].dtype) == "Int64"
    assert t["strikes"].isna().tolist() == [False, True]
    assert t["notes"].tolist() == ["<b>x</b>", None]
    assert t.geometry.x.tolist() == [43.1, 39.0]
    assert (t["date_end"] == t["date_start"]).all()


def test_conform_reprojects() -> None:
    import geopandas as gpd

    g = gpd.GeoDataFrame(
        {"event_id": ["a"]}, geometry=gpd.points_from_xy([500000], [0]), crs="EPSG:32638"
    )
    t = conform(g)
    assert t.crs.to_epsg() == 4326
    assert t.geometry.x.iloc[0] == pytest.approx(45.0)


def test_conform_needs_geometry() -> None:
    with pytest.raises(DataError):
        conform(pd.DataFrame({"x": [1]}))


def test_validate_catches_duplicates_and_bad_kinds_naming_record_and_field() -> None:
    t = conform(pd.DataFrame({"event_id": ["a", "b", "a"], "lat": [1, 2, 3], "lon": [1, 2, 3]}))
    with pytest.raises(DataError, match=r"record 3, field 'event_id': 'a' repeats record 1"):
        validate(t)
    t = conform(
        pd.DataFrame({"event_id": ["a", "b"], "kind": ["strike", "bomb"], "lat": [1, 1],
                      "lon": [1, 1]})
    )  # fmt: skip
    with pytest.raises(DataError, match=r"record 2, field 'kind': 'bomb' is not one of"):
        validate(t)
    validate(empty_events())


def test_content_id_is_stable_and_distinct() -> None:
    a = content_id("csv-", ["x", "y"], [1, 2])
    b = content_id("csv-", ["x", "y"], [1, 2])
    assert a.tolist() == b.tolist()
    assert a[0] != a[1]
    assert a[0].startswith("csv-") and len(a[0]) == 20
    assert dedupe_ids(["a", "a", "a"]).tolist() == ["a", "a-2", "a-3"]


def test_ledger_and_invariant() -> None:
    ledger = RejectsLedger()
    ledger.add(2, "latitude", "abc", "not a number")
    ledger.add(2, "date", "", "missing date")
    ledger.add_many([5], "mgrs", ["38SXX"], "bad square")
    frame = ledger.to_frame()
    assert frame["row"].tolist() == [2, 2, 5]
    ev = conform(pd.DataFrame({"event_id": ["a", "b"], "lat": [1, 2], "lon": [1, 2]}))
    r = ReadResult(ev, frame, records=4, format="csv")
    assert (r.accepted, r.rejected) == (2, 2)
    r.check()
    with pytest.raises(DataError):
        ReadResult(ev, frame, records=5, format="csv").check()


def test_synthetic_is_flagged_and_reproducible() -> None:
    a = synthetic_events(1000, seed=3)
    b = synthetic_events(1000, seed=3)
    assert (a["dataset"] == "synthetic").all()
    assert a["event_id"].is_unique
    assert np.array_equal(a.geometry.x.to_numpy(), b.geometry.x.to_numpy())
    assert a["date_start"].min() >= pd.Timestamp("2014-08-08")
    assert a["date_start"].max() <= pd.Timestamp("2017-12-31")
    validate(a)


def test_dedupe_never_reuses_or_renames_a_real_id() -> None:
    assert dedupe_ids(["IRQ1", "IRQ1", "IRQ1-2"]).tolist() == ["IRQ1", "IRQ1-3", "IRQ1-2"]
    assert dedupe_ids(["a", "a"], taken=["a-2"]).tolist() == ["a", "a-3"]


def test_read_keeps_ids_unique_when_a_suffix_is_a_real_id(tmp_path) -> None:
    from geoconflict.sources import read_events

    head = "event_id_cnty,event_date,latitude,longitude,event_type,sub_event_type,fatalities"
    rows = [
        f"{i},2017-01-0{d},36.3,43.1,Battles,Armed clash,0"
        for d, i in enumerate(["IRQ1", "IRQ1", "IRQ1-2"], start=1)
    ]
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([head, *rows]) + "\n")
    events = read_events(path, format="acled").events
    assert events["event_id"].tolist() == ["IRQ1", "IRQ1-3", "IRQ1-2"]
    validate(events)


def test_value_lists_are_the_vocab_lists() -> None:
    from geoconflict import events, vocab

    # One home: the event table re-exports vocab's lists, it keeps no copy of its own.
    assert events.KINDS is vocab.KINDS
    assert events.GRADINGS is vocab.GRADINGS
    assert events.DATE_PRECISIONS is vocab.DATE_PRECISIONS


def test_aware_dates_become_naive_utc_in_the_contract() -> None:
    from geoconflict.events import coerce_column

    out = coerce_column(pd.Series(["2017-07-10T01:30+03:00", None]), "datetime64[ns]")
    assert str(out.dtype) == "datetime64[ns]"
    assert out.iloc[0] == pd.Timestamp("2017-07-09 22:30") and pd.isna(out.iloc[1])


def test_validate_names_repeated_missing_ids_too() -> None:
    t = conform(pd.DataFrame({"event_id": ["a", None, None], "lat": [1, 2, 3], "lon": [1, 2, 3]}))
    with pytest.raises(DataError, match=r"record 3, field 'event_id': None repeats record 2"):
        validate(t)
