"""Compact, safe JSON for map pages: columnar typed arrays and escaped data blocks.

Events reach the page as one JSON object of per-column arrays, not one object
per event: integers as base64 little-endian typed arrays of the smallest width
that fits (optionally delta-encoded), text as a dictionary of distinct values
plus integer codes (a column with one value is stored once). The page decodes
them with ``GC.col`` in ``static/js/decode.js``.

JSON goes into ``<script type="application/json">`` blocks with ``<``, ``>``,
``&`` and U+2028/U+2029 escaped, so no text can end the block or start markup.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pandas as pd

_WIDTHS: tuple[tuple[str, int, int], ...] = (
    ("u1", 0, 255),
    ("i1", -128, 127),
    ("u2", 0, 65535),
    ("i2", -32768, 32767),
    ("i4", -(2**31), 2**31 - 1),
)


_SIZES = {"u1": 1, "i1": 1, "u2": 2, "i2": 2, "u3": 3, "i4": 4}


def _width(lo: int, hi: int, widths: tuple[tuple[str, int, int], ...]) -> str | None:
    """The first of ``widths`` that holds ``lo..hi`` (None: none does)."""
    for name, a, b in widths:
        if a <= lo and hi <= b:
            return name
    return None


class Base64(str):
    """Base64 text (what :func:`pack_ints` stores): :func:`to_json` writes it as it is.

    Its alphabet (``A-Z a-z 0-9 + / =``) needs no JSON or HTML escaping, so the
    megabytes of a large column skip the JSON encoder and the escaping passes (a
    value that is not ASCII or holds a quote, backslash, ``<``, ``>`` or ``&`` is
    escaped as any text, so it cannot end its string or the page's block; control
    characters are not looked for). It is a ``str`` in every other way.

    Examples
    --------
    >>> Base64("AQID") == "AQID", to_json({"b": Base64("AQID")})
    (True, '{"b":"AQID"}')
    """

    __slots__ = ()


#: What a Base64 value must not hold to be copied in as it is (``isascii`` is checked too).
_NEEDS_ESCAPE = ('"', "\\", "<", ">", "&")


def _dumps(obj: Any) -> str:
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _write(obj: Any, out: list[str]) -> None:
    """Append the JSON of ``obj`` to ``out``: dicts key by key, :class:`Base64` verbatim."""
    if type(obj) is Base64 and obj.isascii() and not any(c in obj for c in _NEEDS_ESCAPE):
        out += ('"', obj, '"')
    elif isinstance(obj, dict) and obj and all(type(k) is str for k in obj):
        out.append("{")
        for i, key in enumerate(sorted(obj)):
            out += ("," if i else "", _dumps(key), ":")
            _write(obj[key], out)
        out.append("}")
    else:  # lists and scalars in one call (a Base64 inside a list is escaped as text)
        out.append(_dumps(obj))


def to_json(obj: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces, no NaN), safe inside a ``<script>`` block.

    The same text as ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False, allow_nan=False)`` with ``<``, ``>``, ``&``, U+2028 and
    U+2029 escaped; :class:`Base64` values in dicts are copied in without that work.

    Examples
    --------
    >>> to_json({"b": "</script><x>", "a": 1})
    '{"a":1,"b":"\\\\u003c/script\\\\u003e\\\\u003cx\\\\u003e"}'
    """
    out: list[str] = []
    _write(obj, out)
    return "".join(out)


def data_block(element_id: str, obj: Any) -> str:
    """A ``<script type="application/json">`` block holding ``obj``.

    Examples
    --------
    >>> data_block("d1", [1, "<b>"])
    '<script type="application/json" id="d1">[1,"\\\\u003cb\\\\u003e"]</script>'
    """
    return f'<script type="application/json" id="{element_id}">{to_json(obj)}</script>'


