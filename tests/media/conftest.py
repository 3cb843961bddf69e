"""Synthetic media made with PyAV: a video with a tone track (with pauses) and a drawn face."""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
import pytest

av = pytest.importorskip("av")

#: the drawn "face": rows, columns of the skin-coloured rectangle at frame k (moves right).
FACE_SIZE = (80, 60)
SKIN = (220, 170, 140)


def face_box(k: int, width: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the face in frame ``k``."""
    x0 = (20 + 4 * k) % (width - FACE_SIZE[1] - 1)
    return x0, 60, x0 + FACE_SIZE[1], 60 + FACE_SIZE[0]


def tone(seconds: float, *, rate: int = 44100, on: float = 1.5, period: float = 2.0) -> np.ndarray:
    """A 440 Hz tone that sounds for ``on`` s of every ``period`` s (float32, -1..1)."""
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * 440 * t) * ((t % period) < on)).astype(np.float32)


def make_video(
    *,
    seconds: float = 4.0,
    fps: int = 25,
    width: int = 320,
    height: int = 240,
    audio: bool = True,
) -> bytes:
    """An MP4 (mpeg4 video, AAC stereo 44.1 kHz audio) with a moving rectangle face."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        vs = out.add_stream("mpeg4", rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.codec_context.options = {"qscale": "2"}
        ast = out.add_stream("aac", rate=44100, layout="stereo") if audio else None
        for k in range(int(seconds * fps)):
            img = np.full((height, width, 3), 40, np.uint8)
            x0, y0, x1, y1 = face_box(k, width)
            img[y0:y1, x0:x1] = SKIN
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = k
            frame.time_base = Fraction(1, fps)
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
        if ast is not None:
            samples = tone(seconds)
            block = 1024
            for i in range(0, len(samples), block):
                chunk = np.tile(samples[i : i + block], (2, 1))
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                frame.sample_rate = 44100
                frame.pts = i
                frame.time_base = Fraction(1, 44100)
                out.mux(ast.encode(frame))
            out.mux(ast.encode(None))
    return buf.getvalue()


@pytest.fixture(scope="session")
def video_bytes() -> bytes:
    return make_video()


@pytest.fixture(scope="session")
def video_path(tmp_path_factory, video_bytes) -> str:
    path = tmp_path_factory.mktemp("media") / "talk.mp4"
    path.write_bytes(video_bytes)
    return str(path)
