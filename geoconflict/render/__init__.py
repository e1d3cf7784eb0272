"""Maps: folium pages with one time control, fast at 100k+ events, safe with untrusted text.

- :func:`make_map` assembles the page from one function per layer, its options in
  four groups (:class:`TimeOptions`, :class:`FilterOptions`, :class:`LayerOptions`,
  :class:`PageOptions`; :mod:`geoconflict.render.options`), the tables of a map spec
  (:func:`events_layer`, :func:`territory_layer`, :func:`areas_layer`,
  :func:`rivers_layer`, :func:`places_layer`, :func:`protected_layer`,
  :func:`grid_layer`, :func:`context_layer`);
- :func:`to_html` / :func:`save_html` render it with stable ids and an asset
  policy (:mod:`geoconflict.render.assets`: ``cdn``, ``inline``, ``local``).

The names are imported on first use: ``geoconflict.render.assets`` (the pinned
JS/CSS) is cheap to import, while ``make_map`` and the layers bring in folium and
branca. ``import geoconflict`` imports none of it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from geoconflict.render.areas import areas_layer
    from geoconflict.render.context import context_layer
    from geoconflict.render.events import encode_events, events_layer
    from geoconflict.render.grid import grid_layer, grid_lines
    from geoconflict.render.make import KIND_COLOURS, make_map
    from geoconflict.render.options import (
        FilterOptions,
        LayerOptions,
        MapOptions,
        PageOptions,
        TimeOptions,
        spec_reference_markdown,
    )
    from geoconflict.render.page import GeoconflictMap, save_html, to_html
    from geoconflict.render.places import places_layer, protected_layer
    from geoconflict.render.rivers import rivers_layer
    from geoconflict.render.territory import STATUS_COLOURS, status_at, territory_layer

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "KIND_COLOURS": "make",
    "STATUS_COLOURS": "territory",
    "FilterOptions": "options",
    "GeoconflictMap": "page",
    "LayerOptions": "options",
    "MapOptions": "options",
    "PageOptions": "options",
    "TimeOptions": "options",
    "areas_layer": "areas",
    "context_layer": "context",
    "encode_events": "events",
    "events_layer": "events",
    "grid_layer": "grid",
    "grid_lines": "grid",
    "make_map": "make",
    "places_layer": "places",
    "protected_layer": "places",
    "rivers_layer": "rivers",
    "save_html": "page",
    "spec_reference_markdown": "options",
    "status_at": "territory",
    "territory_layer": "territory",
    "to_html": "page",
}

__all__ = [
    "KIND_COLOURS",
    "STATUS_COLOURS",
    "FilterOptions",
    "GeoconflictMap",
    "LayerOptions",
    "MapOptions",
    "PageOptions",
    "TimeOptions",
    "areas_layer",
    "context_layer",
    "encode_events",
    "events_layer",
    "grid_layer",
    "grid_lines",
    "make_map",
    "places_layer",
    "protected_layer",
    "rivers_layer",
    "save_html",
    "spec_reference_markdown",
    "status_at",
    "territory_layer",
    "to_html",
]


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'geoconflict.render' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"geoconflict.render.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
