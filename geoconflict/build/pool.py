"""Building many specs at once: a process pool that survives its workers dying.

Specs are built biggest inputs first, in a :class:`~concurrent.futures.ProcessPoolExecutor`
of forked workers (or in this process with ``jobs=1``). The renderer's imports run
in a thread while the parent reads the inputs, and an input file that several specs
name is read once, before the workers fork, so they share it.

A worker that dies (killed, out of memory) breaks the pool: the spec it was
building and every other spec in the pool fail with it. Specs that had not started
go round again as they were; a spec whose worker died is built again alone in a
fresh worker, and fails only if it dies again. A pool whose workers die before any
of its specs starts has made no progress: its specs are charged, and fail the
second time; so has a pool of forked workers none of which begins a job within
:data:`START_GRACE` (they hang, as in a fork handler): they are killed. On Ctrl-C
the workers are told to stop, interrupted and waited for, and what they staged is
deleted.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeAlias

from geoconflict.build import worker
from geoconflict.build.fingerprint import shipped_tables
from geoconflict.build.pipeline import (
    Reader,
    file_inputs,
    input_cache,
    preread,
    shared_bytes,
    shared_inputs,
)
from geoconflict.build.spec import MapSpec
from geoconflict.build.worker import Job, JobResult, error_message, failed_result

if TYPE_CHECKING:
    from concurrent.futures import Future

    # Type aliases (for annotations only; postponed by ``from __future__ import annotations``):
    # a spec to build with what the build knows about it (fingerprint, inputs, ...), and
    # what the pool yields for each spec: the spec, its meta and its result.
    Todo: TypeAlias = list[tuple[MapSpec, dict[str, Any]]]
    Done: TypeAlias = tuple[MapSpec, dict[str, Any], JobResult]

#: ``make_job(spec, slot)``: the job that builds a spec.
MakeJob: TypeAlias = Callable[[MapSpec, "int | None"], Job]

#: What a page-rendering process imports: once in the parent, so forked workers start
#: warm. Besides the renderer, the modules its layers import on first use (the readers,
#: Arrow, the vector-file reader, the MGRS grid), so the list is the whole cost.
PRELOAD = (
    "geopandas",
    "pyarrow",
    "pyogrio",
    "geoconflict.sources",
    "geoconflict.grid",
    "geoconflict.build.pipeline",
    "geoconflict.render.make",
    "geoconflict.render.page",
)


#: A parallel build forks one worker before anything else, to build the specs that share
#: no input file while this process reads the shared ones, only when those files come
#: to at least this many bytes (a read of a second or more here). A smaller read
#: overlaps this process's imports, and that early worker would only have imported the
#: renderer a second time, on the core the read and the imports were sharing.
AHEAD_BYTES = 64 * 2**20

#: Seconds a pool's worker may take to leave once every result is in; then it is killed.
#: A worker has nothing left to do then, but one can be stuck for good: a library's
#: fork handler can wait on a lock that another thread held when the worker forked
#: (seen once: PROJ's handler, in the GDAL that pyogrio bundles, on SQLite's memory
#: lock), and the pool would wait for it forever, after the build's work was done.
SHUTDOWN_GRACE = 10.0

#: Seconds a pool's workers have to begin a first job; if none has by then, every
#: worker is taken as stuck (in a fork handler, as above) and killed, and the pool's
#: specs go round again in a fresh pool (a pool that starts nothing twice fails them).
#: A forked worker normally begins its first job within milliseconds.
START_GRACE = 60.0


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def mp_context() -> Any:
    """Fork where there is fork (workers inherit what the parent read), else spawn."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def preload(specs: Iterable[MapSpec] | None = None) -> None:
    """Import the heavy stages once in the parent, so forked workers start warm.

    Given ``specs`` (the specs workers forked after this will build), also load the
    shipped tables they draw on (each is read once per process and cached) and the
    page's own script: the workers inherit them instead of each reading them again.
    """
    for name in PRELOAD:
        importlib.import_module(name)
    if specs is None:  # nothing will fork: this process reads them when it needs them
        return
    from geoconflict import areas, datasets
    from geoconflict.render.page import own_tags

    # Every page draws the vector context (the fallback when tiles cannot load).
    names = set().union({"context"}, *(shipped_tables(spec) for spec in specs))
    # A table that cannot be read is reported by each spec that needs it, not here.
    with contextlib.suppress(Exception):
        for name in sorted(names):
            datasets.load(name)
        if "areas" in names:
            areas.load()
        own_tags()


