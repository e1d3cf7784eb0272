"""The events and strikes layers list the rows they cannot draw by one rule."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geoconflict.render.encode import pack_ids
from geoconflict.render.events import encode_events
from geoconflict.render.strikes import strike_cells


def _table(with_ids: bool) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "date_start": pd.to_datetime(["2016-03-20", None, None]),
            "kind": ["strike"] * 3,
            "strikes": [2, 1, 3],
            "place": ["Hit", "Hit", "Hit"],
        },
        geometry=[Point(42.8, 33.6), Point(42.8, 33.6), None],
        crs=4326,
    )
    if with_ids:
        frame.insert(0, "event_id", ["s-1", "s-2", "s-3"])
    return frame


def _ledger(skipped: pd.DataFrame) -> list[tuple[int, str, str]]:
    return sorted(zip(skipped["row"], skipped["field"], skipped["value"], strict=True))


def test_both_layers_list_each_bad_field_of_a_row() -> None:
    # Row 2 has no date; row 3 has neither a date nor a point: one ledger row per field.
    want = [(2, "date_start", "s-2"), (3, "date_start", "s-3"), (3, "geometry", "s-3")]
    _payload, from_events = encode_events(_table(True))
    _cells, from_strikes = strike_cells(_table(True))
    assert _ledger(from_events) == want
    assert _ledger(from_strikes) == want


def test_without_event_ids_both_layers_name_rows_by_their_1_based_number() -> None:
    want = [(2, "date_start", "2"), (3, "date_start", "3"), (3, "geometry", "3")]
    payload, from_events = encode_events(_table(False))
    # the page names the one event it draws by the same number (popup, openPopup("1"))
    assert payload["id"] == pack_ids(pd.Series(["1"]))
    _cells, from_strikes = strike_cells(_table(False))
    assert _ledger(from_events) == want
    assert _ledger(from_strikes) == want
