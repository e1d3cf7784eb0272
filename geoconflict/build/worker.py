"""One spec built in a worker process: read, render, stage every output; publish nothing.

Each worker writes its outputs to temporary files beside their targets
(:func:`geoconflict._io.stage`) and hands their names back in a :class:`JobResult`;
only the build's own process renames them into place, so a crash or Ctrl-C never
leaves half a file. The build tells its workers to stop with a shared flag
(:data:`STOP`), checked before and after each job, because a worker can miss a
signal that arrives before it has set its handler.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoconflict._io import stage
from geoconflict.build.fingerprint import hash_bytes, hash_file
from geoconflict.build.pipeline import Reader, Renderer, load_events, render_page
from geoconflict.build.spec import MapSpec, PngSpec, VideoSpec
from geoconflict.errors import GeoconflictError, SpecError

#: In a worker: the build's stop flag (see :func:`worker_init`); None in the parent.
STOP: Any = None
#: In a worker: the pool's "job started" flags (one per job; see ``pool``).
STARTED: Any = None


@dataclass(frozen=True)
class Job:
    """One spec to build, and where (sent to a worker, so picklable)."""

    spec: MapSpec
    out_dir: Path
    asset_dir: str | None
    renderer: Renderer | None
    #: In a pool: this job's flag in the shared "started" array.
    slot: int | None = None
    #: Reads the spec's input files (default: :func:`geoconflict.build.pipeline.read_input`).
    reader: Reader | None = None


@dataclass
class JobResult:
    """What a job made: its staged outputs with their hashes, or the error."""

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


def error_message(path: Path, exc: BaseException) -> str:
    """How a failure is reported: the spec file, and the error (with its type if unexpected).

    Examples
    --------
    >>> error_message(Path("m.toml"), KeyError("x"))
    "m.toml: KeyError: 'x'"
    """
    if isinstance(exc, SpecError):
        return str(exc)
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, GeoconflictError):
        return f"{path}: {text}"
    return f"{path}: {type(exc).__name__}: {text}"


def failed_result(spec: MapSpec, why: str) -> JobResult:
    """The result of a spec that could not be built, for a reason the build itself found."""
    return JobResult(spec.name, error=f"{spec.path}: {why}")


def run_job(job: Job) -> JobResult:
    """Build one spec (in a worker process, or in this one when jobs == 1)."""
    spec = job.spec
    result = JobResult(spec.name)
    if STARTED is not None and job.slot is not None:
        STARTED[job.slot] = 1
    try:
        check_stop()
        loaded = load_events(spec, reader=job.reader)
        render = job.renderer or render_page
        page = render(spec, loaded.events, asset_dir=job.asset_dir)
        html = getattr(page, "html", page)
        if not isinstance(html, str):
            raise TypeError(f"the renderer returned {type(page).__name__}, not a page")
        loaded.add_skipped(getattr(page, "skipped", None))
        html_bytes = html.encode("utf-8")
        # Local assets first: the PNG step opens the page, which needs them.
        shared = local_assets(job) if spec.assets == "local" else {}
        # Every output goes to a temporary file beside its target; the parent
        # renames them into place when it commits the result (with the manifest).
        assert spec.html is not None
        result.staged[spec.html] = str(tmp_html := stage(job.out_dir / spec.html))
        tmp_html.write_bytes(html_bytes)
        outputs: dict[str, dict[str, Any]] = {spec.html: hash_bytes(html_bytes)}
        if spec.cards or spec.video:
            outputs.update(browser_outputs(tmp_html, spec, job.out_dir, result.staged))
        if loaded.rejected:
            rel = f"{spec.name}.rejects.csv"
            data = loaded.rejects.to_csv(index=False, lineterminator="\n").encode("utf-8")
            result.staged[rel] = str(tmp_rej := stage(job.out_dir / rel))
            tmp_rej.write_bytes(data)
            outputs[rel] = hash_bytes(data)
        check_stop()
        result.outputs, result.shared, result.rejected = outputs, shared, loaded.rejected
        return result
    except BaseException as exc:
        result.discard()
        if not isinstance(exc, Exception):  # Ctrl-C, or the build stopping this worker
            raise
        if os.environ.get("GEOCONFLICT_DEBUG"):
            traceback.print_exc()
        return JobResult(spec.name, error=error_message(spec.path, exc))


def local_assets(job: Job) -> dict[str, dict[str, Any]]:
    """Write the pinned assets beside the pages (``assets="local"``); shared by all specs."""
    from geoconflict.render.assets import write_local_assets

    assert job.spec.html is not None
    written = write_local_assets((job.out_dir / job.spec.html).parent, asset_dir=job.asset_dir)
    return {p.relative_to(job.out_dir).as_posix(): hash_file(p) for p in sorted(written)}


def browser_outputs(
    tmp_html: Path, spec: MapSpec, out_dir: Path, staged: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Render the spec's cards and video from its staged page; stage each, return their hashes.

    Chromium needs a ``.html`` name, so the page is opened from a hidden sibling copy.
    Each output is registered in ``staged`` before it is written: a failure part-way
    leaves only temporary files, which the job discards.
    """
    page = tmp_html.with_name(tmp_html.name + ".html")  # ".x.html.abc.part.html"
    outputs: dict[str, dict[str, Any]] = {}
    try:
        shutil.copyfile(tmp_html, page)
        wanted: list[PngSpec | VideoSpec] = [*spec.cards, *([spec.video] if spec.video else [])]
        for output in wanted:
            staged[output.path] = str(tmp := stage(out_dir / output.path))
            render_output(page, tmp, spec, output)
            outputs[output.path] = hash_file(tmp)
            check_stop()
    finally:
        with contextlib.suppress(FileNotFoundError):
            page.unlink()
    return outputs


def render_output(page: Path, tmp: Path, spec: MapSpec, output: PngSpec | VideoSpec) -> None:
    """Write one card (PNG or PDF) or the video of a page to ``tmp``."""
    if isinstance(output, VideoSpec):
        from geoconflict.build.video import record_video

        record_video(
            page,
            tmp,
            fps=output.fps,
            width=output.width,
            height=output.height,
            step=output.step,
            fmt=output.format,
            progress=sys.stderr.isatty(),
            stop=lambda: STOP is not None and STOP.is_set(),
        )
        return
    from geoconflict.build.cards import render_card

    render_card(
        page, tmp, width=output.width, height=output.height, scale=output.scale, date=output.date
    )


def worker_init(parent: int, threads: int, stop: Any, started: Any = None) -> None:
    """In each worker: die with the parent, stop on Ctrl-C, share the cores.

    A worker that outlived a killed build would waste the machine; ``PR_SET_PDEATHSIG``
    stops that. (Workers never rename outputs into place: the parent does.)
    """
    global STOP, STARTED
    STOP, STARTED = stop, started
    try:
        with contextlib.suppress(Exception):  # prctl is Linux-only
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        # Ctrl-C reaches the whole process group: a worker stops quietly (a job in
        # progress still removes its temporary files on the way out).
        signal.signal(signal.SIGINT, stop_quietly)
        check_stop()
        import pyarrow

        pyarrow.set_cpu_count(threads)
    except SystemExit:  # stopped before the first job: leave without a traceback
        os._exit(130)


def stop_quietly(signum: int, frame: Any) -> None:
    """The workers' Ctrl-C handler: leave (the job's clean-up still runs)."""
    signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise SystemExit(128 + signum)


def check_stop() -> None:
    """In a worker: leave (without committing anything) once the build is stopping."""
    if STOP is not None and STOP.is_set():
        raise SystemExit(130)
