"""The event table: its columns and dtypes, conformance, stable ids and the rejects ledger.

Every reader in :mod:`geoconflict.sources` returns a :class:`ReadResult`: an
event table that follows the column contract (``../shared/DESIGN.md``) and a
rejects ledger with one row per record that was not accepted. The invariant is
``len(events) + rejects["row"].nunique() == records read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict.dates import parse_utc, to_naive_utc
from geoconflict.errors import DataError
from geoconflict.vocab import DATE_PRECISIONS, GRADINGS, KINDS

__all__ = [
    "CRS",
    "DATE_PRECISIONS",
    "EVENT_COLUMNS",
    "EVENT_DTYPES",
    "GRADINGS",
    "ID_HASH_KEY",
    "KINDS",
    "REJECT_COLUMNS",
    "ReadResult",
    "RejectsLedger",
    "check_counts",
    "coerce_column",
    "conform",
    "content_id",
    "dedupe_ids",
    "empty_events",
    "first_repeat",
    "strike_counts",
    "validate",
]

#: Column name -> pandas dtype of the event table (geometry excluded).
EVENT_DTYPES: dict[str, str] = {
    "event_id": "object",
    "dataset": "object",
    "kind": "object",
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "date_precision": "object",
    "place": "object",
    "location_precision_m": "float64",
    "mgrs": "object",
    "actor": "object",
    "target": "object",
    "strikes": "Int64",
    "civilians_killed_min": "Int64",
    "civilians_killed_max": "Int64",
    "fatalities": "Int64",
    "grading": "object",
    "source": "object",
    "source_url": "object",
    "notes": "object",
}

#: The contract's columns in order; ``geometry`` is the last one.
EVENT_COLUMNS: tuple[str, ...] = (*EVENT_DTYPES, "geometry")

#: Columns of the rejects ledger.
REJECT_COLUMNS: tuple[str, ...] = ("row", "field", "value", "reason")

CRS = "EPSG:4326"


def empty_events() -> gpd.GeoDataFrame:
    """Return an event table with no rows and every contract column.

    Returns
    -------
    geopandas.GeoDataFrame

    Examples
    --------
    >>> empty_events().columns[:3].tolist()
    ['event_id', 'dataset', 'kind']
    """
    frame = pd.DataFrame({name: pd.Series(dtype=dt) for name, dt in EVENT_DTYPES.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def conform(frame: pd.DataFrame, *, extra: bool = True) -> gpd.GeoDataFrame:
    """Coerce a table to the event-table contract.

    Missing contract columns are added (empty), dtypes are coerced, columns are
    put in contract order, and the CRS is set to EPSG:4326 (reprojected if the
    frame has another CRS). ``date_end`` defaults to ``date_start``.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        A table with at least a ``geometry`` column of points, or ``lat``/``lon``.
    extra : bool, default True
        Keep columns outside the contract after the contract columns.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    DataError
        When there is no geometry and no lat/lon to make one from.

    Examples
    --------
    >>> t = conform(pd.DataFrame({"lat": [36.3], "lon": [43.1], "date_start": ["2017-03-17"]}))
    >>> bool(t["date_end"].iloc[0] == t["date_start"].iloc[0]), t.crs.to_epsg()
    (True, 4326)
    """
    df = pd.DataFrame(frame).copy()
    if "geometry" not in df.columns or (df["geometry"].isna().all() and "lat" in df.columns):
        if "lat" in df.columns and "lon" in df.columns:
            lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype="float64")
            lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype="float64")
            df["geometry"] = gpd.points_from_xy(lon, lat)
            df = df.drop(columns=["lat", "lon"])
        elif "geometry" not in df.columns:
            raise DataError("event table needs a 'geometry' column or 'lat' and 'lon' columns")
    crs = getattr(frame, "crs", None) or CRS
    geometry = gpd.GeoSeries(df.pop("geometry"), crs=crs)
    if geometry.crs is not None and not geometry.crs.equals(CRS):
        geometry = geometry.to_crs(CRS)
    for name, dtype in EVENT_DTYPES.items():
        if name not in df.columns:
            df[name] = pd.Series([pd.NA if dtype == "Int64" else None] * len(df), index=df.index)
        df[name] = coerce_column(df[name], dtype)
    if len(df):
        df["date_end"] = df["date_end"].fillna(df["date_start"])
    ordered = list(EVENT_DTYPES)
    if extra:
        ordered += [c for c in df.columns if c not in EVENT_DTYPES]
    out = gpd.GeoDataFrame(df[ordered], geometry=geometry.values, crs=CRS)
    return out


def coerce_column(values: pd.Series, dtype: str) -> pd.Series:
    """One column coerced to a contract dtype, as :func:`conform` does.

    Dates become naive UTC (:func:`geoconflict.dates.to_naive_utc`); counts
    ``Int64``; text stays verbatim, missing values ``None``.

    Examples
    --------
    >>> coerce_column(pd.Series(["2017-07-10T01:30+03:00"]), "datetime64[ns]").tolist()
    [Timestamp('2017-07-09 22:30:00')]
    >>> coerce_column(pd.Series([1.0, None]), "Int64").tolist()
    [1, <NA>]
    """
    if dtype != "object" and str(values.dtype) == dtype:
        return values  # already the contract's dtype: nothing to convert
    if dtype.startswith("datetime64"):
        return parse_utc(values).astype(dtype)
    if dtype == "Int64":
        return pd.to_numeric(values, errors="coerce").round().astype("Int64")
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    # Text: keep verbatim, missing stays missing (None), everything else str.
    arr = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=False) == "string":
        # Fastest path: every value is a str, so nothing to convert or to look for.
        return (
            values if values.dtype == object else pd.Series(arr, index=values.index, dtype=object)
        )
    if values.dtype == object:
        missing = pd.isna(arr)
        if missing.any():
            arr = arr.copy()
            arr[missing] = None
    else:
        arr = values.to_numpy(dtype=object, na_value=None)
    if pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):
        # Fast path (same result, no Python loop): only str, and missing already None.
        return pd.Series(arr, index=values.index, dtype=object)
    return pd.Series(
        [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in arr]
        if len(arr) and not all(isinstance(v, str) for v in arr)
        else arr,
        index=values.index,
        dtype=object,
    )


#: The largest count a row may state (more is no count: no sum could hold it).
MAX_COUNT = 2**31 - 1


def stated_counts(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The count each row states in ``column``, and whether it states one.

    The one rule for reading a count (strikes, fatalities, civilians killed): a value
    states a count when it is a finite number from 0 to :data:`MAX_COUNT` (a number
    written as text, ``"3"``, is read as one); a fraction is rounded to the nearest
    whole number, halves to even, as :func:`conform` coerces the column. Missing
    values, text that is no number, negative, infinite and larger values state none.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; without ``column`` no row states a count.
    column : str
        The column holding the counts.

    Returns
    -------
    counts : numpy.ndarray of int64
        The stated count of each row, 0 where it states none.
    stated : numpy.ndarray of bool
        Whether the row states a count.

    Examples
    --------
    >>> t = pd.DataFrame({"fatalities": [3, None, "x", -1, 2.5, "7"]})
    >>> counts, stated = stated_counts(t, "fatalities")
    >>> counts.tolist(), stated.tolist()
    ([3, 0, 0, 0, 2, 7], [True, False, False, False, True, True])
    """
    n = len(frame)
    if column in frame.columns:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        values = pd.Series(numbers).to_numpy(dtype="float64", na_value=np.nan)
    else:
        values = np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        stated = np.isfinite(values) & (values >= 0) & (values <= MAX_COUNT)
    return np.round(np.where(stated, values, 0.0)).astype("int64"), stated


