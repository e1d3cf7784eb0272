"""Build map specs into files: incremental, parallel, atomic and byte-reproducible.

How a build goes:

1. Find the specs (``*.toml`` in the folders given, or the files given) and parse
   them; a spec that does not parse fails alone, with its file and key.
2. Fingerprint each spec: sha256 over the spec's bytes, its input files, the
   shipped data files, the toolkit's version and code, the pinned page assets
   and the build options. A spec whose fingerprint matches the build state
   (``<out>/.geoconflict-build.json``), whose last build did not fail and whose
   outputs are present and unchanged is skipped; ``force=True`` rebuilds
   everything. Each output belongs to one spec: a second spec naming it fails
   (the check covers every spec found, also those ``only`` leaves out, and
   files the state lists for specs outside this run).
3. Build the rest in a :class:`~concurrent.futures.ProcessPoolExecutor`
   (biggest inputs first). An input file that several specs name is read and
   validated once per build (:func:`geoconflict.build.pipeline.input_cache`):
   in the parent before the workers are forked, so they share it, or on first
   use when building in one process. The renderer's imports run in a thread
   while the parent reads. Each worker writes its outputs to temporary files
   beside their targets (:func:`geoconflict._io.stage`) and hands their names
   back; only the parent renames them into place (:func:`geoconflict._io.publish`),
   so a crash or Ctrl-C never leaves half a file, and no file changes that the
   manifest does not describe. On Ctrl-C the parent sets a stop flag the workers
   check before and after each job (a worker can miss a signal that arrives
   before it has set its handler), interrupts them and waits for them, then
   deletes what they staged. Leftovers of a killed build (``.*.part``) are
   removed by the next build.
4. After each spec its files are published and the state and ``manifest.json``
   rewritten (Ctrl-C waits until both are done), atomically, with
   sorted keys and no timestamps (unless asked): the manifest lists every output
   with its sha256 and size, each map's inputs with theirs and its status
   (``"failed"``, with the error, when its last build failed: its previous files
   are kept), the shipped data, the asset pins and the toolkit version.

The scheduler, state and manifest are written here because they are specific to
this tool; the parallelism is the standard library's process pool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoconflict import __version__
from geoconflict._io import publish, stage, write_text
from geoconflict.build.spec import MapSpec, load_spec
from geoconflict.errors import GeoconflictError, SpecError

if TYPE_CHECKING:
    import threading
    from concurrent.futures import Future

#: The build state file inside the output folder.
STATE_NAME = ".geoconflict-build.json"
#: The manifest inside the output folder.
MANIFEST_NAME = "manifest.json"
_LOCK_NAME = ".geoconflict-build.lock"
_STATE_VERSION = 1
_RESERVED = {STATE_NAME, MANIFEST_NAME, _LOCK_NAME}

#: ``renderer(spec, events, asset_dir=...)`` -> HTML text, or a ``pipeline.Page``.
Renderer = Callable[..., Any]


@dataclass
class SpecResult:
    """What happened to one spec in a build.

    Attributes
    ----------
    name : str
        The spec's name (file stem).
    spec : str
        The spec file as given.
    status : {"built", "unchanged", "failed"}
    outputs : list of str
        Output files (relative to the output folder).
    rejected : int
        Input records rejected by the readers (listed in ``<name>.rejects.csv``).
    error : str or None
        Why the spec failed: names the file and the reason.
    """

    name: str
    spec: str
    status: str
    outputs: list[str] = field(default_factory=list)
    rejected: int = 0
    error: str | None = None


@dataclass
class BuildReport:
    """The outcome of :func:`build_maps`.

    Examples
    --------
    >>> r = BuildReport(out_dir=Path("dist"), results=[SpecResult("a", "a.toml", "built")])
    >>> r.summary(), r.exit_code
    ('built 1, unchanged 0, failed 0', 0)
    """

    out_dir: Path
    results: list[SpecResult]

    def _count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def built(self) -> int:
        return self._count("built")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def rejected(self) -> int:
        return sum(r.rejected for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every spec built cleanly, 1 when any failed or rejected records."""
        return 1 if self.failed or self.rejected else 0

    def summary(self) -> str:
        line = f"built {self.built}, unchanged {self.unchanged}, failed {self.failed}"
        if self.rejected:
            line += f" ({self.rejected} input records rejected)"
        return line


