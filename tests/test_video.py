"""The video output in real Chromium and ffmpeg: frames per step, deterministic, atomic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from media import video_info

from geoconflict.build import build_maps, video
from geoconflict.build.cards import render_card
from geoconflict.build.video import EncoderError, encoder_command, record_video

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPEC = (
    'title = "Mosul, video"\nareas = ["mosul_east", "mosul_west"]\n'
    'start = 2016-10-17\nend = 2017-07-20\nbasemap = "none"\nassets = "inline"\n'
    '[[inputs]]\nsynthetic = 200\nseed = 9\n[time]\nstep = "week"\n'
    '[outputs]\nvideo = {file = "mosul.webm", fps = 4, width = 320, height = 180, step = "month"}\n'
)
# start, the first of each month to July 2017, then the end
MONTHLY = ["2016-10-17"] + [f"2016-{m}-01" for m in (11, 12)] + [
    f"2017-0{m}-01" for m in range(1, 8)
] + ["2017-07-20"]  # fmt: skip


def _build(folder: Path, node_modules: Path, spec: str = SPEC) -> Path:
    (folder / "maps").mkdir(parents=True)
    (folder / "maps" / "mosul.toml").write_text(spec, encoding="utf-8")
    build_maps(folder / "maps", folder / "dist", jobs=1, asset_dir=node_modules)
    return folder / "dist"


def test_the_video_has_one_frame_per_step_at_its_size_and_rate(
    tmp_path: Path, node_modules: Path
) -> None:
    out = _build(tmp_path, node_modules)
    frames, size, fps = video_info(out / "mosul.webm")
    assert (frames, size, fps) == (len(MONTHLY), (320, 180), 4.0)
    manifest = json.loads((out / "manifest.json").read_text())
    digest = hashlib.sha256((out / "mosul.webm").read_bytes()).hexdigest()
    assert manifest["outputs"]["mosul.webm"]["sha256"] == digest
    assert not list(out.rglob("*.part*"))


def test_frames_are_the_same_twice_and_are_the_cards_of_their_dates(
    tmp_path: Path, node_modules: Path
) -> None:
    page = _build(tmp_path, node_modules, SPEC.replace("video = ", "x = ").split("[outputs]")[0])
    page = page / "mosul.html"
    one = record_video(page, tmp_path / "1.webm", fps=4, width=320, height=180, step="month")
    two = record_video(page, tmp_path / "2.webm", fps=4, width=320, height=180, step="month")
    assert one.dates == MONTHLY and one.frames == len(MONTHLY)
    assert one.frame_hashes == two.frame_hashes  # stepped by the page, not by the clock
    assert len(set(one.frame_hashes)) > len(MONTHLY) // 2  # and the frames change
    # Each frame is the card of its date (the card layout, no controls: see test_cards).
    for i in (0, 3, len(MONTHLY) - 1):
        render_card(page, tmp_path / "c.png", width=320, height=180, date=MONTHLY[i])
        card = hashlib.sha256((tmp_path / "c.png").read_bytes()).hexdigest()
        assert card == one.frame_hashes[i], MONTHLY[i]


@pytest.mark.parametrize("fmt", ["mp4", "gif"])
def test_mp4_and_gif(tmp_path: Path, node_modules: Path, fmt: str) -> None:
    spec = SPEC.replace('"mosul.webm"', f'"mosul.{fmt}"').replace('"month"', '"month", fps = 2')
    spec = spec.replace("fps = 4, ", "")
    out = _build(tmp_path, node_modules, spec)
    frames, size, fps = video_info(out / f"mosul.{fmt}")
    assert (frames, size) == (len(MONTHLY), (320, 180))
    assert fps == pytest.approx(2.0, abs=0.01)


def test_a_failing_encoder_leaves_no_file(
    tmp_path: Path, node_modules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "ffmpeg"
    # It writes part of its output, then fails.
    fake.write_text(
        '#!/bin/sh\nfor a; do last="$a"; done\necho partial > "$last"\n'
        "echo 'no encoder here' >&2\nexit 3\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setattr(video, "ffmpeg_path", lambda: str(fake))
    out = _build(tmp_path, node_modules)
    report = json.loads((out / "manifest.json").read_text())
    assert report["maps"]["mosul"]["status"] == "failed"
    assert not (out / "mosul.webm").exists() and not (out / "mosul.html").exists()
    assert not list(out.rglob("*.part*"))
    # Without the video the page builds; recording it alone fails the same way.
    assert build_maps(out.parent / "maps", out, asset_dir=node_modules, png=False).built == 1
    with pytest.raises(EncoderError, match="no encoder here"):
        record_video(out / "mosul.html", tmp_path / "x.webm", width=320, height=180)
    assert not (tmp_path / "x.webm").exists()


def test_encoder_commands() -> None:
    webm = encoder_command("webm", 4, "v.webm")
    assert webm[webm.index("-framerate") + 1] == "4" and "libvpx-vp9" in webm
    assert "libx264" in encoder_command("mp4", 4, "v.mp4")
    assert "palettegen" in " ".join(encoder_command("gif", 4, "v.gif"))
