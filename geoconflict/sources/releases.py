"""CENTCOM / CJTF-OIR strike releases: one event per strike sentence, dated when it happened.

A release reads like::

    SOUTHWEST ASIA, Aug. 22, 2017 — On Aug. 21, Coalition military forces conducted
    29 strikes consisting of 38 engagements against ISIS targets in Syria and Iraq.
    In Syria, Coalition military forces conducted 25 strikes …
    -- Near Raqqah, 20 strikes engaged 13 ISIS tactical units …
    Additionally, 13 strikes were conducted in Syria on Aug. 20 that closed within the
    last 24 hours.
    -- On Aug. 19 near Raqqa, a strike destroyed an ISIS vehicle.

**Forms.** A strike sentence is a line led by any bullet ("--", "-", "*", "•", an HTML
``<li>``) or none, in any of the shapes the releases used: "Near PLACE, N strikes …"
(with or without the comma; "In PLACE, …" in early 2015), "On Aug. 21 near PLACE …",
"Near PLACE, an Aug. 6 strike …", "A July 20 strike near PLACE …", "Three July 23
strikes near Kisik, Iraq, …", "PLACE, a strike …", and the paragraph form "… conducted
eight strikes … near Abu Kamal." Counts are digits or words ("a", "an", "three",
"twenty-one"). Several sentences on one line are read one by one.

**Dates.** The strikes happened in the reporting period the release states, not on its
publication date: "yesterday" (the release date minus a day), "On July 21", "between Dec.
15-17" (``date_start`` Dec. 15, ``date_end`` Dec. 17), "Since 8 a.m., Feb. 18, to 8 a.m.,
Feb. 19". A release that states no period reports the 24 hours to 8 a.m. on its date,
which the releases call "yesterday": the release date minus a day. A line's own date ("On
Aug. 18 near …", "an Aug. 6 strike") wins; a late-report section ("Additionally, … on
Aug. 20 that closed …") dates its lines by its own date. The release's date is kept in
``release_date``.

**Countries.** Each section's country comes from its own heading ("In Syria,", "Strikes in
Iraq", "Yesterday in Syria, …"); a line's own country ("near Kisik, Iraq,") wins. An
"Earlier / Previous strikes" heading starts a section with no country (none is carried
over); lines there need their own date.

**Nothing silent.** A record is a strike sentence; the ledger's ``row`` counts them (1 =
the first in the text). Every bullet line in a strike section is an event or a ledger
row. A section's stated total ("conducted 22 strikes") is compared with the sum of its
lines: a mismatch is a :class:`ReleaseTotalsWarning` (not a ledger row: no record is
wrong), and :func:`release_totals` gives the comparison as a table. A text with no strike
sentence at all is a :class:`~geoconflict.errors.SourceFormatError`.

Places are located with :mod:`geoconflict.gazetteer` (the shipped gazetteer, or yours).

Written by hand: no library parses these releases. Releases are short texts, read one
sentence at a time; the gazetteer lookup is one merge.
"""

from __future__ import annotations

import html
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from geoconflict import gazetteer as gazetteers
from geoconflict.errors import SourceFormatError
from geoconflict.events import content_id
from geoconflict.sources.datetimes import MONTHS
from geoconflict.sources.rejects import Problems

#: "Near X" locates a strike somewhere around the place: the radius used when the
#: gazetteer's own accuracy is finer than this.
NEAR_PLACE_RADIUS_M = 10_000.0


#: Ledger reason for a line naming several places ("Near Raqqah and Abu Kamal, two strikes").
SEVERAL_PLACES = "several places on one line (strikes not split by place)"


