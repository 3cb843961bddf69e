"""A 10-minute recording through the v0 stream, split v1 uploads and v1 realtime: one clock."""

from __future__ import annotations

import pytest

import humeresearch as hr
from humeresearch import server
from humeresearch.clients import ProsodyConfig, StreamConfig, V0StreamClient, V1RealtimeClient
from humeresearch.measure import measure
from humeresearch.measure._ledger import Ledger
from humeresearch.simulate._vad import segments as vad_segments
from tests.clients.conftest import bursty, within

from .conftest import KEY

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")
SECONDS = 600.0


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    audio, known = bursty(SECONDS, seed=10)
    simulated = vad_segments(audio.samples / 32768.0, 16000)
    assert len(simulated) == len(known)  # the simulator finds the bursts we made
    path = tmp_path_factory.mktemp("long") / "session.wav"
    path.write_bytes(audio.wav())
    return audio, known, str(path)


def _covered(spans, known) -> set[int]:
    return {i for i, (a, b) in enumerate(known) for s, e in spans if s < b and e > a}


@pytest.mark.slow
def test_v0_stream_payloads(recording):
    audio, known, path = recording
    with server.start(api_key=KEY) as srv:
        result = V0StreamClient(srv.url, api_key=KEY).media(
            path, config=StreamConfig(prosody=ProsodyConfig())
        )
    assert len(result.replies) >= SECONDS / 5
    spans = result.read().spans()
    got = list(zip(spans["begin"], spans["end"], strict=True))
    assert within(got, known, slack=0.05) and _covered(got, known) == set(range(len(known)))


@pytest.mark.slow
def test_v1_upload_split_at_silences(recording, tmp_path, monkeypatch):
    audio, known, path = recording
    from humeresearch.media import _audio

    # force pieces of about 60 s so the recording is split (at silences)
    monkeypatch.setattr(_audio, "UPLOAD_LIMIT", 2_000_000)
    monkeypatch.setattr(
        _audio.split_audio,
        "__kwdefaults__",
        {**_audio.split_audio.__kwdefaults__, "max_bytes": 2_000_000},
    )
    with server.start(api_key=KEY) as srv:
        m = measure(path, project=tmp_path, base_url=srv.url, api_key=KEY, progress=False)
    with Ledger(tmp_path) as ledger:
        (key,) = [tuple(r) for r in ledger.table()[["content_hash", "api", "config_hash"]].values]
        offsets = sorted(p["meta"]["offset"] for p in ledger.pieces(key).values())
    assert len(offsets) >= 10  # split
    for cut in offsets[1:]:  # every cut in a silence
        assert not any(a < cut < b for a, b in known)
    spans = m.spans()
    got = list(zip(spans["begin"], spans["end"], strict=True))
    assert within(got, known, slack=1.05)  # speech_ended spans may end up to 1 s late
    assert _covered(got, known) == set(range(len(known)))
    assert spans["end"].max() <= SECONDS


@pytest.mark.slow
def test_v1_realtime_with_a_shutdown(recording):
    audio, known, _ = recording
    faults = "WS /v1/expression/audio/realtime=shutdown:#1@150"
    with server.start(api_key=KEY, realtime_speed=200, faults=faults) as srv:
        client = V1RealtimeClient(srv.url, api_key=KEY, speed=200, settle=0.002)
        result = client.audio(audio, source="session.wav")
    assert [s.reason for s in result.sessions] == ["server_shutdown", "client_request"]
    assert sum(s.accepted_seconds for s in result.sessions) == SECONDS
    spans = hr.concat([result.read()]).spans()
    got = list(zip(spans["begin"], spans["end"], strict=True))
    cut = result.sessions[1].offset
    assert within([g for g in got if g[1] <= cut or g[0] >= cut], known, slack=1.05)
    assert _covered(got, known) >= set(range(len(known))) - {
        i for i, (a, b) in enumerate(known) if a <= cut <= b
    }
