"""Inputs shared by several specs are read once per build, with the same outputs.

:func:`geoconflict.build.pipeline.input_cache` keeps what the readers returned
for the length of a build; a parallel build reads shared inputs once in the
parent before forking its workers. These tests count the reads (through a
counter file, so reads in worker processes count too) and compare the pages
with those of builds that read every input themselves.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import geoconflict.build.pipeline as pipeline
from geoconflict.build import build_maps
from geoconflict.build.spec import InputSpec, MapSpec
from geoconflict.errors import SpecError

CSV = (
    "event_id,date_start,lat,lon,kind,place\n"
    "a1,2017-01-02,36.34,43.13,strike,Mosul\n"
    "a2,2017-01-05,36.35,43.12,civcas,Mosul\n"
    "a3,2017-02-11,35.95,39.01,strike,Raqqa\n"
    "bad,not-a-date,35.90,39.00,strike,Raqqa\n"
)


def page(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
    """A small deterministic page: the title, ids, days and places of the events."""
    rows = sorted(
        zip(
            events["event_id"].tolist(),
            events["date_start"].dt.strftime("%Y-%m-%d").tolist(),
            events["place"].tolist(),
            strict=True,
        )
    )
    return f"<html><body>{json.dumps({'title': spec.title, 'rows': rows})}</body></html>"


@dataclass(frozen=True)
class CountingReader:
    """The build's reader, logging each real read of an input file (one line, any process)."""

    log: Path

    def __call__(self, path: Path, fmt: Any, options: dict[str, Any]) -> Any:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {Path(path).name}\n")
        return pipeline.read_input(path, fmt, options)


