"""geoconflict.grid: known values, edge cases, every rejection reason, the accessor, cells.

Expected positions come from pygeodesy (an independent MGRS/UTM/UPS implementation),
pyproj or the raw ``mgrs`` package, never from geoconflict itself.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import mgrs
import numpy as np
import pandas as pd
import pytest
import shapely
from pygeodesy import mgrs as pgm
from pyproj import Geod, Transformer

from geoconflict import grid
from geoconflict.errors import GridRefError, OptionError

GEOD = Geod(ellps="WGS84")


def metres(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distance in metres (pyproj), element-wise."""
    _, _, d = GEOD.inv(np.asarray(lon1), np.asarray(lat1), np.asarray(lon2), np.asarray(lat2))
    return np.asarray(d)


def pyg(ref: str, center: bool) -> tuple[float, float]:
    """Centre or SW corner of a cell, from pygeodesy (which needs at least one digit pair)."""
    if not ref[-1].isdigit():  # a 100 km square: its corner is "00", its centre "55" (SW)
        ref, center = ref + ("55" if center else "00"), False
    ll = pgm.parseMGRS(ref).toLatLon(center=center)
    return ll.lat, ll.lon


# --- known values --------------------------------------------------------------------------

KNOWN = [
    # ref, zone, band, square, precision_m
    ("38SLF2939918898", 38, "S", "LF", 1.0),
    ("38SLF29391889", 38, "S", "LF", 10.0),
    ("37SGV704881", 37, "S", "GV", 100.0),
    ("04QFJ1267", 4, "Q", "FJ", 1000.0),
    ("33XVG13", 33, "X", "VG", 10000.0),
    ("32VKM", 32, "V", "KM", 100000.0),
]


@pytest.mark.parametrize(("ref", "zone", "band", "square", "precision_m"), KNOWN)
def test_parse_known_references_against_pygeodesy(ref, zone, band, square, precision_m):
    row = grid.parse([ref]).iloc[0]
    assert row["canonical"] == ref
    assert row["zone"] == zone
    assert row["band"] == band
    assert row["square"] == square
    assert row["precision_m"] == precision_m
    assert row["error"] == ""
    lat, lon = pyg(ref, center=True)
    assert metres(row["lat"], row["lon"], lat, lon) < 1e-3
    sw_lat, sw_lon = grid.to_latlon(ref, anchor="sw")
    lat, lon = pyg(ref, center=False)
    assert metres(sw_lat[0], sw_lon[0], lat, lon) < 1e-3


def test_ups_known_references_against_pygeodesy():
    refs = ["ZAH0000000000", "BAN0000000000", "ZGC1234567890", "AUP12345678", "YZG55", "BJK"]
    df = grid.parse(refs)
    assert df["error"].tolist() == [""] * len(refs)
    assert df["zone"].isna().all()
    assert df["band"].tolist() == ["Z", "B", "Z", "A", "Y", "B"]
    for ref, (_, row) in zip(refs, df.iterrows(), strict=True):
        lat, lon = pyg(ref, center=True)
        assert metres(row["lat"], row["lon"], lat, lon) < 1e-3, ref
    sw_lat, _ = grid.to_latlon(["ZAH0000000000", "BAN0000000000"], anchor="sw")
    assert sw_lat[0] == pytest.approx(90.0, abs=1e-9)
    assert sw_lat[1] == pytest.approx(-90.0, abs=1e-9)


def test_center_matches_raw_mgrs_which_returns_cell_centres():
    # mgrs 1.6 (GEOTRANS) returns the centre of the cell: 38SLF00 -> 305000 E, 4005000 N
    assert mgrs.MGRS().MGRSToUTM("38SLF00")[2:] == (305000.0, 4005000.0)
    rng = np.random.default_rng(7)
    lat = rng.uniform(-80, 84, 3000)
    lon = rng.uniform(-180, 180, 3000)
    for precision in range(6):
        refs = grid.from_latlon(lat, lon, precision)
        raw = np.frombuffer(
            mgrs.MGRS().toLatLonArray(np.array(refs.astype(str), dtype="S15").tobytes())
        ).reshape(-1, 2)
        ours_lat, ours_lon = grid.to_latlon(refs)
        assert np.abs(ours_lat - raw[:, 0]).max() < 1e-9
        assert np.abs(ours_lon - raw[:, 1]).max() < 1e-9


