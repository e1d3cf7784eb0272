"""The Dask engine gives the pandas path's answers, lazily (geoconflict.scale)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import dask
import dask.dataframe as dd
import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from dask.callbacks import Callback
from helpers import nested_areas
from hypothesis import given, settings
from hypothesis import strategies as st

from geoconflict import areas, scale, summary
from geoconflict.errors import DataError, GeoconflictError, SourceFormatError
from geoconflict.synthetic import synthetic_events

N_EVENTS = 200_000
N_FAST = 20_000  # the fast tier's tests: what they check does not need 200k rows

pytestmark = pytest.mark.xdist_group("scale")  # one worker builds `dataset`, not both


def write_partitioned(events: gpd.GeoDataFrame, root: Path) -> Path:
    """Hive-partitioned GeoParquet by year, two files per year (like a chunked ingest)."""
    year = events["date_start"].dt.year
    for y in sorted(year.unique()):
        part = events[year == y]
        half = len(part) // 2
        (root / f"year={y}").mkdir(parents=True)
        part.iloc[:half].to_parquet(root / f"year={y}" / "part-0.parquet")
        part.iloc[half:].to_parquet(root / f"year={y}" / "part-1.parquet")
    return root


def make_dataset(n: int, root: Path) -> tuple[gpd.GeoDataFrame, Path]:
    events = synthetic_events(n, seed=7)
    # Some rows without a count: the strike rows among them are uncounted (not counted
    # as strikes), which needs the `kind` column to reach the workers.
    events.loc[events.index[::97], "strikes"] = pd.NA
    return events, write_partitioned(events, root / "events")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpd.GeoDataFrame, Path]:
    """N_EVENTS events, for the slow tests at scale."""
    return make_dataset(N_EVENTS, tmp_path_factory.mktemp("scale"))


@pytest.fixture(scope="module")
def fast_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpd.GeoDataFrame, Path]:
    """N_FAST events in the same partitions (two files a year), for the fast tier."""
    return make_dataset(N_FAST, tmp_path_factory.mktemp("scale_fast"))


class CountTasks(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.ran = 0

    def _posttask(self, *args: object) -> None:
        self.ran += 1


@pytest.mark.slow
@pytest.mark.parametrize("freq", ["MS", "W", "YS"])
def test_dask_summary_equals_pandas_on_200k_events(
    dataset: tuple[gpd.GeoDataFrame, Path], freq: str
) -> None:
    events, root = dataset
    table = nested_areas()
    expected = summary.summarize(areas.assign(events, table), freq=freq)

    ddf = scale.read_parquet(root)
    assert ddf.npartitions == 2 * events["date_start"].dt.year.nunique()
    lazy = scale.summarize(ddf, freq=freq, areas=table)
    assert isinstance(lazy, dd.DataFrame)
    got = lazy.compute(scheduler="threads")

    pd.testing.assert_frame_equal(got, expected)
    assert got["events"].sum() == N_EVENTS
    assert set(got["area"].dropna()) == {"city_west", "city_east", "town"}
    assert got["area"].isna().any()  # events outside every area are kept as their own row
    assert got["strikes"].sum() == events["strikes"].sum()  # the stated counts, none invented
    no_count = events["strikes"].isna() & (events["kind"] == "strike")
    assert 0 < got["strikes_uncounted"].sum() == no_count.sum()


def test_dask_period_totals_equal_pandas(fast_dataset: tuple[gpd.GeoDataFrame, Path]) -> None:
    events, root = fast_dataset
    table = nested_areas()
    periods = {"before": ("2014-08-08", "2017-01-19"), "after": ("2017-01-20", "2017-07-15")}
    expected = summary.summarize(areas.assign(events, table), periods=periods)
    got = scale.summarize(scale.read_parquet(root), periods=periods, areas=table).compute()
    pd.testing.assert_frame_equal(got, expected)
    # And both equal a direct count of the events in each period and area.
    assigned = areas.assign(events, table)
    for name, (start, end) in periods.items():
        inside = assigned["date_start"].between(pd.Timestamp(start), pd.Timestamp(end))
        counts = assigned.loc[inside, "area"].value_counts(dropna=False)
        rows = got[got["period"] == name]
        assert dict(zip(rows["area"], rows["events"], strict=True)) == counts.to_dict()
        days = (pd.Timestamp(end) - pd.Timestamp(start)).days + 1
        np.testing.assert_allclose(rows["months"], days / (365.25 / 12))


@pytest.mark.slow
def test_dask_assign_equals_pandas(dataset: tuple[gpd.GeoDataFrame, Path]) -> None:
    events, root = dataset
    table = nested_areas()
    lazy = scale.assign(scale.read_parquet(root), table)
    assert isinstance(lazy, dask_geopandas.GeoDataFrame)
    got = lazy.compute().set_index("event_id")
    expected = areas.assign(events, table).set_index("event_id")
    assert got.crs.equals(expected.crs)
    assert len(got) == N_EVENTS
    pd.testing.assert_series_equal(got["area"].reindex(expected.index), expected["area"])
    # The child beats its parent: nothing stays in "city" itself.
    assert (got["area"] == "city_west").sum() > 0
    assert not (got["area"] == "city").any()


def test_dask_assign_intersects_flags_the_same_events(
    fast_dataset: tuple[gpd.GeoDataFrame, Path],
) -> None:
    events = fast_dataset[0]
    table = nested_areas()
    sample = events.iloc[:20_000]
    ddf = dask_geopandas.from_geopandas(sample, npartitions=4)
    got = scale.assign(ddf, table, how="intersects").compute()
    expected = areas.assign(sample, table, how="intersects")
    pd.testing.assert_frame_equal(
        pd.DataFrame(got[["area", "area_ambiguous"]]),
        pd.DataFrame(expected[["area", "area_ambiguous"]]),
    )
    assert got["area_ambiguous"].sum() > 0


def test_the_caller_picks_the_dask_engine(fast_dataset: tuple[gpd.GeoDataFrame, Path]) -> None:
    # The pandas functions refuse a Dask table and name their twin here; the twins
    # give the pandas answer (as geopandas leaves dask-geopandas to the caller).
    events, root = fast_dataset
    table = nested_areas()
    ddf = scale.read_parquet(root)
    with pytest.raises(DataError, match=r"geoconflict\.scale\.assign"):
        areas.assign(ddf, table)
    with pytest.raises(DataError, match=r"geoconflict\.scale\.summarize"):
        summary.summarize(ddf, by="area", freq="YS")
    assigned = scale.assign(ddf, table)
    assert isinstance(assigned, dask_geopandas.GeoDataFrame)
    lazy = scale.summarize(assigned, by="area", freq="YS")
    assert isinstance(lazy, dd.DataFrame)
    expected = summary.summarize(areas.assign(events, table), freq="YS")
    pd.testing.assert_frame_equal(lazy.compute(), expected)


def test_building_the_summary_computes_nothing(fast_dataset: tuple[gpd.GeoDataFrame, Path]) -> None:
    _, root = fast_dataset
    counter = CountTasks()
    with counter:
        lazy = scale.summarize(scale.read_parquet(root), areas=nested_areas())
        lazy_assign = scale.assign(scale.read_parquet(root), nested_areas())
    assert counter.ran == 0
    assert isinstance(lazy_assign, dask_geopandas.GeoDataFrame)
    with counter:
        lazy.compute(scheduler="sync")
    assert counter.ran > 8  # one task per partition at least, then the reduction


def test_summary_reads_only_the_columns_it_needs(
    fast_dataset: tuple[gpd.GeoDataFrame, Path],
) -> None:
    events, root = fast_dataset
    needed = scale.summary_columns(scale.read_parquet(root).columns)
    assert {"geometry", "date_start", "kind", "strikes"} <= set(needed)
    assert not {"notes", "source", "event_id", "year"} & set(needed)
    ddf = scale.read_parquet(root, columns=needed)
    assert set(ddf.columns) == set(needed)
    got = scale.summarize(ddf, areas=nested_areas()).compute()
    pd.testing.assert_frame_equal(got, summary.summarize(areas.assign(events, nested_areas())))
    assert scale.summary_columns(["area", "kind", "notes"], by="area") == ["area", "kind"]
    assert scale.summary_columns(["kind", "date_start", "notes"], by=None) == [
        "date_start",
        "kind",
    ]


def test_summary_by_another_column_and_by_none() -> None:
    events = synthetic_events(3_000, seed=11)
    ddf = dask_geopandas.from_geopandas(events, npartitions=3)
    got = scale.summarize(ddf, by="kind", freq="YS").compute()
    pd.testing.assert_frame_equal(got, summary.summarize(events, by="kind", freq="YS"))
    assert got.groupby("kind")["events"].sum().to_dict() == events["kind"].value_counts().to_dict()
    totals = scale.summarize(ddf, by=None, freq="YS").compute()
    pd.testing.assert_frame_equal(totals, summary.summarize(events, by=None, freq="YS"))
    by_year = events["date_start"].dt.year.value_counts().sort_index()
    assert totals["events"].tolist() == by_year.tolist()
    with pytest.raises(DataError, match="no_such"):
        scale.summarize(ddf, by="no_such")


def test_read_parquet_reprojects_and_reports_bad_input(tmp_path: Path) -> None:
    events = synthetic_events(40, seed=3)
    events.to_crs("EPSG:3857").to_parquet(tmp_path / "mercator.parquet")
    ddf = scale.read_parquet(tmp_path / "mercator.parquet")
    assert ddf.crs.to_epsg() == 4326
    back = ddf.compute()
    np.testing.assert_allclose(back.geometry.x, events.geometry.x, atol=1e-9)
    np.testing.assert_allclose(back.geometry.y, events.geometry.y, atol=1e-9)

    with pytest.raises(DataError, match=r"missing\.parquet"):
        scale.read_parquet(tmp_path / "missing.parquet")
    (tmp_path / "not.parquet").write_text("event_id,lat\n1,2\n")
    with pytest.raises(SourceFormatError, match=r"not\.parquet"):
        scale.read_parquet(tmp_path / "not.parquet")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceFormatError, match=r"no \.parquet files"):
        scale.read_parquet(tmp_path / "empty")
    with pytest.raises(DataError, match="needs a Dask table"):
        scale.summarize(events)


@pytest.mark.slow
def test_client_starts_a_local_cluster_on_loopback() -> None:
    with scale.client(n_workers=2) as c:
        workers = c.scheduler_info()["workers"]
        assert len(workers) == 2
        assert c.scheduler.address.startswith("tcp://127.0.0.1:")
        assert all(w.startswith("tcp://127.0.0.1:") for w in workers)
        assert len(set(c.run(os.getpid).values()) | {os.getpid()}) == 3  # two processes
        events = synthetic_events(500, seed=5)
        events["area"] = events["kind"]
        ddf = dask_geopandas.from_geopandas(events, npartitions=2)
        # Inside the block the client is the default scheduler.
        assert dask.base.get_scheduler().__self__ is c
        got = scale.summarize(ddf, freq="YS").compute()
    pd.testing.assert_frame_equal(got, summary.summarize(events, freq="YS"))


def test_client_reports_an_unreachable_scheduler() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        pytest.raises(GeoconflictError, match=f"127.0.0.1:{port}"),
        scale.client(f"tcp://127.0.0.1:{port}", timeout=1),
    ):
        pass


@pytest.mark.slow
@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 3_000),
    npartitions=st.integers(1, 7),
    freq=st.sampled_from(["MS", "W", "YS", "D", "periods"]),
)
def test_any_partitioning_gives_the_pandas_summary(
    seed: int, n: int, npartitions: int, freq: str
) -> None:
    events = synthetic_events(n, seed=seed)
    ddf = dask_geopandas.from_geopandas(events, npartitions=npartitions)
    options: dict[str, Any] = {"freq": freq}
    if freq == "periods":  # two named periods that together cover the whole campaign
        options = {
            "periods": {"a": ("2014-01-01", "2016-06-30"), "b": ("2016-07-01", "2018-01-01")}
        }
    got = scale.summarize(ddf, areas=nested_areas(), **options).compute(scheduler="sync")
    expected = summary.summarize(areas.assign(events, nested_areas()), **options)
    pd.testing.assert_frame_equal(got, expected)
    assert got["events"].sum() == n


def test_check_events_mirrors_read_events_across_partitions(tmp_path: Path) -> None:
    """Same rejects, numbered in file order, and the same valid rows as the pandas reader."""
    from geoconflict.sources import read_events, write_events

    events = synthetic_events(300, seed=9)
    events.loc[3, "date_start"] = pd.NaT
    events.loc[120, "geometry"] = None
    events.loc[121, "geometry"] = shapely.box(0, 0, 1, 1)
    events.loc[250, "geometry"] = shapely.Point()
    events.loc[251, "kind"] = "bogus"
    path = tmp_path / "dirty.parquet"
    events.to_parquet(path)
    expected = read_events(path)
    ddf = scale.read_parquet(path).repartition(npartitions=4)
    valid, rejects, lengths = scale.check_events(ddf)
    got_valid, got_rejects, got_lengths = dask.compute(valid, rejects, lengths, scheduler="sync")
    assert got_lengths.tolist() == [75, 75, 75, 75]
    ledger = scale.number_rejects(got_rejects, got_lengths)
    pd.testing.assert_frame_equal(ledger, _none_for_missing(expected.rejects))
    assert ledger["row"].tolist() == [4, 121, 122, 251]
    assert got_valid["event_id"].tolist() == expected.events["event_id"].tolist()

    # A partitioned directory: one partition per year, rows numbered year after year.
    clean_dates = events.drop(index=[3])
    root = write_events(clean_dates, tmp_path / "by_year", partition_by="year")
    expected = read_events(root)
    ddf = scale.read_parquet(root)
    assert ddf.npartitions > 1
    _, rejects, lengths = scale.check_events(ddf)
    got_rejects, got_lengths = dask.compute(rejects, lengths, scheduler="sync")
    ledger = scale.number_rejects(got_rejects, got_lengths)
    pd.testing.assert_frame_equal(ledger, _none_for_missing(expected.rejects))
    assert len(ledger) == 3


def _none_for_missing(ledger: pd.DataFrame) -> pd.DataFrame:
    """The pandas reader's ledger may hold NaN or None for a missing value (concat order)."""
    value = ledger["value"].astype(object)
    return ledger.assign(value=value.where(value.notna(), None))


def test_both_engines_see_the_same_columns_of_a_partitioned_table(tmp_path: Path) -> None:
    from geoconflict.cli import main
    from geoconflict.sources import read_events, write_events

    events = synthetic_events(300, seed=5)
    root = tmp_path / "by-year"
    write_events(events, root, partition_by="year")
    assert sorted(p.name for p in root.iterdir())[:1] == ["year=2014"]
    lazy = scale.read_parquet(root)
    eager = read_events(root).events
    # The folder key `year` is storage, not an event column, in both engines.
    assert list(lazy.columns) == list(eager.columns)
    assert "year" not in lazy.columns
    # So summarising "by year" is refused the same way by both engines.
    for engine in ("pandas", "dask"):
        out = tmp_path / f"{engine}.csv"
        code = main(["summarize", str(root), "--by", "year", "--engine", engine, "--out", str(out)])
        assert code == 2 and not out.exists()
