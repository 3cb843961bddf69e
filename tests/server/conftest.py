"""Fixtures of the server tests: media builders and running servers."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest


def speech_pcm(seconds: float, *, rate: int = 16000, seed: int = 0) -> bytes:
    """s16le mono audio: voiced-like bursts (noise-modulated tones) separated by silence."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    envelope = (np.sin(2 * np.pi * 0.25 * t) > -0.3).astype(float)
    signal = 0.3 * np.sin(2 * np.pi * 180 * t) * (1 + 0.3 * rng.standard_normal(n)) * envelope
    return (np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes()


def wav_bytes(pcm: bytes, *, rate: int = 16000, channels: int = 1, width: int = 2) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(pcm)
    return buf.getvalue()


def jpeg_bytes(width: int = 320, height: int = 240, *, seed: int = 0) -> bytes:
    from PIL import Image

    rng = np.random.default_rng(seed)
    arr = (rng.random((height, width, 3)) * 255).astype("uint8")
    arr[height // 4 : 3 * height // 4, width // 3 : 2 * width // 3] = [220, 180, 150]
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=70)
    return buf.getvalue()


@pytest.fixture(scope="module")
def srv():
    """A shared server with an API key, fast realtime pacing and no faults."""
    from humeresearch import server

    with server.start(api_key="test-key", seed=3, realtime_speed=50.0) as s:
        yield s


@pytest.fixture()
def headers():
    return {"X-Hume-Api-Key": "test-key"}
