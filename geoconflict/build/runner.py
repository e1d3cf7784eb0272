"""Build map specs into files: incremental, parallel, atomic and byte-reproducible.

How a build goes (each step in its own module):

1. Find the specs (``*.toml`` in the folders given, or the files given) and parse
   them (:mod:`~geoconflict.build.spec`); a spec that does not parse fails alone,
   with its file and key.
2. Fingerprint each spec (:mod:`~geoconflict.build.fingerprint`). A spec whose
   fingerprint matches the build state, whose last build did not fail and whose
   outputs are present and unchanged is skipped; ``force=True`` rebuilds
   everything. Each output belongs to one spec: a second spec naming it fails
   (the check covers every spec found, also those ``only`` leaves out, and
   files the state lists for specs outside this run).
3. Build the rest (:mod:`~geoconflict.build.pool`): in worker processes, biggest
   inputs first, each worker staging its outputs beside their targets
   (:mod:`~geoconflict.build.worker`).
4. After each spec, publish its files (:func:`geoconflict._io.publish`, only here,
   in the build's own process) and rewrite the state and ``manifest.json``
   (:mod:`~geoconflict.build.manifest`); Ctrl-C waits until both are done, so no
   file changes that the manifest does not describe. Leftovers of a killed build
   (``.*.part``) are removed by the next build.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from geoconflict._io import publish
from geoconflict.build import pool
from geoconflict.build.fingerprint import Fingerprints, datasets_used, hash_bytes
from geoconflict.build.manifest import (
    MANIFEST_NAME,
    RESERVED,
    STATE_NAME,
    canonical,
    lock,
    manifest,
    read_state,
    write_if_changed,
)
from geoconflict.build.pipeline import Reader, Renderer
from geoconflict.build.report import BuildReport, SpecResult
from geoconflict.build.spec import MapSpec, load_spec
from geoconflict.build.worker import Job, JobResult, error_message
from geoconflict.errors import GeoconflictError, SpecError


def find_specs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The spec files named by ``paths``: ``*.toml`` in each folder (sorted), or each file.

    Raises
    ------
    SpecError
        When a path does not exist or a folder has no specs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("b", "a"):
    ...     _ = (d / f"{n}.toml").write_text('title = "x"')
    >>> [p.name for p in find_specs([d])]
    ['a.toml', 'b.toml']
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            specs = sorted(q for q in p.glob("*.toml") if q.is_file())
            if not specs:
                raise SpecError(p, None, "no map specs (*.toml) in this folder")
            found.extend(specs)
        elif p.is_file():
            found.append(p)
        else:
            raise SpecError(p, None, "no such file or folder")
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def build_maps(
    specs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = "maps",
    out_dir: str | os.PathLike[str] = "dist",
    *,
    jobs: int | None = None,
    force: bool = False,
    only: Sequence[str] | None = None,
    asset_dir: str | os.PathLike[str] | None = None,
    png: bool = True,
    timestamp: bool = False,
    progress: bool | str = False,
    renderer: Renderer | None = None,
    reader: Reader | None = None,
) -> BuildReport:
    """Build map specs into ``out_dir``: only what changed, in parallel, atomically.

    Parameters
    ----------
    specs : path or list of paths, default "maps"
        Spec files, or folders whose ``*.toml`` files are specs.
    out_dir : path, default "dist"
        Where pages, images, ``manifest.json`` and the build state go.
    jobs : int, optional
        Worker processes (default: the number of cores). ``1`` builds in this process.
    force : bool, default False
        Rebuild every spec even when nothing changed.
    only : list of str, optional
        Build only the specs with these names (file stems). The other specs are
        still read, so that two specs never write the same file.
    asset_dir : path, optional
        Take the pinned JS/CSS packages from this folder (e.g. ``node_modules``)
        instead of the npm registry cache.
    png : bool, default True
        Render the specs' PNG outputs (``False``: HTML only).
    timestamp : bool, default False
        Record the build time in the manifest (breaks byte-reproducibility of
        the manifest, never of the pages).
    progress : bool or "log", default False
        ``True``: a progress bar on stderr (when it is a terminal); ``"log"``: one
        line per spec on stderr as it starts and ends.
    renderer : callable, optional
        ``renderer(spec, events, asset_dir=...) -> str``; defaults to
        :func:`geoconflict.build.pipeline.render_page`. Must be picklable when
        ``jobs > 1``.
    reader : callable, optional
        ``reader(path, format, options) -> (events, rejects, records)`` reads each
        input file; defaults to :func:`geoconflict.build.pipeline.read_input`.
        Must be picklable when ``jobs > 1``.

    Returns
    -------
    BuildReport
        Per-spec results; ``report.summary()`` and ``report.exit_code``.

    Raises
    ------
    SpecError
        When ``specs`` names nothing, or ``only`` matches no spec.
    GeoconflictError
        When another build holds the output folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "demo.toml").write_text('title = "Demo"')
    >>> def page(spec, events, *, asset_dir=None):
    ...     return f"<!doctype html><title>{spec.title}</title>"
    >>> report = build_maps(d, d / "dist", jobs=1, renderer=page)
    >>> report.summary(), (d / "dist" / "demo.html").read_text()
    ('built 1, unchanged 0, failed 0', '<!doctype html><title>Demo</title>')
    >>> build_maps(d, d / "dist", jobs=1, renderer=page).summary()
    'built 0, unchanged 1, failed 0'
    """
    spec_paths = find_specs([specs] if isinstance(specs, str | os.PathLike) else specs)
    wanted: set[str] | None = None
    if only:
        wanted = set(only)
        if not any(p.stem in wanted for p in spec_paths):
            raise SpecError(", ".join(sorted(wanted)), None, "--only matches no spec")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    asset_dir_s = str(Path(asset_dir).resolve()) if asset_dir is not None else None
    with lock(out):
        return Build(out, asset_dir_s, png, force, timestamp, renderer, reader).run(
            spec_paths, jobs, progress, wanted
        )


class Build:
    """One run of the build: the state, the fingerprints and the commit of results."""

    def __init__(
        self,
        out: Path,
        asset_dir: str | None,
        png: bool,
        force: bool,
        timestamp: bool,
        renderer: Renderer | None,
        reader: Reader | None = None,
    ) -> None:
        self.out = out
        self.asset_dir = asset_dir
        self.png = png
        self.force = force
        self.timestamp = timestamp
        self.renderer = renderer
        self.reader = reader
        self.state = read_state(out / STATE_NAME)
        self.prints = Fingerprints(self.state, {"png": png, "asset_dir": asset_dir})
        #: Output name -> the spec (file) that writes it in this run, or held it before.
        self.claimed: dict[str, str] = {}

    def job(self, spec: MapSpec, slot: int | None = None) -> Job:
        """The job that builds ``spec`` (``slot``: its flag in a pool)."""
        return Job(spec, self.out, self.asset_dir, self.renderer, slot, self.reader)

    # -- the run --------------------------------------------------------------------------
    def run(
        self,
        spec_paths: list[Path],
        jobs: int | None,
        progress: bool | str,
        wanted: set[str] | None = None,
    ) -> BuildReport:
        """Parse, fingerprint, build what changed and commit it; the report of it all."""
        results: dict[str, SpecResult] = {}
        todo: pool.Todo = []
        failed: list[tuple[Path, str]] = []

        def fail(path: Path, exc: BaseException) -> None:
            if wanted is None or path.stem in wanted:
                label = str(path)
                message = error_message(path, exc)
                results[label] = SpecResult(path.stem, label, "failed", error=message)
                failed.append((path, message))

        # Every spec is read (also those --only leaves out), so that the output-name
        # check below sees all of them.
        parsed: list[tuple[Path, bytes, MapSpec]] = []
        for path in spec_paths:
            try:
                raw = path.read_bytes()
                spec = load_spec(path)
            except (GeoconflictError, OSError) as exc:
                fail(path, exc)
                continue
            parsed.append((path, raw, spec.without_png() if not self.png else spec))
        # Outputs of earlier builds of specs not in this run stay theirs.
        claimed = self.claimed = self.held({spec.name for _p, _r, spec in parsed})
        names: set[str] = set()
        for path, raw, spec in parsed:
            label = str(path)
            try:
                if spec.name in names:
                    raise SpecError(path, None, f"another spec is also named {spec.name!r}")
                for rel in (*spec.outputs, f"{spec.name}.rejects.csv"):
                    if rel in RESERVED or rel in claimed:
                        other = claimed.get(rel, "the build itself")
                        raise SpecError(path, "outputs", f"{rel} is already written by {other}")
                for rel in (*spec.outputs, f"{spec.name}.rejects.csv"):
                    claimed[rel] = label
                names.add(spec.name)
                if wanted is not None and spec.name not in wanted:
                    continue
                inputs = self.prints.inputs_of(spec)
                fp = self.prints.fingerprint(raw, inputs)
            except (GeoconflictError, OSError) as exc:
                fail(path, exc)
                continue
            meta = {"raw": raw, "inputs": inputs, "fingerprint": fp, "label": label}
            if not self.force and self.prints.up_to_date(self.out, spec, fp):
                entry = self.state["maps"][spec.name]
                results[spec.name] = SpecResult(
                    spec.name,
                    label,
                    "unchanged",
                    outputs=sorted(entry["outputs"]),
                    rejected=int(entry.get("rejected", 0)),
                )
            else:
                todo.append((spec, meta))
        for path, error in failed:
            self.mark_failed(path.stem, path, error)
        self.prune()
        self.remove_partials(claimed)
        if todo:
            try:
                for spec, meta, res in pool.execute(
                    todo, jobs, progress, self.job, self.renderer, self.reader
                ):
                    results[spec.name] = self.commit(spec, meta, res)
            finally:
                # The workers have stopped by now. What was staged but not committed
                # (interrupted, or a worker killed mid-job) goes; committed specs are
                # in the manifest.
                self.remove_partials(claimed)
        self.write()
        ordered = sorted(results.values(), key=lambda r: (r.name, r.spec))
        return BuildReport(out_dir=self.out, results=ordered)

    # -- what the state holds -------------------------------------------------------------
    def held(self, names: set[str]) -> dict[str, str]:
        """Output name -> spec file, for outputs that earlier builds wrote for specs
        that are not in this run (``names``) but still exist: no spec may take them."""
        held: dict[str, str] = {}
        for name in sorted(self.state["maps"]):
            entry = self.state["maps"][name]
            spec_file = entry.get("spec_file")
            if name in names or not spec_file or not Path(spec_file).exists():
                continue
            for rel in (*entry.get("outputs", {}), f"{name}.rejects.csv"):
                held.setdefault(rel, spec_file)
        return held

    def mark_failed(self, name: str, path: Path, error: str) -> None:
        """Keep a failed spec's previous files, but record in its entry that it failed."""
        entry = self.state["maps"].get(name)
        if entry is not None and entry.get("spec_file") == str(path.resolve()):
            entry["status"] = "failed"
            entry["error"] = error
        elif entry is None:
            # Never built: an entry with the error and no files, so the manifest
            # still shows every spec of the folder and why this one has no page.
            try:
                spec_info = {"path": path.name, **hash_bytes(path.read_bytes())}
            except OSError:
                spec_info = {"path": path.name}
            self.state["maps"][name] = {
                "status": "failed",
                "error": error,
                "spec_file": str(path.resolve()),
                "spec": spec_info,
                "inputs": [],
                "data": [],
                "outputs": {},
                "shared": {},
                "rejected": 0,
            }

    def owned_by_others(self, name: str) -> set[str]:
        """Files the state lists for specs other than ``name``."""
        return {
            rel
            for other, entry in self.state["maps"].items()
            if other != name
            for rel in (*entry.get("outputs", {}), *entry.get("shared", {}))
        }

    # -- committing results ---------------------------------------------------------------
    def commit(self, spec: MapSpec, meta: dict[str, Any], res: JobResult) -> SpecResult:
        """Publish a spec's staged files and record them; Ctrl-C waits until both are done."""
        with interrupts_deferred():
            return self._commit_now(spec, meta, res)

    def _commit_now(self, spec: MapSpec, meta: dict[str, Any], res: JobResult) -> SpecResult:
        if res.error is not None:
            res.discard()
            self.mark_failed(spec.name, spec.path, res.error)
            self.write()
            return SpecResult(spec.name, meta["label"], "failed", error=res.error)
        for rel, tmp in sorted(res.staged.items()):
            publish(tmp, self.out / rel)
        old = self.state["maps"].get(spec.name, {})
        for rel, info in {**res.outputs, **res.shared}.items():
            with contextlib.suppress(OSError):
                self.prints.remember((self.out / rel).resolve(), info)
        # Outputs this spec no longer writes go, unless another spec writes them now
        # (claimed in this run) or the state lists them for another spec.
        others = self.owned_by_others(spec.name)
        for rel in sorted(set(old.get("outputs", {})) - set(res.outputs)):
            if self.claimed.get(rel, meta["label"]) != meta["label"] or rel in others:
                continue
            with contextlib.suppress(FileNotFoundError):
                (self.out / rel).unlink()
        # The files this spec just wrote are its own now: no other entry lists them.
        for other, entry in self.state["maps"].items():
            if other != spec.name:
                for rel in res.outputs:
                    entry.get("outputs", {}).pop(rel, None)
        self.state["maps"][spec.name] = {
            "status": "built",
            "fingerprint": meta["fingerprint"],
            "spec_file": str(spec.path.resolve()),
            "spec": {"path": spec.path.name, **hash_bytes(meta["raw"])},
            "inputs": meta["inputs"],
            "data": datasets_used(spec),
            "outputs": res.outputs,
            "shared": res.shared,
            "rejected": res.rejected,
        }
        self.write()
        return SpecResult(
            spec.name, meta["label"], "built", outputs=sorted(res.outputs), rejected=res.rejected
        )

    def remove_partials(self, claimed: dict[str, str]) -> None:
        """Delete temporary files a killed build left beside our outputs.

        Only in the folders this build writes to (never a recursive sweep of
        ``out``), and only names of the shape :func:`geoconflict._io.atomic_path`
        makes (``.name.XXXX.part``) plus the PNG step's page copy (``….part.html``).
        """
        rels = set(claimed)
        for entry in self.state["maps"].values():
            rels.update(entry.get("outputs", {}), entry.get("shared", {}))
        folders = {self.out} | {(self.out / rel).parent for rel in rels}
        if (self.out / "assets").is_dir():
            folders.update(p for p in (self.out / "assets").rglob("*") if p.is_dir())
        for folder in sorted(folders):
            for p in folder.glob(".*.part*"):
                if p.is_file() and p.name.endswith((".part", ".part.html")):
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()

    def prune(self) -> None:
        """Forget specs whose file is gone, and delete the outputs they wrote."""
        for name in sorted(self.state["maps"]):
            entry = self.state["maps"][name]
            spec_file = entry.get("spec_file")
            if spec_file and not Path(spec_file).exists():
                del self.state["maps"][name]
                still = {r for e in self.state["maps"].values() for r in e.get("shared", {})}
                still |= self.owned_by_others(name) | set(self.claimed)
                for rel in [*entry.get("outputs", {}), *entry.get("shared", {})]:
                    if rel not in still:
                        with contextlib.suppress(FileNotFoundError):
                            (self.out / rel).unlink()

    def write(self) -> None:
        """Write the state and the manifest (each only when its text changed)."""
        hashes = self.state.get("hashes", {})
        self.state["hashes"] = {k: v for k, v in hashes.items() if Path(k).exists()}
        self.state["code"] = self.prints.code
        self.state["assets"] = self.prints.assets
        doc = manifest(
            self.state, self.prints.assets, self.prints.data_files, timestamp=self.timestamp
        )
        write_if_changed(self.out / STATE_NAME, canonical(self.state, indent=1) + "\n")
        write_if_changed(self.out / MANIFEST_NAME, canonical(doc, indent=2) + "\n")


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while the block runs, and act on it afterwards.

    Python runs signal handlers in the main thread only, so elsewhere (a build
    started from a thread) the block runs as is.

    Examples
    --------
    >>> with interrupts_deferred():
    ...     done = True
    >>> done
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if held and old != signal.SIG_IGN:
        if callable(old):
            old(signal.SIGINT, None)
        else:
            raise KeyboardInterrupt
