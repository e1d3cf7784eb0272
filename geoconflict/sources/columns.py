"""Columns as text, found by name: the helpers every format's reader starts from.

A chunk of a file arrives as text columns. :class:`Columns` looks them up by
lower-case name (header case and a byte-order mark ignored); :func:`as_text`,
:func:`text_or_none` and :func:`text_or_na` give a column as text, with or without
its missing values; :func:`lookup` maps codes through a table; :func:`frame_from`
builds a reader's output. :func:`is_hashtag_row` recognises the second header row
of HXL hashtags that HDX files carry (``#date+year``, ``#geo+lat`` …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.vocab import header_key, header_text

#: Text read as a missing value in counts and ranges.
MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "null", "none", "unknown", "?", "-"})


def as_text(series: pd.Series) -> pd.Series:
    """A column as strings, missing values as ``""`` (readers work on text).

    Examples
    --------
    >>> as_text(pd.Series([1.5, None, "a"])).tolist()
    ['1.5', '', 'a']
    """
    if isinstance(series.dtype, pd.StringDtype) and null_count(series) == 0:
        return series
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.strftime("%Y-%m-%d").fillna("").astype("str")
    obj = series.astype(object)
    obj = obj.where(obj.notna(), "")
    return obj.astype("str")


def null_count(series: pd.Series) -> int:
    """Missing values in a column (free for Arrow-backed text).

    Examples
    --------
    >>> null_count(pd.Series(["a", None, "b"], dtype="string[pyarrow]"))
    1
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return int(series.array.__arrow_array__().null_count)
    return int(series.isna().sum())


def text_or_none(series: pd.Series) -> pd.Series:
    """Text kept verbatim as Python strings; an empty value becomes ``None`` (missing).

    In columns with repeats (actors, places, sources) equal values share one
    string object: the distinct values are converted once.

    Examples
    --------
    >>> text_or_none(pd.Series(["a ", "", "b"])).tolist()
    ['a ', None, 'b']
    """
    text = as_text(series)
    sample = text.iloc[:2000]
    if len(sample) and sample.nunique() > 0.5 * len(sample):
        values = text.to_numpy(dtype=object, copy=True)
        values[(text == "").to_numpy()] = None
        return pd.Series(values, index=series.index, dtype=object)
    codes, uniques = pd.factorize(text, sort=False)
    u = np.array(uniques, dtype=object, copy=True)
    u[u == ""] = None
    values = u[codes] if len(codes) else np.empty(0, dtype=object)
    return pd.Series(values, index=series.index, dtype=object)


