"""UCDP GED: with and without the header row; precision and casualty mapping; rejects."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geoconflict.sources import read_events

# UCDP GED's 49 columns, written out here independently of the reader's own list.
GED = (  # noqa: SIM905
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
).split(",")

ROWS = [
    dict(id="244657", type_of_violence="1", side_a="Government of Iraq", side_b="IS",
         where_prec="1", where_coordinates="Mosul town", latitude="36.335", longitude="43.11889",
         country="Iraq", adm_1="Ninawa governorate", date_prec="1",
         date_start="2017-03-17 00:00:00.000", date_end="2017-03-17 00:00:00.000",
         deaths_civilians="105", best="110", high="141", low="105",
         source_article='"Reuters, 2017-03-25, ""US probes strike"""'),
    dict(id="244658", type_of_violence="3", side_a="IS", side_b="Civilians",
         where_prec="2", where_coordinates="Ar Raqqah town", latitude="35.95283",
         longitude="39.00788", date_prec="4", date_start="2017-06-01", date_end="2017-06-30",
         deaths_civilians="12", best="12", high="20", low="10"),
    dict(id="244659", type_of_violence="2", where_prec="9", latitude="35.9", longitude="39.0",
         date_prec="1", date_start="2017-06-02", date_end="2017-06-02", best="1"),
    dict(id="244660", type_of_violence="1", where_prec="1", latitude="35.9", longitude="39.0",
         date_prec="1", date_start="2017-06-05", date_end="2017-06-02", best="1"),
    dict(id="244661", type_of_violence="1", where_prec="1", latitude="35.9", longitude="x",
         date_prec="1", date_start="2017-06-05", date_end="2017-06-05", best="-2"),
]  # fmt: skip


def _ged_text(header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(GED)
    for row in ROWS:
        writer.writerow([row.get(col, "") for col in GED])
    return buffer.getvalue()


def _check(result):
    assert result.format == "ucdp"
    assert (result.records, result.accepted, result.rejected) == (5, 2, 3)
    ev = result.events.set_index("event_id")
    assert list(ev.index) == ["ucdp-244657", "ucdp-244658"]
    a, b = ev.loc["ucdp-244657"], ev.loc["ucdp-244658"]
    assert (a["fatalities"], a["fatalities_low"], a["fatalities_high"]) == (110, 105, 141)
    assert (a["civilians_killed_min"], a["civilians_killed_max"]) == (105, 105)
    assert a["location_precision_m"] == 1_000.0 and b["location_precision_m"] == 25_000.0
    assert a["kind"] == "ground" and b["kind"] == "civcas"
    assert a["date_start"] == pd.Timestamp("2017-03-17") == a["date_end"]
    assert b["date_start"] == pd.Timestamp("2017-06-01")
    assert b["date_end"] == pd.Timestamp("2017-06-30")
    assert b["date_precision"] == "month"
    assert a["place"] == "Mosul town" and a["actor"] == "Government of Iraq"
    assert a["source"] == '"Reuters, 2017-03-25, ""US probes strike"""'
    assert (a.geometry.x, a.geometry.y) == (43.11889, 36.335)
    got = sorted((int(r), why) for r, _f, _v, why in result.rejects.itertuples(index=False))
    assert got == [
        (3, "where_prec not 1 … 7"),
        (4, "date_end before date_start"),
        (5, "negative count"),
        (5, "not a number"),
    ]


def test_ucdp_with_header():
    _check(read_events(io.StringIO(_ged_text(header=True))))


def test_ucdp_without_header_detected():
    _check(read_events(io.StringIO(_ged_text(header=False))))


def test_ucdp_without_header_forced(tmp_path):
    path = tmp_path / "GEDEvent_v23_0_1.csv"
    path.write_text(_ged_text(header=False), encoding="utf-8")
    _check(read_events(path, format="ucdp"))
