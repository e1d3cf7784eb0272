"""Print and social cards: the page in card mode (``?card``), captured at a date.

A card is the map page laid out for print or a social feed by the page itself
(``static/js/api.js``, ``static/card.css``): the title and subtitle above the map;
the date shown, the events on the map, the share cleared of each study area with
territory, a legend and the credits below; the scale bar and the attribution on
the map; no buttons, boxes or slider. The card's date goes in the URL
(``?card&date=2017-01-24``) and is drawn before the page signals ready, so the
capture (:func:`geoconflict.build.png.on_page`) waits on the page's own events.
With ``basemap = "none"`` the same page gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

#: The selectors of the page's controls a card must not show.
CONTROL_SELECTORS: str = "button, input, select, textarea, details, summary, .leaflet-control-zoom"


def card_query(date: dt.date | str | None = None) -> str:
    """The URL query that opens a page as a card at ``date`` (None: the page's own date).

    Examples
    --------
    >>> card_query(), card_query(dt.date(2017, 1, 24))
    ('?card', '?card&date=2017-01-24')
    """
    if date is None:
        return "?card"
    day = date.isoformat() if isinstance(date, dt.date) else str(date)
    return "?card&" + urlencode({"date": day})


def render_card(
    page_path: str | Path,
    png_path: str | Path,
    *,
    width: int,
    height: int,
    scale: float = 1.0,
    date: dt.date | str | None = None,
    timeout_s: float = 60.0,
) -> dict[str, object]:
    """Capture a page as a card: ``width`` x ``height`` CSS pixels at ``scale``, at ``date``.

    Parameters
    ----------
    page_path : str or pathlib.Path
        A map page (from :func:`geoconflict.render.to_html` or a build).
    png_path : str or pathlib.Path
        Where the card goes (the caller makes it atomic): a PNG, or a one-page PDF
        of the card's size when the name ends in ``.pdf``.
    width, height : int
        The card's size in CSS pixels; the PNG is ``width * scale`` by ``height * scale``.
    scale : float, default 1.0
        Device scale factor (2 for print).
    date : date or str, optional
        The day the card shows; default the page's opening date.
    timeout_s : float, default 60
        How long to wait for the page's ready signal.

    Returns
    -------
    dict
        The page's state on the card (``getState()``: date, counts, cleared, filters).

    Raises
    ------
    BrowserError
        When Chromium is missing or the page failed.

    Examples
    --------
    >>> render_card("missing.html", "x.png", width=1200, height=675)
    Traceback (most recent call last):
    ...
    geoconflict.errors.BrowserError: missing.html: no such page to render
    """
    from geoconflict.build.png import on_page

    target = str(png_path)

    def capture(page: object) -> dict[str, object]:
        state: dict[str, object] = page.evaluate(  # type: ignore[attr-defined]
            "geoconflict.maps[0].getState()"
        )
        if target.lower().endswith(".pdf"):  # one page of the card's size, as on screen
            page.emulate_media(media="screen")  # type: ignore[attr-defined]
            page.pdf(  # type: ignore[attr-defined]
                path=target,
                width=f"{width}px",
                height=f"{height}px",
                print_background=True,
                page_ranges="1",
            )
        else:
            page.screenshot(path=target, type="png", full_page=False)  # type: ignore[attr-defined]
        return state

    result: dict[str, object] = on_page(
        page_path,
        capture,
        width=width,
        height=height,
        scale=scale,
        query=card_query(date),
        timeout_s=timeout_s,
    )
    return result
