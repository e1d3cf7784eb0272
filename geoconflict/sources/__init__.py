"""Readers: turn the files analysts already have into the event table, losing nothing.

:func:`read_events` reads ACLED, UCDP GED, Airwars exports, generic tables of
coordinates or grid references, and CJTF-OIR strike-release text, from CSV, Parquet /
GeoParquet (also a partitioned directory written by :func:`write_events`), GeoJSON or
GeoPackage. It returns a :class:`~geoconflict.events.ReadResult`: the accepted events
(column contract) and the rejects ledger (``row``, ``field``, ``value``, ``reason``),
with ``accepted + rejected == records read``.

CSV is parsed by Arrow (``pyarrow.csv``, in a reader thread) in blocks gathered into
chunks of ``chunksize`` rows; every check is vectorised per chunk and two chunks are
checked at a time. Only a few chunks are in memory at once, so the memory used for
parsing does not grow with the file.
"""

from __future__ import annotations

import contextlib
import csv as _csv
import io
import os
import sys
from collections import deque
from collections.abc import Generator, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.events import (
    CRS,
    EVENT_DTYPES,
    ReadResult,
    _coerce,
    conform,
    content_id,
    dedupe_ids,
    empty_events,
)
from geoconflict.sources import acled, airwars, ucdp
from geoconflict.sources import csv as generic
from geoconflict.sources._common import (
    DayFirst,
    Problems,
    as_text,
    combine_orders,
    date_orders,
    normalise_header,
    rejects_frame,
)
from geoconflict.sources.detect import (
    FORMATS,
    UCDP_COLUMNS,
    detect_table,
    looks_like_release,
    ucdp_headerless,
)
from geoconflict.sources.parquet import is_event_table, read_event_parquet, write_events
from geoconflict.sources.releases import read_release_text

__all__ = ["FORMATS", "detect_format", "read_events", "write_events"]

_HEAD_BYTES = 65_536
#: Vector files read through GDAL (suffix -> name): their attributes are a table.
VECTOR_FILES = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".fgb": "FlatGeobuf",
    ".shp": "Shapefile",
    ".gml": "GML",
    ".kml": "KML",
}
_PARQUET_SUFFIXES = {".parquet", ".geoparquet", ".pq"}
_CONVERTERS: dict[str, Any] = {
    "acled": acled.convert,
    "ucdp": ucdp.convert,
    "airwars": airwars.convert,
    "csv": generic.convert,
}


