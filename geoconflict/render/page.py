"""The page: a folium Map without folium's default CDN assets, and HTML output.

:class:`GeoconflictMap` drops jQuery, Bootstrap, Font Awesome and the awesome
markers folium loads by default; the page's only dependencies are declared in
:mod:`geoconflict.render.assets`, and the time layer's own JS/CSS
(``static/js/*.js``, one file per layer or control, assembled by :func:`page_script`;
``static/geoconflict.css``), written for this package, is always inlined.
:func:`to_html` renders with stable ids (:mod:`geoconflict.render.ids`) so the same
map gives the same bytes; :func:`save_html` writes atomically.

User text never goes through a Jinja template (branca compiles rendered macro
output again as a template): data travels in :class:`RawHTML` elements that
render verbatim JSON blocks (:func:`geoconflict.render.encode.data_block`).
"""

from __future__ import annotations

import html as html_lib
import os
import re
import warnings
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure

from geoconflict._io import write_text
from geoconflict.errors import AssetError
from geoconflict.render import assets as assets_mod
from geoconflict.render.encode import data_block, to_json
from geoconflict.render.ids import replace_random_ids, stabilize

#: What folium's viewport tag adds to stop readers zooming the page.
_NO_ZOOM = re.compile(r",\s*maximum-scale=1\.0,\s*user-scalable=no")


@cache
def static_text(name: str) -> str:
    """The text of a file in ``geoconflict/render/static`` (packaged in the wheel).

    Examples
    --------
    >>> "geoconflictReady" in static_text("js/start.js")
    True
    """
    path = resources.files("geoconflict.render").joinpath("static", *name.split("/"))
    return path.read_text("utf-8")


#: The page script's parts (``static/js/<name>.js``), in the order they are concatenated:
#: helpers first, then the page object and the layer factories, the layers, the controls,
#: and ``GC.start`` last. Each part may use what the parts before it define.
PAGE_SCRIPTS: tuple[str, ...] = (
    "decode",
    "dates",
    "dom",
    "page",
    "glpoints",
    "events",
    "stamp",
    "links",
    "strikes",
    "territory",
    "layers",
    "grid",
    "title",
    "legend",
    "time",
    "chart",
    "readout",
    "api",
    "start",
)

_SCRIPT_HEAD = """/* geoconflict map page: the time layer, territory restyling and the controls.
 * Written for geoconflict (MIT). Needs Leaflet (L); uses the npm package `mgrs`
 * (global `mgrs`) for the mouse-position readout when it is loaded.
 * All data comes from <script type="application/json"> blocks and is shown as
 * text (textContent), never parsed as HTML, unless a map opts in (html_notes).
 * Assembled from geoconflict/render/static/js/*.js (geoconflict.render.page.PAGE_SCRIPTS).
 */
(function () {
"use strict";
"""


@cache
def page_script() -> str:
    """The page's own script: the parts of :data:`PAGE_SCRIPTS` in order, in one closure.

    The parts share one function scope (the helpers of ``dom.js`` are seen by every
    layer) and nothing leaks to ``window`` but ``GC`` and what ``GC.start`` exposes.
    The same files always give the same bytes.

    Examples
    --------
    >>> js = page_script()
    >>> js.index("/* decode.js") < js.index("/* events.js") < js.index("/* start.js")
    True
    >>> js.rstrip().endswith("})();")
    True
    """
    parts = [static_text(f"js/{name}.js") for name in PAGE_SCRIPTS]
    return _SCRIPT_HEAD + "\n".join(parts) + "})();\n"


def own_tags() -> str:
    """The inline ``<style>`` and ``<script>`` of the package's own page code."""
    css = (static_text("geoconflict.css") + static_text("card.css")).replace("</style", "<\\/style")
    js = page_script().replace("</script", "<\\/script")
    return f"<style>{css}</style>\n<script>{js}</script>"


