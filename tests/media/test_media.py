"""Media preparation on synthetic media made with PyAV in the tests."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from humeresearch.media import (
    IMAGE_LIMIT,
    PIXEL_LIMIT,
    UPLOAD_LIMIT,
    Audio,
    MediaError,
    audio_payloads,
    encode_jpeg,
    image_payload,
    load_audio,
    prepare_image,
    probe,
    split_audio,
    text_payloads,
    video_frames,
)
from humeresearch.media._audio import UPLOAD_OVERHEAD
from humeresearch.media._wav import read_wav

from .conftest import SKIN, av, face_box, make_video


def rms(audio: Audio, at: float, span: float = 0.05) -> float:
    i = int((at - audio.start) * audio.rate)
    x = audio.samples[i : i + int(span * audio.rate)].astype(float)
    return float(np.sqrt((x * x).mean())) if len(x) else 0.0


def decode(jpeg: bytes) -> np.ndarray:
    with av.open(io.BytesIO(jpeg)) as c:
        return next(c.decode(video=0)).to_ndarray(format="rgb24")


def test_probe(video_bytes):
    info = probe(video_bytes)
    assert (info.has_audio, info.has_video, info.is_image) == (True, True, False)
    assert (info.fps, info.width, info.height) == (25.0, 320, 240)
    assert info.duration == pytest.approx(4.0, abs=0.05)
    assert probe(Audio(bytes(3200)).wav()).has_video is False


def test_video_audio_track_to_16k_mono(video_path):
    audio = load_audio(video_path)
    assert audio.rate == 16000 and audio.start == 0.0
    assert audio.duration == pytest.approx(4.0, abs=0.05)
    assert rms(audio, 0.5) > 5000 and rms(audio, 2.5) > 5000  # tone on
    assert rms(audio, 1.7) < 50 and rms(audio, 3.7) < 50  # pause
    x = audio.samples
    onset = int(1.6 * 16000) + int(np.nonzero(np.abs(x[int(1.6 * 16000) :]) > 500)[0][0])
    assert onset / 16000 == pytest.approx(2.0, abs=0.002)  # on the recording's clock
    wav = audio.wav()
    assert wav[:4] == b"RIFF" and len(wav) == 44 + len(audio.pcm)


def test_load_audio_errors():
    with pytest.raises(MediaError, match="no audio track"):
        load_audio(make_video(seconds=0.5, audio=False))
    with pytest.raises(MediaError, match="cannot open"):
        load_audio(b"not media at all" * 10)


def test_split_at_silences_keeps_offsets(video_bytes):
    audio = load_audio(video_bytes)
    limit = UPLOAD_OVERHEAD + 2 * 16000 * 3  # 3 s of samples per piece
    pieces = split_audio(audio, max_bytes=limit)
    assert len(pieces) == 2
    assert b"".join(p.pcm for p in pieces) == audio.pcm
    for p in pieces:
        assert len(p.wav()) + UPLOAD_OVERHEAD - 44 <= limit
    cut = pieces[1].start
    assert 1.5 <= cut <= 2.0  # inside the pause
    assert rms(audio, cut - 0.02, 0.02) < 50
    assert pieces[1].start == pytest.approx(pieces[0].end)


def test_split_over_25_mb_default():
    rate = 16000
    t = np.arange(14 * 60 * rate) / rate  # 14 minutes: 26.9 MB of samples
    x = (np.sin(2 * np.pi * 200 * t) * 8000 * ((t % 10) < 8)).astype("<i2")
    audio = Audio(x.tobytes(), start=5.0)
    pieces = split_audio(audio)
    assert len(pieces) == 2
    assert all(len(p.wav()) + UPLOAD_OVERHEAD <= UPLOAD_LIMIT + 44 for p in pieces)
    cut = pieces[1].start - 5.0
    assert cut % 10 >= 8 - 1e-9  # in a pause of the recording
    assert pieces[0].start == 5.0 and b"".join(p.pcm for p in pieces) == audio.pcm


def test_split_without_pause_still_respects_limit():
    noise = np.random.default_rng(0).integers(-9000, 9000, 16000 * 7).astype("<i2")
    pieces = split_audio(Audio(noise.tobytes()), max_bytes=None, max_seconds=2.0)
    assert all(p.duration <= 2.0 for p in pieces)
    assert b"".join(p.pcm for p in pieces) == noise.tobytes()
    with pytest.raises(ValueError, match="max_bytes"):
        split_audio(Audio(bytes(10)), max_bytes=None)


def test_video_frames_default_rate_and_face(video_bytes):
    frames = list(video_frames(video_bytes))
    assert len(frames) == 12  # 4 s at 3 per second
    times = [f.time for f in frames]
    assert times[0] == 0.0
    for k, t in enumerate(times):
        assert k / 3 <= t + 1e-9 < k / 3 + 0.04  # first 25 fps frame at or after each tick
    assert [f.index for f in frames] == list(range(12))
    for f in (frames[0], frames[7]):
        img = decode(f.jpeg)
        assert img.shape == (240, 320, 3) and f.scale == 1.0
        x0, y0, x1, y1 = face_box(round(f.time * 25), 320)
        inner = img[y0 + 5 : y1 - 5, x0 + 5 : x1 - 5].reshape(-1, 3).mean(axis=0)
        assert np.allclose(inner, SKIN, atol=12)
        assert img[5:20, 5:20].mean() < 60  # background


def test_video_frames_rate_limits(video_bytes):
    assert [round(f.time, 2) for f in video_frames(video_bytes, fps=1)] == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="fps"):
        next(video_frames(video_bytes, fps=4))
    with pytest.raises(MediaError, match="no video track"):
        next(video_frames(Audio(bytes(3200)).wav()))


def big_frame(width: int, height: int, *, seed: int = 0):
    rng = np.random.default_rng(seed)
    arr = (rng.random((height, width, 3)) * 255).astype(np.uint8)
    return av.VideoFrame.from_ndarray(arr, format="rgb24")


def test_image_over_pixel_limit_downscaled_with_factor(tmp_path):
    frame = av.VideoFrame.from_ndarray(np.zeros((2400, 4800, 3), np.uint8), format="rgb24")
    jpeg, w, h, scale = encode_jpeg(frame, max_pixels=10**9)
    assert (w, h, scale) == (4800, 2400, 1.0)
    path = tmp_path / "wide.jpg"
    path.write_bytes(jpeg)
    img = prepare_image(path)
    assert img.width * img.height <= PIXEL_LIMIT
    assert img.scale == pytest.approx(math.sqrt(PIXEL_LIMIT / (4800 * 2400)), rel=1e-3)
    assert img.to_original([0, 0, img.width, img.height]) == pytest.approx(
        [0, 0, 4800, 2400], abs=2
    )
    assert decode(img.jpeg).shape == (img.height, img.width, 3)


def test_image_over_byte_limit_fits():
    noisy = big_frame(2000, 1500)
    jpeg, *_ = encode_jpeg(noisy, max_bytes=10**9)
    assert len(jpeg) > IMAGE_LIMIT  # noise at the best quality
    img = prepare_image(jpeg)
    assert len(img.jpeg) <= IMAGE_LIMIT and img.jpeg[:3] == b"\xff\xd8\xff"


def test_small_jpeg_passes_unchanged_and_png_is_converted(tmp_path):
    jpeg, *_ = encode_jpeg(big_frame(64, 48))
    same = prepare_image(jpeg)
    assert same.jpeg == jpeg and same.scale == 1.0 and (same.width, same.height) == (64, 48)
    png = tmp_path / "x.png"
    with av.open(str(png), "w", format="image2") as out:
        s = out.add_stream("png", rate=1)
        s.width, s.height, s.pix_fmt = 64, 48, "rgb24"
        out.mux(s.encode(big_frame(64, 48)))
        out.mux(s.encode(None))
    converted = prepare_image(png)
    assert converted.jpeg[:3] == b"\xff\xd8\xff" and converted.scale == 1.0


def test_stream_image_payload_side_limit():
    jpeg, *_ = encode_jpeg(big_frame(3600, 900), max_bytes=10**9)
    img = image_payload(jpeg)
    assert max(img.width, img.height) <= 3000 and img.scale == pytest.approx(3000 / 3600)


def test_stream_audio_payloads(video_bytes):
    long = load_audio(make_video(seconds=12.0))
    pieces = audio_payloads(long)
    assert all(p.duration <= 5.0 for p in pieces)
    assert b"".join(p.pcm for p in pieces) == long.pcm
    for p in pieces[1:]:
        assert rms(long, p.start - 0.02, 0.02) < 50  # every cut in a pause


def test_text_payloads_at_sentence_boundaries():
    rng = np.random.default_rng(1)
    sentences = [
        " ".join("word" * int(rng.integers(1, 3)) for _ in range(int(rng.integers(3, 40)))) + end
        for end in rng.choice([".", "!", "?"], 1500)
    ]
    text = " ".join(sentences)
    assert len(text) > 25_000
    pieces = text_payloads(text)
    assert "".join(p.text for p in pieces) == text
    assert all(len(p.text) <= 10_000 for p in pieces)
    for p in pieces:
        assert text[p.offset : p.offset + len(p.text)] == p.text
    for p in pieces[:-1]:
        assert p.text.rstrip()[-1] in ".!?" and len(p.text) > 9_000


def test_text_payloads_long_sentences():
    words = "alpha " * 30
    assert [p.text for p in text_payloads(words.strip(), max_chars=20)][:2] == [
        "alpha alpha alpha ",
        "alpha alpha alpha ",
    ]
    hard = text_payloads("x" * 25, max_chars=10)
    assert [(p.offset, len(p.text)) for p in hard] == [(0, 10), (10, 10), (20, 5)]
    assert text_payloads("") == []


def _pyav_only(monkeypatch):
    """Make load_audio and probe skip the WAV fast path."""
    from humeresearch.media import _wav

    monkeypatch.setattr(_wav, "read_wav", lambda source, samples=True: None)


def test_plain_wav_read_without_decoding_equals_pyav(tmp_path, monkeypatch):
    import av

    from humeresearch.media import _audio

    t = np.arange(24000) / 16000
    pcm = (np.sin(2 * np.pi * 300 * t) * 7000).astype("<i2").tobytes()
    path = tmp_path / "tone.wav"
    path.write_bytes(Audio(pcm).wav())
    calls = []
    monkeypatch.setattr(av, "open", lambda *a, **k: calls.append(a) or pytest.fail("PyAV"))
    fast, info = load_audio(path), probe(path)
    assert calls == []
    assert (fast.pcm, fast.rate, fast.start) == (pcm, 16000, 0.0)
    assert (info.duration, info.has_audio, info.has_video, info.is_image) == (
        1.5,
        True,
        False,
        False,
    )
    monkeypatch.undo()
    _pyav_only(monkeypatch)
    monkeypatch.setattr(_audio, "read_wav", lambda source, samples=True: None)
    slow = load_audio(path)
    assert (slow.pcm, slow.rate, slow.start) == (pcm, 16000, 0.0)
    assert probe(path) == info


def test_other_wavs_still_decoded_with_pyav(tmp_path):
    x = (np.sin(np.arange(44100) / 44100 * 2 * np.pi * 440) * 8000).astype("<i2")
    path = tmp_path / "cd.wav"
    path.write_bytes(Audio(x.tobytes(), rate=44100).wav())
    audio = load_audio(path)
    assert (audio.rate, round(audio.duration, 3)) == (16000, 1.0)
    assert round(probe(path).duration, 3) == 1.0
    assert read_wav(b"RIFF\x00\x00\x00\x00WAVEjunk") is None
    assert read_wav(tmp_path / "missing.wav") is None
