"""CJTF-OIR strike releases: one event per "-- Near PLACE, N strikes …" line.

A release reads like::

    SOUTHWEST ASIA, Aug. 22, 2017 — On Aug. 21, Coalition military forces conducted
    29 strikes consisting of 38 engagements against ISIS targets in Syria and Iraq.
    In Syria, Coalition military forces conducted 25 strikes …
    -- Near Raqqah, 20 strikes engaged 13 ISIS tactical units and destroyed 24 fighting
    positions, a vehicle …
    Additionally, 13 strikes were conducted in Syria on Aug. 20 that closed within the
    last 24 hours.
    -- On Aug. 19 near Raqqa, a strike destroyed an ISIS vehicle.

Each strike line gives an event on the date in force: its own ("-- On Aug. 19 near"),
else the late-report paragraph's ("… on Aug. 20 that closed within the last 24 hours"),
else the release's ("On Aug. 21, …"), else the dateline. The country is the line's own
("Near Raqqah, Syria, …") or the section's ("In Syria, …"). ``strikes`` reads numbers in
words or digits ("a strike", "three strikes", "20 strikes"); what was engaged or
destroyed is kept verbatim in ``target``, the whole line in ``notes``. PLACE is looked
up in a gazetteer (the shipped ``places`` by default) by name and spelling variants,
ignoring case and punctuation; an unknown or ambiguous place is a reject, never a guess.
A record is a strike line: the ledger's ``row`` counts strike lines (1 = the first one in
the text) and ``value`` holds the place, count or whole line that was refused.

Written by hand: no library parses these releases. Releases are short texts, so the
lines are read one by one.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
import pandas as pd

from geoconflict.errors import SourceFormatError
from geoconflict.events import content_id
from geoconflict.sources.rejects import Problems

#: "Near X" locates a strike somewhere around the place: the radius used when the
#: gazetteer's own accuracy is finer than this.
NEAR_PLACE_RADIUS_M = 10_000.0

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<{0}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FULL_DATE = re.compile(_MONTH.format("m") + r"\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})")
_ON_DATE = re.compile(r"\bOn\s+" + _MONTH.format("m") + r"\s+(?P<d>\d{1,2})\b(?!,?\s+\d{4})")
_LATE = re.compile(
    r"\bAdditionally\b.*?\bon\s+" + _MONTH.format("m") + r"\s+(?P<d>\d{1,2})\b.*?\bclosed\b",
    re.IGNORECASE,
)
_SECTION = re.compile(r"^\s*In\s+(?P<c>Syria|Iraq)\s*,", re.IGNORECASE)
_RECORD = re.compile(r"^\s*(?:--|—|–|-)\s*(?:Near|On)\b", re.IGNORECASE)
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_COUNT = (
    r"(?P<n>\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|[a-z]+)"
)
_LINE = re.compile(
    r"^\s*(?:--|—|–|-)\s*(?:On\s+" + _MONTH.format("m") + r"\s+(?P<d>\d{1,2}),?\s+near|Near)\s+"
    r"(?P<place>.+?),\s*(?:(?P<country>Syria|Iraq),\s*)?"
    + _COUNT
    + r"\s+strikes?\b,?\s*(?P<effects>.*?)\s*$",
    re.IGNORECASE,
)
_COUNTRY_CODES = {"syria": {"syria", "sy", "syr"}, "iraq": {"iraq", "iq", "irq"}}


def normalise_place(name: object) -> str:
    """Lower-case a place name and drop punctuation: "Al Qa'im" and "al-Qaim" → "al qaim".

    Examples
    --------
    >>> normalise_place("Al Qa'im"), normalise_place("AR-RAQQAH"), normalise_place("Al Qaim")
    ('al qaim', 'ar raqqah', 'al qaim')
    """
    text = str(name).lower()
    text = re.sub(r"['’‘`ʿʾ´]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _number(word: str) -> int | None:
    w = word.lower().replace("-", " ")
    if w.isdigit():
        return int(w)
    total = 0
    for part in w.split():
        if part not in _WORD_NUMBERS:
            return None
        total += _WORD_NUMBERS[part]
    return total


def _date(month: str, day: str, year: int, not_after: pd.Timestamp | None) -> pd.Timestamp | None:
    try:
        ts = pd.Timestamp(year=year, month=_MONTHS[month.lower().rstrip(".")[:3]], day=int(day))
    except (ValueError, KeyError):
        return None
    if not_after is not None and ts > not_after:
        ts = ts - pd.DateOffset(years=1)
    return ts


def load_gazetteer(gazetteer: Any = None) -> pd.DataFrame:
    """The gazetteer as a table: a DataFrame, a CSV path, or None for the shipped ``places``."""
    if gazetteer is None:
        from geoconflict import datasets

        table = datasets.load("places")
    elif isinstance(gazetteer, (str, os.PathLike)):
        table = pd.read_csv(gazetteer, dtype={"variants": "str", "name": "str"})
    else:
        table = gazetteer
    table = pd.DataFrame(table)
    missing = [c for c in ("name", "lat", "lon") if c not in table.columns]
    if missing:
        raise SourceFormatError(f"gazetteer lacks columns {missing}")
    return table.reset_index(drop=True)


def _name_index(gaz: pd.DataFrame) -> pd.DataFrame:
    names = gaz["name"].astype(object).where(gaz["name"].notna(), "").astype(str)
    variants = (
        gaz["variants"].astype(object).where(gaz["variants"].notna(), "").astype(str)
        if "variants" in gaz.columns
        else pd.Series("", index=gaz.index)
    )
    all_names = (names + "|" + variants).str.split("|")
    long = all_names.explode()
    index = pd.DataFrame({"key": long.map(normalise_place), "gaz_row": long.index})
    return index[index["key"] != ""].drop_duplicates()


def read_release_text(
    text: str, *, gazetteer: Any = None, source: str | None = None, source_url: str | None = None
) -> tuple[pd.DataFrame, Problems, int]:
    """Parse release text into contract columns (plus lat/lon), a ledger and the record count.

    Examples
    --------
    >>> gaz = pd.DataFrame({"name": ["Ar Raqqah"], "variants": ["Raqqa|Raqqah"],
    ...                     "lat": [35.95283], "lon": [39.00788], "accuracy_m": [3000.0]})
    >>> text = ("SOUTHWEST ASIA, Aug. 22, 2017 — On Aug. 21, Coalition forces conducted strikes.\\n"
    ...         "In Syria, Coalition military forces conducted 20 strikes.\\n"
    ...         "-- Near Raqqa, three strikes engaged an ISIS tactical unit.\\n")
    >>> frame, problems, records = read_release_text(text, gazetteer=gaz)
    >>> frame[["strikes", "country"]].to_dict("records"), str(frame["date_start"].iloc[0])[:10]
    ([{'strikes': 3, 'country': 'Syria'}], '2017-08-21')
    """
    gaz = load_gazetteer(gazetteer)
    index = _name_index(gaz)
    release_date: pd.Timestamp | None = None
    default_date: pd.Timestamp | None = None
    late_date: pd.Timestamp | None = None
    section_country: str | None = None
    enemy = None
    recs: list[dict[str, Any]] = []
    for line in text.splitlines():
        full = _FULL_DATE.search(line)
        if full and not _RECORD.match(line):
            release_date = _date(full["m"], full["d"], int(full["y"]), None)
            default_date = release_date
            late_date = None
            section_country = None
        if release_date is not None and not _RECORD.match(line):
            on = _ON_DATE.search(line)
            if on and not _LATE.search(line):
                default_date = _date(on["m"], on["d"], release_date.year, release_date)
        found = re.search(r"\b(ISIS|ISIL|Daesh)\b", line)
        if found:
            enemy = found.group(1)
        section = _SECTION.match(line)
        if section:
            section_country = section["c"].capitalize()
            late_date = None
            continue
        late = _LATE.search(line)
        if late and release_date is not None:
            late_date = _date(late["m"], late["d"], release_date.year, release_date)
            countries = re.findall(r"\b(Syria|Iraq)\b", line)
            section_country = countries[0] if len(set(countries)) == 1 else None
            continue
        if not _RECORD.match(line):
            continue
        rec: dict[str, Any] = {"line": line.strip(), "why": "", "field": "line"}
        m = _LINE.match(line)
        if m is None:
            rec["why"] = "not a strike line (expected '-- Near PLACE, N strikes …')"
            recs.append(rec)
            continue
        strikes = _number(m["n"])
        if strikes is None:
            rec.update(why="strike count not a number", field="strikes", value=m["n"])
            recs.append(rec)
            continue
        if m["m"]:
            date = (
                _date(m["m"], m["d"], release_date.year, release_date)
                if release_date is not None
                else None
            )
        else:
            date = late_date or default_date
        line_enemy = re.search(r"\b(ISIS|ISIL|Daesh)\b", line)
        rec.update(
            place=m["place"].strip(),
            country=(m["country"].capitalize() if m["country"] else section_country),
            strikes=strikes,
            effects=m["effects"],
            date=date,
            enemy=line_enemy.group(1) if line_enemy else enemy,
            release_date=release_date,
        )
        if date is None:
            rec.update(why="no date (no dateline before this line)", field="date")
        recs.append(rec)

    records = len(recs)
    problems = Problems(np.arange(1, records + 1))
    frame = pd.DataFrame(recs)
    for name in (
        "place",
        "country",
        "strikes",
        "effects",
        "date",
        "enemy",
        "release_date",
        "value",
    ):
        if name not in frame.columns:
            frame[name] = None
    if records == 0:
        return _empty(), problems, 0
    why = frame["why"].to_numpy(dtype=object)
    for field in pd.unique(frame["field"]):
        sel = (frame["field"] == field).to_numpy() & (why != "")
        values = frame["value"].where(frame["value"].notna(), frame["line"])
        problems.add(sel, str(field), values, why)

    # Gazetteer lookup, vectorised over lines.
    frame["key"] = frame["place"].map(lambda p: normalise_place(p) if isinstance(p, str) else "")
    hits = frame[["key"]].reset_index().merge(index, on="key", how="inner")
    if "country" in gaz.columns:
        gcountry = gaz["country"].astype(object).where(gaz["country"].notna(), "").astype(str)
        hits["gaz_country"] = gcountry.str.lower().to_numpy()[hits["gaz_row"].to_numpy()]
        line_country = frame["country"].to_numpy(dtype=object)[hits["index"].to_numpy()]
        same = [
            c is None or g == "" or g in _COUNTRY_CODES.get(str(c).lower(), {str(c).lower()})
            for c, g in zip(line_country, hits["gaz_country"], strict=True)
        ]
        hits = hits[np.asarray(same, dtype=bool)]
    counts = hits.groupby("index")["gaz_row"].nunique()
    one = counts[counts == 1].index
    chosen = hits[hits["index"].isin(one)].drop_duplicates("index").set_index("index")["gaz_row"]
    gaz_row = frame.index.map(chosen).to_numpy(dtype="float64")
    parsed = (why == "").astype(bool)
    unknown = parsed & np.isnan(gaz_row) & ~frame.index.isin(counts.index)
    ambiguous = parsed & np.isnan(gaz_row) & frame.index.isin(counts.index)
    problems.add(unknown, "place", frame["place"], "unknown place")
    problems.add(ambiguous, "place", frame["place"], "ambiguous place (several gazetteer entries)")

    take = np.where(np.isnan(gaz_row), 0, gaz_row).astype(int)
    have = ~np.isnan(gaz_row)

    def gaz_col(name: str, default: Any = np.nan) -> np.ndarray:
        if name not in gaz.columns or len(gaz) == 0:
            return np.full(records, default, dtype=object)
        vals = gaz[name].to_numpy(dtype=object)[take]
        return np.where(have, vals, default)

    out = pd.DataFrame(index=frame.index)
    dates = pd.to_datetime(frame["date"])
    out["event_id"] = content_id("release-", dates, frame["place"], frame["line"])
    out["dataset"] = "release"
    out["kind"] = "strike"
    out["date_start"] = dates
    out["date_end"] = dates
    out["date_precision"] = "day"
    out["place"] = frame["place"].to_numpy(dtype=object)
    out["lat"] = pd.to_numeric(pd.Series(gaz_col("lat")), errors="coerce").to_numpy()
    out["lon"] = pd.to_numeric(pd.Series(gaz_col("lon")), errors="coerce").to_numpy()
    acc = pd.to_numeric(pd.Series(gaz_col("accuracy_m")), errors="coerce").to_numpy()
    out["location_precision_m"] = np.fmax(acc, NEAR_PLACE_RADIUS_M)
    out["actor"] = "Coalition (CJTF-OIR)"
    out["target"] = frame["effects"].to_numpy(dtype=object)
    out["strikes"] = pd.array(frame["strikes"].to_numpy(dtype=object), dtype="Int64")
    release = pd.to_datetime(frame["release_date"])
    out["source"] = source or None
    if source is None:
        out["source"] = np.where(
            release.notna(),
            "CJTF-OIR strike release " + release.dt.strftime("%Y-%m-%d").fillna(""),
            "CJTF-OIR strike release",
        )
    out["source_url"] = source_url
    out["notes"] = frame["line"].to_numpy(dtype=object)
    out["country"] = frame["country"].to_numpy(dtype=object)
    out["enemy"] = frame["enemy"].to_numpy(dtype=object)
    out["place_id"] = gaz_col("place_id", None) if "place_id" in gaz.columns else None
    return out, problems, records


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": pd.Series([], dtype=object),
            "date_start": pd.Series([], dtype="datetime64[ns]"),
            "lat": pd.Series([], dtype="float64"),
            "lon": pd.Series([], dtype="float64"),
        }
    )
