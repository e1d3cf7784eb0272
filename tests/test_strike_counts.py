"""The one rule for declared strikes (``events.strike_counts``) and the places that use it.

Nothing is invented: a row's strikes are its stated count; a strike row that states none
adds nothing and is counted as uncounted. The summaries (pandas and Dask), the links and
the strikes layer must agree on the same table.
"""

from __future__ import annotations

import dask_geopandas
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geoconflict import link, scale, summary
from geoconflict.events import strike_counts
from geoconflict.render.strikes import strike_cells

# -- the rule -------------------------------------------------------------------------------


def test_stated_counts_and_what_states_none() -> None:
    frame = pd.DataFrame(
        {"strikes": pd.Series([3, None, "x", "-1", "2.6", "1.5", "2.5", np.inf, "7"], dtype=object)}
    )
    counts, uncounted = strike_counts(frame)
    # Fractions round to the nearest whole number, halves to even (as conform does).
    assert counts.tolist() == [3, 0, 0, 0, 3, 2, 2, 0, 7]
    assert uncounted.tolist() == [False, True, True, True, False, False, False, True, False]
    assert counts.dtype == np.int64 and uncounted.dtype == np.bool_
    # A count no sum could hold states none (it would wrap round to a negative).
    huge = pd.DataFrame({"strikes": [2**31 - 1, 2**31, 1e19]})
    counts, uncounted = strike_counts(huge)
    assert counts.tolist() == [2**31 - 1, 0, 0] and uncounted.tolist() == [False, True, True]


def test_which_rows_claim_strikes() -> None:
    frame = pd.DataFrame(
        {
            "kind": ["strike", "civcas", None, "strike", "ground"],
            "strikes": pd.array([None, None, None, 2, 4], dtype="Int64"),
        }
    )
    counts, uncounted = strike_counts(frame, strike_rows="kind")
    assert counts.tolist() == [0, 0, 0, 2, 4]  # a stated count adds, whatever the kind
    assert uncounted.tolist() == [True, False, False, False, False]
    assert strike_counts(frame)[1].tolist() == [True, True, True, False, False]
    # No kind column: no row is known to be a strike; no strikes column: none is stated.
    no_kind = frame.drop(columns="kind")
    assert strike_counts(no_kind, strike_rows="kind")[1].tolist() == [False] * 5
    counts, uncounted = strike_counts(frame.drop(columns="strikes"))
    assert counts.tolist() == [0] * 5 and uncounted.all()
    with pytest.raises(ValueError, match="strike_rows must be 'all' or 'kind', got 'strike'"):
        strike_counts(frame, strike_rows="strike")


# -- the same table everywhere -----------------------------------------------------------


@pytest.fixture
def mixed() -> gpd.GeoDataFrame:
    """Strike rows that state a count, none, a non-number, a negative and a fraction, and a
    civcas row with no count; all at one place on one day."""
    return gpd.GeoDataFrame(
        {
            "event_id": ["s1", "s2", "c1", "s3", "s4", "s5"],
            "kind": ["strike", "strike", "civcas", "strike", "strike", "strike"],
            "place": ["Hit"] * 6,
            "date_start": pd.to_datetime(["2016-03-20"] * 6),
            "strikes": pd.Series(["3", None, None, "three", "2.6", "-1"], dtype=object),
        },
        geometry=gpd.points_from_xy([42.8] * 6, [33.6] * 6),
        crs=4326,
    )


STATED = 6  # 3 + round(2.6)
UNCOUNTED_STRIKES = ["s2", "s3", "s5"]  # no count, "three", -1


def test_summaries_links_and_layer_agree(mixed: gpd.GeoDataFrame) -> None:
    strike_rows = mixed[mixed["kind"] == "strike"]

    table = summary.summarize(mixed, by=None, freq="YS")
    assert table[["events", "strikes", "strikes_uncounted"]].values.tolist() == [
        [6, STATED, len(UNCOUNTED_STRIKES)]  # the civcas row claims no strike
    ]
    ddf = dask_geopandas.from_geopandas(mixed, npartitions=3)
    lazy = scale.summarize(ddf, by=None, freq="YS").compute(scheduler="sync")
    pd.testing.assert_frame_equal(lazy, table)
    periods = summary.summarize(mixed, by="kind", periods={"m": ("2016-03-01", "2016-03-31")})
    per_kind = periods.set_index("kind")[["strikes", "strikes_uncounted"]]
    assert per_kind.to_dict("index") == {
        "civcas": {"strikes": 0, "strikes_uncounted": 0},
        "strike": {"strikes": STATED, "strikes_uncounted": 3},
    }

    incident = gpd.GeoDataFrame(
        {"event_id": ["i1"], "date_start": pd.to_datetime(["2016-03-20"])},
        geometry=gpd.points_from_xy([42.8], [33.6]),
        crs=4326,
    )
    pairs = link.match(incident, strike_rows, 1000, 0)
    missing = pairs.loc[pairs["right_strikes"].isna(), "right_id"].tolist()
    assert missing == UNCOUNTED_STRIKES
    assert pairs["right_strikes"].sum() == STATED
    per_incident = link.summary(pairs, incident)
    assert per_incident[["links", "strikes", "strikes_uncounted"]].values.tolist() == [
        [5, STATED, 3]
    ]

    cells, skipped = strike_cells(strike_rows)
    assert skipped.empty
    assert cells[["strikes", "lines", "uncounted"]].values.tolist() == [[STATED, 5, 3]]


def test_link_and_layer_take_every_row_as_a_strike(mixed: gpd.GeoDataFrame) -> None:
    # Handed the whole mixed table, the strike-table-by-role readers count the civcas
    # row's missing count too; the stated total does not change.
    cells, _ = strike_cells(mixed)
    assert cells[["strikes", "lines", "uncounted"]].values.tolist() == [[STATED, 6, 4]]
    incident = mixed.iloc[:1].assign(event_id="i1")
    per_incident = link.summary(link.match(incident, mixed, 1000, 0), incident)
    assert per_incident[["strikes", "strikes_uncounted"]].values.tolist() == [[STATED, 4]]


def test_every_count_column_of_a_summary_follows_the_one_rule() -> None:
    from geoconflict.events import stated_counts

    t = pd.DataFrame(
        {
            "area": ["a"] * 4,
            "kind": ["civcas"] * 4,
            "date_start": pd.to_datetime(["2017-01-05"] * 4),
            "fatalities": pd.Series([2.6, -1, "x", "4"], dtype=object),
            "civilians_killed_min": [1, 2, 0, 1],
            "civilians_killed_max": pd.Series([3, -5, None, "2.5"], dtype=object),
        }
    )
    row = summary.summarize(t).iloc[0]
    # 2.6 rounds to 3, -1 and "x" state no count; a max that states none is the minimum.
    assert int(row["fatalities"]) == 3 + 4
    assert int(row["civilians_killed_max"]) == 3 + 2 + 0 + 2
    assert int(row["fatalities"]) == int(stated_counts(t, "fatalities")[0].sum())
    assert stated_counts(t, "fatalities")[1].tolist() == [True, False, False, True]
