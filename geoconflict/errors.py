"""The exceptions geoconflict raises, all under :class:`GeoconflictError`.

Vectorised functions never raise for one bad element: they return a missing
value and a reason. These exceptions are for scalar calls with ``strict=True``,
for whole-file problems and for bad specs.
"""

from __future__ import annotations


class GeoconflictError(Exception):
    """Base class of every error geoconflict raises on purpose."""


class GridRefError(GeoconflictError, ValueError):
    """An MGRS grid reference that cannot be converted.

    Parameters
    ----------
    ref : str
        The reference as given.
    reason : str
        Why it was rejected.
    """

    def __init__(self, ref: object, reason: str) -> None:
        self.ref = ref
        self.reason = reason
        super().__init__(f"invalid MGRS reference {ref!r}: {reason}")


class SourceFormatError(GeoconflictError, ValueError):
    """An input file that cannot be read as the requested (or any known) format.

    The message names the file and, where it applies, the record and field.
    """

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.row = row
        self.field = field
        where = []
        if path is not None:
            where.append(str(path))
        if row is not None:
            where.append(f"record {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SpecError(GeoconflictError, ValueError):
    """A map spec (``maps/*.toml``) that is malformed: names the file, key and expectation."""

    def __init__(self, path: object, key: str | None, message: str) -> None:
        self.path = path
        self.key = key
        where = f"{path}" + (f", key {key!r}" if key else "")
        super().__init__(f"{where}: {message}")


class DataError(GeoconflictError, ValueError):
    """A data table (areas, territory, events) that breaks the column contract."""


class AssetError(GeoconflictError, RuntimeError):
    """A JS/CSS asset that cannot be fetched, or whose integrity hash does not match."""


class BrowserError(GeoconflictError, RuntimeError):
    """Headless Chromium is missing or a page failed to render."""


class OptionError(GeoconflictError, ValueError):
    """A map, build or summary option has a value outside the allowed ones.

    The message names the option, the value given and the allowed values.
    """
