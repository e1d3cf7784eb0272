"""Publication builds: map specs in ``maps/*.toml`` to pages and images in ``dist/``.

``geoconflict build maps/ --out dist/`` (or :func:`build_maps`) renders every
spec: only those whose spec, inputs, data, assets or toolkit changed, in
parallel worker processes, each output written atomically, the same inputs
always giving the same bytes; ``dist/manifest.json`` lists what was built from
what. See :mod:`geoconflict.build.spec` for the spec format.

Examples
--------
>>> from geoconflict.build import parse_spec
>>> parse_spec(b'title = "Mosul"\\nareas = ["mosul"]', "mosul.toml").areas
('mosul',)
"""

from __future__ import annotations

from geoconflict.build.manifest import MANIFEST_NAME, STATE_NAME
from geoconflict.build.report import BuildReport, SpecResult
from geoconflict.build.runner import build_maps, find_specs
from geoconflict.build.spec import InputSpec, MapSpec, PngSpec, load_spec, parse_spec

__all__ = [
    "MANIFEST_NAME",
    "STATE_NAME",
    "BuildReport",
    "InputSpec",
    "MapSpec",
    "PngSpec",
    "SpecResult",
    "build_maps",
    "find_specs",
    "load_spec",
    "parse_spec",
]
