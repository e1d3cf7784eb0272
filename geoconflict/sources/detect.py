"""Tell the format of an input from its header and first records.

Rules, first match wins:

- ``releases``: text with strike lines ("-- Near Raqqa, 20 strikes …") and no table header;
- ``parquet``: a table that already follows the event-table contract (our GeoParquet);
- ``acled``: ``event_id_cnty`` and ``event_date`` (any case);
- ``ucdp``: ``id``, ``date_start``, ``where_prec`` and ``best``; or 49 headerless fields
  whose first is an integer id and whose 39th/40th are dates;
- ``airwars``: ``code`` with Airwars' slug columns, or ``belligerent_N_mgrs_coordinate``;
- ``csv``: any other table with coordinate, ``lat``/``lon`` or grid-reference columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geoconflict import vocab
from geoconflict.sources.plain import find_location_columns

_RELEASE_LINE = re.compile(r"^\s*(?:--|—|–|-|\*|•|<li>)\s*(?:Near|On)\b", re.MULTILINE)
_RELEASE_WORDS = re.compile(r"\bstrikes?\b", re.IGNORECASE)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")

#: The 49 columns of UCDP GED, in file order (used when a file has no header row).
UCDP_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence",
    "conflict_dset_id", "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id",
    "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id",
    "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates",
    "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip

FORMATS = vocab.FORMATS  # the formats read_events knows (one list, in geoconflict.vocab)


def looks_like_release(text: str) -> bool:
    """True for strike-release text: dash-led "Near"/"On" lines that mention strikes.

    Examples
    --------
    >>> looks_like_release("-- Near Raqqa, 20 strikes engaged 13 ISIS tactical units.")
    True
    >>> looks_like_release("event_id_cnty,event_date\\nIRQ1,2017-01-01")
    False
    """
    return bool(_RELEASE_LINE.search(text)) and bool(_RELEASE_WORDS.search(text))


def ucdp_headerless(first_row: Sequence[str]) -> bool:
    """True when a header-less first record has UCDP GED's 49-field shape.

    Examples
    --------
    >>> row = ["244657"] + [""] * 37 + ["2017-03-17", "2017-03-17"] + [""] * 9
    >>> ucdp_headerless(row)
    True
    """
    if len(first_row) != len(UCDP_COLUMNS):
        return False
    first = first_row[0].strip()
    start, end = first_row[38].strip(), first_row[39].strip()
    return first.isdigit() and bool(_ISO.match(start)) and bool(_ISO.match(end))


def detect_table(columns: Sequence[str], first_row: Sequence[str] | None = None) -> str:
    """The format of a table from its header (and first record, for header-less UCDP).

    Parameters
    ----------
    columns : sequence of str
        The header, or the first record when there may be no header.
    first_row : sequence of str, optional
        Unused for tables with a header; kept for symmetry.

    Returns
    -------
    str
        One of "parquet", "acled", "ucdp", "ucdp-noheader", "airwars", "csv", or "" when
        nothing fits.

    Examples
    --------
    >>> detect_table(["EVENT_ID_CNTY", "EVENT_DATE", "LATITUDE", "LONGITUDE"])
    'acled'
    >>> detect_table(["Date", "Grid", "Notes"])
    'csv'
    >>> detect_table(["a", "b"])
    ''
    """
    lower = {vocab.header_key(c) for c in columns}
    if {"event_id", "dataset", "kind", "date_start", "geometry"} <= lower:
        return "parquet"
    if {"event_id_cnty", "event_date"} <= lower:
        return "acled"
    if {"id", "date_start", "where_prec", "best"} <= lower:
        return "ucdp"
    if ucdp_headerless([str(c) for c in columns]):
        return "ucdp-noheader"
    airwars_slugs = {
        "civilian_harm_status_slug",
        "strike_status_slug",
        "geolocation_accuracy_slug",
    }
    if ("code" in lower and lower & airwars_slugs) or any(
        re.fullmatch(r"belligerent_\d+_mgrs_coordinate", c) for c in lower
    ):
        return "airwars"
    if find_location_columns(list(columns)):
        return "csv"
    return ""