def strike_counts(
    frame: pd.DataFrame, column: str = "strikes", *, strike_rows: str = "all"
) -> tuple[np.ndarray, np.ndarray]:
    """The declared strikes of each row: its stated count, and whether it states none.

    The one rule for counting declared strikes, used by the summaries
    (:func:`geoconflict.summary.summarize`, also on Dask), the links
    (:func:`geoconflict.link.match` and :func:`geoconflict.link.summary`) and the
    strikes layer (:func:`geoconflict.render.strikes.strike_cells`): **nothing is
    invented**. A row's declared strikes are the number its ``strikes`` column
    states; a strike row that states no number adds nothing to a sum of strikes and
    is counted apart, as *uncounted*.

    What states a count is :func:`stated_counts`'s rule: a finite number from 0 to
    :data:`MAX_COUNT`, text holding one (``"3"``) included, fractions rounded half
    to even; missing values, other text (``"three"``), negative, infinite and larger
    values state none. (The readers reject negative and fractional counts in their
    input, so these only reach here from tables built by hand.)

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table; without ``column`` no row states a count.
    column : str, default "strikes"
        The column holding the counts (``"right_strikes"`` in a pairs table).
    strike_rows : {"all", "kind"}, default "all"
        Which rows claim strikes, so that a missing count makes them uncounted.
        ``"all"``: every row, for a table of strikes by its role (the strikes layer,
        the right table of the links). ``"kind"``: only rows with ``kind ==
        "strike"``, for a mixed event table (a ``civcas`` row without a count is not an
        uncounted strike; without a ``kind`` column no row is). A row of any kind that
        states a count adds it, either way.

    Returns
    -------
    counts : numpy.ndarray of int64
        The stated count of each row, 0 where it states none.
    uncounted : numpy.ndarray of bool
        Strike rows that state no count.

    Raises
    ------
    ValueError
        ``strike_rows`` is not ``"all"`` or ``"kind"``.

    Examples
    --------
    >>> t = pd.DataFrame({"kind": ["strike", "strike", "civcas", "strike", "strike"],
    ...                   "strikes": [3, None, None, "x", 2.4]})
    >>> counts, uncounted = strike_counts(t, strike_rows="kind")
    >>> counts.tolist(), uncounted.tolist()
    ([3, 0, 0, 0, 2], [False, True, False, True, False])
    >>> strike_counts(t)[1].tolist()  # every row a strike row: the civcas one too
    [False, True, True, True, False]
    """
    if strike_rows not in ("all", "kind"):
        raise ValueError(f"strike_rows must be 'all' or 'kind', got {strike_rows!r}")
    n = len(frame)
    counts, stated = stated_counts(frame, column)
    if strike_rows == "all":
        claims = np.ones(n, dtype=bool)
    elif "kind" in frame.columns:
        claims = (frame["kind"] == "strike").fillna(False).to_numpy(dtype=bool)
    else:
        claims = np.zeros(n, dtype=bool)
    return counts, claims & ~stated


