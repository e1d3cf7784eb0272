"""Readers: turn the files analysts already have into the event table, losing nothing.

:func:`read_events` reads ACLED, UCDP GED (also as HDX distributes it), Airwars
exports, generic tables of coordinates or grid references, and CJTF-OIR
strike-release text, from CSV, Parquet / GeoParquet, GeoJSON or GeoPackage, into a
:class:`~geoconflict.events.ReadResult` (events plus the rejects ledger).
:func:`write_events` writes GeoParquet; :func:`ingest_events` streams a CSV into it.

The modules, in the order a read goes through them: :mod:`~.reader` (the entry
points), :mod:`~.inputs` (the file and its header), :mod:`~.detect` (the format),
:mod:`~.streaming` (CSV in chunks), the formats (:mod:`~.acled`, :mod:`~.ucdp`,
:mod:`~.airwars`, :mod:`~.plain`, :mod:`~.releases`) built on :mod:`~.columns`,
:mod:`~.datetimes`, :mod:`~.numbers` and :mod:`~.coordinates`, the ledger
(:mod:`~.rejects`), the assembly of the table (:mod:`~.assembly`) and the output
(:mod:`~.parquet`, :mod:`~.ingest`).
"""

from geoconflict.sources import acled, airwars, plain, ucdp
from geoconflict.sources.detect import FORMATS
from geoconflict.sources.ingest import IngestResult, ingest_events
from geoconflict.sources.inputs import VECTOR_FILES
from geoconflict.sources.parquet import write_events
from geoconflict.sources.reader import detect_format, read_events

__all__ = [
    "FORMATS",
    "VECTOR_FILES",
    "IngestResult",
    "acled",
    "airwars",
    "detect_format",
    "ingest_events",
    "plain",
    "read_events",
    "ucdp",
    "write_events",
]
