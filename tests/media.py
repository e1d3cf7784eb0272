"""Test helpers for images and videos: sizes, pixels and frame counts, read with ffmpeg."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import numpy as np

from geoconflict.build.video import ffmpeg_path


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def rgb(path: Path, frame: int = 0) -> np.ndarray:
    """One frame (a PNG's only one) as a height x width x 3 uint8 array."""
    probe = video_info(path) if path.suffix != ".png" else None
    width, height = png_size(path) if probe is None else probe[1]
    out = subprocess.run(
        [ffmpeg_path(), "-hide_banner", "-loglevel", "error", "-i", str(path),
         "-vf", f"select=eq(n\\,{frame})", "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, dtype=np.uint8).reshape(height, width, 3)


def video_info(path: Path) -> tuple[int, tuple[int, int], float]:
    """Frames decoded, (width, height) and frames per second of a video file."""
    run = subprocess.run(
        [ffmpeg_path(), "-hide_banner", "-i", str(path), "-map", "0:v", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    frames = re.findall(r"frame=\s*(\d+)", run.stderr)
    size = re.search(r"Video: .*?(\d{2,5})x(\d{2,5})", run.stderr)
    fps = re.search(r"([\d.]+) fps", run.stderr)
    assert frames and size and fps, run.stderr
    return int(frames[-1]), (int(size.group(1)), int(size.group(2))), float(fps.group(1))


def white_share(image: np.ndarray, box: tuple[float, float, float, float], scale: float) -> float:
    """The share of white pixels (each channel 245 or more: the controls' boxes) in a box.

    ``box`` is (left, top, right, bottom) in CSS pixels, ``scale`` the device scale.
    """
    left, top, right, bottom = (round(v * scale) for v in box)
    patch = image[top:bottom, left:right]
    assert patch.size, box
    return float((patch >= 245).all(axis=2).mean())