class RawHTML(Element):
    """An element that renders its text verbatim (no Jinja), for data blocks.

    Examples
    --------
    >>> RawHTML("<p>{{ x }}</p>").render()
    '<p>{{ x }}</p>'
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawHTML"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _AssetTags(Element):
    """The ``<head>`` tags for the page's npm assets and the package's own JS/CSS."""

    def __init__(self, owner: GeoconflictMap) -> None:
        super().__init__()
        self._name = "AssetTags"
        self.owner = owner

    def render(self, **kwargs: Any) -> str:
        tags = assets_mod.asset_tags(
            assets_mod.PAGE_ASSETS, self.owner.asset_mode, asset_dir=self.owner.asset_dir
        )
        return tags + "\n" + own_tags()


class GeoconflictMap(folium.Map):
    """A ``folium.Map`` whose page loads only the assets geoconflict declares.

    Attributes
    ----------
    asset_mode : {"inline", "cdn", "local"}
        How :meth:`_repr_html_` (Jupyter) and :meth:`save` place the assets;
        :func:`to_html` takes its own ``assets`` argument. Default ``"inline"``: the
        page is one self-contained file that works with no network (the npm files come
        from ``asset_dir`` or the verified cache, fetched once).
    asset_dir : path or None
        A ``node_modules`` directory for the inline and local modes.
    skipped : pandas.DataFrame
        Events that could not be drawn (the rejects-ledger columns).

    Examples
    --------
    >>> m = GeoconflictMap(tiles=None)
    >>> m.default_js, m.asset_mode
    ([], 'inline')
    """

    default_js = []  # noqa: RUF012 (folium's own class attributes)
    default_css = []  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asset_mode = "inline"
        self.asset_dir: str | os.PathLike[str] | None = None
        self.skipped: Any = None

    def render(self, **kwargs: Any) -> Any:
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.header.add_child(_AssetTags(self), name="geoconflict_assets", index=1)
        return super().render(**kwargs)

    def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:
        """Write the page like :func:`save_html`, in :attr:`asset_mode` (default: inline).

        ``outfile`` is a path or an open binary file (as folium's ``save`` takes).
        """
        if isinstance(outfile, str | os.PathLike):
            save_html(self, outfile, assets=self.asset_mode, asset_dir=self.asset_dir)
            return
        outfile.write(to_html(self, assets=self.asset_mode, asset_dir=self.asset_dir).encode())
        if close_file:
            outfile.close()

    def _repr_html_(self, **kwargs: Any) -> str:
        """Display inline in Jupyter: the page in an iframe ``srcdoc``, its assets inlined.

        When the assets cannot be had for inlining (no ``node_modules``, no cache and
        no network), the cell says so and loads them from the CDN instead.
        """
        try:
            page = to_html(self, assets=self.asset_mode, asset_dir=self.asset_dir)
        except (OSError, AssetError) as err:
            warnings.warn(
                f"the map's assets could not be inlined ({err}); the cell loads them from "
                "the CDN and needs a network",
                stacklevel=2,
            )
            page = to_html(self, assets="cdn")
        return (
            '<div style="width:100%;"><div style="position:relative;width:100%;height:0;'
            'padding-bottom:60%;"><iframe srcdoc="'
            + html_lib.escape(page, quote=True)
            + '" style="position:absolute;width:100%;height:100%;left:0;top:0;'
            'border:none !important;" allowfullscreen></iframe></div></div>'
        )


def add_data(parent: Element, element_id: str, obj: Any) -> RawHTML:
    """Attach ``obj`` as a JSON data block to the page's body, under ``element_id``."""
    figure = parent.get_root()
    block = RawHTML(data_block(element_id, obj))
    assert isinstance(figure, Figure)
    figure.html.add_child(block, name=element_id)
    return block


def to_html(
    m: folium.Map,
    *,
    assets: str = "inline",
    asset_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Render a map to one HTML page; the same map gives the same bytes.

    Parameters
    ----------
    m : folium.Map
        Usually from :func:`geoconflict.make_map`.
    assets : {"inline", "cdn", "local"}
        Where the page's JS/CSS come from (:mod:`geoconflict.render.assets`).
        ``"local"`` references files :func:`save_html` writes into ``assets/``.
    asset_dir : path, optional
        A ``node_modules`` directory to take the npm files from; without it,
        inline mode fetches the pinned tarballs once (verified, cached).

    Returns
    -------
    str

    Examples
    --------
    >>> m = GeoconflictMap(tiles=None)
    >>> page = to_html(m, assets="cdn")
    >>> page == to_html(m, assets="cdn"), "leaflet@1.9.4" in page, "jquery" in page
    (True, True, False)
    """
    assets_mod.check_mode(assets)
    figure = m.get_root()
    if isinstance(m, GeoconflictMap):
        previous = (m.asset_mode, m.asset_dir)
        m.asset_mode, m.asset_dir = assets, asset_dir
    try:
        stabilize(figure)
        out = figure.render()
    finally:
        if isinstance(m, GeoconflictMap):
            m.asset_mode, m.asset_dir = previous
    # The page's language, for screen readers and hyphenation (folium writes a bare <html>);
    # and a page readers may zoom (folium's viewport forbids it: WCAG 1.4.4).
    out = out.replace("<html>", '<html lang="en">', 1)
    out = _NO_ZOOM.sub("", out, count=1)
    return replace_random_ids(out)


def save_html(
    m: folium.Map,
    path: str | os.PathLike[str],
    *,
    assets: str = "inline",
    asset_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write the map's page to ``path`` atomically (and its ``assets/`` in local mode).

    Parameters
    ----------
    m : folium.Map
    path : path
        The HTML file to write.
    assets, asset_dir
        As in :func:`to_html`.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = save_html(GeoconflictMap(tiles=None), pathlib.Path(tempfile.mkdtemp()) / "m.html",
    ...                 assets="cdn")
    >>> out.read_text().startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    page = to_html(m, assets=assets, asset_dir=asset_dir)
    if assets == "local":
        assets_mod.write_local_assets(target.parent, asset_dir=asset_dir)
    write_text(target, page)
    return target


class DataLayer(folium.map.Layer):
    """A layer drawn by the page script (``static/js/``) from one JSON data block.

    ``kind`` names the JS constructor (``GC.layer(kind, map, data)``); ``data``
    is any JSON-able object, put in the page verbatim (never through Jinja).
    Listed in the layer control as an overlay named ``name``.

    Examples
    --------
    >>> m = GeoconflictMap(tiles=None)
    >>> _ = DataLayer("areas", {"features": []}, name="Study areas").add_to(m)
    >>> 'GC.layer("areas"' in to_html(m, assets="cdn")
    True
    """

    _template = folium.template.Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = GC.layer({{ this.kind|tojson }}, {{ this._parent.get_name() }},
            GC.readJSON({{ (this.get_name() ~ "_data")|tojson }}));
        {% endmacro %}
        """
    )

    def __init__(
        self, kind: str, data: Any, *, name: str, show: bool = True, ahead: Any = None
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GcLayer"
        self.kind = kind
        self.data = data
        #: JSON-able facts the page is given before it parses ``data``: the page script
        #: calls ``GC.ahead(kind, ahead)`` just before the data block (the events layer
        #: has its kept frames' memory made meanwhile, see stamp.js).
        self.ahead = ahead
        self.skipped: Any = None

    def render(self, **kwargs: Any) -> Any:
        if self.ahead is not None:
            figure = self.get_root()
            assert isinstance(figure, Figure)
            args = f"{to_json(self.kind)}, {to_json(self.ahead)}"
            call = f"<script>if (window.GC && GC.ahead) GC.ahead({args});</script>"
            figure.html.add_child(RawHTML(call), name=self.get_name() + "_ahead")
        add_data(self, self.get_name() + "_data", self.data)
        return super().render(**kwargs)