def frame_from(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    """Build a reader's output table; text stays ``object`` (pandas would make it ``str``).

    A plain string becomes a constant column; object arrays stay object.

    Examples
    --------
    >>> out = frame_from({"dataset": "acled", "place": np.array(["Mosul"], dtype=object)},
    ...                  pd.RangeIndex(1))
    >>> out.to_dict("records"), out["place"].dtype
    ([{'dataset': 'acled', 'place': 'Mosul'}], dtype('O'))
    """
    n = len(index)
    data: dict[str, Any] = {}
    for name, value in columns.items():
        if value is None or isinstance(value, str):
            data[name] = pd.Series(np.full(n, value, dtype=object), index=index, dtype=object)
        elif isinstance(value, np.ndarray) and value.dtype == object:
            data[name] = pd.Series(value, index=index, dtype=object)
        elif isinstance(value, pd.Series):
            data[name] = value.set_axis(index) if len(value) == n else value
        else:
            data[name] = pd.Series(value, index=index) if np.ndim(value) else value
    # copy=False: no consolidation copy (columns are fresh arrays; copy-on-write protects them).
    return pd.DataFrame(data, index=index, copy=False)


def text_or_na(series: pd.Series) -> pd.Series:
    """Text kept verbatim as a string column; an empty value becomes missing.

    For extra columns, which need not be Python objects.

    Examples
    --------
    >>> text_or_na(pd.Series(["a", ""])).isna().tolist()
    [False, True]
    """
    return series.where(as_text(series) != "")


def blank(series: pd.Series) -> np.ndarray:
    """True where a text value is empty or whitespace only.

    Examples
    --------
    >>> blank(pd.Series(["a", " ", None])).tolist()
    [False, True, True]
    """
    s = as_text(series)
    return (s.str.strip() == "").to_numpy()


def on_uniques(series: pd.Series, fn: Any) -> tuple[Any, ...]:
    """Apply ``fn`` (Series -> tuple of arrays) to the distinct values only, then spread back.

    Columns such as counts and codes have few distinct values: this makes their
    checks cost about as much as the distinct values, not the rows.

    Examples
    --------
    >>> (lengths,) = on_uniques(pd.Series(["ab", "c", "ab"]), lambda u: (u.str.len(),))
    >>> lengths.tolist()
    [2, 1, 2]
    """
    codes, uniques = pd.factorize(as_text(series), sort=False)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    results = fn(u)
    if len(codes) == 0:
        return tuple(np.asarray(r)[:0] for r in results)
    return tuple(np.asarray(r)[codes] for r in results)


def lookup(values: pd.Series, mapping: Mapping[str, object], default: object = None) -> np.ndarray:
    """Map normalised text codes ("1", "1.0", " 2 ") through ``mapping``; unmapped → ``default``.

    Examples
    --------
    >>> lookup(pd.Series(["1", "2.0", " 3 ", "x"]), {"1": "day", "2": "week"}).tolist()
    ['day', 'week', None, None]
    """

    def fn(u: pd.Series) -> tuple[np.ndarray]:
        key = u.str.strip().str.replace(r"\.0+$", "", regex=True).str.lower()
        return (key.map(mapping).to_numpy(dtype=object, na_value=default),)

    return np.asarray(on_uniques(values, fn)[0])


def normalise_header(columns: Iterable[object]) -> list[str]:
    """Header names stripped of a BOM and spaces (case kept).

    Examples
    --------
    >>> normalise_header(["\\ufeffEVENT_ID_CNTY", " event_date "])
    ['EVENT_ID_CNTY', 'event_date']
    """
    return [header_text(c) for c in columns]


class Columns:
    """A chunk's columns looked up by lower-case name (header case and a BOM ignored).

    ``name in cols`` and iteration use the lower-case names; ``cols[name]`` is the
    column's name as written in the file; :meth:`text` gives a column as text ("" when
    the file has no such column) and :meth:`field` the name to report in the ledger;
    :meth:`require` fails on missing columns; :meth:`extras` gives the extra columns a
    format keeps after the contract ones.

    Examples
    --------
    >>> cols = Columns(pd.DataFrame({"\\ufeffEVENT_DATE": ["31/01/2017"]}))
    >>> "event_date" in cols, cols.field("event_date"), cols.text("notes").tolist()
    (True, '\\ufeffEVENT_DATE', [''])
    >>> cols.extras(["country", "event_date"])["event_date"].tolist()
    ['31/01/2017']
    >>> cols.require(["event_date", "latitude"], "ACLED file")
    Traceback (most recent call last):
    ...
    geoconflict.errors.SourceFormatError: ACLED file lacks columns ['latitude']
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.by_lower = {header_key(c): c for c in frame.columns}
        self._empty = pd.Series("", index=frame.index, dtype="str")

    def __contains__(self, name: object) -> bool:
        return name in self.by_lower

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_lower)

    def __getitem__(self, name: str) -> Any:
        return self.by_lower[name]

    def text(self, name: str) -> pd.Series:
        return as_text(self.frame[self.by_lower[name]]) if name in self.by_lower else self._empty

    def field(self, name: str) -> str:
        return str(self.by_lower.get(name, name))

    def require(self, names: Iterable[str], what: str, path: object = None) -> None:
        """Raise :class:`~geoconflict.errors.SourceFormatError` naming the missing ``names``."""
        missing = [c for c in names if c not in self]
        if missing:
            raise SourceFormatError(f"{what} lacks columns {missing}", path=path)

    def extras(self, names: Iterable[str]) -> dict[str, pd.Series]:
        """The ``names`` the file has, as :func:`text_or_na` columns (in ``names`` order)."""
        return {name: text_or_na(self.text(name)) for name in names if name in self}


# An HXL hashtag with its attributes: "#geo+lat", "#affected+killed", "#date +year".
_HASHTAG = re.compile(r"^\s*#[A-Za-z][A-Za-z0-9_]*(?:\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*\s*$")


def is_hashtag_row(values: Sequence[object]) -> bool:
    """True for a row of HXL hashtags: every non-empty cell is a hashtag, and one is.

    HDX (the Humanitarian Data Exchange) puts such a row under the header of the
    files it distributes; it describes the columns and is no record.

    Examples
    --------
    >>> is_hashtag_row(["", "#date+year", "", "#geo+lat", "#geo+lon"])
    True
    >>> is_hashtag_row(["244657", "#1 road", ""]), is_hashtag_row(["", ""])
    (False, False)
    """
    cells = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return bool(cells) and all(_HASHTAG.match(c) for c in cells)
