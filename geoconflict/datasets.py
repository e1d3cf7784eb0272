"""The data files geoconflict ships: study areas, territory, places, incidents, figures.

Files are found through :mod:`importlib.resources`: in an installed wheel they
sit in ``geoconflict/data/`` inside the package (``pyproject.toml``
force-includes the repository's ``data/`` there); in a development checkout
the repository's top-level ``data/`` is used. ``data/README.md`` says where
every value comes from and how accurate it is. The files are derived, byte for
byte, by ``tools/make_data.py`` from the sourced tables in ``data/sources/``
(plain CSV and GeoJSON with their ``source`` columns), which ship alongside.

Each file is read once per process and cached; :func:`load` returns a fresh
copy on every call, so callers may modify what they get.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoconflict.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

#: Dataset name -> file name in the data folder.
FILES: dict[str, str] = {
    "areas": "areas.geojson",
    "rivers": "rivers.geojson",
    "territory": "territory.geojson",
    "context": "context.geojson",
    "places": "places.csv",
    "gazetteer": "gazetteer.csv",
    "incidents": "incidents.csv",
    "incidents_unlocated": "incidents_unlocated.csv",
    "strikes": "strikes.csv",
    "strikes_rejects": "strikes_rejects.csv",
    "weapons_monthly": "weapons_monthly.csv",
    "weapons_annual": "weapons_annual.csv",
    "weapons_periods": "weapons_periods.csv",
    "casualty_periods": "casualty_periods.csv",
}

#: Columns parsed as dates, per dataset.
_DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "territory": ("contested_from", "cleared_on"),
    "weapons_monthly": ("month",),
    "weapons_periods": ("period_start", "period_end"),
    "casualty_periods": ("start", "end"),
    "strikes": ("release_date",),
}
#: Nullable integer columns, per dataset.
_INT_COLUMNS: dict[str, tuple[str, ...]] = {
    "places": ("geonames_id",),
    "weapons_monthly": ("weapons",),
    "weapons_annual": ("year", "weapons"),
    "weapons_periods": ("weapons",),
    "casualty_periods": ("civilians_killed", "per_month"),
    "strikes": ("compilation_row",),
}
#: Boolean columns written as true/false, per dataset.
_BOOL_COLUMNS: dict[str, tuple[str, ...]] = {
    "places": ("protected",),
    "incidents": ("verified",),
}


def names() -> list[str]:
    """The names :func:`load` accepts.

    Returns
    -------
    list of str

    Examples
    --------
    >>> "places" in names() and "territory" in names()
    True
    """
    return list(FILES)


def _data_dir() -> Path:
    packaged = importlib.resources.files("geoconflict") / "data"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "data"
    if checkout.is_dir():
        return checkout
    raise DataError(f"geoconflict's data folder is missing: looked in {packaged} and {checkout}")


def path(name: str) -> Path:
    """The file that holds dataset ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        For an unknown name, or when the file is missing.

    Examples
    --------
    >>> path("places").name
    'places.csv'
    """
    try:
        filename = FILES[name]
    except KeyError:
        raise DataError(f"unknown dataset {name!r}; choose one of {names()}") from None
    file = _data_dir() / filename
    if not file.is_file():
        raise DataError(f"dataset {name!r}: file {file} is missing")
    return file


def load(name: str) -> Any:
    """Load a shipped dataset.

    Parameters
    ----------
    name : str
        ``"areas"``, ``"rivers"``, ``"territory"``, ``"context"`` (GeoDataFrames in
        EPSG:4326); ``"places"`` (a GeoDataFrame of points that keeps ``lat`` and
        ``lon``); ``"incidents"`` (an event table following the column contract of
        :mod:`geoconflict.events`, plus ``verified`` and ``area_id``);
        ``"weapons_monthly"``, ``"weapons_annual"``, ``"weapons_periods"``,
        ``"casualty_periods"`` (DataFrames). See :func:`names`.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A fresh copy on every call. Date columns are ``datetime64[ns]``; counts
        are nullable ``Int64`` (a month with no published figure is missing, not 0).

    Raises
    ------
    DataError
        For an unknown name, or a missing file.

    Examples
    --------
    >>> w = load("weapons_monthly")
    >>> int(w.loc[w["month"] == "2017-08-01", "weapons"].iloc[0])
    5075
    >>> load("areas").set_index("area_id").loc["mosul_east", "parent"]
    'mosul'
    >>> ev = load("incidents")
    >>> int(ev.set_index("event_id").loc["CI550", "civilians_killed_min"])
    105
    """
    return _read(name).copy()


@functools.cache
def _read(name: str) -> pd.DataFrame:
    import pandas as pd

    file = path(name)
    if file.suffix == ".geojson":
        import geopandas as gpd

        frame: pd.DataFrame = gpd.read_file(file)
        if frame.crs is None:
            frame = frame.set_crs("EPSG:4326")
    else:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    for col in _DATE_COLUMNS.get(name, ()):
        frame[col] = pd.to_datetime(frame[col], errors="raise").astype("datetime64[ns]")
    for col in _INT_COLUMNS.get(name, ()):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    for col in _BOOL_COLUMNS.get(name, ()):
        frame[col] = _booleans(frame[col], file, col)
    for col in ("lat", "lon", "accuracy_m", "location_precision_m", "per_month_computed"):
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
    if name == "places":
        import geopandas as gpd

        frame = gpd.GeoDataFrame(
            frame,
            geometry=gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"])).where(
                frame["lat"].notna()  # a place without a sourced coordinate has no point
            ),
            crs="EPSG:4326",
        )
    elif name in ("incidents", "strikes"):
        from geoconflict.events import conform

        frame = conform(frame)
    return frame


def _booleans(values: pd.Series, file: Path, col: str) -> pd.Series:
    text = values.astype(str).str.strip().str.lower()
    bad = ~text.isin(["true", "false"])
    if bad.any():
        row = int(bad.to_numpy().argmax()) + 1
        raise DataError(f"{file}: record {row}, field {col!r}: expected true/false")
    return text == "true"