class ReleaseTotalsWarning(UserWarning):
    """A release section whose strike lines do not add up to the total it states."""


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MD = _MONTH + r"\s+\d{1,2}\b"
_MD_PARTS = re.compile(r"(" + _MONTH + r")\s+(\d{1,2})\b")
_FULL_DATE = re.compile(r"(" + _MONTH + r")\s+(\d{1,2}),?\s+(\d{4})")
#: A full date that is the object of a period word, with the sentence going on ("On Dec.
#: 31, 2016, Coalition …"), is when the strikes happened, not a dateline ("Posted On Aug.
#: 22, 2017" is one).
_PERIOD_WORD_BEFORE = re.compile(r"\b(?:on|since|between|from|to|until|through|and)\s*$", re.I)
_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_COUNT = (
    rf"(?P<n>(?i:\d+|(?:{_TENS})(?:[-\s](?:{_UNITS}))?|{_UNITS}|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|an?|several|multiple|numerous"
    r"|some|many))"
)
_STRIKE = r"(?i:(?:air\s?)?strikes?|air\s?stikes?)\b"
_OWN_DATE = rf"(?:(?P<when2>{_MD})\s+)?"
_PARTICLE = r"(?:al|ar|as|ash|at|az|ad|an|ath|el|ez|es|and|of|bin|ibn|abu)"
_TOKEN = r"(?:[A-Z]|" + _PARTICLE + r"(?=[\s-]))[\w’'‘`ʿ-]*"
_PLACE = rf"[A-Z][\w’'‘`ʿ-]*(?:\s+{_TOKEN})*"
_COUNTRY = r"(?:,\s*(?P<country>Iraq|Syria)\b)?"
_FLAGS = re.IGNORECASE

#: "Near PLACE, N strikes …" (and "In PLACE, …"; "On Aug. 21 near PLACE N strikes …").
_NEAR_FIRST = re.compile(
    rf"^(?:On\s+(?P<when>{_MD}),?\s+)?(?:Near|In)\s+(?P<place>.+?)\s*,?\s+{_COUNT}\s+"
    rf"{_OWN_DATE}{_STRIKE},?\s*(?P<effects>.*)$",
    _FLAGS,
)
#: "A July 20 strike near PLACE …", "Three July 23 strikes near Kisik, Iraq, …".
_COUNT_FIRST = re.compile(
    rf"^(?:(?i:On)\s+(?P<when>{_MD}),?\s+)?{_COUNT}\s+{_OWN_DATE}{_STRIKE}\s+(?i:near)\s+"
    rf"(?P<place>{_PLACE}){_COUNTRY},?\s*(?P<effects>.*)$"
)
#: "Huwayjah, a strike …".
_PLACE_FIRST = re.compile(
    rf"^(?P<place>{_PLACE}){_COUNTRY},\s+{_COUNT}\s+{_OWN_DATE}{_STRIKE},?\s*(?P<effects>.*)$"
)
#: Paragraph form: "… coalition military forces conducted eight strikes … near Abu Kamal."
_CONDUCTED_NEAR = re.compile(
    rf"\bconducted\s+{_COUNT}\s+{_STRIKE}[^.]*?\b(?i:near)\s+(?P<place>{_PLACE}){_COUNTRY}"
    r",?\s*(?P<effects>.*)$"
)
_TOTAL = re.compile(rf"\b{_COUNT}\s+{_STRIKE}", _FLAGS)
_SECTION = re.compile(
    r"^(?:(?:Yesterday|Today|Overnight|Meanwhile)\s*,?\s+)?(?:in\s+(?P<c1>Syria|Iraq)\s*[,:]"
    r"|Strikes\s+in\s+(?P<c2>Syria|Iraq)\b)|^(?P<c3>Syria|Iraq)\s*:?\s*$",
    _FLAGS,
)
_LATE = re.compile(
    rf"^Additionally\b(?=.*\b(?:closed|unreported|previously|late|on\s+{_MD}))", _FLAGS
)
_EARLIER = re.compile(r"^(?:Earlier|Previous|Prior|Previously\s+reported)\b.*\bstrikes?\b", _FLAGS)
_BULLET = re.compile(r"^\s*(?:--|—|–|-|\*|•|·|►|>)\s*")
_STOP_WORDS = {"additionally", "yesterday", "today", "coalition", "earlier", "previous",
               "also", "meanwhile", "separately", "on", "near", "the", "these", "forces",
               "military", "conducted", "were", "was"}  # fmt: skip
