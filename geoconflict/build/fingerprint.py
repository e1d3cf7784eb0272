"""What a map is built from, as hashes: the incremental build's fingerprints.

A spec's fingerprint is sha256 over the spec's bytes, its input files, the shipped
data files, the toolkit's version and code, the pinned page assets and the build
options. A spec whose fingerprint matches the build state, whose last build did not
fail and whose outputs are present and unchanged is skipped. Files are hashed by
content, with their stat as the key of a cache kept in the state (as git's index
does), so a large unchanged input is not read again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from geoconflict import __version__, datasets
from geoconflict.build.manifest import canonical
from geoconflict.build.pipeline import input_label
from geoconflict.build.spec import MapSpec
from geoconflict.errors import SpecError
from geoconflict.render.assets import page_assets

#: The package folder: its source files are part of every fingerprint.
PACKAGE = Path(__file__).resolve().parent.parent


def hash_bytes(data: bytes) -> dict[str, Any]:
    """sha256 and size of some bytes.

    Examples
    --------
    >>> hash_bytes(b"")["size"], hash_bytes(b"")["sha256"][:8]
    (0, 'e3b0c442')
    """
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def hash_file(path: Path) -> dict[str, Any]:
    """sha256 and size of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return {"sha256": h.hexdigest(), "size": size}


def hash_tree(folder: Path) -> dict[str, Any]:
    """sha256 over a folder's files (names and contents), e.g. partitioned GeoParquet."""
    h = hashlib.sha256()
    size = 0
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            info = hash_file(p)
            h.update(f"{p.relative_to(folder).as_posix()}\0{info['sha256']}\0".encode())
            size += info["size"]
    return {"sha256": h.hexdigest(), "size": size}


def data_root() -> Path | None:
    """The shipped data folder: ``geoconflict/data`` in a wheel, ``data/`` in a checkout.

    Found the way :mod:`geoconflict.datasets` finds it, without importing pandas.
    """
    for candidate in (PACKAGE / "data", PACKAGE.parent / "data"):
        if candidate.is_dir():
            return candidate
    return None


def shipped_data_files() -> dict[str, dict[str, Any]]:
    """Every shipped data file (relative name -> sha256, size): all are build inputs."""
    root = data_root()
    if root is None:
        return {}
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts:
            out[p.relative_to(root).as_posix()] = hash_file(p)
    return out


