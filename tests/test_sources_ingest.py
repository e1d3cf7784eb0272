"""`geoconflict ingest`, write_events (whole and partitioned GeoParquet) and reading them back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geoconflict.cli import main
from geoconflict.events import EVENT_DTYPES, validate
from geoconflict.sources import detect_format, read_events, write_events
from geoconflict.synthetic import synthetic_events

FIX = Path(__file__).parent / "fixtures_sources"


def test_ingest_writes_parquet_and_ledger_and_exits_1_on_rejects(tmp_path, capsys):
    out, rej = tmp_path / "events.parquet", tmp_path / "rejects.csv"
    code = main(["ingest", str(FIX / "acled_2023.csv"), "--out", str(out), "--rejects", str(rej)])
    assert code == 1
    printed = capsys.readouterr().out
    assert "read 10 records as acled: 5 accepted, 5 rejected" in printed
    table = gpd.read_parquet(out)
    validate(table)
    assert table["event_id"].tolist() == ["IRQ1001", "IRQ1002", "SYR2001", "IRQ1007", "IRQ1001-2"]
    ledger = pd.read_csv(rej)
    assert ledger.columns.tolist() == ["row", "field", "value", "reason"]
    assert ledger["row"].tolist() == [4, 5, 6, 7, 10]
    assert ledger["reason"].tolist()[1] == "impossible date"
    # No temporary files left beside the outputs.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.parquet", "rejects.csv"]
    # The GeoParquet reads back as an event table, unchanged.
    back = read_events(out)
    assert back.format == "parquet" and (back.records, back.rejected) == (5, 0)
    first = read_events(FIX / "acled_2023.csv").events
    contract = [c for c in EVENT_DTYPES]
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.events[contract]), pd.DataFrame(first[contract])
    )
    assert back.events["country"].tolist() == first["country"].tolist()
    assert back.events.geometry.geom_equals(first.geometry).all()
    assert detect_format(out) == "parquet"


def test_ingest_clean_input_exits_0_with_mapping(tmp_path, capsys):
    src = tmp_path / "mine.csv"
    src.write_text("When,Grid\n2017-03-17,38SLF1234567890\n", encoding="utf-8")
    out, rej = tmp_path / "e.parquet", tmp_path / "r.csv"
    code = main(
        ["ingest", str(src), "--format", "csv", "--column", "date_start=When",
         "--column", "mgrs=Grid", "--out", str(out), "--rejects", str(rej)]
    )  # fmt: skip
    assert code == 0
    assert "1 accepted, 0 rejected" in capsys.readouterr().out
    assert gpd.read_parquet(out)["mgrs"].tolist() == ["38SLF1234567890"]
    assert pd.read_csv(rej).empty


def test_ingest_usage_errors_exit_2(tmp_path, capsys):
    out, rej = tmp_path / "e.parquet", tmp_path / "r.csv"
    assert (
        main(["ingest", str(tmp_path / "missing.csv"), "--out", str(out), "--rejects", str(rej)])
        == 2
    )
    assert "missing.csv" in capsys.readouterr().err
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n")
    assert (
        main(["ingest", str(src), "--column", "nonsense", "--out", str(out), "--rejects", str(rej)])
        == 2
    )
    assert "DST=SRC" in capsys.readouterr().err
    assert not out.exists() and not rej.exists()


def test_ingest_partitioned_by_year_reads_back(tmp_path):
    out, rej = tmp_path / "events", tmp_path / "r.csv"
    code = main(
        ["ingest", str(FIX / "acled_older.csv"), "--out", str(out), "--rejects", str(rej),
         "--partition-by", "year"]
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["year=2016"]
    back = read_events(out)
    assert back.format == "parquet"
    assert back.events["event_id"].tolist() == ["IRQ7001", "IRQ7002"]


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_write_events_partitioned_roundtrip_and_readers(tmp_path):
    events = synthetic_events(300, seed=7)
    path = write_events(events, tmp_path / "ev", partition_by="year")
    years = sorted(p.name for p in path.iterdir())
    assert years == [f"year={y}" for y in sorted(events["date_start"].dt.year.unique())]
    for part in path.iterdir():
        assert [f.name for f in part.iterdir()] == ["part-0.parquet"]
        one = gpd.read_parquet(part / "part-0.parquet")  # each file is GeoParquet on its own
        assert one.crs.to_epsg() == 4326
    back = read_events(path)
    assert (back.records, back.accepted, back.rejected) == (300, 300, 0)
    validate(back.events)
    merged = back.events.set_index("event_id").loc[events["event_id"]]
    assert merged["date_start"].tolist() == events["date_start"].tolist()
    assert merged.geometry.geom_equals(events.set_index("event_id").geometry).all()
    assert "year" not in back.events.columns
    # geopandas reads the directory too, and dask-geopandas reads it partitioned.
    assert len(gpd.read_parquet(path)) == 300
    import dask_geopandas

    ddf = dask_geopandas.read_parquet(path)
    assert ddf.npartitions == len(years)
    assert len(ddf.compute()) == 300
    assert ddf.crs.to_epsg() == 4326


def test_write_events_replaces_existing_output_atomically(tmp_path):
    target = tmp_path / "ev"
    write_events(synthetic_events(50, seed=1), target, partition_by="year")
    write_events(synthetic_events(10, seed=2), target, partition_by="year")
    assert len(gpd.read_parquet(target)) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ev"]
    single = tmp_path / "one.parquet"
    write_events(synthetic_events(5, seed=3), single)
    write_events(synthetic_events(4, seed=3), single)
    assert len(gpd.read_parquet(single)) == 4


def test_parquet_with_foreign_columns_is_read_by_its_format(tmp_path):
    frame = pd.DataFrame(
        {"event_id_cnty": ["IRQ1", "IRQ2"], "event_date": ["2017-01-31", "bad"],
         "latitude": [36.3, 36.4], "longitude": [43.1, 43.2], "fatalities": [2, None]}
    )  # fmt: skip
    path = tmp_path / "acled.parquet"
    frame.to_parquet(path)
    result = read_events(path)
    assert result.format == "acled"
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.events["fatalities"].tolist() == [2]
    assert result.rejects["reason"].tolist() == ["unrecognised date"]


@pytest.mark.slow
def test_cli_entry_point_prints_progress_on_request(tmp_path):
    out, rej = tmp_path / "e.parquet", tmp_path / "r.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "geoconflict", "ingest", str(FIX / "acled_older.csv"),
         "--out", str(out), "--rejects", str(rej), "--progress"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "2 accepted, 0 rejected" in proc.stdout
    assert "acled_older.csv" in proc.stderr  # the tqdm bar's label


def _one_row_csv(tmp_path: Path) -> Path:
    src = tmp_path / "y.csv"
    src.write_text("date,lat,lon,kind\n2017-01-02,36.3,43.1,strike\n")
    return src


def test_ingest_never_deletes_a_folder_it_did_not_write(tmp_path, capsys):
    src = _one_row_csv(tmp_path)
    keep = tmp_path / "keep"
    (keep / "sub").mkdir(parents=True)
    (keep / "notes.txt").write_text("important")
    rc = main(
        [
            "ingest",
            str(src),
            "--out",
            str(keep),
            "--rejects",
            str(tmp_path / "r.csv"),
            "--partition-by",
            "year",
            "--no-progress",
        ]
    )
    assert rc == 2
    assert "is not a partitioned event table" in capsys.readouterr().err
    assert (keep / "notes.txt").read_text() == "important" and (keep / "sub").is_dir()
    # Our own partitioned output is replaced on the next run.
    out = tmp_path / "ev"
    for _ in range(2):
        assert (
            main(
                [
                    "ingest",
                    str(src),
                    "--out",
                    str(out),
                    "--rejects",
                    str(tmp_path / "r.csv"),
                    "--partition-by",
                    "year",
                    "--no-progress",
                ]
            )
            == 0
        )
    assert sorted(p.name for p in out.iterdir()) == ["year=2017"]


def test_ingest_refuses_to_write_over_its_input_or_ledger(tmp_path, capsys):
    src = _one_row_csv(tmp_path)
    before = src.read_bytes()
    same = str(tmp_path / "same.x")
    assert main(["ingest", str(src), "--out", same, "--rejects", same, "--no-progress"]) == 2
    assert "--rejects and --out are the same path" in capsys.readouterr().err
    assert (
        main(
            [
                "ingest",
                str(src),
                "--out",
                str(src),
                "--rejects",
                str(tmp_path / "r.csv"),
                "--no-progress",
            ]
        )
        == 2
    )
    assert "--out and INPUT are the same path" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_a_directory_given_as_an_output_file_is_a_clear_error(tmp_path, capsys):
    src = _one_row_csv(tmp_path)
    rc = main(
        [
            "ingest",
            str(src),
            "--out",
            str(tmp_path),
            "--rejects",
            str(tmp_path / "r.csv"),
            "--no-progress",
        ]
    )
    assert rc == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}: is a directory" in err and "Traceback" not in err


def test_partitioned_table_with_undated_events_reads_back(tmp_path):
    ev = synthetic_events(50, seed=1)
    ev.loc[ev.index[3], "date_start"] = pd.NaT
    out = tmp_path / "ev"
    write_events(ev, out, partition_by="year")
    assert (out / "year=__HIVE_DEFAULT_PARTITION__").is_dir()
    back = read_events(out)
    # The undated event is a reject with its reason; the other 49 come back.
    assert (back.records, back.accepted, back.rejected) == (50, 49, 1)
    assert back.rejects["reason"].tolist() == ["missing date"]
    assert ev["event_id"].iloc[3] not in set(back.events["event_id"])


def test_ingest_says_when_a_table_came_from_a_vector_file(tmp_path, capsys):
    src = tmp_path / "points.geojson"
    src.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"id": "a", "date": "2017-01-02"},'
        ' "geometry": {"type": "Point", "coordinates": [43.1, 36.3]}},'
        '{"type": "Feature", "properties": {"id": "b", "date": "soon"},'
        ' "geometry": {"type": "Point", "coordinates": [43.2, 36.4]}}]}',
        encoding="utf-8",
    )
    out, rej = tmp_path / "e.parquet", tmp_path / "r.csv"
    assert main(["ingest", str(src), "--out", str(out), "--rejects", str(rej)]) == 1
    printed = capsys.readouterr().out
    assert "read 2 records as csv columns of a GeoJSON file: 1 accepted, 1 rejected" in printed
    assert gpd.read_parquet(out)["event_id"].tolist() == ["a"]
