"""Build kepler.gl's standalone page of the benchmark events (run in benchmarks/alt/.venv).

Usage: ``build_kepler.py EVENTS.parquet OUT.html LO_DAY HI_DAY``. The events go in as a
DataFrame with latitude/longitude columns (keplergl writes it as CSV into the page,
far smaller than its GeoJSON route for a GeoDataFrame); the page has one point layer
coloured by kind, a time-range filter on ``date_start`` showing LO_DAY..HI_DAY (days
since 1970-01-01) and no basemap. Prints one JSON line (the last on stdout):
``build_s`` (DataFrame in memory to HTML file) and ``bytes``.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

import geopandas as gpd
import pandas as pd

DAY_MS = 86_400_000


def view(gdf: gpd.GeoDataFrame, width: int = 1280, height: int = 800) -> dict:
    """The whole region in view (kepler.gl's ``mapState``), as our page opens."""
    x0, y0, x1, y1 = gdf.total_bounds
    zoom = min(
        math.log2(width * 360 / (256 * max(x1 - x0, 1e-6))),
        math.log2(height * 360 / (256 * max(y1 - y0, 1e-6) * 1.25)),
    )
    centre = {"latitude": (y0 + y1) / 2, "longitude": (x0 + x1) / 2, "zoom": zoom}
    return {**centre, "bearing": 0, "pitch": 0, "dragRotate": False, "isSplit": False}


def config(lo: float, hi: float, map_state: dict) -> dict:
    """The map config: a point layer by kind, a time filter, the view, no basemap."""
    return {
        "version": "v1",
        "config": {
            "visState": {
                "filters": [
                    {
                        "dataId": ["events"],
                        "id": "time",
                        "name": ["date_start"],
                        "type": "timeRange",
                        "value": [lo * DAY_MS, hi * DAY_MS],
                        "enlarged": False,
                    }
                ],
                "layers": [
                    {
                        "id": "events",
                        "type": "point",
                        "config": {
                            "dataId": "events",
                            "label": "events",
                            "columns": {"lat": "latitude", "lng": "longitude"},
                            "isVisible": True,
                            "visConfig": {"radius": 2, "opacity": 0.8, "filled": True},
                        },
                        "visualChannels": {
                            "colorField": {"name": "kind", "type": "string"},
                            "colorScale": "ordinal",
                        },
                    }
                ],
                "interactionConfig": {"tooltip": {"enabled": False}},
            },
            "mapState": map_state,
            "mapStyle": {"styleType": "no_map"},
        },
    }


def main(src: str, out: str, lo: float, hi: float) -> None:
    gdf = gpd.read_parquet(src)
    from keplergl import KeplerGl

    t0 = time.perf_counter()
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame["date_start"] = gdf["date_start"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["latitude"] = gdf.geometry.y.round(6)
    frame["longitude"] = gdf.geometry.x.round(6)
    m = KeplerGl(data={"events": frame}, config=config(lo, hi, view(gdf)))
    m.save_to_html(file_name=out, center_map=False)  # the view is in the config
    build_s = time.perf_counter() - t0
    print(json.dumps({"build_s": build_s, "bytes": os.path.getsize(out)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