_CLOCK = r"(?:[\d:]+\s*[ap]\.m\.,?\s+)?"  # "8 a.m., " before a date of a period
_SINCE = re.compile(
    rf"\b(?:Since|From)\s+{_CLOCK}(?P<a>{_MD}),?\s+(?:to|until|through)\s+{_CLOCK}(?P<b>{_MD})",
    _FLAGS,
)
_BETWEEN = re.compile(
    rf"\bbetween\s+{_CLOCK}(?P<a>{_MD}),?\s*(?:-|–|and|to)\s*{_CLOCK}"
    rf"(?P<b>(?:{_MONTH}\s+)?\d{{1,2}})\b",
    _FLAGS,
)
_ON = re.compile(rf"\bOn\s+(?P<a>{_MD}(?:,?\s+\d{{4}})?)\b", _FLAGS)
_YESTERDAY = re.compile(r"\byesterday\b", _FLAGS)
_ENEMY = re.compile(r"\b(ISIS|ISIL|Daesh)\b")
_BOUNDARY = re.compile(r"(?<=[.!?:])\s+(?=[a-z]?[A-Z\"“‘(])")
_BOUNDARY_HINT = re.compile(r"[.!?:]\s+[a-z]?[A-Z\"“‘(]|\d{4}\s+[—–-]")
_DATELINE_END = re.compile(r"(?<=\d{4})\s+[—–-]+\s+")
_STRAY_LETTER = re.compile(r"^[a-z](?=Near\b)")
_NEAR_AGAIN = re.compile(r"^(?:near\s+)+", _FLAGS)
_PROVINCE = re.compile(r"\s+in\s+(?:the\s+)?[\w\s-]+\bProvince$", _FLAGS)
_TRAILING_COUNTRY = re.compile(r",\s*(Iraq|Syria)$", _FLAGS)
_TOKEN_SPLIT = re.compile(r"[\s,]+")
_PARTICLE_TOKEN = re.compile(_PARTICLE + r"(?:-|$)", _FLAGS)
_LEADING_ON = re.compile(rf"^On\s+({_MD})", _FLAGS)
_COUNTRY_WORD = re.compile(r"\b(Syria|Iraq)\b", _FLAGS)
_STARTS_NEAR = re.compile(r"^\W*Near\b")
_HEADING_STARTS = ("in ", "strikes", "yesterday", "today", "overnight", "meanwhile", "syria",
                   "iraq", "additionally", "earlier", "previous", "prior")  # fmt: skip
_NO_SPLIT_AFTER = re.compile(r"(?:\b" + _MONTH + r"|\b[ap]\.m\.|\bU\.S\.|\bNo\.|\bSt\.)$")


def _clean_text(text: str) -> str:
    """Web-page markup to lines: ``<li>`` starts a bullet, block tags end a line."""
    text = re.sub(r"<\s*li\b[^>]*>", "\n• ", text, flags=re.IGNORECASE)
    text = re.sub(r"<\s*(?:br|/?p|/li|/?div|/?ul|/?ol|h\d|/h\d)\b[^>]*>", "\n", text, flags=_FLAGS)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text).replace("\xa0", " ")


def sentences(line: str) -> list[str]:
    """The sentences of one line ("Aug. 6", "8 a.m." and "U.S." do not end one).

    Examples
    --------
    >>> sentences("Near Hit, a strike hit a boat on Aug. 6. Near Mosul, two strikes hit.")
    ['Near Hit, a strike hit a boat on Aug. 6.', 'Near Mosul, two strikes hit.']
    """
    out, start = [], 0
    if not _BOUNDARY_HINT.search(line):
        return [line.strip()] if line.strip() else []
    for m in _BOUNDARY.finditer(line):
        if _NO_SPLIT_AFTER.search(line[start : m.start()]):
            continue
        out.append(line[start : m.start()].strip())
        start = m.end()
    out.append(line[start:].strip())
    # A dateline ("SOUTHWEST ASIA, Aug. 22, 2017 —") is a sentence of its own.
    parts = [p for s in out for p in _DATELINE_END.split(s)]
    return [_STRAY_LETTER.sub("", s) for s in parts if s]


def _number(word: str) -> int | None:
    w = word.lower().replace("-", " ")
    if w.isdigit():
        return int(w)
    parts = w.split()
    if not parts or any(p not in _WORD_NUMBERS for p in parts):
        return None
    return sum(_WORD_NUMBERS[p] for p in parts)


