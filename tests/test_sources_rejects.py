"""The record checks of a stored event table: one function, used by read_events and by scale."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
from shapely.geometry import Point, Polygon

from geoconflict.sources import read_events
from geoconflict.sources.rejects import check_event_records, rejects_frame
from geoconflict.synthetic import synthetic_events


def _damaged() -> gpd.GeoDataFrame:
    events = synthetic_events(6, seed=3)
    events["date_start"] = events["date_start"].astype(object)
    events.loc[1, "date_start"] = None
    events.loc[3, "geometry"] = Point()
    events.loc[4, "geometry"] = Polygon([(43, 36), (43.1, 36), (43.1, 36.1)])
    return events


def test_check_event_records_names_row_field_and_reason() -> None:
    problems = check_event_records(_damaged())
    assert problems.bad.tolist() == [False, True, False, True, True, False]
    ledger = problems.frame()
    assert ledger[["row", "field", "reason"]].values.tolist() == [
        [2, "date_start", "missing date"],
        [4, "geometry", "missing geometry"],
        [5, "geometry", "geometry is not a point"],
    ]


def test_read_events_applies_exactly_those_checks(tmp_path: Path) -> None:
    events = _damaged()
    path = tmp_path / "events.parquet"
    events.to_parquet(path)
    assert pq.read_metadata(path).num_rows == 6
    result = read_events(path)
    expected = check_event_records(gpd.read_parquet(path)).frame()
    pd.testing.assert_frame_equal(result.rejects, expected)
    assert (result.records, result.accepted, result.rejected) == (6, 3, 3)


def test_rejects_frame_sorts_by_row_and_keeps_its_types() -> None:
    a = pd.DataFrame({"row": [3], "field": ["f"], "value": ["x"], "reason": ["r"]})
    b = pd.DataFrame({"row": [1], "field": ["g"], "value": [None], "reason": ["s"]})
    out = rejects_frame([a, b])
    assert out["row"].tolist() == [1, 3] and str(out["row"].dtype) == "int64"
    assert rejects_frame().columns.tolist() == ["row", "field", "value", "reason"]
