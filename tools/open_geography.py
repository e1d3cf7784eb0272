"""Open geography for the derive: Natural Earth 1:10m rivers and lakes, world-atlas 1:10m borders.

Each open line is compared with the line geoconflict shipped before (the
hand-digitised rivers, the Natural Earth 1:110m borders) by its distance from
sourced points (``data/sources/control_points.csv``: bridges, river-bank towns,
border crossings and tripoints); the closer one is used. ``python
tools/open_geography.py`` prints the table that ``data/README.md`` quotes.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoconflict.topojson import to_geojson  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from derive_io import SOURCES, read_hand_rivers, read_places, shared_dir  # noqa: E402

WORLD_ATLAS = ROOT / "node_modules" / "world-atlas" / "countries-10m.json"
NE_RIVERS = "sources/natural-earth/ne_10m_rivers_lake_centerlines.iraq_syria_bbox.geojson"
NE_LAKES = "sources/natural-earth/ne_10m_lakes.iraq_syria_bbox.geojson"
NE_CREDIT = (
    "Natural Earth 1:10m {theme} (public domain), cut for Iraq and Syria from "
    "github.com/martynafford/natural-earth-geojson@0b9a6ce"
)
WA_CREDIT = "world-atlas 2.0.2 countries-10m (npm, ISC; Natural Earth 4.1.0 1:10m admin-0)"
#: The context layer's extent (lon0, lat0, lon1, lat1).
REGION = (35.0, 29.0, 48.5, 38.5)
#: Natural Earth's names for the two rivers (the Euphrates is also Al Furat / Firat).
RIVER_NAMES = {
    "Tigris": "Tigris",
    "Dicle": "Tigris",
    "Euphrates": "Euphrates",
    "Al Furat": "Euphrates",
    "Firat": "Euphrates",
}
#: Where a hand-drawn stretch is kept, the open line within this distance of it is cut out.
REPLACE_M = 3000.0


def utm(lon: float) -> str:
    """The WGS84 UTM zone (north) holding ``lon``: distances there are within about 0.5%."""
    return f"EPSG:{32600 + math.floor((lon + 180) / 6) + 1}"


def reproject(geom: Any, src: str, dst: str) -> Any:
    """``geom`` moved from CRS ``src`` to CRS ``dst``."""
    t = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def distance_m(lon: float, lat: float, geom: Any) -> float:
    """Distance in metres from a point to a geometry (both WGS84), in the point's UTM zone."""
    zone = utm(lon)
    return float(
        reproject(shapely.Point(lon, lat), "EPSG:4326", zone).distance(
            reproject(geom, "EPSG:4326", zone)
        )
    )


def natural_earth() -> gpd.GeoDataFrame:
    """Natural Earth 1:110m countries, from pyogrio's test fixture (what shipped before 1:10m)."""
    import pyogrio

    fixture = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
    return gpd.read_file(fixture / "naturalearth_lowres.shp")


@functools.cache
def world_atlas_countries() -> gpd.GeoDataFrame:
    """The 1:10m countries of ``world-atlas`` that reach the region (valid, in WGS84)."""
    if not WORLD_ATLAS.is_file():
        raise SystemExit(f"{WORLD_ATLAS} is missing: run `npm ci` in the repository root")
    topology = json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))
    lon0, lat0, lon1, lat1 = REGION
    near = []
    for feature in to_geojson(topology, "countries")["features"]:
        rings = [] if feature["geometry"] is None else _rings(feature["geometry"])
        if not rings:
            continue
        xy = np.concatenate([np.asarray(r).reshape(-1, 2) for r in rings])
        if (
            xy[:, 0].max() >= lon0
            and xy[:, 0].min() <= lon1
            and xy[:, 1].max() >= lat0
            and (xy[:, 1].min() <= lat1)
        ):
            near.append(feature)
    frame = gpd.GeoDataFrame.from_features(near).set_crs("EPSG:4326")
    frame["geometry"] = shapely.make_valid(frame.geometry.to_numpy())
    return frame


def _rings(geometry: dict[str, Any]) -> list[Any]:
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        return list(coords)
    return [ring for poly in coords for ring in poly]


def ne_rivers(shared: Path) -> gpd.GeoDataFrame:
    """The Tigris and the Euphrates at 1:10m, one line per river, clipped to the region."""
    ne = gpd.read_file(shared / NE_RIVERS)
    ne = ne[ne["name"].isin(list(RIVER_NAMES))].copy()
    ne["river"] = ne["name"].map(RIVER_NAMES)
    region = shapely.box(*REGION)
    rows = []
    for river, group in ne.groupby("river", sort=True):
        line = shapely.line_merge(shapely.union_all(list(group.geometry)))
        rows.append({"name": river, "geometry": shapely.intersection(line, region)})
    return gpd.GeoDataFrame(pd.DataFrame(rows), crs="EPSG:4326")


def ne_lakes(shared: Path) -> gpd.GeoDataFrame:
    """Lakes and reservoirs at 1:10m within the region (Mosul Dam lake, Lake Assad, ...)."""
    lakes = gpd.read_file(shared / NE_LAKES)
    region = shapely.box(*REGION)
    lakes = lakes[lakes.intersects(region)].copy()
    lakes["geometry"] = [shapely.intersection(g, region) for g in lakes.geometry]
    return lakes[["name", "geometry"]].reset_index(drop=True)


