"""The timeline as a video: the page in card mode, stepped by its own API, one frame a step.

The page is opened as a card (:mod:`geoconflict.build.cards`); the dates come
from the page (``geoconflict.maps[0].steps(step)``: start, start + 1 step, … end)
and each frame is the page after ``setDate(date)`` has drawn, captured as a PNG,
so the frames never depend on the clock: the same spec gives the same frames
(:attr:`VideoResult.frame_hashes`). The PNGs go to ``ffmpeg`` through a pipe:
Debian's ``ffmpeg`` when it is on the ``PATH``, else the binary of the
``imageio-ffmpeg`` wheel. WebM is VP9, MP4 H.264, GIF one palette for the video.
The encoder writes the file it is given (the build's staged temporary file): a
failure leaves no partial output behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geoconflict.errors import GeoconflictError

#: ffmpeg's output options per format (after ``-framerate FPS -i -``).
CODECS: dict[str, tuple[str, ...]] = {
    "webm": (
        "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "34", "-deadline", "good",
        "-cpu-used", "4", "-row-mt", "1", "-pix_fmt", "yuv420p", "-f", "webm",
    ),
    "mp4": (
        "-c:v", "libx264", "-preset", "medium", "-crf", "23", "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", "-f", "mp4",
    ),
    "gif": (
        "-filter_complex", "[0:v]split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse",
        "-loop", "0", "-f", "gif",
    ),
}  # fmt: skip

# Resolves after the next two animation frames: what setDate drew is on screen.
_SET_DATE = """
async (date) => {
  const shown = window.geoconflict.maps[0].setDate(date);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return shown;
}
"""


class EncoderError(GeoconflictError, RuntimeError):
    """No ffmpeg to encode with, or ffmpeg failed."""


@dataclass
class VideoResult:
    """What :func:`record_video` made: the dates of its frames and their PNG hashes."""

    dates: list[str] = field(default_factory=list)
    frame_hashes: list[str] = field(default_factory=list)

    @property
    def frames(self) -> int:
        """How many frames the video has."""
        return len(self.frame_hashes)


def ffmpeg_path() -> str:
    """The ffmpeg to encode with: ``ffmpeg`` on the PATH, else imageio-ffmpeg's binary.

    Raises
    ------
    EncoderError
        When neither is installed.

    Examples
    --------
    >>> try:
    ...     found = ffmpeg_path()
    ... except EncoderError as exc:  # neither is installed: the message says what to do
    ...     found = str(exc)
    >>> "ffmpeg" in found
    True
    """
    exe = shutil.which("ffmpeg")
    if exe:
        return exe
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        raise EncoderError(
            "video output needs ffmpeg: apt-get install ffmpeg, or pip install imageio-ffmpeg"
            " (or build with --no-png)"
        ) from None


def encoder_command(fmt: str, fps: int, out: str | Path, exe: str = "ffmpeg") -> list[str]:
    """The ffmpeg command that reads PNG frames on stdin and writes ``out`` as ``fmt``.

    Examples
    --------
    >>> cmd = encoder_command("webm", 4, "m.webm")
    >>> cmd[cmd.index("-framerate") + 1], "libvpx-vp9" in cmd, cmd[-1]
    ('4', True, 'm.webm')
    >>> encoder_command("avi", 4, "m.avi")
    Traceback (most recent call last):
    ...
    geoconflict.errors.OptionError: video format: expected one of ('webm', 'mp4', 'gif'), got 'avi'
    """
    if fmt not in CODECS:
        from geoconflict.errors import OptionError

        raise OptionError(f"video format: expected one of {tuple(CODECS)}, got {fmt!r}")
    head = [exe, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    source = ["-f", "image2pipe", "-framerate", str(fps), "-c:v", "png", "-i", "-"]
    return [*head, *source, *CODECS[fmt], str(out)]


def record_video(
    page_path: str | Path,
    out_path: str | Path,
    *,
    fps: int = 4,
    width: int = 1280,
    height: int = 720,
    step: str | None = None,
    fmt: str | None = None,
    progress: bool = False,
    stop: Callable[[], bool] | None = None,
    timeout_s: float = 60.0,
) -> VideoResult:
    """Play a page's slider from start to end into a video, one frame per step.

    Parameters
    ----------
    page_path : str or pathlib.Path
        A map page (from :func:`geoconflict.render.to_html` or a build).
    out_path : str or pathlib.Path
        The video file (the caller makes it atomic; it is removed if encoding fails).
    fps : int, default 4
        Frames (steps) per second.
    width, height : int
        Frame size in pixels (even numbers).
    step : {"day", "week", "month"}, optional
        One frame per this step; default the page's own step.
    fmt : {"webm", "mp4", "gif"}, optional
        Default: from ``out_path``'s suffix.
    progress : bool, default False
        Show a tqdm bar of the frames.
    stop : callable, optional
        Checked before each frame: when it returns True, recording stops with
        :class:`EncoderError` and the file is removed (a build being stopped).
    timeout_s : float, default 60
        How long to wait for the page's ready signal.

    Returns
    -------
    VideoResult
        The frames' dates and the SHA-256 of each frame's PNG.

    Raises
    ------
    BrowserError
        When Chromium is missing or the page failed.
    EncoderError
        When there is no ffmpeg, or it failed.

    Examples
    --------
    >>> record_video("missing.html", "x.webm")
    Traceback (most recent call last):
    ...
    geoconflict.errors.BrowserError: missing.html: no such page to render
    """
    from geoconflict.build.cards import card_query
    from geoconflict.build.png import TILES_SETTLED, on_page

    out = Path(out_path)
    fmt = fmt or out.suffix.lower().lstrip(".")
    if not Path(page_path).is_file():  # before starting an encoder
        from geoconflict.errors import BrowserError

        raise BrowserError(f"{page_path}: no such page to render")
    command = encoder_command(fmt, fps, out, ffmpeg_path())
    result = VideoResult()

    def frames(page: Any) -> None:
        dates = page.evaluate("(step) => window.geoconflict.maps[0].steps(step)", step)
        bar = _bar(len(dates), out.name) if progress else None
        with _Encoder(command) as encoder:
            for date in dates:
                if stop is not None and stop():
                    raise EncoderError(f"{out.name}: stopped after {result.frames} frames")
                result.dates.append(page.evaluate(_SET_DATE, date))
                page.evaluate(TILES_SETTLED)
                png = page.screenshot(type="png", full_page=False)
                result.frame_hashes.append(hashlib.sha256(png).hexdigest())
                encoder.write(png)
                if bar is not None:
                    bar.update(1)
        if bar is not None:
            bar.close()

    try:
        on_page(
            page_path,
            frames,
            width=width,
            height=height,
            query=card_query(),
            timeout_s=timeout_s,
        )
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            out.unlink()
        raise
    return result


def _bar(total: int, name: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=f"video {name}", unit="frame", leave=False)


class _Encoder:
    """An ffmpeg process fed PNG frames on stdin; raises EncoderError if it fails."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Encoder:
        self.proc = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        return self

    def write(self, png: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(png)
        except BrokenPipeError:
            self._fail()

    def _fail(self) -> None:
        assert self.proc is not None
        _, err = self.proc.communicate()
        text = err.decode("utf-8", "replace").strip().splitlines()
        raise EncoderError(f"ffmpeg failed (exit {self.proc.returncode}): {' '.join(text[-3:])}")

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        if kind is not None:  # stop the encoder; the caller removes the file
            self.proc.kill()
            self.proc.communicate()
            return
        self.proc.stdin.close()
        err = self.proc.stderr.read() if self.proc.stderr else b""
        if self.proc.wait() != 0:
            text = err.decode("utf-8", "replace").strip().splitlines()
            raise EncoderError(
                f"ffmpeg failed (exit {self.proc.returncode}): {' '.join(text[-3:])}"
            )
