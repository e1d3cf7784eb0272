"""`geoconflict ingest`: read any supported input, write GeoParquet plus the rejects ledger.

    geoconflict ingest acled.csv --out events.parquet --rejects rejects.csv
    geoconflict ingest grids.csv --format csv --column date_start=When --column mgrs=Grid \\
        --out events.parquet --rejects rejects.csv --partition-by year

Prints the counts; exit 0 when every record was accepted, 1 when some were
rejected (they are in the ledger), 2 for usage or input errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geoconflict.errors import SourceFormatError
from geoconflict.vocab import FORMATS


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "ingest",
        help="read ACLED / UCDP / Airwars / CSV / strike releases into GeoParquet + rejects",
        description=(
            "Read conflict events (ACLED, UCDP GED, Airwars, a generic table, CJTF-OIR "
            "strike releases; CSV, Parquet, GeoJSON or GeoPackage) and write the event "
            "table as GeoParquet and the rejected records as a CSV ledger."
        ),
    )
    p.add_argument("input", help="input file (or a partitioned GeoParquet directory)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="input format (default: detected from the header and contents)",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="DST=SRC",
        help="for generic tables: take contract column DST from column SRC (repeatable)",
    )
    p.add_argument("--out", required=True, help="output GeoParquet file (or directory)")
    p.add_argument("--rejects", required=True, help="output CSV ledger of rejected records")
    p.add_argument(
        "--partition-by",
        choices=["year"],
        help="write a hive-partitioned directory (year=YYYY/part-0.parquet)",
    )
    p.add_argument("--gazetteer", help="places CSV for strike releases (default: shipped places)")
    p.add_argument("--encoding", default="utf-8-sig", help="text encoding (default UTF-8)")
    order = p.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        help="read dates such as 03/04/2017 or 03.04.2017 day first (3 April)",
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="read them month first (4 March, US exports); default: inferred from the "
        "file, day first when nothing shows the order, ambiguous dates rejected when "
        "the file shows both",
    )
    bar = p.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress", action="store_true", help="progress bar on stderr (default: when a terminal)"
    )
    bar.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def _mapping(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        dst, sep, src = pair.partition("=")
        if not sep or not dst.strip() or not src.strip():
            raise SourceFormatError(f"--column expects DST=SRC, got {pair!r}")
        out[dst.strip()] = src.strip()
    return out


def _check_distinct(source: str, out: str, rejects: str) -> None:
    """Refuse to write the events over the ledger, or either over the input."""
    from pathlib import Path

    where = {"INPUT": Path(source).resolve(), "--out": Path(out).resolve()}
    for name, path in (("--rejects", Path(rejects).resolve()),):
        for other, seen in where.items():
            if path == seen:
                raise SourceFormatError(f"{name} and {other} are the same path: {rejects}")
    if where["--out"] == where["INPUT"]:
        raise SourceFormatError(f"--out and INPUT are the same path: {out}")


def run(args: argparse.Namespace) -> int:
    from geoconflict.sources.ingest import ingest_events

    columns = _mapping(args.column)
    _check_distinct(args.input, args.out, args.rejects)
    # Streams: one chunk of events in memory at a time, however long the input.
    result = ingest_events(
        args.input,
        args.out,
        args.rejects,
        format=args.format,
        columns=columns or None,
        partition_by=args.partition_by,
        gazetteer=args.gazetteer,
        encoding=args.encoding,
        dayfirst=getattr(args, "dayfirst", None),
        progress=args.progress or (not args.no_progress and sys.stderr.isatty()),
    )
    print(
        f"{result.path}: read {result.records} records as {_described(result)}: "
        f"{result.accepted} accepted, {result.rejected} rejected"
    )
    print(f"wrote {args.out} and {args.rejects}")
    return 1 if result.rejected else 0


def _described(result: Any) -> str:
    """The format an input was read as, saying so when it came from a vector file.

    >>> from types import SimpleNamespace as NS
    >>> _described(NS(path="points.geojson", format="csv"))
    'csv columns of a GeoJSON file'
    >>> _described(NS(path="acled.csv", format="acled"))
    'acled'
    """
    from geoconflict.sources import VECTOR_FILES

    container = VECTOR_FILES.get(Path(str(result.path or "")).suffix.lower())
    return f"{result.format} columns of a {container} file" if container else str(result.format)
