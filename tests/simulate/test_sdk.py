"""The official SDK (``hume==0.13.13``) parses the simulated v0 outputs (optional)."""

from __future__ import annotations

import base64

import pytest

from humeresearch.simulate import Source, study, v0_predictions, v0_stream_reply

from ._helpers import EVERY_MODEL, image, signal, wav

pytestmark = pytest.mark.sdk
pytest.importorskip("hume.expression_measurement")
pydantic = pytest.importorskip("pydantic")


def test_batch_predictions_parse():
    from hume.expression_measurement.batch.types import UnionPredictResult

    sources = [
        Source("file", "talk.wav", data=wav(signal(8.0, [(0.5, 3.0), (3.5, 3.9), (5.0, 7.5)]))),
        Source("file", "face.jpg", data=image(320, 240)),
        Source("url", "https://example.org/v/clip.mp4"),
        Source("text", "text-0", text="We met Maria in Paris."),
        Source("file", "junk.bin", data=b"\x00\x01\x02\x03"),
    ]
    out = (
        v0_predictions(sources, models=EVERY_MODEL)
        + study(participants=2, duration=6.0).predictions
    )
    parsed = pydantic.TypeAdapter(list[UnionPredictResult]).validate_python(out)
    face = parsed[1].results.predictions[0].models.face.grouped_predictions[0].predictions[0]
    assert face.time == 0.0 and len(face.facs) == 36
    assert (
        parsed[0]
        .results.predictions[0]
        .models.burst.grouped_predictions[0]
        .predictions[0]
        .descriptions
    )
    assert parsed[4].results.errors[0].file == "junk.bin"
    ner = parsed[3].results.predictions[0].models.ner.grouped_predictions[0].predictions
    assert [n.entity for n in ner] == ["Maria", "Paris"]


@pytest.mark.parametrize(
    "message",
    [
        {
            "data": base64.b64encode(image(320, 240)).decode(),
            "models": {"face": {"facs": {}}},
            "payload_id": "a",
        },
        {"data": base64.b64encode(image(320, 240, blank=True)).decode(), "models": {"face": {}}},
        {
            "data": base64.b64encode(wav(signal(3.0, [(0.5, 2.5)]))).decode(),
            "models": {"prosody": {}, "burst": {}},
        },
        {
            "data": "I am happy.",
            "raw_text": True,
            "models": {"language": {"sentiment": {}, "toxicity": {}}},
        },
        {"data": "%%%", "models": {"face": {}}},
        {"job_details": True},
    ],
)
def test_stream_replies_parse(message):
    from hume.expression_measurement.stream.stream.types import SubscribeEvent

    reply = v0_stream_reply(message)
    parsed = pydantic.TypeAdapter(SubscribeEvent).validate_python(reply)
    if "code" in reply and reply["code"].startswith("E"):
        assert parsed.code == reply["code"]
