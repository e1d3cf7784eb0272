"""The page's controls: one time control (with its chart), legend, filters, banner, readout.

They are drawn by ``static/js/`` (``GC.start``) from one JSON config
block; this element is added to the map after every layer so the time control
can drive them all (events and territory together).
"""

from __future__ import annotations

from typing import Any

import folium
import numpy as np
import pandas as pd

from geoconflict.render.events import to_days
from geoconflict.render.page import add_data


class Controls(folium.MacroElement):
    """Starts the page: builds the controls, draws the first frame, signals ready.

    Examples
    --------
    >>> from geoconflict.render.page import GeoconflictMap, to_html
    >>> m = GeoconflictMap(tiles=None)
    >>> _ = Controls({"title": "{{ 7*7 }}"}).add_to(m)
    >>> page = to_html(m, assets="cdn")
    >>> "GC.start(" in page, "{{ 7*7 }}" in page
    (True, True)
    """

    _template = folium.template.Template(
        """
        {% macro script(this, kwargs) %}
        GC.start({{ this._parent.get_name() }},
            GC.readJSON({{ (this.get_name() ~ "_data")|tojson }}));
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GcControls"
        self.config = config

    def render(self, **kwargs: Any) -> Any:
        add_data(self, self.get_name() + "_data", self.config)
        return super().render(**kwargs)


def weapons_series(frame: pd.DataFrame | None) -> list[list[int]]:
    """``[[day, weapons], ...]`` from a weapons-per-month table (first date and count columns).

    A month the table lists without a figure is ``-1``: the chart marks it as missing,
    not zero.

    Examples
    --------
    >>> weapons_series(pd.DataFrame({"month": ["2017-08", "2017-07"], "weapons": [5075, None]}))
    [[17348, -1], [17379, 5075]]
    """
    if frame is None or len(frame) == 0:
        return []
    date_col = next(
        (c for c in ("month", "date", "period", "month_start") if c in frame.columns), None
    )
    num_col = next(
        (c for c in ("weapons", "weapons_released", "count", "value") if c in frame.columns), None
    )
    if date_col is None or num_col is None:
        return []
    days = to_days(frame[date_col].astype(str))
    vals = pd.to_numeric(frame[num_col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    ok = ~np.isnan(days)
    vals = np.where(np.isnan(vals), -1.0, vals)
    order = np.argsort(days[ok], kind="stable")
    return [[int(d), int(v)] for d, v in zip(days[ok][order], vals[ok][order], strict=True)]
