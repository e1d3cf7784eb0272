"""Place names to coordinates: the shipped gazetteer of strike-release places, or your own.

A gazetteer is a table with one row per place: ``name`` and ``lat``/``lon`` at least
(header names in any case), and optionally ``place_id``, ``variants`` (other
spellings, separated by ``|``), ``country`` (``IQ``/``SY`` or ``Iraq``/``Syria``),
``accuracy_m`` (radius of the coordinate's uncertainty), ``geonames_id`` and
``source``. A row with empty ``lat`` and ``lon`` is a known place without a sourced
coordinate: it is found by name but not located, so its records are refused as "place
without a sourced coordinate" instead of "unknown place" (and never guessed).

The shipped gazetteer (``data/gazetteer.csv``, provenance in ``data/GAZETTEER.md``)
holds every place the CENTCOM / CJTF-OIR strike releases of 2014–2017 name.

Names are compared after :func:`normalise`: case, diacritics, apostrophes, hyphens and
spaces, and a leading Arabic article ("Al ", "al-", "Ar ", "Ash " …) do not matter;
other spellings must be listed as ``variants``. :func:`lookup` matches many names at
once (one merge, no loop per name) and prefers a place in the country the record
names; a name that is unique in the gazetteer is taken even when the record's country
differs (strikes "near Al Qaim" reported in the Syria section fall just across the
border).
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.vocab import header_key

#: Country names and codes -> the ISO 3166 code the gazetteer uses.
COUNTRY_CODES: dict[str, str] = {
    "iraq": "IQ",
    "iq": "IQ",
    "irq": "IQ",
    "syria": "SY",
    "sy": "SY",
    "syr": "SY",
}
#: The gazetteer's country codes -> the names the releases write.
COUNTRY_NAMES: dict[str, str] = {"IQ": "Iraq", "SY": "Syria"}
#: Reasons :func:`lookup` gives for a name it cannot locate.
UNKNOWN = "unknown place"
AMBIGUOUS = "ambiguous place (several gazetteer entries)"
UNLOCATED = "place without a sourced coordinate"
#: The columns a gazetteer may have; its header names them in any case.
COLUMNS = (
    "place_id", "name", "variants", "country", "lat", "lon", "accuracy_m", "geonames_id", "source",
)  # fmt: skip

_ARTICLE = r"^(?:al|ar|as|at|ad|an|ash|ath|az|el|ul)\s+(?=\S)"


def normalise(names: Any) -> np.ndarray:
    """Comparison keys of place names: "Al-Qa'im", "al Qaim" and "QAIM" give "qaim".

    Parameters
    ----------
    names : str or sequence of str
        Place names; missing values give "".

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> normalise(["Al-Qa'im", "Ar Raqqah", "Dayr Az Zawr", "Ḩadīthah", None]).tolist()
    ['qaim', 'raqqah', 'dayrazzawr', 'hadithah', '']
    """
    values = pd.Series([names] if isinstance(names, str) else list(names), dtype=object)
    text = values.where(values.notna(), "").astype(str)
    text = text.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    text = text.str.lower().str.replace(r"['`]", "", regex=True)
    text = text.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    text = text.str.replace(_ARTICLE, "", regex=True)
    return text.str.replace(" ", "", regex=False).to_numpy(dtype=object).astype(str)


def country_code(values: Any) -> np.ndarray:
    """ISO codes of country names or codes ("Iraq", "iq" -> "IQ"); unknown or missing -> "".

    Examples
    --------
    >>> country_code(["Iraq", "SY", None, "Jordan"]).tolist()
    ['IQ', 'SY', '', 'JORDAN']
    """
    series = pd.Series(list(values), dtype=object)
    text = series.where(series.notna(), "").astype(str).str.strip()
    mapped = text.str.lower().map(COUNTRY_CODES)
    return mapped.fillna(text.str.upper()).to_numpy(dtype=object).astype(str)


def load(gazetteer: Any = None) -> pd.DataFrame:
    """A gazetteer as a checked table.

    Parameters
    ----------
    gazetteer : None, path or DataFrame
        None for the shipped gazetteer; a CSV path or a DataFrame of your own.

    Returns
    -------
    pandas.DataFrame
        Columns ``place_id``, ``name``, ``variants``, ``country`` (ISO codes),
        ``lat``, ``lon``, ``accuracy_m`` (float, NaN where unlocated) and any others
        the table has.

    Raises
    ------
    SourceFormatError
        When ``name``, ``lat`` or ``lon`` is missing, or a row has a latitude or
        longitude that is not a number in range, or only one of them (naming the
        file, the record and the field).

    Examples
    --------
    >>> gaz = load()
    >>> gaz.set_index("place_id").loc["raqqa", ["name", "country"]].tolist()
    ['Ar Raqqah', 'SY']
    >>> bool(gaz.set_index("place_id").loc["kisik", ["lat", "lon"]].isna().all())
    True
    """
    path: object = None
    if gazetteer is None:
        from geoconflict import datasets

        path = datasets.path("gazetteer")
        table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    elif isinstance(gazetteer, (str, os.PathLike)):
        path = gazetteer
        try:
            table = pd.read_csv(gazetteer, dtype=str, keep_default_na=False, na_values=[""])
        except (OSError, ValueError) as exc:
            raise SourceFormatError(f"cannot read the gazetteer: {exc}", path=path) from exc
    else:
        table = pd.DataFrame(gazetteer).copy()
    table = _named(table)
    missing = [c for c in ("name", "lat", "lon") if c not in table.columns]
    if missing:
        raise SourceFormatError(f"gazetteer lacks columns {missing}", path=path)
    table = table.reset_index(drop=True)
    for col, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        raw = table[col]
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = (raw.notna() & num.isna()) | (num < low) | (num > high)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise SourceFormatError(
                f"{raw.iloc[row - 1]!r} is not a {col} in [{low:g}, {high:g}]",
                path=path,
                row=row,
                field=col,
            )
        table[col] = num
    half = table["lat"].isna() != table["lon"].isna()
    if half.any():
        row = int(np.flatnonzero(half.to_numpy())[0]) + 1
        field = "lat" if table["lat"].isna().iloc[row - 1] else "lon"
        raise SourceFormatError(
            "a place needs both lat and lon, or neither", path=path, row=row, field=field
        )
    accuracy = table["accuracy_m"] if "accuracy_m" in table.columns else np.nan
    table["accuracy_m"] = pd.to_numeric(pd.Series(accuracy, index=table.index), errors="coerce")
    if "place_id" not in table.columns:
        table["place_id"] = None
    for col in ("variants", "country"):
        if col not in table.columns:
            table[col] = ""
        table[col] = table[col].astype(object).where(table[col].notna(), "")
    table["country"] = country_code(table["country"])
    table.attrs["gazetteer"] = True
    return table


def _named(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its known columns under their own names, whatever the header's case.

    A column already named exactly keeps its name (and wins over one named otherwise).

    Examples
    --------
    >>> _named(pd.DataFrame(columns=["\\ufeffName", "LAT", "Lon", "Notes"])).columns.tolist()
    ['name', 'lat', 'lon', 'Notes']
    """
    by_key: dict[str, Any] = {}
    for col in table.columns:
        by_key.setdefault(header_key(col), col)
    rename = {
        col: key
        for key, col in by_key.items()
        if key in COLUMNS and col != key and key not in table.columns
    }
    return table.rename(columns=rename) if rename else table


