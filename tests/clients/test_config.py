"""Configuration objects against the contract examples of hume-v0.md and hume-v1.md."""

from __future__ import annotations

import dataclasses
import json

import pytest

from humeresearch.clients import (
    AudioConfig,
    BatchConfig,
    BurstConfig,
    ConfigError,
    FaceConfig,
    FacemeshConfig,
    LanguageConfig,
    NerConfig,
    ProsodyConfig,
    StreamConfig,
    TranscriptionConfig,
    V1Config,
    VideoConfig,
    Window,
)


def _spec_echo() -> dict:
    """The echo of hume-v0.md §4.5, read from the specification itself (an independent oracle)."""
    import re

    from tests.conftest import SHARED

    text = (SHARED / "spec" / "hume-v0.md").read_text()
    section = text[text.index("### 4.5 Effective config echo") :]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))


ECHO = _spec_echo()


def test_v0_sdk_wire_example():
    cfg = BatchConfig(
        face=FaceConfig(fps_pred=0),
        prosody=ProsodyConfig(granularity="word"),
        transcription=TranscriptionConfig(language="en"),
        notify=False,
    )
    assert cfg.to_json(urls=["https://x/y.mp4"]) == (
        '{"models":{"face":{"fps_pred":0.0},"prosody":{"granularity":"word"}},'
        '"transcription":{"language":"en"},"urls":["https://x/y.mp4"],"notify":false}'
    )


def test_v0_no_models_means_every_model():
    cfg = BatchConfig()
    assert cfg.to_dict(text=["a"]) == {"text": ["a"]}
    assert cfg.models == ("face", "burst", "prosody", "language", "ner", "facemesh")
    assert BatchConfig(burst=BurstConfig()).to_dict() == {"models": {"burst": {}}}


def test_v0_transcription_off_is_explicit_null():
    assert BatchConfig(transcription=False).to_json() == '{"transcription":null}'
    assert BatchConfig.from_dict({"transcription": None}).transcription is False


def test_v0_echo_reads_back_and_serialises_without_nulls():
    cfg = BatchConfig.from_dict({"models": ECHO})
    assert cfg.face == FaceConfig(
        fps_pred=3, identify_faces=False, min_face_size=60, prob_threshold=0.99, save_faces=False
    )
    out = cfg.to_dict()["models"]
    assert out["face"] == {
        "fps_pred": 3.0,
        "prob_threshold": 0.99,
        "identify_faces": False,
        "min_face_size": 60,
        "save_faces": False,
    }
    assert out["language"] == {"granularity": "word", "identify_speakers": False}
    assert out["prosody"] == {"granularity": "utterance", "identify_speakers": False}
    assert (
        out["burst"] == {} and out["facemesh"] == {} and out["ner"] == {"identify_speakers": False}
    )


def test_v0_feature_switches_are_empty_objects():
    face = FaceConfig(facs=True, descriptions=True)
    lang = LanguageConfig(sentiment=True, toxicity=False)
    assert face.to_dict() == {"facs": {}, "descriptions": {}}
    assert lang.to_dict() == {"sentiment": {}}
    assert FaceConfig.from_dict({"facs": {}, "descriptions": None}) == FaceConfig(facs=True)


def test_v0_window_and_roundtrip():
    cfg = BatchConfig(
        prosody=ProsodyConfig(window=Window(length=4, step=1), identify_speakers=True),
        ner=NerConfig(identify_speakers=True),
        facemesh=FacemeshConfig(),
        callback_url="https://cb",
    )
    data = json.loads(cfg.to_json())
    assert data["models"]["prosody"] == {
        "window": {"length": 4.0, "step": 1.0},
        "identify_speakers": True,
    }
    assert BatchConfig.from_dict(data) == cfg


