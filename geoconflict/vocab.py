"""The allowed values of the event table's categorical columns and of the map's controls.

One home for each list: the readers, the event-table checks, the map options, the spec
validator and the CLIs all take their allowed values from here; and one home for how
a file's header names a column (:func:`header_text`, :func:`header_key`).

>>> "civcas" in KINDS
True
>>> FREQUENCIES["month"]
'MS'
"""

from __future__ import annotations

#: Allowed values of the ``kind`` column.
KINDS: tuple[str, ...] = ("strike", "civcas", "ground", "other")
#: Allowed values of the ``grading`` column (Airwars' scale, plus unknown).
GRADINGS: tuple[str, ...] = ("confirmed", "fair", "weak", "contested", "discounted", "unknown")
#: Allowed values of ``date_precision``.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
#: Steps of the map's time control.
STEPS: tuple[str, ...] = ("day", "week", "month")
#: Input formats the readers know (``read_events(format=...)``, the CLI's ``--format``).
FORMATS: tuple[str, ...] = ("acled", "ucdp", "airwars", "csv", "releases", "parquet")
#: Summary periods by their word (CLI ``--freq``, spec values) -> pandas offset alias.
FREQUENCIES: dict[str, str] = {"day": "D", "week": "W", "month": "MS", "year": "YS"}


def header_text(name: object) -> str:
    """A header name as the file means it: a byte-order mark and outer spaces dropped.

    Examples
    --------
    >>> header_text("\\ufeffEVENT_DATE ")
    'EVENT_DATE'
    """
    return str(name).replace("\ufeff", "").strip()


def header_key(name: object) -> str:
    """How a column's header is matched: :func:`header_text`, case ignored.

    The readers (:class:`geoconflict.sources.columns.Columns`) and a user's gazetteer
    (:func:`geoconflict.gazetteer.load`) look columns up by this key.

    Examples
    --------
    >>> header_key("\\ufeffEVENT_DATE "), header_key("Lat")
    ('event_date', 'lat')
    """
    return header_text(name).lower()