@dataclass(frozen=True)
class _Job:
    spec: MapSpec
    out_dir: Path
    asset_dir: str | None
    renderer: Renderer | None
    #: In a pool: this job's flag in the shared "started" array (see ``_pool``).
    slot: int | None = None


@dataclass
class _JobResult:
    name: str
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    shared: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: int = 0
    error: str | None = None
    #: Output name -> the temporary file holding it, published by the parent on commit.
    staged: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        """Delete the staged files (a result that will not be committed)."""
        for tmp in self.staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


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
    with _lock(out):
        return _Build(out, asset_dir_s, png, force, timestamp, renderer).run(
            spec_paths, jobs, progress, wanted
        )


class _Build:
    """One run of the build: the state, the fingerprints and the commit of results."""

    def __init__(
        self,
        out: Path,
        asset_dir: str | None,
        png: bool,
        force: bool,
        timestamp: bool,
        renderer: Renderer | None,
    ) -> None:
        self.out = out
        self.asset_dir = asset_dir
        self.png = png
        self.force = force
        self.timestamp = timestamp
        self.renderer = renderer
        self.state = _read_state(out / STATE_NAME)
        self._hashes: dict[Path, dict[str, Any]] = {}
        #: Output name -> the spec (file) that writes it in this run, or held it before.
        self.claimed: dict[str, str] = {}
        self.data_files = _shipped_data_files()
        self.code = _code_digest()
        # The pins live in the code: reuse them while the code is unchanged, which
        # spares a no-change build from importing the renderer.
        cached = self.state.get("assets")
        if isinstance(cached, dict) and self.state.get("code") == self.code:
            self.assets = cached
        else:
            self.assets = _asset_pins()

    # -- fingerprints ---------------------------------------------------------------------
    def file_info(self, path: Path) -> dict[str, Any]:
        """sha256 and size of an input file or folder (cached while its stat is unchanged)."""
        key = path.resolve()
        if key not in self._hashes:
            self._hashes[key] = _hash_tree(path) if path.is_dir() else self.cached_hash(key)
        return self._hashes[key]

    def cached_hash(self, path: Path) -> dict[str, Any]:
        """Hash a file, or reuse the last hash while its size, mtime and inode are the same.

        The same trade-off as git's index: content hashes, with the file's stat
        as the key of a cache, so a large unchanged input is not read again.
        """
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        cache = self.state.setdefault("hashes", {})
        hit = cache.get(str(path))
        if isinstance(hit, dict) and hit.get("stat") == stamp:
            return {"sha256": hit["sha256"], "size": st.st_size}
        info = _hash_file(path)
        cache[str(path)] = {"stat": stamp, "sha256": info["sha256"]}
        return info

    def inputs_of(self, spec: MapSpec) -> list[dict[str, Any]]:
        from geoconflict.build.pipeline import input_label

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

    def fingerprint(self, spec: MapSpec, raw: bytes, inputs: list[dict[str, Any]]) -> str:
        doc = {
            "spec": hashlib.sha256(raw).hexdigest(),
            "inputs": inputs,
            "data": {k: v["sha256"] for k, v in self.data_files.items()},
            "toolkit": __version__,
            "code": self.code,
            "assets": self.assets,
            "options": {"png": self.png, "asset_dir": self.asset_dir},
        }
        return hashlib.sha256(_canonical(doc).encode()).hexdigest()

    def up_to_date(self, name: str, fingerprint: str, spec: MapSpec) -> bool:
        entry = self.state["maps"].get(name)
        if self.force or not entry or entry.get("fingerprint") != fingerprint:
            return False
        if entry.get("status", "built") != "built":
            return False
        if entry.get("spec_file") != str(spec.path.resolve()):
            return False
        files = {**entry.get("outputs", {}), **entry.get("shared", {})}
        for rel, info in files.items():
            p = self.out / rel
            if not p.is_file() or p.stat().st_size != info["size"]:
                return False
            if self.cached_hash(p.resolve())["sha256"] != info["sha256"]:
                return False
        return True

    # -- the run --------------------------------------------------------------------------
    def run(
        self,
        spec_paths: list[Path],
        jobs: int | None,
        progress: bool | str,
        wanted: set[str] | None = None,
    ) -> BuildReport:
        results: dict[str, SpecResult] = {}
        todo: list[tuple[MapSpec, dict[str, Any]]] = []
        failed: list[tuple[Path, str]] = []

        def fail(path: Path, exc: BaseException) -> None:
            if wanted is None or path.stem in wanted:
                label = str(path)
                results[label] = SpecResult(path.stem, label, "failed", error=_message(path, exc))
                failed.append((path, _message(path, exc)))

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
        claimed = self.claimed = self._held({spec.name for _p, _r, spec in parsed})
        names: set[str] = set()
        for path, raw, spec in parsed:
            label = str(path)
            try:
                if spec.name in names:
                    raise SpecError(path, None, f"another spec is also named {spec.name!r}")
                for rel in (*spec.outputs, f"{spec.name}.rejects.csv"):
                    if rel in _RESERVED or rel in claimed:
                        other = claimed.get(rel, "the build itself")
                        raise SpecError(path, "outputs", f"{rel} is already written by {other}")
                for rel in (*spec.outputs, f"{spec.name}.rejects.csv"):
                    claimed[rel] = label
                names.add(spec.name)
                if wanted is not None and spec.name not in wanted:
                    continue
                inputs = self.inputs_of(spec)
                fp = self.fingerprint(spec, raw, inputs)
            except (GeoconflictError, OSError) as exc:
                fail(path, exc)
                continue
            meta = {"raw": raw, "inputs": inputs, "fingerprint": fp, "label": label}
            if self.up_to_date(spec.name, fp, spec):
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
            self._mark_failed(path.stem, path, error)
        self._prune()
        self._remove_partials(claimed)
        if todo:
            try:
                for spec, meta, res in self._execute(todo, jobs, progress):
                    results[spec.name] = self._commit(spec, meta, res)
            finally:
                # The workers have stopped by now. What was staged but not committed
                # (interrupted, or a worker killed mid-job) goes; committed specs are
                # in the manifest.
                self._remove_partials(claimed)
        self._write()
        ordered = sorted(results.values(), key=lambda r: (r.name, r.spec))
        return BuildReport(out_dir=self.out, results=ordered)

    def _execute(
        self, todo: list[tuple[MapSpec, dict[str, Any]]], jobs: int | None, progress: bool | str
    ) -> Iterator[tuple[MapSpec, dict[str, Any], _JobResult]]:
        # The renderer's imports (folium, branca, Jinja templates) run in a thread
        # while this one reads the inputs: Arrow, numpy and GEOS release the GIL.
        import threading

        from geoconflict.build.pipeline import input_cache

        warm = threading.Thread(target=_preload, name="geoconflict-imports", daemon=True)
        warm.start()
        try:
            # Specs that share an input file read it once per build (not once per spec).
            with input_cache([spec for spec, _meta in todo]):
                yield from self._schedule(todo, jobs, progress, warm)
        finally:
            warm.join()

    def _schedule(
        self,
        todo: list[tuple[MapSpec, dict[str, Any]]],
        jobs: int | None,
        progress: bool | str,
        warm: threading.Thread,
    ) -> Iterator[tuple[MapSpec, dict[str, Any], _JobResult]]:
        # Largest inputs first, so the last job to start is a short one.
        todo = sorted(todo, key=lambda t: (-_cost(t[1]["inputs"]), t[0].name))
        n_jobs = max(1, min(jobs or _cpu_count(), len(todo)))
        bar = _Progress(len(todo), progress if n_jobs == 1 else False)
        try:
            if n_jobs == 1:
                for spec, meta in todo:
                    bar.start(spec)
                    res = _run_job(_Job(spec, self.out, self.asset_dir, self.renderer))
                    yield spec, meta, res
                    bar.done(spec, res)  # after the caller committed it
                return
            ctx = _mp_context()
            if ctx.get_start_method() == "fork":
                # An input that several specs share is read once, here, and the
                # forked workers start with it (the serial build reads it once too).
                from geoconflict.build.pipeline import preread

                preread([spec for spec, _meta in todo])
            # Forked workers start warm; and no thread may be importing while we fork.
            warm.join()
            bar = _Progress(len(todo), progress)  # made after the first fork
            # A worker that dies (killed, out of memory) breaks the pool: the spec it
            # was building and every other spec in the pool fail with it. Specs that
            # had not started go round again as they were; a spec whose worker died is
            # built again alone in a fresh worker, and fails only if it dies again.
            deaths: dict[str, int] = {}
            # A pool whose workers die before any of its specs starts (a renderer that
            # cannot be unpickled in a worker, memory exhausted at fork) has made no
            # progress: its specs are charged, and fail the second time.
            stalls: dict[str, int] = {}
            if not _picklable(self.renderer):
                for spec, meta in todo:
                    failed = _failed(
                        spec,
                        "the renderer cannot be sent to worker processes"
                        " (it does not survive pickling); build with jobs=1",
                    )
                    yield spec, meta, failed
                    bar.done(spec, failed)
                return
            rounds: list[tuple[list[tuple[MapSpec, dict[str, Any]]], int]] = [(todo, n_jobs)]
            while rounds:
                queue, width = rounds.pop(0)
                again: list[tuple[MapSpec, dict[str, Any]]] = []
                alone: list[tuple[MapSpec, dict[str, Any]]] = []
                progressed = False
                # (closing(): if the caller stops, the pool is stopped now, not at GC.)
                with contextlib.closing(self._pool(ctx, queue, width, bar)) as built:
                    for spec, meta, got, started in built:
                        progressed = progressed or started or got is not None
                        if got is None and not started:
                            again.append((spec, meta))
                            continue
                        if got is None:
                            if not _second(deaths, spec.name):
                                alone.append((spec, meta))
                                continue
                            got = _failed(
                                spec,
                                "the worker process building it died"
                                " (killed by a signal, e.g. when out of memory), twice",
                            )
                        yield spec, meta, got
                        bar.done(spec, got)  # after the caller committed it
                if again and not progressed:
                    stuck = []
                    for spec, meta in again:
                        if not _second(stalls, spec.name):
                            stuck.append((spec, meta))
                            continue
                        failed = _failed(
                            spec, "the worker processes died before they could start it, twice"
                        )
                        yield spec, meta, failed
                        bar.done(spec, failed)
                    again = stuck
                if again:
                    rounds.append((again, max(1, min(n_jobs, len(again)))))
                rounds.extend(([one], 1) for one in sorted(alone, key=lambda t: t[0].name))
        finally:
            bar.close()

    def _pool(
        self,
        ctx: Any,
        todo: list[tuple[MapSpec, dict[str, Any]]],
        n_jobs: int,
        bar: _Progress | None,
    ) -> Generator[tuple[MapSpec, dict[str, Any], _JobResult | None, bool], None, None]:
        """Build ``todo`` in a pool of ``n_jobs`` workers.

        Yields ``(spec, meta, result, started)``; ``result`` is None when the pool broke
        (a worker died) before the spec was built, and ``started`` says whether a
        worker had begun it (the one that died, or one killed with it) or not.
        On Ctrl-C (or when the caller stops early) the workers are stopped, waited
        for, and what they staged but nobody will commit is deleted.
        """
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        # Set when the build is interrupted: a worker then commits nothing more,
        # even one that missed the Ctrl-C (it came before its handler was set).
        stop = ctx.Event()
        # One flag per job, set by the worker when it begins the job.
        started = ctx.Array("b", len(todo), lock=False)
        others = {c.pid for c in multiprocessing.active_children()}
        with ProcessPoolExecutor(
            max_workers=n_jobs,
            mp_context=ctx,
            initializer=_worker_init,
            initargs=(os.getpid(), max(1, _cpu_count() // n_jobs), stop, started),
        ) as pool:
            pending: dict[Future[_JobResult], tuple[MapSpec, dict[str, Any], int]] = {}
            try:
                unsent: list[tuple[MapSpec, dict[str, Any]]] = []
                for slot, (spec, meta) in enumerate(todo):
                    if unsent:
                        unsent.append((spec, meta))
                        continue
                    job = _Job(spec, self.out, self.asset_dir, self.renderer, slot)
                    try:
                        pending[pool.submit(_run_job, job)] = (spec, meta, slot)
                    except BrokenProcessPool:  # a worker died while jobs were being sent
                        unsent.append((spec, meta))
                for spec, meta in unsent:
                    yield spec, meta, None, False
                if bar is not None:  # the workers are forked by now: the bar after
                    for spec, _meta, _slot in pending.values():
                        bar.start(spec)
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in sorted(done, key=lambda f: pending[f][0].name):
                        spec, meta, slot = pending.pop(fut)
                        res: _JobResult | None
                        try:
                            res = fut.result()
                        except BrokenProcessPool:
                            res = None
                        except Exception as exc:  # e.g. a result that could not be pickled
                            res = _JobResult(spec.name, error=_message(spec.path, exc))
                        yield spec, meta, res, bool(started[slot])
            except BaseException:
                # The pool's workers: the children that were not there before it.
                workers = [c for c in multiprocessing.active_children() if c.pid not in others]
                _stop_workers(stop, workers)
                pool.shutdown(wait=True, cancel_futures=True)
                for fut in pending:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        fut.result().discard()
                raise

    def _held(self, names: set[str]) -> dict[str, str]:
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

    def _mark_failed(self, name: str, path: Path, error: str) -> None:
        """Keep a failed spec's previous files, but record in its entry that it failed."""
        entry = self.state["maps"].get(name)
        if entry is not None and entry.get("spec_file") == str(path.resolve()):
            entry["status"] = "failed"
            entry["error"] = error
        elif entry is None:
            # Never built: an entry with the error and no files, so the manifest
            # still shows every spec of the folder and why this one has no page.
            try:
                spec_info = {"path": path.name, **_hash_bytes(path.read_bytes())}
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

    def _owned_by_others(self, name: str) -> set[str]:
        """Files the state lists for specs other than ``name``."""
        return {
            rel
            for other, entry in self.state["maps"].items()
            if other != name
            for rel in (*entry.get("outputs", {}), *entry.get("shared", {}))
        }

    def _commit(self, spec: MapSpec, meta: dict[str, Any], res: _JobResult) -> SpecResult:
        # The files and the manifest change together: Ctrl-C waits until both are done.
        with _interrupts_deferred():
            return self._commit_now(spec, meta, res)

    def _commit_now(self, spec: MapSpec, meta: dict[str, Any], res: _JobResult) -> SpecResult:
        if res.error is not None:
            res.discard()
            self._mark_failed(spec.name, spec.path, res.error)
            self._write()
            return SpecResult(spec.name, meta["label"], "failed", error=res.error)
        for rel, tmp in sorted(res.staged.items()):
            publish(tmp, self.out / rel)
        old = self.state["maps"].get(spec.name, {})
        cache = self.state.setdefault("hashes", {})
        for rel, info in {**res.outputs, **res.shared}.items():
            with contextlib.suppress(OSError):
                p = (self.out / rel).resolve()
                st = p.stat()
                if st.st_size == info["size"]:
                    stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
                    cache[str(p)] = {"stat": stamp, "sha256": info["sha256"]}
        # Outputs this spec no longer writes go, unless another spec writes them now
        # (claimed in this run) or the state lists them for another spec.
        others = self._owned_by_others(spec.name)
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
            "spec": {"path": spec.path.name, **_hash_bytes(meta["raw"])},
            "inputs": meta["inputs"],
            "data": _datasets_used(spec),
            "outputs": res.outputs,
            "shared": res.shared,
            "rejected": res.rejected,
        }
        self._write()
        return SpecResult(
            spec.name, meta["label"], "built", outputs=sorted(res.outputs), rejected=res.rejected
        )

    def _remove_partials(self, claimed: dict[str, str]) -> None:
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

    def _prune(self) -> None:
        """Forget specs whose file is gone, and delete the outputs they wrote."""
        for name in sorted(self.state["maps"]):
            entry = self.state["maps"][name]
            spec_file = entry.get("spec_file")
            if spec_file and not Path(spec_file).exists():
                del self.state["maps"][name]
                still = {r for e in self.state["maps"].values() for r in e.get("shared", {})}
                still |= self._owned_by_others(name) | set(self.claimed)
                for rel in [*entry.get("outputs", {}), *entry.get("shared", {})]:
                    if rel not in still:
                        with contextlib.suppress(FileNotFoundError):
                            (self.out / rel).unlink()

    def _write(self) -> None:
        hashes = self.state.get("hashes", {})
        self.state["hashes"] = {k: v for k, v in hashes.items() if Path(k).exists()}
        self.state["code"] = self.code
        self.state["assets"] = self.assets
        _write_if_changed(self.out / STATE_NAME, _canonical(self.state, indent=1) + "\n")
        _write_if_changed(self.out / MANIFEST_NAME, _canonical(self.manifest(), indent=2) + "\n")

    def manifest(self) -> dict[str, Any]:
        maps: dict[str, Any] = {}
        outputs: dict[str, Any] = {}
        for name, entry in self.state["maps"].items():
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
            "assets": self.assets,
            "data": self.data_files,
            "maps": maps,
            "outputs": outputs,
        }
        if self.timestamp:
            doc["built_at"] = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return doc


