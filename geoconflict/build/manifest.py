"""The build's files in the output folder: its state, ``manifest.json`` and its lock.

The state (``.geoconflict-build.json``) is what the next build compares against;
the manifest is what a reader of ``dist/`` gets: every output with its sha256 and
size, each map's inputs and status, the shipped data, the asset pins and the
toolkit version. Both are written atomically, with sorted keys and no timestamps
(unless asked), so the same build gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geoconflict import __version__
from geoconflict._io import write_text
from geoconflict.errors import GeoconflictError

#: The build state file inside the output folder.
STATE_NAME = ".geoconflict-build.json"
#: The manifest inside the output folder.
MANIFEST_NAME = "manifest.json"
#: The lock file that keeps two builds out of one folder.
LOCK_NAME = ".geoconflict-build.lock"
#: Names no spec may write (the build's own files).
RESERVED = frozenset({STATE_NAME, MANIFEST_NAME, LOCK_NAME})
STATE_VERSION = 1


def canonical(doc: Any, indent: int | None = None) -> str:
    """JSON with sorted keys and no NaN: the same document always gives the same text.

    Examples
    --------
    >>> canonical({"b": 1, "a": "é"})
    '{"a": "é", "b": 1}'
    """
    return json.dumps(doc, sort_keys=True, indent=indent, ensure_ascii=False, allow_nan=False)


def read_state(path: Path) -> dict[str, Any]:
    """The build state at ``path``; an empty state when it is missing, unreadable or old.

    Examples
    --------
    >>> read_state(Path("/nonexistent/state.json"))
    {'version': 1, 'maps': {}}
    """
    empty: dict[str, Any] = {"version": STATE_VERSION, "maps": {}}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except (OSError, ValueError):
        print(f"{path}: unreadable build state, rebuilding everything", file=sys.stderr)
        return empty
    if not isinstance(doc, dict) or doc.get("version") != STATE_VERSION:
        return empty
    if not isinstance(doc.get("maps"), dict):
        return empty
    return doc


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` atomically unless the file already holds exactly it."""
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return
    write_text(path, text)


def manifest(
    state: dict[str, Any],
    assets: dict[str, Any],
    data_files: dict[str, Any],
    *,
    timestamp: bool = False,
) -> dict[str, Any]:
    """The manifest document for a build state.

    Examples
    --------
    >>> doc = manifest({"maps": {}}, {}, {})
    >>> sorted(doc), doc["toolkit"]["name"]
    (['assets', 'data', 'maps', 'outputs', 'toolkit'], 'geoconflict')
    """
    maps: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for name, entry in state["maps"].items():
        maps[name] = {
            "spec": entry["spec"],
            "status": entry.get("status", "built"),
            "inputs": entry["inputs"],
            "data": entry.get("data", []),
            "outputs": sorted(entry["outputs"]),
            "rejected": entry.get("rejected", 0),
        }
        if entry.get("error"):
            maps[name]["error"] = entry["error"]
        files = {**entry.get("shared", {}), **entry["outputs"]}
        for rel, info in files.items():
            row = outputs.setdefault(rel, {**info, "maps": []})
            row["maps"] = sorted({*row["maps"], name})
    doc: dict[str, Any] = {
        "toolkit": {"name": "geoconflict", "version": __version__},
        "assets": assets,
        "data": data_files,
        "maps": maps,
        "outputs": outputs,
    }
    if timestamp:
        doc["built_at"] = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return doc


@contextlib.contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (POSIX ``flock``; none elsewhere).

    Raises
    ------
    GeoconflictError
        When another build holds the folder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows has no fcntl
        yield
        return
    with open(out / LOCK_NAME, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GeoconflictError(f"{out}: another build is writing to this folder") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
