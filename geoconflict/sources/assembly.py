"""From checked chunks to one event table: typed columns, content ids, unique ids.

A checked chunk becomes a :class:`Part` (:func:`finish_part`): its accepted rows as
contract-typed column arrays, rows without an id given a content id
(:func:`geoconflict.events.content_id`). :func:`concat_parts` makes one table of the
parts, one column at a time (building and concatenating a DataFrame per chunk costs
more than the checks); :func:`unique_ids` renames repeated ids as
:func:`geoconflict.events.dedupe_ids` does, finding them through the id hashes each
part took while its strings were fresh (:func:`renamed_ids`, also used by the
streaming ingest, which never holds the table).
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict.events import (
    CRS,
    EVENT_DTYPES,
    coerce_column,
    conform,
    content_id,
    dedupe_ids,
    empty_events,
)
from geoconflict.sources.rejects import Problems


class Part:
    """The accepted rows of one chunk as contract-typed column arrays (no DataFrame yet).

    Chunks become one table at the end, one column at a time: building and
    consolidating a DataFrame per chunk and concatenating them cost more than the checks.
    Made by :func:`finish_part`; :func:`table_of` and :func:`concat_parts` build the table.

    Examples
    --------
    >>> part = finish_part("acled", *_example_chunk())
    >>> len(part), part.columns["event_id"].tolist(), part.columns["date_start"].dtype
    (2, ['IRQ1', 'IRQ1'], dtype('<M8[ns]'))
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


def finish_part(
    fmt: str, raw: pd.DataFrame, converted: pd.DataFrame, problems: Problems
) -> Part | gpd.GeoDataFrame:
    """Drop rejected rows, give rows without an id a content id, type the contract's columns.

    Gives what :func:`~geoconflict.events.conform` would give, column by column
    (tested against it); a converter that hands over geometries is conformed as is.

    Parameters
    ----------
    fmt : str
        The format (the ``dataset`` of content ids when the rows have none).
    raw : pandas.DataFrame
        The chunk as read (text): content ids hash its values.
    converted : pandas.DataFrame
        The converter's output for the chunk.
    problems : Problems
        The chunk's rejects: those rows are dropped.

    Returns
    -------
    Part or geopandas.GeoDataFrame

    Examples
    --------
    >>> raw, converted, problems = _example_chunk(bad_second=True)
    >>> concat_parts([finish_part("acled", raw, converted, problems)])["event_id"].tolist()
    ['IRQ1']
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
            values = coerce_column(kept(name).set_axis(index), dtype)
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
    return Part(columns, shapely.points(lon, lat))


def finish(
    fmt: str, raw: pd.DataFrame, converted: pd.DataFrame, problems: Problems
) -> gpd.GeoDataFrame:
    """Drop rejected rows, give rows without an id a content id, conform to the contract.

    :func:`finish_part` made into a table at once (for inputs read whole).

    Examples
    --------
    >>> finish("acled", *_example_chunk())["event_id"].tolist()
    ['IRQ1', 'IRQ1']
    """
    return concat_parts([finish_part(fmt, raw, converted, problems)])


def _hash_ids(ids: np.ndarray) -> np.ndarray | None:
    """64-bit hashes of id strings (None when they are not all strings)."""
    try:
        return np.asarray(pd.util.hash_array(ids, categorize=False))
    except (TypeError, ValueError):
        return None


def part_hashes(parts: list[Part | gpd.GeoDataFrame]) -> np.ndarray | None:
    """The id hashes of the rows :func:`concat_parts` gives for ``parts``, in order (or None).

    Examples
    --------
    >>> part = finish_part("acled", *_example_chunk())
    >>> hashes = part_hashes([part, part])
    >>> len(hashes), bool(hashes[0] == hashes[1] == hashes[2])
    (4, True)
    """
    hashes = [p.id_hash if isinstance(p, Part) else None for p in parts if len(p)]
    if not hashes or any(h is None for h in hashes):
        return None
    return np.concatenate([h for h in hashes if h is not None])


def unique_ids(events: gpd.GeoDataFrame, hashes: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """Make ``event_id`` unique as ``dedupe_ids`` does, touching only the repeated ids.

    ``hashes`` (one per row, of the ids) narrow the exact check down to the ids whose
    hash occurs more than once: equal ids have equal hashes, so none is missed.

    Examples
    --------
    >>> events = finish("acled", *_example_chunk())
    >>> unique_ids(events)["event_id"].tolist()
    ['IRQ1', 'IRQ1-2']
    """
    if not len(events):
        return events
    values = events["event_id"].to_numpy(dtype=object)
    renamed = renamed_ids(values, hashes)
    if renamed is not None:
        rows, new = renamed
        values = values.copy()
        values[rows] = new
        events["event_id"] = pd.Series(values, index=events.index, dtype=object)
    return events


def renamed_ids(values: Any, hashes: np.ndarray | None = None) -> tuple[np.ndarray, Any] | None:
    """The rows of repeated ids and their ids after renaming (None: all unique).

    The first occurrence keeps its id; the others get ``-2``, ``-3`` … as
    :func:`geoconflict.events.dedupe_ids` gives them.

    ``values`` is a numpy object array or an Arrow string array (kept compact for
    very long tables: only the repeated ids and the ids shaped like a suffixed id,
    ``…-<digits>``, the only ones a new id could clash with, become Python strings).

    Examples
    --------
    >>> rows, new = renamed_ids(np.array(["a", "b", "a", "a-2"], dtype=object))
    >>> rows.tolist(), list(new)
    ([0, 2], ['a', 'a-3'])
    >>> renamed_ids(np.array(["a", "b"], dtype=object)) is None
    True
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


def concat_parts(parts: list[Part | gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One event table from the chunks' parts, in order, with a fresh 0..n-1 index.

    Examples
    --------
    >>> part = finish_part("acled", *_example_chunk())
    >>> table = concat_parts([part, part])
    >>> len(table), table.index.tolist(), table.crs.to_epsg()
    (4, [0, 1, 2, 3], 4326)
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_events()
    if all(isinstance(p, Part) for p in parts):
        return table_of([p for p in parts if isinstance(p, Part)])
    frames = [table_of([p]) if isinstance(p, Part) else p for p in parts]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    table = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=frames[0].crs)


def table_of(parts: list[Part]) -> gpd.GeoDataFrame:
    """One GeoDataFrame of :class:`Part` objects, column by column, without copying text.

    Examples
    --------
    >>> part = finish_part("acled", *_example_chunk())
    >>> table_of([part, part])["event_id"].tolist()
    ['IRQ1', 'IRQ1', 'IRQ1', 'IRQ1']
    """
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


def _example_chunk(bad_second: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, Problems]:
    """A two-row ACLED chunk, converted (for the examples)."""
    from geoconflict.sources.acled import convert

    raw = pd.DataFrame(
        {
            "event_id_cnty": ["IRQ1", "IRQ1"],
            "event_date": ["2017-01-31", "2017-02-30" if bad_second else "2017-02-01"],
            "latitude": ["36.34", "36.35"],
            "longitude": ["43.13", "43.14"],
        }
    )
    problems = Problems(np.array([1, 2]))
    return raw, convert(raw, problems), problems