def _clean_place(place: str) -> tuple[str, str | None]:
    """A captured place without "Near" repeated, "in … Province" or a trailing country."""
    place = _NEAR_AGAIN.sub("", place.strip())
    place = _PROVINCE.sub("", place)
    country = None
    m = _TRAILING_COUNTRY.search(place)
    if m:
        country, place = m.group(1).capitalize(), place[: m.start()]
    return place.strip(" ,.;"), country


def parse_sentence(sentence: str) -> dict[str, Any] | None:
    """Read one strike sentence: place, country, count, own date and effects (or None).

    Parameters
    ----------
    sentence : str
        One sentence, bullet or not.

    Returns
    -------
    dict or None
        ``place``, ``country`` (the sentence's own, or None), ``count`` (the count as
        written), ``strikes`` (int, or None when the count is not a number), ``when``
        (the sentence's own "Month D", or None), ``effects``; None when the sentence is
        not a strike sentence.

    Examples
    --------
    >>> r = parse_sentence("-- Three July 23 strikes near Kisik, Iraq, destroyed a tunnel.")
    >>> r["place"], r["country"], r["strikes"], r["when"], r["effects"]
    ('Kisik', 'Iraq', 3, 'July 23', 'destroyed a tunnel.')
    >>> parse_sentence("- Near Hit one strike produced inconclusive results.")["place"]
    'Hit'
    >>> parse_sentence("In Syria, Coalition military forces conducted 25 strikes.") is None
    True
    """
    body = _BULLET.sub("", sentence).strip()
    low = body.lower()
    if "strike" not in low and "stike" not in low:
        return None
    if _may_head(body) and (_SECTION.match(body) or _LATE.match(body) or _EARLIER.match(body)):
        found = _CONDUCTED_NEAR.search(body)
        return _record(found, body) if found else None
    for pattern in (_NEAR_FIRST, _COUNT_FIRST, _PLACE_FIRST):
        m = pattern.match(body)
        if m:
            place, country = _clean_place(m["place"])
            if _plausible_place(place, strict=pattern is not _NEAR_FIRST):
                return _record(m, body, place, country)
    found = _CONDUCTED_NEAR.search(body)
    return _record(found, body) if found else None


def _may_head(body: str) -> bool:
    """Cheap test: could ``body`` be a heading (it starts with a heading's first word)?"""
    return body[:12].lower().startswith(_HEADING_STARTS)


def _plausible_place(cleaned: str, strict: bool) -> bool:
    """A place name, not a clause: few words, capitalised (``strict``), no heading word."""
    tokens = [t for t in _TOKEN_SPLIT.split(cleaned) if t]
    if not tokens or len(tokens) > 8 or {t.lower() for t in tokens} & _STOP_WORDS:
        return False
    return not strict or all(t[:1].isupper() or _PARTICLE_TOKEN.match(t) for t in tokens)


def _record(
    m: re.Match[str], body: str, place: str | None = None, own_country: str | None = None
) -> dict[str, Any]:
    if place is None:
        place, own_country = _clean_place(m["place"])
    groups = m.groupdict()
    country = groups.get("country") or own_country
    when = groups.get("when") or groups.get("when2")
    if when is None and m.re is _CONDUCTED_NEAR:
        on = _LEADING_ON.match(body)
        when = on.group(1) if on else None
        country = country or _single_country(body)
    return {
        "place": place,
        "country": country.capitalize() if country else None,
        "count": m["n"],
        "strikes": _number(m["n"]),
        "when": when,
        "effects": (m["effects"] or "").strip(),
    }


def _single_country(text: str) -> str | None:
    found = {c.capitalize() for c in _COUNTRY_WORD.findall(text)}
    return found.pop() if len(found) == 1 else None


def _date(text: str, release: pd.Timestamp | None) -> pd.Timestamp | None:
    """ "Aug. 21" as a date: the year of ``release``, or the one before if that is later.

    A year written out ("Dec. 31, 2016") is taken as written.
    """
    m = _MD_PARTS.search(text)
    if m is None or release is None:
        return None
    full = _FULL_DATE.match(text, m.start())
    month, day = MONTHS[m.group(1)[:3].lower()], int(m.group(2))
    years = (int(full.group(3)),) if full else (release.year, release.year - 1)
    for year in years:
        try:
            ts = pd.Timestamp(year=year, month=month, day=day)
        except ValueError:
            continue  # Feb. 29 of a year without one: the year before may have it
        if full or ts <= release:
            return ts
    return None