def control_points(sources: Path, places: pd.DataFrame) -> pd.DataFrame:
    """The sourced points each line is measured against (coordinates from places.csv or given)."""
    pts = pd.read_csv(sources / "control_points.csv", dtype=str, keep_default_na=False)
    where = places.set_index("place_id")
    lat, lon, src = [], [], []
    for r in pts.itertuples(index=False):
        if r.place_id:
            lat.append(float(where.at[r.place_id, "lat"]))
            lon.append(float(where.at[r.place_id, "lon"]))
            src.append(str(where.at[r.place_id, "source"]))
        else:
            lat.append(float(r.lat))
            lon.append(float(r.lon))
            src.append(r.source)
    return pts.assign(lat=lat, lon=lon, source=src)


def measure(
    points: pd.DataFrame,
    rivers: gpd.GeoDataFrame,
    open_rivers: gpd.GeoDataFrame,
    old_borders: gpd.GeoDataFrame,
    new_borders: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Distance (m) of every control point from the shipped line and from the open line.

    ``rivers`` are the hand-drawn stretches, each named by its ``stretch`` (the ``line``
    of its control points); border points are measured against every country boundary.
    """
    hand = dict(zip(rivers["stretch"], rivers.geometry, strict=True))
    opened = dict(zip(open_rivers["name"], open_rivers.geometry, strict=True))
    region = shapely.box(*REGION)

    def borders(frame: gpd.GeoDataFrame) -> Any:
        near = frame[frame.intersects(region)]
        return shapely.intersection(shapely.union_all(list(near.geometry.boundary)), region)

    old_border, new_border = borders(old_borders), borders(new_borders)
    rows = []
    for r in points.itertuples(index=False):
        if r.line == "border":
            old, new = old_border, new_border
        else:
            old = hand[r.line]
            new = opened["Tigris" if r.line.startswith("tigris") else "Euphrates"]
        rows.append(
            {
                "line": r.line,
                "point": r.name,
                "shipped_m": round(distance_m(r.lon, r.lat, old)),
                "open_m": round(distance_m(r.lon, r.lat, new)),
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)


def verdicts(table: pd.DataFrame) -> dict[str, str]:
    """Per line: "open" where the open line is closer to its points on average, else "shipped"."""
    means = table.groupby("line")[["shipped_m", "open_m"]].mean()
    return {line: ("open" if m.open_m < m.shipped_m else "shipped") for line, m in means.iterrows()}


def worst_m(table: pd.DataFrame, lines: list[str], column: str) -> int:
    """The largest measured distance of ``column`` on ``lines``, up to the next 500 m."""
    rows = table[table["line"].isin(lines)]
    return int(math.ceil(float(rows[column].max()) / 500.0) * 500)


def context_rivers(
    open_rivers: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame, keep: list[int], accuracy_m: int
) -> gpd.GeoDataFrame:
    """The open rivers (``accuracy_m``), with the stretches ``keep`` (rows of ``rivers``, with
    their own accuracy) drawn in their place."""
    rows = []
    cut = [rivers.geometry.iloc[i] for i in keep]
    for name, line in zip(open_rivers["name"], open_rivers.geometry, strict=True):
        for stretch in cut:
            zone = utm(stretch.centroid.x)
            near = reproject(
                reproject(stretch, "EPSG:4326", zone).buffer(REPLACE_M), zone, "EPSG:4326"
            )
            line = shapely.difference(line, near)
        rows.append(
            {
                "name": name,
                "geometry": line,
                "accuracy_m": accuracy_m,
                "source": NE_CREDIT.format(theme="rivers"),
            }
        )
    for i in keep:
        rows.append(
            {
                "name": rivers["name"].iloc[i],
                "geometry": rivers.geometry.iloc[i],
                "accuracy_m": int(rivers["accuracy_m"].iloc[i]),
                "source": rivers["source"].iloc[i],
            }
        )
    return gpd.GeoDataFrame(pd.DataFrame(rows), crs="EPSG:4326")


def measurement() -> pd.DataFrame:
    """The measurement of the shipped data's sources (what the derive decides by)."""
    return measure(
        control_points(SOURCES, read_places()),
        read_hand_rivers(),
        ne_rivers(shared_dir()),
        natural_earth(),
        world_atlas_countries(),
    )


def report_lines(table: pd.DataFrame) -> list[str]:
    """The measurement as the markdown table and verdict lines of data/README.md."""
    lines = [
        "| line | sourced point | shipped before (m) | open 1:10m (m) |",
        "|---|---|---:|---:|",
    ]
    lines += [
        f"| {r.line} | {r.point} | {r.shipped_m:,} | {r.open_m:,} |"
        for r in table.itertuples(index=False)
    ]
    means = table.groupby("line")[["shipped_m", "open_m"]].agg(["mean", "max"])
    lines.append("")
    for line, verdict in verdicts(table).items():
        old, new = means.loc[line, "shipped_m"], means.loc[line, "open_m"]
        lines.append(
            f"- `{line}`: mean {old['mean']:,.0f} m (max {old['max']:,.0f}) before, "
            f"{new['mean']:,.0f} m (max {new['max']:,.0f}) open: **{verdict}** used"
        )
    return lines


def main() -> int:
    """Print the measurement table (markdown) and the verdict per line."""
    print("\n".join(report_lines(measurement())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