def _reads(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").split("\n")[:-1] if log.exists() else []


def _maps(tmp_path: Path, n: int = 4) -> Path:
    maps = tmp_path / "maps"
    maps.mkdir()
    (tmp_path / "events.csv").write_text(CSV, encoding="utf-8")
    for i in range(n):
        (maps / f"m{i}.toml").write_text(
            f'title = "Map {i}"\n[[inputs]]\npath = "../events.csv"\nformat = "csv"\n',
            encoding="utf-8",
        )
    return maps


def _pages(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.html"))}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_shared_input_is_read_once_per_build(tmp_path: Path, jobs: int) -> None:
    if jobs > 1 and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("workers inherit the parent's reads only when forked")
    maps = _maps(tmp_path)
    log = tmp_path / "reads.log"
    counted = CountingReader(log)
    report = build_maps(maps, tmp_path / "dist", jobs=jobs, renderer=page, reader=counted)
    assert report.summary() == "built 4, unchanged 0, failed 0 (4 input records rejected)"
    assert _reads(log) == [f"{os.getpid()} events.csv"]  # once, in this process
    # Each spec still lists the record its reader rejected, under its own input label.
    for i in range(4):
        rejects = (tmp_path / "dist" / f"m{i}.rejects.csv").read_text(encoding="utf-8")
        assert rejects.splitlines()[0] == "input,row,field,value,reason"
        assert rejects.splitlines()[1].startswith("../events.csv,4,date_start,not-a-date,")
    # The same pages as builds of one spec at a time (each reading the file itself).
    one_by_one = tmp_path / "single"
    for i in range(4):
        build_maps(maps / f"m{i}.toml", one_by_one, jobs=1, renderer=page, reader=counted)
    assert len(_reads(log)) == 5
    assert _pages(tmp_path / "dist") == _pages(one_by_one)
    assert b'["a1", "2017-01-02", "Mosul"]' in _pages(one_by_one)["m0.html"]


def test_the_cache_ends_with_the_build(tmp_path: Path) -> None:
    maps = _maps(tmp_path, n=2)
    log = tmp_path / "reads.log"
    counted = CountingReader(log)
    build_maps(maps, tmp_path / "a", jobs=1, renderer=page, reader=counted)
    build_maps(maps, tmp_path / "b", jobs=1, renderer=page, reader=counted)
    assert len(_reads(log)) == 2  # a later build reads the file again
    assert pipeline._CACHE is None


def _spec(path: Path, name: str = "m") -> MapSpec:
    return MapSpec(
        name=name,
        path=path.with_name(f"{name}.toml"),
        title=name,
        inputs=(InputSpec(kind="file", path=path, format="csv"),),
    )


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text(CSV, encoding="utf-8")
    with pipeline.input_cache() as cache:
        first = pipeline.load_events(_spec(f))
        f.write_text(CSV.replace("Mosul", "Bartella"), encoding="utf-8")
        second = pipeline.load_events(_spec(f))
        assert len(cache) == 2
    assert sorted(first.events["place"]) == ["Mosul", "Mosul", "Raqqa"]
    assert sorted(second.events["place"]) == ["Bartella", "Bartella", "Raqqa"]


def test_reader_options_are_part_of_the_key(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text(CSV.replace("place", "spot"), encoding="utf-8")
    plain = _spec(f)
    mapped = MapSpec(
        name="mapped",
        path=plain.path,
        title="mapped",
        inputs=(InputSpec(kind="file", path=f, format="csv", columns=(("place", "spot"),)),),
    )
    with pipeline.input_cache() as cache:
        a = pipeline.load_events(plain)
        b = pipeline.load_events(mapped)
        assert len(cache) == 2
    assert a.events["place"].isna().all()
    assert sorted(b.events["place"]) == ["Mosul", "Mosul", "Raqqa"]


def test_a_caller_editing_its_table_leaves_the_cached_one_alone(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text(CSV, encoding="utf-8")
    with pipeline.input_cache():
        first = pipeline.load_events(_spec(f))
        first.events["place"] = "edited"
        first.events.loc[first.events.index[0], "event_id"] = "zzz"
        second = pipeline.load_events(_spec(f, "n"))
    assert sorted(second.events["place"]) == ["Mosul", "Mosul", "Raqqa"]
    assert sorted(second.events["event_id"]) == ["a1", "a2", "a3"]


def test_preread_reads_only_shared_files_and_skips_bad_ones(tmp_path: Path) -> None:
    shared = tmp_path / "shared.csv"
    shared.write_text(CSV, encoding="utf-8")
    alone = tmp_path / "alone.csv"
    alone.write_text(CSV, encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text("no,header,we,know\n1,2,3,4\n", encoding="utf-8")
    specs = [_spec(shared, "a"), _spec(shared, "b"), _spec(alone, "c")]
    specs += [_spec(broken, "d"), _spec(broken, "e"), _spec(tmp_path / "gone.csv", "f")]
    assert pipeline.preread(specs) == 0  # no cache active
    with pipeline.input_cache(specs) as cache:
        assert pipeline.preread(specs) == 1
        assert [Path(key[0]).name for key in cache] == ["shared.csv"]
        # The broken file was left to the specs that name it, which report it.
        with pytest.raises(SpecError, match="inputs\\[0\\]"):
            pipeline.load_events(specs[3])


def test_a_build_keeps_only_shared_files_and_only_until_their_last_reader(
    tmp_path: Path,
) -> None:
    log = tmp_path / "reads.log"
    counted = CountingReader(log)
    shared = tmp_path / "shared.csv"
    shared.write_text(CSV, encoding="utf-8")
    alone = tmp_path / "alone.csv"
    alone.write_text(CSV, encoding="utf-8")
    specs = [_spec(shared, "a"), _spec(alone, "c"), _spec(shared, "b")]
    with pipeline.input_cache(specs) as cache:
        pipeline.load_events(specs[0], reader=counted)
        assert [Path(key[0]).name for key in cache] == ["shared.csv"]
        pipeline.load_events(specs[1], reader=counted)  # read by one spec only: not kept
        assert [Path(key[0]).name for key in cache] == ["shared.csv"]
        last = pipeline.load_events(specs[2], reader=counted)  # the last reader: dropped after it
        assert cache == {}
    assert [line.split()[1] for line in _reads(log)] == ["shared.csv", "alone.csv"]
    assert sorted(last.events["event_id"]) == ["a1", "a2", "a3"]


def _sized(tmp_path: Path, name: str, rows: int) -> Path:
    """A CSV of ``rows`` copies of the valid records (its size grows with ``rows``)."""
    body = "".join(CSV.splitlines(keepends=True)[1:4]) * rows
    path = tmp_path / name
    path.write_text(CSV.splitlines(keepends=True)[0] + body, encoding="utf-8")
    return path


def test_a_worker_is_forked_ahead_only_for_a_big_shared_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geoconflict.build import pool

    small, big, other = (
        _sized(tmp_path, n, r) for n, r in [("s.csv", 1), ("b.csv", 40), ("o.csv", 1)]
    )
    assert pipeline.shared_bytes([_spec(big, "a"), _spec(big, "b"), _spec(other, "c")]) == (
        big.stat().st_size
    )
    monkeypatch.setattr(pool, "AHEAD_BYTES", big.stat().st_size)
    alone = [(_spec(other, "c"), {})]
    assert pool.fork_ahead(alone, [(_spec(big, "a"), {}), (_spec(big, "b"), {})])
    assert not pool.fork_ahead(alone, [(_spec(small, "a"), {}), (_spec(small, "b"), {})])
    assert not pool.fork_ahead([], [(_spec(big, "a"), {}), (_spec(big, "b"), {})])


@pytest.mark.parametrize("ahead", [0, 2**62])
def test_a_parallel_build_gives_the_same_pages_with_or_without_the_early_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: int
) -> None:
    from geoconflict.build import pool

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the early worker is forked")
    maps = _maps(tmp_path, n=3)
    _sized(tmp_path, "other.csv", 2)
    (maps / "z.toml").write_text(
        'title = "Other"\n[[inputs]]\npath = "../other.csv"\nformat = "csv"\n', encoding="utf-8"
    )
    monkeypatch.setattr(pool, "AHEAD_BYTES", ahead)
    pools: list[list[str]] = []
    start = pool.start_pool

    def recorded(ctx: Any, todo: Any, n_jobs: int, make_job: Any) -> Any:
        pools.append(sorted(spec.name for spec, _meta in todo))
        return start(ctx, todo, n_jobs, make_job)

    monkeypatch.setattr(pool, "start_pool", recorded)
    log = tmp_path / "reads.log"
    counted = CountingReader(log)
    report = build_maps(maps, tmp_path / "par", jobs=2, renderer=page, reader=counted)
    assert report.summary() == "built 4, unchanged 0, failed 0 (3 input records rejected)"
    reads = _reads(log)
    # The shared file once, in this process; the other one in a worker.
    assert sorted(line.split()[1] for line in reads) == ["events.csv", "other.csv"]
    pids = {line.split()[1]: int(line.split()[0]) for line in reads}
    assert pids["events.csv"] == os.getpid() != pids["other.csv"]
    # The early worker's pool (the spec that shares no input) comes first, when forked.
    everything = ["m0", "m1", "m2", "z"]
    assert pools == ([["z"], ["m0", "m1", "m2"]] if ahead == 0 else [everything])
    build_maps(maps, tmp_path / "ser", jobs=1, renderer=page)
    assert _pages(tmp_path / "par") == _pages(tmp_path / "ser")
    assert len(_pages(tmp_path / "par")) == 4


def _build_with_stuck_workers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stuck: int,
    renderer: Any = None,
    **graces: float,
) -> tuple[Any, int]:
    """Build 3 specs with ``jobs=2`` while the first ``stuck`` forked workers hang in their
    start, as one can in a library's fork handler (on a lock another thread held at the
    fork), with the pool's ``graces`` set; the report, and how many workers forked."""
    import threading

    import geoconflict.build.pool as pool
    import geoconflict.build.worker as worker

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the pool's workers are forked")
    forks = multiprocessing.get_context("fork").Value("i", 0)
    init = worker.worker_init

    def maybe_stuck(*args: Any) -> None:
        with forks.get_lock():
            forks.value += 1
            mine = forks.value <= stuck
        if mine:
            threading.Event().wait()  # forever: only a kill ends this worker
        init(*args)

    monkeypatch.setattr(worker, "worker_init", maybe_stuck)
    for name, value in graces.items():
        monkeypatch.setattr(pool, name, value)
    maps = _maps(tmp_path, n=3)
    done: list[Any] = []
    run = threading.Thread(
        target=lambda: done.append(
            build_maps(maps, tmp_path / "par", jobs=2, renderer=renderer or page)
        ),
        daemon=True,
    )
    run.start()
    run.join(120)  # a guard against hanging the suite, not a time limit on the build
    assert not run.is_alive(), "the build waited for its stuck workers"
    assert len(_pages(tmp_path / "par")) == 3
    assert not [c for c in multiprocessing.active_children() if c.is_alive()]
    return done[0], forks.value


@pytest.mark.slow
def test_a_worker_stuck_before_its_first_job_does_not_hold_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other worker builds every spec, and the build must end.
    report, _ = _build_with_stuck_workers(tmp_path, monkeypatch, 1, SHUTDOWN_GRACE=0.5)
    assert report.summary() == "built 3, unchanged 0, failed 0 (3 input records rejected)"


@pytest.mark.slow
def test_workers_all_stuck_before_their_first_job_are_killed_and_the_specs_go_round_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No job begins within START_GRACE: both are killed, and a fresh pool builds every spec.
    report, forks = _build_with_stuck_workers(
        tmp_path, monkeypatch, 2, START_GRACE=5.0, SHUTDOWN_GRACE=0.5
    )
    assert forks == 4  # the stuck pair, then the pool that built the specs
    assert report.summary() == "built 3, unchanged 0, failed 0 (3 input records rejected)"


def slow_page(spec: MapSpec, events: Any, *, asset_dir: str | None = None) -> str:
    """:func:`page`, taking a second and a half."""
    import time

    time.sleep(1.5)
    return page(spec, events, asset_dir=asset_dir)


@pytest.mark.slow
def test_a_pool_whose_workers_began_jobs_longer_than_the_start_grace_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # START_GRACE bounds the wait for a first job to begin, not for jobs to end.
    report, forks = _build_with_stuck_workers(
        tmp_path, monkeypatch, 0, renderer=slow_page, START_GRACE=0.5
    )
    assert report.summary() == "built 3, unchanged 0, failed 0 (3 input records rejected)"
    assert forks == 2  # one pool, never killed
