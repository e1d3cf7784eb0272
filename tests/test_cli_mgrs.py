"""`geoconflict mgrs`: REF arguments, CSV files, --reverse, exit codes 0/1/2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pygeodesy import mgrs as pgm

from geoconflict.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["mgrs", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_refs_print_lat_lon_precision(capsys):
    code, out, _ = run(["38SLF2939918898", "4qfj 12 67"], capsys)
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    assert [row[0] for row in lines] == ["38SLF2939918898", "4qfj 12 67"]
    ll = pgm.parseMGRS("38SLF2939918898").toLatLon(center=True)
    assert float(lines[0][1]) == pytest.approx(ll.lat, abs=1e-7)
    assert float(lines[0][2]) == pytest.approx(ll.lon, abs=1e-7)
    assert lines[0][3] == "1"
    assert lines[1][3] == "1000"


def test_refs_sw_anchor(capsys):
    code, out, _ = run(["--anchor", "sw", "38SLF2939918898"], capsys)
    assert code == 0
    ll = pgm.parseMGRS("38SLF2939918898").toLatLon(center=False)
    assert float(out.split("\t")[1]) == pytest.approx(ll.lat, abs=1e-7)


def test_rejected_ref_gives_reason_and_exit_1(capsys):
    code, out, _ = run(["38SLF2939918898", "38SLF123"], capsys)
    assert code == 1
    assert out.splitlines()[1] == (
        "38SLF123\terror: odd number of digits (3): easting and northing need the same count"
    )


def test_reverse_pairs(capsys):
    code, out, _ = run(["--reverse", "--precision", "3", "--", "36.3,43.1", "-33.9,18.4"], capsys)
    assert code == 0
    assert out.splitlines() == ["36.3,43.1\t38SLF293188", "-33.9,18.4\t34HBH595458"]
    code, out, _ = run(["--reverse", "95,0", "x"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "95,0\terror: latitude must be within -90..90 and longitude within -180..180",
        "x\terror: expected LAT,LON in degrees, got 'x'",
    ]


def test_csv_in_csv_out(tmp_path, capsys):
    src = tmp_path / "refs.csv"
    src.write_text("id,grid,note\n1,38SLF2939918898,a\n2,38SLF12I,b\n3,,c\n4,4QFJ12,d\n")
    dst = tmp_path / "out" / "refs.csv"
    code, out, err = run(["--input", str(src), "--column", "grid", "--output", str(dst)], capsys)
    assert code == 1
    assert out == ""
    assert "2 of 4 converted, 2 rejected" in err
    df = pd.read_csv(dst, dtype=str, keep_default_na=False)
    assert df.columns.tolist() == ["id", "grid", "note", "lat", "lon", "precision_m", "error"]
    assert df["note"].tolist() == ["a", "b", "c", "d"]
    assert df["precision_m"].tolist() == ["1", "", "", "10000"]
    assert df["error"].tolist() == [
        "",
        "trailing characters after the digits (from 'I')",
        "empty reference",
        "",
    ]
    ll = pgm.parseMGRS("38SLF2939918898").toLatLon(center=True)
    assert float(df["lat"][0]) == pytest.approx(ll.lat, abs=1e-7)
    assert [p.name for p in dst.parent.iterdir()] == ["refs.csv"]  # no temporary left over


def test_csv_all_valid_exit_0_to_stdout(tmp_path, capsys):
    src = tmp_path / "refs.csv"
    src.write_text("mgrs\n38SLF2939918898\n")
    code, out, _ = run(["--input", str(src)], capsys)
    assert code == 0
    assert out.splitlines()[0] == "mgrs,lat,lon,precision_m,error"


def test_reverse_csv(tmp_path, capsys):
    src = tmp_path / "pts.csv"
    src.write_text("name,y,x\nmosul,36.3,43.1\nbad,abc,1\npole,90,0\n")
    dst = tmp_path / "out.csv"
    args = ["--reverse", "--input", str(src), "--lat", "y", "--lon", "x", "--output", str(dst)]
    code, _, _ = run(args, capsys)
    assert code == 1
    df = pd.read_csv(dst, dtype=str, keep_default_na=False)
    assert df["mgrs"].tolist() == ["38SLF2939918898", "", "ZAH0000000000"]
    assert df["error"].tolist()[1] == "latitude/longitude missing, not a number or out of range"


def test_usage_errors_exit_2(tmp_path, capsys):
    code, _, err = run(["--input", str(tmp_path / "missing.csv")], capsys)
    assert code == 2
    assert "missing.csv: no such file" in err
    src = tmp_path / "refs.csv"
    src.write_text("id,grid\n1,38SLF\n")
    code, _, err = run(["--input", str(src), "--column", "mgrs_ref"], capsys)
    assert code == 2
    assert "refs.csv, field 'mgrs_ref': no such column (columns: id, grid)" in err
    code, _, err = run([], capsys)
    assert code == 2 and "nothing to convert" in err
    code, _, err = run(["--input", str(src), "38SLF"], capsys)
    assert code == 2 and "not both" in err
    with pytest.raises(SystemExit) as info:
        main(["mgrs", "--reverse", "--precision", "7", "1,1"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["38SLF2939918898"], 0),
        (["38SLF2939918898", "38SLF1"], 1),
        (["--input", "/nonexistent.csv"], 2),
    ],
)
def test_console_script_exit_codes(args, expected):
    script = Path(sys.executable).parent / "geoconflict"  # the installed console script
    command = [str(script)] if script.exists() else [sys.executable, "-m", "geoconflict"]
    proc = subprocess.run(
        [*command, "mgrs", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == expected, proc.stderr
    if expected == 0:
        assert proc.stdout.startswith("38SLF2939918898\t36.29999")


def test_input_columns_are_never_silently_overwritten(tmp_path: Path, capsys) -> None:
    src = tmp_path / "o.csv"
    src.write_text("mgrs,lat,lon,error\n38SLF4416517835,1,2,note\n")
    out = tmp_path / "out.csv"
    assert main(["mgrs", "--input", str(src), "--output", str(out)]) == 2
    assert "already has column(s) ['lat', 'lon', 'error']" in capsys.readouterr().err
    assert not out.exists()
    pts = tmp_path / "p.csv"
    pts.write_text("lat,lon,mgrs\n36.3,43.1,keep me\n")
    assert main(["mgrs", "--reverse", "--input", str(pts), "--output", str(out)]) == 2
    assert "['mgrs']" in capsys.readouterr().err


def test_a_header_naming_a_column_twice_is_refused(tmp_path: Path, capsys) -> None:
    src = tmp_path / "d.csv"
    src.write_text("mgrs,mgrs\n38SLF4416517835,x\n")
    assert main(["mgrs", "--input", str(src)]) == 2
    assert "field 'mgrs': the header names a column more than once" in capsys.readouterr().err


def test_band_letter_one_off_is_read_and_noted(tmp_path, capsys):
    # 32TNK… (the mgrs package's test suite) lies 28 km south of band T: read as
    # GeographicLib reads it, at the point of 32SNK…, and the output says so
    code, out, _ = run(["32TNK0000000000", "32SNK0000000000", "38TLF2939918898"], capsys)
    assert code == 1
    adjusted, right, wrong = (line.split("\t") for line in out.splitlines())
    assert adjusted[1:4] == right[1:4]
    assert adjusted[4:] == ["band letter adjusted: 32SNK0000000000"]
    assert len(right) == 4
    assert wrong[1].startswith("error: band letter T does not match the 100 km square LF")
    src = tmp_path / "refs.csv"
    src.write_text("grid\n32TNK0000000000\n50TMK5045027900\n38SLF2939918898\n")
    code, out, err = run(["--input", str(src), "--column", "grid"], capsys)
    assert code == 0
    assert "3 of 3 converted, 0 rejected; 2 read with the band letter adjusted" in err


HEAVY = "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["mgrs", "38SLF1234567890"], "38SLF1234567890\t36.73820497\t42.89827460\t1"),
        (["mgrs", "--anchor", "sw", "4qfj 12 67", "ZAH", "38SLF123"], "4qfj 12 67\t21.40"),
        (["mgrs", "--reverse", "--", "36.3,43.1", "-90,0", "x"], "36.3,43.1\t38SLF2939918898"),
    ],
)
def test_converting_refs_given_as_arguments_imports_neither_pandas_nor_pyarrow(args, first):
    script = f"import sys\nfrom geoconflict.cli import main\nmain({args!r})\n{HEAVY}\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].startswith(first)
    assert out[-1] == "[]"


def test_one_reference_in_python_imports_neither_pandas_nor_pyarrow():
    from geoconflict import grid

    calls = (
        "(grid.to_latlon_one('38SLF29', anchor='sw'), grid.from_latlon_one(36.3, 43.1),"
        " grid.to_latlon(['38SLF29', 'ZAH'])[0].tolist(),"
        " grid.from_latlon([-1e-7], [5.0]).tolist(),"
        " grid.parse_arrays(['4qfj12'])['canonical'].tolist())"
    )
    script = f"import sys\nfrom geoconflict import grid\nprint(repr({calls}))\n{HEAVY}\n"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # the same values as here, where pandas is loaded
    assert out[0] == repr(eval(calls, {"grid": grid}))
    assert "38SLF2939918898" in out[0] and "'04QFJ12'" in out[0]
    assert out[-1] == "[]"
