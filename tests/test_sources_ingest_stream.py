"""Streaming ingest gives the same files as reading whole and writing: ids, values, ledger."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geoconflict.sources import read_events, write_events
from geoconflict.sources.ingest import ingest_events

FIX = Path(__file__).parent / "fixtures_sources"


def _same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    a = a.reset_index(drop=True)
    b = b.reset_index(drop=True)
    assert a["event_id"].tolist() == b["event_id"].tolist()
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
    )
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


def _ingest_and_compare(tmp_path: Path, src: Path, **kw: object) -> tuple[object, object]:
    whole = read_events(src, **kw)  # type: ignore[arg-type]
    out, rej = tmp_path / "out.parquet", tmp_path / "rejects.csv"
    result = ingest_events(src, out, rej, chunksize=3, **kw)  # type: ignore[arg-type]
    # The files themselves, as any GeoParquet reader sees them (read_events would
    # make repeated ids unique again on the way in).
    reference = write_events(whole.events, tmp_path / "reference.parquet")
    _same(gpd.read_parquet(out), gpd.read_parquet(reference))
    ledger = pd.read_csv(rej, dtype={"value": str}, keep_default_na=False)
    expected = whole.rejects.astype({"value": str}).fillna("")
    assert ledger.astype(str).values.tolist() == expected.astype(str).values.tolist()
    assert (result.records, result.accepted, result.rejected) == (
        whole.records,
        whole.accepted,
        whole.rejected,
    )
    return result, whole


def test_acled_with_repeated_ids_streams_to_the_same_table(tmp_path: Path) -> None:
    result, whole = _ingest_and_compare(tmp_path, FIX / "acled_2023.csv")
    assert "IRQ1001-2" in whole.events["event_id"].tolist()  # a repeat was renamed
    assert result.format == "acled"


def test_ids_repeated_across_chunks_never_take_a_real_id(tmp_path: Path) -> None:
    # IRQ1 repeats in chunks 1 and 3; a real "IRQ1-2" sits in chunk 4 (the renamed
    # repeat must skip to IRQ1-3, as the whole-table read does); identical rows
    # without ids get content ids, and their repeats are suffixed too.
    rows = [
        "id,lat,lon,date,notes",
        "IRQ1,36.3,43.1,2017-01-02,a",
        "IRQ2,36.3,43.1,2017-01-03,b",
        "IRQ3,36.3,43.1,2017-01-04,c",
        "IRQ4,36.3,43.1,2017-01-05,d",
        "IRQ5,36.3,43.1,2017-01-06,e",
        "IRQ6,36.3,43.1,2017-01-07,f",
        "IRQ1,36.4,43.2,2017-02-02,repeat",
        "IRQ7,36.3,43.1,bad date,g",
        "IRQ8,36.3,43.1,2017-01-09,h",
        "IRQ1-2,36.5,43.3,2017-03-03,real",
        "IRQ1,36.6,43.4,2017-04-04,again",
        ",36.3,43.1,2017-05-05,no id",
        ",36.3,43.1,2017-05-05,no id",
    ]
    src = tmp_path / "ids.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, whole = _ingest_and_compare(tmp_path, src, format="csv")
    ids = whole.events["event_id"].tolist()
    assert ids[:6] == ["IRQ1", "IRQ2", "IRQ3", "IRQ4", "IRQ5", "IRQ6"]
    assert ids[6:10] == ["IRQ1-3", "IRQ8", "IRQ1-2", "IRQ1-4"]
    assert ids[10].startswith("csv-") and ids[11] == ids[10] + "-2"


def test_a_us_file_read_again_in_its_order_streams_the_same(tmp_path: Path) -> None:
    rows = ["id,lat,lon,date"] + [f"a{i},36.3,43.1,01/02/2017" for i in range(10)]
    rows += ["z,36.3,43.1,01/13/2017"]
    src = tmp_path / "us.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, whole = _ingest_and_compare(tmp_path, src, format="csv")
    assert set(whole.events["date_start"].dt.strftime("%m-%d")) == {"01-02", "01-13"}


def test_malformed_lines_keep_their_record_numbers(tmp_path: Path) -> None:
    rows = ["id,lat,lon,date"] + [f"a{i},36.3,43.1,2017-01-0{1 + i % 9}" for i in range(8)]
    rows[4] = "broken,line"
    src = tmp_path / "broken.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _, whole = _ingest_and_compare(tmp_path, src, format="csv")
    assert whole.rejects["field"].tolist() == ["line"]


@pytest.mark.slow
def test_partitioned_ingest_holds_the_same_events(tmp_path: Path) -> None:
    from geoconflict.synthetic import synthetic_events

    events = synthetic_events(500, seed=3)
    frame = events.drop(columns="geometry")
    frame["lat"], frame["lon"] = events.geometry.y.round(6), events.geometry.x.round(6)
    src = tmp_path / "syn.csv"
    frame.to_csv(src, index=False)
    whole = read_events(src, format="csv")
    streamed = ingest_events(
        src, tmp_path / "by-year", tmp_path / "r.csv", format="csv", chunksize=37,
        partition_by="year",
    )  # fmt: skip
    assert streamed.accepted == whole.accepted == 500
    reference = tmp_path / "ref"
    write_events(whole.events, reference, partition_by="year")
    assert sorted(p.name for p in (tmp_path / "by-year").iterdir()) == sorted(
        p.name for p in reference.iterdir()
    )
    back = gpd.read_parquet(tmp_path / "by-year").sort_values("event_id")
    _same(back, gpd.read_parquet(reference).sort_values("event_id"))


def test_single_file_metadata_describes_the_whole_table(tmp_path: Path) -> None:
    import json

    import pyarrow.parquet as pq

    rows = ["id,lat,lon,date"] + [f"a{i},{30 + i},{40 + i},2017-01-02" for i in range(7)]
    src = tmp_path / "spread.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "spread.parquet"
    ingest_events(src, out, tmp_path / "r.csv", format="csv", chunksize=2)
    meta = pq.read_schema(out).metadata
    bbox = json.loads(meta[b"geo"])["columns"]["geometry"]["bbox"]
    assert bbox == [40.0, 30.0, 46.0, 36.0]
    assert pq.ParquetFile(out).metadata.num_row_groups == 4
    table = gpd.read_parquet(out)
    assert table.index.tolist() == list(range(7))
    assert table["event_id"].tolist() == [f"a{i}" for i in range(7)]


def test_other_inputs_are_read_whole_and_written(tmp_path: Path) -> None:
    src = tmp_path / "points.geojson"
    src.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"id": "a", "date": "2017-01-02"},'
        ' "geometry": {"type": "Point", "coordinates": [43.1, 36.3]}}]}',
        encoding="utf-8",
    )
    result = ingest_events(src, tmp_path / "g.parquet", tmp_path / "r.csv")
    assert (result.records, result.accepted) == (1, 1)
    assert gpd.read_parquet(tmp_path / "g.parquet")["event_id"].tolist() == ["a"]


def test_a_failed_ingest_leaves_nothing_behind(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(b"id,lat,lon,date\n1,36.3,43.1,caf\xe9\n")
    with pytest.raises(Exception, match="not UTF-8 text"):
        ingest_events(src, tmp_path / "o.parquet", tmp_path / "r.csv", format="csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


@pytest.mark.parametrize("partition_by", [None, "year"])
def test_a_column_empty_in_the_first_chunk_keeps_its_type(
    tmp_path: Path, partition_by: str | None
) -> None:
    import dask_geopandas

    rows = ["id,lat,lon,date,notes,mgrs"]
    rows += [f"a{i},36.3,43.1,2016-01-0{1 + i},," for i in range(4)]  # no notes, no grid
    rows += ["b1,36.3,43.1,2017-01-02,hello,38SLF1234567890"]
    src = tmp_path / "sparse.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / ("sparse.parquet" if partition_by is None else "sparse")
    ingest_events(src, out, tmp_path / "r.csv", format="csv", chunksize=2,
                  partition_by=partition_by)  # fmt: skip
    whole = read_events(src, format="csv").events
    back = read_events(out).events.sort_values("event_id")
    _same(back, whole.sort_values("event_id"))
    assert back["notes"].tolist()[-1] == "hello"
    plain = gpd.read_parquet(out)
    assert sorted(plain["event_id"]) == sorted(whole["event_id"])
    assert len(dask_geopandas.read_parquet(out).compute()) == 5


def test_write_events_by_year_with_a_column_empty_in_the_first_year(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text(
        "id,lat,lon,date,notes\na1,36.3,43.1,2016-01-02,\na2,36.3,43.1,2017-01-03,hello\n",
        encoding="utf-8",
    )
    events = read_events(src, format="csv").events
    out = write_events(events, tmp_path / "by-year", partition_by="year")
    assert sorted(gpd.read_parquet(out)["notes"].fillna("-")) == ["-", "hello"]
    assert len(read_events(out).events) == 2
