"""Benchmark the page build: ``make_map`` + ``to_html`` (inline assets) per stage.

The workload is ``benchmarks/bench_map.py``'s: synthetic events (generation not
counted), the shipped territory, no areas, places, rivers or context, basemap
``"none"``, weekly steps. Each run is a fresh process; the stages are timed by
wrapping the functions that do them (``time.perf_counter``), so a stage's time
includes what it calls; ``build cpu`` is the process's CPU time for the build, less
sensitive than wall time to other work on a shared machine:

- scope: ``keep_within`` (which events the map keeps) and the extent;
- encode: ``encode_events`` (ids, dates, coordinates, text columns via Arrow);
- territory, grid, chart data (``share_steps``), the date range;
- render: the folium/branca render, within it the JSON packing of the data
  blocks (``data_block``) and the id passes (``stabilize``, ``replace_random_ids``);
- write: writing the page (``write_text``), not part of the target.

Target (issue 17): 2,500,000 events built in <= 6 s, the page <= 60 MB. With
``--before REV`` the same workload runs on that revision's package too
(``git archive`` into a temporary folder), alternating with this tree, and the
ratio is printed; the two pages' SHA-256 say whether the bytes are the same.

Run::

    nice python benchmarks/bench_page_build.py --sizes 1000000 2500000 --before main
    nice python benchmarks/bench_page_build.py --sizes 100000 --repeat 1   # a quick look
    nice python benchmarks/bench_page_build.py --sizes 100000 --profile    # cProfile top
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

#: (module, attribute, stage): the functions timed; missing ones are skipped, so an
#: older revision with other internals still runs.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("geoconflict.render.make", "keep_within", "scope"),
    ("geoconflict.render.make", "_extent", "extent"),
    ("geoconflict.render.make", "encode_events_layer", "encode"),
    ("geoconflict.render.events", "encode_events", "encode"),
    ("geoconflict.render.events", "pack_ids", "  ids"),
    ("geoconflict.render.events", "pack_text", "  text"),
    ("geoconflict.render.events", "to_days", "  dates"),
    ("geoconflict.render.make", "territory_layer", "territory"),
    ("geoconflict.render.make", "grid_layer", "grid"),
    ("geoconflict.render.make", "share_steps", "chart data"),
    ("geoconflict.render.make", "_date_range", "date range"),
    ("geoconflict.render.page", "stabilize", "stabilize"),
    ("geoconflict.render.page", "data_block", "json packing"),
    ("geoconflict.render.page", "replace_random_ids", "random ids"),
)


def _wrap(totals: dict[str, float], stage: str, fn: Any) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[stage] += time.perf_counter() - t0

    return timed


def worker(n: int, out_dir: Path, profile: bool) -> dict[str, Any]:
    """Build the page for ``n`` events in this process; the stage seconds and page facts."""
    import importlib

    from bench_map import bench_page  # the same page as the map benchmark's
    from branca.element import Figure

    from geoconflict._io import write_text
    from geoconflict.render import to_html
    from geoconflict.synthetic import synthetic_events

    events = synthetic_events(n, seed=42)
    totals: dict[str, float] = defaultdict(float)
    for module_name, attr, stage in STAGES:
        module = importlib.import_module(module_name)
        if hasattr(module, attr):
            setattr(module, attr, _wrap(totals, stage, getattr(module, attr)))
    Figure.render = _wrap(totals, "folium render", Figure.render)  # type: ignore[method-assign]
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile(time.process_time)  # CPU time: steadier on a shared machine
        prof.enable()
    c0, t0 = time.process_time(), time.perf_counter()
    m = bench_page(events)
    t1 = time.perf_counter()
    html = to_html(m, assets="inline", asset_dir=NODE_MODULES)
    t2, c2 = time.perf_counter(), time.process_time()
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    path = out_dir / f"page-{n}.html"
    t3 = time.perf_counter()
    write_text(path, html)
    t4 = time.perf_counter()
    data = html.encode()
    path.unlink()
    return {
        "make_map": t1 - t0,
        "to_html": t2 - t1,
        "build": t2 - t0,
        "build cpu": c2 - c0,
        "write": t4 - t3,
        "stages": dict(totals),
        "mb": len(data) / 1e6,
        "sha256": hashlib.sha256(data).hexdigest()[:16],
        "skipped": len(m.skipped),
    }


def export_rev(rev: str, folder: Path) -> Path:
    """The package of git revision ``rev`` (``geoconflict/``) unpacked under ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "geoconflict"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / "data").symlink_to(ROOT / "data")  # the shipped tables, read from the checkout
    return folder


def run(tree: Path, n: int, tmp: Path, profile: bool = False) -> dict[str, Any]:
    """One fresh-process build of ``n`` events with the package in ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    cmd = [sys.executable, __file__, "--worker", str(n), "--tmp", str(tmp)]
    if profile:
        cmd.append("--profile")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"worker failed ({tree}):\n{done.stderr[-3000:]}")
    if profile:
        print(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def _stage_median(rows: list[dict[str, Any]], stage: str) -> float:
    return statistics.median(r["stages"].get(stage, 0.0) for r in rows)


def report(n: int, results: dict[str, list[dict[str, Any]]]) -> None:
    """Print the median seconds per stage for each tree, and the ratio after/before."""
    names = list(results)
    print(f"\n== {n:,} events: median of {len(results[names[0]])} (seconds) ==")
    head = f"{'stage':16}" + "".join(f"{name:>10}" for name in names)
    print(head + ("     ratio" if len(names) == 2 else ""))
    stages = [s for _, _, s in STAGES if any(s in r["stages"] for v in results.values() for r in v)]
    keys = ["make_map", "to_html", "build", "build cpu", "write"]
    for key in [*dict.fromkeys(stages), "folium render", *keys]:
        if key in keys:
            vals = [_median(results[name], key) for name in names]
        else:
            vals = [_stage_median(results[name], key) for name in names]
        line = f"{key:16}" + "".join(f"{v:10.2f}" for v in vals)
        if len(vals) == 2 and vals[0] > 0:
            line += f"{vals[1] / vals[0]:9.2f}x"
        print(line)
    for name in names:
        r = results[name][0]
        print(f"{name}: page {r['mb']:.1f} MB, sha256 {r['sha256']}, skipped {r['skipped']}")
    if len(names) == 2:
        same = results[names[0]][0]["sha256"] == results[names[1]][0]["sha256"]
        print("same page bytes" if same else "page bytes differ")
    if n >= 2_500_000:
        build = _median(results[names[-1]], "build")
        print(f"target at 2.5M: build <= 6 s ({names[-1]}: {build:.2f} s, {build / 6:.2f} of it)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 2_500_000])
    parser.add_argument("--before", help="a git revision to time alongside this tree")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top (one run)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.tmp, args.profile)))
        return 0
    print("load:", os.getloadavg())
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        trees = {"after": ROOT}
        if args.before:
            before = tmp / "before"
            before.mkdir()
            trees = {"before": export_rev(args.before, before), "after": ROOT}
        for n in args.sizes:
            results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
            for _ in range(1 if args.profile else args.repeat):
                for name, tree in trees.items():  # alternate, so load hits both alike
                    results[name].append(run(tree, n, tmp, args.profile))
            report(n, results)
    print("load:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
