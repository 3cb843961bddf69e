"""v1 audio: input classification, VAD utterances, the documented measurement timeline."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humeresearch.simulate import SimulationError, v1_audio, v1_audio_stream
from humeresearch.simulate._v1_audio import AUDIO_EXPRESSIONS, VOICE_ATTRIBUTES

from ._helpers import RATE, pcm16, signal, wav


def speech(duration: float, bursts: list[tuple[float, float]]) -> bytes:
    return pcm16(signal(duration, bursts))


@pytest.fixture(scope="module")
def documented():
    """hume-v1.md section 7: timer 3000 ms, speech from 98 ms, still speaking at 26 000 ms."""
    return speech(26.0, [(0.098, 26.0)])


def test_documented_timeline(documented):
    out = v1_audio(documented)
    assert out["received"] == {"audio_duration_ms": 26000}
    assert out["utterances"] == [{"utterance_id": 0, "audio_start_ms": 98, "audio_end_ms": 26000}]
    windows = [(m["audio_start_ms"], m["audio_end_ms"], m["trigger"]) for m in out["measurements"]]
    # independent reconstruction of the documented rules: every 3000 ms of speech, the latest 10 s
    ends = [98 + 3000 * k for k in range(1, 9)]
    expected = [(max(98, e - 10000), e, "interval") for e in ends] + [
        (16000, 26000, "speech_ended")
    ]
    assert windows == expected
    assert windows[:2] == [(98, 3098, "interval"), (98, 6098, "interval")]
    assert [m["measurement_id"] for m in out["measurements"]] == list(range(9))
    assert {m["utterance_id"] for m in out["measurements"]} == {0}


def test_stream_equals_file(documented):
    file_out = v1_audio(documented)
    stream = v1_audio_stream()
    messages = []
    for i in range(0, len(documented), 3200):
        messages += stream.feed(documented[i : i + 3200])
    messages += stream.close()
    types = [m["type"] for m in messages]
    assert types == ["utterance.start"] + ["measurement.result"] * 9 + ["utterance.end"]
    got = [
        {k: v for k, v in m.items() if k != "type"}
        for m in messages
        if m["type"] == "measurement.result"
    ]
    assert got == file_out["measurements"]
    assert messages[0] == {"type": "utterance.start", "utterance_id": 0, "audio_start_ms": 98}
    assert stream.audio_duration_ms == 26000 and stream.utterances == file_out["utterances"]


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(1, 40000).map(lambda n: 2 * n), min_size=1, max_size=8))
def test_stream_equals_file_for_any_framing(cuts):
    data = speech(12.0, [(0.3, 4.1), (5.0, 5.6), (6.5, 11.9)])
    stream, got, pos = v1_audio_stream(seed=3), [], 0
    for c in cuts:
        if pos < len(data):
            got += stream.feed(data[pos : pos + c])
            pos += c
    if pos < len(data):
        got += stream.feed(data[pos:])
    got += stream.close()
    ms = [
        {k: v for k, v in m.items() if k != "type"}
        for m in got
        if m["type"] == "measurement.result"
    ]
    assert ms == v1_audio(data, seed=3)["measurements"]


def test_silence_and_placement():
    assert v1_audio(speech(5.0, []))["utterances"] == []
    out = v1_audio(speech(10.0, [(1.0, 2.5), (4.0, 4.6), (6.0, 8.5)]))
    spans = [(u["audio_start_ms"], u["audio_end_ms"]) for u in out["utterances"]]
    assert len(spans) == 3
    for (b, e), (gb, ge) in zip([(1000, 2500), (4000, 4600), (6000, 8500)], spans):
        assert abs(gb - b) <= 2 and abs(ge - e) <= 2
    assert [m["trigger"] for m in out["measurements"]] == ["speech_ended"] * 3
    for m, u in zip(out["measurements"], out["utterances"]):
        assert (m["audio_start_ms"], m["audio_end_ms"]) == (u["audio_start_ms"], u["audio_end_ms"])


def test_speech_ended_skipped_within_one_second():
    out = v1_audio(speech(5.0, [(0.098, 3.6)]))  # interval at 3098, speech stops at ~3600
    assert [(m["audio_end_ms"], m["trigger"]) for m in out["measurements"]] == [(3098, "interval")]
    out = v1_audio(speech(6.0, [(0.098, 4.2)]))  # stops 1.1 s after the interval: final one kept
    assert [m["trigger"] for m in out["measurements"]] == ["interval", "speech_ended"]


def test_interval_in_the_hangover_ends_after_the_utterance():
    out = v1_audio(speech(5.0, [(0.098, 3.0)]))  # due at 3098 while the detector still waits
    (m,) = out["measurements"]
    (u,) = out["utterances"]
    assert m["trigger"] == "interval" and m["audio_end_ms"] == 3098
    assert u["audio_end_ms"] < m["audio_end_ms"] <= u["audio_end_ms"] + 300


def test_timer_10000_tiles():
    out = v1_audio(speech(30.5, [(0.0, 30.5)]), measurement_timer_ms=10000)
    spans = [(m["audio_start_ms"], m["audio_end_ms"]) for m in out["measurements"]]
    assert spans == [(0, 10000), (10000, 20000), (20000, 30000)]  # final one skipped: < 1 s later
    out = v1_audio(speech(31.0, [(0.0, 31.0)]), measurement_timer_ms=10000)
    assert [(m["audio_start_ms"], m["audio_end_ms"], m["trigger"]) for m in out["measurements"]][
        -1
    ] == (
        21000,
        31000,
        "speech_ended",
    )


def test_wav_and_raw_give_the_same_result():
    x = signal(7.0, [(0.5, 6.0)])
    assert v1_audio(wav(x)) == v1_audio(pcm16(x))


def test_score_lists(documented):
    out = v1_audio(documented, seed=5)
    seen_names = set()
    for m in out["measurements"]:
        for key, allowed in (
            ("expressions", AUDIO_EXPRESSIONS),
            ("voice_attributes", VOICE_ATTRIBUTES),
        ):
            lst = m[key]
            probs = [s["probability"] for s in lst]
            assert probs == sorted(probs, reverse=True)
            assert all(round(p, 4) == p and 0 <= p <= 1 for p in probs)
            assert all(s["name"] == s["name"].lower() and s["name"] in allowed for s in lst)
            seen_names |= {s["name"] for s in lst}
        assert all(s["probability"] >= 0.725 for s in m["voice_attributes"])
    assert out != v1_audio(documented, seed=6)
    assert out == v1_audio(documented, seed=5)
    assert len(seen_names) > 5


def test_names_include_documented_and_unknown(vocab):
    seen = set(vocab("v1_audio_expressions_seen"))
    assert seen <= set(AUDIO_EXPRESSIONS) and set(AUDIO_EXPRESSIONS) - seen
    assert set(vocab("v1_audio_voice_attributes_seen")) < set(VOICE_ATTRIBUTES)


def _riff(form: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 100) + form + bytes(100)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"ID3\x03" + bytes(100), "unsupported_media_type"),
        (b"fLaC" + bytes(100), "unsupported_media_type"),
        (b"OggS" + bytes(100), "unsupported_media_type"),
        (b"\x00\x00\x00\x20ftypM4A " + bytes(100), "unsupported_media_type"),
        (_riff(b"AVI "), "unsupported_media_type"),
        (_riff(b"ABCD"), "unsupported_media_type"),
        (wav(np.zeros(100), bits=8), "audio_decode_failed"),
        (wav(np.zeros(100), channels=2), "audio_decode_failed"),
        (wav(np.zeros(100), rate=44100), "audio_decode_failed"),
        (wav(np.zeros(100), bits=32, tag=3), "audio_decode_failed"),
        (wav(np.zeros(100))[:-7], "audio_decode_failed"),
        (b"", "audio_decode_failed"),
        (b"\x01\x02\x03", "audio_decode_failed"),
    ],
)
def test_input_errors(data, code):
    with pytest.raises(SimulationError) as err:
        v1_audio(data)
    assert err.value.code == code and err.value.message


def test_extensible_header_and_config():
    data = bytearray(wav(np.zeros(100)))
    data[20:22] = struct.pack("<H", 0xFFFE)
    with pytest.raises(SimulationError, match="audio_decode_failed"):
        v1_audio(bytes(data))
    for timer in (2999, 10001, 3000.0, True):
        with pytest.raises(SimulationError, match="config_invalid"):
            v1_audio(bytes(3200), measurement_timer_ms=timer)
    stream = v1_audio_stream()
    with pytest.raises(SimulationError, match="invalid_audio_frame"):
        stream.feed(b"\x00")
    assert stream.feed(bytes(RATE * 2)) == []
