"""`geoconflict build` end to end: real readers, the real renderer, files on disk.

Assets come from ``node_modules`` (``--asset-dir``), so nothing is fetched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from geoconflict.build import MANIFEST_NAME, build_maps
from geoconflict.cli import main


def ctrl_c_on() -> None:
    """In a child, before it runs: Ctrl-C does what it does in a terminal. A shell that
    started the suite in the background left SIGINT ignored, which children inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_shipped_specs_build_reproducibly(
    root: Path, node_modules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from geoconflict import datasets
    from geoconflict.render.assets import page_assets

    maps = root / "maps"
    a, b = tmp_path / "a", tmp_path / "b"
    args = ["build", str(maps), "--asset-dir", str(node_modules), "-q"]
    assert main([*args, "--out", str(a), "--jobs", "2"]) == 0
    assert capsys.readouterr().out.strip() == "built 5, unchanged 0, failed 0"
    assert main([*args, "--out", str(b), "--jobs", "1"]) == 0
    capsys.readouterr()
    first, second = _tree(a), _tree(b)
    names = sorted(p.stem for p in maps.glob("*.toml"))
    assert sorted(first) == sorted([f"{n}.html" for n in names] + [MANIFEST_NAME])
    assert first == second

    manifest = json.loads(first[MANIFEST_NAME])
    for rel, info in manifest["outputs"].items():
        assert info == {
            "maps": [rel.removesuffix(".html")],
            "sha256": _sha(a / rel),
            "size": len(first[rel]),
        }
    pins = {r["package"]: (r["version"], r["integrity"]) for r in page_assets()}
    assert {k: (v["version"], v["integrity"]) for k, v in manifest["assets"].items()} == pins
    incidents = datasets.path("incidents")
    assert manifest["data"][incidents.name]["sha256"] == _sha(incidents)
    mosul = manifest["maps"]["mosul-2016-17"]
    assert mosul["spec"]["sha256"] == _sha(maps / "mosul-2016-17.toml")
    assert mosul["inputs"] == [] and incidents.name in mosul["data"]
    assert "weapons_monthly.csv" in manifest["maps"]["air-campaign-overview"]["data"]
    assert manifest["toolkit"]["version"] == __import__("geoconflict").__version__

    # Self-contained: no external script or stylesheet; the page says what the spec says.
    page = first["mosul-2016-17.html"].decode()
    assert "<script src=" not in page and '<link rel="stylesheet" href=' not in page
    assert "The battle for Mosul" in page

    # The four older specs still build, and the new one: offline (basemap "none"),
    # its declared strikes and links in the page, the strike table in its data.
    assert names == [
        "air-campaign-overview",
        "mosul-2016-17",
        "raqqa-2017",
        "strikes-2014-16",
        "western-desert-2016-17",
    ]
    strikes_page = first["strikes-2014-16.html"].decode()
    assert "openstreetmap" not in strikes_page and 'GC.layer("context"' in strikes_page
    assert 'GC.layer("strikes"' in strikes_page and 'GC.layer("links"' in strikes_page
    entry = manifest["maps"]["strikes-2014-16"]
    assert entry["inputs"] == [{"dataset": "incidents"}]
    assert {"strikes.csv", "incidents.csv", "context.geojson"} <= set(entry["data"])
    assert "strikes.csv" not in manifest["maps"]["raqqa-2017"]["data"]

    # Nothing changed: nothing rebuilt.
    assert main([*args, "--out", str(a)]) == 0
    assert capsys.readouterr().out.strip() == "built 0, unchanged 5, failed 0"
    assert _tree(a) == first


def test_broken_spec_beside_good_ones(
    root: Path, node_modules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    maps = tmp_path / "maps"
    maps.mkdir()
    shutil.copy(root / "maps" / "raqqa-2017.toml", maps)
    broken = _write(maps / "broken.toml", 'title = "Broken"\n[layers]\nterritry = false\n')
    out = tmp_path / "dist"
    code = main(["build", str(maps), "--out", str(out), "--asset-dir", str(node_modules), "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.strip() == "built 1, unchanged 0, failed 1"
    assert f"{broken}, key 'layers.territry': unknown key; did you mean 'territory'?" in (
        captured.err
    )
    assert (out / "raqqa-2017.html").stat().st_size > 10_000
    maps_listed = json.loads((out / MANIFEST_NAME).read_text())["maps"]
    assert {name: entry["status"] for name, entry in maps_listed.items()} == {
        "broken": "failed",
        "raqqa-2017": "built",
    }
    assert maps_listed["broken"]["outputs"] == []


def test_rejected_input_records_are_listed_not_dropped(node_modules: Path, tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    _write(
        tmp_path / "data" / "mine.csv",
        "id,when,lat,lon,kind\n"
        "a1,2017-03-17,36.33,43.10,civcas\n"
        "a2,not a date,36.30,43.10,strike\n"
        "a3,2017-03-18,95,43.10,strike\n"
        "a4,2017-03-19,36.34,43.12,strike\n",
    )
    _write(
        maps / "mine.toml",
        'title = "Mine"\nbasemap = "none"\nareas = ["mosul"]\n'
        '[[inputs]]\npath = "../data/mine.csv"\nformat = "csv"\n'
        'columns = { event_id = "id", date_start = "when" }\n',
    )
    out = tmp_path / "dist"
    report = build_maps(maps, out, jobs=1, asset_dir=node_modules)
    assert (report.built, report.failed, report.rejected, report.exit_code) == (1, 0, 2, 1)
    assert report.summary() == "built 1, unchanged 0, failed 0 (2 input records rejected)"
    rows = list(csv.DictReader(io.StringIO((out / "mine.rejects.csv").read_text())))
    assert rows == [
        {
            "input": "../data/mine.csv",
            "row": "2",
            "field": "when",
            "value": "not a date",
            "reason": "unrecognised date",
        },
        {
            "input": "../data/mine.csv",
            "row": "3",
            "field": "lat",
            "value": "95",
            "reason": "latitude out of range",
        },
    ]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["maps"]["mine"]["rejected"] == 2
    assert manifest["maps"]["mine"]["inputs"] == [
        {
            "path": "../data/mine.csv",
            "sha256": _sha(tmp_path / "data" / "mine.csv"),
            "size": (tmp_path / "data" / "mine.csv").stat().st_size,
        }
    ]
    assert sorted(manifest["maps"]["mine"]["outputs"]) == ["mine.html", "mine.rejects.csv"]
    # The two good records reach the page's event layer.
    assert [p["n"] for p in _data_blocks(out / "mine.html") if "kinds" in p] == [2]


def _data_blocks(page: Path) -> list[dict[str, object]]:
    blocks = re.findall(
        r'<script type="application/json" id="[^"]+">(.*?)</script>', page.read_text(), re.S
    )
    return [json.loads(b) for b in blocks]


def test_local_assets_are_shared_outputs(node_modules: Path, tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    for name in ("one", "two"):
        _write(
            maps / f"{name}.toml",
            f'title = "{name}"\nassets = "local"\nbasemap = "none"\n[[inputs]]\nsynthetic = 20\n',
        )
    out = tmp_path / "dist"
    assert build_maps(maps, out, jobs=2, asset_dir=node_modules).summary() == (
        "built 2, unchanged 0, failed 0"
    )
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    leaflet = "assets/leaflet@1.9.4/dist/leaflet.js"
    assert manifest["outputs"][leaflet]["maps"] == ["one", "two"]
    assert manifest["outputs"][leaflet]["sha256"] == _sha(out / leaflet)
    assert (out / leaflet).read_bytes()[:300] == (
        node_modules / "leaflet/dist/leaflet.js"
    ).read_bytes()[:300]
    assert 'src="assets/leaflet@1.9.4/dist/leaflet.js"' in (out / "one.html").read_text()
    # Removing one spec keeps the assets the other still uses.
    (maps / "one.toml").unlink()
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules).unchanged == 1
    assert (out / leaflet).is_file() and not (out / "one.html").exists()


@pytest.mark.slow
def test_killed_or_interrupted_build_leaves_no_partial_file(
    node_modules: Path, tmp_path: Path
) -> None:
    import psutil

    maps = tmp_path / "maps"
    out = tmp_path / "dist"
    spec = 'title = "{t}"\nbasemap = "none"\nareas = ["mosul"]\n[[inputs]]\nsynthetic = {n}\n'
    _write(maps / "small.toml", spec.format(t="Small", n=50))
    _write(maps / "big.toml", spec.format(t="Big", n=50))
    _write(maps / "huge.toml", spec.format(t="Huge", n=50))
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules).built == 3
    before = _tree(out)

    # Make two specs slow (a large synthetic input each).
    _write(maps / "big.toml", spec.format(t="Big", n=400_000))
    _write(maps / "huge.toml", spec.format(t="Huge", n=500_000))
    cmd = [sys.executable, "-m", "geoconflict", "build", str(maps), "--out", str(out)]
    cmd += ["--asset-dir", str(node_modules), "--jobs", "2", "--verbose"]

    def start() -> tuple[subprocess.Popen[str], list[psutil.Process]]:
        """Start the build in its own process group; return once both specs are building."""
        proc = subprocess.Popen(
            cmd, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=ctrl_c_on
        )
        assert proc.stderr is not None
        started = set()
        while len(started) < 2:
            line = proc.stderr.readline()
            assert line, "the build ended before it started both specs"
            if line.startswith("building "):
                started.add(line.split()[1])
        assert started == {"big", "huge"}
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert len(workers) >= 2
        return proc, workers

    def check_untouched() -> None:
        # Every file present is complete and listed in a consistent manifest: the
        # old pages are intact and no new one is half-written.
        after = _tree(out)
        assert after == before
        manifest = json.loads(after[MANIFEST_NAME])
        for rel, info in manifest["outputs"].items():
            assert hashlib.sha256(after[rel]).hexdigest() == info["sha256"]
        assert set(after) == {*manifest["outputs"], MANIFEST_NAME}

    # Ctrl-C (SIGINT to the process group): the build stops, exit 130, temporary files go.
    proc, workers = start()
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=300)  # a safety net against a hang, not a speed check
    assert proc.returncode == 130 and "interrupted" in err
    _gone, alive = psutil.wait_procs(workers, timeout=60)
    assert not alive
    check_untouched()
    assert not [p for p in out.rglob("*") if ".part" in p.name]

    # SIGKILL: no clean-up runs at all; the workers die with the build (none is left
    # to rename a file into place later).
    proc, workers = start()
    proc.kill()
    proc.wait(timeout=300)
    assert proc.stderr is not None
    proc.stderr.close()
    _gone, alive = psutil.wait_procs(workers, timeout=60)
    assert not alive
    check_untouched()

    # The next build removes any temporary files the kill left and finishes the job.
    _write(maps / "big.toml", spec.format(t="Big", n=60))
    _write(maps / "huge.toml", spec.format(t="Huge", n=70))
    report = build_maps(maps, out, jobs=2, asset_dir=node_modules)
    assert report.summary() == "built 2, unchanged 1, failed 0"
    assert not [p for p in out.rglob("*") if ".part" in p.name]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    for rel, info in manifest["outputs"].items():
        assert _sha(out / rel) == info["sha256"]


@pytest.mark.slow
def test_ctrl_c_keeps_the_specs_already_built(node_modules: Path, tmp_path: Path) -> None:
    maps = tmp_path / "maps"
    out = tmp_path / "dist"
    spec = 'title = "{t}"\nbasemap = "none"\nareas = ["mosul"]\n[[inputs]]\nsynthetic = {n}\n'
    _write(maps / "quick.toml", spec.format(t="Quick", n=40))
    _write(maps / "slow.toml", spec.format(t="Slow", n=40))
    assert build_maps(maps, out, jobs=1, asset_dir=node_modules).built == 2
    slow_before = (out / "slow.html").read_bytes()
    _write(maps / "quick.toml", spec.format(t="Quick again", n=60))
    _write(maps / "slow.toml", spec.format(t="Slow again", n=600_000))
    cmd = [sys.executable, "-m", "geoconflict", "build", str(maps), "--out", str(out)]
    cmd += ["--asset-dir", str(node_modules), "--jobs", "2", "--verbose"]
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=ctrl_c_on
    )
    assert proc.stderr is not None
    while (line := proc.stderr.readline()) != "built quick\n":
        assert line, "the build ended before it finished the quick spec"
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C while the slow spec is still building
    _, err = proc.communicate(timeout=300)  # a safety net against a hang, not a speed check
    assert proc.returncode == 130 and "interrupted" in err
    # The quick spec's new page is in place and the manifest describes it; the slow
    # spec keeps its previous page; nothing half-written is left.
    assert '"title":"Quick again"' in (out / "quick.html").read_text(encoding="utf-8")
    assert (out / "slow.html").read_bytes() == slow_before
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    for rel, info in manifest["outputs"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == info["sha256"]
    assert not [p for p in out.rglob("*") if ".part" in p.name]
