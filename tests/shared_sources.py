"""Where the real open data of ``../shared/sources`` is: for tests that read it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """``$GEOCONFLICT_SHARED``, else ``<repo>/../shared`` (as tools/derive_io), or None."""
    candidates = [os.environ.get("GEOCONFLICT_SHARED"), REPO.parent / "shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "sources").is_dir():
            return Path(candidate)
    return None


def strike_releases() -> Path:
    """The CENTCOM strike-release compilation's folder, or skip the test saying why."""
    shared = shared_dir()
    folder = shared / "sources" / "centcom-strike-releases" if shared else None
    if folder is None or not (folder / "all-edited-refined.csv").is_file():
        pytest.skip(
            "the CENTCOM strike-release lines are not here: set GEOCONFLICT_SHARED to the "
            "folder holding sources/centcom-strike-releases (looked in $GEOCONFLICT_SHARED "
            f"and {REPO.parent / 'shared'})"
        )
    return folder
