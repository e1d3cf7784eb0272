"""Generic tables: an analyst's own spreadsheet of dates and coordinates or grid references.

Columns are taken from a mapping (``columns={"date_start": "Date", "mgrs": "Grid"}``,
contract name → column in the file) or found by name: ``lat``/``latitude``/``y`` and
``lon``/``lng``/``longitude``/``x``; a single ``coordinates`` column holding
"36.34, 43.13"; ``mgrs``/``grid``/``grid_ref``; ``date``/``date_start``/``event_date`` …
Coordinates may be decimal degrees or degrees-minutes-seconds. A row with empty
coordinates but a grid reference is located from the grid (through
:mod:`geoconflict.grid`); its cell size sets ``location_precision_m``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.events import EVENT_DTYPES
from geoconflict.sources.columns import as_text, blank, frame_from, text_or_none
from geoconflict.sources.coordinates import locate_latlon, locate_mgrs, split_pair
from geoconflict.sources.datetimes import DayFirst, end_dates, parse_date_columns
from geoconflict.sources.numbers import parse_count, parse_range
from geoconflict.sources.rejects import Problems
from geoconflict.vocab import GRADINGS, KINDS, header_key

#: Contract column (or helper name) -> header names recognised for it (normalised).
ALIASES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "y", "lat_dd", "latitude_dd"),
    "lon": ("lon", "lng", "long", "longitude", "x", "lon_dd", "longitude_dd"),
    "coordinates": ("coordinates", "coords", "coordinate", "latlon", "lat_lon", "lat_long",
                    "latlong", "location_coordinates", "position"),
    "mgrs": ("mgrs", "grid", "grid_ref", "gridref", "grid_reference", "mgrs_grid",
             "mgrs_coordinate", "mgrs_ref"),
    "event_id": ("event_id", "id", "code", "incident_id", "incident_code"),
    "date_start": ("date_start", "date", "start_date", "event_date", "day", "date_from"),
    "date_end": ("date_end", "end_date", "date_to"),
    "place": ("place", "location", "location_name", "place_name", "town", "village"),
    "kind": ("kind", "type", "event_kind"),
    "actor": ("actor", "belligerent", "perpetrator"),
    "target": ("target", "targets"),
    "strikes": ("strikes", "strike_count", "n_strikes"),
    "civilians_killed": ("civilians_killed", "civilian_deaths", "civcas", "killed"),
    "civilians_killed_min": ("civilians_killed_min", "killed_min"),
    "civilians_killed_max": ("civilians_killed_max", "killed_max"),
    "fatalities": ("fatalities", "deaths"),
    "grading": ("grading", "grade", "assessment_grade"),
    "source": ("source", "sources"),
    "source_url": ("source_url", "url", "link"),
    "notes": ("notes", "note", "description", "summary", "comments"),
    "location_precision_m": ("location_precision_m", "precision_m", "accuracy_m"),
    "dataset": ("dataset",),
    "mgrs_precision": (),
}  # fmt: skip

#: Names accepted on the left of a ``columns`` mapping.
MAPPABLE: tuple[str, ...] = tuple(k for k in ALIASES if k != "mgrs_precision")


def _norm(name: object) -> str:
    return re.sub(r"[\s\-/.]+", "_", header_key(name))


def find_location_columns(columns: Sequence[str]) -> dict[str, str]:
    """The columns that locate rows: lat/lon, a coordinate pair or a grid reference.

    Examples
    --------
    >>> find_location_columns(["Date", "Latitude", "Longitude"])
    {'lat': 'Latitude', 'lon': 'Longitude'}
    >>> find_location_columns(["When", "Grid Ref"])
    {'mgrs': 'Grid Ref'}
    """
    found = resolve_columns(columns, None)
    out: dict[str, str] = {k: found[k] for k in ("lat", "lon", "coordinates", "mgrs") if k in found}
    if ("lat" in out) != ("lon" in out):
        out.pop("lat", None)
        out.pop("lon", None)
    return out


def resolve_columns(
    columns: Sequence[str], mapping: Mapping[str, str] | None, *, path: object = None
) -> dict[str, str]:
    """Contract name -> column of the file: the user's mapping first, then the aliases.

    Raises
    ------
    SourceFormatError
        When the mapping names an unknown contract column or a column not in the file.
    """
    present = {_norm(c): c for c in columns}
    exact = set(columns)
    out: dict[str, str] = {}
    for dst, src in (mapping or {}).items():
        if dst not in MAPPABLE:
            raise SourceFormatError(
                f"cannot map to {dst!r}; mappable names are {', '.join(MAPPABLE)}", path=path
            )
        if src in exact:
            out[dst] = src
        elif _norm(src) in present:
            out[dst] = present[_norm(src)]
        else:
            raise SourceFormatError(
                f"column {src!r} (mapped to {dst!r}) is not in the file; columns are "
                f"{list(columns)}",
                path=path,
            )
    taken = set(out.values())
    for dst, names in ALIASES.items():
        if dst in out:
            continue
        for name in names:
            found = present.get(name)
            if found is not None and found not in taken:
                out[dst] = found
                taken.add(found)
                break
    return out


def convert(
    frame: pd.DataFrame,
    problems: Problems,
    *,
    columns: Mapping[str, str] | None = None,
    geometry: Any = None,
    path: object = None,
    dataset: str = "csv",
    dayfirst: DayFirst = None,
) -> pd.DataFrame:
    """Turn a generic table (text columns) into contract columns; bad values go to ``problems``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The records, as text.
    problems : Problems
        Collects the rejects.
    columns : mapping, optional
        Contract name -> column of the file; the rest are found by name.
    geometry : GeoSeries, optional
        Point geometries read with the table (GeoJSON, GeoPackage), used when the
        table has no coordinate columns.
    path : str, optional
        For messages.
    dataset : str, default "csv"
        The ``dataset`` value of the rows.
    dayfirst : bool or None, default None
        The day/month order of slash/dot dates, shared by ``date_start`` and
        ``date_end``; None infers it from both (see
        :func:`~geoconflict.sources.datetimes.parse_dates`).

    Examples
    --------
    >>> p = Problems(np.arange(1, 3))
    >>> t = pd.DataFrame({"When": ["2017-03-17", "2017-03-18"], "Where": ["36.33, 43.10", "x"]})
    >>> out = convert(t, p, columns={"date_start": "When", "coordinates": "Where"})
    >>> out["lat"].tolist()[0], p.frame()["reason"].tolist()
    (36.33, ['not a coordinate pair'])
    """
    cols = resolve_columns(list(frame.columns), columns, path=path)
    has_geom = geometry is not None and bool(geometry.notna().any())
    if not ({"lat", "lon"} <= cols.keys() or "coordinates" in cols or "mgrs" in cols or has_geom):
        raise SourceFormatError(
            "no location columns: expected lat/lon, a coordinates column or an MGRS grid column"
            f" (columns are {list(frame.columns)}); pass columns={{'lat': ..., 'lon': ...}}",
            path=path,
        )
    if "date_start" not in cols:
        raise SourceFormatError(
            f"no date column (columns are {list(frame.columns)});"
            " pass columns={'date_start': ...}",
            path=path,
        )
    n = len(frame)
    out: dict[str, Any] = {}

    def col(name: str) -> pd.Series:
        return as_text(frame[cols[name]])

    out["event_id"] = text_or_none(col("event_id")) if "event_id" in cols else None
    out["dataset"] = text_or_none(col("dataset")).fillna(dataset) if "dataset" in cols else dataset
    has_end = "date_end" in cols
    dates = parse_date_columns(
        col("date_start"), *([col("date_end")] if has_end else []), dayfirst=dayfirst
    )
    start, why = dates[0]
    problems.add_reasons(why, cols["date_start"], col("date_start"))
    out["date_start"] = start
    if has_end:
        out["date_end"] = end_dates(start, dates[1], problems, cols["date_end"], col("date_end"))
    else:
        out["date_end"] = start
    out["date_precision"] = "day"

    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    precision = np.full(n, np.nan)
    if "location_precision_m" in cols:
        ptext = col("location_precision_m")
        pval = pd.to_numeric(ptext, errors="coerce").to_numpy(dtype="float64")
        bad = ~blank(ptext) & ~(pval >= 0)
        problems.add(bad, cols["location_precision_m"], ptext, "not a non-negative number")
        precision = np.where(bad, np.nan, pval)
    located = np.zeros(n, dtype=bool)
    if "lat" in cols and "lon" in cols:
        lat_t, lon_t = col("lat"), col("lon")
        given = ~(blank(lat_t) & blank(lon_t))
        check = given if "mgrs" in cols or has_geom else None
        la, lo = locate_latlon(lat_t, lon_t, problems, cols["lat"], cols["lon"], check_rows=check)
        lat, lon, located = la, lo, given
    elif "coordinates" in cols:
        pair = col("coordinates")
        given = ~blank(pair)
        a, b = split_pair(pair)
        unsplit = given & (a == "").to_numpy()
        problems.add(unsplit, cols["coordinates"], pair, "not a coordinate pair")
        check = given & ~unsplit
        if "mgrs" not in cols and not has_geom:
            problems.add(~given, cols["coordinates"], pair, "missing coordinate")
        la, lo = locate_latlon(
            a, b, problems, cols["coordinates"], cols["coordinates"], check_rows=check
        )
        lat, lon, located = la, lo, given
    out["mgrs"] = None
    gx, gy, gwhy = np.full(n, np.nan), np.full(n, np.nan), np.full(n, "", dtype=object)
    if has_geom:
        gx, gy, gwhy = _points(geometry)
    geom_ok = (gwhy == "") & has_geom
    if "mgrs" in cols:
        refs = col("mgrs")
        need = ~located & ~geom_ok
        glat, glon, canonical, gprec = locate_mgrs(refs, problems, cols["mgrs"], need=need)
        use = ~located & ~blank(refs)
        lat = np.where(use, glat, lat)
        lon = np.where(use, glon, lon)
        precision = np.where(use & np.isnan(precision), gprec, precision)
        out["mgrs"] = canonical
        located = located | use
    if has_geom:
        use = ~located
        problems.add(use & ~geom_ok, "geometry", gwhy, gwhy)
        lat = np.where(use, gy, lat)
        lon = np.where(use, gx, lon)
    out["lat"] = lat
    out["lon"] = lon
    out["location_precision_m"] = precision

    for name in ("place", "actor", "target", "source", "source_url", "notes"):
        out[name] = text_or_none(col(name)) if name in cols else None
    if "kind" in cols:
        kind_text = col("kind")
        kind = kind_text.str.strip().str.lower()
        bad = ~kind.isin(list(KINDS)).to_numpy() & ~blank(kind_text)
        problems.add(bad, cols["kind"], kind_text, f"kind not one of {', '.join(KINDS)}")
        out["kind"] = np.where(blank(kind_text), "other", kind.to_numpy(dtype=object))
    else:
        out["kind"] = "other"
    if "grading" in cols:
        gtext = col("grading")
        grading = gtext.str.strip().str.lower()
        bad = ~grading.isin(list(GRADINGS)).to_numpy() & ~blank(gtext)
        problems.add(bad, cols["grading"], gtext, f"grading not one of {', '.join(GRADINGS)}")
        out["grading"] = np.where(blank(gtext), None, grading.to_numpy(dtype=object))
    else:
        out["grading"] = None
    for name in ("strikes", "fatalities", "civilians_killed_min", "civilians_killed_max"):
        if name in cols:
            values, why = parse_count(col(name))
            problems.add_reasons(why, cols[name], col(name))
            out[name] = values
        else:
            out[name] = pd.array([pd.NA] * n, dtype="Int64")
    if "civilians_killed" in cols and not (
        "civilians_killed_min" in cols or "civilians_killed_max" in cols
    ):
        lo_k, hi_k, why = parse_range(col("civilians_killed"))
        problems.add_reasons(why, cols["civilians_killed"], col("civilians_killed"))
        out["civilians_killed_min"] = lo_k.to_numpy()
        out["civilians_killed_max"] = hi_k.to_numpy()
    kept = {k: v for k, v in out.items() if k in EVENT_DTYPES or k in ("lat", "lon")}
    return frame_from(kept, frame.index)


def _points(geometry: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    import shapely

    geoms = np.asarray(geometry, dtype=object)
    kinds = shapely.get_type_id(geoms)
    why = np.where(
        kinds == 0, "", np.where(kinds < 0, "missing geometry", "geometry is not a point")
    )
    empty = (kinds == 0) & shapely.is_empty(geoms)
    why = np.where(empty, "missing geometry", why).astype(object)
    x = np.full(len(geoms), np.nan)
    y = np.full(len(geoms), np.nan)
    ok = why == ""
    if ok.any():
        x[ok] = shapely.get_x(geoms[ok])
        y[ok] = shapely.get_y(geoms[ok])
    return x, y, why
