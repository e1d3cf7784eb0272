"""The build machinery: reproducible bytes, manifest, incremental rebuilds, failures kept apart.

These tests drive :func:`geoconflict.build.build_maps` with a small stand-in
renderer (a module-level function, so worker processes can use it) to keep them
fast; tests/test_build_e2e.py runs the real pipeline (sources -> render -> files).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from geoconflict.build import MANIFEST_NAME, STATE_NAME, build_maps
from geoconflict.build.spec import MapSpec
from geoconflict.errors import GeoconflictError, SpecError


def standin_page(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
    """A tiny deterministic page: the spec's title and its events' ids and days."""
    if "BOOM" in spec.title:
        raise RuntimeError("renderer exploded on purpose")
    ids = [] if events is None else sorted(events["event_id"].tolist())
    days = [] if events is None else sorted(events["date_start"].dt.strftime("%Y-%m-%d"))
    data = json.dumps({"title": spec.title, "ids": ids, "days": days}, sort_keys=True)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>x</title></head><body>"
        f"<script type='application/json' id='data'>{data}</script>"
        "<script>window.geoconflictReady = true;</script></body></html>"
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _maps(tmp_path: Path) -> Path:
    maps = tmp_path / "maps"
    _write(maps / "alpha.toml", 'title = "Alpha"\n[[inputs]]\nsynthetic = 40\nseed = 1\n')
    _write(maps / "beta.toml", 'title = "Beta"\n[[inputs]]\nsynthetic = 25\nseed = 2\n')
    _write(
        maps / "gamma.toml",
        'title = "Gamma"\n[[inputs]]\nsynthetic = 10\nseed = 3\n'
        "[[inputs]]\nsynthetic = 10\nseed = 3\n",
    )
    return maps


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _build(maps: Path, out: Path, **kw: Any) -> Any:
    kw.setdefault("jobs", 1)
    kw.setdefault("renderer", standin_page)
    return build_maps(maps, out, **kw)


def test_two_builds_give_identical_bytes_and_manifests(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    first = _build(maps, tmp_path / "a", jobs=2)
    second = _build(maps, tmp_path / "b", jobs=1)
    assert first.summary() == second.summary() == "built 3, unchanged 0, failed 0"
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert sorted(a) == ["alpha.html", "beta.html", "gamma.html", MANIFEST_NAME]
    assert a == b
    # The page holds what the spec asked for (and the ids are unique across inputs).
    page = a["gamma.html"].decode()
    data = json.loads(page.split("id='data'>")[1].split("</script>")[0])
    assert data["title"] == "Gamma" and len(data["ids"]) == len(set(data["ids"])) == 20


def test_manifest_lists_outputs_inputs_and_toolkit(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    _build(maps, out)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    text = (out / MANIFEST_NAME).read_text()
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert manifest["toolkit"]["name"] == "geoconflict"
    import geoconflict

    assert manifest["toolkit"]["version"] == geoconflict.__version__
    assert "built_at" not in manifest
    assert sorted(manifest["outputs"]) == ["alpha.html", "beta.html", "gamma.html"]
    for rel, info in manifest["outputs"].items():
        assert info["sha256"] == _sha(out / rel)
        assert info["size"] == (out / rel).stat().st_size
        assert info["maps"] == [rel.removesuffix(".html")]
    alpha = manifest["maps"]["alpha"]
    assert alpha["spec"] == {
        "path": "alpha.toml",
        "sha256": _sha(maps / "alpha.toml"),
        "size": (maps / "alpha.toml").stat().st_size,
    }
    assert alpha["inputs"] == [{"synthetic": 40, "seed": 1}]
    assert alpha["outputs"] == ["alpha.html"]


def test_timestamp_only_when_asked(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    _build(maps, tmp_path / "dist", timestamp=True)
    manifest = json.loads((tmp_path / "dist" / MANIFEST_NAME).read_text())
    assert manifest["built_at"].startswith("20") and manifest["built_at"].endswith("+00:00")


def test_broken_spec_beside_good_ones(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    broken = _write(maps / "broken.toml", 'title = "Broken"\nbasemap = "osmm"\n')
    report = _build(maps, tmp_path / "dist", jobs=2)
    assert (report.built, report.unchanged, report.failed) == (3, 0, 1)
    assert report.exit_code == 1
    (failed,) = [r for r in report.results if r.status == "failed"]
    assert failed.name == "broken"
    assert str(broken) in failed.error and "key 'basemap'" in failed.error
    assert "did you mean 'osm'" in failed.error
    for name in ("alpha", "beta", "gamma"):
        assert (tmp_path / "dist" / f"{name}.html").is_file()
    assert not (tmp_path / "dist" / "broken.html").exists()
    manifest = json.loads((tmp_path / "dist" / MANIFEST_NAME).read_text())
    assert sorted(manifest["maps"]) == ["alpha", "beta", "broken", "gamma"]
    # The broken spec is listed, failed, with the reason and no files.
    entry = manifest["maps"]["broken"]
    assert entry["status"] == "failed" and entry["error"] == failed.error
    assert entry["outputs"] == [] and entry["spec"]["path"] == "broken.toml"
    assert entry["spec"]["sha256"] == _sha(broken)
    assert not [rel for rel, row in manifest["outputs"].items() if "broken" in row["maps"]]
    # Fixed, it builds and its entry becomes an ordinary one; the others are unchanged.
    _write(broken, 'title = "Broken"\nbasemap = "osm"\n')
    report = _build(maps, tmp_path / "dist", jobs=2)
    assert (report.built, report.unchanged, report.failed) == (1, 3, 0)
    manifest = json.loads((tmp_path / "dist" / MANIFEST_NAME).read_text())
    assert manifest["maps"]["broken"]["status"] == "built"
    assert "error" not in manifest["maps"]["broken"]
    assert manifest["maps"]["broken"]["outputs"] == ["broken.html"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_failures_while_building_are_kept_apart(tmp_path: Path, jobs: int) -> None:
    maps = _maps(tmp_path)
    boom = _write(maps / "boom.toml", 'title = "BOOM"\n')
    missing = _write(maps / "missing.toml", 'title = "M"\n[[inputs]]\npath = "nope.csv"\n')
    report = _build(maps, tmp_path / "dist", jobs=jobs)
    assert report.summary() == "built 3, unchanged 0, failed 2"
    errors = {r.name: r.error for r in report.results if r.status == "failed"}
    assert errors["boom"] == f"{boom}: RuntimeError: renderer exploded on purpose"
    assert str(missing) in errors["missing"] and "key 'inputs[0].path'" in errors["missing"]
    assert "no such file" in errors["missing"]
    # A failed spec is tried again next time; the good ones are not.
    again = _build(maps, tmp_path / "dist", jobs=jobs)
    assert again.summary() == "built 0, unchanged 3, failed 2"


def test_incremental_rebuilds_only_what_changed(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    assert _build(maps, out).summary() == "built 3, unchanged 0, failed 0"
    assert _build(maps, out).summary() == "built 0, unchanged 3, failed 0"
    before = (out / "alpha.html").stat().st_mtime_ns

    # A touched spec rebuilds, alone.
    _write(maps / "beta.toml", 'title = "Beta, revised"\n[[inputs]]\nsynthetic = 25\nseed = 2\n')
    report = _build(maps, out)
    assert [r.name for r in report.results if r.status == "built"] == ["beta"]
    assert "Beta, revised" in (out / "beta.html").read_text()
    assert (out / "alpha.html").stat().st_mtime_ns == before

    # A missing or edited output rebuilds its spec.
    (out / "gamma.html").unlink()
    (out / "alpha.html").write_text("tampered")
    report = _build(maps, out)
    assert sorted(r.name for r in report.results if r.status == "built") == ["alpha", "gamma"]
    assert "Alpha" in (out / "alpha.html").read_text()

    # --force rebuilds everything; the bytes do not change.
    snapshot = _files(out)
    assert _build(maps, out, force=True).summary() == "built 3, unchanged 0, failed 0"
    assert _files(out) == snapshot

    # Other build options are part of the fingerprint.
    assert _build(maps, out, png=False).summary() == "built 3, unchanged 0, failed 0"


def test_an_edited_input_file_rebuilds_the_specs_that_read_it(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    data = _write(maps / "in.csv", "v1\n")
    _write(maps / "delta.toml", 'title = "Delta"\n[[inputs]]\npath = "in.csv"\n')
    # The file's contents do not matter to the fingerprint test; read it as 3 synthetic events.
    out = tmp_path / "dist"
    assert _build(maps, out, reader=_fake_read).summary() == "built 4, unchanged 0, failed 0"
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["maps"]["delta"]["inputs"] == [
        {"path": "in.csv", "sha256": _sha(data), "size": 3}
    ]
    data.write_text("v2\n")
    report = _build(maps, out, reader=_fake_read)
    assert [r.name for r in report.results if r.status == "built"] == ["delta"]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["maps"]["delta"]["inputs"][0]["sha256"] == _sha(data)


def _fake_read(path: Path, fmt: Any, options: dict[str, Any]) -> tuple[Any, Any, int]:
    import pandas as pd

    from geoconflict.events import REJECT_COLUMNS
    from geoconflict.synthetic import synthetic_events

    return synthetic_events(3), pd.DataFrame({c: [] for c in REJECT_COLUMNS}), 3


def test_only_builds_the_named_specs(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    report = _build(maps, tmp_path / "dist", only=["beta"])
    assert [(r.name, r.status) for r in report.results] == [("beta", "built")]
    assert sorted(_files(tmp_path / "dist")) == ["beta.html", MANIFEST_NAME]
    with pytest.raises(SpecError, match="--only matches no spec"):
        _build(maps, tmp_path / "dist", only=["nope"])


def test_no_specs_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpecError, match="no map specs"):
        _build(tmp_path / "empty", tmp_path / "dist")
    with pytest.raises(SpecError, match="no such file or folder"):
        _build(tmp_path / "absent", tmp_path / "dist")


def test_leftover_partial_files_are_removed(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    stale = [_write(out / ".alpha.html.k3j4.part", "<html>half"), out / ".a.html.x.part.html"]
    stale[1].write_text("half")
    keep = _write(out / "notes.txt", "mine")
    _build(maps, out)
    assert not any(p.exists() for p in stale)
    assert keep.read_text() == "mine"
    assert not list(out.rglob("*.part*"))


def test_a_second_build_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    out.mkdir()
    with open(out / ".geoconflict-build.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        with pytest.raises(GeoconflictError, match="another build is writing"):
            _build(maps, out)
    assert _build(maps, out).built == 3


def test_removed_spec_loses_its_outputs(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    _build(maps, out)
    (maps / "gamma.toml").unlink()
    report = _build(maps, out)
    assert report.summary() == "built 0, unchanged 2, failed 0"
    assert not (out / "gamma.html").exists()
    assert sorted(json.loads((out / MANIFEST_NAME).read_text())["maps"]) == ["alpha", "beta"]


def test_two_specs_cannot_write_the_same_file(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    _write(maps / "zeta.toml", 'title = "Z"\n[outputs]\nhtml = "alpha.html"\n')
    report = _build(maps, tmp_path / "dist")
    (failed,) = [r for r in report.results if r.status == "failed"]
    assert failed.name == "zeta" and "alpha.html is already written by" in failed.error


def test_corrupt_state_rebuilds_everything(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    _build(maps, out)
    (out / STATE_NAME).write_text("{not json")
    assert _build(maps, out).summary() == "built 3, unchanged 0, failed 0"
    assert _build(maps, out).summary() == "built 0, unchanged 3, failed 0"


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geoconflict.cli import main

    maps = _maps(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["build", str(maps), "--jobs", "0"])
    assert info.value.code == 2
    assert "expected 1 or more" in capsys.readouterr().err
    assert main(["build", str(maps), "--out", str(tmp_path / "d"), "--only", "nope"]) == 2
    assert "--only matches no spec" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "absent"), "--out", str(tmp_path / "d")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_cli_reports_each_failed_spec_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from geoconflict.cli import main

    maps = tmp_path / "maps"
    bad = _write(maps / "bad.toml", 'title = "Bad"\n[outputs]\npng = { width = "wide" }\n')
    worse = _write(maps / "worse.toml", "title = [1]\n")
    code = main(["build", str(maps), "--out", str(tmp_path / "dist"), "-q"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.strip() == "built 0, unchanged 0, failed 2"
    assert f"failed: {bad}, key 'outputs.png.width': expected an integer" in captured.err
    assert f"failed: {worse}, key 'title': expected a string, got an array" in captured.err


def test_png_without_chromium_or_playwright_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    maps = _maps(tmp_path)
    card = _write(maps / "card.toml", 'title = "Card"\n[outputs.png]\nwidth = 300\nheight = 200\n')
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    report = _build(maps, tmp_path / "dist")
    assert report.summary() == "built 3, unchanged 0, failed 1"
    (failed,) = [r for r in report.results if r.status == "failed"]
    assert failed.error.startswith(f"{card}: PNG output needs Chromium")
    assert "--no-png" in failed.error
    assert not list((tmp_path / "dist").glob("card.*"))
    # --no-png builds the page alone.
    assert _build(maps, tmp_path / "dist", png=False, only=["card"]).built == 1

    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    report = _build(maps, tmp_path / "dist2", only=["card"])
    assert "PNG output needs Playwright for Python" in str(report.results[0].error)


def test_the_build_package_is_neither_git_ignored_nor_left_out_of_the_wheel(root: Path) -> None:
    # hatchling and git both read .gitignore: an unanchored "build/" pattern would
    # drop geoconflict/build/ from commits and from the wheel.
    import pathspec

    ignore = pathspec.GitIgnoreSpec.from_lines((root / ".gitignore").read_text().splitlines())
    files = sorted((root / "geoconflict" / "build").glob("*.py"))
    assert [p.name for p in files] == [
        "__init__.py",
        "cards.py",
        "fingerprint.py",
        "manifest.py",
        "pipeline.py",
        "png.py",
        "pool.py",
        "report.py",
        "runner.py",
        "spec.py",
        "video.py",
        "worker.py",
    ]
    for p in files:
        assert not ignore.match_file(p.relative_to(root).as_posix())
    assert ignore.match_file("build/lib/x.py") and ignore.match_file("dist/x.whl")


def test_importing_the_build_and_parsing_specs_stays_light(root: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, geoconflict.build as b; "
        f"[b.load_spec(p) for p in b.find_specs([{str(root / 'maps')!r}])]; "
        "heavy = ('pandas', 'geopandas', 'folium', 'playwright'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow  # over two seconds (the slow rule)
def test_preload_reads_the_shipped_tables_the_specs_draw_on(root: Path) -> None:
    # After preload, the parent holds every shipped table the specs need, so forked
    # workers inherit them: reading a file again would fail here.
    import subprocess
    import sys

    code = (
        "import geoconflict.build.pool as pool, geoconflict.datasets as d; "
        "from geoconflict.build.fingerprint import shipped_tables; "
        "from geoconflict.build.spec import load_spec; "
        f"specs = [load_spec({str(root / 'maps' / 'air-campaign-overview.toml')!r})]; "
        "pool.preload(specs); "
        "d.path = None; "  # no file is looked up again
        "print([len(d.load(n)) > 0 for n in sorted(shipped_tables(specs[0]))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # areas, context, incidents, places, rivers, strikes, territory, weapons_monthly
    assert out.stdout.strip() == str([True] * 8)


def test_two_specs_with_the_same_name_are_refused(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    other = _write(tmp_path / "more" / "alpha.toml", 'title = "A2"\n[outputs]\nhtml = "a2.html"\n')
    report = build_maps([maps, other], tmp_path / "dist", jobs=1, renderer=standin_page)
    assert report.summary() == "built 3, unchanged 0, failed 1"
    (failed,) = [r for r in report.results if r.status == "failed"]
    assert failed.error == f"{other}: another spec is also named 'alpha'"


# -- who owns an output file; failed rebuilds; reader options ------------------------------
def _page_title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.index("id='data'>") + len("id='data'>")
    return str(json.loads(text[start : text.index("</script>", start)])["title"])


def _check_manifest(out: Path) -> dict[str, Any]:
    """Every output the manifest lists is on disk with its sha256."""
    manifest: dict[str, Any] = json.loads((out / MANIFEST_NAME).read_text())
    for rel, info in manifest["outputs"].items():
        assert _sha(out / rel) == info["sha256"], rel
    return manifest


@pytest.mark.parametrize("jobs", [1, 2])
def test_swapping_output_names_keeps_both_files(tmp_path: Path, jobs: int) -> None:
    maps, out = tmp_path / "maps", tmp_path / "dist"
    spec = 'title = "{t}"\n[outputs]\nhtml = "{h}"\n'
    _write(maps / "a.toml", spec.format(t="A", h="x.html"))
    _write(maps / "b.toml", spec.format(t="B", h="y.html"))
    assert _build(maps, out, jobs=jobs).built == 2
    _write(maps / "a.toml", spec.format(t="A", h="y.html"))
    _write(maps / "b.toml", spec.format(t="B", h="x.html"))
    report = _build(maps, out, jobs=jobs)
    assert report.summary() == "built 2, unchanged 0, failed 0"
    assert (_page_title(out / "y.html"), _page_title(out / "x.html")) == ("A", "B")
    manifest = _check_manifest(out)
    assert {n: m["outputs"] for n, m in manifest["maps"].items()} == {
        "a": ["y.html"],
        "b": ["x.html"],
    }
    assert {r: o["maps"] for r, o in manifest["outputs"].items()} == {
        "x.html": ["b"],
        "y.html": ["a"],
    }
    assert _build(maps, out, jobs=jobs).summary() == "built 0, unchanged 2, failed 0"
    # A spec that stops writing a file still removes it when no one else writes it.
    _write(maps / "a.toml", spec.format(t="A", h="z.html"))
    assert _build(maps, out, jobs=jobs).built == 1
    assert sorted(_files(out)) == [MANIFEST_NAME, "x.html", "z.html"]
    _check_manifest(out)


def test_only_and_single_spec_builds_still_check_output_names(tmp_path: Path) -> None:
    maps, out = tmp_path / "maps", tmp_path / "dist"
    spec = 'title = "{t}"\n[outputs]\nhtml = "same.html"\n'
    a = _write(maps / "a.toml", spec.format(t="A"))
    b = _write(maps / "b.toml", spec.format(t="B"))
    first = _build(maps, out)
    assert first.summary() == "built 1, unchanged 0, failed 1"
    page = (out / "same.html").read_bytes()
    message = f"{b}, key 'outputs': same.html is already written by {a}"
    # --only b: a is still read, so b may not take its file.
    only = _build(maps, out, only=["b"])
    assert [(r.name, r.status, r.error) for r in only.results] == [("b", "failed", message)]
    # b alone: a's earlier build still owns the file.
    alone = _build(b, out)
    assert [(r.status, r.error) for r in alone.results] == [
        ("failed", f"{b}, key 'outputs': same.html is already written by {a.resolve()}")
    ]
    # So does a spec from another folder.
    other = _write(tmp_path / "other" / "c.toml", spec.format(t="C"))
    assert _build(other, out).failed == 1
    assert (out / "same.html").read_bytes() == page and _page_title(out / "same.html") == "A"
    listed = _check_manifest(out)["maps"]
    assert {k: (v["status"], v["outputs"]) for k, v in listed.items()} == {
        "a": ("built", ["same.html"]),
        "b": ("failed", []),
        "c": ("failed", []),
    }
    # Once a's spec is gone, its file is free.
    a.unlink()
    assert _build(b, out).summary() == "built 1, unchanged 0, failed 0"
    assert _page_title(out / "same.html") == "B"
    listed = _check_manifest(out)["maps"]
    assert {k: (v["status"], v["outputs"]) for k, v in listed.items()} == {
        "b": ("built", ["same.html"]),
        "c": ("failed", []),
    }


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failed_rebuild_keeps_the_page_and_says_so_in_the_manifest(
    tmp_path: Path, jobs: int
) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    _build(maps, out, jobs=jobs)
    page = (out / "alpha.html").read_bytes()
    manifest = _check_manifest(out)
    assert {m["status"] for m in manifest["maps"].values()} == {"built"}
    assert not any("error" in m for m in manifest["maps"].values())

    # The renderer fails: the published page stays, the manifest marks the map failed.
    alpha = _write(maps / "alpha.toml", 'title = "Alpha BOOM"\n')
    report = _build(maps, out, jobs=jobs)
    assert report.summary() == "built 0, unchanged 2, failed 1"
    assert (out / "alpha.html").read_bytes() == page
    manifest = _check_manifest(out)
    error = f"{alpha}: RuntimeError: renderer exploded on purpose"
    assert manifest["maps"]["alpha"]["status"] == "failed"
    assert manifest["maps"]["alpha"]["error"] == error
    assert manifest["maps"]["alpha"]["outputs"] == ["alpha.html"]
    assert manifest["maps"]["beta"]["status"] == "built"
    assert "error" not in manifest["maps"]["beta"]
    # Deterministic: the same failing build into another folder gives the same manifest.
    _write(maps / "alpha.toml", 'title = "Alpha"\n[[inputs]]\nsynthetic = 40\nseed = 1\n')
    _build(maps, tmp_path / "twin", jobs=jobs)
    _write(maps / "alpha.toml", 'title = "Alpha BOOM"\n')
    _build(maps, tmp_path / "twin", jobs=jobs)
    assert (tmp_path / "twin" / MANIFEST_NAME).read_bytes() == (out / MANIFEST_NAME).read_bytes()

    # A spec that no longer parses is marked the same way; it is tried again each time.
    _write(maps / "alpha.toml", 'title = "Alpha"\nbasemap = "osmm"\n')
    assert _build(maps, out, jobs=jobs).summary() == "built 0, unchanged 2, failed 1"
    entry = _check_manifest(out)["maps"]["alpha"]
    assert entry["status"] == "failed" and "key 'basemap'" in entry["error"]
    assert (out / "alpha.html").read_bytes() == page

    # Fixed: built again, and the mark is gone.
    _write(maps / "alpha.toml", 'title = "Alpha again"\n')
    assert _build(maps, out, jobs=jobs).summary() == "built 1, unchanged 2, failed 0"
    entry = _check_manifest(out)["maps"]["alpha"]
    assert entry["status"] == "built" and "error" not in entry
    assert _page_title(out / "alpha.html") == "Alpha again"


def exploding_page(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
    """A renderer that always fails (a module-level function, so workers can use it)."""
    raise RuntimeError("renderer down")


def test_a_failed_forced_rebuild_is_tried_again_next_time(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    _build(maps, out)
    page = (out / "alpha.html").read_bytes()
    # Same spec and inputs, so the same fingerprint; only the (forced) build fails.
    report = _build(maps, out, force=True, only=["alpha"], renderer=exploding_page)
    assert report.summary() == "built 0, unchanged 0, failed 1"
    assert (out / "alpha.html").read_bytes() == page
    assert _check_manifest(out)["maps"]["alpha"]["status"] == "failed"
    assert _build(maps, out).summary() == "built 1, unchanged 2, failed 0"
    assert _check_manifest(out)["maps"]["alpha"]["status"] == "built"


RELEASE = (
    "SOUTHWEST ASIA, Aug. 22, 2017 — On Aug. 21, Coalition forces conducted strikes.\n"
    "In Syria, Coalition military forces conducted 20 strikes.\n"
    "-- Near Raqqa, three strikes engaged an ISIS tactical unit.\n"
)


def test_reader_options_reach_the_reader_and_the_gazetteer_is_an_input(tmp_path: Path) -> None:
    maps, out = tmp_path / "maps", tmp_path / "dist"
    text = RELEASE.replace("—", "-").replace("strikes.", "strikes (café).", 1)
    (tmp_path / "r.txt").write_bytes(text.encode("latin-1"))
    gaz = _write(
        tmp_path / "gaz.csv",
        "name,variants,lat,lon,accuracy_m\nAr Raqqah,Raqqa|Raqqah,35.95283,39.00788,3000\n",
    )
    spec = 'title = "R"\n[[inputs]]\npath = "../r.txt"\nformat = "releases"\noptions = {{ {} }}\n'
    _write(maps / "r.toml", spec.format('gazetteer = "../gaz.csv"'))
    (failed,) = _build(maps, out).results
    assert "key 'inputs[0]'" in str(failed.error)
    assert "line 1 is not UTF-8 text (byte 0xe9" in str(failed.error)
    assert "options.encoding in a spec" in str(failed.error)
    _write(maps / "r.toml", spec.format('encoding = "latin-1", gazetteer = "../gaz.csv"'))
    assert _build(maps, out).summary() == "built 1, unchanged 0, failed 0"
    data = (out / "r.html").read_text()
    assert '"days": ["2017-08-21"]' in data
    (row,) = _check_manifest(out)["maps"]["r"]["inputs"]
    assert row["gazetteer"] == {
        "path": "../gaz.csv",
        "sha256": _sha(gaz),
        "size": gaz.stat().st_size,
    }
    # An edited gazetteer rebuilds the map; a missing one fails it by name.
    _write(gaz, gaz.read_text().replace("Raqqa|", "Rakka|"))
    assert _build(maps, out).built == 1
    assert '"days": []' in (out / "r.html").read_text()
    gaz.unlink()
    (failed,) = _build(maps, out).results
    assert failed.status == "failed"
    assert "key 'inputs[0].options.gazetteer'" in str(failed.error)
    assert "no such file" in str(failed.error)


def stop_mid_job(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
    """A renderer during which the build is told to stop (as a late Ctrl-C would)."""
    from geoconflict.build import worker

    worker.STOP.set()
    return standin_page(spec, events)


def test_workers_stage_outputs_and_only_the_commit_publishes_them(tmp_path: Path) -> None:
    from geoconflict.build import worker
    from geoconflict.build.spec import load_spec

    maps = _maps(tmp_path)
    out = tmp_path / "dist"
    spec = load_spec(maps / "alpha.toml")
    res = worker.run_job(worker.Job(spec, out, None, standin_page))
    assert res.error is None and list(res.staged) == ["alpha.html"]
    tmp = Path(res.staged["alpha.html"])
    # Staged beside the target, under a name the next build would sweep up.
    assert tmp.parent == out and tmp.name.startswith(".alpha.html.") and tmp.suffix == ".part"
    assert not (out / "alpha.html").exists()
    assert _sha(tmp) == res.outputs["alpha.html"]["sha256"]
    res.discard()
    assert not tmp.exists() and not list(out.iterdir())


def test_a_worker_told_to_stop_commits_nothing_and_leaves_no_file(tmp_path: Path) -> None:
    import multiprocessing

    from geoconflict.build import worker
    from geoconflict.build.spec import load_spec

    out = tmp_path / "dist"
    spec = load_spec(_maps(tmp_path) / "alpha.toml")
    stop = multiprocessing.get_context("fork").Event()
    old = worker.STOP
    worker.STOP = stop
    try:
        # Told to stop while the page was being made: the staged page goes.
        with pytest.raises(SystemExit):
            worker.run_job(worker.Job(spec, out, None, stop_mid_job))
        assert stop.is_set() and not [p for p in out.rglob("*") if p.is_file()]
        # Told before the job starts (a Ctrl-C that came before the worker could
        # hear it): the job does not run at all.
        with pytest.raises(SystemExit):
            worker.run_job(worker.Job(spec, out, None, standin_page))
        assert not [p for p in out.rglob("*") if p.is_file()]
    finally:
        worker.STOP = old


def test_ctrl_c_during_a_commit_waits_for_the_commit(tmp_path: Path) -> None:
    import os
    import signal

    from geoconflict.build import runner

    done = []
    # Python's own Ctrl-C handler, as in a terminal (a shell that started the suite in
    # the background left SIGINT ignored, and Python then installs none).
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), runner.interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("files and manifest written")
        assert done == ["files and manifest written"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with runner.interrupts_deferred():  # no Ctrl-C: nothing raised
            done.append("again")
        assert done[-1] == "again"
    finally:
        signal.signal(signal.SIGINT, before)


def _png_or_die(tmp_html: Path, tmp_png: Path, spec: MapSpec, output: object = None) -> None:
    """A stand-in PNG step whose worker is killed (as by the OOM killer): always for
    spec 'dies', the first time only for spec 'flaky' (a marker file remembers).

    'dies' waits (a few seconds at most) until 'flaky' has been tried: a pool broken by
    'dies' before 'flaky' reached its own death would charge 'flaky' with a death that
    was not its own, and its one real death, alone, would then be its second."""
    import os
    import signal
    import time

    marker = spec.path.with_suffix(".tried")
    if spec.name == "dies":
        flaky = spec.path.with_name("flaky.tried")
        deadline = time.monotonic() + 10
        while not flaky.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    if spec.name == "dies" or (spec.name == "flaky" and not marker.exists()):
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    tmp_png.write_bytes(b"\x89PNG stand-in")


@pytest.mark.parametrize("others", [2, 40])
def test_a_worker_killed_mid_job_fails_only_its_own_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, others: int
) -> None:
    from geoconflict.build import worker

    monkeypatch.setattr(worker, "render_output", _png_or_die)  # forked workers inherit it
    maps = tmp_path / "maps"
    card = 'title = "{t}"\n[outputs.png]\nwidth = 100\nheight = 50\n'
    _write(maps / "dies.toml", card.format(t="Dies"))
    _write(maps / "flaky.toml", card.format(t="Flaky"))
    for i in range(others):
        _write(maps / f"ok{i:02d}.toml", card.format(t=f"OK {i}"))
    out = tmp_path / "dist"
    report = _build(maps, out, jobs=2)
    # Each death broke the pool: specs that had not started went round again as they
    # were, specs whose worker died were built again alone. Only 'dies' died twice.
    assert report.summary() == f"built {others + 1}, unchanged 0, failed 1"
    (died,) = [r for r in report.results if r.status == "failed"]
    assert died.name == "dies"
    assert died.error == (
        f"{maps / 'dies.toml'}: the worker process building it died"
        " (killed by a signal, e.g. when out of memory), twice"
    )
    assert not [p.name for p in out.iterdir() if ".part" in p.name]
    assert not (out / "dies.html").exists() and not (out / "dies.png").exists()
    assert (out / "flaky.png").read_bytes() == b"\x89PNG stand-in"
    assert all((out / f"ok{i:02d}.png").is_file() for i in range(others))
    assert _check_manifest(out)["maps"]["dies"]["status"] == "failed"


def _worker_that_cannot_start(*args: Any) -> None:
    import os

    os._exit(3)  # as if the worker were killed while starting up


def test_workers_that_die_before_starting_end_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geoconflict.build import worker

    monkeypatch.setattr(worker, "worker_init", _worker_that_cannot_start)
    maps = _maps(tmp_path)
    report = _build(maps, tmp_path / "dist", jobs=2)  # ends: no endless retries
    assert report.summary() == "built 0, unchanged 0, failed 3"
    assert {r.error for r in report.results} == {
        f"{maps / name}.toml: the worker processes died (or hung) before they could start it, twice"
        for name in ("alpha", "beta", "gamma")
    }


class _Unsendable:
    """A renderer that pickles but cannot be unpickled (as in a worker)."""

    def __call__(self, spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
        return standin_page(spec, events)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_refuse, ())


def _refuse() -> None:
    raise ValueError("cannot restore this renderer")


def test_a_renderer_that_cannot_reach_the_workers_fails_clearly(tmp_path: Path) -> None:
    maps = _maps(tmp_path)
    report = build_maps(maps, tmp_path / "dist", jobs=2, renderer=_Unsendable())
    assert report.failed == 3
    assert all("the renderer cannot be sent to worker processes" in str(r.error)
               for r in report.results)  # fmt: skip
    # In one process it works.
    assert build_maps(maps, tmp_path / "dist", jobs=1, renderer=_Unsendable()).built == 3


def test_the_build_imports_the_package_plainly(root: Path) -> None:
    """No import of the package's own modules inside try/except (a missing module is a bug)."""
    import ast

    files = sorted((root / "geoconflict" / "build").glob("*.py"))
    files += [root / "geoconflict" / "render" / n for n in ("make.py", "options.py")]
    found = []
    for path in files:
        assert path.is_file(), path
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            guarded = isinstance(node, ast.Try) or (
                isinstance(node, ast.With)
                and "ImportError" in ast.dump(node.items[0].context_expr)  # suppress(ImportError)
            )
            if not guarded:
                continue
            for inner in (n for stmt in node.body for n in ast.walk(stmt)):
                names = []
                if isinstance(inner, ast.ImportFrom):
                    names = [inner.module or ""]
                elif isinstance(inner, ast.Import):
                    names = [a.name for a in inner.names]
                elif isinstance(inner, ast.Call):
                    func = inner.func
                    called = getattr(func, "attr", None) or getattr(func, "id", "")
                    names = ["importlib"] if called in ("import_module", "__import__") else []
                found += [f"{path.name}:{inner.lineno}" for n in names if "geoconflict" in n
                          or n == "importlib"]  # fmt: skip
    assert found == []