def cost(inputs: list[dict[str, Any]]) -> int:
    """A spec's expected work: the bytes of its input files, and its synthetic events."""
    return sum(int(row.get("size", 0)) + 200 * int(row.get("synthetic", 0)) for row in inputs)


def picklable(obj: Any) -> bool:
    """Whether ``obj`` survives the trip to a worker process (pickled, then unpickled)."""
    try:
        pickle.loads(pickle.dumps(obj))
    except Exception:
        return False
    return True


def second(counts: dict[str, int], name: str) -> bool:
    """Count one more strike against ``name``; True from the second on."""
    counts[name] = counts.get(name, 0) + 1
    return counts[name] >= 2


def stop_workers(stop: Any, workers: Iterable[Any]) -> None:
    """Tell the build's workers to stop now: set the flag, then interrupt each one."""
    stop.set()
    for child in workers:
        if child.pid:
            with contextlib.suppress(OSError):
                os.kill(child.pid, signal.SIGINT)


class Progress:
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

    def done(self, spec: MapSpec, res: JobResult) -> None:
        if self.log:
            status = "built" if res.error is None else "failed"
            print(f"{status} {spec.name}", file=sys.stderr, flush=True)
        if self.bar is not None:
            self.bar.set_postfix_str(spec.name, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def execute(
    todo: Todo,
    jobs: int | None,
    progress: bool | str,
    make_job: MakeJob,
    renderer: Any,
    reader: Reader | None = None,
) -> Iterator[Done]:
    """Build ``todo``; yield each spec's result as it comes (the caller commits it).

    ``renderer`` and ``reader`` are the jobs' renderer and input reader, checked
    before they are sent to workers.
    """
    # Specs that share an input file read it once per build (not once per spec).
    with input_cache([spec for spec, _meta in todo]):
        yield from _schedule(todo, jobs, progress, make_job, (renderer, reader))


def independent(todo: Todo) -> tuple[Todo, Todo]:
    """Split ``todo`` into the specs that share no input file with another, and the rest.

    A parallel build reads the shared files before it forks the workers that
    need them; the others can be built meanwhile.
    """
    shared = shared_inputs([spec for spec, _meta in todo])
    alone: Todo = []
    rest: Todo = []
    for spec, meta in todo:
        keys = {key for key, _spec, _i in file_inputs([spec])}
        (rest if keys & shared.keys() else alone).append((spec, meta))
    return alone, rest


def fork_ahead(alone: Todo, rest: Todo) -> bool:
    """Whether a parallel build forks a worker for ``alone`` before it reads the files
    ``rest`` shares: when there are both, and those files come to :data:`AHEAD_BYTES`.

    Parameters
    ----------
    alone, rest : list of (MapSpec, dict)
        The specs that share no input file with another, and the others
        (:func:`independent`), each with what the build knows of it.

    Returns
    -------
    bool
        True to fork the early worker.

    Examples
    --------
    >>> fork_ahead([], [])
    False
    """
    if not alone or not rest:
        return False
    return shared_bytes(spec for spec, _meta in rest) >= AHEAD_BYTES


def _schedule(
    todo: Todo, jobs: int | None, progress: bool | str, make_job: MakeJob, sent: tuple[Any, ...]
) -> Iterator[Done]:
    # Largest inputs first, so the last job to start is a short one.
    todo = sorted(todo, key=lambda t: (-cost(t[1]["inputs"]), t[0].name))
    n_jobs = max(1, min(jobs or cpu_count(), len(todo)))
    ctx = mp_context() if n_jobs > 1 else None
    forked = ctx is not None and ctx.get_start_method() == "fork"
    alone, rest = independent(todo) if forked else ([], todo)
    if not picklable(sent):
        alone, rest = [], todo  # reported below, before anything forks
    ahead = None
    if fork_ahead(alone, rest):
        # One worker, forked before anything else runs here, builds the specs that
        # share no input while this process reads the shared ones (one core each).
        ahead = start_pool(ctx, alone, 1, make_job)
    else:
        rest = todo
    # The renderer's imports (folium, branca, Jinja templates) run in a thread
    # while this one reads the inputs: Arrow, numpy and GEOS release the GIL.
    warm = threading.Thread(
        target=preload,
        args=([spec for spec, _meta in todo] if ctx is not None else None,),
        name="geoconflict-imports",
        daemon=True,
    )
    warm.start()
    bar = Progress(len(todo), progress if n_jobs == 1 else False)
    try:
        if ctx is None:
            for spec, meta in todo:
                bar.start(spec)
                res = worker.run_job(make_job(spec, None))
                yield spec, meta, res
                bar.done(spec, res)  # after the caller committed it
            return
        if forked:
            # An input that several specs share is read once, here, and the
            # forked workers start with it (the serial build reads it once too).
            preread([spec for spec, _meta in rest], reader=sent[1])
        # Forked workers start warm; and no thread may be importing while we fork.
        warm.join()
        bar = Progress(len(todo), progress)  # made after the first fork
        unsendable = [
            n for n, f in zip(("renderer", "reader"), sent, strict=True) if not picklable(f)
        ]
        if unsendable:
            for spec, meta in todo:
                failed = failed_result(
                    spec,
                    f"the {' and the '.join(unsendable)} cannot be sent to worker processes"
                    " (it does not survive pickling); build with jobs=1",
                )
                yield spec, meta, failed
                bar.done(spec, failed)
            return
        main = start_pool(ctx, rest, n_jobs, make_job)
        if ahead is not None:
            for spec, _meta in alone:
                bar.start(spec)
            first, ahead = ahead, None
            try:
                yield from _rounds(ctx, alone, 1, bar, make_job, first)
            except BaseException:
                main.abort()
                raise
        yield from _rounds(ctx, rest, n_jobs, bar, make_job, main)
    finally:
        if ahead is not None:  # stopped before its results were collected
            ahead.abort()
        warm.join()
        bar.close()


def _rounds(
    ctx: Any, todo: Todo, n_jobs: int, bar: Progress, make_job: MakeJob, first: Pool | None = None
) -> Iterator[Done]:
    """Pools, one after another, until every spec is built or has failed twice.

    ``first``: the first round's pool, already started (:func:`start_pool`).
    """
    deaths: dict[str, int] = {}  # specs whose worker died
    stalls: dict[str, int] = {}  # specs in a pool that died before starting any
    rounds: list[tuple[Todo, int]] = [(todo, n_jobs)]
    while rounds:
        queue, width = rounds.pop(0)
        again: Todo = []
        alone: Todo = []
        progressed = False
        # (closing(): if the caller stops, the pool is stopped now, not at GC.)
        pool = first if first is not None else start_pool(ctx, queue, width, make_job)
        first = None
        with contextlib.closing(collect(pool, bar)) as built:
            for spec, meta, got, started in built:
                progressed = progressed or started or got is not None
                if got is None and not started:
                    again.append((spec, meta))
                    continue
                if got is None:
                    if not second(deaths, spec.name):
                        alone.append((spec, meta))
                        continue
                    got = failed_result(
                        spec,
                        "the worker process building it died"
                        " (killed by a signal, e.g. when out of memory), twice",
                    )
                yield spec, meta, got
                bar.done(spec, got)  # after the caller committed it
        if again and not progressed:
            stuck = []
            for spec, meta in again:
                if not second(stalls, spec.name):
                    stuck.append((spec, meta))
                    continue
                failed = failed_result(
                    spec,
                    "the worker processes died (or hung) before they could start it, twice",
                )
                yield spec, meta, failed
                bar.done(spec, failed)
            again = stuck
        if again:
            rounds.append((again, max(1, min(n_jobs, len(again)))))
        rounds.extend(([one], 1) for one in sorted(alone, key=lambda t: t[0].name))


class Pool:
    """A started pool: its executor, its jobs in flight and its flags (see :func:`start_pool`)."""

    def __init__(
        self, executor: Any, stop: Any, started: Any, others: set[Any], forked: bool
    ) -> None:
        self.executor = executor
        self.stop = stop
        self.started = started
        self.others = others
        self.pending: dict[Future[JobResult], tuple[MapSpec, dict[str, Any], int]] = {}
        self.unsent: Todo = []
        #: The pool's worker processes, once they forked (see :func:`start_pool`).
        self.workers: list[Any] | None = None
        #: Whether the workers are forked (else spawned): only forked ones can inherit
        #: a lock held at the fork (see :data:`START_GRACE`).
        self.forked = forked

    def own_workers(self) -> list[Any]:
        """The pool's worker processes: as recorded when they forked, else the children
        that were not there before it."""
        import multiprocessing

        if self.workers is not None:
            return self.workers
        return [c for c in multiprocessing.active_children() if c.pid not in self.others]

    def abort(self) -> None:
        """Stop the workers now, wait for them, delete what they staged."""
        stop_workers(self.stop, self.own_workers())
        self.executor.shutdown(wait=True, cancel_futures=True)
        for fut in self.pending:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                fut.result().discard()

    def kill(self) -> None:
        """Kill the pool's workers: its jobs then end with the pool broken."""
        for child in self.own_workers():
            if child.is_alive():
                child.kill()

    def close(self, grace: float | None = None) -> None:
        """Shut the pool down, its results all in: a worker still there after ``grace``
        seconds (default :data:`SHUTDOWN_GRACE`) is killed, so the build never waits
        forever."""
        grace = SHUTDOWN_GRACE if grace is None else grace
        workers = self.own_workers()
        self.executor.shutdown(wait=False)  # each worker is told to leave
        for child in workers:
            child.join(grace)
            if child.is_alive():
                child.kill()
                child.join()
        self.executor.shutdown(wait=True)


def start_pool(ctx: Any, todo: Todo, n_jobs: int, make_job: MakeJob) -> Pool:
    """Fork ``n_jobs`` workers and send them every spec of ``todo`` (see :func:`collect`)."""
    # The pool's modules are imported here: a build with nothing to do never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Set when the build is interrupted: a worker then commits nothing more,
    # even one that missed the Ctrl-C (it came before its handler was set).
    stop = ctx.Event()
    # One flag per job, set by the worker when it begins the job.
    started = ctx.Array("b", len(todo), lock=False)
    others = {c.pid for c in multiprocessing.active_children()}
    executor = ProcessPoolExecutor(
        max_workers=n_jobs,
        mp_context=ctx,
        initializer=worker.worker_init,
        initargs=(os.getpid(), max(1, cpu_count() // n_jobs), stop, started),
    )
    pool = Pool(executor, stop, started, others, ctx.get_start_method() == "fork")
    # The workers fork at the first submit. Frozen, what they inherit is left alone by
    # their garbage collector: a full collection neither walks nor writes to it (so
    # copies none of the parent's memory). This process unfreezes it once they forked.
    gc.freeze()
    try:
        for slot, (spec, meta) in enumerate(todo):
            if pool.unsent:
                pool.unsent.append((spec, meta))
                continue
            try:
                fut = executor.submit(worker.run_job, make_job(spec, slot))
                pool.pending[fut] = (spec, meta, slot)
            except BrokenProcessPool:  # a worker died while jobs were being sent
                pool.unsent.append((spec, meta))
        # Forked at the first submit, all at once: the children that are new now.
        pool.workers = [c for c in multiprocessing.active_children() if c.pid not in others]
    except BaseException:
        pool.abort()
        raise
    finally:
        gc.unfreeze()
    return pool


def collect(
    pool: Pool, bar: Progress | None
) -> Generator[tuple[MapSpec, dict[str, Any], JobResult | None, bool], None, None]:
    """The results of a started pool, as they come.

    Yields ``(spec, meta, result, started)``; ``result`` is None when the pool broke
    (a worker died) before the spec was built, and ``started`` says whether a
    worker had begun it (the one that died, or one killed with it) or not.
    On Ctrl-C (or when the caller stops early) the workers are stopped, waited
    for, and what they staged but nobody will commit is deleted.
    """
    import time
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending = pool.pending
    # Until a forked worker begins a job, the wait is bounded (see START_GRACE; spawned
    # workers import everything afresh, and inherit no lock from a fork).
    deadline = time.monotonic() + START_GRACE if pool.forked else None
    try:
        for spec, meta in pool.unsent:
            yield spec, meta, None, False
        if bar is not None:  # the workers are forked by now: the bar after
            for spec, _meta, _slot in pending.values():
                bar.start(spec)
        while pending:
            if deadline is not None and any(pool.started[:]):
                deadline = None
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            done, _ = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:  # the grace is over: stuck, unless a job began just now
                deadline = None
                if not any(pool.started[:]):
                    pool.kill()
                continue
            for fut in sorted(done, key=lambda f: pending[f][0].name):
                spec, meta, slot = pending.pop(fut)
                res: JobResult | None
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    res = None
                except Exception as exc:  # e.g. a result that could not be pickled
                    res = JobResult(spec.name, error=error_message(spec.path, exc))
                yield spec, meta, res, bool(pool.started[slot])
    except BaseException:
        pool.abort()
        raise
    finally:
        pool.close()


def run_pool(
    ctx: Any, todo: Todo, n_jobs: int, bar: Progress | None, make_job: MakeJob
) -> Generator[tuple[MapSpec, dict[str, Any], JobResult | None, bool], None, None]:
    """Build ``todo`` in a pool of ``n_jobs`` workers (:func:`start_pool`, then :func:`collect`)."""
    return collect(start_pool(ctx, todo, n_jobs, make_job), bar)
