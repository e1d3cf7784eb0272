"""Streaming: a generated 50k-row ACLED-format file read in small chunks equals one read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geoconflict.sources import read_events


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    rng = np.random.default_rng(3)
    n = 50_000
    ids = np.char.add("IRQ", np.arange(n).astype(str)).astype(object)
    ids[::997] = "IRQ5"  # repeated ids across chunks: must be made unique as in one read
    lat = np.round(36.3 + rng.normal(0, 0.05, n), 5).astype(str).astype(object)
    lat[::1009] = "abc"  # bad values spread over many chunks
    dates = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    date_text = dates.strftime("%Y-%m-%d").to_numpy(dtype=object)
    date_text[::1013] = "2017-02-30"
    frame = pd.DataFrame(
        {
            "event_id_cnty": ids,
            "event_date": date_text,
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "latitude": lat,
            "longitude": np.round(43.1 + rng.normal(0, 0.05, n), 5),
            "geo_precision": rng.integers(1, 4, n),
            "fatalities": rng.integers(0, 5, n),
            "notes": "Strike, with a comma",
        }
    )
    path = tmp_path_factory.mktemp("stream") / "acled_50k.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.mark.slow
def test_chunked_read_equals_single_read(big_csv):
    path, _ = big_csv
    whole = read_events(path, chunksize=1_000_000)
    chunked = read_events(path, chunksize=3_001)
    n_bad = len(set(range(0, 50_000, 1009)) | set(range(0, 50_000, 1013)))
    assert whole.records == chunked.records == 50_000
    assert whole.rejected == chunked.rejected == n_bad
    assert whole.accepted == chunked.accepted == 50_000 - n_bad
    pd.testing.assert_frame_equal(
        pd.DataFrame(chunked.events.drop(columns="geometry")),
        pd.DataFrame(whole.events.drop(columns="geometry")),
    )
    assert chunked.events.geometry.geom_equals(whole.events.geometry).all()
    pd.testing.assert_frame_equal(chunked.rejects, whole.rejects)
    # Record numbers point at the right rows of the file (1-based, header not counted).
    first = chunked.rejects.iloc[0]
    assert (first["row"], first["field"], first["value"]) == (1, "event_date", "2017-02-30")
    row_1009 = chunked.rejects[chunked.rejects["row"] == 1010]
    assert row_1009[["field", "value", "reason"]].values.tolist() == [
        ["latitude", "abc", "not a number"]
    ]
    ids = chunked.events["event_id"]
    assert ids.is_unique
    assert ids[ids.str.startswith("IRQ5-")].tolist()[:2] == ["IRQ5-2", "IRQ5-3"]


def test_progress_bar_goes_to_stderr(big_csv, capsys):
    path, _ = big_csv
    read_events(path, chunksize=20_000, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "acled_50k.csv" in captured.err


def test_reader_thread_is_stopped_when_a_read_fails(big_csv, tmp_path):
    import threading

    from geoconflict.errors import SourceFormatError

    path, _ = big_csv
    with pytest.raises(SourceFormatError, match=r"lacks columns \['date'\]"):
        read_events(path, format="airwars", chunksize=2_000)
    bad = tmp_path / "bad_utf8.csv"
    data = path.read_bytes()
    cut = data.index(b"\n", 2_000_000) + 1  # a whole number of lines, then a bad one
    bad.write_bytes(data[:cut] + b"IRQx,2017-01-01,a,b,36,43,1,0,caf\xe9\n")
    with pytest.raises(SourceFormatError, match=r"bad_utf8\.csv"):
        read_events(bad, chunksize=2_000)
    assert not [t for t in threading.enumerate() if t.name == "geoconflict-read"]
