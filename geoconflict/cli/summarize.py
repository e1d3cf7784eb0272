"""``geoconflict summarize``: events per area and period, as a CSV table.

Examples::

    geoconflict summarize events.parquet --freq month --out table.csv
    geoconflict summarize airwars.csv --periods before=2014-08-08:2017-01-19 \\
        --periods after=2017-01-20:2017-07-15 --out periods.csv
    geoconflict summarize events/ --engine dask --scheduler tcp://10.0.0.5:8786 --out t.csv

With ``--engine pandas`` (the default) EVENTS is anything
:func:`geoconflict.sources.read_events` reads. With ``--engine dask`` it must be
GeoParquet (a file or a partitioned directory) and is read lazily with
dask-geopandas; without ``--scheduler`` a local cluster of ``--workers``
processes starts on 127.0.0.1 for the run.

Both engines apply the same record checks to a GeoParquet event table (a missing
or unparseable ``date_start``, a missing or empty geometry, a geometry that is not a
point), leave those records out, list them with ``--rejects FILE.csv`` (``row``,
``field``, ``value``, ``reason``; ``row`` is the 1-based record number in file order)
and exit 1 when any was rejected. The Dask engine computes the ledger in the same
``compute`` call as the summary, from the same read of each partition.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoconflict._io import write_text
from geoconflict.errors import GeoconflictError
from geoconflict.vocab import FREQUENCIES

if TYPE_CHECKING:  # pandas is imported when a command runs, not when the CLI starts
    import pandas as pd


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "summarize",
        help="events, strikes and casualties per area and period, to CSV",
        description=(
            "Summarise events per area and period (or per named period with --periods)"
            " and write the table as CSV. strikes sums the stated counts; a strike event"
            " with no count adds none and is counted in strikes_uncounted."
        ),
    )
    p.add_argument("events", metavar="EVENTS", help="events file or partitioned directory")
    p.add_argument("--format", dest="fmt", default=None, help="input format (default: detect)")
    p.add_argument(
        "--by",
        default="area",
        type=lambda v: None if v.strip().lower() == "none" else v,
        help="grouping column (default: area); 'none' for totals over all events",
    )
    p.add_argument(
        "--freq",
        default="month",
        help="day | week | month | year, or a pandas alias such as MS (default: month)",
    )
    p.add_argument(
        "--periods",
        action="append",
        default=None,
        metavar="NAME=START:END",
        help="a named period (dates YYYY-MM-DD, inclusive); repeat for more",
    )
    p.add_argument("--areas", default=None, help="study areas file (default: the shipped ones)")
    p.add_argument("--out", required=True, help="output CSV (written atomically)")
    p.add_argument(
        "--rejects",
        default=None,
        metavar="FILE.csv",
        help="write the rejected records (row, field, value, reason) to this CSV",
    )
    p.add_argument("--engine", choices=("pandas", "dask"), default="pandas")
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    p.add_argument("--workers", type=int, default=2, help="workers of the local Dask cluster")
    return p


def parse_freq(value: str) -> str:
    """Map a ``--freq`` word (or a pandas alias) to a pandas frequency alias.

    The words are those of :data:`geoconflict.vocab.FREQUENCIES`; weeks start
    on Monday (pandas' ``"W"`` periods end on Sunday). Anything else must be a
    frequency :func:`geoconflict.summary.period_start` accepts.

    Examples
    --------
    >>> parse_freq("month"), parse_freq("W-SUN")
    ('MS', 'W-SUN')
    """
    import pandas as pd

    from geoconflict.summary import period_start

    word = value.strip()
    if word.lower() in FREQUENCIES:
        return FREQUENCIES[word.lower()]
    try:
        period_start(pd.Series([pd.Timestamp("2017-03-17")]), word)
    except (ValueError, TypeError, AttributeError) as exc:
        raise GeoconflictError(
            f"--freq {value!r}: expected day, week, month, year or a pandas alias such as MS"
        ) from exc
    return word


def parse_periods(values: list[str]) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Parse ``NAME=START:END`` strings into ``{name: (start, end)}``.

    Examples
    --------
    >>> parse_periods(["before=2014-08-08:2017-01-19"])
    {'before': (Timestamp('2014-08-08 00:00:00'), Timestamp('2017-01-19 00:00:00'))}
    """
    import pandas as pd

    out: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for text in values:
        name, eq, span = text.partition("=")
        start, colon, end = span.partition(":")
        if not (eq and colon and name.strip()):
            raise GeoconflictError(f"--periods {text!r}: expected NAME=START:END")
        try:
            bounds = (pd.Timestamp(start.strip()), pd.Timestamp(end.strip()))
        except ValueError as exc:
            raise GeoconflictError(f"--periods {text!r}: bad date ({exc})") from exc
        if pd.isna(bounds[0]) or pd.isna(bounds[1]) or bounds[1] < bounds[0]:
            raise GeoconflictError(f"--periods {text!r}: END must be a date on or after START")
        if name.strip() in out:
            raise GeoconflictError(f"--periods: {name.strip()!r} given twice")
        out[name.strip()] = bounds
    return out


def _is_parquet(path: Path) -> bool:
    if path.is_dir():
        return any(path.rglob("*.parquet"))
    return path.suffix.lower() in {".parquet", ".geoparquet", ".parq"}


def run(args: argparse.Namespace) -> int:
    freq = parse_freq(args.freq)
    periods = parse_periods(args.periods) if args.periods else None
    path = Path(args.events)
    if not path.exists():
        raise GeoconflictError(f"{path}: no such file or directory")
    if args.workers < 1:
        raise GeoconflictError("--workers must be at least 1")
    if args.rejects is not None and Path(args.rejects).resolve() in {
        Path(args.out).resolve(),
        path.resolve(),
    }:
        raise GeoconflictError(f"--rejects {args.rejects} is the same path as EVENTS or --out")
    if args.engine == "dask":
        table, rejects, records = _run_dask(args, path, freq, periods)
    else:
        if args.scheduler:
            raise GeoconflictError("--scheduler needs --engine dask")
        table, rejects, records = _run_pandas(args, path, freq, periods)
    write_text(args.out, table.to_csv(index=False, lineterminator="\n"))
    if args.rejects is not None:
        write_text(args.rejects, rejects.to_csv(index=False, lineterminator="\n"))
    print(f"{len(table)} rows written to {args.out}")
    rejected = int(rejects["row"].nunique())
    if rejected:
        where = f"listed in {args.rejects}" if args.rejects else "list them with --rejects FILE.csv"
        print(
            f"{path}: {rejected} of {records} records rejected and left out ({where})",
            file=sys.stderr,
        )
        return 1
    return 0


def _run_pandas(
    args: argparse.Namespace, path: Path, freq: str, periods: dict[str, Any] | None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    from geoconflict import areas, summary
    from geoconflict.sources import read_events

    result = read_events(path, format=args.fmt)
    events = result.events
    if args.by == "area" and "area" not in events.columns:
        events = areas.assign(events, areas.load(args.areas))
    table = summary.summarize(events, by=args.by, freq=freq, periods=periods)
    return table, result.rejects, result.records


def _run_dask(
    args: argparse.Namespace, path: Path, freq: str, periods: dict[str, Any] | None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    import dask

    from geoconflict import scale

    if args.fmt not in (None, "parquet", "geoparquet") or not _is_parquet(path):
        raise GeoconflictError(
            f"{path}: --engine dask reads GeoParquet (a .parquet file or a partitioned"
            " directory); convert it first with `geoconflict ingest --partition-by year`"
        )
    # Read only the columns the summary needs (the file's schema first, then the data).
    ddf = scale.read_parquet(
        path, columns=scale.summary_columns(scale.read_parquet(path).columns, args.by)
    )
    # The record checks of the pandas reader, per partition: the summary sees only the
    # valid rows, and the ledger and partition lengths come from the same read.
    valid, lazy_rejects, lengths = scale.check_events(ddf)
    # A path (or None: the shipped areas) is loaded by scale.summarize itself.
    lazy = scale.summarize(valid, by=args.by, freq=freq, periods=periods, areas=args.areas)
    with scale.client(args.scheduler, n_workers=args.workers) as client:
        workers = len(client.scheduler_info()["workers"])
        where = args.scheduler or "a local cluster on 127.0.0.1"
        print(
            f"dask: {ddf.npartitions} partitions on {workers} workers at {where}", file=sys.stderr
        )
        table, partial_rejects, counts = dask.compute(lazy, lazy_rejects, lengths)
    rejects = scale.number_rejects(partial_rejects, counts)
    return table, rejects, int(counts.sum())