def first_repeat(ids: Any) -> tuple[int, int] | None:
    """Positions (0-based) of the first id that repeats and of its first occurrence.

    Missing ids count as equal to each other. None when every id is unique.

    Examples
    --------
    >>> first_repeat(["a", "b", "a"]), first_repeat([None, "x", None]), first_repeat(["a"])
    ((2, 0), (2, 0), None)
    """
    codes = pd.factorize(pd.Series(list(ids), dtype=object), use_na_sentinel=False)[0]
    seen = pd.Series(codes).duplicated().to_numpy()
    if not seen.any():
        return None
    k = int(np.flatnonzero(seen)[0])
    return k, int(np.flatnonzero(codes == codes[k])[0])


def validate(events: pd.DataFrame) -> None:
    """Raise :class:`DataError` when a table breaks the contract.

    Checks the columns, the CRS, unique ``event_id`` and the allowed values of
    ``kind``, ``grading`` and ``date_precision``.

    Examples
    --------
    >>> validate(empty_events())
    """
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise DataError(f"event table is missing columns {missing}")
    crs = getattr(events, "crs", None)
    if crs is None or not crs.equals(CRS):
        raise DataError(f"event table must be in {CRS}, got {crs}")
    repeat = first_repeat(events["event_id"])
    if repeat is not None:
        k, first = repeat
        raise DataError(
            f"event_id not unique: record {k + 1}, field 'event_id':"
            f" {events['event_id'].iloc[k]!r} repeats record {first + 1}"
        )
    for col, allowed in (
        ("kind", KINDS),
        ("grading", GRADINGS),
        ("date_precision", DATE_PRECISIONS),
    ):
        vals = events[col]
        bad = np.flatnonzero((vals.notna() & ~vals.isin(allowed)).to_numpy())
        if len(bad):
            k = int(bad[0])
            raise DataError(
                f"record {k + 1}, field {col!r}: {vals.iloc[k]!r} is not one of {allowed}"
                f" ({len(bad)} such records; values {sorted(set(vals.iloc[bad]))[:5]})"
            )


