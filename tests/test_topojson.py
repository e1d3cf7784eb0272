"""geoconflict.topojson: arcs joined and reversed, quantized positions delta-decoded."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import shape

from geoconflict.errors import DataError
from geoconflict.topojson import decode_arcs, to_geojson

ROOT = Path(__file__).resolve().parent.parent

# Two unit squares side by side sharing the arc x=1 (arc 1), quantized with scale 0.5:
# positions are deltas, coordinates = position * 0.5 + (10, 20).
QUANTIZED = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [-2, 0], [0, 2], [2, 0]],  # (11,20) (10,20) (10,21) (11,21): left square's rest
        [[2, 2], [0, -2]],  # (11,21) -> (11,20): the shared edge
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # (11,20) (12,20) (12,21) (11,21): right square's rest
    ],
    "objects": {
        "cells": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "L", "properties": {"n": 1}},
                {"type": "Polygon", "arcs": [[2, ~1]], "id": "R"},
                {"type": "Point", "coordinates": [4, 2]},
                {"type": "MultiLineString", "arcs": [[1], [~1]]},
                {"type": None},
            ],
        }
    },
}


def test_quantized_arcs_are_delta_decoded_and_transformed() -> None:
    arcs = decode_arcs(QUANTIZED)
    assert arcs[0].tolist() == [[11, 20], [10, 20], [10, 21], [11, 21]]
    assert arcs[1].tolist() == [[11, 21], [11, 20]]


def test_polygons_share_the_arc_and_tile_without_gap() -> None:
    fc = to_geojson(QUANTIZED, "cells")
    left, right, point, lines, empty = fc["features"]
    assert (left["id"], right["id"], left["properties"], right["properties"]) == (
        "L",
        "R",
        {"n": 1},
        {},
    )
    a, b = shape(left["geometry"]), shape(right["geometry"])
    assert a.is_valid and b.is_valid
    assert (a.area, b.area) == (1.0, 1.0)
    assert a.intersection(b).length == 1.0  # they meet along the shared arc, x = 11
    assert a.union(b).equals(shapely.box(10, 20, 12, 21))
    assert point["geometry"]["coordinates"] == [12.0, 21.0]  # a point is transformed, not deltas
    assert lines["geometry"]["coordinates"] == [
        [[11.0, 21.0], [11.0, 20.0]],
        [[11.0, 20.0], [11.0, 21.0]],
    ]
    assert empty["geometry"] is None


def test_unquantized_topology_and_collapsed_islands() -> None:
    topo = {
        "type": "Topology",
        "arcs": [[[0, 0], [3, 0], [3, 3], [0, 0]], [[5, 5], [5, 5.1]]],
        "objects": {"m": {"type": "MultiPolygon", "arcs": [[[0]], [[1]]]}},
    }
    geom = to_geojson(topo, "m")["features"][0]["geometry"]
    # the second "island" has 2 positions: not a ring, left out
    assert geom == {
        "type": "MultiPolygon",
        "coordinates": [[[[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [0.0, 0.0]]]],
    }


def test_unknown_object_and_type_are_clear_errors() -> None:
    with pytest.raises(DataError, match="no object 'nope'; it has \\['cells'\\]"):
        to_geojson(QUANTIZED, "nope")
    bad = {"arcs": [], "objects": {"x": {"type": "Circle", "arcs": []}}}
    with pytest.raises(DataError, match="'Circle'"):
        to_geojson(bad, "x")
    missing = {"arcs": [[[0, 0], [1, 1]]], "objects": {"x": {"type": "LineString", "arcs": [3]}}}
    with pytest.raises(DataError, match=r"object 'x', geometry 0 .*field 'arcs'.* 1 arcs"):
        to_geojson(missing, "x")


def test_world_atlas_iraq_matches_natural_earth() -> None:
    """Decoded from world-atlas 1:10m, Iraq's area is within 1% of Natural Earth 1:110m's."""
    path = ROOT / "node_modules" / "world-atlas" / "countries-10m.json"
    if not path.is_file():
        pytest.skip("world-atlas is not installed (npm ci)")
    topology = json.loads(path.read_text())
    # Only Iraq's geometry is turned into GeoJSON (every country took a second); its
    # arcs are indices into the whole file's arcs, all decoded as for the whole object.
    countries = topology["objects"]["countries"]
    (geometry,) = [g for g in countries["geometries"] if g["properties"].get("name") == "Iraq"]
    topology["objects"]["countries"] = {**countries, "geometries": [geometry]}
    (iraq,) = to_geojson(topology, "countries")["features"]
    assert iraq["id"] == "368"  # ISO 3166 numeric
    ten = gpd.GeoSeries([shapely.make_valid(shape(iraq["geometry"]))], crs=4326).to_crs(6933)
    import pyogrio

    fixture = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
    ne = gpd.read_file(fixture / "naturalearth_lowres.shp").set_index("name")
    coarse = gpd.GeoSeries([ne.geometry["Iraq"]], crs=4326).to_crs(6933)
    assert ten.area.iloc[0] == pytest.approx(coarse.area.iloc[0], rel=0.01)
    assert 430e9 < ten.area.iloc[0] < 445e9  # Iraq: about 438,000 km²
