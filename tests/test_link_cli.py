"""`geoconflict link`: pairs CSV, summary, the rows that cannot link, exit codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyproj
import pytest

from geoconflict.cli import main

GEOD = pyproj.Geod(ellps="WGS84")

INCIDENTS = """\
event_id,date_start,date_end,latitude,longitude,civilians_killed_min,civilians_killed_max
inc-1,2017-03-17,2017-03-17,36.35,43.10,3,5
inc-2,2017-03-17,2017-03-17,36.35,43.50,1,1
inc-3,,,36.35,43.10,0,0
inc-4,2017-03-18,2017-03-18,not-a-number,43.1,0,0
"""
STRIKES = """\
event_id,date_start,latitude,longitude,strikes,kind
s-1,2017-03-18,36.36,43.12,3,strike
s-2,2017-03-25,36.35,43.10,1,strike
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "incidents.csv").write_text(INCIDENTS)
    (tmp_path / "strikes.csv").write_text(STRIKES)
    return {"left": tmp_path / "incidents.csv", "right": tmp_path / "strikes.csv"}


def test_link_writes_pairs_summary_and_reports(files, tmp_path, capsys):
    out = tmp_path / "pairs.csv"
    code = main(
        [
            "link",
            str(files["left"]),
            str(files["right"]),
            "--within-m",
            "5000",
            "--within-days",
            "1",
            "--out",
            str(out),
            "--summary",
            str(tmp_path / "summary.csv"),
            "--cannot-link",
            str(tmp_path / "cannot.csv"),
        ]
    )
    err = capsys.readouterr()
    assert code == 1  # two records can never link
    pairs = pd.read_csv(out)
    assert pairs[["left_id", "right_id", "days_apart", "right_strikes"]].values.tolist() == [
        ["inc-1", "s-1", 1, 3]
    ]
    want = GEOD.inv(43.10, 36.35, 43.12, 36.36)[2]
    assert pairs["distance_m"].iloc[0] == pytest.approx(want, abs=1e-3)
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary["event_id"].tolist() == ["inc-1", "inc-2"]
    assert summary["linked"].tolist() == [True, False]
    assert summary["links"].tolist() == [1, 0]
    cannot = pd.read_csv(tmp_path / "cannot.csv")
    assert cannot[["table", "stage", "row", "field"]].values.tolist() == [
        ["left", "read", 3, "date_start"],
        ["left", "read", 4, "latitude"],
    ]
    assert "1 pairs written" in err.out and "1 of 2 left events linked" in err.out
    assert "LEFT" in err.err and "2 of 4 records can never link (2 rejected" in err.err
    assert "listed in" in err.err


def test_link_lists_a_polygon_the_reader_rejects(tmp_path, capsys):
    import geopandas as gpd
    import shapely

    from geoconflict.events import conform

    left = conform(
        pd.DataFrame({"event_id": ["a", "b"], "date_start": ["2017-03-17", "2017-03-17"]}).assign(
            geometry=[shapely.Point(43.1, 36.3), shapely.box(43, 36, 43.2, 36.4)]
        )
    )
    gpd.GeoDataFrame(left).to_parquet(tmp_path / "left.parquet")
    code = main(
        [
            *("link", str(tmp_path / "left.parquet"), str(tmp_path / "left.parquet")),
            *("--within-m", "10", "--within-days", "0", "--out", str(tmp_path / "p.csv")),
            *("--cannot-link", str(tmp_path / "c.csv")),
        ]
    )
    assert code == 1
    cannot = pd.read_csv(tmp_path / "c.csv")
    assert cannot[["table", "stage", "row", "field"]].values.tolist() == [
        ["left", "read", 2, "geometry"],
        ["right", "read", 2, "geometry"],
    ]
    assert "1 rejected by the reader" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "p.csv")[["left_id", "right_id"]].values.tolist() == [["a", "a"]]


def test_link_all_placed_exits_zero(files, tmp_path, capsys):
    files["left"].write_text("\n".join(INCIDENTS.splitlines()[:3]) + "\n")
    out = tmp_path / "pairs.csv"
    code = main(
        [
            *("link", str(files["left"]), str(files["right"])),
            *("--within-m", "5000", "--within-days", "0", "--out", str(out)),
        ]
    )
    assert code == 0
    assert pd.read_csv(out).empty  # one day apart: not the same day
    assert "0 pairs written" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--within-m", "-5", "--within-days", "1"], "--within-m must be"),
        (["--within-m", "5", "--within-days", "0.5"], "--within-days must be"),
    ],
)
def test_link_bad_values_exit_2(files, tmp_path, capsys, extra, message):
    code = main(
        ["link", str(files["left"]), str(files["right"]), *extra, "--out", str(tmp_path / "p.csv")]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_link_refuses_to_overwrite_input_and_missing_files(files, tmp_path, capsys):
    args = ["--within-m", "5", "--within-days", "1"]
    assert (
        main(["link", str(files["left"]), str(files["right"]), *args, "--out", str(files["right"])])
        == 2
    )
    assert "same path as RIGHT" in capsys.readouterr().err
    assert files["right"].read_text() == STRIKES
    missing = tmp_path / "nope.csv"
    assert (
        main(["link", str(missing), str(files["right"]), *args, "--out", str(tmp_path / "p.csv")])
        == 2
    )
    assert "nope.csv: no such file" in capsys.readouterr().err
