"""``Series.mgrs``: the MGRS accessor, there as soon as ``geoconflict`` is imported.

Importing this module costs nothing: it does not import pandas. The accessor is
registered with pandas at once if pandas is already loaded, or else the moment
pandas finishes loading; the grid machinery (:mod:`geoconflict.grid`) is imported
on first use of the accessor.

Examples
--------
>>> import pandas as pd
>>> s = pd.Series(["38SLF2939918898", "nope"], index=["a", "b"])
>>> s.mgrs.parse()["precision_m"].tolist()
[1.0, nan]
>>> round(s.mgrs.to_points(anchor="sw").iloc[0].y, 5)
36.29999
"""

from __future__ import annotations

import _thread
import sys
from typing import Any

NAME = "mgrs"


class MgrsAccessor:
    """``Series.mgrs``: MGRS references in a pandas Series (same index in every result).

    Examples
    --------
    >>> import pandas as pd
    >>> pd.Series(["4QFJ1267"]).mgrs.cells().iloc[0].geom_type
    'Polygon'
    """

    def __init__(self, series: Any) -> None:
        self._s = series

    def parse(self, anchor: str = "center") -> Any:
        """:func:`geoconflict.grid.parse` on the Series (same index)."""
        from geoconflict import grid

        return grid.parse(self._s, anchor=anchor)

    def to_points(self, anchor: str = "center") -> Any:
        """Points (GeoSeries, EPSG:4326, same index); None where a reference is invalid."""
        import geopandas as gpd
        import numpy as np
        import shapely

        from geoconflict import grid

        lat, lon = grid.to_latlon(self._s, anchor=anchor)
        pts = shapely.points(lon, lat)
        pts[np.isnan(lat)] = None
        return gpd.GeoSeries(pts, index=self._s.index, crs="EPSG:4326")

    def cells(self) -> Any:
        """:func:`geoconflict.grid.cells` on the Series (same index)."""
        from geoconflict import grid

        return grid.cells(self._s)


_LOCK = _thread.allocate_lock()


def register() -> None:
    """Register ``Series.mgrs`` with pandas (imports pandas; once only).

    Examples
    --------
    >>> register()
    >>> import pandas as pd
    >>> hasattr(pd.Series([], dtype=object), "mgrs")
    True
    """
    import pandas as pd

    with _LOCK:
        if pd.Series.__dict__.get(NAME) is None:
            pd.api.extensions.register_series_accessor(NAME)(MgrsAccessor)


class _AfterPandas:
    """A meta path finder that finds nothing itself: it wraps pandas's loader so that
    :func:`register` runs as soon as pandas has loaded (and then leaves ``sys.meta_path``)."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "pandas":
            return None
        with _LOCK:
            if self in sys.meta_path:
                sys.meta_path.remove(self)
        spec = None
        for finder in list(sys.meta_path):  # whichever finder would have found pandas
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find is not None else None
            if spec is not None:
                break
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):  # pragma: no cover
            return spec
        run = loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            try:
                register()
            except Exception as exc:  # pragma: no cover - never let pandas's import fail
                import warnings

                warnings.warn(f"geoconflict: Series.mgrs not registered: {exc}", stacklevel=2)

        loader.exec_module = exec_module
        return spec


def install() -> None:
    """Make ``Series.mgrs`` available: now if pandas is loaded, else once it is."""
    if "pandas" in sys.modules:
        register()
    elif not any(isinstance(f, _AfterPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterPandas())


install()
