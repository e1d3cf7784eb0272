"""Generic tables: column mapping, detected columns, coordinate pairs, DMS, MGRS, geometry."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geoconflict import grid
from geoconflict.errors import SourceFormatError
from geoconflict.sources import read_events

FIX = Path(__file__).parent / "fixtures_sources"


def test_mapping_with_grid_refs():
    result = read_events(
        FIX / "grids.csv",
        format="csv",
        columns={
            "date_start": "When",
            "mgrs": "Grid",
            "notes": "What",
            "civilians_killed": "Killed",
        },
    )
    assert (result.records, result.accepted, result.rejected) == (6, 3, 3)
    ev = result.events
    expect = grid.parse(["38SLF1234567890", "38SLF123678", "38SLF1234"], anchor="center")
    assert ev["mgrs"].tolist() == expect["canonical"].tolist()
    np.testing.assert_allclose(ev.geometry.y, expect["lat"])
    np.testing.assert_allclose(ev.geometry.x, expect["lon"])
    np.testing.assert_allclose(
        ev["location_precision_m"], [np.sqrt(2) / 2, 100 * np.sqrt(2) / 2, 1000 * np.sqrt(2) / 2]
    )
    assert ev["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-03-17",
        "2017-03-18",
        "2017-03-19",
    ]
    assert ev["civilians_killed_min"].tolist() == [2, pd.NA, 1]
    assert ev["civilians_killed_max"].tolist() == [5, pd.NA, 1]
    assert ev["notes"].tolist() == ["Strike on a house", "Second strike", "Third strike"]
    assert set(ev["dataset"]) == {"csv"} and set(ev["kind"]) == {"other"}
    assert all(i.startswith("csv-") for i in ev["event_id"])
    rej = [(int(r), f, why) for r, f, _v, why in result.rejects.itertuples(index=False)]
    assert rej[0][:2] == (4, "Grid") and rej[0][2].startswith("bad MGRS")
    assert rej[1:] == [(5, "When", "missing date"), (6, "Grid", "missing grid reference")]


def test_grid_column_detected_without_mapping():
    text = "date,grid_ref\n2017-03-17,38SLF1234567890\n"
    result = read_events(io.StringIO(text))
    assert result.format == "csv"
    assert result.events["mgrs"].tolist() == ["38SLF1234567890"]


def test_coordinate_pairs_decimal_and_dms():
    result = read_events(FIX / "coords.csv")
    assert result.format == "csv"
    assert (result.records, result.accepted, result.rejected) == (7, 3, 4)
    ev = result.events
    assert ev["place"].tolist() == ["al-Jadida", "al-Nuri mosque", "space separated"]
    assert ev["kind"].tolist() == ["civcas", "ground", "strike"]
    np.testing.assert_allclose(ev.geometry.y, [36.33256, 36 + 20 / 60 + 35 / 3600, 36.34])
    np.testing.assert_allclose(ev.geometry.x, [43.1059, 43 + 7 / 60 + 36 / 3600, 43.13])
    assert ev["location_precision_m"].isna().all()
    rej = [(int(r), why) for r, _f, _v, why in result.rejects.itertuples(index=False)]
    assert rej == [
        (4, "longitude out of range"),
        (5, "not a coordinate pair"),
        (6, "coordinates 0, 0"),
        (7, "kind not one of strike, civcas, ground, other"),
    ]


@pytest.mark.parametrize(
    ("lat", "lon", "want"),
    [
        ("36.5", "43.25", (36.5, 43.25)),
        ("36°30'N", "43°15'E", (36.5, 43.25)),
        ("36 30 00 N", "43 15 00 E", (36.5, 43.25)),
        ("36°30′00″S", "43°15′00″W", (-36.5, -43.25)),
        ("N36°30'", "E43°15'", (36.5, 43.25)),
        ("36.5N", "43.25E", (36.5, 43.25)),
    ],
)
def test_lat_lon_columns_decimal_or_dms(lat, lon, want):
    frame = pd.DataFrame({"Date": ["2017-01-01"], "Latitude": [lat], "Longitude": [lon]})
    text = frame.to_csv(index=False)
    result = read_events(io.StringIO(text))
    assert result.accepted == 1, result.rejects
    point = result.events.geometry.iloc[0]
    assert (point.y, point.x) == pytest.approx(want)


@pytest.mark.parametrize(
    ("lat", "reason"),
    [
        ("36°75'N", "minutes or seconds ≥ 60"),
        ("36°30'E", "wrong hemisphere letter"),
        ("north", "not a number"),
    ],
)
def test_bad_dms_rejected(lat, reason):
    text = pd.DataFrame({"date": ["2017-01-01"], "lat": [lat], "lon": ["43"]}).to_csv(index=False)
    result = read_events(io.StringIO(text))
    assert result.accepted == 0
    assert result.rejects[["field", "reason"]].values.tolist() == [["lat", reason]]


def test_x_y_columns_and_extra_mapping():
    text = "Day,x,y,Who,Deaths\n2017-01-01,43.1,36.3,Coalition,3\n"
    result = read_events(io.StringIO(text), columns={"actor": "Who", "fatalities": "Deaths"})
    row = result.events.iloc[0]
    assert (row.geometry.x, row.geometry.y) == (43.1, 36.3)
    assert row["actor"] == "Coalition" and row["fatalities"] == 3


def test_mapping_errors_name_file_and_column(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("When,Lat,Lon\n2017-01-01,1,2\n")
    with pytest.raises(SourceFormatError, match=r"mine\.csv.*'Where'"):
        read_events(path, columns={"date_start": "When", "mgrs": "Where"})
    with pytest.raises(SourceFormatError, match="cannot map to 'colour'"):
        read_events(path, columns={"colour": "When"})
    path.write_text("Lat,Lon\n1,2\n")
    with pytest.raises(SourceFormatError, match="no date column"):
        read_events(path, format="csv")


def test_geojson_points_are_read_as_a_generic_table(tmp_path):
    frame = gpd.GeoDataFrame(
        {"date": ["2017-03-17", "2017-03-18", "2017-03-19"], "note": ["a", "b", "c"]},
        geometry=[shapely.Point(43.1, 36.3), shapely.LineString([(0, 0), (1, 1)]), None],
        crs="EPSG:4326",
    )
    path = tmp_path / "events.geojson"
    frame.to_file(path, driver="GeoJSON")
    result = read_events(path)
    assert (result.records, result.accepted, result.rejected) == (3, 1, 2)
    assert (result.events.geometry.iloc[0].x, result.events.geometry.iloc[0].y) == (43.1, 36.3)
    assert result.rejects["reason"].tolist() == ["geometry is not a point", "missing geometry"]


def test_geopackage_in_another_crs_is_reprojected(tmp_path):
    frame = gpd.GeoDataFrame(
        {"date": ["2017-03-17"]}, geometry=[shapely.Point(43.1, 36.3)], crs="EPSG:4326"
    ).to_crs("EPSG:32638")
    path = tmp_path / "events.gpkg"
    frame.to_file(path, driver="GPKG")
    result = read_events(path)
    point = result.events.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((43.1, 36.3), abs=1e-9)
    assert result.events.crs.to_epsg() == 4326


def test_bare_carriage_return_splits_the_line_without_crashing():
    # A bare CR outside quotes ends a line (as in Arrow and Python's csv): two broken records.
    result = read_events(io.StringIO("lat,date,notes,lon\n0.1,2017-01-01,\r,43.1\n"), format="csv")
    assert (result.records, result.accepted, result.rejected) == (2, 0, 2)
    assert result.rejects["reason"].tolist() == [
        "expected 4 fields, saw 3",
        "expected 4 fields, saw 2",
    ]


def test_huge_counts_are_rejected_not_overflowing():
    text = (
        "date,lat,lon,fatalities,civilians_killed\n"
        "2017-01-01,36,43,99999999999999999999999,1\n"
        "2017-01-01,36,43,1,5-99999999999999999999\n"
        "2017-01-01,36,43,2,3-4\n"
    )
    result = read_events(io.StringIO(text))
    assert result.events["fatalities"].tolist() == [2]
    assert result.events["civilians_killed_max"].tolist() == [4]
    assert result.rejects[["row", "reason"]].values.tolist() == [
        [1, "number too large"],
        [2, "number too large"],
    ]


def test_a_header_naming_a_column_twice_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("id,date,lat,lon,LAT\n1,2017-01-01,36.3,43.1,36.3\n")
    with pytest.raises(SourceFormatError, match=r"twice\.csv, field 'lat'.*more than once"):
        read_events(path)


def test_text_in_another_encoding_names_the_line_and_the_option(tmp_path):
    # A Windows-1256 (Arabic) export read as UTF-8: the error names the first bad
    # line and how to say the encoding; with the encoding, the rows read.
    rows = ["id,lat,lon,date,place"] + [f"{i},36.3,43.1,2017-01-02,Mosul" for i in range(5000)]
    rows.append("x1,36.3,43.1,2017-01-02,الموصل")
    path = tmp_path / "cp1256.csv"
    path.write_bytes("\n".join(rows).encode("cp1256") + b"\n")
    with pytest.raises(SourceFormatError) as info:
        read_events(path, format="csv")
    message = str(info.value)
    assert message.startswith(f"{path}: line 5002 is not UTF-8 text (byte 0x")
    assert "--encoding" in message and "cp1256" in message
    result = read_events(path, format="csv", encoding="cp1256")
    assert len(result.events) == 5001
    assert result.events["place"].iloc[-1] == "الموصل"


def test_encoding_errors_in_any_codec_name_the_line(tmp_path):
    import io

    # A byte cp1252 cannot decode, far into the file: a clear error, not a traceback.
    rows = ["id,lat,lon,date"] + [f"{i},36.3,43.1,2017-01-02" for i in range(3000)]
    data = ("\n".join(rows) + "\n").encode("cp1252") + b"x1,36.3,43.1,2017-01-0\x81\n"
    path = tmp_path / "cp.csv"
    path.write_bytes(data)
    with pytest.raises(SourceFormatError, match=r"line 3002 is not cp1252 text \(byte 0x81"):
        read_events(path, format="csv", encoding="cp1252")
    # A stream that starts part-way: lines count from where reading starts.
    body = b"id,lat,lon,date\n1,36.3,43.1,2017-01-02\n2,36.3,43.1,caf\xe9\n"
    stream = io.BytesIO(b"junk\n" + body)
    stream.seek(5)
    with pytest.raises(SourceFormatError, match=r"line 3 is not UTF-8 text \(byte 0xe9"):
        read_events(stream, format="csv")
    # A character cut short at the very end.
    cut = tmp_path / "cut.csv"
    cut.write_bytes("id,lat,lon,date,place\n1,36.3,43.1,2017-01-02,الموصل".encode()[:-1])
    with pytest.raises(SourceFormatError, match="ends in the middle of a UTF-8 character"):
        read_events(cut, format="csv")