def read_events(
    source: str | os.PathLike[str] | IO[Any],
    format: str | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    gazetteer: Any = None,
    chunksize: int = 100_000,
    encoding: str = "utf-8-sig",
    progress: bool = False,
    source_url: str | None = None,
    dayfirst: bool | None = None,
) -> ReadResult:
    """Read conflict events from a file into the event table plus a rejects ledger.

    Parameters
    ----------
    source : path or open file
        CSV or text, Parquet / GeoParquet (file or partitioned directory), GeoJSON or
        GeoPackage. Paths and binary files stream; an open text file is read into
        memory first (it is already decoded).
    format : {None, "acled", "ucdp", "airwars", "csv", "releases", "parquet"}
        None detects the format from the header and contents.
    columns : mapping, optional
        For ``format="csv"``: contract name -> column of the file, e.g.
        ``{"date_start": "Date", "mgrs": "Grid"}``; unmapped columns are found by name.
    gazetteer : DataFrame or path, optional
        For ``format="releases"``: places to locate "Near PLACE" lines (columns name,
        variants, lat, lon, accuracy_m, country); default the shipped ``places``.
    chunksize : int, default 100000
        Rows parsed and checked at a time when reading CSV.
    encoding : str, default "utf-8-sig"
        Text encoding (a UTF-8 byte-order mark is skipped either way).
    progress : bool, default False
        Show a progress bar on stderr (by bytes for files, by rows otherwise).
    source_url : str, optional
        For ``format="releases"``: the release's address, kept in ``source_url``.
    dayfirst : bool or None, default None
        The order of numeric dates written with slashes or dots ("03/04/2017",
        "03.04.2017"): True day first, False month first (US exports). None infers
        it from the file's date columns: a value such as "13/01/2017" shows day
        first, "01/13/2017" month first; when no value shows it, day first. A
        column showing both is inconsistent: its dates that read two ways
        ("03/04/2017") are rejected as "ambiguous date (day/month order)". The order
        holds for the whole file: CSV is checked in chunks, and when a chunk read
        dates in an order the whole file contradicts, the file is read again in the
        file's order. ISO and month-name dates are not affected.

    Returns
    -------
    ReadResult
        ``.events`` (GeoDataFrame, the column contract), ``.rejects`` (the ledger),
        ``.records``, ``.format``.

    Raises
    ------
    SourceFormatError
        When the file cannot be read as the format at all (it names the file).

    Examples
    --------
    >>> import io
    >>> text = ("event_id_cnty,event_date,latitude,longitude,fatalities\\n"
    ...         "IRQ1,2017-01-31,36.34,43.13,2\\n"
    ...         "IRQ2,31 February 2017,36.34,43.13,0\\n")
    >>> result = read_events(io.StringIO(text))
    >>> result
    ReadResult(format='acled', records=2, accepted=1, rejected=1)
    >>> result.events["event_id"].tolist(), result.rejects["reason"].tolist()
    (['IRQ1'], ['impossible date'])
    """
    _check_options(format, columns, chunksize, dayfirst)
    src = _Source(source, encoding)
    if src.kind in ("parquet", "ogr", "dir"):
        result = _read_table_file(src, format, columns, dayfirst)
    else:
        fmt, header = _detect_text(src, format, columns)
        if fmt == "parquet":
            raise SourceFormatError("not a Parquet file (no PAR1 header)", path=src.name)
        if fmt == "releases":
            result = _read_releases(src, gazetteer, source_url)
        else:
            result = _read_csv(src, fmt, header, columns, chunksize, progress, dayfirst)
    result.check()
    return result


def _check_options(
    format: str | None, columns: Mapping[str, str] | None, chunksize: int, dayfirst: Any
) -> None:
    """Refuse reader options that cannot work, before opening anything."""
    if format is not None and format not in FORMATS:
        raise SourceFormatError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if columns and format not in (None, "csv"):
        raise SourceFormatError(f"columns= applies to format='csv', not {format!r}")
    if chunksize < 1:
        raise SourceFormatError(f"chunksize must be at least 1, got {chunksize}")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise SourceFormatError(f"dayfirst must be True, False or None, got {dayfirst!r}")


def detect_format(source: str | os.PathLike[str] | IO[Any], *, encoding: str = "utf-8-sig") -> str:
    """The format :func:`read_events` would read ``source`` as.

    Examples
    --------
    >>> import io
    >>> detect_format(io.StringIO("code,date,civilian_harm_status_slug\\nCI1,2017-01-01,fair\\n"))
    'airwars'
    """
    src = _Source(source, encoding)
    if src.kind in ("parquet", "ogr", "dir"):
        frame, geometry = _load_table(src)
        fmt = detect_table([*frame.columns, *(["geometry"] if geometry is not None else [])])
        return fmt or "csv"
    fmt, _ = _detect_text(src, None, None)
    return fmt


# --- the input ---------------------------------------------------------------------------


