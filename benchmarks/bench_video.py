"""Benchmark video output: seconds per frame and per video for the shipped specs.

Copies ``maps/*.toml`` with ``basemap = "none"`` (no tiles: nothing leaves the
machine, and the frames are the same from run to run) and an ``[outputs.video]``
of ``WIDTHxHEIGHT`` at 4 frames per second, then:

1. records each spec's video in this process (one Chromium, reused): frames,
   seconds for the video, seconds per frame;
2. builds all of them with the real command in a fresh process, ``--jobs 1`` and
   ``--jobs 2``, and prints the ratio.

Needs Debian's ``chromium``, Playwright and ffmpeg (``ffmpeg`` on the PATH or
``pip install imageio-ffmpeg``). Run it alone, under ``nice``:

    nice python benchmarks/bench_video.py
    nice python benchmarks/bench_video.py --size 640x360 --format mp4
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import build

ROOT = Path(__file__).resolve().parent.parent


def write_specs(folder: Path, width: int, height: int, fmt: str) -> Path:
    """The shipped specs, offline, each with a video output."""
    maps = folder / "maps"
    maps.mkdir()
    for spec in sorted((ROOT / "maps").glob("*.toml")):
        text = re.sub(r'(?m)^basemap = ".*"$', 'basemap = "none"', spec.read_text("utf-8"))
        video = (
            f'video = {{file = "{spec.stem}.{fmt}", fps = 4, width = {width}, height = {height}}}'
        )
        if "\n[outputs]\n" in text:
            text = text.replace("\n[outputs]\n", f"\n[outputs]\n{video}\n", 1)
        else:
            text += f"\n[outputs]\n{video}\n"
        (maps / spec.name).write_text(text, encoding="utf-8")
    return maps


def record_each(maps: Path, pages: Path, width: int, height: int, fmt: str) -> None:
    """Record every spec's video in this process; print frames and seconds."""
    from geoconflict.build.spec import load_spec
    from geoconflict.build.video import record_video

    total_frames = 0
    total_s = 0.0
    for spec_path in sorted(maps.glob("*.toml")):
        spec = load_spec(spec_path)
        assert spec.html is not None
        t0 = time.perf_counter()
        result = record_video(
            pages / spec.html, pages / f"bench.{fmt}", fps=4, width=width, height=height
        )
        seconds = time.perf_counter() - t0
        total_frames += result.frames
        total_s += seconds
        print(
            f"  {spec.name:<28} {result.frames:4d} frames  {seconds:6.1f} s"
            f"  {seconds / result.frames:5.2f} s/frame"
        )
    print(
        f"  {'all':<28} {total_frames:4d} frames  {total_s:6.1f} s"
        f"  {total_s / total_frames:5.2f} s/frame"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT (even numbers)")
    parser.add_argument("--format", default="webm", choices=("webm", "mp4", "gif"))
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        folder = Path(tmp)
        maps = write_specs(folder, width, height, args.format)
        print(f"{len(list(maps.glob('*.toml')))} shipped specs, basemap none, {args.size} video")
        build(maps, folder / "pages", "--jobs", "1", "--no-png")
        print(f"one video at a time, in this process ({args.format}):")
        record_each(maps, folder / "pages", width, height, args.format)
        print("the build with videos:")
        serial = build(maps, folder / "serial", "--jobs", "1")
        parallel = build(maps, folder / "parallel", "--jobs", "2")
    print(f"build with videos: --jobs 1 {serial:.1f} s, --jobs 2 {parallel:.1f} s"
          f" ({serial / parallel:.2f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