def test_v0_stream_examples():
    text = StreamConfig(language=LanguageConfig(granularity="passage"))
    assert text.payload("<text>", raw_text=True) == {
        "data": "<text>",
        "models": {"language": {"granularity": "passage"}},
        "raw_text": True,
    }
    audio = StreamConfig(prosody=ProsodyConfig(), stream_window_ms=5000)
    assert audio.payload("<b64>") == {
        "data": "<b64>",
        "models": {"prosody": {}},
        "stream_window_ms": 5000,
    }
    assert StreamConfig.from_dict(audio.to_dict()) == audio
    assert text.payload("x", reset_stream=True, payload_id="7")["reset_stream"] is True


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (
            lambda: BatchConfig(language=LanguageConfig(granularity="passage")),
            "models.language.granularity",
        ),
        (
            lambda: StreamConfig(language=LanguageConfig(granularity="conversational_turn")),
            "models.language.granularity",
        ),
        (
            lambda: StreamConfig(prosody=ProsodyConfig(granularity="word")),
            "models.prosody.granularity",
        ),
        (lambda: StreamConfig(face=FaceConfig(save_faces=True)), "models.face.save_faces"),
        (
            lambda: StreamConfig(language=LanguageConfig(identify_speakers=True)),
            "models.language.identify_speakers",
        ),
        (lambda: StreamConfig(), "models"),
        (lambda: StreamConfig(face=FaceConfig(), stream_window_ms=-1), "stream_window_ms"),
        (lambda: FaceConfig(prob_threshold=-0.1), "models.face.prob_threshold"),
        (lambda: FaceConfig(fps_pred="3"), "models.face.fps_pred"),
        (lambda: FaceConfig(identify_faces=1), "models.face.identify_faces"),
        (lambda: LanguageConfig(granularity="paragraph"), "models.language.granularity"),
        (lambda: ProsodyConfig(granularity="passage"), "models.prosody.granularity"),
        (lambda: Window(length=0.2), "models.prosody.window.length"),
        (lambda: TranscriptionConfig(confidence_threshold=2), "transcription.confidence_threshold"),
        (lambda: TranscriptionConfig(language=""), "transcription.language"),
        (lambda: BatchConfig(face=ProsodyConfig()), "models.face"),
        (lambda: BatchConfig.from_dict({"models": {"face": {"fps": 3}}}), "models.face.fps"),
        (lambda: BatchConfig.from_dict({"models": {"video": {}}}), "models.video"),
        (lambda: StreamConfig.from_dict({"models": {"ner": {}}}), "models.ner"),
        (lambda: AudioConfig(measurement_timer_ms=2999), "measurement_timer_ms"),
        (lambda: AudioConfig(measurement_timer_ms=10001), "measurement_timer_ms"),
        (lambda: AudioConfig(measurement_timer_ms=5000.0), "measurement_timer_ms"),
        (lambda: AudioConfig.from_dict({"timer_ms": 5000}), "timer_ms"),
        (lambda: VideoConfig(threshold=1.01), "face.threshold"),
        (lambda: VideoConfig(threshold=float("nan")), "face.threshold"),
        (lambda: VideoConfig(min_size=0), "face.min_size"),
        (lambda: VideoConfig(face_state=""), "face_state"),
        (lambda: VideoConfig(face_state="s").session_update(), "face_state"),
        (lambda: VideoConfig(return_face_state=True).session_update(), "face.return_face_state"),
        (lambda: VideoConfig.from_dict({"face": {"max_faces": 3}}), "face.max_faces"),
        (lambda: V1Config(audio=VideoConfig()), "audio"),
    ],
)
def test_errors_name_the_field(build, field):
    with pytest.raises(ConfigError) as info:
        build()
    assert info.value.field == field
    assert str(info.value).startswith(field + ": ")


def test_boundaries_are_accepted():
    assert AudioConfig(measurement_timer_ms=3000).to_dict() == {"measurement_timer_ms": 3000}
    assert AudioConfig(measurement_timer_ms=10000).to_dict() == {"measurement_timer_ms": 10000}
    assert VideoConfig(threshold=0).to_dict() == {"face": {"threshold": 0.0}}
    assert VideoConfig(threshold=1, min_size=1).to_dict() == {
        "face": {"threshold": 1.0, "min_size": 1}
    }


def test_v1_examples():
    assert AudioConfig(measurement_timer_ms=5000).to_json() == '{"measurement_timer_ms":5000}'
    assert AudioConfig().to_json() is None and VideoConfig().to_json() is None
    video = VideoConfig(threshold=0.8, return_face_state=True)
    assert video.to_json() == '{"face":{"threshold":0.8,"return_face_state":true}}'
    assert VideoConfig.from_dict(json.loads(video.to_json())) == video
    assert AudioConfig(measurement_timer_ms=5000).session_update() == {
        "type": "session.update",
        "measurement_timer_ms": 5000,
    }
    assert VideoConfig().session_update() == {"type": "session.update"}
    both = V1Config.from_dict({"audio": {"measurement_timer_ms": 4000}, "video": None})
    assert both == V1Config(audio=AudioConfig(measurement_timer_ms=4000))


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        AudioConfig().measurement_timer_ms = 4000  # type: ignore[misc]
    assert VideoConfig(threshold=0.5).replace(face_state="x") == VideoConfig(
        threshold=0.5, face_state="x"
    )
