"""Airwars exports: codes, grading, strike status, killed ranges, MGRS-only rows, rejects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geoconflict import grid
from geoconflict.events import validate
from geoconflict.sources import read_events

FIX = Path(__file__).parent / "fixtures_sources"


@pytest.fixture(scope="module")
def result():
    return read_events(FIX / "airwars_incidents.csv")


def test_counts_and_contract(result):
    assert result.format == "airwars"
    assert (result.records, result.accepted, result.rejected) == (10, 5, 5)
    validate(result.events)
    assert result.events["event_id"].tolist() == ["CI550", "CS1396", "CI9001", "CI9002", "CS1740"]
    assert set(result.events["kind"]) == {"civcas"}


def test_grading_status_and_killed(result):
    ev = result.events.set_index("event_id")
    assert ev["grading"].tolist() == ["confirmed", "fair", "weak", "contested", "unknown"]
    assert ev["strike_status"].tolist() == ["declared", "likely", "declared", "contested", "likely"]
    assert ev["civilians_killed_min"].tolist()[:2] == [105, 23]
    assert ev["civilians_killed_max"].tolist()[:2] == [141, 46]
    # "Unknown" is missing, not zero; "13-46" parses like "13 – 46".
    assert ev.loc["CI9002", "civilians_killed_min"] is pd.NA
    assert ev.loc["CI9002", "civilians_killed_max"] is pd.NA
    assert (ev.loc["CS1740", "civilians_killed_min"], ev.loc["CS1740", "civilians_killed_max"]) == (
        13,
        46,
    )
    assert ev.loc["CI9002", "date_end"] == pd.Timestamp("2017-05-05")
    assert ev.loc["CI550", "place"] == "al-Jadida, near al-Rahma hospital"
    assert ev.loc["CI550", "country"] == "Iraq"


def test_precision_from_accuracy_and_from_grid(result):
    ev = result.events.set_index("event_id")
    assert ev.loc["CI550", "location_precision_m"] == 500.0  # neighbourhood_area
    assert ev.loc["CS1396", "location_precision_m"] == 100.0  # nearby_landmark
    assert ev.loc["CS1740", "location_precision_m"] == 5_000.0  # city
    # MGRS-only rows: located at the cell centre, precision = half the cell diagonal.
    expect = grid.parse(["38SLF1234567890", "38SLF123678"], anchor="center")
    for code, i, half_diag in (("CI9001", 0, np.sqrt(2) / 2), ("CI9002", 1, 100 * np.sqrt(2) / 2)):
        row = ev.loc[code]
        assert row["mgrs"] == expect["canonical"][i]
        assert row["location_precision_m"] == pytest.approx(half_diag)
        assert row.geometry.y == pytest.approx(expect["lat"][i], abs=1e-12)
        assert row.geometry.x == pytest.approx(expect["lon"][i], abs=1e-12)
    # Rows with coordinates keep them as given.
    assert (ev.loc["CI550"].geometry.y, ev.loc["CI550"].geometry.x) == (36.33256, 43.1059)
    # The 1 m grid lands in Iraq, near Mosul (sanity check on the wiring, not on grid.py).
    assert 36.0 < ev.loc["CI9001"].geometry.y < 37.0 and 42.5 < ev.loc["CI9001"].geometry.x < 43.5


def test_rejects(result):
    rej = result.rejects
    got = [(int(r), f, why) for r, f, _v, why in rej.itertuples(index=False)]
    assert got[0][:2] == (5, "belligerent_1_mgrs_coordinate")
    assert got[0][2].startswith("bad MGRS")
    assert got[1:] == [
        (6, "latitude", "missing coordinate"),
        (6, "longitude", "missing coordinate"),
        (7, "civilian_harm_status_slug",
         "grading not one of confirmed, fair, weak, contested, discounted, unknown"),
        (8, "civilian_non_combatants_killed_min", "not a number or range"),
        (9, "civilian_non_combatants_killed_min", "minimum above maximum"),
    ]  # fmt: skip
    assert rej.loc[rej["row"] == 5, "value"].item() == "38SLF12345"
