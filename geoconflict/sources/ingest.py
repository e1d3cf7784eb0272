"""Streaming ingest: a CSV in, GeoParquet out, with one chunk of events in memory at a time.

:func:`ingest_events` is what ``geoconflict ingest`` runs. It reads like
:func:`geoconflict.sources.read_events` — same formats, options, checks, ids and
rejects ledger — but each chunk's accepted events are written to a temporary part
file as soon as they are checked, instead of being gathered into one table. Only
the ids (as compact Arrow strings) and the ledger stay in memory. When the input is
read, repeated ids are renamed exactly as ``read_events`` renames them, and the
parts are copied into the output — one GeoParquet file written row group by row
group, or a ``year=YYYY/`` directory — built beside the target and renamed into
place. Parquet, GeoJSON/GeoPackage and release texts are read whole (their readers
are not chunked) and then written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from geoconflict._io import atomic_open, atomic_path
from geoconflict.errors import DataError
from geoconflict.events import check_counts, empty_events
from geoconflict.sources.assembly import Part, renamed_ids, table_of
from geoconflict.sources.inputs import Source, detect_text
from geoconflict.sources.parquet import (
    MISSING_PARTITION,
    common_types,
    publish_partitions,
    write_events,
)
from geoconflict.sources.reader import check_options, read_events
from geoconflict.sources.streaming import read_csv


@dataclass
class IngestResult:
    """What :func:`ingest_events` read and wrote.

    ``records`` read, ``accepted`` written, ``rejects`` (the ledger, also written),
    the ``format`` the input was read as, its ``path`` and the ``out`` path.
    """

    records: int
    accepted: int
    rejects: pd.DataFrame
    format: str
    path: str | None
    out: Path

    @property
    def rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    def check(self) -> None:
        """Raise :class:`DataError` unless accepted + rejected == records read."""
        check_counts(self.path, self.accepted, self.rejected, self.records)


def ingest_events(
    source: str | os.PathLike[str] | IO[Any],
    out: str | os.PathLike[str],
    rejects: str | os.PathLike[str],
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    partition_by: str | None = None,
    gazetteer: Any = None,
    chunksize: int = 100_000,
    encoding: str = "utf-8-sig",
    progress: bool = False,
    source_url: str | None = None,
    dayfirst: bool | None = None,
) -> IngestResult:
    """Read events from ``source`` and write them as GeoParquet, plus the rejects ledger.

    The same as ``write_events(read_events(source, ...).events, out)`` and writing
    the ledger — the files have the same rows, ids and values — without holding
    the event table in memory: a CSV of tens of millions of rows streams through.

    Parameters
    ----------
    source, format, columns, gazetteer, chunksize, encoding, progress, source_url, dayfirst
        As for :func:`geoconflict.sources.read_events`.
    out : path
        The ``.parquet`` file, or the directory with ``partition_by="year"``.
    rejects : path
        The rejects ledger (CSV: ``row,field,value,reason``), written atomically.
    partition_by : {None, "year"}, optional
        As for :func:`geoconflict.sources.write_events`.

    Returns
    -------
    IngestResult

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> text = ("event_id_cnty,event_date,latitude,longitude,fatalities\\n"
    ...         "IRQ1,2017-01-31,36.34,43.13,2\\n"
    ...         "IRQ2,31 February 2017,36.34,43.13,0\\n")
    >>> r = ingest_events(io.StringIO(text), d / "e.parquet", d / "rejects.csv")
    >>> (r.format, r.records, r.accepted, r.rejected), sorted(p.name for p in d.iterdir())
    (('acled', 2, 1, 1), ['e.parquet', 'rejects.csv'])
    """
    check_options(format, columns, chunksize, dayfirst)
    if partition_by not in (None, "year"):
        raise DataError(f"cannot partition an ingest by {partition_by!r}: only 'year'")
    target = Path(out)
    src = Source(source, encoding)
    fmt = None
    if src.kind not in ("parquet", "ogr", "dir"):
        fmt, header = detect_text(src, format, columns)
    if fmt is None or fmt in ("releases", "parquet"):
        whole = read_events(
            source,
            format,
            columns=columns,
            gazetteer=gazetteer,
            chunksize=chunksize,
            encoding=encoding,
            progress=progress,
            source_url=source_url,
            dayfirst=dayfirst,
        )
        write_events(whole.events, target, partition_by=partition_by)
        _write_ledger(whole.rejects, rejects)
        return IngestResult(
            whole.records, whole.accepted, whole.rejects, whole.format, whole.path, target
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".parts", dir=target.parent))
    try:
        parts = _Parts(folder)
        read = read_csv(src, fmt, header, columns, chunksize, progress, dayfirst, sink=parts)
        result = IngestResult(
            read.records, parts.rows, read.rejects, read.format, read.path, target
        )
        result.check()
        renamed = parts.renamed_ids()
        if partition_by is None:
            parts.write_file(target, renamed)
        else:
            parts.write_partitioned(target, renamed)
        _write_ledger(read.rejects, rejects)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_ledger(ledger: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    with atomic_open(path, "w", newline="") as fh:
        ledger.to_csv(fh, index=False, lineterminator="\n")


class _Parts:
    """Where :func:`geoconflict.sources.streaming.read_csv` puts each chunk's events: part files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.reset()

    def reset(self) -> None:
        """Forget what was added (the reader is starting the input again)."""
        for p in self.folder.glob("part-*.parquet"):
            p.unlink()
        self.files: list[Path] = []
        self.ids: list[Any] = []
        self.hashes: list[np.ndarray] = []
        self.rows = 0

    def add(self, part: Any) -> None:
        import pyarrow as pa

        table = table_of([part]) if isinstance(part, Part) else part.reset_index(drop=True)
        if not len(table):
            return
        path = self.folder / f"part-{len(self.files):06d}.parquet"
        table.to_parquet(path, index=False)
        ids = table["event_id"].to_numpy(dtype=object)
        self.files.append(path)
        self.ids.append(pa.array(ids, type=pa.string()))
        self.hashes.append(pd.util.hash_array(ids))
        self.rows += len(table)

    def renamed_ids(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Part number -> (rows in that part, new ids): ids renamed as read_events does."""
        import pyarrow as pa

        if not self.files:
            return {}
        values = pa.chunked_array(self.ids, type=pa.string())
        found = renamed_ids(values, np.concatenate(self.hashes))
        if found is None:
            return {}
        rows, new = found
        starts = np.cumsum([0] + [len(i) for i in self.ids])
        part_of = np.searchsorted(starts, rows, side="right") - 1
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k in np.unique(part_of):
            mine = part_of == k
            out[int(k)] = (rows[mine] - starts[k], np.asarray(new, dtype=object)[mine])
        return out

    def _table(self, k: int, renamed: dict[int, tuple[np.ndarray, np.ndarray]]) -> Any:
        """Part ``k`` as an Arrow table, with its renamed ids."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pq.read_table(self.files[k])
        if k in renamed:
            rows, new = renamed[k]
            ids = table.column("event_id").to_numpy(zero_copy_only=False).astype(object)
            ids[rows] = new
            i = table.schema.get_field_index("event_id")
            field = table.schema.field(i)
            table = table.set_column(i, field, pa.array(ids, type=field.type))
        return table

    def write_file(self, target: Path, renamed: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        """One GeoParquet file: the parts' tables as row groups, with whole-table metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if target.is_dir():
            raise IsADirectoryError(21, "is a directory, not a file to write", str(target))
        if not self.files:
            with atomic_path(target) as tmp:
                empty_events().to_parquet(tmp, index=False)
            return
        schemas = [pq.read_schema(f) for f in self.files]
        # A column empty in the first chunk is typed null there: use the type it has
        # in the chunks that hold values.
        types = common_types(schemas)
        fields = [pa.field(f.name, types[f.name], f.nullable, f.metadata) for f in schemas[0]]
        schema = pa.schema(fields, metadata=self._metadata(schemas))
        with atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema) as writer:
            for k in range(len(self.files)):
                writer.write_table(self._table(k, renamed).cast(schema))

    def _metadata(self, schemas: list[Any]) -> dict[bytes, bytes]:
        """The first part's metadata, made true of the whole table: row count, the
        columns' pandas types (a column empty in the first part is typed from a part
        that has values), bbox."""
        parts = [schema.metadata or {} for schema in schemas]
        meta = dict(parts[0])
        if b"pandas" in meta:
            pandas_meta = json.loads(meta[b"pandas"])
            for index in pandas_meta.get("index_columns", []):
                if isinstance(index, dict) and index.get("kind") == "range":
                    index.update(start=0, stop=self.rows, step=1)
            typed: dict[str, Any] = {}
            for part in parts:
                for column in json.loads(part.get(b"pandas", b"{}")).get("columns", []):
                    if column.get("pandas_type") != "empty":
                        typed.setdefault(column.get("name"), column)
            pandas_meta["columns"] = [
                typed.get(c.get("name"), c) if c.get("pandas_type") == "empty" else c
                for c in pandas_meta.get("columns", [])
            ]
            meta[b"pandas"] = json.dumps(pandas_meta).encode()
        if b"geo" in meta:
            geo = json.loads(meta[b"geo"])
            boxes = []
            for part in parts:
                part_geo = json.loads(part.get(b"geo", b"{}"))
                box = part_geo.get("columns", {}).get("geometry", {}).get("bbox")
                if box:
                    boxes.append(box)
            column = geo.get("columns", {}).get("geometry", {})
            if boxes:
                b = np.asarray(boxes, dtype=float)
                column["bbox"] = [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]
            else:
                column.pop("bbox", None)
            meta[b"geo"] = json.dumps(geo).encode()
        return meta

    def write_partitioned(
        self, target: Path, renamed: dict[int, tuple[np.ndarray, np.ndarray]]
    ) -> None:
        """``year=YYYY/part-NNNNNN.parquet``: each part split by the year of ``date_start``."""
        import geopandas as gpd

        built = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
        try:
            for k in range(len(self.files)):
                table = gpd.read_parquet(self.files[k])
                if k in renamed:
                    rows, new = renamed[k]
                    ids = table["event_id"].to_numpy(dtype=object).copy()
                    ids[rows] = new
                    table["event_id"] = pd.Series(ids, index=table.index, dtype=object)
                years = pd.to_datetime(table["date_start"]).dt.year.astype("Int64")
                key = years.astype("string").fillna(MISSING_PARTITION)
                for value in sorted(pd.unique(key.to_numpy(dtype=object))):
                    sub = built / f"year={value}"
                    sub.mkdir(exist_ok=True)
                    rows = table[(key == value).to_numpy()].reset_index(drop=True)
                    rows.to_parquet(sub / f"part-{k:06d}.parquet", index=False)
        except BaseException:
            shutil.rmtree(built, ignore_errors=True)
            raise
        publish_partitions(built, target)


__all__ = ["IngestResult", "ingest_events"]
