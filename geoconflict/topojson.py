"""Read TopoJSON (the format of the npm package ``world-atlas``) as GeoJSON.

A TopoJSON topology stores each shared border once, as an *arc*; geometries
list the arcs they are made of (index ``i``, or ``~i`` for arc ``i`` reversed).
In a *quantized* topology the arcs are integer positions, each one a delta
from the previous position, and ``transform`` (``scale``, ``translate``) turns
positions into coordinates. See the TopoJSON specification
(github.com/topojson/topojson-specification).

Examples
--------
>>> topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
...     "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
...     "objects": {"sq": {"type": "GeometryCollection", "geometries": [
...         {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "square"}}]}}}
>>> feature = to_geojson(topo, "sq")["features"][0]
>>> feature["properties"]["name"], feature["geometry"]["coordinates"]
('square', [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geoconflict.errors import DataError


def decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Every arc of ``topology`` as an (n, 2) array of coordinates.

    Parameters
    ----------
    topology : dict
        A parsed TopoJSON ``Topology``.

    Returns
    -------
    list of numpy.ndarray
        Arc ``i`` at position ``i``; quantized arcs are delta-decoded and transformed.

    Examples
    --------
    >>> topo = {"transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    ...         "arcs": [[[0, 0], [2, 0], [0, 4]]]}
    >>> decode_arcs(topo)[0].tolist()
    [[10.0, 20.0], [11.0, 20.0], [11.0, 22.0]]
    """
    transform = topology.get("transform")
    out = []
    for arc in topology.get("arcs", []):
        positions = np.asarray(arc, dtype="float64").reshape(-1, 2)
        if transform is not None:
            positions = np.cumsum(positions, axis=0) * transform["scale"] + transform["translate"]
        out.append(positions)
    return out


def _line(arcs: list[np.ndarray], indices: list[int]) -> list[list[float]]:
    """Join arcs end to start (each joined arc's first point repeats the last one)."""
    parts = []
    for k, i in enumerate(indices):
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.concatenate(parts).tolist() if parts else []


def _rings(arcs: list[np.ndarray], rings: list[list[int]]) -> list[list[list[float]]]:
    """A polygon's rings; quantization can collapse a tiny island to fewer than 4 positions,
    and such rings are left out (a polygon whose outer ring collapsed is empty)."""
    out = [_line(arcs, ring) for ring in rings]
    if not out or len(out[0]) < 4:
        return []
    return [ring for ring in out if len(ring) >= 4]


def _point(topology: dict[str, Any], position: list[float]) -> list[float]:
    transform = topology.get("transform")
    if transform is None:
        return [float(v) for v in position]
    return [
        float(p * s + t)
        for p, s, t in zip(position, transform["scale"], transform["translate"], strict=True)
    ]


def _geometry(topology: dict[str, Any], arcs: list[np.ndarray], geom: dict[str, Any]) -> Any:
    kind = geom.get("type")
    if kind is None:
        return None
    if kind == "Point":
        return {"type": kind, "coordinates": _point(topology, geom["coordinates"])}
    if kind == "MultiPoint":
        return {"type": kind, "coordinates": [_point(topology, p) for p in geom["coordinates"]]}
    if kind == "LineString":
        return {"type": kind, "coordinates": _line(arcs, geom["arcs"])}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_line(arcs, a) for a in geom["arcs"]]}
    if kind == "Polygon":
        return {"type": kind, "coordinates": _rings(arcs, geom["arcs"])}
    if kind == "MultiPolygon":
        polys = [_rings(arcs, poly) for poly in geom["arcs"]]
        return {"type": kind, "coordinates": [p for p in polys if p]}
    if kind == "GeometryCollection":
        return {
            "type": kind,
            "geometries": [_geometry(topology, arcs, g) for g in geom.get("geometries", [])],
        }
    raise DataError(f"TopoJSON geometry type {kind!r} is not one of the specification's")


def to_geojson(topology: dict[str, Any], name: str) -> dict[str, Any]:
    """The object ``name`` of ``topology`` as a GeoJSON FeatureCollection.

    Parameters
    ----------
    topology : dict
        A parsed TopoJSON ``Topology`` (for example ``countries-10m.json`` of
        the npm package ``world-atlas``).
    name : str
        One of ``topology["objects"]``.

    Returns
    -------
    dict
        A FeatureCollection; each geometry of the object is a feature with its
        ``properties`` (and ``id``, where the geometry has one).

    Raises
    ------
    DataError
        ``name`` is not an object of the topology, or a geometry names an arc the
        topology does not have (the error names the geometry).

    Examples
    --------
    >>> topo = {"type": "Topology", "arcs": [[[0, 0], [1, 1]]],
    ...         "objects": {"road": {"type": "LineString", "arcs": [~0], "id": "r1"}}}
    >>> fc = to_geojson(topo, "road")
    >>> fc["features"][0]["id"], fc["features"][0]["geometry"]["coordinates"]
    ('r1', [[1.0, 1.0], [0.0, 0.0]])
    """
    objects = topology.get("objects", {})
    if name not in objects:
        raise DataError(f"TopoJSON has no object {name!r}; it has {sorted(objects)}")
    obj = objects[name]
    arcs = decode_arcs(topology)
    members = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for k, geom in enumerate(members):
        feature: dict[str, Any] = {"type": "Feature"}
        if "id" in geom:
            feature["id"] = geom["id"]
        feature["properties"] = dict(geom.get("properties") or {})
        try:
            feature["geometry"] = _geometry(topology, arcs, geom)
        except (IndexError, KeyError, TypeError) as exc:
            raise DataError(
                f"TopoJSON object {name!r}, geometry {k} (id {geom.get('id')!r}): field "
                f"'arcs' or 'coordinates' is not valid ({exc!r}; the topology has {len(arcs)} arcs)"
            ) from None
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}
