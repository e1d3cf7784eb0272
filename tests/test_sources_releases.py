"""CJTF-OIR strike releases: one event per strike line, dates, countries, gazetteer, rejects."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pandas as pd
import pytest

from geoconflict.errors import SourceFormatError
from geoconflict.sources import detect_format, read_events
from geoconflict.sources.releases import (
    NEAR_PLACE_RADIUS_M,
    ReleaseTotalsWarning,
    parse_sentence,
    release_totals,
)

FIX = Path(__file__).parent / "fixtures_sources"

GAZ = pd.DataFrame(
    {
        "place_id": ["raqqa", "albu_kamal", "deir", "al_qaim", "mosul", "tal_afar"],
        "name": ["Ar Raqqah", "Albu Kamal", "Deir ez-Zor", "Al Qa'im", "Mosul", "Tal Afar"],
        "variants": ["Raqqa|Raqqah", "Abu Kamal", "Deir ez-Zawr|Dayr az Zawr", "", None, ""],
        "country": ["SY", "SY", "SY", "IQ", "IQ", "IQ"],
        "lat": [35.95283, 34.45226, 35.336, 34.39251, 36.335, 36.3766],
        "lon": [39.00788, 40.91854, 40.14, 40.98945, 43.11889, 42.4497],
        "accuracy_m": [4000.0, 3000.0, 5000.0, 5000.0, 20000.0, 3000.0],
    }
)


@pytest.fixture(scope="module")
def result():
    with pytest.warns(ReleaseTotalsWarning, match=r"states 4 strikes, its lines add up to 24"):
        return read_events(FIX / "release_2017-08-22.txt", gazetteer=GAZ)


def test_release_detected_and_counted(result):
    assert result.format == "releases"
    assert (result.records, result.accepted, result.rejected) == (11, 8, 3)


def test_release_events(result):
    ev = result.events
    assert ev["place"].tolist() == [
        "Abu Kamal", "Raqqah", "Deir ez-Zawr", "Al Qa'im", "Mosul", "Tal Afar", "Raqqa",
        "Ar Raqqah",
    ]  # fmt: skip
    assert ev["strikes"].tolist() == [1, 20, 3, 1, 2, 21, 11, 1]
    assert ev["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21", "2017-08-21",
        "2017-08-20", "2017-08-19",
    ]  # fmt: skip
    assert ev["country"].tolist() == ["Syria"] * 3 + ["Iraq"] * 3 + ["Syria"] * 2
    assert set(ev["kind"]) == {"strike"} and set(ev["dataset"]) == {"release"}
    assert set(ev["enemy"]) == {"ISIS"}
    raqqa = ev.iloc[1]
    assert raqqa["target"] == (
        "engaged 13 ISIS tactical units and destroyed 24 fighting positions, a vehicle, "
        "and an ISIS headquarters."
    )
    assert raqqa["notes"].startswith("-- Near Raqqah, 20 strikes")
    assert (raqqa.geometry.y, raqqa.geometry.x) == (35.95283, 39.00788)
    assert raqqa["place_id"] == "raqqa"
    assert raqqa["source"] == "CJTF-OIR strike release 2017-08-22"
    # "Near": never finer than the near-place radius; the gazetteer's accuracy if coarser.
    assert raqqa["location_precision_m"] == NEAR_PLACE_RADIUS_M
    assert ev.iloc[4]["location_precision_m"] == 20_000.0
    assert ev.iloc[4]["target"] == (
        "engaged an ISIS tactical unit; destroyed two ISIS vehicles; suppressed a mortar team."
    )


def test_release_rejects(result):
    got = [(int(r), f, why) for r, f, _v, why in result.rejects.itertuples(index=False)]
    assert got == [
        (4, "place", "unknown place"),
        (8, "strikes", "strike count not a number"),
        (11, "place", "several places on one line (strikes not split by place)"),
    ]
    assert result.rejects["value"].tolist() == ["Shaddadi", "several", "Raqqah and Abu Kamal"]


def test_release_ids_stable(result):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReleaseTotalsWarning)
        again = read_events(FIX / "release_2017-08-22.txt", gazetteer=GAZ)
    assert again.events["event_id"].tolist() == result.events["event_id"].tolist()
    assert result.events["event_id"].is_unique


def test_isil_release_2016_with_shipped_gazetteer():
    with pytest.warns(ReleaseTotalsWarning, match="states 12 strikes, its lines add up to 5"):
        result = read_events(FIX / "release_2016-06-03.txt", format="releases")
    assert (result.records, result.accepted, result.rejected) == (2, 2, 0)
    ev = result.events
    assert ev["place"].tolist() == ["Al Qaim", "Mosul"]
    assert ev["strikes"].tolist() == [1, 4]
    assert set(ev["enemy"]) == {"ISIL"} and set(ev["country"]) == {"Iraq"}
    assert set(ev["date_start"]) == {pd.Timestamp("2016-06-02")}
    assert ev["place_id"].tolist() == ["al_qaim", "mosul"]
    assert ev.geometry.iloc[0].y == pytest.approx(34.39251)


def test_country_filters_same_name_and_ambiguity():
    gaz = pd.DataFrame(
        {
            "name": ["Hit", "Hit", "Twin", "Twin"],
            "country": ["IQ", "SY", "IQ", "IQ"],
            "lat": [33.64, 35.0, 1.0, 2.0],
            "lon": [42.83, 38.0, 1.0, 2.0],
        }
    )
    text = (
        "SOUTHWEST ASIA, Jan. 2, 2017 — On Jan. 1, Coalition forces conducted strikes.\n"
        "In Iraq, Coalition military forces conducted strikes.\n"
        "-- Near Hit, a strike destroyed an ISIS boat.\n"
        "-- Near Twin, a strike destroyed an ISIS boat.\n"
        "-- On Dec. 31 near Hit, a strike destroyed an ISIS boat.\n"
    )
    result = read_events(io.StringIO(text), gazetteer=gaz)
    assert result.events.geometry.y.tolist() == [33.64, 33.64]
    # Dec. 31 in a Jan. 2, 2017 release is 2016-12-31.
    assert result.events["date_start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-01-01",
        "2016-12-31",
    ]
    assert result.rejects["reason"].tolist() == ["ambiguous place (several gazetteer entries)"]


def test_strike_line_without_dateline_is_rejected():
    result = read_events(io.StringIO("-- Near Mosul, two strikes hit ISIS.\n"), gazetteer=GAZ)
    assert (result.records, result.accepted) == (1, 0)
    assert result.rejects["reason"].tolist() == ["no date (no dateline before this line)"]


def _read(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReleaseTotalsWarning)  # these releases add up
        result = read_events(FIX / name, format="releases")
    assert result.records == result.accepted + result.rejected
    return result


def _days(events, column="date_start"):
    return events[column].dt.strftime("%Y-%m-%d").tolist()


def test_dated_by_the_reporting_period_not_the_release_date():
    # "Aug. 22, 2017 — … continued to attack … yesterday": the strikes were on Aug. 21.
    result = _read("release_2017-08-22_earlier.txt")
    ev = result.events
    assert _days(ev)[:3] == ["2017-08-21"] * 3
    assert set(_days(ev, "release_date")) == {"2017-08-22"}
    # Each line's own date: "On Aug. 18 near", "an Aug. 6 strike", "A July 20 strike",
    # "On Aug. 21 near Raqqa two strikes" (no comma).
    assert _days(ev)[3:] == ["2017-08-18", "2017-08-06", "2017-07-20", "2017-08-21"]
    assert (ev["date_end"] == ev["date_start"]).all() and set(ev["date_precision"]) == {"day"}


def test_periods_between_and_since_give_a_span():
    weekend = _read("release_2015-12-18_weekend.txt").events  # "between Dec. 15-17"
    assert set(_days(weekend)) == {"2015-12-15"} and set(_days(weekend, "date_end")) == {
        "2015-12-17"
    }
    since = _read("release_2016-02-19_since.html").events  # "Since 8 a.m., Feb. 18, to … 19"
    assert set(_days(since)) == {"2016-02-18"} and set(_days(since, "date_end")) == {"2016-02-19"}
    assert set(since["date_precision"]) == {"week"}


def test_a_period_date_with_its_year_is_not_a_dateline():
    # Across New Year the releases write the year out: "On Dec. 31, 2016, …" is the
    # reporting period of the Jan. 2 release (and its late report's day), not a new
    # dateline that would re-date every line a day earlier and lose the release date.
    text = (
        "SOUTHWEST ASIA, Jan. 2, 2017 — On Dec. 31, 2016, Coalition military forces "
        "conducted two strikes.\n"
        "In Iraq, Coalition military forces conducted one strike.\n"
        "-- Near Mosul, a strike destroyed an ISIS vehicle.\n"
        "Additionally, one strike was conducted in Iraq on Dec. 29, 2016 that closed "
        "within the last 24 hours.\n"
        "-- Near Mosul, a strike destroyed an ISIS tunnel.\n"
    )
    result = read_events(io.StringIO(text), format="releases", gazetteer=GAZ)
    assert (result.records, result.accepted) == (2, 2)
    assert _days(result.events) == ["2016-12-31", "2016-12-29"]
    assert set(_days(result.events, "release_date")) == {"2017-01-02"}
    # a page's "Posted On Jan. 3, 2017" line, ending at the date, is still a dateline
    posted = read_events(io.StringIO("Posted On Jan. 3, 2017\n" + text.split("\n", 1)[1]),
                         format="releases", gazetteer=GAZ).events  # fmt: skip
    assert set(_days(posted, "release_date")) == {"2017-01-03"}


@pytest.mark.parametrize(
    ("dateline", "period", "start", "end"),
    [
        # the clock times "Since … to …" already allows, in a "between" period
        (
            "Feb. 19, 2016",
            "The strikes took place between 8 a.m., Feb. 18, and 8 a.m., Feb. 19, local time.",
            "2016-02-18",
            "2016-02-19",
        ),
        (
            "Feb. 16, 2016",
            "From Feb. 12 to Feb. 14, coalition forces struck.",
            "2016-02-12",
            "2016-02-14",
        ),
        # Feb. 29 named in January: the leap day of the year before, not Feb. 28
        ("Jan. 5, 2017", "On Feb. 29, coalition forces struck.", "2016-02-29", "2016-02-29"),
    ],
)
def test_reporting_periods_with_clock_times_and_leap_days(dateline, period, start, end):
    text = (
        f"SOUTHWEST ASIA, {dateline} — {period}\n"
        "In Iraq, Coalition military forces conducted one strike.\n"
        "-- Near Mosul, a strike destroyed an ISIS vehicle.\n"
    )
    events = read_events(io.StringIO(text), format="releases", gazetteer=GAZ).events
    assert (_days(events), _days(events, "date_end")) == ([start], [end])


def test_every_line_form_is_read():
    earlier = _read("release_2017-08-22_earlier.txt")
    assert earlier.events["place"].tolist() == [
        "Tal Afar", "Huwayjah", "Mosul", "Raqqa", "Raqqa", "Raqqa", "Raqqa",
    ]  # fmt: skip
    assert earlier.events["strikes"].tolist() == [19, 1, 2, 3, 1, 1, 2]
    bullets = _read("release_2015-12-18_weekend.txt")  # "*" and "•" bullets
    assert bullets.events["place_id"].tolist() == ["hasakah", "raqqa", "marea", "al_baghdadi"]
    html = _read("release_2016-02-19_since.html")  # <li> items, &amp; entities
    assert html.events["place"].tolist() == ["Al Hawl", "Manbij", "Ramadi"]
    assert html.events["target"].iloc[2] == "struck an ISIL tactical unit & destroyed a vehicle."
    para = _read("release_2017-12-18_paragraph.txt")  # no bullets at all
    assert para.events[["place_id", "strikes"]].values.tolist() == [
        ["albu_kamal", 8],
        ["albu_kamal", 3],
    ]
    assert _days(para.events) == ["2017-12-17", "2017-12-16"]


@pytest.mark.parametrize(
    ("sentence", "place", "country", "strikes", "when"),
    [
        ("-- Near Raqqa, an Aug. 6 strike destroyed a vehicle.", "Raqqa", None, 1, "Aug. 6"),
        ("- Near Hit one strike produced inconclusive results.", "Hit", None, 1, None),
        ("* Near Raqqah, Syria, twenty-one strikes hit.", "Raqqah", "Syria", 21, None),
        ("- In Tikrit, 17 airstrikes struck an ISIL building.", "Tikrit", None, 17, None),
        ("- Near Near Abu Kamal, two strikes destroyed a rig.", "Abu Kamal", None, 2, None),
        ("- Near Hit in Al Anbar Province, an airstrike struck.", "Hit", None, 1, None),
        ("- Near Kirkuk, an airstike struck a position.", "Kirkuk", None, 1, None),
        ("-- Three July 23 strikes near Kisik, Iraq, destroyed.", "Kisik", "Iraq", 3, "July 23"),
        ("- Near Deir ez-Zawr, three strikes destroyed a well.", "Deir ez-Zawr", None, 3, None),
    ],
)
def test_sentence_forms(sentence, place, country, strikes, when):
    got = parse_sentence(sentence)
    assert got is not None
    assert (got["place"], got["country"], got["strikes"], got["when"]) == (
        place,
        country,
        strikes,
        when,
    )


def test_headings_and_prose_are_not_strike_sentences():
    for text in (
        "In Syria, Coalition military forces conducted 25 strikes consisting of 32 engagements.",
        "Additionally, 13 strikes were conducted in Syria on Aug. 20 that closed within 24 hours.",
        "Strike assessments are based on initial reports.",
        "SOUTHWEST ASIA, Aug. 22, 2017",
    ):
        assert parse_sentence(text) is None, text


def test_no_country_carried_across_an_earlier_strikes_heading():
    # Iraq's section comes first; the lines after "Earlier strikes:" are not in Iraq.
    ev = _read("release_2017-08-22_earlier.txt").events
    assert ev["country"].tolist() == ["Iraq"] * 3 + ["Syria"] * 4  # from the gazetteer


def test_a_release_without_an_in_syria_sentence_reads():
    text = (
        "SOUTHWEST ASIA, Aug. 22, 2017 — Coalition forces attacked ISIS yesterday.\n"
        "-- Near Raqqa, three strikes engaged an ISIS tactical unit.\n"
        "-- Near Mosul, a strike destroyed a vehicle.\n"
    )
    ev = read_events(io.StringIO(text)).events
    assert ev[["place_id", "country"]].values.tolist() == [["raqqa", "Syria"], ["mosul", "Iraq"]]


def test_lines_that_are_not_events_are_ledger_rows():
    earlier = _read("release_2017-08-22_earlier.txt")
    assert earlier.rejects[["row", "field", "reason"]].values.tolist() == [
        [7, "place", "place without a sourced coordinate"],  # Kisik
        [9, "date", "no date (an earlier strike without its own date)"],
    ]
    weekend = _read("release_2015-12-18_weekend.txt")
    assert weekend.rejects["reason"].tolist() == [
        "place without a sourced coordinate",  # Sultan Abdallah
        "not a strike line",  # "* The strikes were conducted with the approval …"
    ]


def test_totals_are_reconciled_with_the_lines(tmp_path):
    text = (FIX / "release_2017-08-22.txt").read_text()
    totals = release_totals(text)
    assert totals[["country", "stated", "summed", "uncounted", "agrees"]].values.tolist() == [
        ["Syria", 25, 25, 0, True],
        ["Iraq", 4, 24, 1, False],
        # A line with its own date (Aug. 19) is not part of the Aug. 20 late report.
        ["Syria", 13, 13, 0, True],
    ]
    short = tmp_path / "short.txt"
    short.write_text(text.replace("conducted 25 strikes", "conducted 22 strikes"))
    match = r"short\.txt: section 'In Syria.*' states 22 strikes, its lines add up to 25"
    with pytest.warns(ReleaseTotalsWarning, match=match):
        result = read_events(short, format="releases", gazetteer=GAZ)
    assert result.accepted == 8  # a mismatch is reported, nothing is refused for it


def test_text_without_strike_lines_is_an_error_naming_the_file(tmp_path):
    empty = tmp_path / "release.txt"
    empty.write_text("SOUTHWEST ASIA, Aug. 22, 2017 — No strikes were conducted yesterday.\n")
    with pytest.raises(SourceFormatError, match=r"release\.txt: no strike lines found"):
        read_events(empty, format="releases")


def test_bulleted_and_html_releases_are_detected():
    for name in ("release_2015-12-18_weekend.txt", "release_2016-02-19_since.html"):
        assert detect_format(FIX / name) == "releases", name
        assert read_events(FIX / name).accepted >= 3
