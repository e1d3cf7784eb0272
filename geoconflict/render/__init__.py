"""Maps: folium pages with one time control, fast at 100k+ events, safe with untrusted text.

- :func:`make_map` assembles the page from one function per layer
  (:func:`events_layer`, :func:`territory_layer`, :func:`areas_layer`,
  :func:`rivers_layer`, :func:`places_layer`, :func:`protected_layer`,
  :func:`grid_layer`, :func:`context_layer`);
- :func:`to_html` / :func:`save_html` render it with stable ids and an asset
  policy (:mod:`geoconflict.render.assets`: ``cdn``, ``inline``, ``local``).

Importing this package imports folium (and branca); ``import geoconflict`` does not.
"""

from __future__ import annotations

from geoconflict.render.areas_layer import areas_layer
from geoconflict.render.context_layer import context_layer
from geoconflict.render.events_layer import encode_events, events_layer
from geoconflict.render.grid_layer import grid_layer, grid_lines
from geoconflict.render.make import KIND_COLOURS, make_map
from geoconflict.render.options import MapOptions
from geoconflict.render.page import GeoconflictMap, save_html, to_html
from geoconflict.render.places_layer import places_layer, protected_layer
from geoconflict.render.rivers_layer import rivers_layer
from geoconflict.render.territory_layer import STATUS_COLOURS, status_at, territory_layer

__all__ = [
    "KIND_COLOURS",
    "STATUS_COLOURS",
    "GeoconflictMap",
    "MapOptions",
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
    "status_at",
    "territory_layer",
    "to_html",
]
