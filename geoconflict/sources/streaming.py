"""CSV read in chunks: Arrow parses, every check is vectorised per chunk, two chunks at a time.

:func:`read_csv` is the engine behind :func:`~geoconflict.sources.reader.read_events`
and the streaming ingest for text tables. Arrow (``pyarrow.csv``, in a reader
thread) parses blocks that are gathered into chunks of ``chunksize`` rows; each
chunk goes through its format's converter (:func:`convert`) and becomes a
:class:`~geoconflict.sources.assembly.Part`. Only a few chunks are in memory at
once, so the memory used for parsing does not grow with the file. Records with the
wrong number of fields are skipped by Arrow and found again for the ledger.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from collections import deque
from collections.abc import Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

import geoconflict.sources.acled as acled
import geoconflict.sources.airwars as airwars
import geoconflict.sources.plain as plain
import geoconflict.sources.ucdp as ucdp
from geoconflict.errors import SourceFormatError
from geoconflict.events import ReadResult
from geoconflict.sources.assembly import Part, concat_parts, finish_part, part_hashes, unique_ids
from geoconflict.sources.columns import normalise_header
from geoconflict.sources.datetimes import DayFirst, combine_orders, date_orders
from geoconflict.sources.detect import UCDP_COLUMNS
from geoconflict.sources.inputs import Source, header_names
from geoconflict.sources.rejects import Problems, rejects_frame

#: Format -> its converter (text columns -> contract columns; bad values to ``problems``).
CONVERTERS: dict[str, Any] = {
    "acled": acled.convert,
    "ucdp": ucdp.convert,
    "airwars": airwars.convert,
    "csv": plain.convert,
}


def convert(
    fmt: str,
    frame: pd.DataFrame,
    problems: Problems,
    *,
    columns: Mapping[str, str] | None = None,
    geometry: Any = None,
    path: object = None,
    dayfirst: DayFirst = None,
) -> pd.DataFrame:
    """A table of text columns in format ``fmt`` turned into contract columns.

    ``columns`` (a mapping) and ``geometry`` apply to generic tables (``"csv"``).

    Examples
    --------
    >>> t = pd.DataFrame({"event_id_cnty": ["IRQ1"], "event_date": ["8 October 2023"],
    ...     "latitude": ["36.34"], "longitude": ["43.13"]})
    >>> convert("acled", t, Problems(np.array([1])))["date_start"].tolist()
    [Timestamp('2023-10-08 00:00:00')]
    """
    if fmt == "csv":
        return plain.convert(
            frame, problems, columns=columns, geometry=geometry, path=path, dayfirst=dayfirst
        )
    return CONVERTERS[fmt](frame, problems, path=path, dayfirst=dayfirst)


def read_csv(
    src: Source,
    fmt: str,
    header: bool,
    columns: Mapping[str, str] | None,
    chunksize: int,
    progress: bool,
    dayfirst: DayFirst = None,
    sink: Any = None,
) -> ReadResult:
    """Read a CSV chunk by chunk (see :func:`~geoconflict.sources.reader.read_events`).

    With ``sink`` (an object with ``add(part)`` and ``reset()``), each chunk's
    accepted events go to ``sink.add`` in file order instead of into the result,
    whose ``events`` is then empty: a caller can write them out as they come.

    Parameters
    ----------
    src : Source
        The input, after :func:`~geoconflict.sources.inputs.detect_text`.
    fmt, header
        What :func:`~geoconflict.sources.inputs.detect_text` found.
    columns, chunksize, progress, dayfirst
        As for :func:`~geoconflict.sources.reader.read_events`.
    sink : object, optional
        Receives each chunk's events instead of the result.

    Returns
    -------
    ReadResult

    Examples
    --------
    >>> from geoconflict.sources.inputs import detect_text
    >>> text = ("event_id_cnty,event_date,latitude,longitude\\n"
    ...         "IRQ1,2017-01-31,36.34,43.13\\nIRQ2,2017-02-01,x,43.13\\n")
    >>> src = Source(io.StringIO(text), "utf-8")
    >>> fmt, header = detect_text(src, None, None)
    >>> read_csv(src, fmt, header, None, chunksize=1, progress=False)
    ReadResult(format='acled', records=2, accepted=1, rejected=1)
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = header_names(src) if header else list(UCDP_COLUMNS)
    used = _used_columns(fmt, names, columns)
    stream, bar = src.stream(progress)
    row_bar = None
    if progress and bar is None:
        from tqdm import tqdm

        row_bar = tqdm(unit=" rows", file=sys.stderr, desc=src.name, leave=False)
    bad_rows: list[tuple[str, str]] = []

    def on_bad_row(row: Any) -> str:
        why = f"expected {row.expected_columns} fields, saw {row.actual_columns}"
        bad_rows.append((row.text, why))
        return "skip"

    head = src.head_text()
    row_bytes = max(len(head.encode("utf-8")) / max(head.count("\n"), 1), 16.0)
    # Arrow parses best in blocks of a few MB; blocks are gathered into chunks of rows.
    block = int(min(max(chunksize * row_bytes, 1 << 20), 4 << 20))
    encoding = src.encoding.lower().replace("-", "").replace("_", "")
    # Chunks are checked apart, each inferring the order of its slash/dot dates; what
    # each showed is kept, so that the file can be read again in the order of the
    # whole file if a chunk read some dates otherwise (see the end).
    orders: list[tuple[DayFirst, bool]] = []
    events: list[Part | gpd.GeoDataFrame] = []
    ledgers: list[pd.DataFrame] = []
    parsed = 0
    to_pandas = {pa.string(): pd.StringDtype("pyarrow")}.get
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=(1 if header else 0) + (1 if src.hashtag_row else 0),
                block_size=block,
                encoding="utf8" if encoding in ("utf8", "utf8sig") else src.encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=src.delimiter, newlines_in_values=True, invalid_row_handler=on_bad_row
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=used,
                column_types=dict.fromkeys(used, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        tables = _prefetch(
            table.to_pandas(types_mapper=to_pandas) for table in _batches_of(reader, chunksize)
        )

        def check(chunk: pd.DataFrame, first: int) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
            chunk.columns = normalise_header(used)
            chunk.index = pd.RangeIndex(first, first + len(chunk))
            # Rows are numbered in parse order; renumbered below if lines were skipped.
            problems = Problems(chunk.index.to_numpy() + 1)
            with date_orders() as seen:  # what the chunk's dates showed (order inferred)
                converted = convert(
                    fmt, chunk, problems, columns=columns, path=src.name, dayfirst=dayfirst
                )
            orders.extend(seen)
            return finish_part(fmt, chunk, converted, problems), problems.frame()

        # Two chunks are checked at a time (numpy, Arrow and GEOS release the GIL);
        # results are taken in file order, so memory stays bounded to a few chunks.
        with contextlib.closing(tables), ThreadPoolExecutor(2) as pool:
            pending: deque[Any] = deque()
            for chunk in tables:
                pending.append(pool.submit(check, chunk, parsed))
                parsed += len(chunk)
                if row_bar is not None:
                    row_bar.update(len(chunk))
                while len(pending) > 2:
                    ev, led = pending.popleft().result()
                    (events.append if sink is None else sink.add)(ev)
                    ledgers.append(led)
            while pending:
                ev, led = pending.popleft().result()
                (events.append if sink is None else sink.add)(ev)
                ledgers.append(led)
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            raise src.encoding_error() from exc
        raise SourceFormatError(f"cannot read as CSV: {exc}", path=src.name) from exc
    except UnicodeDecodeError as exc:  # another encoding, decoded by Python's codec
        raise src.encoding_error() from exc
    finally:
        if src.path is not None:
            stream.close()
        for b in (bar, row_bar):
            if b is not None:
                b.close()
    whole = combine_orders(order for order, _ in orders)
    # A chunk that did not show the order read its dates day first, and a chunk that
    # showed one order read its unclear dates that way: if the whole file says
    # otherwise and such dates were there, read it again in the file's order.
    if whole is not None and any(
        unclear and (True if order is None else order) != whole for order, unclear in orders
    ):
        if sink is not None:
            sink.reset()
        return read_csv(src, fmt, header, columns, chunksize, progress, whole, sink)
    rejects = rejects_frame(ledgers)
    if bad_rows:
        skipped = _find_bad_records(src, len(names), header, len(bad_rows), parsed)
        rejects["row"] = _record_numbers(rejects["row"].to_numpy() - 1, skipped)
        line = pd.DataFrame(
            {
                "row": skipped,
                "field": "line",
                "value": [text for text, _ in bad_rows],
                "reason": [why for _, why in bad_rows],
            }
        )
        rejects = rejects_frame([rejects, line])
    return ReadResult(
        events=unique_ids(concat_parts(events), part_hashes(events)),
        rejects=rejects,
        records=parsed + len(bad_rows),
        format=fmt,
        path=src.name,
    )


def _used_columns(fmt: str, names: list[str], columns: Mapping[str, str] | None) -> list[str]:
    """The columns worth parsing: those the format's reader looks at (all, when unsure)."""
    if fmt == "acled":
        wanted = set(acled.USED)
        used = [n for n in names if n.lower() in wanted]
    elif fmt == "csv":
        try:
            used = list(dict.fromkeys(plain.resolve_columns(names, columns).values()))
        except SourceFormatError:
            used = list(names)
    else:
        used = list(names)
    # Duplicate header names cannot be told apart: parse everything then.
    return used if used and len(set(names)) == len(names) else list(names)


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _prefetch(items: Iterator[Any], depth: int = 2) -> Generator[Any, None, None]:
    """Produce ``items`` in a background thread, at most ``depth`` ahead of the consumer.

    Arrow parses and converts with the GIL released, so the next block is read while
    the current one is being checked (two cores in use instead of one).
    """
    import queue
    import threading

    box: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))

    thread = threading.Thread(target=work, name="geoconflict-read", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()


def _batches_of(reader: Any, rows: int) -> Iterator[Any]:
    """Arrow tables of ``rows`` rows (the last may be shorter) from a stream of record batches."""
    import pyarrow as pa

    pending: list[Any] = []
    count = 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(pending).combine_chunks()
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending = rest.to_batches() if rest.num_rows else []
            count = rest.num_rows
    if count:
        yield pa.Table.from_batches(pending).combine_chunks()


def _find_bad_records(
    src: Source, width: int, header: bool, expected: int, parsed: int
) -> list[int]:
    """Record numbers of the records with the wrong number of fields.

    Only run when the fast parser skipped some: a second, plain pass over the file.
    """
    if src.path is not None:
        fh: Any = open(src.path, encoding=src.encoding, newline="")  # noqa: SIM115
    else:
        src.handle.seek(0)
        data = src.handle.read()
        text = data.decode(src.encoding) if isinstance(data, bytes) else data
        fh = io.StringIO(text, newline="")
    found: list[int] = []
    with fh:
        records = csv.reader(fh, delimiter=src.delimiter)
        try:
            for _ in range((1 if header else 0) + (1 if src.hashtag_row else 0)):
                next(records, None)
            number = 0
            for fields in records:  # error path only: the file has malformed lines
                if not fields:
                    continue
                number += 1
                if len(fields) != width:
                    found.append(number)
        except csv.Error:
            found = []  # cannot place them: numbered after the last record below
    if len(found) != expected:
        # The two parsers disagree: keep the count right, number the rest after the end.
        found = found[:expected]
        found += list(range(parsed + len(found) + 1, parsed + expected + 1))
    return found


def _record_numbers(index: np.ndarray, skipped: list[int]) -> np.ndarray:
    """1-based record numbers of parsed rows, counting the skipped records before them."""
    rows = index.astype("int64") + 1
    for s in sorted(skipped):  # loops over bad lines, not over events
        rows = rows + (rows >= s)
    return rows