def test_from_latlon_truncates_like_geotrans_and_pyproj():
    # pyproj: 36.3N 43.1E is E 329399.0069 N 4018898.6401 in UTM 38N: truncation, not rounding
    assert grid.from_latlon([36.3], [43.1]).tolist() == ["38SLF2939918898"]
    assert grid.from_latlon([36.3], [43.1], precision=3).tolist() == ["38SLF293188"]
    assert grid.from_latlon([36.3], [43.1], precision=0).tolist() == ["38SLF"]


# --- lenient forms -------------------------------------------------------------------------


def test_lenient_forms_decode_alike():
    forms = [
        "04QFJ1234567890",
        "4QFJ1234567890",
        "4qfj1234567890",
        " 4Q FJ 12345 67890 ",
        "04q\tfj 12345\t67890",
        "4 Q F J 12345 67890",
    ]
    df = grid.parse(forms)
    assert df["error"].tolist() == [""] * len(forms)
    assert set(df["canonical"]) == {"04QFJ1234567890"}
    assert df["lat"].nunique() == 1 and df["lon"].nunique() == 1


def test_mixed_precisions_in_one_array():
    refs = ["38SLF", "38SLF21", "38SLF2918", "38SLF293188", "38SLF29391889", "38SLF2939918898"]
    df = grid.parse(refs, anchor="sw")
    assert df["precision_m"].tolist() == [1e5, 1e4, 1e3, 1e2, 10.0, 1.0]
    for ref, (_, row) in zip(refs, df.iterrows(), strict=True):
        lat, lon = pyg(ref, center=False)
        assert metres(row["lat"], row["lon"], lat, lon) < 1e-3, ref


# --- rejections ----------------------------------------------------------------------------

REJECTIONS = [
    ("38SLF123", "odd number of digits (3): easting and northing need the same count"),
    ("38SLF123456789012", "too many digits (12); at most 10 (1 m)"),
    ("38SLI12", "letter 'I' is not used in MGRS (I and O are skipped)"),
    ("38SOF12", "letter 'O' is not used in MGRS (I and O are skipped)"),
    ("38IAA", "letter 'I' is not used in MGRS (I and O are skipped)"),
    ("38SAF12", "column letter 'A' is not used in zone 38 (J-R)"),
    ("37SLF12", "column letter 'L' is not used in zone 37 (A-H)"),
    ("38SLW12", "row letter 'W' is beyond V"),
    ("ZDA", "column letter 'D' is not used in polar band Z (ABCFGHJ)"),
    ("YJR", "row letter 'R' is beyond P in polar band Y"),
    ("0SLF12", "zone 0 is outside 1-60"),
    ("00SLF12", "zone 0 is outside 1-60"),
    ("61SLF12", "zone 61 is outside 1-60"),
    ("038SLF12", "zone has 3 digits (three-digit zone); expected 1 or 2"),
    ("38SLF12X", "trailing characters after the digits (from 'X')"),
    ("38SLF1234567890XX", "trailing characters after the digits (from 'X')"),
    ("38SLF12 34 56", "digits split into more than two groups"),
    ("38SLF 1234 567890", "easting and northing have different lengths (4 and 6 digits)"),
    ("3 8SLF12", "whitespace inside the zone number"),
    ("38SLF12-34", "invalid character '-'"),
    ("38SLF12\u00e934", "non-ASCII character"),
    ("SLF12", "missing zone number before band 'S'"),
    ("38ZAA12", "band 'Z' is a polar (UPS) band and takes no zone (got zone 38)"),
    ("38S", "expected a band letter and two 100 km square letters"),
    ("32XNA", "zone 32X does not exist (Svalbard: only 31X, 33X, 35X, 37X)"),
    ("34XEA", "zone 34X does not exist (Svalbard: only 31X, 33X, 35X, 37X)"),
    ("", "empty reference"),
    ("   ", "empty reference"),
    (None, "missing value"),
    (np.nan, "missing value"),
    (12345, "not a string"),
    (
        "38TLF2939918898",
        "band letter T does not match the 100 km square LF: in zone 38 that square's row "
        "lies outside band T (wrong band or old (AL) lettering)",
    ),
]