# -- the worker ----------------------------------------------------------------------------
def _run_job(job: _Job) -> _JobResult:
    """Build one spec (in a worker process, or in this one when jobs == 1)."""
    from geoconflict.build.pipeline import load_events, render_page

    spec = job.spec
    result = _JobResult(spec.name)
    if _STARTED is not None and job.slot is not None:
        _STARTED[job.slot] = 1
    try:
        _check_stop()
        loaded = load_events(spec)
        render = job.renderer or render_page
        page = render(spec, loaded.events, asset_dir=job.asset_dir)
        html = getattr(page, "html", page)
        if not isinstance(html, str):
            raise TypeError(f"the renderer returned {type(page).__name__}, not a page")
        loaded.add_skipped(getattr(page, "skipped", None))
        html_bytes = html.encode("utf-8")
        # Local assets first: the PNG step opens the page, which needs them.
        shared = _local_assets(job) if spec.assets == "local" else {}
        # Every output goes to a temporary file beside its target; the parent
        # renames them into place when it commits the result (with the manifest).
        assert spec.html is not None
        result.staged[spec.html] = str(tmp_html := stage(job.out_dir / spec.html))
        tmp_html.write_bytes(html_bytes)
        outputs: dict[str, dict[str, Any]] = {spec.html: _hash_bytes(html_bytes)}
        if spec.png is not None:
            result.staged[spec.png.path] = str(tmp_png := stage(job.out_dir / spec.png.path))
            _render_png(tmp_html, tmp_png, spec)
            outputs[spec.png.path] = _hash_file(tmp_png)
        if loaded.rejected:
            rel = f"{spec.name}.rejects.csv"
            data = loaded.rejects.to_csv(index=False, lineterminator="\n").encode("utf-8")
            result.staged[rel] = str(tmp_rej := stage(job.out_dir / rel))
            tmp_rej.write_bytes(data)
            outputs[rel] = _hash_bytes(data)
        _check_stop()
        result.outputs, result.shared, result.rejected = outputs, shared, loaded.rejected
        return result
    except BaseException as exc:
        result.discard()
        if not isinstance(exc, Exception):  # Ctrl-C, or the build stopping this worker
            raise
        if os.environ.get("GEOCONFLICT_DEBUG"):
            traceback.print_exc()
        return _JobResult(spec.name, error=_message(spec.path, exc))


