"""Simulated v0 batch predictions: shape, determinism, decoding-driven content, options."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from humeresearch.simulate import SimulationWarning, Source, v0_default_models, v0_predictions

from ._helpers import check_v0, image, items, signal, wav

ALL = {
    "face": {"facs": {}, "descriptions": {}},
    "burst": {},
    "prosody": {},
    "language": {"sentiment": {}, "toxicity": {}},
    "ner": {},
    "facemesh": {},
}


@pytest.fixture(scope="module")
def speech_wav() -> bytes:
    return wav(signal(12.0, [(1.0, 3.5), (5.0, 5.5), (7.0, 11.0)]))


@pytest.fixture(scope="module")
def mixed(speech_wav):
    sources = [
        Source("file", "talk.wav", data=speech_wav),
        Source("file", "face.jpg", data=image(320, 240)),
        Source("url", "https://example.org/media/clip.mp4?x=1"),
        Source("text", "text-0", text="We met Maria in Paris. Then we left!"),
        Source("file", "movie.mp4", data=b"\x00\x00\x00\x18ftypisom" + bytes(500_000)),
        Source("file", "junk.bin", data=b"\x00\x01\x02\x03" * 10),
    ]
    with pytest.warns(SimulationWarning, match="movie.mp4"):
        return sources, v0_predictions(sources, models=ALL)


def test_strict_shape(mixed, vocab):
    sources, out = mixed
    check_v0(out, vocab)
    assert len(out) == len(sources)
    assert [e["source"]["type"] for e in out] == ["file", "file", "url", "text", "file", "file"]
    assert out[2]["source"] == {"type": "url", "url": "https://example.org/media/clip.mp4?x=1"}
    assert out[3]["source"] == {"type": "text"}
    types = [[p["file_type"] for p in e["results"]["predictions"]] for e in out]
    assert types == [["audio"], ["image"], ["video"], ["text"], ["video"], []]
    assert out[2]["results"]["predictions"][0]["file"] == "clip.mp4"
    models = [sorted(p["models"]) for e in out for p in e["results"]["predictions"]]
    assert models[0] == ["burst", "language", "ner", "prosody"]
    assert models[1] == ["face", "facemesh"]
    assert models[3] == ["language", "ner"]
    assert out[5]["results"]["errors"][0]["file"] == "junk.bin"
    json.dumps(out, allow_nan=False)  # plain JSON types only


def test_deterministic_and_seeded(mixed):
    sources, out = mixed
    with pytest.warns(SimulationWarning):
        again = v0_predictions(sources, models=ALL)
        other = v0_predictions(sources, models=ALL, seed=1)
    assert again == out
    assert other != out
    assert [e["source"] for e in other] == [e["source"] for e in out]


def test_wav_speech_follows_the_sound(mixed):
    _, out = mixed
    models = out[0]["results"]["predictions"][0]["models"]
    spans = [p["time"] for _, p in items([out[0]], "prosody")]
    assert [(round(s["begin"], 2), round(s["end"], 2)) for s in spans] == [(1.0, 3.5), (7.0, 11.0)]
    bursts = [p["time"] for _, p in items([out[0]], "burst")]
    assert [(round(s["begin"], 2), round(s["end"], 2)) for s in bursts] == [(5.0, 5.5)]
    words = models["language"]["grouped_predictions"][0]["predictions"]
    assert all(1.0 - 1e-3 <= w["time"]["begin"] <= w["time"]["end"] <= 11.0 + 1e-3 for w in words)
    assert not any(3.5 + 1e-3 < w["time"]["begin"] < 7.0 - 1e-3 for w in words)


def test_silence_gives_no_speech():
    out = v0_predictions([Source("file", "quiet.wav", data=wav(signal(5.0, [])))])
    models = out[0]["results"]["predictions"][0]["models"]
    assert models["prosody"]["grouped_predictions"] == []
    assert models["burst"]["grouped_predictions"] == []
    assert models["language"]["grouped_predictions"] == []


def test_transcript_positions_index_the_transcript(speech_wav):
    out = v0_predictions(
        [Source("file", "t.wav", data=speech_wav)], models={"language": {"granularity": "word"}}
    )
    utt = v0_predictions(
        [Source("file", "t.wav", data=speech_wav)],
        models={"language": {"granularity": "utterance"}},
    )
    transcript = " ".join(p["text"] for _, p in items(utt, "language"))
    for _, p in items(out, "language"):
        assert transcript[p["position"]["begin"] : p["position"]["end"]] == p["text"]


def test_text_source_positions(mixed):
    _, out = mixed
    text = "We met Maria in Paris. Then we left!"
    words = [p for _, p in items([out[3]], "language")]
    assert [w["text"] for w in words] == ["We", "met", "Maria", "in", "Paris", "Then", "we", "left"]
    for w in words:
        assert text[w["position"]["begin"] : w["position"]["end"]] == w["text"]
        assert w["time"] is None and w["confidence"] is None
    ents = [p for _, p in items([out[3]], "ner")]
    assert [(e["entity"], e["position"]["begin"]) for e in ents] == [("Maria", 7), ("Paris", 16)]
    for e in ents:
        assert text[e["position"]["begin"] : e["position"]["end"]] == e["entity"] == e["link_word"]


def test_image_face_inside_bounds(mixed):
    _, out = mixed
    ((gid, face),) = items([out[1]], "face")
    assert gid == "unknown" and face["frame"] == 0 and face["time"] == 0.0
    b = face["box"]
    assert 0 <= b["x"] and 0 <= b["y"] and b["x"] + b["w"] <= 320 and b["y"] + b["h"] <= 240
    assert b["w"] >= 60 and face["prob"] >= 0.99
    assert len(face["facs"]) == 36 and len(face["descriptions"]) == 27


@pytest.mark.parametrize(("w", "h"), [(1000, 700), (641, 3000)])
def test_png_face_inside_bounds(w, h):
    out = v0_predictions([Source("file", "a.png", data=image(w, h, "PNG"))], models={"face": {}})
    ((_, face),) = items(out, "face")
    b = face["box"]
    assert b["x"] + b["w"] <= w and b["y"] + b["h"] <= h
    assert face["facs"] is None and face["descriptions"] is None


def test_blank_or_small_image_has_no_face():
    blank = v0_predictions(
        [Source("file", "b.jpg", data=image(320, 240, blank=True))], models={"face": {}}
    )
    assert items(blank, "face") == []
    small = v0_predictions(
        [Source("file", "s.jpg", data=image(120, 90))], models={"face": {"min_face_size": 60}}
    )
    assert items(small, "face") == []
    big = v0_predictions(
        [Source("file", "s.jpg", data=image(120, 90))], models={"face": {"min_face_size": 20}}
    )
    assert len(items(big, "face")) == 1


def test_undecodable_video_duration_from_size(mixed):
    _, out = mixed
    pred = out[4]["results"]["predictions"][0]
    assert "derived from the file size" in pred["simulation_warnings"][0]
    faces = [p for _, p in items([out[4]], "face")]
    duration = (500_000 + 16) / 250_000
    assert [p["frame"] for p in faces] == list(range(0, int(duration * 30), 10))
    assert all(p["time"] == p["frame"] / 30 for p in faces)


def test_video_face_at_fps_pred(mixed):
    _, out = mixed
    faces = [p for _, p in items([out[2]], "face")]
    frames = [p["frame"] for p in faces]
    assert frames == list(range(0, 10 * len(frames), 10))
    fast = v0_predictions(
        [Source("url", "https://example.org/media/clip.mp4?x=1")], models={"face": {"fps_pred": 0}}
    )
    assert [p["frame"] for _, p in items(fast, "face")][:5] == [0, 1, 2, 3, 4]
    assert len(items(fast, "face")) > 9 * len(frames)


def test_models_none_runs_everything_and_echo():
    out = v0_predictions([Source("url", "https://example.org/a.mp4")])
    assert sorted(out[0]["results"]["predictions"][0]["models"]) == sorted(ALL)
    echo = v0_default_models(None)
    assert echo == {
        "burst": {},
        "facemesh": {},
        "face": {"descriptions": None, "facs": None, "fps_pred": 3, "identify_faces": False,
                 "min_face_size": 60, "prob_threshold": 0.99, "save_faces": False},
        "language": {"granularity": "word", "identify_speakers": False, "sentiment": None, "toxicity": None},
        "ner": {"identify_speakers": False},
        "prosody": {"granularity": "utterance", "identify_speakers": False, "window": None},
    }  # fmt: skip
    assert v0_default_models({"prosody": {"granularity": "word", "bogus": 1}}) == {
        "prosody": {"granularity": "word", "identify_speakers": False, "window": None}
    }


@pytest.mark.parametrize(
    ("models", "match"),
    [
        ({"faces": {}}, "unknown model 'faces'"),
        ({"prosody": {"granularity": "passage"}}, "models.prosody.granularity"),
        ({"face": {"prob_threshold": 2}}, "models.face.prob_threshold"),
        ({"language": {"sentiment": True}}, "models.language.sentiment"),
        ([], "models: must be an object"),
    ],
)
def test_bad_config(models, match):
    with pytest.raises(ValueError, match=match):
        v0_default_models(models)


def test_speakers_granularities_and_window(speech_wav):
    src = [Source("file", "t.wav", data=speech_wav)]
    spk = v0_predictions(src, models={"prosody": {"identify_speakers": True}})
    assert [g for g, _ in items(spk, "prosody")] == ["spk_0", "spk_1"]
    n_sent = len(
        items(v0_predictions(src, models={"language": {"granularity": "sentence"}}), "language")
    )
    n_word = len(items(v0_predictions(src, models={"language": {}}), "language"))
    turns = items(
        v0_predictions(src, models={"language": {"granularity": "conversational_turn"}}), "language"
    )
    assert n_word > n_sent >= 2 and len(turns) == 1
    win = v0_predictions(src, models={"prosody": {"window": {"length": 4, "step": 2}}})
    spans = [p["time"] for _, p in items(win, "prosody")]
    assert [s["begin"] for s in spans] == [0, 2, 4, 6, 8, 10]
    assert spans[-1]["end"] == 12.0 and all(p["text"] is None for _, p in items(win, "prosody"))


def test_transcription_off_and_threshold(speech_wav):
    src = [Source("file", "t.wav", data=speech_wav)]
    off = v0_predictions(
        src, models={"prosody": {}, "language": {}, "ner": {}}, transcription=False
    )
    models = off[0]["results"]["predictions"][0]["models"]
    assert sorted(models) == ["prosody"]
    assert [p["text"] for _, p in items(off, "prosody")] == [None, None]
    strict = v0_predictions(
        src, models={"prosody": {}, "language": {}}, transcription={"confidence_threshold": 1.0}
    )
    assert items(strict, "language") == []
    assert (
        strict[0]["results"]["predictions"][0]["models"]["language"]["metadata"]["confidence"] < 1.0
    )
    fr = v0_predictions(src, models={"prosody": {}}, transcription={"language": "fr"})
    assert (
        fr[0]["results"]["predictions"][0]["models"]["prosody"]["metadata"]["detected_language"]
        == "fr"
    )


def test_archive_expands_to_members(speech_wav):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("faces/a.jpg", image(200, 200))
        z.writestr("talk.wav", speech_wav)
        z.writestr("../evil.jpg", image(200, 200))
    out = v0_predictions(
        [Source("file", "bundle.zip", data=buf.getvalue())], models={"face": {}, "prosody": {}}
    )
    preds = out[0]["results"]["predictions"]
    assert [(p["file"], p["file_type"], sorted(p["models"])) for p in preds] == [
        ("faces/a.jpg", "image", ["face"]),
        ("talk.wav", "audio", ["prosody"]),
    ]


def test_url_without_data_is_simulated_from_the_url():
    a = v0_predictions([Source("url", "https://x.org/a.wav")], models={"prosody": {}})
    b = v0_predictions([Source("url", "https://x.org/b.wav")], models={"prosody": {}})
    assert a[0]["results"]["predictions"][0]["file_type"] == "audio"
    assert items(a, "prosody") and items(a, "prosody") != items(b, "prosody")
    zipped = v0_predictions([Source("url", "https://x.org/faces.zip")], models={"face": {}})
    assert all(p["file"].startswith("faces/") for p in zipped[0]["results"]["predictions"])


def test_source_validation():
    with pytest.raises(ValueError, match="Source.kind"):
        Source("stream", "x")
    with pytest.raises(TypeError, match=r"sources\[0\]"):
        v0_predictions([{"kind": "url"}])
