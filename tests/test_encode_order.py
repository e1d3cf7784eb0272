"""Encoding a column where it is and reordering only its codes gives what encoding the
reordered column gives (the page's bytes do not change), and the fast helpers of the page
build agree with the plain ways they replace."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from geoconflict.render.encode import (
    Base64,
    one_text,
    pack_ids,
    pack_ints,
    pack_text,
    text_codes,
    to_json,
    unpack_ints,
    vocab_codes,
)
from geoconflict.render.events import date_order, encode_events, point_xy
from geoconflict.render.ids import replace_random_ids, split_data_blocks
from geoconflict.synthetic import synthetic_events

TEXT = st.one_of(st.none(), st.sampled_from(["a", "b", "Mosul", "الموصل", ""]))


def _taken(values: list[str | None], order: list[int]) -> pd.Series:
    return pd.Series([values[i] for i in order], dtype=object)


@given(st.lists(TEXT, max_size=30), st.data())
def test_text_codes_in_an_order_match_encoding_the_reordered_column(
    values: list[str | None], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(values))))
    keep = data.draw(st.integers(0, len(values)))
    order = order[:keep]  # a subset, as when rows are skipped or out of the date range
    codes, distinct = text_codes(pd.Series(values, dtype=object), np.array(order, dtype="int64"))
    taken = pa.array(_taken(values, order), type=pa.string())
    enc = pc.dictionary_encode(taken, null_encoding="encode")
    assert distinct == enc.dictionary.to_pylist()
    assert codes.tolist() == enc.indices.to_pylist()
    assert [distinct[c] for c in codes] == [values[i] for i in order]
    assert pack_text(pd.Series(values, dtype=object), np.array(order, dtype="int64")) == pack_text(
        _taken(values, order)
    )


def test_text_codes_number_values_by_first_appearance_in_the_order() -> None:
    values = pd.Series(["Raqqa", None, "Mosul", "Raqqa", "Anah"], dtype=object)
    codes, distinct = text_codes(values, np.array([4, 2, 0, 3, 1]))
    assert distinct == ["Anah", "Mosul", "Raqqa", None]
    assert codes.tolist() == [0, 1, 2, 2, 3]
    codes, distinct = text_codes(values, np.array([3, 1]))  # values not taken are left out
    assert (codes.tolist(), distinct) == ([0, 1], ["Raqqa", None])


IDS = st.lists(
    st.one_of(
        st.builds(lambda n: f"syn-{n}", st.integers(0, 2 * 10**9)),
        st.sampled_from(["syn-07", "x1", "syn-", "CI5", None]),
    ),
    max_size=12,
)


@given(IDS, st.data())
def test_ids_packed_in_an_order_match_packing_the_reordered_ids(
    ids: list[str | None], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(ids))))[: data.draw(st.integers(0, len(ids)))]
    packed = pack_ids(pd.Series(ids, dtype=object), np.array(order, dtype="int64"))
    assert packed == pack_ids(_taken(ids, order))


def test_ids_of_the_kept_rows_decide_the_shape() -> None:
    ids = pd.Series(["CI5", "CI05", "CI17"], dtype=object)  # CI05 is not an integer id
    assert pack_ids(ids, np.array([2, 0])) == {"p": "CI", "n": pack_ints(np.array([17, 5]))}
    assert pack_ids(ids, np.array([1, 2])) == {"s": ["CI05", "CI17"]}


@given(st.lists(st.integers(-40_000, 80_000), max_size=40), st.booleans())
def test_date_order_is_the_stable_sort(days: list[int], narrow: bool) -> None:
    arr = np.array(days, dtype="int64")
    if narrow and len(arr):
        arr = arr % 1000 + 16_000  # within 65,536 days: the radix path
    expected = np.argsort(arr.astype("float64"), kind="stable")
    assert date_order(arr).tolist() == expected.tolist()


def test_encoded_events_decode_to_the_table_in_date_order() -> None:
    ev = synthetic_events(400, seed=5)
    ev.loc[3, "notes"] = None
    ev.loc[7, "kind"] = "no such kind"
    payload, skipped = encode_events(ev, start="2015-01-01")
    kept = ev[ev["date_start"] >= "2015-01-01"].sort_values("date_start", kind="stable")
    assert payload["n"] == len(kept) and len(skipped) == 0
    nums = unpack_ints(payload["id"]["n"])
    assert [payload["id"]["p"] + str(v) for v in nums] == kept["event_id"].tolist()
    kinds = [payload["kinds"][k] for k in unpack_ints(payload["kind"])]
    expected = [k if k in payload["kinds"] else "other" for k in kept["kind"]]
    assert kinds == expected
    notes = payload["text"]["notes"]
    decoded = (
        [notes["v"][k] for k in unpack_ints(notes["k"])]
        if "k" in notes
        else [notes["c"]] * len(kept)
    )
    assert decoded == [None if pd.isna(v) else v for v in kept["notes"]]


_OLD_BLOCK = re.compile(r'(<script type="application/json"[^>]*>.*?</script>)', re.S)

HTML_BITS = st.lists(
    st.sampled_from(
        [
            '<script type="application/json" id="a">',
            '<script type="application/json"',
            "</script>",
            "<script>",
            ">",
            "x_" + "ab" * 16,
            "[1,2]",
            "\n",
        ]
    ),
    max_size=12,
)


@given(HTML_BITS)
def test_split_data_blocks_cuts_where_the_regex_did(bits: list[str]) -> None:
    html = "".join(bits)
    assert split_data_blocks(html) == _OLD_BLOCK.split(html)


def test_random_ids_inside_data_blocks_are_kept() -> None:
    rid = "0123456789abcdef" * 2
    html = f'var m_{rid};<script type="application/json" id="d">["x_{rid}"]</script>m_{rid}'
    assert replace_random_ids(html) == (
        f'var m_gr0000;<script type="application/json" id="d">["x_{rid}"]</script>m_gr0000'
    )


def _plain_json(obj: object) -> str:
    """What to_json gave before Base64 values were copied in verbatim."""
    import json

    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    # a "Base64" holding markup or quotes is escaped as any text (control characters are
    # its caller's to keep out: pack_ints only makes it from b64encode)
    st.builds(Base64, st.text(st.characters(min_codepoint=32), max_size=8)),
    st.builds(Base64, st.sampled_from(["AQID", "", "QUJD+/==", "AAAB"])),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON)
def test_to_json_writes_what_json_dumps_and_the_escapes_write(obj: object) -> None:
    assert to_json(obj) == _plain_json(obj)


def test_packed_columns_are_base64_and_come_out_unescaped() -> None:
    packed = pack_ints(np.arange(300))
    assert type(packed["b"]) is Base64
    assert to_json({"k": packed}) == '{"k":{"b":"' + packed["b"] + '","t":"u2"}}'


def test_one_text_finds_a_column_of_one_value_only() -> None:
    assert one_text(pd.Series(["synthetic"] * 5, dtype=object)) == "synthetic"
    assert one_text(np.array([np.str_("day"), "day"], dtype=object)) == "day"
    assert one_text(pd.Series(["a"] * 70 + ["b"], dtype=object)) is None  # past the first look
    for other in (None, np.nan, pd.NA, 1):
        assert one_text(pd.Series(["a", other], dtype=object)) is None
    assert one_text(pd.Series([1, 1], dtype=object)) is None  # numbers: text of their own
    assert one_text(pd.Series([], dtype=object)) is None
    assert one_text(pd.Series(["a", "a"], dtype="str")) is None  # Arrow-backed: left as it is


def test_a_column_of_one_value_packs_as_before() -> None:
    values = pd.Series(["ACLED"] * 4, dtype=object)
    assert pack_text(values, np.array([3, 1])) == {"c": "ACLED"}
    assert pack_text(values, np.array([], dtype="int64")) == {"c": None}
    codes, distinct = text_codes(values, np.array([2, 0, 1]))
    assert (codes.tolist(), distinct) == ([0, 0, 0], ["ACLED"])
    assert text_codes(values, np.array([], dtype="int64"))[1] == []


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["strike", "civcas", "ground", "other", "STRIKE", "", "x"]),
            st.none(),
            st.just(np.nan),
            st.just(3),
        ),
        max_size=20,
    )
)
def test_vocab_codes_match_arrow_index_in(values: list[object]) -> None:
    from geoconflict.events import KINDS

    series = pd.Series(values, dtype=object)
    found = pc.index_in(
        pa.array([None if v is None or v is np.nan else str(v) for v in values], pa.string()),
        value_set=pa.array(list(KINDS)),
    )
    expected = pc.fill_null(found, KINDS.index("other")).to_pylist()
    assert vocab_codes(series, KINDS, "other").tolist() == expected


def test_vocab_codes_with_pd_na_and_arrow_columns() -> None:
    allowed = ("day", "week", "month", "year")
    for values in (
        pd.Series(["week", pd.NA, "year"], dtype=object),
        pd.Series(["week", None, "year"], dtype="str"),
    ):
        assert vocab_codes(values, allowed, "day").tolist() == [1, 0, 3]


def test_point_xy_reads_points_and_centres_other_shapes() -> None:
    import shapely

    points = np.array([shapely.Point(43.1, 36.3), shapely.Point(39.0, 35.9)])
    x, y = point_xy(points)
    assert (x.tolist(), y.tolist()) == ([43.1, 39.0], [36.3, 35.9])
    mixed = np.array([shapely.Point(1, 2), shapely.LineString([(0, 0), (4, 0)]), None])
    x, y = point_xy(mixed)
    assert x[:2].tolist() == [1.0, 2.0] and y[:2].tolist() == [2.0, 0.0]
    assert np.isnan(x[2]) and np.isnan(y[2])


def test_an_arrow_column_in_chunks_packs_in_an_order() -> None:
    """A pandas str column made by concat is chunked in Arrow; it packs as one array."""
    chunked = pd.concat(
        [pd.Series(["Mosul", None], dtype="str"), pd.Series(["Raqqa", "Mosul"], dtype="str")],
        ignore_index=True,
    )
    assert pack_text(chunked, np.array([2, 0, 1, 3])) == {
        "k": pack_ints(np.array([0, 1, 2, 1])),
        "v": ["Raqqa", "Mosul", None],
    }
    codes, distinct = text_codes(chunked)
    assert (codes.tolist(), distinct) == ([0, 1, 2, 0], ["Mosul", None, "Raqqa"])
