"""Built pages in headless Chromium: opened at a size, worked on after ``geoconflict:ready``.

Debian's ``chromium`` is driven through Playwright for Python. The page is opened
from a ``file://`` URL (with an optional query, e.g. ``?card``), the viewport is
``width`` x ``height`` CSS pixels at ``device_scale_factor = scale``, and the work
(a screenshot, a card, the frames of a video) starts once the page has set
``window.geoconflictReady`` and every basemap tile on screen has loaded or failed
(both are page events, never a sleep). :func:`on_page` is that step; the cards
(:mod:`geoconflict.build.cards`) and the video (:mod:`geoconflict.build.video`)
are built on it.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

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

#: Resolves when every tile image on the page has loaded or failed (at most 20 s).
TILES_SETTLED = """
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

    One Chromium is started per process, on first use, and kept for the next
    screenshots (each gets a fresh browser context: no state is shared between
    pages); it closes when the process exits. A browser that died is started again.

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
    target = str(png_path)
    on_page(
        page_path,
        lambda page: page.screenshot(path=target, type="png", full_page=False),
        width=width,
        height=height,
        scale=scale,
        timeout_s=timeout_s,
    )


def on_page(
    page_path: str | Path,
    work: Any,
    *,
    width: int,
    height: int,
    scale: float = 1.0,
    query: str = "",
    timeout_s: float = 60.0,
) -> Any:
    """Open a page in this process's Chromium, wait until it is ready, and run ``work(page)``.

    ``work`` gets the Playwright page once ``geoconflict:ready`` has fired and the
    tiles on screen have settled; it runs on the browser's own thread, and what it
    returns is returned. The page's browser context is closed afterwards.

    Parameters
    ----------
    page_path : str or pathlib.Path
        The HTML page (opened as ``file://``, plus ``query``).
    work : callable
        ``work(page) -> result``, ``page`` a ``playwright.sync_api.Page``.
    width, height : int
        Viewport size in CSS pixels.
    scale : float, default 1.0
        Device scale factor.
    query : str, default ""
        Appended to the page's URL (``"?card&date=2017-01-24"``).
    timeout_s : float, default 60
        How long to wait for ``geoconflict:ready``.

    Raises
    ------
    BrowserError
        When Playwright or Chromium is missing, the page never became ready, or
        Chromium failed during ``work``.

    Examples
    --------
    >>> on_page("missing.html", print, width=10, height=10)
    Traceback (most recent call last):
    ...
    geoconflict.errors.BrowserError: missing.html: no such page to render
    """
    if not Path(page_path).is_file():
        raise BrowserError(f"{page_path}: no such page to render")
    return _session().run(Path(page_path), work, width, height, scale, query, timeout_s)


class _Session:
    """Playwright and one Chromium, owned by a thread of their own.

    Playwright's sync API refuses to run inside an asyncio loop (Jupyter, or a
    caller already driving a browser) and its objects belong to the thread that
    made them: so every call runs on this session's one thread. It is a daemon
    thread: it never holds the process open.
    """

    def __init__(self) -> None:
        import queue

        self.pid = os.getpid()
        self.jobs: queue.Queue[Any] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="geoconflict-chromium", daemon=True)
        self.thread.start()
        self.playwright: Any = None
        self.browser: Any = None
        #: How many times Chromium was started (1 unless it died and was restarted).
        self.launches = 0

    def _loop(self) -> None:
        while (item := self.jobs.get()) is not None:
            fn, args, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:
                    future.set_exception(exc)

    def _call(self, fn: Any, *args: Any, timeout: float | None = None) -> Any:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        self.jobs.put((fn, args, future))
        return future.result(timeout)

    def run(
        self,
        page: Path,
        work: Any,
        width: int,
        height: int,
        scale: float,
        query: str,
        timeout_s: float,
    ) -> Any:
        return self._call(self._run, page, work, width, height, scale, query, timeout_s)

    def _start(self) -> Any:
        from playwright.sync_api import sync_playwright

        exe = chromium_path()
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self._stop()
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=exe, headless=True, args=list(CHROMIUM_ARGS)
        )
        self.launches += 1
        return self.browser

    def _stop(self) -> None:
        import contextlib

        if self.browser is not None:
            with contextlib.suppress(Exception):
                self.browser.close()
        if self.playwright is not None:
            with contextlib.suppress(Exception):
                self.playwright.stop()
        self.browser = self.playwright = None

    def _run(
        self,
        page_path: Path,
        work: Any,
        width: int,
        height: int,
        scale: float,
        query: str,
        timeout_s: float,
    ) -> Any:
        try:
            from playwright.sync_api import Error as PlaywrightError
        except ImportError:
            raise BrowserError(
                "PNG output needs Playwright for Python: pip install 'geoconflict[browser]'"
                " (or build with --no-png)"
            ) from None
        url = page_path.resolve().as_uri() + query
        errors: list[str] = []
        try:
            browser = self._start()
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=scale
            )
            try:
                page = context.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                page.wait_for_function("window.geoconflictReady === true", timeout=timeout_s * 1000)
                page.evaluate(TILES_SETTLED)
                if errors:
                    raise BrowserError(f"{page_path}: the page failed: {errors[:3]}")
                return work(page)
            finally:
                context.close()
        except PlaywrightError as exc:
            if self.browser is not None and not self.browser.is_connected():
                self._stop()  # it died: the next screenshot starts a new one
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            detail = f"; page errors: {errors[:3]}" if errors else ""
            raise BrowserError(f"Chromium could not render {page_path}: {first}{detail}") from None

    def close(self) -> None:
        """Close Chromium and Playwright, and end the thread (idempotent)."""
        import contextlib

        if os.getpid() != self.pid or not self.thread.is_alive():
            return  # a forked copy (the browser is the parent's), or closed already
        with contextlib.suppress(Exception):
            self._call(self._stop, timeout=10)
        self.jobs.put(None)


_SESSION: _Session | None = None
_SESSION_LOCK = threading.Lock()


def _new_lock() -> None:
    global _SESSION_LOCK
    _SESSION_LOCK = threading.Lock()  # a forked child must not inherit a held lock


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_new_lock)


def _session() -> _Session:
    """This process's browser session (a new one in a forked child: threads do not fork)."""
    from multiprocessing import util

    global _SESSION
    with _SESSION_LOCK:  # threads asking at once share one session
        if _SESSION is None or _SESSION.pid != os.getpid():
            _SESSION = _Session()
            # A build's worker processes close their browser on the way out. The main
            # process does not need to: at interpreter exit Playwright could no longer
            # be driven (its executors are shut down), and its driver ends Chromium
            # itself once our end of the pipe closes.
            util.Finalize(None, _SESSION.close, exitpriority=50)
        return _SESSION
