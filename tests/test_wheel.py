"""`pip install .` works: the wheel carries the package, data/ and the page assets."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("geoconflict-*.whl")
    return whl


def test_wheel_contains_data_and_static_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [p for p in (ROOT / "data").rglob("*") if p.is_file()]
    assert shipped, "data/ is empty"
    for p in shipped:
        assert f"geoconflict/data/{p.relative_to(ROOT / 'data').as_posix()}" in names
    static = [
        p
        for p in (ROOT / "geoconflict").rglob("*")
        if p.is_file() and p.suffix in {".js", ".css", ".j2", ".html"}
    ]
    for p in static:
        assert p.relative_to(ROOT).as_posix() in names
    assert "geoconflict/py.typed" in names


def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # System site-packages provide the heavy dependencies; the wheel itself is
    # installed into the venv, which comes first on sys.path.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [
            str(py),
            "-c",
            "import geoconflict, geoconflict.datasets as d; "
            "print(geoconflict.__file__); print(d.path('places'))",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(w.startswith(str(venv)) for w in where), where
    exe = venv / "bin" / "geoconflict"
    helped = subprocess.run([str(exe), "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert helped.returncode == 0
    assert "mgrs" in helped.stdout and "build" in helped.stdout
    conv = subprocess.run(
        [str(exe), "mgrs", "38SMF 12345 67890"], cwd=tmp_path, capture_output=True, text=True
    )
    assert conv.returncode == 0, conv.stderr
    ref, lat, lon, precision_m = conv.stdout.rstrip("\n").split("\t")
    # Expected from pygeodesy (an independent implementation): SW corner 36.752717, 44.018038.
    assert ref == "38SMF 12345 67890"
    assert abs(float(lat) - 36.752717) < 1e-5 and abs(float(lon) - 44.018038) < 1e-5
    assert precision_m == "1"
