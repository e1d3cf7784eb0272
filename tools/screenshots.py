"""Screenshots of the shipped map pages for the docs, at a desktop and a phone size.

Builds each spec of ``maps/*.toml`` with the vector context basemap (``basemap = "none"``:
nothing is fetched, so the pictures come out the same on any machine), opens it in
headless Chromium (Debian's ``chromium`` through Playwright) at 1400×900 and 390×844, and
writes ``docs/_static/screenshots/<spec>-desktop.png`` and ``<spec>-phone.png``.

Run from the repository root::

    python tools/screenshots.py [--out docs/_static/screenshots] [--node-modules node_modules]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}


def build_pages(out: Path, node_modules: Path) -> dict[str, Path]:
    """Each shipped spec rendered offline into ``out``: ``{spec name: html path}``."""
    sys.path.insert(0, str(ROOT))
    from geoconflict.build import pipeline
    from geoconflict.build.spec import load_spec

    pages = {}
    for path in sorted((ROOT / "maps").glob("*.toml")):
        spec = dataclasses.replace(load_spec(path), basemap="none")
        loaded = pipeline.load_events(spec)
        page = pipeline.render_page(spec, loaded.events, asset_dir=str(node_modules))
        target = out / f"{path.stem}.html"
        target.write_text(page.html, encoding="utf-8")
        pages[path.stem] = target
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_static" / "screenshots")
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from geoconflict.build.png import CHROMIUM_ARGS  # the package's own flags

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        pages = build_pages(Path(tmp), args.node_modules)
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for name, html in pages.items():
                for size, (w, h) in SIZES.items():
                    context = browser.new_context(viewport={"width": w, "height": h})
                    context.route(
                        "**/*",
                        lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                    )
                    page = context.new_page()
                    page.goto(html.as_uri())
                    page.wait_for_function("window.geoconflictReady === true")
                    page.wait_for_timeout(300)
                    shot = args.out / f"{name}-{size}.png"
                    page.screenshot(path=str(shot))
                    print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)
                    context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
