"""Study areas: loading and assignment (within / intersects)."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from geoconflict import areas
from geoconflict.errors import DataError, OptionError

GEOD = pyproj.Geod(ellps="WGS84")
SPLIT_LON = 43.15  # the hand-built "Tigris": the meridian between the two halves


@pytest.fixture
def city() -> gpd.GeoDataFrame:
    """A hand-built Mosul: a city box split at SPLIT_LON into west and east, plus Raqqa."""
    return gpd.GeoDataFrame(
        {
            "area_id": ["mosul", "mosul_west", "mosul_east", "raqqa"],
            "name": ["Mosul", "Mosul west", "Mosul east", "Raqqa"],
            "parent": [None, "mosul", "mosul", None],
            "country": ["IQ", "IQ", "IQ", "SY"],
            "source": ["test"] * 4,
        },
        geometry=[
            shapely.box(43.0, 36.25, 43.3, 36.42),
            shapely.box(43.0, 36.25, SPLIT_LON, 36.42),
            shapely.box(SPLIT_LON, 36.25, 43.3, 36.42),
            shapely.box(38.95, 35.93, 39.06, 35.98),
        ],
        crs="EPSG:4326",
    )


def east_of(lon: float, lat: float, metres: float) -> float:
    """The longitude ``metres`` east (negative: west) of (lon, lat) along the geodesic."""
    x, _, _ = GEOD.fwd(lon, lat, 90.0 if metres >= 0 else 270.0, abs(metres))
    return float(x)


def events_at(lons, lats, precision=None, index=None) -> gpd.GeoDataFrame:
    data = {} if precision is None else {"location_precision_m": precision}
    return gpd.GeoDataFrame(
        data, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326", index=index
    )


# --------------------------------------------------------------------------- assign: within


def test_assign_within_picks_most_specific_and_keeps_index_and_columns(city):
    ev = events_at(
        [43.10, 43.20, 39.00, 38.75647, 43.10],
        [36.34, 36.34, 35.95, 35.81629, 36.50],
        index=["w", "e", "r", "mansoura", "north"],
    )
    ev["note"] = ["a", "b", "c", "d", "e"]
    out = areas.assign(ev, city)
    assert out.index.tolist() == ["w", "e", "r", "mansoura", "north"]
    assert out["note"].tolist() == ["a", "b", "c", "d", "e"]
    assert out["area"].tolist() == ["mosul_west", "mosul_east", "raqqa", None, None]
    assert "area" not in ev.columns  # the caller's table is left alone
    assert "area_ambiguous" not in out.columns


def test_parent_area_holds_events_outside_its_children(city):
    # Only the west half is a child here: the east of the city belongs to "mosul" itself.
    ev = events_at([43.10, 43.20], [36.34, 36.34])
    out = areas.assign(ev, city[city["area_id"] != "mosul_east"])
    assert out["area"].tolist() == ["mosul_west", "mosul"]


def test_point_on_the_split_is_inside_the_city(city):
    out = areas.assign(events_at([SPLIT_LON], [36.34]), city)
    # On the river line both halves hold it (boundary included): one of them, never lost.
    assert out["area"].iloc[0] in {"mosul_east", "mosul_west"}


def test_assign_reprojects_events_in_another_crs(city):
    ev = events_at([43.10, 43.20, 39.0], [36.34, 36.34, 35.95]).to_crs("EPSG:32638")
    out = areas.assign(ev, city)
    assert out["area"].tolist() == ["mosul_west", "mosul_east", "raqqa"]
    assert out.crs.to_epsg() == 32638  # the events keep their CRS


def test_assign_takes_lat_lon_frames_and_missing_geometry(city):
    frame = pd.DataFrame({"lat": [36.34, None], "lon": [43.2, 43.1]})
    assert areas.assign(frame, city)["area"].tolist() == ["mosul_east", None]
    ev = events_at([43.1], [36.34])
    ev.loc[1, "geometry"] = None
    assert areas.assign(ev, city)["area"].tolist() == ["mosul_west", None]


def test_assign_rejects_unknown_how(city):
    with pytest.raises(OptionError, match="'within' or 'intersects'"):
        areas.assign(events_at([43.1], [36.3]), city, how="touches")


def test_assign_empty_events(city):
    out = areas.assign(events_at([], []), city, how="intersects")
    assert len(out) == 0 and {"area", "area_ambiguous"} <= set(out.columns)


# --------------------------------------------------------------------------- assign: intersects


def test_intersects_splits_a_disc_at_the_tigris_by_overlap(city):
    lat = 36.34
    lons = [
        east_of(SPLIT_LON, lat, -300),  # disc of 1 km mostly west
        east_of(SPLIT_LON, lat, 300),  # mostly east
        east_of(SPLIT_LON, lat, -10),  # 50.6 % west: still west
        east_of(SPLIT_LON, lat, -2000),  # wholly west
        east_of(SPLIT_LON, lat, 2000),  # wholly east
    ]
    ev = events_at(lons, [lat] * 5, precision=[1000.0] * 5)
    out = areas.assign(ev, city, how="intersects")
    assert out["area"].tolist() == [
        "mosul_west",
        "mosul_east",
        "mosul_west",
        "mosul_west",
        "mosul_east",
    ]
    assert out["area_ambiguous"].tolist() == [True, True, True, False, False]
    # "within" ignores the uncertainty and is never ambiguous.
    assert areas.assign(ev, city)["area"].tolist() == out["area"].tolist()


def test_intersects_moves_event_to_the_side_holding_most_of_its_disc(city):
    lat = 36.34
    # The point is 100 m west of the split but the cell-sized disc is centred there:
    # give it a disc and compare with a point just east: the larger side wins either way.
    west_point = east_of(SPLIT_LON, lat, -100)
    ev = events_at([west_point], [lat], precision=[5000.0])
    out = areas.assign(ev, city, how="intersects")
    # 100 m off a 5 km disc: 51.3 % west.
    assert out["area"].tolist() == ["mosul_west"]
    assert out["area_ambiguous"].tolist() == [True]


def test_intersects_uses_the_disc_outside_every_area(city):
    lat = 36.34
    outside = east_of(43.0, lat, -300)  # 300 m west of the city's west edge
    far = east_of(43.0, lat, -3000)
    inside_edge = east_of(43.0, lat, 300)
    ev = events_at([outside, far, inside_edge, outside], [lat] * 4, [1000.0, 1000.0, 1000.0, 0.0])
    out = areas.assign(ev, city, how="intersects")
    assert out["area"].tolist() == ["mosul_west", None, "mosul_west", None]
    assert out["area_ambiguous"].tolist() == [True, False, True, False]


def test_intersects_missing_precision_behaves_like_a_point(city):
    ev = events_at([43.1, 43.2], [36.34, 36.34], precision=[np.nan, -5.0])
    out = areas.assign(ev, city, how="intersects")
    assert out["area"].tolist() == ["mosul_west", "mosul_east"]
    assert not out["area_ambiguous"].any()


def test_intersects_uses_the_mgrs_grid_square(city):
    from geoconflict import grid

    ref = "38SLF3323"  # a 1 km square whose east edge is just east of SPLIT_LON
    cell = grid.cells([ref]).iloc[0]
    lat, lon = grid.to_latlon([ref])
    west_share = shapely.box(0, 0, SPLIT_LON, 90).intersection(cell).area / cell.area
    assert 0.5 < west_share < 1.0
    # No precision radius: only the grid square makes it straddle the split.
    ev = events_at([lon[0], lon[0]], [lat[0], lat[0]], precision=[np.nan, np.nan])
    ev["mgrs"] = [ref, None]
    out = areas.assign(ev, city, how="intersects")
    assert out["area"].tolist() == ["mosul_west", "mosul_west"]
    assert out["area_ambiguous"].tolist() == [True, False]
    # The next square east starts 12 m east of the split: a 1 km disc round its centre
    # would cross the split, its own square does not.
    east_ref = "38SLF3423"
    lat_e, lon_e = grid.to_latlon([east_ref])
    ev = events_at([lon_e[0]] * 2, [lat_e[0]] * 2, precision=[1000.0, 1000.0])
    ev["mgrs"] = [east_ref, ""]
    out = areas.assign(ev, city, how="intersects")
    assert out["area"].tolist() == ["mosul_east", "mosul_east"]
    assert out["area_ambiguous"].tolist() == [False, True]


@pytest.mark.parametrize("lat", [0.0, 36.34, 60.0, -80.0])
def test_discs_have_the_geodesic_radius(lat):
    radius = np.array([10.0, 1000.0, 50000.0])
    d = areas.discs(np.full(3, 43.0), np.full(3, lat), radius)
    for disc, r in zip(d, radius, strict=True):
        xs, ys = np.asarray(disc.exterior.coords).T
        _, _, dist = GEOD.inv(np.full(len(xs), 43.0), np.full(len(xs), lat), xs, ys)
        assert np.all(np.abs(dist / r - 1) < 5e-5)


# --------------------------------------------------------------------------- load


def test_load_user_file_in_utm_is_reprojected(tmp_path, city):
    utm = city.to_crs("EPSG:32638").rename(columns={"area_id": "code", "name": "label"})
    utm = utm.drop(columns=["source"])
    utm.to_file(tmp_path / "areas.gpkg")
    out = areas.load(tmp_path / "areas.gpkg", id_field="code", name_field="label")
    assert list(out.columns) == ["area_id", "name", "parent", "country", "source", "geometry"]
    assert out.crs.to_epsg() == 4326
    assert out["area_id"].tolist() == city["area_id"].tolist()
    assert out["source"].unique().tolist() == ["areas.gpkg"]
    np.testing.assert_allclose(out.total_bounds, city.total_bounds, atol=1e-6)
    assert out["parent"].tolist() == [None, "mosul", "mosul", None]


@pytest.mark.parametrize("name", ["a.geojson", "a.shp", "a.parquet"])
def test_load_each_format(tmp_path, city, name):
    path = tmp_path / name
    if name.endswith(".parquet"):
        city.to_parquet(path)
    else:
        city.to_file(path)
    out = areas.load(path)
    assert out["area_id"].tolist() == city["area_id"].tolist()
    assert out.geom_equals(city.geometry).all()  # a Shapefile may turn rings around


def test_load_repairs_invalid_geometry_and_reports_it(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    frame = gpd.GeoDataFrame(
        {"area_id": ["ok", "bowtie"], "name": ["Ok", "Bowtie"]},
        geometry=[shapely.box(2, 2, 3, 3), bowtie],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "bad.geojson")
    with pytest.warns(UserWarning, match=r"repaired 1 invalid geometry.*\['bowtie'\]"):
        out = areas.load(tmp_path / "bad.geojson")
    assert out.attrs["repaired_ids"] == ["bowtie"]
    assert out.is_valid.all()
    fixed = out.geometry.iloc[1]
    assert fixed.geom_type == "MultiPolygon" and math.isclose(fixed.area, 0.5)


def test_load_keeps_polygons_and_leaves_context_lines_out(tmp_path, city):
    river = gpd.GeoDataFrame(
        {"area_id": [None], "name": ["Tigris"]},
        geometry=[shapely.LineString([(43.0, 36.5), (43.2, 36.2)])],
        crs="EPSG:4326",
    )
    pd.concat([city, river]).to_file(tmp_path / "with_river.geojson")
    out = areas.load(tmp_path / "with_river.geojson")
    assert out["area_id"].tolist() == ["mosul", "mosul_west", "mosul_east", "raqqa"]


def test_load_errors_name_file_record_and_field(tmp_path, city):
    city.to_file(tmp_path / "a.geojson")
    with pytest.raises(DataError, match=r"a\.geojson.*id field 'code'"):
        areas.load(tmp_path / "a.geojson", id_field="code")
    with pytest.raises(DataError, match=r"a\.geojson.*name field 'label'"):
        areas.load(tmp_path / "a.geojson", name_field="label")
    dup = city.copy()
    dup.loc[3, "area_id"] = "mosul"
    dup.to_file(tmp_path / "dup.geojson")
    with pytest.raises(DataError, match=r"dup\.geojson: records \[1, 4\].*duplicate id 'mosul'"):
        areas.load(tmp_path / "dup.geojson")
    blank = city.copy()
    blank.loc[2, "area_id"] = None
    blank.to_file(tmp_path / "blank.geojson")
    with pytest.raises(DataError, match=r"blank\.geojson: record 3, field 'area_id'"):
        areas.load(tmp_path / "blank.geojson")
    with pytest.raises(DataError, match="no such areas file"):
        areas.load(tmp_path / "missing.geojson")
    (tmp_path / "junk.geojson").write_text("not json")
    with pytest.raises(DataError, match=r"junk\.geojson: cannot read"):
        areas.load(tmp_path / "junk.geojson")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_load_without_crs_in_degrees_assumes_wgs84(tmp_path, city):
    city.set_crs(None, allow_override=True).to_file(tmp_path / "nocrs.shp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = areas.load(tmp_path / "nocrs.shp")
    assert out.crs.to_epsg() == 4326
    city.to_crs("EPSG:32638").set_crs(None, allow_override=True).to_file(tmp_path / "m.shp")
    with pytest.raises(DataError, match="no CRS"):
        areas.load(tmp_path / "m.shp")


# --------------------------------------------------------------------------- Dask tables


def test_assign_refuses_a_dask_table_and_names_the_scale_engine(city):
    dask_geopandas = pytest.importorskip("dask_geopandas")
    ev = events_at([43.10, 43.20, 39.0, 40.0], [36.34, 36.34, 35.95, 30.0])
    ddf = dask_geopandas.from_geopandas(ev, npartitions=2)
    # The caller picks the engine (as geopandas leaves dask-geopandas to the caller).
    with pytest.raises(DataError, match=r"dask_geopandas.*use geoconflict\.scale\.assign"):
        areas.assign(ddf, city)


# --------------------------------------------------------------------------- the shipped data


def shipped_csv(name: str) -> pd.DataFrame:
    from geoconflict import datasets

    return pd.read_csv(datasets.path(name), keep_default_na=True)


def ancestors(area_id, table: gpd.GeoDataFrame) -> list:
    parent = dict(zip(table["area_id"], table["parent"], strict=True))
    chain = [area_id]
    while chain[-1] is not None:
        chain.append(parent.get(chain[-1]))
    return chain


def test_shipped_areas_are_the_three_study_areas():
    table = (
        areas.load()
        .set_index("area_id", drop=False)
        .loc[["mosul", "mosul_east", "mosul_west", "raqqa", "western_desert"]]
    )
    assert len(areas.load()) == 5
    assert table.set_index("area_id")["parent"].to_dict() == {
        "mosul": None,
        "mosul_east": "mosul",
        "mosul_west": "mosul",
        "raqqa": None,
        "western_desert": None,
    }
    assert table.crs.to_epsg() == 4326 and table.is_valid.all()
    assert table["source"].notna().all()
    # The halves split the city: together they cover it, and they do not overlap.
    city, east, west = table.geometry.iloc[0], table.geometry.iloc[1], table.geometry.iloc[2]
    assert east.union(west).symmetric_difference(city).area / city.area < 0.01
    assert east.intersection(west).area / city.area < 0.001


@pytest.mark.parametrize(
    ("place", "lat", "lon", "expected"),
    [
        ("Zanjili", 36.35103, 43.11055, "mosul_west"),
        ("al-Nour / al-Falah / al-Quds", 36.3446163, 43.2249784, "mosul_east"),
        ("Mosul airport", 36.30583, 43.14750, "mosul_west"),
        ("Mosul Museum", 36.337923, 43.139372, "mosul_west"),
        ("al-Jadida, near al-Rahma hospital", 36.33256, 43.1059, "mosul_west"),
        ("Islah al-Zirai", 36.3507344, 43.0868769, "mosul_west"),
        ("al-Intifada, Raqqa", 35.944566, 38.994456, "raqqa"),
        ("al-Sina'a, Raqqa", 35.947746, 39.032995, "raqqa"),
        ("Nazlat Shahada, Raqqa", 35.93988, 38.99818, "raqqa"),
        ("Rawah", 34.48229, 41.91898, "western_desert"),
        ("'Anah", 34.36857, 41.98194, "western_desert"),
        ("Hadithah", 34.13661, 42.37727, "western_desert"),
        ("Al Qa'im", 34.39251, 40.98945, "western_desert"),
        ("Ar Rutbah", 33.03718, 40.28586, "western_desert"),
        ("al-Mansoura, al-Badiya school", 35.81629, 38.75647, None),
        ("Albu Kamal (Syria)", 34.45226, 40.91854, None),
    ],
)
def test_named_places_fall_in_the_right_area(place, lat, lon, expected):
    out = areas.assign(events_at([lon], [lat]))
    assert out["area"].iloc[0] == expected, place


def test_every_shipped_place_and_incident_lands_in_its_area():
    table = areas.load()
    for name in ("places", "incidents"):
        frame = shipped_csv(name).dropna(subset=["lat", "lon"])
        out = areas.assign(frame[["lat", "lon", "area_id"]], table)
        assert out["area"].notna().any(), name  # blank areas everywhere must not pass
        for got, want in zip(out["area"], out["area_id"], strict=True):
            if pd.isna(want):  # a row outside every area must not land in one
                assert got is None, (name, got)
            else:
                assert want in ancestors(got, table), (name, got, want)


def test_an_event_on_a_shared_edge_still_gets_an_area() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    table = gpd.GeoDataFrame(
        {"area_id": ["w", "e"], "name": ["W", "E"], "parent": [None, None]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    ev = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1.0, 0.5], [0.5, 0.5]), crs="EPSG:4326")
    got = areas.assign(ev, table)["area"].tolist()
    assert got[1] == "w" and got[0] in {"w", "e"}
