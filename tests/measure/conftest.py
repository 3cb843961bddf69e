"""Synthetic study folders (WAV tones, an MP4 with a tone track and a drawn face) and servers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")

from humeresearch.media import Audio
from tests.media.conftest import make_video

KEY = "sk-measure-secret-0123456789"


def tone_wav(seconds: float, *, freq: float = 180.0) -> bytes:
    """A WAV (16 kHz mono) of a tone that sounds for 1.5 s of every 2 s."""
    t = np.arange(int(seconds * 16000)) / 16000
    x = np.sin(2 * np.pi * freq * t) * 9000 * ((t % 2.0) < 1.5)
    return Audio(x.astype("<i2").tobytes()).wav()


@pytest.fixture(scope="session")
def study(tmp_path_factory) -> Path:
    """``a.wav`` (6 s), ``b.wav`` (12 s) and ``sub/talk.mp4`` (4 s, 25 fps, with audio)."""
    root = tmp_path_factory.mktemp("study")
    (root / "a.wav").write_bytes(tone_wav(6.0))
    (root / "b.wav").write_bytes(tone_wav(12.0, freq=220.0))
    (root / "sub").mkdir()
    (root / "sub" / "talk.mp4").write_bytes(make_video(seconds=4.0))
    (root / "notes.txt").write_text("not media")
    return root


@pytest.fixture()
def many_wavs(tmp_path) -> Path:
    """30 short WAVs of distinct content (and equal length)."""
    root = tmp_path / "many"
    root.mkdir()
    for i in range(30):
        (root / f"w{i:02d}.wav").write_bytes(tone_wav(2.0, freq=150.0 + 7 * i))
    return root


@pytest.fixture()
def serve():
    """Start local servers (stopped at the end): ``serve(faults=..., **kwargs)``."""
    from humeresearch import server

    started = []

    def start(**kwargs):
        s = server.start(api_key=KEY, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
