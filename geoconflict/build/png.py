"""Static images of built pages: a screenshot in headless Chromium after ``geoconflict:ready``.

Debian's ``chromium`` is driven through Playwright for Python. The page is opened
from a ``file://`` URL, the viewport is ``width`` x ``height`` CSS pixels at
``device_scale_factor = scale``, and the screenshot is taken once the page has set
``window.geoconflictReady`` and every basemap tile on screen has loaded or failed
(both are page events, never a sleep).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from geoconflict.errors import BrowserError

#: Chromium flags: headless in a container, no background traffic off the machine.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# Resolves when every tile image on the page has loaded or failed (at most 20 s).
_TILES_SETTLED = """
() => new Promise((resolve) => {
  const pending = Array.from(document.querySelectorAll("img.leaflet-tile"))
    .filter((img) => !img.complete);
  if (!pending.length) { resolve(0); return; }
  let left = pending.length;
  const done = () => { left -= 1; if (left === 0) resolve(pending.length); };
  for (const img of pending) {
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
  }
  setTimeout(() => resolve(-left), 20000);
})
"""


def chromium_path() -> str:
    """The Chromium executable to use (Debian's ``chromium`` on the PATH).

    Raises
    ------
    BrowserError
        When no Chromium is installed.

    Examples
    --------
    >>> import shutil
    >>> chromium_path() == shutil.which("chromium") or shutil.which("chromium") is None
    True
    """
    for name in ("chromium", "chromium-browser"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise BrowserError(
        "PNG output needs Chromium: install Debian's chromium (apt-get install chromium)"
        " or build with --no-png"
    )


def screenshot(
    page_path: str | Path,
    png_path: str | Path,
    *,
    width: int,
    height: int,
    scale: float = 1.0,
    timeout_s: float = 60.0,
) -> None:
    """Render an HTML file in headless Chromium and save a PNG of the viewport.

    Parameters
    ----------
    page_path : str or pathlib.Path
        The HTML page (opened as ``file://``).
    png_path : str or pathlib.Path
        Where the PNG goes (the caller makes this atomic).
    width, height : int
        Viewport size in CSS pixels.
    scale : float, default 1.0
        Device scale factor: the PNG is ``width * scale`` x ``height * scale`` pixels.
    timeout_s : float, default 60
        How long to wait for ``geoconflict:ready``.

    Raises
    ------
    BrowserError
        When Playwright or Chromium is missing, or the page never became ready.

    Examples
    --------
    >>> screenshot("missing.html", "x.png", width=10, height=10)
    Traceback (most recent call last):
    ...
    geoconflict.errors.BrowserError: missing.html: no such page to render
    """
    if not Path(page_path).is_file():
        raise BrowserError(f"{page_path}: no such page to render")
    # Playwright's sync API refuses to run inside an asyncio loop (Jupyter, or a
    # caller already driving a browser); a thread of its own has no loop.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_screenshot, page_path, png_path, width, height, scale, timeout_s).result()


def _screenshot(
    page_path: str | Path,
    png_path: str | Path,
    width: int,
    height: int,
    scale: float,
    timeout_s: float,
) -> None:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserError(
            "PNG output needs Playwright for Python: pip install 'geoconflict[browser]'"
            " (or build with --no-png)"
        ) from None
    exe = chromium_path()
    url = Path(page_path).resolve().as_uri()
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=exe, headless=True, args=list(CHROMIUM_ARGS)
            )
            try:
                page = browser.new_page(
                    viewport={"width": width, "height": height}, device_scale_factor=scale
                )
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                page.wait_for_function("window.geoconflictReady === true", timeout=timeout_s * 1000)
                page.evaluate(_TILES_SETTLED)
                page.screenshot(path=str(png_path), type="png", full_page=False)
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        detail = f"; page errors: {errors[:3]}" if errors else ""
        raise BrowserError(f"Chromium could not render {page_path}: {first}{detail}") from None
