"""Content ids (vectorised, pinned), repeated-id detection and the fast event-table assembly."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geoconflict.events import conform, content_id, validate
from geoconflict.sources import acled, airwars, read_events, ucdp
from geoconflict.sources.assembly import concat_parts, finish, finish_part, unique_ids
from geoconflict.sources.columns import as_text
from geoconflict.sources.rejects import Problems

FIX = Path(__file__).parent / "fixtures_sources"


def test_content_id_values_are_pinned() -> None:
    # The ids are published in outputs: a change of hash, key or text form must show here.
    assert content_id("csv-", ["a", "b"], [1, 2]).tolist() == [
        "csv-a4171884a1842653",
        "csv-d13c4eb441529f26",
    ]
    dates = pd.to_datetime(pd.Series(["2017-01-02", "2017-01-03"]))
    assert content_id("r-", dates, ["x", "y"]).tolist() == [
        "r-a929097348b4a1f9",
        "r-27d99ff1f1923f05",
    ]


def test_content_id_text_forms() -> None:
    # Missing values read as "", whatever their kind; dates as ISO seconds, any container.
    a = content_id("x-", np.array(["a", None, np.nan, pd.NA], dtype=object))
    assert a[1] == a[2] == a[3] == content_id("x-", [""])[0]
    assert a[0] != a[1]
    as_objects = content_id("r-", [pd.Timestamp("2017-01-02")], ["x"])
    as_text = content_id("r-", ["2017-01-02T00:00:00"], ["x"])
    assert as_objects[0] == as_text[0] == "r-a929097348b4a1f9"
    aware = pd.Series(pd.to_datetime(["2017-01-02 03:00"]).tz_localize("Asia/Baghdad"))
    assert content_id("r-", aware, ["x"])[0] == "r-a929097348b4a1f9"  # 03:00 +03 is 00:00 UTC
    # The separator keeps column boundaries: ("ab", "c") differs from ("a", "bc").
    assert content_id("x-", ["ab"], ["c"])[0] != content_id("x-", ["a"], ["bc"])[0]
    assert content_id("x-", [1.5])[0] == content_id("x-", ["1.5"])[0]
    assert content_id("x-").tolist() == [] and content_id("x-", []).tolist() == []
    with pytest.raises(ValueError, match="different lengths"):
        content_id("x-", ["a", "b"], ["c"])


def test_content_id_over_many_rows_is_distinct_and_repeatable() -> None:
    n = 200_000
    names = pd.Series(np.arange(n)).astype(str)
    ids = content_id("csv-", names, np.zeros(n, dtype=int))
    assert len(set(ids.tolist())) == n
    assert ids[12345] == content_id("csv-", ["12345"], [0])[0]
    assert all(len(i) == 20 and i.startswith("csv-") for i in ids[:100])


def test_repeated_ids_found_through_hashes_even_when_hashes_collide() -> None:
    text = "event_id_cnty,event_date,latitude,longitude\n" + "".join(
        f"{i},2017-01-02,36.3,43.1\n" for i in ["A", "B", "A", "C", "D"]
    )
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    problems = Problems(np.arange(1, 6))
    part = finish_part("acled", frame, acled.convert(frame, problems), problems)
    events = concat_parts([part])
    # Honest hashes: A repeats.
    out = unique_ids(events.copy(), part.id_hash)
    assert out["event_id"].tolist() == ["A", "B", "A-2", "C", "D"]
    # Forced collisions: B, C and D share a hash but differ, so they stay as they are.
    fake = np.array([7, 9, 7, 9, 9], dtype=np.uint64)
    out = unique_ids(events.copy(), fake)
    assert out["event_id"].tolist() == ["A", "B", "A-2", "C", "D"]
    # No shared hash: nothing to do, nothing touched.
    out = unique_ids(concat_parts([part]), np.arange(5, dtype=np.uint64))
    assert out["event_id"].tolist() == ["A", "B", "A", "C", "D"]


def _old_finish(raw: pd.DataFrame, converted: pd.DataFrame, problems: Problems, fmt: str):
    """The assembly as it was: drop rejects, content ids for missing ids, then conform."""
    keep = ~problems.bad
    out = converted[keep]
    ids = out["event_id"].to_numpy(dtype=object).copy()
    missing = pd.isna(ids)
    if missing.any():
        kept_raw = raw[keep][missing]
        ids[missing] = content_id(
            f"{out['dataset'].iloc[0]}-", *(kept_raw[c].to_numpy(dtype=object) for c in kept_raw)
        )
    return conform(out.assign(event_id=pd.Series(ids, index=out.index, dtype=object)))


@pytest.mark.parametrize(
    ("name", "module", "fmt"),
    [
        ("acled_2023.csv", acled, "acled"),
        ("acled_legacy.csv", acled, "acled"),
        ("acled_older.csv", acled, "acled"),
        ("airwars_incidents.csv", airwars, "airwars"),
    ],
)
def test_fast_assembly_equals_conform(name: str, module, fmt: str) -> None:
    raw = pd.read_csv(FIX / name, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw = pd.DataFrame({c: as_text(raw[c]) for c in raw.columns})
    problems = Problems(np.arange(1, len(raw) + 1))
    converted = module.convert(raw, problems)
    fast = finish(fmt, raw, converted, problems)
    slow = _old_finish(raw, converted, problems, fmt).reset_index(drop=True)
    assert len(fast) > 0 and list(fast.columns) == list(slow.columns)
    pd.testing.assert_frame_equal(
        pd.DataFrame(fast.drop(columns="geometry")), pd.DataFrame(slow.drop(columns="geometry"))
    )
    assert fast.geometry.geom_equals(slow.geometry).all()
    assert fast.crs == slow.crs
    validate(unique_ids(fast))


def test_fast_assembly_fills_missing_ids_and_absent_columns() -> None:
    raw = pd.DataFrame(
        {
            "id": ["7", "", "9"],
            "date_start": ["2017-03-17", "2017-03-18", "2017-03-19"],
            "where_prec": ["1", "1", "9"],
            "best": ["3", "x", "1"],
            "latitude": ["36.3", "36.4", "36.5"],
            "longitude": ["43.1", "43.2", "43.3"],
        }
    )
    problems = Problems(np.arange(1, 4))
    converted = ucdp.convert(raw, problems)
    fast = finish("ucdp", raw, converted, problems)
    slow = _old_finish(raw, converted, problems, "ucdp").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        pd.DataFrame(fast.drop(columns="geometry")), pd.DataFrame(slow.drop(columns="geometry"))
    )
    assert fast["strikes"].dtype == "Int64" and fast["strikes"].isna().all()
    assert fast["mgrs"].tolist() == [None] * len(fast)


def test_chunks_with_no_id_get_ids_that_do_not_depend_on_chunking(tmp_path) -> None:
    rows = "".join(f",2017-01-{1 + i % 28:02d},36.{i},43.1\n" for i in range(500))
    path = tmp_path / "no_ids.csv"
    path.write_text("event_id_cnty,event_date,latitude,longitude\n" + rows, encoding="utf-8")
    whole = read_events(path)
    chunked = read_events(path, chunksize=37)
    assert whole.events["event_id"].tolist() == chunked.events["event_id"].tolist()
    assert whole.events["event_id"].is_unique
    assert whole.events["event_id"].str.fullmatch(r"acled-[0-9a-f]{16}").all()
