"""`geoconflict summarize`: counts on a hand-built table, both engines, usage errors."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from helpers import nested_areas

from geoconflict import areas, summary
from geoconflict.cli import main
from geoconflict.events import conform
from geoconflict.sources import write_events
from geoconflict.synthetic import synthetic_events

AREAS = nested_areas()

# Six events with known places and counts. e3 is a strike without a count: it adds no
# strike and one to strikes_uncounted; e2 (civcas) and e5 (ground) state none and claim none.
HAND_BUILT = pd.DataFrame(
    {
        "event_id": ["e1", "e2", "e3", "e4", "e5", "e6"],
        "date_start": [
            "2017-01-05",
            "2017-01-20",
            "2017-01-31",
            "2017-02-01",
            "2017-02-14",
            "2017-02-20",
        ],
        "lat": [36.30, 36.35, 36.33, 36.31, 35.95, 35.00],
        "lon": [43.08, 43.10, 43.15, 43.18, 39.00, 40.00],
        "kind": ["strike", "civcas", "strike", "strike", "ground", "strike"],
        "strikes": [3, None, None, 2, None, 1],
        "fatalities": [1, 0, 0, 0, 4, 0],
        "civilians_killed_min": [0, 2, 0, 0, 0, 0],
        "civilians_killed_max": [0, 5, 0, 0, 0, 0],
    }
)

MONTHLY = """\
area,period,events,strikes,strikes_uncounted,fatalities,civilians_killed_min,civilians_killed_max
city_east,2017-01-01,1,0,1,0,0,0
city_east,2017-02-01,1,2,0,0,0,0
city_west,2017-01-01,2,3,0,1,2,5
town,2017-02-01,1,0,0,4,0,0
,2017-02-01,1,1,0,0,0,0
"""


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    events = conform(HAND_BUILT.assign(dataset="csv", grading="unknown", date_precision="day"))
    areas_path = tmp_path / "areas.geojson"
    AREAS.to_file(areas_path, driver="GeoJSON")
    return {
        "parquet": write_events(events, tmp_path / "events.parquet"),
        "partitioned": write_events(events, tmp_path / "events", partition_by="year"),
        "areas": areas_path,
    }


def summarize(*args: str | Path) -> int:
    return main(["summarize", *map(str, args)])


def test_monthly_counts_on_a_hand_built_table(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "table.csv"
    areas_file = inputs["areas"]
    assert summarize(inputs["parquet"], "--areas", areas_file, "--freq", "month", "--out", out) == 0
    assert out.read_text() == MONTHLY
    assert "5 rows written" in capsys.readouterr().out
    # The partitioned directory gives the same table; so does the dask engine.
    again = tmp_path / "again.csv"
    assert summarize(inputs["partitioned"], "--areas", inputs["areas"], "--out", again) == 0
    assert again.read_text() == MONTHLY


def test_year_and_named_periods(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "year.csv"
    areas_file = inputs["areas"]
    assert summarize(inputs["parquet"], "--areas", areas_file, "--freq", "year", "--out", out) == 0
    year = pd.read_csv(out, keep_default_na=False)
    assert year["period"].tolist() == ["2017-01-01"] * 4
    assert year.set_index("area")["events"].to_dict() == {
        "city_east": 2,
        "city_west": 2,
        "town": 1,
        "": 1,
    }

    out = tmp_path / "periods.csv"
    code = summarize(
        inputs["parquet"],
        "--areas", inputs["areas"],
        "--periods", "jan=2017-01-01:2017-01-31",
        "--periods", "feb=2017-02-01:2017-02-28",
        "--out", out,
    )  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, keep_default_na=False)
    west = table[table["area"] == "city_west"].set_index("period")
    assert west.loc["jan", "events"] == 2
    assert west.loc["feb", "events"] == 0
    assert west.loc["jan", "months"] == pytest.approx(31 / (365.25 / 12))
    assert west.loc["jan", "civilians_killed_max_per_month"] == pytest.approx(5 / (31 / 30.4375))
    east = table[table["area"] == "city_east"].set_index("period")
    assert east.loc["jan", "strikes"] == 0 and east.loc["feb", "strikes"] == 2
    assert east.loc["jan", "strikes_uncounted"] == 1 and east.loc["feb", "strikes_uncounted"] == 0
    assert east.loc["jan", "strikes_uncounted_per_month"] == pytest.approx(30.4375 / 31)


def test_by_another_column_needs_no_areas(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "kind.csv"
    assert summarize(inputs["parquet"], "--by", "kind", "--freq", "year", "--out", out) == 0
    table = pd.read_csv(out)
    assert dict(zip(table["kind"], table["events"], strict=True)) == {
        "civcas": 1,
        "ground": 1,
        "strike": 4,
    }


def test_csv_input_with_a_rejected_record_exits_1(
    tmp_path: Path, inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    table = HAND_BUILT.copy()
    table.loc[len(table)] = ["e7", "2017-02-31", 36.3, 43.1, "strike", 9, 0, 0, 0]
    csv = tmp_path / "events.csv"
    table.to_csv(csv, index=False)
    out = tmp_path / "table.csv"
    assert summarize(csv, "--areas", inputs["areas"], "--out", out) == 1
    assert out.read_text() == MONTHLY  # the bad record is left out, the rest counted
    assert "1 of 7 records rejected" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--freq", "fortnight"], "--freq 'fortnight'"),
        (["--periods", "jan"], "expected NAME=START:END"),
        (["--periods", "jan=2017-02-01:2017-01-01"], "END must be"),
        (["--periods", "jan=2017-13-01:2017-12-01"], "bad date"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_usage_errors_exit_2(
    inputs: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "t.csv"
    assert summarize(inputs["parquet"], *extra, "--out", out) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_input_errors_exit_2(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.csv"
    assert summarize(tmp_path / "nothing.parquet", "--out", out) == 2
    assert "nothing.parquet: no such file" in capsys.readouterr().err
    csv = tmp_path / "events.csv"
    HAND_BUILT.to_csv(csv, index=False)
    assert summarize(csv, "--engine", "dask", "--out", out) == 2
    assert "--engine dask reads GeoParquet" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        summarize(inputs["parquet"])  # no --out
    assert exc.value.code == 2
    assert not out.exists()


@pytest.mark.slow
def test_dask_engine_on_a_loopback_cluster_matches_pandas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real 2-worker LocalCluster on 127.0.0.1; the CLI connects with --scheduler."""
    from distributed import Client, LocalCluster

    events = synthetic_events(50_000, seed=21)
    data = write_events(events, tmp_path / "events", partition_by="year")
    areas_path = tmp_path / "areas.geojson"
    AREAS.to_file(areas_path, driver="GeoJSON")
    pandas_csv, dask_csv = tmp_path / "pandas.csv", tmp_path / "dask.csv"
    assert summarize(data, "--areas", areas_path, "--out", pandas_csv) == 0

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
        code = summarize(
            data, "--areas", areas_path, "--engine", "dask",
            "--scheduler", cluster.scheduler_address, "--out", dask_csv,
        )  # fmt: skip
        assert code == 0
        assert f"on 2 workers at {cluster.scheduler_address}" in capsys.readouterr().err
        # The work ran on this cluster: its scheduler saw the summary's tasks.
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
        )
        assert {"read_parquet", "assign", "partial_summary"} <= set(prefixes), prefixes

    assert dask_csv.read_text() == pandas_csv.read_text()
    table = pd.read_csv(dask_csv, keep_default_na=False, parse_dates=["period"])
    expected = summary.summarize(areas.assign(events, AREAS))
    assert table["events"].tolist() == expected["events"].tolist()
    assert table["events"].sum() == 50_000
    assert table["civilians_killed_max"].sum() == events["civilians_killed_max"].sum()