def code_digest() -> str:
    """sha256 over the toolkit's own source and page files: code changes rebuild pages."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*")):
        if p.suffix not in {".py", ".js", ".css", ".j2", ".html", ".json"} or not p.is_file():
            continue
        rel = p.relative_to(PACKAGE).as_posix()
        if rel.startswith("data/") or "__pycache__" in rel:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def asset_pins() -> dict[str, Any]:
    """The pinned page assets (npm package -> version, integrity, files), from the renderer.

    Examples
    --------
    >>> "leaflet" in asset_pins()
    True
    """
    pins: dict[str, Any] = {}
    for row in page_assets():
        entry = pins.setdefault(
            str(row["package"]),
            {"version": row["version"], "integrity": row["integrity"], "files": []},
        )
        entry["files"] = sorted({*entry["files"], str(row["path"])})
    return pins


def datasets_used(spec: MapSpec) -> list[str]:
    """The shipped data files a spec's page draws on (recorded in the manifest).

    Examples
    --------
    >>> datasets_used(MapSpec(name="m", path=Path("m.toml"), title="M", areas="none"))
    ['incidents.csv', 'places.csv', 'rivers.geojson', 'territory.geojson']
    """
    return sorted(datasets.path(name).name for name in shipped_tables(spec))


def shipped_tables(spec: MapSpec) -> set[str]:
    """The names of the shipped tables (:func:`geoconflict.datasets.load`) a spec's page draws on.

    Examples
    --------
    >>> sorted(shipped_tables(MapSpec(name="m", path=Path("m.toml"), title="M", areas="none")))
    ['incidents', 'places', 'rivers', 'territory']
    """
    layers = spec.layers
    used = {"places"} if layers.places or layers.protected else set()
    if not spec.inputs:
        used.add("incidents")
    used.update(i.dataset for i in spec.inputs if i.kind == "dataset" and i.dataset)
    if spec.areas != "none":
        used.add("areas")
    used.update({"rivers", "territory", *(["strikes"] if layers.strikes or layers.links else [])})
    if spec.basemap == "none":
        used.add("context")
    if spec.page.chart == "weapons":
        used.add("weapons_monthly")
    return used


class Fingerprints:
    """The fingerprints of one build, with the hash cache of its state.

    Parameters
    ----------
    state : dict
        The build state; its ``"hashes"`` entry is the cache (updated in place).
    options : dict
        The build options that change the outputs (``png``, ``asset_dir``).
    """

    def __init__(self, state: dict[str, Any], options: dict[str, Any]) -> None:
        self.state = state
        self.options = options
        self.data_files = shipped_data_files()
        self.code = code_digest()
        # The pins live in the code: reuse the state's while the code is unchanged.
        cached = state.get("assets")
        same_code = state.get("code") == self.code
        self.assets = cached if isinstance(cached, dict) and same_code else asset_pins()
        self._hashes: dict[Path, dict[str, Any]] = {}

    def file_info(self, path: Path) -> dict[str, Any]:
        """sha256 and size of an input file or folder (cached while its stat is unchanged)."""
        key = path.resolve()
        if key not in self._hashes:
            self._hashes[key] = hash_tree(path) if path.is_dir() else self.cached_hash(key)
        return self._hashes[key]

    def cached_hash(self, path: Path) -> dict[str, Any]:
        """Hash a file, or reuse the last hash while its size, mtime and inode are the same."""
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        cache = self.state.setdefault("hashes", {})
        hit = cache.get(str(path))
        if isinstance(hit, dict) and hit.get("stat") == stamp:
            return {"sha256": hit["sha256"], "size": st.st_size}
        info = hash_file(path)
        cache[str(path)] = {"stat": stamp, "sha256": info["sha256"]}
        return info

    def remember(self, path: Path, info: dict[str, Any]) -> None:
        """Record the hash of a file the build just wrote (so the next build need not read it)."""
        st = path.stat()
        if st.st_size == info["size"]:
            stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
            self.state.setdefault("hashes", {})[str(path)] = {
                "stat": stamp,
                "sha256": info["sha256"],
            }

    def inputs_of(self, spec: MapSpec) -> list[dict[str, Any]]:
        """The manifest rows of a spec's inputs: path, sha256 and size (or dataset, synthetic)."""
        rows: list[dict[str, Any]] = []
        for i, item in enumerate(spec.inputs):
            label = input_label(spec, item)
            if item.kind == "file":
                assert item.path is not None
                if not item.path.exists():
                    raise SpecError(spec.path, f"inputs[{i}].path", f"no such file: {item.path}")
                row = {"path": label, **self.file_info(item.path)}
                if "gazetteer" in item.options:
                    gaz = Path(item.options["gazetteer"])
                    if not gaz.is_file():
                        key = f"inputs[{i}].options.gazetteer"
                        raise SpecError(spec.path, key, f"no such file: {gaz}")
                    rel = os.path.relpath(gaz, spec.path.parent).replace(os.sep, "/")
                    row["gazetteer"] = {"path": rel, **self.file_info(gaz)}
                rows.append(row)
            elif item.kind == "dataset":
                rows.append({"dataset": item.dataset})
            else:
                rows.append({"synthetic": item.synthetic, "seed": item.seed})
        return rows

    def fingerprint(self, raw: bytes, inputs: list[dict[str, Any]]) -> str:
        """sha256 over everything a spec's outputs depend on."""
        doc = {
            "spec": hashlib.sha256(raw).hexdigest(),
            "inputs": inputs,
            "data": {k: v["sha256"] for k, v in self.data_files.items()},
            "toolkit": __version__,
            "code": self.code,
            "assets": self.assets,
            "options": self.options,
        }
        return hashlib.sha256(canonical(doc).encode()).hexdigest()

    def up_to_date(self, out: Path, spec: MapSpec, fingerprint: str) -> bool:
        """Whether the state's entry for ``spec`` has this fingerprint, built, with its
        outputs in ``out`` present and unchanged."""
        entry = self.state["maps"].get(spec.name)
        if not entry or entry.get("fingerprint") != fingerprint:
            return False
        if entry.get("status", "built") != "built":
            return False
        if entry.get("spec_file") != str(spec.path.resolve()):
            return False
        files = {**entry.get("outputs", {}), **entry.get("shared", {})}
        for rel, info in files.items():
            p = out / rel
            if not p.is_file() or p.stat().st_size != info["size"]:
                return False
            if self.cached_hash(p.resolve())["sha256"] != info["sha256"]:
                return False
        return True