def _period(text: str, release: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The reporting period a heading sentence states, if it states one."""
    m = _SINCE.search(text) or _BETWEEN.search(text)
    if m:
        start = _date(m["a"], release)
        end_text = m["b"] if _MD_PARTS.search(m["b"]) else f"{m['a'].split()[0]} {m['b']}"
        end = _date(end_text, release)
        if start is not None and end is not None and start <= end:
            return start, end
    on = _ON.search(text)
    if on:
        day = _date(on["a"], release)
        if day is not None:
            return day, day
    if _YESTERDAY.search(text):
        day = release - pd.Timedelta(days=1)
        return day, day
    return None


class _Section:
    """The heading that governs the lines after it."""

    def __init__(self, text: str, country: str | None, start: Any, end: Any, earlier: bool):
        self.text = text
        self.country = country
        self.start, self.end = start, end
        self.earlier = earlier
        found = _TOTAL.search(text)
        self.stated = _number(found["n"]) if found else None
        self.summed = 0
        self.uncounted = 0


def _heading(body: str, release: Any, period: tuple[Any, Any]) -> _Section | None:
    if not _may_head(body):
        return None
    late = _LATE.match(body)
    if late or _EARLIER.match(body):
        day = _date(body, release) if release is not None else None
        return _Section(body, _single_country(body), day, day, earlier=day is None)
    section = _SECTION.match(body)
    if section:
        country = section["c1"] or section["c2"] or section["c3"]
        return _Section(body, country.capitalize(), period[0], period[1], earlier=False)
    return None


def _parse(text: str) -> tuple[list[dict[str, Any]], list[_Section]]:
    """Strike records (one dict each, rejects with a reason) and the sections seen."""
    recs: list[dict[str, Any]] = []
    sections: list[_Section] = []
    release: pd.Timestamp | None = None
    period: tuple[Any, Any] = (None, None)
    section: _Section | None = None
    enemy = None
    for number, raw in enumerate(_clean_text(text).splitlines(), start=1):
        bullet = bool(_BULLET.match(raw))
        line = raw.strip()
        found_enemy = _ENEMY.search(line)
        enemy = found_enemy.group(1) if found_enemy else enemy
        for k, sentence in enumerate(sentences(_BULLET.sub("", line)) if line else []):
            parsed = parse_sentence(sentence)
            full = _FULL_DATE.search(sentence) if parsed is None else None
            if (
                full
                and _PERIOD_WORD_BEFORE.search(sentence[: full.start()])
                and sentence[full.end() :].strip(" ,.;:—–-")
            ):
                full = None  # "On Dec. 31, 2016, Coalition …": the period, not a dateline
            if full and parsed is None:
                release = pd.Timestamp(
                    year=int(full.group(3)),
                    month=MONTHS[full.group(1)[:3].lower()],
                    day=int(full.group(2)),
                )
                period = (release - pd.Timedelta(days=1),) * 2
                section = None
            heading = _heading(sentence, release, period)
            if release is not None and parsed is None and heading is None and section is None:
                period = _period(sentence[full.end() :] if full else sentence, release) or period
            if heading is not None:
                section = heading
                sections.append(section)
            if parsed is None and heading is None and section is not None:
                stated = _TOTAL.search(sentence) if section.stated is None else None
                if stated and "conducted" in sentence.lower():
                    section.stated = _number(stated["n"])
            if parsed is None:
                led = bullet and k == 0 and (section is not None or _TOTAL.search(sentence))
                if heading is None and (led or _STARTS_NEAR.match(sentence)):
                    recs.append({"line": line, "why": "not a strike line", "field": "line"})
                    recs[-1]["text_line"] = number
                continue
            recs.append(_dated(parsed, line, section, period, release, enemy))
            recs[-1]["text_line"] = number
            if section is not None and not parsed["when"]:
                if parsed["strikes"] is None:
                    section.uncounted += 1
                else:
                    section.summed += parsed["strikes"]
    return recs, sections


def _dated(
    parsed: dict[str, Any], line: str, section: _Section | None, period: Any, release: Any,
    enemy: Any,
) -> dict[str, Any]:  # fmt: skip
    rec: dict[str, Any] = {"line": line, "why": "", "field": "line", **parsed}
    rec["country"] = parsed["country"] or (section.country if section else None)
    rec["release_date"] = release
    rec["enemy"] = enemy  # the line's own, else the last one the text named
    if parsed["when"]:
        day = _date(parsed["when"], release)
        start = end = day
    elif section is not None and (section.start is not None or section.earlier):
        start, end = section.start, section.end
    else:
        start, end = period
    rec["date_start"], rec["date_end"] = start, end
    if parsed["strikes"] is None:
        rec.update(why="strike count not a number", field="strikes", value=parsed["count"])
    elif release is None:
        rec.update(why="no date (no dateline before this line)", field="date")
    elif start is None:
        rec.update(why="no date (an earlier strike without its own date)", field="date")
    return rec


def release_totals(text: str) -> pd.DataFrame:
    """Each section's stated total beside the sum of its strike lines.

    Examples
    --------
    >>> text = ("SOUTHWEST ASIA, Aug. 22, 2017 - On Aug. 21, Coalition forces struck.\\n"
    ...         "In Syria, Coalition military forces conducted 22 strikes.\\n"
    ...         "-- Near Raqqa, 20 strikes engaged ISIS units.\\n")
    >>> release_totals(text)[["country", "stated", "summed", "agrees"]].values.tolist()
    [['Syria', 22, 20, False]]
    """
    _, sections = _parse(text)
    rows = [
        {
            "heading": s.text,
            "country": s.country,
            "stated": s.stated,
            "summed": s.summed,
            "uncounted": s.uncounted,
            "agrees": s.stated is None or (s.stated == s.summed and not s.uncounted),
        }
        for s in sections
    ]
    columns = ["heading", "country", "stated", "summed", "uncounted", "agrees"]
    table = pd.DataFrame(rows, columns=columns, dtype=object)
    return table.astype({"stated": "Int64", "summed": "int64", "uncounted": "int64",
                         "agrees": bool})  # fmt: skip


def read_release_text(
    text: str,
    *,
    gazetteer: Any = None,
    source: str | None = None,
    source_url: str | None = None,
    path: object = None,
) -> tuple[pd.DataFrame, Problems, int]:
    """Parse release text into contract columns (plus lat/lon), a ledger and the record count.

    Parameters
    ----------
    text : str
        One or more releases.
    gazetteer : None, path or DataFrame
        Places (see :func:`geoconflict.gazetteer.load`); None for the shipped gazetteer.
    source, source_url : str, optional
        Kept in ``source`` (default "CJTF-OIR strike release YYYY-MM-DD") and ``source_url``.
    path : optional
        The file's name, for messages.

    Returns
    -------
    (DataFrame, Problems, int)
        One row per strike sentence (rejected ones included; ``Problems`` marks them):
        the contract columns with ``lat``/``lon``, plus ``country``, ``enemy``,
        ``place_id``, ``release_date`` (the release's date) and ``text_line`` (the line
        of the text, as read, the sentence is on); the ledger; the number of records.

    Raises
    ------
    SourceFormatError
        When the text holds no strike sentence at all.

    Warns
    -----
    ReleaseTotalsWarning
        For each section whose stated total differs from the sum of its lines.

    Examples
    --------
    >>> gaz = pd.DataFrame({"name": ["Ar Raqqah"], "variants": ["Raqqa|Raqqah"],
    ...                     "lat": [35.95283], "lon": [39.00788], "accuracy_m": [3000.0]})
    >>> text = ("SOUTHWEST ASIA, Aug. 22, 2017 — Coalition forces continued to attack "
    ...         "ISIS yesterday.\\n"
    ...         "In Syria, Coalition military forces conducted three strikes.\\n"
    ...         "-- Near Raqqa, three strikes engaged an ISIS tactical unit.\\n")
    >>> frame, problems, records = read_release_text(text, gazetteer=gaz)
    >>> frame[["strikes", "country"]].to_dict("records"), str(frame["date_start"].iloc[0])[:10]
    ([{'strikes': 3, 'country': 'Syria'}], '2017-08-21')
    """
    recs, sections = _parse(text)
    records = len(recs)
    if records == 0:
        raise SourceFormatError(
            "no strike lines found (expected lines such as '-- Near PLACE, N strikes …', "
            "'* Near PLACE, …' or a paragraph '… conducted N strikes … near PLACE')",
            path=path,
        )
    for s in sections:
        if s.stated is not None and (s.stated != s.summed or s.uncounted):
            extra = f" and {s.uncounted} line(s) without a count" if s.uncounted else ""
            where = f"{path}: " if path is not None else ""
            warnings.warn(
                f"{where}section {s.text[:60]!r} states {s.stated} strikes, its lines add "
                f"up to {s.summed}{extra}",
                ReleaseTotalsWarning,
                stacklevel=2,
            )
    frame = pd.DataFrame(recs, dtype=object)
    for name in ("place", "country", "strikes", "effects", "date_start", "date_end",
                 "enemy", "release_date", "value"):  # fmt: skip
        if name not in frame.columns:
            frame[name] = None
    problems = Problems(np.arange(1, records + 1))
    why = frame["why"].to_numpy(dtype=object)
    values = frame["value"].where(frame["value"].notna(), frame["line"])
    for field in pd.unique(frame["field"]):
        problems.add((frame["field"] == field).to_numpy() & (why != ""), str(field), values, why)

    loaded = isinstance(gazetteer, pd.DataFrame) and gazetteer.attrs.get("gazetteer")
    gaz = gazetteer if loaded else gazetteers.load(gazetteer)
    parsed = why == ""
    places = frame["place"].where(frame["place"].notna(), "")
    found = gazetteers.lookup(places, frame["country"], gaz)
    reason = found["reason"].to_numpy(dtype=object)
    several = places.str.contains(r",|\band\b", regex=True).to_numpy(dtype=bool)
    reason = np.where((reason == gazetteers.UNKNOWN) & several, SEVERAL_PLACES, reason)
    problems.add(parsed & (reason != ""), "place", places, reason)

    out = pd.DataFrame(index=frame.index)
    start = pd.to_datetime(frame["date_start"])
    end = pd.to_datetime(frame["date_end"])
    release = pd.to_datetime(frame["release_date"])
    out["event_id"] = content_id("release-", start, frame["place"], frame["line"])
    out["dataset"] = "release"
    out["kind"] = "strike"
    out["date_start"] = start
    out["date_end"] = end
    span = (end - start).dt.days
    out["date_precision"] = np.where(span > 7, "month", np.where(span > 0, "week", "day"))
    out["place"] = frame["place"].to_numpy(dtype=object)
    out["lat"] = found["lat"].to_numpy()
    out["lon"] = found["lon"].to_numpy()
    out["location_precision_m"] = np.fmax(found["accuracy_m"].to_numpy(), NEAR_PLACE_RADIUS_M)
    out["actor"] = "Coalition (CJTF-OIR)"
    out["target"] = frame["effects"].to_numpy(dtype=object)
    out["strikes"] = pd.array(frame["strikes"].to_numpy(dtype=object), dtype="Int64")
    if source is None:
        label = "CJTF-OIR strike release " + release.dt.strftime("%Y-%m-%d").fillna("")
        out["source"] = label.str.strip().to_numpy(dtype=object)
    else:
        out["source"] = source
    out["source_url"] = source_url
    out["notes"] = frame["line"].to_numpy(dtype=object)
    rows = found["gaz_row"].to_numpy()
    codes = np.where(rows >= 0, gaz["country"].to_numpy(dtype=object)[np.maximum(rows, 0)], "")
    gaz_country = pd.Series(codes, index=frame.index, dtype=object).map(gazetteers.COUNTRY_NAMES)
    own_country = frame["country"].astype(object)
    out["country"] = own_country.where(own_country.notna(), gaz_country).to_numpy(dtype=object)
    out["enemy"] = frame["enemy"].to_numpy(dtype=object)
    out["place_id"] = found["place_id"].to_numpy(dtype=object)
    out["release_date"] = release
    out["text_line"] = frame["text_line"].to_numpy(dtype="int64")
    return out, problems, records