@pytest.mark.parametrize(("ref", "reason"), REJECTIONS)
def test_every_rejection_has_its_reason(ref, reason):
    df = grid.parse([ref, "38SLF2939918898"])
    assert df["error"].tolist() == [reason, ""]
    assert df["canonical"].iloc[0] is None
    assert np.isnan(df["lat"].iloc[0]) and np.isnan(df["lon"].iloc[0])
    assert df["canonical"].iloc[1] == "38SLF2939918898"  # one bad record never sinks the batch


def test_wrong_band_that_raw_mgrs_accepts_with_a_warning_is_rejected():
    engine = mgrs.MGRS()
    with pytest.warns(RuntimeWarning, match="Latitude Warning"):
        far_lat, _ = engine.toLatLon("38TLF2939918898")
    assert abs(far_lat - 36.3) > 15  # mgrs alone: ~2,000 km north
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and ours never lets the warning out
        lat, _ = grid.to_latlon(["38TLF2939918898", "38RLF2939918898"])
    assert np.isnan(lat).all()


def test_old_al_lettering_is_rejected_not_moved_1000_km():
    # AL lettering shifts the row letter by 10 (1,000 km): F -> R for the same place
    al = "38SLR2939918898"
    with pytest.warns(RuntimeWarning):  # mgrs alone: only a warning, 9 degrees away
        lat_raw, _ = mgrs.MGRS().toLatLon(al)
    assert abs(lat_raw - 36.3) > 8
    df = grid.parse([al])
    assert np.isnan(df["lat"].iloc[0])
    assert df["error"].iloc[0].startswith("band letter S does not match")


def test_cell_straddling_a_band_edge_is_accepted_with_either_letter():
    # the 1 km cell of 32.0001N 43E starts south of 32N (band R) but is lettered S
    ref = grid.from_latlon([32.0001], [43.0], precision=2)[0]
    assert ref == "38SLA1142"
    sw_lat, _ = grid.to_latlon(ref, anchor="sw")
    assert sw_lat[0] < 32.0
    assert pyg(ref, center=False)[0] == pytest.approx(sw_lat[0], abs=1e-8)
    straddling = ref.replace("S", "R", 1)
    df = grid.parse([ref, straddling], anchor="sw")
    assert df["error"].tolist() == ["", ""]
    assert df["lat"].iloc[0] == pytest.approx(df["lat"].iloc[1], abs=1e-9)
    assert df["canonical"].tolist() == [ref, straddling]  # either letter is right
    assert df["band_adjusted"].tolist() == [False, False]


def test_band_letter_of_nan_or_outside_the_bands_is_zero():
    from geoconflict.grid.letters import band_letter

    # NaN used to reach the letter table as a huge negative index (an IndexError)
    lat = np.array([np.nan, np.inf, -80.01, 84.01, -80.0, 72.0, 84.0, 71.999])
    assert band_letter(lat).tolist() == [0, 0, 0, 0, ord("C"), ord("X"), ord("X"), ord("W")]


def test_band_letter_one_off_next_to_the_edge_is_adjusted():
    # the 1 km cell 38SLA1152 lies wholly in band S (north of 32N); lettered R, its row
    # is still one band R allows (GeographicLib's rule), so it reads, marked as adjusted
    sw_lat, _ = grid.to_latlon("38SLA1152", anchor="sw")
    assert sw_lat[0] > 32.0
    df = grid.parse(["38RLA1152", "38SLA1152"])
    assert df["error"].tolist() == ["", ""]
    assert df["band_adjusted"].tolist() == [True, False]
    assert df["band"].tolist() == ["S", "S"]
    assert df["canonical"].tolist() == ["38SLA1152", "38SLA1152"]
    assert df["lat"].iloc[0] == df["lat"].iloc[1] and df["lon"].iloc[0] == df["lon"].iloc[1]