@pytest.mark.slow
def test_ingest_then_dask_engine_on_its_own_local_cluster(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    """The issue's flow: ingest to partitioned GeoParquet, summarise with --engine dask."""
    csv = tmp_path / "events.csv"
    HAND_BUILT.to_csv(csv, index=False)
    data, rejects = tmp_path / "events", tmp_path / "rejects.csv"
    assert main(["ingest", str(csv), "--out", str(data), "--rejects", str(rejects),
                 "--partition-by", "year"]) == 0  # fmt: skip
    assert (data / "year=2017").is_dir()
    out = tmp_path / "table.csv"
    code = summarize(
        data, "--areas", inputs["areas"], "--engine", "dask", "--workers", "2", "--out", out
    )
    assert code == 0
    assert out.read_text() == MONTHLY


def dirty_events() -> gpd.GeoDataFrame:
    """Synthetic events with one NaT date_start, one kind="bogus" and one null geometry."""
    events = synthetic_events(400, seed=31)
    events.loc[10, "date_start"] = pd.NaT
    events.loc[20, "kind"] = "bogus"
    events.loc[30, "geometry"] = None
    return events


@pytest.mark.slow
def test_both_engines_agree_on_dirty_geoparquet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = dirty_events()
    dirty = tmp_path / "dirty.parquet"
    events.to_parquet(dirty)
    outputs = {}
    for engine in ("pandas", "dask"):
        out, rejects = tmp_path / f"{engine}.csv", tmp_path / f"{engine}-rejects.csv"
        code = summarize(
            dirty, "--by", "none", "--freq", "year", "--engine", engine, "--workers", "1",
            "--out", out, "--rejects", rejects,
        )  # fmt: skip
        assert code == 1
        assert f"2 of 400 records rejected and left out (listed in {rejects})" in (
            capsys.readouterr().err
        )
        outputs[engine] = (out.read_text(), rejects.read_text())
    assert outputs["dask"] == outputs["pandas"]

    table = pd.read_csv(tmp_path / "dask.csv", keep_default_na=False)
    assert "" not in table["period"].tolist()  # no row for the missing date
    assert table["events"].sum() == 398  # the bogus kind is counted, as read_events keeps it
    kept = events.drop(index=[10, 30])
    years = pd.to_datetime(kept["date_start"]).dt.year.value_counts().sort_index()
    assert table["events"].tolist() == years.tolist()
    assert table["strikes"].sum() == summary.summarize(kept, by=None, freq="YS")["strikes"].sum()

    ledger = pd.read_csv(tmp_path / "dask-rejects.csv", keep_default_na=False)
    assert ledger.columns.tolist() == ["row", "field", "value", "reason"]
    assert ledger["row"].tolist() == [11, 31]
    assert ledger["field"].tolist() == ["date_start", "geometry"]
    assert ledger["reason"].tolist() == ["missing date", "missing geometry"]


def test_clean_input_writes_an_empty_ledger_and_exits_0(
    inputs: dict[str, Path], tmp_path: Path
) -> None:
    out, rejects = tmp_path / "t.csv", tmp_path / "rejects.csv"
    assert summarize(inputs["parquet"], "--by", "kind", "--out", out, "--rejects", rejects) == 0
    assert rejects.read_text() == "row,field,value,reason\n"


def test_rejects_path_must_differ_from_out(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert summarize(inputs["parquet"], "--out", out, "--rejects", out) == 2
    assert not out.exists()


def test_freq_words_are_the_frequencies_of_vocab() -> None:
    from geoconflict.cli.summarize import parse_freq
    from geoconflict.vocab import FREQUENCIES

    assert {word: parse_freq(word.upper()) for word in FREQUENCIES} == FREQUENCIES
    assert parse_freq(" QS ") == "QS"  # a pandas alias passes through
