"""Protected sites: one rule for the map and the analysis, and the events near them."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from geoconflict import sites as sites_mod
from geoconflict.errors import DataError, OptionError
from geoconflict.render.page import GeoconflictMap
from geoconflict.render.places import places_layer, protected_layer

GEOD = pyproj.Geod(ellps="WGS84")


def east_of(lon: float, lat: float, metres: float) -> float:
    """The longitude ``metres`` east of (lon, lat) along the geodesic."""
    x, _, _ = GEOD.fwd(lon, lat, 90.0, metres)
    return float(x)


def events_at(lons, lats, index=None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index)


@pytest.fixture
def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "place_id": ["nuri", "museum", "market"],
            "name": ["Great Mosque of al-Nuri", "Mosul Museum", "A market"],
            "protected": [True, True, False],
            "lat": [36.34306, 36.337923, 36.3400],
            "lon": [43.12667, 43.139372, 43.1300],
        }
    )


def test_near_protected_nearest_site_and_geodesic_distance(sites):
    lons = np.array([43.132406, 43.1300, 43.1395, 43.2249784, 43.12667])
    lats = np.array([36.339738, 36.3400, 36.3380, 36.3446163, 36.34306])
    ev = events_at(lons, lats, index=[10, 11, 12, 13, 14])
    out = sites_mod.near_protected(ev, sites, within_m=700)
    assert out.index.tolist() == [10, 11, 12, 14]  # al-Nour, 8.8 km away, is not near
    assert out["site_id"].tolist() == ["nuri", "nuri", "museum", "nuri"]
    assert out["site"].tolist()[0] == "Great Mosque of al-Nuri"
    site = sites.set_index("place_id").loc[out["site_id"]]
    _, _, expected = GEOD.inv(lons[[0, 1, 2, 4]], lats[[0, 1, 2, 4]], site["lon"], site["lat"])
    np.testing.assert_allclose(out["distance_m"], expected, rtol=1e-9)
    assert out["distance_m"].iloc[3] == 0.0
    # An independent geodesic (pygeodesy's Vincenty) agrees to < 1 %.
    from pygeodesy.ellipsoidalVincenty import LatLon

    d = LatLon(lats[0], lons[0]).distanceTo(LatLon(36.34306, 43.12667))
    assert out["distance_m"].iloc[0] == pytest.approx(d, rel=0.01)


def test_near_protected_range_edge_and_high_latitude():
    site = pd.DataFrame({"place_id": ["s"], "name": ["S"], "protected": ["true"],
                         "lat": [70.0], "lon": [20.0]})  # fmt: skip
    lons = [east_of(20.0, 70.0, 499.0), east_of(20.0, 70.0, 501.0)]
    out = sites_mod.near_protected(events_at(lons, [70.0, 70.0]), site, within_m=500)
    assert out.index.tolist() == [0]
    assert out["distance_m"].iloc[0] == pytest.approx(499.0, rel=1e-6)


def test_near_protected_no_hits_keeps_columns(sites):
    out = sites_mod.near_protected(events_at([40.0], [30.0]), sites)
    assert len(out) == 0 and {"site", "site_id", "distance_m"} <= set(out.columns)


def test_near_protected_takes_a_geodataframe_of_places(sites):
    geo = gpd.GeoDataFrame(
        sites.drop(columns=["lat", "lon"]),
        geometry=gpd.points_from_xy(sites["lon"], sites["lat"]),
        crs="EPSG:4326",
    ).to_crs("EPSG:32638")
    out = sites_mod.near_protected(events_at([43.1395], [36.3380]), geo, within_m=300)
    assert out["site_id"].tolist() == ["museum"]


# --------------------------------------------------------------------------- one rule


def layer_names(layer) -> list[str]:
    return [f["properties"]["name"] for f in layer.data["features"]]


def test_a_category_table_without_a_protected_flag_marks_the_same_sites_everywhere():
    # The bug: with a category column and no `protected` flag, the map marked only the
    # mosque while near_protected took every row for a protected site, so an event 14 m
    # from an ordinary town was "near a protected site".
    town, mosque = (43.11889, 36.335), (43.12667, 36.34306)
    places = gpd.GeoDataFrame(
        {
            "place_id": ["mosul", "nuri"],
            "name": ["Mosul", "Great Mosque of al-Nuri"],
            "category": ["town", "mosque"],
        },
        geometry=[shapely.Point(*town), shapely.Point(*mosque)],
        crs="EPSG:4326",
    )
    assert sites_mod.is_protected(places).tolist() == [False, True]
    # The map: the mosque on the protected-sites layer, the town on the places layer.
    assert layer_names(protected_layer(GeoconflictMap(tiles=None), places)) == [
        "Great Mosque of al-Nuri"
    ]
    assert layer_names(places_layer(GeoconflictMap(tiles=None), places)) == ["Mosul"]
    # The analysis agrees: 14 m from the town is near nothing protected (the mosque is
    # 1.1 km away), 14 m from the mosque is near the mosque.
    ev = events_at([east_of(*town, 14.0), east_of(*mosque, 14.0)], [town[1], mosque[1]])
    out = sites_mod.near_protected(ev, places, within_m=500)
    assert out.index.tolist() == [1]
    assert out["site_id"].tolist() == ["nuri"]
    assert out["distance_m"].iloc[0] == pytest.approx(14.0, abs=1e-6)
    near_sites = set(sites_mod.protected_sites(places)["name"])
    assert near_sites == set(layer_names(protected_layer(GeoconflictMap(tiles=None), places)))


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("protected", [True, False, None], [True, False, False]),
        ("protected", ["TRUE", " yes ", "t", "y", "1", "no", ""], [1, 1, 1, 1, 1, 0, 0]),
        ("kind", ["town", "Hospital", None], [False, True, False]),
        ("type", ["museum", "heritage site", "market"], [True, True, False]),
        ("category", ["Mosque (Sunni)", "religious", "city"], [True, True, False]),
    ],
)
def test_is_protected_reads_the_flag_or_the_kind(column, values, expected):
    got = sites_mod.is_protected(pd.DataFrame({column: values}))
    assert got.tolist() == [bool(e) for e in expected]


def test_the_protected_flag_wins_over_the_category():
    places = pd.DataFrame({"category": ["mosque", "town"], "protected": [False, True]})
    assert sites_mod.is_protected(places).tolist() == [False, True]


def test_no_flag_and_no_kind_means_no_protected_sites():
    places = pd.DataFrame({"name": ["a"], "lat": [36.3], "lon": [43.1]})
    assert not sites_mod.is_protected(places).any()
    assert len(sites_mod.near_protected(events_at([43.1], [36.3]), places)) == 0


def test_protected_sites_need_a_name_and_a_location():
    with pytest.raises(DataError, match="'name'"):
        sites_mod.protected_sites(pd.DataFrame({"protected": [True], "lat": [1.0], "lon": [1.0]}))
    with pytest.raises(DataError, match="lat"):
        sites_mod.protected_sites(pd.DataFrame({"protected": [True], "name": ["a"]}))
    unlocated = pd.DataFrame({"name": ["a", "b"], "protected": [True, True],
                              "lat": [36.3, None], "lon": [43.1, 43.2]})  # fmt: skip
    assert sites_mod.protected_sites(unlocated)["name"].tolist() == ["a"]


# --------------------------------------------------------------------------- the shipped data


def test_near_protected_with_shipped_sites_is_the_brute_force_nearest():
    from geoconflict import datasets

    places = pd.read_csv(datasets.path("places"))
    protected = places[sites_mod.is_protected(places)].dropna(subset=["lat", "lon"])
    # The two sites documented today; more may be added without breaking this test.
    assert {"al_nuri_mosque", "mosul_museum"} <= set(protected["place_id"])
    # Bab Laksh (CI601), al-Nour / al-Falah / al-Quds and a point in the desert.
    lons, lats = np.array([43.132406, 43.2249784, 40.0]), np.array([36.339738, 36.3446163, 30.0])
    out = sites_mod.near_protected(events_at(lons, lats), within_m=1000)
    expected = {}
    for k, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        n = len(protected)
        _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), protected["lon"], protected["lat"])
        if d.min() <= 1000:
            expected[k] = (protected["place_id"].iloc[int(np.argmin(d))], float(d.min()))
    assert 0 in expected  # al-Nuri is 635 m from Bab Laksh
    assert out.index.tolist() == sorted(expected)
    for k, (site_id, dist) in expected.items():
        assert out.loc[k, "site_id"] == site_id
        assert out.loc[k, "distance_m"] == pytest.approx(dist, rel=1e-9)


def test_near_protected_refuses_a_dask_table():
    dask_geopandas = pytest.importorskip("dask_geopandas")
    ddf = dask_geopandas.from_geopandas(events_at([43.1], [36.3]), npartitions=1)
    with pytest.raises(DataError, match=r"compute\(\) result"):
        sites_mod.near_protected(ddf, pd.DataFrame({"name": ["a"], "lat": [1.0], "lon": [1.0]}))


@pytest.mark.parametrize("within_m", [-1.0, float("nan"), float("inf"), "500"])
def test_near_protected_refuses_a_distance_that_is_not_one(within_m):
    # NaN compared false with every distance: the check passed and no event was ever near
    with pytest.raises(OptionError, match="within_m must be a finite number >= 0"):
        sites_mod.near_protected(events_at([43.1], [36.3]), within_m=within_m)


def test_a_protected_site_whose_coordinate_is_not_a_number_is_an_error_naming_it():
    # "36.3N" was read as NaN and the mosque silently left out of near_protected
    places = pd.DataFrame(
        {
            "name": ["Mosul", "al-Nuri", "unlocated church"],
            "category": ["town", "mosque", "church"],
            "lat": [36.335, "36.3N", None],
            "lon": [43.11889, 43.12667, None],
        }
    )
    with pytest.raises(DataError, match=r"record 2 \('al-Nuri'\), field 'lat': '36.3N'"):
        sites_mod.protected_sites(places)
    places.loc[1, "lat"] = 36.34306  # a site with no coordinate at all stays out, unlocated
    assert sites_mod.protected_sites(places)["name"].tolist() == ["al-Nuri"]
