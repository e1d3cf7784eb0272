"""The cleared-territory timeline: statuses, area-weighted shares, series."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from geoconflict import territory
from geoconflict.errors import DataError

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    """Two halves of a hand-built city; the east in two zones of different size and latitude."""
    return gpd.GeoDataFrame(
        {
            "zone_id": ["e1", "e2", "w1", "w2"],
            "area_id": ["city_east", "city_east", "city_west", "city_west"],
            "name": ["East north", "East south", "Airport", "Old City"],
            "contested_from": pd.to_datetime(["2016-11-01", "2016-12-01", "2017-02-19", None]),
            "cleared_on": pd.to_datetime(["2017-01-10", "2017-01-24", "2017-02-23", "2017-07-10"]),
            "source": ["test"] * 4,
        },
        geometry=[
            shapely.box(43.15, 40.0, 43.30, 60.0),  # big, reaching far north
            shapely.box(43.15, 36.0, 43.30, 40.0),
            shapely.box(43.00, 36.0, 43.15, 36.3),
            shapely.box(43.00, 36.3, 43.15, 36.42),
        ],
        crs="EPSG:4326",
    )


@pytest.fixture
def city() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_id": ["city", "city_east", "city_west"], "parent": [None, "city", "city"]},
        geometry=[
            shapely.box(43.0, 36.0, 43.3, 60.0),
            shapely.box(43.15, 36.0, 43.3, 60.0),
            shapely.box(43.0, 36.0, 43.15, 36.42),
        ],
        crs="EPSG:4326",
    )


def geodesic_area(geom) -> float:
    dense = shapely.segmentize(geom, 0.01)  # follow the parallels, not the geodesics
    return abs(GEOD.geometry_area_perimeter(dense)[0])


def test_state_at_gives_each_status(zones):
    out = territory.state_at("2017-01-10", zones)
    assert out["status"].tolist() == ["cleared", "contested", "isis", "contested"]
    assert territory.state_at("2016-10-31", zones)["status"].tolist() == [
        "isis",
        "isis",
        "isis",
        "contested",  # no contested_from: contested until cleared
    ]
    assert set(territory.state_at("2017-07-10", zones)["status"]) == {"cleared"}
    assert out["zone_id"].tolist() == zones["zone_id"].tolist()
    assert "status" not in zones.columns


def test_never_cleared_zone_stays_contested(zones):
    z = zones.copy()
    z.loc[3, "cleared_on"] = pd.NaT
    assert territory.state_at("2030-01-01", z)["status"].tolist()[3] == "contested"
    assert territory.share_cleared("city_west", "2030-01-01", z) < 1.0


def test_share_is_weighted_by_equal_area_size(zones):
    e1, e2 = (geodesic_area(g) for g in zones.geometry[:2])
    expected = e1 / (e1 + e2)
    share = territory.share_cleared("city_east", "2017-01-10", zones)
    assert share == pytest.approx(expected, rel=1e-3)
    # Sizes in degrees would give 20/24; the equal-area weights are far from that.
    assert abs(share - 20 / 24) > 0.02
    assert territory.share_cleared("city_east", "2017-01-09", zones) == 0.0
    assert territory.share_cleared("city_east", "2017-01-24", zones) == 1.0
    assert territory.share_cleared("city_east", pd.Timestamp("2017-01-23 23:59"), zones) < 1.0


def test_parent_area_aggregates_its_children(zones, city):
    sizes = np.array([geodesic_area(g) for g in zones.geometry])
    share = territory.share_cleared("city", "2017-02-23", zones, areas=city)
    assert share == pytest.approx(sizes[:3].sum() / sizes.sum(), rel=1e-3)
    with pytest.raises(DataError, match="no territory zones for area 'city'"):
        territory.share_cleared("city", "2017-02-23", zones, areas=city.drop(columns="parent"))


def test_series_is_daily_monotone_and_ends_cleared(zones, city):
    s = territory.series("city_west", zones=zones)
    assert s.index[0] == pd.Timestamp("2017-02-19") and s.index[-1] == pd.Timestamp("2017-07-10")
    assert s.index.freqstr == "D" and s.name == "city_west" and s.index.name == "date"
    assert (s.diff().dropna() >= 0).all()
    assert s.loc["2017-02-22"] == 0.0 and s.iloc[-1] == 1.0
    assert s.loc["2017-07-09"] == pytest.approx(
        geodesic_area(zones.geometry[2]) / sum(geodesic_area(g) for g in zones.geometry[2:]),
        rel=1e-3,
    )
    for day in ("2017-03-01", "2017-07-09"):
        assert s.loc[day] == territory.share_cleared("city_west", day, zones)
    monthly = territory.series("city", "MS", "2016-10-01", "2017-08-01", zones, areas=city)
    assert len(monthly) == 11 and monthly.iloc[0] == 0.0 and monthly.iloc[-1] == 1.0
    assert monthly.is_monotonic_increasing


def test_unknown_area_and_bad_dates(zones):
    with pytest.raises(DataError, match=r"'nowhere'.*city_east"):
        territory.share_cleared("nowhere", "2017-01-01", zones)
    with pytest.raises(DataError, match="not a date"):
        territory.share_cleared("city_east", "soon", zones)


def test_load_reprojects_and_parses_dates(tmp_path, zones):
    z = zones.copy()
    z["contested_from"] = z["contested_from"].dt.strftime("%Y-%m-%d")
    z["cleared_on"] = z["cleared_on"].dt.strftime("%Y-%m-%d")
    z.to_crs("EPSG:3857").to_file(tmp_path / "z.gpkg")
    out = territory.load(tmp_path / "z.gpkg")
    assert list(out.columns) == list(territory.ZONE_COLUMNS)
    assert out.crs.to_epsg() == 4326
    assert out["cleared_on"].dtype == "datetime64[ns]"
    assert out["cleared_on"].tolist() == zones["cleared_on"].tolist()
    assert pd.isna(out["contested_from"].iloc[3])
    np.testing.assert_allclose(out.total_bounds, zones.total_bounds, atol=1e-6)


def test_load_errors_name_file_record_and_field(tmp_path, zones):
    z = zones.copy()
    z["cleared_on"] = ["2017-01-10", "24 Janvier", "2017-02-23", "2017-07-10"]
    z.to_file(tmp_path / "bad_date.geojson")
    with pytest.raises(DataError, match=r"bad_date\.geojson: record 2, field 'cleared_on'"):
        territory.load(tmp_path / "bad_date.geojson")
    z = zones.copy()
    z.loc[2, "cleared_on"] = pd.Timestamp("2017-01-01")
    z.to_file(tmp_path / "backwards.geojson")
    with pytest.raises(DataError, match=r"record 3, field 'cleared_on': before contested_from"):
        territory.load(tmp_path / "backwards.geojson")
    zones.drop(columns="cleared_on").to_file(tmp_path / "no_field.geojson")
    with pytest.raises(DataError, match=r"no_field\.geojson: no field 'cleared_on'"):
        territory.load(tmp_path / "no_field.geojson")
    z = zones.copy()
    z.loc[1, "zone_id"] = "e1"
    z.to_file(tmp_path / "dup.geojson")
    with pytest.raises(DataError, match=r"records \[1, 2\], field 'zone_id'"):
        territory.load(tmp_path / "dup.geojson")


# --------------------------------------------------------------------------- the shipped data


def test_mosul_east_fully_cleared_from_2017_01_24():
    assert territory.share_cleared("mosul_east", "2017-01-24") == 1.0
    assert territory.share_cleared("mosul_east", "2017-01-23") < 1.0
    assert territory.share_cleared("mosul_east", "2016-10-31") == 0.0


def test_mosul_west_cleared_at_the_victory_declaration():
    assert territory.share_cleared("mosul_west", "2017-07-10") == 1.0
    assert territory.share_cleared("mosul_west", "2017-07-09") < 1.0
    assert territory.share_cleared("mosul_west", "2017-02-18") == 0.0
    # The city as a whole: between its halves, cleared with the west.
    mid = territory.share_cleared("mosul", "2017-03-01")
    assert 0.0 < territory.share_cleared("mosul_west", "2017-03-01") < mid < 1.0
    assert territory.share_cleared("mosul", "2017-07-10") == 1.0


def test_raqqa_follows_the_published_percent_cleared():
    assert territory.share_cleared("raqqa", "2017-09-20") == pytest.approx(0.80, abs=0.05)
    assert territory.share_cleared("raqqa", "2017-06-15") == pytest.approx(0.30, abs=0.05)
    assert territory.share_cleared("raqqa", "2017-10-16") < 1.0
    assert territory.share_cleared("raqqa", "2017-10-17") == 1.0


def test_western_desert_clear_by_december_2017():
    assert territory.share_cleared("western_desert", "2017-12-31") == 1.0
    assert territory.share_cleared("western_desert", "2017-11-16") < 1.0  # Rawah still held


@pytest.mark.parametrize(
    "area_id", ["mosul", "mosul_east", "mosul_west", "raqqa", "western_desert"]
)
def test_no_share_ever_falls(area_id):
    s = territory.series(area_id, start="2014-08-08", end="2018-01-31")
    assert len(s) == (pd.Timestamp("2018-01-31") - pd.Timestamp("2014-08-08")).days + 1
    assert s.is_monotonic_increasing
    assert s.between(0.0, 1.0).all() and s.iloc[-1] == 1.0


def test_shipped_state_in_march_2017():
    state = territory.state_at("2017-03-01")
    east = state[state["area_id"] == "mosul_east"]
    west = state[state["area_id"] == "mosul_west"].sort_values("cleared_on")
    assert len(east) and (east["status"] == "cleared").all()
    assert west["status"].iloc[0] == "cleared"  # the airport, retaken 2017-02-23
    assert west["cleared_on"].iloc[0] == pd.Timestamp("2017-02-23")
    assert west["status"].iloc[-1] == "isis"  # the Old City, assaulted from 2017-06-18
    assert west["cleared_on"].iloc[-1] == pd.Timestamp("2017-07-10")
    assert (state.loc[state["area_id"] == "raqqa", "status"] == "isis").all()


# --------------------------------------------------------------------------- one rule


def test_one_status_rule_for_the_timeline_and_the_map():
    from geoconflict.render.territory import status_at

    # Dates with a time of day and in another time zone: everything counts in UTC days.
    zones = gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b", "c"],
            "area_id": ["x", "x", "x"],
            "contested_from": ["2017-01-01T03:00+03:00", None, "2017-02-02T01:00+03:00"],
            "cleared_on": ["2017-02-01T18:00", "2017-03-01T00:00", None],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )
    expected = {
        "2016-12-31": ["isis", "contested", "isis"],
        # Cleared from the day of cleared_on, even before its 18:00; zone c is contested
        # from 22:00 UTC on 1 February (01:00 on the 2nd at UTC+3).
        "2017-02-01": ["cleared", "contested", "contested"],
        "2017-02-01T23:00+00:00": ["cleared", "contested", "contested"],
        "2017-03-01": ["cleared", "cleared", "contested"],
    }
    for date, want in expected.items():
        assert territory.status(zones["contested_from"], zones["cleared_on"], date).tolist() == want
        assert territory.state_at(date, zones)["status"].tolist() == want, date
        assert status_at(zones, date).tolist() == want, date
    # The share cleared follows the same days: zone a (a third) counts from 1 February.
    assert territory.share_cleared("x", "2017-01-31", zones) == 0.0
    assert territory.share_cleared("x", "2017-02-01", zones) == pytest.approx(1 / 3, rel=1e-3)
    # A map table may lack a date column: no contested_from is contested, none cleared.
    assert status_at(zones.drop(columns="contested_from"), "2016-12-31").tolist() == [
        "contested",
        "contested",
        "contested",
    ]
    with pytest.raises(DataError, match="not a date"):
        territory.status(zones["contested_from"], zones["cleared_on"], "soon")
