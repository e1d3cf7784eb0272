"""Build lonboard's standalone page of the benchmark events (run in benchmarks/alt/.venv).

Usage: ``build_lonboard.py EVENTS.parquet OUT.html LO_DAY HI_DAY``. The events are a
GeoParquet file of points with ``kind`` and ``date_start``; the page is one
ScatterplotLayer coloured by kind with a DataFilterExtension on the day number
(days since 1970-01-01), showing ``LO_DAY <= day <= HI_DAY``, and no basemap.
Prints one JSON line: ``build_s`` (GeoDataFrame in memory to HTML string) and ``bytes``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np

#: kind -> RGB, the same hues for each tool (any fixed palette would do)
PALETTE = {"strike": (214, 39, 40), "civcas": (148, 103, 189), "ground": (31, 119, 180)}
OTHER = (127, 127, 127)


def main(src: str, out: str, lo: float, hi: float) -> None:
    gdf = gpd.read_parquet(src)
    from lonboard import Map, ScatterplotLayer
    from lonboard.layer_extension import DataFilterExtension

    t0 = time.perf_counter()
    kinds = gdf["kind"].astype(str).to_numpy()
    colors = np.empty((len(gdf), 3), dtype=np.uint8)
    colors[:] = OTHER
    for kind, rgb in PALETTE.items():
        colors[kinds == kind] = rgb
    days = gdf["date_start"].to_numpy().astype("datetime64[D]").astype(np.int64)
    layer = ScatterplotLayer.from_geopandas(
        gdf,
        get_fill_color=colors,
        radius_min_pixels=1.5,
        extensions=[DataFilterExtension(filter_size=1)],
        get_filter_value=days.astype(np.float32),
        filter_range=[lo, hi],
    )
    html = Map(layer, basemap=None).to_html()
    build_s = time.perf_counter() - t0
    Path(out).write_text(html, encoding="utf-8")
    print(json.dumps({"build_s": build_s, "bytes": len(html.encode())}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