class _Source:
    """A path or an open file, with its first bytes available for detection."""

    def __init__(self, source: Any, encoding: str) -> None:
        self.encoding = encoding
        self.delimiter = ","
        self.path: Path | None = None
        self.handle: Any = None
        self.start = 0
        if isinstance(source, (str, os.PathLike)):
            self.path = Path(source)
            self.name = str(source)
            if not self.path.exists():
                raise SourceFormatError("no such file or directory", path=self.name)
            if self.path.is_dir():
                self.kind = "dir"
                return
            with open(self.path, "rb") as fh:
                self.head = fh.read(_HEAD_BYTES)
            self.size = self.path.stat().st_size
        else:
            self.name = str(getattr(source, "name", "<stream>"))
            if isinstance(source, io.TextIOBase) or "b" not in getattr(source, "mode", "b"):
                # A text stream: already decoded; re-encode so every parser sees bytes.
                source = io.BytesIO(source.read().lstrip("\ufeff").encode("utf-8"))
                self.encoding = "utf-8"
            elif not (hasattr(source, "seekable") and source.seekable()):
                source = io.BytesIO(source.read())
            self.handle = source
            start = self.start = source.tell()
            head = source.read(_HEAD_BYTES)
            source.seek(start)
            self.head = head if isinstance(head, bytes) else head.encode("utf-8", "replace")
            self.size = 0
        suffix = self.path.suffix.lower() if self.path is not None else ""
        if self.head[:4] == b"PAR1" or suffix in _PARQUET_SUFFIXES:
            self.kind = "parquet"
        elif (
            suffix in VECTOR_FILES
            or self.head[:16] == b"SQLite format 3\x00"
            or self.head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
        ):
            self.kind = "ogr"
        else:
            self.kind = "text"

    def head_text(self) -> str:
        head = self.head
        try:
            return head.decode(self.encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return head[: exc.start].decode(self.encoding)
            raise self.encoding_error() from exc

    def stream(self, progress: bool) -> tuple[Any, Any]:
        """An open binary or text stream from the start, and a progress bar (or None)."""
        bar = None
        if self.path is not None:
            fh: Any = open(self.path, "rb")  # noqa: SIM115 (closed by the caller)
            if progress:
                from tqdm import tqdm

                bar = tqdm(
                    total=self.size,
                    unit="B",
                    unit_scale=True,
                    file=sys.stderr,
                    desc=self.path.name,
                    leave=False,
                )
                fh = _Counting(fh, bar)
            return fh, bar
        self.handle.seek(self.start)
        return self.handle, None

    def read_all_text(self) -> str:
        data = self.path.read_bytes() if self.path is not None else self.handle.read()
        if isinstance(data, bytes):
            try:
                return data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raise self.encoding_error() from exc
        return data.lstrip("\ufeff")

    def encoding_error(self) -> SourceFormatError:
        """The error for text that is not in ``self.encoding``: where, and what to do.

        Finds the first byte that does not decode (streaming through the input)
        and names its line, so the user can look at it.

        Examples
        --------
        >>> src = _Source(io.BytesIO(b"a,b\\n1,2\\n3,caf\\xe9\\n"), "utf-8")
        >>> str(src.encoding_error()).split(";")[0]
        '<stream>: line 3 is not UTF-8 text (byte 0xe9 at offset 13)'
        """
        import codecs

        decoder = codecs.getincrementaldecoder(self.encoding)()
        name = codecs.lookup(self.encoding).name
        name = "UTF-8" if name in ("utf-8", "utf-8-sig") else name
        line, offset = 1, 0
        if self.path is not None:
            fh: Any = open(self.path, "rb")  # noqa: SIM115 (closed below)
        else:
            fh = self.handle
            fh.seek(self.start)
        try:
            while chunk := fh.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk.count(b"\n", 0, max(exc.start, 0))
                    bad = chunk[max(exc.start, 0) : max(exc.start, 0) + 1]
                    where = f"line {line} is not {name} text (byte 0x{bad.hex()}"
                    where += f" at offset {offset + max(exc.start, 0)})"
                    break
                line += chunk.count(b"\n")
                offset += len(chunk)
            else:
                try:
                    decoder.decode(b"", final=True)
                    where = f"not {name} text"
                except UnicodeDecodeError:
                    where = f"line {line} (the last) ends in the middle of a {name} character"
        finally:
            if self.path is not None:
                fh.close()
            else:
                fh.seek(self.start)
        return SourceFormatError(
            f"{where}; pass the file's encoding (the --encoding option, encoding= in Python,"
            " options.encoding in a spec), e.g. cp1252, latin-1 or cp1256",
            path=self.name,
        )


class _Counting(io.RawIOBase):
    """A binary file whose reads advance a progress bar."""

    def __init__(self, fh: Any, bar: Any) -> None:
        self._fh = fh
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._fh.readinto(b)
        self._bar.update(n or 0)
        return n or 0

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._bar.update(len(data))
        return bytes(data)

    def close(self) -> None:
        self._fh.close()
        super().close()


def _first_records(head: str, delimiter: str) -> list[list[str]]:
    """The first two records of a text table (header and first row), never raising."""
    if not head.strip():
        return []
    try:
        reader = _csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        return [row for _, row in zip(range(2), reader, strict=False)]
    except _csv.Error:
        lines = head.splitlines()[:2]
        return [line.split(delimiter) for line in lines]


def _delimiter(head: str) -> str:
    """The field separator of a text table: comma, or ; tab | when the header uses one.

    Examples
    --------
    >>> _delimiter("event_id_cnty;event_date;latitude\\n"), _delimiter("a,b\\n")
    (';', ',')
    """
    first = head.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _detect_text(src: _Source, format: str | None, columns: Any) -> tuple[str, bool]:
    """(format, has_header) of a text input."""
    head = src.head_text().lstrip("\ufeff")
    src.delimiter = _delimiter(head)
    records = _first_records(head, src.delimiter)
    first = records[0] if records else []
    if format == "releases":
        return "releases", False
    if format == "ucdp":
        lower = {c.strip().lower() for c in first}
        return "ucdp", "id" in lower or not ucdp_headerless(first)
    if format is not None:
        return format, True
    if columns:
        return "csv", True
    if not head.strip():
        raise SourceFormatError("the file is empty", path=src.name)
    fmt = detect_table(first) if first else ""
    if fmt == "" and looks_like_release(head):
        return "releases", False
    if fmt == "ucdp-noheader":
        return "ucdp", False
    if fmt in ("", "parquet"):
        raise SourceFormatError(
            f"cannot tell the format from the header {first[:8]!r}: pass format= "
            "('acled', 'ucdp', 'airwars', 'csv', 'releases') and for a generic table "
            "columns={'date_start': ..., 'lat': ..., 'lon': ...}",
            path=src.name,
        )
    return fmt, True


# --- CSV, in chunks ----------------------------------------------------------------------


class _Part:
    """The accepted rows of one chunk as contract-typed column arrays (no DataFrame yet).

    Chunks become one table at the end, one column at a time: building and
    consolidating a DataFrame per chunk and concatenating them cost more than the checks.
    """

    def __init__(self, columns: dict[str, Any], geometry: np.ndarray) -> None:
        self.columns = columns
        self.geometry = geometry
        # Hashes of the ids, taken while the strings are fresh in the cache: finding
        # repeated ids at the end then sorts 8-byte integers instead of hashing strings.
        self.id_hash = _hash_ids(columns["event_id"])

    def __len__(self) -> int:
        return len(self.geometry)


class _Missing:
    """A contract column absent from a chunk: made once, at full length, at the end."""

    def __init__(self, dtype: str, n: int) -> None:
        self.dtype = dtype
        self.n = n

    def __len__(self) -> int:
        return self.n

    def values(self, n: int) -> Any:
        if self.dtype == "Int64":
            # Zeros from calloc are not touched: only the mask is written.
            return pd.arrays.IntegerArray(np.zeros(n, "int64"), np.ones(n, dtype=bool))
        if self.dtype == "float64":
            return np.full(n, np.nan)
        if self.dtype.startswith("datetime64"):
            return np.full(n, np.datetime64("NaT"), dtype=self.dtype)
        return np.full(n, None, dtype=object)


def _finish_part(
    fmt: str, raw: pd.DataFrame, converted: pd.DataFrame, problems: Problems
) -> _Part | gpd.GeoDataFrame:
    """Drop rejected rows, give rows without an id a content id, type the contract's columns.

    Gives what :func:`~geoconflict.events.conform` would give, column by column
    (tested against it); a converter that hands over geometries is conformed as is.
    """
    import shapely

    bad = problems.bad
    take = np.flatnonzero(~bad) if bad.any() else None
    n = len(converted) if take is None else len(take)
    if not n:
        return empty_events()
    ids = converted["event_id"].to_numpy(dtype=object) if "event_id" in converted else None
    ids = np.full(len(converted), None, dtype=object) if ids is None else ids
    if take is not None:
        ids = ids[take]
    missing = pd.isna(ids)
    if missing.any():
        kept_raw = raw if take is None else raw.take(take)
        dataset = str(converted["dataset"].iloc[0]) if "dataset" in converted else fmt
        ids = np.array(ids, dtype=object, copy=True)
        rows = np.flatnonzero(missing)
        ids[missing] = content_id(
            f"{dataset}-", *(kept_raw[c].iloc[rows] for c in kept_raw.columns)
        )
    has_geometry = "geometry" in converted and not (
        converted["geometry"].isna().all() and "lat" in converted
    )
    if has_geometry or "lat" not in converted or "lon" not in converted:
        out = converted if take is None else converted.take(take)
        return conform(out.assign(event_id=pd.Series(ids, index=out.index, dtype=object)))

    def kept(name: str) -> pd.Series:
        col = converted[name]
        return col if take is None else col.take(take)

    index = pd.RangeIndex(n)
    columns: dict[str, Any] = {"event_id": ids}
    for name, dtype in EVENT_DTYPES.items():
        if name == "event_id":
            continue
        if name in converted:
            values = _coerce(kept(name).set_axis(index), dtype)
            columns[name] = values.array if dtype == "Int64" else values.to_numpy()
        else:
            columns[name] = _Missing(dtype, n)  # made once for the whole table
    start, end = columns["date_start"], columns["date_end"]
    if isinstance(start, np.ndarray) and isinstance(end, np.ndarray):
        columns["date_end"] = np.where(np.isnat(end), start, end)
    elif isinstance(start, np.ndarray):
        columns["date_end"] = start
    for name in converted.columns:
        if name not in columns and name not in ("lat", "lon", "geometry"):
            extra = kept(name)
            columns[name] = extra.to_numpy() if extra.dtype == object else extra.array
    lat = pd.to_numeric(kept("lat"), errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(kept("lon"), errors="coerce").to_numpy(dtype="float64")
    return _Part(columns, shapely.points(lon, lat))


def _finish(
    fmt: str, raw: pd.DataFrame, converted: pd.DataFrame, problems: Problems
) -> gpd.GeoDataFrame:
    """Drop rejected rows, give rows without an id a content id, conform to the contract."""
    return _concat([_finish_part(fmt, raw, converted, problems)])


def _hash_ids(ids: np.ndarray) -> np.ndarray | None:
    """64-bit hashes of id strings (None when they are not all strings)."""
    try:
        return np.asarray(pd.util.hash_array(ids, categorize=False))
    except (TypeError, ValueError):
        return None


def _part_hashes(parts: list[_Part | gpd.GeoDataFrame]) -> np.ndarray | None:
    """The id hashes of the rows :func:`_concat` gives for ``parts``, in order (or None)."""
    hashes = [p.id_hash if isinstance(p, _Part) else None for p in parts if len(p)]
    if not hashes or any(h is None for h in hashes):
        return None
    return np.concatenate([h for h in hashes if h is not None])


def _unique_ids(events: gpd.GeoDataFrame, hashes: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """Make ``event_id`` unique as ``dedupe_ids`` does, touching only the repeated ids.

    ``hashes`` (one per row, of the ids) narrow the exact check down to the ids whose
    hash occurs more than once: equal ids have equal hashes, so none is missed.
    """
    if not len(events):
        return events
    values = events["event_id"].to_numpy(dtype=object)
    renamed = _renamed_ids(values, hashes)
    if renamed is not None:
        rows, new = renamed
        values = values.copy()
        values[rows] = new
        events["event_id"] = pd.Series(values, index=events.index, dtype=object)
    return events


def _renamed_ids(values: Any, hashes: np.ndarray | None = None) -> tuple[np.ndarray, Any] | None:
    """The rows whose id repeats an earlier one, and their new ids (None: all unique).

    ``values`` is a numpy object array or an Arrow string array (kept compact for
    very long tables: only the repeated ids and the ids shaped like a suffixed id,
    ``…-<digits>``, the only ones a new id could clash with, become Python strings).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    if hashes is not None and len(hashes) == n:
        ordered = np.sort(hashes)
        twice = ordered[1:][ordered[1:] == ordered[:-1]]
        if not len(twice):
            return None
        candidates = np.flatnonzero(np.isin(hashes, twice))
        repeated = np.zeros(n, dtype=bool)
        repeated[candidates] = _repeated(_take(values, candidates))
    else:
        repeated = _repeated(values if isinstance(values, np.ndarray) else values.to_numpy())
    if not repeated.any():
        return None
    rows = np.flatnonzero(repeated)
    if isinstance(values, np.ndarray):
        others = values[~repeated]
    else:
        rest = values.filter(pa.array(~repeated))
        others = rest.filter(pc.match_substring_regex(rest, r"-[0-9]+$")).to_pylist()
    return rows, dedupe_ids(list(_take(values, rows)), taken=others)


def _take(values: Any, rows: np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values[rows]
    return np.asarray(values.take(rows).to_pylist(), dtype=object)


def _repeated(values: np.ndarray) -> np.ndarray:
    """True for every value that occurs more than once (hashed by Arrow, about 2x pandas)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        encoded = pc.dictionary_encode(pa.array(values, type=pa.string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return np.asarray(pd.Series(values, dtype=object).duplicated(keep=False))
    if encoded.null_count:
        return np.asarray(pd.Series(values, dtype=object).duplicated(keep=False))
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return np.asarray(np.bincount(codes)[codes] > 1)


def _read_csv(
    src: _Source,
    fmt: str,
    header: bool,
    columns: Mapping[str, str] | None,
    chunksize: int,
    progress: bool,
    dayfirst: DayFirst = None,
    sink: Any = None,
) -> ReadResult:
    """Read a CSV chunk by chunk (see :func:`read_events`).

    With ``sink`` (an object with ``add(part)`` and ``reset()``), each chunk's
    accepted events go to ``sink.add`` in file order instead of into the result,
    whose ``events`` is then empty: a caller can write them out as they come.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header_names(src) if header else list(UCDP_COLUMNS)
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
    events: list[_Part | gpd.GeoDataFrame] = []
    ledgers: list[pd.DataFrame] = []
    parsed = 0
    to_pandas = {pa.string(): pd.StringDtype("pyarrow")}.get
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=1 if header else 0,
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
                if fmt == "csv":
                    converted = generic.convert(
                        chunk, problems, columns=columns, path=src.name, dayfirst=dayfirst
                    )
                else:
                    converted = _CONVERTERS[fmt](chunk, problems, path=src.name, dayfirst=dayfirst)
            orders.extend(seen)
            return _finish_part(fmt, chunk, converted, problems), problems.frame()

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
        return _read_csv(src, fmt, header, columns, chunksize, progress, whole, sink)
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
        events=_unique_ids(_concat(events), _part_hashes(events)),
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
            used = list(dict.fromkeys(generic.resolve_columns(names, columns).values()))
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


def _header_names(src: _Source) -> list[str]:
    head = src.head_text().lstrip("\ufeff")
    first = next(iter(_first_records(head, src.delimiter)), [])
    if not first:
        raise SourceFormatError("the file has no header row", path=src.name)
    names = normalise_header(first)
    folded = [n.replace("\ufeff", "").strip().lower() for n in names]
    twice = sorted({n for n in folded if n and folded.count(n) > 1})
    if twice:
        raise SourceFormatError(
            f"the header names a column more than once: {twice}; rename one of them",
            path=src.name,
            field=twice[0],
        )
    return names


def _find_bad_records(
    src: _Source, width: int, header: bool, expected: int, parsed: int
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
        records = _csv.reader(fh, delimiter=src.delimiter)
        try:
            if header:
                next(records, None)
            number = 0
            for fields in records:  # error path only: the file has malformed lines
                if not fields:
                    continue
                number += 1
                if len(fields) != width:
                    found.append(number)
        except _csv.Error:
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


def _concat(parts: list[_Part | gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One event table from the chunks' parts, in order, with a fresh 0..n-1 index."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_events()
    if all(isinstance(p, _Part) for p in parts):
        return _table_of([p for p in parts if isinstance(p, _Part)])
    frames = [_table_of([p]) if isinstance(p, _Part) else p for p in parts]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    table = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=frames[0].crs)


def _table_of(parts: list[_Part]) -> gpd.GeoDataFrame:
    import pyarrow as pa
    from geopandas.array import GeometryArray

    n = sum(len(p) for p in parts)
    data: dict[str, Any] = {}
    for name in parts[0].columns:
        arrays = [p.columns[name] for p in parts]
        if all(isinstance(a, _Missing) for a in arrays):
            data[name] = arrays[0].values(n)
            continue
        arrays = [a.values(len(a)) if isinstance(a, _Missing) else a for a in arrays]
        if len(arrays) == 1:
            data[name] = arrays[0]
        elif all(isinstance(a, np.ndarray) and a.dtype == arrays[0].dtype for a in arrays):
            data[name] = np.concatenate(arrays)
        elif all(isinstance(a, pd.arrays.ArrowStringArray) for a in arrays) and all(
            a.dtype == arrays[0].dtype for a in arrays
        ):
            # Arrow text is chained, not copied.
            chunks = [c for a in arrays for c in a.__arrow_array__().chunks]
            data[name] = pd.array(
                pa.chunked_array(chunks, type=pa.large_string()), dtype=arrays[0].dtype
            )
        else:
            data[name] = pd.concat([pd.Series(a) for a in arrays], ignore_index=True).array
    index = pd.RangeIndex(n)
    for name, values in data.items():
        # Object arrays stay object (pandas would infer its ``str`` dtype).
        is_object = isinstance(values, np.ndarray) and values.dtype.kind == "O"
        dtype = object if is_object else None
        data[name] = pd.Series(values, index=index, dtype=dtype, copy=False)
    frame = pd.DataFrame(data, index=index, copy=False)
    geometry = np.concatenate([p.geometry for p in parts]) if len(parts) > 1 else parts[0].geometry
    # copy=False: copying (and consolidating) object columns costs as much as the checks.
    return gpd.GeoDataFrame(frame, geometry=GeometryArray(geometry, crs=CRS), crs=CRS, copy=False)


# --- releases ----------------------------------------------------------------------------


def _read_releases(src: _Source, gazetteer: Any, source_url: str | None) -> ReadResult:
    text = src.read_all_text()
    frame, problems, records = read_release_text(
        text, gazetteer=gazetteer, source_url=source_url, path=src.name
    )
    raw = pd.DataFrame({"notes": frame["notes"]}) if "notes" in frame else frame
    events = _unique_ids(_finish("release", raw, frame, problems)) if records else empty_events()
    return ReadResult(events, problems.frame(), records, "releases", src.name)


# --- Parquet, GeoJSON, GeoPackage ---------------------------------------------------------


def _load_table(src: _Source) -> tuple[pd.DataFrame, Any]:
    """The whole table and its geometry column (or None)."""
    target: Any = src.path if src.path is not None else src.handle
    try:
        if src.kind in ("parquet", "dir"):
            import pyarrow.parquet as pq

            schema = pq.read_schema(target) if src.kind == "parquet" else None
            if src.handle is not None:
                src.handle.seek(0)
            meta = (schema.metadata or {}) if schema is not None else {}
            if src.kind == "dir" or b"geo" in meta:
                frame: pd.DataFrame = read_event_parquet(target)
            else:
                frame = pd.read_parquet(target)
        else:
            import pyogrio

            frame = pyogrio.read_dataframe(target)
    except SourceFormatError:
        raise
    except Exception as exc:
        raise SourceFormatError(f"cannot read as {src.kind}: {exc}", path=src.name) from exc
    geometry = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geometry = frame.geometry
        if geometry.crs is not None and not geometry.crs.equals("EPSG:4326"):
            geometry = geometry.to_crs("EPSG:4326")
        frame = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
    return frame, geometry


def _read_table_file(
    src: _Source, format: str | None, columns: Any, dayfirst: bool | None = None
) -> ReadResult:
    frame, geometry = _load_table(src)
    names = [*frame.columns, *(["geometry"] if geometry is not None else [])]
    fmt = format or ("csv" if columns else detect_table(names))
    if fmt == "ucdp-noheader":
        fmt = "ucdp"
    if fmt == "" and geometry is not None:
        fmt = "csv"
    if fmt in ("", "releases"):
        raise SourceFormatError(
            f"cannot read columns {list(frame.columns)[:8]} as events: pass format= and columns=",
            path=src.name,
        )
    records = len(frame)
    problems = Problems(np.arange(1, records + 1))
    if fmt == "parquet":
        if not is_event_table(names):
            raise SourceFormatError("not an event table (contract columns missing)", path=src.name)
        table = gpd.GeoDataFrame(
            frame.assign(geometry=geometry), geometry="geometry", crs="EPSG:4326"
        )
        return _read_event_table(src, table)
    text = pd.DataFrame({c: as_text(frame[c]) for c in frame.columns}, index=frame.index)
    text.columns = normalise_header(text.columns)
    if fmt == "csv":
        converted = generic.convert(
            text, problems, columns=columns, geometry=geometry, path=src.name, dayfirst=dayfirst
        )
    else:
        converted = _CONVERTERS[fmt](text, problems, path=src.name, dayfirst=dayfirst)
    events = _unique_ids(_finish(fmt, text, converted, problems))
    return ReadResult(events, problems.frame(), records, fmt, src.name)


def _read_event_table(src: _Source, table: gpd.GeoDataFrame) -> ReadResult:
    """An event table we wrote: check the dates and points, conform, keep the ids unique."""
    records = len(table)
    problems = Problems(np.arange(1, records + 1))
    start = pd.to_datetime(table["date_start"], errors="coerce")
    problems.add(start.isna().to_numpy(), "date_start", table["date_start"], "missing date")
    geom = table.geometry
    missing = (geom.isna() | geom.is_empty).to_numpy()
    problems.add(missing, "geometry", geom.astype(object).astype(str), "missing geometry")
    not_point = ~missing & (geom.geom_type != "Point").to_numpy()
    problems.add(not_point, "geometry", geom.geom_type, "geometry is not a point")
    keep = ~problems.bad
    events = conform(table[keep])
    events = _unique_ids(events.reset_index(drop=True))
    return ReadResult(events, problems.frame(), records, "parquet", src.name)
