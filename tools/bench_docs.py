"""Run the benchmarks and keep what they print, for the docs' benchmarks page.

Each ``benchmarks/bench_<name>.py`` runs in a fresh process, one after another (never
two at once: they measure time and memory), on this checkout (``PYTHONPATH`` puts it
first). What it prints on stdout goes to ``docs/benchmarks/<name>.txt`` under a header
saying how it was run: the command, when, on how many CPUs at what load, how long it
took, and how it ended. Nothing is edited by hand; ``docs/benchmarks.md`` includes the
files as they are.

    nice python tools/bench_docs.py                    # every benchmark, default sizes
    nice python tools/bench_docs.py --only grid areas  # some of them
    nice python tools/bench_docs.py --quick --only scale

``--quick`` runs the smaller size each script's own docstring gives for a quick look
(listed in ``QUICK``); the header shows the arguments. A benchmark that runs past
``--timeout`` seconds is stopped, and its file says so, with what it had printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
OUT = ROOT / "docs" / "benchmarks"

#: The quicker sizes the scripts' docstrings document (``--quick``).
QUICK: dict[str, list[str]] = {
    "areas": ["--n", "200000", "--repeat", "3"],
    "build": ["--events", "20000", "--specs", "4"],
    "grid": ["--n", "200000"],
    "link": ["--left", "20000", "--right", "200000"],
    "map": ["--sizes", "10000", "100000"],
    "page_build": ["--sizes", "100000", "--repeat", "1"],
    "png": ["--events", "20000", "--specs", "4"],
    "read": ["--rows", "200000"],
    "scale": ["--n", "4000000"],
    "video": ["--size", "640x360"],
}


def benchmark_names() -> list[str]:
    """The benchmarks in ``benchmarks/``, by name (``bench_grid.py`` is ``grid``)."""
    return sorted(p.stem.removeprefix("bench_") for p in BENCHMARKS.glob("bench_*.py"))


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def run_one(script: Path, args: list[str], timeout_s: float) -> str:
    """Run one benchmark script; the text of its docs file (header, then its stdout)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    started = dt.datetime.now(dt.UTC)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, str(script), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,  # so a stop reaches the benchmark's own children
        )
        try:
            code: int | None = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            code = None
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        printed, errors = out.read(), err.read()
    command = " ".join(["python", f"{script.parent.name}/{script.name}", *args])
    header = [
        f"$ {command}",
        f"# run {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs (load average"
        f" {load:.1f} at the start), Python {platform.python_version()},"
        f" geoconflict at {_git_commit()}; took {seconds:.0f} s",
    ]
    lines = [*header, "", printed.rstrip("\n")]
    if code is None:
        lines += [
            "",
            f"# stopped after {timeout_s:.0f} s: it did not finish (its output so far is above)",
        ]
    elif code != 0:
        tail = errors.strip().splitlines()[-8:]
        lines += ["", f"# exited with status {code}; the end of its stderr:"]
        lines += [f"#   {line}" for line in tail]
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it (never half written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these benchmarks only")
    parser.add_argument(
        "--quick", action="store_true", help="the smaller sizes of QUICK instead of the defaults"
    )
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before a benchmark is stopped"
    )
    args = parser.parse_args(argv)
    names = benchmark_names()
    unknown = sorted(set(args.only or ()) - set(names))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (there are: {', '.join(names)})")
    failed = 0
    for name in args.only or names:
        extra = QUICK.get(name, []) if args.quick else []
        print(f"bench_{name}.py {' '.join(extra)}".rstrip() + " ...", flush=True)
        text = run_one(BENCHMARKS / f"bench_{name}.py", extra, args.timeout)
        write(OUT / f"{name}.txt", text)
        failed += "\n# stopped after" in text or "\n# exited with status" in text
        print(f"  -> {(OUT / f'{name}.txt').relative_to(ROOT)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
