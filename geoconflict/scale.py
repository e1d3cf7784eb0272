"""Scale out: the same read → assign → summarize on dask-geopandas.

When the events outgrow one machine's memory (years of global data, hundreds of
millions of rows) the analysis runs on a Dask cluster and gives the same answers
as the single-machine path in :mod:`geoconflict.areas` and
:mod:`geoconflict.summary`. Nothing here is a
home-made engine: dask-geopandas reads partitioned GeoParquet lazily,
``dask.distributed`` schedules the work, and every per-partition step is the
very pandas function the single-machine path uses, so the two cannot drift.

How each step is distributed
----------------------------
assign
    ``map_partitions`` calls :func:`geoconflict.areas.assign` on each partition
    with the study-areas GeoDataFrame passed as an argument. The areas table is
    small (a few polygons) and is wrapped in one ``dask.delayed`` node, so the
    scheduler ships it once to each worker (a broadcast) instead of embedding
    it in every task. We do not use ``dask_geopandas.sjoin``: it joins
    partition against partition and returns every matching pair, while an
    event must get only its *most specific* area (``mosul_west`` beats its
    parent ``mosul``) and, with ``how="intersects"``, the area of largest
    overlap — rules that live in ``areas.assign`` and are reused verbatim.
summarize
    ``map_partitions(summary.partial_summary)`` turns each partition into a small
    table of additive columns (counts and sums per key and period); a tree
    reduction (``DataFrame.reduction``) adds those partial tables up by key;
    ``summary.finish_summary`` then gives the final dtypes, order and derived
    columns (with named ``periods``: ``partial_periods`` and ``finish_periods``,
    the same way). All of it is lazy: these functions only build the task graph and
    the caller decides when and where to ``.compute()`` it.
reading
    :func:`read_parquet` wraps ``dask_geopandas.read_parquet``: one partition
    per file, large files split by row group. dask-geopandas cannot push a
    later column selection down into the read, so pass
    ``columns=summary_columns(...)`` to read only what the summary needs (the
    CLI does); a worker's memory then depends on the partition size only.
checking
    :func:`check_events` applies, partition by partition, the record checks
    ``read_events`` applies to a GeoParquet event table, and gives the valid
    rows, the rejects (numbered within their partition) and the partition
    lengths, all lazy; :func:`number_rejects` turns the computed pieces into a
    ledger numbered in file order. The CLI computes the three with the summary
    in one ``dask.compute``: each partition is read once.

The single-machine functions do not hand Dask tables over to this module (as
geopandas leaves dask-geopandas to the caller): a Dask table given to
:func:`geoconflict.areas.assign` or :func:`geoconflict.summary.summarize` is
refused with an error that names the function here to use.

Examples
--------
>>> from geoconflict import scale
>>> scale.is_dask([1, 2])
False
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from geoconflict import areas as study_areas
from geoconflict import summary
from geoconflict.errors import DataError, GeoconflictError, SourceFormatError

#: Columns the per-area summaries read from an event table (besides the grouping key).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "date_start",
    "kind",
    "date_end",
    "strikes",
    "fatalities",
    "civilians_killed_min",
    "civilians_killed_max",
)
#: Columns :func:`geoconflict.areas.assign` reads to place an event.
ASSIGN_COLUMNS: tuple[str, ...] = ("geometry", "location_precision_m", "mgrs")


def is_dask(obj: object) -> bool:
    """Whether ``obj`` is a Dask collection (checked by its class's module, no import).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask(pd.DataFrame())
    False
    """
    module = type(obj).__module__ or ""
    return module.split(".")[0] in {"dask", "dask_geopandas", "dask_expr"}


def read_parquet(path: str | Path, *, columns: list[str] | None = None) -> Any:
    """Open GeoParquet lazily as a ``dask_geopandas.GeoDataFrame``.

    Parameters
    ----------
    path : str or pathlib.Path
        A GeoParquet file, or a directory of them (hive-partitioned like
        ``year=2017/part-0.parquet``, as ``geoconflict ingest --partition-by year``
        writes). One Dask partition per file (or row group, for large files).
    columns : list of str, optional
        Read only these columns (``geometry`` is always kept).

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; in EPSG:4326 (reprojected lazily when the file has another CRS).

    Raises
    ------
    DataError
        When the path does not exist.
    SourceFormatError
        When it is not GeoParquet (names the path).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from geoconflict.synthetic import synthetic_events
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> synthetic_events(50, seed=1).to_parquet(d / "events.parquet")
    >>> ddf = read_parquet(d / "events.parquet")
    >>> type(ddf).__name__, len(ddf.compute()), ddf.crs.to_epsg()
    ('GeoDataFrame', 50, 4326)
    """
    import dask_geopandas

    from geoconflict.events import CRS, EVENT_DTYPES

    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if path.is_dir() and not any(path.rglob("*.parquet")):
        raise SourceFormatError("directory holds no .parquet files", path=path)
    if columns is not None and "geometry" not in columns:
        columns = [*columns, "geometry"]
    try:
        ddf = dask_geopandas.read_parquet(str(path), columns=columns)
    except Exception as exc:  # pyarrow / dask raise many types for a bad file
        raise SourceFormatError(f"cannot read as GeoParquet: {exc}", path=path) from exc
    if ddf.crs is None:
        raise SourceFormatError("GeoParquet has no CRS in its geo metadata", path=path)
    # Hive folder keys (``year=2017/``) are how the table is stored, not event
    # columns: drop them, as the pandas reader does, so both engines see one table.
    stored = {d.name.split("=", 1)[0] for d in path.rglob("*=*") if d.is_dir() and path.is_dir()}
    extra = sorted(stored & set(ddf.columns) - set(EVENT_DTYPES) - {"geometry"})
    if extra:
        ddf = ddf.drop(columns=extra)
    if not ddf.crs.equals(CRS):
        ddf = ddf.to_crs(CRS)
    return ddf


def check_events(ddf: Any) -> tuple[Any, Any, Any]:
    """Split a Dask event table into valid rows and a rejects ledger, lazily.

    The record checks :func:`geoconflict.sources.read_events` applies to a
    GeoParquet event table, partition by partition: a ``date_start`` that is
    missing or not a date (``"missing date"``), a missing or empty geometry
    (``"missing geometry"``), a geometry that is not a point (``"geometry is
    not a point"``). Other values pass as they do on the pandas path.

    Parameters
    ----------
    ddf : dask_geopandas.GeoDataFrame
        Events with at least ``date_start`` and ``geometry``.

    Returns
    -------
    valid : dask_geopandas.GeoDataFrame
        The rows that pass every check (lazy).
    rejects : dask.dataframe.DataFrame
        One row per problem: ``partition``, ``row`` (1-based within the
        partition), ``field``, ``value``, ``reason`` (lazy).
    lengths : dask.dataframe.Series
        Rows read per partition (lazy); :func:`number_rejects` turns the
        partition-local rows into record numbers of the whole input.

    Compute all three in one call (``dask.compute(summary, rejects, lengths)``):
    they share the read tasks, so the data is read once.

    Examples
    --------
    >>> import dask, dask_geopandas
    >>> from geoconflict.synthetic import synthetic_events
    >>> events = synthetic_events(6, seed=1)
    >>> events.loc[4, "geometry"] = None
    >>> ddf = dask_geopandas.from_geopandas(events, npartitions=2)
    >>> valid, rejects, lengths = check_events(ddf)
    >>> v, r, n = dask.compute(valid, rejects, lengths, scheduler="sync")
    >>> len(v), number_rejects(r, n)[["row", "reason"]].values.tolist()
    (5, [[5, 'missing geometry']])
    """
    import numpy as np

    valid = ddf.map_partitions(_valid_rows, meta=ddf._meta)
    rejects_meta = _partition_rejects(ddf._meta, {"number": 0})
    rejects = ddf.map_partitions(_partition_rejects, meta=rejects_meta)
    lengths = ddf.map_partitions(_length, meta=pd.Series([], dtype=np.int64))
    return valid, rejects, lengths


def number_rejects(rejects: pd.DataFrame, lengths: Any) -> pd.DataFrame:
    """The computed ledger of :func:`check_events` with record numbers of the whole input.

    ``row`` becomes the 1-based record number in file order (partition after
    partition, as ``geopandas.read_parquet`` and ``read_events`` number them);
    the ``partition`` column is dropped and a missing ``value`` is None.

    Examples
    --------
    >>> ledger = pd.DataFrame({"partition": [0, 2], "row": [1, 2], "field": ["f", "f"],
    ...     "value": ["a", "b"], "reason": ["r", "r"]})
    >>> number_rejects(ledger, [3, 5, 4])["row"].tolist()
    [1, 10]
    """
    import numpy as np

    from geoconflict.sources.rejects import rejects_frame

    counts = np.atleast_1d(np.asarray(lengths, dtype="int64"))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype("int64")
    part = rejects["partition"].to_numpy(dtype="int64")
    rows = rejects["row"].to_numpy(dtype="int64") + offsets[part]
    ledger = rejects_frame([rejects.drop(columns=["partition"]).assign(row=rows)])
    value = ledger["value"].astype(object)
    return ledger.assign(value=value.where(value.notna(), None))


def _problems(part: pd.DataFrame) -> Any:
    """The checks of ``read_events`` on a GeoParquet event table, on one partition."""
    from geoconflict.sources.rejects import check_event_records

    return check_event_records(part)


def _length(part: pd.DataFrame) -> pd.Series:
    return pd.Series([len(part)], dtype="int64")


def _valid_rows(part: pd.DataFrame) -> pd.DataFrame:
    bad = _problems(part).bad
    return part[~bad] if bad.any() else part


def _partition_rejects(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> Any:
    ledger = _problems(part).frame()
    number = 0 if partition_info is None else int(partition_info["number"])
    ledger.insert(0, "partition", pd.Series([number] * len(ledger), dtype="int64"))
    return ledger


def summary_columns(available: Any, by: str | None = "area") -> list[str]:
    """The columns :func:`summarize` needs, out of those ``available``.

    Pass them to :func:`read_parquet` so the files are read without the rest
    (dask-geopandas cannot push a later column selection into the read).
    With ``by="area"`` and no ``area`` column, the columns the spatial join
    needs are included.

    Examples
    --------
    >>> from geoconflict.events import EVENT_COLUMNS
    >>> summary_columns(EVENT_COLUMNS)[:3]
    ['geometry', 'location_precision_m', 'mgrs']
    >>> summary_columns([*EVENT_COLUMNS, "area"])[:3]
    ['area', 'date_start', 'kind']
    """
    have = list(available)
    if by == "area" and "area" not in have:
        keys = [c for c in ASSIGN_COLUMNS if c in have]
    else:
        keys = [by] if by is not None and by in have else []
    return [*keys, *(c for c in SUMMARY_COLUMNS if c in have and c not in keys)]


def _areas_table(areas: Any) -> Any:
    if areas is None or isinstance(areas, (str, Path)):
        return study_areas.load(areas)
    return areas


def assign(ddf: Any, areas: Any = None, how: str = "within") -> Any:
    """Add the ``area`` column to a Dask event table, lazily.

    The Dask twin of :func:`geoconflict.areas.assign`: each partition goes
    through that very function, with the study areas broadcast to the workers.

    Parameters
    ----------
    ddf : dask_geopandas.GeoDataFrame
        Events following the column contract.
    areas : geopandas.GeoDataFrame or path, optional
        Study areas (default: the shipped ones, :func:`geoconflict.areas.load`).
    how : {"within", "intersects"}
        As in :func:`geoconflict.areas.assign`.

    Returns
    -------
    dask_geopandas.GeoDataFrame
        Lazy; ``.compute()`` gives what ``areas.assign`` gives on the whole table.

    Examples
    --------
    >>> import dask_geopandas, geopandas as gpd, shapely
    >>> from geoconflict.synthetic import synthetic_events
    >>> box = gpd.GeoDataFrame({"area_id": ["box"], "name": ["Box"], "parent": [None],
    ...     "country": ["IQ"], "source": ["test"]},
    ...     geometry=[shapely.box(42, 35, 44, 37)], crs="EPSG:4326")
    >>> ddf = dask_geopandas.from_geopandas(synthetic_events(200, seed=1), npartitions=2)
    >>> lazy = assign(ddf, box)
    >>> from geoconflict import areas
    >>> expected = areas.assign(synthetic_events(200, seed=1), box)["area"]
    >>> lazy.compute()["area"].equals(expected)
    True
    """
    import dask

    table = _areas_table(areas)
    meta = study_areas.assign(ddf._meta, table, how=how)
    shared = dask.delayed(table, pure=True)
    return ddf.map_partitions(study_areas.assign, shared, how=how, meta=meta)


def summarize(
    ddf: Any,
    by: str | None = "area",
    freq: str = "MS",
    periods: Mapping[str, tuple[Any, Any]] | None = None,
    *,
    areas: Any = None,
    split_every: int | None = 8,
) -> Any:
    """Summarise a Dask event table per area and period, lazily.

    The Dask twin of :func:`geoconflict.summary.summarize`: ``map_partitions``
    of :func:`geoconflict.summary.partial_summary` (additive counts and sums), a
    tree reduction that adds them up, and :func:`geoconflict.summary.finish_summary`.

    Parameters
    ----------
    ddf : dask_geopandas.GeoDataFrame
        Events; assigned to ``areas`` first when ``by="area"`` and the table
        has no ``area`` column.
    by : str or None, default "area"
        The grouping column (None: per period only).
    freq : str, default "MS"
        The period (a pandas frequency alias) when ``periods`` is not given.
    periods : mapping of name -> (start, end), optional
        Named periods: totals and per-month rates, as in ``summary.summarize``.
    areas : geopandas.GeoDataFrame or path, optional
        Study areas for the assignment step.
    split_every : int, default 8
        Fan-in of the reduction tree.

    Returns
    -------
    dask.dataframe.DataFrame
        One partition, lazy; ``.compute()`` equals the pandas summary (values,
        dtypes and row order).

    Examples
    --------
    >>> import dask_geopandas
    >>> from geoconflict.synthetic import synthetic_events
    >>> from geoconflict import summary
    >>> events = synthetic_events(300, seed=2)
    >>> events["area"] = events["kind"]  # any grouping column will do
    >>> ddf = dask_geopandas.from_geopandas(events, npartitions=3)
    >>> lazy = summarize(ddf, freq="YS")
    >>> lazy.compute().equals(summary.summarize(events, freq="YS"))
    True
    """
    if not is_dask(ddf):
        raise DataError(f"scale.summarize needs a Dask table, got {type(ddf).__name__}")
    summary.check_by(by)
    if by is not None and by != "area" and by not in ddf.columns:
        raise DataError(f"cannot summarise by {by!r}: the event table has no such column")
    ddf = ddf[summary_columns(ddf.columns, by)]
    if by == "area" and "area" not in ddf.columns:
        ddf = assign(ddf, areas)

    if periods is not None:
        partial_args: tuple[Any, ...] = (by, periods)
        partial_fn: Any = summary.partial_periods
        finish_fn: Any = summary.finish_periods
    else:
        partial_args = (by, freq)
        partial_fn = summary.partial_summary
        finish_fn = summary.finish_summary

    partial_meta = partial_fn(ddf._meta, *partial_args)
    partials = ddf.map_partitions(partial_fn, *partial_args, meta=partial_meta)
    final_meta = finish_fn(partial_meta)
    return partials.reduction(
        _combine,
        combine=_combine,
        aggregate=finish_fn,
        meta=final_meta,
        split_every=split_every,
        token="geoconflict-summarize",
    )


def _combine(partials: pd.DataFrame) -> pd.DataFrame:
    """Add up concatenated partial summaries: group by the key columns, sum the values.

    The keys are every column but the additive ones (``by``, ``period``, and with
    named periods ``start`` and ``end``); a key that is missing in every row of a
    chunk (all events outside the areas) stays a key.
    """
    values = [c for c in partials.columns if c in summary.SUMMARY_VALUES]
    keys = [c for c in partials.columns if c not in summary.SUMMARY_VALUES]
    return partials.groupby(keys, dropna=False, observed=True, sort=False, as_index=False)[
        values
    ].sum()


@contextlib.contextmanager
def client(
    scheduler: str | None = None,
    n_workers: int = 2,
    *,
    threads_per_worker: int = 1,
    memory_limit: str | int | None = "auto",
    processes: bool = True,
    timeout: float = 30.0,
) -> Iterator[Any]:
    """Connect to a Dask scheduler, or start a local cluster on loopback.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). Without it a
        ``LocalCluster`` starts on 127.0.0.1 with ``n_workers`` workers on
        random free ports (its HTTP endpoint too: ``client.dashboard_link``,
        a dashboard when bokeh is installed); it stops when the block ends.
    n_workers : int, default 2
        Workers of the local cluster (ignored with ``scheduler``).
    threads_per_worker : int, default 1
        Threads per local worker.
    memory_limit : str or int, default "auto"
        Per-worker memory limit of the local cluster (for example ``"2GB"``).
    processes : bool, default True
        Local workers as processes (``False``: threads in this process).
    timeout : float, default 30
        Seconds to wait for the scheduler.

    Yields
    ------
    distributed.Client
        Set as the default scheduler inside the block.

    Raises
    ------
    GeoconflictError
        When the scheduler cannot be reached.

    Examples
    --------
    >>> with client(n_workers=1, processes=False) as c:
    ...     len(c.scheduler_info()["workers"]), c.scheduler.address.startswith("inproc")
    (1, True)
    """
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            connected = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise GeoconflictError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}"
            ) from exc
        with connected:
            yield connected
        return
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=threads_per_worker,
            processes=processes,
            host="127.0.0.1" if processes else None,
            scheduler_port=0,
            dashboard_address="127.0.0.1:0",
            memory_limit=memory_limit,
        ) as cluster,
        Client(cluster, timeout=timeout) as local,
    ):
        yield local