def count_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A count column for the page: the stated counts, -1 where a row states none.

    What states a count is the one rule of :func:`geoconflict.events.stated_counts`
    (a missing column: no row does).

    Examples
    --------
    >>> count_column(pd.DataFrame({"n": [3, None, -1, 2.6]}), "n").tolist()
    [3, -1, -1, 3]
    >>> count_column(pd.DataFrame({"n": [3]}), "m").tolist()
    [-1]
    """
    from geoconflict.events import stated_counts  # (events imports geopandas; this module does not)

    counts, stated = stated_counts(frame, name)
    return np.where(stated, counts, -1).astype("int64")


def pack_ints(values: np.ndarray, *, delta: bool = False, offset: bool = False) -> dict[str, Any]:
    """Pack integers as a base64 typed array of the smallest width that holds them.

    Parameters
    ----------
    values : array of int
    delta : bool
        Store differences from the previous value (first against 0): small for
        sorted dates.
    offset : bool
        Store ``values - o`` (``o``: the smallest value; with ``delta``, the first
        value, and the first difference 0), in three bytes (``u3``) when that is
        what the range needs: coordinates in 1e-5 degrees over a region, dates.

    Returns
    -------
    dict
        ``{"t": dtype, "b": base64}`` plus ``"d": 1`` when delta-encoded and
        ``"o": offset`` when offset, or ``{"c": value, "n": length}`` when every
        value is the same.

    Examples
    --------
    >>> pack_ints(np.array([1, 2, 3]))
    {'t': 'u1', 'b': 'AQID'}
    >>> pack_ints(np.array([17000, 17000, 17001]), delta=True)["t"]
    'u2'
    >>> pack_ints(np.array([17000, 17000, 17001]), delta=True, offset=True)
    {'t': 'u1', 'b': 'AAAB', 'd': 1, 'o': 17000}
    >>> pack_ints(np.array([3_633_500, 4_311_889]), offset=True)["t"]
    'u3'
    >>> pack_ints(np.array([7, 7, 7]))
    {'c': 7, 'n': 3}
    """
    arr = np.asarray(values, dtype="int64")
    base = 0
    if delta and len(arr):
        if offset:
            base = int(arr[0])
            arr = np.diff(arr, prepend=arr[0])
        else:
            arr = np.diff(arr, prepend=0)
    lo = int(arr.min()) if len(arr) else 0
    hi = int(arr.max()) if len(arr) else 0
    if len(arr) > 1 and lo == hi and not delta:
        return {"c": lo, "n": len(arr)}
    widths = _WIDTHS if not offset else (*_WIDTHS[:4], ("u3", 0, 2**24 - 1), _WIDTHS[4])
    name = _width(lo, hi, widths)
    if offset and not delta and lo != 0:
        shifted = _width(0, hi - lo, widths)
        if shifted is not None and (name is None or _SIZES[shifted] < _SIZES[name]):
            base, arr, name = lo, arr - lo, shifted
    if name is None:
        raise ValueError(f"integers out of 32-bit range: {lo}..{hi}")
    if name == "u3":  # three little-endian bytes per value
        raw = arr.astype("<u4").view("u1").reshape(-1, 4)[:, :3].tobytes()
    else:
        raw = arr.astype("<" + name).tobytes()
    out: dict[str, Any] = {"t": name, "b": Base64(base64.b64encode(raw).decode("ascii"))}
    if delta:
        out["d"] = 1
    if base:
        out["o"] = base
    return out


def arrow_text(values: Any) -> Any:
    """A column as a pyarrow string array (missing as null), without a Python loop per value.

    A pyarrow string array is returned as it is; a chunked one (an Arrow-backed
    pandas column made by concatenation) comes back in one chunk.

    Examples
    --------
    >>> arrow_text(["a", None, 3]).to_pylist()
    ['a', None, '3']
    """
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        return values
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    try:
        arr = pa.array(series, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        text = series.astype(object).where(series.isna(), series.astype(str))
        arr = pa.array(text, type=pa.string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def one_text(values: Any) -> str | None:
    """The text every value of an object column is (None: not one text, or not a column).

    One comparison pass over the column, a first look at a few values skipping it
    when they differ: a column with one value (a dataset name, a source) needs no
    conversion to Arrow and no hashing.

    Examples
    --------
    >>> one_text(pd.Series(["acled"] * 3, dtype=object))
    'acled'
    >>> one_text(pd.Series(["acled", None], dtype=object)) is None
    True
    """
    if isinstance(values, pd.Series) and values.dtype == object:
        values = values.to_numpy()  # (an Arrow-backed column is not made Python objects)
    arr = values
    if not isinstance(arr, np.ndarray) or arr.dtype != object or not len(arr):
        return None
    first = arr[0]
    if not isinstance(first, str):
        return None
    try:  # (pd.NA compares as NA, which has no truth value)
        same = bool((arr[:64] == first).all()) and bool((arr == first).all())
    except (TypeError, ValueError):
        return None
    return str(first) if same else None


def _all_missing(values: Any) -> bool:
    """Whether an object column (Series or array) holds only missing values (a first look
    at a few values skips the full pass when they are not)."""
    arr = values.to_numpy() if isinstance(values, pd.Series) and values.dtype == object else values
    if not isinstance(arr, np.ndarray) or arr.dtype != object or not len(arr):
        return False
    return bool(pd.isna(arr[:64]).all()) and bool(pd.isna(arr).all())


def vocab_codes(values: Any, allowed: tuple[str, ...], default: str) -> np.ndarray:
    """Index in ``allowed`` of each value; missing or unknown values get ``default``'s.

    The column is dictionary-encoded (:func:`text_codes`) and only its distinct
    values are looked up.

    Examples
    --------
    >>> vocab_codes(pd.Series(["b", None, "zz", "a"], dtype=object), ("a", "b", "c"), "c").tolist()
    [1, 2, 2, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, distinct = text_codes(values)
    found = pc.index_in(
        arrow_text(pd.Series(distinct, dtype=object)),
        value_set=pa.array(list(allowed), type=pa.string()),
    )
    lookup = pc.fill_null(found, allowed.index(default)).to_numpy(zero_copy_only=False)
    return lookup.astype("int64")[codes]


def text_codes(values: Any, order: np.ndarray | None = None) -> tuple[np.ndarray, list[Any]]:
    """Dictionary-encode a text column taken in ``order``: codes and distinct values.

    The values (missing as None) are numbered by first appearance in the taken
    order, as encoding the reordered column would number them; but the column is
    encoded where it is and only its integer codes are reordered, which is several
    times cheaper than reordering strings.

    Parameters
    ----------
    values : array-like of str
        Anything :func:`arrow_text` takes.
    order : array of int, optional
        Positions to take (a permutation or a subset); default: all, in order.

    Returns
    -------
    codes : numpy.ndarray of int64
        One per taken row: the index of its value in ``distinct``.
    distinct : list
        The values that occur in the taken rows.

    Examples
    --------
    >>> codes, distinct = text_codes(["a", None, "b", "a"], order=np.array([2, 0, 3, 1]))
    >>> codes.tolist(), distinct
    ([0, 1, 1, 2], ['b', 'a', None])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    same = one_text(values)
    if same is not None or _all_missing(values):
        n = len(values) if order is None else len(order)
        return np.zeros(n, dtype="int64"), [same] if n else []
    enc = pc.dictionary_encode(arrow_text(values), null_encoding="encode")
    codes = enc.indices.to_numpy(zero_copy_only=False).astype("int64")
    if order is None:
        return codes, enc.dictionary.to_pylist()
    codes = codes[order]
    n, k = len(codes), len(enc.dictionary)
    first = np.full(k, n, dtype="int64")
    np.minimum.at(first, codes, np.arange(n, dtype="int64"))
    seen = np.flatnonzero(first < n)
    ranked = seen[np.argsort(first[seen], kind="stable")]  # old codes, first seen first
    renumber = np.zeros(k, dtype="int64")
    renumber[ranked] = np.arange(len(ranked), dtype="int64")
    return renumber[codes], enc.dictionary.take(pa.array(ranked)).to_pylist()


def pack_text(values: Any, order: np.ndarray | None = None) -> dict[str, Any]:
    """Dictionary-encode a text column: distinct values (missing as null) and codes.

    With ``order``, the column taken in that order (see :func:`text_codes`).

    Examples
    --------
    >>> pack_text(["a", "a"])
    {'c': 'a'}
    >>> pack_text(["b", None, "b"])
    {'k': {'t': 'u1', 'b': 'AAEA'}, 'v': ['b', None]}
    >>> pack_text(["b", None, "b"], order=np.array([1, 0, 2]))
    {'k': {'t': 'u1', 'b': 'AAEB'}, 'v': [None, 'b']}
    """
    codes, distinct = text_codes(values, order)
    if len(codes) == 0:
        return {"c": None}
    if len(distinct) == 1:
        return {"c": distinct[0]}
    return {"k": pack_ints(codes), "v": distinct}


def pack_ids(values: Any, order: np.ndarray | None = None) -> dict[str, Any]:
    """Pack event ids: ``prefix`` + integers when they all have that shape, else text.

    With ``order``, the ids taken in that order (the prefix is read from the first
    taken id, as it would be from the reordered column).

    Examples
    --------
    >>> pack_ids(pd.Series(["syn-1", "syn-2"]))
    {'p': 'syn-', 'n': {'t': 'u1', 'b': 'AQI='}}
    >>> pack_ids(pd.Series(["syn-1", "syn-2"]), order=np.array([1, 0]))
    {'p': 'syn-', 'n': {'t': 'u1', 'b': 'AgE='}}
    >>> pack_ids(pd.Series(["a1", "a01"]))
    {'s': ['a1', 'a01']}
    """
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    arr = arrow_text(values)
    idx = np.arange(len(arr), dtype="int64") if order is None else np.asarray(order, dtype="int64")
    first = arr[int(idx[0])].as_py() if len(idx) else None
    match = re.match(r"^(.*?)(0|[1-9][0-9]{0,8})$", first or "")
    if match:
        prefix = match.group(1)
        rest = pc.utf8_slice_codeunits(arr, len(prefix))
        lengths = pc.utf8_length(rest)
        shaped = pc.and_(pc.starts_with(arr, prefix), pc.ascii_is_decimal(rest))
        shaped = pc.and_(shaped, pc.less_equal(lengths, 9))
        padded = pc.and_(pc.starts_with(rest, "0"), pc.greater(lengths, 1))
        ok = pc.fill_null(pc.and_not(shaped, padded), False).to_numpy(zero_copy_only=False)
        if ok.all():  # every id has the shape: convert once, then reorder the integers
            nums = pc.cast(rest, pa.int64()).to_numpy(zero_copy_only=False)[idx]
            return {"p": prefix, "n": pack_ints(nums, offset=True)}
        if ok[idx].all():  # the kept ones have it
            nums = pc.cast(rest.take(pa.array(idx)), pa.int64()).to_numpy(zero_copy_only=False)
            return {"p": prefix, "n": pack_ints(nums, offset=True)}
    return {"s": (arr if order is None else arr.take(pa.array(idx))).to_pylist()}


def _rounded(geom: Any, digits: int) -> Any:
    import shapely

    return shapely.transform(geom, lambda c: np.round(c, digits))


def features(frame: Any, properties: dict[str, Any], *, digits: int = 5) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (coordinates rounded) for a page data block.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Reprojected to EPSG:4326 when it has another CRS.
    properties : dict
        Output property name -> array of values (one per row), already JSON-able
        (None for missing).
    digits : int
        Decimal places kept (5 ≈ 1 m).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(43.123456789, 36.3)], crs=4326)
    >>> features(g, {"name": ["a"]})["features"][0]["geometry"]["coordinates"]
    [43.12346, 36.3]
    """
    import shapely

    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = np.asarray(frame.geometry.values)
    out = []
    for i, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        gj = json.loads(shapely.to_geojson(_rounded(geom, digits)))
        props = {k: _plain(v[i]) for k, v in properties.items()}
        out.append({"type": "Feature", "geometry": gj, "properties": props})
    return {"type": "FeatureCollection", "features": out}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return str(value)


def column(frame: Any, *names: str) -> list[Any]:
    """The first of ``names`` that ``frame`` has, as a list (Nones if none does).

    Examples
    --------
    >>> column(pd.DataFrame({"b": [1]}), "a", "b")
    [1]
    """
    for name in names:
        if name in frame.columns:
            return list(frame[name].astype(object).where(frame[name].notna(), None))
    return [None] * len(frame)


def unpack_ints(packed: dict[str, Any]) -> np.ndarray:
    """Inverse of :func:`pack_ints` (the page does the same in JS).

    Examples
    --------
    >>> unpack_ints(pack_ints(np.array([5, 3, 9]), delta=True)).tolist()
    [5, 3, 9]
    """
    if "c" in packed:
        return np.full(packed["n"], packed["c"], dtype="int64")
    raw = base64.b64decode(packed["b"])
    if packed["t"] == "u3":
        b = np.frombuffer(raw, dtype="u1").reshape(-1, 3).astype("int64")
        arr = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
    else:
        arr = np.frombuffer(raw, dtype="<" + packed["t"]).astype("int64")
    if packed.get("d"):
        arr = np.cumsum(arr)
    return arr + int(packed.get("o", 0))
