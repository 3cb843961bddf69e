"""The v0 stream client: payloads within the limits, replies on the recording's clock."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("av")
pytest.importorskip("websockets")

from humeresearch.clients import (
    FaceConfig,
    LanguageConfig,
    Payload,
    ProsodyConfig,
    StreamConfig,
    StreamResult,
    V0StreamClient,
    media_stream,
)
from humeresearch.media import frame_times

from .conftest import KEY, bursty, within

PROSODY = StreamConfig(prosody=ProsodyConfig())


def test_long_text_in_sentence_payloads_positions_on_the_whole_text(srv):
    text = "".join(f"Sentence number {i} is here. " for i in range(900))  # ~26k chars
    cfg = StreamConfig(language=LanguageConfig(granularity="sentence"))
    result = V0StreamClient(srv.url, api_key=KEY).text(text, config=cfg, source="essay")
    assert len(result.replies) == 3
    assert [r["payload_id"] for r in result.replies] == ["text-00000", "text-00001", "text-00002"]
    starts = sorted(result.chars.values())
    assert starts[0] == 0 and all(b - a <= 10_000 for a, b in zip(starts, starts[1:]))
    assert all(text[s - 2 : s] == ". " for s in starts[1:])  # cut at sentence ends
    spans = result.read().spans()
    assert set(spans["source"]) == {"essay"}
    for row in spans.sample(20, random_state=0).itertuples():
        assert text[row.char_begin : row.char_end].strip(" .") == row.text.strip(" .")


def test_audio_payloads_land_on_the_recording_clock(srv, tmp_path):
    audio, segments = bursty(40.0, seed=2)
    path = tmp_path / "talk.wav"
    path.write_bytes(audio.wav())
    payloads = media_stream(str(path), config=PROSODY)
    assert all(p.kind == "audio" for p in payloads)
    assert len(payloads) >= 8  # 40 s in pieces of at most 5 s
    result = V0StreamClient(srv.url, api_key=KEY).media(str(path), config=PROSODY)
    spans = result.read().spans()
    got = list(zip(spans["begin"], spans["end"], strict=True))
    assert within(got, segments, slack=0.05)
    covered = {i for i, (a, b) in enumerate(segments) for s, e in got if s < b and e > a}
    assert covered == set(range(len(segments)))  # every burst measured
    assert spans["end"].max() <= 40.0 and set(spans["file"]) == {"talk.wav"}
    # the stored form reads back the same
    again = StreamResult.load(result.save(tmp_path / "r.json")).read().spans()
    assert again["begin"].tolist() == spans["begin"].tolist()


def test_video_frames_and_audio(srv, tmp_path):
    from tests.media.conftest import make_video

    video_path = str(tmp_path / "talk.mp4")
    (tmp_path / "talk.mp4").write_bytes(make_video())
    cfg = StreamConfig(face=FaceConfig(identify_faces=True), prosody=ProsodyConfig())
    result = V0StreamClient(srv.url, api_key=KEY).media(video_path, config=cfg)
    spans = result.read().spans()
    face = spans[spans["model"] == "face"].drop_duplicates("begin")
    assert face["begin"].round(3).tolist() == [round(t, 3) for t in frame_times(video_path)]
    prosody = spans[spans["model"] == "prosody"]
    assert len(prosody) and prosody["end"].max() <= 4.0 + 1e-6


def test_errors_and_warnings_go_to_the_errors_table(srv):
    cfg = StreamConfig(face=FaceConfig())
    blank = media_stream(_gray_jpeg(), config=cfg)[0]
    bad = Payload("bad-0", "image", "%%% not base64 %%%", cfg, offset=1.0)
    client = V0StreamClient(srv.url, api_key=KEY)
    import asyncio

    replies = asyncio.run(client.send([blank, bad]))
    result = StreamResult("cam", replies, {"image-00000": 0.0, "bad-0": 1.0})
    errors = result.read().errors()
    assert sorted(errors["code"]) == ["E0201", "W0103"]
    assert errors["message"].str.startswith("payload ").all()


def test_reset_stream_first_and_after_a_lost_connection(faulty):
    cfg = PROSODY
    p = Payload("a", "audio", "x", cfg)
    assert p.message(reset_stream=True)["reset_stream"] is True
    assert "reset_stream" not in p.message()
    srv = faulty("ws_close:#1@2")  # the first connection is closed after 2 replies
    audio, _ = bursty(24.0, seed=3)
    result = V0StreamClient(srv.url, api_key=KEY).media(audio.wav(), config=cfg, source="s")
    ids = [r["payload_id"] for r in result.replies]
    assert ids == sorted(result.offsets) and len(ids) >= 5
    assert [f["kind"] for f in srv.counters()["faults"]] == ["ws_close"]
    assert srv.counters()["requests"]["WS /v0/stream/models"] == 2


def test_key_refused_and_never_shown(faulty):
    from humeresearch.clients import TransportError

    srv = faulty("429:0")  # a server that wants KEY
    client = V0StreamClient(srv.url, api_key="sk-wrong-secret-987")
    assert "sk-wrong" not in repr(client)
    with pytest.raises(TransportError) as info:
        client.text("Hi.", config=StreamConfig(language=LanguageConfig()))
    assert "sk-wrong" not in str(info.value)


def _gray_jpeg() -> bytes:
    import av
    import numpy as np

    from humeresearch.media import encode_jpeg

    frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 90, "uint8"), format="rgb24")
    data = encode_jpeg(frame)[0]
    assert base64.b64encode(data)
    return data
