"""Atomic file output: write to a temporary file beside the target, then rename.

A crash or Ctrl-C part-way leaves the old file (or none), never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    Use it for writers that want a path (GeoParquet, PNG screenshots).
    On an exception the temporary file is removed and ``target`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "a.txt").read_text()
    'done'
    """
    tmp = stage(target)
    try:
        yield tmp
        publish(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def stage(target: str | os.PathLike[str]) -> Path:
    """Create an empty temporary file beside ``target`` (``.name.XXXX.part``) and return it.

    Write it, then :func:`publish` it over ``target`` (or delete it). The two steps
    may run in different processes: a build's workers stage, its parent publishes.
    """
    target = Path(target)
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory, not a file to write", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    return Path(name)


def publish(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Rename a :func:`stage`-d file over ``target`` (one atomic rename, same folder)."""
    tmp = Path(tmp)
    if tmp.is_dir():
        raise IsADirectoryError(tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_open(
    target: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8", **kw: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it replaces ``target`` only when the block succeeds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_open(d / "b.txt") as fh:
    ...     _ = fh.write("x")
    >>> (d / "b.txt").read_text()
    'x'
    """
    if "b" in mode:
        encoding = None
    with atomic_path(target) as tmp, open(tmp, mode, encoding=encoding, **kw) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_open(target, "wb") as fh:
        fh.write(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``target`` atomically."""
    with atomic_open(target, "w", newline="\n") as fh:
        fh.write(text)


def read_vector(path: Path, what: str) -> Any:
    """Read a vector file (GeoJSON, GeoPackage, Shapefile, GeoParquet) as a GeoDataFrame.

    Raises :class:`~geoconflict.errors.DataError` naming the file and ``what`` it
    was meant to be when the file is missing or unreadable.
    """
    import geopandas as gpd

    from geoconflict.errors import DataError

    if not path.exists():
        raise DataError(f"{path}: no such {what.split()[-1]} file")
    try:
        if path.suffix.lower() in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        return gpd.read_file(path)
    except Exception as exc:  # pyogrio / pyarrow raise many kinds
        raise DataError(f"{path}: cannot read as {what} file: {exc}") from exc
