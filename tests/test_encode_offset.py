"""pack_ints(offset=True): an offset and three-byte values, decoded back exactly (Python side;
the page's decoder is exercised by the browser tests, which check positions and dates)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geoconflict.render.encode import pack_ids, pack_ints, unpack_ints


@given(st.lists(st.integers(-(2**31), 2**31 - 1), max_size=50), st.booleans())
def test_offset_packing_round_trips(values: list[int], delta: bool) -> None:
    arr = np.array(values, dtype="int64")
    if delta and len(arr) > 1 and np.abs(np.diff(arr)).max() > 2**31 - 1:
        with pytest.raises(ValueError, match="32-bit"):
            pack_ints(arr, delta=delta, offset=True)
        return
    assert unpack_ints(pack_ints(arr, delta=delta, offset=True)).tolist() == values


def test_coordinates_over_a_region_take_three_bytes() -> None:
    lat = np.array([3_200_000, 3_633_512, 3_750_000])  # 32.0 .. 37.5 degrees in 1e-5
    packed = pack_ints(lat, offset=True)
    assert packed["t"] == "u3" and "o" not in packed  # below 2**24 as they are
    assert len(packed["b"]) == 12  # 9 bytes in base64
    assert pack_ints(lat)["t"] == "i4"  # without offset=True: four bytes
    west = np.array([-1_250_000, -900_000, -500_000])  # negative: shifted by the smallest
    packed = pack_ints(west, offset=True)
    assert (packed["t"], packed["o"]) == ("u3", -1_250_000)
    assert unpack_ints(packed).tolist() == west.tolist()


def test_sorted_days_with_an_offset_take_one_byte() -> None:
    days = np.array([17_000, 17_000, 17_003, 17_100])
    packed = pack_ints(days, delta=True, offset=True)
    assert (packed["t"], packed["o"], packed["d"]) == ("u1", 17_000, 1)
    assert unpack_ints(packed).tolist() == days.tolist()


def test_numbered_ids_past_65535_take_three_bytes_and_decode_back() -> None:
    # "syn-0" .. "syn-2499999" (a whole-dataset page): 3 bytes an id, not 4.
    nums = np.array([0, 70_000, 2_499_999, 16_777_215 - 5], dtype="int64")
    packed = pack_ids(pd.Series([f"syn-{n}" for n in nums]))
    assert (packed["p"], packed["n"]["t"]) == ("syn-", "u3")
    assert unpack_ints(packed["n"]).tolist() == nums.tolist()
    # Numbered from far above 0: the offset takes the distance back to 3 bytes.
    high = nums + 100_000_000
    packed = pack_ids(pd.Series([f"IRQ{n}" for n in high]))
    assert packed["n"]["t"] == "u3" and packed["n"]["o"] == 100_000_000
    assert unpack_ints(packed["n"]).tolist() == high.tolist()
