"""Benchmark PNG output: one Chromium reused per build process vs one started per image.

Writes the 12 synthetic specs of ``bench_build.py`` (100k events) with a 1200x630
``[outputs.png]`` card each, then:

1. builds them with the real command in a fresh process, ``--jobs 1`` and ``--jobs 2``;
2. takes the 12 screenshots of the built pages in this process twice: with the
   shared session (what the build does) and with a session closed and started
   again for every image (what it did before: Chromium started per image).

Needs Debian's ``chromium`` and Playwright (``pip install -e ".[test]"``).

    python benchmarks/bench_png.py
    python benchmarks/bench_png.py --events 20000 --specs 4
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import build, write_inputs

CARD = "[outputs.png]\nwidth = 1200\nheight = 630\nscale = 1\n"


def shots(pages: list[Path], out: Path, *, fresh: bool) -> float:
    """Seconds for one 1200x630 screenshot of each page (a new Chromium each when fresh)."""
    from geoconflict.build import png

    t0 = time.perf_counter()
    for page in pages:
        if fresh:
            png._session().close()
            png._SESSION = None
        png.screenshot(page, out / (page.stem + ".png"), width=1200, height=630)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--specs", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-png-") as tmp:
        folder = Path(tmp)
        maps = write_inputs(folder, args.events, args.specs)
        for shipped in [p for p in maps.glob("*.toml") if not p.stem.startswith("synthetic")]:
            shipped.unlink()
        for spec in maps.glob("*.toml"):
            spec.write_text(spec.read_text(encoding="utf-8") + CARD, encoding="utf-8")
        print(f"{args.specs} specs over {args.events:,} synthetic events, a PNG card each")
        serial = build(maps, folder / "serial", "--jobs", "1")
        parallel = build(maps, folder / "parallel", "--jobs", "2")
        pages = sorted((folder / "serial").glob("*.html"))
        (folder / "shots").mkdir()
        shared = shots(pages, folder / "shots", fresh=False)
        fresh = shots(pages, folder / "shots", fresh=True)
    print(
        f"build with PNG cards: --jobs 1 {serial:.1f} s, --jobs 2 {parallel:.1f} s"
        f" ({serial / parallel:.2f}x)"
    )
    print(
        f"{len(pages)} screenshots: one Chromium reused {shared:.1f} s, one started per image"
        f" {fresh:.1f} s ({fresh / shared:.2f}x slower)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
