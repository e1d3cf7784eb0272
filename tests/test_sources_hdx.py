"""Files as HDX distributes them: a second header row of HXL hashtags, in every format.

``fixtures_sources/ucdp_hdx.csv`` has the header of HDX's "ucdp-data-for-<country>"
files (45 columns: no ``relid``, ``code_status`` or ``where_description``) and their
row of HXL hashtags; its three records were written for these tests (not UCDP data).
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geoconflict.sources import ingest_events, read_events
from geoconflict.sources.columns import is_hashtag_row

FIX = Path(__file__).parent / "fixtures_sources"
HDX_UCDP = FIX / "ucdp_hdx.csv"


def _hdx_lines() -> list[str]:
    return HDX_UCDP.read_text(encoding="utf-8").splitlines(keepends=True)


def test_hdx_ucdp_reads_with_no_rejects() -> None:
    header = _hdx_lines()[0].strip().split(",")
    assert len(header) == 45 and {"relid", "code_status", "where_description"}.isdisjoint(header)
    result = read_events(HDX_UCDP)
    assert (result.format, result.records, result.accepted, result.rejected) == ("ucdp", 3, 3, 0)
    events = result.events
    assert events["event_id"].tolist() == ["ucdp-900001", "ucdp-900002", "ucdp-900003"]
    assert events["kind"].tolist() == ["ground", "civcas", "ground"]
    assert events["fatalities"].tolist() == [15, 9, 4]
    assert [str(d)[:10] for d in events["date_end"]] == ["2017-03-17", "2017-06-02", "2016-10-20"]
    assert events["place"].tolist() == ["Mosul city", "Zanjili neighbourhood", "Qayyarah town"]
    assert events["notes"].isna().all()  # no where_description in HDX's layout
    assert events.geometry.x.round(3).tolist() == [43.119, 43.125, 43.287]


def test_a_bad_record_is_numbered_after_the_hashtag_row(tmp_path: Path) -> None:
    lines = _hdx_lines()
    # Record 2 (the fourth line of the file) gets an impossible latitude.
    lines[3] = lines[3].replace(",36.356,", ",96.356,")
    path = tmp_path / "conflict_data_irq.csv"
    path.write_text("".join(lines), encoding="utf-8")
    result = read_events(path)
    assert (result.records, result.accepted, result.rejected) == (3, 2, 1)
    assert result.accepted + result.rejected == result.records
    assert result.rejects[["row", "field", "value", "reason"]].values.tolist() == [
        [2, "latitude", "96.356", "latitude out of range"]
    ]


def test_ingest_of_the_hdx_file_exits_0(tmp_path: Path) -> None:
    out, rejects = tmp_path / "events.parquet", tmp_path / "rejects.csv"
    args = ["ingest", str(HDX_UCDP), "--out", str(out), "--rejects", str(rejects)]
    run = subprocess.run(
        [sys.executable, "-m", "geoconflict", *args, "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "read 3 records as ucdp: 3 accepted, 0 rejected" in run.stdout
    assert len(pd.read_parquet(out)) == 3
    assert pd.read_csv(rejects).empty


ACLED_HDX = (
    "event_id_cnty,event_date,year,event_type,latitude,longitude,fatalities\n"
    "#event+code,#date+occurred,#date+year,#event+type,#geo+lat,#geo+lon,#affected+killed\n"
    "IRQ1,2017-01-31,2017,Battles,36.34,43.13,2\n"
    "IRQ2,8 October 2017,2017,Battles,36.35,43.14,0\n"
)
AIRWARS_HDX = (
    "code,date,latitude,longitude,civilian_harm_status_slug\n"
    "#event+code,#date,#geo+lat,#geo+lon,\n"
    "CI1,2017-03-17,36.33,43.10,fair\n"
    "CI2,2017-03-18,36.34,43.11,weak\n"
)
PLAIN_HDX = (
    "Date;Latitude;Longitude;Notes\n"
    "#date;#geo+lat;#geo+lon;#description\n"
    "2017-03-17;36.33;43.10;a\n"
    "Oct. 8, 2017;36.34;43.11;b\n"
)


@pytest.mark.parametrize(
    ("text", "fmt"), [(ACLED_HDX, "acled"), (AIRWARS_HDX, "airwars"), (PLAIN_HDX, "csv")]
)
def test_hashtag_row_is_skipped_in_every_format(text: str, fmt: str, tmp_path: Path) -> None:
    result = read_events(io.StringIO(text))
    assert (result.format, result.records, result.accepted, result.rejected) == (fmt, 2, 2, 0)
    # Forced format and the streamed ingest skip it too.
    assert read_events(io.StringIO(text), format=fmt).records == 2
    ingested = ingest_events(io.StringIO(text), tmp_path / "e.parquet", tmp_path / "r.csv")
    assert (ingested.records, ingested.accepted, ingested.rejected) == (2, 2, 0)


def test_hashtag_row_in_a_parquet_table_is_skipped(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "date": ["#date", "2017-03-17", "2017-03-18"],
            "lat": ["#geo+lat", "36.33", "36.34"],
            "lon": ["#geo+lon", "43.10", "43.11"],
            "notes": [None, "a", "b"],
        }
    )
    frame.to_parquet(tmp_path / "t.parquet")
    result = read_events(tmp_path / "t.parquet")
    assert (result.records, result.accepted, result.rejected) == (2, 2, 0)


def test_a_record_with_a_hash_in_one_field_is_still_a_record() -> None:
    text = (
        "event_id_cnty,event_date,latitude,longitude,notes\n"
        "#5,2017-01-31,36.34,43.13,#mosul\n"
        "IRQ2,2017-02-01,not a latitude,43.13,\n"
    )
    result = read_events(io.StringIO(text))
    assert (result.records, result.accepted, result.rejected) == (2, 1, 1)
    assert result.events["event_id"].tolist() == ["#5"]
    assert result.rejects["row"].tolist() == [2]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["", "#date+year", "#geo+lat"], True),
        (["#country +name", "#affected+killed"], True),
        (["#5", "2017-01-31"], False),  # a record whose id starts with "#"
        (["#", "#geo+lat"], False),
        (["", " "], False),
    ],
)
def test_is_hashtag_row(cells: list[str], expected: bool) -> None:
    assert is_hashtag_row(cells) is expected


def test_a_malformed_line_is_numbered_after_the_hashtag_row() -> None:
    text = (
        "event_id_cnty,event_date,latitude,longitude\n"
        "#event+code,#date+occurred,#geo+lat,#geo+lon\n"
        "IRQ1,2017-01-31,36.34,43.13\n"
        "IRQ2,2017-02-01,36.34\n"
        "IRQ3,2017-02-02,36.35,nowhere\n"
    )
    result = read_events(io.StringIO(text))
    assert (result.records, result.accepted, result.rejected) == (3, 1, 2)
    assert result.rejects[["row", "field", "reason"]].values.tolist() == [
        [2, "line", "expected 4 fields, saw 3"],
        [3, "longitude", "not a number"],
    ]
