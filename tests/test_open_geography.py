"""The open-geography measurement (tools/open_geography.py): distances, verdicts, README table."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import open_geography as og  # noqa: E402

pytestmark = [
    pytest.mark.skipif(
        not og.WORLD_ATLAS.is_file(), reason="world-atlas is not installed (npm ci)"
    ),
    pytest.mark.xdist_group("open_geography"),  # one worker measures (`table`), not both
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return og.measurement()


def test_distance_m_agrees_with_the_geodesic() -> None:
    line = shapely.LineString([(42.9, 36.0), (43.1, 36.0)])
    _, _, expected = Geod(ellps="WGS84").inv(43.0, 36.01, 43.0, 36.0)
    # UTM scales distances by at most about 0.4% inside a zone
    assert og.distance_m(43.0, 36.01, line) == pytest.approx(expected, rel=5e-3)
    assert og.utm(43.0) == "EPSG:32638" and og.utm(39.0) == "EPSG:32637"


def test_every_sourced_point_is_measured_against_both_lines(table: pd.DataFrame) -> None:
    points = pd.read_csv(ROOT / "data" / "sources" / "control_points.csv")
    assert len(table) == len(points)
    assert (table["shipped_m"] >= 0).all() and (table["open_m"] >= 0).all()
    assert table["source"].str.len().gt(10).all()
    bridges = table[table["line"] == "tigris_mosul"].set_index("point")
    # The Natural Earth 1:10m Tigris runs about 800 m from both Mosul bridges; the hand line
    # passes within 400 m of them.
    assert bridges["open_m"].between(700, 900).all()
    assert (bridges["shipped_m"] <= 400).all()


def test_verdicts(table: pd.DataFrame) -> None:
    assert og.verdicts(table) == {
        "border": "open",  # 1:10m: the 1:110m border is 8 km off the Iraq–Syria–Turkey tripoint
        "euphrates_anbar": "shipped",
        "tigris_mosul": "shipped",
    }
    tripoint = table[table["point"].str.startswith("Iraq–Syria–Turkey")].iloc[0]
    assert tripoint["shipped_m"] > 5000 and tripoint["open_m"] < 500


def test_data_readme_quotes_the_measurement(table: pd.DataFrame) -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for line in og.report_lines(table):
        assert line in readme, line


def test_shipped_rivers_say_how_they_were_chosen() -> None:
    from geoconflict import datasets

    rivers = datasets.load("rivers")
    assert rivers["source"].str.contains("kept").all()
    assert rivers["source"].str.contains("by measurement").sum() == 2


def test_an_open_line_that_measures_closer_replaces_the_hand_stretch() -> None:
    import make_data
    from derive_io import read_hand_rivers, shared_dir

    hand = read_hand_rivers()
    open_rivers = og.ne_rivers(shared_dir())
    table = pd.DataFrame(
        {
            "line": ["tigris_mosul", "euphrates_anbar"],
            "point": ["a", "b"],
            "shipped_m": [900, 100],
            "open_m": [100, 900],
            "source": ["x", "y"],
        }
    )
    rivers = make_data.build_rivers(hand, table, open_rivers)
    assert "stretch" not in rivers.columns
    tigris, raqqa, anbar = rivers.geometry
    assert rivers["source"].iloc[0].startswith("Natural Earth 1:10m rivers")
    assert (
        "chosen by measurement: mean distance from 1 sourced points 900 m"
        in (rivers["source"].iloc[0])
    )
    # the 1:10m Tigris within 3 km of the hand stretch, not the hand line
    assert not tigris.equals(hand.geometry.iloc[0])
    assert og.distance_m(43.128192, 36.354205, tigris) == pytest.approx(826, abs=5)
    assert "kept: no sourced river point" in rivers["source"].iloc[1]
    assert raqqa.equals(hand.geometry.iloc[1]) and anbar.equals(hand.geometry.iloc[2])