def content_id(prefix: str, *parts: Iterable[Any]) -> np.ndarray:
    """Stable ids from row contents: ``prefix`` + 16 hex digits of a 64-bit hash.

    Used when a source has no id of its own. ``parts`` are equal-length columns;
    the same values always give the same id, across runs and machines. The hash is
    SipHash-2-4 (keyed with :data:`ID_HASH_KEY`) of the UTF-8 text of the row's values
    joined by U+001F; a value's text is ``str(value)``, ``""`` when missing, and
    ``YYYY-MM-DDTHH:MM:SS`` (UTC) for dates. Computed over whole columns at once.

    Parameters
    ----------
    prefix : str
        Put in front of each id (for example ``"csv-"``).
    *parts : iterables of equal length
        The columns whose values identify a row.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> ids = content_id("csv-", ["a", "b"], [1, 2])
    >>> ids.tolist() == content_id("csv-", ["a", "b"], [1, 2]).tolist(), ids[0] != ids[1]
    (True, True)
    >>> len(content_id("x-", ["a"])[0])
    18
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cols = [_id_texts(p) for p in parts]
    if not cols:
        return np.array([], dtype=object)
    n = len(cols[0])
    if any(len(c) != n for c in cols):
        raise ValueError(f"content_id: columns of different lengths {[len(c) for c in cols]}")
    if not n:
        return np.array([], dtype=object)
    separator = pa.scalar("\x1f", type=pa.large_string())
    joined = cols[0] if len(cols) == 1 else pc.binary_join_element_wise(*cols, separator)
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    text = joined.to_numpy(zero_copy_only=False)
    hashes = pd.util.hash_array(text, encoding="utf8", hash_key=ID_HASH_KEY, categorize=False)
    octets = np.asarray(hashes, dtype=np.uint64).astype(">u8").view(np.uint8).reshape(n, 8)
    digits = np.ascontiguousarray(_HEX_OCTETS[octets]).view("<U16").reshape(n)
    return np.asarray(prefix + digits.astype(object), dtype=object)


#: Key of the SipHash behind :func:`content_id` (16 ASCII characters; changing it changes ids).
ID_HASH_KEY = "geoconflict-id-1"
_HEX_OCTETS = np.array([f"{i:02x}" for i in range(256)], dtype="<U2")


def _id_texts(values: Iterable[Any]) -> Any:
    """The text of each value for :func:`content_id`: an Arrow string array, no nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pd.Series):
        series = values.reset_index(drop=True)
    elif isinstance(values, np.ndarray):
        series = pd.Series(values)
    else:
        series = pd.Series(np.asarray(list(values), dtype=object), dtype=object)
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in (
        "datetime",
        "datetime64",
        "date",
    ):
        series = pd.to_datetime(series, errors="coerce", utc=True)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        text = to_naive_utc(series).dt.strftime("%Y-%m-%dT%H:%M:%S")
    else:
        text = series.astype(pd.StringDtype("pyarrow"))
    arrow = pa.array(text.array, type=pa.large_string())
    return pc.fill_null(arrow, "")


def _id_text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def dedupe_ids(ids: Sequence[str], taken: Iterable[str] = ()) -> np.ndarray:
    """Make ids unique by suffixing repeats with ``-2``, ``-3`` … in order of appearance.

    The first occurrence of an id keeps it; a suffix already used by another id (in
    ``ids`` or in ``taken``) is skipped, so a real id such as ``IRQ1-2`` is never
    duplicated or renamed.

    Examples
    --------
    >>> dedupe_ids(["a", "b", "a"]).tolist()
    ['a', 'b', 'a-2']
    >>> dedupe_ids(["IRQ1", "IRQ1", "IRQ1-2"]).tolist()
    ['IRQ1', 'IRQ1-3', 'IRQ1-2']
    """
    used = set(taken) | set(ids)
    first: set[str] = set()
    next_n: dict[str, int] = {}
    out = np.empty(len(ids), dtype=object)
    for i, v in enumerate(ids):
        if v not in first:
            first.add(v)
            out[i] = v
            continue
        n = next_n.get(v, 2)
        while f"{v}-{n}" in used:
            n += 1
        out[i] = f"{v}-{n}"
        used.add(out[i])
        next_n[v] = n + 1
    return out


