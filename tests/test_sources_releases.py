"""CJTF-OIR strike releases: one event per strike line, dates, countries, gazetteer, rejects."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from geoconflict.sources import read_events
from geoconflict.sources.releases import NEAR_PLACE_RADIUS_M

FIX = Path(__file__).parent / "fixtures_sources"

GAZ = pd.DataFrame(
    {
        "place_id": ["raqqa", "albu_kamal", "deir", "al_qaim", "mosul", "tal_afar"],
        "name": ["Ar Raqqah", "Albu Kamal", "Deir ez-Zor", "Al Qa'im", "Mosul", "Tal Afar"],
        "variants": ["Raqqa|Raqqah", "Abu Kamal", "Deir ez-Zawr|Dayr az Zawr", "", None, ""],
        "country": ["SY", "SY", "SY", "IQ", "IQ", "IQ"],
        "lat": [35.95283, 34.45226, 35.336, 34.39251, 36.335, 36.3766],
        "lon": [39.00788, 40.91854, 40.14, 40.98945, 43.11889, 42.4497],
        "accuracy_m": [4000.0, 3000.0, 5000.0, 5000.0, 20000.0, 3000.0],
    }
)


@pytest.fixture(scope="module")
def result():
    return read_events(FIX / "release_2017-08-22.txt", gazetteer=GAZ)


def test_release_detected_and_counted(result):
    assert result.format == "releases"
    assert (result.records, result.accepted, result.rejected) == (11, 8, 3)


def test_release_events(result):
    ev = result.events
    assert ev["place"].tolist() == [
        "Abu Kamal", "Raqqah", "Deir ez-Zawr", "Al Qa'im", "Mosul", "Tal Afar", "Raqqa",
        "Ar Raqqah",
    ]  # fmt: skip
    assert ev["strikes"].tolist() == [1, 20, 3, 1, 2, 21, 11, 1]
    assert ev["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21",
        "2017-08-20", "2017-08-19",
    ]  # fmt: skip
    assert ev["country"].tolist() == ["Syria"] * 3 + ["Iraq"] * 3 + ["Syria"] * 2
    assert set(ev["kind"]) == {"strike"} and set(ev["dataset"]) == {"release"}
    assert set(ev["enemy"]) == {"ISIS"}
    raqqa = ev.iloc[1]
    assert raqqa["target"] == (
        "engaged 13 ISIS tactical units and destroyed 24 fighting positions, a vehicle, "
        "and an ISIS headquarters."
    )
    assert raqqa["notes"].startswith("-- Near Raqqah, 20 strikes")
    assert (raqqa.geometry.y, raqqa.geometry.x) == (35.95283, 39.00788)
    assert raqqa["place_id"] == "raqqa"
    assert raqqa["source"] == "CJTF-OIR strike release 2017-08-22"
    # "Near": never finer than the near-place radius; the gazetteer's accuracy if coarser.
    assert raqqa["location_precision_m"] == NEAR_PLACE_RADIUS_M
    assert ev.iloc[4]["location_precision_m"] == 20_000.0
    assert ev.iloc[4]["target"] == (
        "engaged an ISIS tactical unit; destroyed two ISIS vehicles; suppressed a mortar team."
    )


def test_release_rejects(result):
    got = [(int(r), f, why) for r, f, _v, why in result.rejects.itertuples(index=False)]
    assert got == [
        (4, "place", "unknown place"),
        (8, "strikes", "strike count not a number"),
        (11, "place", "unknown place"),
    ]
    assert result.rejects["value"].tolist() == ["Shaddadi", "several", "Raqqah and Abu Kamal"]


def test_release_ids_stable(result):
    again = read_events(FIX / "release_2017-08-22.txt", gazetteer=GAZ)
    assert again.events["event_id"].tolist() == result.events["event_id"].tolist()
    assert result.events["event_id"].is_unique


def test_isil_release_2016_with_shipped_gazetteer():
    result = read_events(FIX / "release_2016-06-03.txt", format="releases")
    assert (result.records, result.accepted, result.rejected) == (2, 2, 0)
    ev = result.events
    assert ev["place"].tolist() == ["Al Qaim", "Mosul"]
    assert ev["strikes"].tolist() == [1, 4]
    assert set(ev["enemy"]) == {"ISIL"} and set(ev["country"]) == {"Iraq"}
    assert set(ev["date_start"]) == {pd.Timestamp("2016-06-02")}
    assert ev["place_id"].tolist() == ["al_qaim", "mosul"]
    assert ev.geometry.iloc[0].y == pytest.approx(34.39251)


def test_country_filters_same_name_and_ambiguity():
    gaz = pd.DataFrame(
        {
            "name": ["Hit", "Hit", "Twin", "Twin"],
            "country": ["IQ", "SY", "IQ", "IQ"],
            "lat": [33.64, 35.0, 1.0, 2.0],
            "lon": [42.83, 38.0, 1.0, 2.0],
        }
    )
    text = (
        "SOUTHWEST ASIA, Jan. 2, 2017 — On Jan. 1, Coalition forces conducted strikes.\n"
        "In Iraq, Coalition military forces conducted strikes.\n"
        "-- Near Hit, a strike destroyed an ISIS boat.\n"
        "-- Near Twin, a strike destroyed an ISIS boat.\n"
        "-- On Dec. 31 near Hit, a strike destroyed an ISIS boat.\n"
    )
    result = read_events(io.StringIO(text), gazetteer=gaz)
    assert result.events.geometry.y.tolist() == [33.64, 33.64]
    # Dec. 31 in a Jan. 2, 2017 release is 2016-12-31.
    assert result.events["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-01-01",
        "2016-12-31",
    ]
    assert result.rejects["reason"].tolist() == ["ambiguous place (several gazetteer entries)"]


def test_strike_line_without_dateline_is_rejected():
    result = read_events(io.StringIO("-- Near Mosul, two strikes hit ISIS.\n"), gazetteer=GAZ)
    assert (result.records, result.accepted) == (1, 0)
    assert result.rejects["reason"].tolist() == ["no date (no dateline before this line)"]