# From the public test suite of the `mgrs` package: references lettered with the band north
# of where they lie, which GEOTRANS and GeographicLib both read. 50TMK5045027900 is
# published there as UTM 50N 450450 E 4427900 N; 32TNK0000000000 is 32N 500000 E 4400000 N
# (its column and row letters; GEOTRANS's MGRSToUTM gives the same plus its half metre).
PUBLISHED = [
    ("50TMK5045027900", "50SMK5045027900", 32650, 450450.0, 4427900.0, 18.0),
    ("32TNK0000000000", "32SNK0000000000", 32632, 500000.0, 4400000.0, 28_000.0),
]


@pytest.mark.parametrize(("ref", "right", "epsg", "east", "north", "south_of_40n"), PUBLISHED)
def test_published_band_edge_references_read_as_geotrans_and_geographiclib_do(
    ref, right, epsg, east, north, south_of_40n
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GEOTRANS reads it, with a Latitude Warning
        zone, hemi, e, n = mgrs.MGRS().MGRSToUTM(ref)
    assert (zone, hemi, e - 0.5, n - 0.5) == (int(ref[:2]), "N", east, north)
    lon, lat = Transformer.from_crs(epsg, 4326, always_xy=True).transform(east, north)
    assert lat < 40.0
    assert metres(lat, lon, 40.0, lon) == pytest.approx(south_of_40n, rel=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning of GEOTRANS's gets out
        df = grid.parse([ref, right], anchor="sw")
    assert df["error"].tolist() == ["", ""]
    assert metres(df["lat"].iloc[0], df["lon"].iloc[0], lat, lon) < 1e-3
    assert df["lat"].iloc[0] == df["lat"].iloc[1] and df["lon"].iloc[0] == df["lon"].iloc[1]
    assert df["canonical"].tolist() == [right, right]
    assert df["band"].tolist() == ["S", "S"]
    assert df["band_adjusted"].tolist() == [True, False]


def test_pygeodesy_reads_the_band_one_off_2000_km_north():
    # pygeodesy picks the first 2,000 km repeat of the row at or above the band's southern
    # edge, so 32TNK is 2,000 km north for it; GeographicLib, GEOTRANS and geoconflict
    # take the repeat nearest the band (why pygeodesy is not the oracle for these)
    theirs = pgm.parseMGRS("32TNK0000000000").toUtm(center=False)
    assert theirs.northing == pytest.approx(6_400_000.0)
    ours = grid.parse(["32TNK0000000000"])
    assert ours["lat"].iloc[0] == pytest.approx(39.7499, abs=1e-4)


def test_no_geotrans_warning_leaks_out_of_parse():
    # every band and square letter of a few zones and both polar caps: GEOTRANS warns
    # (Latitude Warning) or fails on many of these; none of it may reach the caller
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    refs = [
        f"{zone}{band}{col}{row}5000050000"
        for zone in ("01", "32", "38")
        for band in "CDEFGHJKLMNPQRSTUVWX"
        for col in letters
        for row in letters[:20]
    ]
    refs += [f"{band}{col}{row}5000050000" for band in "ABYZ" for col in letters for row in letters]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = grid.parse(refs)
    assert (df["error"] == "").sum() > 0 and (df["error"] != "").sum() > 0
    assert not df["error"].str.contains("Warning").any()


def test_strict_scalar_raises_naming_reference_and_reason():
    with pytest.raises(GridRefError) as info:
        grid.to_latlon_one("38SLF12I", strict=True)
    assert info.value.ref == "38SLF12I"
    assert "'38SLF12I'" in str(info.value) and "trailing characters" in str(info.value)
    lat, lon = grid.to_latlon_one("38SLF12I")
    assert np.isnan(lat) and np.isnan(lon)
    with pytest.raises(GridRefError, match="latitude must be within"):
        grid.from_latlon_one(91.0, 0.0, strict=True)
    assert grid.from_latlon_one(36.3, 43.1, precision=1) == "38SLF21"


def test_vectorised_calls_never_raise_for_bad_elements():
    refs = [None, 3.5, b"38SLF12", "38SLF12", object(), "", "x" * 100]
    lat, _ = grid.to_latlon(refs)
    assert np.isfinite(lat).tolist() == [False, False, False, True, False, False, False]
    df = grid.parse(refs)
    assert (df["error"] != "").sum() == 6
    assert df["error"].iloc[6] == "too long: 100 characters besides spaces (at most 15)"


def test_bad_arguments_raise():
    with pytest.raises(OptionError, match="anchor must be 'center' or 'sw'"):
        grid.to_latlon(["38SLF"], anchor="middle")
    with pytest.raises(OptionError, match="precision"):
        grid.from_latlon([0.0], [0.0], precision=6)
    with pytest.raises(ValueError, match="differ in length"):
        grid.from_latlon([0.0, 1.0], [0.0])
    with pytest.raises(TypeError):
        grid.to_latlon(42)


# --- edge cases ----------------------------------------------------------------------------


def test_zone_edge_at_42e_between_37_and_38():
    refs = grid.from_latlon([36.0, 36.0, 36.0], [41.999999, 42.0, 42.000001])
    assert [r[:3] for r in refs] == ["37S", "38S", "38S"]
    lat, lon = grid.to_latlon(refs, anchor="center")
    for ref, a, b in zip(refs, lat, lon, strict=True):
        plat, plon = pyg(ref, center=True)
        assert metres(a, b, plat, plon) < 1e-3
    # a zone-37 reference east of 42E (the overlap GEOTRANS allows) decodes correctly
    ref37 = "37SGV9999988111"
    plat, plon = pyg(ref37, center=False)
    lat, lon = grid.to_latlon(ref37, anchor="sw")
    assert lon[0] > 42.0
    assert metres(lat[0], lon[0], plat, plon) < 1e-3


def test_band_edge_at_32n():
    refs = grid.from_latlon([31.9999999, 32.0, 32.0000001], [43.0, 43.0, 43.0])
    assert [r[:3] for r in refs] == ["38R", "38S", "38S"]
    assert grid.parse(refs)["error"].tolist() == ["", "", ""]


def test_norway_and_svalbard_zones():
    refs = grid.from_latlon([60.0, 56.5, 78.0, 78.0, 78.0, 78.0, 78.0], [5, 4, 8, 10, 20, 22, 34])
    assert [r[:3] for r in refs] == ["32V", "32V", "31X", "33X", "33X", "35X", "37X"]
    df = grid.parse(refs)
    assert df["error"].tolist() == [""] * 7
    for ref, (_, row) in zip(refs, df.iterrows(), strict=True):
        plat, plon = pyg(ref, center=True)
        assert metres(row["lat"], row["lon"], plat, plon) < 1e-3


def test_poles_and_polar_caps():
    refs = grid.from_latlon([90.0, -90.0, 84.0, 84.0001, -80.0, -80.0001], [0, 0, 3, 3, 5, 5])
    assert refs[0] == "ZAH0000000000" and refs[1] == "BAN0000000000"
    assert refs[2].startswith("31X")  # GEOTRANS keeps 84N itself in UTM
    assert refs[3][0] in "YZ" and refs[5][0] in "AB" and refs[4].startswith("31C")
    lat, _ = grid.to_latlon(refs, anchor="center")
    assert np.isfinite(lat).all()


def test_antimeridian_and_negative_zero():
    refs = grid.from_latlon([0.0, 0.0, -0.0, 10.0], [180.0, -180.0, -0.0, 179.99999])
    assert refs[0] == refs[1] == "01NAA6602100000"
    assert refs[2] == "31NAA6602100000" == grid.from_latlon([0.0], [0.0])[0]
    assert refs[3].startswith("60P")
    # the 1 m cell holding (0, 180) starts just west of the antimeridian
    lat, lon = grid.to_latlon(refs[:1], anchor="sw")
    assert 179.99999 < lon[0] < 180.0
    assert metres(lat[0], lon[0], 0.0, 180.0) < 1.5


def test_nan_out_of_range_empty_and_one_element():
    out = grid.from_latlon([np.nan, 0.0, 91.0, 0.0, np.inf], [0.0, np.nan, 0.0, 181.0, 0.0])
    assert out.tolist() == [None] * 5
    lat, lon = grid.to_latlon([])
    assert lat.shape == (0,) and lon.shape == (0,) and lat.dtype == np.float64
    assert grid.from_latlon([], []).shape == (0,)
    empty = grid.parse([])
    assert len(empty) == 0
    assert list(empty.columns) == [
        "canonical",
        "zone",
        "band",
        "square",
        "precision_m",
        "lat",
        "lon",
        "error",
        "band_adjusted",
    ]
    assert len(grid.cells([])) == 0
    lat, lon = grid.to_latlon("38SLF2939918898")
    assert lat.shape == (1,)
    lat1, lon1 = grid.to_latlon_one("38SLF2939918898")
    assert (lat1, lon1) == (lat[0], lon[0])


def test_inputs_of_every_kind_agree():
    refs = ["38SLF2939918898", "nope!", "4QFJ12"]
    expected, _ = grid.to_latlon(refs)
    for form in (
        np.array(refs),
        np.array(refs, dtype=object),
        np.array(refs, dtype="S15"),
        pd.Series(refs),
        pd.Series(refs, dtype=object),
        pd.Series(refs, dtype="string"),
        tuple(refs),
        pd.Index(refs),
    ):
        lat, _ = grid.to_latlon(form)
        np.testing.assert_array_equal(lat, expected)


# --- parse, accessor, cells ----------------------------------------------------------------


def test_parse_keeps_series_index_and_dtypes():
    s = pd.Series(["38SLF2939918898", "junk!", "ZAH"], index=[10, 20, 30])
    df = grid.parse(s)
    assert df.index.tolist() == [10, 20, 30]
    assert str(df["zone"].dtype) == "Int64"
    assert df["zone"].iloc[0] == 38 and pd.isna(df["zone"].iloc[1]) and pd.isna(df["zone"].iloc[2])
    assert df["precision_m"].dtype == np.float64
    assert df["error"].tolist()[::2] == ["", ""]


def test_series_accessor():
    s = pd.Series(["38SLF2939918898", "38SLF123"], index=["a", "b"])
    pts = s.mgrs.to_points(anchor="sw")
    assert pts.crs == "EPSG:4326"
    assert pts.index.tolist() == ["a", "b"]
    plat, plon = pyg("38SLF2939918898", center=False)
    assert metres(pts.iloc[0].y, pts.iloc[0].x, plat, plon) < 1e-3
    assert pts.iloc[1] is None
    assert s.mgrs.parse()["error"].iloc[1].startswith("odd number of digits")
    cells = s.mgrs.cells()
    assert cells.index.tolist() == ["a", "b"] and cells.iloc[1] is None


def test_uncertainty_is_half_the_diagonal():
    assert grid.uncertainty_m(1.0) == pytest.approx(0.70710678, abs=1e-8)
    np.testing.assert_allclose(grid.uncertainty_m([10.0, 100000.0]), [7.0710678, 70710.678])


@pytest.mark.parametrize("ref", ["38SLF", "38SLF29", "38SLF2939918898", "60NZF", "YZG", "BAN12"])
def test_cells_are_the_grid_squares(ref):
    cell = grid.cells([ref]).iloc[0]
    assert cell.is_valid
    lat, lon = pyg(ref, center=True)
    assert cell.contains(shapely.Point(lon, lat))
    size = grid.parse([ref])["precision_m"].iloc[0]
    # back in the cell's own projection the polygon is the square: area s^2
    parsed = pgm.parseMGRS(ref if ref[-1].isdigit() else ref + "00")
    if ref[0].isdigit():
        utm = parsed.toUtm(center=False)
        south = " +south" if utm.hemisphere == "S" else ""
        crs = f"+proj=utm +zone={utm.zone} +ellps=WGS84{south}"
    else:
        utm = parsed.toUps(center=False)
        crs = "+proj=ups +ellps=WGS84" + (" +south" if ref[0] in "AB" else "")
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lons, lats = np.asarray(cell.exterior.coords).T
    x, y = tr.transform(lons, lats)
    area = shapely.Polygon(np.column_stack([x, y])).area
    assert area == pytest.approx(size**2, rel=1e-6)
    assert np.min(x) == pytest.approx(utm.easting, abs=1e-4)
    assert np.min(y) == pytest.approx(utm.northing, abs=1e-4)


def test_cells_across_the_antimeridian_and_at_a_pole_stay_whole():
    across = grid.cells(["01NAA"]).iloc[0]  # 100 km square west of 180 in zone 1
    minx, _, maxx, _ = across.bounds
    assert maxx - minx < 2.0  # continuous, not wrapped round the globe
    polar = grid.cells(["ZAH"]).iloc[0]  # corner at the north pole
    assert polar.is_valid
    _, _, _, maxy = polar.bounds
    assert maxy == pytest.approx(90.0, abs=1e-9)
    coords = np.asarray(polar.exterior.coords)
    assert (np.abs(coords[:, 1] - 90.0) < 1e-9).sum() >= 2  # the pole is an edge along 90N


@pytest.mark.parametrize(
    "code",
    [
        "import geoconflict, pandas as pd",  # pandas loaded after geoconflict
        "import pandas as pd, geoconflict",  # pandas loaded first
    ],
)
def test_accessor_is_there_after_import_geoconflict(code):
    script = (
        f"{code}\n"
        "import sys\n"
        "assert 'geoconflict.grid' not in sys.modules\n"
        "df = pd.Series(['38SLF2939918898', 'nope']).mgrs.parse()\n"
        "print(df['precision_m'].tolist(), 'geoconflict.grid' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["[1.0,", "nan]", "True"]


def test_import_geoconflict_stays_light():
    script = "import sys, geoconflict; print(sorted({'pandas', 'numpy'} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- the 100 km squares covering an extent -------------------------------------------------


def _named_by_geotrans(sq) -> list[str]:
    """GEOTRANS's name (precision 0) of a point inside each square."""
    pts = shapely.point_on_surface(sq.geometry.to_numpy())
    return grid.from_latlon(shapely.get_y(pts), shapely.get_x(pts), precision=0).tolist()


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((42.5, 31.9, 43.0, 32.1), ["38RKA", "38RLA", "38SKA", "38SLA"]),  # a band edge
        ((2.5, 59.9, 3.5, 60.1), ["31VDG", "32VJM"]),  # Norway: 32V from 3E
        ((8.5, 78.0, 9.5, 78.2), ["31XFG", "33XUG"]),  # Svalbard: 31X to 9E
        ((179.5, -0.1, 180.0, 0.1), ["60MYE", "60MZE", "60NYF", "60NZF"]),  # 180E, the equator
    ],
)
def test_squares_are_the_mgrs_squares_geotrans_names(bounds, expected):
    sq = grid.squares(bounds)
    assert sq["square"].tolist() == expected
    assert sq.crs == "EPSG:4326"
    assert _named_by_geotrans(sq) == expected
    assert sq["zone"].tolist() == [int(s[:2]) for s in expected]
    assert sq["band"].tolist() == [s[2] for s in expected]
    # they tile the extent: no gaps, no overlaps
    box = shapely.box(*bounds)
    parts = shapely.intersection(sq.geometry.to_numpy(), box)
    assert shapely.area(parts).sum() == pytest.approx(box.area, rel=1e-9)
    assert shapely.union_all(parts).area == pytest.approx(box.area, rel=1e-9)


def test_squares_are_the_cells_of_their_names():
    sq = grid.squares((43.0, 36.2, 43.3, 36.45))
    assert sq["square"].tolist() == ["38SLF"]
    cell = grid.cells(["38SLF"]).iloc[0]
    # the same square, up to how densely each polygon's curved edges are sampled
    assert sq.geometry.iloc[0].symmetric_difference(cell).area < 1e-5 * cell.area
    assert len(grid.squares((10.0, 5.0, 10.0, 6.0))) == 0  # an empty extent