def name_index(gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Every comparison key of every row (name and variants): columns ``key``, ``gaz_row``.

    Examples
    --------
    >>> gaz = pd.DataFrame({"name": ["Ar Raqqah"], "variants": ["Raqqa|Raqqah"]})
    >>> name_index(gaz)["key"].tolist()
    ['raqqah', 'raqqa']
    """
    names = gazetteer["name"].astype(object).where(gazetteer["name"].notna(), "").astype(str)
    if "variants" in gazetteer.columns:
        variants = gazetteer["variants"].astype(object)
        variants = variants.where(variants.notna(), "").astype(str)
    else:
        variants = pd.Series("", index=gazetteer.index)
    every = (names + "|" + variants).str.split("|").explode()
    index = pd.DataFrame({"key": normalise(every), "gaz_row": every.index.to_numpy()})
    return index[index["key"] != ""].drop_duplicates().reset_index(drop=True)


def lookup(names: Any, countries: Any = None, gazetteer: Any = None) -> pd.DataFrame:
    """Locate many place names at once.

    Parameters
    ----------
    names : sequence of str
        Place names as written.
    countries : sequence of str, optional
        The country each name was reported in ("Iraq", "SY" …; missing = any).
    gazetteer : None, path or DataFrame
        As for :func:`load` (an already loaded table is used as is).

    Returns
    -------
    pandas.DataFrame
        One row per name: ``gaz_row`` (row of the gazetteer, -1 when not found),
        ``place_id``, ``lat``, ``lon``, ``accuracy_m``, ``source`` and ``reason``
        ("" when located, else :data:`UNKNOWN`, :data:`AMBIGUOUS` or :data:`UNLOCATED`).

    Examples
    --------
    >>> out = lookup(["Raqqah", "al-Qaim", "Kisik", "Atlantis"], ["Syria", "Syria", None, None])
    >>> out[["place_id", "reason"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['raqqa', ''], ['al_qaim', ''], ['kisik', 'place without a sourced coordinate'],
     [None, 'unknown place']]
    """
    loaded = isinstance(gazetteer, pd.DataFrame) and gazetteer.attrs.get("gazetteer")
    gaz = gazetteer if loaded else load(gazetteer)
    rows_of = _rows_by_key(gaz)
    gaz_country = gaz["country"].to_numpy(dtype=object).astype(str)
    values = pd.Series([names] if isinstance(names, str) else list(names), dtype=object)
    n = len(values)
    wanted = pd.Series(country_code([None] * n if countries is None else countries), dtype=object)
    # Decide once per distinct (name, country), then spread the answers to every name.
    codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([values.fillna(""), wanted]))
    unique_names = [pair[0] for pair in pairs]
    unique_keys = normalise(unique_names)
    pick = np.full(len(pairs), -1, dtype="int64")
    why = np.full(len(pairs), UNKNOWN, dtype=object)
    for u, (key, (_, want)) in enumerate(zip(unique_keys, pairs, strict=True)):
        rows = rows_of.get(key, ())
        same = [r for r in rows if want == "" or gaz_country[r] in ("", want)]
        chosen = same if same else rows
        if len(chosen) == 1:
            pick[u], why[u] = chosen[0], ""
        elif chosen:
            why[u] = AMBIGUOUS
    gaz_row = pick[codes] if n else np.zeros(0, dtype="int64")
    reason = why[codes] if n else np.zeros(0, dtype=object)
    have = gaz_row >= 0
    take = np.where(have, gaz_row, 0)

    def column(name: str, fill: Any) -> np.ndarray:
        if name not in gaz.columns or not len(gaz):
            return np.full(n, fill, dtype=object)
        return np.where(have, gaz[name].to_numpy(dtype=object)[take], fill)

    lat = column("lat", np.nan).astype("float64")
    reason[have & np.isnan(lat)] = UNLOCATED
    return pd.DataFrame(
        {
            "gaz_row": gaz_row,
            "place_id": pd.Series(column("place_id", None), dtype=object),
            "lat": lat,
            "lon": column("lon", np.nan).astype("float64"),
            "accuracy_m": column("accuracy_m", np.nan).astype("float64"),
            "source": pd.Series(column("source", None), dtype=object),
            "reason": pd.Series(reason, dtype=object),
        }
    )


def _rows_by_key(gazetteer: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Comparison key -> the gazetteer rows that carry it (cached per table content)."""
    names = tuple(gazetteer["name"].astype(object).where(gazetteer["name"].notna(), "").astype(str))
    variants = tuple(gazetteer["variants"].astype(str)) if "variants" in gazetteer else ()
    return _key_table(names, variants)


@functools.lru_cache(maxsize=16)
def _key_table(names: tuple[str, ...], variants: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    frame = pd.DataFrame({"name": list(names)})
    if variants:
        frame["variants"] = list(variants)
    table: dict[str, tuple[int, ...]] = {}
    for key, row in zip(*name_index(frame).to_dict("list").values(), strict=True):
        table[key] = (*table.get(key, ()), int(row))
    return table
