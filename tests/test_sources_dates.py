"""Day/month order of slash and dot dates: inferred per column, forced, or rejected as ambiguous."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geoconflict.build import load_spec
from geoconflict.build.pipeline import read_input
from geoconflict.cli import main
from geoconflict.errors import SourceFormatError, SpecError
from geoconflict.sources import read_events
from geoconflict.sources.airwars import convert as airwars_convert
from geoconflict.sources.datetimes import AMBIGUOUS_DATE, parse_date_columns, parse_dates
from geoconflict.sources.rejects import Problems

FIX = Path(__file__).parent / "fixtures_sources"


def _days(values: np.ndarray) -> list[str]:
    return [str(v)[:10] for v in values]


def _parse(values: list[str], dayfirst: bool | None = None) -> tuple[list[str], list[str]]:
    dates, why = parse_dates(pd.Series(values, dtype="str"), dayfirst)
    return _days(dates), why.tolist()


# --- parse_dates ---------------------------------------------------------------------------


def test_a_first_field_above_12_makes_the_column_day_first() -> None:
    dates, why = _parse(["13/01/2017", "01/02/2017", "03.04.2017"])
    assert dates == ["2017-01-13", "2017-02-01", "2017-04-03"]
    assert why == ["", "", ""]


def test_a_second_field_above_12_makes_the_column_month_first() -> None:
    dates, why = _parse(["01/13/2017", "01/02/2017", "03.04.2017", "12/31/2016"])
    assert dates == ["2017-01-13", "2017-01-02", "2017-03-04", "2016-12-31"]
    assert why == ["", "", "", ""]


def test_nothing_decides_the_column_reads_day_first() -> None:
    dates, why = _parse(["01/02/2017", "3.4.2017", "05/05/2017"])
    assert dates == ["2017-02-01", "2017-04-03", "2017-05-05"]
    assert why == ["", "", ""]


def test_forced_day_first_rejects_month_first_values_as_impossible() -> None:
    dates, why = _parse(["01/13/2017", "01/02/2017"], dayfirst=True)
    assert dates == ["NaT", "2017-02-01"]
    assert why == ["impossible date", ""]


def test_forced_month_first_rejects_day_first_values_as_impossible() -> None:
    dates, why = _parse(["13/01/2017", "01/02/2017", "03.04.2017"], dayfirst=False)
    assert dates == ["NaT", "2017-01-02", "2017-03-04"]
    assert why == ["impossible date", "", ""]


def test_forced_month_first_overrides_day_first_evidence() -> None:
    # Evidence does not count once the order is given: 01/02 is 2 January, as asked.
    dates, _ = _parse(["01/02/2017"], dayfirst=False)
    assert dates == ["2017-01-02"]


def test_an_inconsistent_column_rejects_only_the_ambiguous_values() -> None:
    values = ["13/01/2017", "01/13/2017", "03/04/2017", "05.05.2017", "01.02.2017", "2017-03-04"]
    dates, why = _parse(values)
    assert dates == ["2017-01-13", "2017-01-13", "NaT", "2017-05-05", "NaT", "2017-03-04"]
    assert why == ["", "", AMBIGUOUS_DATE, "", AMBIGUOUS_DATE, ""]
    assert AMBIGUOUS_DATE == "ambiguous date (day/month order)"


def test_values_impossible_in_both_orders_do_not_decide() -> None:
    # 31/02 is no date either way; 13/13 neither: they are impossible, and the column
    # (nothing else deciding) stays day first.
    dates, why = _parse(["31/02/2017", "13/13/2017", "01/02/2017"])
    assert dates == ["NaT", "NaT", "2017-02-01"]
    assert why == ["impossible date", "impossible date", ""]


@pytest.mark.parametrize("dayfirst", [None, True, False])
def test_other_date_forms_are_unaffected(dayfirst: bool | None) -> None:
    values = ["2017-01-02", "2 January 2017", "02-Jan-17", "January 2, 2017", "2017-02-30", ""]
    # A month-first slash date in the column changes nothing for the others.
    dates, why = _parse([*values, "01/13/2017"], dayfirst)
    assert dates[:4] == ["2017-01-02"] * 4
    assert why[4:6] == ["impossible date", "missing date"]


def test_out_of_range_slash_dates_are_named() -> None:
    _, why = _parse(["01/02/1500", "13/01/2017"])
    assert why == ["date out of range (1677-2262)", ""]


def test_repeated_values_are_parsed_as_their_distinct_values() -> None:
    # A long column of a few distinct values: the same answer for every repeat.
    col = pd.Series(["01/13/2017", "01/02/2017", "x"] * 50_000, dtype="str")
    dates, why = parse_dates(col)
    assert _days(dates[:3]) == ["2017-01-13", "2017-01-02", "NaT"]
    assert (dates[1::3] == np.datetime64("2017-01-02")).all()
    assert (why[2::3] == "unrecognised date").all() and (why[0::3] == "").all()


def test_start_and_end_columns_share_one_inferred_order() -> None:
    start = pd.Series(["01/13/2017", "01/02/2017"], dtype="str")
    end = pd.Series(["01/14/2017", "01/03/2017"], dtype="str")
    (s, s_why), (e, e_why) = parse_date_columns(start, end)
    assert _days(s) == ["2017-01-13", "2017-01-02"]
    # The end dates alone decide nothing, yet are read month first like the start dates.
    assert _days(e) == ["2017-01-14", "2017-01-03"]
    assert s_why.tolist() == e_why.tolist() == ["", ""]


def test_airwars_end_dates_follow_the_start_dates_order() -> None:
    t = pd.DataFrame(
        {
            "code": ["CI1", "CI2"],
            "date": ["01/13/2017", "02/01/2017"],
            "date_end": ["02/03/2017", "02/01/2017"],
            "latitude": ["36.3", "36.3"],
            "longitude": ["43.1", "43.1"],
        }
    )
    p = Problems(np.array([1, 2]))
    out = airwars_convert(t, p)
    assert _days(out["date_start"].to_numpy()) == ["2017-01-13", "2017-02-01"]
    assert _days(out["date_end"].to_numpy()) == ["2017-02-03", "2017-02-01"]
    assert p.frame().empty


# --- read_events -------------------------------------------------------------------------

US_CSV = "id,Date,lat,lon\na,01/13/2017,36.3,43.1\nb,01/02/2017,36.3,43.1\nc,12/31/2016,36.3,43.1\n"


def _write(tmp_path: Path, text: str, name: str = "us.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _dates(events: gpd.GeoDataFrame) -> dict[str, str]:
    return {i: str(d)[:10] for i, d in zip(events["event_id"], events["date_start"], strict=True)}


def test_a_us_export_is_read_month_first(tmp_path: Path) -> None:
    result = read_events(_write(tmp_path, US_CSV), format="csv")
    assert _dates(result.events) == {"a": "2017-01-13", "b": "2017-01-02", "c": "2016-12-31"}
    assert result.rejected == 0


def test_a_us_export_forced_day_first_goes_to_the_ledger(tmp_path: Path) -> None:
    result = read_events(_write(tmp_path, US_CSV), format="csv", dayfirst=True)
    assert _dates(result.events) == {"b": "2017-02-01"}
    rejects = result.rejects
    assert rejects["row"].tolist() == [1, 3]
    assert rejects["field"].tolist() == ["Date", "Date"]
    assert rejects["value"].tolist() == ["01/13/2017", "12/31/2016"]
    assert rejects["reason"].tolist() == ["impossible date", "impossible date"]


def test_a_mixed_file_rejects_the_ambiguous_rows_and_keeps_the_rest(tmp_path: Path) -> None:
    text = US_CSV + "d,13/01/2017,36.3,43.1\ne,05/05/2017,36.3,43.1\n"
    result = read_events(_write(tmp_path, text), format="csv")
    assert _dates(result.events) == {
        "a": "2017-01-13",
        "c": "2016-12-31",
        "d": "2017-01-13",
        "e": "2017-05-05",
    }
    assert result.rejects.to_dict("records") == [
        {"row": 2, "field": "Date", "value": "01/02/2017", "reason": AMBIGUOUS_DATE}
    ]
    assert result.accepted + result.rejected == result.records == 5


def test_read_events_checks_the_dayfirst_type(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="dayfirst must be True, False or None"):
        read_events(_write(tmp_path, US_CSV), format="csv", dayfirst="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("dayfirst", [None, True, False])
def test_acled_accepts_the_option_and_its_named_months_are_unaffected(
    dayfirst: bool | None,
) -> None:
    plain = read_events(FIX / "acled_2023.csv")
    result = read_events(FIX / "acled_2023.csv", dayfirst=dayfirst)
    assert result.format == "acled"
    assert result.events["date_start"].tolist() == plain.events["date_start"].tolist()
    assert len(plain.events) > 0


def test_a_table_file_passes_the_option_down(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a"], "Date": ["01/02/2017"], "lat": [36.3], "lon": [43.1]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    assert _dates(read_events(path, format="csv", dayfirst=False).events) == {"a": "2017-01-02"}
    assert _dates(read_events(path, format="csv").events) == {"a": "2017-02-01"}


# --- CLI -----------------------------------------------------------------------------------


def _ingest(tmp_path: Path, *flags: str) -> tuple[int, gpd.GeoDataFrame, pd.DataFrame]:
    src = _write(tmp_path, "id,Date,lat,lon\nb,01/02/2017,36.3,43.1\nf,02/13/2017,36.3,43.1\n")
    out, rej = tmp_path / "out.parquet", tmp_path / "rejects.csv"
    code = main(
        ["ingest", str(src), "--format", "csv", "--out", str(out), "--rejects", str(rej),
         "--no-progress", *flags]
    )  # fmt: skip
    return code, gpd.read_parquet(out), pd.read_csv(rej, dtype=str)


def test_cli_infers_by_default(tmp_path: Path) -> None:
    code, events, rejects = _ingest(tmp_path)
    assert code == 0 and rejects.empty
    assert _dates(events) == {"b": "2017-01-02", "f": "2017-02-13"}


def test_cli_monthfirst(tmp_path: Path) -> None:
    code, events, rejects = _ingest(tmp_path, "--monthfirst")
    assert code == 0 and rejects.empty
    assert _dates(events) == {"b": "2017-01-02", "f": "2017-02-13"}


def test_cli_dayfirst(tmp_path: Path) -> None:
    code, events, rejects = _ingest(tmp_path, "--dayfirst")
    assert code == 1
    assert _dates(events) == {"b": "2017-02-01"}
    assert rejects[["row", "field", "value", "reason"]].values.tolist() == [
        ["2", "Date", "02/13/2017", "impossible date"]
    ]


def test_cli_dayfirst_and_monthfirst_exclude_each_other(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        _ingest(tmp_path, "--dayfirst", "--monthfirst")
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# --- map specs -----------------------------------------------------------------------------

_SPEC = 'title = "T"\n[[inputs]]\npath = "us.csv"\nformat = "csv"\noptions = {{ {opts} }}\n'


@pytest.mark.parametrize("value", [True, False])
def test_spec_dayfirst_option_is_kept_and_reaches_the_reader(tmp_path: Path, value: bool) -> None:
    _write(tmp_path, US_CSV.replace("01/13/2017", "01/12/2017"))
    spec_path = _write(tmp_path, _SPEC.format(opts=f"dayfirst = {str(value).lower()}"), "m.toml")
    spec = load_spec(spec_path)
    item = spec.inputs[0]
    assert dict(item.options) == {"dayfirst": value}
    assert item.path is not None
    events, rejects, records = read_input(item.path, item.format, dict(item.options))
    assert records == 3
    if value:
        assert _dates(events) == {"a": "2017-12-01", "b": "2017-02-01"}
        assert rejects["reason"].tolist() == ["impossible date"]
    else:
        assert _dates(events) == {"a": "2017-01-12", "b": "2017-01-02", "c": "2016-12-31"}
        assert rejects.empty


@pytest.mark.parametrize(
    ("opts", "got"), [('dayfirst = "yes"', "a string"), ("dayfirst = 1", "an integer")]
)
def test_spec_dayfirst_must_be_true_or_false(tmp_path: Path, opts: str, got: str) -> None:
    spec_path = _write(tmp_path, _SPEC.format(opts=opts), "m.toml")
    with pytest.raises(SpecError) as info:
        load_spec(spec_path)
    assert info.value.key == "inputs[0].options.dayfirst"
    assert f"expected true/false, got {got}" in str(info.value)
    assert "dayfirst" in str(info.value)


def _chunked_file(tmp_path: Path, tail: list[str], fmt: str = "csv") -> Path:
    """150 rows whose slash dates show no order, then ``tail``: read in chunks of 50."""
    if fmt == "acled":
        head = "event_id_cnty,event_date,latitude,longitude,fatalities"
        rows = [f"IRQ{i},01/02/2017,36.3,43.1,0" for i in range(150)]
        rows += [f"IRQ9{i},{d},36.3,43.1,0" for i, d in enumerate(tail)]
    else:
        head = "id,lat,lon,date"
        rows = [f"a{i},36.3,43.1,01/02/2017" for i in range(150)]
        rows += [f"z{i},36.3,43.1,{d}" for i, d in enumerate(tail)]
    path = tmp_path / f"{fmt}.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "acled"])
def test_the_order_is_decided_for_the_whole_file_not_per_chunk(tmp_path: Path, fmt: str) -> None:
    # The only month-first value is in the last chunk; the first three chunks alone
    # would be read day first (1 February). The whole file decides: 2 January.
    path = _chunked_file(tmp_path, ["01/13/2017"], fmt)
    result = read_events(path, format=fmt, chunksize=50)
    assert result.rejected == 0
    days = result.events["date_start"].dt.strftime("%Y-%m-%d").value_counts().to_dict()
    assert days == {"2017-01-02": 150, "2017-01-13": 1}
    # Read whole (one chunk), the answer is the same.
    whole = read_events(path, format=fmt)
    assert whole.events["date_start"].equals(result.events["date_start"])


def test_a_file_showing_both_orders_rejects_ambiguous_dates_in_every_chunk(tmp_path: Path) -> None:
    path = _chunked_file(tmp_path, ["13/01/2017", "01/13/2017"])
    result = read_events(path, format="csv", chunksize=50)
    assert result.rejects["reason"].value_counts().to_dict() == {AMBIGUOUS_DATE: 150}
    assert sorted(result.events["date_start"].dt.strftime("%Y-%m-%d")) == [
        "2017-01-13",
        "2017-01-13",
    ]


def test_a_forced_order_skips_the_scan_and_wins(tmp_path: Path) -> None:
    path = _chunked_file(tmp_path, ["01/13/2017"])
    result = read_events(path, format="csv", chunksize=50, dayfirst=True)
    assert result.rejects["reason"].tolist() == ["impossible date"]
    assert set(result.events["date_start"].dt.strftime("%Y-%m-%d")) == {"2017-02-01"}


@pytest.mark.slow  # over two seconds (the slow rule)
def test_the_order_holds_when_slash_dates_start_late_in_a_file(tmp_path: Path) -> None:
    # Long rows first (ISO dates), then many short rows whose slash dates show no
    # order, then one month-first date: every chunk size gives the same dates.
    head = "id,lat,lon,date,notes"
    rows = [f"w{i},36.3,43.1,2017-01-05,{'x' * 1500}" for i in range(45)]
    rows += [f"a{i},36.3,43.1,01/02/2017," for i in range(3000)]
    rows += ["z,36.3,43.1,01/13/2017,"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    for chunksize in (100, 1000, 1_000_000):
        result = read_events(path, format="csv", chunksize=chunksize)
        days = result.events["date_start"].dt.strftime("%Y-%m-%d").value_counts().to_dict()
        assert days == {"2017-01-02": 3000, "2017-01-05": 45, "2017-01-13": 1}, chunksize


def test_out_of_range_slash_dates_count_the_same_in_every_chunk_size(tmp_path: Path) -> None:
    rows = ["id,lat,lon,date", *[f"a{i},36.3,43.1,03/04/2017" for i in range(100)]]
    rows += ["y,36.3,43.1,13/01/1600", "z,36.3,43.1,01/13/2017"]
    path = tmp_path / "range.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ledgers = []
    for chunksize in (50, 100_000):
        result = read_events(path, format="csv", chunksize=chunksize)
        ledgers.append(result.rejects["reason"].value_counts().to_dict())
    assert ledgers[0] == ledgers[1] == {AMBIGUOUS_DATE: 100, "date out of range (1677-2262)": 1}


@pytest.mark.parametrize(
    "text",
    [
        "8 October 2023",
        "8 Oct 2023",
        "8 Oct. 2023",
        "8-Oct-2023",
        "8 October, 2023",
        "October 8 2023",
        "October 8, 2023",
        "Oct. 8, 2023",
        "Oct 8 2023",
        "october 8th, 2023",
        "08 OCT 2023",
    ],
)
def test_month_name_dates_day_or_month_first_with_or_without_commas(text: str) -> None:
    values, why = parse_dates(pd.Series([text]))
    assert (_days(values), why.tolist()) == (["2023-10-08"], [""])


def test_month_name_dates_other_months_and_sept() -> None:
    text = pd.Series(["Sept. 8, 2023", "1 May 2017", "Feb 29 2016", "31 December 1999"])
    values, why = parse_dates(text)
    assert _days(values) == ["2023-09-08", "2017-05-01", "2016-02-29", "1999-12-31"]
    assert why.tolist() == ["", "", "", ""]


def test_impossible_month_name_dates_are_impossible_not_unrecognised() -> None:
    values, why = parse_dates(pd.Series(["October 32 2023", "Feb 29, 2017", "31 Sept 2023"]))
    assert why.tolist() == ["impossible date"] * 3
    assert np.isnat(values).all()


def test_ambiguous_and_garbage_dates_go_to_the_ledger_with_row_and_field() -> None:
    text = (
        "event_id_cnty,event_date,latitude,longitude\n"
        "IRQ1,13/01/2017,36.34,43.13\n"
        "IRQ2,01/13/2017,36.34,43.13\n"
        "IRQ3,03/04/2017,36.34,43.13\n"
        "IRQ4,October the eighth,36.34,43.13\n"
        "IRQ5,October 8 2023,36.34,43.13\n"
    )
    import io

    result = read_events(io.StringIO(text))
    assert (result.records, result.accepted, result.rejected) == (5, 3, 2)
    assert result.rejects[["row", "field", "value", "reason"]].values.tolist() == [
        [3, "event_date", "03/04/2017", AMBIGUOUS_DATE],
        [4, "event_date", "October the eighth", "unrecognised date"],
    ]
    assert _days(result.events["date_start"].to_numpy()) == [
        "2017-01-13",
        "2017-01-13",
        "2023-10-08",
    ]


def test_a_file_mixing_utc_offsets_reads_each_date_in_utc(tmp_path: Path) -> None:
    # pandas refuses mixed offsets in one call ("Mixed timezones detected"): the whole
    # read failed; each date counts in its UTC day, a naive date as UTC already
    path = tmp_path / "offsets.csv"
    path.write_text(
        "event_id,date_start,lat,lon\n"
        "a,2017-03-17T01:30:00+03:00,36.3,43.1\n"
        "b,2017-03-17T01:30:00Z,36.3,43.1\n"
        "c,2017-03-17T01:30:00,36.3,43.1\n"
        "d,2017-03-17T25:30:00+03:00,36.3,43.1\n"
    )
    result = read_events(path, format="csv")
    assert (result.records, result.accepted, result.rejected) == (4, 3, 1)
    got = result.events.set_index("event_id")["date_start"].astype(str).to_dict()
    assert got == {
        "a": "2017-03-16 22:30:00",
        "b": "2017-03-17 01:30:00",
        "c": "2017-03-17 01:30:00",
    }
    assert result.rejects[["row", "field"]].values.tolist() == [[4, "date_start"]]
