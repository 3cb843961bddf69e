"""Decoding helpers: WAV samples, image sizes, blank-image heuristic, voice-activity detection."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humeresearch.simulate import _media
from humeresearch.simulate._vad import Vad, segments

from ._helpers import RATE, image, signal, wav


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"ID3\x04" + bytes(20), "mp3"),
        (b"\xff\xfb\x90\x00" + bytes(20), "mp3"),
        (b"fLaC" + bytes(20), "flac"),
        (b"OggS" + bytes(20), "ogg"),
        (b"\x00\x00\x00\x20ftypisom" + bytes(20), "mp4"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(20), "m4a"),
        (b"RIFF\x10\x00\x00\x00AVI " + bytes(20), "avi"),
        (b"RIFF\x10\x00\x00\x00XXXX" + bytes(20), "riff"),
        (b"PK\x03\x04" + bytes(20), "zip"),
        ("héllo wörld".encode(), "text"),
        (b"\x00\x01\x02\xfe", "unknown"),
    ],
)
def test_sniff(data, kind):
    assert _media.sniff(data) == kind


@pytest.mark.parametrize(
    ("bits", "tag", "tol"),
    [(8, 1, 1 / 100), (16, 1, 1e-4), (24, 1, 1e-6), (32, 1, 1e-8), (32, 3, 1e-6)],
)
@pytest.mark.parametrize("channels", [1, 2])
def test_parse_wav_formats(bits, tag, tol, channels):
    x = 0.5 * np.sin(np.arange(800) * 0.05)
    w = _media.parse_wav(wav(x, rate=22050, channels=channels, bits=bits, tag=tag))
    assert (w.rate, w.channels, w.bits) == (22050, channels, bits)
    assert w.samples.size == 800
    np.testing.assert_allclose(w.samples, x, atol=tol)


def test_parse_wav_strict_rejects_truncated_and_extensible():
    data = wav(np.zeros(100))
    with pytest.raises(_media.WavError, match="truncated"):
        _media.parse_wav(data[:-10], lenient=False)
    assert _media.parse_wav(data[:-10], lenient=True).samples.size == 95
    ext = bytearray(data)
    ext[20:22] = struct.pack("<H", 0xFFFE)
    with pytest.raises(_media.WavError, match="EXTENSIBLE"):
        _media.parse_wav(bytes(ext), lenient=False)


@pytest.mark.parametrize(
    ("w", "h", "fmt"), [(320, 240, "JPEG"), (97, 61, "JPEG"), (640, 360, "PNG"), (33, 700, "GIF")]
)
def test_image_size_matches_pillow(w, h, fmt):
    data = image(w, h, fmt)
    kind = _media.sniff(data)
    assert _media.image_size(data, kind) == (w, h)


def test_progressive_jpeg_size():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (123, 45), (10, 200, 30)).save(buf, "JPEG", progressive=True)
    assert _media.jpeg_info(buf.getvalue())[:2] == (123, 45)


def test_jpeg_without_frame_header_is_an_error():
    with pytest.raises(ValueError):
        _media.jpeg_info(b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02")
    with pytest.raises(ValueError):
        _media.jpeg_info(image(50, 50)[:30])


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize(("w", "h"), [(64, 64), (320, 240), (1280, 720)])
def test_blank_heuristic(fmt, w, h):
    kind = fmt.lower()
    assert _media.image_is_blank(image(w, h, fmt, blank=True), kind)
    assert not _media.image_is_blank(image(w, h, fmt), kind)


# voice-activity detection ----------------------------------------------------------------------


def test_silence_has_no_segments():
    assert segments(np.zeros(RATE * 5), RATE) == []
    quiet = np.random.default_rng(0).normal(0, 10 ** (-60 / 20), RATE * 5)
    assert segments(quiet, RATE) == []


@pytest.mark.parametrize("rate", [16_000, 44_100])
def test_segments_land_on_the_sound(rate):
    bursts = [(0.5, 2.0), (3.1, 3.6), (5.0, 9.25)]
    x = signal(10.0, bursts, rate=rate)
    got = segments(x, rate)
    assert len(got) == len(bursts)
    for (b, e), (gb, ge) in zip(bursts, got):
        assert abs(gb - b) < 0.002 and abs(ge - e) < 0.002


def test_short_gap_does_not_split_and_click_is_ignored():
    x = signal(6.0, [(1.0, 2.0), (2.2, 3.0), (4.0, 4.05)])
    assert [(round(b, 2), round(e, 2)) for b, e in segments(x, RATE)] == [(1.0, 3.0)]


def test_noise_floor_adapts_to_background():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 10 ** (-45 / 20), RATE * 8) + signal(8.0, [(2.0, 4.0), (6.0, 7.0)])
    got = segments(x, RATE)
    assert [(round(b, 1), round(e, 1)) for b, e in got] == [(2.0, 4.0), (6.0, 7.0)]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 9000), min_size=1, max_size=12))
def test_vad_is_independent_of_chunking(cuts):
    x = signal(5.0, [(0.4, 1.6), (2.5, 4.9)]) + np.random.default_rng(1).normal(0, 1e-3, RATE * 5)
    whole = Vad(RATE)
    expected = whole.feed(x) + whole.finish()
    vad, got, pos = Vad(RATE), [], 0
    for c in cuts:
        got += vad.feed(x[pos : pos + c])
        pos += c
    got += vad.feed(x[pos:]) + vad.finish()
    assert got == expected