def _local_assets(job: _Job) -> dict[str, dict[str, Any]]:
    """Write the pinned assets beside the pages (``assets="local"``); shared by all specs."""
    from geoconflict.render.assets import write_local_assets

    assert job.spec.html is not None
    written = write_local_assets((job.out_dir / job.spec.html).parent, asset_dir=job.asset_dir)
    return {p.relative_to(job.out_dir).as_posix(): _hash_file(p) for p in sorted(written)}


def _render_png(tmp_html: Path, tmp_png: Path, spec: MapSpec) -> None:
    """Screenshot the page; Chromium needs a ``.html`` name, so use a hidden sibling copy."""
    import shutil

    from geoconflict.build.png import screenshot

    assert spec.png is not None
    page = tmp_html.with_name(tmp_html.name + ".html")  # ".x.html.abc.part.html"
    try:
        shutil.copyfile(tmp_html, page)
        screenshot(
            page, tmp_png, width=spec.png.width, height=spec.png.height, scale=spec.png.scale
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            page.unlink()


# -- helpers -------------------------------------------------------------------------------
def _failed(spec: MapSpec, why: str) -> _JobResult:
    """The result of a spec that could not be built, for a reason the build itself found."""
    return _JobResult(spec.name, error=f"{spec.path}: {why}")


def _second(counts: dict[str, int], name: str) -> bool:
    """Count one more strike against ``name``; True from the second on."""
    counts[name] = counts.get(name, 0) + 1
    return counts[name] >= 2


def _picklable(obj: Any) -> bool:
    """Whether ``obj`` survives the trip to a worker process (pickled, then unpickled)."""
    import pickle

    try:
        pickle.loads(pickle.dumps(obj))
    except Exception:
        return False
    return True


def _message(path: Path, exc: BaseException) -> str:
    if isinstance(exc, SpecError):
        return str(exc)
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, GeoconflictError):
        return f"{path}: {text}"
    return f"{path}: {type(exc).__name__}: {text}"


