"""``geoconflict link``: pairs of events from two tables, close in space and time, as CSV.

Examples::

    geoconflict link incidents.csv strikes.parquet --within-m 5000 --within-days 1 \\
        --out pairs.csv
    geoconflict link airwars.csv releases.txt --format-right releases --uncertainty \\
        --within-m 1000 --within-days 0 --out pairs.csv --summary per_incident.csv \\
        --cannot-link cannot_link.csv

LEFT and RIGHT are anything :func:`geoconflict.read_events` reads. The pairs are those
of :func:`geoconflict.link.match`. The records that can never link are counted on
stderr and listed with ``--cannot-link FILE.csv``: ``table`` (left or right),
``stage``, ``row``, ``event_id``, ``field``, ``value``, ``reason``. Stage ``read``: the
reader rejected the record (``row`` is its 1-based record number in the file, as in
the rejects ledger); stage ``place``: an accepted event with no usable point or date
(:func:`geoconflict.link.unplaceable`; ``row`` is its 1-based position among the
accepted events). Exit 0 when every record could be linked, 1 when some cannot, 2 for
usage or input errors. Every output is written atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geoconflict._io import write_text
from geoconflict.errors import GeoconflictError
from geoconflict.vocab import FORMATS


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "link",
        help="pairs of events (e.g. incidents and declared strikes) near in space and time",
        description=(
            "Link two event tables: every pair within --within-m metres (geodesic, WGS84)"
            " and --within-days days, written as CSV."
        ),
    )
    p.add_argument("left", metavar="LEFT", help="left events (e.g. civilian-harm incidents)")
    p.add_argument("right", metavar="RIGHT", help="right events (e.g. declared strikes)")
    p.add_argument("--within-m", type=float, required=True, help="largest distance, metres")
    p.add_argument(
        "--within-days", type=float, required=True, help="largest days apart (0: same day)"
    )
    p.add_argument(
        "--uncertainty",
        action="store_true",
        help="measure between the uncertainty circles (less both location_precision_m)",
    )
    p.add_argument(
        "--format-left", choices=FORMATS, default=None, help="LEFT's format (default: detect)"
    )
    p.add_argument(
        "--format-right", choices=FORMATS, default=None, help="RIGHT's format (default: detect)"
    )
    p.add_argument("--out", required=True, help="output CSV of the pairs")
    p.add_argument("--summary", default=None, metavar="FILE.csv", help="per-left-event summary")
    p.add_argument(
        "--cannot-link",
        default=None,
        metavar="FILE.csv",
        help="records that can never link (rejected, or no usable point or date), and why",
    )
    return p


def _check_paths(args: argparse.Namespace) -> None:
    inputs = {Path(args.left).resolve(): "LEFT", Path(args.right).resolve(): "RIGHT"}
    seen: dict[Path, str] = {}
    for flag in ("out", "summary", "cannot_link"):
        value = getattr(args, flag)
        if value is None:
            continue
        path = Path(value).resolve()
        if path in inputs:
            raise GeoconflictError(f"{_flag(flag)} {value} is the same path as {inputs[path]}")
        if path in seen:
            raise GeoconflictError(
                f"{_flag(flag)} and {_flag(seen[path])} are the same path: {value}"
            )
        seen[path] = flag


def _flag(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _csv(frame: Any) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))


def run(args: argparse.Namespace) -> int:
    from geoconflict import link
    from geoconflict.link.pairs import check_thresholds
    from geoconflict.sources import read_events

    try:
        metres, days = check_thresholds(args.within_m, args.within_days)
    except ValueError as exc:
        raise GeoconflictError(str(exc).replace("within_", "--within-")) from exc
    _check_paths(args)
    for path in (args.left, args.right):
        if not Path(path).exists():
            raise GeoconflictError(f"{path}: no such file or directory")
    left = read_events(args.left, format=args.format_left)
    right = read_events(args.right, format=args.format_right)
    pairs = link.match(left.events, right.events, metres, days, uncertainty=args.uncertainty)
    write_text(args.out, _csv(pairs))
    per_left = link.summary(pairs, left.events)
    if args.summary is not None:
        write_text(args.summary, _csv(per_left))
    cannot = cannot_link(left, right)
    if args.cannot_link is not None:
        write_text(args.cannot_link, _csv(cannot))
    linked = int(per_left["linked"].sum())
    print(
        f"{len(pairs)} pairs written to {args.out}:"
        f" {linked} of {len(left.events)} left events linked"
        f" with {pairs['right_id'].nunique()} of {len(right.events)} right events"
    )
    where = (
        f"listed in {args.cannot_link}"
        if args.cannot_link
        else "list them with --cannot-link FILE.csv"
    )
    status = 0
    for name, result in (("left", left), ("right", right)):
        mine = cannot[cannot["table"] == name]
        rejected = int(result.rejected)
        unplaced = int((mine["stage"] == "place").sum())
        if rejected or unplaced:
            print(
                f"{name.upper()} {result.path}: {rejected + unplaced} of {result.records}"
                f" records can never link ({rejected} rejected by the reader,"
                f" {unplaced} without a usable point or date; {where})",
                file=sys.stderr,
            )
            status = 1
    return status


def cannot_link(left: Any, right: Any) -> Any:
    """The records of two read results that can never link, in one table.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from geoconflict.events import ReadResult, conform
    >>> ev = conform(pd.DataFrame({"event_id": ["a"], "lat": [36.3], "lon": [43.1],
    ...     "date_start": [None]}))
    >>> ledger = pd.DataFrame({"row": [2], "field": ["latitude"], "value": ["x"],
    ...     "reason": ["not a number"]})
    >>> res = ReadResult(ev, ledger, records=2, format="csv", path="a.csv")
    >>> cannot_link(res, res)[["table", "stage", "row", "field"]].values.tolist()[:2]
    [['left', 'read', 2, 'latitude'], ['left', 'place', 1, 'date_start']]
    """
    import pandas as pd

    from geoconflict.link import unplaceable

    parts = []
    for name, result in (("left", left), ("right", right)):
        parts.append(result.rejects.assign(table=name, stage="read", event_id=None))
        parts.append(unplaceable(result.events).assign(table=name, stage="place"))
    columns = ["table", "stage", "row", "event_id", "field", "value", "reason"]
    return pd.concat([p[columns] for p in parts], ignore_index=True)
