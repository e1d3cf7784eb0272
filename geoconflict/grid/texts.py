"""References as text: any input -> the cleaned, fixed-width byte rows the lexer reads.

Cleaning follows four rules, stated once here: a reference holding a non-ASCII
character becomes one :data:`MARK` byte (the lexer reports it as non-ASCII), a NUL
becomes :data:`MARK` (NUL pads the rows), the whitespace in :data:`SPACES` is
dropped, and letters are upper-cased. Two stores apply them and give the same bytes:

* :class:`PyTexts`, plain Python strings, for up to :data:`SMALL` references given
  as strings (a list, a tuple, a str or a numpy string array): converting a few
  references imports neither pyarrow nor pandas;
* :class:`ArrowTexts`, an Arrow string buffer and Arrow's compute kernels, for
  everything else (a pandas Series, many references, mixed input).

Examples
--------
>>> store, index = texts(["38s lf 12 34", None])
>>> type(store).__name__, store.missing.tolist(), index is None
('PyTexts', [False, True], True)
>>> rows, length = store.cleaned(16)
>>> bytes(rows[0]).rstrip(b"\\x00"), length.tolist()
(b'38SLF1234', [9, 0])
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

#: Whitespace allowed between groups; dropped before lexing.
SPACES = "\t\n\x0b\x0c\r "
#: What a NUL or a non-ASCII reference becomes: a byte no reference may hold.
MARK = "\x7f"
#: At most this many references given as strings are cleaned as Python strings.
SMALL = 1000

_DROP = str.maketrans("", "", SPACES)
#: one of SPACES, as a regular expression both Python's re and Arrow's RE2 read alike
_S = "[" + "".join(f"\\x{ord(c):02x}" for c in SPACES) + "]"
_GROUPS = "|".join(f"[0-9]{{{k}}}{_S}+[0-9]{{{k}}}" for k in range(1, 6))
#: The usual spaced forms (the digits in one run, or two runs of equal length): their
#: digit split needs no closer look.
USUAL_SPACING = (
    f"^{_S}*[0-9]{{0,2}}{_S}*[A-Za-z]{_S}*[A-Za-z]{_S}*[A-Za-z]{_S}*(?:[0-9]*|{_GROUPS}){_S}*$"
)
_USUAL = re.compile(USUAL_SPACING)


def _plain(values: list[Any]) -> bool:
    """True when every value is a str or missing (None, float NaN)."""
    return all(v is None or isinstance(v, str) or (isinstance(v, float) and v != v) for v in values)


def texts(refs: Any) -> tuple[PyTexts | ArrowTexts, Any]:
    """The store for a batch of references, and a Series' index (else None).

    Parameters
    ----------
    refs : str, list, numpy array or pandas Series
        The references.

    Returns
    -------
    tuple
        (:class:`PyTexts` or :class:`ArrowTexts`, index or None).

    Examples
    --------
    >>> type(texts("38SLF")[0]).__name__
    'PyTexts'
    """
    pd = sys.modules.get("pandas")  # a Series can only exist once pandas is loaded
    if pd is not None and isinstance(refs, pd.Series):
        return ArrowTexts(refs.array), refs.index
    if pd is not None and isinstance(refs, pd.Index):
        return ArrowTexts(refs.array), None
    if isinstance(refs, (str, bytes)):
        refs = [refs]
    values: Any
    if isinstance(refs, np.ndarray):
        values = refs.ravel()
        if values.dtype.kind == "S":
            values = np.char.decode(values, "ascii", errors="replace")
        if values.size <= SMALL and values.dtype.kind in "UO":
            listed = values.tolist()
            if _plain(listed):
                return PyTexts(listed), None
    elif isinstance(refs, Iterable):
        values = list(refs)
        if len(values) <= SMALL and _plain(values):
            return PyTexts(values), None
    else:
        raise TypeError(f"expected a str, a list, an array or a Series, not {type(refs).__name__}")
    return ArrowTexts(values), None


def _fixed(strings: list[str], width: int) -> tuple[np.ndarray, np.ndarray]:
    """ASCII strings -> (n, width) uint8 rows (NUL-padded, cut at width) and true lengths."""
    n = len(strings)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=n)
    blob = "".join([s[:width].ljust(width, "\x00") for s in strings]).encode("ascii")
    return np.frombuffer(blob, dtype=np.uint8).reshape(n, width), lengths


class PyTexts:
    """References as Python strings (str, or None / NaN for missing).

    Attributes: ``n``, ``missing``, ``notstr`` (always False here) and ``is_ascii``
    (boolean arrays), ``text`` (each reference, non-ASCII and NUL marked) and
    ``clean`` (also without whitespace, upper case).

    Examples
    --------
    >>> t = PyTexts(["38s lf 12", "\u00e938SLF", None])
    >>> t.clean, t.is_ascii.tolist(), t.missing.tolist()
    (['38SLF12', '\\x7f', ''], [True, False, True], [False, False, True])
    """

    def __init__(self, values: list[Any]) -> None:
        n = len(values)
        self.n = n
        given = [v if isinstance(v, str) else None for v in values]
        self.missing = np.fromiter((v is None for v in given), dtype=bool, count=n)
        self.notstr = np.zeros(n, dtype=bool)
        self.is_ascii = np.fromiter((v is None or v.isascii() for v in given), dtype=bool, count=n)
        self.text = [
            "" if v is None else v.replace("\x00", MARK) if v.isascii() else MARK for v in given
        ]
        self.clean = [t.translate(_DROP).upper() for t in self.text]

    def cleaned(self, width: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fixed-width byte rows of the cleaned references (all, or those at ``rows``)."""
        strings = self.clean if rows is None else [self.clean[i] for i in rows]
        return _fixed(strings, width)

    def lengths(self) -> np.ndarray:
        """Length of each reference in bytes, whitespace included."""
        return np.fromiter(map(len, self.text), dtype=np.int64, count=self.n)

    def usual(self, rows: np.ndarray) -> np.ndarray:
        """Whether the references at ``rows`` are spaced in a usual way (:data:`USUAL_SPACING`)."""
        return np.array([_USUAL.search(self.text[i]) is not None for i in rows], dtype=bool)

    def trimmed(self, rows: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Fixed-width byte rows of the references at ``rows``, trimmed of :data:`SPACES`
        and upper case."""
        return _fixed([self.text[i].strip(SPACES).upper() for i in rows], width)


def _encodes(text: str) -> bool:
    """Whether ``text`` is valid UTF-8 text (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeError:
        return False
    return True


def _data(arr: Any) -> np.ndarray:
    """The bytes of an Arrow string array's own values (not the whole buffer of a slice)."""
    if not len(arr):
        return np.zeros(0, np.uint8)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    return np.frombuffer(arr.buffers()[2], dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]


def _to_arrow(values: Any) -> tuple[Any, np.ndarray]:
    """Values -> (Arrow large_string array, not-a-string mask)."""
    import pyarrow as pa

    n = len(values)
    notstr = np.zeros(n, dtype=bool)
    arr: Any
    try:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, UnicodeError):
        # mixed input (numbers, bytes …), or a str that is no UTF-8 (a lone surrogate,
        # as from a command line's undecodable bytes): a slow path, only for such input
        import pandas as pd

        obj = np.asarray(pd.array(values, dtype=object), dtype=object)
        kind = np.frompyfunc(lambda v: isinstance(v, str), 1, 1)(obj).astype(bool)
        miss = np.asarray(pd.isna(obj), dtype=bool)
        notstr = ~kind & ~miss
        clean = obj.copy()
        clean[~kind] = None
        # Not ASCII either way: it becomes MARK below, as in PyTexts.
        clean[kind] = [v if _encodes(v) else "\ufffd" for v in clean[kind]]
        arr = pa.array(clean, type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr, notstr


def _arrow_fixed(arr: Any, width: int) -> tuple[np.ndarray, np.ndarray]:
    """ASCII Arrow strings -> (n, width) uint8 rows (NUL-padded, cut at width) and lengths."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(arr)
    lengths = np.asarray(pc.binary_length(arr).to_numpy(zero_copy_only=False), dtype=np.int64)
    padded = pc.utf8_slice_codeunits(pc.utf8_rpad(arr, width, padding="\x00"), 0, width)
    if isinstance(padded, pa.ChunkedArray):  # pragma: no cover - defensive
        padded = padded.combine_chunks()
    data = _data(padded)
    if data.size != n * width:  # pragma: no cover - every value is ASCII by now
        raise AssertionError("a reference that is not ASCII reached the byte rows")
    return data.reshape(n, width), lengths


class ArrowTexts:
    """References in an Arrow string buffer, cleaned by Arrow's compute kernels.

    The same attributes and methods as :class:`PyTexts` (``text`` and ``clean`` are
    Arrow arrays).

    Examples
    --------
    >>> t = ArrowTexts(["38s lf 12", "\u00e938SLF", None])
    >>> t.clean.to_pylist(), t.is_ascii.tolist(), t.missing.tolist()
    (['38SLF12', '\\x7f', ''], [True, False, True], [False, False, True])
    """

    def __init__(self, values: Any) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr, self.notstr = _to_arrow(values)
        n = len(arr)
        self.n = n
        self.missing = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        arr = pc.fill_null(arr, "")
        ascii_ = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False)
        self.is_ascii = np.asarray(ascii_, dtype=bool)
        if not self.is_ascii.all():
            arr = pc.if_else(pa.array(self.is_ascii), arr, MARK)
        data = _data(arr)
        if (data == 0).any():
            arr = pc.replace_substring(arr, "\x00", MARK)
        self.text = arr
        if ((data >= 9) & (data <= 13)).any():
            clean = pc.replace_substring_regex(arr, _S + "+", "")
        else:  # only spaces to drop: a plain replace is quicker
            clean = pc.replace_substring(arr, " ", "")
        self.clean = pc.ascii_upper(clean)

    def cleaned(self, width: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fixed-width byte rows of the cleaned references (all, or those at ``rows``)."""
        import pyarrow as pa

        src = self.clean if rows is None else self.clean.take(pa.array(rows))
        return _arrow_fixed(src, width)

    def lengths(self) -> np.ndarray:
        """Length of each reference in bytes, whitespace included."""
        import pyarrow.compute as pc

        return np.asarray(pc.binary_length(self.text).to_numpy(zero_copy_only=False), np.int64)

    def usual(self, rows: np.ndarray) -> np.ndarray:
        """Whether the references at ``rows`` are spaced in a usual way (:data:`USUAL_SPACING`)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.match_substring_regex(self.text.take(pa.array(rows)), USUAL_SPACING)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    def trimmed(self, rows: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Fixed-width byte rows of the references at ``rows``, trimmed of :data:`SPACES`
        and upper case."""
        import pyarrow as pa
        import pyarrow.compute as pc

        some = self.text.take(pa.array(rows))
        return _arrow_fixed(pc.ascii_upper(pc.utf8_trim(some, characters=SPACES)), width)
