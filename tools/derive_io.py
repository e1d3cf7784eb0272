"""Reading data/sources/ and writing data/ for the derive (tools/make_data.py).

Writing is deterministic: fixed key order, 6 decimals, one GeoJSON feature per line,
each file written atomically.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoconflict._io import write_text  # noqa: E402

SOURCES = ROOT / "data" / "sources"


def shared_dir() -> Path:
    """The shared reference folder: ``$GEOCONFLICT_SHARED``, else ``<repo>/../shared``."""
    return Path(os.environ.get("GEOCONFLICT_SHARED") or ROOT.parent / "shared")


def read_table(name: str) -> pd.DataFrame:
    """A source CSV as text columns (blank cells missing)."""
    return pd.read_csv(SOURCES / name, dtype=str, keep_default_na=False, na_values=[""])


def read_features(name: str) -> list[tuple[dict[str, Any], Any]]:
    """A source GeoJSON as (properties, shapely geometry or None), in file order."""
    doc = json.loads((SOURCES / name).read_text(encoding="utf-8"))
    return [
        (f["properties"], None if f["geometry"] is None else shape(f["geometry"]))
        for f in doc["features"]
    ]


def numbers(frame: pd.DataFrame, cols: Iterable[str], dtype: str) -> pd.DataFrame:
    for col in cols:
        frame[col] = pd.to_numeric(frame[col]).astype(dtype)
    return frame


def read_hand_rivers() -> gpd.GeoDataFrame:
    """The river stretches digitised by hand (data/sources/rivers.geojson)."""
    feats = read_features("rivers.geojson")
    frame = pd.DataFrame([p for p, _ in feats])
    return gpd.GeoDataFrame(frame, geometry=[g for _, g in feats], crs="EPSG:4326")


def read_places() -> pd.DataFrame:
    frame = numbers(read_table("places.csv"), ["lat", "lon"], "float64")
    return numbers(frame, ["accuracy_m", "geonames_id"], "Int64")


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, (list, tuple)):
        return [_round(v) for v in obj]
    return obj


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def write_geojson(path: Path, frame: gpd.GeoDataFrame, name: str) -> None:
    props = [c for c in frame.columns if c != "geometry"]
    lines = []
    for row in frame.itertuples(index=False):
        rec = row._asdict()
        geom = mapping(rec.pop("geometry"))
        feature = {
            "type": "Feature",
            "properties": {k: _plain(rec[k]) for k in props},
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = (
        '{"type":"FeatureCollection","name":'
        + json.dumps(name)
        + ',"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    write_text(path, text)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))
