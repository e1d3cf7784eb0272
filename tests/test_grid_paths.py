"""The two ways references are cleaned (Python strings for a few, Arrow for many) agree.

A few references given as strings are cleaned as Python strings (no pyarrow, no
pandas: the command line starts quickly); many, a Series or mixed input go through
Arrow. Everything after the cleaning is one code path, so the two must give the same
bytes, and then the same floats, reasons and canonical strings.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geoconflict import grid
from geoconflict.grid import texts as texts_module
from geoconflict.grid.lex import lex
from geoconflict.grid.texts import ArrowTexts, PyTexts, texts

POINTS = [
    (36.3, 43.1),  # 38S
    (-33.9, 18.4),  # southern hemisphere
    (0.0, 5.0),  # the equator
    (-1e-7, 5.0),  # just south of it
    (64.0, 5.0),  # Norway, a band edge
    (78.2, 15.6),  # Svalbard
    (71.99999999999946, 20.0),  # GEOTRANS letters it X (72N is 5e-13 away)
    (21.4, -157.9),  # 4Q
    (10.0, 179.99),  # next to the antimeridian
    (89.0, 45.0),  # north polar cap (UPS), east (Z)
    (88.0, -100.0),  # and west (Y)
    (-85.0, -120.0),  # south polar cap (UPS)
    (90.0, 0.0),
    (-90.0, 0.0),
]

LENIENT = [
    "38slf 12 34",
    "4qfj 12345 67890",
    "4QFJ1267",
    " 38S LF 1234 5678 ",
    "38\tS\tLF\t12\t34\n",
    "38SLF12\x0b34",
    "38SLF12\x0c34\r",
    "38SLF1234\n",
    "zah",
    "y x p 12 34",
    "38 S L F" + " " * 30 + "12 34",  # a usual form, however long
    "38\x0bS" + "\x0b" * 30 + "LF12",  # and with vertical tabs, as with any other space
]

REJECTED = [
    "38SLF123",
    "38SLF123456789012",
    "38SLI12",
    "38SOF12",
    "38IAA",
    "38SAF12",
    "37SLF12",
    "38SLW12",
    "ZDA",
    "YJR",
    "0SLF12",
    "61SLF12",
    "038SLF12",
    "38SLF12X",
    "38SLF1234567890XX",
    "38SLF1234567890123456789012345678901234X",  # longer than both widths
    "38SLF12 34 56",
    "38SLF 1234 567890",
    "3 8SLF12",
    "3" + " " * 30 + "8SLF12 ",  # not a usual spacing, and too long with its whitespace
    "38SLF12\x0b34\x0b56",
    "38SLF12-34",
    "38SLF12\u00e934",
    "\u00a038SLF12",  # no-break space: not ASCII
    "38SLF\x0012",  # NUL
    "38SLF\x1c12",  # a control character Python's str.split would take for whitespace
    "38SLF\x7f12",
    "SLF12",
    "38ZAA12",
    "38S",
    "32XNA",
    "",
    "   ",
    "\t\n",
    None,
    float("nan"),
    "38TLF2939918898",  # band letter far off
    "38SLR2939918898",  # old (AL) lettering
]

ADJUSTED = ["38RLA1152", "50TMK5045027900", "32TNK0000000000", "38SLA1142", "38RLA1142"]


def _batch() -> list:
    lat = np.array([p[0] for p in POINTS])
    lon = np.array([p[1] for p in POINTS])
    valid = [r for p in range(6) for r in grid.from_latlon(lat, lon, p).tolist()]
    return valid + LENIENT + REJECTED + ADJUSTED


def _both(refs: list, monkeypatch: pytest.MonkeyPatch, fn):
    """``fn(refs)`` through the Python path, then through the Arrow path."""
    assert isinstance(texts(refs)[0], PyTexts)
    small = fn(refs)
    with monkeypatch.context() as m:
        m.setattr(texts_module, "SMALL", -1)  # nothing is small: everything goes to Arrow
        assert isinstance(texts(refs)[0], ArrowTexts)
        big = fn(refs)
    return small, big


FIELDS = ("code", "d1", "d2", "zone", "band", "col", "row", "digits", "east", "north", "offset")


def _assert_same_lex(refs: list, monkeypatch: pytest.MonkeyPatch) -> None:
    (a, _), (b, _) = _both(refs, monkeypatch, lex)
    for name in FIELDS:
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name
    assert a.rows is not None and b.rows is not None
    assert a.rows.tobytes() == b.rows.tobytes()


def test_both_paths_give_the_same_bytes_fields_and_results(monkeypatch):
    refs = _batch()
    _assert_same_lex(refs, monkeypatch)
    small, big = _both(refs, monkeypatch, grid.parse)
    pd.testing.assert_frame_equal(small, big, check_exact=True)
    for col in ("lat", "lon"):  # to the last bit
        assert small[col].to_numpy().tobytes() == big[col].to_numpy().tobytes()
    # the batch covers what it means to: every precision, UPS, adjusted bands, reasons
    assert set(small["precision_m"].dropna()) == {1e5, 1e4, 1e3, 1e2, 10.0, 1.0}
    assert {"Y", "Z", "A", "B"} <= set(small["band"].dropna())
    assert small["band_adjusted"].sum() >= 3
    reasons = {e.split(" (")[0].split(":")[0] for e in small["error"] if e}
    assert len(reasons) >= 20
    for anchor in ("center", "sw"):
        convert = functools.partial(grid.to_latlon, anchor=anchor)
        (la, lo), (lb, lob) = _both(refs, monkeypatch, convert)
        assert la.tobytes() == lb.tobytes() and lo.tobytes() == lob.tobytes()


def test_the_odd_forms_read_as_intended():
    df = grid.parse(LENIENT)
    assert df["error"].tolist() == [""] * len(LENIENT)
    df = grid.parse(REJECTED)
    assert (df["error"] != "").all()
    by_ref = dict(zip(REJECTED, df["error"], strict=True))
    assert by_ref["38SLF12\x0b34\x0b56"] == "digits split into more than two groups"
    assert by_ref["3" + " " * 30 + "8SLF12 "] == "too long (with its whitespace)"
    assert by_ref["38SLF\x1c12"] == "control character"
    assert by_ref["\u00a038SLF12"] == "non-ASCII character"


# any string over an alphabet with every kind of byte the cleaning rules name
ALPHABET = (
    "0123456789" + "38SLFQJZAHBYXIO" + "slfqj" + " \t\n\x0b\x0c\r" + "\x00\x1c\x7f-\u00e9\udcff"
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=20))
def test_any_strings_lex_alike_on_both_paths(refs):
    with pytest.MonkeyPatch.context() as mp:
        _assert_same_lex(refs, mp)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-90.0, 90.0), st.floats(-180.0, 180.0), st.integers(0, 5)),
        min_size=1,
        max_size=20,
    ),
    st.booleans(),
)
def test_encoded_points_decode_alike_on_both_paths(points, lower):
    refs = [grid.from_latlon([a], [b], p)[0] for a, b, p in points]
    refs = [r.lower() for r in refs] if lower else refs
    with pytest.MonkeyPatch.context() as mp:
        small, big = _both(refs, mp, grid.parse)
    pd.testing.assert_frame_equal(small, big, check_exact=True)


def test_which_inputs_take_which_path():
    few = ["38SLF12"] * texts_module.SMALL
    assert isinstance(texts(few)[0], PyTexts)
    assert isinstance(texts(tuple(few))[0], PyTexts)
    assert isinstance(texts("38SLF12")[0], PyTexts)
    assert isinstance(texts(np.array(few))[0], PyTexts)
    assert isinstance(texts(np.array([b"38SLF12"]))[0], PyTexts)
    assert isinstance(texts(["38SLF12", None, float("nan")])[0], PyTexts)
    # many references, a Series, anything not a string: Arrow
    assert isinstance(texts([*few, "38SLF12"])[0], ArrowTexts)
    assert isinstance(texts(np.array([*few, "38SLF12"]))[0], ArrowTexts)
    store, index = texts(pd.Series(["38SLF12"], index=[7]))
    assert isinstance(store, ArrowTexts) and index.tolist() == [7]
    assert isinstance(texts(["38SLF12", 5])[0], ArrowTexts)
    assert isinstance(texts(["38SLF12", pd.NA])[0], ArrowTexts)
    assert isinstance(texts([b"38SLF12"])[0], ArrowTexts)


def test_many_references_give_what_a_few_give():
    refs = _batch()
    many = refs * (texts_module.SMALL // len(refs) + 1)
    assert isinstance(texts(many)[0], ArrowTexts)
    df_many = grid.parse(many)
    df_few = grid.parse(refs)
    pd.testing.assert_frame_equal(df_many.iloc[: len(refs)], df_few, check_exact=True)


def test_a_slice_of_a_big_series_reads_as_the_same_references_on_their_own():
    # A slice's Arrow buffer is its parent's: only its own bytes may be looked at.
    refs = _batch()
    big = pd.Series(["\x00 38SLF"] * 50 + refs + ["38SLF\t12"] * 50, dtype="str")
    part = big.iloc[50 : 50 + len(refs)]
    sliced = grid.parse(part)
    assert sliced.index.tolist() == list(range(50, 50 + len(refs)))
    fresh = grid.parse(pd.Series(refs, dtype="str"))
    pd.testing.assert_frame_equal(sliced.reset_index(drop=True), fresh, check_exact=True)
    pd.testing.assert_frame_equal(fresh, grid.parse(refs), check_exact=True)


def test_a_lone_surrogate_is_a_non_ascii_reference_on_both_paths(monkeypatch):
    # What a command line gives for bytes it cannot decode ("\xff38SLF12").
    refs = ["\udcff38SLF12", "38SLF12"]
    small, big = _both(refs, monkeypatch, grid.parse)
    pd.testing.assert_frame_equal(small, big, check_exact=True)
    assert small["error"].tolist() == ["non-ASCII character", ""]
