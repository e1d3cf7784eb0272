"""The shipped strike table: the compilation's 5,531 release lines, dated, located, complete."""

from __future__ import annotations

import importlib.util
import sys

import pandas as pd
import pytest

from geoconflict import datasets, gazetteer
from tests.shared_sources import REPO, strike_releases


def _derive_module():
    spec = importlib.util.spec_from_file_location(
        "derive_strikes", REPO / "tools" / "derive_strikes.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("derive_strikes", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def strikes() -> pd.DataFrame:
    return datasets.load("strikes")


@pytest.fixture(scope="module")
def rejects() -> pd.DataFrame:
    return pd.read_csv(datasets.path("strikes_rejects"))


@pytest.fixture(scope="module")
def compilation() -> pd.DataFrame:
    rows = pd.read_csv(strike_releases() / "all-edited-refined.csv")
    rows["row"] = range(1, len(rows) + 1)
    # The source README: a release reports the period before its date ("yesterday").
    rows["day"] = pd.to_datetime(rows["date"], format="%m/%d/%Y") - pd.Timedelta(days=1)
    return rows


def test_every_line_is_a_strike_or_a_reject(strikes, rejects, compilation):
    assert len(strikes) >= 5000
    assert len(strikes) + len(rejects) == len(compilation) == 5531
    assert sorted([*strikes["compilation_row"], *rejects["row"]]) == compilation["row"].tolist()
    assert strikes["event_id"].is_unique
    assert set(strikes["dataset"]) == {"release"} and set(strikes["kind"]) == {"strike"}
    assert strikes.geometry.notna().all() and (strikes["location_precision_m"] >= 10_000).all()
    assert set(rejects["reason"]) == {
        gazetteer.UNLOCATED,
        "several places on one line (strikes not split by place)",
    }


def test_source_credits_the_compilation_and_names_the_release(strikes):
    first = strikes.iloc[0]
    assert first["source"] == (
        f"CENTCOM/CJTF-OIR strike release {first['release_date']:%Y-%m-%d}; strike-release "
        "lines compiled by Kevin Schaul (uscentcom-isil-airstrikes-scraper), from "
        "CENTCOM/CJTF-OIR releases"
    )
    assert strikes["source_url"].str.contains("uscentcom-isil-airstrikes-scraper").all()


def test_strikes_are_dated_by_the_day_they_happened(strikes, compilation):
    by_row = compilation.set_index("row")
    rows = strikes.set_index("compilation_row")
    stated = pd.to_datetime(by_row.loc[rows.index, "date"], format="%m/%d/%Y").to_numpy()
    # The compilation's `date` is the release's, but for its hand-dated late-report rows.
    assert rows.index[rows["release_date"].to_numpy() != stated].tolist() == [3047]
    before = (rows["release_date"] - rows["date_start"]).dt.days
    assert before.value_counts().to_dict() == {1: len(rows) - 1, 2: 1}
    # The one strike two days before its release: the Nov. 23, 2015 late report of Nov. 21.
    late = rows[before == 2].iloc[0]
    assert (late["date_start"], late["release_date"]) == (
        pd.Timestamp("2015-11-21"),
        pd.Timestamp("2015-11-23"),
    )


def test_strikes_per_month_equal_the_compilation(strikes, rejects, compilation):
    ours = pd.concat(
        [
            strikes[["date_start", "strikes"]].astype({"strikes": "int64"}),
            rejects[["date_start", "number"]].rename(columns={"number": "strikes"}),
        ]
    )
    ours_month = ours.groupby(pd.to_datetime(ours["date_start"]).dt.to_period("M"))["strikes"].sum()
    theirs = compilation.groupby(compilation["day"].dt.to_period("M"))["number"].sum()
    assert ours_month.to_dict() == theirs.to_dict()
    assert int(ours_month.sum()) == 12_241


def test_strikes_per_town_and_month_equal_the_compilations_lines(strikes, compilation):
    gaz = gazetteer.load()
    theirs = compilation.assign(
        place_id=gazetteer.lookup(compilation["location"], None, gaz)["place_id"]
    )
    theirs = theirs.set_index("row").loc[strikes["compilation_row"]]
    # Lines whose text names another place than the compilation's (the oracle's one
    # class: "Near Baghdad", read by the compilation as Baghdadi) are compared apart.
    other = theirs["place_id"].to_numpy() != strikes["place_id"].to_numpy()
    assert other.sum() == 4 and set(strikes.loc[other, "place_id"]) == {"baghdad"}
    month = strikes["date_start"].dt.to_period("M")
    ours = strikes[~other].groupby([strikes["place_id"][~other], month[~other]])["strikes"].sum()
    theirs_kept = theirs[~other]
    theirs_sum = theirs_kept.groupby(
        [theirs_kept["place_id"].to_numpy(), (theirs_kept["day"].dt.to_period("M")).to_numpy()]
    )["number"].sum()
    assert len(ours) > 500
    assert ours.astype("int64").to_dict() == theirs_sum.to_dict()


@pytest.mark.slow  # over 3 s (the slow mark's rule: over about 2 s)
def test_derive_is_byte_for_byte_reproducible(tmp_path):
    shared = strike_releases().parent.parent
    derive = _derive_module()
    written = derive.derive(shared, tmp_path)
    for name, text in written.items():
        assert (tmp_path / name).read_bytes() == (
            datasets.path("strikes").with_name(name)
        ).read_bytes()
        assert text.encode() == (tmp_path / name).read_bytes()
    assert derive.main(["--shared", str(shared), "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "strikes.csv").write_text("changed\n")
    assert derive.main(["--shared", str(shared), "--out", str(tmp_path), "--check"]) == 1
