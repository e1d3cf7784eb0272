"""Locations written as text: decimal degrees, degrees-minutes-seconds, pairs and MGRS grids.

:func:`parse_degrees` reads one coordinate per value ("36.34", "36°20'24\"N",
"N 36 20 24"); :func:`split_pair` splits "lat, lon" text; :func:`locate_latlon`
checks a latitude and a longitude column into a :class:`~.rejects.Problems`;
:func:`precision_m` maps a format's location precision codes to metres;
:func:`locate_mgrs` locates rows at the centre of their MGRS grid cell.
Degrees-minutes-seconds text is understood by neither pyproj nor pandas, so it is
parsed here, vectorised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geoconflict.sources.columns import as_text, blank, lookup
from geoconflict.sources.rejects import Problems

_DMS = re.compile(
    r"""^\s*(?P<h1>[NSEWnsew])?\s*
    (?P<deg>\d{1,3}(?:\.\d+)?)\s*(?:[°º˚d:]|\s)\s*
    (?:(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:['′’m:]|\s)\s*)?
    (?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:["″”s]|''|′′)?\s*)?
    (?P<h2>[NSEWnsew])?\s*$""",
    re.VERBOSE,
)
_DEG_HEMI = re.compile(
    r"^\s*(?P<h1>[NSEWnsew])?\s*(?P<deg>[+-]?\d{1,3}(?:\.\d+)?)\s*°?\s*(?P<h2>[NSEWnsew])?\s*$"
)


def parse_degrees(series: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse one coordinate per element: decimal degrees or degrees-minutes-seconds.

    Parameters
    ----------
    series : pandas.Series
        Text (or numbers).
    axis : {"lat", "lon"}
        Sets the allowed range and hemisphere letters (N/S or E/W).

    Returns
    -------
    (numpy.ndarray of float64, numpy.ndarray of str reasons)
        Reasons: "missing coordinate", "not a number", "latitude out of range",
        "longitude out of range", "wrong hemisphere letter", "minutes or seconds ≥ 60".

    Examples
    --------
    >>> text = pd.Series(["36.34", "36°20'24\\"N", "36 20 24 S", "", "abc", "91"])
    >>> v, why = parse_degrees(text, "lat")
    >>> v[:3].round(4).tolist(), why[3:].tolist()
    ([36.34, 36.34, -36.34], ['missing coordinate', 'not a number', 'latitude out of range'])
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        reason = np.full(len(values), "", dtype=object)
        reason[np.isnan(values)] = "missing coordinate"
        return _check_range(values, reason, axis)
    fast = _fast_float(series)
    if fast is not None:
        reason = np.full(len(fast), "", dtype=object)
        return _check_range(fast, reason, axis)
    text = as_text(series).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", copy=True)
    reason = np.full(len(values), "", dtype=object)
    empty = (text == "").to_numpy()
    reason[empty] = "missing coordinate"
    todo = np.isnan(values) & ~empty
    if todo.any():
        sub = text[todo]
        literal_nan = sub.str.lower().isin(["nan", "na", "n/a", "null", "none"]).to_numpy()
        dval, dwhy = _parse_dms(sub, axis)
        idx = np.flatnonzero(todo)
        values[idx] = dval
        dwhy[literal_nan] = "missing coordinate"
        reason[idx] = dwhy
    return _check_range(values, reason, axis)


def _fast_float(series: pd.Series) -> np.ndarray | None:
    """Arrow's cast of a clean text column of decimals (None when any value needs the slow path)."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(pa.array(series.array), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return None
    if not np.isfinite(values).all():
        return None
    return np.asarray(values, dtype="float64")


def _parse_dms(text: pd.Series, axis: str) -> tuple[np.ndarray, np.ndarray]:
    out = np.full(len(text), np.nan)
    reason = np.full(len(text), "not a number", dtype=object)
    allowed = "NS" if axis == "lat" else "EW"
    simple = text.str.extract(_DEG_HEMI)
    parts = text.str.extract(_DMS)
    deg = pd.to_numeric(parts["deg"], errors="coerce").to_numpy(dtype="float64")
    mins = pd.to_numeric(parts["min"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    secs = pd.to_numeric(parts["sec"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    hemi = parts["h1"].fillna(parts["h2"]).fillna("").str.upper()
    both = parts["h1"].notna() & parts["h2"].notna()
    sdeg = pd.to_numeric(simple["deg"], errors="coerce").to_numpy(dtype="float64")
    shemi = simple["h1"].fillna(simple["h2"]).fillna("").str.upper()
    use_simple = ~np.isnan(sdeg)
    deg = np.where(use_simple, sdeg, deg)
    mins = np.where(use_simple, 0.0, mins)
    secs = np.where(use_simple, 0.0, secs)
    hemi_arr = np.where(use_simple, shemi.to_numpy(dtype=object), hemi.to_numpy(dtype=object))
    got = ~np.isnan(deg)
    value = np.abs(deg) + mins / 60.0 + secs / 3600.0
    value = np.where(use_simple & (sdeg < 0), -value, value)
    south_west = np.isin(hemi_arr, ["S", "W"])
    value = np.where(south_west, -np.abs(value), value)
    out[got] = value[got]
    reason[got] = ""
    bad_letter = got & (hemi_arr != "") & ~np.isin(hemi_arr, list(allowed))
    bad_letter |= got & both.to_numpy()
    reason[bad_letter] = "wrong hemisphere letter"
    reason[got & ((mins >= 60) | (secs >= 60))] = "minutes or seconds ≥ 60"
    out[reason != ""] = np.nan
    return out, reason


def _check_range(
    values: np.ndarray, reason: np.ndarray, axis: str
) -> tuple[np.ndarray, np.ndarray]:
    limit = 90.0 if axis == "lat" else 180.0
    with np.errstate(invalid="ignore"):
        out = (reason == "") & ~(np.abs(values) <= limit)
    reason[out & np.isnan(values)] = "not a number"
    reason[out & np.isinf(values)] = "not a finite number"
    out &= ~np.isinf(values)
    reason[out & ~np.isnan(values)] = (
        "latitude out of range" if axis == "lat" else "longitude out of range"
    )
    values = np.where(reason == "", values, np.nan)
    return values, reason


_PAIR_SEP = re.compile(r"^\s*(?P<a>.+?)\s*[,;/]\s*(?P<b>.+?)\s*$")
_PAIR_HEMI = re.compile(r"^\s*(?P<a>.+?[NSns])\s+(?P<b>.+?)\s*$")
_PAIR_SPACE = re.compile(r"^\s*(?P<a>[+-]?\d+(?:\.\d+)?)\s+(?P<b>[+-]?\d+(?:\.\d+)?)\s*$")


def split_pair(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split "lat, lon" text (comma, semicolon, slash or space between) into two columns.

    Examples
    --------
    >>> a, b = split_pair(pd.Series(["36.34, 43.13", "36°20'N 43°07'E", "36.3 43.1", "x"]))
    >>> a.tolist(), b.tolist()
    (['36.34', "36°20'N", '36.3', ''], ['43.13', "43°07'E", '43.1', ''])
    """
    text = as_text(series)
    a = pd.Series("", index=series.index, dtype="str")
    b = pd.Series("", index=series.index, dtype="str")
    for pattern in (_PAIR_SEP, _PAIR_HEMI, _PAIR_SPACE):
        todo = (a == "").to_numpy()
        if not todo.any():
            break
        got = text[todo].str.extract(pattern)
        ok = got["a"].notna().to_numpy()
        idx = text.index[todo][ok]
        a.loc[idx] = got["a"][ok].to_numpy()
        b.loc[idx] = got["b"][ok].to_numpy()
    return a, b


def locate_latlon(
    lat_text: pd.Series,
    lon_text: pd.Series,
    problems: Problems,
    lat_field: str,
    lon_field: str,
    *,
    check_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse a latitude and a longitude column, recording bad values in ``problems``.

    ``check_rows`` (a boolean mask) limits which rows are checked (others are
    located another way, for example from an MGRS grid). A pair ``0, 0`` is
    rejected: it is the usual placeholder for "no location".

    Examples
    --------
    >>> p = Problems(np.arange(1, 4))
    >>> lat, lon = locate_latlon(pd.Series(["36.3", "0", "x"]), pd.Series(["43.1", "0", "43"]),
    ...                          p, "latitude", "longitude")
    >>> lat.tolist()[0], p.frame()[["row", "reason"]].values.tolist()
    (36.3, [[2, 'coordinates 0, 0'], [3, 'not a number']])
    """
    lat, lat_why = parse_degrees(lat_text, "lat")
    lon, lon_why = parse_degrees(lon_text, "lon")
    mask = np.ones(len(lat), dtype=bool) if check_rows is None else np.asarray(check_rows, bool)
    lat_why = np.where(mask, lat_why, "")
    lon_why = np.where(mask, lon_why, "")
    problems.add_reasons(lat_why, lat_field, lat_text)
    problems.add_reasons(lon_why, lon_field, lon_text)
    zero = mask & (lat == 0) & (lon == 0)
    problems.add(zero, lat_field, as_text(lat_text) + ", " + as_text(lon_text), "coordinates 0, 0")
    return lat, lon


def precision_m(
    codes: pd.Series,
    table: Mapping[str, float],
    problems: Problems,
    field: str,
    reason: str,
    *,
    check_rows: np.ndarray | None = None,
) -> np.ndarray:
    """A location precision code column as a radius in metres, through ``table``.

    A blank code is NaN (no precision stated), an unknown one NaN and a reject
    (``reason``) — only in ``check_rows`` (a boolean mask) when given.

    Examples
    --------
    >>> p = Problems(np.arange(1, 4))
    >>> precision_m(pd.Series(["1", "", "9"]), {"1": 2000.0}, p, "geo_precision", "not 1").tolist()
    [2000.0, nan, nan]
    >>> p.frame()[["row", "reason"]].values.tolist()
    [[3, 'not 1']]
    """
    metres = lookup(codes, table, np.nan).astype("float64")
    bad = np.isnan(metres) & ~blank(codes)
    if check_rows is not None:
        bad &= np.asarray(check_rows, dtype=bool)
    problems.add(bad, field, codes, reason)
    return metres


def locate_mgrs(
    refs: pd.Series, problems: Problems, field: str, *, need: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Locate rows from MGRS references through :func:`geoconflict.grid.parse` (cell centre).

    Rows where ``need`` is true must have a valid grid (a bad or empty one is a
    reject); elsewhere the grid is only recorded (canonical form) when valid.

    Returns
    -------
    (lat, lon, canonical mgrs (None where invalid), location_precision_m)

    Examples
    --------
    >>> p = Problems(np.arange(1, 3))
    >>> refs = pd.Series(["38SLF2939918898", "38SLF293"])
    >>> lat, lon, canonical, precision = locate_mgrs(refs, p, "grid", need=np.ones(2, bool))
    >>> lat.round(3).tolist(), canonical.tolist(), p.frame()["row"].tolist()
    ([36.3, nan], ['38SLF2939918898', None], [2])
    """
    from geoconflict import grid

    n = len(refs)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    prec = np.full(n, np.nan)
    canonical = np.full(n, None, dtype=object)
    given = ~blank(refs)
    need = np.asarray(need, dtype=bool)
    problems.add(need & ~given, field, refs, "missing grid reference")
    idx = np.flatnonzero(given)
    if len(idx) == 0:
        return lat, lon, canonical, prec
    sub = refs.iloc[idx].str.strip()
    parsed = grid.parse(sub.to_numpy(dtype=object), anchor="center")
    error = parsed["error"].fillna("").astype(str).to_numpy(dtype=object)
    ok = error == ""
    why = np.full(n, "", dtype=object)
    why[idx] = np.where(ok, "", "bad MGRS: " + error.astype(str))
    problems.add(need & (why != ""), field, refs, why)
    good = idx[ok]
    if len(good):
        lat[good] = parsed["lat"].to_numpy(dtype="float64")[ok]
        lon[good] = parsed["lon"].to_numpy(dtype="float64")[ok]
        canonical[good] = parsed["canonical"].to_numpy(dtype=object)[ok]
        prec[good] = np.asarray(
            grid.uncertainty_m(parsed["precision_m"].to_numpy(dtype="float64")[ok]),
            dtype="float64",
        )
    return lat, lon, canonical, prec
