"""MGRS grid references <-> WGS84 over arrays, grid cells and 100 km squares as polygons.

The engine is GEOTRANS, through the ``mgrs`` package's batch API, and PROJ
(``pyproj``) for the Transverse Mercator and polar stereographic projections; no
projection formula is written here. The modules, in the order a reference meets them:

* :mod:`~geoconflict.grid.texts`: any input to cleaned fixed-width byte rows (Python
  strings for a few references, Arrow for many: a few import neither pyarrow nor pandas);
* :mod:`~geoconflict.grid.lex`: lenient validation with reasons, vectorised numpy over
  those rows (:mod:`~geoconflict.grid.reasons` holds the texts);
* :mod:`~geoconflict.grid.letters`: the MGRS letter tables and GeographicLib's rule for
  which 100 km row a band letter allows;
* :mod:`~geoconflict.grid.hundred_km`: the 100 km squares (origins, and the squares
  covering an extent);
* :mod:`~geoconflict.grid.project`: UTM/UPS metres <-> latitude/longitude (PROJ);
* :mod:`~geoconflict.grid.decode` (``to_latlon``, ``parse``, ``parse_arrays``),
  :mod:`~geoconflict.grid.encode` (``from_latlon``), :mod:`~geoconflict.grid.polygons`
  (cell polygons).

The ``Series.mgrs`` accessor lives in :mod:`geoconflict.accessor` (there after
``import geoconflict``).

Examples
--------
>>> import numpy as np
>>> lat, lon = to_latlon(["38SLF2939918898", "38s lf 29399 18898", "38XLF1"])
>>> lat.round(5).tolist()[:2], bool(np.isnan(lat[2]))
([36.3, 36.3], True)
>>> from_latlon([36.3], [43.1]).tolist()
['38SLF2939918898']
"""

from geoconflict.grid.decode import parse, parse_arrays, to_latlon, to_latlon_one
from geoconflict.grid.encode import from_latlon, from_latlon_one
from geoconflict.grid.hundred_km import CRS, squares
from geoconflict.grid.polygons import cells, uncertainty_m

__all__ = [
    "CRS",
    "cells",
    "from_latlon",
    "from_latlon_one",
    "parse",
    "parse_arrays",
    "squares",
    "to_latlon",
    "to_latlon_one",
    "uncertainty_m",
]
