"""Benchmark: per-area, per-month summary of N synthetic events on a 2-worker Dask cluster.

What it does, in one run:

1. generates ``--n`` synthetic events (default 20,000,000) in chunks of
   ``--chunk`` and writes them as hive-partitioned GeoParquet
   (``year=YYYY/part-K.parquet``), never holding more than one chunk in memory;
2. summarises them per area per month (``scale.read_parquet`` → ``scale.summarize``,
   which assigns the shipped study areas first) on a local ``dask.distributed``
   cluster of ``--workers`` single-threaded worker processes, each with a
   ``--memory-limit`` (default 2 GB), sampling every worker's resident memory
   with psutil; prints the peak per worker and the throughput;
3. runs the single-process pandas path (``geopandas.read_parquet`` →
   ``summary.summarize``) on the first ``--pandas-n`` events (default 2,000,000,
   the largest size that comfortably fits one process next to the cluster),
   and the Dask path on the same files, checks the two tables are equal, and
   prints the throughput ratio.

Usage::

    python benchmarks/bench_scale.py                 # 20M events
    python benchmarks/bench_scale.py --n 4000000     # a quicker run
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psutil
import pyarrow.parquet as pq
from dask.utils import parse_bytes

from geoconflict import scale, summary
from geoconflict._io import atomic_path
from geoconflict.synthetic import synthetic_events

#: Columns the pandas path reads (the Dask path projects the same ones itself).
COLUMNS = [*scale.ASSIGN_COLUMNS, *scale.SUMMARY_COLUMNS]


def write_dataset(root: Path, n: int, chunk: int) -> list[list[Path]]:
    """Write ``n`` events in chunks; return the files written, per chunk.

    A directory written before with the same ``n`` and ``chunk`` (``--dir``) is reused.
    """
    stamp = root / "_dataset.txt"
    if stamp.exists() and stamp.read_text() == f"{n} {chunk}":
        parts = sorted(root.glob("year=*/part-*.parquet"))
        by_chunk: dict[str, list[Path]] = {}
        for p in parts:
            by_chunk.setdefault(p.stem, []).append(p)
        return [by_chunk[k] for k in sorted(by_chunk)]
    if root.exists():
        shutil.rmtree(root)
    files: list[list[Path]] = []
    done = 0
    k = 0
    while done < n:
        size = min(chunk, n - done)
        events = synthetic_events(size, seed=1000 + k)
        events["event_id"] = f"syn-{k}-" + events["event_id"].astype(str)
        written = []
        for year, part in events.groupby(events["date_start"].dt.year, sort=True):
            target = root / f"year={year}" / f"part-{k:05d}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(target) as tmp:
                part.to_parquet(tmp)
            written.append(target)
        files.append(written)
        done += size
        k += 1
        print(f"\r  written {done:,} / {n:,} events", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    stamp.write_text(f"{n} {chunk}")
    return files


class PeakRSS:
    """Sample the resident memory of some processes in a background thread."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.05) -> None:
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak = dict.fromkeys(self.procs, 0)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for name, proc in self.procs.items():
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                self.peak[name] = max(self.peak[name], rss)
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_dask(path: Path | list[Path]) -> tuple[pd.DataFrame, float]:
    """The path the CLI takes: read only the needed columns, assign, summarise."""
    import dask_geopandas

    t0 = time.perf_counter()
    if isinstance(path, list):
        ddf = dask_geopandas.read_parquet([str(p) for p in path], columns=COLUMNS)
    else:
        columns = scale.summary_columns(scale.read_parquet(path).columns)
        ddf = scale.read_parquet(path, columns=columns)
    table = scale.summarize(ddf).compute()
    return table, time.perf_counter() - t0


def run_pandas(files: list[Path]) -> tuple[pd.DataFrame, float, int]:
    rss = PeakRSS({"pandas": os.getpid()})
    with rss:
        t0 = time.perf_counter()
        events = pd.concat([gpd.read_parquet(f, columns=COLUMNS) for f in files], ignore_index=True)
        table = summary.summarize(events)
        seconds = time.perf_counter() - t0
    return table, seconds, rss.peak["pandas"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000_000, help="events (default 20M)")
    parser.add_argument("--chunk", type=int, default=1_000_000, help="events per generated chunk")
    parser.add_argument("--pandas-n", type=int, default=2_000_000, help="events for pandas")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="2GB", help="per Dask worker")
    parser.add_argument("--dir", type=Path, default=None, help="dataset directory (kept)")
    args = parser.parse_args()

    root = args.dir or Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        t0 = time.perf_counter()
        files = write_dataset(root / "events", args.n, args.chunk)
        gen_s = time.perf_counter() - t0
        on_disk = sum(f.stat().st_size for chunk in files for f in chunk)
        print(f"dataset: {args.n:,} events, {sum(map(len, files))} files,")
        print(f"         {on_disk / 1e6:,.0f} MB GeoParquet, written (or found) in {gen_s:,.1f} s")

        pandas_files = [f for chunk in files[: max(1, args.pandas_n // args.chunk)] for f in chunk]
        with scale.client(n_workers=args.workers, memory_limit=args.memory_limit) as client:
            # Warm-up (imports on the workers, first areas load), timed separately.
            _, warm_s = run_dask(pandas_files[:1])
            pids = client.run(os.getpid)
            sampler = PeakRSS({addr: pid for addr, pid in pids.items()})
            with sampler:
                table, dask_s = run_dask(root / "events")
                small_dask, small_dask_s = run_dask(pandas_files)
            peaks = sampler.peak
        small_pandas, pandas_s, pandas_peak = run_pandas(pandas_files)
        pandas_n = sum(pq.ParquetFile(f).metadata.num_rows for f in pandas_files)
        pd.testing.assert_frame_equal(small_dask, small_pandas)
        assert int(table["events"].sum()) == args.n, "every event counted once"

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (1, 5, 15 min)")
        print(f"\ndask, {args.workers} workers x 1 thread, memory limit {args.memory_limit}:")
        for addr, peak in sorted(peaks.items()):
            print(f"  peak RSS {addr}: {peak / 2**30:.2f} GiB ({peak / 1e9:.2f} GB)")
        print(f"  worker warm-up (imports, first task): {warm_s:.1f} s, not counted below")
        top = max(peaks.values())
        limit = (
            psutil.virtual_memory().total / args.workers
            if args.memory_limit == "auto"
            else parse_bytes(args.memory_limit)
        )
        verdict = "within" if top <= limit else "OVER"
        print(
            f"  max peak per worker: {top / 1e9:.2f} GB ({verdict} the {limit / 1e9:.1f} GB limit)"
        )
        print(f"  {args.n:,} events in {dask_s:,.1f} s: {args.n / dask_s:,.0f} events/s")
        print(f"  summary table: {len(table):,} rows (area x month)")
        print(f"\nsame {pandas_n:,} events, both paths (tables equal):")
        print(
            f"  pandas, 1 process: {pandas_s:,.1f} s, {pandas_n / pandas_s:,.0f} events/s,"
            f" peak RSS {pandas_peak / 1e9:.2f} GB"
        )
        print(
            f"  dask, {args.workers} workers:    {small_dask_s:,.1f} s,"
            f" {pandas_n / small_dask_s:,.0f} events/s"
        )
        print(f"  ratio dask/pandas throughput at {pandas_n:,}: {pandas_s / small_dask_s:.2f}x")
        print(
            f"  ratio dask at {args.n:,} / pandas at {pandas_n:,}:"
            f" {(args.n / dask_s) / (pandas_n / pandas_s):.2f}x"
        )
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
