"""Benchmark: ``areas.assign`` against a bare ``geopandas.sjoin`` on the same events and areas.

``geopandas.sjoin(events, areas, predicate="within")`` is what a user would
write instead. It gives one row per (event, area) match — an event in west
Mosul comes out twice, once for ``mosul`` and once for ``mosul_west`` — so it
does less than ``assign``, which also picks the most specific area and keeps
the caller's rows and index. Target: ``assign`` ≤ 1.2× the sjoin's time.

Both run on the same ``--n`` synthetic events (default 1,000,000) and the
shipped study areas, alternately, ``--repeat`` times; the best time of each
is compared. The intersects mode (uncertainty discs) is timed on
``--intersects-n`` events for information.

Usage::

    python benchmarks/bench_areas.py
    python benchmarks/bench_areas.py --n 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import geopandas as gpd

from geoconflict import areas
from geoconflict.synthetic import synthetic_events

ROOT = Path(__file__).resolve().parent.parent


def shipped_areas() -> gpd.GeoDataFrame:
    try:
        return areas.load()
    except Exception:  # an uninstalled checkout: read the file beside the code
        return areas.load(ROOT / "data" / "areas.geojson")


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--intersects-n", type=int, default=100_000)
    args = parser.parse_args()

    table = shipped_areas()
    t0 = time.perf_counter()
    events = synthetic_events(args.n, seed=7)
    print(f"{args.n:,} synthetic events made in {time.perf_counter() - t0:.1f} s")

    # Warm both paths once (imports, PROJ database) before timing.
    areas.assign(events.iloc[:1000], table)
    gpd.sjoin(events.iloc[:1000], table, predicate="within")

    t_assign = t_sjoin = float("inf")
    out = joined = None
    for _ in range(args.repeat):  # alternate so both see the same machine state
        t, out = best_of(lambda: areas.assign(events, table), 1)
        t_assign = min(t_assign, t)
        t, joined = best_of(lambda: gpd.sjoin(events, table, predicate="within"), 1)
        t_sjoin = min(t_sjoin, t)
    assert out is not None and joined is not None
    inside = int(out["area"].notna().sum())
    matched = joined.index.nunique()
    assert inside == matched, (inside, matched)
    print(f"assign (within)      {t_assign:8.3f} s   {args.n / t_assign:14,.0f} events/s")
    print(f"geopandas.sjoin      {t_sjoin:8.3f} s   {args.n / t_sjoin:14,.0f} events/s")
    print(f"ratio assign / sjoin {t_assign / t_sjoin:8.2f}   (target <= 1.20)")
    print(f"events in an area: {inside:,}; sjoin rows: {len(joined):,} (nested areas repeat)")

    m = min(args.intersects_n, args.n)
    sample = events.iloc[:m]
    t_int, res = best_of(lambda: areas.assign(sample, table, how="intersects"), 1)
    t_within_m, _ = best_of(lambda: areas.assign(sample, table), 3)
    ambiguous = int(res["area_ambiguous"].sum())  # type: ignore[index]
    print(
        f"assign (intersects) on {m:,} events: {t_int:.3f} s"
        f" ({t_int / t_within_m:.1f}x within on the same events); {ambiguous:,} ambiguous"
    )


if __name__ == "__main__":
    main()
