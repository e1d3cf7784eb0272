"""The input of a read: a path or an open file, its first bytes, and what they show.

:class:`Source` opens a path or takes an open file (text or binary), keeps its first
64 KB for detection and tells a text table from Parquet and from the vector files
GDAL reads (:data:`VECTOR_FILES`). :func:`detect_text` finds a text input's format,
field separator and header rows; :func:`header_names` its column names.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from pathlib import Path
from typing import Any

from geoconflict.errors import SourceFormatError
from geoconflict.sources.columns import is_hashtag_row, normalise_header
from geoconflict.sources.detect import detect_table, looks_like_release, ucdp_headerless
from geoconflict.vocab import header_key

HEAD_BYTES = 65_536
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


class Source:
    """A path or an open file, with its first bytes available for detection.

    ``kind`` is "text", "parquet", "ogr" (a vector file GDAL reads) or "dir" (a
    partitioned GeoParquet directory). Text streams are re-encoded to bytes, so every
    parser reads bytes.

    Examples
    --------
    >>> src = Source(io.StringIO("a,b\\n1,2\\n"), "utf-8")
    >>> src.kind, src.name, src.head_text()
    ('text', '<stream>', 'a,b\\n1,2\\n')
    """

    def __init__(self, source: Any, encoding: str) -> None:
        self.encoding = encoding
        self.delimiter = ","
        self.path: Path | None = None
        self.handle: Any = None
        self.start = 0
        # Set by detect_text: a row of HXL hashtags under the header (HDX files).
        self.hashtag_row = False
        if isinstance(source, (str, os.PathLike)):
            self.path = Path(source)
            self.name = str(source)
            if not self.path.exists():
                raise SourceFormatError("no such file or directory", path=self.name)
            if self.path.is_dir():
                self.kind = "dir"
                return
            with open(self.path, "rb") as fh:
                self.head = fh.read(HEAD_BYTES)
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
            head = source.read(HEAD_BYTES)
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
        >>> src = Source(io.BytesIO(b"a,b\\n1,2\\n3,caf\\xe9\\n"), "utf-8")
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
        reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        return [row for _, row in zip(range(2), reader, strict=False)]
    except csv.Error:
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


def detect_text(src: Source, format: str | None, columns: Any) -> tuple[str, bool]:
    """(format, has_header) of a text input; sets ``src.delimiter`` and ``src.hashtag_row``.

    A second header row of HXL hashtags (``#date+year``, ``#geo+lat`` …, as HDX
    distributes files) is noted in ``src.hashtag_row``: the readers skip it, as a
    header, whatever the format.

    Examples
    --------
    >>> src = Source(io.StringIO("id,date_start,where_prec,best\\n#id,#date+start,,#affected\\n"
    ...                         "1,2017-01-01,1,3\\n"), "utf-8")
    >>> detect_text(src, None, None), src.hashtag_row
    (('ucdp', True), True)
    """
    fmt, header = _format_of(src, format, columns)
    if header and fmt != "releases":
        records = _first_records(src.head_text().lstrip("\ufeff"), src.delimiter)
        src.hashtag_row = len(records) > 1 and is_hashtag_row(records[1])
    return fmt, header


def _format_of(src: Source, format: str | None, columns: Any) -> tuple[str, bool]:
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


def header_names(src: Source) -> list[str]:
    """The column names of a text table's header row (a BOM and spaces stripped).

    Raises
    ------
    SourceFormatError
        When there is no header row, or it names a column twice.

    Examples
    --------
    >>> header_names(Source(io.StringIO("\\ufeffEVENT_ID_CNTY , event_date\\n"), "utf-8"))
    ['EVENT_ID_CNTY', 'event_date']
    """
    head = src.head_text().lstrip("\ufeff")
    first = next(iter(_first_records(head, src.delimiter)), [])
    if not first:
        raise SourceFormatError("the file has no header row", path=src.name)
    names = normalise_header(first)
    folded = [header_key(n) for n in names]
    twice = sorted({n for n in folded if n and folded.count(n) > 1})
    if twice:
        raise SourceFormatError(
            f"the header names a column more than once: {twice}; rename one of them",
            path=src.name,
            field=twice[0],
        )
    return names
