"""Benchmark: link 100k incidents with 1M declared strikes, against the geopandas join.

The join a user would write today: both tables to one UTM zone (EPSG:32638, the
zone of Mosul), ``geopandas.sjoin(predicate="dwithin", distance=5000)``, then a date
filter (``days_apart <= 1``). Against it, in the same run: :func:`geoconflict.link.match`
with ``within_m=5000, within_days=1``. Each method runs in its own fresh process
(reading the same GeoParquet files), so its time and its peak memory (the growth of
the process's peak resident set over what it held after reading) are its own.

Then the two pair sets are compared against the exact geodesic answer: the pairs
the UTM join adds (planar distance <= 5 km, geodesic distance > 5 km) and misses.

The events are :func:`geoconflict.synthetic_events` (flagged ``dataset="synthetic"``),
moved to uniformly random points over Iraq and Syria (lon 36–48, lat 29–37.3: UTM
zones 37 to 39 and the edge of 36), so that the join a user would write fits in
memory at all: with the synthetic events' own clustering around Mosul and Raqqa,
the spatial join alone would produce about 10^10 candidate pairs.

Run::

    nice python benchmarks/bench_link.py            # 100k x 1M
    python benchmarks/bench_link.py --left 10000 --right 100000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

UTM = "EPSG:32638"
WITHIN_M = 5000.0
WITHIN_DAYS = 1


def make_tables(n_left: int, n_right: int, folder: Path) -> None:
    import geopandas as gpd

    from geoconflict.synthetic import synthetic_events

    rng = np.random.default_rng(15)
    for name, n, seed in (("left", n_left, 1), ("right", n_right, 2)):
        ev = synthetic_events(n, seed=seed)
        ev = ev.set_geometry(
            gpd.points_from_xy(rng.uniform(36, 48, n), rng.uniform(29, 37.3, n)), crs=4326
        )
        ev.to_parquet(folder / f"{name}.parquet")


def _status_mb(key: str) -> float:
    """A field of /proc/self/status (VmRSS, VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Reset the peak resident set (VmHWM) to the current one (Linux)."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_method(method: str, folder: Path) -> dict[str, float]:
    """Run one method in this process; write its pairs; return time and peak memory."""
    import geopandas as gpd
    import pandas as pd

    left = gpd.read_parquet(folder / "left.parquet")
    right = gpd.read_parquet(folder / "right.parquet")
    _reset_peak()
    base = _status_mb("VmRSS")
    t0 = time.perf_counter()
    if method == "link":
        from geoconflict import link

        pairs = link.match(left, right, WITHIN_M, WITHIN_DAYS)
        out = pairs[["left_id", "right_id"]]
    else:
        cols = ["event_id", "date_start", "date_end", "geometry"]
        lu = left[cols].to_crs(UTM)
        ru = right[cols].to_crs(UTM)
        joined = gpd.sjoin(lu, ru, predicate="dwithin", distance=WITHIN_M)
        d0l = joined["date_start_left"].dt.floor("D")
        d1l = joined["date_end_left"].dt.floor("D")
        d0r = joined["date_start_right"].dt.floor("D")
        d1r = joined["date_end_right"].dt.floor("D")
        gap = np.maximum((d0r - d1l).dt.days, (d0l - d1r).dt.days).clip(lower=0)
        kept = joined[gap <= WITHIN_DAYS]
        out = pd.DataFrame(
            {"left_id": kept["event_id_left"].to_numpy(), "right_id": kept["event_id_right"]}
        )
    seconds = time.perf_counter() - t0
    peak = _status_mb("VmHWM") - base
    out.reset_index(drop=True).to_parquet(folder / f"pairs_{method}.parquet")
    return {"seconds": seconds, "peak_mb": peak, "pairs": float(len(out))}


def in_child(method: str, folder: Path) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", method, "--folder", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def exactness(folder: Path) -> dict[str, int]:
    """Pairs of the UTM join that are wrong by the exact geodesic distance, and those it misses."""
    import geopandas as gpd
    import pandas as pd
    import pyproj

    left = gpd.read_parquet(folder / "left.parquet").set_index("event_id")
    right = gpd.read_parquet(folder / "right.parquet").set_index("event_id")
    exact = pd.read_parquet(folder / "pairs_link.parquet")
    naive = pd.read_parquet(folder / "pairs_sjoin.parquet")
    key = ["left_id", "right_id"]
    both = exact.merge(naive, on=key, how="outer", indicator=True)
    extra = both[both["_merge"] == "right_only"]
    missed = both[both["_merge"] == "left_only"]
    geod = pyproj.Geod(ellps="WGS84")

    def geodesic(frame: pd.DataFrame) -> np.ndarray:
        a = left.geometry.loc[frame["left_id"]]
        b = right.geometry.loc[frame["right_id"]]
        return np.asarray(
            geod.inv(a.x.to_numpy(), a.y.to_numpy(), b.x.to_numpy(), b.y.to_numpy())[2]
        )

    extra_d = geodesic(extra) if len(extra) else np.array([])
    missed_d = geodesic(missed) if len(missed) else np.array([])
    return {
        "exact_pairs": len(exact),
        "naive_pairs": len(naive),
        "naive_extra": len(extra),
        "naive_extra_really_beyond": int((extra_d > WITHIN_M).sum()),
        "naive_missed": len(missed),
        "naive_missed_really_within": int((missed_d <= WITHIN_M).sum()),
        "worst_extra_m": int(extra_d.max()) if len(extra_d) else 0,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--left", type=int, default=100_000)
    p.add_argument("--right", type=int, default=1_000_000)
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    p.add_argument("--folder", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(run_method(args.child, Path(args.folder))))
        return
    with tempfile.TemporaryDirectory(prefix="bench_link.") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        make_tables(args.left, args.right, folder)
        print(f"{args.left:,} incidents x {args.right:,} strikes (synthetic, Iraq + Syria),")
        made = time.perf_counter() - t0
        print(f"within {WITHIN_M:.0f} m and {WITHIN_DAYS} day; tables made in {made:.1f} s")
        res = {m: in_child(m, folder) for m in ("link", "sjoin")}
        for m, label in (
            ("link", "geoconflict.link.match"),
            ("sjoin", f"sjoin dwithin {UTM}+dates"),
        ):
            r = res[m]
            print(
                f"  {label:<34} {r['seconds']:8.2f} s  peak +{r['peak_mb']:7.0f} MB"
                f"  {int(r['pairs']):>9,} pairs"
            )
        print(
            f"  time ratio sjoin/link: {res['sjoin']['seconds'] / res['link']['seconds']:.1f}x,"
            f" peak memory ratio sjoin/link:"
            f" {res['sjoin']['peak_mb'] / max(res['link']['peak_mb'], 1.0):.1f}x"
        )
        ex = exactness(folder)
        print(
            f"  the UTM join vs exact geodesic: {ex['naive_extra']:,} pairs too many"
            f" ({ex['naive_extra_really_beyond']:,} of them beyond {WITHIN_M:.0f} m on the"
            f" ellipsoid, worst {ex['worst_extra_m']:,} m), {ex['naive_missed']:,} missed"
            f" ({ex['naive_missed_really_within']:,} within {WITHIN_M:.0f} m);"
            f" {ex['exact_pairs']:,} exact pairs"
        )


if __name__ == "__main__":
    main()