class _Progress:
    """A tqdm bar (``progress=True``), one line per event (``"log"``), or nothing."""

    def __init__(self, total: int, mode: bool | str) -> None:
        self.log = mode == "log"
        self.total = total
        self.wanted = mode is True
        self.bar: Any = None

    def start(self, spec: MapSpec) -> None:
        # The tqdm bar (and its monitor thread) is made on first use: after the
        # build has forked its workers, never before.
        if self.wanted and self.bar is None:
            from tqdm import tqdm

            # No monitor thread: a build may still fork (a retry pool) with the bar shown.
            tqdm.monitor_interval = 0
            self.bar = tqdm(
                total=self.total, desc="building", unit="map", file=sys.stderr, disable=None
            )
        if self.log:
            print(f"building {spec.name}", file=sys.stderr, flush=True)

    def done(self, spec: MapSpec, res: _JobResult) -> None:
        if self.log:
            status = "built" if res.error is None else "failed"
            print(f"{status} {spec.name}", file=sys.stderr, flush=True)
        if self.bar is not None:
            self.bar.set_postfix_str(spec.name, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


#: In a worker: the build's stop flag (see :func:`_worker_init`); None in the parent.
_STOP: Any = None
#: In a worker: the pool's "job started" flags (see ``_Build._pool``).
_STARTED: Any = None


def _worker_init(parent: int, threads: int, stop: Any, started: Any = None) -> None:
    """In each worker: die with the parent, stop on Ctrl-C, share the cores.

    A worker that outlived a killed build would waste the machine; ``PR_SET_PDEATHSIG``
    stops that. (Workers never rename outputs into place: the parent does.)
    """
    import signal

    global _STOP, _STARTED
    _STOP, _STARTED = stop, started
    try:
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        # Ctrl-C reaches the whole process group: a worker stops quietly (a job in
        # progress still removes its temporary files on the way out).
        signal.signal(signal.SIGINT, _stop_quietly)
        _check_stop()
        with contextlib.suppress(Exception):
            import pyarrow

            pyarrow.set_cpu_count(threads)
    except SystemExit:  # stopped before the first job: leave without a traceback
        os._exit(130)


def _stop_quietly(signum: int, frame: Any) -> None:
    import signal

    signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise SystemExit(128 + signum)


def _check_stop() -> None:
    """In a worker: leave (without committing anything) once the build is stopping."""
    if _STOP is not None and _STOP.is_set():
        raise SystemExit(130)


def _stop_workers(stop: Any, workers: Iterable[Any]) -> None:
    """Tell the build's workers to stop now: set the flag, then interrupt each one."""
    import signal

    stop.set()
    for child in workers:
        if child.pid:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGINT)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back while the block runs, and act on it afterwards.

    Python runs signal handlers in the main thread only, so elsewhere (a build
    started from a thread) the block runs as is.
    """
    import signal
    import threading

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


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _mp_context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _preload() -> None:
    """Import the heavy stages once in the parent, so forked workers start warm."""
    for name in (
        "geopandas",
        "geoconflict.build.pipeline",
        "geoconflict.render.make",
        "geoconflict.render.page",
    ):
        with contextlib.suppress(ImportError):
            __import__(name)


def _cost(inputs: list[dict[str, Any]]) -> int:
    total = 0
    for row in inputs:
        total += int(row.get("size", 0)) + 200 * int(row.get("synthetic", 0))
    return total


@contextlib.contextmanager
def _lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output folder (POSIX ``flock``; none elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(out / _LOCK_NAME, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GeoconflictError(f"{out}: another build is writing to this folder") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` atomically unless the file already holds exactly it."""
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return
    write_text(path, text)


