"""ACLED readers: 2023+ columns, older columns, UPPERCASE legacy, date forms, BOM, rejects."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geoconflict.events import validate
from geoconflict.sources import detect_format, read_events

FIX = Path(__file__).parent / "fixtures_sources"


def _reasons(result) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for row, field, _value, reason in result.rejects.itertuples(index=False):
        out.setdefault(int(row), []).append((field, reason))
    return out


def test_acled_2023_values_and_rejects():
    result = read_events(FIX / "acled_2023.csv")
    assert result.format == "acled"
    assert (result.records, result.accepted, result.rejected) == (10, 5, 5)
    validate(result.events)
    ev = result.events.set_index("event_id")
    assert list(ev.index) == ["IRQ1001", "IRQ1002", "SYR2001", "IRQ1007", "IRQ1001-2"]
    assert ev.loc["IRQ1001", "kind"] == "strike"
    assert ev.loc["IRQ1002", "kind"] == "ground"
    assert ev.loc["SYR2001", "kind"] == "civcas"
    assert ev.loc["IRQ1001", "date_start"] == pd.Timestamp("2017-03-17")
    assert ev.loc["IRQ1002", "date_start"] == pd.Timestamp("2017-01-31")
    assert ev.loc["IRQ1002", "date_precision"] == "week"
    assert ev.loc["IRQ1001", "location_precision_m"] == 2_000.0
    assert ev.loc["IRQ1002", "location_precision_m"] == 15_000.0
    assert ev.loc["SYR2001", "location_precision_m"] == 50_000.0
    assert ev.loc["IRQ1001", "fatalities"] == 12
    assert ev.loc["IRQ1001", "actor"] == "Military Forces of the United States (2009-2017)"
    assert ev.loc["IRQ1001", "target"] == "Islamic State (Iraq)"
    assert ev.loc["IRQ1001", "place"] == "Mosul"
    point = ev.loc["IRQ1001", "geometry"]
    assert (point.x, point.y) == (43.1059, 36.3326)
    assert ev.loc["SYR2001", "country"] == "Syria"
    # Text kept verbatim: quotes, markup and the embedded newline survive.
    assert ev.loc["IRQ1007", "notes"] == 'Strike on <b>Zanjili</b>; "quoted", and\na second line.'
    assert ev.loc["IRQ1007", "source"] == 'Reuters; "local sources"'
    assert _reasons(result) == {
        4: [("latitude", "not a number")],
        5: [("event_date", "impossible date")],
        6: [("latitude", "latitude out of range")],
        7: [("longitude", "missing coordinate")],
        10: [("fatalities", "not a number")],
    }
    assert result.rejects.loc[result.rejects["row"] == 4, "value"].item() == "abc"


def test_acled_with_bom_reads_the_same(tmp_path):
    plain = read_events(FIX / "acled_2023.csv")
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (FIX / "acled_2023.csv").read_bytes())
    bom = read_events(path)
    assert bom.format == "acled"
    pd.testing.assert_frame_equal(
        pd.DataFrame(bom.events.drop(columns="geometry")),
        pd.DataFrame(plain.events.drop(columns="geometry")),
    )
    pd.testing.assert_frame_equal(bom.rejects, plain.rejects)


def test_acled_legacy_uppercase_and_date_forms():
    result = read_events(FIX / "acled_legacy.csv")
    assert result.format == "acled"
    assert (result.records, result.accepted, result.rejected) == (4, 2, 2)
    ev = result.events.set_index("event_id")
    assert ev.loc["IRQ501", "date_start"] == pd.Timestamp("2017-03-17")  # dd/mm/yyyy
    assert ev.loc["IRQ502", "date_start"] == pd.Timestamp("2017-01-31")  # 31-Jan-17
    assert ev.loc["IRQ501", "kind"] == "strike"
    assert ev.loc["IRQ502", "kind"] == "ground"
    assert ev.loc["IRQ502", "date_precision"] == "month"
    assert _reasons(result) == {
        3: [("EVENT_DATE", "impossible date")],
        4: [("TIME_PRECISION", "time_precision not 1, 2 or 3")],
    }


def test_acled_older_columns():
    result = read_events(FIX / "acled_older.csv")
    assert result.format == "acled"
    assert result.events["event_id"].tolist() == ["IRQ7001", "IRQ7002"]
    assert result.events["fatalities"].tolist() == [0, 4]
    assert result.events["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2016-10-17",
        "2016-11-01",
    ]


def test_acled_reread_gives_same_ids_and_open_file_works():
    a = read_events(FIX / "acled_2023.csv")
    with open(FIX / "acled_2023.csv", "rb") as fh:
        b = read_events(fh, format="acled")
    with open(FIX / "acled_2023.csv", encoding="utf-8") as fh:
        c = read_events(fh)
    assert a.events["event_id"].tolist() == b.events["event_id"].tolist()
    assert a.events["event_id"].tolist() == c.events["event_id"].tolist()
    assert detect_format(FIX / "acled_2023.csv") == "acled"


def test_acled_missing_id_gets_stable_content_id():
    text = (
        "event_id_cnty,event_date,latitude,longitude\n"
        ",2017-01-02,36.3,43.1\n"
        ",2017-01-02,36.3,43.1\n"
        ",2017-01-03,36.3,43.1\n"
    )
    a = read_events(io.StringIO(text))
    b = read_events(io.StringIO(text))
    ids = a.events["event_id"].tolist()
    assert ids == b.events["event_id"].tolist()
    assert ids[0].startswith("acled-") and ids[1] == ids[0] + "-2" and ids[2] != ids[0]


def test_wrong_field_count_is_a_reject_with_its_record_number():
    text = (
        "event_id_cnty,event_date,latitude,longitude\n"
        "A1,2017-01-02,36.3,43.1\n"
        "A2,2017-01-02,36.3,43.1,extra\n"
        "A3,2017-01-03,36.3\n"
        "A4,2017-01-04,36.3,43.1\n"
    )
    result = read_events(io.StringIO(text))
    assert (result.records, result.accepted, result.rejected) == (4, 2, 2)
    assert result.events["event_id"].tolist() == ["A1", "A4"]
    assert result.rejects["row"].tolist() == [2, 3]
    assert result.rejects["reason"].tolist() == [
        "expected 4 fields, saw 5",
        "expected 4 fields, saw 3",
    ]
    assert result.rejects["value"].tolist()[0] == "A2,2017-01-02,36.3,43.1,extra"


def test_nan_and_empty_coordinates_are_rejected_not_crashing():
    text = (
        "event_id_cnty,event_date,latitude,longitude\n"
        "A1,2017-01-02,NaN,43.1\n"
        "A2,2017-01-02,,\n"
        "A3,,36.3,43.1\n"
        "A4,2017-01-02,0,0\n"
        "A5,2017-01-02,36.3,inf\n"
    )
    result = read_events(io.StringIO(text))
    assert result.accepted == 0 and result.rejected == 5
    got = {(r, f, why) for r, f, _v, why in result.rejects.itertuples(index=False)}
    assert got == {
        (1, "latitude", "missing coordinate"),
        (2, "latitude", "missing coordinate"),
        (2, "longitude", "missing coordinate"),
        (3, "event_date", "missing date"),
        (4, "latitude", "coordinates 0, 0"),
        (5, "longitude", "not a finite number"),
    }


def test_not_utf8_is_a_clear_error(tmp_path):
    from geoconflict.errors import SourceFormatError

    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "event_id_cnty,event_date,latitude,longitude,notes\nA,2017-01-01,1,2,caf\xe9\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(SourceFormatError, match=r"latin1\.csv"):
        read_events(path)
    result = read_events(path, encoding="latin-1")
    assert result.events["notes"].tolist() == ["café"]


def test_unknown_header_is_a_clear_error(tmp_path):
    from geoconflict.errors import SourceFormatError

    path = tmp_path / "what.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceFormatError, match=r"what\.csv.*cannot tell the format"):
        read_events(path)


def test_geo_precision_values_map_to_metres():
    text = "event_id_cnty,event_date,latitude,longitude,geo_precision\n" + "".join(
        f"A{i},2017-01-02,36.3,43.1,{gp}\n" for i, gp in enumerate(["1", "2", "3", "", "7"])
    )
    result = read_events(io.StringIO(text))
    got = result.events["location_precision_m"].to_numpy()
    np.testing.assert_array_equal(got[:3], [2_000.0, 15_000.0, 50_000.0])
    assert np.isnan(got[3])
    assert result.rejects[["row", "reason"]].values.tolist() == [[5, "geo_precision not 1, 2 or 3"]]


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("ucdp", "UCDP GED file lacks columns"),
        ("airwars", "Airwars file lacks columns \\['date'\\]"),
        ("parquet", "not a Parquet file"),
        ("shapefile", "unknown format 'shapefile'"),
    ],
)
def test_forcing_the_wrong_format_is_a_clear_error(fmt, message):
    from geoconflict.errors import SourceFormatError

    with pytest.raises(SourceFormatError, match=message):
        read_events(FIX / "acled_older.csv", format=fmt)


def test_semicolon_and_tab_separated_exports(tmp_path):
    text = (FIX / "acled_older.csv").read_text(encoding="utf-8")
    for sep, name in ((";", "semi.csv"), ("\t", "tabs.tsv")):
        path = tmp_path / name
        path.write_text(text.replace(",", sep), encoding="utf-8")
        result = read_events(path)
        assert result.format == "acled"
        assert result.events["event_id"].tolist() == ["IRQ7001", "IRQ7002"]
        assert result.events.geometry.y.tolist() == [36.335, 36.35]
