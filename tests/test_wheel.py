"""`pip install .` works: the wheel carries the package, data/ and the page assets."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # builds a wheel and two virtualenvs


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


def outer_site_dirs() -> list[str]:
    """The site-packages of the interpreter running the tests: the system's, or those of
    the virtualenv it runs in (which ``venv --system-site-packages`` would not see)."""
    dirs = [*site.getsitepackages(), sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return list(dict.fromkeys(d for d in dirs if os.path.isdir(d)))


def fresh_venv(where: Path) -> tuple[Path, dict[str, str]]:
    """A new venv that sees the running environment's packages after its own, and the
    environment to run it in (no PYTHONPATH, which would put a checkout first)."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    py = where / "bin" / "python"
    own = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Plain path lines: appended after the venv's own site-packages, so what is installed
    # into the venv wins; the outer .pth files (an editable install of this checkout) are
    # not processed.
    (Path(own) / "outer-environment.pth").write_text("\n".join(outer_site_dirs()) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return py, env


def test_fresh_venv_sees_the_outer_packages_after_its_own(tmp_path: Path) -> None:
    py, env = fresh_venv(tmp_path / "venv")
    paths = subprocess.run(
        [str(py), "-c", "import sys, pandas; print(sys.prefix); print(pandas.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert paths[0] == str(tmp_path / "venv")
    import pandas

    assert paths[1] == pandas.__file__


def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The running environment provides the heavy dependencies; the wheel itself is
    # installed into the venv, which comes first on sys.path.
    py, env = fresh_venv(venv)
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )
    where = subprocess.run(
        [
            str(py),
            "-c",
            "import geoconflict, geoconflict.datasets as d; "
            "print(geoconflict.__file__); print(d.path('places'))",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(w.startswith(str(venv)) for w in where), where
    exe = venv / "bin" / "geoconflict"
    helped = subprocess.run(
        [str(exe), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert helped.returncode == 0
    assert "mgrs" in helped.stdout and "build" in helped.stdout
    conv = subprocess.run(
        [str(exe), "mgrs", "38SMF 12345 67890"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert conv.returncode == 0, conv.stderr
    ref, lat, lon, precision_m = conv.stdout.rstrip("\n").split("\t")
    # Expected from pygeodesy (an independent implementation): SW corner 36.752717, 44.018038.
    assert ref == "38SMF 12345 67890"
    assert abs(float(lat) - 36.752717) < 1e-5 and abs(float(lon) - 44.018038) < 1e-5
    assert precision_m == "1"
