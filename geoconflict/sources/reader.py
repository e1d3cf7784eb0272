"""Read conflict events from the files analysts already have, losing nothing.

:func:`read_events` reads ACLED, UCDP GED, Airwars exports, generic tables of
coordinates or grid references, and CJTF-OIR strike-release text, from CSV, Parquet /
GeoParquet (also a partitioned directory written by
:func:`~geoconflict.sources.parquet.write_events`), GeoJSON or GeoPackage. It returns
a :class:`~geoconflict.events.ReadResult`: the accepted events (column contract) and
the rejects ledger (``row``, ``field``, ``value``, ``reason``), with
``accepted + rejected == records read``.

Text tables go through the chunked engine (:mod:`geoconflict.sources.streaming`);
Parquet, vector files and release texts are read whole here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.events import ReadResult, conform, empty_events
from geoconflict.sources.assembly import finish, unique_ids
from geoconflict.sources.columns import as_text, is_hashtag_row, normalise_header
from geoconflict.sources.detect import FORMATS, detect_table
from geoconflict.sources.inputs import Source, detect_text
from geoconflict.sources.parquet import is_event_table, read_event_parquet
from geoconflict.sources.rejects import Problems, check_event_records
from geoconflict.sources.releases import read_release_text
from geoconflict.sources.streaming import convert, read_csv


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
        variants, lat, lon, accuracy_m, country); default the shipped ``gazetteer``.
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
    check_options(format, columns, chunksize, dayfirst)
    src = Source(source, encoding)
    if src.kind in ("parquet", "ogr", "dir"):
        result = _read_table_file(src, format, columns, dayfirst)
    else:
        fmt, header = detect_text(src, format, columns)
        if fmt == "parquet":
            raise SourceFormatError("not a Parquet file (no PAR1 header)", path=src.name)
        if fmt == "releases":
            result = _read_releases(src, gazetteer, source_url)
        else:
            result = read_csv(src, fmt, header, columns, chunksize, progress, dayfirst)
    result.check()
    return result


def check_options(
    format: str | None, columns: Mapping[str, str] | None, chunksize: int, dayfirst: Any
) -> None:
    """Refuse reader options that cannot work, before opening anything.

    Examples
    --------
    >>> check_options("csv", {"mgrs": "Grid"}, 1000, None)
    >>> check_options("acled", {"mgrs": "Grid"}, 1000, None)
    Traceback (most recent call last):
    ...
    geoconflict.errors.SourceFormatError: columns= applies to format='csv', not 'acled'
    """
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
    src = Source(source, encoding)
    if src.kind in ("parquet", "ogr", "dir"):
        frame, geometry = _load_table(src)
        fmt = detect_table([*frame.columns, *(["geometry"] if geometry is not None else [])])
        return fmt or "csv"
    fmt, _ = detect_text(src, None, None)
    return fmt


def _read_releases(src: Source, gazetteer: Any, source_url: str | None) -> ReadResult:
    text = src.read_all_text()
    frame, problems, records = read_release_text(
        text, gazetteer=gazetteer, source_url=source_url, path=src.name
    )
    raw = pd.DataFrame({"notes": frame["notes"]}) if "notes" in frame else frame
    events = unique_ids(finish("release", raw, frame, problems)) if records else empty_events()
    return ReadResult(events, problems.frame(), records, "releases", src.name)


def _load_table(src: Source) -> tuple[pd.DataFrame, Any]:
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
    src: Source, format: str | None, columns: Any, dayfirst: bool | None = None
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
    if fmt != "parquet" and _starts_with_hashtags(frame):
        # HDX's second header row of HXL hashtags: a header, not a record.
        frame = frame.iloc[1:].reset_index(drop=True)
        geometry = None if geometry is None else geometry.iloc[1:].reset_index(drop=True)
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
    converted = convert(
        fmt, text, problems, columns=columns, geometry=geometry, path=src.name, dayfirst=dayfirst
    )
    events = unique_ids(finish(fmt, text, converted, problems))
    return ReadResult(events, problems.frame(), records, fmt, src.name)


def _starts_with_hashtags(frame: pd.DataFrame) -> bool:
    """True when a table's first row is a row of HXL hashtags (text or empty cells only)."""
    if not len(frame):
        return False
    cells = frame.iloc[0].tolist()
    text = [c for c in cells if isinstance(c, str)]
    return len(text) == sum(not pd.isna(c) for c in cells) and is_hashtag_row(text)


def _read_event_table(src: Source, table: gpd.GeoDataFrame) -> ReadResult:
    """An event table we wrote: check the dates and points, conform, keep the ids unique."""
    records = len(table)
    problems = check_event_records(table)
    keep = ~problems.bad
    events = conform(table[keep])
    events = unique_ids(events.reset_index(drop=True))
    return ReadResult(events, problems.frame(), records, "parquet", src.name)
