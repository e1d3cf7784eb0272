"""Synthetic events for demos and benchmarks only.

Every row is flagged ``dataset="synthetic"`` and its ``source`` says so; maps
that show any of them carry a visible banner. Nothing here is a record of a real
event. Events scatter around the three study areas (Mosul, Raqqa, the western
desert) over the 2014-08 .. 2017-12 campaign, more of them as the campaign grew.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geoconflict.events import conform
from geoconflict.vocab import GRADINGS, KINDS

# (lat, lon, spread in degrees, weight): centres the synthetic events scatter around.
_CENTRES = np.array(
    [
        (36.335, 43.119, 0.04, 0.45),  # Mosul
        (35.953, 39.008, 0.03, 0.30),  # Raqqa
        (34.39, 40.99, 0.10, 0.08),  # Al Qa'im
        (34.37, 41.98, 0.06, 0.05),  # Anah / Rawah
        (34.14, 42.38, 0.06, 0.04),  # Haditha
        (33.04, 40.29, 0.15, 0.08),  # Rutbah
    ]
)

# Share of each kind (the campaign is mostly strikes) and the gradings of civcas events.
_KIND_SHARES = {"strike": 0.7, "civcas": 0.2, "ground": 0.08, "other": 0.02}
_KINDS = np.array(KINDS, dtype=object)
_GRADINGS = np.array([g for g in GRADINGS if g != "unknown"], dtype=object)


def synthetic_events(
    n: int,
    *,
    seed: int = 0,
    start: str = "2014-08-08",
    end: str = "2017-12-31",
) -> gpd.GeoDataFrame:
    """Make ``n`` synthetic events that follow the column contract.

    Parameters
    ----------
    n : int
        Number of events.
    seed : int, default 0
        Random seed: the same seed gives the same table.
    start, end : str
        Date range of the events (inclusive).

    Returns
    -------
    geopandas.GeoDataFrame
        Flagged ``dataset="synthetic"`` on every row.

    Examples
    --------
    >>> ev = synthetic_events(5, seed=1)
    >>> len(ev), set(ev["dataset"])
    (5, {'synthetic'})
    """
    rng = np.random.default_rng(seed)
    centre = rng.choice(len(_CENTRES), size=n, p=_CENTRES[:, 3] / _CENTRES[:, 3].sum())
    lat = _CENTRES[centre, 0] + rng.normal(0.0, 1.0, n) * _CENTRES[centre, 2]
    lon = _CENTRES[centre, 1] + rng.normal(0.0, 1.0, n) * _CENTRES[centre, 2]
    t0 = pd.Timestamp(start).value // 86_400_000_000_000
    t1 = pd.Timestamp(end).value // 86_400_000_000_000
    # More events later in the campaign: a triangular density rising to the end.
    days = np.floor(t0 + (t1 - t0 + 1) * np.sqrt(rng.random(n))).astype("int64")
    days = np.minimum(days, t1)
    date = pd.to_datetime(days * 86_400, unit="s")
    shares = [_KIND_SHARES[k] for k in KINDS]
    kind = _KINDS[rng.choice(len(_KINDS), size=n, p=shares)]
    cmin = rng.poisson(1.5, n) * (kind == "civcas")
    cmax = cmin + rng.poisson(2.0, n) * (kind == "civcas")
    precision = rng.choice(np.array([1.0, 10.0, 100.0, 1000.0, 5000.0]), size=n)
    frame = pd.DataFrame(
        {
            "event_id": np.char.add("syn-", np.arange(n).astype(str)).astype(object),
            "dataset": "synthetic",
            "kind": kind,
            "date_start": date,
            "date_end": date,
            "date_precision": "day",
            "place": None,
            "location_precision_m": precision,
            "strikes": np.where(kind == "strike", rng.integers(1, 12, n), 0),
            "civilians_killed_min": np.where(kind == "civcas", cmin, 0),
            "civilians_killed_max": np.where(kind == "civcas", cmax, 0),
            "fatalities": rng.poisson(0.8, n),
            "grading": np.where(
                kind == "civcas", _GRADINGS[rng.integers(0, len(_GRADINGS), n)], "unknown"
            ),
            "source": "synthetic (geoconflict.synthetic_events, not a real record)",
            "notes": "synthetic event for demos and benchmarks",
            "lat": lat,
            "lon": lon,
        }
    )
    return conform(frame)
