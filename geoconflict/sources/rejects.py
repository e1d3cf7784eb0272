"""The rejects ledger: bad values collected per chunk, and the checks of a stored event table.

Readers never raise for one bad value: each check marks the rows it refuses in a
:class:`Problems` (one per chunk), which becomes rows of the ledger (``row``,
``field``, ``value``, ``reason``) through :func:`rejects_frame`.
:func:`check_event_records` holds the record checks of an event table read back
from GeoParquet; the pandas reader and the Dask engine (:mod:`geoconflict.scale`)
both apply it, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geoconflict.events import REJECT_COLUMNS


class Problems:
    """Collects the bad values of one chunk, vectorised.

    Parameters
    ----------
    rows : array of int
        The 1-based record number of each row of the chunk.

    Examples
    --------
    >>> p = Problems(np.array([1, 2, 3]))
    >>> bad = np.array([False, True, False])
    >>> p.add(bad, "latitude", pd.Series(["1", "x", "2"]), "not a number")
    >>> p.bad.tolist(), p.frame()["row"].tolist()
    ([False, True, False], [2])
    """

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = np.asarray(rows, dtype="int64")
        self.bad = np.zeros(len(self.rows), dtype=bool)
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        mask: np.ndarray | pd.Series,
        field: str,
        values: Sequence[object] | pd.Series | np.ndarray,
        reasons: str | np.ndarray | pd.Series,
    ) -> None:
        """Record ``reasons`` for the rows where ``mask`` is true."""
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        vals = _as_object(values)[m]
        why = (
            np.full(int(m.sum()), reasons, dtype=object)
            if isinstance(reasons, str)
            else _as_object(reasons)[m]
        )
        self._parts.append(
            pd.DataFrame(
                {
                    "row": self.rows[m],
                    "field": field,
                    "value": [None if v is None else str(v) for v in vals],
                    "reason": why,
                }
            )
        )
        self.bad |= m

    def add_reasons(
        self, reasons: np.ndarray, field: str, values: Sequence[object] | pd.Series | np.ndarray
    ) -> None:
        """Record every non-empty reason of a reason array."""
        r = np.asarray(reasons, dtype=object)
        self.add(r != "", field, values, r)

    def frame(self) -> pd.DataFrame:
        """The ledger rows collected so far."""
        return rejects_frame(self._parts)


def rejects_frame(parts: Iterable[pd.DataFrame] = ()) -> pd.DataFrame:
    """Concatenate ledger pieces into one ledger sorted by row (stable), typed like the contract.

    Examples
    --------
    >>> piece = pd.DataFrame({"row": [3, 1], "field": ["f", "g"], "value": ["x", None],
    ...                       "reason": ["r", "s"]})
    >>> rejects_frame([piece])["row"].tolist(), rejects_frame().columns.tolist()
    ([1, 3], ['row', 'field', 'value', 'reason'])
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {
                "row": pd.Series([], dtype="int64"),
                "field": pd.Series([], dtype=object),
                "value": pd.Series([], dtype=object),
                "reason": pd.Series([], dtype=object),
            }
        )
    out = pd.concat(parts, ignore_index=True)[list(REJECT_COLUMNS)]
    out["row"] = out["row"].astype("int64")
    for col in ("field", "value", "reason"):
        out[col] = out[col].astype(object)
    return out.sort_values("row", kind="stable").reset_index(drop=True)


def _as_object(values: Sequence[object] | pd.Series | np.ndarray) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object, na_value=None)
    return np.asarray(values, dtype=object)


def check_event_records(table: pd.DataFrame) -> Problems:
    """The record checks of an event table read back from GeoParquet (one file or partition).

    A ``date_start`` that is missing or not a date (``"missing date"``), a missing
    or empty geometry (``"missing geometry"``) and a geometry that is not a point
    (``"geometry is not a point"``) are rejected; other values pass. Rows are
    numbered 1 … ``len(table)``.

    Parameters
    ----------
    table : geopandas.GeoDataFrame
        Events with at least ``date_start`` and a geometry.

    Returns
    -------
    Problems
        ``.bad`` marks the rejected rows, ``.frame()`` is their ledger.

    Examples
    --------
    >>> from geoconflict.synthetic import synthetic_events
    >>> events = synthetic_events(3, seed=1)
    >>> events.loc[1, "geometry"] = None
    >>> problems = check_event_records(events)
    >>> problems.bad.tolist(), problems.frame()["reason"].tolist()
    ([False, True, False], ['missing geometry'])
    """
    problems = Problems(np.arange(1, len(table) + 1))
    start = pd.to_datetime(table["date_start"], errors="coerce")
    problems.add(start.isna().to_numpy(), "date_start", table["date_start"], "missing date")
    geom = table.geometry
    missing = (geom.isna() | geom.is_empty).to_numpy()
    problems.add(missing, "geometry", geom.astype(object).astype(str), "missing geometry")
    not_point = ~missing & (geom.geom_type != "Point").to_numpy()
    problems.add(not_point, "geometry", geom.geom_type, "geometry is not a point")
    return problems
