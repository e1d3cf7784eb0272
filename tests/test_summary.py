"""Summaries per area and period (calendar table and named periods)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geoconflict import summary
from geoconflict.errors import DataError


def events_at(lons, lats) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")


def shipped_csv(name: str) -> pd.DataFrame:
    from geoconflict import datasets

    return pd.read_csv(datasets.path(name), keep_default_na=True)


# --------------------------------------------------------------------------- summarize


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["mosul_west", "mosul_west", "mosul_east", "mosul_west", None, "raqqa"],
            "kind": ["strike", "civcas", "strike", "strike", "strike", "civcas"],
            "date_start": pd.to_datetime(
                ["2017-03-17", "2017-03-17", "2017-01-03", "2017-04-02", "2017-03-01", "2017-06-09"]
            ),
            "strikes": pd.array([3, None, None, 2, 1, None], dtype="Int64"),
            "fatalities": pd.array([10, None, 1, 0, 2, 8], dtype="Int64"),
            "civilians_killed_min": pd.array([None, 105, None, 0, 0, 8], dtype="Int64"),
            # raqqa: 8 killed, no maximum stated -> the maximum counts as 8
            "civilians_killed_max": pd.array([None, 141, None, 2, 0, None], dtype="Int64"),
        }
    )


def test_summarize_counts_per_area_and_month(table):
    out = summary.summarize(table)
    assert list(out.columns) == [
        "area",
        "period",
        "events",
        "strikes",
        "strikes_uncounted",
        "fatalities",
        "civilians_killed_min",
        "civilians_killed_max",
    ]
    # mosul_east: a strike with no count adds no strike, one uncounted; the civcas rows
    # with no count (mosul_west in March, raqqa) are no uncounted strikes.
    assert out.to_dict("records") == [
        dict(area="mosul_east", period=pd.Timestamp("2017-01-01"), events=1, strikes=0,
             strikes_uncounted=1, fatalities=1, civilians_killed_min=0, civilians_killed_max=0),
        dict(area="mosul_west", period=pd.Timestamp("2017-03-01"), events=2, strikes=3,
             strikes_uncounted=0, fatalities=10, civilians_killed_min=105,
             civilians_killed_max=141),
        dict(area="mosul_west", period=pd.Timestamp("2017-04-01"), events=1, strikes=2,
             strikes_uncounted=0, fatalities=0, civilians_killed_min=0, civilians_killed_max=2),
        dict(area="raqqa", period=pd.Timestamp("2017-06-01"), events=1, strikes=0,
             strikes_uncounted=0, fatalities=8, civilians_killed_min=8, civilians_killed_max=8),
        dict(area=None, period=pd.Timestamp("2017-03-01"), events=1, strikes=1,
             strikes_uncounted=0, fatalities=2, civilians_killed_min=0, civilians_killed_max=0),
    ]  # fmt: skip
    assert out["events"].sum() == len(table)  # nothing left out
    assert (out.dtypes.iloc[2:] == "int64").all()


def test_summarize_other_frequencies_and_totals(table):
    year = summary.summarize(table, by=None, freq="YS")
    cols = ["period", "events", "strikes", "strikes_uncounted", "civilians_killed_max"]
    assert year[cols].values.tolist() == [[pd.Timestamp("2017-01-01"), 6, 6, 1, 151]]
    week = summary.summarize(table, by="kind", freq="W")
    # 2017-03-17 is a Friday: its week starts on Monday 2017-03-13.
    row = week[(week["kind"] == "civcas") & (week["period"] == pd.Timestamp("2017-03-13"))]
    assert row["events"].tolist() == [1]
    day = summary.summarize(table, by=None, freq="day")
    assert day.set_index("period").loc[pd.Timestamp("2017-03-17"), "events"] == 2


def test_summarize_is_decomposable(table):
    whole = summary.summarize(table)
    parts = [summary.partial_summary(chunk, "area", "MS") for chunk in (table[:2], table[2:])]
    pd.testing.assert_frame_equal(summary.finish_summary(parts), whole)
    empty = summary.partial_summary(table.iloc[:0], "area", "MS")
    pd.testing.assert_frame_equal(summary.finish_summary([empty, *parts]), whole)


def test_summarize_unknown_by_column(table):
    with pytest.raises(DataError, match="'actor'"):
        summary.summarize(table, by="actor")


def test_summarize_periods_totals_and_rates(table):
    periods = {"before": ("2014-08-08", "2017-01-19"), "after": ("2017-01-20", "2017-07-15")}
    out = summary.summarize(table, by=None, periods=periods)
    assert out["period"].tolist() == ["before", "after"]
    assert out["events"].tolist() == [1, 5]
    assert out["civilians_killed_min"].tolist() == [0, 113]
    # The uncounted strike (mosul_east, 3 January) is before; one total list, one rate each.
    assert out[["strikes", "strikes_uncounted"]].values.tolist() == [[0, 1], [6, 0]]
    assert out.columns.tolist()[4:] == [
        *summary.SUMMARY_VALUES,
        *(f"{v}_per_month" for v in summary.SUMMARY_VALUES),
    ]
    assert summary.SUMMARY_VALUES[1:3] == ("strikes", "strikes_uncounted")
    days_after = (pd.Timestamp("2017-07-15") - pd.Timestamp("2017-01-20")).days + 1
    assert out["months"].iloc[1] == pytest.approx(days_after / 30.4375)
    assert out["civilians_killed_min_per_month"].iloc[1] == pytest.approx(
        113 / (days_after / 30.4375)
    )
    per_area = summary.summarize(table, by="area", periods=periods)
    west = per_area[(per_area["area"] == "mosul_west") & (per_area["period"] == "after")]
    assert west["events"].tolist() == [3]
    nowhere = per_area[per_area["area"].isna()].set_index("period")["events"]
    assert nowhere.to_dict() == {"before": 0, "after": 1}  # outside all areas, still counted
    assert per_area["events"].sum() == out["events"].sum()
    parts = [summary.partial_periods(c, "area", periods) for c in (table[:3], table[3:])]
    pd.testing.assert_frame_equal(summary.finish_periods(parts), per_area)


def test_summarize_periods_rejects_backwards_period(table):
    with pytest.raises(DataError, match="'bad'"):
        summary.summarize(table, by=None, periods={"bad": ("2017-02-01", "2017-01-01")})


def test_shipped_casualty_periods_reproduce_80_and_360_a_month():
    periods = shipped_csv("casualty_periods")
    (before,) = periods[periods["start"] == "2014-08-08"].to_dict("records")  # Aug 2014 -
    (after,) = periods[periods["start"] == "2017-01-20"].to_dict("records")  # 20 Jan 2017 -
    assert before["end"] == "2017-01-19"
    # One event per period carrying the published total, dated at the period's start.
    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime([before["start"], after["start"]]),
            "civilians_killed_min": [before["civilians_killed"], after["civilians_killed"]],
        }
    )
    named = {
        "before": (before["start"], before["end"]),
        "after": (after["start"], after["end"]),
    }
    out = summary.summarize(events, by=None, periods=named).set_index("period")
    rate = out["civilians_killed_min_per_month"]
    assert out.loc["before", "civilians_killed_min"] == 2300
    assert out.loc["after", "civilians_killed_min"] == 2200
    assert rate["before"] == pytest.approx(80, abs=5)  # "about 80 a month before"
    assert rate["after"] == pytest.approx(360, rel=0.07)  # "360 a month after"
    assert rate["after"] / rate["before"] == pytest.approx(360 / 80, rel=0.1)
    # The data file's own computed column agrees with ours.
    assert rate["before"] == pytest.approx(before["per_month_computed"], abs=0.1)
    assert rate["after"] == pytest.approx(after["per_month_computed"], abs=0.1)


def test_summarize_assigns_shipped_areas_first():
    ev = events_at(
        [43.11055, 43.2249784, 38.994456, 38.75647], [36.35103, 36.3446163, 35.944566, 35.81629]
    )
    ev["date_start"] = pd.to_datetime(["2017-03-30", "2016-12-15", "2017-06-15", "2017-03-20"])
    ev["civilians_killed_min"] = pd.array([12, 12, 5, 40], dtype="Int64")
    out = summary.summarize(ev)
    assert out[["area", "civilians_killed_min"]].values.tolist() == [
        ["mosul_east", 12],
        ["mosul_west", 12],
        ["raqqa", 5],
        [None, 40],
    ]


def test_summarize_refuses_to_group_by_a_summary_column() -> None:
    ev = pd.DataFrame(
        {"area": ["a"], "fatalities": [3], "date_start": pd.to_datetime(["2017-01-05"])}
    )
    for by in ("fatalities", "period", "events"):
        with pytest.raises(DataError, match=f"cannot summarise by '{by}'"):
            summary.summarize(ev, by=by)


def test_summarize_counts_aware_dates_in_their_utc_day() -> None:
    late = pd.Series(pd.to_datetime(["2017-02-01T01:30"]).tz_localize("Asia/Baghdad"))
    ev = pd.DataFrame({"area": ["a"], "date_start": late})
    # 01:30 in Baghdad (UTC+3) is 22:30 UTC on 31 January.
    assert summary.summarize(ev)["period"].tolist() == [pd.Timestamp("2017-01-01")]


def test_period_start_takes_the_frequency_words_of_vocab() -> None:
    from geoconflict.vocab import FREQUENCIES

    dates = pd.Series(pd.to_datetime(["2017-03-17T10:00", "2016-12-31T00:00"]))
    for word, alias in FREQUENCIES.items():
        assert summary.period_start(dates, word).equals(summary.period_start(dates, alias)), word
    assert summary.period_start(dates, "month").tolist() == [
        pd.Timestamp("2017-03-01"),
        pd.Timestamp("2016-12-01"),
    ]
    assert summary.period_start(dates, "quarter").tolist() == [
        pd.Timestamp("2017-01-01"),
        pd.Timestamp("2016-10-01"),
    ]
    assert summary.period_start(dates, "day")[0] == pd.Timestamp("2017-03-17")
    with pytest.raises(ValueError):
        summary.period_start(dates, "fortnight")


def test_named_periods_count_aware_dates_in_their_utc_day() -> None:
    # 01:30 on 20 January in Baghdad (UTC+3) is 22:30 UTC on the 19th: the "before" period.
    late = pd.Series(pd.to_datetime(["2017-01-20T01:30"]).tz_localize("Asia/Baghdad"))
    named = {"before": ("2017-01-01", "2017-01-19"), "after": ("2017-01-20", "2017-01-31")}
    out = summary.summarize(pd.DataFrame({"date_start": late}), by=None, periods=named)
    assert out.set_index("period")["events"].to_dict() == {"before": 1, "after": 0}


def test_summarize_refuses_a_dask_table_and_names_the_scale_engine() -> None:
    dask_geopandas = pytest.importorskip("dask_geopandas")
    ev = events_at([43.1], [36.34])
    ev["date_start"] = pd.to_datetime(["2017-01-05"])
    ddf = dask_geopandas.from_geopandas(ev, npartitions=1)
    with pytest.raises(DataError, match=r"use geoconflict\.scale\.summarize"):
        summary.summarize(ddf)
