"""geoconflict.link: pairs against brute force, placing rows, summaries, the Dask path."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoconflict import link
from geoconflict.errors import DataError, OptionError
from geoconflict.synthetic import synthetic_events

GEOD = pyproj.Geod(ellps="WGS84")
DAY = pd.Timedelta(days=1)


def table(prefix, lon, lat, start, end=None, precision=None, strikes=None):
    n = len(lon)
    frame = {
        "event_id": [f"{prefix}{i}" for i in range(n)],
        "date_start": pd.to_datetime(start, format="mixed"),
        "date_end": pd.to_datetime(end if end is not None else start, format="mixed"),
        "location_precision_m": precision if precision is not None else np.zeros(n),
    }
    if strikes is not None:
        frame["strikes"] = pd.array(strikes, dtype="Int64")
    geoms = [
        None if (x is None or y is None) else shapely.Point(x, y)
        for x, y in zip(lon, lat, strict=True)
    ]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=4326)


def brute(left, right, within_m, within_days, uncertainty=False):
    """Every left x right pair, geodesic distance, date ranges by calendar day."""
    out = []
    for _i, a in left.reset_index(drop=True).iterrows():
        for _j, b in right.reset_index(drop=True).iterrows():
            ga, gb = a.geometry, b.geometry
            if ga is None or gb is None or ga.is_empty or gb.is_empty:
                continue
            if pd.isna(a.date_start) or pd.isna(b.date_start):
                continue
            s1 = a.date_start.floor("D")
            e1 = (a.date_end if pd.notna(a.date_end) else a.date_start).floor("D")
            s2 = b.date_start.floor("D")
            e2 = (b.date_end if pd.notna(b.date_end) else b.date_start).floor("D")
            if e1 < s1 or e2 < s2:
                continue
            apart = max(0, (s2 - e1) // DAY, (s1 - e2) // DAY)
            _, _, d = GEOD.inv(ga.x, ga.y, gb.x, gb.y)
            dmin = (
                max(0.0, d - a.location_precision_m - b.location_precision_m) if uncertainty else d
            )
            if dmin <= within_m and apart <= within_days:
                out.append((a.event_id, b.event_id, d, dmin, apart))
    return pd.DataFrame(
        out, columns=["left_id", "right_id", "distance_m", "distance_min_m", "days_apart"]
    )


def same_pairs(got, want):
    key = ["left_id", "right_id"]
    g = (
        got[[*key, "distance_m", "distance_min_m", "days_apart"]]
        .sort_values(key)
        .reset_index(drop=True)
    )
    w = want.sort_values(key).reset_index(drop=True)
    assert g[key].values.tolist() == w[key].values.tolist()
    for col in ("distance_m", "distance_min_m"):
        np.testing.assert_allclose(g[col].astype(float), w[col].astype(float), rtol=0, atol=1e-6)
    assert g["days_apart"].tolist() == w["days_apart"].astype("int64").tolist()


# --------------------------------------------------------------------- property test


@st.composite
def tables(draw):
    """Two small random tables; some right rows placed right at the distance threshold."""
    within_m = draw(st.sampled_from([0.0, 50.0, 1000.0, 5000.0, 30_000.0]))
    within_days = draw(st.integers(0, 3))
    # a region: near Mosul, across UTM zones 36-39, at high latitude, or at the antimeridian
    lon0, lat0, spread = draw(
        st.sampled_from(
            [(43.1, 36.3, 0.2), (42.0, 33.0, 6.0), (10.0, 84.0, 3.0), (179.95, -10.0, 0.2)]
        )
    )
    n_left = draw(st.integers(0, 8))
    n_right = draw(st.integers(0, 10))
    fl = st.floats(-1, 1, allow_nan=False)

    def rows(n, prefix):
        lon = [(lon0 + spread * draw(fl) + 180) % 360 - 180 for _ in range(n)]
        lat = [float(np.clip(lat0 + spread * draw(fl), -89.9, 89.9)) for _ in range(n)]
        start = pd.Timestamp("2017-03-01") + pd.to_timedelta(
            [draw(st.integers(0, 8)) for _ in range(n)], "D"
        )
        span = pd.to_timedelta([draw(st.sampled_from([0, 0, 1, 6, 30])) for _ in range(n)], "D")
        prec = [draw(st.sampled_from([0.0, 10.0, 707.0, 5000.0])) for _ in range(n)]
        return lon, lat, list(start), list(start + span), prec

    lon_l, lat_l, s_l, e_l, p_l = rows(n_left, "L")
    lon_r, lat_r, s_r, e_r, p_r = rows(n_right, "R")
    # right rows placed at exactly / just inside / just outside the threshold of a left row
    for k in range(min(n_left, n_right, 3)):
        az = draw(st.floats(0, 360))
        d = within_m + draw(st.sampled_from([-1e-3, 0.0, 1e-3, -0.5, 0.5]))
        if d >= 0:
            x, y, _ = GEOD.fwd(lon_l[k], lat_l[k], az, d)
            lon_r[k], lat_r[k] = float(x), float(y)
            s_r[k] = e_l[k] + pd.Timedelta(
                days=draw(st.sampled_from([within_days, within_days + 1]))
            )
            e_r[k] = s_r[k]
    # rows that cannot be placed: NaT dates, empty geometry
    if n_left and draw(st.booleans()):
        s_l[0] = pd.NaT
    if n_right > 1 and draw(st.booleans()):
        lon_r[1] = lat_r[1] = None
    left = table("L", lon_l, lat_l, s_l, e_l, p_l)
    right = table("R", lon_r, lat_r, s_r, e_r, p_r)
    return left, right, within_m, within_days, draw(st.booleans())


@pytest.mark.slow  # over 3 s (the slow mark's rule: over about 2 s)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_match_equals_brute_force(case):
    left, right, within_m, within_days, uncertainty = case
    got = link.match(left, right, within_m, within_days, uncertainty=uncertainty)
    want = brute(left, right, within_m, within_days, uncertainty)
    same_pairs(got, want)


def test_match_across_utm_zones_at_scale():
    """Iraq + Syria (UTM zones 36-39): the same pairs as the full cross product."""
    rng = np.random.default_rng(5)
    n_l, n_r = 300, 3000
    lon_l, lat_l = rng.uniform(36, 48, n_l), rng.uniform(29, 37, n_l)
    # half of the right rows close to a left row, so there are pairs near the threshold
    near = rng.integers(0, n_l, n_r // 2)
    x, y, _ = GEOD.fwd(
        lon_l[near], lat_l[near], rng.uniform(0, 360, n_r // 2), rng.uniform(4900, 5100, n_r // 2)
    )
    lon_r = np.r_[x, rng.uniform(36, 48, n_r - n_r // 2)]
    lat_r = np.r_[y, rng.uniform(29, 37, n_r - n_r // 2)]
    day_l = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 20, n_l), "D")
    day_r = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 20, n_r), "D")
    left = table("L", list(lon_l), list(lat_l), day_l)
    right = table("R", list(lon_r), list(lat_r), day_r)
    got = link.match(left, right, 5000, 1)
    li, ri = np.meshgrid(np.arange(n_l), np.arange(n_r), indexing="ij")
    li, ri = li.ravel(), ri.ravel()
    apart = np.abs((day_l.to_numpy()[li] - day_r.to_numpy()[ri]) // np.timedelta64(1, "D"))
    li, ri = li[apart <= 1], ri[apart <= 1]  # the geodesic only for pairs close in time
    _, _, d = GEOD.inv(lon_l[li], lat_l[li], lon_r[ri], lat_r[ri])
    keep = d <= 5000
    want = set(
        zip(
            np.char.add("L", li[keep].astype(str)),
            np.char.add("R", ri[keep].astype(str)),
            strict=True,
        )
    )
    assert len(want) > 100
    assert set(zip(got["left_id"], got["right_id"], strict=True)) == want


# --------------------------------------------------------------------- the rules, by example


def test_days_apart_and_overlapping_ranges():
    left = table("L", [43.0], [36.0], ["2017-03-01"], ["2017-03-10"])
    right = table(
        "R",
        [43.0] * 4,
        [36.0] * 4,
        ["2017-03-10", "2017-03-12", "2017-02-20", "2017-03-11"],
        ["2017-03-15", "2017-03-12", "2017-02-27", "2017-03-11 23:59"],
    )
    got = link.match(left, right, 10, 3)
    assert dict(zip(got["right_id"], got["days_apart"], strict=True)) == {
        "R0": 0,
        "R1": 2,
        "R2": 2,
        "R3": 1,
    }
    assert link.match(left, right, 10, 1)["right_id"].tolist() == ["R0", "R3"]


def test_uncertainty_links_touching_circles_only():
    # 10 km apart; a town-level strike (5 km) and a neighbourhood-level incident (1 km)
    x, y, _ = GEOD.fwd(43.1, 36.3, 90, 10_000)
    left = table("L", [43.1], [36.3], ["2017-03-01"], precision=np.array([1000.0]))
    right = table("R", [float(x)], [float(y)], ["2017-03-01"], precision=np.array([5000.0]))
    assert link.match(left, right, 5000, 0).empty
    pairs = link.match(left, right, 5000, 0, uncertainty=True)
    assert pairs["distance_m"].round(3).tolist() == [10_000.0]
    assert pairs["distance_min_m"].round(3).tolist() == [4000.0]
    # never below 0
    close = table("R", [43.1001], [36.3], ["2017-03-01"], precision=np.array([5000.0]))
    assert link.match(left, close, 0, 0, uncertainty=True)["distance_min_m"].tolist() == [0.0]


def test_unplaceable_rows_never_link_and_say_why():
    left = table(
        "L",
        [43.1, 43.1, None, 43.1, 200.0],
        [36.3, 36.3, None, 36.3, 36.3],
        ["2017-03-01", None, "2017-03-01", "2017-03-05", "2017-03-01"],
        ["2017-03-01", None, "2017-03-01", "2017-03-01", "2017-03-01"],
    )
    left.loc[3, "geometry"] = shapely.Point(43.1, 36.3)
    poly = left.copy().iloc[:1]
    poly["event_id"] = "Lpoly"
    poly.loc[0, "geometry"] = shapely.box(43, 36, 44, 37)
    left = pd.concat([left, poly], ignore_index=True)
    right = table("R", [43.1], [36.3], ["2017-03-01"])
    assert link.match(left, right, 100, 10)["left_id"].tolist() == ["L0"]
    bad = link.unplaceable(left)
    assert bad[["row", "event_id", "field"]].values.tolist() == [
        [2, "L1", "date_start"],
        [3, "L2", "geometry"],
        [4, "L3", "date_end"],
        [5, "L4", "geometry"],
        [6, "Lpoly", "geometry"],
    ]
    assert bad["reason"].str.contains("cannot be placed").all()
    assert "not a point" in bad["reason"].iloc[4]
    s = link.summary(link.match(left, right, 100, 10), left)
    assert s["unplaceable"].notna().tolist() == [False, True, True, True, True, True]
    # an empty (not missing) geometry is unplaceable too
    empty = table("E", [43.1], [36.3], ["2017-03-01"])
    empty.loc[0, "geometry"] = shapely.Point()
    assert link.unplaceable(empty)["reason"].tolist() == [
        "missing or empty geometry: cannot be placed in space"
    ]


def test_other_crs_is_reprojected():
    left = table("L", [43.1], [36.3], ["2017-03-01"])
    right = table("R", [43.11], [36.3], ["2017-03-01"]).to_crs(32638)
    got = link.match(left, right, 1000, 0)
    _, _, d = GEOD.inv(43.1, 36.3, 43.11, 36.3)
    assert got["distance_m"].iloc[0] == pytest.approx(d, abs=1e-6)


def test_bad_thresholds_and_tables():
    t = table("L", [43.1], [36.3], ["2017-03-01"])
    with pytest.raises(OptionError, match="within_days"):
        link.match(t, t, 100, 1.5)
    with pytest.raises(OptionError, match="within_m"):
        link.match(t, t, float("nan"), 1)
    dup = pd.concat([t, t], ignore_index=True)
    with pytest.raises(
        DataError, match=r"right: record 2, field 'event_id': 'L0' repeats record 1"
    ):
        link.match(t, dup, 100, 1)
    none_ids = dup.assign(event_id=[None, None])
    with pytest.raises(
        DataError, match=r"right: record 2, field 'event_id': None repeats record 1"
    ):
        link.match(t, none_ids, 100, 1)
    with pytest.raises(DataError, match="left: event table has no 'date_start'"):
        link.match(t.drop(columns="date_start"), t, 100, 1)


def test_empty_tables():
    t = table("L", [43.1], [36.3], ["2017-03-01"])
    none = t.iloc[:0]
    assert list(link.match(none, t, 100, 1).columns) == list(link.PAIR_COLUMNS)
    assert link.match(t, none, 100, 1).empty
    assert link.summary(link.match(t, none, 100, 1), t)["linked"].tolist() == [False]


# --------------------------------------------------------------------- summaries


def test_summary_counts_nearest_and_strikes():
    left = table("L", [43.1, 43.5], [36.3, 36.3], ["2017-03-01", "2017-03-01"])
    right = table(
        "R",
        [43.101, 43.102, 43.1],
        [36.3, 36.3, 36.3],
        ["2017-03-01", "2017-03-02", "2017-03-09"],
        strikes=[2, None, 7],
    )
    s = link.summary(link.match(left, right, 1000, 1), left)
    assert s["links"].tolist() == [2, 0]
    assert s["nearest_id"].tolist() == ["R0", None]
    assert s["nearest_m"].iloc[0] == pytest.approx(GEOD.inv(43.1, 36.3, 43.101, 36.3)[2])
    assert np.isnan(s["nearest_m"].iloc[1])
    assert s["strikes"].tolist() == [2, 0]
    assert s["strikes_uncounted"].tolist() == [1, 0]
    assert s["days_apart_min"].tolist() == [0, pd.NA]


def test_by_area_per_month():
    areas = gpd.GeoDataFrame(
        {"area_id": ["mosul", "raqqa"]},
        geometry=[shapely.box(43, 36, 43.3, 36.5), shapely.box(38.9, 35.9, 39.1, 36.0)],
        crs=4326,
    )
    left = table(
        "L",
        [43.1, 43.2, 43.1, 39.0, 41.0, 43.1],
        [36.3, 36.3, 36.3, 35.95, 34.0, 36.3],
        ["2017-03-01", "2017-03-20", "2017-04-02", "2017-03-05", "2017-03-05", None],
    )
    right = table("R", [43.1, 39.0], [36.3, 35.95], ["2017-03-01", "2017-03-09"], strikes=[4, 1])
    t = link.by_area(link.match(left, right, 5000, 0), left, areas=areas)
    rows = t.assign(period=t["period"].dt.strftime("%Y-%m-%d").fillna("NaT")).values.tolist()
    assert rows[:3] == [
        ["mosul", "2017-03-01", 2, 1, 1, 0, 0.5, 4, 0],
        ["mosul", "2017-04-01", 1, 0, 1, 0, 0.0, 0, 0],
        ["mosul", "NaT", 1, 0, 0, 1, pytest.approx(np.nan, nan_ok=True), 0, 0],
    ]
    assert rows[3][:6] == ["raqqa", "2017-03-01", 1, 0, 1, 0]
    assert rows[4][:3] == [None, "2017-03-01", 1]
    assert t["incidents"].sum() == len(left)
    with pytest.raises(OptionError, match="freq"):
        link.by_area(link.match(left, right, 5000, 0), left, areas=areas, freq="MS")
    # A linked strike that states no count adds nothing to strikes, and is counted apart.
    right["strikes"] = pd.array([None, 1], dtype="Int64")
    t = link.by_area(link.match(left, right, 5000, 0), left, areas=areas)
    assert t[["strikes", "strikes_uncounted"]].values.tolist()[:2] == [[0, 1], [0, 0]]
    assert (
        t["strikes_uncounted"].sum()
        == link.summary(link.match(left, right, 5000, 0), left)["strikes_uncounted"].sum()
    )


# --------------------------------------------------------------------- Dask


@pytest.mark.slow  # over 3 s (the slow mark's rule: over about 2 s)
def test_dask_matches_pandas_partitioned_in_space():
    import dask
    import dask_geopandas

    ev = synthetic_events(1500, seed=11)
    left, right = ev.iloc[:500].copy(), ev.iloc[500:].copy()
    left.loc[left.index[3], "date_start"] = pd.NaT
    want = link.match(left, right, 3000, 2, uncertainty=True)
    dl = dask_geopandas.from_geopandas(left, npartitions=4).spatial_shuffle()
    dr = dask_geopandas.from_geopandas(right, npartitions=5).spatial_shuffle()
    with dask.config.set(scheduler="synchronous"):
        lazy = link.match(dl, dr, 3000, 2, uncertainty=True)
        got = lazy.compute()
    assert lazy.npartitions == 4
    key = ["left_id", "right_id"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        want.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert len(want) > 50


def test_dask_on_one_side_and_partitions_without_points():
    import dask
    import dask_geopandas

    ev = synthetic_events(600, seed=12)
    left, right = ev.iloc[:200].copy(), ev.iloc[200:].copy()
    left.loc[left.index[:50], "geometry"] = None  # a whole partition with no point
    want = link.match(left, right, 5000, 3)
    with dask.config.set(scheduler="synchronous"):
        got_r = link.match(left, dask_geopandas.from_geopandas(right, npartitions=3), 5000, 3)
        got_l = link.match(dask_geopandas.from_geopandas(left, npartitions=4), right, 5000, 3)
        got_r, got_l = got_r.compute(), got_l.compute()
    key = ["left_id", "right_id"]
    for got in (got_r, got_l):
        assert got[key].values.tolist() == want[key].values.tolist()
    assert len(want) > 5