@dataclass
class RejectsLedger:
    """Collects rejected records: one entry per (record, field, reason).

    ``row`` is the 1-based record number in the input (data rows, header not
    counted). Add single entries with :meth:`add` or whole vectors with
    :meth:`add_many`; :meth:`to_frame` gives the ledger table.

    Examples
    --------
    >>> ledger = RejectsLedger()
    >>> ledger.add(3, "latitude", "abc", "not a number")
    >>> ledger.to_frame().to_dict("records")
    [{'row': 3, 'field': 'latitude', 'value': 'abc', 'reason': 'not a number'}]
    """

    _rows: list[int] = field(default_factory=list)
    _fields: list[str] = field(default_factory=list)
    _values: list[str | None] = field(default_factory=list)
    _reasons: list[str] = field(default_factory=list)

    def add(self, row: int, field: str, value: Any, reason: str) -> None:
        self._rows.append(int(row))
        self._fields.append(field)
        self._values.append(None if value is None else _id_text(value))
        self._reasons.append(reason)

    def add_many(
        self,
        rows: Iterable[int],
        field: str,
        values: Iterable[Any],
        reasons: Iterable[str] | str,
    ) -> None:
        rows = [int(r) for r in rows]
        values = list(values)
        reasons = [reasons] * len(rows) if isinstance(reasons, str) else list(reasons)
        for r, v, why in zip(rows, values, reasons, strict=True):
            self.add(r, field, v, why)

    def extend(self, other: RejectsLedger | pd.DataFrame) -> None:
        frame = other.to_frame() if isinstance(other, RejectsLedger) else other
        for r, f, v, why in frame[list(REJECT_COLUMNS)].itertuples(index=False):
            self.add(r, f, v, why)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> set[int]:
        """The distinct record numbers rejected."""
        return set(self._rows)

    def to_frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "row": pd.Series(self._rows, dtype="int64"),
                "field": pd.Series(self._fields, dtype=object),
                "value": pd.Series(self._values, dtype=object),
                "reason": pd.Series(self._reasons, dtype=object),
            }
        )
        return frame.sort_values(["row", "field"], kind="stable").reset_index(drop=True)


def check_counts(path: str | None, accepted: int, rejected: int, records: int) -> None:
    """Raise :class:`DataError` unless every record read was accepted or rejected.

    >>> check_counts("a.csv", 3, 1, 5)
    Traceback (most recent call last):
    ...
    geoconflict.errors.DataError: a.csv: 3 accepted + 1 rejected != 5 records read
    """
    if accepted + rejected != records:
        raise DataError(
            f"{path or 'input'}: {accepted} accepted + {rejected} rejected"
            f" != {records} records read"
        )


@dataclass
class ReadResult:
    """What every reader returns: the accepted events and the rejects ledger.

    Attributes
    ----------
    events : geopandas.GeoDataFrame
        The event table (column contract).
    rejects : pandas.DataFrame
        Columns ``row``, ``field``, ``value``, ``reason``.
    records : int
        Records read from the input.
    format : str
        The format the input was read as.
    path : str or None
        The input's name, where it had one.
    """

    events: gpd.GeoDataFrame
    rejects: pd.DataFrame
    records: int
    format: str
    path: str | None = None

    @property
    def accepted(self) -> int:
        return len(self.events)

    @property
    def rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    def check(self) -> None:
        """Raise :class:`DataError` unless accepted + rejected == records read."""
        check_counts(self.path, self.accepted, self.rejected, self.records)

    def __repr__(self) -> str:
        return (
            f"ReadResult(format={self.format!r}, records={self.records},"
            f" accepted={self.accepted}, rejected={self.rejected})"
        )
