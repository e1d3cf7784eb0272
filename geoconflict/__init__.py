"""geoconflict: map conflict events — locate, read, join, follow, render, build.

The public API, re-exported lazily so ``import geoconflict`` stays fast and
needs only the core dependencies::

    import geoconflict as gc
    lat, lon = gc.grid.to_latlon(["38SLF1234567890"])
    result = gc.read_events("acled.csv")
    events = gc.areas.assign(result.events)
    m = gc.make_map(events)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

from geoconflict import accessor  # noqa: F401  (Series.mgrs, without importing pandas)

# public name -> (module, attribute or None for the module itself)
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "grid": ("geoconflict.grid", None),
    "events": ("geoconflict.events", None),
    "sources": ("geoconflict.sources", None),
    "areas": ("geoconflict.areas", None),
    "summary": ("geoconflict.summary", None),
    "sites": ("geoconflict.sites", None),
    "territory": ("geoconflict.territory", None),
    "datasets": ("geoconflict.datasets", None),
    "render": ("geoconflict.render", None),
    "build": ("geoconflict.build", None),
    "link": ("geoconflict.link", None),
    "errors": ("geoconflict.errors", None),
    "read_events": ("geoconflict.sources", "read_events"),
    "near_protected": ("geoconflict.sites", "near_protected"),
    "make_map": ("geoconflict.render", "make_map"),
    "build_maps": ("geoconflict.build", "build_maps"),
    "synthetic_events": ("geoconflict.synthetic", "synthetic_events"),
    "ReadResult": ("geoconflict.events", "ReadResult"),
    "GeoconflictError": ("geoconflict.errors", "GeoconflictError"),
    "GridRefError": ("geoconflict.errors", "GridRefError"),
    "SourceFormatError": ("geoconflict.errors", "SourceFormatError"),
    "SpecError": ("geoconflict.errors", "SpecError"),
    "DataError": ("geoconflict.errors", "DataError"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'geoconflict' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
