"""Local servers for the client tests."""

from __future__ import annotations

import pytest

KEY = "sk-test-0123456789abcdef"


@pytest.fixture(scope="module")
def srv():
    """A shared server with an API key and no faults."""
    from humeresearch import server

    with server.start(api_key=KEY, seed=5) as s:
        yield s


@pytest.fixture()
def faulty():
    """Start a server with the given fault spec: ``faulty("GET /x=429:#1")``."""
    from humeresearch import server

    started = []

    def start(spec: str, **kwargs):
        s = server.start(api_key=KEY, faults=spec, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def bursty(seconds: float, *, seed: int = 0, silence_db: float = -70.0):
    """A speech-like recording: voiced bursts (0.8-3 s) between silences (0.6-2 s).

    Returns ``(Audio, segments)`` with the bursts' ``(begin, end)`` seconds.
    """
    import numpy as np

    from humeresearch.media import Audio

    rng = np.random.default_rng(seed)
    rate = 16000
    n = int(seconds * rate)
    x = rng.normal(0, 10 ** (silence_db / 20), n)
    segments = []
    t = float(rng.uniform(0.3, 1.0))
    while True:
        length = float(rng.uniform(0.8, 3.0))
        if t + length > seconds - 0.3:
            break
        a, b = int(t * rate), int((t + length) * rate)
        tt = np.arange(b - a) / rate
        f0 = rng.uniform(110, 220)
        voice = sum(np.sin(2 * np.pi * f0 * h * tt) / h for h in (1, 2, 3))
        envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * tt) ** 2
        x[a:b] += 0.25 * voice * envelope
        segments.append((a / rate, b / rate))
        t += length + float(rng.uniform(0.6, 2.0))
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    return Audio(pcm), segments


def within(spans, segments, *, slack: float = 0.35) -> bool:
    """Whether every (begin, end) lies inside one segment widened by ``slack``."""
    return all(any(a - slack <= b0 and e0 <= b + slack for a, b in segments) for b0, e0 in spans)
