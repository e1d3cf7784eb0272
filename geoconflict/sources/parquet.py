"""GeoParquet output of event tables, whole or hive-partitioned by year, and reading them back.

:func:`write_events` writes one GeoParquet file, or with ``partition_by="year"`` a
directory ``year=2017/part-0.parquet`` … that ``dask_geopandas.read_parquet`` and
``geopandas.read_parquet`` both read. Either way the output is built beside the
target and renamed into place, so a reader never sees half of it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict._io import atomic_path
from geoconflict.errors import DataError, SourceFormatError
from geoconflict.events import EVENT_COLUMNS, conform

#: Partition directory for rows whose key is missing (Hive's convention).
MISSING_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def write_events(
    events: gpd.GeoDataFrame, path: str | os.PathLike[str], *, partition_by: str | None = None
) -> Path:
    """Write an event table as GeoParquet, atomically.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        An event table (column contract).
    path : str or path-like
        The ``.parquet`` file, or the directory when partitioning.
    partition_by : {None, "year"} or str, optional
        ``"year"`` writes one ``year=YYYY/part-0.parquet`` per year of ``date_start``;
        any other name partitions by the values of that column.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geoconflict.synthetic import synthetic_events
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> out = write_events(synthetic_events(20, seed=1), d / "ev", partition_by="year")
    >>> sorted(p.name for p in out.iterdir())[:2]
    ['year=2014', 'year=2015']
    >>> len(gpd.read_parquet(out))
    20
    """
    target = Path(path)
    table = events if isinstance(events, gpd.GeoDataFrame) else conform(events)
    table = table.reset_index(drop=True)
    if partition_by is None:
        with atomic_path(target) as tmp:
            table.to_parquet(tmp, index=False)
        return target
    if partition_by == "year":
        dates = pd.to_datetime(table["date_start"])
        key = dates.dt.year.astype("Int64").astype("string").fillna(MISSING_PARTITION)
    elif partition_by in table.columns:
        key = table[partition_by].astype("string").fillna(MISSING_PARTITION)
        table = table.drop(columns=[partition_by])
    else:
        raise DataError(f"cannot partition by {partition_by!r}: not 'year' and not a column")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        for value in sorted(pd.unique(key.to_numpy(dtype=object))):
            part = table[(key == value).to_numpy()]
            safe = re.sub(r"[^\w.\-]", "_", str(value))
            sub = tmp_dir / f"{partition_by}={safe}"
            sub.mkdir()
            part.to_parquet(sub / "part-0.parquet", index=False)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    publish_partitions(tmp_dir, target)
    return target


def publish_partitions(built: Path, target: Path) -> None:
    """Put a partitioned table built in ``built`` (beside ``target``) in place of ``target``.

    The part files are made to agree on column types first (:func:`match_types`);
    ``built`` is removed if anything fails.
    """
    try:
        match_types(sorted(built.rglob("*.parquet")))
        os.chmod(built, 0o755)
        _swap_into_place(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise


def common_types(schemas: list[Any]) -> dict[str, Any]:
    """Column name -> Arrow type, taking for each column the first type that is not null.

    pandas writes a text column with no value in it as Arrow's ``null`` type; files of
    one table written in parts (per year, per chunk) must agree, or readers that put
    them together fail. See :func:`match_types`.
    """
    import pyarrow as pa

    types: dict[str, Any] = {}
    for schema in schemas:
        for field in schema:
            if field.name not in types or pa.types.is_null(types[field.name]):
                types[field.name] = field.type
    return types


def match_types(files: list[Path]) -> None:
    """Rewrite the part files whose all-empty columns are typed null, to the others' types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(f) for f in files]
    types = common_types(schemas)
    for path, schema in zip(files, schemas, strict=True):
        if all(field.type == types[field.name] for field in schema):
            continue
        fields = [pa.field(f.name, types[f.name], f.nullable, f.metadata) for f in schema]
        wanted = pa.schema(fields, metadata=schema.metadata)
        pq.write_table(pq.read_table(path).cast(wanted), path)


def _written_by_us(target: Path) -> bool:
    """True when ``target`` is a partitioned event table (``key=value/*.parquet`` only)."""
    if not target.is_dir() or target.is_symlink():
        return False
    for sub in target.iterdir():
        if not (sub.is_dir() and "=" in sub.name):
            return False
        if any(not (f.is_file() and f.suffix == ".parquet") for f in sub.iterdir()):
            return False
    return True


def _swap_into_place(new: Path, target: Path) -> None:
    if not target.exists() and not target.is_symlink():
        os.replace(new, target)
        return
    if not _written_by_us(target):
        # Never delete a folder (or file) we did not write: it may hold anything.
        raise SourceFormatError(
            "exists and is not a partitioned event table written by geoconflict;"
            " remove it or choose another output path",
            path=target,
        )
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    old.rmdir()
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    if old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def is_event_table(columns: Any) -> bool:
    """True when ``columns`` hold the contract's key columns (a table we wrote)."""
    return {"event_id", "dataset", "kind", "date_start", "geometry"} <= {str(c) for c in columns}


def read_event_parquet(path: str | os.PathLike[str] | Any) -> gpd.GeoDataFrame:
    """Read an event table written by :func:`write_events` (file, directory or open file).

    Partition columns that the writer derived (``year``) are dropped again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geoconflict.synthetic import synthetic_events
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_events(synthetic_events(5, seed=2), d / "ev.parquet")
    >>> read_event_parquet(d / "ev.parquet")["dataset"].tolist()
    ['synthetic', 'synthetic', 'synthetic', 'synthetic', 'synthetic']
    """
    try:
        table = gpd.read_parquet(path)
    except Exception as exc:
        is_dir = isinstance(path, (str, os.PathLike)) and Path(path).is_dir()
        try:
            if not is_dir:
                raise
            # Our partitions keep every column inside the files, so the folder names are
            # not needed; reading without them avoids Arrow's trouble unifying the null
            # partition (year=__HIVE_DEFAULT_PARTITION__, events with no date).
            table = gpd.read_parquet(path, partitioning=None)
        except Exception:
            raise SourceFormatError(f"cannot read as GeoParquet: {exc}", path=_name(path)) from exc
    if isinstance(path, (str, os.PathLike)) and Path(path).is_dir():
        derived = [c for c in table.columns if c == "year" and c not in EVENT_COLUMNS]
        for c in derived:
            if not pd.api.types.is_float_dtype(table[c].dtype):
                table = table.drop(columns=[c])
    for c in table.columns:
        if isinstance(table[c].dtype, pd.CategoricalDtype):
            table[c] = np.asarray(table[c].astype(object))
    return table


def _name(path: Any) -> str:
    return str(getattr(path, "name", path))
