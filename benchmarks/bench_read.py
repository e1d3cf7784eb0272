"""Benchmark: read_events on a generated ACLED-format CSV against a bare pandas + geopandas read.

The bare path is what a user would write instead: ``pandas.read_csv`` (default
options) and ``geopandas.points_from_xy`` on latitude/longitude, with no
validation, no rejects ledger, no dates parsed and no column contract. The
target is ``read_events`` at ≥ 0.65x the bare path's rows/s while doing all of it
(issue 17's bar for "no regression"; the read's own target was 0.5x).
Each path is timed ``--repeat`` times (3 by default), alternating, each in a fresh
process, and the best of each is compared: the bare read's time alone varies by a
quarter between runs on this machine.

    python benchmarks/bench_read.py            # 2,000,000 rows
    python benchmarks/bench_read.py --rows 200000
    python benchmarks/bench_read.py --ingest   # also: streamed ingest vs whole-table ingest

Peak memory is the peak resident set size of a child process that does only
that read (so one measurement does not inherit the other's memory).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# Measure the checkout this file is in, not whatever copy of geoconflict is installed
# (the spawned children run this module again, so they get the same path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: ACLED's 2023+ export columns, in order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip


def make_acled_csv(path: Path, rows: int, *, seed: int = 0, block: int = 250_000) -> None:
    """Write ``rows`` synthetic ACLED-format records (Iraq/Syria, 2014-2017) to ``path``."""
    rng = np.random.default_rng(seed)
    first = True
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, rows, block):
            n = min(block, rows - start)
            days = rng.integers(0, 1_240, n)
            dates = (pd.Timestamp("2014-08-08") + pd.to_timedelta(days, unit="D")).strftime(
                "%d %B %Y"
            )
            iraq = rng.random(n) < 0.6
            kind = rng.integers(0, 3, n)
            ids = np.char.add(np.where(iraq, "IRQ", "SYR"), (start + np.arange(n) + 1).astype(str))
            frame = pd.DataFrame(
                {
                    "event_id_cnty": ids,
                    "event_date": dates,
                    "year": 2014 + days // 365,
                    "time_precision": rng.integers(1, 4, n),
                    "disorder_type": "Political violence",
                    "event_type": np.array(
                        ["Explosions/Remote violence", "Battles", "Violence against civilians"]
                    )[kind],
                    "sub_event_type": np.array(["Air/drone strike", "Armed clash", "Attack"])[kind],
                    "actor1": "Military Forces of the United States (2009-2017)",
                    "assoc_actor_1": "",
                    "inter1": 8,
                    "actor2": "Islamic State (Iraq)",
                    "assoc_actor_2": "",
                    "inter2": 2,
                    "interaction": 28,
                    "civilian_targeting": "",
                    "iso": np.where(iraq, 368, 760),
                    "region": "Middle East",
                    "country": np.where(iraq, "Iraq", "Syria"),
                    "admin1": np.where(iraq, "Ninewa", "Ar-Raqqa"),
                    "admin2": np.where(iraq, "Mosul", "Ar-Raqqa"),
                    "admin3": "",
                    "location": np.where(iraq, "Mosul", "Ar Raqqa"),
                    "latitude": np.round(
                        np.where(iraq, 36.335, 35.953) + rng.normal(0, 0.05, n), 4
                    ),
                    "longitude": np.round(
                        np.where(iraq, 43.119, 39.008) + rng.normal(0, 0.05, n), 4
                    ),
                    "geo_precision": rng.integers(1, 4, n),
                    "source": "Airwars; Rudaw",
                    "source_scale": "Other-National",
                    "notes": "Coalition aircraft struck a position; casualties were reported "
                    "by local sources.",
                    "fatalities": rng.poisson(1.2, n),
                    "tags": "",
                    "timestamp": 1_618_000_000,
                }
            )
            frame.to_csv(fh, header=first, index=False)
            first = False


def _bare(path: str) -> int:
    import geopandas as gpd

    frame = pd.read_csv(path)
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    table = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    return len(table)


def _ours(path: str) -> int:
    from geoconflict.sources import read_events

    return read_events(path).accepted


def _ingest_whole(path: str) -> int:
    """What ingest did before it streamed: the whole table in memory, then written."""
    from geoconflict.sources import read_events, write_events

    result = read_events(path)
    write_events(result.events, path + ".whole.parquet")
    return result.accepted


def _ingest_stream(path: str) -> int:
    from geoconflict.sources.ingest import ingest_events

    return ingest_events(path, path + ".stream.parquet", path + ".rejects.csv").accepted


_JOBS = {"bare": _bare, "ours": _ours, "whole": _ingest_whole, "stream": _ingest_stream}


def _child(which: str, path: str, queue: mp.Queue) -> None:
    fn = _JOBS[which]
    if which == "bare":
        import geopandas  # noqa: F401
    else:
        # (imports are not part of the measurement)
        import geoconflict.sources.ingest  # noqa: F401
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    n = fn(path)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    queue.put((n, seconds, after.ru_maxrss / 1024.0, cpu))


def measure(which: str, path: Path) -> tuple[int, float, float, float]:
    """(rows, wall seconds, peak RSS in MiB, CPU seconds) of one read, in a fresh process."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(which, str(path), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--ingest", action="store_true", help="also compare ingest: streamed vs whole table"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled.csv"
        t0 = time.perf_counter()
        make_acled_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        best: dict[str, tuple[int, float, float, float]] = {}
        runs: dict[str, list[float]] = {"bare": [], "ours": []}
        for _ in range(args.repeat):
            for which in ("bare", "ours"):
                got = measure(which, path)
                runs[which].append(got[1])
                if which not in best or got[1] < best[which][1]:
                    best[which] = got
        for which, label in (
            ("bare", "pandas.read_csv + points_from_xy"),
            ("ours", "geoconflict.read_events (all checks)"),
        ):
            n, sec, peak, cpu = best[which]
            print(
                f"{label:40s} {n:>10,} rows {sec:7.2f} s {n / sec:>12,.0f} rows/s"
                f"  CPU {cpu:6.2f} s  peak RSS {peak:,.0f} MiB"
            )
        ratio = (best["ours"][0] / best["ours"][1]) / (best["bare"][0] / best["bare"][1])
        cpu_ratio = (best["ours"][0] / best["ours"][3]) / (best["bare"][0] / best["bare"][3])
        print(
            f"ratio read_events / bare = {ratio:.2f}x (target >= 0.65x; best of {args.repeat} each)"
        )
        print(f"rows per CPU-second, read_events / bare = {cpu_ratio:.2f}x")
        print(
            "  all runs: "
            + "; ".join(
                f"{w} " + ", ".join(f"{t:.2f}" for t in ts) + " s" for w, ts in runs.items()
            )
        )
        if args.ingest:
            whole, stream = measure("whole", path), measure("stream", path)
            for label, (n, sec, peak, _cpu) in (
                ("ingest, whole table (read_events + write_events)", whole),
                ("ingest, streamed (geoconflict ingest)", stream),
            ):
                print(f"{label:50s} {n:>10,} rows {sec:7.2f} s  peak RSS {peak:,.0f} MiB")
            print(
                f"streamed ingest: peak memory {stream[2] / whole[2]:.2f}x, "
                f"time {stream[1] / whole[1]:.2f}x the whole-table ingest"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
