"""v1 video: JPEG checks, one face inside the image, face ids and face_state, realtime frames."""

from __future__ import annotations

import struct

import pytest

from humeresearch.simulate import SimulationError, VideoSession, v1_video, v1_video_frame
from humeresearch.simulate._v1_video import VIDEO_DESCRIPTIONS, VIDEO_EXPRESSIONS

from ._helpers import image


@pytest.fixture(scope="module")
def frames():
    return [image(640, 480), image(640, 480, "JPEG"), image(320, 240), image(640, 480, blank=True)]


def _big_header(w: int, h: int) -> bytes:
    """A JPEG whose SOF header claims ``w`` x ``h`` (enough for the size checks)."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 8, 8, h, w, 0)
    return b"\xff\xd8\xff\xe0\x00\x04ab" + sof + b"\xff\xda\x00\x02" + bytes(10) + b"\xff\xd9"


def test_faces_inside_bounds_and_ids(frames):
    out = v1_video(frames)
    assert out["received"] == {"frames": 4}
    assert [m["frame_id"] for m in out["measurements"]] == [0, 1, 2, 3]
    sizes = [(640, 480), (640, 480), (320, 240), (640, 480)]
    faces = [m["faces"] for m in out["measurements"]]
    assert [len(f) for f in faces] == [1, 1, 1, 0]  # the blank frame has no face
    for (w, h), fs in zip(sizes, faces):
        for f in fs:
            x0, y0, x1, y1 = f["bbox"]
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
            assert min(x1 - x0, y1 - y0) >= 60
            assert 0.9 <= f["confidence"] <= 1
    assert [fs[0]["face_id"] for fs in faces[:3]] == [0, 0, 1]  # same camera size, same person
    assert "face_state" not in out
    assert out == v1_video(frames)
    assert out != v1_video(frames, seed=2)


def test_score_lists(frames):
    for m in v1_video(frames)["measurements"]:
        for f in m["faces"]:
            for key, names in (
                ("expressions", VIDEO_EXPRESSIONS),
                ("descriptions", VIDEO_DESCRIPTIONS),
            ):
                probs = [s["probability"] for s in f[key]]
                assert probs == sorted(probs, reverse=True) and all(
                    p > 0.1 and round(p, 4) == p for p in probs
                )
                assert {s["name"] for s in f[key]} <= set(names)


def test_selection_thresholds(frames):
    assert all(m["faces"] == [] for m in v1_video(frames[:1], threshold=1.0)["measurements"])
    assert all(m["faces"] == [] for m in v1_video(frames[2:3], min_size=300)["measurements"])
    for bad in ({"threshold": 1.5}, {"min_size": 0}, {"min_size": 2.5}):
        with pytest.raises(SimulationError, match="config_invalid"):
            v1_video(frames[:1], **bad)


def test_face_state_continues_numbering(frames):
    first = v1_video([frames[2]], return_face_state=True)
    assert first["measurements"][0]["faces"][0]["face_id"] == 0
    state = first["face_state"]
    later = v1_video([frames[0], frames[2]], face_state=state)
    assert [m["faces"][0]["face_id"] for m in later["measurements"]] == [1, 0]
    altered = state[:-1] + ("0" if state[-1] != "0" else "1")
    restart = v1_video([frames[0]], face_state=altered)
    assert restart["measurements"][0]["faces"][0]["face_id"] == 0
    assert (
        v1_video([frames[0]], face_state="garbage")["measurements"][0]["faces"][0]["face_id"] == 0
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (image(100, 100, "PNG"), "unsupported_media_type"),
        (b"", "unsupported_media_type"),
        (_big_header(3841, 2160), "image_too_large"),
        (b"\xff\xd8\xff" + bytes(2_000_000), "image_too_large"),
        (image(100, 100)[:40], "image_decode_failed"),
    ],
)
def test_upload_errors(frames, data, code):
    with pytest.raises(SimulationError) as err:
        v1_video([frames[0], data])  # checked before anything is measured
    assert err.value.code == code
    assert "image 1" in err.value.message


def test_largest_allowed_size_passes():
    out = v1_video([_big_header(3840, 2160)])
    assert out["received"] == {"frames": 1}


def test_realtime_session(frames):
    session = VideoSession(seed=0)
    r0 = v1_video_frame(frames[0], session=session)
    assert r0["type"] == "measurement.result" and r0["frame_id"] == 0
    with pytest.raises(SimulationError, match="invalid_image_frame"):
        v1_video_frame(image(50, 50, "PNG"), session=session)
    with pytest.raises(SimulationError, match="invalid_image_frame"):
        v1_video_frame(_big_header(4000, 3000), session=session)
    with pytest.raises(SimulationError, match="message_too_large"):
        v1_video_frame(b"\xff\xd8\xff" + bytes(2_000_001), session=session)
    r1 = v1_video_frame(frames[2], session=session)
    assert r1["frame_id"] == 1 and r1["faces"][0]["face_id"] == 1
    r2 = v1_video_frame(frames[1], session=session)
    assert r2["faces"][0]["face_id"] == 0
    assert session.frames == 3 and session.measured_faces == 3
    # the same frames in an upload give the same faces
    upload = v1_video([frames[0], frames[2], frames[1]])
    assert [m["faces"] for m in upload["measurements"]] == [r0["faces"], r1["faces"], r2["faces"]]