def _read_state(path: Path) -> dict[str, Any]:
    empty: dict[str, Any] = {"version": _STATE_VERSION, "maps": {}}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except (OSError, ValueError):
        print(f"{path}: unreadable build state, rebuilding everything", file=sys.stderr)
        return empty
    if not isinstance(doc, dict) or doc.get("version") != _STATE_VERSION:
        return empty
    if not isinstance(doc.get("maps"), dict):
        return empty
    return doc


def _canonical(doc: Any, indent: int | None = None) -> str:
    return json.dumps(doc, sort_keys=True, indent=indent, ensure_ascii=False, allow_nan=False)


def _hash_bytes(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _hash_file(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return {"sha256": h.hexdigest(), "size": size}


def _hash_tree(folder: Path) -> dict[str, Any]:
    """sha256 over a folder's files (names and contents), e.g. partitioned GeoParquet."""
    h = hashlib.sha256()
    size = 0
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            info = _hash_file(p)
            h.update(f"{p.relative_to(folder).as_posix()}\0{info['sha256']}\0".encode())
            size += info["size"]
    return {"sha256": h.hexdigest(), "size": size}


def _shipped_data_files() -> dict[str, dict[str, Any]]:
    """Every shipped data file (relative name -> sha256, size): all are build inputs."""
    root = _data_root()
    if root is None:
        return {}
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts:
            out[p.relative_to(root).as_posix()] = _hash_file(p)
    return out


def _data_root() -> Path | None:
    """The shipped data folder: ``geoconflict/data`` in a wheel, ``data/`` in a checkout.

    Found the way :mod:`geoconflict.datasets` finds it, without importing pandas.
    """
    pkg = Path(__file__).resolve().parent.parent
    for candidate in (pkg / "data", pkg.parent / "data"):
        if candidate.is_dir():
            return candidate
    return None


def _datasets_used(spec: MapSpec) -> list[str]:
    """The shipped data files a spec's page draws on (recorded in the manifest)."""
    import importlib

    used = {"places"} if spec.layers.get("places") or spec.layers.get("protected") else set()
    if not spec.inputs:
        used.add("incidents")
    used.update(i.dataset for i in spec.inputs if i.kind == "dataset" and i.dataset)
    if spec.areas != "none":
        used.add("areas")
    used.update({"rivers", "territory"})
    if spec.basemap == "none":
        used.add("context")
    if spec.chart == "weapons":
        used.add("weapons_monthly")
    files = set()
    for name in used:
        try:
            datasets = importlib.import_module("geoconflict.datasets")
            files.add(Path(datasets.path(name)).name)
        except Exception:
            files.add(name)
    return sorted(files)


def _asset_pins() -> dict[str, Any]:
    """The pinned page assets (npm package -> version, integrity), from the renderer."""
    import importlib

    try:
        assets = importlib.import_module("geoconflict.render.assets")
        records = list(assets.page_assets())
    except (ImportError, AttributeError):
        return {}
    pins: dict[str, Any] = {}
    for row in records:
        entry = pins.setdefault(
            str(row["package"]),
            {"version": row["version"], "integrity": row["integrity"], "files": []},
        )
        entry["files"] = sorted({*entry["files"], str(row["path"])})
    return pins


def _code_digest() -> str:
    """sha256 over the toolkit's own source and page files: code changes rebuild pages."""
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.suffix not in {".py", ".js", ".css", ".j2", ".html", ".json"} or not p.is_file():
            continue
        rel = p.relative_to(pkg).as_posix()
        if rel.startswith("data/") or "__pycache__" in rel:
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
